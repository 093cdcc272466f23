"""Where the right options sit, in the bank as written and as attempts show them.

For every single and multi question of the bundled bank: the share of right answers at each
position (1st option, 2nd, ...), first as the author wrote them, then over `--attempts`
shuffled attempts per question (`content.shuffle`, the review screen's seeding). A fair
arrangement puts about 1/n of a single question's right answers at each of its n positions,
and a multi question's right options spread evenly too.

Usage: `.venv/bin/python bench/option_positions.py [--attempts 200]` from the repository root.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.loader import load_course  # noqa: E402
from content.model import Question  # noqa: E402
from content.shuffle import attempt_seed, shuffled  # noqa: E402


def right_positions(q: Question) -> list[int]:
    if q.type == "single" and isinstance(q.answer, int):
        return [q.answer]
    if q.type == "multi" and isinstance(q.answer, tuple):
        return list(q.answer)
    return []


def table(title: str, counts: dict[str, Counter[int]], totals: dict[str, int]) -> None:
    print(title)
    for kind in ("single", "multi"):
        c, n = counts[kind], totals[kind]
        if not n:
            continue
        cells = "  ".join(f"{p + 1}:{c[p] / n:5.1%}" for p in sorted(c))
        print(f"  {kind:6} ({n} right options)  {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=200, help="shuffled attempts per question")
    args = parser.parse_args()
    lecture = load_course().lectures[0]
    questions = [q for q in lecture.questions if q.type in ("single", "multi")]
    bank: dict[str, Counter[int]] = {"single": Counter(), "multi": Counter()}
    shown: dict[str, Counter[int]] = {"single": Counter(), "multi": Counter()}
    bank_n = Counter[str]()
    shown_n = Counter[str]()
    sizes = Counter[tuple[str, int, int]]()
    for q in questions:
        pos = right_positions(q)
        bank[q.type].update(pos)
        bank_n[q.type] += len(pos)
        sizes[(q.type, len(q.options), len(pos))] += 1
        for attempt in range(args.attempts):
            concrete, _ = shuffled(q, attempt_seed("bench", q.id, attempt))
            p = right_positions(concrete)
            shown[q.type].update(p)
            shown_n[q.type] += len(p)
    print(f"{len(questions)} choice questions; (type, options, right options): count")
    for key, count in sorted(sizes.items()):
        print(f"  {key}: {count}")
    table("as written in the bank:", bank, dict(bank_n))
    table(f"as shown, over {args.attempts} attempts per question:", shown, dict(shown_n))


if __name__ == "__main__":
    main()
