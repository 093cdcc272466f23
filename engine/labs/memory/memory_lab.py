"""Lab `memory` — long-range memory: RNN vs LSTM vs GRU (장기 기억).

The lecture's claim: a plain RNN's memory of old inputs fades, so on long sequences only recent
information survives; LSTM and GRU gate what to keep and remember the distant past. The task
(`engine.data.recall_task.first_token_task`): read T tokens and name the first one, one of 8 classes
(chance 0.125); the other T - 1 tokens are noise.

Three arms, trained one after another with the same data, seed, hidden size and budget:
`rnn`, `lstm`, `gru` (fused `nn.RNN` / `nn.LSTM` / `nn.GRU`, `engine.models.recurrent`). Probes, all
recomputed for one display sequence from the trained weights with hand-written cells:
- LSTM forget / input / output gates and the cell state; GRU update and reset gates; the RNN's
  hidden state (heatmaps, hidden units x time, at most 64 x 64: long sequences are subsampled
  in time, the column labels say which steps);
- BPTT: ||dLoss/dh_t|| for every t (series, log scale), before training and now;
- the three training curves overlaid, accuracy against chance (series);
- at the end, parameter counts (1 : 3 : 4 weight blocks) and time per epoch measured on this
  device, fused and hand-written (table).

Verdict (`memory_verdict.py`): shown when the RNN's test accuracy stays within NEAR_CHANCE of
chance while both the LSTM and the GRU reach SOLVED. The evidence states the measured GRU/LSTM time ratio, whichever
way it falls (on a CPU oneDNN fuses the LSTM better than the GRU; LAB-NOTES.md).

The `quick` preset (T=64, hidden 64, embedding 16, 8 epochs of 50 batches of 128, Adam 3e-3,
clip 1, forget bias 5, update bias 3) was chosen on the 2-core CPU. At T=50 the RNN of seed 13
kept the first token in a quarter of the test sequences (0.249, twice chance): not forgotten
enough to show the claim; at T=64 seeds 13 and 21-24 all showed every claim (about 21 s each,
`bench/claims_quick.py`). At T=100 the LSTM of seed 0 once stalled at 0.87.

`impl=mine` (preset `mine`, the quick sizes): each arm's fused layer is replaced by the
student's passed cell, looped over time in Python (`engine.models.student.use_cell`), from the
same initial weights. With the reference solutions plugged in, on a shared 2-core machine at
load 5-12: a training step of the LSTM took 3.0x the fused one, the GRU 2.1x, the RNN about
the same (median of 9 rounds side by side, `bench/impl_mine_steps.py`); the whole quick run
684 s builtin, 1682 s mine (both showed every claim; quiet, the builtin run takes ~25 s).
"""

from __future__ import annotations

import statistics
from typing import Any

import torch
import torch.nn.functional as F

from engine.data.recall_task import CHANCE, N_SIGNAL, VOCAB, first_token_task
from engine.labs import own_code
from engine.labs.memory import ARMS, EXERCISES
from engine.labs.memory.memory_verdict import NAMES
from engine.labs.memory.memory_verdict import verdict as _verdict
from engine.models.recurrent import (
    WEIGHT_BLOCKS,
    RecurrentConfig,
    RecurrentNet,
    bptt_norms,
    scratch_cell,
)
from engine.models.student import use_cell
from engine.training import probes
from engine.training.context import RunContext
from engine.training.loop import ArmSetup, ProbeContext
from engine.training.meters import StepRecorder, merge_line, windowed_means
from engine.training.timing import Case, interleaved

verdict = own_code.noted(_verdict)  # the lab's verdict, naming the student's files if used
TEST_SIZE = 1024
TEST_SEED_OFFSET = 7919  # the test set is drawn from its own stream, never the training one
BPTT_BATCH = 16  # display sequences averaged in the gradient-through-time probe
GATES = {  # what each cell shows, with ko/en titles
    "rnn": (("hidden", "은닉 상태 h_t", "hidden state h_t"),),
    "lstm": (
        ("forget_gate", "망각 게이트 f_t", "forget gate f_t"),
        ("input_gate", "입력 게이트 i_t", "input gate i_t"),
        ("output_gate", "출력 게이트 o_t", "output gate o_t"),
        ("cell", "셀 상태 c_t", "cell state c_t"),
    ),
    "gru": (
        ("update_gate", "업데이트 게이트 z_t", "update gate z_t"),
        ("reset_gate", "리셋 게이트 r_t", "reset gate r_t"),
    ),
}
LOSS_CHART, ACC_CHART = "memory/train_loss", "memory/train_acc"  # lines shared by the arms
POINTS_PER_EPOCH = 5  # points of the overlaid training curves


