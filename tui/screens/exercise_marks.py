"""Exercises in the learner's progress: passed per section, and mastery that counts them.

Home and Progress read mastery per section from the questions (`content.session`). A passed
exercise counts as one more item of its section, fully recalled: a section of n questions
with mastery m and k of its e exercises passed shows (m * n + k) / (n + e). A section without
exercises keeps its mastery as it is, and one without a pass only counts its exercises as
not yet done once the learner has passed any exercise at all, so the numbers a learner who
never opens the Exercises screen sees do not move. Plain functions, no widgets.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from engine.exercises import records
from tui.i18n import tr

Counts = dict[str, tuple[int, int]]  # section id -> (passed, exercises)


def by_section(data_dir: Path) -> Counts:
    """Each section that has exercises: (how many passed, how many there are)."""
    return records.by_section(data_dir)


def blend(mastery: dict[str, float], questions: dict[str, int], counts: Counts) -> dict[str, float]:
    """Mastery per key (section or part) with its exercises counted in (see the module)."""
    if not any(k for k, _ in counts.values()):
        return dict(mastery)
    out = dict(mastery)
    for key, (k, e) in counts.items():
        n = questions.get(key, 0)
        if key in out or n:
            out[key] = (out.get(key, 0.0) * n + k) / (n + e)
    return out


def by_part(counts: Counts, part_of: dict[str, str]) -> Counts:
    """Section counts summed per part."""
    out: dict[str, tuple[int, int]] = {}
    for section, (k, e) in counts.items():
        part = part_of.get(section)
        if part is not None:
            a, b = out.get(part, (0, 0))
            out[part] = (a + k, b + e)
    return out


def with_exercises(
    lecture: Any, sections: dict[str, float], parts: dict[str, float], data_dir: Path
) -> tuple[dict[str, float], dict[str, float], Counts]:
    """Section and part mastery with passed exercises counted, and the section counts
    (empty until the learner has passed an exercise: until then nothing on screen moves)."""
    counts = by_section(data_dir)
    if not any(k for k, _ in counts.values()):
        return sections, parts, {}
    part_of = {s.id: s.part for s in lecture.sections}
    per_section = Counter(q.section for q in lecture.questions)
    per_part = Counter(part_of.get(q.section, "") for q in lecture.questions)
    return (
        blend(sections, dict(per_section), counts),
        blend(parts, dict(per_part), by_part(counts, part_of)),
        counts,
    )


def exercises_extra(extra: str, count: tuple[int, int] | None, lang: str) -> str:
    """A section row's extra text with "exercises k/e" added when it has exercises."""
    if count is None:
        return extra
    said = tr("ex_passed_count", lang, n=count[0], total=count[1])
    return f"{extra} · {said}" if extra else said
