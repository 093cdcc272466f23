"""`dlearn lab list`: every lab with its claim, parameters and presets (or as JSON)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

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
        console.print(f"  {lab.claim[lang]}")
        table = Table(show_edge=False, pad_edge=False)
        for col in ("parameter", "default", *lab.presets, "allowed", "help"):
            table.add_column(col)
        for p in lab.params:
            presets = [str(lab.presets[name].get(p.name, "")) for name in lab.presets]
            table.add_row(p.name, str(p.default), *presets, p.allowed(), p.help[lang])
        console.print(table)
        console.print(f"  dlearn lab run {lab.id} --preset quick\n")
    return EXIT_OK
