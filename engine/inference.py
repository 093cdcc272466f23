"""After training: a student's own input through a finished seq2seq or Transformer run.

`translate_run(run_dir, text)` reads the run's spec and the arm's weights from its
checkpoint, checks the input against the vocabulary and the run's `max_len`, and returns the
greedy output with its attention map (a heatmap probe, as the live screen draws them);
`shade_map` draws that map as text for the terminal. `python -m engine translate` lands here,
and through it `dlearn lab translate` and the app's live screen (which never import torch).
Both models' `greedy` return (ids, attention weights), so one path serves both labs.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch

from engine import catalogue
from engine.checkpoint import arm_weights, load
from engine.data.korean_numbers import Vocab, target_len
from engine.errors import DlearnError, InferenceError
from engine.labs import own_code
from engine.labs.seq2seq import seq2seq_lab
from engine.runs.events import CHECKPOINT_FILE, SPEC_FILE
from engine.runs.rundir import read_json
from engine.text import shade

LABS = ("seq2seq", "transformer")


def load_weights(run_dir: Path, arm: str) -> dict[str, torch.Tensor]:
    """The arm's trained weights from `checkpoint.pt` (loaded with weights_only=True)."""
    path = run_dir / CHECKPOINT_FILE
    if not path.exists():
        raise InferenceError(
            f"{run_dir} has no checkpoint.pt: the run has no saved weights yet",
            f"{run_dir}에 checkpoint.pt가 없습니다: 저장된 가중치가 아직 없습니다",
        )
    try:
        state = load(path)
    except Exception as exc:
        raise InferenceError(
            f"checkpoint.pt cannot be read ({exc})", f"checkpoint.pt를 읽을 수 없습니다 ({exc})"
        ) from None
    weights = arm_weights(state, arm)
    if weights is not None:
        return weights
    models = state.get("models") or {}
    raise InferenceError(
        f"checkpoint.pt holds no weights for arm '{arm}' (saved: {', '.join(models) or 'none'}); "
        "let the run finish (or resume it), or start a new run",
        f"checkpoint.pt에 '{arm}'의 가중치가 없습니다 (저장된 것: {', '.join(models) or '없음'}). "
        "실행을 끝까지 마치거나(이어서 하기) 새로 실행하세요",
    )


def students_code(spec: dict[str, Any], ids: tuple[str, ...]) -> dict[str, Any]:
    """The student's passed entries an `impl=mine` run trained ({} otherwise), loaded again
    from the data directory its spec names; a file changed since is refused, as at training."""
    data_dir = str(spec.get("data_dir") or "")
    run = SimpleNamespace(params=spec["params"], data_dir=data_dir, facts={})
    try:
        return own_code.load(run, ids)
    except DlearnError as exc:
        raise InferenceError(
            f"this run trained your own code, which cannot be loaded again: {exc.en}",
            f"이 실행은 내가 쓴 코드로 훈련했는데, 그 코드를 다시 불러올 수 없습니다: {exc.ko}",
        ) from None


def translate_run(run_dir: Path | str, text: str, arm: str | None = None) -> dict[str, Any]:
    """Translate `text` with a run's trained model: {"output", "attention" (heatmap probe or
    None), "arm", "lab", "input"}. Raises InferenceError with a message saying what to do."""
    run_dir = Path(run_dir)
    spec, problem = read_json(run_dir / SPEC_FILE)
    other = spec.get("lab") if isinstance(spec, dict) else None
    if other in catalogue.LABS and other not in LABS:
        raise InferenceError(
            f"the {other} lab has no translation; only seq2seq and transformer runs do",
            f"{other} 실습에는 번역 기능이 없습니다. seq2seq와 transformer 실행만 됩니다",
        )
    if not isinstance(spec, dict) or other not in LABS:
        raise InferenceError(
            f"{run_dir} is not a lab run ({problem or 'spec.json names no known lab'})",
            f"{run_dir}는 실습 실행 디렉터리가 아닙니다 ({problem or 'spec.json에 실습이 없음'})",
        )
    params, lab = spec["params"], spec["lab"]
    known = ["gru", "transformer"] if lab == "transformer" else seq2seq_lab.arms(params)
    arm = arm or known[-1]
    if arm not in known:
        raise InferenceError(
            f"this {lab} run has no arm '{arm}'; choose one of: {', '.join(known)}",
            f"이 {lab} 실행에는 '{arm}' 모델이 없습니다. 다음 중에서 고르세요: {', '.join(known)}",
        )
    vocab, max_len = Vocab(), int(params["max_len"])
    text = text.strip()
    unknown = vocab.unknown(text)
    if not text or unknown or len(text) > max_len:
        chars = " ".join(unknown)
        what_en, what_ko = (
            (f"unknown characters {chars!r}", f"모르는 글자 {chars!r}")
            if unknown
            else ("empty input", "입력이 비어 있음")
            if not text
            else (
                f"{len(text)} characters (at most {max_len})",
                f"{len(text)}글자 (최대 {max_len})",
            )
        )
        raise InferenceError(
            f"cannot translate: {what_en}. Type Korean digits or number words (삼일사, 이만 오천), "
            f"digits (25000) or a date (2024년 3월 5일, March 5, 2024)",
            f"번역할 수 없습니다: {what_ko}. 한글 숫자나 수사(삼일사, 이만 오천), 숫자(25000), "
            f"날짜(2024년 3월 5일, March 5, 2024)를 입력하세요",
        )
    if lab == "transformer" and arm == "transformer":
        from engine.labs.transformer import EXERCISES as TRANSFORMER_EXERCISES
        from engine.labs.transformer.transformer_lab import (
            build_transformer,
            cross_attention_heatmap,
        )
        from engine.models.student import use_transformer_parts

        transformer = build_transformer(params, len(vocab), max_len)
        mine = students_code(spec, TRANSFORMER_EXERCISES)
        if mine:
            transformer = use_transformer_parts(
                transformer, mine["multi_head_attention"], mine["positional_encoding"]
            )
        transformer.load_state_dict(load_weights(run_dir, arm))
        transformer.eval()
        heatmap: dict[str, Any] | None
        heatmap, output = cross_attention_heatmap(transformer, vocab, text, target_len(max_len))
    else:
        kind = params.get("recurrent", "dot") if arm == "gru" else arm
        from engine.labs.seq2seq import EXERCISES as ATTENTION_EXERCISES
        from engine.models.student import use_attention

        model = seq2seq_lab.build_model(kind, params, len(vocab), max_len)
        needed: tuple[str, ...] = ()
        if lab == "seq2seq" and kind in ATTENTION_EXERCISES:
            needed = (ATTENTION_EXERCISES[kind],)
        mine = students_code(spec, needed)
        if mine:
            model = use_attention(model, mine[needed[0]])
        model.load_state_dict(load_weights(run_dir, arm))
        model.eval()
        cpu = torch.device("cpu")
        heatmap, output = seq2seq_lab.attention_heatmap(
            model, vocab, text, target_len(max_len), cpu
        )
    return {"lab": lab, "arm": arm, "input": text, "output": output, "attention": heatmap}


def shade_map(heatmap: dict[str, Any]) -> str:
    """A heatmap probe as text: one row per output character, darker = more attention."""
    data = heatmap["data"]
    width = max(len(r) for r in data["rows"]) if data["rows"] else 1
    lines = [" " * (width + 1) + "".join(c[:1] for c in data["cols"])]
    for label, row in zip(data["rows"], data["matrix"], strict=False):
        lines.append(f"{label:>{width}} {''.join(shade(v) for v in row)}")
    return "\n".join(lines)
