"""The `transformer` lab's verdict, one claim per sentence of the lecture (torch-free).

1. `long-range`  self-attention relates distant tokens directly: on the longest inputs the
                 Transformer keeps >= HIGH exact match, and no less than the GRU + attention.
2. `one-unit`    it processes the sequence as one unit, not step by step: timed at batch 1 on
                 one thread as the input doubles, the recurrent net's step grows with the
                 length far more than the Transformer's (per-round ratio of the two growths).
3. `parallel`    its training parallelises: on a CPU its step gains more from all the cores
                 than the recurrent net's does; on a GPU it trains a long step faster. On a
                 one-core CPU this cannot be tested (`not_judged`).
The figures come from `transformer_timing.measure`, timed side by side after training.
"""

from __future__ import annotations

from typing import Any

from engine.labs import claims
from engine.labs.claims import Claim
from engine.labs.seq2seq.seq2seq_verdict import HIGH, arm_label, buckets_of, fmt_buckets, judged
from engine.text import Text
from engine.training.context import RunContext

TOLERANCE = 0.02  # the Transformer may trail the GRU on the longest inputs by this much
# The thread comparison's control, a plain matrix product, must gain this much from the
# threads for the cores to count as free (measured on 2 cores: 1.5-1.8x quiet, 0.2-0.5x
# beside one busy process); `transformer_timing` measures again while it does not.
CONTROL_MIN = 1.3

CLAIMS = {
    "long-range": Text(
        en="Self-attention relates distant tokens directly, in a single step.",
        ko="셀프 어텐션은 멀리 떨어진 토큰 사이의 관계를 한 단계 만에 직접 표현한다.",
    ),
    "one-unit": Text(
        en="The Transformer processes the whole sequence at once, not step by step.",
        ko="트랜스포머는 시퀀스를 순차적으로 처리하지 않고 전체를 한 번에 처리한다.",
    ),
    "parallel": Text(
        en="So its training parallelises.",
        ko="그래서 훈련을 병렬화할 수 있다.",
    ),
}


def verdict(run: RunContext) -> dict[str, Any]:
    results = {
        arm_label("gru", run.params): buckets_of(run.finals["gru"]),
        "Transformer": buckets_of(run.finals["transformer"]),
    }
    return judge(
        results,
        run.facts.get("baseline") or {},
        run.facts.get("one_unit"),
        run.facts.get("parallel"),
    )


def judge(
    results: dict[str, dict[str, tuple[float, int]]],
    baseline: dict[str, Any],
    one_unit: dict[str, Any] | None,
    parallel: dict[str, Any] | None,
) -> dict[str, Any]:
    found = [_long_range(results, baseline), _one_unit(one_unit), _parallel(parallel)]
    return claims.verdict(found)


def _baseline_text(baseline: dict[str, Any]) -> Text:
    epochs = baseline.get("epochs", "?")
    if baseline.get("source") == "reused":
        return Text(
            en=f" (the GRU's figures are from the finished seq2seq run {baseline['run']}, "
            f"{epochs} epochs, not trained again)",
            ko=f" (GRU의 수치는 끝난 seq2seq 실행 {baseline['run']}의 것입니다. {epochs} 에폭, "
            "다시 훈련하지 않음)",
        )
    plural = "" if epochs == 1 else "s"
    lr = baseline.get("lr")
    at, at_ko = (f", lr {lr:g}", f", 학습률 {lr:g}") if lr else ("", "")
    return Text(
        en=f" (the GRU was trained here for {epochs} epoch{plural}{at})",
        ko=f" (GRU는 여기서 {epochs} 에폭 훈련했습니다{at_ko})",
    )


def _long_range(
    results: dict[str, dict[str, tuple[float, int]]], baseline: dict[str, Any]
) -> Claim:
    tf = results["Transformer"]
    labels = judged(tf)
    if not labels:
        evidence = Text(
            en="Too few test pairs per length bucket to judge.",
            ko="길이 구간마다 시험 예문이 너무 적어 판정할 수 없습니다.",
        )
        return Claim("long-range", CLAIMS["long-range"], "inconclusive", evidence)
    last = labels[-1]
    rnn = next(v for k, v in results.items() if k != "Transformer")
    ours, theirs = tf[last][0], rnn[last][0]
    ok = ours >= HIGH and ours >= theirs - TOLERANCE
    rows = "; ".join(f"{name} {fmt_buckets(b, labels)}" for name, b in results.items())
    evidence = Text(
        en=f"Exact match by input length ({' / '.join(labels)}): {rows}",
        ko=f"입력 길이별 정확 일치율 ({' / '.join(labels)}): {rows}",
    )
    evidence += _baseline_text(baseline)
    if ok:
        evidence += Text(
            en=f". On the longest inputs ({last}) the Transformer keeps {ours:.2f} against "
            f"{theirs:.2f}.",
            ko=f". 가장 긴 입력({last})에서 트랜스포머는 {ours:.2f}의 정확 일치율을 유지합니다 (GRU {theirs:.2f}).",
        )
    else:
        evidence += Text(
            en=f". On the longest inputs ({last}) the Transformer reaches only {ours:.2f} "
            f"(needs >= {HIGH} and no less than the GRU's {theirs:.2f}); train longer.",
            ko=f". 가장 긴 입력({last})에서 트랜스포머가 {ours:.2f}에 그칩니다 ({HIGH} 이상이고 "
            f"GRU의 {theirs:.2f}보다 낮지 않아야 함). 더 오래 훈련하세요.",
        )
    figures = {f"transformer_exact_{last}": ours, f"gru_exact_{last}": theirs}
    return Claim("long-range", CLAIMS["long-range"], claims.decided(ok), evidence, figures)


