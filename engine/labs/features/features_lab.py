"""Lab `features` — layers and features (층과 특징).

The lecture opens with the claim that a deep network's low layers detect low-level features
(strokes, edges) and its high layers composite ones, which is why depth buys expressive power.
We train a small CNN on scikit-learn's 8x8 digits and look inside it:

- feature maps of every conv layer for one display digit (heatmaps, during training);
- each layer's gradient norm (bars), loss and accuracy curves (series);
- at the end, how *class-selective* each layer's channels are (Morcos et al., 2018, "On the
  importance of single directions for generalization"): for a channel with class-conditional
  mean activations mu_c, selectivity = (mu_max - mean of the other mu_c) / (mu_max + that mean),
  0 when a channel fires equally for every digit, 1 when it fires for one digit only.
  A stroke detector fires for many digits; a composite feature for few.

The verdict (`features_verdict.py`) holds when the net classifies well (test accuracy >=
0.90) and its last conv layer is at least twice as class-selective as its first.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import torch
from torch import nn

from engine.data.digits import digits_split
from engine.labs.features.features_verdict import verdict  # noqa: F401 - the lab's verdict
from engine.models.features_cnn import FeatureNet, FeatureNetConfig, layer_names
from engine.text import shade
from engine.training import probes
from engine.training.context import RunContext
from engine.training.loop import ArmSetup, ProbeContext

DISPLAY_DIGIT = 3  # the display sample is the first test image of this digit
MAX_TILES = 36  # feature-map channels shown per layer (a 6x6 mosaic at most)


# --- measurements -------------------------------------------------------------------------


@torch.no_grad()
def pooled_features(model: FeatureNet, images: torch.Tensor) -> list[torch.Tensor]:
    """Each layer's channels averaged over space: [(N, C_1), (N, C_2), ...]."""
    model.eval()
    return [m.float().mean(dim=(2, 3)) for m in model.features(images)]


def class_means(feats: torch.Tensor, labels: torch.Tensor, classes: int) -> torch.Tensor:
    """Mean activation of each channel for each class: (classes, C)."""
    return torch.stack([feats[labels == c].mean(0) for c in range(classes)])


def selectivity(means: torch.Tensor) -> float:
    """Mean class selectivity index of the live channels of one layer (0 = none, 1 = total)."""
    top, _ = means.max(0)
    rest = (means.sum(0) - top) / (means.shape[0] - 1)
    alive = top > 1e-6  # a channel that never fires has no preference to measure
    if not bool(alive.any()):
        return 0.0
    return float(((top - rest) / (top + rest + 1e-12))[alive].mean())


def nearest_mean_accuracy(
    train: tuple[torch.Tensor, torch.Tensor], test: tuple[torch.Tensor, torch.Tensor]
) -> float:
    """Accuracy of classifying test features by the nearest class mean of the train features."""
    (xtr, ytr), (xte, yte) = train, test
    centres = class_means(xtr, ytr, int(ytr.max()) + 1)
    pred = torch.cdist(xte, centres).argmin(1)
    return float((pred == yte).float().mean())


# --- probes -------------------------------------------------------------------------------


def ascii_digit(image: torch.Tensor) -> str:
    """An 8x8 image in [0, 1] as text, darkest to brightest."""
    return "\n".join("".join(shade(v) * 2 for v in row) for row in image.squeeze(0).tolist())


def make_probe(sample: torch.Tensor, label: int, depth: int):  # type: ignore[no-untyped-def]
    """The lab's probe: feature maps, gradient norms and the prediction for `sample`."""
    names = layer_names(depth)

    @torch.no_grad()
    def probe(ctx: ProbeContext) -> list[dict[str, Any]]:
        model = ctx.model
        assert isinstance(model, FeatureNet)
        x = sample.to(ctx.device)
        maps = model.features(x)
        logits = model.fc(maps[-1].mean(dim=(2, 3)))
        out = []
        for name, m in zip(names, maps, strict=True):
            tiled = probes.mosaic(m[0].float().cpu(), max_tiles=MAX_TILES)
            title = {"ko": f"{name}의 특징 맵", "en": f"{name} feature maps"}
            out.append(
                probes.heatmap(
                    f"features/{name}",
                    title,
                    tiled["matrix"],
                    value_range=(0, 1),
                    tiles=tiled["tiles"],
                )
            )
        grads = [_grad_norm(layer) for layer in model.layers] + [_grad_norm(model.fc)]
        if all(g is not None for g in grads):
            title = {"ko": "층별 경사 노름", "en": "gradient norm per layer"}
            values = [float(g) for g in grads if g is not None]
            out.append(probes.bars("gradients", title, names + ["fc"], values, "||dL/dW||"))
        p = torch.softmax(logits.float(), dim=1)[0]
        pred = int(p.argmax())
        title = {"ko": "표시 샘플", "en": "display sample"}
        output = f"predicted {pred} (p={float(p[pred]):.2f}); true {label}"
        out.append(probes.text("sample", title, ascii_digit(sample[0].cpu()), output))
        return out

    return probe


