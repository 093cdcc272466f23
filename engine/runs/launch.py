"""Starting runs: a run directory, its spec, and the detached `python -m engine` process;
stopping them; and running a finished model in a child process (`translate`).

Torch-free: `dlearn lab run` and the app's lab screen start runs through here (and follow
them with `engine.runs.follow`). Everything that can be wrong with a request — an unknown lab, a
parameter out of range, a device name that cannot exist, a directory that already holds a
run — is a `ParamError` raised before any process starts.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from engine import catalogue
from engine.errors import DlearnError, ParamError
from engine.runs import rundir
from engine.runs.events import EVENTS_FILE, LOG_FILE, SPEC_FILE, write_json_atomic
from engine.text import Text

DEVICE_PATTERN = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")


def new_run_dir(root: Path, lab_id: str) -> Path:
    """A fresh directory `root/<date>-<time>-<lab>` (suffixed when two start in one second)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        path = Path(root) / (f"{stamp}-{lab_id}" + (f"-{n}" if n else ""))
        try:
            path.mkdir(parents=True)
            return path
        except FileExistsError:
            continue
    raise RuntimeError(f"cannot create a run directory under {root}")


def prepare(
    lab_id: str,
    runs_root: Path,
    preset: str | None = "quick",
    overrides: dict[str, Any] | None = None,
    seed: int = 0,
    device: str = "auto",
    run_dir: Path | None = None,
    data_dir: Path | None = None,
    procs: int = 1,
    nodes: dict[str, Any] | None = None,
) -> Path:
    """Validate a run request and write its `spec.json`; return the run directory.

    `data_dir` is the learner's data directory (default: the one `runs_root` sits in); the
    spec carries it, so a run with `impl=mine` finds the student's exercises. `procs` > 1 runs
    it data-parallel under torchrun (`engine.runs.supervise`); `nodes` ({"nnodes",
    "node_rank", "rdzv_endpoint"}) spreads it over several machines."""
    lab = catalogue.get_lab(lab_id)
    params = catalogue.resolve_params(lab, preset, overrides)
    parallel = check_parallel(procs, nodes or {})
    data_dir = Path(data_dir) if data_dir is not None else Path(runs_root).parent
    if lab.exercises is not None:
        refuse_unpassed(lab.exercises(params), data_dir)
    if not DEVICE_PATTERN.match(device):
        raise ParamError(
            f"unknown device '{device}'; use auto, cpu, cuda, cuda:N or mps",
            f"'{device}'는 알 수 없는 장치입니다. auto, cpu, cuda, cuda:N, mps 중에서 고르세요",
        )
    if run_dir is not None:
        run_dir = Path(run_dir)
        if (run_dir / SPEC_FILE).exists() or (run_dir / EVENTS_FILE).exists():
            raise ParamError(
                f"{run_dir} already holds a run; pick another --dir or resume it with "
                f"`dlearn lab resume {run_dir}`",
                f"{run_dir}에는 이미 실행이 있습니다. 다른 --dir를 주거나 "
                f"`dlearn lab resume {run_dir}`으로 이어서 하세요",
            )
        run_dir.mkdir(parents=True, exist_ok=True)
    else:
        run_dir = new_run_dir(runs_root, lab.id)
    spec = {
        "lab": lab.id,
        "preset": preset,
        "params": params,
        "seed": seed,
        "device": device,
        "created": time.time(),
        "data_dir": str(data_dir.resolve()),
        **parallel,
    }
    write_json_atomic(run_dir / SPEC_FILE, spec)
    return run_dir


def refuse_unpassed(exercise_ids: tuple[str, ...], data_dir: Path) -> None:
    """A ParamError naming every exercise in `exercise_ids` that has not passed, or whose file
    changed since it passed, and how to pass it; nothing when all are ready (`impl=mine`)."""
    if not exercise_ids:
        return
    from engine.exercises import records

    problems: list[Text] = []
    for exercise_id in exercise_ids:
        try:
            records.load_passed(exercise_id, data_dir)
        except DlearnError as exc:
            problems.append(exc.message)
    if not problems:
        return
    ids = ", ".join(exercise_ids)
    said = Text.join(problems, sep="; ")
    raise ParamError(
        f"impl=mine trains your own {ids}, and not all of them are ready: {said.en}. "
        "Pass each with `dlearn exercise check ID` (or the Exercises screen, key x), "
        "or run with impl=builtin.",
        f"impl=mine은 내가 쓴 {ids}로 훈련하는데, 아직 준비되지 않은 것이 있습니다: {said.ko}. "
        "각각 `dlearn exercise check ID`로 (또는 연습 문제 화면, x 키에서) 통과시키거나 "
        "impl=builtin으로 실행하세요.",
    )


ENDPOINT_PATTERN = re.compile(r"^[A-Za-z0-9_.:\[\]-]+:\d{1,5}$")