def _growth(seconds: dict[str, list[float]], model: str, lengths: list[int]) -> list[float]:
    """Per round: the step's time at the longest length over its time at the shortest."""
    lo, hi = seconds[f"{model}@{lengths[0]}"], seconds[f"{model}@{lengths[-1]}"]
    return [b / a for a, b in zip(lo, hi, strict=True)]


def _one_unit(one: dict[str, Any] | None) -> Claim:
    if not one:
        return _untimed("one-unit")
    lengths, seconds = one["lengths"], one["seconds"]
    gru, tf = _growth(seconds, "gru", lengths), _growth(seconds, "transformer", lengths)
    ratio = claims.compare(gru, tf)  # > 1: the recurrent step grows more than the Transformer's
    short, long_ = lengths[0], lengths[-1]
    g, t = claims.ratios_of(gru).median, claims.ratios_of(tf).median
    evidence = Text(
        en=f"From length {short} to {long_} (batch 1, one thread, {one['device']}) a step of "
        f"the GRU took {g:.1f}x as long, the Transformer's {t:.1f}x; ratio of the two growths "
        f"{ratio.text()}",
        ko=f"길이 {short}에서 {long_}로 늘리자 (배치 1, 스레드 1, {one['device']}) GRU의 한 단계는 "
        f"{g:.1f}배, 트랜스포머는 {t:.1f}배 길어졌습니다; 두 증가의 비 {ratio.text_ko()}",
    )
    status: claims.Status
    if ratio.status == "above":
        status = "shown"
        evidence += Text(
            en=": the recurrent net pays for every step in order, the Transformer takes the "
            "sequence in one pass.",
            ko=": 순환 신경망은 시점마다 차례로 값을 치르고, 트랜스포머는 시퀀스를 한 번에 처리합니다.",
        )
    elif ratio.status == "below":
        status = "not_shown"
        evidence += Text(
            en=": here the Transformer's step grew more.",
            ko=": 여기서는 트랜스포머의 한 단계가 더 많이 늘었습니다.",
        )
    else:
        status = "inconclusive"
        evidence += Text(
            en=": within the rounds' spread; a larger speed_max_len would separate them.",
            ko=": 측정의 흩어짐 안이라 가를 수 없습니다. speed_max_len을 키우면 가려집니다.",
        )
    figures = {
        "gru_growth": round(g, 2),
        "transformer_growth": round(t, 2),
        "ratio": ratio.figures(),
    }
    return Claim("one-unit", CLAIMS["one-unit"], status, evidence, figures)


def _parallel(par: dict[str, Any] | None) -> Claim:
    if not par:
        return _untimed("parallel")
    if par["cuda"]:
        return _on_gpu(par)
    if len(par["threads"]) < 2:
        evidence = Text(
            en=f"This CPU gives torch one thread ({par['device']}), so nothing can run in "
            "parallel here; a machine with two or more cores, or a GPU, can test it.",
            ko=f"이 CPU는 torch에 스레드 하나만 줍니다 ({par['device']}). 여기서는 병렬로 돌릴 "
            "것이 없으니 코어가 둘 이상인 컴퓨터나 GPU에서 확인하세요.",
        )
        return Claim("parallel", CLAIMS["parallel"], "not_judged", evidence)
    return _on_threads(par)


def _sizes(par: dict[str, Any]) -> tuple[str, str]:
    return (
        f"length {par['length']}, batch {par['batch']}",
        f"길이 {par['length']}, 배치 {par['batch']}",
    )


