"""Before a mock exam: how many questions, and how much time for each.

Key e used to start 25 questions / 37:30 with no say; now it opens this list. The choice
made with `dlearn exam -n N --minutes M` is on it too, and is where the cursor starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import tr
from tui.keys import jamo
from tui.widgets.rows import countdown

if TYPE_CHECKING:
    from tui.app import DlearnApp

# (questions, seconds a question); 90 s a question is the default pace
CHOICES: tuple[tuple[int, int], ...] = ((10, 90), (25, 90), (40, 90), (10, 60), (25, 60), (25, 120))


def exam_choices(
    available: int, questions: int, minutes: float | None
) -> list[tuple[int, float | None]]:
    """(questions, minutes; None = the default pace) to offer, the app's own choice first.

    A length beyond the bank's `available` questions becomes the whole bank; the same
    length and time is offered once.
    """
    out: list[tuple[int, float | None]] = []
    seen: set[tuple[int, int]] = set()
    wanted: list[tuple[int, float | None, int]] = [(questions, minutes, 0)]
    wanted += [(n, None, pace) for n, pace in CHOICES]
    for n, limit, pace in wanted:
        n = max(1, min(n, available))
        if pace and pace != 90:
            limit = n * pace / 60  # the pace holds for a bank smaller than the length
        key = (n, round(limit * 60) if limit else 90 * n)
        if key not in seen:
            seen.add(key)
            out.append((n, limit))
    return out


class ExamSetupScreen(ModalScreen[None]):
    """↑/↓ pick a length and a time, Enter starts, Esc cancels."""

    BINDINGS = [
        Binding("escape", "dismiss", "cancel"),
        Binding(jamo("a"), "toggle_enrichment", "enrichment"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the list."""

    app: DlearnApp  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        self.set_reactive(ExamSetupScreen.lang, self.app.lang)
        available = len({q.id for q in self.app.course.questions})
        self.choices = exam_choices(available, self.app.exam_questions, self.app.exam_minutes)
        with Vertical(id="dialog"):
            yield Static(tr("exam_setup_title", self.lang), id="title", markup=False)
            yield OptionList(*self._options(), id="exam-choices")
            yield Static(self._enrichment_line(), id="enrichment", markup=False)
            yield Static(tr("exam_setup_keys", self.lang), id="keys", markup=False)

    def _options(self) -> list[Option]:
        options = []
        for i, (n, minutes) in enumerate(self.choices):
            seconds = round(minutes * 60) if minutes else 90 * n
            label = tr("exam_setup_row", self.lang, n=n, time=countdown(seconds))
            options.append(Option(label, id=str(i)))
        return options

    def _enrichment_line(self) -> str:
        key = "on" if self.app.exam_enrichment else "off"
        return tr(f"exam_setup_enrichment_{key}", self.lang)

    def action_toggle_enrichment(self) -> None:
        """Put the items beyond the lecture in the exam, or leave them out (the default)."""
        self.app.exam_enrichment = not self.app.exam_enrichment
        self.query_one("#enrichment", Static).update(self._enrichment_line())

    def on_mount(self) -> None:
        choices = self.query_one("#exam-choices", OptionList)
        choices.highlighted = 0
        choices.focus()

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.query_one("#title", Static).update(tr("exam_setup_title", self.lang))
            self.query_one("#keys", Static).update(tr("exam_setup_keys", self.lang))
            self.query_one("#enrichment", Static).update(self._enrichment_line())
            choices = self.query_one("#exam-choices", OptionList)
            highlighted = choices.highlighted
            choices.set_options(self._options())
            choices.highlighted = highlighted

    @on(OptionList.OptionSelected, "#exam-choices")
    async def _start(self, event: OptionList.OptionSelected) -> None:
        n, minutes = self.choices[int(event.option.id or 0)]
        app = self.app
        app.exam_questions, app.exam_minutes = n, minutes  # the next exam starts from it too
        self.dismiss()
        await app.open_screen("exam")
