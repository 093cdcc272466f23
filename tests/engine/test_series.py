"""Sequence data: the generated memory task and real series cut into windows without leakage."""

from __future__ import annotations

import pytest
import torch

from engine.data import series
from engine.data.recall_task import CHANCE, N_SIGNAL, VOCAB, first_token_task
from engine.data.series import Series, make_forecast_data, naive_forecast, windows_between


def test_first_token_task_labels_the_first_token() -> None:
    x, y = first_token_task(500, 30, torch.Generator().manual_seed(0))
    assert x.shape == (500, 30) and y.shape == (500,)
    assert torch.equal(y, x[:, 0])
    assert int(x[:, 0].max()) < N_SIGNAL <= int(x[:, 1:].min())  # signal first, noise after
    assert int(x.max()) < VOCAB
    assert len(torch.unique(y)) == N_SIGNAL and CHANCE == 1 / N_SIGNAL
    again, _ = first_token_task(500, 30, torch.Generator().manual_seed(0))
    assert torch.equal(again, x)  # seeded: repeatable


def test_only_the_first_token_carries_the_label() -> None:
    x, y = first_token_task(4000, 5, torch.Generator().manual_seed(1))
    for t in range(1, 5):  # a later token's value says nothing about the label
        same = (x[:, t] == x[0, t]).float()
        share = float(((y == y[0]).float() * same).sum() / same.sum())
        assert share == pytest.approx(float((y == y[0]).float().mean()), abs=0.06)


def test_weather_is_daily_and_complete() -> None:
    s = series.weather()
    assert len(s.values) == 1461 and s.step == "day" and s.unit == "°C"
    assert s.times[0] == pytest.approx(2012.0) and s.times[-1] < 2016.0
    steps = [b - a for a, b in zip(s.times, s.times[1:], strict=False)]
    assert max(steps) < 1.5 / 365 and min(steps) > 0.5 / 366  # one value per day, no gap
    assert min(s.values) == -1.6 and max(s.values) == 35.6


def test_stocks_are_monthly() -> None:
    ibm, goog = series.stock("IBM"), series.stock("GOOG")
    assert len(ibm.values) == 123 and len(goog.values) == 68 and ibm.step == "month"
    assert ibm.times == tuple(sorted(ibm.times))
    months = [round((b - a) * 12) for a, b in zip(ibm.times, ibm.times[1:], strict=False)]
    assert set(months) == {1}
    with pytest.raises(ValueError, match="AAPL"):
        series.stock("TSLA")


def test_windows_hold_the_past_and_the_following_values() -> None:
    values = torch.arange(20, dtype=torch.float32)
    w = windows_between(values, window=4, horizon=2, first=10, end=16)
    assert w.start.tolist() == [10, 11, 12, 13, 14]
    assert w.x[0, :, 0].tolist() == [6, 7, 8, 9] and w.y[0].tolist() == [10, 11]
    assert w.y[-1].tolist() == [14, 15]  # the last target is end - 1
    early = windows_between(values, window=4, horizon=1, first=0, end=6)
    assert early.start.tolist() == [4, 5]  # no window reaches before the series


def _synthetic(values: list[float]) -> Series:
    times = tuple(2000 + k / 365 for k in range(len(values)))
    return Series({"ko": "합성", "en": "synthetic"}, "u", "day", times, tuple(values))


def test_splits_do_not_leak_the_future_into_training() -> None:
    n, window, horizon = 200, 10, 3
    data = make_forecast_data(_synthetic([float(k) for k in range(n)]), window, horizon)
    val_start, test_start = data.bounds
    assert (val_start, test_start) == (140, 170)
    raw = lambda t: data.denormalise(t).round()  # noqa: E731 - back to the series index
    # every value a training window reads or predicts lies before the validation span
    assert float(raw(data.train.y).max()) == val_start - 1
    assert float(raw(data.train.x).max()) < val_start
    assert float(raw(data.val.y).min()) == val_start and float(raw(data.val.y).max()) < test_start
    assert float(raw(data.test.y).min()) == test_start and float(raw(data.test.y).max()) == n - 1
    # normalisation is fitted on the training span only
    assert data.mean == pytest.approx(sum(range(val_start)) / val_start)


def test_changing_the_test_span_changes_nothing_in_training() -> None:
    base = [float(k % 17) for k in range(300)]
    changed = base[:255] + [1000.0] * 45  # the test span (and the end of validation) differ
    a = make_forecast_data(_synthetic(base), 20, 2)
    b = make_forecast_data(_synthetic(changed), 20, 2)
    assert (a.mean, a.std) == (b.mean, b.std)
    assert torch.equal(a.train.x, b.train.x) and torch.equal(a.train.y, b.train.y)
    assert not torch.equal(a.test.y, b.test.y)


def test_naive_forecast_repeats_the_last_value() -> None:
    x = torch.tensor([[1.0, 2.0, 3.0], [5.0, 4.0, 7.0]]).unsqueeze(2)
    assert naive_forecast(x, 3).tolist() == [[3.0] * 3, [7.0] * 3]


def test_a_window_too_long_for_the_series_is_explained() -> None:
    with pytest.raises(ValueError, match="68 months: with window=50 and horizon=1.*shorter"):
        make_forecast_data(series.stock("GOOG"), 50, 1)


def test_missing_data_file_names_the_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(series, "DATA_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="stocks.csv"):
        series._rows(series.STOCKS_FILE)


def test_shipped_files_are_described_in_sources() -> None:
    text = (series.DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for f in (series.STOCKS_FILE, series.WEATHER_FILE):
        assert f in text and (series.DATA_DIR / f).stat().st_size < 60_000
    assert "MIT" in text and "public domain" in text
