"""Lab `seq2seq` — the context-vector bottleneck and attention (문맥 벡터의 병목과 어텐션).

The lecture's claim: an encoder-decoder squeezes its whole input into one context vector, so
long inputs lose their beginning; attention rebuilds the context at every decoder step as a
weighted average of the encoder states and keeps long inputs translatable.

Arms, trained one after another on the same pairs with the same sizes and budget: `none`
(GRU encoder-decoder, one fixed context) and `dot` and/or `additive` (the same with attention;
`engine/models/seq2seq.py`). The task is `engine/data/korean_numbers.py`: Korean digits read aloud, number
words <-> digits and dates -> ISO, inputs 1 to `max_len` characters.

Probes: the display sample's attention matrix (output characters x input characters) as
training goes; exact match by input-length bucket for every arm (series); sample
translations (text). At the end, a table of the buckets per arm.

Verdict (exact match on the whole test set, per input-length bucket, buckets with at least
MIN_BUCKET examples): the bottleneck *showed* when the no-attention model, which translates
short inputs (>= LEARNED on the shortest bucket), loses at least FALL of it on the longest;
attention *fixed* it when every attention arm keeps >= HIGH on the longest bucket and beats
the no-attention model there by at least FALL.

Training: batches of similar input length (`translation.length_order`), each cut after its
longest pair (`translation.unpack`), with the loss summed over target tokens
(`translation.per_pair_loss`) so that long pairs weigh what they should: 40% less time than
random batches on a CPU (measured: 8.5 s vs 13.8 s an epoch at H128, 2 threads).

The `quick` preset (2-core CPU, torch 2.13): digits task, 16k pairs, max_len 30, E32/H128,
batch 64, Adam 6e-3 one-cycle, clip 1, 4 epochs, none vs dot: about 70 s for both arms.
Results per seed: `bench/seq2seq_quick.py` and the session notes.

After training, `engine.inference.translate_run(run_dir, text)` (`python -m engine translate
RUN_DIR TEXT`) translates a student's own input with the run's weights and returns its attention map.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import torch
from torch import nn

from engine.data.korean_numbers import (
    PAD,
    Batch,
    Pair,
    Vocab,
    bucket_edges,
    bucket_label,
    generate,
    length_order,
    pack,
    split,
    target_len,
    tensorize,
)
from engine.labs import own_code
from engine.labs.seq2seq import EXERCISES
from engine.labs.seq2seq.seq2seq_verdict import (
    ARM_LABELS,
    arm_label,
    bucket_x,
    buckets_of,
)
from engine.labs.seq2seq.seq2seq_verdict import verdict as _verdict
from engine.models.seq2seq import Seq2Seq, Seq2SeqConfig
from engine.models.student import use_attention
from engine.training import probes
from engine.training.context import RunContext
from engine.training.loop import ArmSetup, ProbeContext
from engine.training.losses import per_pair_loss, sequence_loss

verdict = own_code.noted(_verdict)  # the lab's verdict, naming the student's files if used
TEST_FRACTION = 0.1
PROBE_EXAMPLES = 400  # test pairs decoded by the in-training probe (the finish uses all)
SAMPLES = 6  # sample translations shown
LENGTH_CHART = "accuracy_by_length"  # every arm's exact match by input length, on one chart


def arms(params: dict[str, Any]) -> list[str]:
    """The arms of this run: `none`, then the attention(s) asked for."""
    kind = params["attention"]
    return ["none", *(("dot", "additive") if kind == "both" else (kind,))]


# --- data ---------------------------------------------------------------------------------


class TaskData:
    """The pairs of one run, split and padded, on the CPU."""

    def __init__(self, task: str, examples: int, max_len: int) -> None:
        self.vocab = Vocab()
        self.max_len, self.tgt_len = max_len, target_len(max_len)
        self.train_pairs, self.test_pairs = split(generate(task, examples, max_len), TEST_FRACTION)
        self.train = tensorize(self.train_pairs, self.vocab, max_len, self.tgt_len)
        self.test = tensorize(self.test_pairs, self.vocab, max_len, self.tgt_len)
        self.edges = bucket_edges(max_len)
        self.display = display_index(self.test_pairs)
        self.probe_index = spread(len(self.test_pairs), PROBE_EXAMPLES)
        tokens = (self.train.tgt_out != PAD).sum().item()
        self.mean_target_tokens = tokens / max(len(self.train_pairs), 1)  # EOS included

    def tensors(self, batch: Batch, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        return pack(batch.src, batch.tgt_in).to(device), batch.tgt_out.to(device)


@lru_cache(maxsize=2)
def task_data(task: str, examples: int, max_len: int) -> TaskData:
    """Generated once per process and shared by the arms (the split never depends on seed)."""
    return TaskData(task, examples, max_len)


def display_index(pairs: list[Pair]) -> int:
    """The display sample: a read-aloud digit string of 12-16 characters if there is one
    (its alignment is a clean diagonal), else a date, else the first pair."""
    for want in ("digits", "dates"):
        for i, p in enumerate(pairs):
            if p.kind == want and (want != "digits" or 12 <= len(p.source) <= 16):
                return i
    return 0


def spread(n: int, k: int) -> torch.Tensor:
    """k indices evenly spread over range(n) (all of them if n <= k)."""
    return torch.linspace(0, n - 1, min(n, k)).round().long() if n else torch.zeros(0).long()


# --- decoding and scoring -----------------------------------------------------------------


@torch.no_grad()
def translate_ids(
    model: nn.Module, src: torch.Tensor, max_steps: int, batch: int = 500
) -> list[list[int]]:
    """Greedy translations of src (N, S) as id lists, in batches."""
    out: list[list[int]] = []
    for i in range(0, len(src), batch):
        ids, _ = model.greedy(src[i : i + batch], max_steps)  # type: ignore[operator]
        out += ids.tolist()
    return out


def exact_by_bucket(
    predictions: list[str], pairs: list[Pair], edges: list[tuple[int, int]]
) -> dict[str, tuple[float, int]]:
    """Exact match per input-length bucket: label -> (accuracy, number of pairs)."""
    out: dict[str, tuple[float, int]] = {}
    for lo, hi in edges:
        hits = [
            p == q.target
            for p, q in zip(predictions, pairs, strict=True)
            if lo <= len(q.source) <= hi
        ]
        out[bucket_label((lo, hi))] = (sum(hits) / len(hits) if hits else math.nan, len(hits))
    return out


def score(model: nn.Module, data: TaskData, index: torch.Tensor | None, device: torch.device):  # type: ignore[no-untyped-def]
    """(predictions, pairs, exact match per bucket) on the test pairs at `index` (None: all)."""
    pairs = data.test_pairs if index is None else [data.test_pairs[i] for i in index.tolist()]
    src = data.test.src if index is None else data.test.src[index]
    ids = translate_ids(model, src.to(device), data.tgt_len + 1)
    predictions = [data.vocab.decode(row) for row in ids]
    return predictions, pairs, exact_by_bucket(predictions, pairs, data.edges)


def length_series(run: RunContext) -> dict[str, Any]:
    title = {"ko": "입력 길이별 정확 일치율", "en": "exact match by input length"}
    lines = run.curve(LENGTH_CHART)
    return probes.series(
        LENGTH_CHART, title, lines, "input length (bucket upper edge)", "exact match"
    )


def record_curve(run: RunContext, label: str, buckets: dict[str, tuple[float, int]]) -> None:
    xs = [bucket_x(k) for k, (acc, n) in buckets.items() if n]
    ys = [acc for acc, n in buckets.values() if n]
    run.curve(LENGTH_CHART)[label] = (xs, ys)


def samples_text(predictions: list[str], pairs: list[Pair], k: int = SAMPLES) -> dict[str, Any]:
    """k sample translations, short to long, marked right or wrong."""
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].source))
    pick = [order[round(j * (len(order) - 1) / max(k - 1, 1))] for j in range(k)] if order else []
    lines_in = [pairs[i].source for i in pick]
    lines_out = [
        f"{predictions[i]}  {'✓' if predictions[i] == pairs[i].target else '✗ (' + pairs[i].target + ')'}"
        for i in pick
    ]
    title = {"ko": "번역 예시", "en": "sample translations"}
    return probes.text("samples", title, "\n".join(lines_in), "\n".join(lines_out))


@torch.no_grad()
def attention_heatmap(
    model: Seq2Seq,
    vocab: Vocab,
    source: str,
    tgt_len: int,
    device: torch.device,
    title_prefix: str = "",
) -> tuple[dict[str, Any] | None, str]:
    """The decoder's attention over `source` while translating it greedily: (probe, output)."""
    src = torch.tensor([vocab.encode(source)], device=device)
    ids, weights = model.greedy(src, tgt_len + 1)
    output = vocab.decode(ids[0].tolist())
    if weights is None:
        return None, output
    steps = ids.shape[1]  # the output characters, then <eos> if it was reached
    rows = vocab.tokens(output) + ["<eos>"] * (steps - len(output))
    title = {
        "ko": f"{title_prefix}어텐션: 출력 글자(행)가 본 입력 글자(열)",
        "en": f"{title_prefix}attention: output characters (rows) over input characters (columns)",
    }
    probe = probes.heatmap(
        "attention", title, weights[0].float().cpu(), rows, vocab.tokens(source), (0.0, 1.0)
    )
    return probe, output


