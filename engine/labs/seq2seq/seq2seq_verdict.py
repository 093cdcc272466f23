"""The `seq2seq` lab's verdict: did the no-attention model lose long inputs, and did
attention keep them (torch-free). The Transformer lab judges with the same buckets."""

from __future__ import annotations

import math
from typing import Any

from engine.labs import claims
from engine.labs.claims import Claim
from engine.text import Text
from engine.training.context import RunContext

MIN_BUCKET = 20  # a bucket with fewer test pairs is not judged
LEARNED = 0.8  # the no-attention model must translate short inputs this well to be judged
FALL = 0.3  # how much exact match must drop (no attention) / be kept above it (attention)
HIGH = 0.6  # exact match attention must keep on the longest bucket
ARM_LABELS = {
    "none": "GRU, no attention",
    "dot": "GRU + dot attention",
    "additive": "GRU + additive attention",
    "gru": "GRU seq2seq",
    "transformer": "Transformer",
}


def arm_label(arm: str, params: dict[str, Any]) -> str:
    """How an arm is named on charts and in tables (the Transformer lab's `gru` arm is named
    after the attention it uses)."""
    if arm == "gru":
        return ARM_LABELS[str(params.get("recurrent", "dot"))]
    return ARM_LABELS.get(arm, arm)


def bucket_x(label: str) -> float:
    """A bucket's x on the accuracy-by-length chart: its upper edge."""
    return float(label.split("-")[1])


def buckets_of(metrics: dict[str, float]) -> dict[str, tuple[float, int]]:
    """Back from flat metrics to label -> (accuracy, n), in length order."""
    labels = [k.removeprefix("exact_") for k in metrics if k.startswith("exact_") and "-" in k]
    labels.sort(key=bucket_x)
    return {k: (metrics[f"exact_{k}"], int(metrics[f"n_{k}"])) for k in labels}


def judged(buckets: dict[str, tuple[float, int]]) -> list[str]:
    return [k for k, (acc, n) in buckets.items() if n >= MIN_BUCKET and math.isfinite(acc)]


def fmt_buckets(buckets: dict[str, tuple[float, int]], labels: list[str]) -> str:
    return " / ".join(f"{buckets[k][0]:.2f}" for k in labels)


def verdict(run: RunContext) -> dict[str, Any]:
    """Did the no-attention model lose long inputs, and did attention keep them?"""
    return judge({arm: buckets_of(m) for arm, m in run.finals.items()})


CLAIMS = {
    "bottleneck": Text(
        en="An encoder-decoder squeezes its whole input into one context vector, so long "
        "inputs lose their beginning.",
        ko="인코더-디코더는 입력 전체를 문맥 벡터 하나에 눌러 담으므로 긴 입력은 앞부분을 잃는다.",
    ),
    "attention-keeps": Text(
        en="Attention rebuilds the context at every decoder step from all encoder states, "
        "so long inputs stay translatable.",
        ko="어텐션은 디코더의 단계마다 인코더의 모든 상태로 문맥을 새로 만들어 긴 입력도 번역해 낸다.",
    ),
}


def judge(results: dict[str, dict[str, tuple[float, int]]]) -> dict[str, Any]:
    """The claims from each arm's exact match per bucket (separate from training, for tests)."""
    base = results["none"]
    labels = judged(base)
    attention = [a for a in results if a != "none"]
    if len(labels) < 2 or not attention:
        evidence = Text(
            en="Too few test pairs per length bucket (or no attention arm) to judge: raise "
            "examples or max_len.",
            ko="길이 구간마다 시험 예문이 너무 적어(또는 어텐션 모델이 없어) 판정할 수 없습니다. "
            "examples나 max_len을 늘리세요.",
        )
        found = [Claim(k, v, "inconclusive", evidence) for k, v in CLAIMS.items()]
        return claims.verdict(found, bottleneck=False, attention_fix=False)
    first, last = labels[0], labels[-1]
    short, long_ = base[first][0], base[last][0]
    learned, fell = short >= LEARNED, short - long_ >= FALL
    rows = "; ".join(f"{ARM_LABELS.get(a, a)} {fmt_buckets(b, labels)}" for a, b in results.items())
    table = Text(
        en=f"Exact match by input length ({' / '.join(labels)}): {rows}.",
        ko=f"입력 길이별 정확 일치율 ({' / '.join(labels)}): {rows}.",
    )
    if not learned:
        said = Text(
            en=f" Without attention the model did not even learn short inputs ({short:.2f} < "
            f"{LEARNED} on {first}); train longer (--set epochs=...).",
            ko=f" 어텐션 없는 모델이 짧은 입력도 배우지 못했습니다 ({first}에서 {short:.2f} < "
            f"{LEARNED}). 더 오래 훈련하세요 (--set epochs=...).",
        )
    elif fell:
        said = Text(
            en=f" Without attention, exact match falls from {short:.2f} on the shortest inputs "
            f"to {long_:.2f} on the longest: one context vector cannot carry them.",
            ko=f" 어텐션이 없으면 정확 일치율이 가장 짧은 입력의 {short:.2f}에서 가장 긴 입력의 "
            f"{long_:.2f}로 떨어집니다: 문맥 벡터 하나에 다 담지 못합니다.",
        )
    else:
        said = Text(
            en=f" Without attention, exact match did not fall by {FALL} from shortest to "
            "longest inputs; try a larger max_len or a smaller hidden size.",
            ko=f" 어텐션이 없어도 정확 일치율이 {FALL}만큼 떨어지지 않았습니다. max_len을 키우거나 "
            "hidden을 줄여 보세요.",
        )
    figures = {f"none_exact_{first}": short, f"none_exact_{last}": long_}
    bottleneck = Claim(
        "bottleneck", CLAIMS["bottleneck"], claims.decided(learned and fell), table + said, figures
    )
    kept: dict[str, bool] = {}
    parts = []
    for arm in attention:
        acc = results[arm][last][0]
        kept[arm] = acc >= HIGH and acc - long_ >= FALL
        if kept[arm]:
            parts.append(
                Text(
                    en=f"With {arm} attention it stays at {acc:.2f} on the longest inputs.",
                    ko=f"{arm} 어텐션을 쓰면 가장 긴 입력에서도 {acc:.2f}의 정확 일치율을 유지합니다.",
                )
            )
        else:
            parts.append(
                Text(
                    en=f"With {arm} attention it reaches only {acc:.2f} on the longest inputs "
                    f"(needs >= {HIGH} and {FALL} above no attention); train longer.",
                    ko=f"{arm} 어텐션으로도 가장 긴 입력에서 {acc:.2f}에 그칩니다 ({HIGH} 이상, "
                    f"그리고 어텐션 없는 모델보다 {FALL} 이상 높아야 함). 더 오래 훈련하세요.",
                )
            )
    keeps = Claim(
        "attention-keeps",
        CLAIMS["attention-keeps"],
        claims.decided(all(kept.values())),
        Text.join(parts),
        {f"{arm}_exact_{last}": results[arm][last][0] for arm in attention},
    )
    return claims.verdict(
        [bottleneck, keeps], bottleneck=learned and fell, attention_fix=all(kept.values())
    )
