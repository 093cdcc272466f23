"""The `transformer` lab's verdict: accuracy on long inputs, and the measured speed against
the recurrent model (torch-free)."""

from __future__ import annotations

from typing import Any

from engine.labs.seq2seq.seq2seq_verdict import HIGH, arm_label, buckets_of, fmt_buckets, judged
from engine.training.context import RunContext


def speed_of(metrics: dict[str, float]) -> list[tuple[int, float, float]]:
    """[(L, recurrent s/epoch, Transformer s/epoch)] from the Transformer arm's metrics."""
    lengths = sorted(int(k.rsplit("_", 1)[1]) for k in metrics if k.startswith("epoch_s_tf_"))
    return [(n, metrics[f"epoch_s_rnn_{n}"], metrics[f"epoch_s_tf_{n}"]) for n in lengths]


def verdict(run: RunContext) -> dict[str, Any]:
    arms = run.finals
    results = {
        arm_label("gru", run.params): buckets_of(arms["gru"]),
        "Transformer": buckets_of(arms["transformer"]),
    }
    return judge(results, speed_of(arms["transformer"]), run.device_label)


def judge(
    results: dict[str, dict[str, tuple[float, int]]],
    speed: list[tuple[int, float, float]],
    device: str = "",
) -> dict[str, Any]:
    """Accuracy on long inputs, and the measured speed ratio against the recurrent model."""
    tf = results["Transformer"]
    labels = judged(tf)
    en, ko = [], []
    accurate = bool(labels) and tf[labels[-1]][0] >= HIGH
    if labels:
        en.append(f"Exact match by input length ({' / '.join(labels)}):")
        ko.append(f"입력 길이별 정확 일치율 ({' / '.join(labels)}):")
        for name, buckets in results.items():
            line = f"{name} {fmt_buckets(buckets, labels)};"
            en.append(line)
            ko.append(line)
        last = tf[labels[-1]][0]
        if accurate:
            en.append(f"the Transformer keeps {last:.2f} on the longest inputs.")
            ko.append(f"트랜스포머는 가장 긴 입력에서도 {last:.2f}를 유지합니다.")
        else:
            en.append(
                f"the Transformer reaches only {last:.2f} on the longest inputs (needs >= {HIGH}); train longer."
            )
            ko.append(
                f"트랜스포머가 가장 긴 입력에서 {last:.2f}에 그칩니다 ({HIGH} 이상 필요). 더 오래 훈련하세요."
            )
    faster = False
    if speed:
        ratios = ", ".join(f"L={n}: {r / t:.2f}x" for n, r, t in speed)
        n, r, t = speed[-1]
        faster = t < r
        en.append(
            f"Speed-up of the Transformer over the recurrent model per epoch{f' on {device}' if device else ''} ({ratios}; >1 = Transformer faster)."
        )
        ko.append(
            f"에폭당 트랜스포머의 속도 향상 배율{f' ({device})' if device else ''} ({ratios}; 1보다 크면 트랜스포머가 빠름)."
        )
        if faster:
            en.append(
                f"At length {n} the Transformer trains {r / t:.1f}x faster, as the lecture says: it processes all positions at once."
            )
            ko.append(
                f"길이 {n}에서 트랜스포머가 {r / t:.1f}배 빠르게 훈련됩니다. 모든 위치를 한 번에 처리하기 때문으로, 강의의 주장과 맞습니다."
            )
        else:
            en.append(
                f"At length {n} the Transformer is {t / r:.1f}x slower here, so the lecture's speed claim did not show on this device: "
                "with few cores there is little hardware to run positions in parallel on, while the recurrent model's fused kernel steps through time cheaply. On a GPU the picture changes."
            )
            ko.append(
                f"길이 {n}에서 트랜스포머가 여기서는 {t / r:.1f}배 느립니다. 이 장치에서는 강의의 속도 주장이 나타나지 않았습니다: "
                "코어가 적으면 위치들을 병렬로 처리할 하드웨어가 거의 없고, 순환 모델의 융합 커널은 시점을 싸게 훑습니다. GPU에서는 달라집니다."
            )
    shown = accurate and faster
    head_en, head_ko = ("Shown. ", "확인됨. ") if shown else ("Not shown. ", "확인되지 않음. ")
    return {
        "shown": shown,
        "accurate": accurate,
        "faster": faster,
        "speedup": [[n, r / t] for n, r, t in speed],
        "evidence": {"ko": head_ko + " ".join(ko), "en": head_en + " ".join(en)},
    }
