"""One training step (forward, backward, Adam) of each lab's network at its quick sizes,
built-in against the student's code (the reference solutions, as passed in DATA_DIR), timed
side by side in one process: A B B A for several rounds, median and middle half of the
per-round ratio mine / builtin. Robust to a busy machine, unlike two runs minutes apart.

    nice -n 10 .venv/bin/python bench/impl_mine_steps.py DATA_DIR [--rounds 9]

DATA_DIR holds the passes (bench/impl_mine.py grades the solutions into it).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

from engine import catalogue
from engine.data.korean_numbers import PAD
from engine.data.recall_task import N_SIGNAL, VOCAB, first_token_task
from engine.exercises import records
from engine.labs.seq2seq import seq2seq_lab
from engine.labs.transformer.transformer_lab import build_transformer
from engine.models import student
from engine.models.recurrent import RecurrentConfig, RecurrentNet
from engine.models.resnet import ResNet, ResNetConfig


def step_fn(
    model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, seq: bool
) -> Callable[[], None]:
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-9)

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        out = model(x)
        if seq:
            loss = F.cross_entropy(
                out.flatten(0, 1), y[:, : out.shape[1]].flatten(), ignore_index=PAD
            )
        else:
            loss = F.cross_entropy(out, y)
        loss.backward()
        optimizer.step()

    return step


def cases(data_dir: Path) -> dict[str, tuple[Callable[[], None], Callable[[], None]]]:
    mine = {i: records.load_passed(i, data_dir).entry() for i in records.passed(data_dir)}
    out = {}
    x, y = first_token_task(128, 64, torch.Generator().manual_seed(0))  # memory quick
    for cell in ("rnn", "lstm", "gru"):
        config = RecurrentConfig(cell=cell, vocab=VOCAB, embed=16, hidden=64, out=N_SIGNAL)  # type: ignore[arg-type]
        a = RecurrentNet(config)
        b = student.use_cell(RecurrentNet(config), mine[f"{cell}_cell"])
        out[f"memory/{cell}"] = (step_fn(a, x, y, False), step_fn(b, x, y, False))
    config_r = ResNetConfig(depth=56, width=16, in_channels=1, classes=10)  # resnet quick, deep
    xi, yi = torch.randn(64, 1, 8, 8), torch.randint(0, 10, (64,))
    out["resnet/residual-56"] = (
        step_fn(ResNet(config_r), xi, yi, False),
        step_fn(student.student_resnet(mine["residual_block"], config_r), xi, yi, False),
    )
    data = seq2seq_lab.task_data("digits", 2000, 30)  # seq2seq quick: digits, max_len 30
    xs, ys = data.tensors(data.train, torch.device("cpu"))
    xs, ys = xs[-128:], ys[-128:]  # long pairs: the slow end
    p = catalogue.resolve_params(catalogue.get_lab("seq2seq"), "quick")
    for kind, ex in (("dot", "attention"), ("additive", "additive_attention")):
        a = seq2seq_lab.build_model(kind, p, len(data.vocab), data.max_len)
        b = student.use_attention(
            seq2seq_lab.build_model(kind, p, len(data.vocab), data.max_len), mine[ex]
        )
        out[f"seq2seq/{kind}"] = (step_fn(a, xs, ys, True), step_fn(b, xs, ys, True))
    pt = catalogue.resolve_params(catalogue.get_lab("transformer"), "quick")
    a = build_transformer(pt, len(data.vocab), data.max_len)
    b = student.use_transformer_parts(
        build_transformer(pt, len(data.vocab), data.max_len),
        mine["multi_head_attention"],
        mine["positional_encoding"],
    )
    out["transformer"] = (step_fn(a, xs, ys, True), step_fn(b, xs, ys, True))
    return out


def timed(fn: Callable[[], None]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    for name, (builtin, mine) in cases(args.data_dir).items():
        builtin(), mine()  # warm up
        ratios, a_s, b_s = [], [], []
        for r in range(args.rounds):
            if r % 2 == 0:
                a, b = timed(builtin), timed(mine)
            else:
                b, a = timed(mine), timed(builtin)
            ratios.append(b / a)
            a_s.append(a)
            b_s.append(b)
        q1, _, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
        print(
            f"{name:20s} builtin {1000 * statistics.median(a_s):7.1f} ms  "
            f"mine {1000 * statistics.median(b_s):7.1f} ms  mine/builtin "
            f"{statistics.median(ratios):.2f} (middle half {q1:.2f}-{q3:.2f}, {len(ratios)} rounds)",
            flush=True,
        )


if __name__ == "__main__":
    main()
