"""`engine.training.timing.interleaved`: cases in turns, order reversed every other round,
and with `best_of` the least of several calls per round. A scripted clock, not real time."""

from __future__ import annotations

import pytest
import torch

from engine.training import timing
from engine.training.timing import Case, interleaved


def test_cases_take_turns_and_best_of_keeps_the_least_disturbed_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [0.0]
    order: list[str] = []
    durations = {
        "a": iter([9.0, 5.0, 1.0, 2.0, 7.0, 3.0, 4.0]),
        "b": iter([9.0, 6.0, 2.0, 8.0, 4.0, 1.0, 5.0]),
    }

    def step(name: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            order.append(name)
            now[0] += next(durations[name])

        return run

    monkeypatch.setattr(timing.time, "perf_counter", lambda: now[0])
    cases = {"a": Case(step("a")), "b": Case(step("b"))}
    seconds = interleaved(cases, torch.device("cpu"), rounds=3, best_of=2)
    # the warm-up call of each (9.0, untimed), then rounds a b, b a, a b, two calls each
    assert order == ["a", "b", *"aabb", *"bbaa", *"aabb"]
    assert seconds == {"a": [1.0, 2.0, 3.0], "b": [2.0, 4.0, 1.0]}  # each round's least
