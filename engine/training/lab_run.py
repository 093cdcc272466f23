"""One lab run, in this process: spec in, run directory out.

`python -m engine run SPEC.json --dir RUN_DIR [--resume]` lands here. The run trains the
lab's arms one after another with the generic `Trainer`, writes `spec.json`, `events.jsonl`,
`checkpoint.pt` and `summary.json`, and always ends with exactly one final event:
`finished` (with the summary and verdict), `failed` (with a message a person can act on) or
`cancelled` (after a checkpoint, so `--resume` continues where it stopped).

Under torchrun (`--procs N`, started by `engine.runs.supervise`) every rank runs this same
code; rank 0 alone writes the run's files (the other ranks' writer is silent), each
checkpoint is taken by all ranks together (rank 0 saves `module.state_dict()` and every
rank's CPU random state, then a barrier), and once the arms are trained the other ranks
leave: the lab's side-by-side timings (`measure`) and the verdict run on rank 0 alone.

Why one file: a run's life — resume, device, arms, checkpoints, the final event — is one
sequence, and each of its ways to end (finished, failed, cancelled, a lost rank) must write
exactly one final event; kept together, every exit path can be read against the others.
"""

from __future__ import annotations

import importlib
import re
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

import torch

from engine import catalogue, checkpoint
from engine.device import configure, describe, pick_device, precision_for
from engine.errors import DeviceError, DlearnError, RunError
from engine.runs.events import (
    CHECKPOINT_FILE,
    SPEC_FILE,
    SUMMARY_FILE,
    EventWriter,
    write_json_atomic,
)
from engine.runs.signals import STOP, StopRequest
from engine.training import distributed
from engine.training.context import RunContext
from engine.training.distributed import SOLO, Ranks
from engine.training.loop import Diverged, Interrupted, Trainer

EXIT_FINISHED, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130


def read_spec(spec: dict[str, Any]) -> tuple[catalogue.Lab, dict[str, Any]]:
    """The lab and its validated parameters (a hand-edited spec gets the CLI's checks)."""
    try:
        lab = catalogue.get_lab(str(spec.get("lab")))
        params = catalogue.resolve_params(lab, None, spec.get("params") or {})
    except catalogue.ParamError as exc:
        raise RunError(exc.en, exc.ko) from None
    return lab, params


class SilentWriter(EventWriter):
    """The writer of a rank other than 0: it keeps the clock and writes nothing."""

    def __init__(self, elapsed: float = 0.0) -> None:
        self._t0 = time.monotonic() - elapsed

    def emit(self, type_: str, **payload: Any) -> dict[str, Any]:
        return {"type": type_, **payload}

    def close(self) -> None:
        pass


