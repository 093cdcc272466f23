"""The student's file in the grading child: importing it, calling it, and saying what went
wrong in their terms (the line of their file, NotImplementedError as "not written yet").
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from engine.text import Text


class Fail(Exception):
    """A stage failed; `text` says what is wrong."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


class Student:
    """The student's file, imported once in this process."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path).resolve()
        self.module: Any = None

    def load(self, entry: str) -> Any:
        spec = importlib.util.spec_from_file_location(f"dlearn_student_{entry}", self.path)
        if spec is None or spec.loader is None:
            raise Fail(
                Text(en=f"cannot import {self.path}", ko=f"{self.path}를 불러올 수 없습니다")
            )
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        try:
            spec.loader.exec_module(module)
        except SyntaxError as e:
            code = (e.text or "").strip()
            raise Fail(
                Text(
                    en=f"syntax error on line {e.lineno}: {e.msg}"
                    + (f"  →  {code}" if code else ""),
                    ko=f"{e.lineno}번째 줄에 문법 오류: {e.msg}" + (f"  →  {code}" if code else ""),
                )
            ) from None
        except BaseException as e:  # the file's own top level failed
            if isinstance(e, KeyboardInterrupt):
                raise
            raise Fail(
                self.raised(e, Text(en="while importing your file", ko="파일을 불러오는 중"))
            ) from None
        self.module = module
        if not hasattr(module, entry):
            names = ", ".join(n for n in vars(module) if not n.startswith("_")) or "-"
            raise Fail(
                Text(
                    en=f"your file defines no top-level `{entry}` (it defines: {names})",
                    ko=f"파일에 최상위 `{entry}`가 없습니다 (정의된 이름: {names})",
                )
            )
        return getattr(module, entry)

    def raised(self, e: BaseException, where: Text) -> Text:
        """`e`, raised by the student's code, in words with the line of their file."""
        if isinstance(e, NotImplementedError):
            return Text(
                en="not written yet: your code still raises NotImplementedError; replace that "
                "line with your implementation",
                ko="아직 작성되지 않았습니다: 코드가 여전히 NotImplementedError를 냅니다. 그 줄을 "
                "구현으로 바꾸세요",
            )
        line = Text("", "")
        for frame in reversed(traceback.extract_tb(e.__traceback__)):
            if Path(frame.filename).resolve() == self.path:
                code = (frame.line or "").strip()
                line = Text(f" (line {frame.lineno}: {code})", f" ({frame.lineno}번째 줄: {code})")
                break
        what = f"{type(e).__name__}: {e}".strip().rstrip(":")
        return Text(
            en=f"{where.en} your code raised {what}{line.en}",
            ko=f"{where.ko} 코드에서 오류가 났습니다: {what}{line.ko}",
        )

    def call(self, fn: Callable[..., Any], label: Text, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Fail:
            raise
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt):
                raise
            raise Fail(
                self.raised(e, Text(en=f"on {label.en}", ko=f"{label.ko} 입력에서"))
            ) from None


def check_signature(fn: Any, entry: str, params: Sequence[str], optional: Sequence[str]) -> None:
    """`fn` is a function taking `params` in order, those named in `optional` with a default."""
    if not callable(fn) or isinstance(fn, type):
        raise Fail(Text(en=f"`{entry}` must be a function", ko=f"`{entry}`는 함수여야 합니다"))
    try:
        got = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    names = [n for n, p in got.items() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    want = ", ".join(params)
    if len(names) != len(params) and not any(p.kind == p.VAR_POSITIONAL for p in got.values()):
        raise Fail(
            Text(
                en=f"`{entry}` takes ({', '.join(names)}) but must take ({want})",
                ko=f"`{entry}`의 인자가 ({', '.join(names)})입니다. ({want})여야 합니다",
            )
        )
    for name in optional:
        p = got.get(name)
        if p is None or p.default is inspect.Parameter.empty:
            raise Fail(
                Text(
                    en=f"`{entry}` needs an optional argument `{name}` (`{name}=None`): ({want})",
                    ko=f"`{entry}`에는 선택 인자 `{name}`(`{name}=None`)가 필요합니다: ({want})",
                )
            )
