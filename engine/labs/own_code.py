"""Training the student's own code in a lab: the `impl` parameter, and what a run keeps of it.

`--set impl=mine` (a choice in the lab form too) makes a lab train the student's passed
exercises (`engine.exercises`) in place of its built-in cell, block or attention. Three steps:

- before any process starts, `engine.runs.launch.prepare` asks the declaration which
  exercises the parameters need (`Lab.exercises`, built here by `needs`) and refuses the
  run, naming them and the command that grades them, unless each one passed and its file has
  not changed since;
- in the run process, `load(run, ids)` imports each passed file (torch is loaded by then),
  hands back its entry, and writes the files and their sha256 into the run's facts, which
  every checkpoint keeps and the summary shows (`summary["impl"]`);
- `noted(verdict)` wraps a lab's verdict so that its evidence says the student's code was
  trained, file by file.

Torch-free: the declarations import `IMPL` and `needs`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.catalogue import Param
from engine.errors import DlearnError, RunError
from engine.text import Text

IMPL = Param(
    "impl",
    "str",
    "builtin",
    {
        "ko": (
            "누구의 코드로 훈련할지: builtin = dlearn의 구현, mine = 연습 문제에서 통과한 내 "
            "구현 (`dlearn exercise list`). 손으로 쓴 셀은 합쳐진 커널보다 느리니 mine 프리셋을 "
            "쓰세요"
        ),
        "en": (
            "whose code trains: builtin = dlearn's own, mine = your passed exercises "
            "(`dlearn exercise list`). Hand-written cells are slower than fused kernels: use "
            "the mine preset"
        ),
    },
    choices=("builtin", "mine"),
)
FACT = "impl"  # run.facts[FACT] = {"mine": {exercise id: {"path", "sha256"}}}


def needs(
    pick: Callable[[dict[str, Any]], tuple[str, ...]],
) -> Callable[[dict[str, Any]], tuple[str, ...]]:
    """`Lab.exercises`: the ids `pick(params)` names when `impl` is `mine`, else none."""

    def exercises(params: dict[str, Any]) -> tuple[str, ...]:
        return pick(params) if params.get("impl") == "mine" else ()

    return exercises


def load(run: Any, ids: tuple[str, ...]) -> dict[str, Any]:
    """Each passed exercise's entry (function or class), by id; {} for `impl=builtin`.

    `run` is the `RunContext`: its `data_dir` says where the records are, and its facts get
    the files and hashes. An exercise not passed, or changed since, fails the run with the
    records' own message (what to do included)."""
    if run.params.get("impl") != "mine" or not ids:
        return {}
    if not run.data_dir:
        raise RunError(
            "impl=mine needs the data directory that holds your exercises, and this run's "
            "spec.json names none; start the run again with `dlearn lab run`",
            "impl=mine에는 연습 문제가 있는 데이터 디렉터리가 필요한데 이 실행의 spec.json에는 "
            "없습니다. `dlearn lab run`으로 다시 시작하세요",
        )
    from engine.exercises import records

    entries: dict[str, Any] = {}
    kept = run.facts.setdefault(FACT, {}).setdefault("mine", {})
    for exercise_id in ids:
        passed = records.load_passed(exercise_id, Path(run.data_dir))
        try:
            entries[exercise_id] = passed.entry()
        except DlearnError:
            raise
        except Exception as exc:  # the student's file failed on import in this process
            raise RunError(
                f"your {exercise_id} file {passed.path} failed to load: "
                f"{type(exc).__name__}: {exc}; check it with `dlearn exercise check {exercise_id}`",
                f"{exercise_id} 파일 {passed.path}을 불러오지 못했습니다: "
                f"{type(exc).__name__}: {exc}. `dlearn exercise check {exercise_id}`로 확인하세요",
            ) from None
        kept[exercise_id] = {"path": str(passed.path), "sha256": passed.sha256}
    return entries


def note(facts: dict[str, Any]) -> Text | None:
    """ "Trained with your own code: ..." for a run that did, else None."""
    mine = (facts.get(FACT) or {}).get("mine") or {}
    if not mine:
        return None
    files = ", ".join(
        f"{k} ({Path(v['path']).name}, sha256 {v['sha256'][:12]})" for k, v in mine.items()
    )
    return Text(
        en=f"Trained with your own code in place of the built-in one: {files}.",
        ko=f"내장 구현 대신 내가 쓴 코드로 훈련했습니다: {files}.",
    )


def noted(verdict: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    """A lab's `verdict(run)` whose evidence ends by naming the student's files it trained."""

    def with_note(run: Any) -> dict[str, Any]:
        out = verdict(run)
        said = note(run.facts)
        if said is not None:
            evidence = Text.of(out.get("evidence") or {})
            out = {**out, "evidence": Text.join([evidence, said]).as_dict(), FACT: run.facts[FACT]}
        return out

    with_note.__doc__ = verdict.__doc__
    return with_note
