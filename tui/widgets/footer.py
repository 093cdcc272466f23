"""The key bar at the bottom of every screen, in the interface language.

Textual's Footer builds a widget per key and rebuilds them all whenever the bindings
change; on a 2-core machine that alone cost about a third of the start-up budget. This
bar is one widget that draws the screen's active bindings as one line of text: binding
descriptions are i18n keys (e.g. "review") and are translated as the line is drawn, so a
language switch only needs `refresh_bindings()`. The palette key sits at the right end;
when 80 columns are not enough, keys are cut from the end of the line, not the palette.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from tui.i18n import STRINGS, tr


class LocalFooter(Widget):
    """One line: `key description` for each shown binding, and the palette key at the right."""

    DEFAULT_CSS = """
    LocalFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    LocalFooter > .footer--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    LocalFooter > .footer--disabled {
        text-style: dim;
    }
    """

    COMPONENT_CLASSES = {"footer--key", "footer--disabled"}

    lang: reactive[str] = reactive("en")
    """Set by `tui.i18n.relabel` on a language switch, so footers of covered screens redraw."""

    def on_mount(self) -> None:
        self.lang = getattr(self.app, "lang", "en")
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def _describe(self, description: str) -> str:
        return tr(description, self.lang) if description in STRINGS else description

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer--key")
        disabled_style = self.get_component_rich_style("footer--disabled")
        palette_key = self.app.COMMAND_PALETTE_BINDING
        left, right = Text(), Text()
        shown_actions: set[str] = set()
        for key, (_node, binding, enabled, _tip) in self.screen.active_bindings.items():
            if key == palette_key and self.app.ENABLE_COMMAND_PALETTE:
                right.append(f" {self.app.get_key_display(binding)} ", style=key_style)
                right.append(self._describe(binding.description) + " ")
                continue
            if not binding.show or binding.action in shown_actions:
                continue
            shown_actions.add(binding.action)
            style = key_style if enabled else disabled_style
            left.append(f" {self.app.get_key_display(binding)} ", style=style)
            left.append(
                self._describe(binding.description), style="" if enabled else disabled_style
            )
        width = self.size.width
        room = max(width - cell_len(right.plain) - 1, 0)
        if cell_len(left.plain) > room:
            left.truncate(room, overflow="ellipsis")
        left.append(" " * max(width - cell_len(left.plain) - cell_len(right.plain), 0))
        return left + right
