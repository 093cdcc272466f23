"""UI overhead while a run streams: key-press latency, and the run's throughput followed by
the app against the same run headless.

    .venv/bin/python bench/ui_follow.py [--epochs 4] [--width 8] [--keys-every 0.1]

1. Headless: `python -m engine run` alone, nothing following it.
2. Followed: the same spec, started the app's way (`tui.runfollow.start_run`), with the app
   (headless Textual, 120x40) on the live screen, tailing and redrawing at ~10 Hz, while a
   key is pressed every `--keys-every` seconds (log y, smoothing, probe and snapshot keys).
   A key's latency is measured twice: from posting it to its action running ("handled"),
   and to the app being idle again ("press-to-idle", what `Pilot.press` waits for, which
   includes Pilot's own settling). The same keys are timed again once the run has ended,
   to separate the app's own cost from contention with the training process.

Throughput is the median `samples_per_s` of the run's step events (the engine measures it
over each logging window), and the training's wall time from `started` to `finished`.
The two runs go one after the other, never at once. Figures are noisy on a shared machine:
the load average is printed with them. Targets (issue 7): p95 latency < 100 ms, followed /
headless throughput >= 0.95.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEYS = ["l", "s", "right_square_bracket", "comma", "full_stop", "l", "s", "s"]


def spec(run_dir: Path, epochs: int, width: int) -> Path:
    run_dir.mkdir(parents=True)
    params = {"epochs": epochs, "width": width, "batch_size": 64}
    body = {"lab": "features", "params": params, "seed": 0, "device": "cpu"}
    path = run_dir / "spec.json"
    path.write_text(json.dumps(body))
    return path


def throughput(run_dir: Path) -> dict[str, float]:
    events = [json.loads(x) for x in (run_dir / "events.jsonl").read_text().splitlines()]
    steps = [e["samples_per_s"] for e in events if e["type"] == "step"][1:]  # skip warm-up
    t = {e["type"]: e["t"] for e in events if e["type"] in ("started", "finished")}
    return {
        "median_samples_per_s": statistics.median(steps),
        "train_wall_s": t["finished"] - t["started"],
        "steps_logged": len(steps) + 1,
    }


def headless(root: Path, epochs: int, width: int) -> dict[str, float]:
    run_dir = root / "headless"
    path = spec(run_dir, epochs, width)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "engine", "run", str(path), "--dir", str(run_dir)]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return throughput(run_dir)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def followed(root: Path, epochs: int, width: int, every: float) -> dict[str, Any]:
    from tests.tui.conftest import Clock, write_course
    from tui import runfollow
    from tui.app import create_app
    from tui.screens.run_live import RunLiveScreen

    data = root / "data"
    course = write_course(root / "course")
    run_dir = data / "runs" / "followed"
    spec(run_dir, epochs, width)
    app = create_app(lang="en", data_dir=data, content_dir=course, now=Clock(), seed=0)
    latencies: list[tuple[float, float]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        runfollow.start_run(run_dir)
        screen = RunLiveScreen(run_dir)
        await app.push_screen(screen)
        while screen.state.started is None and screen.status == "running":
            await pilot.pause(0.1)
        rss_start = rss_mb()
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        handled: list[float] = []
        for name in ("action_log_y", "action_smoothing", "action_probe", "action_snapshot"):
            original = getattr(screen, name)

            def timed(*args: Any, _original: Any = original) -> Any:
                handled.append(time.perf_counter())
                return _original(*args)

            setattr(screen, name, timed)  # run_action finds actions on the instance

        async def measure(key: str) -> tuple[float, float]:
            """(posted -> handled, posted -> idle again) for one key press."""
            seen = len(handled)
            t0 = time.perf_counter()
            await pilot.press(key)
            done = time.perf_counter()
            return (handled[seen] if len(handled) > seen else done) - t0, done - t0

        k = 0
        while screen.status == "running":
            t0 = time.perf_counter()
            latencies.append(await measure(KEYS[k % len(KEYS)]))
            k += 1
            await asyncio.sleep(max(every - (time.perf_counter() - t0), 0))
        rss_end = rss_mb()
        cpu_share = (time.process_time() - cpu_start) / (time.perf_counter() - wall_start)
        events = screen.state.events
        # the same keys on the same screen once the run has ended: the app's own cost
        idle: list[tuple[float, float]] = []
        for k in range(len(latencies)):
            t0 = time.perf_counter()
            idle.append(await measure(KEYS[k % len(KEYS)]))
            await asyncio.sleep(max(every - (time.perf_counter() - t0), 0))
    figures: dict[str, Any] = throughput(run_dir)
    figures["keys"] = len(latencies)
    figures["app_cpu_share"] = cpu_share  # of one core, while following and taking keys
    figures["events_applied"] = events
    figures["rss_mb_start"], figures["rss_mb_end"] = rss_start, rss_end
    for label, samples in (("streaming", latencies), ("ended", idle)):
        for k, what in enumerate(("handled", "idle")):
            values = sorted(1000 * s[k] for s in samples)
            figures[f"{label}_{what}_p50_ms"] = values[len(values) // 2]
            figures[f"{label}_{what}_p95_ms"] = values[max(int(len(values) * 0.95) - 1, 0)]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=4, help="features lab epochs (default 4)")
    parser.add_argument("--width", type=int, default=8, help="features lab width (default 8)")
    parser.add_argument("--keys-every", type=float, default=0.1, help="seconds between keys")
    parser.add_argument(
        "--rounds", type=int, default=2, help="headless/followed pairs, alternated (default 2)"
    )
    args = parser.parse_args()
    ratios, walls = [], []
    for n in range(args.rounds):
        print(f"round {n + 1}: load average before {os.getloadavg()}")
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            alone = headless(root, args.epochs, args.width)
            print(f"  headless: {alone}")
            app = asyncio.run(followed(root, args.epochs, args.width, args.keys_every))
            print(f"  followed by the app: {app}")
        ratios.append(app["median_samples_per_s"] / alone["median_samples_per_s"])
        walls.append(alone["train_wall_s"] / app["train_wall_s"])
        for label in ("streaming", "ended"):
            print(
                f"  key latency while {label}: handled p50 "
                f"{app[label + '_handled_p50_ms']:.1f} ms, p95 {app[label + '_handled_p95_ms']:.1f}"
                f" ms (target < 100); press-to-idle p50 {app[label + '_idle_p50_ms']:.1f}, "
                f"p95 {app[label + '_idle_p95_ms']:.1f} ms ({app['keys']} keys)"
            )
        print(
            f"  throughput followed/headless: {ratios[-1]:.3f} by samples/s, {walls[-1]:.3f} by "
            f"training wall time (target >= 0.95); the app used "
            f"{100 * app['app_cpu_share']:.1f}% of a core; RSS {app['rss_mb_start']:.0f} -> "
            f"{app['rss_mb_end']:.0f} MB"
        )
        print(f"  load average after {os.getloadavg()}")
    print(
        f"median over {args.rounds} rounds: throughput ratio {statistics.median(ratios):.3f} "
        f"(samples/s), {statistics.median(walls):.3f} (wall time)"
    )


if __name__ == "__main__":
    main()
