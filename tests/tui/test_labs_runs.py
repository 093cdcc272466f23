"""Real runs through the app: from the form to the verdict, re-attach, and a killed run.

Each test trains the `features` lab for one epoch at width 2 (~23 steps): seconds of
training on 2 cores, plus the engine's torch import. Training processes left by a failing
test are killed at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from engine.runs import rundir
from tests.tui.conftest import AppFactory, screen_text, wait_until
from tests.tui.fixtures import kill_leftover_runs
from tui.app import DlearnApp
from tui.screens.home import HomeScreen
from tui.screens.labs import LabsScreen
from tui.screens.run_live import RunLiveScreen
from tui.screens.runs import RunsScreen

ROOT = Path(__file__).resolve().parents[2]
TINY = {"epochs": "1", "width": "2"}
RUN_TIMEOUT_S = 400  # generous: the machine is shared and slows torch start-up a lot


@pytest.fixture(autouse=True)
def no_leftover_training(data_dir: Path) -> Iterator[None]:
    yield
    kill_leftover_runs(data_dir)


def live(app: DlearnApp) -> RunLiveScreen:
    assert isinstance(app.screen, RunLiveScreen)
    return app.screen


async def test_a_run_from_the_form_ends_with_the_verdict_on_screen(
    make_app: AppFactory, data_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        for name, value in TINY.items():
            app.screen.query_one(f"#param-{name}", Input).value = value
        await pilot.pause()
        await pilot.press("ctrl+r", "n")  # predict: it will not show
        await wait_until(pilot, lambda: isinstance(app.screen, RunLiveScreen), 10)
        await wait_until(pilot, lambda: live(app).status != "running", RUN_TIMEOUT_S)
        screen = live(app)
        assert screen.status == "finished"
        text = screen_text(app)
        assert "Verdict: ✗ the claim did not show" in text  # one epoch is not enough
        assert "Test accuracy" in text
        assert "✗ A CNN's low layers detect low-level features" in text  # its one claim
        assert "Your prediction: the claim did not show → ✓ right" in text
        assert screen.state.curves["cnn"][0] and screen.state.probes
        (run_dir,) = (data_dir / "runs").iterdir()
        assert rundir.inspect(run_dir).status == "finished"
        assert (run_dir / "prediction.json").is_file()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LabsScreen)
        assert "Last verdict: ✗ the claim did not show" in screen_text(app)


def detached_run(data_dir: Path) -> Path:
    """`dlearn lab run features --detach` in another process, as over SSH; its run dir."""
    sets = [arg for name, value in TINY.items() for arg in ("--set", f"{name}={value}")]
    cmd = [sys.executable, "-m", "tui.cli", "--data-dir", str(data_dir), "lab", "run"]
    cmd += ["features", *sets, "--detach"]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    return Path(out.stdout.strip().splitlines()[-1])


async def test_reattach_to_a_detached_run_then_it_is_killed(
    make_app: AppFactory, data_dir: Path
) -> None:
    run_dir = detached_run(data_dir)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.open_screen("runs")
        await pilot.pause()
        assert isinstance(app.screen, RunsScreen) and "running" in screen_text(app)
        await pilot.press("enter")  # re-attach
        await pilot.pause()
        screen = live(app)
        assert screen.status == "running" and screen.run_dir == run_dir
        # the follower brings events in as the run writes them
        await wait_until(pilot, lambda: screen.state.started is not None, RUN_TIMEOUT_S)
        alive, pid = rundir.is_alive(run_dir)
        assert alive and pid is not None
        os.kill(pid, signal.SIGKILL)  # no checkpoint, no final event
        await wait_until(pilot, lambda: screen.status != "running", 30)
        assert screen.status == "damaged"
        assert "Ended without a final event (killed?)" in screen_text(app)
        # the app keeps working: back to the list, which says so, then elsewhere
        await pilot.press("escape")
        await pilot.pause()
        await wait_until(pilot, lambda: "damaged" in screen_text(app), 10)
        await pilot.press("escape", "l")
        await pilot.pause()
        assert isinstance(app.screen, LabsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
