"""The ResNet lab: plain and residual nets, their probes and the verdict on the claim."""

from __future__ import annotations

import json
import math

import pytest
import torch
from torch import nn

from engine.catalogue import resolve_params
from engine.data import images
from engine.errors import DatasetMissing, ParamError
from engine.labs.resnet import ARMS, RESNET, resnet_lab, resnet_verdict
from engine.models import resnet
from engine.models.resnet import (
    PlainNet,
    ResidualBlock,
    ResNet,
    ResNetConfig,
    SmallImageNet,
    count_parameters,
)
from engine.training import probes
from engine.training.context import RunContext
from engine.training.loop import Trainer

# --- models -------------------------------------------------------------------------------


def _conv_bn_params(depth: int, w: int, in_ch: int = 1, classes: int = 10) -> int:
    """Parameters of a 6n+2 net with BatchNorm and a parameter-free shortcut, by hand."""
    n = (depth - 2) // 6
    total = in_ch * w * 9 + 2 * w  # stem conv + BN
    c_in = w
    for stage in range(3):
        c = w * 2**stage
        for _ in range(n):
            total += c_in * c * 9 + 2 * c + c * c * 9 + 2 * c
            c_in = c
    return total + 4 * w * classes + classes


@pytest.mark.parametrize("depth", [8, 20, 32])
@pytest.mark.parametrize("family", [PlainNet, ResNet])
def test_shapes_and_blocks(family: type[SmallImageNet], depth: int) -> None:
    net = family(ResNetConfig(depth=depth, width=4))
    n = (depth - 2) // 6
    assert len(net.blocks) == 3 * n
    convs = [m for m in net.modules() if isinstance(m, nn.Conv2d) and m.kernel_size == (3, 3)]
    assert len(convs) + 1 == depth  # 3x3 convs + the fc are the net's weighted layers
    x = torch.randn(3, 1, 8, 8)
    assert net(x).shape == (3, 10)
    out = net.stem_forward(x)
    shapes = []
    for block in net.blocks:
        out = block(out)
        shapes.append(tuple(out.shape))
    assert shapes[n - 1] == (3, 4, 8, 8)
    assert shapes[2 * n - 1] == (3, 8, 4, 4)
    assert shapes[-1] == (3, 16, 2, 2)


@pytest.mark.parametrize("depth", [8, 20, 56])
def test_parameter_counts(depth: int) -> None:
    w = 4
    plain = PlainNet(ResNetConfig(depth=depth, width=w))
    identity = ResNet(ResNetConfig(depth=depth, width=w, shortcut="identity"))
    projection = ResNet(ResNetConfig(depth=depth, width=w, shortcut="projection"))
    expected = _conv_bn_params(depth, w)
    assert count_parameters(plain) == expected
    assert count_parameters(identity) == expected  # option A adds nothing
    # option B: a 1x1 conv + BN at each of the two stage changes (w->2w, 2w->4w)
    extra = (w * 2 * w + 2 * 2 * w) + (2 * w * 4 * w + 2 * 4 * w)
    assert count_parameters(projection) - count_parameters(identity) == extra


def test_projection_without_batchnorm_adds_conv_weights_and_bias() -> None:
    w = 8
    ident = ResNet(ResNetConfig(depth=8, width=w, batchnorm=False, shortcut="identity"))
    proj = ResNet(ResNetConfig(depth=8, width=w, batchnorm=False, shortcut="projection"))
    extra = (w * 2 * w + 2 * w) + (2 * w * 4 * w + 4 * w)
    assert count_parameters(proj) - count_parameters(ident) == extra
    assert not any(isinstance(m, nn.BatchNorm2d) for m in proj.modules())


def test_colour_input() -> None:
    net = ResNet(ResNetConfig(depth=8, width=4, in_channels=3))
    assert net(torch.randn(2, 3, 32, 32)).shape == (2, 10)


