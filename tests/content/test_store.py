"""The progress file: round trips, migrations, two processes at once, damaged and newer files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from content import store as store_module
from content.scheduler import Rating, Scheduler
from content.session import ExamAnswer, ExamResult
from content.store import FILE_NAME, MIGRATIONS, ProgressStore, StoreError, schema_version

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2025, 3, 3, 12, 0, tzinfo=timezone.utc)


def review(store: ProgressStore, qid: str, rating: Rating, at: datetime, **kw: object) -> None:
    store.record_review(
        question_id=qid,
        section=str(kw.get("section", "s0")),
        rating=rating,
        correct=rating >= Rating.HARD,
        response=str(kw.get("response", "O")),
        duration_s=4.5,
        now=at,
        scheduler=Scheduler(),
    )


def test_open_creates_a_wal_database_at_the_current_version(tmp_path: Path) -> None:
    data_dir = tmp_path / "deep" / "er"
    with ProgressStore.open(data_dir) as store:
        assert store.notice is None
        assert store.path == data_dir / FILE_NAME
    db = sqlite3.connect(data_dir / FILE_NAME)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema_version() == len(MIGRATIONS)
    db.close()


def test_reviews_and_cards_round_trip_and_persist(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        state = store.record_review("q1", "s0", Rating.GOOD, True, "O", 3.25, T0, Scheduler())
        review(store, "q2", Rating.AGAIN, T0 + timedelta(seconds=5), section="s1", response="X")
        review(store, "q1", Rating.GOOD, state.due)
    with ProgressStore.open(tmp_path) as store:
        states = store.card_states()
        assert set(states) == {"q1", "q2"}
        assert states["q1"].reps == 2 and states["q2"].reps == 1
        log = store.reviews()
        assert [(r.question_id, r.rating) for r in log] == [
            ("q1", Rating.GOOD),
            ("q2", Rating.AGAIN),
            ("q1", Rating.GOOD),
        ]
        first = log[0]
        assert (first.section, first.correct, first.response, first.duration_s) == (
            "s0",
            True,
            "O",
            3.25,
        )
        assert first.at == T0 and first.at.tzinfo is not None
        assert log[1].correct is False and log[1].section == "s1"
        assert [r.at for r in store.reviews("q1")] == [T0, state.due]


def test_record_review_uses_the_exam_date(tmp_path: Path) -> None:
    exam = (T0 + timedelta(days=2)).date()
    with ProgressStore.open(tmp_path) as store:
        state = None
        for _ in range(4):
            at = state.due if state else T0
            state = store.record_review("q", "s", Rating.EASY, True, "O", 1, at, Scheduler(exam))
        assert store.card_states()["q"].due <= datetime(2025, 3, 5, tzinfo=timezone.utc)


def test_exams_newest_first(tmp_path: Path) -> None:
    answers = [
        ExamAnswer("q1", "s0", True, "잔차", "잔차"),
        ExamAnswer("q2", "s1", False, "", "25.03"),
    ]
    first = ExamResult(None, "lecture15", T0, T0 + timedelta(minutes=9), 900, answers)
    second = ExamResult(None, "lecture15", T0 + timedelta(days=1), T0 + timedelta(days=1), 60, [])
    with ProgressStore.open(tmp_path) as store:
        id1 = store.save_exam(first)
        id2 = store.save_exam(second)
        assert id1 != id2
    with ProgressStore.open(tmp_path) as store:
        saved = store.exams()
    assert [e.id for e in saved] == [id2, id1]
    back = saved[1]
    assert back.answers == answers
    assert (back.started, back.finished, back.time_limit_s) == (first.started, first.finished, 900)
    assert back.per_section() == {"s0": (1, 1), "s1": (0, 1)}


def test_settings(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        assert store.get_setting("lang") is None
        assert store.get_setting("lang", "ko") == "ko"
        store.set_setting("exam_date", "2025-06-20")
        store.set_setting("exam_date", "2025-06-21")
        assert store.get_setting("exam_date") == "2025-06-21"
        store.set_setting("exam_date", None)
        assert store.get_setting("exam_date", "none") == "none"


def test_a_failed_review_changes_nothing(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        review(store, "q", Rating.GOOD, T0)
        with pytest.raises(ValueError, match="timezone-aware"):
            review(store, "q", Rating.GOOD, datetime(2025, 3, 4))
        assert len(store.reviews()) == 1
        assert store.card_states()["q"].reps == 1
        review(store, "q", Rating.GOOD, T0 + timedelta(days=1))  # the store still works
        assert store.card_states()["q"].reps == 2


# -- migrations -----------------------------------------------------------------------


def make_v1(path: Path) -> None:
    """A progress file as dlearn wrote it at schema v1, with some progress in it."""
    db = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.close()
    with sqlite3.connect(path) as db:  # write rows the way v1 did, through its tables
        state = Scheduler().review(None, "q1", Rating.GOOD, T0)
        db.execute(
            "INSERT INTO reviews (question_id, section, rating, correct, response, duration_s, at)"
            " VALUES ('q1', 's0', 3, 1, 'O', 2.0, ?)",
            (T0.isoformat(),),
        )
        db.execute(
            "INSERT INTO cards VALUES ('q1', ?, ?)", (state.to_json(), state.due.isoformat())
        )
        db.execute("INSERT INTO settings VALUES ('lang', 'ko')")
    db.close()


def test_migrating_a_v1_file_keeps_its_progress(tmp_path: Path) -> None:
    make_v1(tmp_path / FILE_NAME)
    with ProgressStore.open(tmp_path) as store:
        assert store.notice is None
        assert [r.question_id for r in store.reviews("q1")] == ["q1"]
        assert store.card_states()["q1"].reps == 1
        assert store.get_setting("lang") == "ko"
        review(store, "q1", Rating.GOOD, T0 + timedelta(hours=1))
        assert store.card_states()["q1"].reps == 2
    db = sqlite3.connect(tmp_path / FILE_NAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "reviews_by_question" in indexes
    db.close()


def test_an_appended_migration_runs_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with ProgressStore.open(tmp_path) as store:
        review(store, "q1", Rating.GOOD, T0)
    calls = []

    def add_notes(db: sqlite3.Connection) -> None:
        calls.append(1)
        db.execute("ALTER TABLE reviews ADD COLUMN note TEXT NOT NULL DEFAULT ''")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*MIGRATIONS, add_notes])
    for _ in range(2):
        with ProgressStore.open(tmp_path) as store:
            assert len(store.reviews()) == 1
    assert calls == [1]
    db = sqlite3.connect(tmp_path / FILE_NAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
    assert db.execute("SELECT note FROM reviews").fetchall() == [("",)]
    db.close()


def test_a_file_from_a_newer_dlearn_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    with ProgressStore.open(tmp_path) as store:
        review(store, "q1", Rating.GOOD, T0)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {schema_version() + 5}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer dlearn.*Upgrade dlearn"):
        ProgressStore.open(tmp_path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.corrupt-*"))


# -- damaged files and bad folders ----------------------------------------------------


def assert_moved_aside(tmp_path: Path, damaged: bytes) -> None:
    with ProgressStore.open(tmp_path) as store:
        kept = list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
        assert len(kept) == 1
        assert kept[0].name.startswith(f"{FILE_NAME}.corrupt-20")
        assert kept[0].read_bytes() == damaged
        assert store.notice is not None and str(kept[0]) in store.notice
        assert store.reviews() == []
        review(store, "q1", Rating.GOOD, T0)  # the fresh file works
        assert len(store.reviews()) == 1
    with ProgressStore.open(tmp_path) as store:
        assert store.notice is None  # reported once, not on every start


def test_garbage_is_moved_aside_and_a_fresh_file_started(tmp_path: Path) -> None:
    garbage = bytes(range(256)) * 20
    (tmp_path / FILE_NAME).write_bytes(garbage)
    assert_moved_aside(tmp_path, garbage)


def test_a_truncated_database_is_moved_aside(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        for k in range(300):
            review(store, f"q{k}", Rating.GOOD, T0, response="a long answer " * 10)
    path = tmp_path / FILE_NAME
    assert not Path(f"{path}-wal").exists()  # closing checkpointed everything into the file
    truncated = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(truncated)
    assert_moved_aside(tmp_path, truncated)


def test_two_damaged_files_in_one_second_both_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "_utc_now", lambda: T0)
    for garbage in (b"first" * 100, b"second" * 100):
        (tmp_path / FILE_NAME).write_bytes(garbage)
        ProgressStore.open(tmp_path).close()
    kept = sorted(p.read_bytes() for p in tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    assert kept == [b"first" * 100, b"second" * 100]


def test_a_data_dir_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="Cannot create the data folder .*file/dlearn"):
        ProgressStore.open(blocker / "dlearn")
    assert blocker.read_text() == "not a folder"


def test_a_data_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="is a file, not a folder"):
        ProgressStore.open(blocker)
    assert blocker.read_text() == "not a folder"


# -- two processes at once ------------------------------------------------------------

WORKER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime, timedelta, timezone
    from pathlib import Path
    from content.scheduler import Rating, Scheduler
    from content.store import ProgressStore

    data_dir, name = Path(sys.argv[1]), sys.argv[2]
    store = ProgressStore.open(data_dir)
    scheduler = Scheduler()
    import fsrs  # before the race, not inside the first transaction
    (data_dir / f"ready-{name}").touch()
    while not (data_dir / "go").exists():
        time.sleep(0.005)
    t0 = datetime(2025, 3, 3, 12, 0, tzinfo=timezone.utc)
    for k in range(50):
        store.record_review("shared", "s0", Rating.GOOD, True, name, 1.0,
                            t0 + timedelta(seconds=k), scheduler)
        time.sleep(0.001)  # let the other process in between our transactions
    store.close()
    """
)


