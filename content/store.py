"""The learner's progress: one SQLite file, `progress.sqlite3`, in the data directory.

It holds every review (grade, answer, time taken), each question's FSRS card state, the
mock exams and a few settings. Rules that keep it safe:

- WAL mode and a busy timeout, and every review is one `BEGIN IMMEDIATE` transaction that
  reads the card state *inside* the transaction, so two dlearn processes (two terminals,
  two SSH sessions) reviewing at once lose nothing.
- `PRAGMA user_version` is the schema version; `MIGRATIONS[i]` upgrades version i to i+1,
  so a new version is one appended function. A file from a newer dlearn is left alone.
- A file that is not a readable database is never deleted: it is renamed
  `progress.sqlite3.corrupt-<UTC timestamp>` and a fresh file is started, and `notice`
  tells the learner where the old one is.

Why one file: the schema, its migrations and every query share one connection's rules
(transactions, the busy timeout, the corruption check); split, a reader would have to hold
them together across files to see that two processes cannot lose a review.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from content.scheduler import CardState, Rating, Scheduler, as_utc
from content.session import ExamAnswer, ExamResult

FILE_NAME = "progress.sqlite3"
BUSY_TIMEOUT_MS = 5000
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


class StoreError(Exception):
    """The progress file cannot be used; the message says why and what to do."""


def _v1_tables(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE reviews (id INTEGER PRIMARY KEY, question_id TEXT NOT NULL,"
        " section TEXT NOT NULL, rating INTEGER NOT NULL, correct INTEGER NOT NULL,"
        " response TEXT NOT NULL, duration_s REAL NOT NULL, at TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE cards (question_id TEXT PRIMARY KEY, state TEXT NOT NULL, due TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE exams (id INTEGER PRIMARY KEY, lecture TEXT NOT NULL,"
        " started TEXT NOT NULL, finished TEXT NOT NULL, time_limit_s INTEGER NOT NULL,"
        " answers TEXT NOT NULL)"
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _v2_review_index(db: sqlite3.Connection) -> None:
    """`reviews(question_id)` reads one question's history without a full scan."""
    db.execute("CREATE INDEX reviews_by_question ON reviews (question_id, id)")


def _v3_exam_answers(db: sqlite3.Connection) -> None:
    """A mock exam's answers are reviews too (a missed question comes back for review);
    `reviews.exam_id` says which exam a review came from (NULL: a review session)."""
    db.execute("ALTER TABLE reviews ADD COLUMN exam_id INTEGER REFERENCES exams (id)")


def _v4_memory_models(db: sqlite3.Connection) -> None:
    """Every FSRS fit to this learner's reviews (`content.memory_fit.FitResult` as JSON);
    the newest is the one in use. Old fits stay, so a worse refit can be undone by hand."""
    db.execute(
        "CREATE TABLE memory_models (id INTEGER PRIMARY KEY, fitted_at TEXT NOT NULL,"
        " result TEXT NOT NULL)"
    )


# MIGRATIONS[i] takes a database at schema version i to version i + 1. Only ever append.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v1_tables,
    _v2_review_index,
    _v3_exam_answers,
    _v4_memory_models,
]


def schema_version() -> int:
    """The schema version this dlearn writes."""
    return len(MIGRATIONS)