@pytest.mark.parametrize("depth", [0, 9, 21])
def test_depth_must_be_6n_plus_2(depth: int) -> None:
    with pytest.raises(ValueError, match="6n\\+2"):
        PlainNet(ResNetConfig(depth=depth))


@pytest.mark.parametrize("shortcut", ["identity", "projection"])
@pytest.mark.parametrize(("c_in", "c_out", "stride"), [(4, 4, 1), (4, 8, 2)])
def test_residual_block_with_zero_f_returns_its_input(
    shortcut: str, c_in: int, c_out: int, stride: int
) -> None:
    config = ResNetConfig(width=4, shortcut=shortcut)  # type: ignore[arg-type]
    block = ResidualBlock(c_in, c_out, stride, config).eval()
    bn = block.bn2
    assert isinstance(bn, nn.BatchNorm2d)
    nn.init.zeros_(bn.weight)  # gamma = 0 and beta = 0: F(x) = 0
    nn.init.zeros_(bn.bias)
    x = torch.relu(torch.randn(2, c_in, 8, 8))  # a block's input is a ReLU's output
    with torch.no_grad():
        out = block(x)
        if c_in == c_out:
            assert torch.equal(out, x)  # F(x) + x = x
        else:
            assert torch.allclose(out, torch.relu(block.shortcut(x)))
    if c_in != c_out and shortcut == "identity":  # option A: x subsampled, zeros appended
        assert torch.equal(out[:, :c_in], x[:, :, ::2, ::2])
        assert not out[:, c_in:].any()


def test_plain_block_with_zero_weights_does_not_pass_its_input() -> None:
    block = resnet.PlainBlock(4, 4, 1, ResNetConfig()).eval()
    bn = block.bn2
    assert isinstance(bn, nn.BatchNorm2d)
    nn.init.zeros_(bn.weight)
    nn.init.zeros_(bn.bias)
    x = torch.relu(torch.randn(2, 4, 8, 8)) + 0.1
    assert not block(x).any()  # without the shortcut, F = 0 kills the signal


@pytest.mark.parametrize("family", ["plain", "residual"])
def test_tiny_training_lowers_the_loss(family: str) -> None:
    torch.manual_seed(0)
    data = images.load("digits", train_size=256)
    net = resnet.build(family, ResNetConfig(depth=8, width=4))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    x, y = data.train_x, data.train_y
    losses = []
    for _ in range(6):
        for i in range(0, 256, 32):
            loss = nn.functional.cross_entropy(net(x[i : i + 32]), y[i : i + 32])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    assert losses[0] > 2.0  # starts near chance (ln 10)
    assert sum(losses[-8:]) / 8 < 0.5 * sum(losses[:8]) / 8  # a pass's mean loss halves


# --- verdict ------------------------------------------------------------------------------

NAMES = {arm: arm for arm in ARMS}


def _judge(ps: float, pd: float, rs: float, rd: float) -> dict:
    losses = dict(zip(ARMS, (ps, pd, rs, rd), strict=True))
    return resnet_verdict.judge(losses, NAMES)


def test_verdict_shows_degradation_and_its_removal() -> None:
    v = _judge(0.005, 1.4, 0.004, 0.003)
    assert v["shown"] and v["degradation"] and v["residual_fix"]
    assert "1.4000" in v["evidence"]["en"] and "1.4000" in v["evidence"]["ko"]
    assert "280.0x" in v["evidence"]["en"]


def test_verdict_without_degradation() -> None:
    v = _judge(0.005, 0.012, 0.004, 0.003)  # 2.4x, and only 0.007 apart
    assert not v["shown"] and not v["degradation"] and v["residual_fix"]
    assert "did not show" in v["evidence"]["en"]
    v = _judge(0.30, 0.34, 0.004, 0.003)  # 0.04 apart, 1.1x
    assert not v["degradation"]


