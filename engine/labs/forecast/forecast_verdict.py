"""The `forecast` lab's verdict: each arm's test error against the last-value baseline
(torch-free)."""

from __future__ import annotations

from typing import Any

from engine.labs import claims
from engine.labs.claims import Claim
from engine.text import Text
from engine.training.context import RunContext

NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def verdict(run: RunContext) -> dict[str, Any]:
    series = run.facts["series"]  # named by the arms' setup, from the data they trained on
    return judge(run.finals, series["name"], series["unit"], int(run.params["horizon"]))


CLAIM = Text(
    en="An RNN passes its state from step to step, so it can predict a real series' next "
    "values from the past ones — well enough to beat repeating the last value.",
    ko="RNN은 상태를 다음 시점으로 넘기므로 실제 시계열의 다음 값을 과거 값으로 예측할 수 있다: "
    "마지막 값을 되풀이하는 기준보다 낫게.",
)


def judge(
    arms_metrics: dict[str, dict[str, float]], series: dict[str, str], unit: str, horizon: int
) -> dict[str, Any]:
    """Shown when every arm's test RMSE is below the last-value baseline's."""
    if not arms_metrics:
        raise ValueError("the forecast verdict needs at least one finished arm")
    ahead_en = "the next value" if horizon == 1 else f"the next {horizon} values"
    ahead_ko = "다음 값" if horizon == 1 else f"다음 {horizon}개 값"
    parts = [
        Text(
            en=f"{series['en']}, forecasting {ahead_en} on the test span:",
            ko=f"{series['ko']}, 시험 구간에서 {ahead_ko} 예측:",
        )
    ]
    beats = []
    for arm, m in arms_metrics.items():
        ratio, name = m["rmse_ratio"], NAMES.get(arm, arm)
        model, naive = f"{m['test_rmse']:.3g} {unit}", f"{m['naive_rmse']:.3g} {unit}"
        pct = abs(1 - ratio) * 100
        beats.append(ratio < 1)
        en_head = f"{name} RMSE {model} against {naive} for the last value:"
        ko_head = f"{name} RMSE {model}, 마지막 값 {naive}:"
        if ratio < 1:
            parts.append(
                Text(
                    en=f"{en_head} {pct:.1f}% lower (ratio {ratio:.3f}).",
                    ko=f"{ko_head} {pct:.1f}% 낮음 (비율 {ratio:.3f}).",
                )
            )
        else:
            parts.append(
                Text(
                    en=f"{en_head} {pct:.1f}% higher (ratio {ratio:.3f}), so it did not beat "
                    "the baseline.",
                    ko=f"{ko_head} {pct:.1f}% 높음 (비율 {ratio:.3f}), 기준을 넘지 못했습니다.",
                )
            )
    shown = all(beats)
    if shown:
        parts.append(
            Text(
                en="Every model beat the naive forecast.",
                ko="모든 모델이 단순 기준(마지막 값)보다 나았습니다.",
            )
        )
    else:
        parts.append(
            Text(
                en="The last value is a strong baseline for a series that changes slowly or "
                "moves like a random walk (stock prices): beating it takes real structure in "
                "the data.",
                ko="천천히 변하거나 무작위 행보처럼 움직이는 시계열(주가)에서 마지막 값은 강한 "
                "기준입니다: 이를 넘으려면 데이터에 실제 구조가 있어야 합니다.",
            )
        )
    figures = {f"{arm}_rmse_ratio": m["rmse_ratio"] for arm, m in arms_metrics.items()}
    claim = Claim("beats-baseline", CLAIM, claims.decided(shown), Text.join(parts), figures)
    return claims.verdict([claim])
