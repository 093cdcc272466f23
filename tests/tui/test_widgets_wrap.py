"""Option lists wrap Korean, English and mixed text without losing a character.

Rich's table layout cropped a wide character landing on a column's edge and drew "…" in
its place, so an exam choice silently read differently ("거치며" became "거치 …").
"""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console

from content.model import MatchPair, Question, Text
from tui.widgets.answer import AnswerInput
from tui.widgets.match import MatchPairs
from tui.widgets.multi import MultiChoice
from tui.widgets.order import OrderItems
from tui.widgets.single import SingleChoice

KOREAN = (
    "앞부분 입력의 영향이 여러 시점에 걸쳐 w_h 곱셈과 tanh 압축을 거듭 거치며 희미해지고, "
    "먼 시점에서 오는 경사도 소실되기 때문이다"
)
ENGLISH = (
    "The early inputs' influence fades as it passes again and again through multiplication "
    "by w_h and squashing by tanh, and gradients from distant steps vanish too"
)
MIXED = (
    "망이 더 깊어질 때 plain-56의 training error가 plain-20보다 오히려 높아지는 "
    "degradation 문제가 생기고, 잔차연결(residual connection)없이는이문제가풀리지않는다"
)
TEXTS = {"ko": KOREAN, "en": ENGLISH, "mixed": MIXED}
WIDTHS = (40, 60, 78, 100)


def options(text: str) -> tuple[Text, ...]:
    return tuple(Text(f"{text} {i}", f"{text} {i}") for i in range(4))


def widgets(text: str) -> list[AnswerInput]:
    rng = random.Random(0)
    base = {"section": "s", "text": Text("q", "q"), "explanation": Text("e", "e")}
    single = Question(id="s", type="single", options=options(text), answer=1, **base)
    multi = Question(id="m", type="multi", options=options(text), answer=(0, 2), **base)
    order = Question(id="o", type="order", items=options(text), **base)
    pairs = tuple(MatchPair(Text(f"{text} L{i}", "l"), Text(f"{text} R{i}", "r")) for i in range(3))
    match = Question(id="x", type="match", pairs=pairs, **base)
    return [
        SingleChoice(single, lang="ko", rng=rng, initial=1),
        MultiChoice(multi, lang="ko", rng=rng, initial=[0]),
        OrderItems(order, lang="ko", rng=rng),
        MatchPairs(match, lang="ko", rng=rng),
    ]


def rendered(widget: AnswerInput, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.render())
    return console.export_text()


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", sorted(TEXTS))
def test_every_character_of_every_option_reaches_the_screen(kind: str, width: int) -> None:
    for widget in widgets(TEXTS[kind]):
        shown = rendered(widget, width)
        assert "…" not in shown, f"{type(widget).__name__} at {width}: {shown}"
        # Read row by row, the marker column comes first on a row and the wrapped text
        # follows, so the shown characters must be the markers and texts in order.
        lines = [marker + text.plain for marker, text in widget.lines()]
        expected = squeeze("".join(lines + [t.plain for t in widget.footer_lines()]))
        assert squeeze(shown) == expected, f"{type(widget).__name__} at {width}"
        assert all(len(line) <= width for line in shown.splitlines())
