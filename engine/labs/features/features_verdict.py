"""The `features` lab's verdict, from the finished run's metrics (torch-free)."""

from __future__ import annotations

from typing import Any

from engine.training.context import RunContext

MIN_ACCURACY = 0.90
MIN_SELECTIVITY_RATIO = 2.0


def verdict(run: RunContext) -> dict[str, Any]:
    """Shown when the net classifies well and its last layer is far more class-selective."""
    m = run.finals["cnn"]
    names = [f"conv{k + 1}" for k in range(int(run.params["depth"]))]
    first, last = names[0], names[-1]
    acc = m.get("test_acc", 0.0)
    si_first, si_last = m[f"selectivity_{first}"], m[f"selectivity_{last}"]
    si0_last = m[f"selectivity_init_{last}"]
    accurate = acc >= MIN_ACCURACY
    selective = si_last >= MIN_SELECTIVITY_RATIO * si_first
    numbers_en = (
        f"test accuracy {acc:.3f}; class selectivity {first} {si_first:.2f} -> "
        f"{last} {si_last:.2f} (untrained {last}: {si0_last:.2f})"
    )
    numbers_ko = (
        f"테스트 정확도 {acc:.3f}; 클래스 선택성 {first} {si_first:.2f} -> "
        f"{last} {si_last:.2f} (훈련 전 {last}: {si0_last:.2f})"
    )
    if accurate and selective:
        en = (
            f"Shown: {numbers_en}. The first layer's channels fire for strokes shared by many "
            f"digits; the last layer's channels each answer mostly to one digit."
        )
        ko = (
            f"확인됨: {numbers_ko}. 첫 층의 채널은 여러 숫자에 공통인 획에 반응하고, "
            f"마지막 층의 채널은 대개 한 숫자에만 반응합니다."
        )
    elif not accurate:
        en = (
            f"Not shown: {numbers_en}. The net did not learn the task well enough "
            f"(needs >= {MIN_ACCURACY:.2f}); train longer or change the learning rate."
        )
        ko = (
            f"확인되지 않음: {numbers_ko}. 과제를 충분히 배우지 못했습니다 "
            f"({MIN_ACCURACY:.2f} 이상 필요). 더 오래 훈련하거나 학습률을 바꿔 보세요."
        )
    else:
        en = (
            f"Not shown: {numbers_en}. The last layer is not at least "
            f"{MIN_SELECTIVITY_RATIO:g}x as class-selective as the first."
        )
        ko = (
            f"확인되지 않음: {numbers_ko}. 마지막 층의 선택성이 첫 층의 "
            f"{MIN_SELECTIVITY_RATIO:g}배에 미치지 못합니다."
        )
    return {"shown": accurate and selective, "evidence": {"ko": ko, "en": en}}
