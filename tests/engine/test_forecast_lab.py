"""The `forecast` lab: its declaration, the residual forecaster, a tiny run, and its verdict."""

from __future__ import annotations

import json

import pytest
import torch

from engine import catalogue
from engine.data import series
from engine.data.series import make_forecast_data
from engine.errors import ParamError
from engine.labs.forecast import (
    FORECAST,
    LENGTHS,
    forecast_lab,
    forecast_verdict,
    windows_per_split,
)
from engine.models.recurrent import Forecaster, RecurrentConfig

NAME = {"ko": "합성", "en": "synthetic"}


def test_declaration_resolves_every_preset() -> None:
    for preset in FORECAST.presets:
        params = catalogue.resolve_params(FORECAST, preset)
        assert forecast_lab.arms(params)
    assert FORECAST.section == "rnn-basics"
    params = catalogue.resolve_params(FORECAST, "quick", {"cell": "gru"})
    assert forecast_lab.arms(params) == ["gru"]
    assert forecast_lab.arms({**params, "cell": "all"}) == ["rnn", "lstm", "gru"]


def test_residual_forecaster_starts_from_the_last_value() -> None:
    config = RecurrentConfig(cell="lstm", vocab=0, input_size=1, hidden=4, out=3)
    model = Forecaster(config, residual=True)
    with torch.no_grad():
        model.net.head.weight.zero_()
        model.net.head.bias.zero_()
    x = torch.randn(5, 7, 1)
    assert torch.equal(model(x), x[:, -1, :].expand(-1, 3))
    plain = Forecaster(config, residual=False)
    with torch.no_grad():
        plain.net.head.weight.zero_()
        plain.net.head.bias.zero_()
    assert torch.equal(plain(x), torch.zeros(5, 3))


def test_verdict_says_by_how_much_the_model_beats_the_baseline() -> None:
    arms = {"gru": {"test_rmse": 2.7, "naive_rmse": 3.0, "rmse_ratio": 0.9}}
    v = forecast_verdict.judge(arms, NAME, "°C", 1)
    assert v["shown"] is True
    assert "10.0% lower (ratio 0.900)" in v["evidence"]["en"]
    assert "10.0% 낮음" in v["evidence"]["ko"]


def test_verdict_when_a_model_fails_to_beat_the_baseline() -> None:
    arms = {
        "rnn": {"test_rmse": 3.3, "naive_rmse": 3.0, "rmse_ratio": 1.1},
        "lstm": {"test_rmse": 2.85, "naive_rmse": 3.0, "rmse_ratio": 0.95},
    }
    v = forecast_verdict.judge(arms, NAME, "USD", 6)
    assert v["shown"] is False
    en = v["evidence"]["en"]
    assert "RNN" in en and "10.0% higher" in en and "did not beat" in en
    assert "5.0% lower" in en and "next 6 values" in en


def test_a_tiny_run_forecasts_the_test_span(tmp_path, monkeypatch) -> None:
    from engine.training.lab_run import run

    monkeypatch.setitem(catalogue.LABS, "forecast", FORECAST)
    params = catalogue.resolve_params(
        FORECAST,
        "stock",
        {"cell": "gru", "window": "6", "horizon": "2", "hidden": "4", "epochs": "3"},
    )
    assert run({"lab": "forecast", "params": params, "seed": 0, "device": "cpu"}, tmp_path) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    m = summary["arms"]["gru"]
    assert list(summary["arms"]) == ["gru"]
    assert m["rmse_ratio"] == pytest.approx(m["test_rmse"] / m["naive_rmse"])
    assert 0 <= m["best_epoch"] < 3 and m["test_windows"] > 0
    lines = (tmp_path / "events.jsonl").read_text().splitlines()
    probes = {e["name"]: e for e in map(json.loads, lines) if e["type"] == "probe"}
    labels = {line["label"] for line in probes["forecast/test"]["data"]["lines"]}
    assert labels == {
        "actual",
        "GRU, 1 ahead",
        "last value, 1 ahead",
        "GRU, 2 ahead",
        "last value, 2 ahead",
    }
    assert probes["results"]["data"]["rows"][0][0] == "GRU"


def test_a_window_too_long_is_refused_before_a_run_starts() -> None:
    with pytest.raises(ParamError, match="shorter window") as err:
        catalogue.resolve_params(FORECAST, "stock", {"symbol": "GOOG", "window": "60"})
    assert "GOOG has 68 values" in err.value.en and "더 짧은 window" in err.value.ko


def test_the_declarations_check_agrees_with_the_data() -> None:
    """The torch-free check refuses exactly what the windowing itself cannot cut."""
    assert LENGTHS["weather"] == len(series.weather().values)
    for symbol in series.SYMBOLS:
        assert LENGTHS[symbol] == len(series.stock(symbol).values)
    for source in (series.stock("GOOG"), series.stock("IBM")):
        for window in (1, 8, 12, 30, 48, 60, 90):
            for horizon in (1, 6, 12, 20):
                counts = windows_per_split(len(source.values), window, horizon)
                try:
                    data = make_forecast_data(source, window, horizon)
                except ValueError:
                    assert min(counts) == 0, (window, horizon)
                    continue
                assert counts == (len(data.train.x), len(data.val.x), len(data.test.x))
