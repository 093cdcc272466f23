"""A synthetic learner whose memory follows FSRS with known, non-default parameters."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import fsrs

from content.memory_fit import Review, default_parameters

START = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)


def forgetful_parameters() -> tuple[float, ...]:
    """FSRS's defaults, but a learner who forgets fast: small first stabilities, steep decay."""
    w = list(default_parameters())
    w[0:4] = [0.05, 0.2, 0.5, 2.0]
    w[20] = 0.5
    return tuple(w)


def synthetic_reviews(
    parameters: tuple[float, ...], *, cards: int, per_card: int, seed: int
) -> list[Review]:
    """Each card reviewed `per_card` times, 1-20 days apart; recalled with FSRS's predicted
    probability under `parameters` (rated Again when forgotten, else Hard/Good/Easy)."""
    rng = random.Random(seed)
    truth = fsrs.Scheduler(parameters=parameters, enable_fuzzing=False)
    out: list[Review] = []
    for c in range(cards):
        at = START + timedelta(hours=rng.uniform(0, 72))
        card = fsrs.Card(card_id=c, due=at)
        for _ in range(per_card):
            recall = truth.get_card_retrievability(card, at) if card.last_review else 0.5
            rating = rng.choice((2, 3, 3, 4)) if rng.random() < recall else 1
            out.append(Review(f"q{c}", at, rating))
            card, _ = truth.review_card(card, fsrs.Rating(rating), at)
            at += timedelta(days=rng.randint(1, 20), hours=rng.uniform(0, 6))
    return out
