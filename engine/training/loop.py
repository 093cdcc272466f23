"""The generic training loop every lab uses: `train()` an epoch, `evaluate()` a split.

One `Trainer` trains one arm. It emits the run protocol's `step`, `eval` and `probe` events,
stops cleanly when asked (the caller checkpoints and ends as `cancelled`), and raises
`Diverged` on a NaN/inf loss. Its whole position — weights, optimiser, schedule, the epoch's
shuffle and how far into it we are, the running sums — fits in `state_dict()`, so a resumed
CPU run repeats the uninterrupted one bit for bit.

Data is held as tensors on the device and batched by indexing with a shuffled permutation:
for datasets of a few thousand samples this is as fast as training gets, with no workers.

Under torchrun (`ranks`, `engine.training.distributed`) each rank trains on its share of
every batch through `DistributedDataParallel`, and every figure an event reports — the step
loss, the training sums, the test metrics — is summed over the ranks first, so the events of
a 2-process run read like those of a 1-process one. `loss_fn` must be a mean over the
batch's samples (all our losses are): each rank's loss is weighted by its share of the batch.

Why one file: the step loop, the position a checkpoint saves, the evaluation and the
running sums they share (summed over ranks at every event) are one piece of state; split
up, each half would reach into the other's tensors.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from engine.device import Precision
from engine.errors import DlearnError
from engine.training import probes
from engine.training.distributed import SOLO, Ranks, shard

Emit = Callable[..., Any]
Tensors = tuple[torch.Tensor, torch.Tensor]


class Diverged(DlearnError):
    """The loss became NaN or infinite."""

    def __init__(self, arm: str, step: int, loss: float, lr: float) -> None:
        self.arm, self.step, self.loss, self.lr = arm, step, loss, lr
        super().__init__(
            f"training diverged: arm '{arm}' reached a loss of {loss} at step {step} "
            f"(learning rate {lr:.3g}). Try a lower learning rate (--set lr=...).",
            f"훈련이 발산했습니다: '{arm}'의 손실이 {step}단계에서 {loss}이(가) 되었습니다 "
            f"(학습률 {lr:.3g}). 더 낮은 학습률로 다시 해 보세요 (--set lr=...).",
        )


class Interrupted(Exception):
    """A stop was requested; the trainer stopped at a step boundary."""


@dataclass
class ProbeContext:
    """What a lab's probe function gets: the model (in eval mode) and where training is."""

    model: nn.Module
    arm: str
    step: int
    epoch: int
    device: torch.device


@dataclass
class ArmSetup:
    """Everything the loop needs to train one arm; a lab's `setup()` returns one."""

    model: nn.Module
    train: Tensors  # (inputs, targets) on the device
    test: Tensors
    optimizer: torch.optim.Optimizer
    epochs: int
    batch_size: int
    scheduler: Any = None  # an LR scheduler stepped after every optimiser step
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.cross_entropy
    classify: bool = True  # count correct predictions (argmax of the output)
    clip: float | None = None  # max gradient norm
    evals_per_epoch: int = 1
    probes_per_epoch: int = 2
    log_every: int = 10  # steps per `step` event
    probe: Callable[[ProbeContext], list[dict[str, Any]]] | None = None
    finish: Callable[[ProbeContext], tuple[dict[str, float], list[dict[str, Any]]]] | None = None
    # reorders each epoch's shuffled permutation of the training set (on the CPU), e.g. into
    # batches of similar length; a function of the permutation, so a resumed epoch repeats it
    order: Callable[[torch.Tensor], torch.Tensor] | None = None
    # what `step` events report for a batch, if not its loss: e.g. the per-token mean when the
    # loss is summed over tokens and batches of similar length make it swing with the length
    report: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None


@dataclass
class Position:
    """Where training is; everything here goes into the checkpoint."""

    epoch: int = 0
    step_in_epoch: int = 0
    global_step: int = 0
    shuffle_state: torch.Tensor | None = None  # generator state at the start of this epoch
    history: dict[str, list[float]] = field(default_factory=dict)


def _cadence(steps_per_epoch: int, per_epoch: int) -> set[int]:
    """The steps within an epoch (1-based) after which something happens `per_epoch` times."""
    if per_epoch <= 0:
        return set()
    return {max(1, round(k * steps_per_epoch / per_epoch)) for k in range(1, per_epoch + 1)}


