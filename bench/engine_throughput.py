"""Engine loop vs a minimal hand-written PyTorch loop: samples/s on the `features` model.

Both train the same model (same initial weights), on the same data, with the same batch size,
optimiser, one-cycle schedule and gradient clipping, and both evaluate on the test split once
per epoch (as pytorch/examples' `train()` / `test()` do). The engine additionally does what it
always does at its default cadence: step events every 10 steps, probes (feature maps, gradient
norms, the display sample) twice per epoch, loss/accuracy series per evaluation, all written
to a real events.jsonl. Rounds alternate engine / hand-written so that load from other
processes hits both alike; the median round is reported. Prints figures, asserts nothing.

Two clocks: wall time (what a user waits), and this process's CPU time (the work done). On a
machine shared with other jobs the wall clock can swing 10x between rounds; with `--threads 1`
the CPU-time figure is nearly immune to that and still compares the two loops fairly.

    .venv/bin/python bench/engine_throughput.py [--epochs 4] [--rounds 7] [--threads N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from engine import catalogue  # noqa: E402
from engine.device import configure, precision_for  # noqa: E402
from engine.labs.features import FEATURES, features_lab  # noqa: E402
from engine.runs.events import EventWriter  # noqa: E402
from engine.training.context import RunContext  # noqa: E402
from engine.training.loop import ArmSetup, Trainer  # noqa: E402


def make_setup(params: dict, seed: int = 0) -> ArmSetup:
    torch.manual_seed(seed)
    return features_lab.setup("cnn", RunContext("features", params, seed), torch.device("cpu"))


Clock = tuple[float, float]  # (wall seconds, CPU seconds)


def clocks() -> Clock:
    return time.perf_counter(), time.process_time()


def rates(samples: int, start: Clock) -> Clock:
    """Samples per second of wall time and of CPU time since `start`."""
    wall, cpu = clocks()
    return samples / (wall - start[0]), samples / (cpu - start[1])


def engine_loop(params: dict, run_dir: Path) -> Clock:
    """Samples/s of the engine's Trainer, events and probes included."""
    setup = make_setup(params)
    writer = EventWriter(run_dir)
    trainer = Trainer("cnn", setup, writer.emit, precision_for(torch.device("cpu")), seed=0)
    start = clocks()
    for _ in range(setup.epochs):
        trainer.train_epoch()
        trainer.pos.epoch += 1
        trainer.pos.step_in_epoch = 0
        trainer.pos.shuffle_state = None
    result = rates(setup.epochs * len(setup.train[0]), start)
    writer.close()
    return result


def hand_written_loop(params: dict) -> Clock:
    """The same training written the plain way."""
    setup = make_setup(params)
    model, opt, sched = setup.model, setup.optimizer, setup.scheduler
    (x_train, y_train), (x_test, y_test) = setup.train, setup.test
    batch, clip = setup.batch_size, setup.clip
    g = torch.Generator().manual_seed(0)
    start = clocks()
    for _ in range(setup.epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=g)
        for i in range(0, len(x_train), batch):
            idx = order[i : i + batch]
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            sched.step()
        model.eval()
        with torch.no_grad():
            out = model(x_test)
            test_loss = F.cross_entropy(out, y_test).item()
            test_acc = (out.argmax(1) == y_test).float().mean().item()
    result = rates(setup.epochs * len(x_train), start)
    assert test_loss == test_loss and test_acc >= 0  # keep the evaluation from being skipped
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4, help="epochs per measurement")
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds")
    parser.add_argument("--width", type=int, default=8, help="width of the features model")
    parser.add_argument("--batch-size", type=int, default=64, help="batch size")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: physical cores)")
    args = parser.parse_args()
    overrides = {"epochs": args.epochs, "width": args.width, "batch_size": args.batch_size}
    params = catalogue.resolve_params(FEATURES, "quick", overrides)
    configure(torch.device("cpu"))  # threads = physical cores, as a run does
    if args.threads:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, CPU, {threads} threads; params {params}")
    engine: list[Clock] = []
    plain: list[Clock] = []
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "warm").mkdir()
        engine_loop(params, Path(tmp) / "warm")  # warm-up: first calls, lazy imports
        hand_written_loop(params)
        for r in range(args.rounds):
            run_dir = Path(tmp) / f"r{r}"
            run_dir.mkdir()
            engine.append(engine_loop(params, run_dir))
            plain.append(hand_written_loop(params))
            size = (run_dir / "events.jsonl").stat().st_size
            (ew, ec), (pw, pc) = engine[-1], plain[-1]
            print(
                f"round {r + 1}: wall: engine {ew:7,.0f} hand-written {pw:7,.0f} samples/s "
                f"({ew / pw:.3f}) | cpu: {ec:7,.0f} vs {pc:7,.0f} ({ec / pc:.3f}) | "
                f"events {size / 1024:.0f} KiB"
            )
    med = statistics.median
    for k, clock in enumerate(("wall", "cpu")):
        e, p = med(x[k] for x in engine), med(x[k] for x in plain)
        ratios = sorted(a[k] / b[k] for a, b in zip(engine, plain, strict=True))
        print(
            f"{clock:4} median: engine {e:,.0f} samples/s, hand-written {p:,.0f} samples/s, "
            f"ratio {e / p:.3f} (per-round ratios {ratios[0]:.3f} .. {ratios[-1]:.3f}, "
            f"median {med(ratios):.3f})"
        )


if __name__ == "__main__":
    main()
