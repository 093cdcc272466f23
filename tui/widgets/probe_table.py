"""A `table` probe: the lab's numbers beside the lecture's, as a compact rich table.

Numbers are shown with four significant digits; text cells as they are. Columns that do
not fit are cut by rich with an ellipsis rather than wrapping into unreadable rows.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


def cell(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "-" if value is None else str(value).lower()
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def render_table(data: dict[str, Any]) -> Table | Text:
    """The probe's `data` (columns, rows) as a rich Table."""
    columns = [str(c) for c in data.get("columns") or []]
    rows = data.get("rows") or []
    if not columns:
        return Text("(empty)", style="dim")
    table = Table(
        box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=False, padding=(0, 0)
    )
    for k, name in enumerate(columns):
        values = [r[k] for r in rows if k < len(r)]
        numeric = bool(rows) and all(isinstance(v, (int, float)) for v in values if v is not None)
        # wrap between words, never inside one (a number cut over two lines reads as two)
        words = [w for text in (name, *(cell(v) for v in values)) for w in text.split()]
        table.add_column(
            name,
            justify="right" if numeric else "left",
            overflow="fold",
            min_width=min(max((len(w) for w in words), default=1), 12),
        )
    for row in rows:
        table.add_row(*(cell(v) for v in row))
    return table


class ProbeTable(Widget):
    """A table probe."""

    DEFAULT_CSS = """
    ProbeTable { height: auto; }
    """

    data: reactive[dict[str, Any] | None] = reactive(None, layout=True)
    """The probe's data: columns and rows."""

    def __init__(self, data: dict[str, Any] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(ProbeTable.data, data)

    def render(self) -> Table | Text:
        return Text() if self.data is None else render_table(self.data)
