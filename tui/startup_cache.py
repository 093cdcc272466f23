"""What start-up reads from `data_dir/cache`: the parsed course, and the first screen's words.

Both are keyed on the size and modification time of every TOML file of the bank and of the
content package's code, so any edit reloads them; a missing, stale or unreadable cache only
costs speed, never correctness.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from content.model import Course, Lecture

COURSE_CACHE = "course.pickle"  # under data_dir/cache


def _course_key(root: Path | None) -> tuple[Path, list[Any]] | None:
    """The bank's folder and its cache key: the size and modification time of every TOML
    file under it and of the content package's code (None when the folder is missing)."""
    import content

    package = Path(content.__file__).parent
    folder = package / "lectures" if root is None else root
    if not folder.is_dir():
        return None
    files = sorted(folder.rglob("*.toml")) + sorted(package.rglob("*.py"))
    return folder, [sys.version] + [(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files]


def load_course_cached(root: Path | None, cache_dir: Path) -> Course:
    """`content.loader.load_course`, remembered on disk between runs.

    Parsing the TOML bank (pure-Python tomllib) was the slowest step of start-up after
    importing Textual. The cache is keyed on the size and modification time of every TOML
    file under `root` and of the content package's code, so any edit reloads; a missing,
    stale or unreadable cache just means parsing as before.
    """
    found = _course_key(root)
    if found is None:
        from content.loader import load_course

        return load_course(root)  # raises with a clear message
    key = found[1]
    cache = cache_dir / COURSE_CACHE
    try:
        with cache.open("rb") as f:
            saved_key, course = pickle.load(f)
        if saved_key == key:
            return course  # type: ignore[no-any-return]
    except Exception:  # any unreadable cache is simply rebuilt
        pass
    from content.loader import load_course

    course = load_course(root)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial_file = cache.with_suffix(".tmp")
        with partial_file.open("wb") as f:
            pickle.dump((key, course), f, protocol=pickle.HIGHEST_PROTOCOL)
        partial_file.replace(cache)
    except OSError:
        pass  # a read-only data dir only costs speed
    return course


# -- the first screen's words, cached (issue 14) ----------------------------------------
# The home screen's first frame needs only the lecture's title, its parts and sections and
# the interface language. They are kept in a small JSON file beside the course cache, with
# the same key, so a returning student's first frame is drawn before the course (unpickling
# it builds every question and imports the dataclasses, ~50 ms) and the progress database
# (sqlite3, ~10 ms) are opened; both load right after that frame.
FIRST_SCREEN_CACHE = "first-screen.json"


def read_first_screen(root: Path | None, cache_dir: Path) -> dict[str, Any] | None:
    """The cached first-screen words for this bank, or None (missing, stale, unreadable)."""
    import json

    try:
        data = json.loads((cache_dir / FIRST_SCREEN_CACHE).read_text(encoding="utf-8"))
        found = _course_key(root)
        if found is None or data.get("key") != json.loads(json.dumps(found[1])):
            return None
        return data  # type: ignore[no-any-return]
    except Exception:  # any unreadable cache only means loading before the first frame
        return None


def write_first_screen(root: Path | None, cache_dir: Path, lecture: Lecture, lang: str) -> None:
    import json

    found = _course_key(root)
    if found is None:
        return
    data = {
        "key": found[1],
        "lang": lang,
        "title": {"ko": lecture.title.ko, "en": lecture.title.en},
        "parts": [
            {
                "title": {"ko": p.title.ko, "en": p.title.en},
                "sections": [
                    {"ko": s.title.ko, "en": s.title.en} for s in lecture.sections if s.part == p.id
                ],
            }
            for p in lecture.parts
        ],
    }
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial_file = cache_dir / (FIRST_SCREEN_CACHE + ".tmp")
        partial_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        partial_file.replace(cache_dir / FIRST_SCREEN_CACHE)
    except OSError:
        pass  # a read-only data dir only costs speed
