"""The `seq2seq` and `transformer` labs: declarations, verdicts, a tiny run, and `translate`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch

from engine import catalogue
from engine.checkpoint import save_atomic
from engine.data.korean_numbers import Pair, Vocab
from engine.errors import InferenceError, ParamError
from engine.inference import shade_map, translate_run
from engine.labs.seq2seq import seq2seq_lab, seq2seq_verdict
from engine.labs.transformer import transformer_lab, transformer_verdict
from engine.runs.signals import StopRequest
from engine.training.lab_run import run

TINY = {
    "examples": 400,
    "max_len": 10,
    "embed": 8,
    "hidden": 16,
    "epochs": 1,
    "batch_size": 64,
}


def test_both_labs_are_declared_and_checked() -> None:
    for lab_id, section in (("seq2seq", "attention"), ("transformer", "transformer-idea")):
        lab = catalogue.get_lab(lab_id)
        assert lab.section == section and lab.title["ko"] and lab.claim["en"]
        for preset in ("quick", "full"):
            catalogue.resolve_params(lab, preset)
    with pytest.raises(ParamError, match="'hidden' must be even"):
        catalogue.resolve_params(catalogue.get_lab("seq2seq"), "quick", {"hidden": "63"})
    with pytest.raises(ParamError, match="divisible"):
        catalogue.resolve_params(catalogue.get_lab("transformer"), "quick", {"heads": "3"})
    assert seq2seq_lab.arms({"attention": "dot"}) == ["none", "dot"]
    assert seq2seq_lab.arms({"attention": "both"}) == ["none", "dot", "additive"]


def test_exact_match_by_bucket_and_back() -> None:
    pairs = [Pair("일", "1", "digits", "a"), Pair("이삼사오육칠", "234567", "digits", "b")]
    pairs.append(Pair("칠팔구영일이", "789012", "digits", "c"))
    buckets = seq2seq_lab.exact_by_bucket(["1", "234567", "0"], pairs, [(1, 5), (6, 10), (11, 12)])
    assert buckets["1-5"] == (1.0, 1) and buckets["6-10"] == (0.5, 2)
    assert math.isnan(buckets["11-12"][0]) and buckets["11-12"][1] == 0
    back = seq2seq_verdict.buckets_of(seq2seq_lab.bucket_metrics(buckets))
    assert list(back) == ["1-5", "6-10", "11-12"] and back["6-10"] == (0.5, 2)


def buckets(*accs: float, n: int = 100) -> dict[str, tuple[float, int]]:
    return {f"{5 * i + 1}-{5 * i + 5}": (a, n) for i, a in enumerate(accs)}


def test_seq2seq_verdict_reads_the_buckets() -> None:
    good = {"none": buckets(0.95, 0.6, 0.1), "dot": buckets(1.0, 0.98, 0.9)}
    v = seq2seq_verdict.judge(good)
    assert v["shown"] and v["bottleneck"] and v["attention_fix"]
    assert "0.95 / 0.60 / 0.10" in v["evidence"]["en"] and v["evidence"]["ko"]
    flat = {"none": buckets(0.95, 0.9, 0.85), "dot": buckets(1.0, 0.98, 0.9)}
    assert (
        not seq2seq_verdict.judge(flat)["shown"] and not seq2seq_verdict.judge(flat)["bottleneck"]
    )
    weak = {"none": buckets(0.95, 0.6, 0.1), "dot": buckets(1.0, 0.7, 0.3)}
    v = seq2seq_verdict.judge(weak)
    assert not v["shown"] and v["bottleneck"] and not v["attention_fix"]
    unlearned = {"none": buckets(0.2, 0.0, 0.0), "dot": buckets(1.0, 1.0, 0.9)}
    v = seq2seq_verdict.judge(unlearned)
    assert not v["shown"] and "train longer" in v["evidence"]["en"]
    both = {**good, "additive": buckets(1.0, 0.5, 0.2)}
    assert not seq2seq_verdict.judge(both)["shown"]  # every attention arm must keep long inputs
    sparse = {"none": buckets(0.9, 0.1, n=3), "dot": buckets(1.0, 1.0, n=3)}
    assert not seq2seq_verdict.judge(sparse)["shown"]  # too few pairs per bucket to judge


def test_transformer_verdict_reports_the_speed_ratio_honestly() -> None:
    results = {"GRU + dot attention": buckets(1.0, 0.9), "Transformer": buckets(1.0, 0.95)}
    slower = [(8, 1.0, 2.0), (64, 4.0, 5.0)]
    v = transformer_verdict.judge(results, slower, "cpu (2 threads)")
    assert v["accurate"] and not v["faster"] and not v["shown"]
    assert "L=8: 0.50x" in v["evidence"]["en"] and "cpu (2 threads)" in v["evidence"]["en"]
    assert "slower" in v["evidence"]["en"] and v["evidence"]["ko"]
    faster = [(8, 1.0, 2.0), (512, 30.0, 10.0)]
    v = transformer_verdict.judge(results, faster, "cuda")
    assert v["shown"] and v["speedup"][-1] == [512, 3.0]
    poor = {**results, "Transformer": buckets(0.9, 0.3)}
    assert not transformer_verdict.judge(poor, faster)["accurate"]
    assert transformer_lab.timed_lengths(64) == [8, 16, 32, 64] and transformer_lab.timed_lengths(
        50
    ) == [8, 16, 32, 50]


def run_lab(tmp_path: Path, lab: str, params: dict) -> tuple[dict, list[dict]]:
    spec = {"lab": lab, "params": params, "seed": 0, "device": "cpu"}
    assert run(spec, tmp_path, stop=StopRequest()) == 0
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    return json.loads((tmp_path / "summary.json").read_text()), events


def test_a_tiny_seq2seq_run_probes_and_judges(tmp_path: Path) -> None:
    summary, events = run_lab(tmp_path, "seq2seq", {**TINY, "task": "digits"})
    assert set(summary["arms"]) == {"none", "dot"}
    assert "exact_6-10" in summary["arms"]["dot"] and summary["verdict"]["evidence"]["en"]
    probes = [e for e in events if e["type"] == "probe"]
    maps = [p for p in probes if p["name"] == "attention" and p["arm"] == "dot"]
    assert maps and all(p["kind"] == "heatmap" for p in maps)
    data = maps[-1]["data"]
    assert len(data["cols"]) == data["shape"][1] and len(data["rows"]) == data["shape"][0]
    assert all(abs(sum(row) - 1) < 0.01 for row in data["matrix"])
    assert not [p for p in probes if p["name"] == "attention" and p["arm"] == "none"]
    series = [p for p in probes if p["name"] == "accuracy_by_length"][-1]
    assert {line["label"] for line in series["data"]["lines"]} == {
        "GRU, no attention",
        "GRU + dot attention",
    }
    assert any(p["kind"] == "text" and p["name"] == "samples" for p in probes)
    # the finished run keeps both arms' weights, so the student's own input translates
    state = torch.load(tmp_path / "checkpoint.pt", weights_only=True)
    assert set(state["models"]) == {"none", "dot"}
    result = translate_run(tmp_path, "삼일사")
    assert result["arm"] == "dot" and result["attention"]["data"]["cols"] == ["삼", "일", "사"]
    assert translate_run(tmp_path, "삼일사", arm="none")["attention"] is None
    with pytest.raises(InferenceError, match="no arm 'gru'"):
        translate_run(tmp_path, "삼", arm="gru")


def test_a_tiny_transformer_run_times_both_models(tmp_path: Path) -> None:
    params = {**TINY, "task": "digits", "d_model": 16, "heads": 2, "ff": 32, "speed_max_len": 8}
    summary, events = run_lab(tmp_path, "transformer", params)
    assert set(summary["arms"]) == {"gru", "transformer"}
    assert summary["arms"]["transformer"]["epoch_s_tf_8"] > 0
    assert summary["verdict"]["speedup"][0][0] == 8
    names = {e["name"] for e in events if e["type"] == "probe"}
    assert {"attention/cross/L1", "attention/encoder-self/L2", "speed/epoch_time"} <= names
    assert {"attention/cross/L2/H2", "attention/decoder-self/L1/H1", "speed/ratio"} <= names
    result = translate_run(tmp_path, "이만 오천")
    assert result["arm"] == "transformer" and result["lab"] == "transformer"
    cross = result["attention"]
    assert cross["name"] == "attention/cross" and len(cross["data"]["cols"]) == len("이만 오천")
    assert all(abs(sum(row) - 1) < 0.01 for row in cross["data"]["matrix"])
    assert translate_run(tmp_path, "삼", arm="gru")["arm"] == "gru"


def trained_run(tmp_path: Path) -> Path:
    """A run directory with spec.json and a checkpoint holding finished arms' weights."""
    params = catalogue.resolve_params(catalogue.get_lab("seq2seq"), "quick", TINY)
    (tmp_path / "spec.json").write_text(json.dumps({"lab": "seq2seq", "params": params}))
    torch.manual_seed(0)
    models = {
        arm: seq2seq_lab.build_model(arm, params, len(Vocab()), 10).state_dict()
        for arm in ("none", "dot")
    }
    save_atomic({"models": models, "arm": None, "completed": {}}, tmp_path / "checkpoint.pt")
    return tmp_path


