"""A run across several processes: torchrun under a supervisor that always ends the run.

`python -m engine supervise SPEC --dir RUN_DIR` is what `launch.start` starts (in its own
session) when the spec asks for `procs` > 1. It owns the run's pid file, so listings,
`dlearn lab run`'s Ctrl+C and the app's `c` reach it, and it

- starts `torch.distributed.run` with `procs` ranks, each a `python -m engine run`;
- passes the first SIGINT/SIGTERM/SIGHUP on to torchrun, which passes it to every rank (the
  ranks stop at the same step, rank 0 checkpoints, the run ends `cancelled`); later ones are
  not passed on (a second signal makes torchrun quit at once and orphan its ranks), and if
  the ranks are still there `KILL_AFTER_S` later, every process under torchrun is killed;
- when torchrun has exited, writes the final event itself if rank 0 did not (a rank killed
  with -9, out of memory): `failed`, saying the run can be resumed from its last checkpoint,
  or `cancelled` if a stop had been asked for.

One node (the default) binds to nothing but the loopback: the ranks rendezvous through
files in a private temporary directory (torchrun's c10d rendezvous with a file store, and
the process group's `FileStore`), gloo's sockets live on `lo`, and torchrun is told not to
start its shared TCP store (which listens on every interface). Several nodes use torchrun's
static rendezvous at `rdzv_endpoint` (HOST:PORT on node 0), which must be reachable from
every node; only node 0's supervisor writes the run's final event.

Torch-free: torchrun runs in the child process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType
from typing import Any

from engine.runs import rundir
from engine.runs.events import (
    CHECKPOINT_FILE,
    EVENTS_FILE,
    FINAL_TYPES,
    PID_FILE,
    SUMMARY_FILE,
    EventWriter,
    write_json_atomic,
)

KILL_AFTER_S = 90.0  # after a stop, the most the ranks get before they are killed
MONITOR_S = "0.5"  # how often torchrun looks at its ranks
STORE_ENV = "DLEARN_DIST_STORE"  # read by engine.training.distributed (same name)


def torchrun_command(
    spec: dict[str, Any], spec_path: Path, run_dir: Path, resume: bool, store_dir: Path
) -> tuple[list[str], dict[str, str]]:
    """The torchrun command line and environment for this run's spec."""
    from engine.runs.launch import engine_command

    procs = int(spec.get("procs") or 1)
    nnodes = int(spec.get("nnodes") or 1)
    engine, env = engine_command("run", str(spec_path), "--dir", str(run_dir))
    if resume:
        engine.append("--resume")
    cmd = [sys.executable, "-m", "torch.distributed.run", f"--nproc-per-node={procs}"]
    cmd += [f"--nnodes={nnodes}", "--max-restarts=0", f"--monitor-interval={MONITOR_S}"]
    if nnodes == 1:
        cmd += [
            "--rdzv-backend=c10d",
            f"--rdzv-endpoint={store_dir / 'rendezvous'}",
            "--rdzv-conf=store_type=file",
            f"--rdzv-id={run_dir.name}",
            "--local-addr=127.0.0.1",
        ]
        env.update(
            {
                "TORCH_DISABLE_SHARE_RDZV_TCP_STORE": "1",  # no TCP store on *:port
                "MASTER_ADDR": "127.0.0.1",
                "GLOO_SOCKET_IFNAME": "lo",
                "NCCL_SOCKET_IFNAME": "lo",
                STORE_ENV: str(store_dir / "group"),
            }
        )
    else:
        host, _, port = str(spec.get("rdzv_endpoint") or "").rpartition(":")
        cmd += [
            f"--node-rank={int(spec.get('node_rank') or 0)}",
            f"--master-addr={host}",
            f"--master-port={port}",
        ]
    cmd += ["-m", "engine", *engine[3:]]  # engine_command is [python, -m, engine, ...]
    return cmd, env


def final_after(run_dir: Path, offset: int) -> dict[str, Any] | None:
    """The final event this attempt wrote (after `offset`), if any."""
    final = None
    for event in rundir.EventTail(run_dir, offset).poll():
        if event.get("type") in FINAL_TYPES:
            final = event
        elif event.get("type") == "started":
            final = None
    return final


def _last_t(run_dir: Path) -> float:
    events = rundir.read_events(run_dir)
    return float(events[-1].get("t") or 0.0) if events else 0.0


