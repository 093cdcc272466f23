"""A walk through the mock exam's wrong answers: the question, your answer, the right one."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Static

from content.answers import InvalidResponse, expected_text, grade
from content.model import Question, Text
from tui.i18n import tr
from tui.keys import jamo
from tui.screens.review import numbered_blanks
from tui.widgets.answer_factory import answer_input
from tui.widgets.feedback import Feedback
from tui.widgets.footer import LocalFooter

if TYPE_CHECKING:
    from tui.app import DlearnApp


class WrongAnswersScreen(Screen[None]):
    """One wrong answer at a time; ←/→ step, n opens the section's notes, Esc goes back."""

    BINDINGS = [
        Binding("left", "step(-1)", "exam_prev", key_display="←", priority=True),
        Binding("right", "step(1)", "exam_next", key_display="→", priority=True),
        Binding(jamo("n"), "open_note", "notes"),
        Binding("escape", "app.pop_screen", "back"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""
    index: reactive[int] = reactive(0, init=False)
    """Position in the list of wrong answers."""

    app: DlearnApp  # type: ignore[assignment]

    def __init__(
        self,
        questions: list[Question | None],
        responses: list[Any],
        wrong: list[int],
        *,
        written: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.questions = questions
        self.responses = responses
        self.wrong = [k for k in wrong if questions[k] is not None]
        self.written = written or [""] * len(questions)  # the answers as saved, for display

    def compose(self) -> ComposeResult:
        self.set_reactive(WrongAnswersScreen.lang, self.app.lang)
        yield Header(icon="≡")
        yield Static(id="position", markup=False)
        with VerticalScroll(id="body"):
            yield Static(id="question", markup=False)
            yield Vertical(id="answer-slot")
            yield Vertical(id="feedback-slot")
        yield LocalFooter()

    async def on_mount(self) -> None:
        await self.show()
        self.query_one("#body").focus()

    async def show(self) -> None:
        lang = self.lang
        k = self.wrong[self.index]
        question, response = self.question(k), self.responses[k]
        widget = answer_input(question, lang=lang, rng=random.Random(k), initial=response)
        if response is None and self.written[k]:  # saved before answers were kept as data
            yours = Text(self.written[k], self.written[k])
        elif response is None:
            yours = Text(tr("no_answer", "ko"), tr("no_answer", "en"))
        else:
            yours = Text(widget.describe(response, "ko"), widget.describe(response, "en"))
            try:
                grade(question, response)
            except InvalidResponse as exc:
                yours = Text(
                    tr("unreadable", "ko", answer=yours.ko, why=exc.message.ko),
                    tr("unreadable", "en", answer=yours.en, why=exc.message.en),
                )
        section = self.app.course.section(question.section)
        feedback = Feedback(
            correct=False,
            score=0.0,
            expected=expected_text(question),
            explanation=question.explanation,
            note_title=section.title if section else None,
            lang=lang,
            your_answer=yours,
        )
        await self.query_one("#answer-slot").remove_children()
        await self.query_one("#feedback-slot").remove_children()
        if response is not None or question.type in ("single", "multi", "ox"):
            # options show which were right; an unanswered order or match would only
            # show the random starting arrangement, so it is left out
            await self.query_one("#answer-slot").mount(widget)
            widget.reveal()
        await self.query_one("#feedback-slot").mount(feedback)
        self.relabel()
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)

    def relabel(self) -> None:
        lang = self.lang
        self.sub_title = tr("walk_wrong", lang)
        question = self.question(self.wrong[self.index])
        section = self.app.course.section(question.section)
        where = section.title.get(lang) if section else question.section
        title = tr("wrong_title", lang, i=self.index + 1, n=len(self.wrong))
        self.query_one("#position", Static).update(f"{title} · {where}")
        text = question.text.get(lang)
        text = numbered_blanks(text) if question.type == "cloze" else text
        self.query_one("#question", Static).update(RichText(text, style="bold"))

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.relabel()

    async def watch_index(self) -> None:
        await self.show()

    def action_step(self, step: int) -> None:
        self.index = min(max(self.index + step, 0), len(self.wrong) - 1)

    def action_open_note(self) -> None:
        from tui.screens.notes import NotesScreen

        question = self.question(self.wrong[self.index])
        self.app.push_screen(NotesScreen(section=question.section))

    def question(self, k: int) -> Question:
        question = self.questions[k]
        assert question is not None, "the walk holds only questions still in the bank"
        return question
