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
from functools import lru_cache
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from engine.data import images
from engine.labs import own_code
from engine.labs.resnet import ARMS, arm_label, arm_model
from engine.labs.resnet.resnet_verdict import verdict as _verdict
from engine.models.resnet import ResNetConfig, SmallImageNet, build
from engine.models.student import student_resnet
from engine.training import probes
from engine.training.context import RunContext
from engine.training.loop import ArmSetup, ProbeContext
from engine.training.meters import StepRecorder, merge_line, windowed_means

verdict = own_code.noted(_verdict)  # the lab's verdict, naming the student's files if used
GRAD_BATCH = 128  # training images in the fixed batch the gradient probe backpropagates
POINTS_PER_EPOCH = 4  # points of the overlaid loss curve
LOSS_CHART = "degradation/train_loss"  # the four arms' training losses, on one chart
MAX_MAP_SIDE = 16  # feature maps larger than this are average-pooled 2x2 for display
LECTURE = {  # ImageNet top-1 error (%), He et al. 2016, as quoted in the lecture
    "plain-shallow": ("plain-18", 27.94),
    "plain-deep": ("plain-34", 28.54),
    "residual-shallow": ("ResNet-18", 27.88),
    "residual-deep": ("ResNet-34", 25.03),
}
LECTURE_DEEPER = (("ResNet-50", 22.85), ("ResNet-152", 21.43))


@lru_cache(maxsize=1)
def _dataset(name: str, data_dir: str, download: bool, train_size: int) -> images.ImageData:
    """The run's images, loaded once per process (a missing file: `DatasetMissing`)."""
    return images.load(name, data_dir, download, train_size)


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


def make_probe(
    label: str,
    run: RunContext,
    sample: torch.Tensor,
    grad_batch: tuple[torch.Tensor, torch.Tensor],
    recorder: StepRecorder,
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
        tiled = probes.mosaic(first[0].float().cpu(), max_map_side=MAX_MAP_SIDE)
        title = {"ko": f"{label}: 첫 블록의 특징 맵", "en": f"{label}: first block's feature maps"}
        out.append(
            probes.heatmap(
                "features/block1", title, tiled["matrix"], value_range=(0, 1), tiles=tiled["tiles"]
            )
        )
        recorder.flush()
        if recorder.loss:
            first_step = ctx.step - len(recorder.loss)  # a resumed arm records from its resume
            line = windowed_means(recorder.loss, steps_per_epoch, POINTS_PER_EPOCH, first_step)
            run.curve(LOSS_CHART)[label] = merge_line(run.curve(LOSS_CHART).get(label), line)
            out.append(overlay(run))
        return out

    return probe


def overlay(run: RunContext) -> dict[str, Any]:
    title = {"ko": "훈련 손실: 네 신경망 비교", "en": "training loss of the four nets"}
    return probes.series(LOSS_CHART, title, run.curve(LOSS_CHART), "epoch", "train loss")


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


def make_finish(arm: str, run: RunContext, data: images.ImageData, record: dict):  # type: ignore[no-untyped-def]
    def finish(ctx: ProbeContext) -> tuple[dict[str, float], list[dict[str, Any]]]:
        metrics = final_metrics(ctx.model, data, ctx.device)
        metrics.update(record)
        events = [overlay(run)] if run.curve(LOSS_CHART) else []
        events.append(results_table(run.params, run.finals_with(arm, metrics)))
        return metrics, events

    return finish


# --- the lab interface --------------------------------------------------------------------


def setup(arm: str, run: RunContext, device: torch.device) -> ArmSetup:
    """Model, data and optimiser of one arm (the caller has seeded torch with the seed)."""
    params = run.params
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
    mine = own_code.load(run, ("residual_block",) if family == "residual" else ())
    if mine:  # the student's ResidualBlock in every block of the residual nets
        model = student_resnet(mine["residual_block"], config).to(device)
    else:
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
    recorder = StepRecorder()
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
        probe=make_probe(label, run, xte[:1], grad_batch, recorder, steps_per_epoch, record),
        finish=make_finish(arm, run, data, record),
    )
