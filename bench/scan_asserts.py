"""Scan the test suite for assertions that may not be able to fail, and print them.

Not a test: a reader's aid for the audit of issue 18. It lists, per file and line,
  OR    an `assert` whose test is an `or` (one side may pass alone),
  IN    an `assert x in (a, b)` membership in a literal tuple/list/set (a contract of one value?),
  IF    an `assert` whose only path is under an `if` inside a loop (may never run).
Each hit still needs a human look: `or` in a message-building expression is fine, and a
membership over a loop's items can be the contract. Run: python bench/scan_asserts.py [tests]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def scan(path: Path) -> list[tuple[int, str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hits: list[tuple[int, str, str]] = []
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert):
            continue
        src = ast.unparse(node.test)
        if isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.Or):
            hits.append((node.lineno, "OR", src))
        for sub in ast.walk(node.test):
            if (
                isinstance(sub, ast.Compare)
                and any(isinstance(op, ast.In) for op in sub.ops)
                and any(isinstance(c, ast.Tuple | ast.List | ast.Set) for c in sub.comparators)
            ):
                hits.append((node.lineno, "IN", src))
                break
        up = parents.get(node)
        if isinstance(up, ast.If):
            loop = parents.get(up)
            if isinstance(loop, ast.For | ast.While) and not any(
                isinstance(s, ast.Assert) for s in getattr(loop, "body", [])
            ):
                hits.append((node.lineno, "IF", src))
    return hits


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "tests")
    total = 0
    for path in sorted(root.rglob("test_*.py")):
        for line, kind, src in scan(path):
            total += 1
            print(f"{path}:{line}: {kind} {src[:110]}")
    print(f"{total} assertion(s) to look at")


if __name__ == "__main__":
    main()
