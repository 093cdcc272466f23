"""The `seq2seq` lab's verdict: did the no-attention model lose long inputs, and did
attention keep them (torch-free). The Transformer lab judges with the same buckets."""

from __future__ import annotations

import math
from typing import Any

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
    return {k: (metrics[f"exact_{k}"], int(metrics.get(f"n_{k}", 0))) for k in labels}


def judged(buckets: dict[str, tuple[float, int]]) -> list[str]:
    return [k for k, (acc, n) in buckets.items() if n >= MIN_BUCKET and math.isfinite(acc)]


def fmt_buckets(buckets: dict[str, tuple[float, int]], labels: list[str]) -> str:
    return " / ".join(f"{buckets[k][0]:.2f}" for k in labels)


def verdict(run: RunContext) -> dict[str, Any]:
    """Did the no-attention model lose long inputs, and did attention keep them?"""
    return judge({arm: buckets_of(m) for arm, m in run.finals.items()})


def judge(results: dict[str, dict[str, tuple[float, int]]]) -> dict[str, Any]:
    """The verdict from each arm's exact match per bucket (separate from training, for tests)."""
    base = results["none"]
    labels = judged(base)
    attention = [a for a in results if a != "none"]
    if len(labels) < 2 or not attention:
        msg_en = "Too few test pairs per length bucket (or no attention arm) to judge."
        msg_ko = "길이 구간마다 시험 예문이 너무 적어(또는 어텐션 모델이 없어) 판정할 수 없습니다."
        evidence = {"ko": "확인되지 않음. " + msg_ko, "en": "Not shown. " + msg_en}
        return {"shown": False, "evidence": evidence}
    first, last = labels[0], labels[-1]
    learned = base[first][0] >= LEARNED
    fell = base[first][0] - base[last][0] >= FALL
    kept = {
        a: results[a][last][0] >= HIGH and results[a][last][0] - base[last][0] >= FALL
        for a in attention
    }
    en = [f"Exact match by input length ({' / '.join(labels)}):"]
    ko = [f"입력 길이별 정확 일치율 ({' / '.join(labels)}):"]
    for arm, buckets in results.items():
        en.append(f"{ARM_LABELS.get(arm, arm)} {fmt_buckets(buckets, labels)};")
        ko.append(f"{ARM_LABELS.get(arm, arm)} {fmt_buckets(buckets, labels)};")
    if not learned:
        en.append(
            f"Without attention the model did not even learn short inputs "
            f"({base[first][0]:.2f} < {LEARNED} on {first}); train longer (--set epochs=...)."
        )
        ko.append(
            f"어텐션 없는 모델이 짧은 입력도 배우지 못했습니다 "
            f"({first}에서 {base[first][0]:.2f} < {LEARNED}). 더 오래 훈련하세요 (--set epochs=...)."
        )
    else:
        if fell:
            en.append(
                f"Without attention, exact match falls from {base[first][0]:.2f} on the shortest "
                f"inputs to {base[last][0]:.2f} on the longest: one context vector cannot carry them."
            )
            ko.append(
                f"어텐션이 없으면 정확 일치율이 가장 짧은 입력의 {base[first][0]:.2f}에서 가장 긴 "
                f"입력의 {base[last][0]:.2f}로 떨어집니다: 문맥 벡터 하나에 다 담지 못합니다."
            )
        else:
            en.append(
                f"Without attention, exact match did not fall by {FALL} from shortest to longest "
                f"inputs; try a larger max_len or a smaller hidden size."
            )
            ko.append(
                f"어텐션이 없어도 정확 일치율이 {FALL}만큼 떨어지지 않았습니다. max_len을 키우거나 "
                f"hidden을 줄여 보세요."
            )
        for arm in attention:
            acc = results[arm][last][0]
            if kept[arm]:
                en.append(f"With {arm} attention it stays at {acc:.2f} on the longest inputs.")
                ko.append(f"{arm} 어텐션을 쓰면 가장 긴 입력에서도 {acc:.2f}를 유지합니다.")
            else:
                en.append(
                    f"With {arm} attention it reaches only {acc:.2f} on the longest inputs "
                    f"(needs >= {HIGH} and {FALL} above no attention); train longer."
                )
                ko.append(
                    f"{arm} 어텐션으로도 가장 긴 입력에서 {acc:.2f}에 그칩니다 "
                    f"({HIGH} 이상, 그리고 어텐션 없는 모델보다 {FALL} 이상 높아야 함). 더 오래 훈련하세요."
                )
    shown = learned and fell and all(kept.values())
    prefix_en, prefix_ko = ("Shown. ", "확인됨. ") if shown else ("Not shown. ", "확인되지 않음. ")
    return {
        "shown": shown,
        "bottleneck": learned and fell,
        "attention_fix": all(kept.values()),
        "evidence": {"ko": prefix_ko + " ".join(ko), "en": prefix_en + " ".join(en)},
    }
