"""The loader: TOML -> model, and every bad input reported, never raised."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from content.loader import BUNDLED, load_course
from content.model import Problem

LECTURE_TOML = """
id = "demo"
number = 1
title = { ko = "데모", en = "Demo" }

[[parts]]
id = "cnn"
title = { ko = "합성곱", en = "Convolution" }

[[sections]]
id = "residual-block"
part = "cnn"
title = { ko = "잔차 블록", en = "The residual block" }
notes.ko = "F(x) + x"
notes.en = "F(x) + x"

[[sections]]
id = "attention"
part = "cnn"
title = { ko = "어텐션", en = "Attention" }
notes.ko = "가중 평균"
notes.en = "weighted average"

[[summary_points]]
id = "sp2"
sections = ["residual-block"]
text = { ko = "잔차", en = "residual" }

[[glossary]]
ko = "잔차 블록"
en = "residual block"
section = "residual-block"
definition = { ko = "F(x) + x를 내는 블록", en = "a block that outputs F(x) + x" }
"""

# One valid question of every type, each tagged with a summary point; validate.py finds nothing
# wrong with them and warns about nothing.
GOOD_QUESTIONS = """
[[questions]]
id = "q-single"
section = "residual-block"
type = "single"
summary = ["sp2"]
text = { ko = "잔차 블록의 출력은?", en = "What does a residual block output?" }
options = [ { ko = "F(x)", en = "F(x)" }, { ko = "F(x) + x", en = "F(x) + x" },
            { ko = "x", en = "x" }, { ko = "F(x) - x", en = "F(x) - x" } ]
answer = 1
explanation = { ko = "지름길이 x를 더한다.", en = "The skip adds x." }

[[questions]]
id = "q-multi"
section = "residual-block"
type = "multi"
summary = ["sp2"]
difficulty = 3
text = { ko = "맞는 것은?", en = "Which are true?" }
options = [ { ko = "가", en = "a" }, { ko = "나", en = "b" }, { ko = "다", en = "c" },
            { ko = "라", en = "d" } ]
answer = [3, 0]
explanation = { ko = "가, 라", en = "a, d" }

[[questions]]
id = "q-ox"
section = "residual-block"
type = "ox"
summary = ["sp2"]
difficulty = 1
text = { ko = "x를 더한다.", en = "x is added." }
answer = true
explanation = { ko = "맞다.", en = "True." }

[[questions]]
id = "q-cloze"
section = "residual-block"
type = "cloze"
summary = ["sp2"]
text = { ko = "ResNet은 ___ 블록을 쌓는다.", en = "ResNet stacks ___ blocks." }
blanks = [ ["잔차", "residual"] ]
explanation = { ko = "잔차 블록", en = "residual blocks" }

[[questions]]
id = "q-numeric"
section = "residual-block"
type = "numeric"
summary = ["sp2"]
text = { ko = "ResNet-34의 오류율은?", en = "ResNet-34's error?" }
answer = 25.03
tolerance = 0.01
unit = "%"
explanation = { ko = "25.03%", en = "25.03%" }

[[questions]]
id = "q-order"
section = "attention"
type = "order"
summary = ["sp2"]
text = { ko = "순서대로", en = "In order" }
items = [ { ko = "하나", en = "one" }, { ko = "둘", en = "two" }, { ko = "셋", en = "three" } ]
explanation = { ko = "순서", en = "order" }

[[questions]]
id = "q-match"
section = "attention"
type = "match"
summary = ["sp2"]
lab = "features"
text = { ko = "짝짓기", en = "Match" }
pairs = [
  { left = { ko = "LSTM", en = "LSTM" }, right = { ko = "게이트 4개", en = "4 blocks" } },
  { left = { ko = "GRU", en = "GRU" }, right = { ko = "게이트 3개", en = "3 blocks" } },
  { left = { ko = "RNN", en = "RNN" }, right = { ko = "1개", en = "1 block" } },
]
explanation = { ko = "블록 수", en = "block counts" }

