"""`dlearn lab translate`: a finished seq2seq or Transformer run on the student's own input.

The model runs in a child process (`engine.runs.launch.translate`), so torch stays out of
this one; the result is the output and its attention map, drawn as shaded cells.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from engine.runs import launch
from engine.text import BLOCKS, shade
from tui.commands.common import EXIT_OK, EXIT_USAGE, err, find, say


def attention_table(heatmap: dict[str, Any]) -> Table:
    """The attention map as a compact table: one row per output character, one shaded cell
    per input character (two columns wide, so Korean headers line up)."""
    data = heatmap.get("data") or {}
    table = Table(box=None, padding=(0, 0), show_edge=False, pad_edge=False)
    table.add_column("", justify="right")
    table.add_column("", width=1)  # a gap between the labels and the map
    for col in data.get("cols") or []:
        table.add_column(f"{col:^2}" if len(col) == 1 and col.isascii() else col[:2], width=2)
    for label, row in zip(data.get("rows") or [], data.get("matrix") or [], strict=False):
        cells = [shade(v, BLOCKS) * 2 for v in row]
        table.add_row(label, "", *cells)
    return table


def cmd_lab_translate(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    path = find(args.run, data_dir, lang)
    if path is None:
        return EXIT_USAGE
    result = launch.translate(path, args.text, args.arm)
    error = result.get("error")
    if isinstance(error, dict):
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        err(str(error.get(lang) or error.get("en")))
        return EXIT_USAGE
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return EXIT_OK
    console = Console(highlight=False)
    console.print(
        f"[bold]{result['input']}[/] → [bold green]{result['output']}[/]  ({result['arm']})"
    )
    heatmap = result.get("attention")
    if isinstance(heatmap, dict):
        console.print(say(lang, "attention_legend"))
        console.print(attention_table(heatmap))
    else:
        console.print(say(lang, "no_attention", arm=result["arm"]))
    return EXIT_OK