@dataclass(frozen=True)
class ReviewRecord:
    """One row of the review log."""

    question_id: str
    section: str
    rating: Rating
    correct: bool
    response: str
    duration_s: float
    at: datetime


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """Damaged or not a database at all, as opposed to locked, read-only, disk full..."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # Python < 3.11 has no error codes: fall back to SQLite's wording
        return "malformed" in str(exc) or "not a database" in str(exc)
    return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)


class ProgressStore:
    """Progress in `data_dir/progress.sqlite3`. Open with `ProgressStore.open(data_dir)`.

    One connection, shared by the app's threads under a lock (Textual workers are threads).
    """

    def __init__(self, path: Path, db: sqlite3.Connection, notice: str | None = None) -> None:
        self.path = path
        self.notice = notice  # something the UI should tell the learner, once
        self._db = db
        self._lock = threading.RLock()

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path) -> ProgressStore:
        data_dir = Path(data_dir).expanduser()
        if data_dir.exists() and not data_dir.is_dir():
            raise StoreError(
                f"The data folder {data_dir} is a file, not a folder. Choose another folder "
                "(dlearn --data-dir DIR, or set DLEARN_DATA_DIR)."
            )
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Cannot create the data folder {data_dir}: {exc.strerror or exc}. "
                "Choose a folder you can write to (dlearn --data-dir DIR, or set "
                "DLEARN_DATA_DIR)."
            ) from exc
        path = data_dir / FILE_NAME
        try:
            return cls(path, _connect(path))
        except _Damaged as exc:
            reason = str(exc)
            kept = _move_aside(path)
        notice = (
            f"Your progress file could not be read ({reason}). It was kept as {kept}, "
            f"and a new, empty progress file was started at {path}."
        )
        try:
            return cls(path, _connect(path), notice)
        except _Damaged as exc:
            raise StoreError(f"A fresh progress file at {path} is unreadable too: {exc}") from exc

    # -- reviews and cards -----------------------------------------------------------

    def record_review(
        self,
        question_id: str,
        section: str,
        rating: Rating,
        correct: bool,
        response: str,
        duration_s: float,
        now: datetime,
        scheduler: Scheduler,
        exam_id: int | None = None,
    ) -> CardState:
        """Log one review and reschedule its card, atomically; returns the new card state.

        `exam_id` marks an answer given in that mock exam rather than in a review session."""
        now = as_utc(now, "review time")
        rating = Rating(rating)
        with self._transaction() as db:
            row = db.execute(
                "SELECT state FROM cards WHERE question_id = ?", (question_id,)
            ).fetchone()
            old = _parse_card(row[0]) if row else None
            new = scheduler.review(old, question_id, rating, now)
            db.execute(
                "INSERT INTO reviews (question_id, section, rating, correct, response,"
                " duration_s, at, exam_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    question_id,
                    section,
                    int(rating),
                    int(correct),
                    response,
                    float(duration_s),
                    now.isoformat(),
                    exam_id,
                ),
            )
            db.execute(
                "INSERT INTO cards (question_id, state, due) VALUES (?, ?, ?)"
                " ON CONFLICT (question_id) DO UPDATE SET state = excluded.state,"
                " due = excluded.due",
                (question_id, new.to_json(), new.due.isoformat()),
            )
        return new

    def card_states(self) -> dict[str, CardState]:
        """Every seen question's card state (a row that cannot be parsed is skipped)."""
        with self._lock:
            rows = self._db.execute("SELECT state FROM cards").fetchall()
        states = (_parse_card(text) for (text,) in rows)
        return {s.question_id: s for s in states if s is not None}

    def reviews(self, question_id: str | None = None) -> list[ReviewRecord]:
        """The review log, oldest first; only `question_id`'s reviews when given."""
        sql = "SELECT question_id, section, rating, correct, response, duration_s, at FROM reviews"
        args: tuple[str, ...] = ()
        if question_id is not None:
            sql += " WHERE question_id = ?"
            args = (question_id,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY id", args).fetchall()
        return [
            ReviewRecord(
                q, s, Rating(r), bool(c), resp, float(d), as_utc(datetime.fromisoformat(at))
            )
            for q, s, r, c, resp, d, at in rows
        ]

    # -- exams -----------------------------------------------------------------------

    def save_exam(self, result: ExamResult) -> int:
        """Store a finished exam; returns its id (the result itself is not changed)."""
        answers = json.dumps([asdict(a) for a in result.answers], ensure_ascii=False)
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO exams (lecture, started, finished, time_limit_s, answers)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    result.lecture,
                    as_utc(result.started, "exam start").isoformat(),
                    as_utc(result.finished, "exam end").isoformat(),
                    int(result.time_limit_s),
                    answers,
                ),
            )
            exam_id = cursor.lastrowid
        assert exam_id is not None
        return exam_id

    def exam_review_ids(self, exam_id: int) -> list[str]:
        """The questions whose answers in exam `exam_id` were logged as reviews."""
        with self._lock:
            rows = self._db.execute(
                "SELECT question_id FROM reviews WHERE exam_id = ? ORDER BY id", (exam_id,)
            ).fetchall()
        return [q for (q,) in rows]

    def exams(self) -> list[ExamResult]:
        """Every saved exam, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, lecture, started, finished, time_limit_s, answers FROM exams"
                " ORDER BY id DESC"
            ).fetchall()
        return [
            ExamResult(
                id=exam_id,
                lecture=lecture,
                started=as_utc(datetime.fromisoformat(started)),
                finished=as_utc(datetime.fromisoformat(finished)),
                time_limit_s=int(limit),
                answers=[_exam_answer(a) for a in json.loads(answers)],
            )
            for exam_id, lecture, started, finished, limit, answers in rows
        ]

    # -- settings --------------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else str(row[0])

    def set_setting(self, key: str, value: str | None) -> None:
        """Set `key` to `value`; None removes it (e.g. clearing the exam date)."""
        with self._transaction() as db:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                db.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, str(value)),
                )

    # -- the learner's fitted memory model (content.memory_fit) -----------------------

    def save_memory_model(self, result_json: str, fitted_at: datetime) -> None:
        """Keep a fit; from now on it is the one `memory_model` returns."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO memory_models (fitted_at, result) VALUES (?, ?)",
                (as_utc(fitted_at, "fit time").isoformat(), result_json),
            )

    def memory_model(self) -> tuple[datetime, str] | None:
        """(when, FitResult JSON) of the newest fit, or None before the first one."""
        with self._lock:
            row = self._db.execute(
                "SELECT fitted_at, result FROM memory_models ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return None if row is None else (as_utc(datetime.fromisoformat(row[0])), str(row[1]))

    def forget_memory_model(self) -> None:
        """Back to FSRS's defaults: the fits are removed (the reviews stay)."""
        with self._transaction() as db:
            db.execute("DELETE FROM memory_models")

    # -- cards of questions that are gone (a deleted run's, content.run_questions) ----

    def forget_cards(self, question_ids: list[str]) -> int:
        """Remove these questions' cards from the schedule (their reviews stay in the log);
        returns how many cards there were."""
        if not question_ids:
            return 0
        with self._transaction() as db:
            cursor = db.executemany(
                "DELETE FROM cards WHERE question_id = ?", [(q,) for q in question_ids]
            )
            return cursor.rowcount

    # -- lifetime --------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock up front (waits up to the busy
        timeout for another process), so what it reads cannot change before it writes."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _store_error(self.path, exc) from exc
            try:
                yield self._db
                self._db.commit()
            except BaseException as exc:
                if self._db.in_transaction:
                    self._db.rollback()
                if isinstance(exc, sqlite3.Error):
                    raise _store_error(self.path, exc) from exc
                raise


