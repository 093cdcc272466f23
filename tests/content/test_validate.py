"""check_path: each kind of mistake is pinned to its file, question and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.validate import check, check_path
from tests.content.test_loader import GOOD_QUESTIONS, LECTURE_TOML, only, write_lecture

LABS = {"features"}


def problems_for(tmp_path: Path, questions: str, lecture: str = LECTURE_TOML) -> list:
    write_lecture(tmp_path, {"bank.toml": questions}, lecture=lecture)
    return check_path(tmp_path, known_labs=LABS)


def test_a_clean_lecture_has_no_problems(tmp_path: Path) -> None:
    assert problems_for(tmp_path, GOOD_QUESTIONS) == []
    result = check(tmp_path, LABS)
    assert (len(result.lectures), result.questions) == (1, 8)


@pytest.mark.parametrize(
    ("change", "qid", "field", "words"),
    [
        (
            ('section = "attention"\ntype = "order"', 'section = "atention"\ntype = "order"'),
            "q-order",
            "section",
            "unknown section 'atention'",
        ),
        (
            ('en = "What does a residual block output?"', 'en = ""'),
            "q-single",
            "text.en",
            "English",
        ),
        (('text = { ko = "x를 더한다.", ', "text = { "), "q-ox", "text.ko", "Korean"),
        (
            ('explanation = { ko = "맞다.", en = "True." }', 'explanation = { ko = "", en = " " }'),
            "q-ox",
            "explanation",
            "empty",
        ),
        (('summary = ["sp2"]', 'summary = ["sp9"]'), "q-single", "summary", "'sp9'"),
        (('lab = "features"', 'lab = "resnet"'), "q-match", "lab", "no lab 'resnet'"),
        (
            ('{ ko = "라", en = "d" } ]', '{ ko = "가", en = "a" } ]'),
            "q-multi",
            "options",
            "distinct",
        ),
        (('{ ko = "x", en = "x" }, ', ""), "q-single", "options", "exactly 4"),
        (('{ ko = "하나", en = "one" }, ', ""), "q-order", "items", "3 to 6"),
        (('id = "q-ox"', 'id = "q ox"'), "q ox", "id", "letters"),
    ],
)
def test_each_mistake_names_question_and_field(
    tmp_path: Path, change: tuple[str, str], qid: str, field: str, words: str
) -> None:
    assert change[0] in GOOD_QUESTIONS
    problem = only(problems_for(tmp_path, GOOD_QUESTIONS.replace(*change, 1)))
    assert (problem.question, problem.field) == (qid, field)
    assert problem.file == str(tmp_path / "demo" / "questions" / "bank.toml")
    assert words in problem.message


def test_loader_problems_are_included(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace("answer = 1", "answer = 7", 1)
    problem = only(problems_for(tmp_path, body))
    assert (problem.question, problem.field) == ("q-single", "answer")


def test_lab_links_are_checked_only_when_labs_are_known(tmp_path: Path) -> None:
    write_lecture(tmp_path, {"bank.toml": GOOD_QUESTIONS.replace('"features"', '"memory"')})
    assert check_path(tmp_path) == []
    problem = only(check_path(tmp_path, known_labs=LABS))
    assert problem.field == "lab" and "features" in problem.message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            ('part = "cnn"\ntitle = { ko = "어텐션"', 'part = "rnn"\ntitle = { ko = "어텐션"'),
            "sections[attention].part",
        ),
        (('notes.en = "weighted average"', 'notes.en = ""'), "sections[attention].notes.en"),
        (('id = "attention"\n', 'id = "attention"\nlab = "memory"\n'), "sections[attention].lab"),
        (
            ('section = "residual-block"\ndefinition', 'section = "resnet"\ndefinition'),
            "glossary[residual block].section",
        ),
        (
            ('sections = ["residual-block"]', 'sections = ["residual"]'),
            "summary_points[sp2].sections",
        ),
        (('id = "attention"\n', 'id = "Attention_Part"\n'), "sections[Attention_Part].id"),
    ],
)
def test_lecture_toml_mistakes(tmp_path: Path, change: tuple[str, str], field: str) -> None:
    assert change[0] in LECTURE_TOML
    lecture = LECTURE_TOML.replace(*change, 1)
    questions = GOOD_QUESTIONS.replace('"attention"', '"Attention_Part"')
    if "Attention_Part" not in lecture:
        questions = GOOD_QUESTIONS
    problem = only(problems_for(tmp_path, questions, lecture=lecture))
    assert problem.file == str(tmp_path / "demo" / "lecture.toml")
    assert problem.question is None and problem.field == field


def test_one_question_file_is_checked_against_its_lecture(tmp_path: Path) -> None:
    lecture = LECTURE_TOML.replace('notes.en = "weighted average"', 'notes.en = ""')
    body = GOOD_QUESTIONS.replace('section = "attention"', 'section = "nowhere"', 1)
    folder = write_lecture(tmp_path, {"bank.toml": body, "other.toml": "not toml ="}, lecture)
    problem = only(check_path(folder / "questions" / "bank.toml", LABS))
    assert (problem.question, problem.field) == ("q-order", "section")
    lecture_only = only(check_path(folder / "lecture.toml", LABS))
    assert lecture_only.field == "sections[attention].notes.en"


def test_a_lone_question_file_gets_the_checks_that_need_no_lecture(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace('section = "attention"', 'section = "nowhere"', 1)
    body = body.replace('en = "Which are true?"', 'en = ""')
    file = tmp_path / "bank.toml"
    file.write_text(body, encoding="utf-8")
    problem = only(check_path(file, LABS))
    assert (problem.question, problem.field) == ("q-multi", "text.en")
    assert check(file, LABS).questions == 8


def test_a_questions_folder_means_its_lecture(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace('"sp2"', '"sp0"', 1)
    folder = write_lecture(tmp_path, {"bank.toml": body})
    result = check(folder / "questions", LABS)
    assert [lec.id for lec in result.lectures] == ["demo"]
    assert only(result.problems).field == "summary"


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        check_path(tmp_path / "missing")


# -- warnings: untagged questions and one vocabulary ----------------------------------------

SYNONYM_LECTURE = LECTURE_TOML.replace(
    'definition = { ko = "F(x) + x를 내는 블록", en = "a block that outputs F(x) + x" }',
    'definition = { ko = "F(x) + x를 내는 블록", en = "a block that outputs F(x) + x" }\n'
    'synonyms = ["잔여 블록"]\n\n'
    "[[glossary]]\n"
    'ko = "소프트맥스"\nen = "softmax"\nsection = "attention"\n'
    'definition = { ko = "합이 1인 가중치", en = "weights summing to 1" }\n'
    'synonyms = ["softmax"]',
)


def warnings_for(tmp_path: Path, questions: str, lecture: str = SYNONYM_LECTURE) -> list:
    write_lecture(tmp_path, {"bank.toml": questions}, lecture=lecture)
    result = check(tmp_path, LABS)
    assert result.problems == []  # warnings never count as problems
    return result.warnings


def test_a_clean_lecture_has_no_warnings(tmp_path: Path) -> None:
    assert warnings_for(tmp_path, GOOD_QUESTIONS) == []


def test_an_untagged_question_is_a_warning_naming_its_section_points(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace('type = "ox"\nsummary = ["sp2"]\n', 'type = "ox"\n', 1)
    warning = only(warnings_for(tmp_path, body))
    assert (warning.question, warning.field) == ("q-ox", "summary")
    assert warning.file == str(tmp_path / "demo" / "questions" / "bank.toml")
    assert 'summary = ["sp2"]' in warning.message


def test_no_untagged_warning_for_a_lecture_without_summary_points(tmp_path: Path) -> None:
    start = SYNONYM_LECTURE.index("[[summary_points]]")
    lecture = SYNONYM_LECTURE[:start] + SYNONYM_LECTURE[SYNONYM_LECTURE.index("[[glossary]]") :]
    body = GOOD_QUESTIONS.replace('summary = ["sp2"]\n', "")
    assert warnings_for(tmp_path, body, lecture) == []


@pytest.mark.parametrize(
    ("change", "qid", "field"),
    [
        (("지름길이 x를 더한다.", "잔여 블록이 x를 더한다."), "q-single", "explanation.ko"),
        (
            ('{ ko = "가", en = "a" }', '{ ko = "가 softmax다", en = "a" }'),
            "q-multi",
            "options[0].ko",
        ),
        (
            ('{ ko = "하나", en = "one" }', '{ ko = "잔여 블록 하나", en = "one" }'),
            "q-order",
            "items[0].ko",
        ),
        (
            ('right = { ko = "1개"', 'right = { ko = "잔여 블록 1개"'),
            "q-match",
            "pairs[2].right.ko",
        ),
    ],
)
def test_a_glossary_synonym_in_korean_text_is_a_warning(
    tmp_path: Path, change: tuple[str, str], qid: str, field: str
) -> None:
    assert change[0] in GOOD_QUESTIONS
    warning = only(warnings_for(tmp_path, GOOD_QUESTIONS.replace(*change, 1)))
    assert (warning.question, warning.field) == (qid, field)
    assert warning.file == str(tmp_path / "demo" / "questions" / "bank.toml")
    synonym = "softmax" if "softmax" in change[1] else "잔여 블록"
    assert repr(synonym) in warning.message
    assert ("'소프트맥스'" if synonym == "softmax" else "'잔차 블록'") in warning.message


@pytest.mark.parametrize(
    "korean",
    [
        "α = softmax(e)로 구한다",  # a function call in a formula
        "가중치는 `softmax`로 구한다",  # inline code
        "softmaxes",  # another word
        "ResNet은 ___ 블록을 쌓는다.",  # no synonym at all
    ],
)
def test_formulas_code_and_longer_words_are_not_synonyms(tmp_path: Path, korean: str) -> None:
    body = GOOD_QUESTIONS.replace("ResNet은 ___ 블록을 쌓는다.", korean.replace("___", "") + " ___")
    assert warnings_for(tmp_path, body) == []


def test_cloze_answers_may_accept_synonyms(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace(
        '["잔차", "residual"]', '["잔차", "잔여", "잔여 블록", "residual"]'
    )
    assert warnings_for(tmp_path, body) == []


def test_a_synonym_used_twice_is_one_warning_and_notes_are_checked(tmp_path: Path) -> None:
    lecture = SYNONYM_LECTURE.replace(
        'notes.ko = "가중 평균"', 'notes.ko = "softmax로 만든 가중 평균, softmax"'
    )
    warning = only(warnings_for(tmp_path, GOOD_QUESTIONS, lecture))
    assert (warning.question, warning.field) == (None, "sections[attention].notes.ko")
    assert warning.file == str(tmp_path / "demo" / "lecture.toml")
    assert "(2 times)" in warning.message


def test_a_synonym_inside_its_own_term_is_a_problem(tmp_path: Path) -> None:
    lecture = SYNONYM_LECTURE.replace('synonyms = ["잔여 블록"]', 'synonyms = ["블록"]')
    write_lecture(tmp_path, {"bank.toml": GOOD_QUESTIONS}, lecture=lecture)
    problem = only(check(tmp_path, LABS).problems)
    assert problem.field == "glossary[residual block].synonyms"


def test_one_question_file_gets_the_same_warnings(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace("지름길이 x를 더한다.", "잔여 블록이 x를 더한다.")
    write_lecture(tmp_path, {"bank.toml": body}, lecture=SYNONYM_LECTURE)
    result = check(tmp_path / "demo" / "questions" / "bank.toml", LABS)
    assert [(w.question, w.field) for w in result.warnings] == [("q-single", "explanation.ko")]
