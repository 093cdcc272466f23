"""Pick the answer input that fits a (concrete) question's type."""

from __future__ import annotations

import random
from typing import Any

from content.model import Question
from tui.widgets.answer import AnswerInput
from tui.widgets.cloze import ClozeBlanks
from tui.widgets.match import MatchPairs
from tui.widgets.multi import MultiChoice
from tui.widgets.numeric import NumberAnswer
from tui.widgets.order import OrderItems
from tui.widgets.ox import TrueFalse
from tui.widgets.single import SingleChoice

INPUTS: dict[str, type[AnswerInput]] = {
    "single": SingleChoice,
    "multi": MultiChoice,
    "ox": TrueFalse,
    "cloze": ClozeBlanks,
    "numeric": NumberAnswer,
    "order": OrderItems,
    "match": MatchPairs,
}


def answer_input(
    question: Question,
    *,
    lang: str,
    rng: random.Random,
    initial: Any = None,
    id: str | None = None,
) -> AnswerInput:
    """The input widget for `question`, which must already be instantiated (not "generated")."""
    try:
        cls = INPUTS[question.type]
    except KeyError:
        raise ValueError(
            f"question {question.id!r} has type {question.type!r}; instantiate generated "
            "questions with content.generators.instantiate before showing them"
        ) from None
    return cls(question, lang=lang, rng=rng, initial=initial, id=id, classes="answer")
