"""Questions built from the learner's own lab run: its figures, its verdict, its lecture point.

A finished run's `summary.json` (the run protocol of DESIGN.md) holds each arm's final
metrics (`arms`) and the verdict's claims (`verdict.claims`: a sentence of the lecture, a
status, the evidence and the figures it was judged on). From it come up to three questions,
ids `run:<run name>:<kind>`, scheduled like any card:

- `point`: which of the lecture's summary points the run's figures speak to (single choice);
- `claim`: do these figures show the claim? (O/X, from the first decided claim);
- `arms`: which arm ended highest / lowest on a metric every arm reports (single choice).

Only plain dicts go in, so this stays torch-free and engine-free; `tui.run_cards` reads the
run directories. A summary without the needed parts simply yields fewer questions.
"""

from __future__ import annotations

import math
import random
from typing import Any

from content.model import Lecture, Question, Text

PREFIX = "run:"

# Where each lab's lesson sits in the lecture, for labs no section links to itself.
LAB_SECTIONS = {
    "features": "layers-features",
    "resnet": "degradation",
    "forecast": "rnn-basics",
    "memory": "memory-problem",
    "seq2seq": "attention",
    "transformer": "transformer-idea",
}

# Metrics worth comparing across arms, most telling first; True: lower is better.
METRICS: dict[str, tuple[Text, bool]] = {
    "final_train_loss": (Text("최종 훈련 손실", "final training loss"), True),
    "train_loss": (Text("훈련 손실", "training loss"), True),
    "test_acc": (Text("테스트 정확도", "test accuracy"), False),
    "final_test_acc": (Text("최종 테스트 정확도", "final test accuracy"), False),
    "train_acc": (Text("훈련 정확도", "training accuracy"), False),
    "test_loss": (Text("테스트 손실", "test loss"), True),
    "test_rmse": (Text("테스트 RMSE", "test RMSE"), True),
    "val_rmse": (Text("검증 RMSE", "validation RMSE"), True),
}


def run_of(question_id: str) -> str | None:
    """The run a question was built from, None for a question of the bank."""
    if not question_id.startswith(PREFIX):
        return None
    return question_id[len(PREFIX) :].rsplit(":", 1)[0]


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def _text(value: Any) -> Text:
    if isinstance(value, dict):
        return Text(str(value.get("ko") or value.get("en") or ""), str(value.get("en") or ""))
    return Text(str(value or ""), str(value or ""))


def _section(lecture: Lecture, lab: str) -> str:
    linked = next((s.id for s in lecture.sections if s.lab == lab), None)
    if linked is None and lecture.section(LAB_SECTIONS.get(lab, "")) is not None:
        linked = LAB_SECTIONS[lab]
    return linked or (lecture.sections[0].id if lecture.sections else "")


def _figures(figures: dict[str, Any]) -> str:
    numbers = {k: _num(v) for k, v in figures.items()}
    return ", ".join(f"{k} = {_fmt(v)}" for k, v in numbers.items() if v is not None)


def _intro(name: str) -> Text:
    return Text(f"[내 실습 실행 {name}] ", f"[From your run {name}] ")


def questions_from_summary(name: str, summary: dict[str, Any], lecture: Lecture) -> list[Question]:
    """Two or three questions from run `name`'s summary (fewer if it lacks the parts)."""
    if not isinstance(summary, dict) or summary.get("status") != "finished":
        return []
    lab = str(summary.get("lab") or "")
    section = _section(lecture, lab)
    verdict = summary.get("verdict") if isinstance(summary.get("verdict"), dict) else {}
    claims = [c for c in (verdict or {}).get("claims") or [] if isinstance(c, dict)]
    decided = [c for c in claims if c.get("status") in ("shown", "not_shown")]
    rng = random.Random(f"{name}|distractors")
    base = {"section": section, "lab": lab or None, "difficulty": 2, "source": f"run {name}"}
    intro = _intro(name)
    out: list[Question] = []

    claim = decided[0] if decided else (claims[0] if claims else None)
    if claim is not None:
        point = _point_question(name, lecture, section, claim, intro, rng, base)
        if point is not None:
            out.append(point)
    if decided:
        out.append(_claim_question(name, decided[0], intro, base))
    arms = _arms_question(name, summary.get("arms"), intro, base)
    if arms is not None:
        out.append(arms)
    return out[:3]


