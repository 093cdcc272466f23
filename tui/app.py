"""The dlearn app: the Review half (home, notes, review, mock exam, progress).

`create_app` builds it for the console script and the tests alike, so a test app is one
line; tests pass a fixed clock (`now`) and `seed` so snapshots do not change with the date.

Start-up is kept light (the first screen must paint within 0.5 s on a 2-core machine):
only the home screen is imported here; every other screen, and the Markdown widget the
notes need, is imported when first opened. Nothing here imports torch.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from tui.i18n import LANG_NAMES, STRINGS, relabel, tr
from tui.startup_cache import load_course_cached, read_first_screen, write_first_screen

if TYPE_CHECKING:
    from content.model import Lecture, Problem
    from content.scheduler import Scheduler
    from content.store import ProgressStore

START_SCREENS = ("home", "review", "exam", "notes", "progress", "labs", "runs", "exercises")
SECONDS_PER_QUESTION = 90  # the mock exam's default time limit: 1.5 minutes a question
# screen name -> (module in tui/screens, class, the keyword its `section` argument goes to)
SCREENS = {
    "review": ("review", "ReviewScreen", "section"),
    "exam": ("exam", "ExamScreen", ""),
    "notes": ("notes", "NotesScreen", "section"),
    "progress": ("progress", "ProgressScreen", ""),
    "labs": ("labs", "LabsScreen", "lab_id"),
    "runs": ("runs", "RunsScreen", ""),
    "exercises": ("exercises", "ExercisesScreen", "exercise_id"),
}


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
        exam_minutes: float | None,
        now: Callable[[], datetime],
        seed: int | None,
    ) -> None:
        super().__init__()
        if start not in START_SCREENS:
            raise ValueError(f"start must be one of {', '.join(START_SCREENS)}, got {start!r}")
        self.start = start
        self.exam_questions = exam_questions
        self.exam_minutes = exam_minutes
        self.exam_enrichment = False  # `dlearn exam --enrichment`: set by create_app
        self.now = now
        self.rng = random.Random(seed)
        # Seeds each attempt's option order (content.shuffle); a fixed seed repeats them.
        self.shuffle_seed = seed if seed is not None else random.SystemRandom().getrandbits(64)
        self.startup_error: str | None = None
        self.data_dir = data_dir  # progress, runs (data_dir / "runs") and exports
        self.lecture: Lecture | None = None
        self.problems: list[Problem] = []
        self._store: ProgressStore | None = None
        self.content_dir = content_dir
        # a returning student's home screen is drawn from cached words; the course and the
        # store load right after the first frame (`ensure_loaded`)
        self.first_screen = read_first_screen(content_dir, data_dir / "cache")
        if start != "home" or self.first_screen is None:
            self.first_screen = None
            self._load(content_dir, data_dir, lang or "en")
        else:
            cached = self.first_screen.get("lang")
            self.set_reactive(DlearnApp.lang, lang or (cached if cached in LANG_NAMES else "en"))
            return
        saved = self._store.get_setting("lang") if self._store else None
        if lang is None and saved not in LANG_NAMES:
            from tui.settings import default_lang  # the locale's choice, if nothing was saved

            saved = default_lang()
        chosen = lang or saved or "en"
        self.set_reactive(DlearnApp.lang, chosen)
        if self.lecture is not None and self._store is not None:
            write_first_screen(content_dir, data_dir / "cache", self.lecture, saved or chosen)

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
            return

    @property
    def loaded(self) -> bool:
        """Whether the course and the store are loaded (not yet on a deferred first frame)."""
        return self.first_screen is None

    def ensure_loaded(self) -> bool:
        """Load the course and open the store if the first frame went out without them;
        False (and the app exits with the reason) when that fails."""
        if self.first_screen is None:
            return self.startup_error is None
        self.first_screen = None
        self._load(self.content_dir, self.data_dir, self.lang)
        if self.startup_error is not None:
            self.exit(return_code=1, message=f"dlearn: {self.startup_error}")
            return False
        self.title = f"dlearn · {self.course.title.get(self.lang)}"
        return True

    @property
    def store(self) -> ProgressStore:
        """The progress store (always open once the app is running)."""
        self.ensure_loaded()
        assert self._store is not None, "the store failed to open; see startup_error"
        return self._store

    @property
    def course(self) -> Lecture:
        """The lecture being studied (the first one loaded)."""
        self.ensure_loaded()
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
        """A scheduler that respects the current exam date and the learner's fitted model."""
        from content.scheduler import Scheduler

        return Scheduler(self.exam_date, self.memory_parameters())

    def memory_parameters(self) -> tuple[float, ...] | None:
        """The FSRS parameters fitted to this learner (Progress screen), None for defaults.

        An unreadable or out-of-bounds saved fit is ignored: the defaults are safe.
        """
        saved = self.store.memory_model()
        if saved is None:
            return None
        from content.memory_fit import FitResult, valid_parameters

        try:
            parameters = FitResult.from_json(saved[1]).parameters
        except ValueError:
            return None
        return parameters if valid_parameters(parameters) else None

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
        if self.first_screen is not None:
            title = self.first_screen.get("title") or {}
            self.title = f"dlearn · {title.get(self.lang, '')}"
            return  # the home screen loads the rest after its first frame
        self.title = f"dlearn · {self.course.title.get(self.lang)}"
        if self.start != "home":
            self.push_screen(self.make_screen(self.start))

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()

    def make_screen(self, name: str, section: str | None = None) -> Screen[Any]:
        """A new screen by name; its module is imported on first use to keep start-up fast."""
        if name not in SCREENS:
            raise ValueError(f"no screen called {name!r}")
        module, class_name, section_arg = SCREENS[name]
        screen_class = getattr(importlib.import_module(f"tui.screens.{module}"), class_name)
        if name == "exam":
            return screen_class(questions=self.exam_questions, minutes=self.exam_minutes)  # type: ignore[no-any-return]
        return screen_class(**({section_arg: section} if section_arg else {}))  # type: ignore[no-any-return]

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
        if self.lecture is not None:
            write_first_screen(self.content_dir, self.data_dir / "cache", self.lecture, lang)
        for screen in self.screen_stack:
            relabel(screen, lang)
        self.screen.refresh_bindings()

    # -- command palette --------------------------------------------------------------

    def action_command_palette(self) -> None:
        """Textual's palette, with its prompt in the interface language."""
        from textual.command import CommandPalette

        already_open = any(isinstance(s, CommandPalette) for s in self.screen_stack)
        if self.use_command_palette and not already_open:
            from tui.screens.palette import LocalPalette

            placeholder = tr("palette_placeholder", self.lang)
            self.push_screen(LocalPalette(lang=self.lang, placeholder=placeholder))

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
        yield from self._palette_extras(screen, lang)

    # -- issue 17: glossary and wrong answers in the palette, Textual's entries translated --

    def _palette_extras(self, screen: Screen[Any], lang: str) -> Iterable[SystemCommand]:
        if self.lecture is not None:
            yield SystemCommand(
                tr("cmd_glossary_title", lang),
                tr("cmd_glossary", lang),
                partial(self.open_screen, "notes", "glossary"),
            )
            yield SystemCommand(
                tr("cmd_wrong_title", lang), tr("cmd_wrong", lang), self.action_last_wrong
            )
        for command in super().get_system_commands(screen):
            key = f"cmd_textual_{command.title.lower()}"
            if key in STRINGS:  # Textual's own entries (Theme, Quit, Keys...) in `lang`
                command = SystemCommand(tr(key, lang), tr(f"{key}_help", lang), command.callback)
            yield command

    async def action_last_wrong(self) -> None:
        """The wrong answers of the newest mock exam that had any."""
        from tui.screens.exam_result import reopen

        for exam in self.store.exams():
            screen = reopen(self.course, exam)
            if screen.wrong():
                await self.push_screen(screen)
                screen.action_wrong()
                return
        self.notify(tr("no_wrong_answers", self.lang))


def create_app(
    *,
    lang: str | None,
    data_dir: Path,
    content_dir: Path | None,
    start: str = "home",
    exam_questions: int = 25,
    exam_minutes: float | None = None,
    now: Callable[[], datetime] = utc_now,
    seed: int | None = None,
    exam_enrichment: bool = False,
) -> DlearnApp:
    """The app, for the `dlearn` command and for tests.

    `lang` None means the language saved from the last session, else the locale's. `now` and
    `seed` make a run repeatable: tests pass a fixed clock and seed.
    """
    app = DlearnApp(
        lang=lang,
        data_dir=data_dir,
        content_dir=content_dir,
        start=start,
        exam_questions=exam_questions,
        exam_minutes=exam_minutes,
        now=now,
        seed=seed,
    )
    app.exam_enrichment = exam_enrichment  # the mock exam draws enrichment items only if asked
    return app
