"""The mock exam: N questions across the sections, a countdown, no feedback until the end.

All answer inputs are mounted at once and only the current one is shown, so the learner
can go back and forth (PgUp/PgDn, Enter = next) and change answers. Ctrl+S submits after a
confirmation; when time runs out the exam submits itself. The result is saved with
`ProgressStore.save_exam` and shown on the result screen. Each answer is also logged as a
review of its question (missed or unanswered: Again, right: Good), so what the exam found
comes back in review; each generated question's seed is kept so a past exam can be reopened.
"""

from __future__ import annotations

import random
from datetime import timedelta
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
from content.shuffle import OptionOrder, attempt_seed, shuffled
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

    def __init__(self, questions: int = 25, minutes: float | None = None) -> None:
        super().__init__()
        self.n = questions
        self.minutes = minutes
        self.questions: list[Question] = []
        self.orders: list[OptionOrder] = []
        self.finished = False
        self.timer: Timer | None = None
        self.warning: str | None = None  # why Enter did not take the answer; kept until it changes

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
        drawn = draw_exam(app.course, self.n, app.rng, include_enrichment=app.exam_enrichment)
        self.started = app.now()
        self.seeds = [app.rng.randrange(2**31) for _ in drawn]
        # options in a fresh order per exam; the walkthrough reuses these questions as shown
        stamp = self.started.isoformat()
        shown = [
            shuffled(
                instantiate(q, random.Random(seed)), attempt_seed(app.shuffle_seed, q.id, stamp)
            )
            for q, seed in zip(drawn, self.seeds, strict=True)
        ]
        self.questions = [q for q, _ in shown]
        # each answer is saved in the bank's own option indices, so a reopened exam (drawn
        # again from its seeds, in the bank's order) and the review log read it alike
        self.orders = [order for _, order in shown]
        self.time_limit_s = (
            round(self.minutes * 60) if self.minutes else SECONDS_PER_QUESTION * len(self.questions)
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

    def unreadable(self, index: int) -> InvalidResponse | None:
        """Why the answer to question `index` cannot be graded, or None (also when empty)."""
        response = self.widgets()[index].response()
        if response is None:
            return None
        try:
            grade(self.questions[index], response)
        except InvalidResponse as exc:
            return exc
        return None

    def answered(self, index: int) -> bool:
        """An answer that can be graded: "abc" in a number box is not one."""
        return self.widgets()[index].response() is not None and self.unreadable(index) is None

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
        answered = [self.answered(i) for i in range(len(widgets))]
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
        line = Text(f"{self.current + 1}. {text}", style="bold")
        if question.enrichment:  # only there when asked for (exam set-up, --enrichment)
            line.append(f"  [{tr('enrichment_tag', lang)}]", style="dim")
        self.query_one("#question", Static).update(line)
        hint = self.query_one("#hint", Static)
        if self.warning is not None:  # the countdown's redraw must not wipe it out
            hint.update(Text(self.warning, style="bold"))
            return
        keys = f"{widgets[self.current].keys_hint()} · {tr('enter_next', lang)}"
        hint.update(Text(keys, style="dim"))

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.relabel()

    def watch_current(self, old: int, new: int) -> None:
        self.warning = None
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
        self.warning = None
        self.relabel()

    @on(AnswerRejected)
    def _skipped(self) -> None:
        self.action_move(1)

    @on(AnswerSubmitted)
    def _answered(self, event: AnswerSubmitted) -> None:
        problem = self.unreadable(self.current)  # only to catch unreadable input
        if problem is not None:
            self.warning = f"! {problem.message.get(self.lang)}"
            self.relabel()
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

        unanswered = sum(1 for i in range(len(self.questions)) if not self.answered(i))
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
        for question, widget, seed, order in zip(
            self.questions, self.widgets(), self.seeds, self.orders, strict=True
        ):
            response = widget.response()
            responses.append(response)
            correct = False
            shown = widget.describe(response, lang) if response is not None else ""
            if response is not None:
                try:
                    correct = grade(question, response).correct
                except InvalidResponse as exc:  # kept, and said why it scored nothing
                    shown = tr("unreadable", lang, answer=shown, why=exc.message.get(lang))
            expected = expected_text(question).get(lang)
            raw = AnswerInput.canonical(order.to_bank(response)) if response is not None else None
            answers.append(
                ExamAnswer(question.id, question.section, correct, shown, expected, raw, seed)
            )
        finished = app.now()
        if timed_out:  # the clock ticks twice a second: it may have run past the limit
            finished = min(finished, self.started + timedelta(seconds=self.time_limit_s))
        result = ExamResult(None, app.course.id, self.started, finished, self.time_limit_s, answers)
        result.id = app.store.save_exam(result)
        self._schedule(result)
        from tui.screens.exam_result import ExamResultScreen

        walk: list[Question | None] = list(self.questions)
        screen = ExamResultScreen(result, walk, responses, timed_out=timed_out)
        app.call_later(self._show_result, screen)

    def _schedule(self, result: ExamResult) -> None:
        """Log every answer as a review: a missed question is due again soon."""
        from content.scheduler import Rating

        app = self.app
        scheduler = app.scheduler()
        seconds = (result.finished - result.started).total_seconds() / max(result.total, 1)
        for answer in result.answers:
            app.store.record_review(
                question_id=answer.question_id,
                section=answer.section,
                rating=Rating.GOOD if answer.correct else Rating.AGAIN,
                correct=answer.correct,
                response=answer.raw or "null",
                duration_s=seconds,
                now=result.finished,
                scheduler=scheduler,
                exam_id=result.id,
            )

    async def _show_result(self, screen: Screen[None]) -> None:
        while self.app.screen is not self:  # e.g. the submit dialog was open at time-out
            await self.app.pop_screen()
        await self.app.switch_screen(screen)
