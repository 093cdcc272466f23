"""Real series for the `forecast` lab, read with the csv module from the unmodified copies in
`engine/data/` (origin and licence in `engine/data/SOURCES.md`):
- Seattle's daily maximum temperature, 2012-2015 (1,461 days);
- a monthly closing stock price, 2000-2010 (123 months; 68 for GOOG).

Windows and splits. The series is split *by time*: the first 70 % trains, the next 15 %
validates, the last 15 % tests. A window is `window` past values and the `horizon` values that
follow; a window belongs to the split that holds its *targets*, and a training window lies
wholly inside the training span, so no value at or after the validation span ever reaches
training. Validation and test windows may read inputs from before their span: those are past
values, known when the forecast is made. The mean and standard deviation that normalise the
series are fitted on the training span only.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import torch

DATA_DIR = Path(__file__).resolve().parent  # the csv files sit beside this module
STOCKS_FILE = "stocks.csv"
WEATHER_FILE = "seattle-weather.csv"
SYMBOLS = ("AAPL", "AMZN", "GOOG", "IBM", "MSFT")
SPLIT = (0.70, 0.15, 0.15)  # train / validation / test fractions, in time order


@dataclass(frozen=True)
class Series:
    """A univariate series in time order, with what a chart needs to label it."""

    name: dict[str, str]  # {"ko": ..., "en": ...}
    unit: str  # "°C", "USD"
    step: str  # "day" or "month"
    times: tuple[float, ...]  # fractional years, for the x axis
    values: tuple[float, ...]


def _year(date: datetime) -> float:
    start = datetime(date.year, 1, 1)
    days = (datetime(date.year + 1, 1, 1) - start).days
    return date.year + (date - start).days / days


def _rows(name: str) -> list[dict[str, str]]:
    path = DATA_DIR / name
    try:
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    except OSError as exc:
        raise FileNotFoundError(
            f"data file {path} is missing ({exc.strerror}); it ships with dlearn — "
            "reinstall the package or restore engine/data/ from the repository"
        ) from None


@lru_cache(maxsize=4)
def weather(column: str = "temp_max") -> Series:
    """Seattle's daily weather: one value per day from 2012-01-01 to 2015-12-31."""
    rows = _rows(WEATHER_FILE)
    dates = [datetime.strptime(r["date"], "%Y/%m/%d") for r in rows]
    en = {"temp_max": "daily maximum temperature", "temp_min": "daily minimum temperature"}
    ko = {"temp_max": "일 최고 기온", "temp_min": "일 최저 기온"}
    return Series(
        name={"ko": f"시애틀 {ko.get(column, column)}", "en": f"Seattle {en.get(column, column)}"},
        unit="°C" if column.startswith("temp") else "",
        step="day",
        times=tuple(_year(d) for d in dates),
        values=tuple(float(r[column]) for r in rows),
    )


@lru_cache(maxsize=8)
def stock(symbol: str) -> Series:
    """Monthly closing price of `symbol` (the file says daily; it holds the 1st of each month)."""
    if symbol not in SYMBOLS:
        raise ValueError(f"unknown stock symbol {symbol!r}; choose one of {', '.join(SYMBOLS)}")
    rows = [r for r in _rows(STOCKS_FILE) if r["symbol"] == symbol]
    dated = sorted((datetime.strptime(r["date"], "%b %d %Y"), float(r["price"])) for r in rows)
    return Series(
        name={"ko": f"{symbol} 월별 종가", "en": f"{symbol} monthly closing price"},
        unit="USD",
        step="month",
        times=tuple(_year(d) for d, _ in dated),
        values=tuple(p for _, p in dated),
    )


@dataclass
class Windows:
    """One split's windows: inputs (N, window, 1), targets (N, horizon), both normalised."""

    x: torch.Tensor
    y: torch.Tensor
    start: torch.Tensor  # (N,) index in the series of each window's first target


@dataclass
class ForecastData:
    series: Series
    window: int
    horizon: int
    mean: float  # fitted on the training span only
    std: float
    bounds: tuple[int, int]  # first index of the validation span, first of the test span
    train: Windows
    val: Windows
    test: Windows

    def denormalise(self, values: torch.Tensor) -> torch.Tensor:
        return values * self.std + self.mean


def split_bounds(n: int, fractions: tuple[float, float, float] = SPLIT) -> tuple[int, int]:
    """(start of validation, start of test) for a series of `n` values."""
    val_start = round(n * fractions[0])
    test_start = round(n * (fractions[0] + fractions[1]))
    return val_start, test_start


def windows_between(
    values: torch.Tensor, window: int, horizon: int, first: int, end: int
) -> Windows:
    """Every window whose targets lie in [first, end): inputs values[s-window:s], targets
    values[s:s+horizon], for each target start s with s >= max(first, window)."""
    lo, hi = max(first, window), end - horizon + 1
    starts = torch.arange(lo, max(lo, hi))
    if len(starts) == 0:
        empty = values.new_zeros(0, window, 1), values.new_zeros(0, horizon)
        return Windows(*empty, starts)
    x = torch.stack([values[s - window : s] for s in starts.tolist()]).unsqueeze(2)
    y = torch.stack([values[s : s + horizon] for s in starts.tolist()])
    return Windows(x, y, starts)  # x (N, window, 1), y (N, horizon)


def make_forecast_data(series: Series, window: int, horizon: int) -> ForecastData:
    """Normalise with training statistics and cut the three splits into windows.

    Raises ValueError, naming the numbers, when a split would hold no window.
    """
    raw = torch.tensor(series.values, dtype=torch.float32)
    val_start, test_start = split_bounds(len(raw))
    train_span = raw[:val_start]
    mean, std = float(train_span.mean()), float(train_span.std()) or 1.0
    values = (raw - mean) / std
    train = windows_between(values, window, horizon, 0, val_start)
    val = windows_between(values, window, horizon, val_start, test_start)
    test = windows_between(values, window, horizon, test_start, len(values))
    for split, name in ((train, "training"), (val, "validation"), (test, "test")):
        if len(split.x) == 0:
            raise ValueError(
                f"{series.name['en']} has {len(raw)} {series.step}s: with window={window} and "
                f"horizon={horizon} the {name} span holds no complete window; use a "
                "shorter window or horizon"
            )
    return ForecastData(
        series, window, horizon, mean, std, (val_start, test_start), train, val, test
    )


def naive_forecast(x: torch.Tensor, horizon: int) -> torch.Tensor:
    """The last-value baseline: every future step equals the window's last value (N, horizon)."""
    return x[:, -1, 0:1].expand(-1, horizon)
