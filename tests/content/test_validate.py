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
    body = GOOD_QUESTIONS.replace('"sp2"', '"sp0"')
    folder = write_lecture(tmp_path, {"bank.toml": body})
    result = check(folder / "questions", LABS)
    assert [lec.id for lec in result.lectures] == ["demo"]
    assert only(result.problems).field == "summary"


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        check_path(tmp_path / "missing")