def _exam_answer(entry: dict[str, object]) -> ExamAnswer:
    """One stored exam answer; keys an older or newer dlearn wrote are tolerated."""
    known = {f for f in ExamAnswer.__dataclass_fields__}
    return ExamAnswer(**{k: v for k, v in entry.items() if k in known})  # type: ignore[arg-type]


def _parse_card(text: str) -> CardState | None:
    """A stored card state, or None when it is unreadable (the card then starts afresh;
    its reviews stay in the log)."""
    try:
        return CardState.from_json(text)
    except ValueError:
        return None


class _Damaged(Exception):
    """The file is not a readable SQLite database (corrupt, truncated, or something else)."""


def _connect(path: Path) -> sqlite3.Connection:
    """Open, check and migrate the file.

    Raises _Damaged when the file is not a readable database, StoreError for everything
    else that stops us (a newer schema, a read-only folder, a full disk...).
    """
    try:
        db = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise _store_error(path, exc) from exc
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        _refuse_newer(path, version)
        problems = [r[0] for r in db.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise _Damaged(f"damaged: {problems[0]}")
        db.execute("PRAGMA journal_mode = WAL")  # may stay "delete" on odd file systems
        _migrate(path, db)
    except sqlite3.DatabaseError as exc:
        db.close()
        if _is_corruption(exc):
            raise _Damaged(str(exc)) from exc
        raise _store_error(path, exc) from exc
    except BaseException:
        db.close()
        raise
    return db


def _refuse_newer(path: Path, version: int) -> None:
    if version > schema_version():
        raise StoreError(
            f"{path} was written by a newer dlearn (progress schema v{version}; this dlearn "
            f"knows up to v{schema_version()}). Upgrade dlearn (pip install -U dlearn) to use "
            "it; the file was not changed."
        )


def _migrate(path: Path, db: sqlite3.Connection) -> None:
    """Apply the missing migrations, each in its own transaction with its version bump.

    The version is re-read after taking the write lock: another dlearn may have
    migrated the file meanwhile. An up-to-date file is not locked at all.
    """
    if db.execute("PRAGMA user_version").fetchone()[0] == schema_version():
        return
    while True:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            _refuse_newer(path, version)
            if version == schema_version():
                db.commit()
                return
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            db.rollback()
            raise
        db.commit()


def _move_aside(path: Path) -> Path:
    """Rename a damaged file (and its -wal / -shm companions) to a name that is free;
    returns the new name. The -wal file keeps SQLite's naming, so renaming the kept file
    back later still finds its log."""
    stamp = _utc_now().strftime("%Y%m%dT%H%M%S")
    kept = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while any(Path(f"{kept}{x}").exists() for x in ("", "-wal", "-shm")):
        kept = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    try:
        for extra in ("-wal", "-shm"):
            companion = Path(f"{path}{extra}")
            if companion.exists():
                companion.rename(f"{kept}{extra}")
        path.rename(kept)
    except OSError as exc:
        raise StoreError(
            f"{path} is damaged and could not be moved aside ({exc.strerror or exc}). "
            "Move it somewhere safe yourself, then start dlearn again."
        ) from exc
    return kept


def _store_error(path: Path, exc: sqlite3.Error) -> StoreError:
    if "locked" in str(exc) or "busy" in str(exc):
        return StoreError(
            f"The progress file {path} stayed locked by another program for "
            f"{BUSY_TIMEOUT_MS // 1000} s ({exc}). Close other dlearn windows (or whatever "
            "holds the file) and try again."
        )
    return StoreError(
        f"Cannot use the progress file {path}: {exc}. Check that its folder is writable and "
        "that the disk is not full, or choose another folder (dlearn --data-dir DIR)."
    )
