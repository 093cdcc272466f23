"""A finished run's own questions: in the review queue, answered and graded, gone with the run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.content.test_run_questions import resnet_summary
from tests.tui.answering import answer_keys
from tests.tui.conftest import AppFactory, screen_text
from tui.screens.review import ReviewScreen
from tui.screens.run_live import RunLiveScreen
from tui.screens.runs import RunsScreen

RUN = "20250602-090000-resnet"


def write_finished_run(data_dir: Path, name: str = RUN) -> Path:
    """The files the run protocol leaves in a finished run's directory."""
    run = data_dir / "runs" / name
    run.mkdir(parents=True)
    summary = resnet_summary()
    (run / "spec.json").write_text(
        json.dumps({"lab": "resnet", "preset": "quick", "params": {}, "seed": 0}),
        encoding="utf-8",
    )
    events = [
        {"v": 1, "type": "started", "t": 0.0, "lab": "resnet", "arms": ["plain-8", "plain-56"]},
        {"v": 1, "type": "finished", "t": 9.0, "summary": summary},
    ]
    (run / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    (run / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return run


async def test_run_questions_are_reviewed_then_vanish_with_the_run(
    make_app: AppFactory, data_dir: Path
) -> None:
    write_finished_run(data_dir)
    app = make_app(start="review", only={"t-ox"})
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        ids = [q.id for q in screen.queue]
        assert ids[:3] == [f"run:{RUN}:point", f"run:{RUN}:claim", f"run:{RUN}:arms"]
        assert ids[3:] == ["t-ox"]  # the bank's new question after the run's
        assert f"[From your run {RUN}]" in screen_text(app)
        for n in range(3):
            assert screen.attempt is not None
            keys = answer_keys(screen.answer_widget(), screen.attempt.concrete, right=True)
            await pilot.press(*keys)
            await pilot.pause()
            assert screen.attempt.verdict is not None and screen.attempt.verdict.correct
            assert f"A question from your run {RUN} (press l to open the run)" in screen_text(app)
            if n == 0:  # the question links to its run
                await pilot.press("l")
                await pilot.pause()
                assert isinstance(app.screen, RunLiveScreen)
                assert app.screen.run_dir == data_dir / "runs" / RUN
                await pilot.press("escape")
                await pilot.pause()
                assert app.screen is screen
            await pilot.press("enter")
            await pilot.pause()
        logged = [(r.question_id, r.correct) for r in app.store.reviews()]
        assert logged == [(i, True) for i in ids[:3]]
        assert set(app.store.card_states()) == set(ids[:3])

        await app.open_screen("runs")
        await pilot.pause()
        assert isinstance(app.screen, RunsScreen)
        await pilot.press("d", "y")
        await pilot.pause()
        assert not (data_dir / "runs" / RUN).exists()
        assert app.store.card_states() == {}  # scheduled no more
        assert len(app.store.reviews()) == 3  # the history stays

        await app.open_screen("review")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert [q.id for q in app.screen.queue] == ["t-ox"]


async def test_a_run_deleted_by_hand_drops_its_cards_at_the_next_review(
    make_app: AppFactory, data_dir: Path
) -> None:
    import shutil

    run = write_finished_run(data_dir)
    app = make_app(start="review", only={"t-ox"})
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.attempt is not None
        await pilot.press(*answer_keys(screen.answer_widget(), screen.attempt.concrete, True))
        await pilot.press("enter")
        await pilot.pause()
        assert f"run:{RUN}:point" in app.store.card_states()
        shutil.rmtree(run)
        await app.open_screen("review")
        await pilot.pause()
        assert app.store.card_states() == {}