def write_final(run_dir: Path, spec: dict[str, Any], stopped: str | None, code: int) -> str:
    """End a run whose rank 0 could not: `cancelled` after a stop, else `failed`."""
    procs = int(spec.get("procs") or 1)
    resume = f"`dlearn lab resume {run_dir}`"
    if (run_dir / CHECKPOINT_FILE).exists():
        then_en, then_ko = (
            "continue from the last checkpoint with",
            "마지막 체크포인트부터 이어서 하려면",
        )
    else:
        then_en, then_ko = (
            "no checkpoint was written yet: start it again with",
            "아직 체크포인트가 없으니 다시 시작하려면",
        )
    if stopped:
        kind = "cancelled"
        en = f"the run was stopped ({stopped}); continue it with {resume}"
        ko = f"실행이 중단되었습니다 ({stopped}). {resume}으로 이어서 할 수 있습니다"
    else:
        kind = "failed"
        en = (
            f"a process of this {procs}-process run ended without finishing it (torchrun exit "
            f"{code}; details in engine.log); {then_en} {resume}"
        )
        ko = (
            f"이 {procs}-프로세스 실행의 프로세스가 실행을 끝내지 못하고 멈췄습니다 (torchrun 종료 "
            f"코드 {code}, 자세한 내용은 engine.log). {then_ko} {resume}을 쓰세요"
        )
    summary = {
        "lab": spec.get("lab"),
        "status": kind,
        "arms": {},
        "verdict": {
            "shown": False,
            "evidence": {"en": en, "ko": ko},
            "claims": [],
        },
        "params": spec.get("params"),
        "seed": spec.get("seed", 0),
        "procs": procs,
        "message": {"en": en, "ko": ko},
    }
    write_json_atomic(run_dir / SUMMARY_FILE, summary)
    writer = EventWriter(run_dir, _last_t(run_dir))
    try:
        if kind == "failed":
            writer.emit("failed", message=en, message_ko=ko, summary=summary)
        else:
            writer.emit("cancelled", reason=stopped, summary=summary)
    finally:
        writer.close()
    return kind


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc; torchrun puts its ranks in new sessions)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class Supervisor:
    """Runs torchrun to its end and makes sure the run gets exactly one final event."""

    def __init__(self, spec_path: Path, run_dir: Path, resume: bool) -> None:
        self.spec_path, self.dir, self.resume = spec_path, run_dir, resume
        self.spec: dict[str, Any] = json.loads(spec_path.read_text(encoding="utf-8"))
        self.child: subprocess.Popen[bytes] | None = None
        self.stopped: str | None = None
        self.stopped_at = 0.0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopped is not None:
            return  # only the first: a second makes torchrun drop its ranks
        self.stopped, self.stopped_at = signal.Signals(signum).name, time.monotonic()
        if self.child is not None and self.child.poll() is None:
            try:
                os.kill(self.child.pid, signum)
            except OSError:
                pass

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        offset = _events_end(self.dir)
        store = Path(tempfile.mkdtemp(prefix="dlearn-ranks-"))
        try:
            cmd, env = torchrun_command(self.spec, self.spec_path, self.dir, self.resume, store)
            print("dlearn supervisor:", " ".join(cmd), file=sys.stderr, flush=True)
            self.child = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL)
            if self.stopped is not None:  # a signal that came while starting
                os.kill(self.child.pid, signal.Signals[self.stopped])
            code = self._wait(self.child)
        finally:
            shutil.rmtree(store, ignore_errors=True)
        final = final_after(self.dir, offset)
        if final is None and int(self.spec.get("node_rank") or 0) == 0:
            kind = write_final(self.dir, self.spec, self.stopped, code)
        else:
            kind = str(final["type"]) if final else "failed"
        return {"finished": 0, "failed": 1}.get(kind, 130)

    def _wait(self, child: subprocess.Popen[bytes]) -> int:
        while True:
            try:
                return child.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
            if self.stopped and time.monotonic() - self.stopped_at > KILL_AFTER_S:
                for pid in [*descendants(child.pid), child.pid]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                return child.wait()


def _events_end(run_dir: Path) -> int:
    try:
        data = (run_dir / EVENTS_FILE).read_bytes()
    except OSError:
        return 0
    return data.rfind(b"\n") + 1


def main(spec_path: Path, run_dir: Path, resume: bool) -> int:
    """`python -m engine supervise`: run torchrun, then remove the pid file if it is ours."""
    run_dir.mkdir(parents=True, exist_ok=True)
    info = rundir.read_pid(run_dir)
    if info is None or info.get("pid") != os.getpid():
        rundir.write_pid(run_dir, os.getpid())
    try:
        return Supervisor(spec_path, run_dir, resume).run()
    except (OSError, ValueError) as exc:
        print(f"dlearn supervisor: {exc}", file=sys.stderr)
        return 2
    finally:
        info = rundir.read_pid(run_dir)
        if info is not None and info.get("pid") == os.getpid():
            (run_dir / PID_FILE).unlink(missing_ok=True)
