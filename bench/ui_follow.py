"""UI overhead while a run streams: key-press latency, and the run's throughput followed by
the app against the same run headless.

    .venv/bin/python bench/ui_follow.py [--epochs 150] [--rounds 3] [--keys-every 0.5]

Each round runs the same features-lab spec twice, one after the other, never at once, in
alternating order (headless first in odd rounds, followed first in even ones), so a drift in
the machine's load does not favour one side:

- headless: nothing follows the run;
- followed: the app (headless Textual, 120x40) is on the live screen, tailing the run and
  redrawing, while a key is pressed every `--keys-every` seconds (log y, smoothing, probe and
  snapshot keys).

Both sides start the run the app's way (`engine.runs.launch.start`: `python -m engine run` in its
own session, output to engine.log; with Linux's autogroup scheduling the session matters) and
let the engine pick its threads (one per physical core: 2 here), so the ratio compares like
with like. Throughput is the median `samples_per_s` of the run's step events
(the engine measures it over each logging window), and the training's wall time from
`started` to `finished`; the figure reported is the median over rounds of followed/headless.

A key press counts as handled when its action has run *and* the screen shows it: the time
from posting the key (as the terminal driver does) to the first screen update written after
the action ran (or to the end of the action, when it changed nothing on screen). Headless Textual skips turning an update into terminal bytes, so the bench
does that work itself in the update hook (`render_segments`), to cost what a terminal costs.
No Pilot `press` is used: it waits for the whole process to look idle, which measures Pilot's
settling (~64 ms even on an idle app), not the app. The same keys are timed again once the run
has ended, to separate the app's own cost from contention with the training process.

Also printed: the app's CPU use (share of one core, app process, all threads) while it
follows, screen updates per second, and RSS. The load average is printed with every figure.
Targets (issue 7): key handled p95 < 100 ms, followed / headless throughput >= 0.95.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (key, character): log y, smoothing, next probe, snapshot back, forward, ...
KEYS = [
    ("l", "l"),
    ("s", "s"),
    ("right_square_bracket", "]"),
    ("comma", ","),
    ("full_stop", "."),
    ("l", "l"),
    ("s", "s"),
    ("s", "s"),
]
ACTIONS = ("action_log_y", "action_smoothing", "action_probe", "action_snapshot")
KEY_TIMEOUT_S = 2.0


def spec(run_dir: Path, epochs: int, width: int) -> Path:
    run_dir.mkdir(parents=True)
    params = {"epochs": epochs, "width": width, "batch_size": 64}
    body = {"lab": "features", "params": params, "seed": 0, "device": "cpu"}
    path = run_dir / "spec.json"
    path.write_text(json.dumps(body))
    return path


def throughput(run_dir: Path) -> dict[str, Any]:
    events = [json.loads(x) for x in (run_dir / "events.jsonl").read_text().splitlines()]
    steps = [e["samples_per_s"] for e in events if e["type"] == "step"][1:]  # skip warm-up
    t = {e["type"]: e["t"] for e in events if e["type"] in ("started", "finished")}
    threads = next((e.get("threads") for e in events if e["type"] == "started"), None)
    return {
        "median_samples_per_s": statistics.median(steps),
        "train_wall_s": round(t["finished"] - t["started"], 2),
        "steps_logged": len(steps) + 1,
        "threads": threads,
    }


def headless(root: Path, epochs: int, width: int) -> dict[str, Any]:
    """The run started exactly as the app starts it, with nothing following it."""
    from engine.runs import launch

    run_dir = root / "headless"
    spec(run_dir, epochs, width)
    if launch.start(run_dir).wait() != 0:
        raise SystemExit(f"the headless run failed: see {run_dir / 'engine.log'}")
    return throughput(run_dir)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(values: list[float]) -> tuple[float, float]:
    """(p50, p95) in ms of `values` in seconds."""
    ms = sorted(1000 * v for v in values)
    if not ms:
        return float("nan"), float("nan")
    return ms[len(ms) // 2], ms[max(int(len(ms) * 0.95 + 0.5) - 1, 0)]


class KeyTimer:
    """Posts keys as the terminal driver does and times them to 'handled and shown'."""

    def __init__(self, app: Any, screen: Any) -> None:
        from textual import events

        self.app, self.events = app, events
        self.updates = 0  # screen updates written
        self.t0 = 0.0
        self.handled: float | None = None
        self.shown: float | None = None
        self.done = asyncio.Event()
        display = app._display

        def hooked(target: Any, renderable: Any) -> None:
            if renderable is not None and not app._batch_count and target is app.screen:
                renderable.render_segments(app.console)  # the bytes a terminal is sent
                self.updates += 1
                if self.handled is not None and self.shown is None:
                    self.shown = time.perf_counter()
                    self.done.set()
            display(target, renderable)

        app._display = hooked
        for name in ACTIONS:  # run_action finds actions on the instance
            original = getattr(screen, name)

            def timed(*args: Any, _original: Any = original) -> Any:
                result = _original(*args)
                if self.handled is None:
                    self.handled = time.perf_counter()
                    if not self.pending(screen):  # nothing to show: handled is done
                        self.shown = self.handled
                        self.done.set()
                return result

            setattr(screen, name, timed)

    @staticmethod
    def pending(screen: Any) -> bool:
        """True when a shown widget waits to be repainted or laid out (refresh() marks it so
        at once, inside the action), i.e. the next screen update will show the key's effect.
        Hidden widgets (the translate line) never reach the screen, so they do not count."""
        if screen._dirty_widgets or screen._layout_required or screen._repaint_required:
            return True
        return any(
            (w._repaint_required or w._layout_required) and w.region for w in screen.walk_children()
        )

    async def press(self, key: str, char: str) -> tuple[float, float]:
        """(posted -> action ran, posted -> screen updated after it); a key whose action
        changed nothing on screen (',' with no snapshots yet) is done when its action ran;
        one that never got there counts as KEY_TIMEOUT_S."""
        self.handled = self.shown = None
        self.done.clear()
        event = self.events.Key(key, char)
        event.set_sender(self.app)
        self.t0 = time.perf_counter()
        self.app._driver.send_message(event)
        try:
            await asyncio.wait_for(self.done.wait(), KEY_TIMEOUT_S)
        except TimeoutError:
            pass
        handled = self.handled if self.handled is not None else self.t0 + KEY_TIMEOUT_S
        shown = self.shown if self.shown is not None else self.t0 + KEY_TIMEOUT_S
        return handled - self.t0, shown - self.t0


async def followed(root: Path, epochs: int, width: int, every: float) -> dict[str, Any]:
    from engine.runs import launch
    from tests.tui.conftest import Clock, write_course
    from tui.app import create_app
    from tui.screens.run_live import RunLiveScreen

    data = root / "data"
    course = write_course(root / "course")
    run_dir = data / "runs" / "followed"
    spec(run_dir, epochs, width)
    app = create_app(lang="en", data_dir=data, content_dir=course, now=Clock(), seed=0)
    streaming: list[tuple[float, float]] = []
    ended: list[tuple[float, float]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        launch.start_run(run_dir)
        screen = RunLiveScreen(run_dir)
        await app.push_screen(screen)
        while screen.state.started is None and screen.status == "running":
            await asyncio.sleep(0.1)
        timer = KeyTimer(app, screen)
        rss_start = rss_mb()
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        k = 0
        slow: list[tuple[float, str]] = []
        while screen.status == "running":
            t0 = time.perf_counter()
            streaming.append(await timer.press(*KEYS[k % len(KEYS)]))
            slow.append((round(1000 * streaming[-1][1], 1), KEYS[k % len(KEYS)][1]))
            k += 1
            while screen.status == "running" and time.perf_counter() - t0 < every:
                await asyncio.sleep(min(every - (time.perf_counter() - t0), 0.2))
        wall = time.perf_counter() - wall_start
        cpu_share = (time.process_time() - cpu_start) / wall
        updates_per_s = timer.updates / wall
        rss_end = rss_mb()
        events = screen.state.events
        for k in range(min(len(streaming), 16)):  # the same keys once the run has ended
            t0 = time.perf_counter()
            ended.append(await timer.press(*KEYS[k % len(KEYS)]))
            await asyncio.sleep(max(min(every, 0.25) - (time.perf_counter() - t0), 0))
    figures: dict[str, Any] = throughput(run_dir)
    figures["keys"] = len(streaming)
    figures["slowest_keys_ms"] = sorted(slow, reverse=True)[:4]
    figures["app_cpu_share"] = round(cpu_share, 3)  # of one core, while following
    figures["screen_updates_per_s"] = round(updates_per_s, 2)
    figures["events_applied"] = events
    figures["rss_mb"] = (round(rss_start), round(rss_end))
    for label, samples in (("streaming", streaming), ("ended", ended)):
        for k, what in enumerate(("handled", "shown")):
            p50, p95 = percentiles([s[k] for s in samples])
            figures[f"{label}_{what}_ms"] = (round(p50, 1), round(p95, 1))
        figures[f"{label}_keys_not_shown"] = sum(s[1] >= KEY_TIMEOUT_S for s in samples)
    return figures


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=150, help="features lab epochs (150)")
    parser.add_argument("--width", type=int, default=8, help="features lab width (default 8)")
    parser.add_argument(
        "--keys-every", type=float, default=0.5, help="seconds between keys (default 0.5)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="headless/followed pairs (3)")
    args = parser.parse_args()
    ratios, walls, shown_p95 = [], [], []
    for n in range(args.rounds):
        print(f"round {n + 1}: {load()}", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            sides: dict[str, dict[str, Any]] = {}
            order = ("headless", "followed") if n % 2 == 0 else ("followed", "headless")
            for side in order:
                if side == "headless":
                    sides[side] = headless(root, args.epochs, args.width)
                else:
                    run = followed(root, args.epochs, args.width, args.keys_every)
                    sides[side] = asyncio.run(run)
                print(f"  {side}: {sides[side]} ({load()})", flush=True)
        alone, app = sides["headless"], sides["followed"]
        ratios.append(app["median_samples_per_s"] / alone["median_samples_per_s"])
        walls.append(alone["train_wall_s"] / app["train_wall_s"])
        shown_p95.append(app["streaming_shown_ms"][1])
        print(
            f"  followed/headless: {ratios[-1]:.3f} by samples/s, {walls[-1]:.3f} by training"
            f" wall time (threads {app['threads']} / {alone['threads']}); key handled and shown"
            f" p50/p95 {app['streaming_shown_ms']} ms while streaming, {app['ended_shown_ms']}"
            f" ms after; app {100 * app['app_cpu_share']:.1f}% of a core,"
            f" {app['screen_updates_per_s']} screen updates/s",
            flush=True,
        )
    print(
        f"median over {args.rounds} rounds (epochs {args.epochs}, keys every {args.keys_every}"
        f" s): throughput ratio {statistics.median(ratios):.3f} by samples/s"
        f" (rounds {', '.join(f'{r:.3f}' for r in ratios)}), {statistics.median(walls):.3f} by"
        f" wall time; key handled+shown p95 while streaming {statistics.median(shown_p95):.1f} ms"
        f" (target < 100); {load()}"
    )


if __name__ == "__main__":
    main()
