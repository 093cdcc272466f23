"""Lab `transformer` — self-attention instead of recurrence (트랜스포머의 핵심 아이디어).

The lecture's claim: the Transformer drops the RNN for self-attention, processes a whole
sequence at once so training parallelises, and relates distant tokens directly.

Two arms on the seq2seq lab's task and data (`seq2seq_lab.TaskData`): `gru`, the GRU
seq2seq (with the attention chosen by `recurrent`), and `transformer` (`engine/models/transformer.py`).
Probes: exact match by input length for both (series, beside each other); the display
sample's attention maps — during training cross- and encoder self-attention per layer
(heads averaged), at the end every layer and head of encoder self-, decoder self- and
cross-attention, labelled by characters; and, after the last arm, *time per epoch* of both
models as the input length doubles from 8 to `speed_max_len` (fresh models, synthetic
batches of the run's batch size, on this run's device), as a series and a table.

Verdict: the accuracy part holds when the Transformer keeps >= HIGH exact match on the
longest judged bucket; the speed part holds when, at the longest timed length, its epoch
is shorter than the recurrent model's. The evidence states the measured ratios and device
either way: on 2 CPU cores there is little hardware to run positions in parallel on, and
a fused GRU kernel is hard to beat there; on a GPU the Transformer's parallelism shows.
"""

from __future__ import annotations

import math
import time
from typing import Any

import torch
from torch import nn

from engine.data.korean_numbers import BOS, Vocab
from engine.labs.seq2seq import seq2seq_lab
from engine.labs.seq2seq.seq2seq_verdict import arm_label
from engine.labs.transformer.transformer_verdict import verdict  # noqa: F401 - the lab's verdict
from engine.models.transformer import Transformer, TransformerConfig
from engine.training import probes
from engine.training.context import RunContext
from engine.training.loop import ArmSetup, ProbeContext
from engine.training.losses import sequence_loss
from engine.training.meters import time_steps

TIMED_STEPS = 3  # training steps timed per model and length (after one warm-up step)
MIN_LENGTH = 8


def build_transformer(params: dict[str, Any], vocab: int, src_len: int) -> Transformer:
    d, heads = int(params["d_model"]), int(params["heads"])
    if d % heads:
        raise ValueError(f"d_model ({d}) must be divisible by heads ({heads})")
    config = TransformerConfig(
        vocab, src_len, d_model=d, heads=heads, layers=int(params["layers"]), ff=int(params["ff"])
    )
    return Transformer(config)


# --- attention maps -------------------------------------------------------------------------


@torch.no_grad()
def explicit_maps(model: Transformer, vocab: Vocab, source: str, tgt_len: int):  # type: ignore[no-untyped-def]
    """Translate `source` with the explicit attention path: (output, maps, in/out labels)."""
    device = next(model.parameters()).device
    src = torch.tensor([vocab.encode(source)], device=device)
    ids, _ = model.greedy(src, tgt_len + 1, explicit=True)
    output = vocab.decode(ids[0].tolist())
    steps = ids.shape[1]
    out_labels = vocab.tokens(output) + ["<eos>"] * (steps - len(output))
    dec_in = ["<bos>", *out_labels[:-1]]  # the decoder's inputs, shifted by one
    return output, model.attention_maps(), vocab.tokens(source), out_labels, dec_in


def cross_attention_heatmap(
    model: Transformer, vocab: Vocab, source: str, tgt_len: int
) -> tuple[dict[str, Any], str]:
    """The last decoder layer's cross-attention, heads averaged: output x input characters."""
    output, maps, cols, rows, _ = explicit_maps(model, vocab, source, tgt_len)
    weights = maps["cross"][-1][0].mean(0)  # (Tq, Tk)
    title = {
        "ko": "교차 어텐션 (마지막 층, 헤드 평균): 출력 글자(행)가 본 입력 글자(열)",
        "en": "cross-attention (last layer, heads averaged): output (rows) over input (columns)",
    }
    return probes.heatmap("attention/cross", title, weights.cpu(), rows, cols, (0.0, 1.0)), output


WHAT = {
    "encoder-self": ("인코더 셀프 어텐션", "encoder self-attention"),
    "decoder-self": ("디코더 셀프 어텐션 (가려진)", "decoder self-attention (masked)"),
    "cross": ("교차 어텐션", "cross-attention"),
}


def attention_probes(
    model: Transformer, vocab: Vocab, source: str, tgt_len: int, per_head: bool
) -> list[dict[str, Any]]:
    """Heatmaps of the display sample: per layer (heads averaged) or per layer and head."""
    _, maps, src_tokens, out_tokens, dec_in = explicit_maps(model, vocab, source, tgt_len)
    labels = {
        "encoder-self": (src_tokens, src_tokens),
        "decoder-self": (dec_in, dec_in),
        "cross": (out_tokens, src_tokens),
    }
    kinds = ("encoder-self", "decoder-self", "cross") if per_head else ("encoder-self", "cross")
    out = []
    for kind in kinds:
        rows, cols = labels[kind]
        for layer, w in enumerate(maps[kind], start=1):
            w = w[0]  # (nh, Tq, Tk)
            heads = range(w.shape[0]) if per_head else [None]
            for h in heads:
                m = w.mean(0) if h is None else w[h]
                suffix_en = f"layer {layer}" + (
                    f", head {h + 1}" if h is not None else ", heads averaged"
                )
                suffix_ko = f"{layer}층" + (f", 헤드 {h + 1}" if h is not None else ", 헤드 평균")
                name = f"attention/{kind}/L{layer}" + (f"/H{h + 1}" if h is not None else "")
                title = {
                    "ko": f"{WHAT[kind][0]} ({suffix_ko})",
                    "en": f"{WHAT[kind][1]} ({suffix_en})",
                }
                out.append(probes.heatmap(name, title, m.cpu(), rows, cols, (0.0, 1.0)))
    return out