# --- the lab interface --------------------------------------------------------------------


def make_probe(label: str, data: TaskData, run: RunContext):  # type: ignore[no-untyped-def]
    """During training: the display sample's attention, accuracy by length, samples."""
    source = data.test_pairs[data.display].source

    def probe(ctx: ProbeContext) -> list[dict[str, Any]]:
        model = ctx.model
        out: list[dict[str, Any]] = []
        if isinstance(model, Seq2Seq):
            heatmap, _ = attention_heatmap(
                model, data.vocab, source, data.tgt_len, ctx.device, f"{label}: "
            )
            if heatmap is not None:
                out.append(heatmap)
        if ctx.step == 0:
            return out  # an untrained net's accuracy is 0 everywhere: skip the decoding
        predictions, pairs, buckets = score(model, data, data.probe_index, ctx.device)
        record_curve(run, label, buckets)
        out.append(length_series(run))
        out.append(samples_text(predictions, pairs))
        return out

    return probe


def bucket_metrics(buckets: dict[str, tuple[float, int]]) -> dict[str, float]:
    """Flat metrics: exact_1-5, ..., and n_1-5, ... (the summary holds plain numbers)."""
    out: dict[str, float] = {}
    for label, (acc, n) in buckets.items():
        out[f"exact_{label}"] = acc
        out[f"n_{label}"] = float(n)
    return out


