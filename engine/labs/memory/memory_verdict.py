"""The `memory` lab's verdict: did the RNN forget what the LSTM and GRU kept (torch-free)."""

from __future__ import annotations

from typing import Any

from engine.data.recall_task import CHANCE
from engine.labs.memory import ARMS
from engine.training.context import RunContext

NEAR_CHANCE = 0.10  # the RNN "stays near chance" at test accuracy <= CHANCE + this
SOLVED = 0.90  # a cell "solves" the task at test accuracy >= this
SAME_SPEED = 0.05  # GRU/LSTM time ratios within 5 % of 1 are reported as "about equal"
NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
SUBJECT_KO = {"rnn": "RNN이", "lstm": "LSTM이", "gru": "GRU가"}  # the particle follows the sound


def verdict(run: RunContext) -> dict[str, Any]:
    return judge(run.finals, int(run.params["seq_len"]), run.device_label)


def _fmt_ratio(r: float) -> str:
    return f"{r:.1e}" if r < 0.01 or r > 1000 else f"{r:.2f}"


def judge(arms: dict[str, dict[str, float]], seq_len: int, device: str = "") -> dict[str, Any]:
    """The verdict from each arm's test accuracy and timings (separate from training, for tests)."""
    acc = {arm: arms[arm].get("test_acc", 0.0) for arm in ARMS if arm in arms}
    missing = [arm for arm in ARMS if arm not in acc]
    if missing:
        text = ", ".join(NAMES[a] for a in missing)
        return {
            "shown": False,
            "evidence": {
                "ko": f"판정할 수 없습니다: {text}의 결과가 없습니다.",
                "en": f"cannot judge: no result for {text}.",
            },
        }
    rnn_forgets = acc["rnn"] <= CHANCE + NEAR_CHANCE
    gated = {arm: acc[arm] >= SOLVED for arm in ("lstm", "gru")}
    shown = rnn_forgets and all(gated.values())
    numbers = f"RNN {acc['rnn']:.3f}, LSTM {acc['lstm']:.3f}, GRU {acc['gru']:.3f}"
    en = [f"Test accuracy at T={seq_len}: {numbers} (chance {CHANCE:.3f})."]
    ko = [f"T={seq_len}에서 테스트 정확도: {numbers} (무작위 추측 {CHANCE:.3f})."]
    if shown:
        en.append(
            "The RNN forgot the first token; the LSTM and the GRU kept it over all "
            f"{seq_len - 1} noisy steps."
        )
        ko.append(f"RNN은 첫 토큰을 잊었고, LSTM과 GRU는 잡음 {seq_len - 1}단계 내내 기억했습니다.")
    if not rnn_forgets:
        en.append(
            f"The RNN did better than chance + {NEAR_CHANCE}: T={seq_len} is short enough "
            "for it; raise seq_len (50 or more) to see its memory fade."
        )
        ko.append(
            f"RNN이 무작위 추측 + {NEAR_CHANCE}보다 잘했습니다: T={seq_len}은 RNN에게도 "
            "짧습니다. seq_len을 50 이상으로 늘려 기억이 사라지는 것을 보세요."
        )
    for arm, ok in gated.items():
        if not ok:
            knob = "forget_bias" if arm == "lstm" else "update_bias"
            en.append(
                f"The {NAMES[arm]} did not reach {SOLVED}: check {knob} (a positive bias keeps "
                "the old state from the start) or train longer (epochs)."
            )
            ko.append(
                f"{SUBJECT_KO[arm]} {SOLVED}에 이르지 못했습니다: {knob}를 확인하세요(양수 "
                "바이어스가 처음부터 이전 상태를 유지시킵니다). 또는 epochs를 늘리세요."
            )
    grads = [
        f"{NAMES[a]} {_fmt_ratio(arms[a]['grad_ratio_first_last'])}"
        for a in ARMS
        if "grad_ratio_first_last" in arms[a]
    ]
    if grads:
        en.append(f"BPTT, ||dL/dh_1|| / ||dL/dh_T|| after training: {', '.join(grads)}.")
        ko.append(f"BPTT, 훈련 후 ||dL/dh_1|| / ||dL/dh_T||: {', '.join(grads)}.")
    if all("epoch_s" in arms[a] for a in ARMS):
        en.append(timing_en(arms, device))
        ko.append(timing_ko(arms, device))
    return {
        "shown": shown,
        "rnn_forgets": rnn_forgets,
        "lstm_solves": gated["lstm"],
        "gru_solves": gated["gru"],
        "evidence": {"ko": " ".join(ko), "en": " ".join(en)},
    }


def _times(arms: dict[str, dict[str, float]]) -> tuple[str, float, float | None]:
    t = {a: arms[a]["epoch_s"] for a in ARMS}
    text = ", ".join(f"{NAMES[a]} {t[a]:.2f} s" for a in ARMS)
    scratch = None
    if all(arms[a].get("scratch_step_s") for a in ("lstm", "gru")):
        scratch = arms["gru"]["scratch_step_s"] / arms["lstm"]["scratch_step_s"]
    return text, t["gru"] / t["lstm"], scratch


def timing_en(arms: dict[str, dict[str, float]], device: str) -> str:
    text, ratio, scratch = _times(arms)
    where = f" on {device}" if device else ""
    out = f"Measured time per epoch{where} with the fused kernels: {text}; GRU/LSTM = {ratio:.2f}"
    if abs(ratio - 1) < SAME_SPEED:
        out += ", so here the two ran about equally fast."
    elif ratio < 1:
        out += ", so here the GRU was faster, as the lecture says."
    else:
        out += (
            ", so here the GRU was slower than the LSTM, the reverse of the lecture's claim "
            "(a fused kernel's speed depends on how well it is optimised for the device: on "
            "CPUs the LSTM's is known to be the better one)."
        )
    if scratch is not None:
        if abs(scratch - 1) < SAME_SPEED:
            tail = "about equal."
        elif scratch < 1:
            tail = "the GRU's 3 weight blocks against the LSTM's 4 make it faster."
        else:
            tail = "the GRU was not faster here either."
        out += f" With the hand-written cells GRU/LSTM = {scratch:.2f} per step: {tail}"
    return out


def timing_ko(arms: dict[str, dict[str, float]], device: str) -> str:
    text, ratio, scratch = _times(arms)
    where = f"{device}에서 " if device else ""
    out = f"{where}융합 커널로 잰 에폭당 시간: {text}; GRU/LSTM = {ratio:.2f}, "
    if abs(ratio - 1) < SAME_SPEED:
        out += "두 모델의 속도가 거의 같았습니다."
    elif ratio < 1:
        out += "강의의 말대로 GRU가 더 빨랐습니다."
    else:
        out += (
            "여기서는 GRU가 LSTM보다 느렸습니다. 강의의 주장과 반대입니다(융합 커널의 속도는 "
            "그 장치에 얼마나 최적화되었는지에 달려 있고, CPU에서는 LSTM 커널이 더 잘 "
            "최적화되어 있습니다)."
        )
    if scratch is not None:
        if abs(scratch - 1) < SAME_SPEED:
            tail = "거의 같았습니다."
        elif scratch < 1:
            tail = "가중치 묶음이 LSTM의 4개보다 적은 3개라 GRU가 더 빨랐습니다."
        else:
            tail = "여기서도 GRU가 더 빠르지 않았습니다."
        out += f" 직접 짠 셀로는 단계당 GRU/LSTM = {scratch:.2f}: {tail}"
    return out
