"""What following a run costs the app: redraws only of what changed, throttled, and a
follower that polls less while nothing arrives (issue 7, "Responsiveness and cost").

On two cores every redraw is CPU taken from the training it shows, so these count draws
rather than time them. The throttle's clock is a fake one, so no test waits on timing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.widgets import Static

from engine.runs import follow
from tests.tui.conftest import AppFactory, screen_text
from tests.tui.fixtures import install_run
from tui.screens import run_live
from tui.screens.run_live import RunLiveScreen
from tui.widgets import heatmap
from tui.widgets.linechart import Line, LineChart
from tui.widgets.probe_view import ProbeView


@pytest.fixture(autouse=True)
def colour_heatmaps() -> Iterator[None]:
    heatmap.COLOR_OVERRIDE = True
    yield
    heatmap.COLOR_OVERRIDE = None


class FakeClock:
    """`time` for run_live: `monotonic()` moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def step(n: int, loss: float = 0.5) -> dict[str, Any]:
    return {"type": "step", "t": 60 + n, "arm": "cnn", "step": 70 + n, "total": 200, "loss": loss}


def count_updates(widget: Static) -> list[object]:
    """Every content the Static is given from now on."""
    seen: list[object] = []
    update = widget.update

    def counted(content: Any = "", **kwargs: Any) -> None:
        seen.append(content)
        update(content, **kwargs)

    widget.update = counted  # type: ignore[method-assign]
    return seen


async def test_a_redraw_draws_only_what_changed(make_app: AppFactory, data_dir: Path) -> None:
    run = install_run(data_dir)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = RunLiveScreen(run)
        await app.push_screen(screen)
        await pilot.pause()
        chart, view = screen.query_one(LineChart), screen.query_one(ProbeView)
        drawn = (chart.renders, view.renders)
        assert min(drawn) >= 1
        head = count_updates(screen.query_one("#run-head", Static))
        verdict = count_updates(screen.query_one("#verdict", Static))
        for _ in range(3):
            screen.redraw()
            await pilot.pause()
        assert (chart.renders, view.renders) == drawn and head == [] and verdict == []

        screen.state.apply([step(1)])  # a new loss point: the chart and the head only
        screen.redraw()
        await pilot.pause()
        assert chart.renders == drawn[0] + 1 and view.renders == drawn[1]
        assert len(head) == 1 and verdict == []
        assert chart.lines[0].xs[-1] == 71

        probe = dict(screen.state.probes["features/conv1"][-1], step=71)
        screen.state.apply([{**probe, "t": 62}])  # a new snapshot of the probe shown
        screen.redraw()
        await pilot.pause()
        assert chart.renders == drawn[0] + 1 and view.renders == drawn[1] + 1
        assert "step 71 · snapshot 5/5 · latest" in screen_text(app)

        await pilot.press("l")  # a key redraws what it changed at once
        await pilot.pause()
        assert chart.log_y and chart.renders == drawn[0] + 2 and view.renders == drawn[1] + 1


async def test_a_burst_of_events_is_drawn_once_and_the_end_at_once(
    make_app: AppFactory, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(run_live, "time", SimpleNamespace(monotonic=clock.monotonic))
    run = install_run(data_dir)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = RunLiveScreen(run)
        await app.push_screen(screen)
        await pilot.pause()
        screen.status = "running"  # as if its process still lived
        chart = screen.query_one(LineChart)
        drawn, revision = chart.renders, chart.revision
        clock.now += 0.1  # sooner than REDRAW_S after the first draw
        for n in range(1, 11):
            screen.post_message(RunLiveScreen.Batch([step(n, loss=1 / n)], alive=True))
        await pilot.pause()
        assert screen.state.curves["cnn"][0][-1] == 80  # every event is in the state at once
        assert chart.renders == drawn and screen._redraw_timer is not None  # one draw waits
        assert "step 80/200" not in screen_text(app)

        clock.now += run_live.REDRAW_S  # the progress line is due, the chart not yet
        screen._redraw_now()
        await pilot.pause()
        assert chart.revision == revision and "step 80/200" in screen_text(app)
        assert screen._redraw_timer is not None  # it comes back for the chart

        clock.now += run_live.CHARTS_S
        screen._redraw_now()
        await pilot.pause()
        assert chart.revision != revision and screen._redraw_timer is None

        screen.post_message(RunLiveScreen.Batch([], alive=False))  # the process is gone
        await pilot.pause()
        assert screen.status == "finished"
        assert "Verdict: ✗ the claim did not show" in screen_text(app)


def test_set_lines_with_the_drawn_revision_does_not_redraw() -> None:
    chart = LineChart()
    chart.set_lines([Line("a", [0, 1], [1.0, 0.5])], revision=1)
    first = chart.lines
    chart.set_lines([Line("a", [0], [9.0])], revision=1)
    assert chart.lines is first
    chart.set_lines([Line("a", [0], [9.0])], revision=2)
    assert chart.lines[0].ys == [9.0]
    chart.set_lines([Line("a", [0], [8.0])])  # no revision: always taken
    assert chart.lines[0].ys == [8.0]


def test_the_follower_polls_less_while_nothing_arrives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    events_file = run_dir / "events.jsonl"
    events_file.write_text("")
    monkeypatch.setattr(follow.rundir, "is_alive", lambda path: (True, 1))
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the run writes an event after the 4th empty poll
        waits.append(seconds)
        if len(waits) == 4:
            events_file.write_text('{"type": "step", "t": 1, "arm": "a", "step": 1}\n')

    monkeypatch.setattr(follow, "time", SimpleNamespace(sleep=sleep, monotonic=time.monotonic))
    batches: list[list[dict[str, Any]]] = []
    follow.follow(
        run_dir,
        lambda events, alive: batches.append(events),
        lambda: len(waits) >= 7,
        poll_s=0.25,
        max_poll_s=1.0,
    )
    assert waits == [0.5, 1.0, 1.0, 1.0, 0.25, 0.5, 1.0]
    assert [[e["step"] for e in b] for b in batches] == [[1]]
