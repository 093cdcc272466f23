"""Lab `resnet` — degradation and residual learning: its catalogue entry, torch-free.

The torch side — the nets in `engine/models/resnet.py`, the images in `engine/data/images.py`,
arms and probes in `resnet_lab.py` — is imported only by the run process; the verdict's
sentences are in `resnet_verdict.py` (torch-free).
"""

from __future__ import annotations

from typing import Any

from engine.catalogue import Lab, Param
from engine.errors import ParamError
from engine.labs.own_code import IMPL, needs

ARMS = ("plain-shallow", "plain-deep", "residual-shallow", "residual-deep")


def arm_model(arm: str, params: dict[str, Any]) -> tuple[str, int]:
    """(family, depth) of an arm: `plain-deep` -> ("plain", params["depth_deep"])."""
    family, size = arm.split("-")
    return family, int(params[f"depth_{size}"])


def arm_label(arm: str, params: dict[str, Any]) -> str:
    family, depth = arm_model(arm, params)
    return f"{family}-{depth}"


def check(params: dict[str, Any]) -> None:
    """Depths the parameter ranges cannot express: 6n+2, and shallow below deep.

    Checked with the other parameters, before a run's process starts (`resolve_params`).
    """
    for name in ("depth_shallow", "depth_deep"):
        depth = int(params[name])
        n, rest = divmod(depth - 2, 6)
        if rest or n < 1:
            below = max(8, 6 * n + 2)
            raise ParamError(
                f"parameter '{name}': depth must be 6n+2 (8, 20, 32, 44, 56, 110, ...), got "
                f"{depth}; try {below} or {below + 6} (--set {name}=...)",
                f"매개변수 '{name}'는 6n+2 꼴이어야 합니다 (8, 20, 32, 44, 56, 110, ...). "
                f"받은 값: {depth}; {below}나 {below + 6}을 써 보세요 (--set {name}=...)",
            )
    if int(params["depth_shallow"]) >= int(params["depth_deep"]):
        raise ParamError(
            "depth_shallow must be smaller than depth_deep "
            f"(got {params['depth_shallow']} and {params['depth_deep']})",
            "depth_shallow는 depth_deep보다 작아야 합니다 "
            f"(받은 값: {params['depth_shallow']}, {params['depth_deep']})",
        )
    if params.get("impl") == "mine" and (
        not params["batchnorm"] or params["shortcut"] != "projection"
    ):
        raise ParamError(
            "impl=mine trains your ResidualBlock, which the exercise builds with BatchNorm and a "
            "projection shortcut: set batchnorm=true and shortcut=projection, or impl=builtin",
            "impl=mine은 내가 쓴 ResidualBlock으로 훈련하는데, 연습 문제의 블록은 BatchNorm과 "
            "투영 지름길을 씁니다: batchnorm=true, shortcut=projection으로 두거나 impl=builtin을 "
            "쓰세요",
        )


QUICK = {
    "dataset": "digits",
    "depth_shallow": 8,
    "depth_deep": 56,
    "width": 16,
    "epochs": 10,
    "lr": 0.05,
    "batch_size": 64,
}
_DEPTH_KO = "6n+2 꼴의 층 수 (8, 20, 32, 44, 56, 110, ...)."
_DEPTH_EN = "weighted layers, of the form 6n+2 (8, 20, 32, 44, 56, 110, ...)."

