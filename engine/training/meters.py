"""Small measurements the labs share: per-step losses, windowed means, timed steps.

- `StepRecorder` is a training loss (cross-entropy) that also keeps every training step's
  loss (and, if asked, the batch accuracy) for the curves several arms draw on one chart.
- `windowed_means` turns those per-step values into a smooth line in epochs.
- `merge_line` joins a resumed arm's new line to what its run drew before the stop.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

Line = tuple[list[float], list[float]]


class StepRecorder:
    """Cross-entropy for the training loop, keeping each training step's loss (and accuracy).

    Evaluation runs under `no_grad`, so only training steps are recorded. Values wait on the
    device as tensors and are read in one transfer by `flush`.
    """

    def __init__(self, accuracy: bool = False) -> None:
        self.accuracy = accuracy
        self.loss: list[float] = []
        self.acc: list[float] = []
        self._pending: list[torch.Tensor] = []

    def __call__(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        loss = F.cross_entropy(out, target)
        if torch.is_grad_enabled():
            value = loss.detach().float()
            if self.accuracy:
                acc = (out.detach().argmax(1) == target).float().mean()
                value = torch.stack([value, acc])
            self._pending.append(value)
        return loss

    def flush(self) -> None:
        """Move the pending values into `loss` (and `acc`)."""
        if not self._pending:
            return
        values = torch.stack(self._pending).cpu().tolist()
        self._pending = []
        if self.accuracy:
            self.loss += [v[0] for v in values]
            self.acc += [v[1] for v in values]
        else:
            self.loss += values


def windowed_means(
    values: list[float], steps_per_epoch: int, points_per_epoch: int, first_step: int = 0
) -> Line:
    """Means over windows of 1/`points_per_epoch` of an epoch: (epochs, means).

    `first_step` is the global step of `values[0]` (a resumed arm records from there).
    """
    window = max(1, steps_per_epoch // points_per_epoch)
    xs: list[float] = []
    ys: list[float] = []
    for start in range(0, len(values) - window + 1, window):
        xs.append((first_step + start + window) / steps_per_epoch)
        ys.append(sum(values[start : start + window]) / window)
    return xs, ys


def merge_line(before: Line | None, now: Line) -> Line:
    """`now`, preceded by the points of `before` that lie left of it (drawn before a resume)."""
    if not before or not now[0]:
        return now
    start = now[0][0]
    kept = [(x, y) for x, y in zip(*before, strict=True) if x < start]
    return [x for x, _ in kept] + now[0], [y for _, y in kept] + now[1]
