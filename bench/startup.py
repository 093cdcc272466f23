"""How long `dlearn` takes to show its first screen, and which imports cost the most.

Two measurements, each over several fresh processes:

- **terminal**: `python -m tui.cli` in a pseudo-terminal, from spawning the process to the
  moment the home screen's footer (its last line) has been written to the terminal. This
  is what a student sees after pressing Enter.
- **headless**: the same app run headless; the child reports when its first frame is done.
- **floor**: a Textual app showing one label, headless: what Textual itself costs on this
  machine, so a loaded machine's figures can be read against it.
- **side by side**: `dlearn` and a bare Textual app (a header, a footer and a screen of text)
  in the same pseudo-terminal at 80x24, in turns (A B A B ...), each until its footer is
  drawn; the ratio of each pair, then the median ratio and its spread. The target is 1.2x:
  Textual's own import is the floor, whatever dlearn adds on top should be small.

For the headless runs the child also reports its CPU time up to the first frame. Other jobs
on a 2-core machine stretch wall-clock time but hardly change CPU time, so the CPU figure
is what a quiet machine would show (plus a few ms of I/O).

Then `python -X importtime` lists the slowest imports of the start-up path, and a check
that starting the app imports no torch. The data directory holds some reviews, so the
home screen computes real mastery (as for a returning student).

Usage: `.venv/bin/python bench/startup.py [--runs 5]` from the repository root.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.5
FOOTER_MARK = b"^p"  # the palette key, drawn at the right end of the footer

FLOOR_CHILD = """
import time
from textual.app import App
from textual.widgets import Static
class Hello(App):
    def compose(self):
        yield Static("hello")
app = Hello()
async def first_frame(pilot):
    await pilot.pause()
    print("painted False", time.process_time(), flush=True)
    app.exit()
app.run(headless=True, size=(80, 24), auto_pilot=first_frame)
"""

BARE_TERMINAL_CHILD = """
from textual.app import App
from textual.widgets import Footer, Header, Static
TEXT = "\\n".join(f"line {i}: a screen of text, as much as the home screen shows" for i in range(18))
class Bare(App):
    def compose(self):
        yield Header()
        yield Static(TEXT)
        yield Footer()
Bare().run()
"""
RATIO_TARGET = 1.2
LAST_CPU = [0.0]  # CPU seconds of the latest terminal_run's child

HEADLESS_CHILD = """
import sys, time
from pathlib import Path
from tui.app import create_app
app = create_app(lang="ko", data_dir=Path(sys.argv[1]), content_dir=None)
async def first_frame(pilot):
    await pilot.pause()
    print("painted", "torch" in sys.modules, time.process_time(), flush=True)
    app.exit()
app.run(headless=True, size=(80, 24), auto_pilot=first_frame)
"""


def seed(data_dir: Path) -> None:
    """A returning student's progress: a couple of dozen reviews over the past days."""
    sys.path.insert(0, str(ROOT))
    from content.loader import load_course
    from content.scheduler import Rating, Scheduler
    from content.store import ProgressStore

    lecture = load_course().lectures[0]
    start = datetime.now(timezone.utc) - timedelta(days=5)
    with ProgressStore.open(data_dir) as store:
        for i, question in enumerate(lecture.questions[:24]):
            store.record_review(
                question_id=question.id,
                section=question.section,
                rating=Rating(1 + i % 4),
                correct=i % 4 != 0,
                response="0",
                duration_s=8.0,
                now=start + timedelta(hours=i),
                scheduler=Scheduler(),
            )


def env() -> dict[str, str]:
    """The child's environment: as an installed dlearn would run.

    PYTHONDONTWRITEBYTECODE is dropped: an install writes .pyc files, and without them
    every start would compile our modules from source again.
    """
    out = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "COLUMNS": "80"}
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    return out


def terminal_run(data_dir: Path, timeout: float = 10.0, bare: bool = False) -> float:
    """Seconds from spawn until the footer appears on a real (pseudo) terminal; `bare`
    times the bare Textual app instead of dlearn. The child's CPU seconds (until it was
    stopped, right after its footer appeared) go to `LAST_CPU`."""
    leader, follower = pty.openpty()
    os.set_blocking(leader, False)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    cmd = [sys.executable, "-m", "tui.cli", "--lang", "ko", "--data-dir", str(data_dir)]
    if bare:
        cmd = [sys.executable, "-c", BARE_TERMINAL_CHILD]
    started = time.perf_counter()
    child = subprocess.Popen(
        cmd, stdin=follower, stdout=follower, stderr=follower, cwd=ROOT, env=env(), close_fds=True
    )
    os.close(follower)
    seen = b""
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([leader], [], [], 0.01)
            if ready:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    break
                if FOOTER_MARK in seen:
                    return time.perf_counter() - started
        raise RuntimeError(f"no home screen within {timeout} s; output: {seen[-400:]!r}")
    finally:
        child.kill()  # at once: what it would spend on shutting down is not start-up
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = -9
        LAST_CPU[0] = usage.ru_utime + usage.ru_stime
        os.close(leader)


