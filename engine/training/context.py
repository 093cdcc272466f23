"""What one run knows across its arms: the `RunContext` a lab's arms and verdict share.

A run trains its arms one after another, and later arms (and the verdict) need what earlier
ones found: their final metrics, the curves drawn over each other, the device the timings
were taken on. All of it lives in one `RunContext`, which the run saves in every checkpoint,
so a run resumed in a new process — after a Ctrl+C or a `kill -9` — still knows every arm
that finished before it stopped. No lab keeps module-level state.

Torch-free (only plain values), so the verdict modules can take it without importing torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Line = tuple[list[float], list[float]]  # (xs, ys)


@dataclass
class RunContext:
    """One run's shared state. Everything in it is a plain value: it goes into checkpoints."""

    lab: str
    params: dict[str, Any]
    seed: int = 0
    device: str = "cpu"  # the torch device the arms train on, e.g. "cuda:0"
    device_label: str = ""  # the device in words, for evidence sentences ("CPU, 2 threads")
    run_dir: str = ""  # this run's directory; other runs of the learner sit beside it
    data_dir: str = ""  # the learner's data directory (their exercises); "" in older specs
    # each finished arm's final metrics, in the order the arms ran (the summary's "arms")
    finals: dict[str, dict[str, float]] = field(default_factory=dict)
    # chart name -> line label -> (xs, ys): lines that several arms draw on one chart
    curves: dict[str, dict[str, Line]] = field(default_factory=dict)
    # other plain values a lab keeps for later arms or its verdict (measurements, names)
    facts: dict[str, Any] = field(default_factory=dict)

    def curve(self, chart: str) -> dict[str, Line]:
        """The lines of `chart` (created empty on first use)."""
        return self.curves.setdefault(chart, {})

    def finals_with(self, arm: str, metrics: dict[str, float]) -> dict[str, dict[str, float]]:
        """Every finished arm's metrics plus `arm`'s, which is finishing now (for tables)."""
        return {**self.finals, arm: metrics}

    def state_dict(self) -> dict[str, Any]:
        return {
            "finals": {k: dict(v) for k, v in self.finals.items()},
            "curves": {
                chart: {label: (list(xs), list(ys)) for label, (xs, ys) in lines.items()}
                for chart, lines in self.curves.items()
            },
            "facts": dict(self.facts),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what a checkpoint saved (the device is this process's, not the saved one)."""
        self.finals = {k: dict(v) for k, v in (state.get("finals") or {}).items()}
        self.curves = {
            chart: {label: (list(xs), list(ys)) for label, (xs, ys) in lines.items()}
            for chart, lines in (state.get("curves") or {}).items()
        }
        self.facts = dict(state.get("facts") or {})


@dataclass
class Reused:
    """An arm a lab takes from another finished run instead of training it again."""

    metrics: dict[str, float]
    weights: Any = None  # the arm's state dict, so the finished run can still use the model
    probes: list[dict[str, Any]] = field(default_factory=list)  # what to show for it
