"""Runs: every run on this machine, across sessions, with what can be done with each.

Open one (re-attaches to a running run, replays a finished one from its files), mark
several with Space and compare their loss curves on one chart, resume a cancelled or
damaged one, delete with confirmation, export metrics as CSV/JSON and the view as SVG.
The list is re-read in a thread every two seconds, so a run that ends (or is killed)
changes status here without a key press.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from engine.runs import export, follow, rundir
from tui.i18n import tr
from tui.widgets.footer import LocalFooter
from tui.widgets.linechart import Line, LineChart
from tui.widgets.rows import fit

if TYPE_CHECKING:
    from tui.app import DlearnApp

REFRESH_S = 2.0


def run_row(info: rundir.RunInfo, marked: bool, lang: str) -> Text:
    """`● name  lab  status  progress  verdict`, in columns that fit 80 cells."""
    row = Text("● " if marked else "○ ")
    row.append(fit(info.name, 28) + " ")
    row.append(fit(info.lab, 10) + " ")
    row.append(fit(tr(f"status_{info.status}", lang), 10) + " ", style="bold")
    step = info.last_step or {}
    progress = f"{step.get('arm', '')} {step.get('step')}/{step.get('total')}" if step else ""
    row.append(fit(progress, 14) + " ", style="dim")
    verdict = (info.summary or {}).get("verdict") or {}
    if info.status == "finished":
        row.append("✓" if verdict.get("shown") else "✗")
    return row


class RunsScreen(Screen[None]):
    """History of runs, with re-attach, replay, compare, resume, delete and export."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "back"),
        Binding("space", "mark", "mark_run"),
        Binding("c", "compare", "compare"),
        Binding("r", "resume", "resume_run"),
        Binding("d", "delete", "delete_run"),
        Binding("e", "export('csv')", "export_csv"),
        Binding("j", "export('json')", "export_json"),
        Binding("ctrl+s", "svg", "save_svg"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""

    app: DlearnApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[rundir.RunInfo] = []
        self.marked: set[str] = set()

    @property
    def root(self) -> Path:
        return rundir.runs_root(self.app.data_dir)

    def compose(self) -> ComposeResult:
        self.set_reactive(RunsScreen.lang, self.app.lang)
        yield Header(icon="≡")
        yield Static(id="summary", markup=False)
        yield OptionList(id="runs")
        yield Static(id="hint", markup=False)
        yield LocalFooter()

    def on_mount(self) -> None:
        self.show(rundir.list_runs(self.root))
        self.set_interval(REFRESH_S, self._reload)

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self._reload()

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.show(self.runs)

    @work(thread=True, exclusive=True, group="runs", exit_on_error=False)
    def _reload(self) -> None:
        runs = rundir.list_runs(self.root)
        self.app.call_from_thread(self.show, runs)

    def show(self, runs: list[rundir.RunInfo]) -> None:
        lang = self.lang
        self.sub_title = tr("runs", lang)
        self.runs = runs
        counts: dict[str, int] = {}
        for r in runs:
            counts[r.status] = counts.get(r.status, 0) + 1
        summary = " · ".join(f"{tr(f'status_{s}', lang)} {n}" for s, n in counts.items())
        self.query_one("#summary", Static).update(summary or tr("no_runs", lang))
        option_list = self.query_one("#runs", OptionList)
        highlighted = option_list.highlighted
        option_list.set_options(
            Option(run_row(r, r.name in self.marked, lang), id=r.name) for r in runs
        )
        if runs:
            option_list.highlighted = min(highlighted or 0, len(runs) - 1)
        self.query_one("#hint", Static).update(Text(tr("runs_hint", lang), style="dim"))

    def selected(self) -> rundir.RunInfo | None:
        option_list = self.query_one("#runs", OptionList)
        if option_list.highlighted is None or not self.runs:
            return None
        return self.runs[min(option_list.highlighted, len(self.runs) - 1)]

    @on(OptionList.OptionSelected, "#runs")
    def _open(self) -> None:
        info = self.selected()
        if info is None:
            return
        from tui.screens.run_live import RunLiveScreen

        self.app.push_screen(RunLiveScreen(info.path))

    def action_mark(self) -> None:
        info = self.selected()
        if info is None:
            return
        self.marked ^= {info.name}
        self.show(self.runs)

    def action_compare(self) -> None:
        chosen = [r for r in self.runs if r.name in self.marked]
        if not chosen:
            info = self.selected()
            chosen = [info] if info else []
        if chosen:
            self.app.push_screen(CompareScreen([r.path for r in chosen]))

    def action_resume(self) -> None:
        info = self.selected()
        if info is None:
            return
        if not info.resumable:
            status = tr(f"status_{info.status}", self.lang)
            self.notify(tr("run_not_resumable", self.lang, status=status), severity="warning")
            return
        from tui.screens.run_live import RunLiveScreen

        screen = RunLiveScreen(info.path)
        self.app.push_screen(screen)
        screen.call_after_refresh(screen.action_resume)

    def action_delete(self) -> None:
        info = self.selected()
        if info is None:
            return
        if info.status == "running":
            self.notify(tr("delete_running", self.lang), severity="warning")
            return
        from tui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                shutil.rmtree(info.path, ignore_errors=True)
                from tui.run_cards import forget_run

                forget_run(self.app.store, info.name)  # its questions leave the review queue
                self.marked.discard(info.name)
                self.notify(tr("deleted", self.lang, run=info.name))
                self._reload()

        self.app.push_screen(ConfirmScreen(tr("confirm_delete", self.lang, run=info.name)), answer)

    def action_export(self, fmt: str) -> None:
        info = self.selected()
        if info is None:
            return
        try:
            path = export.export(info.path, self.app.data_dir / "exports", fmt)
        except OSError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(tr("saved_to", self.lang, path=str(path)))

    def action_svg(self) -> None:
        folder = self.app.data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        path = self.app.save_screenshot("runs.svg", str(folder))
        self.notify(tr("saved_to", self.lang, path=path))


class CompareScreen(Screen[None]):
    """Loss curves of several runs (every arm of each) on one chart."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "back"),
        Binding("l", "log_y", "log_y"),
        Binding("s", "smoothing", "smooth"),
        Binding("ctrl+s", "svg", "save_svg"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the screen's words."""

    app: DlearnApp  # type: ignore[assignment]

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths

    def compose(self) -> ComposeResult:
        self.set_reactive(CompareScreen.lang, self.app.lang)
        yield Header(icon="≡")
        yield Static(id="summary", markup=False)
        yield LineChart(id="compare")
        yield LocalFooter()

    def on_mount(self) -> None:
        lines: list[Line] = []
        rows: list[str] = []
        for path in self.paths:
            state, _ = follow.load(path)
            for arm, (xs, ys) in state.curves.items():
                label = f"{path.name[-12:]}/{arm}" if len(self.paths) > 1 else arm
                lines.append(Line(label, xs, ys))
            verdict: dict[str, Any] = (state.summary or {}).get("verdict") or {}
            mark = "" if not verdict else (" ✓" if verdict.get("shown") else " ✗")
            rows.append(f"{path.name}{mark}")
        self.sub_title = tr("compare", self.lang)
        self.query_one("#summary", Static).update("\n".join(rows))
        self.query_one(LineChart).set_lines(lines)

    def action_log_y(self) -> None:
        chart = self.query_one(LineChart)
        chart.log_y = not chart.log_y

    def action_smoothing(self) -> None:
        chart = self.query_one(LineChart)
        chart.smoothing = 0.0 if chart.smoothing else 0.9

    def action_svg(self) -> None:
        folder = self.app.data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        path = self.app.save_screenshot("compare.svg", str(folder))
        self.notify(tr("saved_to", self.lang, path=path))