def test_two_processes_reviewing_at_once_lose_nothing(tmp_path: Path) -> None:
    ProgressStore.open(tmp_path).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(tmp_path), name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in ("a", "b")):
        assert time.monotonic() < deadline, "workers did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.01)
    (tmp_path / "go").touch()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "locked" not in err
    with ProgressStore.open(tmp_path) as store:
        log = store.reviews()
        assert len(log) == 100
        assert sorted(r.response for r in log).count("a") == 50
        assert store.card_states()["shared"].reps == 100


def test_a_file_locked_too_long_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    with ProgressStore.open(tmp_path) as store:
        other = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        with pytest.raises(StoreError, match="locked by another program"):
            review(store, "q1", Rating.GOOD, T0)
        other.rollback()
        other.close()
        review(store, "q1", Rating.GOOD, T0)  # works once the lock is released
        assert len(store.reviews()) == 1


def test_v3_exam_answers_keeps_old_exams_and_marks_exam_reviews(tmp_path: Path) -> None:
    """A v2 file's exams (answers without their JSON or seed) still load after v3, and an
    exam's answers logged as reviews are told apart from a review session's."""
    path = tmp_path / FILE_NAME
    db = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](db)
    MIGRATIONS[1](db)
    db.execute("PRAGMA user_version = 2")
    old = '[{"question_id": "q1", "section": "s0", "correct": false, "response": "0.36 kg",'
    old += ' "expected": "0.360"}]'
    db.execute(
        "INSERT INTO exams (lecture, started, finished, time_limit_s, answers)"
        " VALUES ('l', ?, ?, 60, ?)",
        (T0.isoformat(), T0.isoformat(), old),
    )
    db.close()
    with ProgressStore.open(tmp_path) as store:
        (exam,) = store.exams()
        assert exam.answers[0].response == "0.36 kg" and exam.answers[0].raw is None
        assert exam.answers[0].seed is None
        store.record_review(
            question_id="q1",
            section="s0",
            rating=Rating.AGAIN,
            correct=False,
            response='"0.36"',
            duration_s=3.0,
            now=T0,
            scheduler=Scheduler(),
            exam_id=exam.id,
        )
        review(store, "q2", Rating.GOOD, T0)
        assert exam.id is not None and store.exam_review_ids(exam.id) == ["q1"]
    db = sqlite3.connect(path)
    assert (
        db.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    )  # v3, then every later migration
    db.close()
