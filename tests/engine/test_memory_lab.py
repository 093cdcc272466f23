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

TINY = {
    "seq_len": 12,
    "hidden": 8,
    "embed": 4,
    "epochs": 1,
    "batches_per_epoch": 3,
    "speed_hidden": 16,
}


def _arms(rnn: float, lstm: float, gru: float, **extra: float) -> dict[str, dict[str, float]]:
    fixed = {
        "rnn": {"grad_ratio_first_last": 1e-19, "recurrent_params": 5248, "weight_blocks": 1},
        "lstm": {"grad_ratio_first_last": 0.4, "recurrent_params": 20992, "weight_blocks": 4},
        "gru": {"grad_ratio_first_last": 0.2, "recurrent_params": 15744, "weight_blocks": 3},
    }
    out = {a: {"test_acc": acc, **fixed[a]} for a, acc in zip(ARMS, (rnn, lstm, gru), strict=True)}
    for key, value in extra.items():  # e.g. lstm_grad_ratio_first_last=0.9
        arm, _, metric = key.partition("_")
        out[arm][metric] = value
    return out


def _timing(gru_over_lstm: list[float], fused: float = 1.9) -> dict:
    """Side-by-side timing facts: per round, the LSTM takes 10 ms and the GRU the given share."""
    lstm = [0.010] * len(gru_over_lstm)
    seconds = {
        "lstm-hand-written": lstm,
        "gru-hand-written": [0.010 * r for r in gru_over_lstm],
        "lstm-fused": lstm,
        "gru-fused": [0.010 * fused] * len(lstm),
    }
    return {
        "judged_with": "hand-written",
        "context": "fused",
        "hidden": 256,
        "device": "CPU, 2 threads",
        "seconds": seconds,
    }


def _status(v: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for c in v["claims"]}


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
    faster = _timing([0.91, 0.92, 0.90, 0.93, 0.92, 0.91, 0.94])
    v = memory_verdict.judge(_arms(0.13, 1.0, 0.99), 100, faster)
    assert v["shown"] is True and set(_status(v).values()) == {"shown"}
    assert list(_status(v)) == [
        "rnn-forgets",
        "gates-remember",
        "gradient-fades",
        "gru-fewer-blocks",
        "gru-faster",
    ]
    en = v["evidence"]["en"]
    assert "RNN 0.130, LSTM 1.000, GRU 0.990" in en and f"{CHANCE:.3f}" in en
    assert "RNN 1.0e-19" in en and "GRU/LSTM = 0.75: 3 blocks to 4" in en
    speed = v["claims"][-1]
    assert "GRU/LSTM = 0.92 (middle half 0.91-0.93, 7 rounds)" in speed["evidence"]["en"]
    assert speed["figures"]["gru_over_lstm"]["median"] == 0.92
    # the fused kernels are context, never the judge on a CPU
    assert "fused kernels here: GRU/LSTM = 1.90" in speed["evidence"]["en"]
    assert "0.92" in speed["evidence"]["ko"] and "빠릅니다" in speed["evidence"]["ko"]


def test_gru_speed_within_noise_is_inconclusive_and_never_decides() -> None:
    noisy = _timing([0.95, 1.10, 0.98, 1.03, 0.90, 1.05, 0.97])  # the rounds straddle 1
    v = memory_verdict.judge(_arms(0.12, 1.0, 1.0), 50, noisy)
    assert _status(v)["gru-faster"] == "inconclusive"
    assert v["shown"] is True  # every decided claim is shown; the speed decided nothing
    speed = v["claims"][-1]["evidence"]["en"]
    assert "cannot tell them apart" in speed and "speed_hidden" in speed
    # the same figures always give the same status (the verdict reads only the facts)
    assert _status(memory_verdict.judge(_arms(0.12, 1.0, 1.0), 50, noisy)) == _status(v)


def test_a_slower_gru_is_not_shown_and_untimed_is_not_judged() -> None:
    slower = _timing([1.2, 1.25, 1.22, 1.3, 1.21])
    v = memory_verdict.judge(_arms(0.12, 1.0, 1.0), 50, slower)
    assert _status(v)["gru-faster"] == "not_shown" and v["shown"] is False
    assert "slower here" in v["claims"][-1]["evidence"]["en"]
    v = memory_verdict.judge(_arms(0.12, 1.0, 1.0), 50, None)
    assert _status(v)["gru-faster"] == "not_judged" and v["shown"] is True


def test_verdict_when_the_rnn_also_solves_a_short_task() -> None:
    v = memory_verdict.judge(_arms(0.98, 1.0, 1.0), 10)
    assert v["shown"] is False and v["rnn_forgets"] is False
    assert _status(v)["rnn-forgets"] == "not_shown"
    assert "raise seq_len" in v["evidence"]["en"]


def test_verdict_points_at_the_forget_gate_bias_when_the_lstm_fails() -> None:
    v = memory_verdict.judge(_arms(0.125, 0.13, 1.0), 50)
    assert v["shown"] is False and v["lstm_solves"] is False and v["gru_solves"] is True
    assert _status(v)["gates-remember"] == "not_shown"
    assert "forget_bias" in v["evidence"]["en"] and "forget_bias" in v["evidence"]["ko"]


def test_a_gradient_that_still_reaches_the_start_is_not_shown_fading() -> None:
    v = memory_verdict.judge(_arms(0.125, 1.0, 1.0, rnn_grad_ratio_first_last=0.5), 50)
    assert _status(v)["gradient-fades"] == "not_shown"
    assert "still reaches the first step" in v["evidence"]["en"]


@pytest.mark.parametrize("missing", ["test_acc", "grad_ratio_first_last", "recurrent_params"])
def test_a_missing_metric_is_an_error_not_a_default(missing: str) -> None:
    arms = _arms(0.1, 1.0, 1.0)
    del arms["gru"][missing]
    with pytest.raises(KeyError, match=f"gru's '{missing}'"):
        memory_verdict.judge(arms, 100)


def test_verdict_without_an_arm_says_which() -> None:
    arms = _arms(0.1, 1.0, 1.0)
    del arms["gru"]
    with pytest.raises(KeyError, match="gru"):
        memory_verdict.judge(arms, 100)


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
    # after training, the three cells timed in turns: one table, the speed claim judged on it
    timing = by[("", "timing")]["data"]
    assert [row[0] for row in timing["rows"]] == ["RNN", "LSTM", "GRU"]
    assert all(ms > 0 for row in timing["rows"] for ms in row[2:])
    speed = summary["verdict"]["claims"][-1]
    assert speed["id"] == "gru-faster" and speed["figures"]["gru_over_lstm"]["rounds"] == 11
    assert not any("epoch_s" in m or "step_s" in m for m in summary["arms"].values())


def test_too_much_data_is_refused_before_a_run_starts() -> None:
    big = {"seq_len": "400", "batches_per_epoch": "10000", "batch_size": "4096"}
    with pytest.raises(ParamError, match="lower one of them") as err:
        catalogue.resolve_params(MEMORY, "quick", big)
    assert "줄이세요" in err.value.ko
