"""`dlearn serve` over its own protocol, without a browser: a websocket client is the tab.

The server runs as `dlearn` does (a subprocess, on a free loopback port); each websocket gets
its own app process. The client reads the terminal output, strips the escape sequences and
waits for words on the screen; it types by sending `["stdin", keys]`, as the page does.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from content.store import ProgressStore
from tests.tui.conftest import write_course
from tui.serve.child import LOG_NAME
from tui.serve.server import PATCHES, terminal_script

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60.0  # a loaded 2-core machine: generous, but every wait ends on a condition
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")

websockets_sync = pytest.importorskip("websockets.sync.client")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition, what: str, timeout: float = WAIT_S):  # type: ignore[no-untyped-def]
    """Poll `condition` until it returns something true; fail saying `what` never came."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Served:
    """A running `dlearn serve`: its port, data directory and process."""

    def __init__(self, port: int, data_dir: Path, process: subprocess.Popen[bytes]) -> None:
        self.port, self.data_dir, self.process = port, data_dir, process
        self.url = f"http://127.0.0.1:{port}/"

    def log(self) -> str:
        try:
            return (self.data_dir / LOG_NAME).read_text(encoding="utf-8")
        except OSError:
            return ""

    def app_pids(self) -> list[int]:
        """Pids of the app processes the tabs got, in order (from the serve log)."""
        return [
            int(p)
            for p in re.findall(r"pid=(\d+) INFO dlearn.serve: app process started", self.log())
        ]


