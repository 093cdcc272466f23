"""`dlearn content check`: problem lines, summary line and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.content.test_loader import GOOD_QUESTIONS, LECTURE_TOML, write_lecture
from tui import cli
from tui.contentcli import run_check


def test_bundled_course_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(None, "en") == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("1 lecture, ") and out[0].endswith(" 0 problems")


def test_problems_are_listed_with_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    body = GOOD_QUESTIONS.replace("answer = 1", "answer = 9", 1).replace(
        'lab = "features"', 'lab = "no-such-lab"'
    )
    write_lecture(tmp_path / "course", {"bank.toml": body})
    monkeypatch.chdir(tmp_path)
    assert run_check(Path("course"), "en") == 1
    lines = capsys.readouterr().out.strip().splitlines()
    file = str(Path("course") / "demo" / "questions" / "bank.toml")
    assert lines[0].startswith(f"{file} [q-single] answer: 9 is outside the options")
    assert lines[1].startswith(f"{file} [q-match] lab: no lab 'no-such-lab' exists")
    assert lines[2] == "1 lecture, 7 questions, 2 problems"


def test_korean_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_lecture(tmp_path, {"bank.toml": GOOD_QUESTIONS})
    assert run_check(folder, "ko") == 0
    assert capsys.readouterr().out.strip() == "강의 1개, 문항 8개 검사: 문제 없음"


def test_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_lecture(tmp_path, {"bank.toml": "[[questions]]\nid = 3\n"})
    assert run_check(folder / "questions" / "bank.toml", "en") == 1
    out = capsys.readouterr().out
    assert "bank.toml id: question #1 has id 3, not a non-empty string" in out
    assert out.strip().endswith("0 lectures, 0 questions, 1 problem")


def test_missing_path_exits_2_and_says_what_to_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_check(tmp_path / "nope", "en") == 2
    err = capsys.readouterr().err
    assert "nope" in err and "no such file or folder" in err and "lecture.toml" in err
    assert run_check(tmp_path / "nope", "ko") == 2
    assert "lecture.toml" in capsys.readouterr().err


def test_not_a_toml_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# notes", encoding="utf-8")
    assert run_check(notes, "en") == 2
    assert ".toml" in capsys.readouterr().err


def test_through_the_dlearn_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_lecture(tmp_path, {"bank.toml": GOOD_QUESTIONS.replace('"sp2"', '"sp9"')})
    assert cli.main(["--lang", "en", "content", "check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "[q-single] summary: unknown summary point 'sp9'" in out
    assert cli.main(["--lang", "en", "content", "check", str(tmp_path / "missing")]) == 2


def test_warnings_are_listed_and_do_not_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    body = GOOD_QUESTIONS.replace('type = "ox"\nsummary = ["sp2"]\n', 'type = "ox"\n', 1)
    lecture = LECTURE_TOML + 'synonyms = ["잔여 블록"]\n'
    body = body.replace("지름길이 x를 더한다.", "잔여 블록이 x를 더한다.")
    write_lecture(tmp_path / "course", {"bank.toml": body}, lecture=lecture)
    monkeypatch.chdir(tmp_path)
    assert run_check(Path("course"), "en") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    file = str(Path("course") / "demo" / "questions" / "bank.toml")
    assert lines[0].startswith(f"{file} [q-single] explanation.ko: warning: uses '잔여 블록'")
    assert lines[1].startswith(f"{file} [q-ox] summary: warning: no summary point")
    assert lines[2] == "1 lecture, 8 questions, 0 problems, 2 warnings"
    assert run_check(Path("course"), "ko") == 0
    assert capsys.readouterr().out.strip().endswith("문제 없음, 경고 2개")


def test_bundled_course_has_no_warnings() -> None:
    from content.loader import BUNDLED
    from content.validate import check

    result = check(BUNDLED)
    assert [str(w) for w in result.warnings] == []


def test_exam_enrichment_flag_reaches_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    class Stub:
        return_code = 0

        def run(self) -> None:
            pass

    def fake_create_app(**kwargs: object) -> Stub:
        seen.update(kwargs)
        return Stub()

    monkeypatch.setattr("tui.app.create_app", fake_create_app)
    assert cli.main(["exam", "--enrichment"]) == 0
    assert seen["exam_enrichment"] is True
    assert cli.main(["exam"]) == 0
    assert seen["exam_enrichment"] is False
