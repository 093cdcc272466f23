"""The live screen's verdict box, as pure text."""

from __future__ import annotations

from types import SimpleNamespace

from tui.screens.run_live_text import verdict_text

CLAIM = {
    "id": "residual-fixes",
    "status": "shown",
    "claim": {"ko": "잔차 블록이 돕는다.", "en": "Residual blocks help."},
    "evidence": {"ko": "손실 0.0026.", "en": "Loss 0.0026."},
}


def summary(**extra: object) -> dict:
    return {"verdict": {"shown": True, "claims": [CLAIM]}, **extra}


def test_a_run_on_the_students_code_says_so_before_the_claims() -> None:
    mine = {"residual_block": {"path": "/d/exercises/residual_block.py", "sha256": "aa"}}
    state = SimpleNamespace(summary=summary(impl={"mine": mine}), final=None)
    for lang, said in (("ko", "내가 쓴 코드로 훈련했습니다"), ("en", "Trained on your own code")):
        text = verdict_text(state, "finished", None, lang).plain  # type: ignore[arg-type]
        assert f"{said}: residual_block.py" in text
        assert text.index(said) < text.index(CLAIM["claim"][lang])


def test_a_built_in_run_does_not() -> None:
    state = SimpleNamespace(summary=summary(), final=None)
    text = verdict_text(state, "finished", None, "en").plain  # type: ignore[arg-type]
    assert "your own code" not in text and "Residual blocks help." in text
