"""A run's record for other tools: its steps and metrics as CSV, or everything as JSON.

`dlearn runs export` and the app's runs screen write the same files through `export_text`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from engine.runs import rundir

FORMATS = ("csv", "json")


def events_csv(events: list[dict[str, Any]]) -> str:
    """Step and eval events as one table: a row per event, a column per field or metric."""
    base = ["type", "arm", "step", "epoch", "t", "loss", "lr", "samples_per_s"]
    rows: list[dict[str, Any]] = []
    extra: dict[str, None] = {}
    for e in events:
        if e.get("type") not in ("step", "eval"):
            continue
        row = {k: e.get(k) for k in base}
        for k, v in (e.get("metrics") or {}).items():
            row[k] = v
            extra[k] = None
        rows.append(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=base + list(extra), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def export_text(run_dir: Path, fmt: str) -> str:
    """The run as `csv` (step and eval events) or `json` (spec, summary and every event)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    info = rundir.inspect(run_dir)
    events = rundir.read_events(run_dir)
    if fmt == "csv":
        return events_csv(events)
    doc: dict[str, Any] = {"run": info.name, "status": info.status, "spec": info.spec}
    doc.update({"summary": info.summary, "events": events})
    return json.dumps(doc, ensure_ascii=False, indent=1)


def export(run_dir: Path, out_dir: Path, fmt: str) -> Path:
    """Write `export_text` to `out_dir/<run name>.<fmt>` and return the file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{Path(run_dir).name}.{fmt}"
    path.write_text(export_text(run_dir, fmt), encoding="utf-8")
    return path
