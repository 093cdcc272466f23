"""The Transformer lab's measurements after training: is the sequence one unit, and does
training parallelise? Both timed side by side (`engine.training.timing`), fresh models of the
run's sizes on synthetic batches, forward and backward:

- `one_unit`: batch 1, one thread, the input length doubling from 8 to `speed_max_len`. A
  recurrent net must take the steps in order, so its time grows with the length; the
  Transformer handles all positions in one pass, and its time hardly grows.
- `parallel`: on a CPU, the same step on 1 thread and on all of them (batch 64, length 64):
  the Transformer's matrix products spread over the cores, the recurrence does not. On a GPU
  the direct evidence is the wall clock at the longest length: which trains a step faster.

Both write their raw per-round seconds into the run's facts, where the verdict reads them.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from engine.data.korean_numbers import BOS, Vocab
from engine.device import describe
from engine.labs.seq2seq import seq2seq_lab
from engine.labs.seq2seq.seq2seq_verdict import arm_label
from engine.training import probes
from engine.training.context import RunContext
from engine.training.losses import sequence_loss
from engine.training.timing import Case, interleaved

MIN_LENGTH = 8
ROUNDS = 7
PARALLEL_LENGTH, PARALLEL_BATCH = 64, 64


def timed_lengths(max_len: int) -> list[int]:
    """8, 16, 32, ... up to `max_len` (always including `max_len`)."""
    out, n = [], MIN_LENGTH
    while n < max_len:
        out.append(n)
        n *= 2
    return [*out, max_len]


def _batch(vocab: int, length: int, batch: int, device: torch.device) -> tuple[torch.Tensor, ...]:
    gen = torch.Generator().manual_seed(0)
    src = torch.randint(4, vocab, (batch, length), generator=gen)
    tgt = torch.randint(4, vocab, (batch, length + 1), generator=gen)
    tgt_in = torch.cat([torch.full((batch, 1), BOS), tgt[:, :-1]], dim=1)
    return torch.cat([src, tgt_in], dim=1).to(device), tgt.to(device)


Build = Callable[[dict[str, Any], int, int], nn.Module]  # (params, vocab, src_len) -> model


def _models(
    params: dict[str, Any], vocab: int, length: int, device: torch.device, build: Build
) -> dict[str, nn.Module]:
    gru = seq2seq_lab.build_model(str(params["recurrent"]), params, vocab, length)
    return {"gru": gru.to(device), "transformer": build(params, vocab, length).to(device)}


def _step(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> Callable[[], None]:
    cuda = x.device.type == "cuda"

    def step() -> None:
        model.zero_grad(set_to_none=True)
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=cuda):
            loss = sequence_loss(model(x), y)
        loss.backward()

    return step


def measure(run: RunContext, device: torch.device, build: Build) -> list[dict[str, Any]]:
    """Both timings into the run's facts; `build` makes the lab's Transformer."""
    params, vocab = run.params, len(Vocab())
    lengths = timed_lengths(int(params["speed_max_len"]))
    cases: dict[str, Case] = {}
    for length in lengths:
        x, y = _batch(vocab, length, 1, device)
        for name, model in _models(params, vocab, length, device, build).items():
            cases[f"{name}@{length}"] = Case(_step(model.train(), x, y), threads=1)
    seconds = interleaved(cases, device, ROUNDS)
    where = describe(device, threads=False)  # the measurement sets its own threads
    run.facts["one_unit"] = {"lengths": lengths, "seconds": seconds, "device": where}

    threads = torch.get_num_threads()
    if device.type == "cuda":
        length, batch = lengths[-1], int(params["batch_size"])
        counts = [threads]
    else:
        length, batch = PARALLEL_LENGTH, min(PARALLEL_BATCH, int(params["batch_size"]))
        counts = [1, threads] if threads > 1 else [1]
    x, y = _batch(vocab, length, batch, device)
    cases = {
        f"{name}/{n}": Case(_step(model.train(), x, y), threads=n)
        for name, model in _models(params, vocab, length, device, build).items()
        for n in counts
    }
    seconds = interleaved(cases, device, ROUNDS)
    run.facts["parallel"] = {
        "device": where,
        "cuda": device.type == "cuda",
        "threads": counts,
        "length": length,
        "batch": batch,
        "seconds": seconds,
    }
    return speed_probes(run)


def speed_probes(run: RunContext) -> list[dict[str, Any]]:
    one, par = run.facts["one_unit"], run.facts["parallel"]
    rnn = arm_label("gru", run.params)
    names = {"gru": rnn, "transformer": "Transformer"}
    ms = {
        key: 1000 * statistics.median(v) for key, v in {**one["seconds"], **par["seconds"]}.items()
    }
    lines = {
        names[m]: ([float(n) for n in one["lengths"]], [ms[f"{m}@{n}"] for n in one["lengths"]])
        for m in names
    }
    title = {
        "ko": f"입력 길이별 한 단계 시간 (배치 1, 스레드 1, {one['device']})",
        "en": f"time of one step by input length (batch 1, 1 thread, {one['device']})",
    }
    out = [probes.series("speed/length", title, lines, "input length", "ms per step")]
    rows = [[names[m], n, round(ms[f"{m}/{n}"], 1)] for m in names for n in par["threads"]]
    title = {
        "ko": f"스레드 수별 한 단계 시간 (길이 {par['length']}, 배치 {par['batch']}, {par['device']})",
        "en": f"one step by CPU threads (length {par['length']}, batch {par['batch']}, "
        f"{par['device']})",
    }
    out.append(probes.table("speed/threads", title, ["model", "threads", "ms per step"], rows))
    return out
