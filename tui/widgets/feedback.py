"""What the learner sees after answering: right or wrong, the answer, why, and a grade.

Right/wrong is spelled out with ✓/✗ and words, never by colour alone (NO_COLOR users).
In a review the grade row shows the suggested rating, which keys 1-4 override; the exam's
wrong-answer walkthrough uses the same panel without the grade row.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text as RichText
from textual.reactive import reactive
from textual.widget import Widget

from content.model import Text
from tui.i18n import percent, tr

RATINGS = (1, 2, 3, 4)  # content.scheduler.Rating values: AGAIN, HARD, GOOD, EASY


class Feedback(Widget):
    """The verdict panel under a graded question."""

    DEFAULT_CSS = """
    Feedback { height: auto; }
    """

    lang: reactive[str] = reactive("en", layout=True)
    """Language of the panel's words (a new language may need more lines)."""
    rating: reactive[int | None] = reactive(None)
    """The grade that Enter will store (1-4), None where no grade is asked for."""

    def __init__(
        self,
        *,
        correct: bool,
        score: float,
        expected: Text,
        explanation: Text,
        note_title: Text | None,
        lang: str,
        your_answer: Text | None = None,
        suggested: int | None = None,
        rating_inline: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.correct = correct
        self.score = score
        self.expected = expected
        self.explanation = explanation
        self.note_title = note_title
        self.your_answer = your_answer
        self.suggested = suggested
        self.rating_inline = rating_inline  # False: the screen shows `rating_lines` itself
        self.set_reactive(Feedback.lang, lang)
        self.set_reactive(Feedback.rating, suggested)

    def render(self) -> Group:
        lang = self.lang
        verdict = RichText(tr("correct" if self.correct else "wrong", lang), style="bold")
        if not self.correct and 0 < self.score < 1:
            verdict.append("  " + tr("partial", lang, pct=percent(self.score)))
        lines: list[RichText] = [verdict]
        if self.your_answer is not None:
            lines.append(RichText(tr("your_answer", lang, answer=self.your_answer.get(lang))))
        lines.append(RichText(tr("expected", lang, answer=self.expected.get(lang)), style="bold"))
        lines.append(RichText(""))
        lines.append(RichText(tr("explanation", lang), style="bold underline"))
        lines.append(RichText(self.explanation.get(lang)))
        if self.note_title is not None:
            lines.append(RichText(""))
            lines.append(RichText(tr("related_note", lang, title=self.note_title.get(lang))))
        if self.rating is not None and self.rating_inline:
            lines.append(RichText(""))
            lines.extend(self.rating_lines())
        return Group(*lines)

    def rating_lines(self) -> list[RichText]:
        """The grade prompt and the 1-4 row (empty where no grade is asked for)."""
        if self.rating is None:
            return []
        return [RichText(tr("rate_prompt", self.lang)), self._rating_row()]

    def _rating_row(self) -> RichText:
        row = RichText()
        for value in RATINGS:
            label = f"{value} {tr(f'rating_{value}', self.lang)}"
            if value == self.suggested:
                label += f" ({tr('suggested', self.lang)})"
            if value == self.rating:
                row.append(f"[{label}]", style="bold reverse")
            else:
                row.append(f" {label} ")
            row.append(" ")
        return row