def test_verdict_when_the_residual_net_is_also_worse() -> None:
    v = _judge(0.005, 1.4, 0.004, 0.05)
    assert v["degradation"] and not v["residual_fix"] and not v["shown"]
    assert "did not remove" in v["evidence"]["en"]
    assert _judge(0.005, 1.4, 0.004, 0.004 + 0.019)["residual_fix"]  # within the tolerance


def test_verdict_names_a_stall_at_chance() -> None:
    v = _judge(0.01, math.log(10) + 0.001, 0.004, 0.003)
    assert not v["shown"] and v["stalled_at_chance"] and not v["degradation"]
    assert "chance" in v["evidence"]["en"] and "BatchNorm" in v["evidence"]["en"]
    assert "무작위 추측" in v["evidence"]["ko"]
    assert "did learn" in v["evidence"]["en"]  # the residual net got past it
    v = _judge(0.03, 2.3025, 0.02, 0.07)  # measured with BatchNorm off: res-56 learns, slower
    assert "did learn" in v["evidence"]["en"] and not v["shown"]
    v = _judge(0.01, 2.30, 0.004, 2.29)
    assert "also stayed at chance" in v["evidence"]["en"]


def test_verdict_when_nothing_trained() -> None:
    v = _judge(2.29, 2.31, 2.27, 2.22)
    assert not v["shown"] and v["untrained"] and not v["stalled_at_chance"]
    assert not v["residual_fix"]
    assert "budget is too small" in v["evidence"]["en"] and "epochs" in v["evidence"]["ko"]


def test_verdict_reads_the_final_training_loss_of_each_arm() -> None:
    params = resolve_params(RESNET, "quick")
    losses = (0.01, 0.9, 0.01, 0.01)
    arms = {arm: {"final_train_loss": v} for arm, v in zip(ARMS, losses, strict=True)}
    arms["plain-deep"]["grad_first_over_last_init"] = 1300.0
    arms["residual-deep"]["grad_first_over_last_init"] = 1.5
    v = resnet_verdict.verdict(RunContext("resnet", params, finals=arms))
    assert v["shown"]
    assert "plain-8 0.0100, plain-56 0.9000" in v["evidence"]["en"]
    assert "1.3e+03x the last block's in plain-56 and 1.5x in residual-56" in v["evidence"]["en"]


# --- lab wiring ---------------------------------------------------------------------------


def test_bad_depths_are_refused_before_a_run_starts() -> None:
    with pytest.raises(ParamError, match="6n\\+2") as err:
        resolve_params(RESNET, "quick", {"depth_deep": "54"})
    assert "try 50 or 56" in err.value.en and "6n+2" in err.value.ko
    with pytest.raises(ParamError, match="smaller"):
        resolve_params(RESNET, "quick", {"depth_shallow": "56", "depth_deep": "20"})