@contextmanager
def serve(tmp_path: Path, *args: str, course: Path | None = None) -> Iterator[Served]:
    """`dlearn [--content COURSE] serve --port P --data-dir D ARGS`, until the block ends."""
    data_dir = tmp_path / "data"
    port = free_port()
    cmd = [sys.executable, "-m", "tui.cli"]
    if course is not None:
        cmd += ["--content", str(course)]
    cmd += ["serve", "--port", str(port), "--data-dir", str(data_dir), *args]
    output = (tmp_path / "server.out").open("wb")
    process = subprocess.Popen(cmd, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    served = Served(port, data_dir, process)

    def answers() -> bool:
        assert process.poll() is None, (tmp_path / "server.out").read_text()
        try:
            with urllib.request.urlopen(served.url, timeout=5) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    try:
        wait_for(answers, "the server to answer")
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()


class Tab:
    """One browser tab, played by a websocket client: what it shows, and typing."""

    def __init__(self, served: Served, width: int = 100, height: int = 32) -> None:
        self.url = f"ws://127.0.0.1:{served.port}/ws?width={width}&height={height}"
        self.raw = ""

    def __enter__(self) -> Tab:
        self._connection = websockets_sync.connect(self.url, max_size=None)
        self.ws = self._connection.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._connection.__exit__(None, None, None)

    def text(self) -> str:
        """Everything drawn so far, escape sequences removed (lines run together)."""
        return ANSI.sub("", self.raw)

    def _read(self) -> None:
        try:
            message = self.ws.recv(timeout=0.1)
        except TimeoutError:
            return
        if isinstance(message, bytes):
            self.raw += message.decode("utf-8", "replace")

    def wait_text(self, *words: str) -> None:
        """Read until each of `words` has been drawn since the last `wait_text`."""

        def drawn() -> bool:
            self._read()
            return all(w in self.text() for w in words)

        wait_for(drawn, f"{words!r} on the screen")
        self.raw = ""

    def press(self, keys: str) -> None:
        self.ws.send(json.dumps(["stdin", keys]))

    def press_until(self, keys: str, *words: str, tries: int = 10) -> None:
        """Press `keys` until `words` are drawn: a screen paints before its widget has the
        focus, and a key that comes in between is lost, as it would be for a person. So
        `keys` must be harmless to repeat (selecting an option, opening a screen)."""
        for _ in range(tries - 1):
            self.press(keys)
            try:
                wait_for(lambda: self._read() or all(w in self.text() for w in words), "", 3.0)
            except AssertionError:
                continue
            self.raw = ""
            return
        self.press(keys)
        self.wait_text(*words)

    def close(self) -> None:
        self.ws.close()


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def children(pid: int) -> set[int]:
    """Live processes whose parent is `pid`."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


@pytest.fixture
def one_question(tmp_path: Path) -> Path:
    """A course with one O/X question, so every review session asks the same thing."""
    return write_course(tmp_path / "course", only={"t-ox"})


QUESTION = "F(x) and x may have different shapes."
EXPLANATION = "To be added they must have the same shape."


def review_one(tab: Tab, question: str = QUESTION, explanation: str = EXPLANATION) -> None:
    """From home: open Review, answer the O/X question right (X), store it."""
    tab.press("r")
    tab.wait_text(question)
    tab.press_until("x", "● X")
    tab.press("\r")  # submit: the feedback and the explanation
    tab.wait_text(explanation)
    tab.press("\r")  # store the review and move on


def stored_reviews(data_dir: Path) -> list[str]:
    with ProgressStore.open(data_dir) as store:
        return [r.question_id for r in store.reviews()]


def test_a_tab_reviews_and_its_app_process_ends_when_it_closes(
    tmp_path: Path, one_question: Path
) -> None:
    with serve(tmp_path, "--lang", "en", course=one_question) as served:
        with Tab(served) as tab:
            tab.wait_text("Due 0 · New 1", "r Review")
            review_one(tab)
            wait_for(lambda: stored_reviews(served.data_dir) == ["t-ox"], "the review stored")
            [pid] = served.app_pids()
            assert alive(pid)
            # beside the tab's app, the next tab's process is already started (a warm spare)
            spares = wait_for(lambda: children(served.process.pid) - {pid}, "a warm spare")
        wait_for(lambda: not alive(pid), f"app process {pid} to end after the tab closed")
        wait_for(lambda: "app process ended" in served.log(), "the app's goodbye in the log")
        assert all(alive(p) for p in spares)
    assert not any(alive(p) for p in spares)  # the server ends its spare when it stops


def test_two_tabs_are_two_processes_and_both_reviews_are_kept(
    tmp_path: Path, one_question: Path
) -> None:
    with serve(tmp_path, "--lang", "ko", course=one_question) as served:
        with Tab(served) as first, Tab(served) as second:
            first.wait_text("새 문항 1")
            second.wait_text("새 문항 1")
            pids = served.app_pids()
            assert len(set(pids)) == 2
            # both open the question before either answers: each asks, then each stores
            for tab in (first, second):
                tab.press("r")
                tab.wait_text("F(x)와 x는 모양이 달라도 된다.")
            for tab in (first, second):
                tab.press_until("x", "● X")
                tab.press("\r")
                tab.wait_text("더하려면 모양이 같아야 한다.")
                tab.press("\r")
            wait_for(lambda: stored_reviews(served.data_dir) == ["t-ox", "t-ox"], "both reviews")
        wait_for(lambda: not any(alive(p) for p in pids), "both app processes to end")


def test_a_served_app_writes_nothing_but_the_protocol_on_its_stdout(tmp_path: Path) -> None:
    """A print and a warning in the tab's process land in serve.log, not on the channel."""
    data_dir = tmp_path / "data"
    code = (
        "import sys, warnings\n"
        "from tui.serve.child import guard_stdout\n"
        f"guard_stdout(__import__('pathlib').Path({str(data_dir)!r}) / 'serve.log')\n"
        "print('a stray print')\n"
        "warnings.warn('a stray warning')\n"
        "import subprocess\n"
        "subprocess.run(['echo', 'a child that inherits stdout'])\n"
        "sys.__stdout__.write('PROTOCOL')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout == "PROTOCOL"
    log = (data_dir / LOG_NAME).read_text(encoding="utf-8")
    for line in ("a stray print", "a stray warning", "a child that inherits stdout"):
        assert line in log


def test_the_page_loads_nothing_from_elsewhere_and_names_a_hangul_font(tmp_path: Path) -> None:
    with serve(tmp_path, "--lang", "en") as served:
        with urllib.request.urlopen(served.url, timeout=10) as response:
            page = response.read().decode("utf-8")
        with urllib.request.urlopen(served.url + "dlearn/terminal.js", timeout=10) as response:
            script = response.read().decode("utf-8")
    addresses = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page)
    assert addresses and all(a.startswith("/") for a in addresses), addresses
    assert "googleapis" not in page and "@import" not in page
    [stack] = [s for s in re.findall(r'fontFamily:"([^"]+)"', script) if "Roboto Mono" in s]
    fonts = [f.strip(" '") for f in stack.split(",")]
    assert fonts.index("NanumGothicCoding") < fonts.index("monospace")
    assert "window.dlearnTerminals" in script


def test_every_patch_finds_its_place_in_textual_serves_script() -> None:
    import textual_serve

    stock = Path(textual_serve.__file__).parent / "static" / "js" / "textual.js"
    patched, missing = terminal_script(stock.read_text(encoding="utf-8"))
    assert missing == []
    assert all(new in patched for _, new in PATCHES)


def test_another_host_than_loopback_is_warned_about(tmp_path: Path) -> None:
    def dlearn_serve(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tui.cli", "serve", "--data-dir", str(tmp_path), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    out = dlearn_serve("--port", "0")
    assert out.returncode == 2 and "--port must be 1-65535" in out.stderr
    out = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--content", str(tmp_path / "none"), "serve"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "content folder not found" in out.stderr
    # 192.0.2.1 is a documentation address no machine has: the warning comes first, then
    # listening fails at once with a clear message (nothing is sent anywhere)
    out = dlearn_serve("--host", "192.0.2.1", "--port", "8000")
    assert "anyone who can reach this machine" in out.stderr
    assert "ssh -L 8000:localhost:8000" in out.stderr
    assert out.returncode == 1 and "cannot listen on 192.0.2.1:8000" in out.stderr


def test_a_lab_run_outlives_its_tab_and_another_tab_follows_it(
    tmp_path: Path, one_question: Path
) -> None:
    """Started in one tab (its own process, `engine.runs.launch`), the run keeps going when
    that tab closes, and a second tab finds it on the Runs screen and re-attaches."""
    from engine.runs import launch, rundir

    with serve(tmp_path, "--lang", "en", course=one_question) as served:
        runs = served.data_dir / "runs"
        with Tab(served, width=120, height=40) as first:
            first.wait_text("r Review")
            first.press_until("l", "h Runs")
            first.press("r")
            first.wait_text("Predict before you run.")
            first.press("s")  # run without predicting
            first.wait_text("Layers and features ·")
            [run_dir] = wait_for(lambda: list(runs.iterdir()) if runs.exists() else [], "a run")
            [tab_pid] = served.app_pids()
        try:
            wait_for(lambda: not alive(tab_pid), "the first tab's app process to end")
            running, run_pid = rundir.is_alive(run_dir)
            assert running and run_pid is not None and alive(run_pid)
            # a session of its own (the tabs share the server's): no hang-up reaches it
            assert os.getsid(run_pid) == run_pid != os.getsid(served.process.pid)
            with Tab(served, width=120, height=40) as second:
                second.wait_text("r Review")
                second.press_until("l", "h Runs")
                second.press("h")
                second.wait_text(run_dir.name, "running")
                second.press("\r")  # re-attach
                second.wait_text(f"Layers and features · {run_dir.name}")
        finally:
            launch.stop_run(run_dir)  # the claim is not under test here: save the CPU
            wait_for(lambda: not rundir.is_alive(run_dir)[0], "the run to stop")
