"""What to study now: the review queue, the mock exam's draw and result, mastery.

Pure functions of the lecture, the card states and the clock, so the UI, the CLI and the
tests compute the same thing. Nothing here touches the progress file.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from content.model import Lecture, Question
from content.scheduler import CardState, Scheduler, as_utc, exam_cutoff


def _lecture_order(lecture: Lecture) -> dict[str, int]:
    """Rank of each question id in reading order: by section, then as listed in the bank.

    Question files are loaded in file-name order, which need not match the sections'
    order; questions of an unknown section come last.
    """
    section_rank = {s.id: i for i, s in enumerate(lecture.sections)}
    ranked = sorted(
        enumerate(lecture.questions),
        key=lambda iq: (section_rank.get(iq[1].section, len(section_rank)), iq[0]),
    )
    order: dict[str, int] = {}
    for rank, (_, question) in enumerate(ranked):
        order.setdefault(question.id, rank)
    return order


def review_queue(
    lecture: Lecture,
    states: dict[str, CardState],
    now: datetime,
    *,
    scheduler: Scheduler,
    exam_date: date | None = None,
    new_limit: int = 10,
    limit: int = 30,
    section: str | None = None,
) -> list[Question]:
    """The questions to review now, at most `limit` of them.

    Due cards come first, most overdue first, then never-seen questions in lecture order
    (at most `new_limit`). With an exam date the due cards are ordered by their predicted
    recall on the exam day, lowest first, and the new ones still follow them: the app
    promises "due first, then new", and a card left due decays further while new ones wait.
    """
    now = as_utc(now)
    order = _lecture_order(lecture)
    pool = sorted(
        {q.id: q for q in lecture.questions if section is None or q.section == section}.values(),
        key=lambda q: order[q.id],
    )
    due = [q for q in pool if q.id in states and states[q.id].due <= now]
    new = [q for q in pool if q.id not in states][: max(new_limit, 0)]

    if exam_date is None:
        due.sort(key=lambda q: (states[q.id].due, order[q.id]))
        queue = due + new
    else:
        at = max(exam_cutoff(exam_date), now)
        recall = {q.id: scheduler.retrievability(states.get(q.id), at) for q in due}
        queue = sorted(due, key=lambda q: (recall[q.id], order[q.id])) + new
    return queue[: max(limit, 0)]


def due_count(states: dict[str, CardState], now: datetime) -> int:
    """How many seen questions are due for review at `now`."""
    now = as_utc(now)
    return sum(1 for s in states.values() if s.due <= now)


@dataclass
class ExamAnswer:
    """One answered (or unanswered: response "") question of a mock exam."""

    question_id: str
    section: str
    correct: bool
    response: str  # the learner's answer, written out for display
    expected: str  # the right answer, written out for display
    raw: str | None = None  # the response itself as JSON (None: unanswered, or an old exam)
    seed: int | None = None  # a generated question's numbers: instantiate with Random(seed)


@dataclass
class ExamResult:
    """A finished mock exam; `id` is None until the progress store saved it."""

    id: int | None
    lecture: str
    started: datetime
    finished: datetime
    time_limit_s: int
    answers: list[ExamAnswer]

    @property
    def total(self) -> int:
        return len(self.answers)

    @property
    def correct(self) -> int:
        return sum(1 for a in self.answers if a.correct)

    @property
    def score(self) -> float:
        """Fraction right, 0..1 (0 for an exam without questions)."""
        return self.correct / self.total if self.total else 0.0

    def per_section(self) -> dict[str, tuple[int, int]]:
        """(correct, total) for each section, in the order the exam met them."""
        tally: dict[str, tuple[int, int]] = {}
        for a in self.answers:
            right, total = tally.get(a.section, (0, 0))
            tally[a.section] = (right + int(a.correct), total + 1)
        return tally


def _allocate(counts: dict[str, int], n: int, rng: random.Random) -> dict[str, int]:
    """How many of `n` questions each section gets: proportional to its question count,
    at least one each when n allows (largest deficit first), never more than it has."""
    sections = [s for s, c in counts.items() if c > 0]
    total = sum(counts[s] for s in sections)
    n = min(n, total)
    if n <= 0:
        return {}
    if n < len(sections):
        # Too few questions for every section: pick n sections, the bigger ones likelier
        # (Efraimidis-Spirakis weighted sampling without replacement).
        keys = {s: rng.random() ** (1.0 / counts[s]) for s in sections}
        return {s: 1 for s in sorted(sections, key=keys.__getitem__, reverse=True)[:n]}
    alloc = dict.fromkeys(sections, 1)
    for _ in range(n - len(sections)):
        open_ = [s for s in sections if alloc[s] < counts[s]]
        best = max(open_, key=lambda s: n * counts[s] / total - alloc[s])
        alloc[best] += 1
    return alloc


def draw_exam(
    lecture: Lecture, n: int, rng: random.Random, *, include_enrichment: bool = False
) -> list[Question]:
    """`n` distinct questions (fewer if the lecture has fewer), spread across sections in
    proportion to their question counts, each section at least once when n allows.

    Returned in lecture order, so the exam walks through the lecture like a paper exam.
    Generated questions are included as they are; the UI instantiates them. Enrichment
    (material beyond the lecture) is left out unless `include_enrichment`.
    """
    order = _lecture_order(lecture)
    unique = sorted(
        {q.id: q for q in lecture.questions if include_enrichment or not q.enrichment}.values(),
        key=lambda q: order[q.id],
    )
    by_section: dict[str, list[Question]] = {}
    for q in unique:
        by_section.setdefault(q.section, []).append(q)
    alloc = _allocate({s: len(qs) for s, qs in by_section.items()}, n, rng)
    drawn = [q for s, k in alloc.items() for q in rng.sample(by_section[s], k)]
    return sorted(drawn, key=lambda q: order[q.id])


def _mean_recall(
    questions: Iterable[Question], states: dict[str, CardState], at: datetime, scheduler: Scheduler
) -> float:
    recalls = [scheduler.retrievability(states.get(q.id), at) for q in questions]
    return sum(recalls) / len(recalls) if recalls else 0.0


# Mastery is the recall predicted a day from now: right after a review FSRS predicts 100% for
# any card, but a card just missed (low stability) is already expected to fade by tomorrow.
MASTERY_HORIZON = timedelta(days=1)


def section_mastery(
    lecture: Lecture, states: dict[str, CardState], now: datetime, scheduler: Scheduler
) -> dict[str, float]:
    """Mean recall (0..1) predicted a day ahead over each section's questions; unseen count 0."""
    at = now + MASTERY_HORIZON
    return {
        s.id: _mean_recall(
            (q for q in lecture.questions if q.section == s.id), states, at, scheduler
        )
        for s in lecture.sections
    }


def part_mastery(
    lecture: Lecture, states: dict[str, CardState], now: datetime, scheduler: Scheduler
) -> dict[str, float]:
    """Mean recall (0..1) predicted a day ahead over each part's questions; unseen count 0."""
    part_of = {s.id: s.part for s in lecture.sections}
    at = now + MASTERY_HORIZON
    return {
        p.id: _mean_recall(
            (q for q in lecture.questions if part_of.get(q.section) == p.id),
            states,
            at,
            scheduler,
        )
        for p in lecture.parts
    }
