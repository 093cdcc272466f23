"""Run the `memory` lab's quick preset for several seeds and print what it measured.

    .venv/bin/python bench/memory_quick.py [--seeds 0 1 2] [--set seq_len=50] [--device cpu]

Per seed: each arm's test accuracy and BPTT gradient ratio, the run's wall time and its
verdict, claim by claim (the GRU-vs-LSTM timing is taken side by side after training); then
how many seeds showed it. Runs in this process, one after another (never two trainings at once on 2 cores).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seeded import bench_seeds  # noqa: E402


def arm_line(arm: str, m: dict[str, Any]) -> str:
    return (
        f"  {arm:5s} test acc {m.get('test_acc', float('nan')):.3f}  "
        f"||dL/dh_1||/||dL/dh_T|| {m.get('grad_ratio_first_last', float('nan')):.2e}"
    )


if __name__ == "__main__":
    sys.exit(bench_seeds("memory", __doc__.splitlines()[0], arm_line))
