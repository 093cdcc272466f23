"""The `memory` lab's verdict, one claim per sentence of the lecture (torch-free).

1. `rnn-forgets`      a plain RNN keeps only recent information: it stays near chance at T.
2. `gates-remember`   LSTM and GRU keep the first token across all T - 1 noisy steps.
3. `gradient-fades`   the RNN's gradient fades back through time; the gated cells' does not.
4. `gru-fewer-blocks` the GRU has 3 weight blocks to the LSTM's 4 (the 1 : 3 : 4 parameters).
5. `gru-faster`       ... so it runs faster: timed side by side after training, hand-written
                      cells on a CPU (the fused kernels' speed says how well a library tuned
                      each cell, not what the cell costs; oneDNN tunes the LSTM better), the
                      fused cuDNN kernels on a GPU. Inconclusive when the rounds' ratios
                      straddle 1.
"""

from __future__ import annotations

from typing import Any

from engine.data.recall_task import CHANCE
from engine.labs import claims
from engine.labs.claims import Claim
from engine.labs.memory import ARMS
from engine.text import Text
from engine.training.context import RunContext

NEAR_CHANCE = 0.10  # the RNN "stays near chance" at test accuracy <= CHANCE + this
SOLVED = 0.90  # a cell "solves" the task at test accuracy >= this
FADED = 1e-2  # the RNN's gradient at step 1 is below this fraction of the one at step T ...
KEPT = 100.0  # ... and each gated cell's fraction is at least this many times the RNN's
NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
SUBJECT_KO = {"rnn": "RNN이", "lstm": "LSTM이", "gru": "GRU가"}  # the particle follows the sound

CLAIMS = {
    "rnn-forgets": Text(
        en="A plain RNN keeps only recent information: on a long sequence it forgets the start.",
        ko="기본 RNN은 최근 정보만 남긴다: 긴 시퀀스에서는 앞부분을 잊는다.",
    ),
    "gates-remember": Text(
        en="LSTM and GRU guard what matters with their gates and remember the distant past.",
        ko="LSTM과 GRU는 게이트로 중요한 정보를 지켜 먼 과거도 기억한다.",
    ),
    "gradient-fades": Text(
        en="The RNN's gradient fades as it flows back through time; the gated cells keep it.",
        ko="RNN의 경사는 시간을 거슬러 갈수록 사라지고, 게이트가 있는 셀은 이를 유지한다.",
    ),
    "gru-fewer-blocks": Text(
        en="The GRU has 3 weight blocks to the LSTM's 4.",
        ko="GRU의 가중치 묶음은 LSTM의 4개보다 적은 3개다.",
    ),
    "gru-faster": Text(
        en="With fewer weight blocks, the GRU runs faster than the LSTM.",
        ko="가중치 묶음이 적은 GRU는 LSTM보다 빠르다.",
    ),
}


def verdict(run: RunContext) -> dict[str, Any]:
    return judge(run.finals, int(run.params["seq_len"]), run.facts.get("timing"))


def metric(arms: dict[str, dict[str, float]], arm: str, key: str) -> float:
    """A finished arm's metric; a missing one is an error, never a default."""
    try:
        return float(arms[arm][key])
    except KeyError:
        raise KeyError(f"the memory verdict needs {arm}'s {key!r}, which the run lacks") from None


def fmt_ratio(r: float) -> str:
    return f"{r:.1e}" if r < 0.01 or r > 1000 else f"{r:.2f}"


