"""Run the `transformer` lab's quick preset for several seeds: accuracy and its timings.

    PYTHONPATH=. .venv/bin/python bench/transformer_quick.py [--seeds 0 1 2] [--set name=value]

For each seed: exact match by input-length bucket for the GRU seq2seq (trained short here:
`baseline=small`, since this bench has no seq2seq run to reuse) and the Transformer, each
arm's wall time and the timing pass's, and the verdict claim by claim with the figures of the
side-by-side timings. Run it on an otherwise idle machine and note `uptime`'s load.
"""

from __future__ import annotations

import sys

from engine.labs.seq2seq.seq2seq_verdict import arm_label
from engine.labs.transformer import ARMS, transformer_lab

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from seeded import parse, print_claims, run_seed, start  # noqa: E402
from seq2seq_quick import print_arm  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    _, params, args = parse(__doc__ or "", "transformer", argv)
    device = start(params, args)
    shown = 0
    for seed in args.seeds:
        metrics, seconds, verdict = run_seed(transformer_lab, list(ARMS), params, seed, device)
        shown += bool(verdict["shown"])
        print(f"\nseed {seed}: shown={verdict['shown']}  total {sum(seconds.values()):.1f} s")
        for arm in ARMS:
            print_arm(arm_label(arm, params), metrics[arm], seconds[arm])
        print(f"  timing pass {seconds['timing']:.1f} s")
        print_claims(verdict)
        print("  " + verdict["evidence"]["en"])
    print(f"\nshown for {shown} of {len(args.seeds)} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
