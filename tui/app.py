"""The dlearn app: the Review half (home, notes, review, mock exam, progress).

`create_app` builds it for the console script and the tests alike, so a test app is one
line; tests pass a fixed clock (`now`) and `seed` so snapshots do not change with the date.

Start-up is kept light (the first screen must paint within 0.5 s on a 2-core machine):
only the home screen is imported here; every other screen, and the Markdown widget the
notes need, is imported when first opened. Nothing here imports torch.
"""

from __future__ import annotations

import pickle
import random
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from tui.i18n import LANG_NAMES, relabel, tr

if TYPE_CHECKING:
    from content.model import Course, Lecture, Problem
    from content.scheduler import Scheduler
    from content.store import ProgressStore

START_SCREENS = ("home", "review", "exam", "notes", "progress", "labs", "runs", "exercises")
SECONDS_PER_QUESTION = 90  # the mock exam's default time limit: 1.5 minutes a question
COURSE_CACHE = "course.pickle"  # under data_dir/cache


def load_course_cached(root: Path | None, cache_dir: Path) -> Course:
    """`content.loader.load_course`, remembered on disk between runs.

    Parsing the TOML bank (pure-Python tomllib) was the slowest step of start-up after
    importing Textual. The cache is keyed on the size and modification time of every TOML
    file under `root` and of the content package's code, so any edit reloads; a missing,
    stale or unreadable cache just means parsing as before.
    """
    import content

    package = Path(content.__file__).parent
    folder = package / "lectures" if root is None else root
    if not folder.is_dir():
        from content.loader import load_course

        return load_course(root)  # raises with a clear message
    files = sorted(folder.rglob("*.toml")) + sorted(package.rglob("*.py"))
    key = [sys.version] + [(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files]
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


def utc_now() -> datetime:
    """The real clock, timezone-aware as the scheduler requires."""
    return datetime.now(timezone.utc)


class DlearnApp(App[None]):
    """The Textual app; screens reach the course, the store and the clock through it."""

    TITLE = "dlearn"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+l", "toggle_lang", "lang_switch", priority=True),
    ]

    lang: reactive[str] = reactive("en")
    """Interface language, "ko" or "en"; switching relabels every screen in the stack."""

    def __init__(
        self,
        *,
        lang: str | None,
        data_dir: Path,
        content_dir: Path | None,
        start: str,
        exam_questions: int,
        exam_minutes: int | None,
        now: Callable[[], datetime],
        seed: int | None,
    ) -> None:
        super().__init__()
        if start not in START_SCREENS:
            raise ValueError(f"start must be one of {', '.join(START_SCREENS)}, got {start!r}")
        self.start = start
        self.exam_questions = exam_questions
        self.exam_minutes = exam_minutes
        self.now = now
        self.rng = random.Random(seed)
        self.startup_error: str | None = None
        self.data_dir = data_dir  # progress, runs (data_dir / "runs") and exports
        self.lecture: Lecture | None = None
        self.problems: list[Problem] = []
        self._store: ProgressStore | None = None
        self._load(content_dir, data_dir, lang or "en")
        saved = self._store.get_setting("lang") if self._store else None
        if lang is None and saved not in LANG_NAMES:
            from tui.settings import default_lang  # the locale's choice, if nothing was saved

            saved = default_lang()
        chosen = lang or saved or "en"
        self.set_reactive(DlearnApp.lang, chosen)

    def _load(self, content_dir: Path | None, data_dir: Path, lang: str) -> None:
        """Read the course and open the progress store; failures become `startup_error`."""
        from content.store import ProgressStore, StoreError

        try:
            course = load_course_cached(content_dir, data_dir / "cache")
        except (FileNotFoundError, NotADirectoryError) as exc:
            self.startup_error = str(exc)
            return
        self.problems = list(course.problems)
        if not course.lectures:
            details = "\n".join(f"  {p}" for p in course.problems[:10])
            self.startup_error = tr("no_lecture", lang) + ("\n" + details if details else "")
            return
        self.lecture = course.lectures[0]
        try:
            self._store = ProgressStore.open(data_dir)
        except StoreError as exc:
            self.startup_error = str(exc)

    @property
    def store(self) -> ProgressStore:
        """The progress store (always open once the app is running)."""
        assert self._store is not None, "the store failed to open; see startup_error"
        return self._store

    @property
    def course(self) -> Lecture:
        """The lecture being studied (the first one loaded)."""
        assert self.lecture is not None, "no lecture loaded; see startup_error"
        return self.lecture

    # -- settings ---------------------------------------------------------------------

    @property
    def exam_date(self) -> date | None:
        """The exam date setting, or None (also for an unreadable value)."""
        value = self.store.get_setting("exam_date")
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    def set_exam_date(self, value: date | None) -> None:
        self.store.set_setting("exam_date", value.isoformat() if value else None)

    def scheduler(self) -> Scheduler:
        """A scheduler that respects the current exam date."""
        from content.scheduler import Scheduler

        return Scheduler(self.exam_date)

    def today(self) -> date:
        """Today's date where the learner is (local time of the clock)."""
        return self.now().astimezone().date()

    # -- screens ----------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        if self.startup_error is not None:
            return Screen()
        from tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        if self.startup_error is not None:
            self.exit(return_code=1, message=f"dlearn: {self.startup_error}")
            return
        self.title = f"dlearn · {self.course.title.get(self.lang)}"
        if self.start != "home":
            self.push_screen(self.make_screen(self.start))

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()

    def make_screen(self, name: str, section: str | None = None) -> Screen[Any]:
        """A new screen by name; modules are imported on first use to keep start-up fast."""
        if name == "review":
            from tui.screens.review import ReviewScreen

            return ReviewScreen(section=section)
        if name == "exam":
            from tui.screens.exam import ExamScreen

            return ExamScreen(questions=self.exam_questions, minutes=self.exam_minutes)
        if name == "notes":
            from tui.screens.notes import NotesScreen

            return NotesScreen(section=section)
        if name == "progress":
            from tui.screens.progress import ProgressScreen

            return ProgressScreen()
        if name == "labs":
            from tui.screens.labs import LabsScreen

            return LabsScreen(lab_id=section)
        if name == "runs":
            from tui.screens.runs import RunsScreen

            return RunsScreen()
        if name == "exercises":
            from tui.screens.exercises import ExercisesScreen

            return ExercisesScreen(exercise_id=section)
        raise ValueError(f"no screen called {name!r}")

    async def open_screen(self, name: str, section: str | None = None) -> None:
        """Go to a top-level screen from anywhere, asking first if leaving loses work."""
        warn: Callable[[], str | None] | None = getattr(self.screen, "leave_warning", None)
        message = warn() if warn else None
        if message:
            from tui.screens.confirm import ConfirmScreen

            def proceed(ok: bool | None) -> None:
                if ok:
                    self.call_later(self._go, name, section)

            self.push_screen(ConfirmScreen(message), proceed)
            return
        await self._go(name, section)

    async def _go(self, name: str, section: str | None) -> None:
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        if name != "home":
            await self.push_screen(self.make_screen(name, section))

    async def action_open(self, name: str, section: str | None = None) -> None:
        await self.open_screen(name, section)

    def action_exam_date(self) -> None:
        from tui.screens.exam_date import ExamDateScreen

        self.push_screen(ExamDateScreen())

    # -- language ---------------------------------------------------------------------

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "ko" else "ko"

    def watch_lang(self, lang: str) -> None:
        if self.lecture is not None:
            self.title = f"dlearn · {self.lecture.title.get(lang)}"
        if self._store is not None:
            self._store.set_setting("lang", lang)
        for screen in self.screen_stack:
            relabel(screen, lang)
        self.screen.refresh_bindings()

    # -- command palette --------------------------------------------------------------

    def action_command_palette(self) -> None:
        """Textual's palette, with its prompt in the interface language."""
        from textual.command import CommandPalette

        already_open = any(isinstance(s, CommandPalette) for s in self.screen_stack)
        if self.use_command_palette and not already_open:
            placeholder = tr("palette_placeholder", self.lang)
            self.push_screen(CommandPalette(id="--command-palette", placeholder=placeholder))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        lang = self.lang
        if self.lecture is not None:
            for name in START_SCREENS:
                yield SystemCommand(
                    tr(name, lang), tr(f"cmd_{name}", lang), partial(self.open_screen, name)
                )
            yield SystemCommand(
                tr("exam_date", lang), tr("cmd_exam_date", lang), self.action_exam_date
            )
            for section in self.lecture.sections:
                yield SystemCommand(
                    tr("cmd_notes_section", lang, title=section.title.get(lang)),
                    tr("cmd_notes_section_help", lang),
                    partial(self.open_screen, "notes", section.id),
                    discover=False,
                )
        if self.lecture is not None:
            from engine.catalogue import LABS

            for lab in LABS.values():
                yield SystemCommand(
                    tr("cmd_lab", lang, title=lab.title.get(lang, lab.id)),
                    tr("cmd_lab_help", lang),
                    partial(self.open_screen, "labs", lab.id),
                    discover=False,
                )
        yield SystemCommand(
            tr("cmd_lang_title", lang), tr("cmd_lang", lang), self.action_toggle_lang
        )
        yield from super().get_system_commands(screen)


def create_app(
    *,
    lang: str | None,
    data_dir: Path,
    content_dir: Path | None,
    start: str = "home",
    exam_questions: int = 25,
    exam_minutes: int | None = None,
    now: Callable[[], datetime] = utc_now,
    seed: int | None = None,
) -> DlearnApp:
    """The app, for the `dlearn` command and for tests.

    `lang` None means the language saved from the last session, else the locale's. `now` and
    `seed` make a run repeatable: tests pass a fixed clock and seed.
    """
    return DlearnApp(
        lang=lang,
        data_dir=data_dir,
        content_dir=content_dir,
        start=start,
        exam_questions=exam_questions,
        exam_minutes=exam_minutes,
        now=now,
        seed=seed,
    )
