"""Snapshots of the labs screens: the live screen replaying the recorded run, at 80x24 and
120x40 in both languages, plus Labs and Runs.

The recorded run (`fixtures/features-run`) is deterministic, and the heatmaps are pinned to
colour so the pictures do not depend on the terminal the tests run in. Update with
`pytest tests/tui --snapshot-update` and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import AppFactory
from tests.tui.fixtures import install_run
from tui.screens.run_live import RunLiveScreen
from tui.widgets import heatmap

LANGS = pytest.mark.parametrize("lang", ["ko", "en"])
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture(autouse=True)
def colour_heatmaps() -> Iterator[None]:
    heatmap.COLOR_OVERRIDE = True
    yield
    heatmap.COLOR_OVERRIDE = None


@LANGS
@SIZES
def test_run_live_replay(  # type: ignore[no-untyped-def]
    snap_compare, make_app: AppFactory, data_dir: Path, lang: str, size: tuple[int, int]
) -> None:
    run = install_run(data_dir)

    async def open_run(pilot: Pilot[None]) -> None:
        await pilot.app.push_screen(RunLiveScreen(run))
        await pilot.pause()

    assert snap_compare(make_app(lang=lang), run_before=open_run, terminal_size=size)


@LANGS
def test_run_live_earlier_snapshot_log_y(  # type: ignore[no-untyped-def]
    snap_compare, make_app: AppFactory, data_dir: Path, lang: str
) -> None:
    run = install_run(data_dir)

    async def open_run(pilot: Pilot[None]) -> None:
        await pilot.app.push_screen(RunLiveScreen(run))
        await pilot.pause()

    press = ["right_square_bracket", "comma", "comma", "l", "s"]
    app = make_app(lang=lang)
    assert snap_compare(app, press=press, run_before=open_run, terminal_size=(120, 40))


@LANGS
def test_labs(snap_compare, make_app: AppFactory, data_dir: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    install_run(data_dir)
    assert snap_compare(make_app(lang=lang, start="labs"), terminal_size=(80, 24))


def test_runs(snap_compare, make_app: AppFactory, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    install_run(data_dir)
    assert snap_compare(make_app(lang="en", start="runs"), terminal_size=(80, 24))
