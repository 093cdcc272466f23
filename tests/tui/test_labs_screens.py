"""Labs, live replay and Runs screens, driven with Pilot on recorded and stand-in runs.

No training happens here: the recorded run in `fixtures/` is replayed, and a sleeping
stand-in process plays a running run. Real runs are in test_labs_runs.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from engine.runs import rundir
from tests.tui.conftest import AppFactory, Clock, screen_text, write_course
from tests.tui.fixtures import RUN_NAME, install_run
from tui.app import create_app
from tui.screens.home import HomeScreen
from tui.screens.lab_form import ChoiceScreen, LabForm
from tui.screens.labs import LabsScreen
from tui.screens.notes import NotesScreen
from tui.screens.review import ReviewScreen
from tui.screens.run_live import RunLiveScreen
from tui.screens.runs import CompareScreen, RunsScreen
from tui.widgets import heatmap
from tui.widgets.linechart import LineChart
from tui.widgets.probe_view import ProbeView


@pytest.fixture(autouse=True)
def colour_heatmaps() -> Iterator[None]:
    heatmap.COLOR_OVERRIDE = True
    yield
    heatmap.COLOR_OVERRIDE = None


@pytest.fixture
def stand_in_run(data_dir: Path) -> Iterator[Path]:
    """A run directory whose 'process' is alive: a sleeper whose command line names the engine."""
    run_dir = data_dir / "runs" / "20250602-110000-features"
    run_dir.mkdir(parents=True)
    (run_dir / "spec.json").write_text(json.dumps({"lab": "features", "params": {}}))
    (run_dir / "events.jsonl").write_text(
        json.dumps({"v": 1, "type": "started", "t": 0.1, "lab": "features", "arms": ["cnn"]}) + "\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)  # engine"])
    rundir.write_pid(run_dir, proc.pid)
    yield run_dir
    proc.kill()
    proc.wait()


def notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The messages of the notifications (toasts) the app has shown."""
    return [n.message for n in app._notifications]


async def set_value(app, selector: str, value: str) -> None:  # type: ignore[no-untyped-def]
    box = app.screen.query_one(selector, Input)
    box.value = value
    await app.workers.wait_for_complete()


async def test_home_lists_labs_with_their_last_verdict(
    make_app: AppFactory, data_dir: Path
) -> None:
    install_run(data_dir)
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert "Labs" in text and "✗ Layers and features" in text
        assert "not run yet" in text  # the other labs
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LabsScreen)


async def test_validation_errors_appear_inline_and_nothing_starts(
    make_app: AppFactory, data_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        await set_value(app, "#param-epochs", "0")
        await set_value(app, "#param-lr", "fast")
        await pilot.pause()
        text = screen_text(app)
        assert "! 0 is out of range; allowed: 1 .. 500" in text
        assert "! parameter 'lr' must be a number, got 'fast'" in text.replace("\n", " ")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceScreen)  # no prediction prompt: nothing starts
        assert app.focused is app.screen.query_one("#param-epochs")
        assert not (data_dir / "runs").exists()
        await set_value(app, "#param-epochs", "3")
        await set_value(app, "#param-lr", "0.05")
        await pilot.pause()
        assert "!" not in screen_text(app)
        assert app.screen.query_one(LabForm).preset == "custom"


async def test_validation_messages_in_korean(make_app: AppFactory) -> None:
    app = make_app(lang="ko")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        await set_value(app, "#param-optimizer", "rmsprop")
        await pilot.pause()
        assert "허용: sgd | adam" in screen_text(app)


