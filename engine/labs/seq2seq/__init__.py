"""Lab `seq2seq` — the context-vector bottleneck and attention: its catalogue entry, torch-free.

The torch side — the task in `engine/data/korean_numbers.py`, the models in
`engine/models/seq2seq.py`, arms and probes in `seq2seq_lab.py` — is imported only by the run
process; the verdict's sentences are in `seq2seq_verdict.py` (torch-free). The Transformer
lab reuses this lab's parameters, task and scoring.
"""

from __future__ import annotations

from typing import Any

from engine.catalogue import Lab, Param
from engine.errors import ParamError
from engine.labs.own_code import IMPL, needs

ARMS = ("none", "dot", "additive")  # the decoder's attention; `none` always runs
ATTENTION_CHOICES = ("dot", "additive", "both")
EXERCISES = {"dot": "attention", "additive": "additive_attention"}  # what impl=mine trains


def exercises(params: dict[str, Any]) -> tuple[str, ...]:
    """The attention exercises the run's attention arms train with impl=mine."""
    kind = params["attention"]
    return tuple(EXERCISES[k] for k in (("dot", "additive") if kind == "both" else (kind,)))


TASK_HELP = {
    "ko": (
        "번역 과제: digits = 한 자리씩 읽은 숫자 (삼일사 -> 314, 출력도 입력만큼 길어짐); "
        "numbers = 한자어 수사 <-> 숫자 (이만 오천 <-> 25000); dates = 한국어/영어 날짜 -> "
        "ISO (2024년 3월 5일 화요일 -> 2024-03-05); mixed = 셋을 섞음"
    ),
    "en": (
        "what to translate: digits = digits read one by one in Korean (삼일사 -> 314; the "
        "output grows with the input); numbers = Korean number words <-> digits (이만 오천 <-> "
        "25000); dates = Korean/English dates -> ISO (Tuesday, March 5, 2024 -> 2024-03-05); "
        "mixed = all three"
    ),
}
TASK = Param("task", "str", "mixed", TASK_HELP, choices=("digits", "numbers", "dates", "mixed"))
EXAMPLES = Param(
    "examples",
    "int",
    20000,
    {
        "ko": "생성할 예문 수 (10%는 겹치지 않는 시험 세트)",
        "en": "pairs to generate (10% become a test set sharing nothing with training)",
    },
    200,
    500000,
)
MAX_LEN = Param(
    "max_len",
    "int",
    30,
    {
        "ko": "입력의 최대 길이 (글자 수). 길수록 문맥 벡터 하나에 담기 어렵습니다",
        "en": "longest input, in characters; the longer, the harder for one context vector",
    },
    8,
    120,
)
EMBED = Param(
    "embed", "int", 32, {"ko": "글자 임베딩 크기", "en": "character embedding size"}, 4, 512
)
HIDDEN = Param(
    "hidden",
    "int",
    128,
    {
        "ko": "GRU 은닉 상태 크기 H (양방향 인코더는 방향마다 H/2; 짝수)",
        "en": "GRU state size H (the bidirectional encoder uses H/2 per direction; even)",
    },
    8,
    2048,
)
EPOCHS = Param(
    "epochs",
    "int",
    8,
    {
        "ko": "훈련 데이터를 몇 번 반복할지 (모든 모델 같은 예산)",
        "en": "passes over the training data (the same for every arm)",
    },
    1,
    500,
)
BATCH = Param("batch_size", "int", 128, {"ko": "미니배치 크기", "en": "mini-batch size"}, 4, 4096)
CLIP = Param(
    "clip",
    "float",
    1.0,
    {"ko": "경사 노름 상한 (0이면 자르지 않음)", "en": "gradient-norm clipping (0 = none)"},
    0.0,
    1000.0,
)


def check_hidden(params: dict[str, Any]) -> None:
    """The bidirectional encoder splits H into two directions of H/2."""
    if int(params["hidden"]) % 2:
        raise ParamError(
            f"parameter 'hidden' must be even (two encoder directions of hidden/2), got "
            f"{params['hidden']}; change it with --set hidden=...",
            f"매개변수 'hidden'은 짝수여야 합니다 (인코더 두 방향이 hidden/2씩). 받은 값: "
            f"{params['hidden']}. --set hidden=... 으로 바꾸세요.",
        )