class Trainer:
    """Trains one arm with the events of the run protocol."""

    def __init__(
        self,
        arm: str,
        setup: ArmSetup,
        emit: Emit,
        precision: Precision,
        seed: int,
        should_stop: Callable[[], bool] = lambda: False,
        checkpoint: Callable[[], None] | None = None,
        checkpoint_every_s: float = 30.0,
        ranks: Ranks = SOLO,
    ) -> None:
        self.arm, self.s, self.emit, self.precision = arm, setup, emit, precision
        self.ranks = ranks
        self.should_stop, self.checkpoint = should_stop, checkpoint
        self.checkpoint_every_s = checkpoint_every_s
        self.device = setup.train[0].device
        self.n_train = len(setup.train[0])
        self.steps_per_epoch = math.ceil(self.n_train / setup.batch_size)
        self.total_steps = self.steps_per_epoch * setup.epochs
        self.shuffle = torch.Generator().manual_seed(seed)
        self.pos = Position()
        self.params = [p for p in setup.model.parameters() if p.requires_grad]
        self.net = ranks.wrap(setup.model, self.device)  # what the training step calls
        self._zero_sums()
        self._evals = _cadence(self.steps_per_epoch, setup.evals_per_epoch)
        self._probes = _cadence(self.steps_per_epoch, setup.probes_per_epoch)
        self.last_metrics: dict[str, float] = {}
        self.resumed = False
        self._last_ckpt = time.monotonic()

    # --- state -----------------------------------------------------------------------------

    def _zero_sums(self) -> None:
        """Running sums: tensors, so that accumulating them never waits for the device."""
        self.epoch_loss = torch.zeros((), device=self.device)  # sum of loss x batch size
        self.epoch_correct = torch.zeros((), device=self.device, dtype=torch.long)
        self.epoch_seen = 0
        self._zero_window()

    def _zero_window(self) -> None:
        self.window_loss = torch.zeros((), device=self.device)  # since the last step event
        self.window_n = 0

    def _global_sums(self) -> tuple[float, int, int, float, int]:
        """(loss sum, correct, seen, window loss, window steps) over every rank."""
        t = torch.stack(
            [
                self.epoch_loss.double(),
                self.epoch_correct.double(),
                torch.tensor(float(self.epoch_seen), dtype=torch.float64, device=self.device),
                self.window_loss.double(),
            ]
        )
        loss, correct, seen, window = self.ranks.sum_(t).tolist()
        return loss, int(correct), int(seen), window, self.window_n

    def state_dict(self) -> dict[str, Any]:
        """The arm's position; under torchrun a collective (the sums are every rank's)."""
        s = self.s
        self.ranks.sync_buffers(s.model)
        loss, correct, seen, window, window_n = self._global_sums()
        return {
            "model": s.model.state_dict(),
            "optimizer": s.optimizer.state_dict(),
            "scheduler": s.scheduler.state_dict() if s.scheduler is not None else None,
            "scaler": self.precision.scaler.state_dict() if self.precision.scaler else None,
            "epoch": self.pos.epoch,
            "step_in_epoch": self.pos.step_in_epoch,
            "global_step": self.pos.global_step,
            "shuffle_state": self.pos.shuffle_state,
            "history": self.pos.history,
            "sums": {
                "loss": torch.tensor(loss, dtype=self.epoch_loss.dtype),
                "correct": torch.tensor(correct, dtype=torch.long),
                "seen": seen,
            },
            "window": {"loss": torch.tensor(window, dtype=self.window_loss.dtype), "n": window_n},
            "last_metrics": self.last_metrics,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        s = self.s
        s.model.load_state_dict(state["model"])
        s.optimizer.load_state_dict(state["optimizer"])
        if s.scheduler is not None and state["scheduler"] is not None:
            s.scheduler.load_state_dict(state["scheduler"])
        if self.precision.scaler is not None and state["scaler"] is not None:
            self.precision.scaler.load_state_dict(state["scaler"])
        self.pos = Position(
            state["epoch"],
            state["step_in_epoch"],
            state["global_step"],
            state["shuffle_state"],
            {k: list(v) for k, v in state["history"].items()},
        )
        sums, window = state["sums"], state["window"]
        self.epoch_loss = sums["loss"].to(self.device)
        self.epoch_correct = sums["correct"].to(self.device)
        self.epoch_seen = int(sums["seen"])
        self.window_loss, self.window_n = window["loss"].to(self.device), int(window["n"])
        self.last_metrics = dict(state["last_metrics"])
        self.resumed = True
        if not self.ranks.is_main:  # the saved sums are every rank's: rank 0 carries them
            n = self.window_n
            self._zero_sums()
            self.window_n = n

    # --- training --------------------------------------------------------------------------

    def fit(self) -> dict[str, float]:
        """Train the remaining epochs; return the final metrics (plus the lab's `finish`)."""
        if self.pos.global_step == 0 and not self.resumed:
            self._probe()  # the untrained net, for comparison
        self._last_ckpt = time.monotonic()
        while self.pos.epoch < self.s.epochs:
            self.train_epoch()
            self.pos.epoch += 1
            self.pos.step_in_epoch = 0
            self.pos.shuffle_state = None
        metrics = dict(self.last_metrics)
        if self.s.finish is not None:
            self.ranks.sync_buffers(self.s.model)
            extra, events = self.s.finish(self._context())
            metrics.update(extra)
            for probe in events:
                self.emit("probe", arm=self.arm, step=self.pos.global_step, **probe)
        return metrics

    def train_epoch(self) -> None:
        """One pass over the training data, from wherever the position says we are."""
        s, pos = self.s, self.pos
        if pos.shuffle_state is None:
            pos.shuffle_state = self.shuffle.get_state()
            self._zero_sums()
        else:  # resuming mid-epoch: replay the same shuffle
            self.shuffle.set_state(pos.shuffle_state)
        order = torch.randperm(self.n_train, generator=self.shuffle)
        if s.order is not None:
            order = s.order(order)
        order = order.to(self.device)
        inputs, targets = s.train
        s.model.train()
        window_start = time.perf_counter()
        ranks = self.ranks
        for i in range(pos.step_in_epoch, self.steps_per_epoch):
            idx = order[i * s.batch_size : (i + 1) * s.batch_size]
            share = 1.0  # this rank's part of the batch
            if ranks.distributed:
                idx, share = shard(idx, order, ranks.rank, ranks.world)
            x, y = inputs[idx], targets[idx]
            with self.precision.autocast():
                out = self.net(x)
                loss = s.loss_fn(out, y)
            s.optimizer.zero_grad(set_to_none=True)
            # DDP averages the ranks' gradients: weighted so, they sum to the whole batch's
            self.precision.backward(loss * (share * ranks.world) if ranks.distributed else loss)
            if s.clip:
                self.precision.unscale(s.optimizer)
                nn.utils.clip_grad_norm_(self.params, s.clip)
            self.precision.step(s.optimizer)
            if s.scheduler is not None:
                s.scheduler.step()

            n = len(y)
            batch_loss = loss.detach().float()
            self.epoch_loss.add_(batch_loss, alpha=n)
            self.epoch_seen += n
            if s.classify:
                self.epoch_correct += (out.argmax(1) == y).sum()
            if s.report is not None:
                with torch.no_grad():
                    self.window_loss += s.report(out.detach(), y).float() * share
            else:
                self.window_loss += batch_loss * share
            self.window_n += 1
            pos.step_in_epoch = i + 1
            pos.global_step += 1

            end = pos.step_in_epoch == self.steps_per_epoch
            if pos.global_step % s.log_every == 0 or end:
                self._log_step(window_start)
                window_start = time.perf_counter()
            if pos.step_in_epoch in self._evals:
                self._eval()
            if pos.step_in_epoch in self._probes:
                self._probe()
                s.model.train()
            due = bool(self.checkpoint) and (
                time.monotonic() - self._last_ckpt > self.checkpoint_every_s
            )
            stop, due = ranks.agree(self.should_stop(), due, device=self.device)
            if stop:
                raise Interrupted
            if due and self.checkpoint is not None:
                self.checkpoint()
                self._last_ckpt = time.monotonic()

    def _lr(self) -> float:
        return float(self.s.optimizer.param_groups[0]["lr"])

    def _log_step(self, window_start: float) -> None:
        n = self.window_n
        window = self.window_loss.detach().clone()
        loss = self.ranks.sum_(window).item() / max(n, 1)  # the whole batches' mean loss
        if not math.isfinite(loss):
            raise Diverged(self.arm, self.pos.global_step, loss, self._lr())
        seconds = max(time.perf_counter() - window_start, 1e-9)
        self.emit(
            "step",
            arm=self.arm,
            step=self.pos.global_step,
            total=self.total_steps,
            epoch=self.pos.epoch + self.pos.step_in_epoch / self.steps_per_epoch,
            loss=round(loss, 6),
            lr=float(f"{self._lr():.6g}"),
            samples_per_s=round(n * self.s.batch_size / seconds, 1),
        )
        self._zero_window()

    @torch.no_grad()
    def evaluate(self, data: Tensors, batch_size: int = 1024) -> dict[str, float]:
        """Mean loss (and accuracy) of the model on `data`, in eval mode.

        Under torchrun each rank evaluates its own slice (no sample twice, none padded) and
        the sums and counts are added over the ranks."""
        model = self.s.model
        was_training = model.training
        model.eval()
        inputs, targets = data
        total = len(inputs)
        if self.ranks.distributed:
            r, w = self.ranks.rank, self.ranks.world
            lo, hi = total * r // w, total * (r + 1) // w
            inputs, targets = inputs[lo:hi], targets[lo:hi]
        loss_sum = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device)
        for i in range(0, len(inputs), batch_size):
            x, y = inputs[i : i + batch_size], targets[i : i + batch_size]
            with self.precision.autocast():
                out = model(x)
                loss_sum += self.s.loss_fn(out, y).float() * len(y)
            if self.s.classify:
                correct += (out.argmax(1) == y).sum()
        model.train(was_training)
        sums = torch.stack([loss_sum.double(), correct.double()])
        loss_total, correct_total = self.ranks.sum_(sums).tolist()
        n = max(total, 1)
        metrics = {"loss": loss_total / n}
        if self.s.classify:
            metrics["acc"] = correct_total / n
        return metrics

    def _eval(self) -> None:
        self.ranks.sync_buffers(self.s.model)
        loss, correct, seen, _, _ = self._global_sums()
        seen = max(seen, 1)
        metrics = {"train_loss": loss / seen}
        if self.s.classify:
            metrics["train_acc"] = correct / seen
        test = self.evaluate(self.s.test)
        metrics.update({f"test_{k}": v for k, v in test.items()})
        if not math.isfinite(metrics["train_loss"]):
            raise Diverged(self.arm, self.pos.global_step, metrics["train_loss"], self._lr())
        self.last_metrics = metrics
        epoch = self.pos.epoch + self.pos.step_in_epoch / self.steps_per_epoch
        self.emit("eval", arm=self.arm, step=self.pos.global_step, epoch=epoch, metrics=metrics)
        h = self.pos.history
        h.setdefault("step", []).append(float(self.pos.global_step))
        for k, v in metrics.items():
            h.setdefault(k, []).append(v)
        self._emit_curves()

    def _emit_curves(self) -> None:
        h, steps = self.pos.history, self.pos.history["step"]
        loss: dict[str, tuple[list[float], list[float]]] = {
            k: (steps, h[k]) for k in ("train_loss", "test_loss") if k in h
        }
        title = {"ko": "손실 곡선", "en": "Loss"}
        self._emit_probe(probes.series("curves/loss", title, loss, "step", "loss"))
        if self.s.classify:
            acc: dict[str, tuple[list[float], list[float]]] = {
                k: (steps, h[k]) for k in ("train_acc", "test_acc") if k in h
            }
            title = {"ko": "정확도 곡선", "en": "Accuracy"}
            self._emit_probe(probes.series("curves/accuracy", title, acc, "step", "accuracy"))

    def _context(self) -> ProbeContext:
        return ProbeContext(
            self.s.model, self.arm, self.pos.global_step, self.pos.epoch, self.device
        )

    def _probe(self) -> None:
        """Every rank computes the probes (rank 0's are written): a probe that runs the model
        in train mode (SyncBatchNorm on CUDA) needs every rank, and the ranks stay alike."""
        if self.s.probe is None:
            return
        self.ranks.sync_buffers(self.s.model)
        model = self.s.model
        was_training = model.training
        model.eval()
        try:
            for probe in self.s.probe(self._context()):
                self._emit_probe(probe)
        finally:
            model.train(was_training)

    def _emit_probe(self, probe: dict[str, Any]) -> None:
        self.emit("probe", arm=self.arm, step=self.pos.global_step, **probe)
