"""Textual's command palette with its one fixed English sentence in the interface language.

The palette itself is Textual's; only the "No matches found" line it adds after a search
that found nothing is drawn here, in Korean or English (its prompt is already a parameter).
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from tui.i18n import tr


class LocalPalette(CommandPalette):
    """The palette, saying "no matches" in `lang`."""

    def __init__(self, *, lang: str, placeholder: str) -> None:
        super().__init__(id="--command-palette", placeholder=placeholder)
        self.lang = lang

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(tr("palette_no_match", self.lang), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
