"""Exercises: write the lecture's building blocks yourself, graded against PyTorch.

The nine exercises on the left (✓ passed, ✗ last attempt failed, · not tried); on the right
the chosen one: its statement and the lecture's formula, the student's file, the grading
stages with ✓/✗ and what is wrong, hints one at a time and, after a pass, the reference
solution. `s` writes the starter file (never over the student's), `o` opens it in $VISUAL /
$EDITOR with the app suspended; or the student edits it anywhere else: the screen looks at
the file's modification time and size every second (polling works over SSH and on any file
system) and grades it when it changes. Grading runs in a worker thread: the grader's child
process imports torch, this process never does.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from engine.errors import DlearnError
from engine.exercises import EXERCISES, GradeReport, records, workspace
from tui.i18n import tr
from tui.widgets.footer import LocalFooter
from tui.widgets.rows import fit

if TYPE_CHECKING:
    from tui.app import DlearnApp

POLL_S = 1.0  # how often the chosen exercise's file is looked at
LIST_WIDTH = 20  # cells of an exercise's title in the list

Stamp = tuple[int, int] | None  # (mtime_ns, size) of a file, None when it is not there


def stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def mark(exercise_id: str, passed: dict[str, Any], last: dict[str, Any]) -> str:
    if exercise_id in passed:
        return "✓"
    return "✗" if exercise_id in last else "·"


def stage_lines(report: GradeReport, lang: str) -> list[Text]:
    """One line per stage reached, ✓ or ✗, the failed one with its message under it."""
    out = []
    for stage in report.stages:
        line = Text(f"{'✓' if stage.ok else '✗'} {stage.name.get(lang)}")
        if not stage.ok:
            line.stylize("bold")
        out.append(line)
        if stage.message is not None and not stage.ok:
            out.append(Text("  " + stage.message.get(lang)))
    verdict = "ex_passed" if report.passed else "ex_failed"
    out.append(Text(tr(verdict, lang, s=f"{report.seconds:.1f}"), style="bold"))
    return out


class ExercisesScreen(Screen[None]):
    """Pick an exercise, write it, get it graded; Esc goes home."""

    BINDINGS = [
        Binding("escape", "app.open('home')", "home"),
        Binding("s", "start_file", "ex_start"),
        Binding("o", "edit", "ex_edit"),
        Binding("g", "grade", "ex_grade"),
        Binding("h", "hint", "ex_hint"),
        Binding("v", "solution", "ex_solution"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""

    app: DlearnApp  # type: ignore[assignment]

    def __init__(self, exercise_id: str | None = None) -> None:
        super().__init__()
        self.current = exercise_id if exercise_id in EXERCISES else next(iter(EXERCISES))
        self.reports: dict[str, GradeReport] = {}  # this session's latest report per exercise
        self.grading: str | None = None  # the exercise being graded now
        self.note: Text | None = None  # one line of news (started, no editor, ...)
        self.solution_shown = False
        self._seen: Stamp = None  # the file as it was when last graded or chosen

    def compose(self) -> ComposeResult:
        self.set_reactive(ExercisesScreen.lang, self.app.lang)
        yield Header(icon="≡")
        with Horizontal(id="ex-body"):
            yield OptionList(id="ex-list")
            with VerticalScroll(id="ex-detail"):
                yield Static(id="ex-statement", markup=False)
                yield Static(id="ex-formula", markup=False)
                yield Static(id="ex-file", markup=False)
                yield Static(id="ex-stages", markup=False)
                yield Static(id="ex-hints", markup=False)
                yield Static(id="ex-solution", markup=False)
        yield LocalFooter()

    def on_mount(self) -> None:
        self._seen = stamp(self.path)
        self.refresh_list()
        self.show()
        self.query_one("#ex-list").focus()
        self.set_interval(POLL_S, self.poll)

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.refresh_list()
            self.show()

    @property
    def data_dir(self) -> Path:
        return Path(self.app.data_dir)

    @property
    def path(self) -> Path:
        return workspace.path_for(self.current, self.data_dir)

    # -- drawing --------------------------------------------------------------------------

    def refresh_list(self) -> None:
        lang = self.lang
        passed, last = records.passed(self.data_dir), records.last(self.data_dir)
        self.sub_title = tr("ex_title", lang, n=len(passed), total=len(EXERCISES))
        options = [
            Option(f"{mark(ex.id, passed, last)} {fit(ex.title.get(lang), LIST_WIDTH)}", id=ex.id)
            for ex in EXERCISES.values()
        ]
        option_list = self.query_one("#ex-list", OptionList)
        option_list.set_options(options)
        option_list.highlighted = list(EXERCISES).index(self.current)

    def show(self) -> None:
        """Draw the chosen exercise: statement, formula, file, stages, hints, solution."""
        ex, lang = EXERCISES[self.current], self.lang
        head = Text(ex.title.get(lang), style="bold")
        section = self.app.course.section(ex.section)
        where = section.title.get(lang) if section is not None else ex.section
        head.append(f"  ({ex.id}; {tr('ex_section', lang, section=where)})", style="dim")
        self.query_one("#ex-statement", Static).update(Group(head, Text(ex.statement.get(lang))))
        formula = self.query_one("#ex-formula", Static)
        formula.update(Text(ex.formula))
        formula.border_title = tr("ex_formula", lang)
        self.query_one("#ex-file", Static).update(self._file_text())
        self.query_one("#ex-stages", Static).update(self._stages_text())
        self.query_one("#ex-hints", Static).update(self._hints_text())
        solution = self.query_one("#ex-solution", Static)
        solution.display = self.solution_shown
        if self.solution_shown:
            text = workspace.solution_path(self.current).read_text(encoding="utf-8")
            solution.update(Text(text))
            solution.border_title = tr("ex_solution_title", lang)

    def _file_text(self) -> Group:
        lang, path = self.lang, self.path
        lines = []
        if path.exists():
            lines.append(Text(tr("ex_file", lang, path=path)))
            lines.append(Text(tr("ex_watching", lang), style="dim"))
        else:
            lines.append(Text(tr("ex_no_file", lang, path=path)))
        if self.note is not None:
            lines.append(self.note)
        return Group(*lines)

    def _stages_text(self) -> Group:
        lang = self.lang
        if self.grading == self.current:
            return Group(Text(tr("ex_grading", lang), style="bold"))
        report = self.reports.get(self.current)
        if report is not None:
            lines = stage_lines(report, lang)
            lab = EXERCISES[self.current].lab  # the lab that trains it with impl=mine
            if report.passed and lab:
                lines.append(Text(tr("ex_train", lang, lab=lab)))
            return Group(*lines)
        passed = records.passed(self.data_dir).get(self.current)
        if passed is not None:
            return Group(Text(tr("ex_passed_before", lang, at=passed.get("at", "?"))))
        last = records.last(self.data_dir).get(self.current)
        if last is not None:
            return Group(Text(tr("ex_failed_before", lang, stage=last.get("failed_stage"))))
        return Group(Text(tr("ex_not_graded", lang), style="dim"))

    def _hints_text(self) -> Group:
        lang, ex = self.lang, EXERCISES[self.current]
        shown = records.hints_shown(self.data_dir, self.current)
        lines = [
            Text(tr("ex_hint_n", lang, n=i + 1, total=len(ex.hints)) + " " + h.get(lang))
            for i, h in enumerate(ex.hints[:shown])
        ]
        if shown < len(ex.hints):
            lines.append(Text(tr("ex_hints_left", lang, n=len(ex.hints) - shown), style="dim"))
        return Group(*lines)

    # -- choosing, watching, grading ------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#ex-list")
    def _chosen(self, event: OptionList.OptionHighlighted) -> None:
        exercise_id = event.option.id or ""
        if exercise_id == self.current or exercise_id not in EXERCISES:
            return
        self.current, self.note, self.solution_shown = exercise_id, None, False
        self._seen = stamp(self.path)  # choosing does not grade; a change after it does
        self.show()

    def poll(self) -> None:
        """Grade the chosen file when it changed since it was last seen."""
        now = stamp(self.path)
        if now == self._seen or self.grading is not None:
            return
        self._seen = now
        if now is not None:
            self.action_grade()
        else:
            self.show()

    def action_grade(self) -> None:
        path = self.path
        if not path.exists():
            self.note = Text(tr("ex_no_file", self.lang, path=path))
            self.show()
            return
        self.grading, self._seen, self.note = self.current, stamp(path), None
        self.show()
        self._grade(self.current, path)

    @work(thread=True, exclusive=True, group="grade", exit_on_error=False)
    def _grade(self, exercise_id: str, path: Path) -> None:
        from engine.exercises import grade

        try:
            report = grade(exercise_id, path)
            records.record(report, self.data_dir)
        except DlearnError as exc:
            self.app.call_from_thread(self._grade_failed, exc)
            return
        self.app.call_from_thread(self._graded, report)

    def _graded(self, report: GradeReport) -> None:
        self.grading = None
        self.reports[report.exercise_id] = report
        self.refresh_list()
        self.show()
        if report.exercise_id == self.current:  # the verdict in view, below a long statement
            stages = self.query_one("#ex-stages")
            self.call_after_refresh(stages.scroll_visible, animate=False, top=True)

    def _grade_failed(self, exc: DlearnError) -> None:
        self.grading = None
        self.note = Text(exc.text(self.lang), style="bold")
        self.show()

    # -- the file, hints, the solution ----------------------------------------------------

    def action_start_file(self) -> None:
        path, created = workspace.start(self.current, self.data_dir, self.lang)
        self._seen = stamp(path)  # the starter itself is not graded
        self.note = Text(tr("ex_started" if created else "ex_exists", self.lang, path=path))
        self.show()

    def action_edit(self) -> None:
        if not self.path.exists():
            self.action_start_file()
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            self.note = Text(tr("ex_no_editor", self.lang, path=self.path))
            self.show()
            return
        try:
            with self.app.suspend():
                subprocess.run([*shlex.split(editor), str(self.path)], check=False)
        except SuspendNotSupported:
            self.note = Text(tr("ex_no_suspend", self.lang, path=self.path))
        except OSError as exc:
            self.note = Text(tr("ex_editor_failed", self.lang, editor=editor, error=exc))
        self.show()
        self.poll()  # saved in the editor: grade now rather than within the second

    def action_hint(self) -> None:
        ex = EXERCISES[self.current]
        if records.hints_shown(self.data_dir, self.current) >= len(ex.hints):
            self.note = Text(tr("ex_no_more_hints", self.lang))
        else:
            records.show_hint(self.data_dir, self.current)
            self.note = None
        self.show()

    def action_solution(self) -> None:
        if self.current not in records.passed(self.data_dir):
            self.note = Text(tr("ex_solution_locked", self.lang))
            self.solution_shown = False
        else:
            self.solution_shown = not self.solution_shown
        self.show()
        if self.solution_shown:
            solution = self.query_one("#ex-solution")
            self.call_after_refresh(solution.scroll_visible, animate=False, top=True)
