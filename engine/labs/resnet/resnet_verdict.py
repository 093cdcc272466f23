"""The `resnet` lab's verdict: did degradation show, and did residual learning remove it
(torch-free)."""

from __future__ import annotations

import math
from typing import Any

from engine.labs import claims
from engine.labs.claims import Claim
from engine.labs.resnet import ARMS, arm_label
from engine.text import Text
from engine.training.context import RunContext

CHANCE_LOSS = math.log(10)  # cross-entropy of a uniform guess over 10 classes
CHANCE_MARGIN = 0.1
DEGRADE_RATIO = 3.0
DEGRADE_MIN_GAP = 0.05
RESIDUAL_TOLERANCE = 0.02


def verdict(run: RunContext) -> dict[str, Any]:
    """Did degradation show (plain), and did residual learning remove it?"""
    arms = run.finals
    loss = {arm: arms[arm]["final_train_loss"] for arm in ARMS}
    names = {arm: arm_label(arm, run.params) for arm in ARMS}
    # quoted, not judged: an arm resumed after its first probe has no "before training" figure
    spread = {arm: arms[arm].get("grad_first_over_last_init") for arm in ARMS[1::2]}
    return judge(loss, names, spread)


CLAIMS = {
    "degradation": Text(
        en="A very deep plain network reaches a higher training error than a shallower one "
        "(the degradation problem; this is not overfitting).",
        ko="아주 깊은 일반 망은 얕은 망보다 훈련 오차가 오히려 크다 (퇴화 문제; 과적합이 아니다).",
    ),
    "residual-fixes": Text(
        en="With residual blocks, whose output is F(x) + x, the deep network trains as well "
        "as the shallow one or better.",
        ko="출력이 F(x) + x인 잔차 블록을 쓰면 깊은 망도 얕은 망만큼, 또는 더 잘 훈련된다.",
    ),
}


