"""Exercises with fresh numbers on every attempt, each answer computed here.

A learner who has memorised "the answer is 0.523" has learnt nothing; one who can do an RNN
step, count an LSTM's parameters or apply a softmax to attention scores with any numbers has.
Each generator draws small numbers from `rng`, states exactly what to compute and how to round,
and explains the computation step by step in Korean and English.

Parameter counts follow PyTorch (`nn.RNN`, `nn.LSTM`, `nn.GRU`: weights W_ih, W_hh and both
biases b_ih, b_hh per gate block) so the tests can check them against torch itself.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from content.model import Question, Text

__all__ = ["GENERATORS", "Generator", "format_number", "instantiate"]


@dataclass(frozen=True)
class Generator:
    """A family of exercises: `make(rng)` returns one concrete numeric or single question."""

    id: str
    title: Text
    section: str  # where an instance belongs when it is not made from a bank entry
    summary: tuple[str, ...]
    build: Callable[[random.Random], dict[str, Any]]

    def make(self, rng: random.Random) -> Question:
        fields = self.build(rng)
        return Question(
            id=f"gen:{self.id}",
            section=self.section,
            summary=self.summary,
            generator=self.id,
            source="generated",
            **fields,
        )


def instantiate(question: Question, rng: random.Random) -> Question:
    """A concrete question for a bank entry: fresh numbers for `generated`, else unchanged.

    The bank entry keeps its identity (id, section, difficulty, summary, lab) so progress is
    recorded against it; its explanation, a general note, follows the worked computation.
    """
    if question.type != "generated":
        return question
    if question.generator not in GENERATORS:
        raise KeyError(f"unknown generator {question.generator!r} in question {question.id}")
    made = GENERATORS[question.generator].make(rng)
    explanation = made.explanation
    if question.explanation.ko or question.explanation.en:
        explanation = Text(
            ko=_join(made.explanation.ko, question.explanation.get("ko")),
            en=_join(made.explanation.en, question.explanation.get("en")),
        )
    return replace(
        made,
        id=question.id,
        section=question.section,
        difficulty=question.difficulty,
        summary=question.summary,
        lab=question.lab,
        explanation=explanation,
        source=question.source,
    )


def _join(first: str, second: str) -> str:
    return f"{first}\n\n{second}" if second else first


# -- number helpers --------------------------------------------------------------------------


def format_number(x: float, places: int | None = None) -> str:
    """A number as a person writes it: `0.5`, `-3.51`, `1024`; `places` fixes the decimals."""
    text = f"{x:.{places}f}" if places is not None else f"{x:.6f}".rstrip("0").rstrip(".")
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # no "-0.000"
    return text


def _tenths(rng: random.Random, lo: float, hi: float, *, nonzero: bool = False) -> float:
    """A number with one decimal drawn from [lo, hi] (exact in print, small to work with)."""
    while True:
        value = rng.randint(round(lo * 10), round(hi * 10)) / 10
        if value or not nonzero:
            return value


def _vec(values: tuple[float, ...] | list[float]) -> str:
    return "(" + ", ".join(format_number(v) for v in values) + ")"


def _term(x: float) -> str:
    """A factor inside a written-out sum: negatives in brackets."""
    return f"({format_number(x)})" if x < 0 else format_number(x)


def _numeric(text: Text, explanation: Text, answer: float, tolerance: float) -> dict[str, Any]:
    return {
        "type": "numeric",
        "text": text,
        "explanation": explanation,
        "answer": answer,
        "tolerance": tolerance,
    }


def _single(
    rng: random.Random, text: Text, explanation: Text, right: Text, wrong: list[Text]
) -> dict[str, Any]:
    options = [right, *wrong[:3]]
    rng.shuffle(options)
    return {
        "type": "single",
        "text": text,
        "explanation": explanation,
        "options": tuple(options),
        "answer": options.index(right),
    }


ROUND3 = Text("소수 셋째 자리까지 반올림하여 답하라.", "Round to 3 decimals.")


def _with_rounding(text: Text, rounding: Text = ROUND3) -> Text:
    return Text(f"{text.ko} {rounding.ko}", f"{text.en} {rounding.en}")


# -- RNN ----------------------------------------------------------------------------------------


def _rnn_step(rng: random.Random) -> dict[str, Any]:
    """h_t = tanh(w_x x_t + w_h h_{t-1} + b_h), the lecture's recurrence with one hidden unit."""
    w_x = _tenths(rng, -1.5, 1.5, nonzero=True)
    w_h = _tenths(rng, -1.5, 1.5, nonzero=True)
    b_h = _tenths(rng, -0.5, 0.5)
    rule = "h_t = tanh(w_x·x_t + w_h·h_{t-1} + b_h)"
    given = f"w_x = {format_number(w_x)}, w_h = {format_number(w_h)}, b_h = {format_number(b_h)}"
    if rng.random() < 0.5:
        x_t = _tenths(rng, -2.0, 2.0, nonzero=True)
        h_prev = _tenths(rng, -0.9, 0.9)
        z = w_x * x_t + w_h * h_prev + b_h
        h_t = math.tanh(z)
        values = f"{given}, x_t = {format_number(x_t)}, h_{{t-1}} = {format_number(h_prev)}"
        text = Text(
            f"은닉 유닛이 하나인 순환층이 {rule}를 계산한다. {values}일 때 h_t는?",
            f"A recurrent layer with one hidden unit computes {rule}. With {values}, what is h_t?",
        )
        work = (
            f"z = w_x·x_t + w_h·h_{{t-1}} + b_h = {_term(w_x)}·{_term(x_t)} + "
            f"{_term(w_h)}·{_term(h_prev)} + {_term(b_h)} = {format_number(z, 3)}\n"
            f"h_t = tanh({format_number(z, 3)}) = {format_number(h_t, 3)}"
        )
        explanation = Text(
            f"이전 은닉 상태 h_{{t-1}}이 순환 연결을 거쳐 현재 입력과 더해진다.\n{work}",
            f"The previous hidden state h_{{t-1}} comes back through the recurrent connection "
            f"and is added to the current input.\n{work}",
        )
        return _numeric(_with_rounding(text), explanation, h_t, 0.001)
    x_1 = _tenths(rng, -2.0, 2.0, nonzero=True)
    x_2 = _tenths(rng, -2.0, 2.0, nonzero=True)
    h_1 = math.tanh(w_x * x_1 + b_h)
    z_2 = w_x * x_2 + w_h * h_1 + b_h
    h_2 = math.tanh(z_2)
    values = f"{given}, h_0 = 0, x_1 = {format_number(x_1)}, x_2 = {format_number(x_2)}"
    text = Text(
        f"은닉 유닛이 하나인 순환층이 {rule}를 계산한다. {values}일 때 두 시점 뒤의 h_2는?",
        f"A recurrent layer with one hidden unit computes {rule}. "
        f"With {values}, what is h_2 after two steps?",
    )
    work = (
        f"h_1 = tanh({_term(w_x)}·{_term(x_1)} + {_term(w_h)}·0 + {_term(b_h)}) = "
        f"{format_number(h_1, 3)}\n"
        f"h_2 = tanh({_term(w_x)}·{_term(x_2)} + {_term(w_h)}·{_term(round(h_1, 3))} + "
        f"{_term(b_h)}) = tanh({format_number(z_2, 3)}) = {format_number(h_2, 3)}"
    )
    explanation = Text(
        f"같은 가중치를 시점마다 다시 쓰고, h_1이 다음 시점의 입력처럼 들어간다.\n{work}",
        f"The same weights are reused at every step, and h_1 feeds into the next step.\n{work}",
    )
    # rounding h_1 to 3 decimals on the way may move h_2 by up to about 0.001
    return _numeric(_with_rounding(text), explanation, h_2, 0.002)


