"""Following a run from its files: the state the screens draw, and the tailing loop.

`RunState.apply` folds events into what the live screen shows (curves per arm, progress,
probe snapshots, the final verdict). A live run and a finished one replayed from disk go
through the same code, so the replay is exactly what was seen live.

`follow` runs in a thread worker: it reads `events.jsonl` about twice a second while
events arrive, and backs off to once a second while none do (file reads and JSON parsing
stay off the UI thread). On two cores every wake-up of the app is taken from the training
threads, so the app wakes no more often than a student can read. Each batch goes to a
callback; the live screen folds it in at once and redraws at most ~1 Hz. Memory stays flat
over a long run: curves and snapshot lists are thinned by half whenever they pass their caps.

Torch-free, like all of `engine.runs`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.runs import launch, rundir
from engine.runs.events import FINAL_TYPES

POLL_S = 0.5  # while events arrive: ~2 Hz, a little more often than the screen redraws
POLL_MAX_S = 1.0  # while none do (torch still importing, a long evaluation), slower
ALIVE_EVERY_S = 0.5  # how often the follower checks the run's process
MAX_POINTS = 1000  # per arm's loss curve: more than any chart has dot columns
MAX_SNAPSHOTS = 200  # per probe name


def _thin(items: list[Any]) -> list[Any]:
    """Every other item, keeping the last: halves a list while keeping its shape and end."""
    kept = items[::2]
    if (len(items) - 1) % 2:
        kept.append(items[-1])
    return kept


@dataclass
class RunState:
    """What a run has said so far, folded from its events."""

    spec: dict[str, Any] | None = None
    started: dict[str, Any] | None = None
    arms: list[str] = field(default_factory=list)
    curves: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    last_step: dict[str, Any] | None = None
    evals: dict[str, dict[str, Any]] = field(default_factory=dict)
    probes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    final: dict[str, Any] | None = None
    t: float = 0.0  # the latest event's time (seconds since the run first started)
    events: int = 0
    curves_rev: int = 0  # bumped when a curve changes: the chart redraws only then

    def apply(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            self.events += 1
            kind = event.get("type")
            t = event.get("t")
            if isinstance(t, (int, float)):
                self.t = max(self.t, float(t))
            arm = str(event.get("arm") or "")
            if kind == "started":
                self.started, self.final = event, None  # a resumed attempt starts again
                self.arms = [str(a) for a in event.get("arms") or []]
            elif kind == "step":
                self.last_step = event
                xs, ys = self.curves.setdefault(arm, ([], []))
                if isinstance(event.get("loss"), (int, float)):
                    xs.append(float(event.get("step") or 0))
                    ys.append(float(event["loss"]))
                    self.curves_rev += 1
                    if len(xs) > MAX_POINTS:
                        self.curves[arm] = (_thin(xs), _thin(ys))
            elif kind == "eval":
                self.evals[arm] = event
            elif kind == "probe":
                snapshots = self.probes.setdefault(str(event.get("name")), [])
                snapshots.append(event)
                if len(snapshots) > MAX_SNAPSHOTS:
                    self.probes[str(event.get("name"))] = _thin(snapshots)
            elif kind in FINAL_TYPES:
                self.final = event
            if arm and arm not in self.arms:
                self.arms.append(arm)

    @property
    def summary(self) -> dict[str, Any] | None:
        summary = (self.final or {}).get("summary")
        return summary if isinstance(summary, dict) else None

    def progress(self) -> float:
        """Fraction of the whole experiment done: arms run one after another."""
        if self.final is not None and self.final.get("type") == "finished":
            return 1.0
        step = self.last_step
        if not step or not self.arms or not step.get("total"):
            return 0.0
        index = self.arms.index(str(step.get("arm"))) if step.get("arm") in self.arms else 0
        within = float(step.get("step") or 0) / float(step["total"])
        return min((index + within) / len(self.arms), 1.0)

    def remaining(self, elapsed: float) -> float | None:
        """Seconds left if the remaining work goes as fast as the work so far."""
        done = self.progress()
        if done <= 0.02 or done >= 1.0 or self.final is not None:
            return None
        return elapsed * (1 - done) / done


Batch = Callable[[list[dict[str, Any]], bool], None]


def follow(
    run_dir: Path,
    deliver: Batch,
    cancelled: Callable[[], bool],
    offset: int = 0,
    poll_s: float = POLL_S,
    max_poll_s: float = POLL_MAX_S,
) -> None:
    """Tail `run_dir` until its process is gone, delivering `(events, alive)` batches.

    Called in a worker thread. A batch goes out when events arrived or the process ended;
    the last batch has `alive` False. Stops early when `cancelled()` says so. The wait
    between polls is `poll_s` after a poll that found events and doubles, up to
    `max_poll_s`, after each one that found none.
    """
    tail = rundir.EventTail(Path(run_dir), offset)
    alive, checked = True, 0.0
    wait = poll_s
    while not cancelled():
        events = tail.poll()
        now = time.monotonic()
        if now - checked >= ALIVE_EVERY_S:
            launch.reap()
            alive, checked = rundir.is_alive(Path(run_dir))[0], now
            if not alive:
                events += tail.poll()  # what it wrote just before it ended
        if events or not alive:
            deliver(events, alive)
        if not alive:
            return
        wait = poll_s if events else min(wait * 2, max(max_poll_s, poll_s))
        time.sleep(wait)


def load(run_dir: Path) -> tuple[RunState, int]:
    """A run's state from its files, and the offset to follow it from."""
    tail = rundir.EventTail(Path(run_dir))
    state = RunState()
    spec, _ = rundir.read_json(Path(run_dir) / "spec.json")
    state.spec = spec if isinstance(spec, dict) else None
    state.apply(tail.poll())
    return state, tail.offset
