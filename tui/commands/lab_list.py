"""`dlearn lab list`: every lab with its claim, parameters and presets (or as JSON)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from engine import catalogue
from tui.commands.common import EXIT_OK


def cmd_lab_list(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    labs = list(catalogue.LABS.values())
    if args.json:
        out = [
            {
                "id": lab.id,
                "title": lab.title,
                "claim": lab.claim,
                "arms": list(lab.arms),
                "presets": lab.presets,
                "params": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "default": p.default,
                        "allowed": p.allowed(),
                        "help": p.help,
                    }
                    for p in lab.params
                ],
            }
            for lab in labs
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    console = Console(highlight=False)
    for lab in labs:
        console.print(f"[bold]{lab.id}[/] — {lab.title[lang]}")
        console.print(Padding(lab.claim[lang], (0, 0, 0, 2), expand=False))
        for p in lab.params:
            console.print(Padding(parameter_line(lab, p), (0, 0, 0, 2), expand=False))
            console.print(Padding(p.help[lang], (0, 0, 0, 6), expand=False), style="dim")
        console.print(f"  dlearn lab run {lab.id} --preset quick\n")
    return EXIT_OK


def parameter_line(lab: catalogue.Lab, p: catalogue.Param) -> Text:
    """`epochs  12 · quick 12 · full 40 · allowed 1 .. 500`: a parameter's values on one line.

    Its help goes on the lines below, as wide as the terminal: a help column beside five
    others was folded one word per line at 80 columns.
    """
    line = Text(p.name, style="bold")
    line.append(f"  {p.default}")
    for name, values in lab.presets.items():
        if p.name in values:
            line.append(f" · {name} {values[p.name]}")
    line.append(f" · {p.allowed()}", style="cyan")
    return line
