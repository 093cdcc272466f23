"""Lab `forecast` — predicting a real time series (실제 시계열 예측).

The lecture names stock prices and the weather as the sequences an RNN reads. We train
RNN / LSTM / GRU (one cell, or all three in turn) on sliding windows of a real series shipped
in `engine/data/` — Seattle's daily maximum temperature or a monthly closing stock price — to
predict the next `horizon` values, and compare the forecast on held-out time with the naive
baseline that repeats the window's last value.

Splits are by time (70 / 15 / 15 %, `engine.data.series`), normalisation is fitted on the
training span, and the validation span picks the epoch whose weights are tested: the probe
after every epoch keeps the weights with the lowest validation loss, and the test span is
touched only once, at the end. (A resumed run restarts that choice from where it resumed.)

Probes: the loop's loss curves (its "test" set here is the test span, shown, never used for a
choice); after training, the prediction against the actual series and the naive forecast on
the test span (series), and a table of RMSE per arm beside the baseline.

Verdict (`forecast_verdict.py`): the model's test RMSE divided by the naive one, per arm;
shown when every arm's ratio is below 1. The evidence says by how much each beats, or fails
to beat, the baseline.
"""

from __future__ import annotations

import copy
import math
from functools import lru_cache
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from engine.data.series import (
    ForecastData,
    Series,
    make_forecast_data,
    naive_forecast,
    stock,
    weather,
)
from engine.errors import RunError
from engine.labs.forecast import ARMS
from engine.labs.forecast.forecast_verdict import (
    NAMES,
    verdict,  # noqa: F401 - the lab's verdict
)
from engine.models.recurrent import Forecaster, RecurrentConfig
from engine.training import probes
from engine.training.context import RunContext
from engine.training.loop import ArmSetup, ProbeContext


def arms(params: dict[str, Any]) -> list[str]:
    """The arms this run trains: the chosen cell, or all three."""
    return list(ARMS) if params["cell"] == "all" else [str(params["cell"])]


@lru_cache(maxsize=4)
def _data(series: str, symbol: str, window: int, horizon: int) -> ForecastData:
    try:
        source: Series = weather("temp_max") if series == "weather" else stock(symbol)
        return make_forecast_data(source, window, horizon)
    except FileNotFoundError as exc:
        raise RunError(str(exc), f"데이터 파일이 없습니다: {exc}") from None
    except ValueError as exc:
        raise RunError(
            f"{exc} (--set window=... / --set horizon=...)",
            f"창(window={window})과 예측 구간(horizon={horizon})으로는 데이터가 모자랍니다: "
            f"{exc}. 더 짧은 window나 horizon을 쓰세요.",
        ) from None


def rmse(pred: torch.Tensor, target: torch.Tensor) -> float:
    return float(torch.sqrt(((pred - target) ** 2).mean()))


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    model.eval()
    return model(x).float()


# --- probes ---------------------------------------------------------------------------------


def make_probe(val: tuple[torch.Tensor, torch.Tensor], best: dict[str, Any]):  # type: ignore[no-untyped-def]
    """After every epoch: keep the weights with the lowest validation loss (no event)."""

    def probe(ctx: ProbeContext) -> list[dict[str, Any]]:
        loss = float(F.mse_loss(predict(ctx.model, val[0]), val[1]))
        if loss < best.get("loss", math.inf):
            best.update(loss=loss, epoch=ctx.epoch, state=copy.deepcopy(ctx.model.state_dict()))
        return []

    return probe


