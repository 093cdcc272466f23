"""Fixtures for the app's tests: a small course of every question type, a fixed clock.

The course is written to tmp_path so the tests do not depend on the real bank, which its
authors keep editing; one smoke test (test_review.py) runs on the real bundled bank.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tui.app import DlearnApp, create_app

START = datetime(2025, 6, 2, 1, 0, tzinfo=timezone.utc)  # 10:00 in Korea, a Monday

LECTURE_TOML = """
id = "lecture15"
number = 15
title = { ko = "딥러닝(2)", en = "Deep Learning (2)" }

[[parts]]
id = "cnn"
title = { ko = "심층 합성곱 신경망", en = "Deep convolutional networks" }

[[parts]]
id = "rnn"
title = { ko = "순환 신경망", en = "Recurrent networks" }

[[parts]]
id = "transformer"
title = { ko = "트랜스포머", en = "The Transformer" }

[[sections]]
id = "residual-block"
part = "cnn"
title = { ko = "잔차 블록", en = "The residual block" }
notes.ko = '''
잔차 블록은 두 층이 계산한 `F(x)`에 입력 `x`를 더해 `F(x) + x`를 내보낸다.

### 모양 맞추기
채널 수가 다르면 1x1 합성곱으로 맞춘다.
'''
notes.en = '''
A residual block adds its input `x` to what two layers compute, `F(x)`: it outputs `F(x) + x`.

### Matching shapes
When the channel counts differ, a 1x1 convolution matches them.
'''

[[sections]]
id = "resnet-results"
part = "cnn"
title = { ko = "ResNet 결과", en = "ResNet results" }
notes.ko = "34층 ResNet의 top-1 오류율은 25.03%이다."
notes.en = "The 34-layer ResNet's top-1 error is 25.03%."

[[sections]]
id = "lstm"
part = "rnn"
lab = "features"
title = { ko = "LSTM", en = "LSTM" }
notes.ko = "LSTM은 삭제, 입력, 출력 게이트로 기억을 조절한다."
notes.en = "An LSTM controls its memory with forget, input and output gates."

[[sections]]
id = "transformer-idea"
part = "transformer"
title = { ko = "트랜스포머의 핵심 아이디어", en = "The Transformer's key idea" }
notes.ko = "셀프 어텐션으로 문장 전체를 한꺼번에 처리한다."
notes.en = "Self-attention processes the whole sentence at once."

[[summary_points]]
id = "sp2"
sections = ["residual-block"]
text = { ko = "잔차 블록은 입력과 원하는 출력의 차이를 배운다.", en = "A residual block learns the difference between input and desired output." }

[[summary_points]]
id = "sp5"
sections = ["lstm"]
text = { ko = "LSTM과 GRU는 오래된 정보를 잃는 문제를 푼다.", en = "LSTM and GRU fix the loss of old information." }

[[glossary]]
ko = "잔차 블록"
en = "residual block"
section = "residual-block"
definition = { ko = "입력을 출력에 더하는 블록.", en = "A block that adds its input to its output." }

[[glossary]]
ko = "삭제 게이트"
en = "forget gate"
section = "lstm"
definition = { ko = "장기 기억에서 지울 것을 고른다.", en = "Chooses what to drop from long-term memory." }
"""

QUESTIONS_TOML = """
[[questions]]
id = "t-single"
section = "residual-block"
type = "single"
summary = ["sp2"]
text = { ko = "잔차 블록의 출력은?", en = "What does a residual block output?" }
options = [
  { ko = "F(x)", en = "F(x)" },
  { ko = "F(x) + x", en = "F(x) + x" },
  { ko = "x", en = "x" },
  { ko = "F(x) - x", en = "F(x) - x" },
]
answer = 1
explanation = { ko = "항등 연결이 x를 더한다.", en = "The identity skip adds x." }

[[questions]]
id = "t-ox"
section = "residual-block"
type = "ox"
text = { ko = "F(x)와 x는 모양이 달라도 된다.", en = "F(x) and x may have different shapes." }
answer = false
explanation = { ko = "더하려면 모양이 같아야 한다.", en = "To be added they must have the same shape." }

[[questions]]
id = "t-cloze"
section = "residual-block"
type = "cloze"
text = { ko = "ResNet은 ___ 블록을 쌓는다.", en = "ResNet stacks ___ blocks." }
blanks = [["잔차", "residual"]]
explanation = { ko = "잔차 블록을 쌓은 망이다.", en = "It is a stack of residual blocks." }

[[questions]]
id = "t-gen"
section = "residual-block"
type = "generated"
generator = "residual_output"
text = { ko = "잔차 블록의 출력 계산", en = "Compute a residual block's output" }
explanation = { ko = "F(x) + x를 계산한다.", en = "Compute F(x) + x." }

