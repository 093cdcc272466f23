"""`dlearn content check`: everything wrong with a course, each problem pinned to a field.

The loader already reports what makes a question unusable (bad TOML, missing fields, an
answer outside the options, ...). This adds what a learner would trip over later: a question
in a section that does not exist, a missing translation, a link to a lab that is not there,
a single-choice question with three options. An instructor fixes a bank from this list alone.

Besides problems it gives warnings, which do not fail a check: a question tagged with no
summary point, and a Korean text that uses a glossary synonym instead of the glossary's term
(one vocabulary across notes and questions).
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
from content.model import Lecture, Problem, Question, Term, Text

__all__ = [
    "CheckResult",
    "check",
    "check_lecture",
    "check_path",
    "check_questions",
    "lecture_warnings",
    "question_warnings",
]

_SECTION_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_COUNTS = {"multi": ("options", 4, 6), "order": ("items", 3, 6), "match": ("pairs", 3, 6)}


@dataclass
class CheckResult:
    """What `check` saw (for the summary line) and what it found wrong."""

    lectures: list[Lecture] = field(default_factory=list)
    questions: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # advice: they do not fail a check


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
            result.warnings = question_warnings(lecture.questions, lecture)
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
    result.warnings += lecture_warnings(lecture, file)
    result.warnings += question_warnings(lecture.questions, lecture)


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
        for synonym in term.synonyms:
            if not synonym.strip() or synonym in term.ko:
                add(
                    f"{where}.synonyms",
                    f"synonym {synonym!r} is empty or part of the term {term.ko!r} itself; "
                    "list only other words for the concept",
                )
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


# -- warnings: one vocabulary, every question tagged -------------------------------------------

_FENCED = re.compile(r"```.*?```", re.DOTALL)
_INLINE = re.compile(r"`[^`\n]*`")
_LATIN = re.compile(r"[A-Za-z0-9_]")


def _synonym_pattern(synonym: str) -> re.Pattern[str]:
    """A synonym as a pattern: Latin ends match whole words only, and an all-Latin synonym
    written as a function call (`softmax(x)`, part of a formula) does not count."""
    body = re.escape(synonym)
    if _LATIN.fullmatch(synonym[0]):
        body = r"(?<![A-Za-z0-9_])" + body
    if _LATIN.fullmatch(synonym[-1]):
        body += r"(?![A-Za-z0-9_])"
    if synonym.isascii():
        body += r"(?!\s*\()"
    return re.compile(body, re.IGNORECASE)


def _synonyms(glossary: Iterable[Term]) -> list[tuple[str, str, re.Pattern[str]]]:
    """(synonym, preferred term, pattern), longest synonym first."""
    found = [(s, t.ko, _synonym_pattern(s)) for t in glossary for s in t.synonyms if s.strip()]
    return sorted(found, key=lambda f: -len(f[0]))


def _vocabulary(
    out: list[Problem],
    synonyms: list[tuple[str, str, re.Pattern[str]]],
    file: str,
    qid: str | None,
    field_: str,
    korean: str,
) -> None:
    """One warning per synonym a Korean text uses (a longer synonym hides the shorter ones
    inside it: "기울기 폭주" is one warning, not two)."""
    if not synonyms or not korean:
        return
    plain = _INLINE.sub(" ", _FENCED.sub(" ", korean))
    taken: list[tuple[int, int]] = []
    counts: dict[tuple[str, str], int] = {}
    for synonym, term, pattern in synonyms:
        for m in pattern.finditer(plain):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            if plain[: m.start()].endswith(f"{term}(") and plain[m.end() : m.end() + 1] == ")":
                continue  # the term glossed with its synonym: 소프트맥스(softmax)
            taken.append((m.start(), m.end()))
            counts[(synonym, term)] = counts.get((synonym, term), 0) + 1
    for (synonym, term), n in counts.items():
        times = f" ({n} times)" if n > 1 else ""
        out.append(
            Problem(
                file,
                f"uses {synonym!r}{times}, listed in the glossary as a synonym of {term!r}; "
                f"write {term!r}",
                qid,
                field_,
            )
        )


def question_warnings(questions: Iterable[Question], lecture: Lecture) -> list[Problem]:
    """A question without a summary-point tag (when the lecture has summary points), and
    glossary synonyms in its Korean text, options, items and pairs (not in cloze answers)."""
    out: list[Problem] = []
    synonyms = _synonyms(lecture.glossary)
    for q in questions:
        if lecture.summary_points and not q.summary:
            near = [p.id for p in lecture.summary_points if q.section in p.sections]
            points = near or [p.id for p in lecture.summary_points]
            hint = f"section {q.section}'s: " if near else ""
            out.append(
                Problem(
                    q.source,
                    "no summary point: tag the point(s) this question covers, e.g. "
                    f'summary = ["{points[0]}"] ({hint}{", ".join(points)})',
                    q.id,
                    "summary",
                )
            )
        fields = [("text", q.text), ("explanation", q.explanation)]
        fields += [(f"options[{i}]", t) for i, t in enumerate(q.options)]
        fields += [(f"items[{i}]", t) for i, t in enumerate(q.items)]
        for i, pair in enumerate(q.pairs):
            fields += [(f"pairs[{i}].left", pair.left), (f"pairs[{i}].right", pair.right)]
        for name, text in fields:
            _vocabulary(out, synonyms, q.source, q.id, f"{name}.ko", text.ko)
    return out


def lecture_warnings(lecture: Lecture, file: str) -> list[Problem]:
    """Glossary synonyms in lecture.toml's Korean: titles, notes, summary points, glossary."""
    out: list[Problem] = []
    synonyms = _synonyms(lecture.glossary)
    fields: list[tuple[str, Text]] = [("title", lecture.title)]
    fields += [(f"parts[{p.id}].title", p.title) for p in lecture.parts]
    for s in lecture.sections:
        fields += [(f"sections[{s.id}].title", s.title), (f"sections[{s.id}].notes", s.notes)]
    fields += [(f"summary_points[{p.id}].text", p.text) for p in lecture.summary_points]
    for name, text in fields:
        _vocabulary(out, synonyms, file, None, f"{name}.ko", text.ko)
    for term in lecture.glossary:
        # an entry may name its own synonyms in its definition, not another entry's
        others = [entry for entry in synonyms if entry[0] not in term.synonyms]
        where = f"glossary[{term.en or term.ko}]"
        _vocabulary(out, others, file, None, where, term.ko)
        _vocabulary(out, others, file, None, f"{where}.definition.ko", term.definition.ko)
    return out
