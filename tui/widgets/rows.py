"""Row helpers: mastery bars and cell-width fitting for mixed Korean/English text.

Korean syllables take two terminal cells, so `len()` is the wrong width; everything that
lines up in columns goes through `fit`, which counts cells and cuts with an ellipsis.
Bars use block characters, so they read the same with NO_COLOR as in colour.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text

LABEL_WIDTH = 42  # cells for a section title in mastery rows; fits 80 columns with bar and %
BAR_WIDTH = 12
FULL = "█"
EMPTY = "░"


def fit(text: str, width: int) -> str:
    """`text` padded or cut (with "…") to exactly `width` terminal cells."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def bar(value: float, width: int = 10) -> Text:
    """A bar of `width` cells filled to `value` (0..1), e.g. `████░░░░░░`."""
    value = min(max(value, 0.0), 1.0)
    filled = round(value * width)
    out = Text(FULL * filled, style="bold")
    out.append(EMPTY * (width - filled), style="dim")
    return out


def mastery_row(
    label: str,
    value: float | None,
    extra: str = "",
    *,
    label_width: int = LABEL_WIDTH,
    bar_width: int = BAR_WIDTH,
) -> Text:
    """`label  ████░░  42%  extra`, with the label fitted to `label_width` cells.

    A value of None draws a placeholder (the home screen's first frame, before FSRS loads).
    """
    row = Text(fit(label, label_width))
    row.append(" ")
    if value is None:  # not computed yet
        row.append("·" * bar_width + "    …", style="dim")
    else:
        row.append_text(bar(value, bar_width))
        row.append(f" {round(value * 100):>3d}%")
    if extra:
        row.append(f"  {extra}", style="dim")
    return row


def countdown(seconds: float) -> str:
    """Seconds as m:ss (or h:mm:ss), rounded up as a countdown shows them, never negative."""
    seconds = max(int(seconds + 0.999), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def elapsed(seconds: float) -> str:
    """Seconds taken as m:ss (or h:mm:ss), rounded down: 59.6 s used of a minute is 0:59,
    never a "1:01 of 1:00"."""
    return countdown(max(int(seconds), 0))
