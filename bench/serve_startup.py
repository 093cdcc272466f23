"""How long `dlearn serve` takes from a page request to the home screen, and where it goes.

Debian's Chromium (headless, through Playwright, already started as a student's browser would
be) opens a new tab on the served page, several rounds. Every time is measured in the page,
from the moment it was requested (the navigation's time origin):

- **html**: the page has arrived (responseEnd);
- **load**: the page's `load` event: its script, styles and fonts are in (the websocket is
  opened from here);
- **ws**: the websocket is open, so the server has started the tab's app process;
- **first output**: the first bytes of the app's screen reached the terminal;
- **home**: the home screen is whole (its footer's last key, "^p", is in the terminal).

`--stock` also times textual-serve's stock server and page around the same app, in turns
with dlearn's (A B A B): its page asks a public font service for CSS, and its `load` waits
for that request; offline it fails or stalls. The stock page keeps its terminal to itself,
so only its html, load, ws and first output are known.

Usage: `.venv/bin/python bench/serve_startup.py [--rounds 7] [--stock]` (Chromium from
Debian: `apt-get install chromium fonts-nanum`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# runs before the page's scripts: timestamps of the body's classes, and of the home screen
MARKS_JS = """
window.dlearnMarks = {};
const mark = (name) => { if (!(name in window.dlearnMarks)) window.dlearnMarks[name] = performance.now(); };
new MutationObserver(() => {
  const body = document.body;
  if (!body) return;
  if (body.classList.contains("-loaded")) mark("ws");
  if (body.classList.contains("-first-byte")) mark("first output");
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["class"]});
const poll = () => {
  const t = window.dlearnTerminals && window.dlearnTerminals[0];
  if (t) {
    const b = t.terminal.buffer.active;
    for (let y = 0; y < b.length; y++) {
      if (b.getLine(y).translateToString(true).includes("^p")) { mark("home"); return; }
    }
  }
  requestAnimationFrame(poll);
};
requestAnimationFrame(poll);
"""
STEPS = ("html", "load", "ws", "first output", "home")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(stock: bool, data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    if stock:
        command = f"exec {sys.executable} -m tui.cli --data-dir {data_dir} --lang en"
        code = (
            "from textual_serve.server import Server\n"
            f"Server({command!r}, host='127.0.0.1', port={port}).serve()\n"
        )
        cmd = [sys.executable, "-c", code]
    else:
        cmd = [sys.executable, "-m", "tui.cli", "serve", "--port", str(port)]
        cmd += ["--data-dir", str(data_dir), "--lang", "en"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(600):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"the {'stock' if stock else 'dlearn'} server did not answer")


def one_round(browser, url: str, stock: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1000, "height": 640})
    page.add_init_script(MARKS_JS)
    page.goto(url, wait_until="commit")
    wanted = "first output" if stock else "home"
    page.wait_for_function(f"() => '{wanted}' in (window.dlearnMarks || {{}})", timeout=60_000)
    marks = dict(page.evaluate("window.dlearnMarks"))
    nav = page.evaluate("JSON.parse(JSON.stringify(performance.getEntriesByType('navigation')[0]))")
    marks["html"] = nav["responseEnd"]
    marks["load"] = nav["loadEventStart"]
    page.close()
    return {k: v / 1000 for k, v in marks.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--stock", action="store_true", help="also time textual-serve's page")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("no chromium on PATH (Debian: apt-get install chromium fonts-nanum)")
    from playwright.sync_api import sync_playwright

    kinds = [False, True] if args.stock else [False]
    results: dict[bool, list[dict[str, float]]] = {k: [] for k in kinds}
    with tempfile.TemporaryDirectory(prefix="dlearn-serve-bench-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        servers = {k: start(k, Path(tmp) / ("stock" if k else "dlearn")) for k in kinds}
        try:
            for kind in kinds:  # warm-up: the course cache, the OS file cache
                one_round(browser, servers[kind][1], kind)
            for _ in range(args.rounds):
                for kind in kinds:  # in turns, so a busy moment hits both
                    results[kind].append(one_round(browser, servers[kind][1], kind))
        finally:
            for proc, _ in servers.values():
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=30)
            browser.close()
    print(f"load average: {os.getloadavg()[0]:.2f}  rounds: {args.rounds}")
    for kind in kinds:
        print(
            f"\n{'textual-serve stock page' if kind else 'dlearn serve'} (seconds after the request)"
        )
        for step in STEPS:
            values = [r[step] for r in results[kind] if step in r]
            if values:
                print(
                    f"  {step:13} median {statistics.median(values):5.2f}"
                    f"   min {min(values):5.2f}   max {max(values):5.2f}"
                )


if __name__ == "__main__":
    main()
