"""Set or clear the exam date (setting "exam_date"), which the scheduler and queue obey.

The box takes the forms a Korean student types: 2026-12-10, 2026.12.10, 2026/12/10,
2026년 12월 10일, and without a year 12/10, 12.10, 12-10, 12월 10일 (the next such day).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.i18n import tr, with_particle

if TYPE_CHECKING:
    from tui.app import DlearnApp


_WITH_YEAR = re.compile(r"^(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[일.]?$")
_NO_YEAR = re.compile(r"^(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[일.]?$")


def read_date(text: str, today: date) -> date | None:
    """The date in `text`, or None. Without a year it is the next such day from `today`."""
    text = text.strip()
    if match := _WITH_YEAR.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _NO_YEAR.match(text):
        year, (month, day) = today.year, (int(g) for g in match.groups())
        try:
            if date(year, month, day) < today:
                year += 1
        except ValueError:
            return None
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def example_date(today: date) -> str:
    """A date to show as an example: four weeks ahead, never one already past."""
    return (today + timedelta(days=28)).isoformat()


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
            yield Static(self._help(), id="help", markup=False)
            yield Input(value=current.isoformat() if current else "", placeholder="YYYY-MM-DD")
            yield Static(id="error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.query_one("#title", Static).update(tr("exam_date_title", self.lang))
            self.query_one("#help", Static).update(self._help())

    def _help(self) -> str:
        return tr("exam_date_help", self.lang, example=example_date(self.app.today()))

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        lang = self.lang
        if not text:
            self.app.set_exam_date(None)
            self.app.notify(tr("exam_date_cleared", lang))
            self.dismiss()
            return
        today = self.app.today()
        chosen = read_date(text, today)
        if chosen is None:
            quoted = with_particle(f"'{text}'", "은/는", lang)
            message = tr("exam_date_bad", lang, text=quoted, example=example_date(today))
            self.query_one("#error", Static).update(message)
            return
        when = chosen.isoformat()
        if chosen < today:
            self.query_one("#error", Static).update(
                tr("exam_date_past", lang, date=with_particle(when, "은/는", lang), today=today)
            )
            return
        self.app.set_exam_date(chosen)
        self.app.notify(tr("exam_date_set", lang, date=with_particle(when, "으로/로", lang)))
        self.dismiss()