GATE_BLOCKS = {"RNN": 1, "LSTM": 4, "GRU": 3}
_BLOCKS_WHY = {
    "RNN": Text("기본 RNN은 블록이 하나다(tanh 하나)", "A plain RNN has 1 block (one tanh)"),
    "LSTM": Text(
        "LSTM은 입력·망각·출력 게이트와 후보 셀 상태, 4개 블록이다",
        "An LSTM has 4 blocks: the input, forget and output gates and the candidate cell state",
    ),
    "GRU": Text(
        "GRU는 리셋·업데이트 게이트와 후보 상태, 3개 블록이다",
        "A GRU has 3 blocks: the reset and update gates and the candidate state",
    ),
}
_SIZES_IN = (1, 2, 3, 4, 5, 8, 10, 16, 20, 32)
_SIZES_HIDDEN = (2, 3, 4, 5, 8, 10, 16, 20, 32, 64)


def recurrent_params(cell: str, input_size: int, hidden_size: int) -> int:
    """PyTorch's count for one layer: blocks × (W_ih + W_hh + b_ih + b_hh)."""
    h = hidden_size
    return GATE_BLOCKS[cell] * (h * input_size + h * h + 2 * h)


def _layer(cell: str, i: int, h: int) -> str:
    return f"nn.{cell}(input_size={i}, hidden_size={h})"