def time_columns(length: int, limit: int = probes.MAX_SIDE) -> list[int]:
    """At most `limit` time steps, evenly spread, always the first and the last."""
    if length <= limit:
        return list(range(length))
    return sorted({round(k * (length - 1) / (limit - 1)) for k in range(limit)})


# --- probes ---------------------------------------------------------------------------------


def gate_heatmaps(model: RecurrentNet, sample: torch.Tensor, label: str) -> list[dict[str, Any]]:
    """The display sequence's gates and states, hidden units x time."""
    cell = model.config.cell
    with torch.no_grad():
        _, trace = scratch_cell(model)(model.inputs(sample))  # each (1, T, H)
    cols = time_columns(sample.shape[1])
    col_labels = [f"t{t + 1}" for t in cols]
    units = min(model.config.hidden, probes.MAX_SIDE)
    out = []
    for name, ko, en in GATES[cell]:
        matrix = trace[name][0, cols, :units].T  # (units, len(cols))
        gate = name.endswith("_gate")
        value_range = (0.0, 1.0) if gate else (-1.0, 1.0) if name == "hidden" else None
        title = {"ko": f"{label}: {ko}", "en": f"{label}: {en}"}
        out.append(
            probes.heatmap(
                f"gates/{name}",
                title,
                matrix,
                rows=[f"h{u}" for u in range(units)],
                cols=col_labels,
                value_range=value_range,
                x_label="time step",
                y_label="hidden unit",
            )
        )
    return out


def bptt_series(label: str, lines: dict[str, list[float]]) -> dict[str, Any]:
    """||dL/dh_t|| per t, named lines, drawn on a log scale."""
    series = {k: (list(range(1, len(v) + 1)), v) for k, v in lines.items()}
    title = {
        "ko": f"{label}: 시간에 따른 경사 ||dL/dh_t||",
        "en": f"{label}: ||dL/dh_t|| over time",
    }
    probe = probes.series("bptt/grad_norm", title, series, "t", "||dL/dh_t||")
    probe["data"]["log_y"] = True
    return probe


def bptt_compare(run: RunContext) -> dict[str, Any]:
    """Every finished arm's ||dL/dh_t|| after training, on one log-scale chart."""
    finals: dict[str, list[float]] = run.facts.get("bptt_final", {})
    series = {k: (list(range(1, len(v) + 1)), v) for k, v in finals.items()}
    title = {
        "ko": "훈련 후 시간에 따른 경사 ||dL/dh_t||: 세 모델 비교",
        "en": "||dL/dh_t|| over time after training: the three cells",
    }
    probe = probes.series("bptt/compare", title, series, "t", "||dL/dh_t||")
    probe["data"]["log_y"] = True
    return probe


def overlays(run: RunContext) -> list[dict[str, Any]]:
    """The arms' training curves overlaid; accuracy beside the chance line."""
    loss_title = {"ko": "훈련 손실: 세 모델 비교", "en": "training loss of the three cells"}
    acc_title = {"ko": "훈련 정확도와 무작위 추측", "en": "training accuracy against chance"}
    acc = dict(run.curve(ACC_CHART))
    if acc:
        end = max(x for xs, _ in acc.values() for x in xs[-1:])
        acc["chance"] = ([0.0, end], [CHANCE, CHANCE])
    return [
        probes.series(LOSS_CHART, loss_title, run.curve(LOSS_CHART), "epoch", "loss"),
        probes.series(ACC_CHART, acc_title, acc, "epoch", "accuracy"),
    ]


