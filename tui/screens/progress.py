"""Progress: mastery per part and section, what is due, review history, past exams, and the
memory model: FSRS's defaults until the learner has enough spaced reviews, then `f` fits the
parameters to them in a worker thread (`content.memory_fit`), shows the old and new models'
log loss and predicted recall, and keeps the fit when it predicts better.

A past exam is a row of a list: Enter reopens its result and wrong-answer walkthrough.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from content.memory_fit import MIN_REVIEWS, STEPS, FitResult, Review, countable_reviews, fit
from content.session import due_count, part_mastery, section_mastery
from tui.i18n import percent, tr
from tui.keys import jamo
from tui.screens.exercise_marks import exercises_extra, with_exercises
from tui.widgets.footer import LocalFooter
from tui.widgets.rows import bar, mastery_row
from tui.widgets.rows import fit as fit_width

if TYPE_CHECKING:
    from tui.app import DlearnApp

HISTORY_DAYS = 14
EXAMS_SHOWN = 10


class ProgressScreen(Screen[None]):
    """Overview; PgUp/PgDn scroll, ↑/↓ pick a past exam and Enter reopens it."""

    DEFAULT_CSS = """
    ProgressScreen #exam-list { border: none; height: auto; padding: 0; }
    """

    BINDINGS = [
        Binding("escape", "app.open('home')", "home"),
        Binding(jamo("r"), "app.open('review')", "review"),
        Binding(jamo("e"), "exam_setup", "exam"),
        Binding(jamo("f"), "fit_memory", "fit_memory"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""

    app: DlearnApp  # type: ignore[assignment]

    FIT_STEPS = STEPS  # gradient steps of a fit (tests use fewer)
    can_fit = False  # enough spaced reviews for a fit (set when the section is drawn)
    fitting: tuple[int, int] | None = None  # (step, steps) while a fit runs
    fit_message: str | None = None  # i18n key of the last fit's outcome, if it needs one

    def compose(self) -> ComposeResult:
        self.set_reactive(ProgressScreen.lang, self.app.lang)
        yield Header(icon="≡")
        with VerticalScroll(id="body"):
            yield Static(id="mastery", markup=False)
            yield Static(id="history", markup=False)
            yield Static(id="exams", markup=False)
            yield OptionList(id="exam-list")
            yield Static(id="memory", markup=False)
        yield LocalFooter()

    def on_mount(self) -> None:
        self.relabel()
        exams = self.query_one("#exam-list", OptionList)
        if exams.option_count:
            exams.highlighted = 0
            exams.focus()
        else:
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
        if self.fitting is None:
            self.query_one("#memory", Static).update(self._memory())

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
        exams = self.app.store.exams()[:EXAMS_SHOWN]
        rows = [Text(""), Text(tr("past_exams", lang), style="bold underline")]
        rows.append(Text(tr("past_exams_hint" if exams else "no_exams", lang), style="dim"))
        options = self.query_one("#exam-list", OptionList)
        highlighted = options.highlighted
        listed: list[Option] = []
        for exam in exams:
            when = exam.finished.astimezone().strftime("%Y-%m-%d %H:%M")
            line = Text(fit_width(when, 17))
            line.append_text(bar(exam.score, 10))
            line.append(f" {exam.correct}/{exam.total}  {percent(exam.score)}")
            listed.append(Option(line, id=f"exam:{exam.id}"))
        options.set_options(listed)
        options.display = bool(listed)
        if listed:
            options.highlighted = min(highlighted or 0, len(listed) - 1)
        return Group(*rows)

    @on(OptionList.OptionSelected, "#exam-list")
    def _reopen(self, event: OptionList.OptionSelected) -> None:
        from tui.screens.exam_result import reopen

        exam_id = int((event.option.id or "exam:0").partition(":")[2])
        exam = next((e for e in self.app.store.exams() if e.id == exam_id), None)
        if exam is not None:
            self.app.push_screen(reopen(self.app.course, exam))

    def action_exam_setup(self) -> None:
        """Pick the exam's length and time first (key e)."""
        from tui.screens.exam_setup import ExamSetupScreen

        self.app.push_screen(ExamSetupScreen())

    # -- the memory model -------------------------------------------------------------

    def _reviews(self) -> list[Review]:
        return [Review(r.question_id, r.at, int(r.rating)) for r in self.app.store.reviews()]

    def _memory(self) -> Group:
        lang = self.lang
        rows = [Text(""), Text(tr("memory_title", lang), style="bold underline")]
        saved = self.app.store.memory_model()
        result = None
        if saved is not None:
            try:
                result = FitResult.from_json(saved[1])
            except ValueError:
                result = None
        reviews = self._reviews()
        have = countable_reviews(reviews)
        if self.can_fit != (have >= MIN_REVIEWS):
            self.can_fit = have >= MIN_REVIEWS
            self.refresh_bindings()
        if result is None or saved is None:
            rows.append(Text(tr("memory_default", lang)))
        else:
            when = saved[0].astimezone().strftime("%Y-%m-%d %H:%M")
            rows.append(Text(tr("memory_fitted", lang, n=result.after.n, when=when)))
        if self.fit_message:
            rows.append(Text(tr(self.fit_message, lang)))
        if result is not None:
            b, a = result.before, result.after
            rows.append(
                Text(
                    tr(
                        "memory_compare",
                        lang,
                        before=f"{b.log_loss:.3f}",
                        after=f"{a.log_loss:.3f}",
                    )
                )
            )
            rows.append(
                Text(
                    tr(
                        "memory_recall",
                        lang,
                        before=percent(b.predicted),
                        after=percent(a.predicted),
                        observed=percent(a.observed),
                    )
                )
            )
        if have < MIN_REVIEWS:
            rows.append(
                Text(tr("memory_needs", lang, need=MIN_REVIEWS - have, have=have, min=MIN_REVIEWS))
            )
        else:
            key = "memory_ready" if result is None else "memory_refit"
            rows.append(Text(tr(key, lang, n=len(reviews)), style="bold"))
        return Group(*rows)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "fit_memory":  # shown once there are enough reviews to fit to
            return self.fitting is None and self.can_fit
        return True

    def action_fit_memory(self) -> None:
        reviews = self._reviews()
        if self.fitting is not None or countable_reviews(reviews) < MIN_REVIEWS:
            return
        self.fitting = (0, self.FIT_STEPS)
        self.fit_message = None
        self._show_fitting()
        self.refresh_bindings()
        self._fit(reviews)

    def _show_fitting(self) -> None:
        if self.fitting is not None:
            done, total = self.fitting
            line = Text(tr("memory_fitting", self.lang, done=done, total=total))
            line.append(" ")
            line.append_text(bar(done / total if total else 0.0, 20))
            title = Text(tr("memory_title", self.lang), style="bold underline")
            self.query_one("#memory", Static).update(Group(Text(""), title, line))

    def _progress(self, done: int, total: int) -> None:
        self.fitting = (done, total)
        self._show_fitting()

    @work(thread=True, exclusive=True, exit_on_error=False, group="fit", description="fit FSRS")
    def _fit(self, reviews: list[Review]) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        app = self.app
        try:
            result = fit(
                reviews,
                steps=self.FIT_STEPS,
                # from the defaults every time: a refit does not drift on its own output
                progress=lambda d, n: app.call_from_thread(self._progress, d, n),
                cancelled=lambda: worker.is_cancelled,
            )
        except Exception as exc:  # shown on screen; the defaults stay in use
            app.call_from_thread(self._fit_done, None, str(exc))
            return
        if worker.is_cancelled:  # the screen closed: an unfinished fit is not used
            return
        if result.improved:  # saved here, so leaving the screen now cannot lose it
            app.store.save_memory_model(result.to_json(), app.now())
        app.call_from_thread(self._fit_done, result, None)

    def _fit_done(self, result: FitResult | None, error: str | None) -> None:
        self.fitting = None
        if not self.is_mounted:
            return
        self.fit_message = "memory_no_gain" if result is not None and not result.improved else None
        self.relabel()
        if error is not None:
            self.query_one("#memory", Static).update(
                Text(tr("memory_failed", self.lang, error=error))
            )
        self.refresh_bindings()
