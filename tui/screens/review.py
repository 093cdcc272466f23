"""Review: due questions first, then new ones, one at a time, with immediate feedback.

Each answer is graded at once; the panel shows the right answer, the explanation and the
related note, and suggests a grade from correctness and speed. Keys 1-4 change the grade,
Enter stores it (`ProgressStore.record_review`, which applies FSRS) and moves on. A question
graded Again comes back once more at the end of the session, as in paper flashcards.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Static

from content.answers import InvalidResponse, Verdict, grade
from content.generators import instantiate
from content.model import Question
from content.run_questions import run_of
from content.scheduler import Rating, suggest_rating
from content.session import due_count, review_queue
from content.shuffle import OptionOrder, attempt_seed, shuffled
from tui.i18n import percent, tr
from tui.keys import jamo
from tui.messages import AnswerChanged, AnswerRejected, AnswerSubmitted
from tui.widgets.answer import AnswerInput
from tui.widgets.answer_factory import answer_input
from tui.widgets.feedback import Feedback
from tui.widgets.footer import LocalFooter

if TYPE_CHECKING:
    from tui.app import DlearnApp


def numbered_blanks(text: str) -> str:
    """Cloze text with its blanks numbered, `___(1)`, to match the numbered input boxes."""
    pieces = text.split("___")
    out = pieces[0]
    for i, piece in enumerate(pieces[1:], start=1):
        out += f"___({i})" + piece
    return out


@dataclass
class Attempt:
    """The question on screen and, once answered, how it went."""

    bank: Question  # as in the bank (generated questions stay generated)
    concrete: Question  # what is shown and graded: options in this attempt's order
    shown_at: datetime
    order: OptionOrder  # maps the shown options back to the bank's (for the log)
    verdict: Verdict | None = None
    response: Any = None
    seconds: float = 0.0


class ReviewScreen(Screen[None]):
    """One review session over `review_queue`'s questions."""

    BINDINGS = [
        Binding("escape", "app.open('home')", "end_session"),
        Binding("1", "rate(1)", show=False),
        Binding("2", "rate(2)", show=False),
        Binding("3", "rate(3)", show=False),
        Binding("4", "rate(4)", show=False),
        Binding("enter", "next", "continue"),
        Binding(jamo("n"), "open_note", "notes"),
        Binding(jamo("r"), "again", "again_session"),
        Binding(jamo("l"), "open_lab", "labs"),
        Binding(
            "pagedown", "scroll_body(1)", "scroll_keys", key_display="PgUp/PgDn", priority=True
        ),
        Binding("pageup", "scroll_body(-1)", show=False, priority=True),
    ]

    DEFAULT_CSS = """
    ReviewScreen #grade { height: auto; padding: 0 1; border-top: solid $foreground 30%; }
    """

    lang: reactive[str] = reactive("en")
    """Language of the screen's words; set by `tui.i18n.relabel`."""
    phase: reactive[str] = reactive("answer", bindings=True)
    """"answer" (waiting for an answer), "feedback" (graded, waiting for a grade), "done"."""

    app: DlearnApp  # type: ignore[assignment]

    def __init__(self, section: str | None = None) -> None:
        super().__init__()
        self.section = section
        self.queue: list[Question] = []
        self.position = 0
        self.new_ids: set[str] = set()
        self.requeued: set[str] = set()
        self.first_pass = 0
        self.attempt: Attempt | None = None
        self.ratings: Counter[int] = Counter()
        self.right = 0

    def compose(self) -> ComposeResult:
        self.set_reactive(ReviewScreen.lang, self.app.lang)
        yield Header(icon="≡")
        yield Static(id="position", markup=False)
        with VerticalScroll(id="body"):
            yield Static(id="question", markup=False)
            yield Vertical(id="answer-slot")
            yield Static(id="hint", markup=False)
            yield Vertical(id="feedback-slot")
        # below the scrolling part, so the grade row never ends up under the screen's edge
        yield Static(id="grade", markup=False)
        yield LocalFooter()

    async def on_mount(self) -> None:
        app = self.app
        from tui.run_cards import forget_missing_runs, run_questions

        runs = run_questions(app.data_dir, app.course)  # the learner's own runs' questions
        forget_missing_runs(app.store, runs)
        states = app.store.card_states()
        lecture = replace(app.course, questions=app.course.questions + tuple(runs))
        self.queue = review_queue(
            lecture,
            states,
            app.now(),
            scheduler=app.scheduler(),
            exam_date=app.exam_date,
            section=self.section,
        )
        # a finished run's new questions come right after the due cards, while it is fresh
        fresh = [q for q in runs if q.id not in states and self.section in (None, q.section)]
        fresh_ids = {q.id for q in fresh}
        due = [q for q in self.queue if q.id in states]
        new = [q for q in self.queue if q.id not in states and q.id not in fresh_ids]
        self.queue = (due + fresh + new)[: max(len(self.queue), len(due) + len(fresh))]
        self.new_ids = {q.id for q in self.queue if q.id not in states}
        self.first_pass = len(self.queue)  # positions from here on are cards shown again
        self.reps_before = {q.id: states[q.id].reps for q in self.queue if q.id in states}
        if self.queue:
            await self.show_question()
        else:
            await self.finish()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rate", "open_note", "scroll_body"):
            return self.phase == "feedback"
        if action == "next":
            return self.phase in ("feedback", "done")
        if action == "again":
            return self.phase == "done"
        if action == "open_lab":  # only after answering a question that links a lab
            return self.phase == "feedback" and (self._lab() or self._run()) is not None
        return True

    def _lab(self) -> str | None:
        """The lab the current question links, if any (a question may open it)."""
        if self.attempt is None:
            return None
        return self.attempt.concrete.lab or self.attempt.bank.lab

    def _lab_title(self, lab: str) -> str:
        from engine.catalogue import LABS

        return LABS[lab].title.get(self.lang, lab) if lab in LABS else lab

    def _run(self) -> str | None:
        """The learner's run the current question was built from, if any."""
        return run_of(self.attempt.bank.id) if self.attempt is not None else None

    def action_open_lab(self) -> None:
        run = self._run()
        if run is not None:  # a question from the learner's run links to that run
            from engine.runs.rundir import runs_root
            from tui.screens.run_live import RunLiveScreen

            path = runs_root(self.app.data_dir) / run
            if path.is_dir():
                self.app.push_screen(RunLiveScreen(path))
                return
        lab = self._lab()
        if lab is not None:
            from tui.screens.labs import LabsScreen

            self.app.push_screen(LabsScreen(lab_id=lab))

    # -- one question -----------------------------------------------------------------

    def answer_widget(self) -> AnswerInput:
        return self.query_one("#answer-slot > AnswerInput", AnswerInput)

    async def show_question(self) -> None:
        app = self.app
        bank = self.queue[self.position]
        # seeded by the attempt's identity (who, which card, how many reviews before, when):
        # a new order per attempt, the same one again for a test's fixed seed and clock
        now = app.now()
        seen = self.reps_before.get(bank.id, 0)
        rng = attempt_seed(app.shuffle_seed, bank.id, seen, self.position, now.isoformat())
        concrete, order = shuffled(instantiate(bank, app.rng), rng)
        self.attempt = Attempt(bank, concrete, now, order)
        widget = answer_input(self.attempt.concrete, lang=self.lang, rng=app.rng)
        await self.query_one("#answer-slot").remove_children()
        await self.query_one("#feedback-slot").remove_children()
        await self.query_one("#answer-slot").mount(widget)
        self.query_one("#grade", Static).display = False
        self.phase = "answer"
        self.relabel()
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        self.call_after_refresh(widget.focus_input)

    def relabel(self) -> None:
        """Redraw the screen's own words (the widgets redraw theirs)."""
        lang = self.lang
        self.sub_title = tr("review_title", lang)
        if self.phase == "done" or self.attempt is None:
            return
        q = self.attempt.concrete
        section = self.app.course.section(q.section)
        bank_id = self.attempt.bank.id
        if bank_id in self.requeued and self.position >= self.first_pass:
            kind = tr("again_card", lang)  # back after "1 Again": no longer new
        else:
            kind = tr("new_card" if bank_id in self.new_ids else "due_card", lang)
        title = section.title.get(lang) if section else q.section
        position = tr(
            "review_position", lang, i=self.position + 1, n=len(self.queue), section=title
        )
        if q.enrichment:  # beyond the lecture: said, so it is not mistaken for exam material
            kind += f" · {tr('enrichment_tag', lang)}"
        self.query_one("#position", Static).update(f"{position} · {kind}")
        text = q.text.get(lang)
        self.query_one("#question", Static).update(
            Text(numbered_blanks(text) if q.type == "cloze" else text, style="bold")
        )
        if self.phase == "answer":
            hint = self.query_one("#hint", Static)
            keys = f"{self.answer_widget().keys_hint()} · {tr('enter_submits', lang)}"
            hint.update(Text(keys, style="dim"))

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.relabel()
            self.call_after_refresh(self.show_grade)  # once the feedback has the new language
            if self.phase == "done":
                self.show_summary()

    @on(AnswerChanged)
    def _changed(self) -> None:
        if self.phase == "answer":
            self.relabel()  # puts the key help back in place of an old "!" message

    @on(AnswerRejected)
    def _incomplete(self, event: AnswerRejected) -> None:
        self.query_one("#hint", Static).update(f"! {tr(event.reason, self.lang)}")

    @on(AnswerSubmitted)
    async def _graded(self, event: AnswerSubmitted) -> None:
        attempt = self.attempt
        if attempt is None or self.phase != "answer":
            return
        try:
            verdict = grade(attempt.concrete, event.response)
        except InvalidResponse as exc:
            self.query_one("#hint", Static).update(f"! {exc.message.get(self.lang)}")
            return
        attempt.verdict, attempt.response = verdict, event.response
        attempt.seconds = max((self.app.now() - attempt.shown_at).total_seconds(), 0.0)
        suggested = suggest_rating(verdict.correct, verdict.score, attempt.seconds)
        self.answer_widget().reveal()
        section = self.app.course.section(attempt.concrete.section)
        feedback = Feedback(
            correct=verdict.correct,
            score=verdict.score,
            expected=verdict.expected,
            explanation=attempt.concrete.explanation,
            note_title=section.title if section else None,
            lang=self.lang,
            suggested=int(suggested),
            rating_inline=False,
        )
        lab = self._lab()
        offer = tr("lab_offer", self.lang, lab=self._lab_title(lab)) if lab else ""
        if self._run() is not None:
            offer = tr("run_offer", self.lang, run=self._run())
        self.query_one("#hint", Static).update(offer)
        await self.query_one("#feedback-slot").mount(feedback)
        self.phase = "feedback"
        self.show_grade()
        body = self.query_one("#body", VerticalScroll)
        body.focus()
        self.call_after_refresh(self._reveal_verdict, feedback)

    def _reveal_verdict(self, feedback: Feedback) -> None:
        """Scroll no further than needed to show the verdict's first lines, so the question
        stays on screen when it fits; the rest of a long explanation is a PgDn away."""
        body = self.query_one("#body", VerticalScroll)
        top = feedback.virtual_region.y
        shown = 4  # the verdict, your answer / the right answer, and a line of the why
        if top + shown > body.scroll_y + body.scrollable_content_region.height:
            body.scroll_to(y=top + shown - body.scrollable_content_region.height, animate=False)

    def show_grade(self) -> None:
        """The grade prompt and row, fixed above the footer while a grade is asked for."""
        grade_bar = self.query_one("#grade", Static)
        feedbacks = list(self.query(Feedback).results(Feedback))
        lines = feedbacks[0].rating_lines() if feedbacks and self.phase == "feedback" else []
        grade_bar.update(Text("\n").join(lines))
        grade_bar.display = bool(lines)

    def action_scroll_body(self, pages: int) -> None:
        body = self.query_one("#body", VerticalScroll)
        if pages > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)

    def action_rate(self, value: int) -> None:
        self.query_one(Feedback).rating = value
        self.show_grade()

    def action_open_note(self) -> None:
        if self.attempt is not None:
            from tui.screens.notes import NotesScreen

            self.app.push_screen(NotesScreen(section=self.attempt.concrete.section))

    async def action_next(self) -> None:
        if self.phase == "done":
            await self.app.open_screen("home")
            return
        attempt = self.attempt
        if attempt is None or attempt.verdict is None:
            return
        rating = Rating(self.query_one(Feedback).rating or Rating.GOOD)
        self.app.store.record_review(
            question_id=attempt.bank.id,
            section=attempt.bank.section,
            rating=rating,
            correct=attempt.verdict.correct,
            response=AnswerInput.canonical(attempt.order.to_bank(attempt.response)),
            duration_s=attempt.seconds,
            now=self.app.now(),
            scheduler=self.app.scheduler(),
        )
        self.ratings[int(rating)] += 1
        self.right += int(attempt.verdict.correct)
        if rating == Rating.AGAIN and attempt.bank.id not in self.requeued:
            self.requeued.add(attempt.bank.id)
            self.queue.append(attempt.bank)
        self.position += 1
        if self.position < len(self.queue):
            await self.show_question()
        else:
            await self.finish()

    # -- end of session ---------------------------------------------------------------

    async def finish(self) -> None:
        self.attempt = None
        self.phase = "done"
        self.query_one("#grade", Static).display = False
        await self.query_one("#answer-slot").remove_children()
        await self.query_one("#feedback-slot").remove_children()
        self.query_one("#hint", Static).update("")
        self.show_summary()
        self.query_one("#body", VerticalScroll).focus()

    def show_summary(self) -> None:
        lang, app = self.lang, self.app
        self.sub_title = tr("review_title", lang)
        states = app.store.card_states()
        now = app.now()
        done = sum(self.ratings.values())
        lines: list[str] = []
        if done == 0:
            lines.append(tr("nothing_due", lang))
        else:
            lines.append(tr("session_done", lang))
            lines.append(
                tr("session_stats", lang, n=done, right=self.right, pct=percent(self.right / done))
            )
            r = self.ratings
            lines.append(tr("session_ratings", lang, again=r[1], hard=r[2], good=r[3], easy=r[4]))
        lines.append(tr("due_now_after", lang, n=due_count(states, now)))
        upcoming = [s.due for s in states.values() if s.due > now]
        if upcoming:
            when = min(upcoming).astimezone().strftime("%Y-%m-%d %H:%M")
            lines.append(tr("next_due_at", lang, when=when))
        self.query_one("#position", Static).update("")
        self.query_one("#question", Static).update("\n".join(lines))

    async def action_again(self) -> None:
        await self.app.open_screen("review", self.section)