def make_probe(  # type: ignore[no-untyped-def]
    arm: str,
    run: RunContext,
    sample: torch.Tensor,
    bptt_batch: tuple,
    recorder: StepRecorder,
    spe: int,
):
    label = NAMES[arm]
    start: list[float] = []

    def probe(ctx: ProbeContext) -> list[dict[str, Any]]:
        model = ctx.model
        assert isinstance(model, RecurrentNet)
        out = gate_heatmaps(model, sample, label)
        trace = bptt_norms(model, *bptt_batch)
        if not start:
            start.extend(trace.hidden)
        lines = {"before training": start}
        if ctx.step > 0:
            lines[f"step {ctx.step}"] = trace.hidden
            if trace.cell is not None:
                lines[f"step {ctx.step}: ||dL/dc_t||"] = trace.cell
        run.facts.setdefault("bptt_final", {})[label] = trace.hidden
        out.append(bptt_series(label, lines))
        recorder.flush()
        if recorder.loss:
            first = ctx.step - len(recorder.loss)  # a resumed arm recorded from its resume
            for chart, values in ((LOSS_CHART, recorder.loss), (ACC_CHART, recorder.acc)):
                line = windowed_means(values, spe, POINTS_PER_EPOCH, first)
                run.curve(chart)[label] = merge_line(run.curve(chart).get(label), line)
            out += overlays(run)
        with torch.no_grad():
            p = torch.softmax(model(sample).float(), 1)[0]
        pred, first = int(p.argmax()), int(sample[0, 0])
        text = f"first token {first}, then {sample.shape[1] - 1} noise tokens (8..15)"
        title = {"ko": f"{label}: 표시 시퀀스", "en": f"{label}: display sequence"}
        output = f"predicted {pred} (p={float(p[pred]):.2f}); answer {first}"
        out.append(probes.text("sample", title, text, output))
        return out

    return probe


# --- after training: the results, then the cells timed side by side ------------------------


def results_table(params: dict[str, Any], finals: dict[str, dict[str, float]]) -> dict[str, Any]:
    columns = ["cell", "weight blocks", "recurrent params", "ratio to RNN", "test acc", "chance"]
    base = finals.get("rnn", {}).get("recurrent_params")
    rows: list[list[Any]] = []
    for arm in ARMS:
        m = finals.get(arm)
        if m is None:
            continue
        ratio = round(m["recurrent_params"] / base, 2) if base else "-"
        rows.append(
            [
                NAMES[arm],
                WEIGHT_BLOCKS[arm],
                int(m["recurrent_params"]),
                ratio,
                round(m["test_acc"], 3),
                CHANCE,
            ]
        )
    title = {
        "ko": f"매개변수 수와 정확도 (T={params['seq_len']}, 은닉 {params['hidden']})",
        "en": f"parameters and accuracy (T={params['seq_len']}, hidden {params['hidden']})",
    }
    return probes.table("results", title, columns, rows)


def make_finish(arm: str, run: RunContext, test: tuple):  # type: ignore[no-untyped-def]
    """After training: test accuracy, parameter counts, the gradient ratio, the results table."""

    def finish(ctx: ProbeContext) -> tuple[dict[str, float], list[dict[str, Any]]]:
        model = ctx.model
        assert isinstance(model, RecurrentNet)
        with torch.no_grad():
            test_acc = float((model(test[0]).argmax(1) == test[1]).float().mean())
        bptt = run.facts.get("bptt_final", {}).get(NAMES[arm], [])
        metrics = {
            "recurrent_params": float(model.recurrent_parameters()),
            "params": float(sum(p.numel() for p in model.parameters())),
            "weight_blocks": float(WEIGHT_BLOCKS[arm]),
            "grad_ratio_first_last": bptt[0] / bptt[-1] if bptt and bptt[-1] > 0 else 0.0,
        }
        table = results_table(run.params, run.finals_with(arm, {"test_acc": test_acc, **metrics}))
        return metrics, [*overlays(run), bptt_compare(run), table]

    return finish


TIMING_ROUNDS = 11


