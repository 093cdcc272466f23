"""The bundled course for lecture 15: clean, and big and broad enough to study from."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from content.answers import grade
from content.generators import GENERATORS, instantiate
from content.loader import BUNDLED, load_course
from content.model import QUESTION_TYPES, Lecture
from content.validate import check_path
from engine.catalogue import lab_ids

SECTIONS = [
    "layers-features",
    "degradation",
    "residual-block",
    "resnet-results",
    "rnn-basics",
    "deep-rnn",
    "bptt",
    "memory-problem",
    "lstm",
    "gru",
    "encoder-decoder",
    "attention",
    "transformer-idea",
    "transformer-structure",
]


@pytest.fixture(scope="module")
def lecture() -> Lecture:
    course = load_course()
    (only,) = [lec for lec in course.lectures if lec.id == "lecture15"]
    return only


def test_bundled_course_has_no_problems() -> None:
    problems = check_path(BUNDLED, known_labs=lab_ids())
    assert [str(p) for p in problems] == []


def test_lecture_shape(lecture: Lecture) -> None:
    assert lecture.number == 15 and lecture.title.en == "Deep Learning (2)"
    assert [p.id for p in lecture.parts] == ["cnn", "rnn", "transformer"]
    assert [s.id for s in lecture.sections] == SECTIONS
    assert [p.id for p in lecture.summary_points] == [f"sp{i}" for i in range(1, 9)]
    for section in lecture.sections:
        assert section.notes.ko.strip() and section.notes.en.strip(), section.id
    assert len(lecture.glossary) >= 30


def test_enough_questions_of_every_kind(lecture: Lecture) -> None:
    written = [q for q in lecture.questions if q.type != "generated"]
    assert len(written) >= 90
    types = Counter(q.type for q in lecture.questions)
    assert {t: types[t] for t in QUESTION_TYPES if types[t] < 5} == {}
    generators = {q.generator for q in lecture.questions if q.type == "generated"}
    assert len(generators) >= 6 and generators <= set(GENERATORS)


def test_every_summary_point_is_covered(lecture: Lecture) -> None:
    covered = Counter(sp for q in lecture.questions for sp in q.summary)
    assert {sp.id: covered[sp.id] for sp in lecture.summary_points if covered[sp.id] < 5} == {}


def test_every_section_has_questions(lecture: Lecture) -> None:
    per_section = Counter(q.section for q in lecture.questions)
    assert {s: per_section[s] for s in SECTIONS if per_section[s] < 3} == {}


def test_generated_entries_instantiate_and_grade(lecture: Lecture) -> None:
    templates = [q for q in lecture.questions if q.type == "generated"]
    assert len(templates) >= 5  # an empty list would make this test pass on nothing
    for template in templates:
        for seed in range(10):
            q = instantiate(template, random.Random(seed))
            assert q.id == template.id and q.section == template.section
            assert q.type in ("numeric", "single")
            right = q.answer if q.type == "single" else f"{q.answer:.6f}"
            assert grade(q, right).correct
