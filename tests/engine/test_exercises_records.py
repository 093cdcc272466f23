"""The student's records: passes tied to the file's hash, last attempts, hints; and the
known-mistake variants of every check are real mistakes (each differs from PyTorch)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import torch

from engine.exercises import EXERCISES, ExerciseError, GradeReport, records, workspace
from engine.exercises.check_common import FunctionCheck, close
from engine.exercises.child import load_check
from engine.exercises.report import stage


def report_for(path: Path, passed: bool, exercise_id: str = "rnn_cell") -> GradeReport:
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    stages = (stage("load", True), stage("shapes", passed))
    return GradeReport(exercise_id, path, sha, stages, passed, 1.0)


def test_a_pass_is_kept_until_the_file_changes(tmp_path: Path) -> None:
    path, _ = workspace.start("rnn_cell", tmp_path, "en")
    path.write_text(workspace.solution_path("rnn_cell").read_text())
    with pytest.raises(ExerciseError, match="has not passed yet"):
        records.load_passed("rnn_cell", tmp_path)
    assert records.status("rnn_cell", tmp_path) == "started"
    records.record(report_for(path, passed=False), tmp_path)
    assert records.status("rnn_cell", tmp_path) == "failed"
    assert records.last(tmp_path)["rnn_cell"]["failed_stage"] == "shapes"
    assert "rnn_cell" not in records.passed(tmp_path)
    records.record(report_for(path, passed=True), tmp_path)
    assert records.status("rnn_cell", tmp_path) == "passed"
    assert records.by_section(tmp_path)["rnn-basics"] == (1, 1)
    assert records.by_section(tmp_path)["transformer-structure"] == (0, 3)
    mine = records.load_passed("rnn_cell", tmp_path)
    fn = mine.entry()
    x = torch.ones(2, 3)
    out = fn(x, torch.zeros(2, 4), torch.zeros(4, 3), torch.zeros(4, 4), torch.ones(4))
    assert torch.allclose(out, torch.tanh(torch.ones(2, 4)))
    path.write_text(path.read_text() + "\n# changed\n")
    with pytest.raises(ExerciseError, match="changed since it passed") as info:
        records.load_passed("rnn_cell", tmp_path)
    assert "dlearn exercise check rnn_cell" in info.value.en and info.value.ko
    path.unlink()
    with pytest.raises(ExerciseError, match="is gone"):
        records.load_passed("rnn_cell", tmp_path)


def test_records_survive_a_damaged_file_and_are_written_whole(tmp_path: Path) -> None:
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "records.json").write_text("{ not json")
    assert records.passed(tmp_path) == {} and records.hints_shown(tmp_path, "bptt") == 0
    assert [records.show_hint(tmp_path, "bptt") for _ in range(5)] == [1, 2, 3, 3, 3]
    data = json.loads((folder / "records.json").read_text())
    assert data["hints"] == {"bptt": 3}
    assert [p.name for p in folder.iterdir()] == ["records.json"]  # no temporary file left


def test_an_unknown_exercise_is_an_error_naming_the_real_ones(tmp_path: Path) -> None:
    with pytest.raises(ExerciseError, match="lstm_cell"):
        workspace.start("lstm", tmp_path, "en")
    with pytest.raises(ExerciseError):
        records.show_hint(tmp_path, "lstm")


@pytest.mark.parametrize("exercise_id", [e for e in EXERCISES if e != "residual_block"])
def test_every_known_mistake_differs_from_pytorch(exercise_id: str) -> None:
    """A variant equal to the reference everywhere could never be named; and each check
    knows at least two."""
    check = load_check(exercise_id)
    assert isinstance(check, FunctionCheck)
    variants = check.variants()
    assert len(variants) >= 2
    cases = check.cases(torch.float32)
    for text, fn in variants:
        assert text.ko.strip() and text.ko != text.en
        differs = False
        for case in cases:
            args, kwargs = case.fresh()
            want = check.reference(*args, **kwargs)
            want = want if isinstance(want, tuple) else (want,)
            args, kwargs = case.fresh()
            got = fn(*args, **kwargs)
            got = got if isinstance(got, tuple) else (got,)
            differs |= not close(got, want, 1e-4, 1e-5)
        assert differs, text.en
