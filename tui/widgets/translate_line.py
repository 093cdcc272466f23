"""The live run screen's translate line: type your own input, see the model's output.

An input line (hidden until `open`) and a result line under it. A submitted text goes to
`python -m engine translate ... --json` in a thread worker (`engine.runs.launch.translate`),
so torch never enters the app; a result is posted as `Translated`, whose attention map the
screen then shows in its probe view. Errors, and the empty input, are said on the result line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from engine.runs import launch
from tui.i18n import tr


class TranslateLine(Vertical):
    """Input and result line for translating the student's own text with one run."""

    DEFAULT_CSS = """
    TranslateLine { height: auto; }
    TranslateLine #translate-input { display: none; }
    TranslateLine #translate-result { height: auto; padding: 0 1; display: none; }
    """

    class Translated(Message):
        """The model's answer: {"input", "output", "arm", "attention" (a heatmap probe or None)}."""

        def __init__(self, result: dict[str, Any]) -> None:
            super().__init__()
            self.result = result

    def __init__(self, run_dir: Path, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run_dir, self.lang = Path(run_dir), lang
        self.used = False  # the result line shows a result or an error, not the hint
        self._shown: Text | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="translate-result", markup=False)
        yield Input(id="translate-input")

    @property
    def input(self) -> Input:
        return self.query_one("#translate-input", Input)

    def open(self) -> None:
        """Show the input line and give it the keys."""
        box = self.input
        box.placeholder = tr("translate_placeholder", self.lang)
        box.display = True
        box.focus()

    def close(self) -> bool:
        """Hide the input line; False when it was not open."""
        if not self.input.display:
            return False
        self.input.display = False
        self.screen.set_focus(None)
        return True

    def hint(self) -> None:
        """Say how to translate, until something was translated."""
        if not self.used:
            self.show(Text(tr("translate_hint", self.lang), style="dim"), used=False)

    def show(self, line: Text, used: bool = True) -> None:
        self.used = self.used or used
        result = self.query_one("#translate-result", Static)
        if line != self._shown:
            result.update(line)
            self._shown = line
        result.display = True

    @on(Input.Submitted, "#translate-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.show(Text(tr("translate_empty", self.lang), style="bold"))
            return
        self.show(Text(tr("translate_running", self.lang, text=text), style="dim"))
        self._translate(text)

    @work(thread=True, exclusive=True, group="translate", exit_on_error=False)
    def _translate(self, text: str) -> None:
        result = launch.translate(self.run_dir, text)  # the model runs in a child process
        self.app.call_from_thread(self._translated, result)

    def _translated(self, result: dict[str, Any]) -> None:
        error = result.get("error")
        if isinstance(error, dict):
            message = str(error.get(self.lang) or error.get("en"))
            self.show(Text(tr("translate_error", self.lang, message=message), style="bold"))
            return
        line = Text(f"{result.get('input')} → ", style="bold")
        line.append(str(result.get("output")), style="bold reverse")
        line.append(f"  ({result.get('arm')})")
        if not isinstance(result.get("attention"), dict):
            line.append("\n" + tr("translate_no_attention", self.lang, arm=result.get("arm")))
        self.show(line)
        self.post_message(self.Translated(result))