RESNET = Lab(
    id="resnet",
    title={
        "ko": "퇴화 문제와 잔차 학습 (ResNet)",
        "en": "Degradation and residual learning (ResNet)",
    },
    claim={
        "ko": (
            "층을 더 쌓으면 표현력은 커지지만, 아주 깊은 일반(plain) 신경망은 얕은 신경망보다 "
            "오히려 훈련 오차가 커진다 (퇴화 문제; 과적합이 아니다). 출력이 F(x) + x인 잔차 "
            "블록을 쓰면 깊은 신경망도 얕은 신경망만큼, 또는 더 잘 훈련된다."
        ),
        "en": (
            "Stacking more layers adds expressive power, yet a very deep plain network reaches a "
            "higher *training* error than a shallower one (the degradation problem; this is not "
            "overfitting). With residual blocks, whose output is F(x) + x, the deep network "
            "trains as well as the shallow one or better."
        ),
    },
    params=(
        Param(
            "depth_shallow",
            "int",
            8,
            {"ko": "얕은 신경망의 " + _DEPTH_KO, "en": "the shallow nets' " + _DEPTH_EN},
            8,
            200,
        ),
        Param(
            "depth_deep",
            "int",
            56,
            {
                "ko": "깊은 신경망의 " + _DEPTH_KO + " 깊이를 바꿔 가며(20, 32, 44, 56) 일반 "
                "신경망의 손실이 언제부터 나빠지는지 찾아보세요.",
                "en": "the deep nets' " + _DEPTH_EN + " Sweep it (20, 32, 44, 56) to find "
                "the depth where the plain net's loss starts to get worse.",
            },
            8,
            200,
        ),
        Param(
            "width",
            "int",
            16,
            {
                "ko": "첫 단계의 채널 수 (다음 단계마다 두 배: 16, 32, 64)",
                "en": "channels of the first stage (doubled at each later stage: 16, 32, 64)",
            },
            2,
            128,
        ),
        Param(
            "batchnorm",
            "bool",
            True,
            {
                "ko": (
                    "합성곱마다 배치 정규화. 끄면 깊은 일반 신경망은 손실 2.30(= ln 10, 무작위 "
                    "추측)에서 멈춥니다: 이것은 퇴화가 아니라 신호 소실입니다. 잔차 신경망은 "
                    "지름길 덕분에 신호가 살아남습니다 (학습률을 낮춰야 할 수 있음)."
                ),
                "en": (
                    "BatchNorm after every convolution. Turn it off and the deep plain net "
                    "stalls at a loss of 2.30 (= ln 10, chance): that is the signal vanishing, "
                    "not degradation. The residual net's shortcuts keep the signal alive "
                    "(it may need a lower lr)."
                ),
            },
        ),
        Param(
            "shortcut",
            "str",
            "projection",
            {
                "ko": (
                    "채널 수가 바뀌는 곳의 지름길: projection = 1x1 합성곱(+BN)으로 맞춤, "
                    "identity = 공간을 건너뛰고 새 채널을 0으로 채움 (매개변수 없음). 둘의 "
                    "차이가 작다는 것을 확인해 보세요."
                ),
                "en": (
                    "the shortcut where the channel count changes: projection = a 1x1 conv "
                    "(+BN) matches the shape; identity = subsample and pad the new channels "
                    "with zeros (no parameters). Check how little the choice matters."
                ),
            },
            choices=("projection", "identity"),
        ),
        Param(
            "dataset",
            "str",
            "digits",
            {
                "ko": (
                    "digits = scikit-learn 8x8 숫자 (내장); fashion = Fashion-MNIST 28x28 "
                    "(Debian 패키지 dataset-fashion-mnist 또는 data_dir); cifar10 = CIFAR-10 "
                    "32x32 컬러 (캐시 폴더의 cifar-10-python.tar.gz, download=true로 받기)"
                ),
                "en": (
                    "digits = scikit-learn's 8x8 digits (built in); fashion = Fashion-MNIST "
                    "28x28 (Debian package dataset-fashion-mnist or data_dir); cifar10 = "
                    "CIFAR-10 32x32 colour (cifar-10-python.tar.gz in the cache folder; "
                    "fetch it with download=true)"
                ),
            },
            choices=("digits", "fashion", "cifar10"),
        ),
        Param(
            "train_size",
            "int",
            0,
            {
                "ko": "훈련 이미지 수 상한 (0 = 전부; 큰 데이터셋을 CPU에서 돌릴 때 줄이세요)",
                "en": "at most this many training images (0 = all; cut big sets on a CPU)",
            },
            0,
            60000,
        ),
        Param(
            "epochs",
            "int",
            10,
            {
                "ko": "훈련 데이터를 몇 번 반복할지 (네 신경망 모두 같은 예산)",
                "en": "passes over the training data (the same budget for all four nets)",
            },
            1,
            500,
        ),
        Param(
            "lr",
            "float",
            0.05,
            {
                "ko": "최대 학습률 (one-cycle 스케줄의 정점, SGD 모멘텀 0.9)",
                "en": "peak learning rate (top of the one-cycle schedule; SGD, momentum 0.9)",
            },
            1e-5,
            10.0,
        ),
        Param(
            "batch_size",
            "int",
            64,
            {"ko": "미니배치 크기", "en": "mini-batch size"},
            4,
            2048,
        ),
        Param(
            "weight_decay",
            "float",
            1e-4,
            {"ko": "가중치 감쇠 (L2)", "en": "weight decay (L2)"},
            0.0,
            0.1,
        ),
        Param(
            "data_dir",
            "str",
            "",
            {
                "ko": "fashion/cifar10 파일이 있는 폴더 (비우면 캐시 폴더와 시스템 경로를 찾음)",
                "en": "folder holding the fashion/cifar10 files (empty: the cache folder and "
                "system paths)",
            },
        ),
        Param(
            "download",
            "bool",
            False,
            {
                "ko": "CIFAR-10이 없으면 인터넷에서 한 번 내려받기 (163 MB, 캐시 폴더에 저장)",
                "en": "download CIFAR-10 once if it is missing (163 MB, kept in the cache folder)",
            },
        ),
        IMPL,
    ),
    presets={
        "quick": QUICK,
        "mine": {**QUICK, "impl": "mine"},  # a block as fast as the built-in one
        "full": {
            "dataset": "cifar10",
            "depth_shallow": 20,
            "depth_deep": 56,
            "width": 16,
            "epochs": 40,
            "lr": 0.1,
            "batch_size": 128,
        },
    },
    preset_help={
        "quick": {
            "ko": "2코어 CPU에서 네 신경망 합쳐 1분 남짓 (digits, 8층 대 56층)",
            "en": "about a minute for all four nets on a 2-core CPU (digits, 8 vs 56 layers)",
        },
        "full": {
            "ko": "GPU용: CIFAR-10, 20층 대 56층 (데이터가 없으면 --set download=true)",
            "en": "for a GPU: CIFAR-10, 20 vs 56 layers (no data yet? --set download=true)",
        },
        "mine": {
            "ko": "quick과 같되 잔차 신경망은 내가 통과한 ResidualBlock으로 (impl=mine)",
            "en": "as quick, the residual nets built from your passed ResidualBlock (impl=mine)",
        },
    },
    arms=ARMS,
    module="engine.labs.resnet.resnet_lab",
    section="degradation",
    check=check,
    exercises=needs(lambda params: ("residual_block",)),
)