def results_table(finals: dict[str, dict[str, tuple[float, int]]]) -> dict[str, Any]:
    """Each finished arm's exact match per bucket (`finals`: arm label -> buckets)."""
    labels = list(next(iter(finals.values()))) if finals else []
    columns = ["model", *labels]
    rows = [
        [arm, *(round(b[k][0], 2) if b[k][1] else "-" for k in labels)] for arm, b in finals.items()
    ]
    title = {
        "ko": "입력 길이별 정확 일치율 (시험 세트 전체)",
        "en": "exact match by input length (whole test set)",
    }
    return probes.table("results", title, columns, rows)


def make_finish(arm: str, label: str, data: TaskData, run: RunContext, started: list[float]):  # type: ignore[no-untyped-def]
    """After training: exact match on the whole test set, per bucket and per kind."""

    def finish(ctx: ProbeContext) -> tuple[dict[str, float], list[dict[str, Any]]]:
        predictions, pairs, buckets = score(ctx.model, data, None, ctx.device)
        record_curve(run, label, buckets)
        hits = [p == q.target for p, q in zip(predictions, pairs, strict=True)]
        metrics = {"exact": sum(hits) / len(hits), **bucket_metrics(buckets)}
        for kind in sorted({q.kind for q in pairs}):
            mine = [h for h, q in zip(hits, pairs, strict=True) if q.kind == kind]
            metrics[f"exact_{kind}"] = sum(mine) / len(mine)
        metrics["wall_s"] = time.perf_counter() - started[0]
        finals = {
            arm_label(a, run.params): buckets_of(m)
            for a, m in run.finals_with(arm, metrics).items()
        }
        events = [length_series(run), results_table(finals), samples_text(predictions, pairs)]
        return metrics, events

    return finish


def build_model(arm: str, params: dict[str, Any], vocab: int, src_len: int) -> Seq2Seq:
    """The model of one arm (also used to reload a run's weights for `translate`)."""
    if int(params["hidden"]) % 2:
        raise ValueError(f"hidden must be even (two directions of H/2), got {params['hidden']}")
    config = Seq2SeqConfig(vocab, src_len, int(params["embed"]), int(params["hidden"]), arm)
    return Seq2Seq(config)


def optimiser(model: nn.Module, params: dict[str, Any], steps: int):  # type: ignore[no-untyped-def]
    lr = float(params["lr"])
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    return optimizer, scheduler


def setup(arm: str, run: RunContext, device: torch.device) -> ArmSetup:
    """Model, data and optimiser of one arm (the caller has seeded torch with the seed)."""
    params = run.params
    started = [time.perf_counter()]
    data = task_data(str(params["task"]), int(params["examples"]), int(params["max_len"]))
    model = build_model(arm, params, len(data.vocab), data.max_len)
    mine = own_code.load(run, (EXERCISES[arm],) if arm in EXERCISES else ())
    if mine:  # the decoder attends through the student's function
        model = use_attention(model, mine[EXERCISES[arm]])
    model = model.to(device)
    label = ARM_LABELS[arm]
    return arm_setup(
        model,
        data,
        params,
        device,
        probe=make_probe(label, data, run),
        finish=make_finish(arm, label, data, run, started),
    )


def arm_setup(
    model: nn.Module,
    data: Any,
    params: dict[str, Any],
    device: torch.device,
    probe: Callable[[ProbeContext], list[dict[str, Any]]],
    finish: Callable[[ProbeContext], tuple[dict[str, float], list[dict[str, Any]]]],
) -> ArmSetup:
    """One translation arm's training: Adam with one-cycle over the whole run, token-level
    cross-entropy, clipping; shared by this lab and the Transformer lab."""
    epochs, batch = int(params["epochs"]), int(params["batch_size"])
    optimizer, scheduler = optimiser(
        model, params, epochs * math.ceil(len(data.train_pairs) / batch)
    )
    return ArmSetup(
        model=model,
        train=data.tensors(data.train, device),
        test=data.tensors(data.test, device),
        optimizer=optimizer,
        epochs=epochs,
        batch_size=batch,
        scheduler=scheduler,
        loss_fn=per_pair_loss(data.mean_target_tokens),
        classify=False,
        clip=float(params["clip"]) or None,
        probes_per_epoch=1,
        probe=probe,
        finish=finish,
        order=length_order(data.train.src_len, batch),
        report=sequence_loss,  # the curve shows loss per token, not per batch of some length
    )
