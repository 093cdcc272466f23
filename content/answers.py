"""Grade a learner's response to a question, with partial credit and a written-out answer.

Typing is where a review app most often feels unfair: "Residual", "잔차 ", "25.03%" and
"25,03" are all right answers. Responses are normalised generously; a response that cannot be
graded at all (letters for a number, a repeated index) raises `InvalidResponse` with a message
saying what to type, and the learner simply tries again.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from content.generators import format_number
from content.model import Question, Text
from content.units import UNITS, Unit, accepted_units, unit_label

__all__ = [
    "UNITS",
    "InvalidResponse",
    "Unit",
    "Verdict",
    "accepted_units",
    "expected_text",
    "grade",
    "normalise",
    "parse_number",
    "read_number",
    "unit_label",
]


class InvalidResponse(ValueError):
    """The response cannot be graded; `message` tells the learner what to type instead."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class Verdict:
    correct: bool
    score: float  # 0..1, partial credit
    expected: Text  # the right answer, written out for display


def grade(question: Question, response: Any) -> Verdict:
    """Grade `response` (its type depends on the question type; see api.md)."""
    graders = {
        "single": _single,
        "multi": _multi,
        "ox": _ox,
        "cloze": _cloze,
        "numeric": _numeric,
        "order": _order,
        "match": _match,
    }
    if question.type not in graders:
        raise ValueError(
            f"question {question.id} is {question.type!r}: call generators.instantiate() first"
        )
    score = graders[question.type](question, response)
    return Verdict(correct=score >= 1.0, score=score, expected=expected_text(question))


# -- per type: each returns a score in 0..1 ----------------------------------------------------


def _index(value: Any, n: int, what: Text) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
        raise InvalidResponse(what)
    return value


def _choose_one(n: int) -> Text:
    return Text(f"보기 1~{n} 중 하나를 고르세요.", f"Choose one of the options 1-{n}.")


def _single(q: Question, response: Any) -> float:
    return 1.0 if _index(response, len(q.options), _choose_one(len(q.options))) == q.answer else 0.0


def _multi(q: Question, response: Any) -> float:
    n = len(q.options)
    message = Text(
        f"보기 1~{n} 중 맞는 것을 모두 고르세요 (하나 이상).",
        f"Select every right option, 1-{n} (at least one).",
    )
    if not isinstance(response, (set, frozenset, list, tuple)) or not response:
        raise InvalidResponse(message)
    chosen = {_index(v, n, message) for v in response}
    right = set(q.answer) if isinstance(q.answer, tuple) else set()
    # Jaccard: both a missed right option and a wrongly ticked one cost credit
    return len(chosen & right) / len(chosen | right)


_TRUE = {"o", "○", "true", "t", "yes", "y", "참", "맞음", "1"}
_FALSE = {"x", "×", "✕", "false", "f", "no", "n", "거짓", "틀림", "0"}


def _ox(q: Question, response: Any) -> float:
    if isinstance(response, str):
        word = normalise(response)
        if word in _TRUE:
            response = True
        elif word in _FALSE:
            response = False
    if not isinstance(response, bool):
        raise InvalidResponse(Text("O 또는 X로 답하세요.", "Answer O (true) or X (false)."))
    return 1.0 if response == q.answer else 0.0


_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212\u00ad"
_STRIP = re.compile(rf"[\s{re.escape(_DASHES)}]+")
_EDGE_PUNCT = ".,;:!?'\"`()[]{}「」『』“”‘’"


def normalise(answer: str) -> str:
    """The form cloze answers are compared in: NFC, casefolded, no spaces or hyphens, no
    punctuation at either end ("Residual-Block." == "residualblock", decomposed Hangul ==
    composed)."""
    text = unicodedata.normalize("NFC", answer).casefold()
    return _STRIP.sub("", text).strip(_EDGE_PUNCT)


def _cloze(q: Question, response: Any) -> float:
    n = len(q.blanks)
    if isinstance(response, str) and n == 1:
        response = [response]
    message = Text(
        f"빈칸 {n}개를 모두 채우세요.",
        f"Fill in the {n} blank{'s' if n != 1 else ''}.",
    )
    if (
        not isinstance(response, Sequence)
        or isinstance(response, str)
        or len(response) != n
        or not all(isinstance(r, str) for r in response)
        or not any(r.strip() for r in response)
    ):
        raise InvalidResponse(message)
    hits = sum(
        1
        for given, variants in zip(response, q.blanks, strict=True)
        if normalise(given) and normalise(given) in {normalise(v) for v in variants}
    )
    return hits / n


