"""A lab's verdict as one verdict per claim of the lecture, and timings judged fairly.

Every lab tests a few checkable sentences of the lecture. Its verdict module builds one
`Claim` per sentence, each with a status:

  shown         the measurement supports the sentence
  not_shown     it contradicts it (the evidence says what would change that)
  inconclusive  the measurement could not separate the two sides: the evidence gives by how
                much, and what would settle it
  not_judged    this device cannot test it (the evidence says which can)

and `verdict(claims)` assembles the summary's `verdict`: `shown` is true when every decided
claim (shown or not_shown) is shown and at least one was decided; an inconclusive or
not-judged claim is listed with its evidence but decides nothing.

Speed claims compare times taken side by side (`engine.training.timing`): the two sides are
timed in turns, A B B A ..., for several rounds, and `compare` judges the per-round ratios,
never two numbers taken at different moments. Torch-free.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.runs.verdicts import STATUSES
from engine.text import Text

Status = Literal["shown", "not_shown", "inconclusive", "not_judged"]
SAME = 0.03  # paired ratios within 3 % of 1 at the median are "the same speed"


@dataclass(frozen=True)
class Claim:
    """One checkable sentence of the lecture, with what this run found."""

    id: str
    claim: Text
    status: Status
    evidence: Text
    figures: dict[str, Any] = field(default_factory=dict)  # the numbers the status rests on

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"claim {self.id!r}: unknown status {self.status!r}")

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "claim": self.claim.as_dict(),
            "status": self.status,
            "evidence": self.evidence.as_dict(),
        }
        if self.figures:
            out["figures"] = self.figures
        return out


def decided(status: bool) -> Status:
    return "shown" if status else "not_shown"


def verdict(claims: Sequence[Claim], **flags: Any) -> dict[str, Any]:
    """The summary's verdict: `shown`, the evidence of every claim in order, the claims."""
    judged = [c for c in claims if c.status in ("shown", "not_shown")]
    shown = bool(judged) and all(c.status == "shown" for c in judged)
    head = Text("Shown. ", "확인됨. ") if shown else Text("Not shown. ", "확인되지 않음. ")
    evidence = head + Text.join([c.evidence for c in claims])
    return {
        "shown": shown,
        "evidence": evidence.as_dict(),
        "claims": [c.as_dict() for c in claims],
        **flags,
    }


# --- timings, side by side ------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Per-round ratios of two sides' times (or speed-ups): their median and spread."""

    ratios: tuple[float, ...]
    median: float
    low: float  # first quartile
    high: float  # third quartile

    @property
    def status(self) -> str:
        """ "below" (ratio < 1 beyond the spread), "above", or "overlap"."""
        if abs(self.median - 1) < SAME:
            return "overlap"
        if self.high < 1:
            return "below"
        if self.low > 1:
            return "above"
        return "overlap"

    def figures(self) -> dict[str, Any]:
        return {
            "median": round(self.median, 3),
            "q1": round(self.low, 3),
            "q3": round(self.high, 3),
            "rounds": len(self.ratios),
        }

    def text(self) -> str:
        return f"{self.median:.2f} (middle half {self.low:.2f}-{self.high:.2f}, {len(self.ratios)} rounds)"

    def text_ko(self) -> str:
        return (
            f"{self.median:.2f} (가운데 절반 {self.low:.2f}-{self.high:.2f}, {len(self.ratios)}회)"
        )


def compare(a: Sequence[float], b: Sequence[float]) -> Comparison:
    """a / b, round by round: the rounds were timed in turns, so each pair shares a moment."""
    if len(a) != len(b) or not a:
        raise ValueError(f"need the same number of rounds on both sides, got {len(a)} and {len(b)}")
    ratios = tuple(x / y for x, y in zip(a, b, strict=True))
    return ratios_of(ratios)


def ratios_of(ratios: Sequence[float]) -> Comparison:
    """Median and quartiles of per-round ratios."""
    values = sorted(ratios)
    if len(values) >= 4:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q1, q3 = values[0], values[-1]
    return Comparison(tuple(ratios), statistics.median(values), q1, q3)