# --- time per epoch as the input grows ------------------------------------------------------


def timed_lengths(max_len: int) -> list[int]:
    """8, 16, 32, ... up to `max_len` (always including `max_len`)."""
    out, n = [], MIN_LENGTH
    while n < max_len:
        out.append(n)
        n *= 2
    return [*out, max_len]


def seconds_per_step(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, device: torch.device
) -> float:
    """Mean wall time of one training step (forward, backward, Adam) after a warm-up step."""
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    cuda = device.type == "cuda"

    def step() -> None:
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cuda):
            loss = sequence_loss(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    times = time_steps(step, device, TIMED_STEPS, warmup=1)
    return sum(times) / len(times)


def epoch_times(
    params: dict[str, Any], vocab: int, n_train: int, device: torch.device
) -> dict[str, list[tuple[int, float]]]:
    """Seconds per training epoch of fresh models at each timed length: label -> [(L, s)].

    A synthetic batch of the run's batch size (sources of L characters, targets of L + 1)
    stands in for the data; an epoch is ceil(n_train / batch) such steps.
    """
    batch = int(params["batch_size"])
    steps = math.ceil(n_train / batch)
    gen = torch.Generator().manual_seed(0)
    recurrent = arm_label("gru", params)
    out: dict[str, list[tuple[int, float]]] = {"Transformer": [], recurrent: []}
    for length in timed_lengths(int(params["speed_max_len"])):
        src = torch.randint(4, vocab, (batch, length), generator=gen)
        tgt = torch.randint(4, vocab, (batch, length + 1), generator=gen)
        tgt_in = torch.cat([torch.full((batch, 1), BOS), tgt[:, :-1]], dim=1)
        x, y = torch.cat([src, tgt_in], dim=1).to(device), tgt.to(device)
        models = {
            "Transformer": build_transformer(params, vocab, length),
            recurrent: seq2seq_lab.build_model(str(params["recurrent"]), params, vocab, length),
        }
        for label, model in models.items():
            out[label].append((length, seconds_per_step(model.to(device), x, y, device) * steps))
    return out


def speed_probes(times: dict[str, list[tuple[int, float]]], device: str) -> list[dict[str, Any]]:
    lines = {k: ([float(n) for n, _ in v], [s for _, s in v]) for k, v in times.items()}
    title = {
        "ko": f"입력 길이별 에폭 시간 ({device})",
        "en": f"time per epoch by input length ({device})",
    }
    out = [probes.series("speed/epoch_time", title, lines, "input length", "seconds per epoch")]
    (tf_label, tf), (rnn_label, rnn) = list(times.items())
    rows = [
        [n, round(r, 3), round(t, 3), round(r / t, 2)]
        for (n, t), (_, r) in zip(tf, rnn, strict=True)
    ]
    columns = [
        "length",
        f"{rnn_label} s/epoch",
        "Transformer s/epoch",
        "speed-up (recurrent / Transformer)",
    ]
    title = {"ko": f"에폭 시간 비교 ({device})", "en": f"epoch time compared ({device})"}
    out.append(probes.table("speed/ratio", title, columns, rows))
    return out


# --- the lab interface --------------------------------------------------------------------


def setup(arm: str, run: RunContext, device: torch.device) -> ArmSetup:
    """The GRU seq2seq or the Transformer, on the seq2seq lab's data."""
    params = run.params
    started = [time.perf_counter()]
    data = seq2seq_lab.task_data(
        str(params["task"]), int(params["examples"]), int(params["max_len"])
    )
    label = arm_label(arm, params)
    if arm == "transformer":
        model: nn.Module = build_transformer(params, len(data.vocab), data.max_len)
    else:
        model = seq2seq_lab.build_model(
            str(params["recurrent"]), params, len(data.vocab), data.max_len
        )
    model = model.to(device)
    base_finish = seq2seq_lab.make_finish(arm, label, data, run, started)
    base_probe = seq2seq_lab.make_probe(label, data, run)
    source = data.test_pairs[data.display].source

    def probe(ctx: ProbeContext) -> list[dict[str, Any]]:
        out = base_probe(ctx)
        if isinstance(ctx.model, Transformer):
            out += attention_probes(ctx.model, data.vocab, source, data.tgt_len, per_head=False)
        return out

    def finish(ctx: ProbeContext) -> tuple[dict[str, float], list[dict[str, Any]]]:
        metrics, events = base_finish(ctx)
        if isinstance(ctx.model, Transformer):
            events += attention_probes(ctx.model, data.vocab, source, data.tgt_len, per_head=True)
            times = epoch_times(params, len(data.vocab), len(data.train_pairs), ctx.device)
            events += speed_probes(times, run.device_label)
            for label_, points in times.items():
                key = "tf" if label_ == "Transformer" else "rnn"
                metrics.update({f"epoch_s_{key}_{n}": s for n, s in points})
        return metrics, events

    return seq2seq_lab.arm_setup(model, data, params, device, probe=probe, finish=finish)