_NUMBER_HELP = Text(
    "숫자를 입력하세요 (예: 25.03, -0.5, 1,234, 1e-3).",
    "Type a number (e.g. 25.03, -0.5, 1,234, 1e-3).",
)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_FRACTION = re.compile(r"^([+-]?\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")


def _unit_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "")


def _split_unit(raw: str) -> tuple[str, str]:
    """("0.36", "kg") from "0.36 kg": the number runs up to its last digit."""
    text = unicodedata.normalize("NFKC", raw).strip().replace("\u2212", "-")
    match = re.match(r"^(.*\d)\s*(\D*)$", text)
    if not match:
        raise InvalidResponse(_NUMBER_HELP)
    return match.group(1), match.group(2).strip()


def _wrong_unit(suffix: str, question: Question | None) -> InvalidResponse:
    if question is None or not question.unit:
        return InvalidResponse(
            Text(
                f"이 답에는 단위가 없습니다: '{suffix}' 없이 숫자를 입력하세요.",
                f"This answer has no unit: type the number without '{suffix}'.",
            )
        )
    ko = ", ".join(list(dict.fromkeys([unit_label(question, "ko"), *accepted_units(question)]))[:3])
    en = ", ".join(list(dict.fromkeys([unit_label(question, "en"), *accepted_units(question)]))[:3])
    return InvalidResponse(
        Text(
            f"'{suffix}'은(는) 이 문제의 단위가 아닙니다. 숫자만 쓰거나 {ko} 로 쓰세요.",
            f"'{suffix}' is not this question's unit. Type the number alone, or with {en}.",
        )
    )


_LENIENT = ("%", "%p", "개")  # what `parse_number` alone takes, with no question to ask


def parse_number(raw: str | float | int, unit: str = "") -> float:
    """A number from what a person types: "25.03", "25.03%", "1,234", "1e-3", " 3 ", "-0,5",
    "１２" (full width), "1/3". Raises InvalidResponse for anything else.

    Without a question to ask, "%", "%p", "개" and `unit` are all taken after the number;
    grading is stricter (`read_number`: only the question's own units).
    """
    return _parse(raw, (unit, *_LENIENT), None)


def read_number(question: Question, raw: str | float | int) -> float:
    """The number in a response to `question`; a unit it does not take is refused with a
    message naming the units it does take (0.6% is not an answer in %p)."""
    return _parse(raw, accepted_units(question), question)


def _parse(raw: str | float | int, units: tuple[str, ...], question: Question | None) -> float:
    if isinstance(raw, bool):
        raise InvalidResponse(_NUMBER_HELP)
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        number, suffix = _split_unit(raw)
        if suffix and _unit_key(suffix) not in {_unit_key(u) for u in units if u}:
            if not re.search(r"\d", number):
                raise InvalidResponse(_NUMBER_HELP)
            raise _wrong_unit(suffix, question)
        value = _parse_text(number)
    else:
        raise InvalidResponse(_NUMBER_HELP)
    if not math.isfinite(value):
        raise InvalidResponse(_NUMBER_HELP)
    return value


