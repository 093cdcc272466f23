"""Turning SIGINT/SIGTERM into a polite request to stop at the next step boundary.

Torch-free, so the run process installs it before the (slow) torch import: a Ctrl+C that
arrives while torch loads still ends as `cancelled`, not as a traceback.
"""

from __future__ import annotations

import signal
from types import FrameType


class StopRequest:
    """Set by a signal (or a test); the training loop polls it after every step."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def __bool__(self) -> bool:
        return self.reason is not None

    def request(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason

    def install(self) -> None:
        """Catch SIGINT and SIGTERM (and SIGHUP, should the run still have a terminal)."""

        def handler(signum: int, frame: FrameType | None) -> None:
            self.request(signal.Signals(signum).name)

        for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                signal.signal(sig, handler)


STOP = StopRequest()
