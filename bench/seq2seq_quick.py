"""Run the `seq2seq` lab's quick preset for several seeds and print what the verdict rests on.

    PYTHONPATH=. .venv/bin/python bench/seq2seq_quick.py [--seeds 0 1 2] [--set name=value ...]

For each seed and arm: exact match by input-length bucket on the whole test set, per task
kind, and the wall time of the arm (training, probes and the final decoding); then the
verdict. Arms train one after another in this process with the engine's own `Trainer`
(events are counted, not written), as `python -m engine run` trains them. Run it on an
otherwise idle machine: two torch processes at once slow each other down many times.
"""

from __future__ import annotations

import sys

from engine.data.korean_numbers import KINDS
from engine.labs.seq2seq import seq2seq_lab, seq2seq_verdict

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from seeded import parse, run_seed, start  # noqa: E402


def print_arm(label: str, m: dict, seconds: float) -> None:
    buckets = seq2seq_verdict.buckets_of(m)
    cells = " ".join(f"{acc:5.2f}" if n else "    -" for acc, n in buckets.values())
    kinds = " ".join(f"{k[6:]}={v:.2f}" for k, v in m.items() if k[6:] in KINDS)
    print(f"  {label:<26}{cells}   all={m['exact']:.2f} {kinds}  {seconds:6.1f} s")


def main(argv: list[str] | None = None) -> int:
    _, params, args = parse(__doc__ or "", "seq2seq", argv)
    device = start(params, args)
    arms = seq2seq_lab.arms(params)
    shown = 0
    for seed in args.seeds:
        metrics, seconds, verdict = run_seed(seq2seq_lab, arms, params, seed, device)
        shown += bool(verdict["shown"])
        labels = " ".join(f"{k:>5}" for k in seq2seq_verdict.buckets_of(metrics[arms[0]]))
        print(f"\nseed {seed}: shown={verdict['shown']}  total {sum(seconds.values()):.1f} s")
        print(f"  {'arm':<26}{labels}")
        for arm in arms:
            print_arm(seq2seq_verdict.ARM_LABELS[arm], metrics[arm], seconds[arm])
        print("  " + verdict["evidence"]["en"])
    print(f"\nshown for {shown} of {len(args.seeds)} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
