"""Lab `forecast` — predicting a real time series: its catalogue entry, torch-free.

The torch side — the nets in `engine/models/recurrent.py`, the series and windows in
`engine/data/series.py`, arms and probes in `forecast_lab.py` — is imported only by the run
process; the verdict's sentences are in `forecast_verdict.py` (torch-free).
"""

from __future__ import annotations

from typing import Any

from engine.catalogue import Lab, Param
from engine.errors import ParamError

ARMS = ("rnn", "lstm", "gru")
SYMBOLS = ("AAPL", "AMZN", "GOOG", "IBM", "MSFT")
# values in each shipped series (`engine/data/`; a test holds these to the files)
LENGTHS = {"weather": 1461, "AAPL": 123, "AMZN": 123, "GOOG": 68, "IBM": 123, "MSFT": 123}
SPLIT = (0.70, 0.15)  # training, validation fractions; the rest tests (`engine.data.series`)


def windows_per_split(n: int, window: int, horizon: int) -> tuple[int, int, int]:
    """How many windows the training, validation and test spans of `n` values hold: a
    window's targets lie in its span, and its `window` inputs before them."""
    val_start, test_start = round(n * SPLIT[0]), round(n * (SPLIT[0] + SPLIT[1]))
    spans = ((0, val_start), (val_start, test_start), (test_start, n))
    return tuple(max(0, end - horizon + 1 - max(first, window)) for first, end in spans)  # type: ignore[return-value]


def check(params: dict[str, Any]) -> None:
    """The window and horizon must leave every span of the chosen series a window."""
    name = "weather" if params["series"] == "weather" else str(params["symbol"])
    n, window, horizon = LENGTHS[name], int(params["window"]), int(params["horizon"])
    counts = windows_per_split(n, window, horizon)
    if min(counts) == 0:
        split = ("training", "validation", "test")[counts.index(0)]
        split_ko = ("훈련", "검증", "시험")[counts.index(0)]
        raise ParamError(
            f"{name} has {n} values: with window={window} and horizon={horizon} the {split} "
            "span holds no complete window; use a shorter window or horizon "
            "(--set window=... / --set horizon=...)",
            f"{name}의 값은 {n}개입니다: window={window}, horizon={horizon}이면 {split_ko} "
            "구간에 완전한 창이 하나도 없습니다. 더 짧은 window나 horizon을 쓰세요 "
            "(--set window=... / --set horizon=...)",
        )


