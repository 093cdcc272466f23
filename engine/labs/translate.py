"""After training: a student's own input through a finished seq2seq or Transformer run.

`translate_run(run_dir, text)` reads the run's spec and the arm's weights from its
checkpoint, checks the input against the vocabulary and the run's `max_len`, and returns the
greedy output with its attention map (a heatmap probe, as the live screen draws them);
`shade` draws that map as text for the terminal. Both labs' `translate` land here, and so do
`python -m engine translate` and `dlearn lab translate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from engine.data.korean_numbers import Vocab, target_len
from engine.labs.seq2seq import arms, attention_heatmap, build_model


class TranslateError(ValueError):
    """Input or run directory `translate` cannot use, with a message in both languages."""

    def __init__(self, en: str, ko: str) -> None:
        super().__init__(en)
        self.en, self.ko = en, ko


def load_weights(run_dir: Path, arm: str) -> dict[str, torch.Tensor]:
    """The arm's trained weights from `checkpoint.pt` (loaded with weights_only=True).

    A finished arm's weights are under "models"; the arm in progress (a cancelled run) is
    under "arm".
    """
    from engine.checkpoint import load

    path = run_dir / "checkpoint.pt"
    if not path.exists():
        raise TranslateError(
            f"{run_dir} has no checkpoint.pt: the run has no saved weights yet",
            f"{run_dir}에 checkpoint.pt가 없습니다: 저장된 가중치가 아직 없습니다",
        )
    try:
        state = load(path)
    except Exception as exc:
        raise TranslateError(
            f"checkpoint.pt cannot be read ({exc})", f"checkpoint.pt를 읽을 수 없습니다 ({exc})"
        ) from None
    models = state.get("models") or {}
    if arm in models:
        return models[arm]
    current = state.get("arm")
    arms_done = list(state.get("completed") or {})
    if current is not None and arm not in arms_done and "model" in current:
        return current["model"]
    raise TranslateError(
        f"checkpoint.pt holds no weights for arm '{arm}' (saved: {', '.join(models) or 'none'}); "
        "let the run finish (or resume it), or start a new run",
        f"checkpoint.pt에 '{arm}'의 가중치가 없습니다 (저장된 것: {', '.join(models) or '없음'}). "
        "실행을 끝까지 마치거나(이어서 하기) 새로 실행하세요",
    )


def translate_run(run_dir: Path | str, text: str, arm: str | None = None) -> dict[str, Any]:
    """Translate `text` with a run's trained model: {"output", "attention" (heatmap probe or
    None), "arm", "lab", "input"}. Raises TranslateError with a message saying what to do."""
    from engine.rundir import read_json

    run_dir = Path(run_dir)
    spec, problem = read_json(run_dir / "spec.json")
    if not isinstance(spec, dict) or spec.get("lab") not in ("seq2seq", "transformer"):
        raise TranslateError(
            f"{run_dir} is not a seq2seq or transformer run ({problem or 'spec.json: other lab'})",
            f"{run_dir}는 seq2seq나 transformer 실습의 실행이 아닙니다",
        )
    params, lab = spec["params"], spec["lab"]
    known = ["gru", "transformer"] if lab == "transformer" else arms(params)
    arm = arm or known[-1]
    if arm not in known:
        raise TranslateError(
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
        raise TranslateError(
            f"cannot translate: {what_en}. Type Korean digits or number words (삼일사, 이만 오천), "
            f"digits (25000) or a date (2024년 3월 5일, March 5, 2024)",
            f"번역할 수 없습니다: {what_ko}. 한글 숫자나 수사(삼일사, 이만 오천), 숫자(25000), "
            f"날짜(2024년 3월 5일, March 5, 2024)를 입력하세요",
        )
    if lab == "transformer" and arm == "transformer":
        from engine.labs.transformer import build_transformer, cross_attention_heatmap

        transformer = build_transformer(params, len(vocab), max_len)
        transformer.load_state_dict(load_weights(run_dir, arm))
        transformer.eval()
        heatmap: dict[str, Any] | None
        heatmap, output = cross_attention_heatmap(transformer, vocab, text, target_len(max_len))
    else:
        kind = params.get("recurrent", "dot") if arm == "gru" else arm
        model = build_model(kind, params, len(vocab), max_len)
        model.load_state_dict(load_weights(run_dir, arm))
        model.eval()
        cpu = torch.device("cpu")
        heatmap, output = attention_heatmap(model, vocab, text, target_len(max_len), cpu)
    return {"lab": lab, "arm": arm, "input": text, "output": output, "attention": heatmap}


def shade(heatmap: dict[str, Any]) -> str:
    """A heatmap probe as text: one row per output character, darker = more attention."""
    ramp = " .:-=+*#%@"
    data = heatmap["data"]
    width = max(len(r) for r in data["rows"]) if data["rows"] else 1
    lines = [" " * (width + 1) + "".join(c[:1] for c in data["cols"])]
    for label, row in zip(data["rows"], data["matrix"], strict=False):
        cells = "".join(ramp[min(int((v or 0) * len(ramp)), len(ramp) - 1)] for v in row)
        lines.append(f"{label:>{width}} {cells}")
    return "\n".join(lines)
