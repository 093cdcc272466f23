"""Timings a verdict can use: the sides of a comparison timed in turns, on one device.

A time taken in one arm and another taken minutes later, in another arm, differ by whatever
else the machine was doing in between (another process can slow a step 15x). So a speed
claim is measured in one dedicated pass after training: every case is warmed up, then timed
once per round, the order reversed every other round (A B, B A, ...), so that each round's
times share a moment and their ratio is fair. `engine.labs.claims.compare` judges the
per-round ratios.

A comparison of thread counts needs the cores to be free while it runs: on a shared machine
another program can hold the second core for many seconds, and then two threads run slower
than one (measured on a 2-core machine with one other busy process: a 512x512 matrix
product 0.2-0.5x "faster" on 2 threads, against 1.5-1.8x quiet). `matmul_case` is the
control timed beside such cases: a plain matrix product, which any free core speeds up, so
its speed-up says whether the cores were there to be used.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Case:
    """One thing to time: a step, and the CPU threads to run it on (None: as configured)."""

    step: Callable[[], object]
    threads: int | None = None


def matmul_case(threads: int, size: int = 512, reps: int = 3) -> Case:
    """The control for a thread comparison: `reps` products of two `size`-square matrices."""
    gen = torch.Generator().manual_seed(0)
    a, b = torch.randn(size, size, generator=gen), torch.randn(size, size, generator=gen)

    def step() -> None:
        for _ in range(reps):
            torch.mm(a, b)

    return Case(step, threads=threads)


def time_steps(
    step: Callable[[], object], device: torch.device, reps: int, warmup: int
) -> list[float]:
    """Seconds of each of `reps` calls of `step` after `warmup` untimed ones.

    On CUDA the device is synchronised before and after each call, so the time is the
    kernels' and not just their launch.
    """
    cuda = device.type == "cuda"
    times = []
    for k in range(warmup + reps):
        if cuda:
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        step()
        if cuda:
            torch.cuda.synchronize(device)
        if k >= warmup:
            times.append(time.perf_counter() - start)
    return times


def interleaved(
    cases: dict[str, Case], device: torch.device, rounds: int, warmup: int = 1, best_of: int = 1
) -> dict[str, list[float]]:
    """Seconds per round of every case, timed in turns; the thread count is restored after.

    With `best_of` > 1 a case's time in a round is the least of that many calls in a row:
    another program can only add time to a call, so the least is the least disturbed."""
    threads = torch.get_num_threads()
    names = list(cases)
    out: dict[str, list[float]] = {name: [] for name in names}
    try:
        for name in names:
            _set_threads(cases[name], threads)
            time_steps(cases[name].step, device, reps=0, warmup=warmup)
        for r in range(rounds):
            for name in names if r % 2 == 0 else reversed(names):
                _set_threads(cases[name], threads)
                out[name].append(min(time_steps(cases[name].step, device, best_of, warmup=0)))
    finally:
        torch.set_num_threads(threads)
    return out


def _set_threads(case: Case, default: int) -> None:
    want = case.threads or default
    if torch.get_num_threads() != want:
        torch.set_num_threads(want)
