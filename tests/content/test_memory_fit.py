"""FSRS fitted to a synthetic learner: new parameters, better predictions, kept and used."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from content.memory_fit import (
    MIN_REVIEWS,
    FitResult,
    Review,
    countable_reviews,
    default_parameters,
    fit,
    reviews_needed,
    score,
    valid_parameters,
)
from content.scheduler import Rating, Scheduler
from content.store import ProgressStore
from tests.content.synthetic_memory import forgetful_parameters, synthetic_reviews


@pytest.fixture(scope="module")
def fitted() -> tuple[FitResult, list[Review]]:
    train = synthetic_reviews(forgetful_parameters(), cards=40, per_card=8, seed=1)
    return fit(train, steps=12, min_reviews=100), train


def test_fit_moves_the_parameters_and_predicts_the_learner_better(
    fitted: tuple[FitResult, list[Review]],
) -> None:
    result, train = fitted
    assert result.parameters != default_parameters()
    assert valid_parameters(result.parameters)
    assert result.improved and result.after.log_loss < result.before.log_loss - 0.05
    # on reviews the fit never saw, from the same learner, the fitted model still wins
    held_out = synthetic_reviews(forgetful_parameters(), cards=40, per_card=8, seed=2)
    assert (
        score(result.parameters, held_out).log_loss < score(default_parameters(), held_out).log_loss
    )
    # the forgetful learner recalls less than the defaults predict; the fit sees that
    assert result.before.predicted > result.before.observed
    assert abs(result.after.predicted - result.after.observed) < abs(
        result.before.predicted - result.before.observed
    )


def test_too_few_reviews_says_how_many_more() -> None:
    few = synthetic_reviews(forgetful_parameters(), cards=5, per_card=4, seed=3)
    assert countable_reviews(few) == 15  # the first review of a card is never scored
    assert reviews_needed(few) == MIN_REVIEWS - 15
    with pytest.raises(ValueError, match="needs 512"):
        fit(few)


def test_same_day_reviews_do_not_count() -> None:
    t = datetime(2025, 1, 1, tzinfo=timezone.utc)
    reviews = [Review("q", t + timedelta(hours=h), 3) for h in (0, 1, 5, 30)]
    assert countable_reviews(reviews) == 1


def test_progress_and_cancel(fitted: tuple[FitResult, list[Review]]) -> None:
    _, train = fitted
    seen: list[tuple[int, int]] = []
    result = fit(
        train,
        steps=10,
        min_reviews=100,
        progress=lambda d, n: seen.append((d, n)),
        cancelled=lambda: len(seen) >= 2,
    )
    assert seen == [(1, 10), (2, 10)] and result.steps == 2


def test_saved_fit_round_trips_and_drives_the_scheduler(
    tmp_path: Path, fitted: tuple[FitResult, list[Review]]
) -> None:
    result, _ = fitted
    now = datetime(2025, 3, 1, tzinfo=timezone.utc)
    with ProgressStore.open(tmp_path) as store:
        assert store.memory_model() is None
        store.save_memory_model(result.to_json(), now)
        when, text = store.memory_model()  # type: ignore[misc]
    assert when == now and FitResult.from_json(text) == result
    default = Scheduler().review(None, "q", Rating.GOOD, now)
    mine = Scheduler(parameters=result.parameters).review(None, "q", Rating.GOOD, now)
    assert mine.stability != default.stability
