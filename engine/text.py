"""Text in both of the app's languages, and the one way to write it.

Everything the engine says to a person — an error, a verdict, a probe's title — exists in
Korean and English. `Text(en=..., ko=...)` holds the pair; `.get(lang)` picks one; and
`.as_dict()` is the `{"ko": ..., "en": ...}` object the run protocol carries in JSON.
Verdicts build their evidence sentence by sentence with `Text.join`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

LANGS = ("ko", "en")
RAMP = " .:-=+*#%@"  # light to dark, in ASCII: a value in [0, 1] drawn as one character
BLOCKS = " ░▒▓█"  # the same in block characters, for terminals that draw them


@dataclass(frozen=True)
class Text:
    """One message in English and Korean."""

    en: str
    ko: str

    def get(self, lang: str) -> str:
        """The message in `lang` ("ko"; anything else is English)."""
        return self.ko if lang == "ko" else self.en

    def as_dict(self) -> dict[str, str]:
        return {"ko": self.ko, "en": self.en}

    @classmethod
    def of(cls, value: Any) -> Text:
        """A `Text` from a `{"ko", "en"}` dict (as the protocol carries it) or one string."""
        if isinstance(value, Text):
            return value
        if isinstance(value, dict):
            en, ko = str(value.get("en", "")), str(value.get("ko", ""))
            return cls(en or ko, ko or en)
        return cls(str(value), str(value))

    @classmethod
    def same(cls, text: str) -> Text:
        """Text that reads the same in both languages (figures, names)."""
        return cls(text, text)

    @staticmethod
    def join(parts: Iterable[Text], sep: str = " ") -> Text:
        items = list(parts)
        return Text(sep.join(p.en for p in items), sep.join(p.ko for p in items))

    def __add__(self, other: Text) -> Text:
        return Text(self.en + other.en, self.ko + other.ko)


def shade(value: float | None, ramp: str = RAMP) -> str:
    """One character of `ramp` for `value` in [0, 1]: its first at 0 (and for a gap, None),
    its last at 1, the nearest in between."""
    top = len(ramp) - 1
    return ramp[min(max(round((value or 0.0) * top), 0), top)]
