"""Questions from a run's own summary: what they ask, and that they grade."""

from __future__ import annotations

from typing import Any

import pytest

from content.answers import grade
from content.loader import load_course
from content.model import Lecture
from content.run_questions import questions_from_summary, run_of


def resnet_summary(shown: bool = True) -> dict[str, Any]:
    """What a finished resnet run writes to summary.json (the parts the questions use)."""
    return {
        "lab": "resnet",
        "status": "finished",
        "arms": {
            "plain-8": {"final_train_loss": 0.004, "final_test_acc": 0.91},
            "plain-56": {"final_train_loss": 1.88, "final_test_acc": 0.31},
        },
        "verdict": {
            "shown": shown,
            "evidence": {"ko": "확인됨.", "en": "Shown."},
            "claims": [
                {
                    "id": "degradation",
                    "claim": {
                        "ko": "아주 깊은 일반 망은 얕은 망보다 훈련 오차가 크다.",
                        "en": "A very deep plain net trains to a higher error than a shallow one.",
                    },
                    "status": "shown" if shown else "not_shown",
                    "evidence": {
                        "ko": "plain-56 1.88 > plain-8 0.004",
                        "en": "plain-56 1.88 > plain-8 0.004",
                    },
                    "figures": {
                        "plain-56_final_train_loss": 1.88,
                        "plain-8_final_train_loss": 0.004,
                    },
                }
            ],
        },
    }


@pytest.fixture(scope="module")
def lecture() -> Lecture:
    return load_course().lectures[0]


def test_a_resnet_run_gives_three_questions_on_its_own_figures(lecture: Lecture) -> None:
    qs = questions_from_summary("20251202-resnet", resnet_summary(), lecture)
    assert [q.id for q in qs] == [
        "run:20251202-resnet:point",
        "run:20251202-resnet:claim",
        "run:20251202-resnet:arms",
    ]
    assert all(run_of(q.id) == "20251202-resnet" for q in qs)
    assert all("20251202-resnet" in q.text.en and "20251202-resnet" in q.text.ko for q in qs)
    point, claim, arms = qs
    assert point.section == "degradation" and point.summary == ("sp1",)
    assert "1.88" in point.text.en and "0.004" in claim.text.en
    assert claim.answer is True
    assert arms.options[arms.answer].en == "plain-56"  # type: ignore[index]
    assert "final training loss" in arms.text.en
    for q in qs:
        assert grade(q, q.answer).correct


def test_not_shown_claim_is_false_and_unfinished_runs_give_nothing(lecture: Lecture) -> None:
    qs = questions_from_summary("r", resnet_summary(shown=False), lecture)
    assert next(q for q in qs if q.type == "ox").answer is False
    assert questions_from_summary("r", {**resnet_summary(), "status": "cancelled"}, lecture) == []
    assert questions_from_summary("r", {"status": "finished", "lab": "x"}, lecture) == []