class LabRun:
    """Runs a lab's arms in order, checkpointing between and during them."""

    def __init__(
        self,
        run_dir: Path,
        spec: dict[str, Any],
        lab: catalogue.Lab,
        params: dict[str, Any],
        # the lab module, or anything with setup(arm, run, device) and verdict(run)
        module: ModuleType | Any,
        stop: StopRequest = STOP,
        ranks: Ranks = SOLO,
    ) -> None:
        self.dir, self.spec, self.lab, self.params = run_dir, spec, lab, params
        self.module, self.stop, self.ranks = module, stop, ranks
        self.device = torch.device("cpu")
        self.seed = int(spec.get("seed", 0))
        self.checkpoint_every_s = float(spec.get("checkpoint_every_s", 10.0))
        # a run that asked for "auto" may resume on another machine: keep the request
        self.requested_device = str(spec.get("device_requested") or spec.get("device") or "auto")
        arms_fn = getattr(module, "arms", None)
        self.arms: list[str] = list(arms_fn(params) if arms_fn else lab.arms)
        # what the arms and the verdict share; `context.finals` are the finished arms' metrics
        self.context = RunContext(
            lab.id,
            params,
            self.seed,
            run_dir=str(run_dir),
            data_dir=str(spec.get("data_dir") or ""),
        )
        # each finished arm's trained weights (CPU tensors), so that a finished run can be
        # used afterwards (e.g. `translate` on the student's own input)
        self.models: dict[str, dict[str, torch.Tensor]] = {}
        self.arm_index = 0
        self.trainer: Trainer | None = None
        self.writer: EventWriter | None = None

    # --- checkpoints -----------------------------------------------------------------------

    def save(self) -> None:
        """Checkpoint the run; under torchrun every rank calls it at the same point."""
        assert self.writer is not None
        ranks = self.ranks
        arm = self.arms[self.arm_index] if self.arm_index < len(self.arms) else None
        arm_state = self.trainer.state_dict() if self.trainer is not None else None
        rngs = ranks.gather(distributed.rng_state(self.device))
        if not ranks.is_main:
            ranks.barrier()
            return
        state = checkpoint.run_state(
            lab=self.lab.id,
            params=self.params,
            seed=self.seed,
            arm_index=self.arm_index,
            completed=self.context.finals,
            context=self.context.state_dict(),
            models=self.models,
            elapsed=self.writer.elapsed(),
            arm=arm_state,
            arm_name=arm if self.trainer is not None else None,
        )
        if ranks.distributed:
            state["rng_ranks"] = rngs  # each rank's (CPU, and its own GPU's), to resume it
        checkpoint.save_atomic(state, self.dir / CHECKPOINT_FILE)
        step = self.trainer.pos.global_step if self.trainer is not None else 0
        self.writer.emit("checkpoint", arm=arm, step=step, path=CHECKPOINT_FILE)
        ranks.barrier()

    def _restore_rng(self, ckpt: dict[str, Any]) -> None:
        ranks, states = self.ranks, ckpt.get("rng_ranks")
        if ranks.distributed and isinstance(states, list) and len(states) == ranks.world:
            distributed.set_rng_state(states[ranks.rank], self.device)
        else:
            checkpoint.set_rng_state(ckpt["rng"])

    def load(self) -> dict[str, Any] | None:
        path = self.dir / CHECKPOINT_FILE
        if not path.exists():
            return None
        try:
            state = checkpoint.load(path)
        except Exception as exc:
            raise RunError(
                f"checkpoint.pt cannot be read ({exc}); move it away to restart the run "
                "from the beginning",
                f"checkpoint.pt를 읽을 수 없습니다 ({exc}). 처음부터 다시 하려면 파일을 옮기세요",
            ) from None
        if state.get("lab") != self.lab.id or state.get("params") != self.params:
            raise RunError(
                "checkpoint.pt belongs to a different lab or parameters than spec.json",
                "checkpoint.pt의 실습이나 매개변수가 spec.json과 다릅니다",
            )
        return state

    # --- the run ---------------------------------------------------------------------------

    def execute(self, resume: bool) -> int:
        ranks = self.ranks
        ckpt = self.load() if resume else None
        if resume and ranks.is_main:  # the stopped attempt's summary is stale now
            (self.dir / SUMMARY_FILE).unlink(missing_ok=True)
        elapsed = float(ckpt["elapsed"]) if ckpt else 0.0
        self.writer = writer = (
            EventWriter(self.dir, elapsed) if ranks.is_main else SilentWriter(elapsed)
        )
        try:
            rank_of = ranks.local_rank if ranks.distributed else None
            self.device = device = pick_device(self.requested_device, rank_of)
        except DeviceError as exc:
            return self._fail(exc.en, exc.ko)
        distributed.join(ranks, device)
        info = configure(device, ranks.local_world)
        self.context.device, self.context.device_label = str(device), describe(device)
        precision = precision_for(device, bool(self.spec.get("mixed_precision", True)))
        resolved = {
            **self.spec,
            "params": self.params,
            "device_requested": self.requested_device,
            "device": str(device),
        }
        resolved.setdefault("created", time.time())
        if ranks.is_main:
            write_json_atomic(self.dir / SPEC_FILE, resolved)
        if ckpt is not None:
            self.arm_index = int(ckpt["arm_index"])
            self.context.load_state_dict(ckpt.get("context") or {"finals": ckpt["completed"]})
            self.models = {k: dict(v) for k, v in (ckpt.get("models") or {}).items()}
        writer.emit(
            "started",
            lab=self.lab.id,
            **info,
            precision=precision.name,
            params=self.params,
            seed=self.seed,
            arms=self.arms,
            resumed=ckpt is not None,
            resume_from={"arm_index": self.arm_index, "step": _step(ckpt)} if ckpt else None,
            torch=torch.__version__,
            procs=ranks.world,
            **self._parallel(device),
        )
        if ckpt is None:
            self._reuse()
        try:
            while self.arm_index < len(self.arms):
                if ranks.agree(bool(self.stop), device=device)[0]:
                    raise Interrupted
                arm = self.arms[self.arm_index]
                if arm in self.context.finals:  # taken from another run (`_reuse`)
                    self.arm_index += 1
                    continue
                torch.manual_seed(self.seed)
                try:
                    setup = self.module.setup(arm, self.context, device)
                except DlearnError as exc:  # e.g. a dataset that is not on this machine
                    return self._fail(exc.en, exc.ko, arm=arm)
                self.trainer = Trainer(
                    arm,
                    setup,
                    writer.emit,
                    precision,
                    self.seed,
                    should_stop=lambda: bool(self.stop),
                    checkpoint=self.save,
                    checkpoint_every_s=self.checkpoint_every_s,
                    ranks=ranks,
                )
                if ckpt is not None and ckpt["arm"] is not None:
                    self.trainer.load_state_dict(ckpt["arm"])
                    self._restore_rng(ckpt)
                ckpt = None
                self.context.finals[arm] = self.trainer.fit()
                self.models[arm] = {
                    k: v.detach().cpu() for k, v in setup.model.state_dict().items()
                }
                self.trainer = None
                self.arm_index += 1
                self.save()  # after the last arm too: a finished run keeps every arm's weights
            if ranks.distributed:  # trained: rank 0 times and judges alone, undisturbed
                ranks.leave()
                if not ranks.is_main:
                    return EXIT_FINISHED
            self._measure(device)
            if self.stop:
                raise Interrupted
        except Interrupted:
            self.save()
            if not ranks.is_main:
                return EXIT_CANCELLED
            summary = self._summary("cancelled", _stopped(self.stop.reason))
            write_json_atomic(self.dir / SUMMARY_FILE, summary)
            writer.emit("cancelled", reason=self.stop.reason, summary=summary)
            return EXIT_CANCELLED
        except Diverged as exc:
            return self._fail(exc.en, exc.ko, arm=exc.arm, step=exc.step)
        verdict = self.module.verdict(self.context)
        summary = self._summary("finished", verdict)
        write_json_atomic(self.dir / SUMMARY_FILE, summary)
        writer.emit("finished", summary=summary)
        return EXIT_FINISHED

    def _reuse(self) -> None:
        """Arms the lab takes from another finished run (its optional `reuse(run)`)."""
        reuse = getattr(self.module, "reuse", None)
        if reuse is None:
            return
        assert self.writer is not None
        for arm, taken in reuse(self.context).items():
            self.context.finals[arm] = dict(taken.metrics)
            if taken.weights is not None:
                self.models[arm] = dict(taken.weights)
            for probe in taken.probes:
                self.writer.emit("probe", arm=arm, step=0, **probe)

    def _measure(self, device: torch.device) -> None:
        """The lab's side-by-side measurements after every arm trained (`measure(run, device)`:
        its timings go into the run's facts, for the verdict, and out as probes)."""
        measure = getattr(self.module, "measure", None)
        if measure is None:
            return
        assert self.writer is not None
        for probe in measure(self.context, device):
            self.writer.emit("probe", arm="", step=0, **probe)

    def _parallel(self, device: torch.device) -> dict[str, Any]:
        """What the `started` event says about the processes (nothing for one)."""
        ranks = self.ranks
        if not ranks.distributed:
            return {}
        out: dict[str, Any] = {"backend": ranks.backend, "nodes": ranks.world // ranks.local_world}
        batch = self.params.get("batch_size")
        note = {
            "en": f"{ranks.world} processes ({ranks.backend}) share every batch"
            + (f": {batch} samples, about {int(batch) // ranks.world} per process" if batch else "")
            + ".",
            "ko": f"프로세스 {ranks.world}개({ranks.backend})가 배치마다 나누어 맡습니다"
            + (f": {batch}개 중 프로세스마다 약 {int(batch) // ranks.world}개" if batch else "")
            + ".",
        }
        notes = [note]
        if device.type != "cuda":
            notes.append(
                {
                    "en": "On the CPU BatchNorm stays per process: it normalises over each "
                    "process's share of the batch, not the whole batch (CUDA runs use "
                    "SyncBatchNorm), so losses differ a little from a 1-process run.",
                    "ko": "CPU에서는 BatchNorm을 프로세스마다 따로 둡니다: 전체 배치가 아니라 "
                    "프로세스가 맡은 몫으로 정규화하므로 (CUDA에서는 SyncBatchNorm) 손실이 "
                    "1-프로세스 실행과 조금 다릅니다.",
                }
            )
        out["notes"] = notes
        return out

    def _summary(self, status: str, verdict: dict[str, Any], **extra: Any) -> dict[str, Any]:
        if self.ranks.distributed:
            extra = {"procs": self.ranks.world, **extra}
        return {
            "lab": self.lab.id,
            "status": status,
            "arms": self.context.finals,
            "verdict": verdict,
            "params": self.params,
            "seed": self.seed,
            "elapsed_s": round(self.writer.elapsed(), 2) if self.writer else None,
            # the student's own code this run trained (`engine.labs.own_code`), if any
            **({"impl": self.context.facts["impl"]} if "impl" in self.context.facts else {}),
            **extra,
        }

    def _fail(self, en: str, ko: str, **where: Any) -> int:
        verdict = {
            "shown": False,
            "evidence": {"ko": f"실행 실패: {ko}", "en": f"run failed: {en}"},
            "claims": [],
        }
        summary = self._summary("failed", verdict, message={"ko": ko, "en": en})
        if not self.ranks.is_main:
            return EXIT_FAILED
        write_json_atomic(self.dir / SUMMARY_FILE, summary)
        assert self.writer is not None
        self.writer.emit("failed", message=en, message_ko=ko, summary=summary, **where)
        return EXIT_FAILED


def _lost(job: LabRun | None, ranks: Ranks, exc: Exception, run_dir: Path) -> int:
    """A collective failed: another process of the run died (kill -9, out of memory)."""
    if job is None or job.writer is None or not ranks.is_main:
        return EXIT_FAILED
    text = re.sub(r"^\[[^\]]*\]\s*", "", str(exc).strip())  # gloo's source location
    first = (text.split(". ")[0] or type(exc).__name__)[:160]
    en, ko = resume_hint(run_dir)
    return job._fail(
        f"a process of this {ranks.world}-process run stopped unexpectedly ({first}); {en}",
        f"이 {ranks.world}-프로세스 실행의 프로세스 하나가 갑자기 멈췄습니다 ({first}). {ko}",
    )


def resume_hint(run_dir: Path) -> tuple[str, str]:
    """What `dlearn lab resume` will do for a run that stopped: (en, ko)."""
    cmd = f"`dlearn lab resume {run_dir}`"
    if (run_dir / CHECKPOINT_FILE).exists():
        return (
            f"continue from its last checkpoint with {cmd}",
            f"{cmd}으로 마지막 체크포인트부터 이어서 할 수 있습니다",
        )
    return (
        f"it stopped before its first checkpoint: {cmd} starts it again from the beginning",
        f"첫 체크포인트 전에 멈췄으므로 {cmd}은 처음부터 다시 시작합니다",
    )


def _step(ckpt: dict[str, Any] | None) -> int:
    return int(ckpt["arm"]["global_step"]) if ckpt and ckpt.get("arm") else 0


def _stopped(reason: str | None) -> dict[str, Any]:
    return {
        "shown": False,
        "evidence": {
            "ko": f"실행이 중단되었습니다 ({reason}). `dlearn lab resume`으로 이어서 할 수 있습니다.",
            "en": f"the run was stopped ({reason}); continue it with `dlearn lab resume`.",
        },
        "claims": [],
    }


def run(spec: dict[str, Any], run_dir: Path, resume: bool = False, stop: StopRequest = STOP) -> int:
    """Run (or resume) the lab described by `spec` into `run_dir`; return the exit code."""
    run_dir.mkdir(parents=True, exist_ok=True)
    writer: EventWriter | None = None
    ranks = distributed.from_env()
    job: LabRun | None = None
    try:
        lab, params = read_spec(spec)
        module = importlib.import_module(lab.module)
        job = LabRun(run_dir, spec, lab, params, module, stop, ranks)
        return job.execute(resume)
    except RunError as exc:
        print(f"dlearn engine: {exc.en}", file=sys.stderr)
        if not resume and ranks.is_main:  # a stopped run keeps its status: fix and retry
            writer = EventWriter(run_dir)
            writer.emit("failed", message=exc.en, message_ko=exc.ko)
        return EXIT_USAGE
    except Exception as exc:  # a bug: say so in the run, keep the traceback in the log
        traceback.print_exc()
        if ranks.distributed and distributed.is_comm_error(exc):
            return _lost(job, ranks, exc, run_dir)
        if not ranks.is_main:
            return EXIT_FAILED
        writer = EventWriter(run_dir)
        en = f"internal error: {type(exc).__name__}: {exc} (details in engine.log)"
        ko = f"내부 오류: {type(exc).__name__}: {exc} (자세한 내용은 engine.log)"
        writer.emit("failed", message=en, message_ko=ko)
        return EXIT_FAILED
    finally:
        if writer is not None:
            writer.close()
