"""Review queue, mock exam draw and result, mastery — on a small lecture built here."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone

from content.model import Lecture, Part, Question, Section, Text
from content.scheduler import CardState, Rating, Scheduler
from content.session import (
    ExamAnswer,
    ExamResult,
    draw_exam,
    due_count,
    part_mastery,
    review_queue,
    section_mastery,
)

T0 = datetime(2025, 3, 3, 12, 0, tzinfo=timezone.utc)
SCHEDULER = Scheduler()


def _t(s: str) -> Text:
    return Text(s, s)


def make_lecture(counts: dict[str, int], *, shuffle_bank: bool = False) -> Lecture:
    """Sections s0, s1, ... (parts alternate a/b) with counts[s] ox questions `s-i` each."""
    sections = tuple(
        Section(id=s, part="a" if i % 2 == 0 else "b", title=_t(s), notes=_t(""))
        for i, s in enumerate(counts)
    )
    questions = [
        Question(
            id=f"{s}-{i}", section=s, type="ox", text=_t("?"), explanation=_t("!"), answer=True
        )
        for s, n in counts.items()
        for i in range(n)
    ]
    if shuffle_bank:  # bank order differs from reading order, as file names may
        questions.reverse()
    return Lecture(
        id="lec",
        number=1,
        title=_t("lecture"),
        parts=(Part("a", _t("A")), Part("b", _t("B"))),
        sections=sections,
        summary_points=(),
        glossary=(),
        questions=tuple(questions),
    )


LECTURE = make_lecture({"s0": 3, "s1": 3, "s2": 3})


def reviewed(question_id: str, ratings: list[Rating], at: datetime) -> CardState:
    """The state after `ratings`, one a day, the last one at `at`."""
    state = None
    for k, rating in enumerate(ratings):
        when = at - timedelta(days=len(ratings) - 1 - k)
        state = SCHEDULER.review(state, question_id, rating, when)
    assert state is not None
    return state


def due_at(question_id: str, due: datetime) -> CardState:
    state = reviewed(question_id, [Rating.GOOD], T0 - timedelta(days=30))
    return CardState(**{**state.__dict__, "due": due})


def ids(questions: list[Question]) -> list[str]:
    return [q.id for q in questions]


# -- review queue ---------------------------------------------------------------------


def test_due_first_most_overdue_first_then_new_in_lecture_order() -> None:
    states = {
        "s1-0": due_at("s1-0", T0 - timedelta(hours=1)),
        "s2-2": due_at("s2-2", T0 - timedelta(days=3)),
        "s0-1": due_at("s0-1", T0 + timedelta(days=2)),  # not due yet
    }
    queue = review_queue(LECTURE, states, T0, scheduler=SCHEDULER, new_limit=3)
    assert ids(queue) == ["s2-2", "s1-0", "s0-0", "s0-2", "s1-1"]


def test_new_questions_follow_the_sections_not_the_bank_order() -> None:
    lecture = make_lecture({"s0": 2, "s1": 2}, shuffle_bank=True)
    queue = review_queue(lecture, {}, T0, scheduler=SCHEDULER, new_limit=10)
    assert ids(queue) == ["s0-1", "s0-0", "s1-1", "s1-0"]  # sections in order, bank order within


def test_limits_and_section_filter() -> None:
    assert len(review_queue(LECTURE, {}, T0, scheduler=SCHEDULER, new_limit=4)) == 4
    assert len(review_queue(LECTURE, {}, T0, scheduler=SCHEDULER, new_limit=9, limit=5)) == 5
    assert review_queue(LECTURE, {}, T0, scheduler=SCHEDULER, new_limit=0) == []
    only = review_queue(LECTURE, {}, T0, scheduler=SCHEDULER, section="s1")
    assert ids(only) == ["s1-0", "s1-1", "s1-2"]


def test_exam_mode_orders_due_cards_by_recall_on_the_exam_day_then_new() -> None:
    exam = (T0 + timedelta(days=10)).date()
    weak = reviewed("s0-0", [Rating.AGAIN], T0 - timedelta(days=1))
    strong = reviewed("s1-0", [Rating.GOOD, Rating.GOOD, Rating.EASY], T0 - timedelta(days=1))
    middle = reviewed("s2-0", [Rating.GOOD, Rating.HARD], T0 - timedelta(days=1))
    # All due now, and in an order that differs from the recall order.
    states = {
        "s1-0": CardState(**{**strong.__dict__, "due": T0 - timedelta(days=5)}),
        "s2-0": CardState(**{**middle.__dict__, "due": T0 - timedelta(days=4)}),
        "s0-0": CardState(**{**weak.__dict__, "due": T0 - timedelta(hours=1)}),
    }
    lecture = make_lecture({"s0": 1, "s1": 1, "s2": 1, "s3": 1})
    queue = review_queue(lecture, states, T0, scheduler=SCHEDULER, exam_date=exam)
    # due cards first, as the palette promises, weakest on the exam day first; then new ones
    assert ids(queue) == ["s0-0", "s2-0", "s1-0", "s3-0"]
    at = datetime(exam.year, exam.month, exam.day, tzinfo=timezone.utc)
    recalls = [SCHEDULER.retrievability(states.get(q.id), at) for q in queue[:3]]
    assert recalls == sorted(recalls) and 0 < recalls[0] < recalls[-1]
    plain = review_queue(lecture, states, T0, scheduler=SCHEDULER)
    assert ids(plain) == ["s1-0", "s2-0", "s0-0", "s3-0"]


def test_due_count() -> None:
    states = {
        "a": due_at("a", T0 - timedelta(minutes=1)),
        "b": due_at("b", T0),
        "c": due_at("c", T0 + timedelta(minutes=1)),
    }
    assert due_count(states, T0) == 2
    assert due_count({}, T0) == 0


# -- mock exam ------------------------------------------------------------------------


def test_draw_exam_covers_every_section_without_duplicates() -> None:
    lecture = make_lecture({"s0": 20, "s1": 10, "s2": 5, "s3": 1, "s4": 4})
    for seed in range(20):
        drawn = draw_exam(lecture, 10, random.Random(seed))
        assert len(drawn) == 10
        assert len({q.id for q in drawn}) == 10
        assert {q.section for q in drawn} == {s.id for s in lecture.sections}


def test_draw_exam_proportions() -> None:
    lecture = make_lecture({"s0": 30, "s1": 20, "s2": 10})
    per = Counter(q.section for q in draw_exam(lecture, 12, random.Random(1)))
    assert per == {"s0": 6, "s1": 4, "s2": 2}
    per = Counter(q.section for q in draw_exam(lecture, 30, random.Random(2)))
    assert per == {"s0": 15, "s1": 10, "s2": 5}


def test_draw_exam_small_and_large_n() -> None:
    lecture = make_lecture({"s0": 5, "s1": 1, "s2": 1, "s3": 1})
    few = draw_exam(lecture, 2, random.Random(0))
    assert len(few) == 2 and len({q.section for q in few}) == 2
    everything = draw_exam(lecture, 100, random.Random(0))
    assert sorted(ids(everything)) == sorted(q.id for q in lecture.questions)
    assert draw_exam(lecture, 0, random.Random(0)) == []


def test_draw_exam_is_random_but_reproducible() -> None:
    lecture = make_lecture({"s0": 30, "s1": 30})
    first = ids(draw_exam(lecture, 10, random.Random(7)))
    assert first == ids(draw_exam(lecture, 10, random.Random(7)))
    assert first != ids(draw_exam(lecture, 10, random.Random(8)))


def test_exam_result_totals() -> None:
    answers = [
        ExamAnswer("s0-0", "s0", True, "O", "O"),
        ExamAnswer("s1-0", "s1", False, "X", "O"),
        ExamAnswer("s0-1", "s0", True, "O", "O"),
        ExamAnswer("s1-1", "s1", False, "", "O"),
    ]
    result = ExamResult(None, "lec", T0, T0 + timedelta(minutes=5), 600, answers)
    assert (result.total, result.correct, result.score) == (4, 2, 0.5)
    assert result.per_section() == {"s0": (2, 2), "s1": (0, 2)}
    empty = ExamResult(None, "lec", T0, T0, 600, [])
    assert empty.score == 0.0 and empty.per_section() == {}


# -- mastery --------------------------------------------------------------------------


def test_mastery_is_zero_unseen_rises_with_good_reviews_and_fades() -> None:
    assert section_mastery(LECTURE, {}, T0, SCHEDULER) == {"s0": 0.0, "s1": 0.0, "s2": 0.0}
    assert part_mastery(LECTURE, {}, T0, SCHEDULER) == {"a": 0.0, "b": 0.0}

    states = {q: reviewed(q, [Rating.GOOD] * 3, T0) for q in ("s0-0", "s0-1", "s2-0")}
    now = section_mastery(LECTURE, states, T0, SCHEDULER)
    # two of three well learnt: recall predicted for tomorrow is just under certain
    assert 0.9 * 2 / 3 < now["s0"] < 2 / 3
    assert now["s1"] == 0.0
    assert 0.9 * 1 / 3 < now["s2"] < 1 / 3
    parts = part_mastery(LECTURE, states, T0, SCHEDULER)
    assert 0.9 * 3 / 6 < parts["a"] < 3 / 6  # s0 and s2: 3 of their 6 questions
    assert parts["b"] == 0.0

    later = section_mastery(LECTURE, states, T0 + timedelta(days=20), SCHEDULER)
    much_later = section_mastery(LECTURE, states, T0 + timedelta(days=200), SCHEDULER)
    assert now["s0"] > later["s0"] > much_later["s0"] > 0.0


def test_mastery_right_after_a_miss_is_below_mastery_after_a_right_answer() -> None:
    missed = {"s0-0": reviewed("s0-0", [Rating.AGAIN], T0)}
    right = {"s0-0": reviewed("s0-0", [Rating.GOOD], T0)}
    assert (
        section_mastery(LECTURE, missed, T0, SCHEDULER)["s0"]
        < section_mastery(LECTURE, right, T0, SCHEDULER)["s0"]
    )


def test_mastery_of_a_section_without_questions_is_zero() -> None:
    lecture = make_lecture({"s0": 2, "s1": 0})
    assert section_mastery(lecture, {}, T0, SCHEDULER)["s1"] == 0.0


def test_draw_exam_leaves_enrichment_out_unless_asked() -> None:
    from dataclasses import replace

    extra = {"s0-0", "s1-1", "s2-2"}
    lecture = replace(
        LECTURE,
        questions=tuple(replace(q, enrichment=q.id in extra) for q in LECTURE.questions),
    )
    for seed in range(20):
        drawn = ids(draw_exam(lecture, 100, random.Random(seed)))
        assert len(drawn) == 6 and not extra & set(drawn)
    everything = ids(draw_exam(lecture, 100, random.Random(0), include_enrichment=True))
    assert len(everything) == 9 and extra <= set(everything)
