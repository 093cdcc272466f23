"""`dlearn content check`: everything wrong with a course, each problem pinned to a field.

The loader already reports what makes a question unusable (bad TOML, missing fields, an
answer outside the options, ...). This adds what a learner would trip over later: a question
in a section that does not exist, a missing translation, a link to a lab that is not there,
a single-choice question with three options. An instructor fixes a bank from this list alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from content.loader import (
    LECTURE_FILE,
    QUESTIONS_DIR,
    drop_duplicates,
    lecture_folders,
    load_lecture,
    load_questions,
)
from content.model import Lecture, Problem, Question, Text

__all__ = ["CheckResult", "check", "check_lecture", "check_path", "check_questions"]

_SECTION_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_COUNTS = {"multi": ("options", 4, 6), "order": ("items", 3, 6), "match": ("pairs", 3, 6)}


@dataclass
class CheckResult:
    """What `check` saw (for the summary line) and what it found wrong."""

    lectures: list[Lecture] = field(default_factory=list)
    questions: int = 0
    problems: list[Problem] = field(default_factory=list)


def check_path(path: Path, known_labs: set[str] | None = None) -> list[Problem]:
    """Every problem in a folder of lectures, one lecture folder, or one .toml file."""
    return check(path, known_labs).problems


def check(path: Path, known_labs: set[str] | None = None) -> CheckResult:
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    if path.is_file():
        return _check_file(path, known_labs)
    if path.name == QUESTIONS_DIR and (path.parent / LECTURE_FILE).is_file():
        path = path.parent  # "check lecture15/questions" means that lecture
    result = CheckResult()
    folders, result.problems = lecture_folders(path)
    for folder in folders:
        lecture, problems = load_lecture(folder)
        result.problems.extend(problems)
        if lecture is not None:
            _add_lecture(result, lecture, str(folder / LECTURE_FILE), known_labs)
    return result


def _check_file(path: Path, known_labs: set[str] | None) -> CheckResult:
    """A single file: lecture.toml alone, or one question file checked against its lecture."""
    result = CheckResult()
    if path.name == LECTURE_FILE:
        lecture, result.problems = load_lecture(path.parent, question_files=[])
        if lecture is not None:
            _add_lecture(result, lecture, str(path), known_labs)
        return result
    folder = path.parent.parent
    if path.parent.name == QUESTIONS_DIR and (folder / LECTURE_FILE).is_file():
        lecture, problems = load_lecture(folder, question_files=[path])
        if lecture is not None:
            # lecture.toml's own problems belong to another file: check that one separately
            result.problems = [p for p in problems if p.file == str(path)]
            result.questions = len(lecture.questions)
            result.problems += check_questions(lecture.questions, lecture, known_labs)
            return result
    questions, result.problems = load_questions(path)
    questions, duplicates = drop_duplicates(questions)
    result.problems += duplicates
    result.questions = len(questions)
    result.problems += check_questions(questions, None, known_labs)
    return result


def _add_lecture(
    result: CheckResult, lecture: Lecture, file: str, known_labs: set[str] | None
) -> None:
    result.lectures.append(lecture)
    result.questions += len(lecture.questions)
    result.problems += check_lecture(lecture, file, known_labs)
    result.problems += check_questions(lecture.questions, lecture, known_labs)


# -- lecture.toml -------------------------------------------------------------------------------


def check_lecture(lecture: Lecture, file: str, known_labs: set[str] | None = None) -> list[Problem]:
    """Cross-references and translations inside lecture.toml."""
    out: list[Problem] = []

    def add(field_: str, message: str) -> None:
        out.append(Problem(file, message, None, field_))

    _languages(out, file, None, "title", lecture.title)
    part_ids = [p.id for p in lecture.parts]
    section_ids = [s.id for s in lecture.sections]
    for kind, ids in (
        ("parts", part_ids),
        ("sections", section_ids),
        ("summary_points", [p.id for p in lecture.summary_points]),
        ("glossary", [t.en.casefold() for t in lecture.glossary]),
    ):
        for dup, n in Counter(ids).items():
            if n > 1:
                add(f"{kind}[{dup}]", f"defined {n} times; ids must be unique")
    if not lecture.sections:
        add("sections", "no [[sections]]: a lecture needs at least one")
    for part in lecture.parts:
        _languages(out, file, None, f"parts[{part.id}].title", part.title)
    for s in lecture.sections:
        where = f"sections[{s.id}]"
        if not _SECTION_ID.match(s.id):
            add(f"{where}.id", "use lowercase letters, digits and '-' (e.g. residual-block)")
        if s.part not in part_ids:
            add(f"{where}.part", f"unknown part {s.part!r}; parts: {', '.join(part_ids)}")
        _languages(out, file, None, f"{where}.title", s.title)
        _languages(out, file, None, f"{where}.notes", s.notes)
        if s.lab is not None and known_labs is not None and s.lab not in known_labs:
            add(f"{where}.lab", _unknown_lab(s.lab, known_labs))
    for sp in lecture.summary_points:
        where = f"summary_points[{sp.id}]"
        _languages(out, file, None, f"{where}.text", sp.text)
        for sid in sp.sections:
            if sid not in section_ids:
                add(f"{where}.sections", f"unknown section {sid!r}")
    for term in lecture.glossary:
        where = f"glossary[{term.en or term.ko}]"
        if not term.ko.strip() or not term.en.strip():
            add(where, "give the term in both languages (ko and en)")
        if term.section not in section_ids:
            add(f"{where}.section", f"unknown section {term.section!r}")
        _languages(out, file, None, f"{where}.definition", term.definition)
    return out


def _unknown_lab(lab: str, known_labs: set[str]) -> str:
    known = ", ".join(sorted(known_labs)) or "none"
    return f"no lab {lab!r} exists (labs: {known}); remove the link or fix its id"


# -- questions ----------------------------------------------------------------------------------


def check_questions(
    questions: Iterable[Question], lecture: Lecture | None, known_labs: set[str] | None = None
) -> list[Problem]:
    """Per-question checks; without a lecture, the section and summary checks are skipped."""
    out: list[Problem] = []
    for q in questions:
        out += _question_problems(q, lecture, known_labs)
    return out


def _question_problems(
    q: Question, lecture: Lecture | None, known_labs: set[str] | None
) -> list[Problem]:
    out: list[Problem] = []

    def add(field_: str, message: str) -> None:
        out.append(Problem(q.source, message, q.id, field_))

    if not _QUESTION_ID.match(q.id):
        add("id", "use letters, digits, '.', '_' and '-' only (e.g. res-007)")
    if lecture is not None:
        sections = [s.id for s in lecture.sections]
        if q.section not in sections:
            add("section", f"unknown section {q.section!r}; sections: {', '.join(sections)}")
        points = {p.id for p in lecture.summary_points}
        for sp in q.summary:
            if sp not in points:
                add("summary", f"unknown summary point {sp!r}; known: {', '.join(sorted(points))}")
    if q.lab is not None and known_labs is not None and q.lab not in known_labs:
        add("lab", _unknown_lab(q.lab, known_labs))
    _languages(out, q.source, q.id, "text", q.text)
    if not q.explanation.ko.strip() and not q.explanation.en.strip():
        add("explanation", "empty: say why the answer is right, in ko and en")
    else:
        _languages(out, q.source, q.id, "explanation", q.explanation)
    for name, texts in (("options", q.options), ("items", q.items)):
        for i, t in enumerate(texts):
            _languages(out, q.source, q.id, f"{name}[{i}]", t)
        for dup, n in Counter(t for t in texts).items():
            if n > 1:
                add(name, f"{n} entries read the same ({dup.en or dup.ko!r}); make them distinct")
    for i, pair in enumerate(q.pairs):
        _languages(out, q.source, q.id, f"pairs[{i}].left", pair.left)
        _languages(out, q.source, q.id, f"pairs[{i}].right", pair.right)
    if q.type == "single" and len(q.options) != 4:
        add("options", f"a single-choice question has exactly 4 options, got {len(q.options)}")
    if q.type in _COUNTS:
        name, low, high = _COUNTS[q.type]
        n = len(getattr(q, name))
        if not low <= n <= high:
            add(name, f"a {q.type} question has {low} to {high} {name}, got {n}")
    return out


def _languages(out: list[Problem], file: str, qid: str | None, field_: str, text: Text) -> None:
    """A Text must carry both languages: learners switch between them at any time."""
    for lang, name in (("ko", "Korean"), ("en", "English")):
        if not getattr(text, lang).strip():
            out.append(Problem(file, f"missing {name} text", qid, f"{field_}.{lang}"))
