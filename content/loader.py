"""Read lecture folders (TOML) into the plain data of `content.model`.

The loader never raises for bad content: a course written by an instructor may have a typo,
and the learner should still get every question that is fine. What cannot be used is skipped
and reported as a `Problem` naming the file, the question and the field. Checks that do not
make a question unusable (unknown section, missing translation, ...) live in `validate.py`.

Kept light on purpose: the first screen is built from this module, so it imports nothing
beyond the standard library and parses every file exactly once.

Why one file: each field parser reports through the same `Problem` path (file, question id,
field), and the question and lecture parsers are its only callers; a split would pass that
context across modules for no reader's benefit.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from content.generators import GENERATORS
from content.model import (
    QUESTION_TYPES,
    Course,
    Lecture,
    MatchPair,
    Part,
    Problem,
    Question,
    Section,
    SummaryPoint,
    Term,
    Text,
)

BUNDLED: Path = Path(__file__).resolve().parent / "lectures"
LECTURE_FILE = "lecture.toml"
QUESTIONS_DIR = "questions"
BLANK = "___"

_COMMON_KEYS = {
    "id",
    "section",
    "type",
    "text",
    "explanation",
    "difficulty",
    "summary",
    "lab",
    "enrichment",
}
_TYPE_KEYS: dict[str, set[str]] = {
    "single": {"options", "answer"},
    "multi": {"options", "answer"},
    "ox": {"answer"},
    "cloze": {"blanks"},
    "numeric": {"answer", "tolerance", "unit", "units"},
    "order": {"items"},
    "match": {"pairs"},
    "generated": {"generator"},
}
_LECTURE_KEYS = {"id", "number", "title", "parts", "sections", "summary_points", "glossary"}


class _Invalid(Exception):
    """A field that makes its entry unusable; the entry is skipped and reported."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# -- small typed readers ---------------------------------------------------------------------


def _require(table: dict[str, Any], key: str) -> Any:
    if key not in table:
        raise _Invalid(key, "missing")
    return table[key]


