"""The Transformer lab's measurements after training: is the sequence one unit, and does
training parallelise? Both timed side by side (`engine.training.timing`), fresh models of the
run's sizes on synthetic batches, forward and backward:

- `one_unit`: batch 1, one thread, the input length doubling from 8 to `speed_max_len`. A
  recurrent net must take the steps in order, so its time grows with the length; the
  Transformer handles all positions in one pass, and its time hardly grows.
- `parallel`: on a CPU, the same step on 1 thread and on all of them, on a small batch of
  long inputs (batch 8, length 128): what there is to share out is then a sequence's
  positions, which the Transformer takes in one pass and the GRU one after another. (On a
  big batch the GRU's per-step products are wide enough to share out too, and the
  comparison blurs: measured on 2 cores, torch 2.13, 9 rounds, 1 -> 2 threads, GRU /
  Transformer speed-up: batch 64 1.26-1.36x / 1.30-1.39x, ratio 1.04-1.06, middle half
  straddling 1; batch 8 1.01x / 1.46x, ratio 1.43-1.45, middle half 1.38-1.50.) On a GPU
  the direct evidence is the wall clock at the longest length: which trains a step faster.

Both write their raw per-round seconds into the run's facts, where the verdict reads them.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from engine.data.korean_numbers import BOS, Vocab
from engine.device import describe
from engine.labs.seq2seq import seq2seq_lab
from engine.labs.seq2seq.seq2seq_verdict import arm_label
from engine.labs.transformer.transformer_verdict import CONTROL_MIN
from engine.training import probes
from engine.training.context import RunContext
from engine.training.losses import sequence_loss
from engine.training.timing import Case, interleaved, matmul_case

MIN_LENGTH = 8
ROUNDS = 7
PARALLEL_LENGTH, PARALLEL_BATCH = 128, 8  # see the module's docstring
PARALLEL_ROUNDS, PARALLEL_BEST_OF = 15, 2  # each round: the least of 2 calls
# While the control says the cores were busy (below the verdict's CONTROL_MIN), measure
# again: up to ATTEMPTS times, BUSY_PAUSE_S apart, before the claim is left open.
ATTEMPTS, BUSY_PAUSE_S = 3, 2.0


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
    seconds, control, attempts = _with_control(cases, counts, device)
    run.facts["parallel"] = {
        "device": where,
        "cuda": device.type == "cuda",
        "threads": counts,
        "length": length,
        "batch": batch,
        "seconds": seconds,
        "control": control,  # the plain matrix product's speed-up per round ([] if no control)
        "attempts": attempts,
    }
    return speed_probes(run)


def _with_control(
    cases: dict[str, Case], counts: list[int], device: torch.device
) -> tuple[dict[str, list[float]], list[float], int]:
    """A thread comparison's seconds, timed beside the control (`matmul_case`); measured
    again, up to ATTEMPTS times, while the control says another program held the cores.
    (seconds, the control's speed-up per round, attempts); no control without two counts."""
    if len(counts) < 2:
        return interleaved(cases, device, PARALLEL_ROUNDS, best_of=PARALLEL_BEST_OF), [], 1
    one, many = counts
    timed = {**cases, "control/one": matmul_case(one), "control/many": matmul_case(many)}
    attempt = 1
    while True:
        seconds = interleaved(timed, device, PARALLEL_ROUNDS, best_of=PARALLEL_BEST_OF)
        pairs = zip(seconds.pop("control/one"), seconds.pop("control/many"), strict=True)
        control = [a / b for a, b in pairs]
        if statistics.median(control) >= CONTROL_MIN or attempt == ATTEMPTS:
            return seconds, control, attempt
        attempt += 1
        time.sleep(BUSY_PAUSE_S)  # give the other program a moment


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