def timing_cases(params: dict[str, Any], device: torch.device) -> dict[str, Case]:
    """Forward and backward of each cell, fresh, at `speed_hidden`: through the hand-written
    cell (the same code for all three, so only their arithmetic differs) and through PyTorch's
    fused kernel (Adam step included, as training runs it)."""
    length, batch = int(params["seq_len"]), int(params["batch_size"])
    gen = torch.Generator().manual_seed(0)
    x = torch.randint(0, VOCAB, (batch, length), generator=gen).to(device)
    y = torch.randint(0, N_SIGNAL, (batch,), generator=gen).to(device)
    cases: dict[str, Case] = {}
    for arm in ARMS:
        config = RecurrentConfig(
            cell=arm,  # type: ignore[arg-type]
            vocab=VOCAB,
            embed=int(params["embed"]),
            hidden=int(params["speed_hidden"]),
            out=N_SIGNAL,
        )
        model = RecurrentNet(config).to(device)
        cell, inputs = scratch_cell(model), model.inputs(x).detach()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-9)

        def hand(
            model: RecurrentNet = model, cell: Any = cell, inputs: torch.Tensor = inputs
        ) -> None:
            model.zero_grad(set_to_none=True)
            F.cross_entropy(model.head(cell.steps(inputs)["hidden"][-1]), y).backward()

        def fused(model: RecurrentNet = model, optimizer: Any = optimizer) -> None:
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            optimizer.step()

        cases[f"{arm}-hand-written"] = Case(hand)
        cases[f"{arm}-fused"] = Case(fused)
    return cases


def measure(run: RunContext, device: torch.device) -> list[dict[str, Any]]:
    """The three cells timed in turns, after training (`engine.training.timing`): the facts
    the GRU-speed claim is judged on, and a table of the medians."""
    params = run.params
    seconds = interleaved(timing_cases(params, device), device, TIMING_ROUNDS)
    judged, context = (
        ("fused", "hand-written") if device.type == "cuda" else ("hand-written", "fused")
    )
    run.facts["timing"] = {
        "judged_with": judged,
        "context": context,
        "hidden": int(params["speed_hidden"]),
        "device": run.device_label,
        "seconds": seconds,
    }
    columns = ["cell", "weight blocks", "hand-written ms", "fused ms"]
    rows = [
        [
            NAMES[arm],
            WEIGHT_BLOCKS[arm],
            round(1000 * statistics.median(seconds[f"{arm}-hand-written"]), 2),
            round(1000 * statistics.median(seconds[f"{arm}-fused"]), 2),
        ]
        for arm in ARMS
    ]
    hidden = params["speed_hidden"]
    title = {
        "ko": f"나란히 잰 한 단계 시간 (중앙값, {TIMING_ROUNDS}회, 은닉 {hidden}, {run.device_label})",
        "en": f"one step timed side by side (median of {TIMING_ROUNDS}, hidden {hidden}, "
        f"{run.device_label})",
    }
    return [probes.table("timing", title, columns, rows)]


# --- the lab interface ----------------------------------------------------------------------


def setup(arm: str, run: RunContext, device: torch.device) -> ArmSetup:
    """Model, data and optimiser of one arm (the caller has seeded torch with the seed)."""
    params, seed = run.params, run.seed
    length, batch = int(params["seq_len"]), int(params["batch_size"])
    n_train = int(params["batches_per_epoch"]) * batch  # size checked by the declaration
    xtr, ytr = first_token_task(n_train, length, torch.Generator().manual_seed(seed))
    test_gen = torch.Generator().manual_seed(seed + TEST_SEED_OFFSET)
    xte, yte = first_token_task(TEST_SIZE, length, test_gen)
    xtr, ytr, xte, yte = (t.to(device) for t in (xtr, ytr, xte, yte))
    config = RecurrentConfig(
        cell=arm,  # type: ignore[arg-type]
        vocab=VOCAB,
        embed=int(params["embed"]),
        hidden=int(params["hidden"]),
        out=N_SIGNAL,
        forget_bias=float(params["forget_bias"]),
        update_bias=float(params["update_bias"]),
    )
    model = RecurrentNet(config)
    mine = own_code.load(run, (EXERCISES[arm],))  # {} unless impl=mine
    if mine:  # the student's cell in place of the fused layer, from the same initial weights
        model = use_cell(model, mine[EXERCISES[arm]])
    model = model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=float(params["lr"]))
    recorder = StepRecorder(accuracy=True)
    spe = int(params["batches_per_epoch"])
    bptt_batch = (xte[:BPTT_BATCH], yte[:BPTT_BATCH])
    return ArmSetup(
        model=model,
        train=(xtr, ytr),
        test=(xte, yte),
        optimizer=optimizer,
        epochs=int(params["epochs"]),
        batch_size=batch,
        loss_fn=recorder,
        clip=float(params["clip"]) or None,
        probes_per_epoch=1,
        probe=make_probe(arm, run, xte[:1], bptt_batch, recorder, spe),
        finish=make_finish(arm, run, (xte, yte)),
    )
