"""The engine's errors: each says what went wrong and what to do, in both languages.

`DlearnError` is their one base class; the CLI and the app show `error.text(lang)`. An
exception that is not a `DlearnError` is a bug, and runs report it as an internal error.
"""

from __future__ import annotations

from engine.text import Text


class DlearnError(Exception):
    """An error a person can act on, with its message in English and Korean."""

    def __init__(self, en: str, ko: str) -> None:
        super().__init__(en)
        self.message = Text(en=en, ko=ko)

    @property
    def en(self) -> str:
        return self.message.en

    @property
    def ko(self) -> str:
        return self.message.ko

    def text(self, lang: str) -> str:
        return self.message.get(lang)


class ParamError(DlearnError, ValueError):
    """A lab or parameter the user asked for does not exist or is out of range."""


class RunError(DlearnError):
    """A run that cannot start or continue (bad data, a parameter the lab cannot use)."""


class DeviceError(DlearnError, RuntimeError):
    """The requested device does not exist on this machine."""


class DatasetMissing(DlearnError, FileNotFoundError):
    """A dataset file is not on this machine; the message says where we looked and how to get it."""


class InferenceError(DlearnError, ValueError):
    """Input or run directory that a finished model cannot be run on."""