def check_parallel(procs: int, nodes: dict[str, Any]) -> dict[str, Any]:
    """The spec's fields for a run across processes (none for one process on one node)."""
    nnodes = int(nodes.get("nnodes") or 1)
    node_rank = int(nodes.get("node_rank") or 0)
    endpoint = nodes.get("rdzv_endpoint")
    if not 1 <= procs <= 64:
        raise ParamError(
            f"--procs {procs} is out of range; give 1 to 64 processes per node",
            f"--procs {procs}는 범위를 벗어났습니다. 노드마다 1~64개의 프로세스를 주세요",
        )
    if nnodes < 1 or not 0 <= node_rank < nnodes:
        raise ParamError(
            f"--node-rank {node_rank} must be 0 to {nnodes - 1} for --nnodes {nnodes}",
            f"--nnodes {nnodes}이면 --node-rank는 0부터 {nnodes - 1}까지입니다 ({node_rank})",
        )
    if nnodes > 1 and not (isinstance(endpoint, str) and ENDPOINT_PATTERN.match(endpoint)):
        raise ParamError(
            "a run across nodes needs --rdzv-endpoint HOST:PORT, the address of node 0 "
            "that every node can reach",
            "여러 노드에 걸친 실행에는 --rdzv-endpoint HOST:PORT (모든 노드가 닿을 수 있는 "
            "0번 노드의 주소)가 필요합니다",
        )
    if procs == 1 and nnodes == 1:
        return {}
    out: dict[str, Any] = {"procs": procs}
    if nnodes > 1:
        out.update(nnodes=nnodes, node_rank=node_rank, rdzv_endpoint=endpoint)
    return out


def engine_command(*args: str) -> tuple[list[str], dict[str, str]]:
    """`python -m engine ARGS...` and the environment it needs to find this engine.

    The project root goes first on PYTHONPATH, so the child imports the same `engine` as
    this process even when dlearn runs from a checkout that is not installed.
    """
    root = str(Path(__file__).resolve().parents[2])  # engine/runs/launch.py -> the root
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return [sys.executable, "-m", "engine", *args], env


def start(run_dir: Path, resume: bool = False) -> subprocess.Popen[bytes]:
    """Start `python -m engine run` in its own session; its output goes to engine.log.

    A new session means no terminal signals: closing the terminal or the SSH link leaves
    the run going. The pid file is written here at once, so the run lists as running
    while the process is still importing torch.
    """
    cmd, env = engine_command(_verb(run_dir), str(run_dir / SPEC_FILE), "--dir", str(run_dir))
    if resume:
        cmd.append("--resume")
    with open(run_dir / LOG_FILE, "ab") as log:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
    rundir.write_pid(run_dir, proc.pid)
    return proc


def _verb(run_dir: Path) -> str:
    """`supervise` (torchrun under a supervisor) for a spec asking for several processes."""
    spec, _ = rundir.read_json(run_dir / SPEC_FILE)
    if isinstance(spec, dict) and (int(spec.get("procs") or 1) > 1 or spec.get("nnodes")):
        return "supervise"
    return "run"


def events_end(run_dir: Path) -> int:
    """Where the next complete event line will start (after any half-written line).

    Follow a resumed run from here to see only the new attempt's events.
    """
    try:
        data = (Path(run_dir) / EVENTS_FILE).read_bytes()
    except OSError:
        return 0
    return data.rfind(b"\n") + 1


# runs this process started: polled so that a finished child does not linger as a zombie
_CHILDREN: dict[Path, subprocess.Popen[bytes]] = {}


def start_run(run_dir: Path, resume: bool = False) -> None:
    """Start the run process detached (`start`) and remember it, to reap it when it ends."""
    _CHILDREN[Path(run_dir)] = start(Path(run_dir), resume=resume)


def reap() -> None:
    """Collect the exit status of our finished children (no zombies while the app runs)."""
    for path, proc in list(_CHILDREN.items()):
        if proc.poll() is not None:
            del _CHILDREN[path]


def stop_run(run_dir: Path) -> bool:
    """Ask a running run to stop (SIGINT: it checkpoints and ends as cancelled)."""
    alive, pid = rundir.is_alive(Path(run_dir))
    if not alive or pid is None:
        return False
    try:
        os.kill(pid, signal.SIGINT)
    except OSError:
        return False
    return True


TRANSLATE_TIMEOUT_S = 300.0


def translate(run_dir: Path, text: str, arm: str | None = None) -> dict[str, Any]:
    """`python -m engine translate RUN_DIR TEXT --json` in a child process, so that torch
    stays out of this one: the result (`engine.inference.translate_run`), or
    {"error": {"en": ..., "ko": ...}} saying what went wrong and what to do."""
    cmd, env = engine_command("translate", str(run_dir), text, "--json")
    if arm:
        cmd += ["--arm", arm]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=env, timeout=TRANSLATE_TIMEOUT_S
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"error": _engine_broke("-", str(exc))}
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        result = None
    if not isinstance(result, dict):
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:]) or "no output"
        return {"error": _engine_broke(str(proc.returncode), tail)}
    return result


def _engine_broke(code: str, tail: str) -> dict[str, str]:
    return Text(
        en=f"the translation process failed (exit {code}): {tail}",
        ko=f"번역 프로세스가 실패했습니다 (종료 코드 {code}): {tail}",
    ).as_dict()