def _on_gpu(par: dict[str, Any]) -> Claim:
    """A GPU: which trains a long step faster, side by side."""
    seconds, where, (size, size_ko) = par["seconds"], par["device"], _sizes(par)
    n = par["threads"][0]
    ratio = claims.compare(seconds[f"gru/{n}"], seconds[f"transformer/{n}"])  # > 1: TF faster
    evidence = Text(
        en=f"A training step on {where} ({size}): GRU time / Transformer time = {ratio.text()}",
        ko=f"{where}에서 한 훈련 단계 ({size_ko}): GRU 시간 / 트랜스포머 시간 = {ratio.text_ko()}",
    )
    better = Text(
        en=": the GPU runs the Transformer's positions in parallel.",
        ko=": GPU가 트랜스포머의 위치들을 병렬로 처리합니다.",
    )
    return _decide(ratio, evidence, better, {"ratio": ratio.figures()})


def _on_threads(par: dict[str, Any]) -> Claim:
    """A CPU: which step gains more from all the threads, with the control beside them."""
    seconds, where, (size, size_ko) = par["seconds"], par["device"], _sizes(par)
    one, many = par["threads"]

    def speedup(model: str) -> list[float]:
        pairs = zip(seconds[f"{model}/{one}"], seconds[f"{model}/{many}"], strict=True)
        return [a / b for a, b in pairs]

    gru, tf = speedup("gru"), speedup("transformer")
    ratio = claims.compare(tf, gru)  # > 1: the Transformer gains more from the threads
    g, t = claims.ratios_of(gru).median, claims.ratios_of(tf).median
    evidence = Text(
        en=f"From 1 to {many} threads ({where}, {size}) a step's speed-up was {t:.2f}x for the "
        f"Transformer and {g:.2f}x for the GRU; ratio {ratio.text()}",
        ko=f"스레드를 1개에서 {many}개로 늘리자 ({where}, {size_ko}) 한 단계의 속도가 트랜스포머는 "
        f"{t:.2f}배, GRU는 {g:.2f}배가 되었습니다; 비 {ratio.text_ko()}",
    )
    figures = {"ratio": ratio.figures()}
    control = par.get("control") or []  # runs from before the control have none
    if control:
        figures["control"] = claims.ratios_of(control).figures()
        c = claims.ratios_of(control).median
        if c < CONTROL_MIN:
            tries = int(par.get("attempts") or 1)
            evidence += Text(
                en=f"; but a plain matrix product timed beside them gained only {c:.2f}x "
                f"(measured {tries} time{'s' if tries != 1 else ''}): another program was "
                "using the cores, so the threads had nothing to spread over. Run the lab "
                "again when the machine is quiet.",
                ko=f". 그러나 곁에서 함께 잰 단순한 행렬 곱도 {c:.2f}배밖에 빨라지지 않았습니다 "
                f"({tries}번 측정): 다른 프로그램이 코어를 쓰고 있어 스레드를 나눌 곳이 "
                "없었습니다. 컴퓨터가 한가할 때 실습을 다시 돌리세요.",
            )
            return Claim("parallel", CLAIMS["parallel"], "inconclusive", evidence, figures)
    better = Text(
        en=": on a small batch of long inputs what there is to share out is a sequence's "
        "positions; the Transformer takes them all in one matrix product, which spreads "
        "over the cores, while the recurrence must wait for each step.",
        ko=": 작은 배치의 긴 입력에서 코어에 나눌 일은 한 시퀀스의 위치들입니다. 트랜스포머는 "
        "모든 위치를 한 번의 행렬 곱으로 처리해 코어에 나누지만, 순환은 단계마다 앞 단계를 "
        "기다려야 합니다.",
    )
    return _decide(ratio, evidence, better, figures)


def _decide(
    ratio: claims.Comparison, evidence: Text, better: Text, figures: dict[str, Any]
) -> Claim:
    """The parallel claim's status from the side-by-side ratio (> 1: the Transformer's way)."""
    status: claims.Status
    if ratio.status == "above":
        status = "shown"
        evidence += better
    elif ratio.status == "below":
        status = "not_shown"
        evidence += Text(
            en=": the recurrent net gained more here.",
            ko=": 여기서는 순환 신경망이 더 많이 빨라졌습니다.",
        )
    else:
        status = "inconclusive"
        evidence += Text(
            en=": within the rounds' spread; more cores or a GPU would separate them.",
            ko=": 측정의 흩어짐 안이라 가를 수 없습니다. 코어가 더 많거나 GPU에서 재면 가려집니다.",
        )
    return Claim("parallel", CLAIMS["parallel"], status, evidence, figures)


def _untimed(claim_id: str) -> Claim:
    evidence = Text(
        en="Not timed: the run measures it after training.",
        ko="재지 않았습니다: 훈련이 끝난 뒤에 잽니다.",
    )
    return Claim(claim_id, CLAIMS[claim_id], "not_judged", evidence)
