"""Data-parallel training across processes: what one rank of a `torchrun` run knows and does.

`Ranks` is the run's view of its process group. With one process (no torchrun) it is `SOLO`
and every operation is a no-op, so the loop reads the same either way. Under torchrun
(`engine.runs.supervise` starts it) every rank runs the whole lab — every arm, probe and
`finish` — on the same data and seed; only three things differ by rank:

- each rank trains on its share of every batch: rank r takes positions r, r+N, r+2N, ... of
  the epoch's batch, DistributedSampler's split, so the N shares of batch i are exactly
  the one-process batch i (the lab's `batch_size` is the global batch);
- `DistributedDataParallel` averages the gradients; the loop weights each rank's mean loss
  by its share, so the averaged gradient is the one-process gradient of the whole batch;
- rank 0 alone writes events, checkpoints and the summary (the others write nothing).

Decisions that must be the same on every rank — stop now, checkpoint now, the loss went
NaN — are taken together (`agree`, an all-reduce of a few flags after every step), because
a rank that leaves the step loop alone leaves the others waiting in the next all-reduce.

The process group rendezvous through a `FileStore` that the supervisor names in
`DLEARN_DIST_STORE` (no TCP server listening anywhere); gloo's own sockets use the interface
of `GLOO_SOCKET_IFNAME` (the supervisor sets `lo` for a one-node run). Runs across nodes use
torchrun's `env://` rendezvous instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

STORE_ENV = "DLEARN_DIST_STORE"  # a FileStore path for the process group (one node)
TIMEOUT = timedelta(minutes=30)  # a collective waiting longer than this fails the run


@dataclass
class Ranks:
    """This process's place in the run: rank, world size, and the collectives it needs."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0
    local_world: int = 1
    backend: str = ""  # "gloo" or "nccl"; "" for a one-process run
    active: bool = False  # collectives go to the group (False once the others have left)
    parent: int = 0  # the torchrun agent's pid: if it vanishes, this rank stops

    @property
    def is_main(self) -> bool:
        """Rank 0: the one that writes."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world > 1

    def wrap(self, model: nn.Module, device: torch.device) -> nn.Module:
        """The module the training step calls: `model` itself, or DDP around it.

        On CUDA BatchNorm becomes SyncBatchNorm (statistics over the whole batch); on the CPU
        it stays per-process BatchNorm (gloo's SyncBatchNorm is slow and the batch per
        process is what the notes say)."""
        if not self.active:
            return model
        if device.type == "cuda":
            nn.SyncBatchNorm.convert_sync_batchnorm(model)  # children replaced in place
            return nn.parallel.DistributedDataParallel(
                model, device_ids=[device.index], output_device=device.index
            )
        return nn.parallel.DistributedDataParallel(model)

    def sum_(self, tensor: torch.Tensor) -> torch.Tensor:
        """All-reduce `tensor` in place (a sum over ranks) and return it."""
        if self.active:
            dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return tensor

    def agree(self, *flags: bool, device: torch.device) -> list[bool]:
        """Each flag true on any rank is true on every rank (one small all-reduce)."""
        if not self.active:
            return list(flags)
        if self.parent and os.getppid() != self.parent:  # torchrun is gone: stop here
            flags = (True, *flags[1:])
        t = torch.tensor([int(f) for f in flags], dtype=torch.int32, device=device)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return [bool(v) for v in t.tolist()]

    def barrier(self) -> None:
        if self.active:
            dist.barrier()

    def sync_buffers(self, model: nn.Module) -> None:
        """Every rank takes rank 0's buffers (BatchNorm statistics), so that evaluation,
        probes and the checkpoint see one model. DDP keeps the parameters equal itself."""
        if not self.active:
            return
        for buf in model.buffers():
            dist.broadcast(buf, src=0)

    def gather(self, value: Any) -> list[Any]:
        """Every rank's `value`, in rank order, on rank 0 (others get [])."""
        if not self.active:
            return [value]
        out: list[Any] = [None] * self.world if self.is_main else []
        dist.gather_object(value, out if self.is_main else None, dst=0)
        return out

    def leave(self) -> None:
        """End this rank's part in the group (rank 0 carries on alone afterwards)."""
        if self.active:
            self.active = False
            dist.destroy_process_group()


def shard(
    batch: torch.Tensor, order: torch.Tensor, rank: int, world: int
) -> tuple[torch.Tensor, float]:
    """This rank's part of one batch (positions rank, rank+world, ...) and its share of it.

    DistributedSampler's split applied per batch: together the ranks' parts are the batch.
    A batch smaller than `world` (a ragged last one) is padded from the epoch's start, so
    that no rank steps with nothing."""
    if len(batch) < world:
        batch = torch.cat([batch, order[: world - len(batch)]])
    part = batch[rank::world]
    return part, len(part) / len(batch)


SOLO = Ranks()


def from_env() -> Ranks:
    """The `Ranks` torchrun's environment describes, or `SOLO` outside torchrun."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1 or "LOCAL_RANK" not in os.environ:
        return Ranks()
    return Ranks(
        rank=int(os.environ["RANK"]),
        world=world,
        local_rank=int(os.environ["LOCAL_RANK"]),
        local_world=int(os.environ.get("LOCAL_WORLD_SIZE", world)),
    )


def join(ranks: Ranks, device: torch.device) -> None:
    """Join the process group: NCCL on CUDA, gloo on the CPU; rendezvous through the file
    store the supervisor named, else torchrun's `env://` (several nodes)."""
    if not ranks.distributed:
        return
    ranks.backend = "nccl" if device.type == "cuda" else "gloo"
    store = os.environ.get(STORE_ENV)
    kwargs: dict[str, Any] = {"backend": ranks.backend, "timeout": TIMEOUT}
    if device.type == "cuda":
        kwargs["device_id"] = device
    if store:
        kwargs.update(init_method=f"file://{store}", rank=ranks.rank, world_size=ranks.world)
    dist.init_process_group(**kwargs)
    ranks.active = True
    ranks.parent = os.getppid()


def rng_state(device: torch.device) -> dict[str, Any]:
    """This rank's random generators: the CPU's, and its own GPU's (not every GPU's)."""
    state: dict[str, Any] = {"torch": torch.get_rng_state()}
    if device.type == "cuda":
        state["cuda_device"] = torch.cuda.get_rng_state(device)
    return state


def set_rng_state(state: dict[str, Any], device: torch.device) -> None:
    torch.set_rng_state(state["torch"])
    if device.type == "cuda" and "cuda_device" in state:
        torch.cuda.set_rng_state(state["cuda_device"], device)


def is_comm_error(exc: BaseException) -> bool:
    """A collective failed because another rank died (its socket closed, a timeout)."""
    backend_error = getattr(dist, "DistBackendError", None)
    if backend_error is not None and isinstance(exc, backend_error):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and any(
        s in text for s in ("gloo", "nccl", "connection", "peer", "timed out", "socket")
    )
