"""Exercises with fresh numbers on every attempt, each answer computed here.

A learner who has memorised "the answer is 0.523" has learnt nothing; one who can do an RNN
step, count an LSTM's parameters or apply a softmax to attention scores with any numbers has.
Each generator draws small numbers from `rng`, states exactly what to compute and how to round,
and explains the computation step by step in Korean and English.

Parameter counts follow PyTorch (`nn.RNN`, `nn.LSTM`, `nn.GRU`: weights W_ih, W_hh and both
biases b_ih, b_hh per gate block) so the tests can check them against torch itself.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from content.generators.attention import attention_softmax
from content.generators.common import format_number
from content.generators.recurrent import gru_params, lstm_vs_gru, rnn_params, rnn_step
from content.generators.residual import (
    conv1x1_shape,
    residual_output,
    residual_projection,
    resnet_error_diff,
)
from content.model import Question, Text

__all__ = ["GENERATORS", "Generator", "format_number", "instantiate"]


@dataclass(frozen=True)
class Generator:
    """A family of exercises: `make(rng)` returns one concrete numeric or single question."""

    id: str
    title: Text
    section: str  # where an instance belongs when it is not made from a bank entry
    summary: tuple[str, ...]
    build: Callable[[random.Random], dict[str, Any]]

    def make(self, rng: random.Random) -> Question:
        fields = self.build(rng)
        return Question(
            id=f"gen:{self.id}",
            section=self.section,
            summary=self.summary,
            generator=self.id,
            source="generated",
            **fields,
        )


def instantiate(question: Question, rng: random.Random) -> Question:
    """A concrete question for a bank entry: fresh numbers for `generated`, else unchanged.

    The bank entry keeps its identity (id, section, difficulty, summary, lab, enrichment) so progress is
    recorded against it; its explanation, a general note, follows the worked computation.
    """
    if question.type != "generated":
        return question
    if question.generator not in GENERATORS:
        raise KeyError(f"unknown generator {question.generator!r} in question {question.id}")
    made = GENERATORS[question.generator].make(rng)
    explanation = made.explanation
    if question.explanation.ko or question.explanation.en:
        explanation = Text(
            ko=_join(made.explanation.ko, question.explanation.get("ko")),
            en=_join(made.explanation.en, question.explanation.get("en")),
        )
    return replace(
        made,
        id=question.id,
        section=question.section,
        difficulty=question.difficulty,
        summary=question.summary,
        lab=question.lab,
        explanation=explanation,
        source=question.source,
        enrichment=question.enrichment,
    )


def _join(first: str, second: str) -> str:
    return f"{first}\n\n{second}" if second else first


GENERATORS: dict[str, Generator] = {
    g.id: g
    for g in (
        Generator(
            "rnn_step",
            Text("RNN 한 시점 계산", "One RNN step"),
            "rnn-basics",
            ("sp4",),
            rnn_step,
        ),
        Generator(
            "rnn_params",
            Text("RNN·LSTM·GRU 층의 매개변수 수", "Parameters of an RNN, LSTM or GRU layer"),
            "lstm",
            ("sp5",),
            rnn_params,
        ),
        Generator(
            "gru_params",
            Text("GRU 층의 매개변수 수", "Parameters of a GRU layer"),
            "gru",
            ("sp5",),
            gru_params,
        ),
        Generator(
            "lstm_vs_gru",
            Text("LSTM과 GRU의 매개변수 차이", "LSTM vs GRU parameter count"),
            "gru",
            ("sp5",),
            lstm_vs_gru,
        ),
        Generator(
            "conv1x1_shape",
            Text("1×1 합성곱의 출력 모양과 매개변수", "Shape and parameters of a 1×1 convolution"),
            "residual-block",
            ("sp2",),
            conv1x1_shape,
        ),
        Generator(
            "residual_projection",
            Text("잔차 블록의 스킵 연결 맞추기", "Matching a residual block's shortcut"),
            "residual-block",
            ("sp2",),
            residual_projection,
        ),
        Generator(
            "residual_output",
            Text("잔차 블록의 출력 F(x) + x", "A residual block's output F(x) + x"),
            "residual-block",
            ("sp2",),
            residual_output,
        ),
        Generator(
            "attention_softmax",
            Text("어텐션 가중치와 문맥 벡터", "Attention weights and the context vector"),
            "attention",
            ("sp7",),
            attention_softmax,
        ),
        Generator(
            "resnet_error_diff",
            Text("ResNet 오차 표 읽기", "Reading the ResNet error table"),
            "resnet-results",
            ("sp3",),
            resnet_error_diff,
        ),
    )
}
