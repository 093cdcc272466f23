"""Lab `resnet` — the degradation problem and residual learning (퇴화 문제와 잔차 학습).

The lecture's claim (He et al., 2016): a deeper plain network should fit its training data at
least as well as a shallower one — the extra layers could just copy their input — yet in
practice it trains *worse*; residual blocks, whose output is F(x) + x, make "copy the input"
as easy as F = 0, and the deeper net then trains as well or better. The lecture's ImageNet
top-1 errors: plain-18 27.94 % / plain-34 28.54 %, ResNet-18 27.88 % / ResNet-34 25.03 %
(ResNet-50 22.85 %, ResNet-152 21.43 %).

Four arms, trained one after another with the same data, budget and seed: plain-shallow,
plain-deep, residual-shallow, residual-deep (`engine.models.resnet.PlainNet` / `ResNet`). Probes:

- the four training-loss curves overlaid (series `degradation/train_loss`);
- the gradient norm of every block on a fixed batch (bars `gradients`), before training and
  once per epoch — measured in train mode, with the BatchNorm statistics restored after, so
  probing does not disturb training. What it shows, measured before training (56 layers,
  digits): with BatchNorm the plain net's gradient is far from even — the first block's is
  ~1000x the last block's (it grows toward the input) — while the residual net's is ~10x;
  with BatchNorm off the plain net's gradient *fades* toward the input (~1e-7 at the stem
  against ~1e-2 at the classifier) and plain-56 never leaves chance (2.3025 after 10 epochs,
  seed 0) while residual-56 reaches 0.068;
- the first block's feature maps for one test image (heatmap `features/block1`);
- after the last arm, a table of the four runs beside the lecture's figures.

Verdict. After each arm we measure its final training loss over the whole training set
(eval mode). Degradation *showed* when plain-deep's loss is at least DEGRADE_RATIO times
plain-shallow's and at least DEGRADE_MIN_GAP above it; residual learning *removed* it when
residual-deep's loss is at most residual-shallow's + RESIDUAL_TOLERANCE. A plain-deep loss
within CHANCE_MARGIN of ln 10 = 2.303 is reported as a stall at chance (the signal vanished,
typically with BatchNorm off), which is a different failure from degradation.

The `quick` preset, chosen on the 2-core CPU (torch 2.13): digits, depth 8 vs 56, width 16,
BatchNorm, projection shortcuts, 10 epochs, batch 64, SGD momentum 0.9, weight decay 1e-4,
one-cycle lr peaking at 0.05 (LAB-NOTES' setting).
Final training loss over the whole training set, seeds 0 / 1 / 2, 2 threads as a run uses
(`bench/resnet_quick.py`):
  plain-8      0.0045 / 0.0046 / 0.0044
  plain-56     1.4050 / 1.6362 / 1.3275   (train accuracy 0.46 / 0.37 / 0.48)
  residual-8   0.0043 / 0.0043 / 0.0041
  residual-56  0.0022 / 0.0046 / 0.0031
The claim showed for 3 of 3 seeds (also with 1 thread, whose numbers differ slightly). Wall
time of the four arms: 48.8 / 37.1 / 46.6 s at load average ~2; plain-56 and residual-56 are
~85% of it. On a busy machine (load 8-10) the same seed took 175-815 s: two torch processes
at once slow each other many times over.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from engine import probes
from engine.data import images
from engine.labs.resnet_decl import ARMS
from engine.loop import ArmSetup, ProbeContext
from engine.models.resnet import ResNetConfig, SmallImageNet, build
from engine.run import RunError

CHANCE_LOSS = math.log(10)  # cross-entropy of a uniform guess over 10 classes
CHANCE_MARGIN = 0.1
DEGRADE_RATIO = 3.0
DEGRADE_MIN_GAP = 0.05
RESIDUAL_TOLERANCE = 0.02
GRAD_BATCH = 128  # training images in the fixed batch the gradient probe backpropagates
POINTS_PER_EPOCH = 4  # points of the overlaid loss curve
MAX_MAP_SIDE = 16  # feature maps larger than this are average-pooled 2x2 for display
LECTURE = {  # ImageNet top-1 error (%), He et al. 2016, as quoted in the lecture
    "plain-shallow": ("plain-18", 27.94),
    "plain-deep": ("plain-34", 28.54),
    "residual-shallow": ("ResNet-18", 27.88),
    "residual-deep": ("ResNet-34", 25.03),
}
LECTURE_DEEPER = (("ResNet-50", 22.85), ("ResNet-152", 21.43))


def arm_model(arm: str, params: dict[str, Any]) -> tuple[str, int]:
    """(family, depth) of an arm: `plain-deep` -> ("plain", params["depth_deep"])."""
    family, size = arm.split("-")
    return family, int(params[f"depth_{size}"])


def arm_label(arm: str, params: dict[str, Any]) -> str:
    family, depth = arm_model(arm, params)
    return f"{family}-{depth}"


def check_params(params: dict[str, Any]) -> None:
    """Depths the catalogue's ranges cannot express: 6n+2, shallow below deep."""
    for name in ("depth_shallow", "depth_deep"):
        depth = int(params[name])
        try:
            ResNetConfig(depth=depth).blocks_per_stage  # noqa: B018 - validates
        except ValueError as exc:
            raise RunError(
                f"parameter '{name}': {exc} (--set {name}=...)",
                f"매개변수 '{name}'는 6n+2 꼴이어야 합니다 (8, 20, 32, 44, 56, 110, ...). "
                f"받은 값: {depth} (--set {name}=...)",
            ) from None
    if int(params["depth_shallow"]) >= int(params["depth_deep"]):
        raise RunError(
            "depth_shallow must be smaller than depth_deep "
            f"(got {params['depth_shallow']} and {params['depth_deep']})",
            "depth_shallow는 depth_deep보다 작아야 합니다 "
            f"(받은 값: {params['depth_shallow']}, {params['depth_deep']})",
        )


