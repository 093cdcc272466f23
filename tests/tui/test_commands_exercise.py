"""`dlearn exercise ...`: list, start, check (exit codes 0/1/2), hint and solution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.exercises import workspace
from tui.cli import main


def dlearn(
    capsys: pytest.CaptureFixture[str], data: Path, *args: str, lang: str = "en"
) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), "--lang", lang, "exercise", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_every_exercise_in_the_students_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = dlearn(capsys, tmp_path, "list", lang="ko")
    assert code == 0 and "기본 RNN 셀" in out and "residual-block" in out
    code, out, _ = dlearn(capsys, tmp_path, "list", "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows][:3] == ["rnn_cell", "lstm_cell", "gru_cell"]
    assert {r["status"] for r in rows} == {"new"}


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = dlearn(capsys, tmp_path, "check", "lstm")
    assert code == 2 and "no exercise 'lstm'" in err and "lstm_cell" in err
    code, _, err = dlearn(capsys, tmp_path, "check", "lstm_cell")
    assert code == 2 and "dlearn exercise start lstm_cell" in err
    code, _, err = dlearn(capsys, tmp_path, "check", "lstm_cell", "--file", str(tmp_path / "no.py"))
    assert code == 2 and "no file at" in err
    code, _, err = dlearn(capsys, tmp_path, "check", "bptt", "--timeout", "0")
    assert code == 2 and "--timeout must be a positive" in err
    code, _, err = dlearn(capsys, tmp_path, "start", "nope")
    assert code == 2 and "no exercise" in err


def test_start_check_fail_fix_pass_then_the_solution(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = dlearn(capsys, tmp_path, "start", "positional_encoding", lang="ko")
    path = Path(out.strip())
    assert (
        code == 0 and path == workspace.path_for("positional_encoding", tmp_path) and path.exists()
    )
    assert "dlearn exercise check positional_encoding" in err
    code, out, err = dlearn(capsys, tmp_path, "start", "positional_encoding")
    assert code == 0 and "already exists" in err

    code, out, _ = dlearn(capsys, tmp_path, "show", "positional_encoding", lang="ko")
    assert code == 0 and "사인파 위치 인코딩" in out and "10000^(2i/d)" in out and "시작함" in out
    code, _, err = dlearn(capsys, tmp_path, "solution", "positional_encoding")
    assert code == 1 and "once your file passes" in err

    code, out, _ = dlearn(capsys, tmp_path, "check", "positional_encoding")  # the starter
    assert code == 1 and "✗" in out and "NotImplementedError" in out
    code, out, _ = dlearn(capsys, tmp_path, "list", "--json")
    assert {r["id"]: r["status"] for r in json.loads(out)}["positional_encoding"] == "failed"
    code, out, _ = dlearn(capsys, tmp_path, "hint", "positional_encoding")
    assert code == 0 and out.startswith("1/3 ")
    code, out, _ = dlearn(capsys, tmp_path, "hint", "positional_encoding", lang="ko")
    assert out.splitlines()[1].startswith("2/3 ") and "2i" in out

    path.write_text(workspace.solution_path("positional_encoding").read_text())
    code, out, _ = dlearn(capsys, tmp_path, "check", "positional_encoding", "--json")
    report = json.loads(out)
    assert code == 0 and report["passed"] and [s["ok"] for s in report["stages"]] == [True] * 3
    code, out, _ = dlearn(capsys, tmp_path, "list", "--json")
    assert {r["id"]: r["status"] for r in json.loads(out)}["positional_encoding"] == "passed"
    code, out, _ = dlearn(capsys, tmp_path, "solution", "positional_encoding")
    assert code == 0 and "def positional_encoding(" in out


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    import string

    from tui.commands.exercise import SAY

    def names(text: str) -> set[str]:
        return {n for _, n, _, _ in string.Formatter().parse(text) if n}

    for key, text in SAY.items():
        assert text.ko.strip() and text.en.strip(), key
        assert names(text.ko) == names(text.en), key
