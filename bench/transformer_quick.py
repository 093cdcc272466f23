"""Run the `transformer` lab's quick preset for several seeds: accuracy and epoch-time ratios.

    PYTHONPATH=. .venv/bin/python bench/transformer_quick.py [--seeds 0 1 2] [--set name=value]

For each seed: exact match by input-length bucket for the GRU seq2seq and the Transformer,
each arm's wall time, the lab's own measurement of seconds per epoch of both models as the
input length doubles (fresh models, synthetic batches, this device) with the ratio
recurrent / Transformer (> 1: the Transformer is faster), and the verdict. Run it on an
otherwise idle machine and note `uptime`'s load: timings are only as good as the quiet.
"""

from __future__ import annotations

import sys

from engine.labs.seq2seq.seq2seq_verdict import arm_label
from engine.labs.transformer import ARMS, transformer_lab
from engine.labs.transformer.transformer_verdict import speed_of

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from seeded import parse, run_seed, start  # noqa: E402
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
        print(f"  {'length':>8}{'recurrent s/ep':>16}{'Transformer s/ep':>18}{'ratio':>8}")
        for n, r, t in speed_of(metrics["transformer"]):
            print(f"  {n:>8}{r:>16.2f}{t:>18.2f}{r / t:>8.2f}")
        print("  " + verdict["evidence"]["en"])
    print(f"\nshown for {shown} of {len(args.seeds)} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
