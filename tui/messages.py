"""Messages the app's widgets and screens send each other, named as past events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class AnswerSubmitted(Message):
    """The learner pressed Enter on an answer input that holds a complete answer."""

    response: Any  # the response in `content.answers.grade`'s shape for the question's type


@dataclass
class AnswerChanged(Message):
    """The learner changed an answer (picked, toggled, typed, moved); the exam counts these."""

    answered: bool  # whether the input now holds a complete answer


@dataclass
class ExamDateChanged(Message):
    """The exam date setting was set (ISO date) or cleared (None)."""

    exam_date: str | None


@dataclass
class AnswerRejected(Message):
    """The learner pressed Enter on an incomplete answer; `reason` is an i18n key to show."""

    reason: str
