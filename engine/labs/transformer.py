"""Lab `transformer` — self-attention instead of recurrence (트랜스포머의 핵심 아이디어).

The lecture's claim: the Transformer drops the RNN for self-attention, processes a whole
sequence at once so training parallelises, and relates distant tokens directly.

Two arms on the seq2seq lab's task and data (`engine.labs.seq2seq.TaskData`): `gru`, the GRU
seq2seq (with the attention chosen by `recurrent`), and `transformer` (`engine/transformer.py`).
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
from pathlib import Path
from typing import Any

import torch
from torch import nn

from engine import probes
from engine.data.korean_numbers import BOS, Vocab, sequence_loss
from engine.labs import seq2seq as s2s
from engine.loop import ArmSetup, ProbeContext
from engine.models.transformer import Transformer, TransformerConfig

HIGH = s2s.HIGH
TIMED_STEPS = 3  # training steps timed per model and length (after one warm-up step)
MIN_LENGTH = 8
MEASURED_ON: dict[str, str] = {}  # "device" -> where the epoch times were measured


def build_transformer(params: dict[str, Any], vocab: int, src_len: int) -> Transformer:
    d, heads = int(params["d_model"]), int(params["heads"])
    if d % heads:
        raise ValueError(f"d_model ({d}) must be divisible by heads ({heads})")
    config = TransformerConfig(
        vocab, src_len, d_model=d, heads=heads, layers=int(params["layers"]), ff=int(params["ff"])
    )
    return Transformer(config)


def recurrent_label(params: dict[str, Any]) -> str:
    return s2s.ARM_LABELS[str(params["recurrent"])]


def label_of(arm: str, params: dict[str, Any]) -> str:
    return "Transformer" if arm == "transformer" else recurrent_label(params)


# --- attention maps -------------------------------------------------------------------------


@torch.no_grad()
def explicit_maps(model: Transformer, vocab: Vocab, source: str, tgt_len: int):  # type: ignore[no-untyped-def]
    """Translate `source` with the explicit attention path: (output, maps, in/out labels)."""
    device = next(model.parameters()).device
    src = torch.tensor([vocab.encode(source)], device=device)
    ids = model.greedy(src, tgt_len + 1, explicit=True)
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
    times = []
    for i in range(TIMED_STEPS + 1):
        if cuda:
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cuda):
            loss = sequence_loss(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if cuda:
            torch.cuda.synchronize(device)
        if i:
            times.append(time.perf_counter() - start)
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
    out: dict[str, list[tuple[int, float]]] = {"Transformer": [], recurrent_label(params): []}
    for length in timed_lengths(int(params["speed_max_len"])):
        src = torch.randint(4, vocab, (batch, length), generator=gen)
        tgt = torch.randint(4, vocab, (batch, length + 1), generator=gen)
        tgt_in = torch.cat([torch.full((batch, 1), BOS), tgt[:, :-1]], dim=1)
        x, y = torch.cat([src, tgt_in], dim=1).to(device), tgt.to(device)
        models = {
            "Transformer": build_transformer(params, vocab, length),
            recurrent_label(params): s2s.build_model(
                str(params["recurrent"]), params, vocab, length
            ),
        }
        for label, model in models.items():
            out[label].append((length, seconds_per_step(model.to(device), x, y, device) * steps))
    return out


def device_name(device: torch.device) -> str:
    """`cuda (NVIDIA H100 ...)` or `cpu (2 threads)`: what the timings mean."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return f"{device.type} ({torch.get_num_threads()} threads)"


def speed_probes(
    times: dict[str, list[tuple[int, float]]], device: torch.device
) -> list[dict[str, Any]]:
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


def setup(arm: str, params: dict[str, Any], device: torch.device, seed: int) -> ArmSetup:
    """The GRU seq2seq or the Transformer, on the seq2seq lab's data."""
    from engine.run import RunError

    if arm == "gru":
        s2s.CURVES.clear()
        s2s.FINALS.clear()
    started = [time.perf_counter()]
    data = s2s.task_data(str(params["task"]), int(params["examples"]), int(params["max_len"]))
    label = label_of(arm, params)
    try:
        if arm == "transformer":
            model: nn.Module = build_transformer(params, len(data.vocab), data.max_len)
        else:
            model = s2s.build_model(str(params["recurrent"]), params, len(data.vocab), data.max_len)
    except ValueError as exc:
        raise RunError(f"{exc}; change it with --set", f"매개변수가 맞지 않습니다: {exc}") from None
    model = model.to(device)
    base_finish = s2s.make_finish(label, data, started)
    source = data.test_pairs[data.display].source

    def probe(ctx: ProbeContext) -> list[dict[str, Any]]:
        out = s2s.make_probe(label, data)(ctx)
        if isinstance(ctx.model, Transformer):
            out += attention_probes(ctx.model, data.vocab, source, data.tgt_len, per_head=False)
        return out

    def finish(ctx: ProbeContext) -> tuple[dict[str, float], list[dict[str, Any]]]:
        metrics, events = base_finish(ctx)
        if isinstance(ctx.model, Transformer):
            events += attention_probes(ctx.model, data.vocab, source, data.tgt_len, per_head=True)
            times = epoch_times(params, len(data.vocab), len(data.train_pairs), ctx.device)
            MEASURED_ON["device"] = device_name(ctx.device)
            events += speed_probes(times, ctx.device)
            for label_, points in times.items():
                key = "tf" if label_ == "Transformer" else "rnn"
                metrics.update({f"epoch_s_{key}_{n}": s for n, s in points})
        return metrics, events

    return s2s.arm_setup(model, data, params, device, probe=probe, finish=finish)


