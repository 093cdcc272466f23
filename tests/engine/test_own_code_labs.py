"""`--set impl=mine`: a lab trains the student's passed exercises, or refuses before it starts.

The student's files are tests/engine/own_code_files (correct, written as a student would);
`passed` records them as passes the way `dlearn exercise check` does after grading (the
grading itself is 13a's and tested there), so these tests need no grading child.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from engine import catalogue
from engine.errors import InferenceError, ParamError, RunError
from engine.exercises import GradeReport, records, workspace
from engine.exercises.grader import file_sha256
from engine.labs import own_code
from engine.runs import launch
from engine.runs.signals import StopRequest
from engine.training.context import RunContext

FILES = Path(__file__).parent / "own_code_files"
MEMORY_TINY = {
    "seq_len": 10,
    "hidden": 8,
    "embed": 4,
    "epochs": 1,
    "batches_per_epoch": 2,
    "batch_size": 16,
    "speed_hidden": 8,
}


def passed(data_dir: Path, *ids: str) -> None:
    """Copy the students' files into `data_dir` and record each as passed."""
    for exercise_id in ids:
        path = workspace.path_for(exercise_id, data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FILES / f"{exercise_id}.py", path)
        report = GradeReport(exercise_id, path, file_sha256(path), (), True, 0.1)
        records.record(report, data_dir)


def test_each_lab_names_the_exercises_it_would_train() -> None:
    def needed(lab_id: str, **params: Any) -> tuple[str, ...]:
        lab = catalogue.get_lab(lab_id)
        resolved = catalogue.resolve_params(lab, "quick", {"impl": "mine", **params})
        assert lab.exercises is not None
        return lab.exercises(resolved)

    assert needed("memory") == ("rnn_cell", "lstm_cell", "gru_cell")
    assert needed("resnet") == ("residual_block",)
    assert needed("seq2seq") == ("attention",)
    assert needed("seq2seq", attention="both") == ("attention", "additive_attention")
    assert needed("transformer") == ("multi_head_attention", "positional_encoding")
    lab = catalogue.get_lab("memory")
    assert lab.exercises is not None
    assert lab.exercises(catalogue.resolve_params(lab, "quick")) == ()  # builtin: none
    for lab_id in ("memory", "resnet", "seq2seq", "transformer"):
        lab = catalogue.get_lab(lab_id)
        assert lab.presets["mine"]["impl"] == "mine"
        param = lab.param("impl")
        assert param is not None and param.choices == ("builtin", "mine")


