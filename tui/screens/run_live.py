"""Run (live): one run's progress, loss curves of all its arms, and its probes.

The same screen follows a running run and replays a finished one: it loads the run's
events from disk, then, while the run's process lives, a thread worker tails the file
(`engine.runs.follow.follow`). Each batch is folded into the state at once, but the screen is
redrawn from it at most every `REDRAW_S` (the loss chart and the probe, which cost the most
to draw, every `CHARTS_S`), and only the parts that changed: on a 2-core machine every
redraw is CPU taken from the training it shows. Keys redraw at once. Leaving the screen
leaves the run going; the Runs screen re-attaches. Cancel sends SIGINT, and the run saves a
checkpoint before it ends as cancelled; resume continues from that checkpoint.

A finished seq2seq or transformer run can translate the student's own input (`t`): the
translation runs as `python -m engine translate ... --json` in a thread worker, so torch
never enters the app, and its attention map takes the probe view's place.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from engine.runs import follow, launch, rundir
from tui.i18n import tr
from tui.screens.run_live_text import head_text, verdict_text
from tui.widgets.footer import LocalFooter
from tui.widgets.linechart import Line, LineChart
from tui.widgets.probe_view import ProbeView
from tui.widgets.translate_line import TranslateLine

if TYPE_CHECKING:
    from tui.app import DlearnApp

SMOOTHING_STEPS = (0.0, 0.6, 0.9)
# Redraws driven by the run's events, at most: the progress line ~1 Hz, the loss chart and
# the probe (the costly ones, ~10 ms each) every 2 s. Measured on 2 cores (bench/ui_follow.py):
# at ~10 Hz the app took ~30% of a core and the training ran ~0.6x as fast; at 2 Hz / 1 Hz
# 5% and ~0.94x; at these rates 3% and ~0.99x (median of 5 rounds, a key every 10 s).
REDRAW_S = 1.0
CHARTS_S = 2.0
TRANSLATING_LABS = ("seq2seq", "transformer")


class RunLiveScreen(Screen[None]):
    """Follow (or replay) the run in `run_dir`."""

    BINDINGS = [  # most needed first: at 80 columns the key bar cuts from the end
        Binding("escape", "leave", "leave_run"),
        Binding("c", "cancel_run", "cancel_run"),
        Binding("r", "resume", "resume_run"),
        Binding("l", "log_y", "log_y"),
        Binding("s", "smoothing", "smooth"),
        Binding("left_square_bracket", "probe(-1)", "probe_prev"),
        Binding("right_square_bracket", "probe(1)", "probe_next"),
        Binding("comma", "snapshot(-1)", "snap_back"),
        Binding("full_stop", "snapshot(1)", "snap_forward"),
        Binding("end", "latest", "latest", show=False),
        # off the key bar (it would cut the others at 80 columns); a finished seq2seq or
        # transformer run says "press t" under its verdict
        Binding("t", "translate", "translate_key", show=False),
        Binding("ctrl+s", "svg", "save_svg"),
    ]

    AUTO_FOCUS = ""  # the keys belong to the screen; the input line takes focus when opened

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""

    app: DlearnApp  # type: ignore[assignment]

    class Batch(Message):
        """Events the follower read since the last batch; `alive` False after the last one."""

        def __init__(self, events: list[dict[str, Any]], alive: bool) -> None:
            super().__init__()
            self.events, self.alive = events, alive

    def __init__(self, run_dir: Path) -> None:
        super().__init__()
        self.run_dir = Path(run_dir)
        self.state = follow.RunState()
        self.events_offset = 0
        self.status = "running"
        self.prediction: dict[str, Any] | None = None
        self.probe_name: str | None = None
        self.picked = False  # the student chose a probe: stop following the arm in training
        self.snap_index: int | None = None  # None follows the newest snapshot
        self._seen_at = time.monotonic()  # when state.t was last advanced
        self.translation: dict[str, Any] | None = None  # the last `engine translate` result
        self._redraw_timer: Timer | None = None  # a throttled redraw waiting to run
        self._last_redraw = 0.0
        self._charts_at = 0.0  # when the chart and probe were last brought up to date
        self._drawn: dict[str, Any] = {}  # what each Static shows now: unchanged, not redrawn

    def compose(self) -> ComposeResult:
        self.set_reactive(RunLiveScreen.lang, self.app.lang)
        yield Header(icon="≡")
        yield Static(id="run-head", markup=False)
        with Horizontal(id="run-body"):
            yield LineChart(id="loss")
            yield ProbeView(id="probe")
        yield Static(id="verdict", markup=False)
        yield TranslateLine(self.run_dir, self.app.lang)
        yield LocalFooter()

    def on_mount(self) -> None:
        self.state, self.events_offset = follow.load(self.run_dir)
        self.prediction = rundir.read_prediction(self.run_dir)
        alive = rundir.is_alive(self.run_dir)[0]
        self.status = "running" if alive else rundir.inspect(self.run_dir).status
        self.query_one(ProbeView).lang = self.lang
        self._redraw_now()
        if alive:
            self._follow(self.events_offset)
        self.set_interval(1.0, self._tick)

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.query_one(ProbeView).lang = self.lang
            self.query_one(TranslateLine).lang = self.lang
            self.redraw()

    # -- following -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="follow", exit_on_error=False)
    def _follow(self, offset: int) -> None:
        worker = get_current_worker()

        def deliver(events: list[dict[str, Any]], alive: bool) -> None:
            self.post_message(self.Batch(events, alive))

        follow.follow(self.run_dir, deliver, lambda: worker.is_cancelled, offset)

    def on_run_live_screen_batch(self, message: Batch) -> None:
        before = self.state.t
        self.state.apply(message.events)
        if self.state.t != before:
            self._seen_at = time.monotonic()
        if message.alive:
            self._redraw_soon()
        else:  # the run ended: show its verdict at once
            self.status = rundir.inspect(self.run_dir).status
            self._redraw_now()

    def _redraw_soon(self, at: float = 0.0) -> None:
        """Redraw now if the last redraw is `REDRAW_S` old (and it is past `at`), else once
        when it will be: however fast events come, at most one redraw waits."""
        if self._redraw_timer is not None:
            return  # already pending: it will draw the newest state
        wait = max(self._last_redraw + REDRAW_S, at) - time.monotonic()
        if wait <= 0:
            self._redraw_now()
        else:
            self._redraw_timer = self.set_timer(wait, self._redraw_due)

    def _redraw_due(self) -> None:
        self._redraw_timer = None
        self._redraw_now()

    def _redraw_now(self) -> None:
        if self._redraw_timer is not None:
            self._redraw_timer.stop()
            self._redraw_timer = None
        now = time.monotonic()
        charts = now - self._charts_at >= CHARTS_S or self.status != "running"
        self._last_redraw = now
        if charts:
            self._charts_at = now
        with self.app.batch_update():
            self.redraw(charts=charts)
        if not charts:  # come back for the chart and the probe when they are due
            self._redraw_soon(at=self._charts_at + CHARTS_S)

    def _tick(self) -> None:
        """Keep the elapsed clock going while no events arrive (a long evaluation)."""
        if self.status == "running" and time.monotonic() - self._last_redraw >= 1.0:
            self._draw_head()

    # -- drawing ---------------------------------------------------------------------

    def redraw(self, charts: bool = True) -> None:
        """Bring the screen up to date (with `charts` False, all but the loss chart and the
        probe); a part whose content did not change is not redrawn."""
        self.sub_title = tr("run_live", self.lang)
        self._draw_head()
        if charts:
            chart = self.query_one(LineChart)
            lines = [Line(arm, xs, ys) for arm, (xs, ys) in self.state.curves.items() if xs]
            chart.set_lines(lines, revision=(id(self.state), self.state.curves_rev))
            self._draw_probe()
        self._draw_verdict()
        if self.lab_id() in TRANSLATING_LABS and self.status == "finished":
            self.query_one(TranslateLine).hint()

    def elapsed(self) -> float:
        if self.status != "running" or self.state.started is None:
            return self.state.t
        return self.state.t + (time.monotonic() - self._seen_at)

    def _draw_head(self) -> None:
        head = head_text(self.state, self.run_dir.name, self.status, self.elapsed(), self.lang)
        self._update_static("#run-head", head)

    def _update_static(self, selector: str, text: Text) -> None:
        """Show `text` in a Static unless it already does; lay the screen out again only
        when the number of lines it wraps to changed (a layout redraws every widget)."""
        if self._drawn.get(selector) == text:
            return
        widget = self.query_one(selector, Static)
        width, height = widget.content_size
        layout = width <= 0 or len(text.wrap(self.app.console, width)) != height
        widget.update(text, layout=layout)
        self._drawn[selector] = text

    def _names(self) -> list[str]:
        return list(self.state.probes)

    def _probe_to_show(self, names: list[str]) -> str:
        """The probe the student picked; until they pick one, one of the arm in training
        (the first it drew), so a later arm's gates replace the first arm's."""
        current = self.probe_name if self.probe_name in names else None
        arm = (self.state.last_step or {}).get("arm")
        if self.picked or arm is None:
            return current or names[0]
        if current is not None and self.state.probes[current][-1].get("arm") == arm:
            return current
        mine = [n for n in names if self.state.probes[n][-1].get("arm") == arm]
        return mine[0] if mine else current or names[0]

    def _draw_probe(self) -> None:
        view = self.query_one(ProbeView)
        heatmap = (self.translation or {}).get("attention")
        if isinstance(heatmap, dict):  # the student's own input, until [ ] , . or End
            result = self.translation or {}
            view.caption = tr("translate_caption", self.lang, text=result.get("input", ""))
            view.probe = {**heatmap, "arm": result.get("arm", "")}
            return
        names = self._names()
        if not names:
            view.probe, view.caption = None, tr("no_probes_yet", self.lang)
            return
        self.probe_name = self._probe_to_show(names)
        snapshots = self.state.probes[self.probe_name]
        index = len(snapshots) - 1 if self.snap_index is None else self.snap_index
        index = min(max(index, 0), len(snapshots) - 1)
        probe = snapshots[index]
        k = names.index(self.probe_name)
        view.caption = tr(
            "probe_caption",
            self.lang,
            k=k + 1,
            names=len(names),
            arm=probe.get("arm", ""),
            step=probe.get("step", ""),
            i=index + 1,
            n=len(snapshots),
        ) + ("" if self.snap_index is not None else " · " + tr("probe_latest", self.lang))
        view.probe = probe  # a reactive: the same snapshot again redraws nothing

    def _draw_verdict(self) -> None:
        line = verdict_text(self.state, self.status, self.prediction, self.lang)
        self._update_static("#verdict", line)
        box = self.query_one("#verdict", Static)
        box.display = bool(line.plain)
        box.set_class(self.status == "finished", "-finished")  # the evidence gets the room

    # -- actions ---------------------------------------------------------------------

    def action_leave(self) -> None:
        if self.query_one(TranslateLine).close():  # Escape closes the input line first
            return
        if self.status == "running":
            self.notify(tr("run_continues", self.lang))
        self.app.pop_screen()

    def action_log_y(self) -> None:
        chart = self.query_one(LineChart)
        chart.log_y = not chart.log_y

    def action_smoothing(self) -> None:
        chart = self.query_one(LineChart)
        k = SMOOTHING_STEPS.index(chart.smoothing) if chart.smoothing in SMOOTHING_STEPS else 0
        chart.smoothing = SMOOTHING_STEPS[(k + 1) % len(SMOOTHING_STEPS)]

    def action_probe(self, delta: int) -> None:
        self.translation = None
        names = self._names()
        if not names:
            return
        k = names.index(self.probe_name) if self.probe_name in names else 0
        self.probe_name = names[(k + delta) % len(names)]
        self.picked = True
        self.snap_index = None
        self._draw_probe()

    def action_snapshot(self, delta: int) -> None:
        self.translation = None
        if self.probe_name is None:
            return
        n = len(self.state.probes.get(self.probe_name, []))
        index = (n - 1 if self.snap_index is None else self.snap_index) + delta
        self.snap_index = None if index >= n - 1 else max(index, 0)
        self._draw_probe()

    def action_latest(self) -> None:
        self.translation = None
        self.snap_index = None
        self._draw_probe()

    def action_cancel_run(self) -> None:
        if self.status != "running":
            self.notify(tr("run_not_running", self.lang), severity="warning")
            return
        from tui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes and launch.stop_run(self.run_dir):
                self.notify(tr("run_stopping", self.lang))

        self.app.push_screen(ConfirmScreen(tr("confirm_cancel_run", self.lang)), answer)

    def action_resume(self) -> None:
        info = rundir.inspect(self.run_dir)
        if not info.resumable:
            self.notify(
                tr("run_not_resumable", self.lang, status=tr(f"status_{info.status}", self.lang)),
                severity="warning",
            )
            return
        busy = rundir.running_runs(self.run_dir.parent)
        if not busy:
            self._resume()
            return
        from tui.screens.lab_form import ChoiceScreen

        message = tr("busy_message", self.lang, run=busy[0].name, lab=busy[0].lab)
        choices = [("s", "start", tr("busy_start", self.lang))]
        self.app.push_screen(
            ChoiceScreen(message, choices), lambda answer: self._resume() if answer else None
        )

    def _resume(self) -> None:
        offset = launch.events_end(self.run_dir)
        launch.start_run(self.run_dir, resume=True)
        self.status = "running"
        self._seen_at = time.monotonic()
        self.state.final = None
        self.redraw()
        self._follow(offset)

    def action_svg(self) -> None:
        folder = self.app.data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        path = self.app.save_screenshot(f"{self.run_dir.name}.svg", str(folder))
        self.notify(tr("saved_to", self.lang, path=path))

    # -- the student's own input -----------------------------------------------------------

    def lab_id(self) -> str:
        return str((self.state.spec or {}).get("lab") or (self.state.started or {}).get("lab"))

    def action_translate(self) -> None:
        if self.lab_id() not in TRANSLATING_LABS:
            self.notify(tr("translate_unavailable", self.lang), severity="warning")
            return
        if self.status != "finished":
            status = tr(f"status_{self.status}", self.lang)
            self.notify(
                tr("translate_needs_finished", self.lang, status=status), severity="warning"
            )
            return
        self.query_one(TranslateLine).open()

    @on(TranslateLine.Translated)
    def _translated(self, message: TranslateLine.Translated) -> None:
        self.translation = message.result
        self._draw_probe()
