"""Lab `transformer` — self-attention instead of recurrence: its catalogue entry, torch-free.

The torch side — the model in `engine/models/transformer.py`, arms, probes and timing in
`transformer_lab.py` (on the seq2seq lab's task) — is imported only by the run process; the
verdict's sentences are in `transformer_verdict.py` (torch-free).
"""

from __future__ import annotations

from typing import Any

from engine.catalogue import Lab, Param
from engine.errors import ParamError
from engine.labs.own_code import IMPL, needs
from engine.labs.seq2seq import (
    BATCH,
    CLIP,
    EMBED,
    EPOCHS,
    EXAMPLES,
    HIDDEN,
    MAX_LEN,
    TASK,
    check_hidden,
)

ARMS = ("gru", "transformer")
EXERCISES = ("multi_head_attention", "positional_encoding")  # what impl=mine trains


def check(params: dict[str, Any]) -> None:
    """Heads split d_model evenly; the GRU's encoder splits hidden in two."""
    check_hidden(params)
    d, h = int(params["d_model"]), int(params["heads"])
    if d % h:
        raise ParamError(
            f"d_model ({d}) must be divisible by heads ({h}); change one with --set",
            f"d_model({d})은 heads({h})로 나누어떨어져야 합니다. --set 으로 바꾸세요",
        )


# the seq2seq lab's quick task and sizes, so that its finished run is reused as the
# GRU baseline (else one of baseline_epochs is trained); 4 epochs reach 1.00 exact
# match in every length bucket (seed 1, 2-core CPU: 62 s wall with the short baseline)
QUICK_PRESET = {
    "task": "digits",
    "examples": 16000,
    "epochs": 4,
    "batch_size": 64,
    "baseline_epochs": 2,
    "speed_max_len": 128,
}


TRANSFORMER = Lab(
    id="transformer",
    title={
        "ko": "트랜스포머: 셀프 어텐션과 병렬 훈련",
        "en": "The Transformer: self-attention and parallel training",
    },
    claim={
        "ko": (
            "트랜스포머는 인코더와 디코더에 RNN 대신 셀프 어텐션을 쓴다. 시퀀스를 순차적으로 "
            "처리하지 않고 전체를 한 번에 처리하므로 훈련을 병렬화할 수 있고, 멀리 떨어진 "
            "토큰 사이의 관계도 한 단계 만에 직접 표현한다."
        ),
        "en": (
            "The Transformer replaces the RNN in the encoder and decoder with self-attention. "
            "It processes the whole sequence at once instead of step by step, so training "
            "parallelises, and it relates distant tokens directly, in a single step."
        ),
    },
    params=(
        TASK,
        EXAMPLES,
        MAX_LEN,
        Param(
            "d_model",
            "int",
            64,
            {
                "ko": "트랜스포머의 표현 크기 d_model (heads로 나누어떨어져야 함)",
                "en": "the Transformer's width d_model (divisible by heads)",
            },
            8,
            1024,
        ),
        Param("heads", "int", 4, {"ko": "어텐션 헤드 수", "en": "attention heads"}, 1, 16),
        Param(
            "layers",
            "int",
            2,
            {
                "ko": "인코더 층 수 (디코더도 같은 수)",
                "en": "encoder layers (as many decoder layers)",
            },
            1,
            12,
        ),
        Param(
            "ff",
            "int",
            256,
            {
                "ko": "위치별 피드포워드 층의 너비",
                "en": "width of the position-wise feed-forward net",
            },
            8,
            8192,
        ),
        Param(
            "recurrent",
            "str",
            "dot",
            {
                "ko": (
                    "비교할 GRU seq2seq의 어텐션: dot (디코더를 한 번에 계산, 빠름), "
                    "additive (Bahdanau, 시점마다 반복), none (어텐션 없음)"
                ),
                "en": (
                    "attention of the GRU seq2seq it is compared with: dot (decoder in one "
                    "fused call, fast), additive (Bahdanau, one step at a time), none"
                ),
            },
            choices=("dot", "additive", "none"),
        ),
        EMBED,
        HIDDEN,
        EPOCHS,
        BATCH,
        Param(
            "lr",
            "float",
            2e-3,
            {
                "ko": "최대 학습률 (Adam, one-cycle; 두 모델 모두)",
                "en": "peak learning rate (Adam, one-cycle; both models)",
            },
            1e-5,
            1.0,
        ),
        CLIP,
        Param(
            "speed_max_len",
            "int",
            128,
            {
                "ko": (
                    "훈련 뒤 한 단계 시간을 잴 가장 긴 입력 길이 (8부터 두 배씩, 배치 1): "
                    "시퀀스를 한 번에 처리하는지 보는 측정"
                ),
                "en": (
                    "longest input length at which one step is timed after training (8, 16, "
                    "... doubling, batch 1): does the model take the sequence as one unit?"
                ),
            },
            8,
            1024,
        ),
        Param(
            "baseline",
            "str",
            "auto",
            {
                "ko": (
                    "비교할 GRU seq2seq: auto = 같은 과제와 크기로 끝난 seq2seq 실행이 있으면 "
                    "그 결과를 다시 쓰고, 없으면 baseline_epochs만큼 짧게 훈련; train = 이 실습의 "
                    "epochs로 훈련; small = 늘 짧게 훈련"
                ),
                "en": (
                    "the GRU seq2seq it is compared with: auto = reuse a finished seq2seq run of "
                    "the same task and sizes when there is one, else train one for "
                    "baseline_epochs; train = train it for this lab's epochs; small = always "
                    "the short one"
                ),
            },
            choices=("auto", "train", "small"),
        ),
        Param(
            "baseline_epochs",
            "int",
            3,
            {
                "ko": "짧게 훈련하는 GRU 기준 모델의 에폭 수",
                "en": "epochs of the short GRU baseline",
            },
            1,
            500,
        ),
        IMPL,
    ),
    presets={
        "quick": QUICK_PRESET,
        "mine": {**QUICK_PRESET, "impl": "mine"},
        "full": {
            "task": "mixed",
            "examples": 100000,
            "max_len": 40,
            "d_model": 128,
            "ff": 512,
            "hidden": 256,
            "epochs": 20,
            "batch_size": 256,
            "speed_max_len": 512,
        },
    },
    preset_help={
        "quick": {
            "ko": "2코어 CPU에서 1분 반 안에: 트랜스포머, GRU 기준 모델(다시 쓰거나 짧게), 속도 측정",
            "en": "within 1.5 minutes on a 2-core CPU: the Transformer, a GRU baseline (reused "
            "or short) and the timings",
        },
        "full": {
            "ko": "GPU용: 예문 10만 개, d_model 128, 길이 512까지 시간 측정",
            "en": "for a GPU: 100k pairs, d_model 128, timing up to length 512",
        },
        "mine": {
            "ko": "quick과 같되 트랜스포머는 내가 통과한 멀티헤드 어텐션과 위치 인코딩으로 "
            "(impl=mine)",
            "en": "as quick, the Transformer built on your passed multi-head attention and "
            "positional encoding (impl=mine)",
        },
    },
    arms=ARMS,
    module="engine.labs.transformer.transformer_lab",
    section="transformer-idea",
    check=check,
    exercises=needs(lambda params: EXERCISES),
)
