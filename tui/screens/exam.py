"""The mock exam: N questions across the sections, a countdown, no feedback until the end.

All answer inputs are mounted at once and only the current one is shown, so the learner
can go back and forth (PgUp/PgDn, Enter = next) and change answers. Ctrl+S submits after a
confirmation; when time runs out the exam submits itself. The result is saved with
`ProgressStore.save_exam` and shown on the result screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static

from content.answers import InvalidResponse, expected_text, grade
from content.generators import instantiate
from content.model import Question
from content.session import ExamAnswer, ExamResult, draw_exam
from content.shuffle import attempt_seed, shuffled
from tui.i18n import tr
from tui.messages import AnswerChanged, AnswerRejected, AnswerSubmitted
from tui.screens.review import numbered_blanks
from tui.widgets.answer import AnswerInput
from tui.widgets.answer_factory import answer_input
from tui.widgets.footer import LocalFooter
from tui.widgets.rows import countdown

if TYPE_CHECKING:
    from tui.app import DlearnApp

SECONDS_PER_QUESTION = 90
TICK_S = 0.5


class ExamScreen(Screen[None]):
    """A timed mock exam over `draw_exam`'s questions."""

    BINDINGS = [
        Binding("pageup", "move(-1)", "exam_prev", key_display="PgUp", priority=True),
        Binding("pagedown", "move(1)", "exam_next", key_display="PgDn", priority=True),
        Binding("ctrl+s", "submit_exam", "exam_submit", key_display="^s", priority=True),
        Binding("escape", "app.open('home')", "back"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""
    current: reactive[int] = reactive(0, init=False)
    """Index of the question on show."""

    app: DlearnApp  # type: ignore[assignment]

    def __init__(self, questions: int = 25, minutes: int | None = None) -> None:
        super().__init__()
        self.n = questions
        self.minutes = minutes
        self.questions: list[Question] = []
        self.finished = False
        self.timer: Timer | None = None

    def compose(self) -> ComposeResult:
        self.set_reactive(ExamScreen.lang, self.app.lang)
        yield Header(icon="≡")
        yield Static(id="status", markup=False)
        yield Static(id="map", markup=False)
        with VerticalScroll(id="body"):
            yield Static(id="question", markup=False)
            yield Vertical(id="answers")
            yield Static(id="hint", markup=False)
        yield LocalFooter()

    async def on_mount(self) -> None:
        app = self.app
        drawn = draw_exam(app.course, self.n, app.rng)
        self.started = app.now()
        # options in a fresh order per exam; the walkthrough reuses these questions as shown
        stamp = self.started.isoformat()
        shown = [
            shuffled(instantiate(q, app.rng), attempt_seed(app.shuffle_seed, q.id, stamp))
            for q in drawn
        ]
        self.questions = [q for q, _ in shown]
        self.orders = [order for _, order in shown]  # order.to_bank(response): bank indices
        self.time_limit_s = (
            self.minutes * 60 if self.minutes else SECONDS_PER_QUESTION * len(self.questions)
        )
        if not self.questions:
            self.finished = True
            self.query_one("#question", Static).update(tr("exam_empty", self.lang))
            return
        widgets = [answer_input(q, lang=self.lang, rng=app.rng) for q in self.questions]
        for widget in widgets[1:]:
            widget.display = False
        await self.query_one("#answers").mount_all(widgets)
        self.timer = self.set_interval(TICK_S, self.tick)
        self.relabel()
        self.call_after_refresh(widgets[0].focus_input)

    def widgets(self) -> list[AnswerInput]:
        return list(self.query_one("#answers").query_children(AnswerInput))

    def remaining(self) -> float:
        return self.time_limit_s - (self.app.now() - self.started).total_seconds()

    def tick(self) -> None:
        """Update the countdown; submit when time is up."""
        if self.finished:
            return
        if self.remaining() <= 0:
            self.finish(timed_out=True)
        else:
            self.relabel()

    def relabel(self) -> None:
        lang = self.lang
        self.sub_title = tr("exam_title", lang)
        if self.finished or not self.questions:
            return
        widgets = self.widgets()
        answered = [w.response() is not None for w in widgets]
        status = tr(
            "exam_status",
            lang,
            i=self.current + 1,
            n=len(widgets),
            answered=sum(answered),
            left=countdown(self.remaining()),
        )
        self.query_one("#status", Static).update(status)
        marks = Text()
        for i, done in enumerate(answered):
            if i and i % 5 == 0:
                marks.append(" ")
            marks.append("●" if done else "○", style="reverse bold" if i == self.current else "")
        self.query_one("#map", Static).update(marks)
        question = self.questions[self.current]
        text = question.text.get(lang)
        text = numbered_blanks(text) if question.type == "cloze" else text
        self.query_one("#question", Static).update(
            Text(f"{self.current + 1}. {text}", style="bold")
        )
        hint = self.query_one("#hint", Static)
        keys = f"{widgets[self.current].keys_hint()} · {tr('enter_next', lang)}"
        hint.update(Text(keys, style="dim"))

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.relabel()

    def watch_current(self, old: int, new: int) -> None:
        widgets = self.widgets()
        widgets[old].display = False
        widgets[new].display = True
        self.relabel()
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        self.call_after_refresh(widgets[new].focus_input)

    def action_move(self, step: int) -> None:
        if self.questions and not self.finished:
            self.current = min(max(self.current + step, 0), len(self.questions) - 1)

    @on(AnswerChanged)
    def _changed(self) -> None:
        self.relabel()

    @on(AnswerRejected)
    def _skipped(self) -> None:
        self.action_move(1)

    @on(AnswerSubmitted)
    def _answered(self, event: AnswerSubmitted) -> None:
        try:
            grade(self.questions[self.current], event.response)  # only to catch unreadable input
        except InvalidResponse as exc:
            self.query_one("#hint", Static).update(f"! {exc.message.get(self.lang)}")
            return
        if self.current < len(self.questions) - 1:
            self.action_move(1)
        else:
            self.action_submit_exam()

    def leave_warning(self) -> str | None:
        """Asked by the app before navigating away: an exam in progress would be lost."""
        return None if self.finished else tr("exam_confirm_leave", self.lang)

    def action_submit_exam(self) -> None:
        if self.finished:
            return
        from tui.screens.confirm import ConfirmScreen

        unanswered = sum(1 for w in self.widgets() if w.response() is None)
        message = tr("exam_confirm_submit", self.lang, n=unanswered)

        def submit(ok: bool | None) -> None:
            if ok:
                self.finish(timed_out=False)

        self.app.push_screen(ConfirmScreen(message), submit)

    def finish(self, *, timed_out: bool) -> None:
        """Grade every answer, save the result and show it."""
        if self.finished:
            return
        self.finished = True
        if self.timer is not None:
            self.timer.stop()
        app, lang = self.app, self.lang
        responses: list[Any] = []
        answers: list[ExamAnswer] = []
        for question, widget in zip(self.questions, self.widgets(), strict=True):
            response = widget.response()
            responses.append(response)
            correct = False
            if response is not None:
                try:
                    correct = grade(question, response).correct
                except InvalidResponse:
                    pass
            shown = widget.describe(response, lang) if response is not None else ""
            expected = expected_text(question).get(lang)
            answers.append(ExamAnswer(question.id, question.section, correct, shown, expected))
        finished = app.now()
        result = ExamResult(None, app.course.id, self.started, finished, self.time_limit_s, answers)
        result.id = app.store.save_exam(result)
        from tui.screens.exam_result import ExamResultScreen

        screen = ExamResultScreen(result, self.questions, responses, timed_out=timed_out)
        app.call_later(self._show_result, screen)

    async def _show_result(self, screen: Screen[None]) -> None:
        while self.app.screen is not self:  # e.g. the submit dialog was open at time-out
            await self.app.pop_screen()
        await self.app.switch_screen(screen)
