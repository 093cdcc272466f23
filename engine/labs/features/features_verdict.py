"""The `features` lab's verdict, from the finished run's metrics (torch-free).

One claim, `layers-compose`: low layers detect low-level features shared by many digits,
high layers composite ones that answer to one digit — measured as class selectivity
(Morcos et al. 2018), judged when the net has learned the task (test accuracy >= 0.90).
"""

from __future__ import annotations

from typing import Any

from engine.labs import claims
from engine.labs.claims import Claim
from engine.text import Text
from engine.training.context import RunContext

MIN_ACCURACY = 0.90
MIN_SELECTIVITY_RATIO = 2.0

CLAIM = Text(
    en="A CNN's low layers detect low-level features shared by many classes; its high layers "
    "compose them into features that answer to one class.",
    ko="합성곱 신경망의 낮은 층은 여러 클래스에 공통인 낮은 수준의 특징을, 높은 층은 그것들을 "
    "엮어 한 클래스에 반응하는 특징을 검출한다.",
)


def verdict(run: RunContext) -> dict[str, Any]:
    """Shown when the net classifies well and its last layer is far more class-selective."""
    m = run.finals["cnn"]
    names = [f"conv{k + 1}" for k in range(int(run.params["depth"]))]
    first, last = names[0], names[-1]
    acc = m["test_acc"]
    si_first, si_last = m[f"selectivity_{first}"], m[f"selectivity_{last}"]
    si0_last = m[f"selectivity_init_{last}"]
    accurate = acc >= MIN_ACCURACY
    selective = si_last >= MIN_SELECTIVITY_RATIO * si_first
    evidence = Text(
        en=f"Test accuracy {acc:.3f}; class selectivity {first} {si_first:.2f} -> "
        f"{last} {si_last:.2f} (untrained {last}: {si0_last:.2f}).",
        ko=f"테스트 정확도 {acc:.3f}; 클래스 선택성 {first} {si_first:.2f} -> "
        f"{last} {si_last:.2f} (훈련 전 {last}: {si0_last:.2f}).",
    )
    if accurate and selective:
        evidence += Text(
            en=" The first layer's channels fire for strokes shared by many digits; the last "
            "layer's channels each answer mostly to one digit.",
            ko=" 첫 층의 채널은 여러 숫자에 공통인 획에 반응하고, 마지막 층의 채널은 대개 한 "
            "숫자에만 반응합니다.",
        )
    elif not accurate:
        evidence += Text(
            en=f" The net did not learn the task well enough (needs >= {MIN_ACCURACY:.2f}); "
            "train longer or change the learning rate.",
            ko=f" 과제를 충분히 배우지 못했습니다 ({MIN_ACCURACY:.2f} 이상 필요). 더 오래 "
            "훈련하거나 학습률을 바꿔 보세요.",
        )
    else:
        evidence += Text(
            en=f" The last layer is not at least {MIN_SELECTIVITY_RATIO:g}x as class-selective "
            "as the first.",
            ko=f" 마지막 층의 선택성이 첫 층의 {MIN_SELECTIVITY_RATIO:g}배에 미치지 못합니다.",
        )
    keys = ("test_acc", f"selectivity_{first}", f"selectivity_{last}")
    figures = {f"cnn_{k}": m[k] for k in keys}  # <arm>_<metric>: the summary's own numbers
    claim = Claim(
        "layers-compose", CLAIM, claims.decided(accurate and selective), evidence, figures
    )
    return claims.verdict([claim])
