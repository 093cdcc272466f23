"""When to see a question again: FSRS spaced repetition, with an optional exam date.

FSRS (the `fsrs` package) models each question as a card with a stability (days until
recall drops to 90 %) and a difficulty; every review updates both and sets the next due
time. We keep our own frozen `CardState` so the rest of the app (and the progress file)
never depends on the package's classes, and we turn fuzzing off so the same reviews
always give the same schedule — tests and two dlearn processes agree.

An exam date changes one thing: no review is scheduled after the exam day. A card whose
FSRS interval would end after the exam comes back on the exam day's morning instead.

`fsrs` is imported lazily (about 40 ms, mostly `typing_extensions`) so the first screen
does not pay for it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timezone
from enum import IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import fsrs

# A review counts as quick (-> EASY) when a right answer took at most this long.
QUICK_ANSWER_S = 10.0
# A wrong answer with at least this much partial credit is rated HARD, not AGAIN.
PARTIAL_CREDIT_HARD = 0.5
# FSRS aims for this probability of recall at each due time (the package's default).
DESIRED_RETENTION = 0.9

CARD_STATES = ("learning", "review", "relearning")  # fsrs.State 1, 2, 3 in this order


class Rating(IntEnum):
    """The learner's grade for one review; the values are FSRS's."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


def as_utc(moment: datetime, what: str = "time") -> datetime:
    """`moment` in UTC; a naive datetime is refused because its zone is a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (got {moment.isoformat()} without a zone)")
    return moment.astimezone(timezone.utc)


def exam_cutoff(exam_date: date) -> datetime:
    """The latest due time an exam date allows: the exam day's start, 00:00 UTC.

    00:00 UTC is 09:00 in Korea, the morning of the exam; in every time zone it falls on
    the exam day or the evening before, never after the exam day.
    """
    return datetime.combine(exam_date, time(0, 0), tzinfo=timezone.utc)


@dataclass(frozen=True)
class CardState:
    """FSRS's view of one question after its latest review (never-seen questions have none)."""

    question_id: str
    due: datetime
    stability: float | None
    difficulty: float | None
    state: str  # "learning" | "review" | "relearning"
    step: int | None  # learning / relearning step, None in review
    last_review: datetime | None
    reps: int  # reviews so far
    lapses: int  # times a card in review was forgotten (rated AGAIN)

    def to_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        data["due"] = self.due.isoformat()
        data["last_review"] = self.last_review.isoformat() if self.last_review else None
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CardState:
        """Parse `to_json`'s output; raises ValueError saying what is wrong."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"card state is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError(f"card state must be a JSON object, got {type(data).__name__}")
        try:
            state = data["state"]
            if state not in CARD_STATES:
                raise ValueError(f"card state {state!r} is not one of {', '.join(CARD_STATES)}")
            last = data["last_review"]
            return cls(
                question_id=str(data["question_id"]),
                due=as_utc(datetime.fromisoformat(data["due"]), "due"),
                stability=_opt_float(data["stability"]),
                difficulty=_opt_float(data["difficulty"]),
                state=state,
                step=None if data["step"] is None else int(data["step"]),
                last_review=None if last is None else as_utc(datetime.fromisoformat(last)),
                reps=int(data["reps"]),
                lapses=int(data["lapses"]),
            )
        except KeyError as exc:
            raise ValueError(f"card state lacks the field {exc.args[0]!r}") from exc
        except (TypeError, ValueError) as exc:
            raise ValueError(f"card state has a bad value: {exc}") from exc


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def suggest_rating(correct: bool, score: float, seconds: float) -> Rating:
    """The grade an answer implies; the learner may override it.

    Wrong -> AGAIN, wrong with at least half the credit -> HARD, right -> GOOD,
    right within QUICK_ANSWER_S seconds -> EASY.
    """
    if not correct:
        return Rating.HARD if score >= PARTIAL_CREDIT_HARD else Rating.AGAIN
    if 0 <= seconds <= QUICK_ANSWER_S:
        return Rating.EASY
    return Rating.GOOD


class Scheduler:
    """FSRS with fuzzing off, and with due dates clamped to an exam date when there is one.

    `parameters` are the learner's fitted FSRS parameters (`content.memory_fit`), None for
    fsrs's defaults.
    """

    def __init__(
        self, exam_date: date | None = None, parameters: tuple[float, ...] | None = None
    ) -> None:
        self.exam_date = exam_date
        self.parameters = parameters
        self._fsrs: fsrs.Scheduler | None = None

    def _engine(self) -> fsrs.Scheduler:
        if self._fsrs is None:
            import fsrs
            import fsrs.scheduler

            self._fsrs = fsrs.Scheduler(
                parameters=self.parameters or fsrs.scheduler.DEFAULT_PARAMETERS,
                desired_retention=DESIRED_RETENTION,
                enable_fuzzing=False,
            )
        return self._fsrs

    def review(
        self, state: CardState | None, question_id: str, rating: Rating, now: datetime
    ) -> CardState:
        """The card's state after the learner rated it `rating` at `now`."""
        import fsrs

        now = as_utc(now, "review time")
        if state is not None and state.question_id != question_id:
            raise ValueError(f"card state belongs to {state.question_id!r}, not to {question_id!r}")
        card = _to_fsrs(state, now)
        reviewed, _log = self._engine().review_card(card, fsrs.Rating(int(rating)), now)
        lapsed = state is not None and state.state == "review" and rating == Rating.AGAIN
        due = as_utc(reviewed.due)
        if self.exam_date is not None:
            due = min(due, max(exam_cutoff(self.exam_date), now))
        return CardState(
            question_id=question_id,
            due=due,
            stability=reviewed.stability,
            difficulty=reviewed.difficulty,
            state=CARD_STATES[int(reviewed.state) - 1],
            step=reviewed.step,
            last_review=now,
            reps=(state.reps if state else 0) + 1,
            lapses=(state.lapses if state else 0) + int(lapsed),
        )

    def retrievability(self, state: CardState | None, at: datetime) -> float:
        """FSRS's predicted probability of recalling the card at `at`; 0 for never-seen."""
        if state is None or state.stability is None or state.last_review is None:
            return 0.0
        # FSRS's forgetting curve R(t) = (1 + FACTOR * t / S) ** DECAY, but with t in fractional
        # days: fsrs rounds t down to whole days, which would call every card reviewed today
        # 100% recalled, even one just answered wrong.
        engine = self._engine()
        elapsed_days = max(0.0, (as_utc(at) - state.last_review).total_seconds() / 86400)
        factor, decay = engine._FACTOR, engine._DECAY
        return float((1 + factor * elapsed_days / state.stability) ** decay)


def _to_fsrs(state: CardState | None, now: datetime) -> fsrs.Card:
    """An fsrs.Card for `state`, or a brand-new card due `now`."""
    import fsrs

    # card_id is fixed: fsrs would otherwise use the clock (and sleep 1 ms to keep ids unique).
    if state is None:
        return fsrs.Card(card_id=0, due=now)
    return fsrs.Card(
        card_id=0,
        state=fsrs.State(CARD_STATES.index(state.state) + 1),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )
