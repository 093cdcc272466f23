"""Checkpoints: their layout, written atomically, read back with `weights_only=True`.

A checkpoint holds only tensors and plain Python containers, so loading it never runs
pickled code: a run directory copied from someone else is safe to resume. Its layout is
known here and nowhere else (`run_state`, `arm_weights`):

  version     CHECKPOINT_VERSION
  lab, params, seed
  arm_index   the arm being trained (== len(arms) once the run finished)
  completed   each finished arm's final metrics
  context     the run's shared state (`engine.training.context.RunContext.state_dict`)
  models      each finished arm's trained weights (CPU tensors)
  elapsed     seconds the run has spent so far
  rng         the global random generators
  arm         the arm in progress: the `Trainer.state_dict()` (weights, optimiser, position)
  arm_name    which arm that is
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

CHECKPOINT_VERSION = 3  # 3: "context"; 2: "models", every finished arm's weights


def run_state(
    *,
    lab: str,
    params: dict[str, Any],
    seed: int,
    arm_index: int,
    completed: dict[str, dict[str, float]],
    context: dict[str, Any],
    models: dict[str, dict[str, torch.Tensor]],
    elapsed: float,
    arm: dict[str, Any] | None,
    arm_name: str | None,
) -> dict[str, Any]:
    """A run's whole position, as `save_atomic` writes it."""
    return {
        "version": CHECKPOINT_VERSION,
        "lab": lab,
        "params": params,
        "seed": seed,
        "arm_index": arm_index,
        "completed": completed,
        "context": context,
        "models": models,
        "elapsed": elapsed,
        "rng": rng_state(),
        "arm": arm,
        "arm_name": arm_name,
    }


def arm_weights(state: dict[str, Any], arm: str) -> dict[str, torch.Tensor] | None:
    """The trained weights of `arm` in a loaded checkpoint, or None if it holds none.

    A finished arm's are under "models"; the arm in progress (a cancelled run) is "arm".
    """
    models = state.get("models") or {}
    if arm in models:
        return dict(models[arm])
    current = state.get("arm")
    if current is None or "model" not in current or arm in (state.get("completed") or {}):
        return None
    name = state.get("arm_name")  # absent before version 3: the arm in progress was unnamed
    return dict(current["model"]) if name in (None, arm) else None


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
        # the current GPU's only: reading every GPU's would open a context on each
        state["cuda_device"] = torch.cuda.get_rng_state()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():  # older checkpoints: every GPU's
        torch.cuda.set_rng_state_all(state["cuda"])
    elif "cuda_device" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state(state["cuda_device"])
