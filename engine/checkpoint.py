"""Checkpoints: written atomically, read back with `weights_only=True`.

A checkpoint holds only tensors and plain Python containers, so loading it never runs
pickled code: a run directory copied from someone else is safe to resume.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch


def save_atomic(state: dict[str, Any], path: Path) -> None:
    """Write `state` to a temporary file next to `path`, then rename it over `path`.

    A crash mid-write leaves the previous checkpoint intact.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        torch.save(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load(path: Path) -> dict[str, Any]:
    """Load a checkpoint onto the CPU (tensors move to the device when put into the model)."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict):
        raise ValueError(f"{path} is not a dlearn checkpoint")
    return state


def rng_state() -> dict[str, Any]:
    """The global random generators, so a resumed run draws the same numbers."""
    state: dict[str, Any] = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
