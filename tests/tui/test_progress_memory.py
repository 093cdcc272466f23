"""The Progress screen's memory model: how many reviews a fit needs, then fitting with `f`."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.memory_fit import MIN_REVIEWS, FitResult
from content.scheduler import Rating, Scheduler
from content.store import ProgressStore
from tests.content.synthetic_memory import forgetful_parameters, synthetic_reviews
from tests.tui.conftest import AppFactory, screen_text
from tui.screens.progress import ProgressScreen


def _log(data_dir: Path, cards: int, per_card: int) -> None:
    with ProgressStore.open(data_dir) as store:
        for r in synthetic_reviews(forgetful_parameters(), cards=cards, per_card=per_card, seed=4):
            store.record_review(
                r.card, "lstm", Rating(r.rating), r.rating > 1, "0", 12.0, r.at, Scheduler()
            )


async def test_below_the_threshold_it_says_how_many_more(
    make_app: AppFactory, data_dir: Path
) -> None:
    _log(data_dir, cards=5, per_card=4)  # 15 reviews a day or more after the previous one
    app = make_app(start="progress")
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Using FSRS's default parameters." in text
        assert f"needs {MIN_REVIEWS - 15} more reviews" in text
        assert "Fit my memory" not in text  # no key offered for a fit that cannot run
        await pilot.press("f")  # nothing to fit yet
        await pilot.pause()
        assert app.store.memory_model() is None


async def test_f_fits_shows_old_and_new_and_the_scheduler_uses_it(
    make_app: AppFactory, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ProgressScreen, "FIT_STEPS", 3)
    steps: list[tuple[int, int]] = []
    show = ProgressScreen._progress

    def spy(self: ProgressScreen, done: int, total: int) -> None:
        steps.append((done, total))
        show(self, done, total)

    monkeypatch.setattr(ProgressScreen, "_progress", spy)
    _log(data_dir, cards=70, per_card=9)  # 560 countable reviews
    app = make_app(start="progress")
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        assert "Press f to fit the memory model" in screen_text(app)
        assert "f Fit my memory" in screen_text(app)
        await pilot.press("f")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert steps == [(1, 3), (2, 3), (3, 3)]  # progress shown step by step
        assert screen.fitting is None
        saved = app.store.memory_model()
        assert saved is not None
        result = FitResult.from_json(saved[1])
        text = screen_text(app)
        assert "Using parameters fitted to your" in text and "Log loss: defaults" in text
        assert f"{result.before.log_loss:.3f} → yours {result.after.log_loss:.3f}" in text
        assert app.memory_parameters() == result.parameters
        assert app.scheduler().parameters == result.parameters
