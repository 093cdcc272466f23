"""`python -m engine.exercises.child ID PATH`: grade one student file (the grading child).

Run by `engine.exercises.grader.grade`, never imported by the app. The protocol goes to a
copy of the original stdout; the student's own `print`s go to stderr, so they cannot
break it. One JSON line per event: `{"begin": key}`, `{"key", "ok", "message"}`,
`{"done": true}`. The stages stop at the first that fails.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHECKS = {
    "rnn_cell": "check_recurrent:RnnCellCheck",
    "lstm_cell": "check_recurrent:LstmCellCheck",
    "gru_cell": "check_recurrent:GruCellCheck",
    "bptt": "check_recurrent:BpttCheck",
    "residual_block": "check_resnet:ResidualBlockCheck",
    "attention": "check_attention:AttentionCheck",
    "additive_attention": "check_attention:AdditiveAttentionCheck",
    "multi_head_attention": "check_transformer:MultiHeadAttentionCheck",
    "positional_encoding": "check_transformer:PositionalEncodingCheck",
}


def load_check(exercise_id: str) -> Any:
    module, name = CHECKS[exercise_id].split(":")
    return getattr(importlib.import_module(f"engine.exercises.{module}"), name)()


def run_stages(exercise_id: str, path: Path, emit: Callable[[dict[str, Any]], None]) -> None:
    """Grade `path` in this process (torch loaded), emitting each event; tests call it
    directly to grade many small files without a process each."""
    import torch

    from engine.exercises.check_student import Fail, Student
    from engine.text import Text

    torch.manual_seed(0)
    check = load_check(exercise_id)
    for key, run in check.stages(Student(path)):
        emit({"begin": key})
        try:
            run()
        except Fail as fail:
            emit({"key": key, "ok": False, "message": fail.text.as_dict()})
            break
        except Exception as e:  # what the stage did not foresee (odd return values ...)
            traceback.print_exc()
            what = f"{type(e).__name__}: {e}"
            msg = Text(
                en=f"grading could not go on with what your code returned ({what})",
                ko=f"코드가 돌려준 값으로 채점을 계속할 수 없습니다 ({what})",
            )
            emit({"key": key, "ok": False, "message": msg.as_dict()})
            break
        emit({"key": key, "ok": True, "message": None})
    emit({"done": True})


def main(argv: list[str]) -> int:
    exercise_id, path = argv[0], Path(argv[1])
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the student's prints, even from C, land on stderr
    sys.stdout = sys.stderr

    def emit(item: dict[str, Any]) -> None:
        proto.write(json.dumps(item, ensure_ascii=False) + "\n")
        proto.flush()

    import torch

    torch.set_num_threads(1)
    run_stages(exercise_id, path, emit)
    proto.close()
    sys.stderr.flush()
    os._exit(0)  # not waiting for threads or atexit handlers the student's code left behind


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