def judge(
    loss: dict[str, float],
    names: dict[str, str],
    spread: dict[str, float | None] | None = None,
) -> dict[str, Any]:
    """The claims from the four final training losses (separate from training, for tests).

    `spread` (optional): for the deep arms, the first block's gradient norm over the last
    block's before training — quoted as evidence of how evenly the gradient reaches the layers.
    """
    ps, pd = loss["plain-shallow"], loss["plain-deep"]
    rs, rd = loss["residual-shallow"], loss["residual-deep"]
    n = names
    numbers = (
        f"{n['plain-shallow']} {ps:.4f}, {n['plain-deep']} {pd:.4f}, "
        f"{n['residual-shallow']} {rs:.4f}, {n['residual-deep']} {rd:.4f}"
    )
    untrained = abs(ps - CHANCE_LOSS) <= CHANCE_MARGIN
    stalled = abs(pd - CHANCE_LOSS) <= CHANCE_MARGIN and not untrained
    degraded = pd >= DEGRADE_RATIO * ps and pd - ps >= DEGRADE_MIN_GAP and not stalled
    removed = rd <= rs + RESIDUAL_TOLERANCE and not untrained
    res_stalled = abs(rd - CHANCE_LOSS) <= CHANCE_MARGIN
    ratio = pd / max(ps, 1e-12)
    plain = Text(en=f"Final training loss: {numbers}.", ko=f"최종 훈련 손실: {numbers}.")
    if untrained:
        plain += Text(
            en=f" Not even {n['plain-shallow']} left chance (ln 10 = {CHANCE_LOSS:.2f}): the "
            "budget is too small to compare anything. Train longer (epochs) or change lr.",
            ko=f" {n['plain-shallow']}조차 무작위 추측 수준(ln 10 = {CHANCE_LOSS:.2f})을 벗어나지 "
            "못했습니다: 비교하기에는 훈련 예산이 너무 작습니다. epochs를 늘리거나 lr을 바꾸세요.",
        )
    elif stalled:
        plain += Text(
            en=f" {n['plain-deep']} stayed at chance (ln 10 = {CHANCE_LOSS:.2f}): it learned "
            "nothing at all. That is the signal vanishing through the layers (usually with "
            "BatchNorm off), not the degradation problem; turn BatchNorm on to see degradation.",
            ko=f" {n['plain-deep']}은(는) 무작위 추측 수준(ln 10 = {CHANCE_LOSS:.2f})에 머물러 "
            "아무것도 배우지 못했습니다. 이것은 층을 지나며 신호가 사라진 것(대개 배치 정규화를 "
            "껐을 때)이지 퇴화 문제가 아닙니다. 퇴화를 보려면 배치 정규화를 켜세요.",
        )
    elif degraded:
        plain += Text(
            en=f" Degradation showed: the deeper plain net's training loss is {ratio:.1f}x the "
            "shallower one's, though it could have copied the shallow net and done as well.",
            ko=f" 퇴화가 나타났습니다: 더 깊은 일반 망의 훈련 손실이 얕은 쪽의 {ratio:.1f}배입니다. "
            "얕은 망을 그대로 흉내 내기만 해도 그만큼은 할 수 있었는데도요.",
        )
    else:
        plain += Text(
            en=f" Degradation did not show: the deeper plain net's loss is not at least "
            f"{DEGRADE_RATIO:g}x (and {DEGRADE_MIN_GAP} above) the shallower one's. Try a "
            "greater depth_deep or fewer epochs.",
            ko=f" 퇴화가 나타나지 않았습니다: 깊은 일반 망의 손실이 얕은 쪽의 {DEGRADE_RATIO:g}배 "
            f"이상(그리고 {DEGRADE_MIN_GAP} 이상 차이)이 아닙니다. depth_deep을 키우거나 "
            "epochs를 줄여 보세요.",
        )
    rs_name, rd_name = n["residual-shallow"], n["residual-deep"]
    if untrained:
        residual = Text(
            en="Nothing to compare the residual nets with.",
            ko="잔차 망을 비교할 기준이 없습니다.",
        )
    elif res_stalled:
        residual = Text(
            en=f"{rd_name} also stayed at chance: lower the learning rate (--set lr=...) "
            "or turn BatchNorm back on.",
            ko=f"{rd_name}도 무작위 추측 수준에 머물렀습니다. 학습률을 낮추거나 (--set lr=...) "
            "배치 정규화를 다시 켜세요.",
        )
    elif stalled:
        residual = Text(
            en=f"{rd_name} did learn: its shortcuts carry the signal past the layers where the "
            "plain net's vanished.",
            ko=f"{rd_name}은(는) 학습했습니다: 지름길이 일반 망에서 신호가 사라진 층들을 "
            "건너 신호를 전해 줍니다.",
        )
    elif removed:
        residual = Text(
            en=f"Residual learning {'removed it' if degraded else 'keeps the deep net up'}: "
            f"{rd_name} trains as well as {rs_name} or better (within {RESIDUAL_TOLERANCE}).",
            ko=f"잔차 학습이 {'이를 없앴습니다' if degraded else '깊은 망을 지켜 냅니다'}: "
            f"{rd_name}은(는) {rs_name}만큼 또는 더 잘 훈련됩니다 (허용 오차 {RESIDUAL_TOLERANCE}).",
        )
    else:
        residual = Text(
            en=f"Residual learning did not remove it here: {rd_name}'s loss is above "
            f"{rs_name}'s by more than {RESIDUAL_TOLERANCE}.",
            ko=f"여기서는 잔차 학습이 퇴화를 없애지 못했습니다: {rd_name}의 손실이 "
            f"{rs_name}보다 {RESIDUAL_TOLERANCE} 넘게 큽니다.",
        )
    if spread and all(v is not None for v in spread.values()):
        pd_s, rd_s = spread["plain-deep"], spread["residual-deep"]
        residual += Text(
            en=" Before training, the first block's gradient norm was "
            f"{pd_s:.2g}x the last block's in {n['plain-deep']} and {rd_s:.2g}x in "
            f"{rd_name} (1 = evenly spread).",
            ko=f" 훈련 전 첫 블록의 경사 노름은 마지막 블록의 {pd_s:.2g}배({n['plain-deep']}), "
            f"{rd_s:.2g}배({rd_name})였습니다 (1이면 고르게 전달됨).",
        )
    figures = {"plain-shallow_final_train_loss": ps, "plain-deep_final_train_loss": pd}
    figures["deep_over_shallow"] = ratio
    found = [
        Claim("degradation", CLAIMS["degradation"], claims.decided(degraded), plain, figures),
        Claim(
            "residual-fixes",
            CLAIMS["residual-fixes"],
            claims.decided(removed and not res_stalled),
            residual,
            {
                "residual-shallow_final_train_loss": rs,
                "residual-deep_final_train_loss": rd,
                "tolerance": RESIDUAL_TOLERANCE,
            },
        ),
    ]
    return claims.verdict(
        found,
        degradation=degraded,
        residual_fix=removed,
        stalled_at_chance=stalled,
        untrained=untrained,
    )