[[questions]]
id = "q-gen"
section = "attention"
type = "generated"
summary = ["sp2"]
generator = "attention_softmax"
text = { ko = "어텐션 계산", en = "Attention by hand" }
explanation = { ko = "가중 평균", en = "weighted average" }
"""


def write_lecture(
    root: Path,
    questions: dict[str, str],
    lecture: str = LECTURE_TOML,
    name: str = "demo",
) -> Path:
    """A lecture folder `root/name` with lecture.toml and questions/<file> for each entry."""
    folder = root / name
    (folder / "questions").mkdir(parents=True)
    (folder / "lecture.toml").write_text(textwrap.dedent(lecture), encoding="utf-8")
    for file, body in questions.items():
        (folder / "questions" / file).write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_every_type_loads_with_its_fields(tmp_path: Path) -> None:
    folder = write_lecture(tmp_path, {"a.toml": GOOD_QUESTIONS})
    course = load_course(tmp_path)
    assert course.problems == []
    (lecture,) = course.lectures
    assert (lecture.id, lecture.number, lecture.title.en) == ("demo", 1, "Demo")
    assert [s.id for s in lecture.sections] == ["residual-block", "attention"]
    assert lecture.glossary[0].definition.ko.startswith("F(x)")
    q = {x.id: x for x in lecture.questions}
    assert list(q) == [
        "q-single",
        "q-multi",
        "q-ox",
        "q-cloze",
        "q-numeric",
        "q-order",
        "q-match",
        "q-gen",
    ]
    assert q["q-single"].answer == 1 and q["q-single"].options[1].en == "F(x) + x"
    assert q["q-single"].summary == ("sp2",)
    assert q["q-multi"].answer == (0, 3) and q["q-multi"].difficulty == 3
    assert q["q-ox"].answer is True
    assert q["q-cloze"].blanks == (("잔차", "residual"),)
    assert (q["q-numeric"].answer, q["q-numeric"].tolerance, q["q-numeric"].unit) == (
        25.03,
        0.01,
        "%",
    )
    assert [t.en for t in q["q-order"].items] == ["one", "two", "three"]
    assert q["q-match"].pairs[1].right.en == "3 blocks" and q["q-match"].lab == "features"
    assert q["q-gen"].generator == "attention_softmax"
    assert q["q-ox"].difficulty == 1 and q["q-single"].difficulty == 2  # default 2
    assert q["q-ox"].source == str(folder / "questions" / "a.toml")


def test_root_may_be_one_lecture_folder_or_a_folder_of_lectures(tmp_path: Path) -> None:
    folder = write_lecture(tmp_path, {"a.toml": GOOD_QUESTIONS})
    other = LECTURE_TOML.replace('id = "demo"', 'id = "other"', 1)
    write_lecture(tmp_path, {}, lecture=other, name="other")
    both = load_course(tmp_path)
    assert [lec.id for lec in both.lectures] == ["demo", "other"]
    one = load_course(folder)
    assert [lec.id for lec in one.lectures] == ["demo"]
    assert len(one.lectures[0].questions) == 8


def test_question_files_load_in_name_order(tmp_path: Path) -> None:
    first = GOOD_QUESTIONS.replace('id = "q-', 'id = "b-')
    write_lecture(tmp_path, {"b.toml": first, "a.toml": GOOD_QUESTIONS})
    ids = [q.id for q in load_course(tmp_path).lectures[0].questions]
    assert ids[:2] == ["q-single", "q-multi"] and ids[8:10] == ["b-single", "b-multi"]


def test_missing_root_raises_with_the_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_course(tmp_path / "nowhere")


def test_malformed_question_file_names_line_and_column_and_the_rest_loads(
    tmp_path: Path,
) -> None:
    bad = '[[questions]]\nid = "x"\ntext = { ko = "a", en = \n'
    write_lecture(tmp_path, {"a.toml": GOOD_QUESTIONS, "b.toml": bad})
    course = load_course(tmp_path)
    problem = only(course.problems)
    assert problem.file.endswith("b.toml") and problem.question is None
    assert "line 3" in problem.message and "column" in problem.message
    assert len(course.lectures[0].questions) == 8


def test_malformed_lecture_toml_skips_that_lecture_only(tmp_path: Path) -> None:
    write_lecture(tmp_path, {"a.toml": GOOD_QUESTIONS})
    write_lecture(tmp_path, {"a.toml": GOOD_QUESTIONS}, lecture='id = "broken\n', name="zz")
    course = load_course(tmp_path)
    problem = only(course.problems)
    assert problem.file == str(tmp_path / "zz" / "lecture.toml")
    assert "line 1" in problem.message
    assert [lec.id for lec in course.lectures] == ["demo"]


def test_missing_field_skips_the_question(tmp_path: Path) -> None:
    body = (
        GOOD_QUESTIONS
        + """
[[questions]]
id = "no-expl"
section = "attention"
type = "ox"
text = { ko = "가", en = "a" }
answer = false
"""
    )
    write_lecture(tmp_path, {"a.toml": body})
    course = load_course(tmp_path)
    problem = only(course.problems)
    assert (problem.question, problem.field) == ("no-expl", "explanation")
    assert problem.file.endswith("a.toml") and "missing" in problem.message
    assert "no-expl" not in [q.id for q in course.lectures[0].questions]
    assert len(course.lectures[0].questions) == 8


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("answer = 1", "answer = 4"), "answer", "0..3"),
        (("answer = 1", 'answer = "b"'), "answer", "integer"),
        (('type = "single"', 'type = "essay"'), "type", "unknown type"),
        (("answer = 1\n", "answer = 1\ndifficulty = 5\n"), "difficulty", "1, 2 or 3"),
        (('text = { ko = "잔차 블록의 출력은?"', 'text = { fr = "x"'), "text", "ko and en"),
    ],
)
def test_invalid_single_field_is_reported_and_skipped(
    tmp_path: Path, change: tuple[str, str], field: str, words: str
) -> None:
    body = GOOD_QUESTIONS.replace(*change, 1)
    write_lecture(tmp_path, {"a.toml": body})
    course = load_course(tmp_path)
    problem = only(course.problems)
    assert (problem.question, problem.field) == ("q-single", field)
    assert words in problem.message
    assert "q-single" not in [q.id for q in course.lectures[0].questions]


def test_cloze_blank_count_must_match_each_language(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace("ResNet stacks ___ blocks.", "ResNet ___ stacks ___ blocks.")
    write_lecture(tmp_path, {"a.toml": body})
    problem = only(load_course(tmp_path).problems)
    assert (problem.question, problem.field) == ("q-cloze", "blanks")
    assert "text.en has 2" in problem.message


def test_multi_answer_out_of_range_and_negative_tolerance(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace("answer = [3, 0]", "answer = [3, 6]").replace(
        "tolerance = 0.01", "tolerance = -0.01"
    )
    write_lecture(tmp_path, {"a.toml": body})
    problems = {(p.question, p.field) for p in load_course(tmp_path).problems}
    assert problems == {("q-multi", "answer"), ("q-numeric", "tolerance")}


def test_unknown_generator_is_reported(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace('"attention_softmax"', '"no_such_generator"')
    write_lecture(tmp_path, {"a.toml": body})
    problem = only(load_course(tmp_path).problems)
    assert (problem.question, problem.field) == ("q-gen", "generator")
    assert "rnn_step" in problem.message  # lists the known ones


def test_duplicate_id_keeps_the_first(tmp_path: Path) -> None:
    dup = """