def _string(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(field, f"must be a string, got {_kind(value)}")
    return value


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(field, f"must be an integer, got {_kind(value)}")
    return value


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Invalid(field, f"must be a number, got {_kind(value)}")
    if not math.isfinite(value):
        raise _Invalid(field, "must be a finite number")
    return float(value)


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid(field, f"must be a list [ ... ], got {_kind(value)}")
    return value


def _strings(value: Any, field: str) -> tuple[str, ...]:
    return tuple(_string(v, f"{field}[{i}]") for i, v in enumerate(_list(value, field)))


def _text(value: Any, field: str) -> Text:
    """A `{ ko = "...", en = "..." }` table. A missing language loads as "" (validate.py
    reports it) because `Text.get` falls back to the other language."""
    if isinstance(value, str):
        raise _Invalid(field, 'must give both languages: { ko = "...", en = "..." }')
    if not isinstance(value, dict):
        raise _Invalid(field, f'must be a table {{ ko = "...", en = "..." }}, got {_kind(value)}')
    extra = sorted(set(value) - {"ko", "en"})
    if extra:
        raise _Invalid(field, f"unknown language key(s) {', '.join(extra)}; use ko and en")
    ko = _string(value.get("ko", ""), f"{field}.ko")
    en = _string(value.get("en", ""), f"{field}.en")
    return Text(ko=ko, en=en)


def _texts(value: Any, field: str) -> tuple[Text, ...]:
    return tuple(_text(v, f"{field}[{i}]") for i, v in enumerate(_list(value, field)))


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names.update({list: "a list", dict: "a table"})
    return names.get(type(value), type(value).__name__)


# -- files --------------------------------------------------------------------------------------


def read_toml(path: Path) -> tuple[dict[str, Any] | None, Problem | None]:
    """Parse one file; on failure a Problem carrying the parser's line and column."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f), None
    except tomllib.TOMLDecodeError as exc:
        return None, Problem(str(path), f"not valid TOML: {exc}")
    except UnicodeDecodeError as exc:
        return None, Problem(str(path), f"not UTF-8 text: {exc.reason} at byte {exc.start}")
    except OSError as exc:
        return None, Problem(str(path), f"cannot read the file: {exc.strerror or exc}")


def lecture_folders(root: Path) -> tuple[list[Path], list[Problem]]:
    """`root` itself when it is a lecture folder, else its sub-folders holding lecture.toml."""
    if (root / LECTURE_FILE).is_file():
        return [root], []
    folders: list[Path] = []
    problems: list[Problem] = []
    for child in sorted(p for p in root.iterdir() if p.is_dir()):
        if (child / LECTURE_FILE).is_file():
            folders.append(child)
        elif (child / QUESTIONS_DIR).is_dir():
            problems.append(
                Problem(str(child), f"has {QUESTIONS_DIR}/ but no {LECTURE_FILE}; add one")
            )
    if not folders and not problems:
        problems.append(
            Problem(
                str(root),
                f"no lecture folders found: a lecture folder holds {LECTURE_FILE} "
                f"(and {QUESTIONS_DIR}/*.toml)",
            )
        )
    return folders, problems


def load_course(root: Path | None = None) -> Course:
    """Every lecture under `root` (default: the bundled course), with every problem met."""
    root = BUNDLED if root is None else root
    if not root.exists():
        raise FileNotFoundError(
            f"content folder not found: {root} (pass a lecture folder with {LECTURE_FILE} "
            "or a folder of lecture folders)"
        )
    if not root.is_dir():
        raise FileNotFoundError(f"not a folder: {root} (pass a folder, not a file)")
    course = Course()
    folders, course.problems = lecture_folders(root)
    for folder in folders:
        lecture, problems = load_lecture(folder)
        course.problems.extend(problems)
        if lecture is not None:
            course.lectures.append(lecture)
    return course


def load_lecture(
    folder: Path, question_files: Sequence[Path] | None = None
) -> tuple[Lecture | None, list[Problem]]:
    """One lecture: lecture.toml plus its question files (default: questions/*.toml by name)."""
    path = folder / LECTURE_FILE
    data, problem = read_toml(path)
    if data is None:
        return None, [problem] if problem else []
    lecture, problems = parse_lecture(data, str(path), default_id=folder.name)
    if question_files is None:
        qdir = folder / QUESTIONS_DIR
        question_files = sorted(qdir.glob("*.toml")) if qdir.is_dir() else []
    questions: list[Question] = []
    for qfile in question_files:
        loaded, qproblems = load_questions(qfile)
        questions.extend(loaded)
        problems.extend(qproblems)
    kept, dup_problems = drop_duplicates(questions)
    problems.extend(dup_problems)
    return _with_questions(lecture, tuple(kept)), problems


def load_questions(path: Path) -> tuple[list[Question], list[Problem]]:
    """The usable questions of one file, in file order, and the problems of the rest."""
    data, problem = read_toml(path)
    if data is None:
        return [], [problem] if problem else []
    file = str(path)
    problems: list[Problem] = []
    extra = sorted(set(data) - {"questions"})
    if extra:
        problems.append(
            Problem(file, f"unknown top-level key(s) {', '.join(extra)}; use [[questions]]")
        )
    raw = data.get("questions", [])
    if not isinstance(raw, list):
        return [], problems + [Problem(file, "must be an array of [[questions]] tables")]
    questions: list[Question] = []
    for index, entry in enumerate(raw):
        question = parse_question(entry, index, file, problems)
        if question is not None:
            questions.append(question)
    return questions, problems


def drop_duplicates(questions: Sequence[Question]) -> tuple[list[Question], list[Problem]]:
    """Keep the first question of each id: progress is stored per id, so ids must be unique."""
    seen: dict[str, Question] = {}
    problems: list[Problem] = []
    for q in questions:
        first = seen.get(q.id)
        if first is None:
            seen[q.id] = q
            continue
        where = "earlier in this file" if first.source == q.source else f"in {first.source}"
        problems.append(
            Problem(q.source, f"duplicate id, already used {where}; give it a new id", q.id, "id")
        )
    return list(seen.values()), problems


# -- questions ----------------------------------------------------------------------------------


def parse_question(entry: Any, index: int, file: str, problems: list[Problem]) -> Question | None:
    """One `[[questions]]` table, or None (with a Problem) when it cannot be used."""
    if not isinstance(entry, dict):
        problems.append(Problem(file, f"question #{index + 1} must be a table"))
        return None
    qid = entry.get("id")
    if not isinstance(qid, str) or not qid.strip():
        what = "has no id" if qid is None else f"has id {qid!r}, not a non-empty string"
        problems.append(
            Problem(
                file,
                f'question #{index + 1} {what}; give it a stable one such as "res-007"',
                None,
                "id",
            )
        )
        return None
    try:
        question = _question(entry, qid, file)
    except _Invalid as exc:
        problems.append(Problem(file, exc.message, qid, exc.field))
        return None
    allowed = _COMMON_KEYS | _TYPE_KEYS[question.type]
    for key in sorted(set(entry) - allowed):
        problems.append(
            Problem(
                file,
                f"unknown key for a {question.type} question (allowed: {', '.join(sorted(allowed))})",
                qid,
                key,
            )
        )
    return question


def _question(entry: dict[str, Any], qid: str, file: str) -> Question:
    qtype = _string(_require(entry, "type"), "type")
    if qtype not in QUESTION_TYPES:
        raise _Invalid("type", f"unknown type {qtype!r}; use one of {', '.join(QUESTION_TYPES)}")
    text = _text(_require(entry, "text"), "text")
    difficulty = _int(entry.get("difficulty", 2), "difficulty")
    if not 1 <= difficulty <= 3:
        raise _Invalid("difficulty", f"must be 1, 2 or 3, got {difficulty}")
    lab = entry.get("lab")
    enrichment = entry.get("enrichment", False)
    if not isinstance(enrichment, bool):
        raise _Invalid("enrichment", f"must be true or false, got {_kind(enrichment)}")
    common: dict[str, Any] = {
        "id": qid,
        "section": _string(_require(entry, "section"), "section"),
        "type": qtype,
        "text": text,
        "explanation": _text(_require(entry, "explanation"), "explanation"),
        "difficulty": difficulty,
        "summary": _strings(entry.get("summary", []), "summary"),
        "lab": None if lab is None else _string(lab, "lab"),
        "source": file,
        "enrichment": enrichment,
    }
    return Question(**common, **_typed_fields(qtype, entry, text))


def _typed_fields(qtype: str, entry: dict[str, Any], text: Text) -> dict[str, Any]:
    """The fields of one question type, checked so that the question can be graded."""
    if qtype in ("single", "multi"):
        options = _texts(_require(entry, "options"), "options")
        if not options:
            raise _Invalid("options", "no options given")
        n = len(options)
        answer_raw = _require(entry, "answer")
        if qtype == "single":
            answer = _int(answer_raw, "answer")
            _check_index(answer, n, "answer")
            return {"options": options, "answer": answer}
        indices = tuple(_int(v, f"answer[{i}]") for i, v in enumerate(_list(answer_raw, "answer")))
        if not indices:
            raise _Invalid("answer", "list at least one right option index")
        if len(set(indices)) != len(indices):
            raise _Invalid("answer", f"repeats an index: {list(indices)}")
        for i in indices:
            _check_index(i, n, "answer")
        return {"options": options, "answer": tuple(sorted(indices))}
    if qtype == "ox":
        answer = _require(entry, "answer")
        if not isinstance(answer, bool):
            raise _Invalid("answer", f"must be true (O) or false (X), got {_kind(answer)}")
        return {"answer": answer}
    if qtype == "cloze":
        return {"blanks": _blanks(_require(entry, "blanks"), text)}
    if qtype == "numeric":
        tolerance = _number(entry.get("tolerance", 0.0), "tolerance")
        if tolerance < 0:
            raise _Invalid("tolerance", f"must be >= 0 (an absolute tolerance), got {tolerance:g}")
        return {
            "answer": _number(_require(entry, "answer"), "answer"),
            "tolerance": tolerance,
            "unit": _string(entry.get("unit", ""), "unit"),
            "units": _strings(entry.get("units", []), "units"),
        }
    if qtype == "order":
        items = _texts(_require(entry, "items"), "items")
        if len(items) < 2:
            raise _Invalid("items", "list at least 2 items, in the right order")
        return {"items": items}
    if qtype == "match":
        pairs = tuple(
            _pair(p, f"pairs[{i}]") for i, p in enumerate(_list(_require(entry, "pairs"), "pairs"))
        )
        if len(pairs) < 2:
            raise _Invalid("pairs", "list at least 2 pairs")
        return {"pairs": pairs}
    generator = _string(_require(entry, "generator"), "generator")
    if generator not in GENERATORS:
        raise _Invalid(
            "generator", f"unknown generator {generator!r}; known: {', '.join(sorted(GENERATORS))}"
        )
    return {"generator": generator}


def _check_index(index: int, n: int, field: str) -> None:
    if not 0 <= index < n:
        raise _Invalid(
            field, f"{index} is outside the options: with {n} options use 0..{n - 1} (0-based)"
        )


def _blanks(value: Any, text: Text) -> tuple[tuple[str, ...], ...]:
    blanks: list[tuple[str, ...]] = []
    for i, raw in enumerate(_list(value, "blanks")):
        variants = (raw,) if isinstance(raw, str) else _strings(raw, f"blanks[{i}]")
        variants = tuple(v for v in variants if v.strip())
        if not variants:
            raise _Invalid(f"blanks[{i}]", "list at least one accepted answer")
        blanks.append(variants)
    if not blanks:
        raise _Invalid("blanks", "list the accepted answers of each ___ blank")
    for lang in ("ko", "en"):
        body = getattr(text, lang)
        if body and body.count(BLANK) != len(blanks):
            raise _Invalid(
                "blanks",
                f"{len(blanks)} blank(s) listed but text.{lang} has {body.count(BLANK)} "
                f"{BLANK}; write one {BLANK} per blank in each language",
            )
    return tuple(blanks)


def _pair(value: Any, field: str) -> MatchPair:
    if not isinstance(value, dict):
        raise _Invalid(field, "must be a table { left = {...}, right = {...} }")
    return MatchPair(
        left=_text(_require_in(value, "left", field), f"{field}.left"),
        right=_text(_require_in(value, "right", field), f"{field}.right"),
    )


def _require_in(table: dict[str, Any], key: str, field: str) -> Any:
    if key not in table:
        raise _Invalid(f"{field}.{key}", "missing")
    return table[key]


# -- lecture.toml -------------------------------------------------------------------------------


def parse_lecture(
    data: dict[str, Any], file: str, default_id: str
) -> tuple[Lecture, list[Problem]]:
    """lecture.toml's tables; a bad entry (part, section, ...) is skipped and reported."""
    problems: list[Problem] = []

    def top(key: str, read: Any, default: Any) -> Any:
        if key not in data:
            problems.append(Problem(file, "missing", None, key))
            return default
        try:
            return read(data[key], key)
        except _Invalid as exc:
            problems.append(Problem(file, exc.message, None, exc.field))
            return default

    for key in sorted(set(data) - _LECTURE_KEYS):
        problems.append(
            Problem(file, f"unknown key (allowed: {', '.join(sorted(_LECTURE_KEYS))})", None, key)
        )
    lecture_id = top("id", _string, default_id)
    lecture = Lecture(
        id=lecture_id,
        number=top("number", _int, 0),
        title=top("title", _text, Text(lecture_id, lecture_id)),
        parts=tuple(_entries(data, "parts", _part, file, problems)),
        sections=tuple(_entries(data, "sections", _section, file, problems)),
        summary_points=tuple(_entries(data, "summary_points", _summary_point, file, problems)),
        glossary=tuple(_entries(data, "glossary", _term, file, problems)),
        questions=(),
    )
    return lecture, problems


def _entries(
    data: dict[str, Any], key: str, read: Any, file: str, problems: list[Problem]
) -> list[Any]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        problems.append(Problem(file, f"must be an array of [[{key}]] tables", None, key))
        return []
    out = []
    for i, entry in enumerate(raw):
        name = entry.get("id", entry.get("en", i)) if isinstance(entry, dict) else i
        where = f"{key}[{name}]"
        try:
            if not isinstance(entry, dict):
                raise _Invalid("", "must be a table")
            out.append(read(entry))
        except _Invalid as exc:
            field = f"{where}.{exc.field}" if exc.field else where
            problems.append(Problem(file, exc.message, None, field))
    return out


def _part(entry: dict[str, Any]) -> Part:
    return Part(
        id=_string(_require(entry, "id"), "id"), title=_text(_require(entry, "title"), "title")
    )


def _section(entry: dict[str, Any]) -> Section:
    lab = entry.get("lab")
    return Section(
        id=_string(_require(entry, "id"), "id"),
        part=_string(_require(entry, "part"), "part"),
        title=_text(_require(entry, "title"), "title"),
        notes=_text(entry.get("notes", {}), "notes"),
        lab=None if lab is None else _string(lab, "lab"),
    )


def _summary_point(entry: dict[str, Any]) -> SummaryPoint:
    return SummaryPoint(
        id=_string(_require(entry, "id"), "id"),
        text=_text(_require(entry, "text"), "text"),
        sections=_strings(entry.get("sections", []), "sections"),
    )


def _term(entry: dict[str, Any]) -> Term:
    return Term(
        ko=_string(_require(entry, "ko"), "ko"),
        en=_string(_require(entry, "en"), "en"),
        section=_string(_require(entry, "section"), "section"),
        definition=_text(_require(entry, "definition"), "definition"),
        synonyms=_strings(entry.get("synonyms", []), "synonyms"),
    )


def _with_questions(lecture: Lecture, questions: tuple[Question, ...]) -> Lecture:
    return replace(lecture, questions=questions)