def _parse_text(text: str) -> float:
    text = text.strip().replace(" ", "").replace("_", "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # decimal comma: "25,03"
    fraction = _FRACTION.match(text)
    try:
        if fraction:
            denominator = float(fraction.group(2))
            if denominator == 0:
                raise InvalidResponse(_NUMBER_HELP)
            return float(fraction.group(1)) / denominator
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", text, re.IGNORECASE):
            raise InvalidResponse(_NUMBER_HELP)
        return float(text)
    except ValueError as exc:  # pragma: no cover - the regex admits only floats
        raise InvalidResponse(_NUMBER_HELP) from exc


def _numeric(q: Question, response: Any) -> float:
    value = read_number(q, response)
    answer = float(q.answer) if isinstance(q.answer, (int, float)) else math.nan
    slack = q.tolerance + 1e-9 * max(1.0, abs(answer))  # float noise never costs a point
    return 1.0 if abs(value - answer) <= slack else 0.0


def _permutation(response: Any, n: int, message: Text) -> list[int]:
    if not isinstance(response, Sequence) or isinstance(response, str) or len(response) != n:
        raise InvalidResponse(message)
    indices = [_index(v, n, message) for v in response]
    if len(set(indices)) != n:
        raise InvalidResponse(message)
    return indices


def _order(q: Question, response: Any) -> float:
    n = len(q.items)
    message = Text(
        f"항목 {n}개를 각각 한 번씩 모두 순서대로 놓으세요.",
        f"Put all {n} items in order, each exactly once.",
    )
    order = _permutation(response, n, message)
    return sum(1 for place, item in enumerate(order) if place == item) / n


def _match(q: Question, response: Any) -> float:
    n = len(q.pairs)
    message = Text(
        f"왼쪽 {n}개 각각에 오른쪽 항목을 하나씩, 겹치지 않게 짝지으세요.",
        f"Match each of the {n} left items to a different right-hand item.",
    )
    chosen = _permutation(response, n, message)
    # compare texts, not indices: two identical right-hand texts are equally right
    hits = sum(1 for i, j in enumerate(chosen) if q.pairs[j].right == q.pairs[i].right)
    return hits / n


# -- the answer written out --------------------------------------------------------------------


def expected_text(question: Question) -> Text:
    """The right answer as the learner should see it after answering."""
    q = question
    if q.type == "single" and isinstance(q.answer, int):
        return _numbered([q.answer], q.options)
    if q.type == "multi" and isinstance(q.answer, tuple):
        return _numbered(list(q.answer), q.options)
    if q.type == "ox":
        return Text("O (맞다)", "O (true)") if q.answer else Text("X (틀리다)", "X (false)")
    if q.type == "cloze":
        return Text(_fill(q.text.ko, q.blanks, "ko"), _fill(q.text.en, q.blanks, "en"))
    if q.type == "numeric" and isinstance(q.answer, (int, float)):
        written = _approx(float(q.answer), q.tolerance)
        around = f" (± {format_number(q.tolerance)})" if q.tolerance >= 1e-3 else ""

        def unit(lang: str) -> str:
            label = unit_label(q, lang)
            tight = label in ("%", "개")  # written against the number: 25.03%, 8192개
            return label if tight or not label else f" {label}"

        return Text(written + unit("ko") + around, written + unit("en") + around)
    if q.type == "order":
        return Text(
            " → ".join(f"{i + 1}. {t.get('ko')}" for i, t in enumerate(q.items)),
            " → ".join(f"{i + 1}. {t.get('en')}" for i, t in enumerate(q.items)),
        )
    if q.type == "match":
        return Text(
            " / ".join(f"{p.left.get('ko')} — {p.right.get('ko')}" for p in q.pairs),
            " / ".join(f"{p.left.get('en')} — {p.right.get('en')}" for p in q.pairs),
        )
    if q.type == "generated":
        return Text("(풀 때마다 새 숫자로 계산)", "(computed afresh at each attempt)")
    return Text("", "")


def _numbered(indices: list[int], options: tuple[Text, ...]) -> Text:
    valid = [i for i in indices if 0 <= i < len(options)]
    return Text(
        " / ".join(f"{i + 1}. {options[i].get('ko')}" for i in valid),
        " / ".join(f"{i + 1}. {options[i].get('en')}" for i in valid),
    )


def _approx(value: float, tolerance: float) -> str:
    """Decimals down to the tolerance's first digit (0.005 -> 3 places, 0.01 -> 2).

    A question that asks for 3 decimals often allows ± 0.005; showing only 2 places would hide
    the precision it asked for.
    """
    if tolerance <= 0:
        return f"{int(value)}" if value == int(value) else format_number(value)
    places = min(6, max(0, math.ceil(-math.log10(tolerance) - 1e-9)))
    return format_number(value, places)


def _pick(variants: tuple[str, ...], lang: str) -> str:
    """The variant written in `lang` (Hangul for ko, anything else for en), else the first."""

    def hangul(s: str) -> bool:
        return any("\uac00" <= ch <= "\ud7a3" for ch in s)

    for v in variants:
        if hangul(v) == (lang == "ko"):
            return v
    return variants[0]


def _fill(text: str, blanks: tuple[tuple[str, ...], ...], lang: str) -> str:
    pieces = text.split("___")
    if not text or len(pieces) != len(blanks) + 1:
        return " / ".join(_pick(v, lang) for v in blanks)
    out = pieces[0]
    for variants, rest in zip(blanks, pieces[1:], strict=True):
        out += f"[{_pick(variants, lang)}]{rest}"
    return out
