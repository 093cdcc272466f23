"""The mock exam's result: score, time, a per-section breakdown, then the wrong answers.

Shown when an exam ends, and again for a past exam picked on the progress screen
(`reopen`): the questions come back from the bank by id, a generated one with its saved
seed, and the answers from their saved JSON.
"""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Static

from content.model import Lecture, Question
from content.session import ExamResult
from tui.i18n import percent, tr
from tui.keys import jamo
from tui.widgets.footer import LocalFooter
from tui.widgets.rows import countdown, elapsed, mastery_row

if TYPE_CHECKING:
    from tui.app import DlearnApp


class ExamResultScreen(Screen[None]):
    """Shown once the exam is submitted (or timed out) and saved."""

    BINDINGS = [
        Binding(jamo("w"), "wrong", "walk_wrong"),
        Binding(jamo("p"), "app.open('progress')", "progress"),
        Binding("escape,enter", "back", "back"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""

    app: DlearnApp  # type: ignore[assignment]

    def __init__(
        self,
        result: ExamResult,
        questions: list[Question | None],
        responses: list[Any],
        *,
        timed_out: bool,
    ) -> None:
        super().__init__()
        self.result = result
        self.questions = questions
        self.responses = responses
        self.timed_out = timed_out
        self.reopened = False  # True when opened from the progress screen

    def compose(self) -> ComposeResult:
        self.set_reactive(ExamResultScreen.lang, self.app.lang)
        yield Header(icon="≡")
        with VerticalScroll(id="body"):
            yield Static(id="score", markup=False)
            yield Static(id="breakdown", markup=False)
        yield LocalFooter()

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#body").focus()

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.relabel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "wrong":
            return bool(self.wrong())
        return True

    def wrong(self) -> list[int]:
        """Indices of the wrong answers whose question is still in the bank."""
        return [
            i
            for i, a in enumerate(self.result.answers)
            if not a.correct and self.questions[i] is not None
        ]

    def relabel(self) -> None:
        lang, result = self.lang, self.result
        self.sub_title = tr("result_title", lang)
        used = min((result.finished - result.started).total_seconds(), result.time_limit_s)
        head = [
            Text(
                tr(
                    "result_score",
                    lang,
                    right=result.correct,
                    n=result.total,
                    pct=percent(result.score),
                ),
                style="bold",
            ),
            Text(tr("result_time", lang, used=elapsed(used), limit=countdown(result.time_limit_s))),
        ]
        if self.timed_out:
            head.append(Text(tr("timed_out", lang), style="bold"))
        if result.correct == result.total:
            head.append(Text(tr("no_wrong", lang)))
        self.query_one("#score", Static).update(Group(*head))

        rows = [Text(""), Text(tr("by_section", lang), style="bold underline")]
        tally = result.per_section()
        for section in self.app.course.sections:
            if section.id not in tally:
                continue
            right, total = tally[section.id]
            rows.append(mastery_row(section.title.get(lang), right / total, f"{right}/{total}"))
        self.query_one("#breakdown", Static).update(Group(*rows))

    async def action_back(self) -> None:
        """Home after an exam; back to the progress screen for a reopened one."""
        if len(self.app.screen_stack) > 2 and self.result.id is not None and self.reopened:
            self.app.pop_screen()
        else:
            await self.app.open_screen("home")

    def action_wrong(self) -> None:
        from tui.screens.wrong_answers import WrongAnswersScreen

        wrong = self.wrong()
        if wrong:
            written = [a.response for a in self.result.answers]
            self.app.push_screen(
                WrongAnswersScreen(self.questions, self.responses, wrong, written=written)
            )


def reopen(lecture: Lecture, result: ExamResult) -> ExamResultScreen:
    """The result screen of a saved exam, its wrong answers walkable again.

    A question since removed from the bank is left out of the walk (its row stays in the
    score); an exam saved before answers were kept shows the answers as they were written.
    """
    from content.generators import instantiate

    questions: list[Question | None] = []
    responses: list[Any] = []
    for answer in result.answers:
        bank = lecture.question(answer.question_id)
        if bank is not None and bank.type == "generated":
            bank = (
                instantiate(bank, random.Random(answer.seed)) if answer.seed is not None else None
            )
        questions.append(bank)
        try:
            responses.append(json.loads(answer.raw) if answer.raw else None)
        except ValueError:
            responses.append(None)
    screen = ExamResultScreen(result, questions, responses, timed_out=False)
    screen.reopened = True
    return screen
