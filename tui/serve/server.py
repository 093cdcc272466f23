"""The web server behind `dlearn serve`: textual-serve's, with dlearn's own page.

What differs from the stock `textual_serve.server.Server`:
- the page (`page.html`) loads nothing from outside this server. The stock one asks a public
  font service for its CSS, and the page's `onload`, which opens the websocket, waits for
  that request: offline it stalled the first output for seconds;
- the terminal's font stack names Hangul monospace fonts before the generic fallback, so
  Korean is drawn with a font that has it (textual-serve's script hard-codes its stack, so
  the script is served patched, from memory, at /dlearn/terminal.js);
- the websocket URL is the page's own host, so an SSH tunnel on another port works;
- a tab's app process that does not quit when its tab closes is killed after a while;
- the next tab's process is started before the tab comes (a warm spare, `child.py`), so a
  tab does not wait for Python to import the app: that was most of its first second.
Each tab is one `python -m tui.serve.child` process; lab runs are not its children in any
way that matters (their own session, `engine.runs.launch`), so they outlive the tab.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import shlex
import sys
from asyncio.subprocess import PIPE, Process
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from tui.serve.child import LOG_NAME

log = logging.getLogger("textual-serve")

PAGE_DIR = Path(__file__).parent
HANGUL_FONT = "NanumGothicCoding"
FONT_STACK = (
    "'Roboto Mono', 'NanumGothicCoding', 'D2Coding', 'Noto Sans Mono CJK KR', "
    "'Noto Sans CJK KR', monospace"
)
QUIT_TIMEOUT_S = 10.0  # a closed tab's app gets this long to quit before it is killed
LOG_KEEP_BYTES = 1_000_000  # serve.log past this is moved to serve.log.1 at start

# (what textual-serve's script says, what we serve instead): the font stack, and every
# terminal put on `window.dlearnTerminals` so a test can read what the page shows
PATCHES = (
    (
        "fontFamily:\"'Roboto Mono', Monaco, 'Courier New', monospace\"",
        f'fontFamily:"{FONT_STACK}"',
    ),
    (
        "t.fit(),s||t.connect()",
        "(window.dlearnTerminals=window.dlearnTerminals||[]).push(t),t.fit(),s||t.connect()",
    ),
)

PAGE_WORDS = {
    "en": {
        "ended": "This session has ended. If you did not quit, serve.log in the data "
        "directory says why.",
        "restart": "Start again",
    },
    "ko": {
        "ended": "세션이 끝났습니다. 직접 끝내지 않았다면 데이터 폴더의 serve.log에 까닭이 "
        "적혀 있습니다.",
        "restart": "다시 시작",
    },
}


def terminal_script(source: str) -> tuple[str, list[str]]:
    """textual-serve's page script with `PATCHES` applied, and the patches that found nothing
    to replace (a textual-serve release that changed its script)."""
    missing = []
    for old, new in PATCHES:
        if old in source:
            source = source.replace(old, new, 1)
        else:
            missing.append(old)
    return source, missing


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def child_command(data_dir: Path, lang: str | None, content_dir: Path | None) -> str:
    """The shell command textual-serve runs for each tab (`exec`: no shell left between)."""
    parts = [sys.executable, "-m", "tui.serve.child", "--data-dir", str(data_dir.resolve())]
    if lang:
        parts += ["--lang", lang]
    if content_dir is not None:
        parts += ["--content", str(content_dir.resolve())]
    return "exec " + shlex.join(parts)


def app_environment(debug: bool, width: int = 80, height: int = 24) -> dict[str, str]:
    """The environment textual-serve gives an app process (`AppService._build_environment`,
    which needs a service; a spare is started before its service exists)."""
    env = dict(os.environ)
    env.update(
        TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver",
        TEXTUAL_FPS="60",
        TEXTUAL_COLOR_SYSTEM="truecolor",
        TERM_PROGRAM="textual",
        TERM_PROGRAM_VERSION=version("textual-serve"),
        COLUMNS=str(width),
        ROWS=str(height),
    )
    if debug:
        env.update(TEXTUAL="debug,devtools", TEXTUAL_LOG="textual.log")
    return env


class TabService(AppService):
    """textual-serve's app service, taking a warm spare process when there is one; either
    way the process is told the tab's size first (`child.wait_for_tab`)."""

    def __init__(
        self, *args: Any, take_spare: Callable[[], Awaitable[Process | None]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._take_spare = take_spare

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        process = await self._take_spare()
        if process is None:
            env = app_environment(self.debug, width, height)
            process = await asyncio.create_subprocess_shell(
                self.command, stdin=PIPE, stdout=PIPE, stderr=PIPE, env=env
            )
        self._process = process
        assert process.stdin is not None
        self._stdin = process.stdin
        await self.set_terminal_size(width, height)
        return process


class DlearnServer(Server):
    """textual-serve's server with dlearn's page, script and tab ending."""

    def __init__(self, command: str, host: str, port: int, lang: str) -> None:
        super().__init__(command, host=host, port=port, title="dlearn", templates_path=PAGE_DIR)
        self.lang = lang
        self._spare: asyncio.Task[Process] | None = None
        import textual_serve

        stock = Path(textual_serve.__file__).parent / "static" / "js" / "textual.js"
        self.script, missing = terminal_script(stock.read_text(encoding="utf-8"))
        for old in missing:
            log.warning("textual-serve's script has changed; not patched: %s", old)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_get("/dlearn/terminal.js", self.handle_terminal_js)
        app.router.add_get("/favicon.ico", self.handle_no_icon)
        return app

    async def on_startup(self, app: web.Application) -> None:
        host = self.host if is_loopback(self.host) else "<this machine's address>"
        host = f"[{host}]" if ":" in host else host
        url = f"http://{host}:{self.port}"
        self.console.print(f"dlearn serve: open {url} in a browser (Ctrl+C stops the server)")
        self.console.print(f"dlearn serve: 브라우저에서 {url} 을 여세요 (서버 종료는 Ctrl+C)")
        self._spare = asyncio.ensure_future(self._start_spare())

    async def on_shutdown(self, app: web.Application) -> None:
        task, self._spare = self._spare, None
        if task is not None:
            process = await task
            if process.returncode is None:
                process.kill()
            await process.wait()

    async def _start_spare(self) -> Process:
        return await asyncio.create_subprocess_shell(
            self.command, stdin=PIPE, stdout=PIPE, stderr=PIPE, env=app_environment(self.debug)
        )

    async def take_spare(self) -> Process | None:
        """The warm spare for a new tab (None if it died), and the next spare started."""
        task, self._spare = self._spare, None
        process = await task if task is not None else None
        self._spare = asyncio.ensure_future(self._start_spare())
        if process is None or process.returncode is not None:
            return None
        return process

    async def handle_terminal_js(self, request: web.Request) -> web.Response:
        response = web.Response(text=self.script, content_type="application/javascript")
        response.enable_compression()  # half a megabyte: it counts through an SSH tunnel
        return response

    async def handle_no_icon(self, request: web.Request) -> web.Response:
        return web.Response(status=204)  # no icon, and no 404 in the browser's console

    @aiohttp_jinja2.template("page.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "font_stack": FONT_STACK,
            "hangul_font": HANGUL_FONT,
            **PAGE_WORDS[self.lang],
        }

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: start its app process, relay until the tab closes, then end the process."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service: AppService | None = None
        try:
            await websocket.prepare(request)
            service = TabService(
                self.command,
                take_spare=self.take_spare,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,  # type: ignore[arg-type]  # returns a bool, unused
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(width, height)
            log.info("tab opened: app process %s", _pid(service))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            if service is not None:
                await self._end(service)
        return websocket

    async def _end(self, service: AppService) -> None:
        """Ask the tab's app to quit; kill it if it has not ended within `QUIT_TIMEOUT_S`."""
        process = service._process  # textual-serve keeps it private; we need to reap it
        try:
            await asyncio.wait_for(service.stop(), QUIT_TIMEOUT_S)
        except asyncio.TimeoutError:
            log.warning("app process %s did not quit; killing it", _pid(service))
            if process is not None and process.returncode is None:
                process.kill()
        if process is not None:
            await process.wait()
            log.info("tab closed: app process %s ended (%s)", process.pid, process.returncode)


def _pid(service: AppService) -> int | None:
    return service._process.pid if service._process is not None else None


def rotate_log(data_dir: Path) -> Path:
    """The serve log's path; a large old log is moved aside first."""
    path = data_dir / LOG_NAME
    try:
        if path.stat().st_size > LOG_KEEP_BYTES:
            path.replace(path.with_name(LOG_NAME + ".1"))
    except OSError:
        pass
    return path


def serve(
    *, host: str, port: int, lang: str, ui_lang: str | None, data_dir: Path, content: Path | None
) -> int:
    """Run the server until Ctrl+C; `ui_lang` None lets each tab use the saved language."""
    if not 0 < port < 65536:
        print(f"dlearn serve: --port must be 1-65535, got {port}", file=sys.stderr)
        return 2
    if not is_loopback(host):
        print(
            f"dlearn serve: warning: listening on {host}: anyone who can reach this machine "
            "on that port gets the app, with your progress and runs (there is no login). "
            "To use it from another machine, prefer the default 127.0.0.1 and an SSH tunnel: "
            f"ssh -L {port}:localhost:{port} <this machine>\n"
            f"dlearn serve: 경고: {host}에서 기다립니다. 이 포트에 닿는 사람은 누구나 앱과 "
            "진도, 실행 기록을 씁니다 (로그인이 없습니다). 다른 컴퓨터에서 쓰려면 기본값 "
            f"127.0.0.1과 SSH 터널을 쓰세요: ssh -L {port}:localhost:{port} <이 컴퓨터>",
            file=sys.stderr,
        )
    if content is not None and not content.is_dir():  # else every tab would just end
        print(
            f"dlearn serve: content folder not found: {content} (pass a lecture folder or a "
            "folder of lecture folders)",
            file=sys.stderr,
        )
        return 2
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"dlearn serve: cannot use the data directory {data_dir}: {exc}", file=sys.stderr)
        return 1
    log_path = rotate_log(data_dir)
    root = str(Path(__file__).resolve().parents[2])  # tui/serve/server.py -> the project
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    server = DlearnServer(child_command(data_dir, ui_lang, content), host, port, lang)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # not a line per request
    print(f"dlearn serve: each tab's messages go to {log_path}", file=sys.stderr)
    try:
        server.serve()
    except OSError as exc:
        print(
            f"dlearn serve: cannot listen on {host}:{port}: {exc.strerror or exc}. "
            "Pick another port with --port, or stop what is using it.\n"
            f"dlearn serve: {host}:{port}에서 기다릴 수 없습니다. --port로 다른 포트를 고르세요.",
            file=sys.stderr,
        )
        return 1
    return 0
