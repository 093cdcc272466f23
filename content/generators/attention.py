"""Exercises on attention: softmax weights and the context vector."""

from __future__ import annotations

import math
import random
from typing import Any

from content.generators.common import format_number, numeric, tenths, term, with_rounding
from content.model import Text


def attention_softmax(rng: random.Random) -> dict[str, Any]:
    scores = [tenths(rng, -1.0, 2.0) for _ in range(3)]
    exps = [math.exp(e) for e in scores]
    total = sum(exps)
    weights = [v / total for v in exps]
    given = ", ".join(f"e_{i + 1} = {format_number(e)}" for i, e in enumerate(scores))
    setup = Text(
        f"디코더의 한 시점에서 인코더 세 시점의 어텐션 점수가 {given}이고, 가중치는 그 "
        "소프트맥스다: α_i = exp(e_i) / Σ_j exp(e_j).",
        f"At one decoder step the attention scores of the three encoder steps are {given}, and "
        "the weights are their softmax: α_i = exp(e_i) / Σ_j exp(e_j).",
    )
    work = (
        "exp: "
        + ", ".join(format_number(v, 3) for v in exps)
        + f"; Σ = {format_number(total, 3)}; α = "
        + ", ".join(format_number(w, 3) for w in weights)
    )
    if rng.random() < 0.5:
        k = rng.randrange(3)
        text = Text(f"{setup.ko} α_{k + 1}의 값은?", f"{setup.en} What is α_{k + 1}?")
        explanation = Text(
            f"점수가 높을수록 가중치가 크고, 가중치의 합은 1이다.\n{work}",
            f"A higher score gets a larger weight, and the weights sum to 1.\n{work}",
        )
        return numeric(with_rounding(text), explanation, weights[k], 0.001)
    states = [tenths(rng, -2.0, 2.0) for _ in range(3)]
    # The worked solution shows the weights to 3 decimals, so c is computed from exactly those
    # shown weights: a student who follows the steps gets the answer. Full precision differs by
    # at most 3 × 0.0005 × 2 = 0.003; the tolerance accepts that result too.
    shown = [round(w, 3) for w in weights]
    context = sum(w * s for w, s in zip(shown, states, strict=True))
    exact = sum(w * s for w, s in zip(weights, states, strict=True))
    hs = ", ".join(f"h_{i + 1} = {format_number(s)}" for i, s in enumerate(states))
    text = Text(
        f"{setup.ko} 인코더 은닉 상태(각각 수 하나)가 {hs}일 때 문맥 벡터 c = Σ_i α_i h_i는?",
        f"{setup.en} The encoder's hidden states (one number each) are {hs}. What is the "
        "context vector c = Σ_i α_i h_i?",
    )
    products = " + ".join(f"{w:.3f}·{term(s)}" for w, s in zip(shown, states, strict=True))
    explanation = Text(
        f"문맥 벡터는 인코더 은닉 상태의 가중 평균이다.\n{work}\n"
        f"c = {products} = {format_number(context, 3)}",
        f"The context vector is the weighted average of the encoder's hidden states.\n{work}\n"
        f"c = {products} = {format_number(context, 3)}",
    )
    tolerance = round(max(0.002, abs(exact - context) + 0.001), 4)
    return numeric(with_rounding(text), explanation, context, tolerance)
