"""FSRS fitted to one learner: parameters that predict *their* recalls, from their review log.

FSRS's 21 default parameters describe an average learner. `fsrs.Optimizer` fits them to a
review log, but it needs pandas, tqdm and torch, which dlearn's review half does not load
(the first screen must stay light, and a fit must report progress and be cancellable). So
this module fits the same objective torch-free:

- the data: each card's reviews in time order (at most the first `MAX_SEQ_LEN` = 64, as
  fsrs does); a review is *recalled* unless it was rated Again;
- the loss: the mean binary log loss of FSRS's predicted retrievability at each review that
  comes at least a whole day after the card's previous one (same-day reviews say little
  about memory, and fsrs skips them too), replaying the log through `fsrs.Scheduler` with
  the candidate parameters;
- the threshold: `MIN_REVIEWS` = 512 such reviews, the fsrs optimizer's own minimum (below
  it, it returns the defaults);
- the search: Adam on finite-difference gradients in the parameters scaled to their
  allowed ranges, clipped to fsrs's bounds; the best parameters seen are kept, so the fit
  never ends worse than it started.

`fit` calls `progress(done, total)` after each step and stops early when `cancelled()` says
so; `FitResult` carries old and new log loss and the mean predicted vs observed recall.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

MIN_REVIEWS = 512  # fsrs.optimizer's mini_batch_size: it fits nothing below this
MAX_SEQ_LEN = 64  # fsrs.optimizer uses each card's first 64 reviews
AGAIN = 1
STEPS = 40  # gradient steps of a fit
LEARNING_RATE = 0.03  # Adam's step, as a fraction of each parameter's allowed range
PROBE = 1e-3  # finite-difference step, as a fraction of the range
EPS = 1e-6  # predictions are clipped to [EPS, 1 - EPS] inside the log loss


@dataclass(frozen=True)
class Review:
    """One logged review as the fit needs it."""

    card: str  # question id
    at: datetime  # timezone-aware
    rating: int  # 1 Again .. 4 Easy


@dataclass(frozen=True)
class Score:
    """How well some parameters predict a history."""

    log_loss: float
    predicted: float  # mean predicted recall at the scored reviews
    observed: float  # fraction of those reviews actually recalled
    n: int  # how many reviews were scored


@dataclass(frozen=True)
class FitResult:
    parameters: tuple[float, ...]
    before: Score  # the parameters the fit started from (usually fsrs's defaults)
    after: Score  # the fitted ones
    steps: int  # gradient steps taken (fewer than asked when cancelled)

    @property
    def improved(self) -> bool:
        return self.after.log_loss < self.before.log_loss

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FitResult:
        """Parse `to_json`'s output; raises ValueError saying what is wrong."""
        try:
            data = json.loads(text)
            return cls(
                parameters=tuple(float(p) for p in data["parameters"]),
                before=Score(**data["before"]),
                after=Score(**data["after"]),
                steps=int(data["steps"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"saved memory model is unreadable: {exc}") from exc


def default_parameters() -> tuple[float, ...]:
    import fsrs.scheduler

    return tuple(fsrs.scheduler.DEFAULT_PARAMETERS)


def valid_parameters(parameters: Sequence[float]) -> bool:
    """Whether fsrs accepts `parameters` (right count, each inside its bounds)."""
    import fsrs.scheduler as s

    if len(parameters) != len(s.LOWER_BOUNDS_PARAMETERS):
        return False
    bounds = zip(parameters, s.LOWER_BOUNDS_PARAMETERS, s.UPPER_BOUNDS_PARAMETERS, strict=True)
    return all(math.isfinite(p) and lo <= p <= hi for p, lo, hi in bounds)


def _histories(reviews: Iterable[Review]) -> list[list[Review]]:
    """Each card's reviews in time order, the first MAX_SEQ_LEN of them."""
    cards: dict[str, list[Review]] = {}
    for r in reviews:
        cards.setdefault(r.card, []).append(r)
    return [sorted(h, key=lambda r: r.at)[:MAX_SEQ_LEN] for _, h in sorted(cards.items())]


def countable_reviews(reviews: Iterable[Review]) -> int:
    """Reviews the fit can learn from: at least a whole day after the card's previous one."""
    n = 0
    for history in _histories(reviews):
        n += sum(1 for a, b in zip(history, history[1:], strict=False) if (b.at - a.at).days > 0)
    return n


def reviews_needed(reviews: Iterable[Review]) -> int:
    """How many more countable reviews a fit needs (0 when it can run)."""
    return max(0, MIN_REVIEWS - countable_reviews(reviews))


def score(parameters: Sequence[float], reviews: Iterable[Review]) -> Score:
    """Replay the log with `parameters`: log loss and mean predicted recall of scored reviews."""
    return _score(tuple(parameters), _histories(reviews))


def _score(parameters: tuple[float, ...], histories: list[list[Review]]) -> Score:
    import fsrs

    scheduler = fsrs.Scheduler(parameters=parameters, enable_fuzzing=False)
    ratings = {r: fsrs.Rating(r) for r in (1, 2, 3, 4)}
    loss = predicted = recalled = 0.0
    n = 0
    for history in histories:
        card = fsrs.Card(card_id=0, due=history[0].at)
        for review in history:
            if card.last_review is not None and (review.at - card.last_review).days > 0:
                p = float(scheduler.get_card_retrievability(card, review.at))
                p = min(max(p, EPS), 1 - EPS)
                y = review.rating != AGAIN
                loss -= math.log(p) if y else math.log(1 - p)
                predicted += p
                recalled += y
                n += 1
            card, _ = scheduler.review_card(card, ratings[review.rating], review.at)
    if n == 0:
        return Score(math.nan, math.nan, math.nan, 0)
    return Score(loss / n, predicted / n, recalled / n, n)


def fit(
    reviews: Iterable[Review],
    *,
    start: Sequence[float] | None = None,
    steps: int = STEPS,
    min_reviews: int = MIN_REVIEWS,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> FitResult:
    """Parameters fitted to `reviews`; raises ValueError when there are too few of them."""
    import fsrs.scheduler as s

    histories = _histories(reviews)
    have = sum(
        1 for h in histories for a, b in zip(h, h[1:], strict=False) if (b.at - a.at).days > 0
    )
    if have < min_reviews:
        raise ValueError(
            f"{have} reviews a day or more after the previous one; a fit needs {min_reviews}"
        )
    lower, upper = s.LOWER_BOUNDS_PARAMETERS, s.UPPER_BOUNDS_PARAMETERS
    span = [hi - lo for lo, hi in zip(lower, upper, strict=True)]
    theta = list(start or default_parameters())

    def clip(values: list[float]) -> tuple[float, ...]:
        return tuple(min(max(v, lo), hi) for v, lo, hi in zip(values, lower, upper, strict=True))

    theta = list(clip(theta))
    before = _score(tuple(theta), histories)
    best, best_score = tuple(theta), before
    m = [0.0] * len(theta)
    v = [0.0] * len(theta)
    beta1, beta2 = 0.9, 0.999
    done = 0
    here = before.log_loss
    for step in range(1, steps + 1):
        if cancelled is not None and cancelled():
            break
        grad = []
        for i in range(len(theta)):
            h = PROBE * span[i]
            probe = list(theta)
            probe[i] = theta[i] + h if theta[i] + h <= upper[i] else theta[i] - h
            delta = probe[i] - theta[i]
            grad.append((_score(clip(probe), histories).log_loss - here) / delta * span[i])
        lr = LEARNING_RATE * (0.5 + 0.5 * math.cos(math.pi * (step - 1) / steps))  # cosine
        for i, g in enumerate(grad):
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            m_hat = m[i] / (1 - beta1**step)
            v_hat = v[i] / (1 - beta2**step)
            theta[i] += -lr * span[i] * m_hat / (math.sqrt(v_hat) + 1e-8)
        theta = list(clip(theta))
        now = _score(tuple(theta), histories)
        here = now.log_loss
        if now.log_loss < best_score.log_loss:
            best, best_score = tuple(theta), now
        done = step
        if progress is not None:
            progress(step, steps)
    return FitResult(parameters=best, before=before, after=best_score, steps=done)
