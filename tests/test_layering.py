"""The house rules of DESIGN.md, checked: who may import whom, and what start-up costs.

- `content` never imports torch, textual, rich or engine.
- `engine` never imports textual, rich or content.
- importing the app, and `dlearn --help`, never import torch.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "content": {"torch", "textual", "rich", "engine", "tui"},
    "engine": {"textual", "rich", "content", "tui"},
}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_sources_respect_the_dependency_direction(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = _imported_roots(path) & FORBIDDEN[package]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not offenders, "\n".join(offenders)


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {line.split(".")[0] for line in out.stdout.splitlines()}


def test_importing_the_app_does_not_import_torch() -> None:
    loaded = _modules_after("import tui.app, tui.cli")
    assert "textual" in loaded  # the check can fail: the app really was imported
    assert "torch" not in loaded


def test_help_does_not_import_torch_or_textual() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
    )
    loaded = _modules_after(code)
    assert "tui" in loaded
    assert "torch" not in loaded
    assert "textual" not in loaded


def test_torch_free_engine_modules_stay_torch_free() -> None:
    loaded = _modules_after("import engine.catalogue")
    assert "engine" in loaded
    assert not loaded & {"torch", "textual", "rich"}