def test_missing_dataset_fails_the_setup_with_its_message(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DLEARN_CACHE", str(tmp_path))
    params = resolve_params(RESNET, "quick", {"dataset": "cifar10"})
    with pytest.raises(DatasetMissing, match="download=true") as err:
        resnet_lab.setup("plain-shallow", RunContext("resnet", params), torch.device("cpu"))
    assert "download=true" in err.value.ko


def test_probes_and_finish_of_a_tiny_arm() -> None:
    """Train a tiny arm with the real loop: gradient bars, feature maps, curves, table."""
    params = resolve_params(
        RESNET, "quick", {"depth_deep": "20", "width": "4", "epochs": "1", "train_size": "128"}
    )
    events: list[dict] = []

    def emit(type_: str, **payload):  # type: ignore[no-untyped-def]
        events.append({"type": type_, **payload})

    run = RunContext("resnet", params)
    for arm in ARMS[:2]:
        torch.manual_seed(0)
        setup = resnet_lab.setup(arm, run, torch.device("cpu"))
        metrics = Trainer(arm, setup, emit, _fp32(), 0).fit()
        run.finals[arm] = metrics  # as the run does after each arm
        assert 0 < metrics["final_train_loss"] < 5 and 0 <= metrics["final_test_acc"] <= 1
        assert metrics["grad_first_over_last_init"] > 0
    probes = [e for e in events if e["type"] == "probe"]
    bars = [p for p in probes if p["name"] == "gradients" and p["arm"] == "plain-deep"]
    assert bars[0]["step"] == 0 and "before training" in bars[0]["title"]["en"]
    assert len(bars[0]["data"]["labels"]) == 3 * 3 + 2  # stem, 9 blocks, fc
    assert all(v is not None and v > 0 for v in bars[0]["data"]["values"])
    heat = next(p for p in probes if p["name"] == "features/block1")
    assert heat["data"]["tiles"]["of"] == 4 and heat["data"]["tiles"]["size"] == [8, 8]
    overlay = [p for p in probes if p["name"] == "degradation/train_loss"][-1]
    assert [line["label"] for line in overlay["data"]["lines"]] == ["plain-8", "plain-20"]
    table = [p for p in probes if p["name"] == "results"][-1]
    rows = table["data"]["rows"]
    assert [r[0] for r in rows[:4]] == ["plain-8", "plain-20", "residual-8", "residual-20"]
    assert rows[2][1] == "-"  # not trained yet
    assert [r[5] for r in rows] == [27.94, 28.54, 27.88, 25.03, 22.85, 21.43]


def test_gradient_probe_leaves_batchnorm_statistics_alone() -> None:
    torch.manual_seed(0)
    net = ResNet(ResNetConfig(depth=8, width=4)).eval()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    norms = resnet_lab.grad_norms(net, torch.randn(16, 1, 8, 8), torch.randint(0, 10, (16,)))
    assert len(norms) == 3 + 2 and all(n > 0 for n in norms)
    assert not net.training
    for k, v in net.state_dict().items():
        assert torch.equal(v, before[k]), k
    assert all(p.grad is None for p in net.parameters())


def test_feature_maps_of_large_images_fit_a_heatmap() -> None:
    tiled = probes.mosaic(torch.rand(16, 32, 32), max_map_side=resnet_lab.MAX_MAP_SIDE)
    assert tiled["tiles"]["size"] == [16, 16]  # pooled 2x2 for display
    assert tiled["matrix"].shape[0] <= 64 and tiled["matrix"].shape[1] <= 64
    tiled = probes.mosaic(torch.rand(16, 8, 8), max_map_side=resnet_lab.MAX_MAP_SIDE)
    assert tiled["tiles"] == {"rows": 4, "cols": 4, "size": [8, 8], "shown": 16, "of": 16}


def _fp32():  # type: ignore[no-untyped-def]
    from engine.device import precision_for

    return precision_for(torch.device("cpu"))


def test_a_tiny_run_through_the_engine_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`python -m engine run` finds the lab in the catalogue and ends with table and verdict."""
    from .conftest import events, finish, start_engine, write_spec

    tiny = {"depth_deep": 20, "width": 4, "epochs": 1, "train_size": 128}
    write_spec(tmp_path, tiny, lab="resnet")
    assert finish(start_engine(tmp_path)) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["status"] == "finished" and set(summary["arms"]) == set(ARMS)
    assert "plain-20" in summary["verdict"]["evidence"]["en"]
    tables = [e for e in events(tmp_path) if e.get("name") == "results"]
    assert "-" not in tables[-1]["data"]["rows"][3]  # the last table has all four runs


def test_an_impossible_depth_fails_the_run_with_a_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from .conftest import events, finish, start_engine, write_spec

    write_spec(tmp_path, {"depth_deep": 21}, lab="resnet")
    assert finish(start_engine(tmp_path)) != 0
    final = events(tmp_path)[-1]
    assert final["type"] == "failed" and "6n+2" in final["message"]
