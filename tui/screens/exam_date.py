"""Set or clear the exam date (setting "exam_date"), which the scheduler and queue obey."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.i18n import tr

if TYPE_CHECKING:
    from tui.app import DlearnApp


class ExamDateScreen(ModalScreen[None]):
    """A one-line form: YYYY-MM-DD and Enter; empty and Enter clears; Esc cancels."""

    BINDINGS = [Binding("escape", "dismiss", "cancel")]

    lang: reactive[str] = reactive("en")
    """Language of the form's words."""

    app: DlearnApp  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        self.set_reactive(ExamDateScreen.lang, self.app.lang)
        current = self.app.exam_date
        with Vertical(id="dialog"):
            yield Static(tr("exam_date_title", self.lang), id="title", markup=False)
            yield Static(tr("exam_date_help", self.lang), id="help", markup=False)
            yield Input(value=current.isoformat() if current else "", placeholder="YYYY-MM-DD")
            yield Static(id="error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.query_one("#title", Static).update(tr("exam_date_title", self.lang))
            self.query_one("#help", Static).update(tr("exam_date_help", self.lang))

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        lang = self.lang
        if not text:
            self.app.set_exam_date(None)
            self.app.notify(tr("exam_date_cleared", lang))
            self.dismiss()
            return
        try:
            chosen = date.fromisoformat(text)
        except ValueError:
            self.query_one("#error", Static).update(tr("exam_date_bad", lang, text=text))
            return
        if chosen < self.app.today():
            self.query_one("#error", Static).update(
                tr("exam_date_past", lang, date=chosen.isoformat())
            )
            return
        self.app.set_exam_date(chosen)
        self.app.notify(tr("exam_date_set", lang, date=chosen.isoformat()))
        self.dismiss()
