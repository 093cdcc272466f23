"""FSRS scheduling: our wrapper agrees with the fsrs package, round-trips, honours an exam date."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import fsrs
import pytest

from content.scheduler import (
    CardState,
    Rating,
    Scheduler,
    exam_cutoff,
    suggest_rating,
)

T0 = datetime(2025, 3, 3, 12, 0, tzinfo=timezone.utc)


def run(scheduler: Scheduler, ratings: list[Rating], start: datetime = T0) -> list[CardState]:
    """Review one card with `ratings`, each review at the moment it falls due."""
    states: list[CardState] = []
    state: CardState | None = None
    now = start
    for rating in ratings:
        state = scheduler.review(state, "q1", rating, now)
        states.append(state)
        now = max(state.due, now)
    return states


def test_ratings_are_fsrs_ratings() -> None:
    assert [int(r) for r in Rating] == [int(r) for r in fsrs.Rating]


@pytest.mark.parametrize(
    ("correct", "score", "seconds", "expected"),
    [
        (False, 0.0, 5, Rating.AGAIN),
        (False, 0.3, 5, Rating.AGAIN),
        (False, 0.5, 40, Rating.HARD),
        (True, 1.0, 40, Rating.GOOD),
        (True, 1.0, 4, Rating.EASY),
    ],
)
def test_suggest_rating(correct: bool, score: float, seconds: float, expected: Rating) -> None:
    assert suggest_rating(correct, score, seconds) is expected


def test_first_review_starts_learning() -> None:
    state = Scheduler().review(None, "q1", Rating.GOOD, T0)
    assert state.question_id == "q1"
    assert state.state == "learning"
    assert state.reps == 1 and state.lapses == 0
    assert state.last_review == T0
    assert T0 < state.due < T0 + timedelta(days=1)  # a learning step, minutes away
    assert state.stability is not None and state.difficulty is not None


def test_matches_the_fsrs_package_without_fuzz() -> None:
    ratings = [Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.EASY]
    ours = run(Scheduler(), ratings)
    reference = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=T0)
    now = T0
    for rating, state in zip(ratings, ours, strict=True):
        card, _ = reference.review_card(card, fsrs.Rating(int(rating)), now)
        assert state.due == card.due
        assert state.stability == pytest.approx(card.stability)
        assert state.difficulty == pytest.approx(card.difficulty)
        assert state.state == card.state.name.lower()
        now = max(card.due, now)


def test_same_reviews_same_schedule() -> None:
    ratings = [Rating.GOOD] * 6
    assert run(Scheduler(), ratings) == run(Scheduler(), ratings)


def test_good_reviews_stretch_the_interval_and_again_lapses() -> None:
    states = run(Scheduler(), [Rating.GOOD] * 5)
    assert states[-1].state == "review"
    intervals = [s.due - s.last_review for s in states if s.last_review]
    assert intervals[-1] > intervals[-2] > timedelta(days=1)
    lapsed = Scheduler().review(states[-1], "q1", Rating.AGAIN, states[-1].due)
    assert lapsed.state == "relearning"
    assert lapsed.lapses == 1 and lapsed.reps == 6
    assert lapsed.due - lapsed.last_review < timedelta(days=1)  # type: ignore[operator]


def test_json_round_trip() -> None:
    states = run(Scheduler(), [Rating.GOOD] * 4 + [Rating.AGAIN])
    for state in states:
        assert CardState.from_json(state.to_json()) == state
    learning = states[0]
    assert learning.step is not None


def test_json_round_trip_keeps_zone_and_nones() -> None:
    state = CardState("q", T0, None, None, "learning", 0, None, 0, 0)
    back = CardState.from_json(state.to_json())
    assert back == state
    assert back.due.tzinfo is not None and back.due.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "JSON object"),
        ('{"question_id": "q"}', "lacks the field"),
    ],
)
def test_bad_json_says_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        CardState.from_json(text)


def test_bad_state_name_is_refused() -> None:
    good = run(Scheduler(), [Rating.GOOD])[0]
    with pytest.raises(ValueError, match="not one of"):
        CardState.from_json(good.to_json().replace('"learning"', '"mastered"'))


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Scheduler().review(None, "q1", Rating.GOOD, datetime(2025, 3, 3, 12, 0))


def test_other_zones_are_converted_to_utc() -> None:
    seoul = timezone(timedelta(hours=9))
    state = Scheduler().review(None, "q1", Rating.GOOD, T0.astimezone(seoul))
    assert state.last_review == T0
    assert state.last_review.tzinfo == timezone.utc  # type: ignore[union-attr]


def test_state_of_another_question_is_refused() -> None:
    state = Scheduler().review(None, "q1", Rating.GOOD, T0)
    with pytest.raises(ValueError, match="belongs to"):
        Scheduler().review(state, "q2", Rating.GOOD, T0)


def test_exam_date_caps_every_due_date() -> None:
    exam = (T0 + timedelta(days=5)).date()
    ratings = [Rating.GOOD, Rating.GOOD, Rating.EASY, Rating.EASY, Rating.GOOD]
    free = run(Scheduler(), ratings)
    capped = run(Scheduler(exam_date=exam), ratings)
    assert max(s.due for s in free) > exam_cutoff(exam)  # without the cap FSRS goes past it
    assert all(s.due <= exam_cutoff(exam) for s in capped)
    assert capped[-1].due == exam_cutoff(exam)
    assert capped[0].due == free[0].due  # a learning step before the exam is untouched


def test_past_exam_makes_the_card_due_now() -> None:
    state = Scheduler(exam_date=date(2025, 1, 1)).review(None, "q1", Rating.EASY, T0)
    assert state.due == T0


def test_exam_cutoff_is_the_exam_days_start_in_utc() -> None:
    cutoff = exam_cutoff(date(2025, 6, 20))
    assert cutoff == datetime(2025, 6, 20, tzinfo=timezone.utc)


def test_retrievability() -> None:
    scheduler = Scheduler()
    assert scheduler.retrievability(None, T0) == 0.0
    state = run(scheduler, [Rating.GOOD] * 3)[-1]
    last = state.last_review
    assert last is not None
    assert scheduler.retrievability(state, last) == pytest.approx(1.0)
    later = [scheduler.retrievability(state, last + timedelta(days=d)) for d in (1, 10, 100)]
    assert 1.0 > later[0] > later[1] > later[2] > 0.0
