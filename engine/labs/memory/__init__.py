"""Lab `memory` — long-range memory, RNN vs LSTM vs GRU: its catalogue entry, torch-free.

The torch side — the nets in `engine/models/recurrent.py`, the task in
`engine/data/recall_task.py`, arms and probes in `memory_lab.py` — is imported only by the run
process; the verdict's sentences are in `memory_verdict.py` (torch-free).
"""

from __future__ import annotations

from typing import Any

from engine.catalogue import Lab, Param
from engine.errors import ParamError
from engine.labs.own_code import IMPL, needs

ARMS = ("rnn", "lstm", "gru")
EXERCISES = {"rnn": "rnn_cell", "lstm": "lstm_cell", "gru": "gru_cell"}  # what impl=mine trains
MAX_TOKENS = 60_000_000  # training tokens held in memory at most (int64: 480 MB)


def check(params: dict[str, Any]) -> None:
    """The training set (batches_per_epoch x batch_size sequences of seq_len tokens) must fit."""
    tokens = int(params["batches_per_epoch"]) * int(params["batch_size"]) * int(params["seq_len"])
    if tokens > MAX_TOKENS:
        raise ParamError(
            f"batches_per_epoch x batch_size x seq_len = {tokens:,} tokens is more than the "
            f"{MAX_TOKENS:,} this lab holds in memory; lower one of them",
            f"batches_per_epoch x batch_size x seq_len = {tokens:,} 토큰은 이 실습이 메모리에 "
            f"담는 {MAX_TOKENS:,}개보다 많습니다. 셋 중 하나를 줄이세요",
        )


