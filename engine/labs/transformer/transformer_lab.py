"""Lab `transformer` — self-attention instead of recurrence (트랜스포머의 핵심 아이디어).

The lecture's claim: the Transformer drops the RNN for self-attention, processes a whole
sequence at once so training parallelises, and relates distant tokens directly.

Two arms on the seq2seq lab's task and data (`seq2seq_lab.TaskData`): `gru`, the GRU
seq2seq (with the attention chosen by `recurrent`), and `transformer` (`engine/models/transformer.py`).
Probes: exact match by input length for both (series, beside each other); the display
sample's attention maps — during training cross- and encoder self-attention per layer
(heads averaged), at the end every layer and head of encoder self-, decoder self- and
cross-attention, labelled by characters; and, after the last arm, the timings of
`transformer_timing` (one step as the input doubles, on one thread; one step on 1 and on all
threads, beside a control), as a series and a table.

Verdict (`transformer_verdict`): one claim each for long-range relations (exact match on the
longest inputs against the GRU), the sequence as one unit and parallel training, the last
two from the side-by-side timings. With `impl=mine` the Transformer, trained and timed, is
built on the student's multi-head attention and positional encoding.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import torch
from torch import nn

from engine import catalogue, checkpoint
from engine.data.korean_numbers import Vocab
from engine.labs import own_code
from engine.labs.seq2seq import seq2seq_lab
from engine.labs.seq2seq.seq2seq_verdict import arm_label, buckets_of
from engine.labs.transformer import EXERCISES, transformer_timing
from engine.labs.transformer.transformer_verdict import verdict as _verdict
from engine.models.student import use_transformer_parts
from engine.models.transformer import Transformer, TransformerConfig
from engine.runs import rundir
from engine.runs.events import CHECKPOINT_FILE
from engine.training import probes
from engine.training.context import Reused, RunContext
from engine.training.loop import ArmSetup, ProbeContext

verdict = own_code.noted(_verdict)  # the lab's verdict, naming the student's files if used


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


# --- the lab interface --------------------------------------------------------------------


_LOADED: dict[str, dict[str, Any]] = {}  # run dir -> the student's entries, loaded once


def run_transformer(run: RunContext) -> transformer_timing.Build:
    """How this run builds its Transformer: the built-in one, or with `impl=mine` the
    student's multi-head attention in every layer and their positional encoding. Their
    files are loaded once per run, so the timings after training use the code that trained
    even if the student edits a file meanwhile."""
    if run.params.get("impl") != "mine":
        return build_transformer
    key = run.run_dir or str(id(run))
    if key not in _LOADED:
        _LOADED[key] = own_code.load(run, EXERCISES)
    mine = _LOADED[key]

    def build(params: dict[str, Any], vocab: int, src_len: int) -> Transformer:
        return use_transformer_parts(
            build_transformer(params, vocab, src_len),
            mine["multi_head_attention"],
            mine["positional_encoding"],
        )

    return build


def measure(run: RunContext, device: torch.device) -> list[dict[str, Any]]:
    """After training: the sequence as one unit, and training in parallel, timed side by
    side, on the Transformer this run trained (the student's parts with `impl=mine`)."""
    return transformer_timing.measure(run, device, run_transformer(run))


REUSED_KEYS = ("task", "examples", "max_len", "embed", "hidden", "batch_size", "clip")


def reusable(run: RunContext) -> tuple[Any, str] | None:
    """The newest finished seq2seq run beside this one that trained this lab's GRU baseline:
    the same task and sizes, and the attention `recurrent` names. (RunInfo, its arm)."""
    params = run.params
    if params["baseline"] != "auto" or not run.run_dir:
        return None
    arm = str(params["recurrent"])
    for info in rundir.list_runs(Path(run.run_dir).parent):  # newest first
        theirs = (info.summary or {}).get("params") or {}
        if (
            info.status == "finished"
            and info.lab == "seq2seq"
            and all(theirs.get(k) == params[k] for k in REUSED_KEYS)
            and arm in ((info.summary or {}).get("arms") or {})
        ):
            return info, arm
    return None


def reuse(run: RunContext) -> dict[str, Reused]:
    """The `gru` arm from a finished seq2seq run when there is one (`reusable`): its metrics,
    its weights (so `translate` still serves it) and its line on the length chart."""
    found = reusable(run)
    if found is None:
        return {}
    info, arm = found
    metrics = dict(info.summary["arms"][arm])
    try:
        weights = checkpoint.arm_weights(checkpoint.load(info.path / CHECKPOINT_FILE), arm)
    except (OSError, ValueError, RuntimeError):
        weights = None  # the metrics still compare; only `translate --arm gru` is lost
    epochs = int(info.summary["params"]["epochs"])
    run.facts["baseline"] = {"source": "reused", "run": info.name, "epochs": epochs}
    label = arm_label("gru", run.params)
    seq2seq_lab.record_curve(run, label, buckets_of(metrics))
    note = probes.text(
        "baseline",
        {"ko": "GRU 기준 모델", "en": "GRU baseline"},
        f"{label}: taken from the finished seq2seq run {info.name} ({epochs} epochs)",
        "not trained again: the same task, sizes and attention",
    )
    return {"gru": Reused(metrics, weights, [seq2seq_lab.length_series(run), note])}


def baseline_params(run: RunContext) -> dict[str, Any]:
    """The GRU baseline's training: this lab's epochs and lr (`baseline=train`), else the
    short one: `baseline_epochs` at the seq2seq lab's own learning rate, which suits the GRU
    (the Transformer's lower one leaves a short GRU run far behind)."""
    params = run.params
    if params["baseline"] == "train":
        epochs, lr = int(params["epochs"]), float(params["lr"])
    else:
        epochs = int(params["baseline_epochs"])
        lr = float(catalogue.resolve_params(catalogue.get_lab("seq2seq"), "quick")["lr"])
    run.facts["baseline"] = {"source": "trained", "epochs": epochs, "lr": lr}
    return {**params, "epochs": epochs, "lr": lr}


def setup(arm: str, run: RunContext, device: torch.device) -> ArmSetup:
    """The GRU seq2seq or the Transformer, on the seq2seq lab's data."""
    params = run.params if arm == "transformer" else baseline_params(run)
    started = [time.perf_counter()]
    data = seq2seq_lab.task_data(
        str(params["task"]), int(params["examples"]), int(params["max_len"])
    )
    label = arm_label(arm, params)
    if arm == "transformer":
        model: nn.Module = run_transformer(run)(params, len(data.vocab), data.max_len)
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
        return metrics, events

    return seq2seq_lab.arm_setup(model, data, params, device, probe=probe, finish=finish)
