"""Options in a fresh order at every attempt, so "option 1 is usually right" teaches nothing.

The bank lists a choice question's options in the order its author wrote them, and authors
tend to put the right ones first. An attempt shows them permuted: `option_order` draws a
permutation from a seed made of the attempt's identity (`attempt_seed`), `OptionOrder.apply`
gives the question as shown (options reordered, answer indices renumbered) for the answer
widget, the grader and the feedback, and `OptionOrder.to_bank` turns a response back into the
bank's own indices for the review log, so two attempts in different orders log alike.

An option that only makes sense in the last place ("all of the above", "위의 보기 모두")
stays last. Only single and multi questions are permuted; order and match questions are
already shuffled by their widgets, and the other types have no options.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from typing import Any

from content.model import Question, Text

SHUFFLED_TYPES = ("single", "multi")

# Options that refer to the others, so their place is after them. English and Korean forms.
_PINNED_EN = re.compile(
    r"^\s*(all|none|both|neither)\s+of\s+(the\s+)?(above|these|them|options|statements)\b",
    re.IGNORECASE,
)
_PINNED_KO = re.compile(
    r"^\s*(위|앞|이상)의?\s*(보기|내용|설명|것|선택지)?\s*(가|는|이|을)?\s*(모두|전부|다)"
    r"|^\s*(보기|선택지)\s*(모두|전부)"
    r"|^\s*(모두|전부)\s*(옳|맞|틀리|틀렸|정답)"
    r"|^\s*(정답|옳은 것|맞는 것)\s*(이|은)?\s*없"
)


def is_pinned(option: Text) -> bool:
    """True for an option that must stay last: it speaks about the other options."""
    return bool(_PINNED_EN.search(option.en) or _PINNED_KO.search(option.ko))


def attempt_seed(*parts: object) -> random.Random:
    """A generator seeded by the attempt's identity (session seed, question id, attempt no.).

    `random.Random(str)` hashes the string with SHA-512, so the same parts give the same
    order in every process (Python's salted `hash` is not involved).
    """
    return random.Random("|".join(str(p) for p in parts))


@dataclass(frozen=True)
class OptionOrder:
    """One attempt's arrangement: `shown[i]` is the bank index of the option shown i-th."""

    shown: tuple[int, ...]

    @classmethod
    def identity(cls, n: int) -> OptionOrder:
        return cls(tuple(range(n)))

    def shown_index(self, bank_index: int) -> int:
        return self.shown.index(bank_index)

    def apply(self, question: Question) -> Question:
        """`question` as shown: options in this order, the answer renumbered to match."""
        if question.type not in SHUFFLED_TYPES or len(self.shown) != len(question.options):
            return question
        options = tuple(question.options[i] for i in self.shown)
        answer = question.answer
        if question.type == "single" and isinstance(answer, int) and not isinstance(answer, bool):
            answer = self.shown_index(answer)
        elif question.type == "multi" and isinstance(answer, tuple):
            answer = tuple(sorted(self.shown_index(i) for i in answer))
        return replace(question, options=options, answer=answer)

    def to_bank(self, response: Any) -> Any:
        """A response given in the shown order, in the bank's indices (for the review log)."""

        def one(i: Any) -> Any:
            if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(self.shown):
                return self.shown[i]
            return i

        if isinstance(response, (set, frozenset)):
            return frozenset(one(i) for i in response)
        if isinstance(response, (list, tuple)):
            return type(response)(one(i) for i in response)
        return one(response)


def option_order(question: Question, rng: random.Random) -> OptionOrder:
    """A random arrangement of `question`'s options; pinned options keep the last places.

    Questions that are not single / multi keep their order (identity).
    """
    n = len(question.options)
    if question.type not in SHUFFLED_TYPES or n < 2:
        return OptionOrder.identity(n)
    pinned = [i for i, option in enumerate(question.options) if is_pinned(option)]
    free = [i for i in range(n) if i not in pinned]
    rng.shuffle(free)
    return OptionOrder(tuple(free + pinned))


def shuffled(question: Question, rng: random.Random) -> tuple[Question, OptionOrder]:
    """The question as one attempt shows it, and the order that maps it back to the bank."""
    order = option_order(question, rng)
    return order.apply(question), order
