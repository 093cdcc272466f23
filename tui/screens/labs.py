"""Labs: every lab of the catalogue with its lecture claim, last verdict and parameter form.

Starting a run: the form must be valid; the student may predict whether the claim will
show (kept in the run directory as `prediction.json` and held against the verdict); if a
training is already running, the screen says so and offers to wait for it or start anyway
(two trainings on two cores slow each other many times over). The run is its own detached
process (`engine.runs.launch`), and the live screen follows its files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from engine import catalogue
from engine.catalogue import Lab
from engine.errors import ParamError
from engine.runs import launch, rundir
from tui.i18n import tr
from tui.screens.lab_form import ChoiceScreen, LabForm
from tui.widgets.footer import LocalFooter
from tui.widgets.rows import fit

if TYPE_CHECKING:
    from tui.app import DlearnApp

WAIT_POLL_S = 1.0


def verdict_mark(verdict: dict[str, Any] | None) -> str:
    """✓ shown, ✗ not shown, · never run: the same in both languages and without colour."""
    if not verdict:
        return "·"
    return "✓" if verdict.get("shown") else "✗"


class LabsScreen(Screen[None]):
    """Pick a lab, set its parameters, predict, run."""

    BINDINGS = [
        Binding("escape", "back", "back"),
        Binding("ctrl+r", "run", "run_lab", priority=True),
        Binding("r", "run", "run_lab", show=False),
        Binding("n", "notes", "lab_notes"),
        Binding("h", "app.open('runs')", "runs"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""

    app: DlearnApp  # type: ignore[assignment]

    def __init__(self, lab_id: str | None = None) -> None:
        super().__init__()
        self.labs: list[Lab] = list(catalogue.LABS.values())
        ids = [lab.id for lab in self.labs]
        self.lab = self.labs[ids.index(lab_id)] if lab_id in ids else self.labs[0]
        self.verdicts: dict[str, dict[str, Any]] = {}
        self._wait: tuple[dict[str, Any], Timer] | None = None

    @property
    def root(self) -> Path:
        return rundir.runs_root(self.app.data_dir)

    def compose(self) -> ComposeResult:
        self.set_reactive(LabsScreen.lang, self.app.lang)
        yield Header(icon="≡")
        with Horizontal(id="labs-body"):
            yield OptionList(id="labs")
            with VerticalScroll(id="lab-detail", can_focus=False):
                yield Static(id="lab-claim", markup=False)
                yield Static(id="lab-last", markup=False)
                yield LabForm(self.lab, self.lang)
                yield Static(id="lab-wait", markup=False)
        yield Static(id="hint", markup=False)
        yield LocalFooter()

    def on_mount(self) -> None:
        self.query_one("#lab-wait").display = False
        self.refresh_data()
        option_list = self.query_one("#labs", OptionList)
        option_list.highlighted = self.labs.index(self.lab)
        option_list.focus()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.refresh_data()  # back from a run: its verdict is the newest

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.refresh_data()

    def refresh_data(self) -> None:
        lang = self.lang
        self.sub_title = tr("labs", lang)
        self.verdicts = rundir.last_verdicts(self.root)
        option_list = self.query_one("#labs", OptionList)
        highlighted = option_list.highlighted
        option_list.set_options(
            Option(
                Text(f"{verdict_mark(self.verdicts.get(lab.id))} {fit(lab.title[lang], 22)}"),
                id=lab.id,
            )
            for lab in self.labs
        )
        option_list.highlighted = highlighted
        self._show_lab()
        hint = tr("labs_hint", lang)
        self.query_one("#hint", Static).update(Text(hint, style="dim"))

    def _show_lab(self) -> None:
        lab, lang = self.lab, self.lang
        claim = Text(lab.title[lang], style="bold")
        claim.append(f"  ({lab.id})\n", style="dim")
        claim.append(tr("lab_claim", lang) + " ", style="bold")
        claim.append(lab.claim[lang] + "\n")
        claim.append(tr("lab_arms", lang, arms=", ".join(lab.arms)), style="dim")
        self.query_one("#lab-claim", Static).update(claim)
        verdict = self.verdicts.get(lab.id)
        if verdict:
            head = tr("verdict_shown" if verdict.get("shown") else "verdict_not_shown", lang)
            evidence = (verdict.get("evidence") or {}).get(lang, "")
            last = tr("last_verdict", lang, mark=verdict_mark(verdict), verdict=head)
            text = f"{last} ({verdict.get('run')})\n{evidence}"
        else:
            text = tr("no_verdict_yet", lang)
        section = self._notes_section()
        if section is not None:
            text += "\n" + tr("lab_notes_link", lang, title=section.title.get(lang))
        self.query_one("#lab-last", Static).update(text)

    def _notes_section(self) -> Any:
        """The lecture section this lab demonstrates (a section naming it, else its own)."""
        lecture = self.app.lecture
        if lecture is None:
            return None
        for section in lecture.sections:
            if section.lab == self.lab.id:
                return section
        return next((s for s in lecture.sections if s.id == self.lab.section), None)

    @on(OptionList.OptionHighlighted, "#labs")
    async def _lab_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        lab = next(lab for lab in self.labs if lab.id == event.option.id)
        if lab is self.lab:
            return
        self.lab = lab
        self._show_lab()
        await self.query_one(LabForm).remove()
        await self.query_one("#lab-detail").mount(
            LabForm(lab, self.lang), before=self.query_one("#lab-wait")
        )

    @on(OptionList.OptionSelected, "#labs")
    def _lab_selected(self) -> None:
        self.query_one(LabForm).query_one("#preset").focus()

    # -- actions ---------------------------------------------------------------------

    async def action_back(self) -> None:
        if self._wait is not None:
            self._cancel_wait()
            return
        self.app.pop_screen()

    async def action_notes(self) -> None:
        section = self._notes_section()
        await self.app.open_screen("notes", section.id if section else None)

    def action_run(self) -> None:
        form = self.query_one(LabForm)
        checked = form.validate()
        if checked is None:
            self.notify(tr("form_has_errors", self.lang), severity="warning")
            box = form.first_error()
            if box is not None:
                box.focus()
            return
        _params, seed = checked
        request = {"lab": self.lab, "preset": form.preset, "raw": form.overrides_raw()}
        request["seed"] = seed
        request["procs"] = form.procs() or 1
        message = tr("predict_question", self.lang, claim=self.lab.claim[self.lang])
        choices = [
            ("y", "yes", tr("predict_yes", self.lang)),
            ("n", "no", tr("predict_no", self.lang)),
            ("s", "skip", tr("predict_skip", self.lang)),
        ]

        def predicted(answer: str | None) -> None:
            if answer is None:
                return
            request["prediction"] = None if answer == "skip" else answer == "yes"
            self._check_busy(request)

        self.app.push_screen(ChoiceScreen(message, choices), predicted)

    def _check_busy(self, request: dict[str, Any]) -> None:
        busy = rundir.running_runs(self.root)
        if not busy:
            self._launch(request)
            return
        message = tr("busy_message", self.lang, run=busy[0].name, lab=busy[0].lab)
        choices = [
            ("w", "wait", tr("busy_wait", self.lang)),
            ("s", "start", tr("busy_start", self.lang)),
        ]

        def chosen(answer: str | None) -> None:
            if answer == "start":
                self._launch(request)
            elif answer == "wait":
                self._start_wait(request, busy[0].name)

        self.app.push_screen(ChoiceScreen(message, choices), chosen)

    def _start_wait(self, request: dict[str, Any], other: str) -> None:
        timer = self.set_interval(WAIT_POLL_S, self._poll_wait)
        self._wait = (request, timer)
        line = self.query_one("#lab-wait", Static)
        line.update(tr("waiting_for", self.lang, run=other))
        line.display = True

    def _cancel_wait(self) -> None:
        if self._wait is not None:
            self._wait[1].stop()
            self._wait = None
        self.query_one("#lab-wait").display = False

    def _poll_wait(self) -> None:
        if self._wait is None or rundir.running_runs(self.root):
            return
        request = self._wait[0]
        self._cancel_wait()
        self._launch(request)

    def _launch(self, request: dict[str, Any]) -> None:
        lab: Lab = request["lab"]
        preset = request["preset"] if request["preset"] in lab.presets else None
        try:
            run_dir = launch.prepare(
                lab.id,
                self.root,
                preset,
                request["raw"],
                request["seed"],
                procs=int(request.get("procs") or 1),
            )
        except ParamError as exc:
            self.query_one(LabForm).show_error(exc.text(self.lang))
            return
        if request.get("prediction") is not None:
            rundir.write_prediction(run_dir, lab.id, bool(request["prediction"]))
        try:
            launch.start_run(run_dir)
        except OSError as exc:
            self.query_one(LabForm).show_error(tr("start_failed", self.lang, error=str(exc)))
            return
        from tui.screens.run_live import RunLiveScreen

        self.app.push_screen(RunLiveScreen(run_dir))
