"""Run the `resnet` lab's quick preset for several seeds and print what the verdict rests on.

    PYTHONPATH=. .venv/bin/python bench/resnet_quick.py [--seeds 0 1 2] [--set name=value ...]

For each seed: the four final training losses (whole training set, eval mode), test
accuracies, whether the verdict showed the claim, and the wall time of each arm and of all
four together. Arms train one after another in this process with the engine's own `Trainer`
(events are dropped, not written), exactly as `python -m engine run` trains them. Run it on
an otherwise idle machine: two torch processes at once slow each other down many times.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from seeded import parse, run_seed, start  # noqa: E402

from engine.labs.resnet import ARMS, arm_label, resnet_lab  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    _, params, args = parse(__doc__ or "", "resnet", argv)
    device = start(params, args)
    labels = [arm_label(arm, params) for arm in ARMS]
    shown = 0
    for seed in args.seeds:
        metrics, seconds, verdict = run_seed(resnet_lab, list(ARMS), params, seed, device)
        shown += bool(verdict["shown"])
        print(f"\nseed {seed}: shown={verdict['shown']}  total {sum(seconds.values()):.1f} s")
        print(f"  {'arm':<14}{'train loss':>12}{'train acc':>11}{'test acc':>10}{'seconds':>9}")
        for arm, label in zip(ARMS, labels, strict=True):
            m = metrics[arm]
            print(
                f"  {label:<14}{m['final_train_loss']:>12.4f}{m['final_train_acc']:>11.3f}"
                f"{m['final_test_acc']:>10.3f}{seconds[arm]:>9.1f}"
            )
        print("  " + verdict["evidence"]["en"])
    print(f"\nshown for {shown} of {len(args.seeds)} seeds; load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
