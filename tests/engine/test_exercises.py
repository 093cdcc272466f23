"""The exercises' grader: every reference passes, known mistakes get their message, and a
broken student file (syntax error, endless loop, wrong shape, NaN, crash) is a clear failed
stage. Most files are graded in this process (`child.run_stages`) so the tests stay fast;
a few go through the real child process and its time limit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.exercises import EXERCISES, GradeReport, grade, workspace
from engine.exercises.child import run_stages
from engine.exercises.grader import parse_events

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "engine" / "exercises" / "solutions"


def solution(exercise_id: str) -> str:
    return (SOLUTIONS / f"{exercise_id}.py").read_text(encoding="utf-8")


def grade_here(exercise_id: str, source: str, tmp_path: Path) -> GradeReport:
    """Grade `source` in this process: the stages as the child would send them."""
    path = tmp_path / f"{exercise_id}.py"
    path.write_text(source, encoding="utf-8")
    lines: list[str] = []
    run_stages(exercise_id, path, lambda item: lines.append(json.dumps(item)))
    stages, _, done = parse_events("\n".join(lines))
    assert done
    return GradeReport(exercise_id, path, "", tuple(stages), all(s.ok for s in stages), 0.0)


def failed(report: GradeReport) -> tuple[str, str]:
    stage = report.failed
    assert stage is not None and stage.message is not None, report
    return stage.key, stage.message.en


def mutate(exercise_id: str, old: str, new: str) -> str:
    source = solution(exercise_id)
    assert old in source, f"{old!r} not in the {exercise_id} solution"
    return source.replace(old, new)


def test_importing_the_exercises_does_not_import_torch() -> None:
    code = "import sys, engine.exercises, engine.exercises.records; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_the_nine_exercises_in_the_lecture_order() -> None:
    assert list(EXERCISES) == [
        "rnn_cell",
        "lstm_cell",
        "gru_cell",
        "bptt",
        "residual_block",
        "attention",
        "additive_attention",
        "multi_head_attention",
        "positional_encoding",
    ]
    assert EXERCISES["attention"].entry == "scaled_dot_product_attention"
    assert EXERCISES["residual_block"].entry == "ResidualBlock"
    for ex in EXERCISES.values():
        assert len(ex.hints) >= 2 and ex.formula and ex.statement.ko != ex.statement.en


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_every_reference_solution_passes(exercise_id: str, tmp_path: Path) -> None:
    report = grade_here(exercise_id, solution(exercise_id), tmp_path)
    assert report.passed, report.failed
    keys = [s.key for s in report.stages]
    assert (
        keys[:3] == ["load", "modules", "shapes"]
        if exercise_id == "residual_block"
        else (keys[:3] == ["load", "shapes", "values"])
    )


# (exercise, text in the solution, its replacement, the stage that fails, words of the message)
MISTAKES = [
    (
        "rnn_cell",
        "torch.tanh(x @ W_x.T + h @ W_h.T + b)",
        "x @ W_x.T + h @ W_h.T + b",
        "values",
        "tanh is missing",
    ),
    ("rnn_cell", "h @ W_h.T + b)", "h @ W_h.T)", "values", "bias b is left out"),
    ("rnn_cell", "torch.tanh(", "torch.sigmoid(", "values", "sigmoid instead of tanh"),
    ("lstm_cell", "i, f, g, o = ", "i, f, o, g = ", "values", "reads the rows as i, f, o, g"),
    ("lstm_cell", "i, f, g, o = ", "f, i, g, o = ", "values", "reads the rows as f, i, g, o"),
    ("lstm_cell", "i, f, g, o = ", "g, i, f, o = ", "values", "reads the rows as g, i, f, o"),
    (
        "gru_cell",
        "x_r, x_z, x_n = (x @ W_x.T + b_x).chunk(3, dim=1)  # each (B,H)\n    h_r, h_z, h_n =",
        "x_z, x_r, x_n = (x @ W_x.T + b_x).chunk(3, dim=1)  # each (B,H)\n    h_z, h_r, h_n =",
        "values",
        "gate order swapped: your code reads the rows as z, r, n",
    ),
    (
        "lstm_cell",
        "torch.sigmoid(o) * torch.tanh(c_new)",
        "torch.sigmoid(o) * c_new",
        "values",
        "tanh of the new cell state is missing",
    ),
    ("lstm_cell", "return h_new, c_new", "return c_new, h_new", "values", "outputs are swapped"),
    ("lstm_cell", "torch.tanh(g)", "torch.sigmoid(g)", "values", "candidate uses sigmoid"),
    (
        "gru_cell",
        "return (1 - z) * n + z * h",
        "return z * n + (1 - z) * h",
        "values",
        "z and 1−z swapped",
    ),
    (
        "gru_cell",
        "n = torch.tanh(x_n + r * h_n)",
        "n = torch.tanh(x_n + r * (h_n - b_h.chunk(3)[2]) + b_h.chunk(3)[2])",
        "values",
        "outside the reset gate",
    ),
    (
        "gru_cell",
        "n = torch.tanh(x_n + r * h_n)",
        "n = torch.tanh(x_n + (r * h) @ W_h.chunk(3)[2].T + b_h.chunk(3)[2])",
        "values",
        "multiplies h before W_hn",
    ),
    (
        "gru_cell",
        "n = torch.tanh(x_n + r * h_n)",
        "n = torch.tanh(x_n + h_n)",
        "values",
        "reset gate is not applied",
    ),
    (
        "bptt",
        "(grads[-1] * (1 - hs[t] ** 2)) @ W_h)",
        "grads[-1] @ W_h)",
        "values",
        "tanh′ is missing",
    ),
    (
        "bptt",
        "(grads[-1] * (1 - hs[t] ** 2)) @ W_h)",
        "(grads[-1] * (1 - hs[t] ** 2)) @ W_h.T)",
        "values",
        "W_h transposed",
    ),
    ("bptt", "(1 - hs[t] ** 2)", "(1 - hs[t - 1] ** 2)", "values", "tanh′ taken at h_{t−1}"),
    ("bptt", "torch.stack(grads[::-1])", "torch.stack(grads)", "values", "order is reversed"),
    (
        "bptt",
        "torch.stack(grads[::-1])",
        "torch.stack(grads[::-1]).float()",
        "shapes",
        "expected torch.float64",
    ),
    (
        "residual_block",
        "out = self.bn2(self.conv2(out))\n        return torch.relu(out + self.shortcut(x))",
        "out = torch.relu(self.bn2(self.conv2(out)))\n        return out + self.shortcut(x)",
        "values",
        "ReLU before the addition",
    ),
    (
        "residual_block",
        "return torch.relu(out + self.shortcut(x))",
        "return out + self.shortcut(x)",
        "values",
        "final ReLU is missing",
    ),
    (
        "residual_block",
        "return torch.relu(out + self.shortcut(x))",
        "return torch.relu(out)",
        "values",
        "shortcut is not added",
    ),
    (
        "residual_block",
        "3, stride, padding=1, bias=False)",
        "3, stride, padding=1)",
        "modules",
        "`conv1` has a bias",
    ),
    (
        "residual_block",
        "if stride != 1 or in_channels != out_channels:",
        "if True:",
        "modules",
        "must be nn.Identity()",
    ),
    (
        "residual_block",
        "nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)",
        "nn.Conv2d(in_channels, out_channels, 1, 1, bias=False)",
        "modules",
        "`shortcut[0]` has stride=(1, 1)",
    ),
    (
        "residual_block",
        "out = torch.relu(self.bn1(self.conv1(x)))",
        "out = torch.relu(self.bn1(self.conv1(x)))\n        self.bn1(self.conv1(x))",
        "modes",
        "called twice",
    ),
    (
        "residual_block",
        "out = torch.relu(self.bn1(self.conv1(x)))",
        "self.train()\n        out = torch.relu(self.bn1(self.conv1(x)))",
        "values",
        "in eval mode it normalises with the batch's own statistics",
    ),
    (
        "residual_block",
        "out = torch.relu(self.bn1(self.conv1(x)))",
        "self.eval()\n        out = torch.relu(self.bn1(self.conv1(x)))",
        "modes",
        "in train mode it normalises with the running statistics",
    ),
    ("attention", " / math.sqrt(q.shape[-1])", "", "values", "no 1/√d scaling"),
    (
        "attention",
        "torch.softmax(scores, dim=-1)",
        "torch.softmax(scores, dim=-2)",
        "values",
        "softmax over the wrong axis",
    ),
    ("attention", "masked_fill(~mask", "masked_fill(mask", "values", "mask inverted"),
    ("attention", "if mask is not None:", "if False:", "values", "mask is ignored"),
    ("attention", "math.sqrt(q.shape[-1])", "math.sqrt(v.shape[-1])", "values", "instead of √d"),
    (
        "additive_attention",
        "torch.softmax(scores, dim=1)",
        "torch.softmax(scores, dim=0)",
        "values",
        "softmax over the batch",
    ),
    (
        "additive_attention",
        "torch.tanh((s @ W_s.T).unsqueeze(1) + H @ W_h.T)",
        "((s @ W_s.T).unsqueeze(1) + H @ W_h.T)",
        "values",
        "tanh is missing",
    ),
    (
        "additive_attention",
        "(weights.unsqueeze(-1) * H)",
        "(scores.unsqueeze(-1) * H)",
        "values",
        "raw scores",
    ),
    ("multi_head_attention", "math.sqrt(d_k)", "math.sqrt(D)", "values", "scaled by √D"),
    (
        "multi_head_attention",
        "return out @ W_o.T, weights",
        "return out, weights",
        "values",
        "W_o is missing",
    ),
    (
        "multi_head_attention",
        "x.view(B, T, n_heads, d_k).transpose(1, 2)",
        "x.view(B, T, d_k, n_heads).permute(0, 3, 1, 2)",
        "values",
        "heads split the wrong way",
    ),
    ("multi_head_attention", "masked_fill(~mask", "masked_fill(mask", "values", "mask inverted"),
    ("multi_head_attention", ".T,", ",", "values", "x @ W.T"),
    (
        "positional_encoding",
        "pe[:, 0::2] = torch.sin(angle)\n    pe[:, 1::2] = torch.cos(angle)",
        "pe[:, 0::2] = torch.cos(angle)\n    pe[:, 1::2] = torch.sin(angle)",
        "values",
        "sin and cos swapped",
    ),
    (
        "positional_encoding",
        "torch.arange(T, dtype",
        "torch.arange(1, T + 1, dtype",
        "values",
        "positions start at 1",
    ),
    (
        "positional_encoding",
        "pe[:, 0::2] = torch.sin(angle)\n    pe[:, 1::2] = torch.cos(angle)",
        "pe = torch.cat([torch.sin(angle), torch.cos(angle)], dim=1)",
        "values",
        "first half",
    ),
    (
        "positional_encoding",
        "return pe.to(torch.get_default_dtype())",
        "return pe",
        "shapes",
        "expected torch.float32",
    ),
]


@pytest.mark.parametrize(
    ("exercise_id", "old", "new", "key", "words"),
    MISTAKES,
    ids=[f"{m[0]}-{m[4]}" for m in MISTAKES],
)
def test_a_known_mistake_gets_its_message(
    exercise_id: str, old: str, new: str, key: str, words: str, tmp_path: Path
) -> None:
    report = grade_here(exercise_id, mutate(exercise_id, old, new), tmp_path)
    assert not report.passed
    got_key, message = failed(report)
    assert (got_key, words in message) == (key, True), message


RNN = "torch.tanh(x @ W_x.T + h @ W_h.T + b)"


@pytest.mark.parametrize(
    ("source", "key", "words"),
    [
        (
            "import torch\ndef rnn_cell(x, h, W_x, W_h, b)\n    return x\n",
            "load",
            "syntax error on line 2",
        ),
        (
            "import torch\ndef rnn(x, h, W_x, W_h, b):\n    return x\n",
            "load",
            "no top-level `rnn_cell`",
        ),
        (
            "import torch\ndef rnn_cell(x, h, W_x, W_h):\n    return x\n",
            "load",
            "takes (x, h, W_x, W_h) but must take",
        ),
        (
            "import torch\n1 / 0\ndef rnn_cell(x, h, W_x, W_h, b):\n    return x\n",
            "load",
            "ZeroDivisionError",
        ),
        (solution("rnn_cell").replace(RNN, f"{RNN}.squeeze()"), "shapes", "batch 1"),
        (
            solution("rnn_cell").replace(RNN, f"({RNN}).sum(0)"),
            "shapes",
            "has shape (5,), expected (4, 5)",
        ),
        (solution("rnn_cell").replace(RNN, f"({RNN}, h)"), "shapes", "return one tensor"),
        (
            solution("rnn_cell").replace(RNN, f"{RNN}.tolist()"),
            "shapes",
            "returned a list of 4; return one tensor",
        ),
        (
            solution("rnn_cell").replace(RNN, "torch.tanh(x @ W_x + h @ W_h.T + b)"),
            "shapes",
            "raised RuntimeError: mat1 and mat2 shapes cannot be multiplied (4x3 and 5x3) (line 9: return torch.tanh(x @ W_x ",
        ),
        (solution("rnn_cell").replace(RNN, f"{RNN} * float('nan')"), "values", "NaN"),
        (
            solution("rnn_cell").replace(RNN, f"{RNN} * 1.01"),
            "values",
            "differs from PyTorch's by up to",
        ),
        (solution("rnn_cell").replace(RNN, f"{RNN}.detach()"), "gradients", "no gradient flows"),
        (
            solution("rnn_cell").replace("h @ W_h.T", "h.detach() @ W_h.T"),
            "gradients",
            "with respect to `h`",
        ),
        (EXERCISES["rnn_cell"].starter("en"), "shapes", "NotImplementedError"),
    ],
    ids=[
        "syntax",
        "no-entry",
        "signature",
        "import-error",
        "squeeze",
        "shape",
        "tuple",
        "list",
        "raises",
        "nan",
        "close",
        "detached",
        "half-detached",
        "starter",
    ],
)
def test_a_broken_file_is_a_clear_failed_stage(
    source: str, key: str, words: str, tmp_path: Path
) -> None:
    report = grade_here("rnn_cell", source, tmp_path)
    got_key, message = failed(report)
    assert (got_key, words in message) == (key, True), message


def test_a_student_print_does_not_break_the_grading(tmp_path: Path) -> None:
    source = solution("positional_encoding").replace(
        "    p = ", "    print('{\"done\": true}')\n    p = ", 1
    )
    path = tmp_path / "pe.py"
    path.write_text(source, encoding="utf-8")
    (tmp_path / "torch.py").write_text("raise SystemExit('shadowed')\n")  # must not be imported
    report = grade("positional_encoding", path)  # the real child process
    assert report.passed, report.failed
    assert report.sha256 and report.seconds > 0


def test_an_endless_loop_is_stopped_by_the_time_limit(tmp_path: Path) -> None:
    path = tmp_path / "loop.py"
    path.write_text("def positional_encoding(T, d):\n    while True:\n        pass\n")
    report = grade("positional_encoding", path, timeout_s=8)
    key, message = failed(report)
    assert not report.passed and "still running after 8 s" in message
    assert key in ("load", "shapes")  # "load" only if importing torch alone took 8 s


def test_a_thread_left_running_does_not_hold_the_grade(tmp_path: Path) -> None:
    path = tmp_path / "thread.py"
    source = solution("positional_encoding")
    path.write_text(
        "import threading, time\n"
        "threading.Thread(target=lambda: time.sleep(3600)).start()\n" + source
    )
    report = grade("positional_encoding", path, timeout_s=120)
    assert report.passed and report.seconds < 120


def test_a_child_that_dies_is_a_failed_stage(tmp_path: Path) -> None:
    path = tmp_path / "exit.py"
    path.write_text("import os\ndef positional_encoding(T, d):\n    os._exit(3)\n")
    report = grade("positional_encoding", path)
    key, message = failed(report)
    assert (key, "exit code 3" in message) == ("shapes", True), message


def test_the_starter_is_in_the_students_language(tmp_path: Path) -> None:
    path, created = workspace.start("lstm_cell", tmp_path, "ko")
    text = path.read_text(encoding="utf-8")
    assert created and path == tmp_path / "exercises" / "lstm_cell.py"
    assert "def lstm_cell(" in text and "raise NotImplementedError" in text and "게이트" in text
    path.write_text("# my work\n")
    again, created = workspace.start("lstm_cell", tmp_path, "en")
    assert (again, created, again.read_text()) == (path, False, "# my work\n")


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_every_starter_loads_and_says_it_is_not_written_yet(
    exercise_id: str, tmp_path: Path
) -> None:
    report = grade_here(exercise_id, EXERCISES[exercise_id].starter("ko"), tmp_path)
    key, message = failed(report)
    assert report.stages[0].key == "load" and report.stages[0].ok
    assert "NotImplementedError" in message
    # the block is built (its submodules checked) before it runs; a function runs at once
    assert key == ("modules" if exercise_id == "residual_block" else "shapes")
    assert "아직 작성되지" in report.failed.message.ko  # type: ignore[union-attr]


def test_every_exercise_names_a_real_section_and_lab() -> None:
    from content.loader import load_course
    from engine import catalogue

    sections = {s.id for lecture in load_course().lectures for s in lecture.sections}
    assert {ex.section for ex in EXERCISES.values()} <= sections
    assert {ex.lab for ex in EXERCISES.values() if ex.lab} <= catalogue.lab_ids()


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_every_text_of_an_exercise_is_in_both_languages(exercise_id: str) -> None:
    ex = EXERCISES[exercise_id]
    for text in (ex.title, ex.statement, ex.doc, *ex.hints):
        assert text.ko.strip() and text.en.strip() and text.ko != text.en
    assert ex.starter("ko") != ex.starter("en")
    compile(ex.starter("ko"), f"{exercise_id}.py", "exec")  # a starter is valid Python