def prediction_series(label: str, data: ForecastData, pred: torch.Tensor) -> dict[str, Any]:
    """Actual vs model vs naive on the test span, 1 step ahead (and `horizon` steps ahead)."""
    test, h = data.test, data.horizon
    times = data.series.times
    actual = data.denormalise(test.y)  # (N, H)
    model = data.denormalise(pred)
    naive = data.denormalise(naive_forecast(test.x, h))
    starts = test.start.tolist()
    lines: dict[str, tuple[list[float], list[float]]] = {
        "actual": (
            [times[s] for s in starts] + [times[starts[-1] + k] for k in range(1, h)],
            actual[:, 0].tolist() + actual[-1, 1:].tolist(),
        ),
        f"{label}, 1 ahead": ([times[s] for s in starts], model[:, 0].tolist()),
        "last value, 1 ahead": ([times[s] for s in starts], naive[:, 0].tolist()),
    }
    if h > 1:
        at = [times[s + h - 1] for s in starts]
        lines[f"{label}, {h} ahead"] = (at, model[:, -1].tolist())
        lines[f"last value, {h} ahead"] = (at, naive[:, -1].tolist())
    unit = data.series.unit
    title = {
        "ko": f"{label}: 시험 구간의 예측과 실제 ({data.series.name['ko']})",
        "en": f"{label}: forecast vs actual on the test span ({data.series.name['en']})",
    }
    return probes.series("forecast/test", title, lines, "year", unit)


def results_table(data: ForecastData, finals: dict[str, dict[str, float]]) -> dict[str, Any]:
    unit = data.series.unit
    columns = ["model", f"test RMSE ({unit})", f"last value RMSE ({unit})", "ratio", "best epoch"]
    rows = [
        [NAMES[arm], m["test_rmse"], m["naive_rmse"], m["rmse_ratio"], int(m["best_epoch"]) + 1]
        for arm, m in finals.items()
    ]
    title = {"ko": "시험 구간 오차: 모델 대 마지막 값", "en": "test error: model vs last value"}
    return probes.table("results", title, columns, rows)


def make_finish(arm: str, data: ForecastData, best: dict[str, Any], run: RunContext):  # type: ignore[no-untyped-def]
    def finish(ctx: ProbeContext) -> tuple[dict[str, float], list[dict[str, Any]]]:
        model = ctx.model
        if "state" in best:
            model.load_state_dict(best["state"])
        device = ctx.device
        x, y = data.test.x.to(device), data.test.y.to(device)
        pred = predict(model, x).cpu()
        truth = data.denormalise(data.test.y)
        naive = data.denormalise(naive_forecast(data.test.x, data.horizon))
        model_rmse = rmse(data.denormalise(pred), truth)
        naive_rmse = rmse(naive, truth)
        val_pred = predict(model, data.val.x.to(device)).cpu()
        metrics = {
            "test_rmse": model_rmse,
            "naive_rmse": naive_rmse,
            "rmse_ratio": model_rmse / naive_rmse if naive_rmse > 0 else math.inf,
            "val_rmse": rmse(data.denormalise(val_pred), data.denormalise(data.val.y)),
            "test_mse_normalised": float(F.mse_loss(pred, y.cpu())),
            "best_epoch": float(best.get("epoch", 0)),
            "test_windows": float(len(x)),
        }
        table = results_table(data, run.finals_with(arm, metrics))
        return metrics, [prediction_series(NAMES[arm], data, pred), table]

    return finish


# --- the lab interface ----------------------------------------------------------------------


def setup(arm: str, run: RunContext, device: torch.device) -> ArmSetup:
    """Model, windows and optimiser of one arm (the caller has seeded torch with the seed)."""
    params = run.params
    data = _data(
        str(params["series"]), str(params["symbol"]), int(params["window"]), int(params["horizon"])
    )
    run.facts["series"] = {"name": dict(data.series.name), "unit": data.series.unit}
    config = RecurrentConfig(
        cell=arm,  # type: ignore[arg-type]
        vocab=0,
        input_size=1,
        hidden=int(params["hidden"]),
        out=data.horizon,
        forget_bias=float(params["forget_bias"]),
    )
    model = Forecaster(config, bool(params["residual"])).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=float(params["lr"]))
    best: dict[str, Any] = {}
    val = (data.val.x.to(device), data.val.y.to(device))
    return ArmSetup(
        model=model,
        train=(data.train.x.to(device), data.train.y.to(device)),
        test=(data.test.x.to(device), data.test.y.to(device)),
        optimizer=optimizer,
        epochs=int(params["epochs"]),
        batch_size=min(int(params["batch_size"]), len(data.train.x)),
        loss_fn=F.mse_loss,
        classify=False,
        clip=float(params["clip"]) or None,
        probes_per_epoch=1,
        probe=make_probe(val, best),
        finish=make_finish(arm, data, best, run),
    )
