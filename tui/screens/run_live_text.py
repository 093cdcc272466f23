"""The live run screen's words: its head line and its verdict box, built from the run's
state (pure functions of it, so they are tested without an app)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text

from engine import catalogue
from engine.runs.follow import RunState
from engine.runs.verdicts import MARKS, WORDS, claims_of
from tui.i18n import tr
from tui.widgets.rows import bar


def clock(seconds: float | None) -> str:
    """1234.5 -> "20:34"; an hour or more -> "1:02:03"."""
    if seconds is None:
        return "--:--"
    s = int(max(seconds, 0))
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60:02d}:{rest % 60:02d}"


def head_text(state: RunState, run_name: str, status: str, elapsed: float, lang: str) -> Text:
    """Lab, run and status; then progress, the arm in training, time and device."""
    lab_id = str((state.spec or {}).get("lab") or (state.started or {}).get("lab") or "?")
    lab = catalogue.LABS.get(lab_id)
    title = lab.title[lang] if lab else lab_id
    head = Text(f"{title} · {run_name} · ", style="bold")
    head.append(tr(f"status_{status}", lang), style="bold reverse")
    done = state.progress()
    line = Text("\n")
    line.append_text(bar(done, 16))
    line.append(f" {round(done * 100):3d}%")
    step = state.last_step or {}
    if step:
        arms = state.arms or [str(step.get("arm"))]
        index = arms.index(step["arm"]) + 1 if step.get("arm") in arms else 1
        line.append(
            " · "
            + tr(
                "run_arm",
                lang,
                arm=step.get("arm"),
                i=index,
                n=len(arms),
                step=step.get("step"),
                total=step.get("total"),
            )
        )
    line.append(" · " + tr("run_elapsed", lang, elapsed=clock(elapsed)))
    remaining = state.remaining(elapsed) if status == "running" else None
    if remaining is not None:
        line.append(" · " + tr("run_left", lang, left=clock(remaining)))
    started = state.started or {}
    device = started.get("device") or (state.spec or {}).get("device") or "?"
    line.append(f" · {device}")
    if started.get("precision"):
        line.append(f" {started['precision']}")
    if step.get("samples_per_s") is not None:
        line.append(" · " + tr("run_speed", lang, speed=f"{step['samples_per_s']:,.0f}"))
    head.append_text(line)
    return head


def verdict_text(
    state: RunState, status: str, prediction: dict[str, Any] | None, lang: str
) -> Text:
    """The verdict with its evidence once the run finished (the student's prediction held
    against it first, so it is never cut off), or why there is none."""
    line = Text()
    summary = state.summary
    if status == "finished" and summary:
        verdict = summary.get("verdict") or {}
        shown = bool(verdict.get("shown"))
        head = tr("verdict_shown" if shown else "verdict_not_shown", lang)
        line.append(f"{tr('verdict', lang)}: {'✓' if shown else '✗'} {head}", style="bold")
        if prediction is not None:  # before the evidence: it must never be cut off
            guess = prediction["shown"]
            said = tr("verdict_shown" if guess else "verdict_not_shown", lang)
            key = "prediction_right" if guess == shown else "prediction_wrong"
            line.append("\n" + tr(key, lang, said=said), style="bold")
        mine = (summary.get("impl") or {}).get("mine") or {}
        if mine:  # trained on the student's own code: said up front, not below the fold
            files = ", ".join(f"{Path(str(f.get('path', ''))).name}" for f in mine.values())
            line.append("\n" + tr("verdict_own_code", lang, files=files), style="bold")
        for claim in claims_of(verdict):
            status, said = claim["status"], claim["claim"].get(lang)
            if said:  # a summary from before claims has its evidence only
                line.append(f"\n{MARKS[status]} {said}", style="bold")
                line.append(f" ({WORDS[status].get(lang)})")
            line.append("\n" + claim["evidence"].get(lang))
    elif status == "failed":
        final = state.final or {}
        text = final.get("message_ko") if lang == "ko" else final.get("message")
        line.append(tr("run_failed", lang, message=text or "?"), style="bold")
    elif status in ("cancelled", "damaged"):
        line.append(tr(f"run_{status}_hint", lang), style="bold")
    elif prediction is not None:
        said = prediction["shown"]
        line.append(
            tr(
                "prediction_pending",
                lang,
                said=tr(f"verdict_{'shown' if said else 'not_shown'}", lang),
            ),
            style="dim",
        )
    return line
