"""The `features` lab: model shapes, its measurements, its probes and its verdict."""

from __future__ import annotations

import pytest
import torch

from engine.catalogue import resolve_params
from engine.data.digits import digits_split
from engine.labs.features import FEATURES, features_lab, features_verdict
from engine.models.features_cnn import FeatureNet, FeatureNetConfig
from engine.training import probes
from engine.training.context import RunContext
from engine.training.loop import ProbeContext


@pytest.mark.parametrize(("depth", "sizes"), [(2, [8, 8]), (3, [8, 8, 4]), (4, [8, 8, 4, 2])])
def test_feature_net_shapes(depth: int, sizes: list[int]) -> None:
    net = FeatureNet(FeatureNetConfig(width=4, depth=depth))
    x = torch.rand(5, 1, 8, 8)
    maps = net.features(x)
    assert [tuple(m.shape) for m in maps] == [(5, 4 * 2**k, s, s) for k, s in enumerate(sizes)]
    assert net(x).shape == (5, 10)


def test_digits_split_is_fixed_and_stratified() -> None:
    xtr, ytr, xte, yte = digits_split()
    assert xtr.shape[1:] == (1, 8, 8) and len(xtr) + len(xte) == 1797
    assert 0.0 <= float(xtr.min()) and float(xtr.max()) <= 1.0
    assert torch.bincount(yte).min() >= 30  # every digit is tested
    assert abs(len(xte) / 1797 - 0.2) < 0.01
    # stratified: each digit's share of the test set matches its share of the whole
    share = torch.bincount(yte, minlength=10) / len(yte)
    whole = torch.bincount(torch.cat([ytr, yte]), minlength=10) / 1797
    assert float((share - whole).abs().max()) < 0.01
    again = digits_split()
    assert torch.equal(again[3], yte) and torch.equal(again[0], xtr)


def test_selectivity_index_extremes() -> None:
    one_class = torch.zeros(10, 3)
    one_class[2, :] = 1.0  # each channel fires for digit 2 only
    assert features_lab.selectivity(one_class) == pytest.approx(1.0)
    assert features_lab.selectivity(torch.ones(10, 3)) == pytest.approx(0.0)
    dead = torch.zeros(10, 2)
    dead[:, 0] = 1.0
    assert features_lab.selectivity(dead) == pytest.approx(0.0)  # the dead channel is skipped


def test_mosaic_tiles_channels_with_gaps() -> None:
    maps = torch.rand(8, 8, 8)
    tiled = probes.mosaic(maps, max_tiles=36)
    grid = tiled["matrix"]
    assert tiled["tiles"] == {"rows": 3, "cols": 3, "size": [8, 8], "shown": 8, "of": 8}
    assert grid.shape == (3 * 9 - 1, 3 * 9 - 1)
    assert torch.isnan(grid[8]).all()  # the blank line between tile rows
    assert torch.isnan(grid[18:, 18:]).all()  # the ninth tile is empty: 8 channels
    assert float(grid.nan_to_num(0).amax()) == pytest.approx(1.0)


def test_probe_emits_feature_maps_gradients_and_the_sample() -> None:
    params = resolve_params(FEATURES, "quick", {"width": "4"})
    torch.manual_seed(0)
    setup = features_lab.setup("cnn", RunContext("features", params), torch.device("cpu"))
    x, y = setup.train
    loss = torch.nn.functional.cross_entropy(setup.model(x[:32]), y[:32])
    loss.backward()
    assert setup.probe is not None
    out = setup.probe(ProbeContext(setup.model, "cnn", 1, 0, torch.device("cpu")))
    by_name = {p["name"]: p for p in out}
    assert {"features/conv1", "features/conv2", "features/conv3", "gradients", "sample"} <= set(
        by_name
    )
    assert by_name["features/conv1"]["kind"] == "heatmap"
    assert by_name["gradients"]["data"]["labels"] == ["conv1", "conv2", "conv3", "fc"]
    assert all(v > 0 for v in by_name["gradients"]["data"]["values"])
    assert "true 3" in by_name["sample"]["data"]["output"]


def verdict(arms: dict, params: dict) -> dict:
    return features_verdict.verdict(RunContext("features", params, finals=arms))


def test_verdict_reads_the_numbers() -> None:
    params = {"depth": 3}
    good = {"test_acc": 0.98, "selectivity_conv1": 0.1, "selectivity_conv3": 0.5}
    good["selectivity_init_conv3"] = 0.2
    v = verdict({"cnn": good}, params)
    assert v["shown"] and "0.10" in v["evidence"]["en"] and "0.50" in v["evidence"]["en"]
    assert v["evidence"]["ko"]
    flat = dict(good, selectivity_conv3=0.15)
    assert not verdict({"cnn": flat}, params)["shown"]
    untrained = dict(good, test_acc=0.5)
    v = verdict({"cnn": untrained}, params)
    assert not v["shown"] and "train longer" in v["evidence"]["en"]