def judge(
    arms: dict[str, dict[str, float]], seq_len: int, timing: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The claims from each arm's metrics and the side-by-side timing (`memory_lab.measure`)."""
    acc = {arm: metric(arms, arm, "test_acc") for arm in ARMS}
    forgets = _forgets(acc, seq_len)
    remember = _remember(acc, seq_len)
    found = [forgets, remember, _gradients(arms), _blocks(arms), _speed(timing)]
    return claims.verdict(
        found,
        rnn_forgets=forgets.status == "shown",
        lstm_solves=acc["lstm"] >= SOLVED,
        gru_solves=acc["gru"] >= SOLVED,
    )


def _forgets(acc: dict[str, float], seq_len: int) -> Claim:
    ok = acc["rnn"] <= CHANCE + NEAR_CHANCE
    numbers = f"RNN {acc['rnn']:.3f}, LSTM {acc['lstm']:.3f}, GRU {acc['gru']:.3f}"
    evidence = Text(
        en=f"Test accuracy at T={seq_len}: {numbers} (chance {CHANCE:.3f}).",
        ko=f"T={seq_len}에서 테스트 정확도: {numbers} (무작위 추측 {CHANCE:.3f}).",
    )
    if ok:
        evidence += Text(en=" The RNN forgot the first token.", ko=" RNN은 첫 토큰을 잊었습니다.")
    else:
        evidence += Text(
            en=f" The RNN did better than chance + {NEAR_CHANCE}: T={seq_len} is short enough "
            "for it; raise seq_len (50 or more) to see its memory fade.",
            ko=f" RNN이 무작위 추측 + {NEAR_CHANCE}보다 잘했습니다: T={seq_len}은 RNN에게도 "
            "짧습니다. seq_len을 50 이상으로 늘려 기억이 사라지는 것을 보세요.",
        )
    figures = {"rnn_test_acc": acc["rnn"], "chance": CHANCE}
    return Claim("rnn-forgets", CLAIMS["rnn-forgets"], claims.decided(ok), evidence, figures)


def _remember(acc: dict[str, float], seq_len: int) -> Claim:
    solved = {arm: acc[arm] >= SOLVED for arm in ("lstm", "gru")}
    if all(solved.values()):
        evidence = Text(
            en=f"The LSTM and the GRU kept it over all {seq_len - 1} noisy steps.",
            ko=f"LSTM과 GRU는 잡음 {seq_len - 1}단계 내내 첫 토큰을 기억했습니다.",
        )
    else:
        parts = []
        for arm, ok in solved.items():
            if not ok:
                knob = "forget_bias" if arm == "lstm" else "update_bias"
                parts.append(
                    Text(
                        en=f"The {NAMES[arm]} did not reach {SOLVED}: check {knob} (a positive "
                        "bias keeps the old state from the start) or train longer (epochs).",
                        ko=f"{SUBJECT_KO[arm]} {SOLVED}에 이르지 못했습니다: {knob}를 확인하세요"
                        "(양수 바이어스가 처음부터 이전 상태를 유지시킵니다). 또는 epochs를 늘리세요.",
                    )
                )
        evidence = Text.join(parts)
    figures = {f"{arm}_test_acc": acc[arm] for arm in ("lstm", "gru")} | {"solved": SOLVED}
    status = claims.decided(all(solved.values()))
    return Claim("gates-remember", CLAIMS["gates-remember"], status, evidence, figures)


def _gradients(arms: dict[str, dict[str, float]]) -> Claim:
    ratio = {arm: metric(arms, arm, "grad_ratio_first_last") for arm in ARMS}
    listed = ", ".join(f"{NAMES[a]} {fmt_ratio(ratio[a])}" for a in ARMS)
    faded = ratio["rnn"] < FADED
    kept = all(ratio[a] >= KEPT * ratio["rnn"] for a in ("lstm", "gru"))
    evidence = Text(
        en=f"BPTT after training, ||dL/dh_1|| / ||dL/dh_T||: {listed}.",
        ko=f"훈련 후 BPTT, ||dL/dh_1|| / ||dL/dh_T||: {listed}.",
    )
    if faded and kept:
        evidence += Text(
            en=" Almost nothing of the RNN's gradient reaches the first step; the gated "
            f"cells pass on at least {KEPT:g}x as much.",
            ko=" RNN의 경사는 첫 단계에 거의 닿지 않고, 게이트가 있는 셀은 그보다 "
            f"{KEPT:g}배 이상을 전합니다.",
        )
    elif not faded:
        evidence += Text(
            en=f" The RNN's ratio is not below {FADED:g}: its gradient still reaches the first "
            "step (is the sequence long enough?).",
            ko=f" RNN의 비율이 {FADED:g}보다 작지 않습니다: 경사가 아직 첫 단계에 닿습니다 "
            "(시퀀스가 충분히 긴가요?).",
        )
    else:
        evidence += Text(
            en=f" A gated cell's ratio is less than {KEPT:g}x the RNN's.",
            ko=f" 게이트가 있는 셀의 비율이 RNN의 {KEPT:g}배에 못 미칩니다.",
        )
    status = claims.decided(faded and kept)
    figures = {f"{a}_grad_ratio_first_last": ratio[a] for a in ARMS}
    return Claim("gradient-fades", CLAIMS["gradient-fades"], status, evidence, figures)


def _blocks(arms: dict[str, dict[str, float]]) -> Claim:
    params = {arm: metric(arms, arm, "recurrent_params") for arm in ARMS}
    blocks = {arm: metric(arms, arm, "weight_blocks") for arm in ARMS}
    ratio = params["gru"] / params["lstm"]
    ok = blocks["gru"] == 3 and blocks["lstm"] == 4 and abs(ratio - 0.75) < 1e-9
    counts = ", ".join(f"{NAMES[a]} {int(params[a]):,}" for a in ARMS)
    evidence = Text(
        en=f"Recurrent parameters: {counts} (GRU/LSTM = {ratio:.2f}: 3 blocks to 4).",
        ko=f"순환 층의 매개변수: {counts} (GRU/LSTM = {ratio:.2f}: 묶음 3개 대 4개).",
    )
    figures = {f"{a}_recurrent_params": params[a] for a in ARMS} | {"gru_over_lstm": ratio}
    return Claim(
        "gru-fewer-blocks", CLAIMS["gru-fewer-blocks"], claims.decided(ok), evidence, figures
    )


def _speed(timing: dict[str, Any] | None) -> Claim:
    if not timing:
        evidence = Text(
            en="The cells were not timed side by side (the run measures them after training).",
            ko="세 셀을 나란히 재지 않았습니다 (훈련이 끝난 뒤에 잽니다).",
        )
        return Claim("gru-faster", CLAIMS["gru-faster"], "not_judged", evidence)
    kind = str(timing["judged_with"])  # "hand-written" (CPU) or "fused" (GPU)
    seconds = timing["seconds"]
    ratio = claims.compare(seconds[f"gru-{kind}"], seconds[f"lstm-{kind}"])
    where = f"{timing['device']}, hidden {timing['hidden']}"
    what_en = "hand-written cells" if kind == "hand-written" else "fused kernels"
    what_ko = "직접 짠 셀" if kind == "hand-written" else "융합 커널"
    evidence = Text(
        en=f"Timed side by side on {where} ({what_en}, forward and backward): "
        f"GRU/LSTM = {ratio.text()}",
        ko=f"{where}에서 나란히 잰 시간 ({what_ko}, 순전파와 역전파): GRU/LSTM = {ratio.text_ko()}",
    )
    status: claims.Status
    if ratio.status == "below":
        status = "shown"
        evidence += Text(
            en=": the GRU's 3 weight blocks against the LSTM's 4 make it faster.",
            ko=": 가중치 묶음이 3개로 LSTM의 4개보다 적어 GRU가 더 빠릅니다.",
        )
    elif ratio.status == "above":
        status = "not_shown"
        evidence += Text(
            en=": the GRU was slower here, beyond the rounds' spread.",
            ko=": 여기서는 GRU가 더 느렸습니다 (측정의 흩어짐을 넘는 차이).",
        )
    else:
        status = "inconclusive"
        evidence += Text(
            en=": the rounds put the two on both sides of 1, so this machine cannot tell them "
            "apart; a larger speed_hidden or a quieter machine would settle it.",
            ko=": 측정이 1의 양쪽에 걸쳐 있어 이 컴퓨터로는 둘을 가를 수 없습니다. "
            "speed_hidden을 키우거나 조용한 컴퓨터에서 재면 가려집니다.",
        )
    fused = timing.get("context")
    if fused:  # the other kind, for comparison only
        other = claims.compare(seconds[f"gru-{fused}"], seconds[f"lstm-{fused}"])
        evidence += Text(
            en=f" PyTorch's fused kernels here: GRU/LSTM = {other.median:.2f} — how well a "
            "library tuned each cell, not what the cell costs.",
            ko=f" 여기서 PyTorch 융합 커널로는 GRU/LSTM = {other.median:.2f}: 라이브러리가 셀마다 "
            "얼마나 최적화했는지를 보여줄 뿐, 셀의 계산량을 보여주지는 않습니다.",
        )
    figures = {"gru_over_lstm": ratio.figures(), "timed_with": kind}
    return Claim("gru-faster", CLAIMS["gru-faster"], status, evidence, figures)