def translate(run_dir: Path | str, text: str, arm: str | None = None) -> dict[str, Any]:
    """A finished run's model on the student's own input (default: the Transformer, with its
    last layer's cross-attention); the seq2seq lab's `translate` serves both labs."""
    return s2s.translate(run_dir, text, arm)


def speed_of(metrics: dict[str, float]) -> list[tuple[int, float, float]]:
    """[(L, recurrent s/epoch, Transformer s/epoch)] from the Transformer arm's metrics."""
    lengths = sorted(int(k.rsplit("_", 1)[1]) for k in metrics if k.startswith("epoch_s_tf_"))
    return [(n, metrics[f"epoch_s_rnn_{n}"], metrics[f"epoch_s_tf_{n}"]) for n in lengths]


def verdict(arms: dict[str, dict[str, float]], params: dict[str, Any]) -> dict[str, Any]:
    results = {
        recurrent_label(params): s2s.buckets_of(arms["gru"]),
        "Transformer": s2s.buckets_of(arms["transformer"]),
    }
    return judge(results, speed_of(arms["transformer"]), MEASURED_ON.get("device", ""))


def judge(
    results: dict[str, dict[str, tuple[float, int]]],
    speed: list[tuple[int, float, float]],
    device: str = "",
) -> dict[str, Any]:
    """Accuracy on long inputs, and the measured speed ratio against the recurrent model."""
    tf = results["Transformer"]
    labels = s2s.judged(tf)
    en, ko = [], []
    accurate = bool(labels) and tf[labels[-1]][0] >= HIGH
    if labels:
        en.append(f"Exact match by input length ({' / '.join(labels)}):")
        ko.append(f"입력 길이별 정확 일치율 ({' / '.join(labels)}):")
        for name, buckets in results.items():
            line = f"{name} {s2s.fmt_buckets(buckets, labels)};"
            en.append(line)
            ko.append(line)
        last = tf[labels[-1]][0]
        if accurate:
            en.append(f"the Transformer keeps {last:.2f} on the longest inputs.")
            ko.append(f"트랜스포머는 가장 긴 입력에서도 {last:.2f}를 유지합니다.")
        else:
            en.append(
                f"the Transformer reaches only {last:.2f} on the longest inputs (needs >= {HIGH}); train longer."
            )
            ko.append(
                f"트랜스포머가 가장 긴 입력에서 {last:.2f}에 그칩니다 ({HIGH} 이상 필요). 더 오래 훈련하세요."
            )
    faster = False
    if speed:
        ratios = ", ".join(f"L={n}: {r / t:.2f}x" for n, r, t in speed)
        n, r, t = speed[-1]
        faster = t < r
        en.append(
            f"Speed-up of the Transformer over the recurrent model per epoch{f' on {device}' if device else ''} ({ratios}; >1 = Transformer faster)."
        )
        ko.append(
            f"에폭당 트랜스포머의 속도 향상 배율{f' ({device})' if device else ''} ({ratios}; 1보다 크면 트랜스포머가 빠름)."
        )
        if faster:
            en.append(
                f"At length {n} the Transformer trains {r / t:.1f}x faster, as the lecture says: it processes all positions at once."
            )
            ko.append(
                f"길이 {n}에서 트랜스포머가 {r / t:.1f}배 빠르게 훈련됩니다. 모든 위치를 한 번에 처리하기 때문으로, 강의의 주장과 맞습니다."
            )
        else:
            en.append(
                f"At length {n} the Transformer is {t / r:.1f}x slower here, so the lecture's speed claim did not show on this device: "
                "with few cores there is little hardware to run positions in parallel on, while the recurrent model's fused kernel steps through time cheaply. On a GPU the picture changes."
            )
            ko.append(
                f"길이 {n}에서 트랜스포머가 여기서는 {t / r:.1f}배 느립니다. 이 장치에서는 강의의 속도 주장이 나타나지 않았습니다: "
                "코어가 적으면 위치들을 병렬로 처리할 하드웨어가 거의 없고, 순환 모델의 융합 커널은 시점을 싸게 훑습니다. GPU에서는 달라집니다."
            )
    shown = accurate and faster
    head_en, head_ko = ("Shown. ", "확인됨. ") if shown else ("Not shown. ", "확인되지 않음. ")
    return {
        "shown": shown,
        "accurate": accurate,
        "faster": faster,
        "speedup": [[n, r / t] for n, r, t in speed],
        "evidence": {"ko": head_ko + " ".join(ko), "en": head_en + " ".join(en)},
    }
