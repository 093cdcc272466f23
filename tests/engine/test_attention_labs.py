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
from engine.labs.transformer import transformer_lab, transformer_timing, transformer_verdict
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


def timed(gru: tuple[float, float], tf: tuple[float, float], rounds: int = 5) -> dict:
    """`one_unit` facts: each model's seconds at the shortest and longest length, with a
    little round-to-round jitter."""
    seconds = {}
    for model, (short, long_) in (("gru", gru), ("transformer", tf)):
        seconds[f"{model}@8"] = [short * (1 + 0.01 * r) for r in range(rounds)]
        seconds[f"{model}@128"] = [long_ * (1 - 0.01 * r) for r in range(rounds)]
    return {"lengths": [8, 128], "seconds": seconds, "device": "CPU"}


def threads(gru: tuple[float, float], tf: tuple[float, float], counts: list[int]) -> dict:
    seconds = {}
    for model, times in (("gru", gru), ("transformer", tf)):
        for n, t in zip(counts, times, strict=False):
            seconds[f"{model}/{n}"] = [t * (1 + 0.01 * r) for r in range(5)]
    facts = {"device": "CPU, 2 threads", "cuda": False, "length": 64, "batch": 64}
    return {**facts, "threads": counts, "seconds": seconds}


def test_transformer_verdict_judges_three_claims() -> None:
    results = {"GRU + dot attention": buckets(1.0, 0.7), "Transformer": buckets(1.0, 0.95)}
    reused = {"source": "reused", "run": "20260101-seq2seq", "epochs": 6}
    one = timed(gru=(0.003, 0.040), tf=(0.004, 0.012))  # grows 13x vs 3x
    par = threads(gru=(0.150, 0.140), tf=(0.750, 0.450), counts=[1, 2])  # 1.07x vs 1.67x
    v = transformer_verdict.judge(results, reused, one, par)
    status = {c["id"]: c["status"] for c in v["claims"]}
    assert status == {"long-range": "shown", "one-unit": "shown", "parallel": "shown"}
    assert v["shown"]
    by = {c["id"]: c for c in v["claims"]}
    assert "20260101-seq2seq" in by["long-range"]["evidence"]["en"]  # which baseline
    # the median round (r = 2): 0.040 x 0.98 / (0.003 x 1.02)
    assert by["one-unit"]["figures"]["gru_growth"] == pytest.approx(12.81, abs=0.005)
    assert "speed-up was 1.67x for the Transformer and 1.07x" in by["parallel"]["evidence"]["en"]
    assert "트랜스포머는 1.67배, GRU는 1.07배가" in by["parallel"]["evidence"]["ko"]
    # one thread: parallelism cannot be tested here, and that decides nothing
    v = transformer_verdict.judge(results, reused, one, threads((0.1,), (0.2,), counts=[1]))
    by = {c["id"]: c for c in v["claims"]}
    assert by["parallel"]["status"] == "not_judged" and v["shown"]
    assert "two or more cores" in by["parallel"]["evidence"]["en"]
    # the same speed-up for both: inconclusive, never a verdict on noise
    same = threads(gru=(0.2, 0.1), tf=(0.4, 0.2), counts=[1, 2])
    by = {c["id"]: c for c in transformer_verdict.judge(results, reused, one, same)["claims"]}
    assert by["parallel"]["status"] == "inconclusive" and "1.00" in by["parallel"]["evidence"]["en"]
    poor = {**results, "Transformer": buckets(0.9, 0.3)}
    v = transformer_verdict.judge(poor, {"source": "trained", "epochs": 3}, one, par)
    by = {c["id"]: c for c in v["claims"]}
    assert by["long-range"]["status"] == "not_shown" and not v["shown"]
    assert "trained here for 3 epochs" in by["long-range"]["evidence"]["en"]
    assert transformer_timing.timed_lengths(64) == [8, 16, 32, 64]
    assert transformer_timing.timed_lengths(50) == [8, 16, 32, 50]


def test_the_quick_presets_let_the_transformer_reuse_the_seq2seq_run() -> None:
    """A student who runs seq2seq quick, then transformer quick, gets the GRU reused: the two
    presets agree on every key the reuse compares, and seq2seq trains the attention the
    Transformer lab compares with (likewise for the `mine` presets)."""
    for preset in ("quick", "mine"):
        s2s = catalogue.resolve_params(catalogue.get_lab("seq2seq"), preset)
        tf = catalogue.resolve_params(catalogue.get_lab("transformer"), preset)
        assert {k: s2s[k] for k in transformer_lab.REUSED_KEYS} == {
            k: tf[k] for k in transformer_lab.REUSED_KEYS
        }
        assert tf["recurrent"] in seq2seq_lab.arms(s2s)


def test_the_thread_claim_needs_free_cores() -> None:
    """The control timed beside the thread comparison: a free machine's matrix product gains
    from the threads and the claim is judged; a busy one's does not, and the claim stays open
    whatever the models' figures say, with the reason and what to do."""
    results = {"GRU + dot attention": buckets(1.0, 0.7), "Transformer": buckets(1.0, 0.95)}
    one = timed(gru=(0.003, 0.040), tf=(0.004, 0.012))
    par = threads(gru=(0.150, 0.140), tf=(0.750, 0.450), counts=[1, 2])  # 1.07x vs 1.67x
    free = {**par, "control": [1.7, 1.6, 1.8, 1.65, 1.75], "attempts": 1}
    claim = transformer_verdict.judge(results, {}, one, free)["claims"][2]
    assert claim["status"] == "shown"
    assert claim["figures"]["control"]["median"] == 1.7
    busy = {**par, "control": [0.4, 0.3, 0.5, 0.45, 0.35], "attempts": 3}
    v = transformer_verdict.judge(results, {}, one, busy)
    claim = v["claims"][2]
    assert claim["status"] == "inconclusive" and v["shown"]  # decides nothing
    assert "gained only 0.40x (measured 3 times)" in claim["evidence"]["en"]
    assert "when the machine is quiet" in claim["evidence"]["en"]
    assert "0.40배밖에" in claim["evidence"]["ko"] and "3번 측정" in claim["evidence"]["ko"]
    # the other way round too: a busy machine never turns into "the GRU gained more"
    flipped = {**busy, "seconds": threads((0.75, 0.45), (0.15, 0.14), [1, 2])["seconds"]}
    assert transformer_verdict.judge(results, {}, one, flipped)["claims"][2]["status"] == (
        "inconclusive"
    )