@lru_cache(maxsize=1)
def _dataset(name: str, data_dir: str, download: bool, train_size: int) -> images.ImageData:
    try:
        return images.load(name, data_dir, download, train_size)
    except images.DatasetMissing as exc:
        raise RunError(exc.en, exc.ko) from None


# --- what the run remembers across arms (in this process) ---------------------------------


@dataclass
class LossRecorder:
    """The loss function of training; it also keeps each step's loss for the overlay chart.

    Evaluation runs under `no_grad`, so only training steps are recorded.
    """

    losses: list[float] = field(default_factory=list)
    pending: list[torch.Tensor] = field(default_factory=list)

    def __call__(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        loss = F.cross_entropy(out, target)
        if torch.is_grad_enabled():
            self.pending.append(loss.detach().float())
        return loss

    def values(self) -> list[float]:
        if self.pending:
            self.losses += torch.stack(self.pending).tolist()
            self.pending = []
        return self.losses


CURVES: dict[str, tuple[Sequence[float], Sequence[float]]] = {}  # arm label -> (epochs, train loss)
FINALS: dict[str, dict[str, float]] = {}  # arm -> final metrics


def curve(
    losses: list[float], first_step: int, steps_per_epoch: int
) -> tuple[list[float], list[float]]:
    """Per-step losses averaged over windows of a quarter epoch: (epochs, mean losses)."""
    window = max(1, steps_per_epoch // POINTS_PER_EPOCH)
    xs: list[float] = []
    ys: list[float] = []
    for start in range(0, len(losses) - window + 1, window):
        xs.append((first_step + start + window) / steps_per_epoch)
        ys.append(sum(losses[start : start + window]) / window)
    return xs, ys


# --- probes -------------------------------------------------------------------------------


def grad_norms(model: SmallImageNet, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    """||dL/dW|| of the stem, every block and the fc for one batch, in train mode.

    BatchNorm's running statistics are restored afterwards, so the probe leaves no trace.
    """
    saved = {k: v.clone() for k, v in model.named_buffers()}
    parts = [nn.ModuleList([model.stem, model.stem_bn]), *model.blocks, model.fc]
    params = [list(p.parameters()) for p in parts]
    model.train()
    try:
        with torch.enable_grad():
            loss = F.cross_entropy(model(x), y)
            grads = torch.autograd.grad(loss, [p for group in params for p in group])
    finally:
        model.eval()
        with torch.no_grad():
            for name, buf in model.named_buffers():
                buf.copy_(saved[name])
    norms, i = [], 0
    for group in params:
        g = grads[i : i + len(group)]
        i += len(group)
        norms.append(torch.linalg.vector_norm(torch.stack([t.norm() for t in g])))
    return torch.stack(norms).tolist()


def mosaic(maps: torch.Tensor) -> tuple[list[list[float | None]], dict[str, Any]]:
    """Channels (C, H, W) tiled into a grid that fits a heatmap, each scaled to its maximum."""
    while maps.shape[-1] > MAX_MAP_SIDE:
        maps = F.avg_pool2d(maps.unsqueeze(0), 2).squeeze(0)  # (C, H/2, W/2)
    c, h, w = maps.shape
    per_side = (probes.MAX_SIDE + 1) // (h + 1)
    k = min(c, per_side * per_side)
    cols = min(per_side, math.ceil(math.sqrt(k)))
    rows = math.ceil(k / cols)
    peak = maps[:k].flatten(1).amax(1).clamp_min(1e-12)  # (k,)
    tiles = torch.round(maps[:k] / peak[:, None, None] * 1000).double() / 1000
    grid: list[list[float | None]] = [
        [None] * (cols * (w + 1) - 1) for _ in range(rows * (h + 1) - 1)
    ]
    for i, tile in enumerate(tiles.tolist()):
        r0, c0 = (i // cols) * (h + 1), (i % cols) * (w + 1)
        for r in range(h):
            grid[r0 + r][c0 : c0 + w] = tile[r]
    return grid, {"tiles": {"rows": rows, "cols": cols, "size": [h, w], "shown": k, "of": c}}


def make_probe(
    label: str,
    sample: torch.Tensor,
    grad_batch: tuple[torch.Tensor, torch.Tensor],
    recorder: LossRecorder,
    steps_per_epoch: int,
    record: dict[str, float],
):  # type: ignore[no-untyped-def]
    """The arm's probe: gradient bars, first-block feature maps, the overlaid loss curves."""

    def probe(ctx: ProbeContext) -> list[dict[str, Any]]:
        model = ctx.model
        assert isinstance(model, SmallImageNet)
        names = ["stem", *model.block_names(), "fc"]
        norms = grad_norms(model, *grad_batch)
        if ctx.step == 0:
            record["grad_first_over_last_init"] = norms[1] / max(norms[-2], 1e-30)
        when = {"ko": "훈련 전", "en": "before training"} if ctx.step == 0 else None
        if when is None:
            when = {"ko": f"{ctx.epoch + 1}번째 에폭", "en": f"epoch {ctx.epoch + 1}"}
        title = {
            "ko": f"{label}: 블록별 경사 노름 ({when['ko']})",
            "en": f"{label}: gradient norm per block ({when['en']})",
        }
        out = [probes.bars("gradients", title, names, norms, "||dL/dW||")]
        with torch.no_grad():
            first = model.blocks[0](model.stem_forward(sample))  # (1, w, H, W)
        grid, extra = mosaic(first[0].float().cpu())
        title = {"ko": f"{label}: 첫 블록의 특징 맵", "en": f"{label}: first block's feature maps"}
        out.append(probes.heatmap("features/block1", title, grid, value_range=(0, 1), **extra))
        losses = recorder.values()
        if losses:
            CURVES[label] = curve(losses, ctx.step - len(losses), steps_per_epoch)
            out.append(overlay())
        return out

    return probe


def overlay() -> dict[str, Any]:
    title = {"ko": "훈련 손실: 네 신경망 비교", "en": "training loss of the four nets"}
    return probes.series("degradation/train_loss", title, CURVES, "epoch", "train loss")


@torch.no_grad()
def final_metrics(model: nn.Module, data: images.ImageData, device: torch.device) -> dict:
    """Loss and error over the whole training set, and test accuracy, in eval mode."""
    model.eval()
    out: dict[str, float] = {}
    for split, x, y in (("train", data.train_x, data.train_y), ("test", data.test_x, data.test_y)):
        loss, correct = 0.0, 0
        for i in range(0, len(y), 1024):
            xb, yb = x[i : i + 1024].to(device), y[i : i + 1024].to(device)
            logits = model(xb).float()
            loss += float(F.cross_entropy(logits, yb, reduction="sum"))
            correct += int((logits.argmax(1) == yb).sum())
        out[f"final_{split}_loss"] = loss / len(y)
        out[f"final_{split}_acc"] = correct / len(y)
    return out


def results_table(params: dict[str, Any], finals: dict[str, dict[str, float]]) -> dict:
    """The four runs beside the lecture's ImageNet figures."""
    columns = ["net", "train loss", "train err %", "test acc %", "lecture", "ImageNet top-1 err %"]
    rows: list[list[Any]] = []
    for arm in ARMS:
        m = finals.get(arm)
        name, err = LECTURE[arm]
        if m is None:
            rows.append([arm_label(arm, params), "-", "-", "-", name, err])
            continue
        rows.append(
            [
                arm_label(arm, params),
                m["final_train_loss"],
                round(100 * (1 - m["final_train_acc"]), 2),
                round(100 * m["final_test_acc"], 2),
                name,
                err,
            ]
        )
    rows += [["", "", "", "", name, err] for name, err in LECTURE_DEEPER]
    title = {
        "ko": f"결과와 강의의 ImageNet 수치 ({params['dataset']})",
        "en": f"results beside the lecture's ImageNet figures ({params['dataset']})",
    }
    return probes.table("results", title, columns, rows)


def make_finish(arm: str, params: dict[str, Any], data: images.ImageData, record: dict):  # type: ignore[no-untyped-def]
    def finish(ctx: ProbeContext) -> tuple[dict[str, float], list[dict[str, Any]]]:
        metrics = final_metrics(ctx.model, data, ctx.device)
        metrics.update(record)
        FINALS[arm] = metrics
        events = [overlay()] if CURVES else []
        events.append(results_table(params, FINALS))
        return metrics, events

    return finish


# --- the lab interface --------------------------------------------------------------------


def setup(arm: str, params: dict[str, Any], device: torch.device, seed: int) -> ArmSetup:
    """Model, data and optimiser of one arm (the caller has seeded torch with `seed`)."""
    check_params(params)
    if arm == ARMS[0]:  # a new experiment in this process
        CURVES.clear()
        FINALS.clear()
    data = _dataset(
        str(params["dataset"]),
        str(params["data_dir"]),
        bool(params["download"]),
        int(params["train_size"]),
    )
    family, depth = arm_model(arm, params)
    config = ResNetConfig(
        depth=depth,
        width=int(params["width"]),
        batchnorm=bool(params["batchnorm"]),
        shortcut=params["shortcut"],
        in_channels=data.channels,
        classes=len(data.classes),
    )
    model = build(family, config).to(device)
    xtr, ytr = data.train_x.to(device), data.train_y.to(device)
    xte, yte = data.test_x.to(device), data.test_y.to(device)
    epochs, batch, lr = int(params["epochs"]), int(params["batch_size"]), float(params["lr"])
    optimizer = torch.optim.SGD(
        model.parameters(), lr=lr, momentum=0.9, weight_decay=float(params["weight_decay"])
    )
    steps_per_epoch = math.ceil(len(xtr) / batch)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=lr, total_steps=epochs * steps_per_epoch
    )
    recorder = LossRecorder()
    record: dict[str, float] = {}
    label = arm_label(arm, params)
    grad_batch = (xtr[:GRAD_BATCH], ytr[:GRAD_BATCH])
    return ArmSetup(
        model=model,
        train=(xtr, ytr),
        test=(xte, yte),
        optimizer=optimizer,
        epochs=epochs,
        batch_size=batch,
        scheduler=scheduler,
        loss_fn=recorder,
        probes_per_epoch=1,
        probe=make_probe(label, xte[:1], grad_batch, recorder, steps_per_epoch, record),
        finish=make_finish(arm, params, data, record),
    )


def verdict(arms: dict[str, dict[str, float]], params: dict[str, Any]) -> dict[str, Any]:
    """Did degradation show (plain), and did residual learning remove it?"""
    loss = {arm: arms[arm]["final_train_loss"] for arm in ARMS}
    names = {arm: arm_label(arm, params) for arm in ARMS}
    spread = {arm: arms[arm].get("grad_first_over_last_init") for arm in ARMS[1::2]}
    return judge(loss, names, spread)


def judge(
    loss: dict[str, float],
    names: dict[str, str],
    spread: dict[str, float | None] | None = None,
) -> dict[str, Any]:
    """The verdict from the four final training losses (separate from training, for tests).

    `spread` (optional): for the deep arms, the first block's gradient norm over the last
    block's before training — quoted as evidence of how evenly the gradient reaches the layers.
    """
    ps, pd = loss["plain-shallow"], loss["plain-deep"]
    rs, rd = loss["residual-shallow"], loss["residual-deep"]
    n = names
    numbers = (
        f"{n['plain-shallow']} {ps:.4f}, {n['plain-deep']} {pd:.4f}, "
        f"{n['residual-shallow']} {rs:.4f}, {n['residual-deep']} {rd:.4f}"
    )
    untrained = abs(ps - CHANCE_LOSS) <= CHANCE_MARGIN
    stalled = abs(pd - CHANCE_LOSS) <= CHANCE_MARGIN and not untrained
    degraded = pd >= DEGRADE_RATIO * ps and pd - ps >= DEGRADE_MIN_GAP and not stalled
    removed = rd <= rs + RESIDUAL_TOLERANCE and not untrained
    res_stalled = abs(rd - CHANCE_LOSS) <= CHANCE_MARGIN
    ratio = pd / max(ps, 1e-12)
    en = [f"Final training loss: {numbers}."]
    ko = [f"최종 훈련 손실: {numbers}."]
    if untrained:
        en.append(
            f"Not even {n['plain-shallow']} left chance (ln 10 = {CHANCE_LOSS:.2f}): the "
            "budget is too small to compare anything. Train longer (epochs) or change lr."
        )
        ko.append(
            f"{n['plain-shallow']}조차 무작위 추측 수준(ln 10 = {CHANCE_LOSS:.2f})을 벗어나지 "
            "못했습니다: 비교하기에는 훈련 예산이 너무 작습니다. epochs를 늘리거나 lr을 바꾸세요."
        )
    elif stalled:
        en.append(
            f"{n['plain-deep']} stayed at chance (ln 10 = {CHANCE_LOSS:.2f}): it learned "
            "nothing at all. That is the signal vanishing through the layers (usually with "
            "BatchNorm off), not the degradation problem; turn BatchNorm on to see degradation."
        )
        ko.append(
            f"{n['plain-deep']}은(는) 무작위 추측 수준(ln 10 = {CHANCE_LOSS:.2f})에 머물러 "
            "아무것도 배우지 못했습니다. 이것은 층을 지나며 신호가 사라진 것(대개 배치 정규화를 "
            "껐을 때)이지 퇴화 문제가 아닙니다. 퇴화를 보려면 배치 정규화를 켜세요."
        )
    elif degraded:
        en.append(
            f"Degradation showed: the deeper plain net's training loss is {ratio:.1f}x the "
            "shallower one's, though it could have copied the shallow net and done as well."
        )
        ko.append(
            f"퇴화가 나타났습니다: 더 깊은 일반 신경망의 훈련 손실이 얕은 쪽의 {ratio:.1f}배입니다. "
            "얕은 신경망을 그대로 흉내 내기만 해도 그만큼은 할 수 있었는데도요."
        )
    else:
        en.append(
            f"Degradation did not show: the deeper plain net's loss is not at least "
            f"{DEGRADE_RATIO:g}x (and {DEGRADE_MIN_GAP} above) the shallower one's. Try a "
            "greater depth_deep or fewer epochs."
        )
        ko.append(
            f"퇴화가 나타나지 않았습니다: 깊은 일반 신경망의 손실이 얕은 쪽의 {DEGRADE_RATIO:g}배 "
            f"이상(그리고 {DEGRADE_MIN_GAP} 이상 차이)이 아닙니다. depth_deep을 키우거나 "
            "epochs를 줄여 보세요."
        )
    rs_name, rd_name = n["residual-shallow"], n["residual-deep"]
    if untrained:
        pass
    elif res_stalled:
        en.append(
            f"{rd_name} also stayed at chance: lower the learning rate (--set lr=...) "
            "or turn BatchNorm back on."
        )
        ko.append(
            f"{rd_name}도 무작위 추측 수준에 머물렀습니다. 학습률을 낮추거나 (--set lr=...) "
            "배치 정규화를 다시 켜세요."
        )
    elif stalled:
        en.append(
            f"{rd_name} did learn: its shortcuts carry the signal past the layers where the "
            "plain net's vanished."
        )
        ko.append(
            f"{rd_name}은(는) 학습했습니다: 지름길이 일반 신경망에서 신호가 사라진 층들을 "
            "건너 신호를 전해 줍니다."
        )
    elif removed and degraded:
        en.append(
            f"Residual learning removed it: {rd_name} trains as well as {rs_name} or better "
            f"(within {RESIDUAL_TOLERANCE})."
        )
        ko.append(
            f"잔차 학습이 이를 없앴습니다: {rd_name}은(는) {rs_name}만큼 또는 더 잘 "
            f"훈련됩니다 (허용 오차 {RESIDUAL_TOLERANCE})."
        )
    elif removed:
        en.append(f"{rd_name} also trains as well as {rs_name} or better.")
        ko.append(f"{rd_name}도 {rs_name}만큼 또는 더 잘 훈련됩니다.")
    else:
        en.append(
            f"Residual learning did not remove it here: {rd_name}'s loss is above "
            f"{rs_name}'s by more than {RESIDUAL_TOLERANCE}."
        )
        ko.append(
            f"여기서는 잔차 학습이 퇴화를 없애지 못했습니다: {rd_name}의 손실이 "
            f"{rs_name}보다 {RESIDUAL_TOLERANCE} 넘게 큽니다."
        )
    if spread and all(v is not None for v in spread.values()):
        pd_s, rd_s = spread["plain-deep"], spread["residual-deep"]
        en.append(
            "Before training, the first block's gradient norm was "
            f"{pd_s:.2g}x the last block's in {n['plain-deep']} and {rd_s:.2g}x in "
            f"{rd_name} (1 = evenly spread)."
        )
        ko.append(
            f"훈련 전 첫 블록의 경사 노름은 마지막 블록의 {pd_s:.2g}배({n['plain-deep']}), "
            f"{rd_s:.2g}배({rd_name})였습니다 (1이면 고르게 전달됨)."
        )
    return {
        "shown": degraded and removed,
        "degradation": degraded,
        "residual_fix": removed,
        "stalled_at_chance": stalled,
        "untrained": untrained,
        "evidence": {"ko": " ".join(ko), "en": " ".join(en)},
    }