[[questions]]
id = "q-ox"
section = "attention"
type = "ox"
text = { ko = "나", en = "b" }
answer = false
explanation = { ko = "다", en = "c" }
"""
    write_lecture(tmp_path, {"a.toml": GOOD_QUESTIONS, "b.toml": dup})
    course = load_course(tmp_path)
    problem = only(course.problems)
    assert problem.file.endswith("b.toml")
    assert (problem.question, problem.field) == ("q-ox", "id")
    assert "a.toml" in problem.message
    kept = course.lectures[0].question("q-ox")
    assert kept is not None and kept.answer is True


def test_missing_id_and_unknown_key(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace('id = "q-ox"\n', "").replace(
        "tolerance = 0.01", "tolerance = 0.01\ntolerence = 1"
    )
    write_lecture(tmp_path, {"a.toml": body})
    course = load_course(tmp_path)
    by_field = {p.field: p for p in course.problems}
    assert set(by_field) == {"id", "tolerence"}
    assert by_field["id"].question is None and "#3" in by_field["id"].message
    assert by_field["tolerence"].question == "q-numeric"
    ids = [q.id for q in course.lectures[0].questions]
    assert len(ids) == 7 and "q-numeric" in ids  # an unknown key does not skip the question


def test_bad_lecture_entries_are_skipped(tmp_path: Path) -> None:
    lecture = LECTURE_TOML + '\n[[sections]]\nid = "no-part"\ntitle = { ko = "a", en = "b" }\n'
    write_lecture(tmp_path, {}, lecture=lecture)
    course = load_course(tmp_path)
    problem = only(course.problems)
    assert problem.question is None and problem.field == "sections[no-part].part"
    assert [s.id for s in course.lectures[0].sections] == ["residual-block", "attention"]


def test_folder_without_lectures_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    course = load_course(tmp_path)
    assert course.lectures == []
    assert "lecture.toml" in only(course.problems).message


def test_bundled_course_is_inside_the_package() -> None:
    assert (BUNDLED / "lecture15" / "lecture.toml").is_file()
    assert load_course().lectures[0].id == "lecture15"


def test_content_imports_no_heavy_or_ui_modules() -> None:
    """content/ is what the first screen is built from: torch, textual, rich and engine must
    stay out (checked in a fresh interpreter, so nothing else has imported them yet)."""
    code = (
        "import importlib, pkgutil, sys, content\n"
        "for m in pkgutil.iter_modules(content.__path__):\n"
        "    importlib.import_module('content.' + m.name)\n"
        "from content.loader import load_course\n"
        "load_course()\n"
        "bad = [m for m in ('torch', 'textual', 'rich', 'engine') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_enrichment_and_glossary_synonyms_load(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace('id = "q-ox"\n', 'id = "q-ox"\nenrichment = true\n', 1)
    lecture = LECTURE_TOML + 'synonyms = ["잔여 블록"]\n'
    folder = write_lecture(tmp_path, {"a.toml": body}, lecture=lecture)
    course = load_course(folder)
    assert course.problems == []
    (lecture_,) = course.lectures
    assert lecture_.glossary[0].synonyms == ("잔여 블록",)
    flagged = {q.id: q.enrichment for q in lecture_.questions}
    assert flagged["q-ox"] is True and flagged["q-single"] is False


def test_enrichment_must_be_a_boolean(tmp_path: Path) -> None:
    body = GOOD_QUESTIONS.replace('id = "q-ox"\n', 'id = "q-ox"\nenrichment = "yes"\n', 1)
    course = load_course(write_lecture(tmp_path, {"a.toml": body}))
    problem = only(course.problems)
    assert (problem.question, problem.field) == ("q-ox", "enrichment")
    assert "true or false" in problem.message
