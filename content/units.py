"""The units a numeric answer may carry, per `Question.unit`, and how each is written.

"%" and "%p" are kept apart on purpose: a difference of two percentages is in percentage
points, and the questions that ask for %p teach exactly that. A question adds spellings of
its own with its `units` field; a bare number is always accepted (`content.answers`).
"""

from __future__ import annotations

from dataclasses import dataclass

from content.model import Question, Text


@dataclass(frozen=True)
class Unit:
    """How a unit is written after the number, and the spellings a learner may type."""

    label: Text
    spellings: tuple[str, ...]


# What each `Question.unit` accepts after the number (compared without case and spaces).
UNITS: dict[str, Unit] = {
    "%": Unit(Text("%", "%"), ("%", "퍼센트", "percent")),
    "%p": Unit(
        Text("%p", "%p"),
        ("%p", "%포인트", "퍼센트포인트", "pp", "%pt", "percentagepoints", "points"),
    ),
    "params": Unit(
        Text("개", "params"), ("params", "parameters", "param", "개", "파라미터", "매개변수")
    ),
}


# A bare count may carry its Korean counter ("256개", "15번"): it changes nothing.
COUNTERS = ("개", "번", "회")


def unit_label(question: Question, lang: str) -> str:
    """The question's unit as written after a number in `lang` ("params" is "개" in Korean)."""
    unit = UNITS.get(question.unit)
    return unit.label.get(lang) if unit else question.unit


def accepted_units(question: Question) -> tuple[str, ...]:
    """Every spelling the question takes after its number (a bare number is always fine)."""
    known = UNITS.get(question.unit)
    spellings = (question.unit, *(known.spellings if known else ()), *question.units)
    if not question.unit:
        spellings += COUNTERS
    return tuple(dict.fromkeys(s for s in spellings if s))