def lr_param(default: float) -> Param:
    return Param(
        "lr",
        "float",
        default,
        {
            "ko": "최대 학습률 (Adam, one-cycle 스케줄의 정점)",
            "en": "peak learning rate (Adam; top of the one-cycle schedule)",
        },
        1e-5,
        1.0,
    )


# 2-core CPU, torch 2.13, dot arm alone, seeds 1 / 2, exact match on 26-30 and wall:
# 20k pairs x 6 epochs at batch 128 0.80 (37 s); 16k x 6 at 128 0.62 / 0.75;
# 16k x 4 at 64 0.84 / 0.92 (24-30 s): smaller batches learn more per second here
QUICK_PRESET = {
    "task": "digits",
    "attention": "dot",
    "examples": 16000,
    "epochs": 4,
    "batch_size": 64,
}


SEQ2SEQ = Lab(
    id="seq2seq",
    title={
        "ko": "seq2seq: 문맥 벡터의 병목과 어텐션",
        "en": "seq2seq: the context-vector bottleneck and attention",
    },
    claim={
        "ko": (
            "인코더-디코더(seq2seq)는 입력 전체를 문맥 벡터 하나에 담아 디코더의 모든 시점에 "
            "같은 벡터를 쓰므로, 입력이 길어지면 앞쪽 정보가 남지 못해 번역이 무너진다. "
            "어텐션은 디코더의 시점마다 인코더 은닉 상태들의 가중 평균으로 문맥 벡터를 새로 "
            "만들어, 가장 관계가 깊은 입력에 주의를 기울이게 하므로 긴 입력도 번역한다."
        ),
        "en": (
            "An encoder-decoder (seq2seq) squeezes the whole input into one context vector "
            "used at every decoder step, so as inputs grow their beginning is lost and the "
            "translation breaks down. Attention builds a fresh context vector for each decoder "
            "step as a weighted average of the encoder's hidden states, letting the decoder "
            "look at the input that matters, so long inputs are translated too."
        ),
    },
    params=(
        TASK,
        Param(
            "attention",
            "str",
            "dot",
            {
                "ko": (
                    "어텐션 없는 모델 옆에서 훈련할 어텐션: dot = 내적 (Luong, 빠름), "
                    "additive = 덧셈 (Bahdanau, 강의 그림과 같고 시점마다 반복해 느림), "
                    "both = 둘 다"
                ),
                "en": (
                    "the attention trained beside the no-attention model: dot = dot product "
                    "(Luong; fast), additive = Bahdanau (as in the lecture's figure; loops "
                    "over steps, slower), both = both"
                ),
            },
            choices=ATTENTION_CHOICES,
        ),
        EXAMPLES,
        MAX_LEN,
        EMBED,
        HIDDEN,
        EPOCHS,
        BATCH,
        lr_param(6e-3),
        CLIP,
        IMPL,
    ),
    presets={
        "quick": QUICK_PRESET,
        "mine": {**QUICK_PRESET, "impl": "mine"},
        "full": {
            "task": "mixed",
            "attention": "both",
            "examples": 100000,
            "max_len": 40,
            "hidden": 256,
            "epochs": 20,
            "batch_size": 256,
            "lr": 3e-3,
        },
    },
    preset_help={
        "quick": {
            "ko": "2코어 CPU에서 두 모델 합쳐 1분 반 안에: 한 자리씩 읽은 숫자, 어텐션 없음 vs 내적",
            "en": "within 1.5 minutes for both models on a 2-core CPU: digits read aloud, "
            "no attention vs dot",
        },
        "full": {
            "ko": "GPU용: 숫자·수사·날짜를 섞은 예문 10만 개, 길이 40까지, 세 모델 (없음, 내적, 덧셈)",
            "en": "for a GPU: 100k mixed pairs (digits, numbers, dates) up to length 40, three "
            "models (none, dot, additive)",
        },
        "mine": {
            "ko": "quick과 같되 어텐션은 내가 통과한 scaled_dot_product_attention으로 (impl=mine; "
            "덧셈 어텐션은 --set attention=additive)",
            "en": "as quick, attending through your passed scaled_dot_product_attention "
            "(impl=mine; for yours additive, --set attention=additive)",
        },
    },
    arms=ARMS,
    module="engine.labs.seq2seq.seq2seq_lab",
    section="attention",
    check=check_hidden,
    exercises=needs(exercises),
)
