"""The house rules of DESIGN.md, checked: who may import whom, and what start-up costs.

- `content` never imports torch, textual, rich or engine.
- `engine` never imports textual, rich or content.
- importing the app, and `dlearn --help`, never import torch.
- every import follows the table of rooms in docs/ARCHITECTURE.md; no import circles; no two
  engine modules share a file name; a module over 400 lines says why it is one file.
"""

from __future__ import annotations

import ast
import re
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


# --- the house: docs/ARCHITECTURE.md's table, import circles, names, long files -----------

PACKAGES = ("engine", "tui", "content")
WATCHED = ("torch", "textual", "rich")  # third-party packages a room must name to import
LONG = 400  # lines: a longer module says why in its docstring ("Why one file: ...")


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules (of ours, or a watched package) `path` imports, `if TYPE_CHECKING:` aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
        for sub in node.body
        for n in ast.walk(sub)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = {f"{node.module}.{a.name}" for a in node.names}
            submodules = names & set(modules)  # `from engine import text`: the module text
            found |= submodules if submodules else {node.module}
    out = set()
    for name in found:
        if name.split(".")[0] in WATCHED:
            out.add(name.split(".")[0])
            continue
        while name and name not in modules:  # `from engine import text` names a module
            name = name.rpartition(".")[0]
        if name:
            out.add(name)
    return out


def _map() -> dict[str, set[str]]:
    """docs/ARCHITECTURE.md's table: room -> what it may import."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rooms = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"`[a-z_.]+`", cells[0]):
            allowed = set(re.findall(r"`([a-z_.]+)`", cells[2]))
            allowed |= {w for w in WATCHED if re.search(rf"\b{w}\b", cells[2])}
            rooms[cells[0].strip("`")] = allowed
    return rooms


def _room(module: str, rooms: dict[str, set[str]]) -> str | None:
    """The table's room holding `module`: its longest prefix there."""
    best = None
    for room in rooms:
        if module == room or module.startswith(room + "."):
            best = room if best is None or len(room) > len(best) else best
    return best


def test_every_import_follows_the_architecture_map() -> None:
    rooms, modules = _map(), _modules()
    assert {"engine.models", "engine.runs", "engine.labs", "tui.screens", "content"} <= set(rooms)
    offenders = []
    for module, path in modules.items():
        mine = _room(module, rooms)
        if mine is None:
            offenders.append(f"{module}: in no room of docs/ARCHITECTURE.md")
            continue
        for target in _imports(path, modules):
            room = target if target in WATCHED else _room(target, rooms)
            if room is not None and room != mine and room not in rooms[mine]:
                offenders.append(f"{module} imports {target} ({mine} may not import {room})")
    assert not offenders, "\n".join(offenders)


def test_no_import_circles() -> None:
    modules = _modules()
    graph = {m: _imports(p, modules) - set(WATCHED) for m, p in modules.items()}
    for m in graph:  # a package's own modules are not its imports
        graph[m] = {t for t in graph[m] if not m.startswith(t + ".") and t != m}
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for t in sorted(graph.get(m, ())):
            if state.get(t) == 1:
                circles.append(path[path.index(t) :] + [t])
            elif t not in state:
                visit(t, [*path, t])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not circles, "\n".join(" -> ".join(c) for c in circles)


def test_no_two_engine_modules_share_a_file_name() -> None:
    names: dict[str, list[str]] = {}
    for path in (ROOT / "engine").rglob("*.py"):
        if path.name not in ("__init__.py", "__main__.py"):
            names.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert not {n: p for n, p in names.items() if len(p) > 1}


def test_a_long_module_says_why_it_is_one_file() -> None:
    offenders = []
    for path in _modules().values():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > LONG and "Why one file:" not in (
            ast.get_docstring(ast.parse(text)) or ""
        ):
            offenders.append(f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines")
    assert not offenders, "\n".join(offenders)


def test_torch_free_rooms_import_without_torch() -> None:
    free = [
        "engine.text",
        "engine.errors",
        "engine.catalogue",
        "engine.training.context",
        "engine.training.probes",
        *(m for m in _modules() if m.startswith("engine.runs")),
        *(m for m in _modules() if re.fullmatch(r"engine\.labs\.\w+(\.\w+_verdict)?", m)),
    ]
    loaded = _modules_after("\n".join(f"import {m}" for m in free))
    assert "engine" in loaded and "torch" not in loaded
