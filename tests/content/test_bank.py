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


# The bank's one vocabulary: the term chosen for each concept, and words it replaced.
TERMS = {
    "경사": "기울기",
    "경사 폭발": "폭주",
    "시간 역전파(BPTT)": "시간을 통한 역전파",
    "매개변수": "파라미터",
    "바이어스": "편향",
    "top-1 오차": "오류율",
    "스킵 연결": "지름길",
    "일반 망": "평범한 네트워크",
    "소프트맥스": "softmax",
    "후보 상태": "n_t",
}


def test_the_glossary_names_one_term_per_concept(lecture: Lecture) -> None:
    synonyms = {t.ko: t.synonyms for t in lecture.glossary}
    assert {ko: syn for ko, syn in TERMS.items() if syn not in synonyms.get(ko, ())} == {}


def test_generated_korean_uses_the_glossary_terms(lecture: Lecture) -> None:
    """Generated questions are not in the bank's files, so check their instances here."""
    from content.validate import question_warnings

    for template in (q for q in lecture.questions if q.type == "generated"):
        made = [instantiate(template, random.Random(seed)) for seed in range(60)]
        warnings = [str(w) for w in question_warnings(made, lecture)]
        assert warnings == [], warnings[:3]


def test_explanations_never_point_at_an_option_by_position(lecture: Lecture) -> None:
    """Options are shown in a shuffled order, so 'the first option' would point at the wrong one."""
    words = ("첫 번째 보기", "두 번째 보기", "세 번째 보기", "first option", "second option")
    bad = [
        q.id
        for q in lecture.questions
        if q.options and any(w in q.explanation.ko + q.explanation.en for w in words)
    ]
    assert bad == []


def test_negative_stem_items_cover_every_part(lecture: Lecture) -> None:
    part_of = {s.id: s.part for s in lecture.sections}
    negative = [q for q in lecture.questions if "옳지 않은" in q.text.ko and "NOT" in q.text.en]
    assert len(negative) >= 15
    per_part = Counter(part_of[q.section] for q in negative)
    assert {p.id: per_part[p.id] for p in lecture.parts if per_part[p.id] < 5} == {}


def test_multi_select_items_vary_in_how_many_are_right(lecture: Lecture) -> None:
    counts = Counter(len(q.answer) for q in lecture.questions if isinstance(q.answer, tuple))
    assert len(counts) >= 4 and max(counts.values()) < sum(counts.values()) * 0.7


def test_enrichment_items_are_marked(lecture: Lecture) -> None:
    enrichment = {q.id for q in lecture.questions if q.enrichment}
    # sqrt(d_k), BERT-base sizes, PyTorch parameter counts, gradient clipping, Luong vs Bahdanau
    assert {
        "att-029",
        "att-030",
        "rnn-014",
        "rnn-034",
        "rnn-043",
        "rnn-021",
        "att-018",
    } <= enrichment
    assert len(enrichment) < len(lecture.questions) // 5
