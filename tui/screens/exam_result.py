"""The mock exam's result: score, time, a per-section breakdown, then the wrong answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Static

from content.model import Question
from content.session import ExamResult
from tui.i18n import percent, tr
from tui.keys import jamo
from tui.widgets.footer import LocalFooter
from tui.widgets.rows import countdown, mastery_row

if TYPE_CHECKING:
    from tui.app import DlearnApp


class ExamResultScreen(Screen[None]):
    """Shown once the exam is submitted (or timed out) and saved."""

    BINDINGS = [
        Binding(jamo("w"), "wrong", "walk_wrong"),
        Binding(jamo("p"), "app.open('progress')", "progress"),
        Binding("escape,enter", "app.open('home')", "home"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""

    app: DlearnApp  # type: ignore[assignment]

    def __init__(
        self,
        result: ExamResult,
        questions: list[Question],
        responses: list[Any],
        *,
        timed_out: bool,
    ) -> None:
        super().__init__()
        self.result = result
        self.questions = questions
        self.responses = responses
        self.timed_out = timed_out

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
            return self.result.correct < self.result.total
        return True

    def relabel(self) -> None:
        lang, result = self.lang, self.result
        self.sub_title = tr("result_title", lang)
        used = (result.finished - result.started).total_seconds()
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
            Text(
                tr("result_time", lang, used=countdown(used), limit=countdown(result.time_limit_s))
            ),
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

    def action_wrong(self) -> None:
        from tui.screens.wrong_answers import WrongAnswersScreen

        wrong = [i for i, a in enumerate(self.result.answers) if not a.correct]
        if wrong:
            self.app.push_screen(WrongAnswersScreen(self.questions, self.responses, wrong))