_PYTORCH_WAY = Text(
    "PyTorch처럼 입력 가중치 W_ih, 순환 가중치 W_hh, 두 편향 벡터 b_ih와 b_hh를 모두 센다.",
    "Count the input weights W_ih, the recurrent weights W_hh and both bias vectors b_ih "
    "and b_hh, as PyTorch does.",
)


def _rnn_params(rng: random.Random) -> dict[str, Any]:
    cell = rng.choice(tuple(GATE_BLOCKS))
    i, h = rng.choice(_SIZES_IN), rng.choice(_SIZES_HIDDEN)
    blocks = GATE_BLOCKS[cell]
    count = recurrent_params(cell, i, h)
    text = Text(
        f"PyTorch의 {_layer(cell, i, h)} 한 층의 학습 파라미터는 모두 몇 개인가? {_PYTORCH_WAY.ko}",
        f"How many trainable parameters does one layer of PyTorch's {_layer(cell, i, h)} "
        f"have? {_PYTORCH_WAY.en}",
    )
    work = (
        f"{blocks} × (h·i + h·h + 2h) = {blocks} × ({h}·{i} + {h}·{h} + 2·{h}) = "
        f"{blocks} × {h * i + h * h + 2 * h} = {count}"
    )
    why = _BLOCKS_WHY[cell]
    explanation = Text(
        f"{why.ko}. 블록마다 입력 가중치 h×i, 순환 가중치 h×h, 편향 2개(h씩)가 있다.\n{work}",
        f"{why.en}. Each block has input weights h×i, recurrent weights h×h and two biases "
        f"of h each.\n{work}",
    )
    return _numeric(text, explanation, float(count), 0.0)


def _lstm_vs_gru(rng: random.Random) -> dict[str, Any]:
    i, h = rng.choice(_SIZES_IN), rng.choice(_SIZES_HIDDEN)
    lstm, gru = recurrent_params("LSTM", i, h), recurrent_params("GRU", i, h)
    text = Text(
        f"{_layer('LSTM', i, h)} 한 층은 {_layer('GRU', i, h)} 한 층보다 학습 파라미터가 몇 개 "
        f"더 많은가? {_PYTORCH_WAY.ko}",
        f"How many more trainable parameters does one layer of {_layer('LSTM', i, h)} have "
        f"than one layer of {_layer('GRU', i, h)}? {_PYTORCH_WAY.en}",
    )
    block = h * i + h * h + 2 * h
    work = f"LSTM 4 × {block} = {lstm}, GRU 3 × {block} = {gru}, {lstm} − {gru} = {lstm - gru}"
    explanation = Text(
        "GRU는 LSTM의 망각·입력 게이트를 하나의 게이트 제어기로 합치고 출력 게이트가 없어 "
        f"블록이 4개에서 3개로 준다. 차이는 블록 하나(h·i + h·h + 2h)다.\n{work}",
        "A GRU merges the LSTM's forget and input gates into one controller and has no output "
        f"gate: 3 blocks instead of 4, so the difference is one block (h·i + h·h + 2h).\n{work}",
    )
    return _numeric(text, explanation, float(lstm - gru), 0.0)


# -- ResNet -------------------------------------------------------------------------------------

_CHANNELS = (16, 32, 64, 128, 256)
_SIDES = (7, 8, 14, 15, 28, 32, 56)