def _grad_norm(module: nn.Module) -> float | None:
    grads = [p.grad for p in module.parameters() if p.grad is not None]
    if not grads:
        return None
    return float(torch.linalg.vector_norm(torch.stack([g.float().norm() for g in grads])))


def make_finish(init_state: dict[str, Any], config: FeatureNetConfig, data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """After training: selectivity per layer, trained vs untrained, as metrics and probes."""
    names = layer_names(config.depth)

    def finish(ctx: ProbeContext) -> tuple[dict[str, float], list[dict[str, Any]]]:
        model = ctx.model
        assert isinstance(model, FeatureNet)
        untrained = FeatureNet(config).to(ctx.device)
        untrained.load_state_dict(init_state)
        xtr, ytr, xte, yte = data["train_x"], data["train_y"], data["test_x"], data["test_y"]
        trained_te, trained_tr = pooled_features(model, xte), pooled_features(model, xtr)
        init_te = pooled_features(untrained, xte)
        metrics: dict[str, float] = {}
        rows, events = [], []
        for k, name in enumerate(names):
            means = class_means(trained_te[k], yte, config.classes)
            si = selectivity(means)
            si0 = selectivity(class_means(init_te[k], yte, config.classes))
            nm = nearest_mean_accuracy((trained_tr[k], ytr), (trained_te[k], yte))
            metrics[f"selectivity_{name}"] = si
            metrics[f"selectivity_init_{name}"] = si0
            metrics[f"nearest_mean_acc_{name}"] = nm
            size = data["map_sizes"][k]
            rows.append([name, means.shape[1], f"{size}x{size}", si0, si, nm])
            if k in (0, len(names) - 1):
                response = means.T.cpu()  # (C, classes)
                response = response / response.amax(1, keepdim=True).clamp_min(1e-12)
                title = {
                    "ko": f"{name} 채널별 숫자 반응 (행마다 최댓값=1)",
                    "en": f"{name}: each channel's response per digit (row max = 1)",
                }
                events.append(
                    probes.heatmap(
                        f"class_response/{name}",
                        title,
                        response,
                        rows=[f"ch{c}" for c in range(response.shape[0])],
                        cols=[str(d) for d in range(config.classes)],
                        value_range=(0, 1),
                    )
                )
        title = {"ko": "층별 클래스 선택성", "en": "class selectivity per layer"}
        columns = [
            "layer",
            "channels",
            "map",
            "selectivity (untrained)",
            "selectivity",
            "nearest-mean acc",
        ]
        events.insert(0, probes.table("selectivity", title, columns, rows))
        return metrics, events

    return finish


# --- the lab interface --------------------------------------------------------------------


def setup(arm: str, run: RunContext, device: torch.device) -> ArmSetup:
    """Model, data and optimiser for the single arm `cnn` (the caller has seeded torch)."""
    params = run.params
    config = FeatureNetConfig(width=int(params["width"]), depth=int(params["depth"]))
    model = FeatureNet(config).to(device)
    init_state = copy.deepcopy(model.state_dict())
    xtr, ytr, xte, yte = (t.to(device) for t in digits_split())
    epochs, batch = int(params["epochs"]), int(params["batch_size"])
    lr = float(params["lr"])
    if params["optimizer"] == "adam":
        optimizer: torch.optim.Optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4)
    steps = epochs * math.ceil(len(xtr) / batch)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    shown = int(torch.nonzero(yte == DISPLAY_DIGIT)[0])
    sample = xte[shown : shown + 1]
    sizes = [8 if k < 2 else 8 // 2 ** (k - 1) for k in range(config.depth)]
    data = {"train_x": xtr, "train_y": ytr, "test_x": xte, "test_y": yte, "map_sizes": sizes}
    return ArmSetup(
        model=model,
        train=(xtr, ytr),
        test=(xte, yte),
        optimizer=optimizer,
        epochs=epochs,
        batch_size=batch,
        scheduler=scheduler,
        clip=float(params["clip"]) or None,
        probes_per_epoch=1,  # an epoch is ~23 steps (0.1 s): once is plenty to watch
        probe=make_probe(sample, DISPLAY_DIGIT, config.depth),
        finish=make_finish(init_state, config, data),
    )