async def test_preset_fills_the_form(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        app.screen.query_one("#preset", Select).value = "full"
        await pilot.pause()
        assert app.screen.query_one("#param-epochs", Input).value == "40"
        assert app.screen.query_one("#param-width", Input).value == "32"
        form = app.screen.query_one(LabForm)
        assert form.preset == "full" and form.overrides_raw() == {}


async def test_a_second_training_is_flagged_and_can_wait(
    make_app: AppFactory, data_dir: Path, stand_in_run: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and "Predict before you run" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        text = screen_text(app)
        assert "Another training (features, 20250602-110000-features) is" in text, text
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, LabsScreen)
        assert "Waiting for 20250602-110000-features to end" in screen_text(app)
        await pilot.press("escape")  # cancels the wait, stays on Labs
        await pilot.pause()
        assert isinstance(app.screen, LabsScreen)
        assert "Waiting for" not in screen_text(app)
        assert [p.name for p in (data_dir / "runs").iterdir()] == [stand_in_run.name]


async def test_lab_links_back_to_its_notes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert "Notes: LSTM (press n)" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen) and app.screen.page == ("section", "lstm")


async def test_replay_steps_through_probe_snapshots(make_app: AppFactory, data_dir: Path) -> None:
    run = install_run(data_dir)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(RunLiveScreen(run))
        await pilot.pause()
        text = screen_text(app)
        assert "finished" in text and "Verdict: ✗ the claim did not show" in text
        assert "Your prediction: the claim showed → ✗ missed" in text
        # the prediction sits under the headline: a long evidence cannot push it off screen
        assert text.index("Your prediction") < text.index("Test accuracy 0.858")
        assert "✗ A CNN's low layers detect" in text  # the claim, with its mark
        assert "probe 1/10 · cnn · step 69 · snapshot 4/4 · latest" in text
        await pilot.press("comma", "comma")
        await pilot.pause()
        assert "step 23 · snapshot 2/4" in screen_text(app)
        await pilot.press("comma", "comma", "comma")  # stops at the first
        await pilot.pause()
        assert "step 0 · snapshot 1/4" in screen_text(app)
        await pilot.press("full_stop", "full_stop", "full_stop")
        await pilot.pause()
        assert "snapshot 4/4 · latest" in screen_text(app)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.screen.query_one(ProbeView).probe["name"] == "features/conv2"  # type: ignore[index]
        chart = app.screen.query_one(LineChart)
        await pilot.press("l", "s")
        await pilot.pause()
        assert chart.log_y and chart.smoothing == 0.6
        assert "log y, EMA 0.6" in screen_text(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "판정: ✗ 주장이 확인되지 않음" in screen_text(app)
        await pilot.press("c")  # not running: nothing to stop
        await pilot.pause()
        assert isinstance(app.screen, RunLiveScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert (data_dir / "exports" / f"{RUN_NAME}.svg").read_text().startswith("<svg")


async def test_runs_screen_opens_compares_exports_and_deletes(
    make_app: AppFactory, data_dir: Path
) -> None:
    install_run(data_dir)
    install_run(data_dir, "20250603-100000-features")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.open_screen("runs")
        await pilot.pause()
        assert isinstance(app.screen, RunsScreen)
        text = screen_text(app)
        assert "finished 2" in text and f"○ {RUN_NAME}" in text and "✗" in text
        await pilot.press("space", "down", "space")
        await pilot.pause()
        assert f"● {RUN_NAME}" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        assert len(app.screen.query_one(LineChart).lines) == 2
        await pilot.press("escape", "e", "j")
        await pilot.pause()
        assert (data_dir / "exports" / f"{RUN_NAME}.csv").is_file()
        assert (data_dir / "exports" / f"{RUN_NAME}.json").is_file()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RunLiveScreen) and app.screen.status == "finished"
        await pilot.press("escape", "d")
        await pilot.pause()
        assert "Delete 20250602-100000-features?" in screen_text(app)
        await pilot.press("n")  # no: kept
        await pilot.pause()
        assert (data_dir / "runs" / RUN_NAME).is_dir()
        await pilot.press("d", "y")
        await pilot.pause()
        assert not (data_dir / "runs" / RUN_NAME).exists()


async def test_a_running_run_cannot_be_deleted(make_app: AppFactory, stand_in_run: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.open_screen("runs")
        await pilot.pause()
        assert "running" in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert "A running run cannot be deleted; stop it first." in notices(app)
        assert stand_in_run.is_dir()


async def test_palette_lists_labs_and_runs(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Labs" in titles and "Runs" in titles and "Lab: Layers and features" in titles
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_a_question_that_links_a_lab_offers_to_open_it(
    tmp_path: Path, data_dir: Path, clock: Clock
) -> None:
    course = write_course(tmp_path / "linked", only={"t-ox"})
    bank = course / "lecture15" / "questions" / "bank.toml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text.replace('type = "ox"', 'type = "ox"\nlab = "features"'), "utf-8")
    app = create_app(lang="en", data_dir=data_dir, content_dir=course, now=clock, start="review")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("l")  # before answering: no offer yet
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("x", "enter")
        await pilot.pause()
        assert "Related lab: Layers and features (press l to open)" in screen_text(app)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LabsScreen) and app.screen.lab.id == "features"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_no_color_draws_heatmaps_in_shades(
    make_app: AppFactory, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    heatmap.COLOR_OVERRIDE = None  # decide from the app, as in real use
    monkeypatch.setenv("NO_COLOR", "1")
    run = install_run(data_dir)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.no_color
        app.push_screen(RunLiveScreen(run))
        await pilot.pause()
        text = screen_text(app)
        assert "[ ░▒▓█]" in text and "▀" not in text


def two_arm_run(data_dir: Path) -> Path:
    """A finished run of two arms, each drawing its own probe: the `rnn` arm first."""
    run = data_dir / "runs" / "20250604-100000-memory"
    run.mkdir(parents=True)
    params = {"seq_len": 10}
    (run / "spec.json").write_text(json.dumps({"lab": "memory", "params": params, "seed": 0}))

    def probe(arm: str, name: str, step: int) -> dict:
        data = {"matrix": [[0.5]], "rows": ["h0"], "cols": ["t1"], "range": [0, 1]}
        title = {"ko": name, "en": name}
        return {"type": "probe", "arm": arm, "step": step, "kind": "heatmap", "name": name,
                "title": title, "data": data}  # fmt: skip

    events = [
        {"type": "started", "arms": ["rnn", "lstm"], "device": "cpu"},
        {"type": "step", "arm": "rnn", "step": 1, "total": 2, "loss": 2.0},
        probe("rnn", "gates/hidden", 1),
        {"type": "step", "arm": "lstm", "step": 1, "total": 2, "loss": 2.0},
        probe("lstm", "gates/forget_gate", 1),
        probe("lstm", "gates/input_gate", 1),
    ]
    lines = [json.dumps({"v": 1, "t": float(i), **e}) for i, e in enumerate(events)]
    (run / "events.jsonl").write_text("\n".join(lines) + "\n")
    return run


async def test_the_probe_pane_follows_the_arm_in_training(
    make_app: AppFactory, data_dir: Path
) -> None:
    run = two_arm_run(data_dir)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(RunLiveScreen(run))
        await pilot.pause()
        view = app.screen.query_one(ProbeView)
        assert view.probe is not None and view.probe["arm"] == "lstm"  # not the RNN's, long gone
        assert view.probe["name"] == "gates/forget_gate"
        await pilot.press("left_square_bracket")  # the student picks one: it stays picked
        await pilot.pause()
        assert view.probe["name"] == "gates/hidden" and view.probe["arm"] == "rnn"
        app.screen.redraw()  # as the next batch of events would
        await pilot.pause()
        assert view.probe["name"] == "gates/hidden"


async def test_a_long_parameter_name_keeps_to_its_column(make_app: AppFactory) -> None:
    app = make_app(lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(LabsScreen(lab_id="memory"))
        await pilot.pause()
        await pilot.pause()
        box = app.screen.query_one("#param-batches_per_epoch", Input)
        name = box.parent.query(".param-name").first()  # type: ignore[union-attr]
        assert name.region.width >= len("batches_per_epoch") + 1
        assert name.region.right <= box.region.x  # the name ends before its value starts
