"""The course as plain data: lectures, sections, glossary, questions.

Everything here is immutable and torch-free; the loader builds it from TOML and the
validator reports problems against it. Text that a learner sees is always a `Text`
pair so the UI can switch language at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["ko", "en"]
LANGS: tuple[Lang, ...] = ("ko", "en")

QuestionType = Literal["single", "multi", "ox", "cloze", "numeric", "order", "match", "generated"]
QUESTION_TYPES: tuple[QuestionType, ...] = (
    "single",
    "multi",
    "ox",
    "cloze",
    "numeric",
    "order",
    "match",
    "generated",
)


@dataclass(frozen=True)
class Text:
    """A string in both of the app's languages."""

    ko: str
    en: str

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language when one is empty."""
        if lang == "ko":
            return self.ko or self.en
        return self.en or self.ko


@dataclass(frozen=True)
class Part:
    """One of the lecture's three parts (deep CNNs, RNNs, the Transformer)."""

    id: str
    title: Text


@dataclass(frozen=True)
class Section:
    """A section of the notes; questions and mastery are counted per section."""

    id: str
    part: str
    title: Text
    notes: Text  # Markdown
    lab: str | None = None  # id of a lab in engine/labs that demonstrates this section


@dataclass(frozen=True)
class SummaryPoint:
    """One of the lecture's closing summary points ("정리하기")."""

    id: str
    text: Text
    sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """A glossary entry, Korean <-> English."""

    ko: str
    en: str
    section: str
    definition: Text
    # other Korean words for the same concept; `dlearn content check` warns where a Korean
    # text uses one, so a bank keeps to one vocabulary (the lecture's, where it has one)
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchPair:
    left: Text
    right: Text


@dataclass(frozen=True)
class Question:
    """A question of any type. Only the fields of its type are set.

    single / multi: `options` (4 for single), `answer` is an index (single) or a tuple of
        indices (multi), 0-based.
    ox:       `answer` is a bool (True = O).
    cloze:    `text` holds one `___` per blank; `blanks[i]` lists accepted spellings of blank i
              (Korean and English variants together).
    numeric:  `answer` is a float, `tolerance` absolute, `unit` optional (e.g. "%p", "params");
              `units` lists further spellings accepted after the number, beyond the ones
              `content.answers.UNITS` knows for `unit` (a bare number is always accepted).
    order:    `items` listed in the correct order (the UI shuffles them).
    match:    `pairs` listed matched (the UI shuffles the right-hand side).
    generated: `generator` names an entry of `content.generators.GENERATORS`; calling it with
              a random generator yields a concrete (numeric / single / ...) question.
    """

    id: str
    section: str
    type: QuestionType
    text: Text
    explanation: Text
    difficulty: int = 2  # 1 easy, 2 medium, 3 hard
    summary: tuple[str, ...] = ()  # ids of SummaryPoints this question covers
    lab: str | None = None
    options: tuple[Text, ...] = ()
    answer: int | bool | float | tuple[int, ...] | None = None
    blanks: tuple[tuple[str, ...], ...] = ()
    tolerance: float = 0.0
    unit: str = ""
    units: tuple[str, ...] = ()
    items: tuple[Text, ...] = ()
    pairs: tuple[MatchPair, ...] = ()
    generator: str | None = None
    source: str = ""  # file it was loaded from, for error messages
    # beyond the lecture (e.g. sqrt(d_k), PyTorch's parameter counts): shown as such, and left
    # out of the mock exam unless the student asks for it
    enrichment: bool = False


@dataclass(frozen=True)
class Lecture:
    id: str
    number: int
    title: Text
    parts: tuple[Part, ...]
    sections: tuple[Section, ...]
    summary_points: tuple[SummaryPoint, ...]
    glossary: tuple[Term, ...]
    questions: tuple[Question, ...]

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a content file, precise enough to fix without searching."""

    file: str
    message: str
    question: str | None = None  # question id, when the problem is inside one
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.question:
            where += f" [{self.question}]"
        if self.field:
            where += f" {self.field}"
        return f"{where}: {self.message}"


@dataclass
class Course:
    """What the loader returns: the lectures that loaded, and every problem it met."""

    lectures: list[Lecture] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
