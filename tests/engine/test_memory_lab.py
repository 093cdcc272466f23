"""The `memory` lab: its declaration, its probes, a tiny run end to end, and its verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine import catalogue
from engine.data.recall_task import CHANCE
from engine.errors import ParamError
from engine.labs.memory import ARMS, MEMORY, memory_lab, memory_verdict

TINY = {"seq_len": 12, "hidden": 8, "embed": 4, "epochs": 1, "batches_per_epoch": 3}


def _arms(rnn: float, lstm: float, gru: float, **extra: float) -> dict[str, dict[str, float]]:
    timing = {
        "rnn": {"epoch_s": 0.5, "scratch_step_s": 0.02, "grad_ratio_first_last": 1e-19},
        "lstm": {"epoch_s": 1.2, "scratch_step_s": 0.041, "grad_ratio_first_last": 0.4},
        "gru": {"epoch_s": 1.5, "scratch_step_s": 0.034, "grad_ratio_first_last": 0.2},
    }
    out = {a: {"test_acc": acc, **timing[a]} for a, acc in zip(ARMS, (rnn, lstm, gru), strict=True)}
    for key, value in extra.items():  # e.g. lstm_epoch_s=0.9
        arm, _, metric = key.partition("_")
        out[arm][metric] = value
    return out


def test_declaration_resolves_and_names_the_knobs() -> None:
    for preset in MEMORY.presets:
        catalogue.resolve_params(MEMORY, preset)  # every preset is in range
    assert MEMORY.arms == ("rnn", "lstm", "gru") and MEMORY.section == "memory-problem"
    seq_len = MEMORY.param("seq_len")
    assert seq_len is not None and (seq_len.low, seq_len.high) == (10, 400)
    forget = MEMORY.param("forget_bias")
    assert forget is not None and "σ(5)" in forget.help["en"] and "σ(5)" in forget.help["ko"]
    with pytest.raises(ParamError, match="seq_len"):
        catalogue.resolve_params(MEMORY, "quick", {"seq_len": "5"})


def test_verdict_shown_when_the_rnn_forgets_and_the_gated_cells_remember() -> None:
    v = memory_verdict.judge(_arms(0.13, 1.0, 0.99), 100, "CPU, 2 threads")
    assert v["shown"] is True
    en = v["evidence"]["en"]
    assert "RNN 0.130, LSTM 1.000, GRU 0.990" in en and f"{CHANCE:.3f}" in en
    # the fused GRU was slower here: the verdict says so, with the measured ratio
    assert "GRU/LSTM = 1.25" in en and "slower" in en and "reverse" in en
    assert "GRU/LSTM = 0.83 per step" in en  # hand-written cells: the GRU is faster
    assert "RNN 1.0e-19" in en
    assert "1.25" in v["evidence"]["ko"] and "느렸습니다" in v["evidence"]["ko"]


def test_verdict_reports_a_faster_gru_without_calling_it_a_reversal() -> None:
    v = memory_verdict.judge(_arms(0.12, 0.95, 0.97, gru_epoch_s=0.6), 100)
    assert "GRU/LSTM = 0.50" in v["evidence"]["en"] and "reverse" not in v["evidence"]["en"]


def test_verdict_when_the_rnn_also_solves_a_short_task() -> None:
    v = memory_verdict.judge(_arms(0.98, 1.0, 1.0), 10)
    assert v["shown"] is False and v["rnn_forgets"] is False
    assert "raise seq_len" in v["evidence"]["en"]


def test_verdict_points_at_the_forget_gate_bias_when_the_lstm_fails() -> None:
    v = memory_verdict.judge(_arms(0.125, 0.13, 1.0), 50)
    assert v["shown"] is False and v["lstm_solves"] is False and v["gru_solves"] is True
    assert "forget_bias" in v["evidence"]["en"] and "forget_bias" in v["evidence"]["ko"]


def test_verdict_without_an_arm_says_what_is_missing() -> None:
    arms = _arms(0.1, 1.0, 1.0)
    del arms["gru"]
    v = memory_verdict.judge(arms, 100)
    assert v["shown"] is False and "GRU" in v["evidence"]["en"]


def test_time_columns_keep_first_and_last_and_fit_a_heatmap() -> None:
    assert memory_lab.time_columns(10) == list(range(10))
    cols = memory_lab.time_columns(400)
    assert len(cols) <= 64 and cols[0] == 0 and cols[-1] == 399 and cols == sorted(cols)


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, params: dict[str, Any]) -> Path:
    from engine.training.lab_run import run

    monkeypatch.setitem(catalogue.LABS, "memory", MEMORY)
    spec = {"lab": "memory", "params": params, "seed": 0, "device": "cpu"}
    assert run(spec, tmp_path) == 0
    return tmp_path


def test_a_tiny_run_trains_three_arms_and_probes_their_insides(tmp_path, monkeypatch) -> None:
    run_dir = _run(tmp_path, monkeypatch, TINY)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "finished" and list(summary["arms"]) == list(ARMS)
    assert set(summary["verdict"]["evidence"]) == {"ko", "en"}
    lines = (run_dir / "events.jsonl").read_text().splitlines()
    probes = [e for e in map(json.loads, lines) if e["type"] == "probe"]
    by = {(p["arm"], p["name"]): p for p in probes}  # the last of each
    forget = by[("lstm", "gates/forget_gate")]["data"]
    assert forget["shape"] == [8, 12] and forget["range"] == [0.0, 1.0]
    assert all(0.0 <= v <= 1.0 for row in forget["matrix"] for v in row)
    assert ("lstm", "gates/cell") in by and ("gru", "gates/update_gate") in by
    assert ("gru", "gates/reset_gate") in by
    bptt = by[("rnn", "bptt/grad_norm")]["data"]
    assert bptt["log_y"] is True and len(bptt["lines"]) == 2  # before training, and now
    assert all(len(line["y"]) == 12 for line in bptt["lines"])
    table = by[("gru", "results")]["data"]
    blocks = {row[0]: (row[1], row[2]) for row in table["rows"]}
    assert [blocks[c][0] for c in ("RNN", "GRU", "LSTM")] == [1, 3, 4]
    assert blocks["LSTM"][1] == 4 * blocks["RNN"][1] and blocks["GRU"][1] == 3 * blocks["RNN"][1]
    overlay = by[("gru", "memory/train_acc")]["data"]
    assert {line["label"] for line in overlay["lines"]} == {"RNN", "LSTM", "GRU", "chance"}
    assert summary["arms"]["lstm"]["epoch_s"] > 0


def test_too_much_data_is_refused_before_a_run_starts() -> None:
    big = {"seq_len": "400", "batches_per_epoch": "10000", "batch_size": "4096"}
    with pytest.raises(ParamError, match="lower one of them") as err:
        catalogue.resolve_params(MEMORY, "quick", big)
    assert "줄이세요" in err.value.ko