def _point_question(
    name: str,
    lecture: Lecture,
    section: str,
    claim: dict[str, Any],
    intro: Text,
    rng: random.Random,
    base: dict[str, Any],
) -> Question | None:
    right = [p for p in lecture.summary_points if section in p.sections]
    others = [p for p in lecture.summary_points if section not in p.sections]
    if not right or not others:
        return None
    options = [right[0].text, *(p.text for p in rng.sample(others, min(3, len(others))))]
    figures = _figures(claim.get("figures") or {})
    measured = f" ({figures})" if figures else ""
    text = Text(
        intro.ko + f"이 실행이 잰 값{measured}은 강의의 어느 정리 항목을 확인하려는 것인가?",
        intro.en + f"Your run measured{measured}. Which of the lecture's summary points does "
        "this run put to the test?",
    )
    said = _text(claim.get("claim"))
    evidence = _text(claim.get("evidence"))
    explanation = Text(
        f"이 실습이 확인하는 강의 내용: {said.ko} 실행 결과: {evidence.ko}",
        f"The lab checks this claim of the lecture: {said.en} Your run: {evidence.en}",
    )
    return Question(
        id=f"{PREFIX}{name}:point",
        type="single",
        text=text,
        explanation=explanation,
        options=tuple(options),
        answer=0,
        summary=(right[0].id,),
        **base,
    )


def _claim_question(
    name: str, claim: dict[str, Any], intro: Text, base: dict[str, Any]
) -> Question:
    said = _text(claim.get("claim"))
    figures = _figures(claim.get("figures") or {})
    measured_ko = f"이 실행의 측정값({figures})은" if figures else "이 실행의 결과는"
    measured_en = f"Your run's figures ({figures})" if figures else "Your run's results"
    evidence = _text(claim.get("evidence"))
    return Question(
        id=f"{PREFIX}{name}:claim",
        type="ox",
        text=Text(
            intro.ko + f"{measured_ko} 다음 강의 내용을 보여 주었다: “{said.ko}”",
            intro.en + f"{measured_en} showed this claim of the lecture: “{said.en}”",
        ),
        explanation=Text(
            f"실습의 판정: {evidence.ko} 보여 주지 못했다면 설정(에폭, 학습률)을 바꿔 다시 "
            "실행해 보자. 강의 내용이 틀렸다는 뜻은 아니다.",
            f"The lab's verdict: {evidence.en} If it was not shown, try the run again with other "
            "settings (epochs, learning rate); it does not mean the lecture is wrong.",
        ),
        answer=claim.get("status") == "shown",
        **base,
    )


def _arms_question(name: str, arms: Any, intro: Text, base: dict[str, Any]) -> Question | None:
    if not isinstance(arms, dict) or not 2 <= len(arms) <= 6:
        return None
    metrics = [m for m in METRICS if all(_num((a or {}).get(m)) is not None for a in arms.values())]
    if not metrics:
        return None
    metric = metrics[0]
    label, _lower_better = METRICS[metric]
    values = {str(arm): float(a[metric]) for arm, a in arms.items()}
    names = list(values)
    # the highest: for a loss the arm that struggled (plain-56's degradation), for an
    # accuracy the arm that learnt best
    target = max(names, key=values.__getitem__)
    if sum(1 for v in values.values() if v == values[target]) > 1:
        return None  # a tie has no single right answer
    listing = ", ".join(f"{arm} {_fmt(v)}" for arm, v in values.items())
    return Question(
        id=f"{PREFIX}{name}:arms",
        type="single",
        text=Text(
            intro.ko + f"이 실행에서 {label.ko}이(가) 가장 높았던 것은 어느 모델(arm)이었나?",
            intro.en + f"In your run, which arm ended with the highest {label.en}?",
        ),
        explanation=Text(
            f"{label.ko}: {listing}. 왜 그런 차이가 났는지 해당 절의 노트와 비교해 보자.",
            f"{label.en}: {listing}. Compare the gap with what the section's notes predict.",
        ),
        options=tuple(Text(n, n) for n in names),
        answer=names.index(target),
        **base,
    )