MEMORY = Lab(
    id="memory",
    title={
        "ko": "장기 기억: RNN 대 LSTM 대 GRU",
        "en": "Long-range memory: RNN vs LSTM vs GRU",
    },
    claim={
        "ko": (
            "기본 RNN은 시퀀스가 길어지면 최근 정보만 남고 오래된 정보를 잃는다: 역전파되는 "
            "경사가 시간을 거슬러 갈수록 사라지기 때문이다. LSTM(망각·입력·출력 게이트와 셀 "
            "상태)과 GRU(업데이트·리셋 게이트)는 중요한 정보를 게이트로 지켜 먼 과거의 정보도 "
            "기억한다. GRU는 가중치 묶음이 LSTM의 4개보다 적은 3개라 더 빠르다고 한다."
        ),
        "en": (
            "A plain RNN keeps only recent information once a sequence gets long: the "
            "gradient fades as it flows back through time. An LSTM (forget, input and output "
            "gates around a cell state) and a GRU (update and reset gates) guard what matters "
            "with their gates and remember the distant past. The GRU has 3 weight blocks to "
            "the LSTM's 4 and is said to run faster."
        ),
    },
    params=(
        Param(
            "seq_len",
            "int",
            50,
            {
                "ko": (
                    "시퀀스 길이 T: 답(첫 토큰)과 예측 사이의 시간 단계 수. 짧으면(10 정도) "
                    "RNN에게도 기회가 있고, 50 이상이면 RNN은 무작위 추측(0.125)에 머뭅니다."
                ),
                "en": (
                    "sequence length T: time steps between the answer (the first token) and the "
                    "prediction. Short ones (try 10) give the RNN a chance; from about 50 on it "
                    "stays at chance (0.125)."
                ),
            },
            10,
            400,
        ),
        Param(
            "hidden",
            "int",
            64,
            {
                "ko": "은닉 상태 크기 (세 모델 모두 같음)",
                "en": "hidden state size (the same for all three cells)",
            },
            4,
            512,
        ),
        Param(
            "forget_bias",
            "float",
            5.0,
            {
                "ko": (
                    "LSTM 망각 게이트 바이어스의 초깃값. σ(5) ≈ 0.993이라 처음부터 셀 상태를 "
                    "거의 그대로 넘기고, 경사도 같은 길로 T 단계를 돌아옵니다. 0(PyTorch "
                    "기본값)이면 망각 게이트가 0.5 근처에서 시작해 정보가 매 단계 절반씩 "
                    "줄어들므로, LSTM도 T=50에서 RNN처럼 실패합니다. 0으로 바꿔 확인해 보세요."
                ),
                "en": (
                    "initial bias of the LSTM's forget gate. σ(5) ≈ 0.993, so from the start the "
                    "cell state passes almost unchanged, and the gradient comes back over the T "
                    "steps along the same path. At 0 (PyTorch's default) the gate starts near "
                    "0.5, the memory halves at every step, and the LSTM fails at T=50 just like "
                    "the RNN. Set it to 0 and see."
                ),
            },
            -10.0,
            10.0,
        ),
        Param(
            "update_bias",
            "float",
            3.0,
            {
                "ko": (
                    "GRU 업데이트 게이트 z의 바이어스 초깃값. h_t = z⊙h_(t-1) + (1-z)⊙g_t 에서 "
                    "z가 1에 가까울수록 이전 상태를 유지합니다. σ(3) ≈ 0.95. 0이면 GRU도 긴 "
                    "시퀀스에서 실패합니다."
                ),
                "en": (
                    "initial bias of the GRU's update gate z. In h_t = z⊙h_(t-1) + (1-z)⊙g_t a z "
                    "near 1 keeps the old state; σ(3) ≈ 0.95. At 0 the GRU fails on long "
                    "sequences too."
                ),
            },
            -10.0,
            10.0,
        ),
        Param(
            "epochs",
            "int",
            8,
            {
                "ko": "에폭 수 (세 모델 모두 같은 예산)",
                "en": "epochs (the same budget for all three cells)",
            },
            1,
            500,
        ),
        Param(
            "batches_per_epoch",
            "int",
            50,
            {
                "ko": "에폭마다 훈련할 미니배치 수 (훈련 시퀀스 = 이 값 x batch_size개)",
                "en": "mini-batches per epoch (training sequences = this x batch_size)",
            },
            1,
            10000,
        ),
        Param(
            "batch_size",
            "int",
            128,
            {"ko": "미니배치 크기", "en": "mini-batch size"},
            4,
            4096,
        ),
        Param(
            "lr",
            "float",
            3e-3,
            {"ko": "Adam 학습률", "en": "Adam learning rate"},
            1e-5,
            1.0,
        ),
        Param(
            "clip",
            "float",
            1.0,
            {
                "ko": "경사 노름 상한 (0이면 자르지 않음). 폭발하는 경사를 막습니다.",
                "en": "gradient-norm clipping threshold (0 = none); guards against exploding "
                "gradients",
            },
            0.0,
            1000.0,
        ),
        Param(
            "embed",
            "int",
            16,
            {"ko": "토큰 임베딩 크기", "en": "token embedding size"},
            2,
            256,
        ),
        Param(
            "speed_hidden",
            "int",
            256,
            {
                "ko": (
                    "훈련 뒤 세 셀의 속도를 나란히 잴 때의 은닉 크기. 행렬 곱이 단계마다 드는 "
                    "고정 비용보다 커야 가중치 묶음 수(1 : 3 : 4)의 차이가 시간에 드러납니다."
                ),
                "en": (
                    "hidden size at which the three cells are timed side by side after "
                    "training: large enough that the matrix products, whose number the weight "
                    "blocks (1 : 3 : 4) set, outweigh the fixed cost of every step"
                ),
            },
            8,
            2048,
        ),
        IMPL,
    ),
    presets={
        "quick": {"seq_len": 64, "hidden": 64, "epochs": 8, "batches_per_epoch": 50},
        "full": {"seq_len": 200, "hidden": 128, "epochs": 20, "batches_per_epoch": 100},
        "mine": {"seq_len": 64, "hidden": 64, "epochs": 8, "batches_per_epoch": 50, "impl": "mine"},
    },
    preset_help={
        "quick": {
            "ko": "2코어 CPU에서 세 모델과 속도 측정까지 30초 남짓 (T=64)",
            "en": "about 30 s on a 2-core CPU for the three cells and their timing (T=64)",
        },
        "full": {
            "ko": "GPU용: T=200, 은닉 128, 더 오래",
            "en": "for a GPU: T=200, hidden 128, longer",
        },
        "mine": {
            "ko": "quick과 같은 크기를 내가 통과한 RNN·LSTM·GRU 셀로 (impl=mine): 손으로 돌리는 "
            "셀이라 quick의 2~3배 시간",
            "en": "the quick sizes, trained with your passed RNN, LSTM and GRU cells "
            "(impl=mine); looped by hand, so 2-3x the quick run's time",
        },
    },
    arms=ARMS,
    module="engine.labs.memory.memory_lab",
    section="memory-problem",
    check=check,
    exercises=needs(lambda params: tuple(EXERCISES[arm] for arm in ARMS)),
)