def conv_out(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def _shape(c: int, h: int, w: int) -> Text:
    return Text(f"{c} × {h} × {w}", f"{c} × {h} × {w}")


def _conv1x1_shape(rng: random.Random) -> dict[str, Any]:
    c_in = rng.choice(_CHANNELS)
    c_out = rng.choice([c for c in _CHANNELS if c != c_in])
    h, w = rng.choice(_SIDES), rng.choice(_SIDES)
    stride = rng.choice((1, 2))
    ho, wo = conv_out(h, 1, stride, 0), conv_out(w, 1, stride, 0)
    setup = Text(
        f"채널 × 높이 × 너비가 {c_in} × {h} × {w}인 특징 맵이 1×1 합성곱(필터 {c_out}개, "
        f"stride {stride}, 패딩 없음)을 지난다.",
        f"A feature map of shape {c_in} × {h} × {w} (channels × height × width) goes through a "
        f"1×1 convolution with {c_out} filters, stride {stride} and no padding.",
    )
    if rng.random() < 0.5:
        bias = rng.random() < 0.5
        count = c_in * c_out + (c_out if bias else 0)
        text = Text(
            f"{setup.ko} 이 합성곱의 학습 파라미터 수는? "
            + ("필터마다 편향이 하나 있다." if bias else "편향은 없다(bias=False)."),
            f"{setup.en} How many trainable parameters does this convolution have? "
            + ("Each filter has one bias." if bias else "It has no bias (bias=False)."),
        )
        work = f"{c_in} × {c_out}" + (f" + {c_out}" if bias else "") + f" = {count}"
        explanation = Text(
            f"1×1 필터 하나는 입력 채널마다 가중치 하나, 즉 {c_in}개를 가진다. "
            f"필터가 {c_out}개이므로 {work}.",
            f"One 1×1 filter holds one weight per input channel, {c_in} in all; with {c_out} "
            f"filters: {work}.",
        )
        return _numeric(text, explanation, float(count), 0.0)
    text = Text(f"{setup.ko} 출력의 모양은?", f"{setup.en} What is the shape of the output?")
    right = (c_out, ho, wo)
    candidates = [
        (c_out, h // 2, w // 2),
        (c_in, ho, wo),
        (c_out, h, w),
        (c_in, h, w),
        (c_in, h // 2, w // 2),
    ]
    wrong: list[tuple[int, int, int]] = []
    for cand in candidates:
        if cand != right and cand not in wrong:
            wrong.append(cand)
    explanation = Text(
        f"출력 채널 수는 필터 수 {c_out}이다. 1×1 커널은 공간 크기를 줄이지 않고, stride "
        f"{stride}만 작용한다: ⌊({h} − 1) / {stride}⌋ + 1 = {ho}, ⌊({w} − 1) / {stride}⌋ + 1 = "
        f"{wo}. 그래서 {c_out} × {ho} × {wo}. 잔차 블록에서 채널 수를 맞출 때 쓰는 방법이다.",
        f"The output has one channel per filter: {c_out}. A 1×1 kernel does not shrink the map; "
        f"only the stride does: ⌊({h} − 1) / {stride}⌋ + 1 = {ho}, ⌊({w} − 1) / {stride}⌋ + 1 = "
        f"{wo}. So {c_out} × {ho} × {wo}. This is how a residual block matches channel counts.",
    )
    return _single(rng, text, explanation, _shape(*right), [_shape(*s) for s in wrong])


_SHORTCUTS = (
    Text("항등 연결: x를 그대로 더한다", "identity: add x as it is"),
    Text("1×1 합성곱, 필터 {c}개, stride 1", "1×1 convolution, {c} filters, stride 1"),
    Text("1×1 합성곱, 필터 {c}개, stride 2", "1×1 convolution, {c} filters, stride 2"),
    Text(
        "어떤 지름길로도 맞출 수 없다: F(x)와 x는 더할 수 없다",
        "no shortcut can fix it: F(x) and x cannot be added",
    ),
)


def _residual_projection(rng: random.Random) -> dict[str, Any]:
    c_in = rng.choice(_CHANNELS)
    c_out = c_in if rng.random() < 0.5 else rng.choice([c for c in _CHANNELS if c != c_in])
    stride = rng.choice((1, 2))
    side = rng.choice((8, 14, 16, 28, 32, 56))
    out = conv_out(side, 3, stride, 1)
    identity = c_in == c_out and stride == 1
    setup = Text(
        f"잔차 블록의 입력 x는 {c_in} × {side} × {side}이다. F(x)는 3×3 합성곱 두 개(패딩 1)로, "
        f"첫째는 필터 {c_out}개·stride {stride}, 둘째는 필터 {c_out}개·stride 1이다.",
        f"A residual block's input x has shape {c_in} × {side} × {side}. F(x) is two 3×3 "
        f"convolutions with padding 1: the first has {c_out} filters and stride {stride}, "
        f"the second {c_out} filters and stride 1.",
    )
    shapes = Text(
        f"F(x)의 모양은 {c_out} × {out} × {out}, x는 {c_in} × {side} × {side}.",
        f"F(x) has shape {c_out} × {out} × {out} and x has {c_in} × {side} × {side}.",
    )
    if identity:
        verdict = Text(
            "모양이 같으므로 항등 연결로 F(x) + x를 바로 더한다.",
            "The shapes agree, so the identity shortcut adds x directly.",
        )
    else:
        verdict = Text(
            f"모양이 다르므로 지름길에 1×1 합성곱(필터 {c_out}개, stride {stride})을 두어 "
            f"x의 모양을 {c_out} × {out} × {out}에 맞춘다(projection shortcut).",
            f"The shapes differ, so the shortcut is a 1×1 convolution with {c_out} filters and "
            f"stride {stride} that maps x to {c_out} × {out} × {out} (a projection shortcut).",
        )
    if rng.random() < 0.5:
        count = 0 if identity else c_in * c_out
        text = Text(
            f"{setup.ko} F(x) + x를 더하려면 지름길에 가중치가 몇 개 필요한가? 모양이 다를 "
            "때만 편향 없는 1×1 합성곱을 쓰고, 항등 연결로 충분하면 0이라 답하라.",
            f"{setup.en} How many weights does the shortcut need so that F(x) + x can be "
            "added? Use a 1×1 convolution without bias only if the shapes differ; answer 0 if "
            "the identity shortcut works.",
        )
        work = "0" if identity else f"{c_in} × {c_out} = {count}"
        explanation = Text(
            f"{shapes.ko} {verdict.ko} 가중치: {work}.",
            f"{shapes.en} {verdict.en} Weights: {work}.",
        )
        return _numeric(text, explanation, float(count), 0.0)
    text = Text(
        f"{setup.ko} F(x) + x를 더하려면 지름길은 무엇이어야 하는가?",
        f"{setup.en} What must the shortcut be so that F(x) + x can be added?",
    )
    options = [Text(o.ko.format(c=c_out), o.en.format(c=c_out)) for o in _SHORTCUTS]
    right = options[0] if identity else options[2 if stride == 2 else 1]
    wrong = [o for o in options if o != right]
    explanation = Text(f"{shapes.ko} {verdict.ko}", f"{shapes.en} {verdict.en}")
    return _single(rng, text, explanation, right, wrong)


def _residual_output(rng: random.Random) -> dict[str, Any]:
    x = [_tenths(rng, -2.0, 2.0) for _ in range(3)]
    k = rng.randrange(3)
    which = Text(f"{k + 1}번째 성분", f"component {k + 1}")
    rounding = Text("소수 첫째 자리까지 답하라.", "Give the answer to 1 decimal.")
    kind = rng.choice(("forward", "relu", "residual"))
    if kind == "residual":
        target = [_tenths(rng, -2.0, 2.0) for _ in range(3)]
        f_k = target[k] - x[k]
        text = Text(
            f"잔차 블록이 입력 x = {_vec(x)}에 대해 H(x) = {_vec(target)}를 출력해야 한다. "
            f"출력은 F(x) + x이므로, F(x)의 {which.ko}은 얼마여야 하는가?",
            f"A residual block should output H(x) = {_vec(target)} for the input "
            f"x = {_vec(x)}. Its output is F(x) + x: what must {which.en} of F(x) be?",
        )
        work = f"F(x)_{k + 1} = H(x)_{k + 1} − x_{k + 1} = {_term(target[k])} − {_term(x[k])}"
        explanation = Text(
            f"F(x) = H(x) − x: 층들은 목표와 입력의 차이(잔차)만 배운다.\n"
            f"{work} = {format_number(f_k, 1)}",
            f"F(x) = H(x) − x: the layers learn only the difference (the residual) between "
            f"target and input.\n{work} = {format_number(f_k, 1)}",
        )
        return _numeric(_with_rounding(text, rounding), explanation, f_k, 0.05)
    f = [_tenths(rng, -2.0, 2.0) for _ in range(3)]
    relu = kind == "relu"
    s = f[k] + x[k]
    y_k = max(0.0, s) if relu else s
    rule = "y = ReLU(F(x) + x)" if relu else "y = F(x) + x"
    after = Text(
        "(덧셈 뒤에 ReLU)" if relu else "(덧셈 뒤 활성화 없음)",
        "(ReLU after the addition)" if relu else "(no activation after the addition)",
    )
    text = Text(
        f"잔차 블록이 {rule}를 출력한다 {after.ko}. x = {_vec(x)}, F(x) = {_vec(f)}일 때 "
        f"y의 {which.ko}은?",
        f"A residual block outputs {rule} {after.en}. With x = {_vec(x)} and F(x) = {_vec(f)}, "
        f"what is {which.en} of y?",
    )
    work = f"F(x)_{k + 1} + x_{k + 1} = {_term(f[k])} + {_term(x[k])} = {format_number(s, 1)}"
    if relu:
        work += f", ReLU({format_number(s, 1)}) = {format_number(y_k, 1)}"
    explanation = Text(
        f"지름길이 입력 x를 층의 출력 F(x)에 성분별로 더한다.\n{work}",
        f"The skip connection adds the input x to the layers' output F(x), component by "
        f"component.\n{work}",
    )
    return _numeric(_with_rounding(text, rounding), explanation, y_k, 0.05)


# (label, top-1 error %) from the lecture's ImageNet table (He et al., 2016)
RESNET_TABLE: tuple[tuple[str, float], ...] = (
    ("plain-18", 27.94),
    ("plain-34", 28.54),
    ("ResNet-18", 27.88),
    ("ResNet-34", 25.03),
    ("ResNet-50", 22.85),
    ("ResNet-152", 21.43),
)


def _resnet_error_diff(rng: random.Random) -> dict[str, Any]:
    i, j = sorted(rng.sample(range(len(RESNET_TABLE)), 2))
    (a, err_a), (b, err_b) = RESNET_TABLE[i], RESNET_TABLE[j]
    change = round(err_b - err_a, 2)
    plain = a.startswith("plain") or b.startswith("plain")
    note = Text(
        " (plain = 잔차 연결이 없는 망)" if plain else "",
        " (plain = no skip connections)" if plain else "",
    )
    text = Text(
        f"강의의 ImageNet top-1 오류율 표에서 {a}: {format_number(err_a, 2)}%, {b}: "
        f"{format_number(err_b, 2)}%이다{note.ko}. {a}에서 {b}까지 오류율의 변화"
        f"({b} − {a})를 %p 단위로, 소수 둘째 자리까지 답하라 (줄면 음수).",
        f"In the lecture's ImageNet top-1 error table, {a} has {format_number(err_a, 2)}% and "
        f"{b} has {format_number(err_b, 2)}%{note.en}. How much does the error change from "
        f"{a} to {b}? Give {b} − {a} in percentage points to 2 decimals (negative if it falls).",
    )
    work = f"{format_number(err_b, 2)} − {format_number(err_a, 2)} = {format_number(change, 2)}"
    plain_a, plain_b = a.startswith("plain"), b.startswith("plain")
    if plain_a and plain_b:
        lesson = Text(
            "일반 망은 깊어질수록 오히려 오류가 늘었다: 과적합이 아니라 학습이 어려워진 것이다.",
            "The deeper plain net is worse: not overfitting, but harder to train.",
        )
    elif plain_a and a.split("-")[1] == b.split("-")[1]:
        lesson = Text(
            "깊이가 같아도 잔차 연결만으로 오류가 줄었다.",
            "At the same depth, the skip connections alone lower the error.",
        )
    elif not plain_a:
        lesson = Text(
            "ResNet은 깊어질수록 오류가 계속 줄었다.",
            "ResNets keep improving as they get deeper.",
        )
    else:
        lesson = Text(
            "잔차 블록을 쌓은 망은 깊게 해도 잘 최적화된다.",
            "Stacked residual blocks optimise well even when the net is deep.",
        )
    return _numeric(
        text,
        Text(f"{work}. {lesson.ko}", f"{work}. {lesson.en}"),
        change,
        0.005,
    )


# -- attention ----------------------------------------------------------------------------------


def _attention_softmax(rng: random.Random) -> dict[str, Any]:
    scores = [_tenths(rng, -1.0, 2.0) for _ in range(3)]
    exps = [math.exp(e) for e in scores]
    total = sum(exps)
    weights = [v / total for v in exps]
    given = ", ".join(f"e_{i + 1} = {format_number(e)}" for i, e in enumerate(scores))
    setup = Text(
        f"디코더의 한 시점에서 인코더 세 시점의 어텐션 점수가 {given}이고, 가중치는 그 "
        "softmax다: α_i = exp(e_i) / Σ_j exp(e_j).",
        f"At one decoder step the attention scores of the three encoder steps are {given}, and "
        "the weights are their softmax: α_i = exp(e_i) / Σ_j exp(e_j).",
    )
    work = (
        "exp: "
        + ", ".join(format_number(v, 3) for v in exps)
        + f"; Σ = {format_number(total, 3)}; α = "
        + ", ".join(format_number(w, 3) for w in weights)
    )
    if rng.random() < 0.5:
        k = rng.randrange(3)
        text = Text(f"{setup.ko} α_{k + 1}의 값은?", f"{setup.en} What is α_{k + 1}?")
        explanation = Text(
            f"점수가 높을수록 가중치가 크고, 가중치의 합은 1이다.\n{work}",
            f"A higher score gets a larger weight, and the weights sum to 1.\n{work}",
        )
        return _numeric(_with_rounding(text), explanation, weights[k], 0.001)
    states = [_tenths(rng, -2.0, 2.0) for _ in range(3)]
    context = sum(w * s for w, s in zip(weights, states, strict=True))
    hs = ", ".join(f"h_{i + 1} = {format_number(s)}" for i, s in enumerate(states))
    text = Text(
        f"{setup.ko} 인코더 은닉 상태(각각 수 하나)가 {hs}일 때 문맥 벡터 c = Σ_i α_i h_i는?",
        f"{setup.en} The encoder's hidden states (one number each) are {hs}. What is the "
        "context vector c = Σ_i α_i h_i?",
    )
    products = " + ".join(f"{w:.3f}·{_term(s)}" for w, s in zip(weights, states, strict=True))
    explanation = Text(
        f"문맥 벡터는 인코더 은닉 상태의 가중 평균이다.\n{work}\n"
        f"c = {products} = {format_number(context, 3)}",
        f"The context vector is the weighted average of the encoder's hidden states.\n{work}\n"
        f"c = {products} = {format_number(context, 3)}",
    )
    return _numeric(_with_rounding(text), explanation, context, 0.002)


GENERATORS: dict[str, Generator] = {
    g.id: g
    for g in (
        Generator(
            "rnn_step",
            Text("RNN 한 시점 계산", "One RNN step"),
            "rnn-basics",
            ("sp4",),
            _rnn_step,
        ),
        Generator(
            "rnn_params",
            Text("RNN·LSTM·GRU 층의 파라미터 수", "Parameters of an RNN, LSTM or GRU layer"),
            "lstm",
            ("sp5",),
            _rnn_params,
        ),
        Generator(
            "lstm_vs_gru",
            Text("LSTM과 GRU의 파라미터 차이", "LSTM vs GRU parameter count"),
            "gru",
            ("sp5",),
            _lstm_vs_gru,
        ),
        Generator(
            "conv1x1_shape",
            Text("1×1 합성곱의 출력 모양과 파라미터", "Shape and parameters of a 1×1 convolution"),
            "residual-block",
            ("sp2",),
            _conv1x1_shape,
        ),
        Generator(
            "residual_projection",
            Text("잔차 블록의 지름길 맞추기", "Matching a residual block's shortcut"),
            "residual-block",
            ("sp2",),
            _residual_projection,
        ),
        Generator(
            "residual_output",
            Text("잔차 블록의 출력 F(x) + x", "A residual block's output F(x) + x"),
            "residual-block",
            ("sp2",),
            _residual_output,
        ),
        Generator(
            "attention_softmax",
            Text("어텐션 가중치와 문맥 벡터", "Attention weights and the context vector"),
            "attention",
            ("sp7",),
            _attention_softmax,
        ),
        Generator(
            "resnet_error_diff",
            Text("ResNet 오류율 표 읽기", "Reading the ResNet error table"),
            "resnet-results",
            ("sp3",),
            _resnet_error_diff,
        ),
    )
}
