"""Progress: mastery per part and section, what is due, review history, past exams."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Static

from content.session import due_count, part_mastery, section_mastery
from tui.i18n import percent, tr
from tui.screens.exercise_marks import exercises_extra, with_exercises
from tui.widgets.footer import LocalFooter
from tui.widgets.rows import bar, fit, mastery_row

if TYPE_CHECKING:
    from tui.app import DlearnApp

HISTORY_DAYS = 14
EXAMS_SHOWN = 10


class ProgressScreen(Screen[None]):
    """Read-only overview; ↑/↓ and PgUp/PgDn scroll."""

    BINDINGS = [
        Binding("escape", "app.open('home')", "home"),
        Binding("r", "app.open('review')", "review"),
        Binding("e", "app.open('exam')", "exam"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""

    app: DlearnApp  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        self.set_reactive(ProgressScreen.lang, self.app.lang)
        yield Header(icon="≡")
        with VerticalScroll(id="body"):
            yield Static(id="mastery", markup=False)
            yield Static(id="history", markup=False)
            yield Static(id="exams", markup=False)
        yield LocalFooter()

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#body").focus()

    def on_screen_resume(self) -> None:
        self.relabel()

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.relabel()

    def relabel(self) -> None:
        self.sub_title = tr("progress_title", self.lang)
        self.query_one("#mastery", Static).update(self._mastery())
        self.query_one("#history", Static).update(self._history())
        self.query_one("#exams", Static).update(self._exams())

    def _mastery(self) -> Group:
        app, lang = self.app, self.lang
        lecture, now = app.course, app.now()
        states = app.store.card_states()
        scheduler = app.scheduler()
        sections = section_mastery(lecture, states, now, scheduler)
        parts = part_mastery(lecture, states, now, scheduler)
        sections, parts, exercises = with_exercises(lecture, sections, parts, app.data_dir)
        section_of = {q.id: q.section for q in lecture.questions}
        due: dict[str, int] = defaultdict(int)
        for qid, state in states.items():
            if state.due <= now and qid in section_of:
                due[section_of[qid]] += 1
        rows = [
            Text(tr("mastery", lang), style="bold underline"),
            Text(tr("due_total", lang, n=due_count(states, now))),
        ]
        for part in lecture.parts:
            row = mastery_row(part.title.get(lang), parts.get(part.id, 0.0), "")
            row.stylize("bold")
            rows.append(row)
            for section in (s for s in lecture.sections if s.part == part.id):
                extra = tr("section_due", lang, n=due[section.id]) if due[section.id] else ""
                extra = exercises_extra(extra, exercises.get(section.id), lang)
                rows.append(
                    mastery_row(
                        "  " + section.title.get(lang), sections.get(section.id, 0.0), extra
                    )
                )
        return Group(*rows)

    def _history(self) -> Group:
        app, lang = self.app, self.lang
        today = app.today()
        per_day: dict[date, list[bool]] = defaultdict(list)
        reviews = app.store.reviews()
        for record in reviews:
            per_day[record.at.astimezone().date()].append(record.correct)
        rows = [Text(""), Text(tr("history", lang, days=HISTORY_DAYS), style="bold underline")]
        if not reviews:
            rows.append(Text(tr("no_history", lang)))
            return Group(*rows)
        recent = sorted(d for d in per_day if (today - d).days < HISTORY_DAYS)
        most = max((len(per_day[d]) for d in recent), default=1)
        for day in recent:
            results = per_day[day]
            line = Text(f"{day.isoformat()} ")
            line.append_text(bar(len(results) / most, 10))
            line.append(" ")
            pct = percent(sum(results) / len(results))
            line.append(tr("history_row", lang, n=len(results), pct=pct))
            rows.append(line)
        right = sum(r.correct for r in reviews)
        rows.append(
            Text(tr("history_total", lang, n=len(reviews), pct=percent(right / len(reviews))))
        )
        return Group(*rows)

    def _exams(self) -> Group:
        lang = self.lang
        exams = self.app.store.exams()
        rows = [Text(""), Text(tr("past_exams", lang), style="bold underline")]
        if not exams:
            rows.append(Text(tr("no_exams", lang)))
        for exam in exams[:EXAMS_SHOWN]:
            when = exam.finished.astimezone().strftime("%Y-%m-%d %H:%M")
            line = Text(fit(when, 17))
            line.append_text(bar(exam.score, 10))
            line.append(f" {exam.correct}/{exam.total}  {percent(exam.score)}")
            rows.append(line)
        return Group(*rows)
