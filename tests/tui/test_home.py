"""Home, language switching, the exam date, notices, the command palette and progress."""

from __future__ import annotations

from pathlib import Path

from content.scheduler import Rating, Scheduler
from content.store import ProgressStore
from tests.tui.conftest import START, AppFactory, Clock, palette_offers, screen_text, wait_until
from tui.app import create_app
from tui.screens.exam_date import ExamDateScreen
from tui.screens.home import HomeScreen
from tui.screens.notes import NotesScreen
from tui.screens.progress import ProgressScreen
from tui.screens.review import ReviewScreen


async def test_home_lists_parts_sections_and_counts(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for title in ("Deep convolutional networks", "  The residual block", "The Transformer"):
            assert title in text
        assert "Due 0 · New 8" in text
        assert "No exam taken yet" in text and "No exam date" in text


async def test_language_switches_at_run_time_and_is_saved(make_app: AppFactory) -> None:
    app = make_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Review" in screen_text(app) and "복습" not in screen_text(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        text = screen_text(app)
        assert "복습 예정 0 · 새 문항 8" in text
        assert "심층 합성곱 신경망" in text and "  잔차 블록" in text
        assert "r 복습" in text  # the footer follows too
        assert app.store.get_setting("lang") == "ko"
        await pilot.press("r")
        await pilot.pause()
        assert "잔차 블록의 출력은?" in screen_text(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "What does a residual block output?" in screen_text(app)


async def test_screens_below_follow_a_language_switch(make_app: AppFactory) -> None:
    app = make_app(lang="en", start="review")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "r 복습" in text and "복습 예정" in text


async def test_saved_language_is_used_when_none_is_given(course_dir: Path, data_dir: Path) -> None:
    with ProgressStore.open(data_dir) as store:
        store.set_setting("lang", "ko")
    app = create_app(lang=None, data_dir=data_dir, content_dir=course_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.lang == "ko" and "새 문항" in screen_text(app)


async def test_corrupt_database_notice_on_home(make_app: AppFactory, data_dir: Path) -> None:
    (data_dir / "progress.sqlite3").write_bytes(b"this is not a database " * 100)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.store.notice
        text = screen_text(app)
        assert text.splitlines()[1].startswith(" ! ")
        assert list(data_dir.glob("progress.sqlite3.corrupt-*"))


async def test_content_problems_are_counted_on_home(make_app: AppFactory, course_dir: Path) -> None:
    bad = course_dir / "lecture15" / "questions" / "zz-broken.toml"
    bad.write_text("[[questions]\nid = ", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "content problem(s): run `dlearn content check`" in text
        assert "New 8" in text  # the rest still loaded


async def test_missing_content_dir_exits_with_a_message(tmp_path: Path, data_dir: Path) -> None:
    app = create_app(lang="en", data_dir=data_dir, content_dir=tmp_path / "nowhere")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 1
    assert app.startup_error and "nowhere" in app.startup_error


async def test_exam_date_set_rejected_and_cleared(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ExamDateScreen)
        await pilot.press(*"june", "enter")
        await pilot.pause()
        assert "'june' is not a date" in screen_text(app)
        await pilot.press(*["backspace"] * 4, *"2025-01-01", "enter")
        await pilot.pause()
        assert "has passed" in screen_text(app)
        await pilot.press(*["backspace"] * 10, *"2025-06-20", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.store.get_setting("exam_date") == "2025-06-20"
        assert "Exam 2025-06-20 (in 18 days)" in screen_text(app)
        assert app.scheduler().exam_date is not None
        await pilot.press("d", *["backspace"] * 10, "enter")
        await pilot.pause()
        assert app.store.get_setting("exam_date") is None


async def test_home_keys_open_the_selected_sections_notes_and_review(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(
            "down", "down", "down", "enter"
        )  # rows: cnn, residual, results, rnn, lstm
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen) and app.screen.page == ("section", "lstm")
        await pilot.press("escape", "s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert {q.section for q in app.screen.queue} == {"lstm"}


async def test_command_palette_reaches_a_screen(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Progress")
        await wait_until(pilot, lambda: palette_offers(app, "Progress"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for name in ("Home", "Review", "Mock exam", "Notes", "Progress", "Exam date"):
            assert name in titles
        assert "Notes: LSTM" in titles


async def test_command_palette_in_korean(make_app: AppFactory) -> None:
    app = make_app(lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert "어디로 갈까요?" in screen_text(app)
        await pilot.press(*"노트: LSTM")
        await wait_until(pilot, lambda: palette_offers(app, "노트: LSTM"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen) and app.screen.page == ("section", "lstm")


async def test_progress_shows_mastery_history_and_exams(
    make_app: AppFactory, data_dir: Path, clock: Clock
) -> None:
    with ProgressStore.open(data_dir) as store:
        for qid, rating, correct in (
            ("t-single", Rating.GOOD, True),
            ("t-ox", Rating.AGAIN, False),
        ):
            store.record_review(
                question_id=qid,
                section="residual-block",
                rating=rating,
                correct=correct,
                response="0",
                duration_s=4.0,
                now=START,
                scheduler=Scheduler(),
            )
    clock.advance(3600)
    app = make_app(start="progress")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Mastery (predicted recall)" in text
        assert "2 due now" in text  # both new cards are in learning steps, due within the hour
        assert "The residual block" in text and "due 2" in text
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(app)
        assert "2025-06-02" in text and "2 reviewed · 50% right" in text
        assert "No exams taken yet" in text


async def test_course_cache_follows_edits(
    make_app: AppFactory, course_dir: Path, data_dir: Path
) -> None:
    """The parsed course is cached for start-up speed; editing a bank must show at once."""
    async with make_app(start="review", only=None).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert (data_dir / "cache" / "course.pickle").is_file()
    bank = course_dir / "lecture15" / "questions" / "bank.toml"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace(
            "What does a residual block output?", "What comes out of a residual block?"
        ),
        encoding="utf-8",
    )
    app = make_app(start="review")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "What comes out of a residual block?" in screen_text(app)


async def test_home_counts_a_card_the_moment_it_falls_due(
    make_app: AppFactory, clock: Clock
) -> None:
    app = make_app(lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.store.record_review(
            question_id="t-ox",
            section="residual-block",
            rating=Rating.AGAIN,  # due again in a minute
            correct=False,
            response="true",
            duration_s=4.0,
            now=clock.time,
            scheduler=Scheduler(),
        )
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.refresh_data()
        await pilot.pause()
        assert "복습 예정 0" in screen_text(app)
        assert home._due_timer is not None  # the screen watches the clock by itself
        clock.advance(61)
        home.check_due()  # what the timer calls each second
        await pilot.pause()
        assert "복습 예정 1" in screen_text(app)


def test_particles_follow_the_last_syllables_reading() -> None:
    from tui.i18n import particle

    assert particle("2025-06-20", "은/는") == "은"  # 이십
    assert particle("2026-12-10", "으로/로") == "으로"  # 십
    assert particle("2026-12-11", "으로/로") == "로"  # 일: ㄹ takes 로
    assert particle("2026-12-12", "은/는") == "는"  # 이
    assert particle("2026-12-13", "으로/로") == "으로"  # 삼
    assert particle("2026-12-16", "은/는") == "은"  # 육
    assert particle("2026-12-17", "으로/로") == "로"  # 칠
    assert particle("2026-12-18", "으로/로") == "로"  # 팔
    assert particle("2026-12-19", "은/는") == "는"  # 구
    assert particle("블록", "은/는") == "은" and particle("잔차", "으로/로") == "로"


def test_the_date_forms_a_korean_student_types() -> None:
    from datetime import date

    from tui.screens.exam_date import read_date

    today = date(2025, 6, 2)
    for typed in (
        "2025-12-10",
        "2025.12.10",
        "2025/12/10",
        "2025년 12월 10일",
        "12/10",
        "12월 10일",
    ):
        assert read_date(typed, today) == date(2025, 12, 10), typed
    assert read_date("3/1", today) == date(2026, 3, 1)  # no year: the next such day
    assert read_date("2/30", today) is None and read_date("june", today) is None


async def test_exam_date_messages_in_korean(make_app: AppFactory) -> None:
    app = make_app(lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert "예: 2025-06-30" in screen_text(app)  # four weeks ahead, not a past date
        await pilot.press(*"june", "enter")
        await pilot.pause()
        assert "'june'는 날짜로 읽을 수 없습니다. 예: 2025-06-30" in screen_text(app)
        await pilot.press(*["backspace"] * 4, *"2025-05-20", "enter")
        await pilot.pause()
        assert "2025-05-20은 이미 지났습니다" in screen_text(app)
        await pilot.press(*["backspace"] * 10, *"12/10", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.store.get_setting("exam_date") == "2025-12-10"
        told = [n.message for n in app._notifications]
        assert "시험일을 2025-12-10으로 정했습니다." in told


async def test_home_uses_the_width_it_has_for_long_section_titles(
    make_app: AppFactory, course_dir: Path
) -> None:
    long_title = "Training an RNN: backpropagation through time (BPTT)"
    lecture = course_dir / "lecture15" / "lecture.toml"
    text = lecture.read_text(encoding="utf-8").replace("The residual block", long_title)
    lecture.write_text(text, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert long_title in screen_text(app)  # cut at 40 cells before
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        shown = screen_text(app)
        assert long_title not in shown and "Training an RNN: backpropagation through ti…" in shown
