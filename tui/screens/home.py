"""Home: the lecture's parts and sections with mastery, what is due, and where to go next."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import percent, tr
from tui.keys import jamo
from tui.widgets.footer import LocalFooter
from tui.widgets.rows import LABEL_WIDTH, mastery_row

if TYPE_CHECKING:
    from tui.app import DlearnApp


class HomeScreen(Screen[None]):
    """The first screen: pick what to study."""

    BINDINGS = [
        Binding(jamo("r"), "app.open('review')", "review"),
        Binding(jamo("s"), "review_section", "review_section", show=False),
        Binding(jamo("e"), "exam_setup", "exam_key"),
        Binding(jamo("n"), "open_notes", "notes"),
        Binding(jamo("p"), "app.open('progress')", "progress"),
        Binding(jamo("l"), "open_labs", "labs"),
        Binding(jamo("x"), "app.open('exercises')", "exercises", show=False),  # and a row below
        Binding(jamo("d"), "app.exam_date", "exam_date"),
        Binding(jamo("q"), "app.quit", "quit"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""

    app: DlearnApp  # type: ignore[assignment]

    DUE_CHECK_S = 1.0  # how often the clock is compared with the next card's due time

    def __init__(self) -> None:
        super().__init__()
        self._shown = False
        self._next_due: datetime | None = None  # when the due count next goes up
        self._due_timer: Timer | None = None

    def on_mount(self) -> None:
        self._due_timer = self.set_interval(self.DUE_CHECK_S, self.check_due)

    def check_due(self) -> None:
        """Redraw once a card falls due: the count must not wait for another screen."""
        if self._next_due is not None and self.app.now() >= self._next_due:
            self.refresh_data()

    def compose(self) -> ComposeResult:
        self.set_reactive(HomeScreen.lang, self.app.lang)
        yield Header(icon="≡")
        yield Static(id="notice", markup=False)
        yield Static(id="summary", markup=False)
        yield OptionList(id="sections")
        yield Static(id="hint", markup=False)
        yield LocalFooter()

    def on_screen_resume(self) -> None:
        if self._shown:
            self.refresh_data()  # back from a review or an exam: counts have changed
            return
        # Mastery needs FSRS (imported on first use); the first frame goes out without it
        # and the bars fill in right after, to keep start-up within its 0.5 s budget. A
        # returning student's first frame is drawn from cached words before the course and
        # the progress file are even loaded (`DlearnApp.first_screen`).
        self._shown = True
        if not self.app.loaded:
            self._draw_first_screen()
            self.call_after_refresh(self._load_then_refresh)
            return
        self.refresh_data(mastery=False)
        self.call_after_refresh(self.refresh_data)

    def _draw_first_screen(self) -> None:
        """The sections without counts or bars, from `DlearnApp.first_screen`'s words."""
        lang, words = self.lang, self.app.first_screen or {}
        self.sub_title = tr("home", lang)
        self.query_one("#notice", Static).display = False
        options: list[Option] = []
        for i, part in enumerate(words.get("parts") or []):
            row = mastery_row(str((part.get("title") or {}).get(lang, "")), None)
            row.stylize("bold")
            options.append(Option(row, id=f"first:{i}"))
            for j, title in enumerate(part.get("sections") or []):
                row = mastery_row("  " + str(title.get(lang, "")), None)
                options.append(Option(row, id=f"first:{i}.{j}"))
        option_list = self.query_one("#sections", OptionList)
        option_list.set_options(options)
        option_list.highlighted = 1 if len(options) > 1 else None
        self.query_one("#hint", Static).update(Text(tr("home_hint", lang), style="dim"))

    def _load_then_refresh(self) -> None:
        if self.app.ensure_loaded():
            self.refresh_data(mastery=False)
            self.call_after_refresh(self.refresh_data)

    def watch_lang(self) -> None:
        if self.is_mounted and self.app.loaded:
            self.refresh_data()

    def refresh_data(self, mastery: bool = True) -> None:
        """Recompute mastery and counts from the store (after a review or an exam)."""
        if not self.app.loaded or self.app.startup_error is not None:
            return  # a resize or the due timer before the deferred load, or after it failed
        from content.session import due_count, part_mastery, section_mastery

        app, lang = self.app, self.lang
        lecture, store = app.course, app.store
        now = app.now()
        states = store.card_states()
        upcoming = [s.due for s in states.values() if s.due > now]
        self._next_due = min(upcoming) if upcoming else None
        sections: dict[str, float] = {}
        parts: dict[str, float] = {}
        if mastery or not states:
            scheduler = app.scheduler()
            sections = section_mastery(lecture, states, now, scheduler)
            parts = part_mastery(lecture, states, now, scheduler)
        section_of = {q.id: q.section for q in lecture.questions}
        exercises: dict[str, tuple[int, int]] = {}
        if mastery:  # the exercises' records are read after the first frame, like the labs
            from tui.screens.exercise_marks import with_exercises

            sections, parts, exercises = with_exercises(lecture, sections, parts, app.data_dir)

        due_by_section: dict[str, int] = {}
        for qid, state in states.items():
            if state.due <= now and qid in section_of:
                due_by_section[section_of[qid]] = due_by_section.get(section_of[qid], 0) + 1

        self.sub_title = tr("home", lang)
        self._show_notice(lang)
        new = len({q.id for q in lecture.questions} - set(states))
        bits = [tr("due_new", lang, due=due_count(states, now), new=new)]
        exams = store.exams()
        bits.append(
            tr("last_exam", lang, score=percent(exams[0].score))
            if exams
            else tr("no_exam_yet", lang)
        )
        bits.append(self._exam_date_text(lang))
        self.query_one("#summary", Static).update(" · ".join(bits))

        option_list = self.query_one("#sections", OptionList)
        highlighted = option_list.highlighted
        options: list[Option] = []
        width = self.label_width(lang)
        for part in lecture.parts:
            row = mastery_row(
                part.title.get(lang),
                parts.get(part.id, 0.0) if parts else None,
                label_width=width,
            )
            row.stylize("bold")
            options.append(Option(row, id=f"part:{part.id}"))
            for section in (s for s in lecture.sections if s.part == part.id):
                due = due_by_section.get(section.id, 0)
                extra = tr("section_due", lang, n=due) if due else ""
                if section.id in exercises:
                    from tui.screens.exercise_marks import exercises_extra

                    extra = exercises_extra(extra, exercises[section.id], lang)
                row = mastery_row(
                    "  " + section.title.get(lang),
                    sections.get(section.id, 0.0) if sections else None,
                    extra,
                    label_width=width,
                )
                options.append(Option(row, id=f"section:{section.id}"))
        if mastery:  # the catalogue and the runs are read after the first frame
            options += self._lab_options(lang)
            options.append(self._exercises_option(lang))
        option_list.set_options(options)
        option_list.highlighted = highlighted if highlighted is not None else 1
        self.query_one("#hint", Static).update(Text(tr("home_hint", lang), style="dim"))

    def label_width(self, lang: str) -> int:
        """Cells for the titles: as many as the longest needs, within the screen's width
        less the bar, the percentage and a due count (42 at 80 columns as before)."""
        lecture = self.app.course
        titles = [p.title.get(lang) for p in lecture.parts]
        titles += ["  " + s.title.get(lang) for s in lecture.sections]
        longest = max((cell_len(t) for t in titles), default=0) + 1
        room = (self.size.width or self.app.size.width) - 34
        return max(LABEL_WIDTH, min(longest, room))

    def on_resize(self, event: events.Resize) -> None:
        if self._shown:
            self.call_after_refresh(self.refresh_data)

    def _lab_options(self, lang: str) -> list[Option]:
        """A "Labs" part: each lab with the verdict of its newest finished run."""
        from engine.catalogue import LABS
        from engine.runs.rundir import last_verdicts, runs_root
        from tui.screens.labs import verdict_mark

        verdicts = last_verdicts(runs_root(self.app.data_dir))
        options = [Option(Text(tr("labs", lang), style="bold"), id="labs:")]
        for lab in LABS.values():
            verdict = verdicts.get(lab.id)
            row = Text(f"  {verdict_mark(verdict)} {lab.title.get(lang, lab.id)}")
            if verdict is None:
                row.append("  " + tr("no_verdict_yet", lang), style="dim")
            options.append(Option(row, id=f"lab:{lab.id}"))
        return options

    def _exercises_option(self, lang: str) -> Option:
        """The Exercises row: how many passed, and the key that opens them (x)."""
        from engine.exercises import EXERCISES, records

        row = Text(tr("exercises", lang), style="bold")
        n = len(set(records.passed(self.app.data_dir)) & set(EXERCISES))
        row.append("  " + tr("ex_home_row", lang, n=n, total=len(EXERCISES)), style="not bold")
        return Option(row, id="exercises:")

    def _show_notice(self, lang: str) -> None:
        lines = []
        if self.app.store.notice:
            lines.append(f"! {self.app.store.notice}")
        if self.app.problems:
            lines.append("! " + tr("content_problems", lang, n=len(self.app.problems)))
        notice = self.query_one("#notice", Static)
        notice.update("\n".join(lines))
        notice.display = bool(lines)

    def _exam_date_text(self, lang: str) -> str:
        exam_date = self.app.exam_date
        if exam_date is None:
            return tr("no_exam_date", lang)
        days = (exam_date - self.app.today()).days
        when = tr("exam_today", lang) if days == 0 else tr("days_left", lang, n=days)
        return tr("exam_on", lang, date=exam_date.isoformat(), days=when)

    def _selected_section(self) -> str | None:
        """The section under the cursor (a part row means its first section)."""
        option_list = self.query_one("#sections", OptionList)
        if option_list.highlighted is None:
            return None
        option_id = option_list.get_option_at_index(option_list.highlighted).id or ""
        kind, _, ident = option_id.partition(":")
        if kind == "section":
            return ident
        if kind == "lab":  # a lab row: the section it demonstrates
            linked = next((s for s in self.app.course.sections if s.lab == ident), None)
            return linked.id if linked else None
        first = next((s for s in self.app.course.sections if s.part == ident), None)
        return first.id if first else None

    @on(OptionList.OptionSelected, "#sections")
    async def _open_section(self, event: OptionList.OptionSelected) -> None:
        kind, _, ident = (event.option.id or "").partition(":")
        if kind in ("lab", "labs"):
            await self.app.open_screen("labs", ident or None)
            return
        if kind == "exercises":
            await self.app.open_screen("exercises")
            return
        await self.app.open_screen("notes", self._selected_section())

    async def action_open_labs(self) -> None:
        option_list = self.query_one("#sections", OptionList)
        lab = None
        if option_list.highlighted is not None:
            option_id = option_list.get_option_at_index(option_list.highlighted).id or ""
            lab = option_id.partition(":")[2] if option_id.startswith("lab:") else None
        await self.app.open_screen("labs", lab)

    async def action_open_notes(self) -> None:
        await self.app.open_screen("notes", self._selected_section())

    async def action_review_section(self) -> None:
        await self.app.open_screen("review", self._selected_section())

    def action_exam_setup(self) -> None:
        """Pick the exam's length and time first (key e)."""
        from tui.screens.exam_setup import ExamSetupScreen

        self.app.push_screen(ExamSetupScreen())
