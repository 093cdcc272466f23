"""Grading: lenient about how an answer is typed, strict about what it says."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from content.answers import InvalidResponse, expected_text, grade, normalise, parse_number
from content.loader import load_course
from content.model import Question, Text
from tests.content.test_loader import GOOD_QUESTIONS, write_lecture


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Question]:
    root: Path = tmp_path_factory.mktemp("bank")
    extra = """
[[questions]]
id = "q-cloze2"
section = "attention"
type = "cloze"
text = { ko = "___ 게이트와 ___ 게이트", en = "the ___ gate and the ___ gate" }
blanks = [ ["망각", "forget"], ["입력", "input"] ]
explanation = { ko = "망각, 입력", en = "forget, input" }

[[questions]]
id = "q-match-same"
section = "attention"
type = "match"
text = { ko = "짝", en = "pairs" }
pairs = [
  { left = { ko = "a", en = "a" }, right = { ko = "같음", en = "same" } },
  { left = { ko = "b", en = "b" }, right = { ko = "같음", en = "same" } },
  { left = { ko = "c", en = "c" }, right = { ko = "다름", en = "other" } },
]
explanation = { ko = "e", en = "e" }
"""
    write_lecture(root, {"a.toml": GOOD_QUESTIONS + extra})
    course = load_course(root)
    assert course.problems == []
    return {q.id: q for q in course.lectures[0].questions}


def test_single(bank: dict[str, Question]) -> None:
    q = bank["q-single"]
    assert grade(q, 1).correct and grade(q, 1).score == 1.0
    wrong = grade(q, 0)
    assert not wrong.correct and wrong.score == 0.0
    assert wrong.expected.en == "2. F(x) + x" == expected_text(q).en
    for bad in (4, -1, True, "1", None):
        with pytest.raises(InvalidResponse) as info:
            grade(q, bad)
        assert "1-4" in info.value.message.en and info.value.message.ko


@pytest.mark.parametrize(
    ("response", "score"),
    [({0, 3}, 1.0), (frozenset({3, 0}), 1.0), ({0}, 0.5), ({0, 1, 3}, 2 / 3), ({1, 2}, 0.0)],
)
def test_multi_partial_credit(bank: dict[str, Question], response: set[int], score: float) -> None:
    verdict = grade(bank["q-multi"], response)
    assert verdict.score == pytest.approx(score)
    assert verdict.correct == (score == 1.0)


def test_multi_rejects_empty_and_out_of_range(bank: dict[str, Question]) -> None:
    for bad in (set(), {0, 9}, 2):
        with pytest.raises(InvalidResponse):
            grade(bank["q-multi"], bad)


def test_ox_accepts_bools_and_o_x(bank: dict[str, Question]) -> None:
    q = bank["q-ox"]  # answer True
    assert grade(q, True).correct and not grade(q, False).correct
    assert grade(q, " o ").correct and not grade(q, "X").correct
    assert expected_text(q).ko.startswith("O")
    with pytest.raises(InvalidResponse):
        grade(q, "maybe")


@pytest.mark.parametrize(
    "typed",
    ["잔차", " 잔 차 ", "Residual", "RESIDUAL.", "resi-dual", unicodedata.normalize("NFD", "잔차")],
)
def test_cloze_variants(bank: dict[str, Question], typed: str) -> None:
    assert grade(bank["q-cloze"], [typed]).correct


def test_cloze_wrong_partial_and_invalid(bank: dict[str, Question]) -> None:
    assert not grade(bank["q-cloze"], ["plain"]).correct
    two = bank["q-cloze2"]
    assert grade(two, ["Forget", "입력"]).correct
    half = grade(two, ["forget", "output"])
    assert (half.correct, half.score) == (False, 0.5)
    assert grade(two, ["forget", ""]).score == 0.5  # one blank left empty is just wrong
    for bad in (["forget"], ["", " "], "forget", [1, 2]):
        with pytest.raises(InvalidResponse):
            grade(two, bad)
    assert expected_text(two).en == "the [forget] gate and the [input] gate"
    assert expected_text(two).ko == "[망각] 게이트와 [입력] 게이트"


def test_normalise() -> None:
    assert normalise(" Residual-Block ") == normalise("residual block") == "residualblock"
    assert normalise(unicodedata.normalize("NFD", "잔차 블록")) == "잔차블록"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("25.03", 25.03),
        ("25.03%", 25.03),
        (" 25.03 % ", 25.03),
        ("25,03", 25.03),
        ("1,234", 1234.0),
        ("1,234.5", 1234.5),
        ("1e-3", 0.001),
        (" 3 ", 3.0),
        ("-3.51", -3.51),
        ("\u22123.51", -3.51),
        ("-3.51%p", -3.51),
        (".5", 0.5),
        ("１２", 12.0),
        ("1/4", 0.25),
        (7, 7.0),
        (0.25, 0.25),
    ],
)
def test_numbers_are_parsed_leniently(typed: str | float, value: float) -> None:
    assert parse_number(typed) == pytest.approx(value)


@pytest.mark.parametrize("typed", ["abc", "", "  ", "1..2", "nan", "inf", "1/0", "12a", True])
def test_junk_is_not_a_number(typed: str | bool) -> None:
    with pytest.raises(InvalidResponse) as info:
        parse_number(typed)
    assert "숫자를 입력하세요" in info.value.message.ko
    assert "number" in info.value.message.en


def test_numeric_tolerance(bank: dict[str, Question]) -> None:
    q = bank["q-numeric"]  # 25.03 ± 0.01 %
    assert grade(q, "25.03").correct and grade(q, "25.04%").correct and grade(q, 25.02).correct
    assert not grade(q, "25.05").correct and not grade(q, "-25.03").correct
    assert expected_text(q).en == "25.03% (± 0.01)"
    with pytest.raises(InvalidResponse):
        grade(q, "twenty-five")


def test_order(bank: dict[str, Question]) -> None:
    q = bank["q-order"]
    assert grade(q, [0, 1, 2]).correct
    swapped = grade(q, [1, 0, 2])
    assert not swapped.correct and swapped.score == pytest.approx(1 / 3)
    assert grade(q, [2, 0, 1]).score == 0.0
    for bad in ([0, 1], [0, 0, 2], [0, 1, 3], [0, 1, 2, 3]):
        with pytest.raises(InvalidResponse):
            grade(q, bad)
    assert expected_text(q).en == "1. one → 2. two → 3. three"


def test_match(bank: dict[str, Question]) -> None:
    q = bank["q-match"]
    assert grade(q, [0, 1, 2]).correct
    partial = grade(q, [1, 0, 2])
    assert not partial.correct and partial.score == pytest.approx(1 / 3)
    for bad in ([0, 0, 1], [0, 1], [0, 1, 5]):
        with pytest.raises(InvalidResponse):
            grade(q, bad)
    assert "LSTM — 4 blocks" in expected_text(q).en
    # two left items share the same right-hand text: either pick is right
    assert grade(bank["q-match-same"], [1, 0, 2]).correct


def test_generated_questions_must_be_instantiated_first(bank: dict[str, Question]) -> None:
    with pytest.raises(ValueError, match="instantiate"):
        grade(bank["q-gen"], "0.5")


def _numeric_q(
    answer: float, unit: str = "", units: tuple[str, ...] = (), tolerance: float = 0.005
) -> Question:
    return Question(
        id="n",
        section="s",
        type="numeric",
        text=Text("q", "q"),
        explanation=Text("e", "e"),
        answer=answer,
        tolerance=tolerance,
        unit=unit,
        units=units,
    )


def test_a_percentage_is_not_an_answer_in_percentage_points() -> None:
    q = _numeric_q(0.60, "%p")
    for typed in ("0.60 %p", "0.6", "0.6%p", "0.6 %포인트", "0.6 pp"):
        assert grade(q, typed).correct, typed
    with pytest.raises(InvalidResponse) as info:
        grade(q, "0.6%")
    assert "'%'" in info.value.message.ko and "%p" in info.value.message.ko
    assert "not this question's unit" in info.value.message.en


def test_units_are_decided_per_question_and_a_wrong_one_says_why() -> None:
    params = _numeric_q(8192, "params", tolerance=0)
    for typed in ("8192", "8192개", "8192 params", "8,192 parameters"):
        assert grade(params, typed).correct, typed
    with pytest.raises(InvalidResponse) as info:
        grade(params, "8192 p")
    assert "'p'" in info.value.message.en and "params" in info.value.message.en
    assert "개" in info.value.message.ko
    assert expected_text(params).ko == "8192개" and expected_text(params).en == "8192 params"

    bare = _numeric_q(0.36)
    assert grade(bare, "0.36").correct and grade(bare, "0.36개").correct  # a counter is fine
    with pytest.raises(InvalidResponse) as info:
        grade(bare, "0.36 kg")
    assert "'kg'" in info.value.message.ko and "no unit" in info.value.message.en

    own = _numeric_q(0.36, "kg", units=("킬로그램",))  # a question may add spellings
    assert grade(own, "0.36 kg").correct and grade(own, "0.36킬로그램").correct


def test_several_right_options_are_not_joined_into_a_stray_period() -> None:
    base = {"section": "s", "text": Text("q", "q"), "explanation": Text("e", "e")}
    options = tuple(Text(f"보기 {i}이다.", f"Option {i} holds.") for i in range(4))
    q = Question(id="m", type="multi", options=options, answer=(0, 2), **base)  # type: ignore[arg-type]
    written = expected_text(q)
    assert ".;" not in written.ko and ".;" not in written.en
    assert written.ko == "1. 보기 0이다. / 3. 보기 2이다."
