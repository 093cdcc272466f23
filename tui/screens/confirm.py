"""A yes/no question in a small modal: Enter or y says yes, Esc or n says no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.i18n import tr
from tui.keys import jamo


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True (yes) or False (no)."""

    BINDINGS = [
        Binding(jamo("enter,y"), "answer(True)", "yes"),
        Binding(jamo("escape,n"), "answer(False)", "no"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the buttons' help line."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        self.set_reactive(ConfirmScreen.lang, getattr(self.app, "lang", "en"))
        with Vertical(id="dialog"):
            yield Static(self.message, id="question", markup=False)
            yield Static(tr("confirm_keys", self.lang), id="keys", markup=False)

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.query_one("#keys", Static).update(tr("confirm_keys", self.lang))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