def test_translate_returns_the_output_and_its_attention_map(tmp_path: Path) -> None:
    run_dir = trained_run(tmp_path)
    result = translate_run(run_dir, " 삼일사 ")
    assert result["arm"] == "dot" and result["input"] == "삼일사"
    heatmap = result["attention"]
    assert heatmap["kind"] == "heatmap" and heatmap["data"]["cols"] == ["삼", "일", "사"]
    assert len(heatmap["data"]["rows"]) == heatmap["data"]["shape"][0] >= 1
    assert translate_run(run_dir, "이만 오천", arm="none")["attention"] is None
    assert len(shade_map(heatmap).splitlines()) == len(heatmap["data"]["rows"]) + 1


@pytest.mark.parametrize(
    ("text", "words"), [("삼!", "unknown characters"), ("", "empty"), ("일" * 11, "at most 10")]
)
def test_translate_explains_bad_input(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(InferenceError, match=words) as exc:
        translate_run(trained_run(tmp_path), text)
    assert exc.value.ko


def test_translate_needs_a_checkpoint(tmp_path: Path) -> None:
    run_dir = trained_run(tmp_path)
    (run_dir / "checkpoint.pt").unlink()
    with pytest.raises(InferenceError, match="no checkpoint.pt"):
        translate_run(run_dir, "삼일사")
    with pytest.raises(InferenceError, match="not a lab run"):
        translate_run(tmp_path / "nowhere", "삼")