def headless_run(data_dir: Path, code: str = HEADLESS_CHILD) -> tuple[float, float, bool]:
    """Seconds from spawn until the headless app's first frame, the CPU seconds the child
    used until then (a figure other jobs on the machine hardly change), and whether torch
    was loaded."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env(),
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    child.wait(timeout=10)
    if not line.startswith("painted"):
        raise RuntimeError(
            f"headless run failed: {line!r} {child.stderr.read() if child.stderr else ''}"
        )
    _, torch_loaded, cpu = line.split()
    return elapsed, float(cpu), torch_loaded == "True"


def import_offenders(top: int = 12) -> list[tuple[float, float, str]]:
    """(self ms, cumulative ms, module) of the slowest imports of the start-up path."""
    code = "import tui.app, tui.screens.home, content.loader, content.store, content.session"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env(),
        check=True,
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "self [us]" in line:
            continue
        self_us, cumulative_us, name = (part.strip() for part in line[12:].split("|"))
        rows.append((int(self_us) / 1000, int(cumulative_us) / 1000, name))
    return sorted(rows, key=lambda r: r[1], reverse=True)[:top]


def report(label: str, times: list[float]) -> None:
    median, worst = statistics.median(times), max(times)
    verdict = "ok" if median <= TARGET_S else "OVER"
    print(
        f"{label:<10} median {median * 1000:6.0f} ms   max {worst * 1000:6.0f} ms   "
        f"(runs: {', '.join(f'{t * 1000:.0f}' for t in times)})  target {TARGET_S * 1000:.0f} ms: {verdict}"
    )


def side_by_side(data_dir: Path, runs: int) -> float:
    """dlearn and the bare app in turns (A B, B A, ...); prints and returns the median ratio."""
    ours: list[float] = []
    bare: list[float] = []
    ours_cpu: list[float] = []
    bare_cpu: list[float] = []

    def one(is_bare: bool) -> None:
        wall = terminal_run(data_dir, bare=is_bare)
        (bare if is_bare else ours).append(wall)
        (bare_cpu if is_bare else ours_cpu).append(LAST_CPU[0])

    for i in range(runs):
        for is_bare in (False, True) if i % 2 == 0 else (True, False):
            one(is_bare)
    report("dlearn", ours)
    report("bare", bare)
    report("  cpu", ours_cpu)
    report("  cpu", bare_cpu)
    median = 0.0
    for what, a, b in (("wall", ours, bare), ("cpu", ours_cpu, bare_cpu)):
        ratios = sorted(x / y for x, y in zip(a, b, strict=True))
        median = statistics.median(ratios)
        verdict = "ok" if median <= RATIO_TARGET else "OVER"
        print(
            f"ratio {what:<4} median {median:.2f}x   spread {ratios[0]:.2f}x-{ratios[-1]:.2f}x "
            f"over {runs} pairs (dlearn / bare Textual app, same pty 80x24)  target "
            f"{RATIO_TARGET:.1f}x: {verdict}"
        )
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="processes to time per measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        seed(data_dir)
        terminal_run(data_dir)  # warm the file cache, as a second launch would be
        terminal_run(data_dir, bare=True)
        side_by_side(data_dir, args.runs)
        report("terminal", [terminal_run(data_dir) for _ in range(args.runs)])
        headless = [headless_run(data_dir) for _ in range(args.runs)]
        report("headless", [wall for wall, _, _ in headless])
        report("  cpu", [cpu for _, cpu, _ in headless])
        floor = [headless_run(data_dir, FLOOR_CHILD) for _ in range(args.runs)]
        report("floor", [wall for wall, _, _ in floor])
        report("  cpu", [cpu for _, cpu, _ in floor])
        torch_loaded = any(loaded for _, _, loaded in headless)
    print("(floor: a one-label Textual app, headless: the least any Textual app costs here;")
    print(" cpu: CPU time the process used until its first frame, which load hardly changes)")
    print(f"torch imported at start-up: {'YES (bad)' if torch_loaded else 'no'}")
    print("\nslowest imports (cumulative ms, self ms):")
    for self_ms, cumulative_ms, name in import_offenders():
        print(f"  {cumulative_ms:7.1f}  {self_ms:6.1f}  {name}")
    return 1 if torch_loaded else 0


if __name__ == "__main__":
    sys.exit(main())
