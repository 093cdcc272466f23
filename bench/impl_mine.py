"""Wall time of the four `impl=mine` labs against their built-in code, with the reference
solutions plugged in (graded and recorded as a student's `dlearn exercise check` does).

    nice -n 10 .venv/bin/python bench/impl_mine.py /tmp/13b-bench [--rounds 2] [--labs memory,...]

Each lab runs `quick` (built-in) and `mine` (the solutions) in turns, A B then B A, as
separate `dlearn lab run` processes on the CPU; it prints each run's wall time, whether
its verdict was shown and each claim's status, then the median ratio mine / builtin per lab.

Measured 2026-12-02 (fourth session, quiet 2-core machine, seed 0, `--rounds 1`, one data
directory, so the Transformer reused the seq2seq run's GRU): memory builtin 38.6 s / mine
51.2 s (1.33x), resnet 34.7 / 30.7, seq2seq 51.2 / 52.7, transformer 56.2 / 54.7; every
claim shown in all eight runs, the Transformer's three included. Earlier, at load 5-12,
bench/impl_mine_steps.py timed one step side by side: mine / builtin LSTM 3.03, GRU 2.08,
RNN 0.76 (overlapping 1), residual-56 0.84, seq2seq dot 1.31, additive 1.10, Transformer
0.89 (9 rounds): the whole runs differ less, their probes and evaluation being shared.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from engine.exercises import grade, records, workspace

ROOT = Path(__file__).resolve().parents[1]
LABS = ("memory", "resnet", "seq2seq", "transformer")
NEEDED = (
    "rnn_cell",
    "lstm_cell",
    "gru_cell",
    "residual_block",
    "attention",
    "additive_attention",
    "multi_head_attention",
    "positional_encoding",
)


def plug_in_solutions(data_dir: Path) -> None:
    for exercise_id in NEEDED:
        path = workspace.path_for(exercise_id, data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(workspace.solution_path(exercise_id), path)
        report = grade(exercise_id, path)
        records.record(report, data_dir)
        print(f"graded {exercise_id}: passed={report.passed} ({report.seconds:.1f} s)", flush=True)
        if not report.passed:
            sys.exit(f"the reference solution of {exercise_id} did not pass: {report.failed}")


def one_run(data_dir: Path, lab: str, preset: str) -> tuple[float, dict]:
    dlearn = str(Path(sys.executable).with_name("dlearn"))
    cmd = [dlearn, "--data-dir", str(data_dir), "--lang", "en", "lab", "run", lab]
    cmd += ["--preset", preset, "--device", "cpu", "--detach"]
    started = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    run_dir = Path(out.strip().splitlines()[-1])
    while not (run_dir / "summary.json").exists() or (run_dir / "run.pid").exists():
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    return seconds, json.loads((run_dir / "summary.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--labs", default=",".join(LABS))
    parser.add_argument("--only-mine", action="store_true", help="no builtin runs (busy machine)")
    args = parser.parse_args()
    plug_in_solutions(args.data_dir)
    times: dict[tuple[str, str], list[float]] = {}
    for r in range(args.rounds):
        for lab in args.labs.split(","):
            order = ("quick", "mine") if r % 2 == 0 else ("mine", "quick")
            order = ("mine",) if args.only_mine else order
            for preset in order:
                seconds, summary = one_run(args.data_dir, lab, preset)
                times.setdefault((lab, preset), []).append(seconds)
                verdict = summary.get("verdict") or {}
                claims = {c["id"]: c["status"] for c in verdict.get("claims", [])}
                print(
                    f"round {r + 1} {lab:11s} {preset:5s} {seconds:6.1f} s  "
                    f"status={summary.get('status')} shown={verdict.get('shown')} {claims} "
                    f"impl={sorted((summary.get('impl') or {}).get('mine', {}))}",
                    flush=True,
                )
    for lab in args.labs.split(","):
        a, b = times.get((lab, "quick"), []), times.get((lab, "mine"), [])
        if a and b:
            ratios = [y / x for x, y in zip(a, b, strict=False)]
            print(
                f"{lab:11s} builtin {statistics.median(a):6.1f} s ({min(a):.1f}-{max(a):.1f})  "
                f"mine {statistics.median(b):6.1f} s ({min(b):.1f}-{max(b):.1f})  "
                f"mine/builtin median {statistics.median(ratios):.2f} "
                f"(per round {', '.join(f'{x:.2f}' for x in ratios)})"
            )


if __name__ == "__main__":
    main()
