"""Number helpers shared by the generators: drawing, printing and packaging a question."""

from __future__ import annotations

import random
from typing import Any

from content.model import Text


def format_number(x: float, places: int | None = None) -> str:
    """A number as a person writes it: `0.5`, `-3.51`, `1024`; `places` fixes the decimals."""
    text = f"{x:.{places}f}" if places is not None else f"{x:.6f}".rstrip("0").rstrip(".")
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # no "-0.000"
    return text


def tenths(rng: random.Random, lo: float, hi: float, *, nonzero: bool = False) -> float:
    """A number with one decimal drawn from [lo, hi] (exact in print, small to work with)."""
    while True:
        value = rng.randint(round(lo * 10), round(hi * 10)) / 10
        if value or not nonzero:
            return value


def vec(values: tuple[float, ...] | list[float]) -> str:
    return "(" + ", ".join(format_number(v) for v in values) + ")"


def term(x: float) -> str:
    """A factor inside a written-out sum: negatives in brackets."""
    return f"({format_number(x)})" if x < 0 else format_number(x)


def numeric(text: Text, explanation: Text, answer: float, tolerance: float) -> dict[str, Any]:
    return {
        "type": "numeric",
        "text": text,
        "explanation": explanation,
        "answer": answer,
        "tolerance": tolerance,
    }


def single(
    rng: random.Random, text: Text, explanation: Text, right: Text, wrong: list[Text]
) -> dict[str, Any]:
    options = [right, *wrong[:3]]
    rng.shuffle(options)
    return {
        "type": "single",
        "text": text,
        "explanation": explanation,
        "options": tuple(options),
        "answer": options.index(right),
    }


ROUND3 = Text("소수 셋째 자리까지 반올림하여 답하라.", "Round to 3 decimals.")


def with_rounding(text: Text, rounding: Text = ROUND3) -> Text:
    return Text(f"{text.ko} {rounding.ko}", f"{text.en} {rounding.en}")