FORECAST = Lab(
    id="forecast",
    title={"ko": "실제 시계열 예측", "en": "Forecasting a real time series"},
    claim={
        "ko": (
            "RNN은 이전 시점의 은닉 상태를 다음 시점으로 넘기며 순서가 있는 데이터를 처리하므로, "
            "주가나 날씨 같은 시계열의 과거 값들로 다음 값을 예측할 수 있다. 예측이 쓸모 있으려면 "
            "'마지막 값을 그대로 다음 값으로' 내놓는 단순한 기준보다 나아야 한다."
        ),
        "en": (
            "An RNN processes ordered data by passing its hidden state from one step to the "
            "next, so it can predict the next values of a time series such as stock prices or "
            "the weather from the past ones. To be useful, its forecast must beat the naive "
            "baseline that repeats the last value."
        ),
    },
    params=(
        Param(
            "series",
            "str",
            "weather",
            {
                "ko": (
                    "weather = 시애틀 일 최고 기온 2012-2015 (1,461일, NOAA 공개 자료); "
                    "stock = 월별 종가 2000-2010 (123개월; symbol로 종목 선택)"
                ),
                "en": (
                    "weather = Seattle's daily maximum temperature 2012-2015 (1,461 days, "
                    "public NOAA data); stock = a monthly closing price 2000-2010 (123 months; "
                    "pick it with symbol)"
                ),
            },
            choices=("weather", "stock"),
        ),
        Param(
            "symbol",
            "str",
            "IBM",
            {
                "ko": "series=stock일 때의 종목 (GOOG은 2004년 8월부터 68개월뿐)",
                "en": "the stock when series=stock (GOOG has only 68 months, from August 2004)",
            },
            choices=SYMBOLS,
        ),
        Param(
            "cell",
            "str",
            "all",
            {
                "ko": "순환 셀: rnn, lstm, gru, 또는 all (셋을 차례로 훈련해 비교)",
                "en": "the recurrent cell: rnn, lstm, gru, or all (train the three in turn)",
            },
            choices=("all", *ARMS),
        ),
        Param(
            "window",
            "int",
            30,
            {
                "ko": "입력 창의 길이: 예측에 쓰는 과거 값의 수 (날씨는 일, 주가는 월)",
                "en": "input window: how many past values each forecast reads (days for the "
                "weather, months for a stock)",
            },
            2,
            365,
        ),
        Param(
            "horizon",
            "int",
            1,
            {
                "ko": (
                    "예측 구간: 한 번에 예측할 미래 값의 수 (1 = 바로 다음 값). 멀리 볼수록 "
                    "마지막 값 기준도 모델도 오차가 커집니다."
                ),
                "en": (
                    "forecast horizon: how many future values each forecast gives (1 = the "
                    "next value only). The further ahead, the larger the error of both the "
                    "model and the last-value baseline."
                ),
            },
            1,
            60,
        ),
        Param(
            "residual",
            "bool",
            True,
            {
                "ko": (
                    "모델이 창의 마지막 값에서의 변화량을 예측 (출력 = 마지막 값 + 보정). 끄면 "
                    "값 자체를 예측하는데, 주가처럼 훈련 구간 밖으로 올라가는 시계열에서는 크게 "
                    "틀립니다."
                ),
                "en": (
                    "the model predicts the change from the window's last value (output = last "
                    "value + correction). Off, it predicts the value itself, which goes badly "
                    "wrong on a series that leaves the training range, like a rising stock."
                ),
            },
        ),
        Param(
            "hidden",
            "int",
            32,
            {"ko": "은닉 상태 크기", "en": "hidden state size"},
            2,
            512,
        ),
        Param(
            "epochs",
            "int",
            30,
            {
                "ko": "에폭 수 (검증 손실이 가장 낮았던 에폭의 가중치로 시험)",
                "en": "epochs (the weights of the epoch with the lowest validation loss are "
                "tested)",
            },
            1,
            1000,
        ),
        Param(
            "batch_size",
            "int",
            32,
            {"ko": "미니배치 크기", "en": "mini-batch size"},
            1,
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
            "forget_bias",
            "float",
            1.0,
            {
                "ko": "LSTM 망각 게이트 바이어스의 초깃값 (양수 = 처음부터 기억을 유지)",
                "en": "initial bias of the LSTM's forget gate (positive = keep memory from the "
                "start)",
            },
            -10.0,
            10.0,
        ),
        Param(
            "clip",
            "float",
            1.0,
            {
                "ko": "경사 노름 상한 (0이면 자르지 않음)",
                "en": "gradient-norm clipping threshold (0 = none)",
            },
            0.0,
            1000.0,
        ),
    ),
    presets={
        "quick": {"series": "weather", "cell": "all", "window": 30, "horizon": 1, "epochs": 30},
        "full": {
            "series": "weather",
            "cell": "all",
            "window": 60,
            "horizon": 7,
            "hidden": 64,
            "epochs": 100,
        },
        "stock": {"series": "stock", "symbol": "IBM", "cell": "all", "window": 12, "epochs": 60},
    },
    preset_help={
        "quick": {
            "ko": "2코어 CPU에서 1분 안에: 시애틀 기온, 다음 날 예측, 세 셀 비교",
            "en": "under a minute on a 2-core CPU: Seattle temperature, next day, three cells",
        },
        "full": {
            "ko": "더 길게: 60일 창으로 7일 앞까지 예측",
            "en": "longer: a 60-day window forecasting 7 days ahead",
        },
        "stock": {
            "ko": "IBM 월별 종가, 12개월 창으로 다음 달 예측",
            "en": "IBM's monthly closing price, next month from a 12-month window",
        },
    },
    arms=ARMS,
    module="engine.labs.forecast.forecast_lab",
    check=check,
    section="rnn-basics",
)
