"""What the headless commands share: their messages in both languages, and finding a run.

`say(lang, key, **fields)` fills one of the messages below; `err` writes a line to stderr the
way every `dlearn` error starts. Stdout is kept for what a command produces (tables, JSON),
so a script can read it while a person reads stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from engine.runs import rundir
from engine.text import Text

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130

MESSAGES: dict[str, Text] = {
    "run_dir": Text(
        en="run directory: {dir}",
        ko="실행 디렉터리: {dir}",
    ),
    "detached": Text(
        en="started in the background. Follow it with: dlearn runs show {dir}",
        ko="백그라운드에서 시작했습니다. 따라가려면: dlearn runs show {dir}",
    ),
    "stopping": Text(
        en="stopping: the run saves a checkpoint, then ends as cancelled ...",
        ko="중지하는 중: 체크포인트를 저장한 뒤 취소 상태로 끝냅니다 ...",
    ),
    "cancelled": Text(
        en="cancelled. Continue it with: dlearn lab resume {dir}",
        ko="취소되었습니다. 이어서 하려면: dlearn lab resume {dir}",
    ),
    "failed": Text(
        en="failed: {msg}",
        ko="실패: {msg}",
    ),
    "damaged": Text(
        en="the run ended without a final event (killed?). Resume it with: dlearn lab resume {dir}",
        ko="마지막 이벤트 없이 끝났습니다 (강제 종료?). 이어서 하려면: dlearn lab resume {dir}",
    ),
    "verdict": Text(
        en="Verdict",
        ko="판정",
    ),
    "no_runs": Text(
        en="no runs yet under {root}. Start one with: dlearn lab run features",
        ko="{root} 아래에 실행 기록이 없습니다. 시작하려면: dlearn lab run features",
    ),
    "no_run": Text(
        en="no run matches '{ref}' under {root}; see `dlearn runs list`",
        ko="{root} 아래에 '{ref}'에 맞는 실행이 없습니다. `dlearn runs list`를 보세요",
    ),
    "running": Text(
        en="already running (pid {pid}); follow it with: dlearn runs show {dir}",
        ko="이미 실행 중입니다 (pid {pid}). 따라가려면: dlearn runs show {dir}",
    ),
    "finished": Text(
        en="this run already finished; start a new one with `dlearn lab run {lab}`",
        ko="이미 끝난 실행입니다. 새로 하려면 `dlearn lab run {lab}`",
    ),
    "no_spec": Text(
        en="{dir} has no readable spec.json, so it cannot be resumed",
        ko="{dir}에 읽을 수 있는 spec.json이 없어 이어서 할 수 없습니다",
    ),
    "detach_follow": Text(
        en="detached from the run; it continues. Follow it with: dlearn runs show {dir}",
        ko="실행에서 떨어졌습니다. 실행은 계속됩니다. 따라가려면: dlearn runs show {dir}",
    ),
    "no_events": Text(
        en="the run process exited without writing events; see {log}",
        ko="실행 프로세스가 이벤트를 남기지 않고 끝났습니다. {log}를 보세요",
    ),
    "written": Text(
        en="wrote {path}",
        ko="{path}에 썼습니다",
    ),
    "no_attention": Text(
        en="this model ({arm}) has no attention: one context vector carries the whole input (try --arm dot)",
        ko="이 모델({arm})에는 어텐션이 없습니다: 문맥 벡터 하나가 입력 전체를 담습니다 (--arm dot을 써 보세요)",
    ),
    "attention_legend": Text(
        en="attention: rows = output, columns = input (darker = more weight)",
        ko="어텐션: 행 = 출력, 열 = 입력 (진할수록 가중치가 큼)",
    ),
}


def say(lang: str, key: str, **fields: Any) -> str:
    """Message `key` in `lang`, with `fields` filled in."""
    return MESSAGES[key].get(lang).format(**fields)


def err(text: str) -> None:
    print(f"dlearn: {text}", file=sys.stderr)


def fmt(v: Any) -> str:
    """A metric or parameter in a table cell: 4 significant digits, "-" for nothing."""
    if isinstance(v, float):
        return f"{v:.4g}"
    return "-" if v is None else str(v)


def find(ref: str | None, data_dir: Path, lang: str) -> Path | None:
    """The run `ref` names under the data directory (None: the newest), or None after saying
    why there is none."""
    root = rundir.runs_root(data_dir)
    path = rundir.find_run(root, ref)
    if path is None:
        err(say(lang, "no_run", ref=ref, root=root) if ref else say(lang, "no_runs", root=root))
    return path
