"""Run the `forecast` lab's quick preset for several seeds and print its error vs the baseline.

    .venv/bin/python bench/forecast_quick.py [--seeds 0 1 2] [--preset stock] [--set horizon=7]

Per seed: each arm's test RMSE against the naive last-value forecast, the ratio, the epoch
whose weights were tested, the run's wall time and its verdict. Runs in this process, one
after another (never two trainings at once on 2 cores).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seeded import bench_seeds  # noqa: E402


def arm_line(arm: str, m: dict[str, Any]) -> str:
    return (
        f"  {arm:5s} test RMSE {m['test_rmse']:.3f}  last value {m['naive_rmse']:.3f}  "
        f"ratio {m['rmse_ratio']:.3f}  best epoch {int(m['best_epoch']) + 1}  "
        f"val RMSE {m['val_rmse']:.3f}"
    )


if __name__ == "__main__":
    sys.exit(bench_seeds("forecast", __doc__.splitlines()[0], arm_line))
