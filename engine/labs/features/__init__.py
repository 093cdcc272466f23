"""Lab `features` — layers and features (층과 특징): its catalogue entry, torch-free.

The torch side — the CNN in `engine/models/features_cnn.py`, the digits in
`engine/data/digits.py`, arms and probes in `features_lab.py` — is imported only by the run
process; the verdict's sentences are in `features_verdict.py` (torch-free).
"""

from __future__ import annotations

from engine.catalogue import Lab, Param

FEATURES = Lab(
    id="features",
    title={"ko": "층과 특징", "en": "Layers and features"},
    claim={
        "ko": (
            "합성곱 신경망의 낮은 층은 획이나 모서리 같은 낮은 수준의 특징을, 높은 층은 그것들을 "
            "엮은 복합적인 특징을 검출한다. 그래서 높은 층의 특징일수록 특정 숫자(클래스)에 "
            "선택적으로 반응한다."
        ),
        "en": (
            "A CNN's low layers detect low-level features such as strokes and edges; its high "
            "layers detect composite features built from them. So the higher a layer, the more "
            "its features respond to one particular digit (class)."
        ),
    },
    params=(
        Param(
            "epochs",
            "int",
            12,
            {"ko": "훈련 데이터를 몇 번 반복할지", "en": "passes over the training data"},
            1,
            500,
        ),
        Param(
            "batch_size",
            "int",
            64,
            {"ko": "미니배치 크기", "en": "mini-batch size"},
            4,
            1024,
        ),
        Param(
            "lr",
            "float",
            0.1,
            {
                "ko": "최대 학습률 (one-cycle 스케줄의 정점)",
                "en": "peak learning rate (top of the one-cycle schedule)",
            },
            1e-5,
            10.0,
        ),
        Param(
            "width",
            "int",
            8,
            {
                "ko": "첫 합성곱 층의 채널 수 (층마다 두 배)",
                "en": "channels of the first conv layer (doubled at each layer)",
            },
            1,
            128,
        ),
        Param(
            "depth",
            "int",
            3,
            {"ko": "합성곱 층의 수", "en": "number of conv layers"},
            2,
            4,
        ),
        Param(
            "optimizer",
            "str",
            "sgd",
            {"ko": "최적화 알고리즘", "en": "optimiser"},
            choices=("sgd", "adam"),
        ),
        Param(
            "clip",
            "float",
            5.0,
            {
                "ko": "경사 노름 상한 (0이면 자르지 않음)",
                "en": "gradient-norm clipping threshold (0 = no clipping)",
            },
            0.0,
            1000.0,
        ),
    ),
    presets={
        "quick": {"epochs": 12, "width": 8, "batch_size": 64},
        "full": {"epochs": 40, "width": 32, "batch_size": 128},
    },
    preset_help={
        "quick": {"ko": "2코어 CPU에서 1분 안에", "en": "under a minute on a 2-core CPU"},
        "full": {"ko": "GPU용, 더 넓고 길게", "en": "for a GPU: wider and longer"},
    },
    arms=("cnn",),
    module="engine.labs.features.features_lab",
    section="layers-features",
)
