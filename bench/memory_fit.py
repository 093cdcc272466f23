"""FSRS fitted to a synthetic forgetful learner: old vs new log loss, and how long a fit takes.

The learner follows FSRS with small first stabilities and a steep forgetting curve
(`tests/content/synthetic_memory.py`); the fit (`content.memory_fit.fit`, the Progress
screen's) sees one history and is scored on it and on a second, unseen history of the same
learner.

Usage: `nice -n 10 .venv/bin/python bench/memory_fit.py [--cards 80 --per-card 8]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.memory_fit import countable_reviews, default_parameters, fit, score  # noqa: E402
from tests.content.synthetic_memory import forgetful_parameters, synthetic_reviews  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=80, help="cards in each history")
    parser.add_argument("--per-card", type=int, default=8, help="reviews of each card")
    args = parser.parse_args()
    truth = forgetful_parameters()
    train = synthetic_reviews(truth, cards=args.cards, per_card=args.per_card, seed=1)
    test = synthetic_reviews(truth, cards=args.cards, per_card=args.per_card, seed=2)
    print(f"{len(train)} reviews, {countable_reviews(train)} a day or more apart")
    started = time.perf_counter()
    result = fit(train, min_reviews=0)
    took = time.perf_counter() - started
    for name, reviews in (("seen", train), ("unseen", test)):
        old, new = score(default_parameters(), reviews), score(result.parameters, reviews)
        print(
            f"{name:6}  log loss defaults {old.log_loss:.3f} -> fitted {new.log_loss:.3f}   "
            f"predicted recall {old.predicted:.0%} -> {new.predicted:.0%} "
            f"(observed {new.observed:.0%})"
        )
    print(f"fit: {result.steps} steps in {took:.1f} s")


if __name__ == "__main__":
    main()
