"""`dlearn lab translate RUN TEXT`: a tiny real seq2seq run, translated through the engine
subprocess, and the messages for input or runs it cannot use."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.tui.fixtures import install_run
from tui.cli import main

TINY = {
    "task": "digits",
    "examples": 300,
    "max_len": 10,
    "embed": 8,
    "hidden": 16,
    "epochs": 1,
    "batch_size": 64,
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with one finished tiny seq2seq run (trained in a second or two)."""
    from engine.runs.signals import StopRequest
    from engine.training.lab_run import run

    root = tmp_path_factory.mktemp("data")
    spec = {"lab": "seq2seq", "params": TINY, "seed": 0, "device": "cpu"}
    assert run(spec, root / "runs" / "20250604-100000-seq2seq", stop=StopRequest()) == 0
    return root


def dlearn(
    capsys: pytest.CaptureFixture[str], data: Path, *args: str, lang: str = "en"
) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), "--lang", lang, "lab", "translate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_translate_prints_the_output_and_the_attention_table(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    code, out, _ = dlearn(capsys, data, "20250604-100000-seq2seq", "삼일사", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["arm"] == "dot" and result["input"] == "삼일사"
    heatmap = result["attention"]
    assert heatmap["kind"] == "heatmap" and heatmap["data"]["cols"] == ["삼", "일", "사"]
    code, out, _ = dlearn(capsys, data, "20250604-100000-seq2seq", "삼일사")
    assert code == 0 and f"삼일사 → {result['output']}" in out
    lines = out.splitlines()
    assert lines[1].startswith("attention: rows = output") and lines[2].strip() == "삼일사"
    rows = heatmap["data"]["rows"]
    assert len(lines[3:]) == len(rows) and all(line.count("█") % 2 == 0 for line in lines[3:])
    assert [line.split()[0] for line in lines[3:]] == rows  # one row per output character
    code, out, _ = dlearn(capsys, data, "20250604-100000-seq2seq", "삼", "--arm", "none")
    assert code == 0 and "has no attention" in out


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("삼@!", "en", "unknown characters '@ !'"),
        ("삼@!", "ko", "모르는 글자 '@ !'"),
        ("  ", "en", "empty input"),
        ("일" * 11, "ko", "11글자 (최대 10)"),
    ],
)
def test_bad_input_says_what_to_type(
    capsys: pytest.CaptureFixture[str], data: Path, text: str, lang: str, words: str
) -> None:
    code, out, err = dlearn(capsys, data, "20250604-100000-seq2seq", text, lang=lang)
    assert code == 2 and out == ""
    assert words in err and ("삼일사" in err)  # and an example of what works


def test_runs_that_cannot_translate(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    features = install_run(tmp_path)  # another lab
    code, _, err = dlearn(capsys, tmp_path, str(features), "삼")
    assert code == 2 and "features lab has no translation" in err
    bare = tmp_path / "runs" / "bare"  # a seq2seq run without its weights
    shutil.copytree(data / "runs" / "20250604-100000-seq2seq", bare)
    (bare / "checkpoint.pt").unlink()
    code, _, err = dlearn(capsys, tmp_path, "bare", "삼", lang="ko")
    assert code == 2 and "checkpoint.pt가 없습니다" in err
    code, _, err = dlearn(capsys, tmp_path, "nowhere", "삼")
    assert code == 2 and "no run matches 'nowhere'" in err
