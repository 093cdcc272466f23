"""Where a run trains: CUDA, then Apple MPS, then the CPU; and in what precision.

On CUDA the forward pass runs under autocast (bf16 where the GPU supports it, else fp16 with a
GradScaler so small gradients do not flush to zero). On the CPU training stays fp32 and uses
one thread per physical core: hyper-threads only add contention for these small kernels.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from engine.errors import DeviceError
from engine.runs.launch import DEVICE_PATTERN


def physical_cores() -> int:
    """Physical cores this process may use (hyper-thread siblings counted once)."""
    try:
        cpus = sorted(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        return max(1, (os.cpu_count() or 2) // 2)
    cores = set()
    for cpu in cpus:
        topo = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        try:
            pkg = (topo / "physical_package_id").read_text().strip()
            core = (topo / "core_id").read_text().strip()
        except OSError:
            return max(1, len(cpus))
        cores.add((pkg, core))
    return max(1, len(cores))


def pick_device(requested: str = "auto", local_rank: int | None = None) -> torch.device:
    """`auto` picks CUDA, then MPS, then CPU; a named device must exist or DeviceError.

    Under torchrun (`local_rank` given) a CUDA run puts each process on its own GPU,
    cuda:LOCAL_RANK, whatever index was asked; MPS cannot be shared across processes."""
    if local_rank is not None:
        return _rank_device(pick_device(requested), local_rank)
    if not DEVICE_PATTERN.match(requested):
        raise DeviceError(
            f"unknown device '{requested}'; use auto, cpu, cuda, cuda:N or mps",
            f"'{requested}'는 알 수 없는 장치입니다. auto, cpu, cuda, cuda:N, mps 중에서 고르세요",
        )
    mps = getattr(torch.backends, "mps", None)
    has_mps = bool(mps is not None and mps.is_available())
    if requested == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if has_mps else torch.device("cpu")
    device = torch.device(requested)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(
                "device 'cuda' was requested but CUDA is not available here "
                f"(torch {torch.__version__}); use --device cpu or --device auto",
                f"cuda 장치를 요청했지만 여기서는 CUDA를 쓸 수 없습니다 (torch {torch.__version__}). "
                "--device cpu 또는 --device auto를 쓰세요",
            )
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise DeviceError(
                f"device '{requested}' does not exist; this machine has "
                f"{torch.cuda.device_count()} CUDA device(s)",
                f"'{requested}' 장치는 없습니다. 이 컴퓨터의 CUDA 장치는 "
                f"{torch.cuda.device_count()}개입니다",
            )
    if device.type == "mps" and not has_mps:
        raise DeviceError(
            "device 'mps' was requested but Apple MPS is not available here; "
            "use --device cpu or --device auto",
            "mps 장치를 요청했지만 여기서는 Apple MPS를 쓸 수 없습니다. "
            "--device cpu 또는 --device auto를 쓰세요",
        )
    return device


def _rank_device(device: torch.device, local_rank: int) -> torch.device:
    if device.type == "cuda":
        if local_rank >= torch.cuda.device_count():
            raise DeviceError(
                f"process {local_rank} of this node has no GPU of its own: this machine has "
                f"{torch.cuda.device_count()} CUDA device(s); use --procs "
                f"{torch.cuda.device_count()} or fewer",
                f"이 노드의 {local_rank}번 프로세스에 줄 GPU가 없습니다. CUDA 장치는 "
                f"{torch.cuda.device_count()}개이니 --procs를 {torch.cuda.device_count()} 이하로 주세요",
            )
        torch.cuda.set_device(local_rank)
        return torch.device("cuda", local_rank)
    if device.type == "mps":
        raise DeviceError(
            "--procs above 1 cannot share Apple MPS between processes; use --device cpu "
            "or one process",
            "여러 프로세스(--procs)로는 Apple MPS를 함께 쓸 수 없습니다. --device cpu를 쓰거나 "
            "프로세스를 하나로 하세요",
        )
    return device


@dataclass
class Precision:
    """Autocast and loss scaling for one device; a no-op on CPU and MPS."""

    device: torch.device
    dtype: torch.dtype | None  # autocast dtype, None = fp32
    scaler: Any = None  # torch.amp.GradScaler for fp16

    @property
    def name(self) -> str:
        return {None: "fp32", torch.bfloat16: "bf16", torch.float16: "fp16"}[self.dtype]

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.dtype)

    def backward(self, loss: torch.Tensor) -> None:
        (self.scaler.scale(loss) if self.scaler is not None else loss).backward()

    def unscale(self, optimizer: torch.optim.Optimizer) -> None:
        """Bring gradients to their true size before clipping or measuring them."""
        if self.scaler is not None:
            self.scaler.unscale_(optimizer)

    def step(self, optimizer: torch.optim.Optimizer) -> None:
        if self.scaler is not None:
            self.scaler.step(optimizer)
            self.scaler.update()
        else:
            optimizer.step()


def precision_for(device: torch.device, mixed: bool = True) -> Precision:
    if device.type != "cuda" or not mixed:
        return Precision(device, None)
    if torch.cuda.is_bf16_supported():
        return Precision(device, torch.bfloat16)
    return Precision(device, torch.float16, torch.amp.GradScaler("cuda"))


def threads_per_process(procs: int = 1) -> int:
    """CPU threads for each of `procs` processes sharing this machine: cores / procs."""
    return max(1, physical_cores() // max(1, procs))


def configure(device: torch.device, procs: int = 1) -> dict[str, Any]:
    """Set threads for `device` (the cores shared by `procs` processes of this node) and
    describe it for the `started` event."""
    info: dict[str, Any] = {"device": str(device)}
    if device.type == "cpu":
        threads = threads_per_process(procs)
        torch.set_num_threads(threads)
        info["threads"] = threads
        info["device_name"] = "CPU"
    elif device.type == "cuda":
        info["device_name"] = torch.cuda.get_device_name(device)
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    else:
        info["device_name"] = "Apple MPS"
    return info


def describe(device: torch.device, threads: bool = True) -> str:
    """The device in words, for evidence sentences: "CPU, 2 threads", "NVIDIA H100 ...".

    Call it after `configure`, which sets the CPU's thread count (left out with `threads`
    False, for a measurement that sets its own).
    """
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "cpu":
        n = torch.get_num_threads()
        return f"CPU, {n} thread{'s' if n > 1 else ''}" if threads else "CPU"
    return "Apple MPS" if device.type == "mps" else str(device)
