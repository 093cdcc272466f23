"""The Transformer lab's thread comparison at other sizes: which batch and length separate
the two models' speed-ups, and whether the cores were free (the control).

    .venv/bin/python bench/transformer_threads.py [--mine] [--rounds 9] 64x64 128x8 ...

Each SIZE is LENGTHxBATCH. Fresh models of the quick preset's sizes (the GRU seq2seq and
the Transformer, or with --mine the Transformer on the reference multi-head attention and
positional encoding), forward and backward, 1 and all threads, timed in turns with the lab's
own `interleaved` and the matrix-product control beside them; prints per size the median
ms, each model's speed-up, the ratio (Transformer / GRU) with its middle half and the
verdict's reading (above / below / overlap), and the control's speed-up.

Measured 2026-12-02 (quiet 2-core machine, torch 2.13, 9 rounds of one call), GRU / Transformer
speed-up from 2 threads: 64x64 1.26x / 1.30x, ratio 1.04 (0.97-1.24); 128x64 1.36x / 1.39x,
1.06 (0.95-1.11); 128x16 1.04-1.15x / 1.44-1.52x, 1.31-1.41; 128x8 1.01x / 1.46x, 1.43-1.45
(1.38-1.50) — the lab times 128x8. --mine 128x8: 1.03-1.08x / 1.54-1.56x, 1.40-1.49, once
1.25 (0.97-1.51) with the control at 1.80x: free cores, noisy rounds. Hence the lab's 15
rounds of the least of 2 calls; so measured, three runs each: 128x8 ratio 1.31 (1.27-1.43),
1.34 (1.29-1.39), 1.27 (1.15-1.46); --mine 1.57 (1.53-1.66), 1.50 (1.37-1.61), 1.46
(1.33-1.52); control 1.97-2.02x.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from engine import catalogue  # noqa: E402
from engine.data.korean_numbers import Vocab  # noqa: E402
from engine.exercises import workspace  # noqa: E402
from engine.labs import claims  # noqa: E402
from engine.labs.transformer import transformer_timing as timing  # noqa: E402
from engine.labs.transformer.transformer_lab import build_transformer  # noqa: E402
from engine.models.student import use_transformer_parts  # noqa: E402
from engine.training.timing import Case, interleaved, matmul_case  # noqa: E402


def solution(exercise_id: str) -> Any:
    spec = importlib.util.spec_from_file_location(exercise_id, workspace.solution_path(exercise_id))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("sizes", nargs="+", help="LENGTHxBATCH, e.g. 128x8")
    parser.add_argument("--rounds", type=int, default=timing.PARALLEL_ROUNDS)
    parser.add_argument("--mine", action="store_true", help="the reference solutions inside")
    args = parser.parse_args(argv)
    build = build_transformer
    if args.mine:
        mha = solution("multi_head_attention").multi_head_attention
        pe = solution("positional_encoding").positional_encoding

        def build(params: dict[str, Any], vocab: int, src_len: int):  # type: ignore[no-untyped-def]
            return use_transformer_parts(build_transformer(params, vocab, src_len), mha, pe)

    params = catalogue.resolve_params(catalogue.get_lab("transformer"), "quick")
    vocab, device, many = len(Vocab()), torch.device("cpu"), torch.get_num_threads()
    if many < 2:
        sys.exit("torch has one thread here: there is no thread comparison to make")
    for size in args.sizes:
        length, batch = (int(n) for n in size.lower().split("x"))
        x, y = timing._batch(vocab, length, batch, device)
        models = timing._models(params, vocab, length, device, build)
        cases = {
            f"{name}/{n}": Case(timing._step(model.train(), x, y), threads=n)
            for name, model in models.items()
            for n in (1, many)
        }
        cases.update({f"control/{n}": matmul_case(n) for n in (1, many)})
        seconds = interleaved(cases, device, args.rounds, best_of=timing.PARALLEL_BEST_OF)
        gain = {
            name: [
                a / b for a, b in zip(seconds[f"{name}/1"], seconds[f"{name}/{many}"], strict=True)
            ]
            for name in (*models, "control")
        }
        ratio = claims.compare(gain["transformer"], gain["gru"])
        ms = {k: round(1000 * statistics.median(v), 1) for k, v in seconds.items()}
        med = {k: statistics.median(v) for k, v in gain.items()}
        print(
            f"length {length} batch {batch}: ms {ms}\n  speed-up GRU {med['gru']:.2f}x, "
            f"Transformer {med['transformer']:.2f}x; ratio {ratio.text()} -> {ratio.status}; "
            f"control {med['control']:.2f}x",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
