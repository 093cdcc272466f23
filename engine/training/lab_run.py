"""One lab run, in this process: spec in, run directory out.

`python -m engine run SPEC.json --dir RUN_DIR [--resume]` lands here. The run trains the
lab's arms one after another with the generic `Trainer`, writes `spec.json`, `events.jsonl`,
`checkpoint.pt` and `summary.json`, and always ends with exactly one final event:
`finished` (with the summary and verdict), `failed` (with a message a person can act on) or
`cancelled` (after a checkpoint, so `--resume` continues where it stopped).
"""

from __future__ import annotations

import importlib
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
from engine.training.context import RunContext
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
    ) -> None:
        self.dir, self.spec, self.lab, self.params = run_dir, spec, lab, params
        self.module, self.stop = module, stop
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
        assert self.writer is not None
        arm = self.arms[self.arm_index] if self.arm_index < len(self.arms) else None
        state = checkpoint.run_state(
            lab=self.lab.id,
            params=self.params,
            seed=self.seed,
            arm_index=self.arm_index,
            completed=self.context.finals,
            context=self.context.state_dict(),
            models=self.models,
            elapsed=self.writer.elapsed(),
            arm=self.trainer.state_dict() if self.trainer is not None else None,
            arm_name=arm if self.trainer is not None else None,
        )
        checkpoint.save_atomic(state, self.dir / CHECKPOINT_FILE)
        step = self.trainer.pos.global_step if self.trainer is not None else 0
        self.writer.emit("checkpoint", arm=arm, step=step, path=CHECKPOINT_FILE)

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
        ckpt = self.load() if resume else None
        if resume:  # the stopped attempt's summary is stale now; its events keep it
            (self.dir / SUMMARY_FILE).unlink(missing_ok=True)
        self.writer = writer = EventWriter(self.dir, float(ckpt["elapsed"]) if ckpt else 0.0)
        try:
            device = pick_device(self.requested_device)
        except DeviceError as exc:
            return self._fail(exc.en, exc.ko)
        info = configure(device)
        self.context.device, self.context.device_label = str(device), describe(device)
        precision = precision_for(device, bool(self.spec.get("mixed_precision", True)))
        resolved = {
            **self.spec,
            "params": self.params,
            "device_requested": self.requested_device,
            "device": str(device),
        }
        resolved.setdefault("created", time.time())
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
        )
        if ckpt is None:
            self._reuse()
        try:
            while self.arm_index < len(self.arms):
                if self.stop:
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
                )
                if ckpt is not None and ckpt["arm"] is not None:
                    self.trainer.load_state_dict(ckpt["arm"])
                    checkpoint.set_rng_state(ckpt["rng"])
                ckpt = None
                self.context.finals[arm] = self.trainer.fit()
                self.models[arm] = {
                    k: v.detach().cpu() for k, v in setup.model.state_dict().items()
                }
                self.trainer = None
                self.arm_index += 1
                self.save()  # after the last arm too: a finished run keeps every arm's weights
            self._measure(device)
            if self.stop:
                raise Interrupted
        except Interrupted:
            self.save()
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

    def _summary(self, status: str, verdict: dict[str, Any], **extra: Any) -> dict[str, Any]:
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
        write_json_atomic(self.dir / SUMMARY_FILE, summary)
        assert self.writer is not None
        self.writer.emit("failed", message=en, message_ko=ko, summary=summary, **where)
        return EXIT_FAILED


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
    try:
        lab, params = read_spec(spec)
        module = importlib.import_module(lab.module)
        job = LabRun(run_dir, spec, lab, params, module, stop)
        return job.execute(resume)
    except RunError as exc:
        print(f"dlearn engine: {exc.en}", file=sys.stderr)
        if not resume:  # a stopped run keeps its status: the user can fix the cause and retry
            writer = EventWriter(run_dir)
            writer.emit("failed", message=exc.en, message_ko=exc.ko)
        return EXIT_USAGE
    except Exception as exc:  # a bug: say so in the run, keep the traceback in the log
        traceback.print_exc()
        writer = EventWriter(run_dir)
        en = f"internal error: {type(exc).__name__}: {exc} (details in engine.log)"
        ko = f"내부 오류: {type(exc).__name__}: {exc} (자세한 내용은 engine.log)"
        writer.emit("failed", message=en, message_ko=ko)
        return EXIT_FAILED
    finally:
        if writer is not None:
            writer.close()