def test_the_thread_timing_measures_again_while_the_cores_are_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`_with_control` repeats the whole interleaved measurement while the control's
    speed-up is under CONTROL_MIN, pausing between tries, at most ATTEMPTS times."""
    calls, pauses = [], []
    speedups = iter([0.4, 0.5, 1.7])  # busy, busy, free

    def fake_interleaved(cases: dict, device: object, rounds: int, best_of: int = 1) -> dict:
        calls.append(sorted(cases))
        c = next(speedups, 0.4)
        return {name: [c if name == "control/one" else 1.0] * rounds for name in cases}

    monkeypatch.setattr(transformer_timing, "interleaved", fake_interleaved)
    monkeypatch.setattr(transformer_timing.time, "sleep", pauses.append)
    cases = {"gru/1": None, "gru/2": None}
    seconds, control, attempts = transformer_timing._with_control(cases, [1, 2], None)  # type: ignore[arg-type]
    assert (
        attempts == 3 and len(pauses) == 2 and control == [1.7] * transformer_timing.PARALLEL_ROUNDS
    )
    assert calls[0] == ["control/many", "control/one", "gru/1", "gru/2"]
    assert sorted(seconds) == ["gru/1", "gru/2"]  # the control is not a model's timing
    speedups = iter([0.4] * 5)
    _, control, attempts = transformer_timing._with_control(cases, [1, 2], None)  # type: ignore[arg-type]
    assert (
        attempts == transformer_timing.ATTEMPTS
        and control == [0.4] * transformer_timing.PARALLEL_ROUNDS
    )


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


TINY_TRANSFORMER = {
    **TINY,
    "task": "digits",
    "d_model": 16,
    "heads": 2,
    "ff": 32,
    "speed_max_len": 16,
    "baseline_epochs": 1,
}


def test_a_tiny_transformer_run_times_both_models(tmp_path: Path) -> None:
    params = {**TINY_TRANSFORMER, "baseline": "small"}
    summary, events = run_lab(tmp_path, "transformer", params)
    assert set(summary["arms"]) == {"gru", "transformer"}
    claims = {c["id"]: c for c in summary["verdict"]["claims"]}
    assert list(claims) == ["long-range", "one-unit", "parallel"]
    assert "trained here for 1 epoch" in claims["long-range"]["evidence"]["en"]
    assert claims["one-unit"]["status"] != "not_judged"  # it was timed
    assert claims["one-unit"]["figures"]["ratio"]["rounds"] == 7
    steps = [e for e in events if e["type"] == "step"]
    assert {e["epoch"] for e in steps if e["arm"] == "gru"} == {1.0}  # the short baseline
    names = {e["name"] for e in events if e["type"] == "probe"}
    assert {"attention/cross/L1", "attention/encoder-self/L2", "speed/length"} <= names
    assert {"attention/cross/L2/H2", "attention/decoder-self/L1/H1", "speed/threads"} <= names
    timing = next(e for e in events if e.get("name") == "speed/length")
    assert [line["x"] for line in timing["data"]["lines"]] == [[8.0, 16.0]] * 2
    result = translate_run(tmp_path, "이만 오천")
    assert result["arm"] == "transformer" and result["lab"] == "transformer"
    cross = result["attention"]
    assert cross["name"] == "attention/cross" and len(cross["data"]["cols"]) == len("이만 오천")
    assert all(abs(sum(row) - 1) < 0.01 for row in cross["data"]["matrix"])
    assert translate_run(tmp_path, "삼", arm="gru")["arm"] == "gru"


def test_the_transformer_lab_reuses_a_finished_seq2seq_baseline(tmp_path: Path) -> None:
    """A seq2seq run of the same task and sizes beside it: its dot arm is the GRU baseline,
    not trained again, and its weights still translate."""
    runs = tmp_path / "runs"
    seq2seq, _ = run_lab(runs / "a-seq2seq", "seq2seq", {**TINY, "task": "digits"})
    summary, events = run_lab(runs / "b-transformer", "transformer", TINY_TRANSFORMER)
    assert summary["arms"]["gru"] == seq2seq["arms"]["dot"]
    assert {e["arm"] for e in events if e["type"] == "step"} == {"transformer"}
    by = {c["id"]: c for c in summary["verdict"]["claims"]}
    assert "finished seq2seq run a-seq2seq" in by["long-range"]["evidence"]["en"]
    assert "a-seq2seq" in by["long-range"]["evidence"]["ko"]
    assert translate_run(runs / "b-transformer", "삼", arm="gru")["arm"] == "gru"
    different = {**TINY_TRANSFORMER, "hidden": 32}  # other sizes: trained here, short
    summary, _ = run_lab(runs / "c-transformer", "transformer", different)
    assert summary["arms"]["gru"] != seq2seq["arms"]["dot"]
    by = {c["id"]: c for c in summary["verdict"]["claims"]}
    assert "trained here for 1 epoch" in by["long-range"]["evidence"]["en"]


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
