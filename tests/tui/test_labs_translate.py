"""Run (live): a finished seq2seq run translates the student's own input (`t`).

The engine subprocess is replaced by a recorded `engine translate --json` result, so no
torch runs here; the real command is tested end to end in test_commands_translate.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from engine.runs import launch
from tests.tui.conftest import AppFactory, screen_text
from tests.tui.fixtures import install_run
from tui.screens.run_live import RunLiveScreen
from tui.widgets.probe_view import ProbeView

HEATMAP = {
    "kind": "heatmap",
    "name": "attention",
    "title": {
        "ko": "어텐션: 출력 글자(행)가 본 입력 글자(열)",
        "en": "attention: output over input",
    },
    "data": {
        "rows": ["3", "1", "4", "<eos>"],
        "cols": ["삼", "일", "사"],
        "matrix": [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.0, 0.1, 0.9], [0.3, 0.3, 0.4]],
        "shape": [4, 3],
        "range": [0.0, 1.0],
    },
}
RESULT = {"lab": "seq2seq", "arm": "dot", "input": "삼일사", "output": "314", "attention": HEATMAP}


def seq2seq_run(data_dir: Path, status: str = "finished") -> Path:
    """A finished (or failed) seq2seq run directory: spec, events and summary, no weights."""
    run_dir = data_dir / "runs" / "20250603-100000-seq2seq"
    run_dir.mkdir(parents=True)
    spec = {"lab": "seq2seq", "params": {"max_len": 10}, "seed": 0, "device": "cpu"}
    (run_dir / "spec.json").write_text(json.dumps(spec))
    summary = {
        "lab": "seq2seq",
        "status": status,
        "arms": {"none": {"exact": 0.5}, "dot": {"exact": 0.9}},
        "verdict": {"shown": False, "evidence": {"ko": "확인되지 않음.", "en": "Not shown."}},
    }
    events = [
        {"v": 1, "type": "started", "t": 0.1, "lab": "seq2seq", "arms": ["none", "dot"]},
        {"v": 1, "type": status, "t": 5.0, "summary": summary, "message": "boom"},
    ]
    (run_dir / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    (run_dir / "summary.json").write_text(json.dumps(summary))
    return run_dir


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, str]]:
    """Replaces the engine subprocess: `rejected` input gets the engine's error object."""
    seen: list[tuple[Path, str]] = []

    def fake(run_dir: Path, text: str, arm: str | None = None) -> dict[str, Any]:
        seen.append((run_dir, text))
        if text == "삼@!":
            msg = "cannot translate: unknown characters '@ !'"
            return {"error": {"en": msg, "ko": "번역할 수 없습니다: 모르는 글자 '@ !'"}}
        return RESULT

    monkeypatch.setattr(launch, "translate", fake)
    return seen


async def open_run(app: Any, pilot: Any, run_dir: Path) -> None:
    await pilot.pause()
    app.push_screen(RunLiveScreen(run_dir))
    await pilot.pause()


async def submit(app: Any, pilot: Any, text: str) -> None:
    box = app.screen.query_one("#translate-input", Input)
    box.value = text
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_t_translates_and_shows_the_attention_map(
    make_app: AppFactory, data_dir: Path, calls: list[tuple[Path, str]]
) -> None:
    run_dir = seq2seq_run(data_dir)
    app = make_app()
    async with app.run_test(size=(100, 36)) as pilot:
        await open_run(app, pilot, run_dir)
        box = app.screen.query_one("#translate-input", Input)
        assert not box.display
        assert "t: translate your own input" in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        assert box.display and app.focused is box
        await submit(app, pilot, "")
        assert "Type something to translate" in screen_text(app) and calls == []
        await submit(app, pilot, "삼@!")
        assert "Cannot translate: cannot translate: unknown characters" in screen_text(app)
        assert app.screen.query_one(ProbeView).probe is None  # the run has no probes
        await submit(app, pilot, " 삼일사 ")
        assert calls[-1] == (run_dir, "삼일사")
        text = screen_text(app)
        assert "삼일사 → 314  (dot)" in text and "your input: 삼일사" in text
        view = app.screen.query_one(ProbeView)
        assert view.probe is not None and view.probe["data"] == HEATMAP["data"]
        await pilot.press("ctrl+l")  # switch language: the caption follows
        await pilot.pause()
        await pilot.press("escape")  # closes the input line, stays on the run
        await pilot.pause()
        assert not box.display and isinstance(app.screen, RunLiveScreen)
        assert "내 입력: 삼일사" in screen_text(app)
        await pilot.press("right_square_bracket")  # back to the training probes
        await pilot.pause()
        assert app.screen.translation is None  # type: ignore[attr-defined]


async def test_korean_error_message(
    make_app: AppFactory, data_dir: Path, calls: list[tuple[Path, str]]
) -> None:
    app = make_app(lang="ko")
    async with app.run_test(size=(100, 36)) as pilot:
        await open_run(app, pilot, seq2seq_run(data_dir))
        await pilot.press("t")
        await submit(app, pilot, "삼@!")
        assert "번역 실패: 번역할 수 없습니다: 모르는 글자" in screen_text(app)


async def test_only_finished_translation_labs_translate(
    make_app: AppFactory, data_dir: Path, calls: list[tuple[Path, str]]
) -> None:
    features = install_run(data_dir)
    failed = seq2seq_run(data_dir, status="failed")
    app = make_app()
    async with app.run_test(size=(100, 36)) as pilot:
        await open_run(app, pilot, features)
        await pilot.press("t")
        await pilot.pause()
        assert "Only seq2seq and transformer runs can translate" in " ".join(
            str(n.message) for n in app._notifications
        )
        assert not app.screen.query_one("#translate-input", Input).display
        app.pop_screen()
        await open_run(app, pilot, failed)
        await pilot.press("t")
        await pilot.pause()
        assert "must finish before it can translate (now: failed)" in " ".join(
            str(n.message) for n in app._notifications
        )
    assert calls == []