[[questions]]
id = "t-numeric"
section = "resnet-results"
type = "numeric"
text = { ko = "34층 ResNet의 top-1 오류율(%)은?", en = "The 34-layer ResNet's top-1 error (%)?" }
answer = 25.03
tolerance = 0.01
unit = "%"
explanation = { ko = "표에서 25.03%이다.", en = "The table gives 25.03%." }

[[questions]]
id = "t-multi"
section = "lstm"
type = "multi"
summary = ["sp5"]
text = { ko = "LSTM의 게이트를 모두 고르시오.", en = "Pick every LSTM gate." }
options = [
  { ko = "삭제 게이트", en = "forget gate" },
  { ko = "리셋 게이트", en = "reset gate" },
  { ko = "출력 게이트", en = "output gate" },
  { ko = "어텐션 게이트", en = "attention gate" },
]
answer = [0, 2]
explanation = { ko = "삭제, 입력, 출력 게이트가 있다.", en = "It has forget, input and output gates." }

[[questions]]
id = "t-order"
section = "lstm"
type = "order"
text = { ko = "RNN 훈련 순서대로 놓으시오.", en = "Put the training steps in order." }
items = [
  { ko = "순전파", en = "forward pass" },
  { ko = "손실 계산", en = "compute the loss" },
  { ko = "시간 역전파", en = "backpropagate through time" },
  { ko = "가중치 갱신", en = "update the weights" },
]
explanation = { ko = "앞으로 계산한 뒤 손실을 구하고 거꾸로 전파한다.", en = "Forward, loss, backward, update." }

[[questions]]
id = "t-match"
section = "transformer-idea"
type = "match"
text = { ko = "게이트와 역할을 짝지으시오.", en = "Match each gate to its job." }
pairs = [
  { left = { ko = "삭제 게이트", en = "forget gate" }, right = { ko = "지울 것", en = "what to drop" } },
  { left = { ko = "입력 게이트", en = "input gate" }, right = { ko = "기억할 입력", en = "which input to keep" } },
  { left = { ko = "출력 게이트", en = "output gate" }, right = { ko = "내보낼 것", en = "what to output" } },
]
explanation = { ko = "게이트마다 하는 일이 다르다.", en = "Each gate has its own job." }
"""

QUESTION_IDS = {
    "single": "t-single",
    "ox": "t-ox",
    "cloze": "t-cloze",
    "generated": "t-gen",
    "numeric": "t-numeric",
    "multi": "t-multi",
    "order": "t-order",
    "match": "t-match",
}


def write_course(root: Path, only: set[str] | None = None) -> Path:
    """Write the test course under `root`; `only` keeps just those question ids."""
    lecture = root / "lecture15"
    (lecture / "questions").mkdir(parents=True)
    (lecture / "lecture.toml").write_text(LECTURE_TOML, encoding="utf-8")
    text = QUESTIONS_TOML
    if only is not None:
        blocks = text.split("[[questions]]")
        text = "".join(
            "[[questions]]" + b for b in blocks[1:] if any(f'id = "{q}"' in b for q in only)
        )
    (lecture / "questions" / "bank.toml").write_text(text, encoding="utf-8")
    return root


class Clock:
    """A clock the test moves by hand; the app reads time only through it."""

    def __init__(self, start: datetime = START) -> None:
        self.time = start

    def __call__(self) -> datetime:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def utc_local_time() -> Iterator[None]:
    """Local time = UTC, so dates on screen (and in snapshots) do not depend on the machine."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    return write_course(tmp_path / "course")


AppFactory = Callable[..., DlearnApp]


@pytest.fixture
def make_app(course_dir: Path, data_dir: Path, clock: Clock) -> AppFactory:
    """`make_app(start=..., lang=..., only={...})`: the app on the test course and clock."""

    def make(*, only: set[str] | None = None, **options: Any) -> DlearnApp:
        content = course_dir
        if only is not None:
            content = write_course(course_dir.parent / f"only-{'-'.join(sorted(only))}", only)
        options.setdefault("lang", "en")
        options.setdefault("seed", 7)
        return create_app(data_dir=data_dir, content_dir=content, now=clock, **options)

    return make


def screen_text(app: DlearnApp) -> str:
    """What the terminal shows now, as plain text (no colours)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text()


async def wait_until(pilot: Any, ready: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `ready()` holds: a condition, not a guess at how long it takes.

    The timeout only bounds a broken case; a loaded machine just takes more turns."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {ready}"
        await pilot.pause(0.05)


def palette_offers(app: DlearnApp, prompt: str) -> bool:
    """The command palette lists a match for `prompt` and has one highlighted."""
    from textual.command import CommandList

    try:
        results = app.screen.query_one(CommandList)
    except Exception:  # the palette is not open (yet)
        return False
    shown = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
    return results.highlighted is not None and any(prompt in s for s in shown)
