"""One browser tab's app: `python -m tui.serve.child`, started by `dlearn serve` per websocket.

Its standard output is the protocol channel to the server: Textual's web driver writes framed
packets there, and one stray byte (a library's print, a child process inheriting the
descriptor) would garble the page. So before the app starts, the channel moves to a private
descriptor that only the driver knows (`sys.__stdout__`), and descriptor 1 points at the
serve log; Python warnings go to that log too (during the app Textual swallows stderr).

The server starts the next tab's process before the tab exists (a warm spare): it imports
the app, the first costly second of a tab, and then waits for the tab's first packet, its
terminal size, before it builds the app.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

LOG_NAME = "serve.log"  # under the data directory; the server names it when it starts

log = logging.getLogger("dlearn.serve")


def guard_stdout(log_path: Path) -> None:
    """Keep descriptor 1 for the web driver alone; everything else written there is logged."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    channel = os.dup(1)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log_fd, 1)
    os.close(log_fd)
    os.set_inheritable(channel, False)  # a lab run or translate child must not get it
    # Textual's WebDriver writes to sys.__stdout__.fileno(); print() goes to the log.
    setattr(sys, "__stdout__", os.fdopen(channel, "w", encoding="utf-8"))  # noqa: B010
    sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    logging.basicConfig(
        filename=log_path,
        level=logging.INFO,
        format=f"%(asctime)s pid={os.getpid()} %(levelname)s %(name)s: %(message)s",
    )
    logging.captureWarnings(True)


def _read_exactly(fd: int, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = os.read(fd, n - len(data))  # unbuffered: the driver reads what follows
        if not chunk:
            break
        data += chunk
    return data


def wait_for_tab() -> tuple[int, int] | None:
    """Block until the server's first packet (the tab's size, a "resize" meta packet, framed
    as textual-serve frames them: type, 4-byte length, payload); None if the server hung up."""
    header = _read_exactly(0, 5)
    if len(header) < 5:
        return None
    payload = _read_exactly(0, int.from_bytes(header[1:], "big"))
    try:
        meta = json.loads(payload) if header[:1] == b"M" else {}
        return int(meta["width"]), int(meta["height"])
    except (ValueError, KeyError, TypeError):
        log.warning("the first packet was not the tab's size: %r", payload[:80])
        return 80, 24


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.serve.child")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--lang", choices=("ko", "en"), default=None)
    parser.add_argument("--content", type=Path, default=None)
    args = parser.parse_args(argv)
    guard_stdout(args.data_dir / LOG_NAME)
    import textual.drivers.web_driver  # noqa: F401  # what a tab would wait for: imports

    import tui.screens.home  # noqa: F401
    from tui.app import create_app

    size = wait_for_tab()
    if size is None:
        return 0  # the server stopped before a tab came
    os.environ["COLUMNS"], os.environ["ROWS"] = str(size[0]), str(size[1])
    log.info("app process started for a browser tab")

    app = create_app(lang=args.lang, data_dir=args.data_dir, content_dir=args.content)
    app.run()
    if app.startup_error:  # the tab only shows that its session ended: say why here
        log.error("the app could not start: %s", app.startup_error)
    log.info("app process ended (tab closed or app quit), return code %s", app.return_code)
    return int(app.return_code or 0)


if __name__ == "__main__":
    sys.exit(main())