def test_a_run_of_unpassed_exercises_is_refused_before_it_starts(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    passed(tmp_path, "rnn_cell")
    with pytest.raises(ParamError) as caught:
        launch.prepare("memory", runs, "mine", data_dir=tmp_path)
    message = caught.value.en
    assert "lstm_cell" in message and "gru_cell" in message
    assert "dlearn exercise check lstm_cell" in message
    assert "rnn_cell' has not passed" not in message  # the passed one is not blamed
    assert caught.value.ko and "impl=builtin" in caught.value.ko
    assert not runs.exists() or not any(runs.iterdir())  # no run directory was made


def test_a_file_changed_since_its_pass_is_refused(tmp_path: Path) -> None:
    passed(tmp_path, "residual_block")
    path = workspace.path_for("residual_block", tmp_path)
    path.write_text(path.read_text() + "\n# edited after the pass\n")
    with pytest.raises(ParamError, match="changed since it passed"):
        launch.prepare("resnet", tmp_path / "runs", "mine", data_dir=tmp_path)


def test_resnet_mine_needs_the_exercise_s_block() -> None:
    lab = catalogue.get_lab("resnet")
    with pytest.raises(ParamError, match="batchnorm=true"):
        catalogue.resolve_params(lab, "mine", {"batchnorm": "false"})


def test_the_spec_carries_the_data_dir(tmp_path: Path) -> None:
    passed(tmp_path, "rnn_cell", "lstm_cell", "gru_cell")
    run_dir = launch.prepare("memory", tmp_path / "runs", "mine", MEMORY_TINY)
    spec = json.loads((run_dir / "spec.json").read_text())
    assert spec["data_dir"] == str(tmp_path.resolve())  # the runs root's parent by default
    assert spec["params"]["impl"] == "mine"


def test_an_old_spec_without_a_data_dir_fails_with_a_message() -> None:
    run = RunContext("memory", {"impl": "mine"})
    with pytest.raises(RunError, match="names none"):
        own_code.load(run, ("rnn_cell",))
    assert own_code.load(RunContext("memory", {"impl": "builtin"}), ("rnn_cell",)) == {}


def test_a_tiny_memory_run_trains_the_students_cells(tmp_path: Path) -> None:
    from engine.training.lab_run import run

    passed(tmp_path, "rnn_cell", "lstm_cell", "gru_cell")
    run_dir = launch.prepare(
        "memory", tmp_path / "runs", "mine", MEMORY_TINY, device="cpu", data_dir=tmp_path
    )
    spec = json.loads((run_dir / "spec.json").read_text())
    assert run(spec, run_dir, stop=StopRequest()) == 0
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "finished"
    mine = summary["impl"]["mine"]
    assert set(mine) == {"rnn_cell", "lstm_cell", "gru_cell"}
    for exercise_id, entry in mine.items():
        path = workspace.path_for(exercise_id, tmp_path)
        assert entry == {"path": str(path), "sha256": file_sha256(path)}
        assert f"dlearn_mine_{exercise_id}" in sys.modules  # the student's file was imported
    evidence = summary["verdict"]["evidence"]
    assert "your own code" in evidence["en"] and "lstm_cell" in evidence["en"]
    assert "내가 쓴 코드" in evidence["ko"]
    probes = [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]
    gates = [p for p in probes if p.get("name") == "gates/forget_gate"]
    assert gates  # the probes read the student's layer like a fused one


SEQ_TINY = {
    "task": "digits",
    "examples": 300,
    "max_len": 8,
    "embed": 8,
    "hidden": 16,
    "epochs": 1,
    "batch_size": 64,
}


def run_mine(tmp_path: Path, lab: str, params: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    from engine.training.lab_run import run

    run_dir = launch.prepare(lab, tmp_path / "runs", "mine", params, device="cpu")
    spec = json.loads((run_dir / "spec.json").read_text())
    assert run(spec, run_dir, stop=StopRequest()) == 0
    return run_dir, json.loads((run_dir / "summary.json").read_text())


def test_tiny_seq2seq_and_transformer_runs_train_and_translate_with_the_students_code(
    tmp_path: Path,
) -> None:
    from engine.inference import translate_run

    passed(tmp_path, "attention", "additive_attention", "multi_head_attention")
    passed(tmp_path, "positional_encoding")
    run_dir, summary = run_mine(tmp_path, "seq2seq", {**SEQ_TINY, "attention": "both"})
    assert set(summary["impl"]["mine"]) == {"attention", "additive_attention"}
    assert set(summary["arms"]) == {"none", "dot", "additive"}
    for arm in ("dot", "additive"):
        result = translate_run(run_dir, "삼일", arm=arm)
        assert result["arm"] == arm and result["attention"] is not None

    params = {**SEQ_TINY, "d_model": 16, "heads": 2, "ff": 32, "speed_max_len": 16}
    params.update(baseline="small", baseline_epochs=1)
    run_dir, summary = run_mine(tmp_path, "transformer", params)
    assert set(summary["impl"]["mine"]) == {"multi_head_attention", "positional_encoding"}
    assert "your own code" in summary["verdict"]["evidence"]["en"]
    result = translate_run(run_dir, "삼일")  # the student's attention, loaded again
    assert result["arm"] == "transformer" and result["attention"]["kind"] == "heatmap"

    # a file changed since it trained: translating says so instead of using other code
    path = workspace.path_for("multi_head_attention", tmp_path)
    path.write_text(path.read_text() + "\n# changed\n")
    with pytest.raises(InferenceError, match="cannot be loaded again"):
        translate_run(run_dir, "삼일")
