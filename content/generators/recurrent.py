"""Exercises on recurrent layers: one RNN step, parameter counts of RNN / LSTM / GRU."""

from __future__ import annotations

import math
import random
from typing import Any

from content.generators.common import format_number, numeric, tenths, term, with_rounding
from content.model import Text


def rnn_step(rng: random.Random) -> dict[str, Any]:
    """h_t = tanh(w_x x_t + w_h h_{t-1} + b_h), the lecture's recurrence with one hidden unit."""
    w_x = tenths(rng, -1.5, 1.5, nonzero=True)
    w_h = tenths(rng, -1.5, 1.5, nonzero=True)
    b_h = tenths(rng, -0.5, 0.5)
    rule = "h_t = tanh(w_x·x_t + w_h·h_{t-1} + b_h)"
    given = f"w_x = {format_number(w_x)}, w_h = {format_number(w_h)}, b_h = {format_number(b_h)}"
    if rng.random() < 0.5:
        x_t = tenths(rng, -2.0, 2.0, nonzero=True)
        h_prev = tenths(rng, -0.9, 0.9)
        z = w_x * x_t + w_h * h_prev + b_h
        h_t = math.tanh(z)
        values = f"{given}, x_t = {format_number(x_t)}, h_{{t-1}} = {format_number(h_prev)}"
        text = Text(
            f"은닉 유닛이 하나인 순환층이 {rule}를 계산한다. {values}일 때 h_t는?",
            f"A recurrent layer with one hidden unit computes {rule}. With {values}, what is h_t?",
        )
        work = (
            f"z = w_x·x_t + w_h·h_{{t-1}} + b_h = {term(w_x)}·{term(x_t)} + "
            f"{term(w_h)}·{term(h_prev)} + {term(b_h)} = {format_number(z, 3)}\n"
            f"h_t = tanh({format_number(z, 3)}) = {format_number(h_t, 3)}"
        )
        explanation = Text(
            f"이전 은닉 상태 h_{{t-1}}이 순환 연결을 거쳐 현재 입력과 더해진다.\n{work}",
            f"The previous hidden state h_{{t-1}} comes back through the recurrent connection "
            f"and is added to the current input.\n{work}",
        )
        return numeric(with_rounding(text), explanation, h_t, 0.001)
    x_1 = tenths(rng, -2.0, 2.0, nonzero=True)
    x_2 = tenths(rng, -2.0, 2.0, nonzero=True)
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
        f"h_1 = tanh({term(w_x)}·{term(x_1)} + {term(w_h)}·0 + {term(b_h)}) = "
        f"{format_number(h_1, 3)}\n"
        f"h_2 = tanh({term(w_x)}·{term(x_2)} + {term(w_h)}·{term(round(h_1, 3))} + "
        f"{term(b_h)}) = tanh({format_number(z_2, 3)}) = {format_number(h_2, 3)}"
    )
    explanation = Text(
        f"같은 가중치를 시점마다 다시 쓰고, h_1이 다음 시점의 입력처럼 들어간다.\n{work}",
        f"The same weights are reused at every step, and h_1 feeds into the next step.\n{work}",
    )
    # rounding h_1 to 3 decimals on the way may move h_2 by up to about 0.001
    return numeric(with_rounding(text), explanation, h_2, 0.002)


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
    "PyTorch처럼 입력 가중치 W_ih, 순환 가중치 W_hh, 두 바이어스 벡터 b_ih와 b_hh를 모두 센다.",
    "Count the input weights W_ih, the recurrent weights W_hh and both bias vectors b_ih "
    "and b_hh, as PyTorch does.",
)


def rnn_params(rng: random.Random, cells: tuple[str, ...] = tuple(GATE_BLOCKS)) -> dict[str, Any]:
    cell = rng.choice(cells)
    i, h = rng.choice(_SIZES_IN), rng.choice(_SIZES_HIDDEN)
    blocks = GATE_BLOCKS[cell]
    count = recurrent_params(cell, i, h)
    text = Text(
        f"PyTorch의 {_layer(cell, i, h)} 한 층의 학습 매개변수는 모두 몇 개인가? {_PYTORCH_WAY.ko}",
        f"How many trainable parameters does one layer of PyTorch's {_layer(cell, i, h)} "
        f"have? {_PYTORCH_WAY.en}",
    )
    work = (
        f"{blocks} × (h·i + h·h + 2h) = {blocks} × ({h}·{i} + {h}·{h} + 2·{h}) = "
        f"{blocks} × {h * i + h * h + 2 * h} = {count}"
    )
    why = _BLOCKS_WHY[cell]
    explanation = Text(
        f"{why.ko}. 블록마다 입력 가중치 h×i, 순환 가중치 h×h, 바이어스 2개(h씩)가 있다.\n{work}",
        f"{why.en}. Each block has input weights h×i, recurrent weights h×h and two biases "
        f"of h each.\n{work}",
    )
    return numeric(text, explanation, float(count), 0.0)


def gru_params(rng: random.Random) -> dict[str, Any]:
    """`rnn_params` for a GRU layer only, so a GRU note fits every instance."""
    return rnn_params(rng, ("GRU",))


def lstm_vs_gru(rng: random.Random) -> dict[str, Any]:
    i, h = rng.choice(_SIZES_IN), rng.choice(_SIZES_HIDDEN)
    lstm, gru = recurrent_params("LSTM", i, h), recurrent_params("GRU", i, h)
    text = Text(
        f"{_layer('LSTM', i, h)} 한 층은 {_layer('GRU', i, h)} 한 층보다 학습 매개변수가 몇 개 "
        f"더 많은가? {_PYTORCH_WAY.ko}",
        f"How many more trainable parameters does one layer of {_layer('LSTM', i, h)} have "
        f"than one layer of {_layer('GRU', i, h)}? {_PYTORCH_WAY.en}",
    )
    block = h * i + h * h + 2 * h
    work = f"LSTM 4 × {block} = {lstm}, GRU 3 × {block} = {gru}, {lstm} − {gru} = {lstm - gru}"
    explanation = Text(
        "LSTM의 블록은 입력·망각·출력 게이트와 후보 셀 상태, 4개다. GRU는 망각·입력 게이트를 "
        "업데이트 게이트 하나로 합치고 출력 게이트를 없애는 대신 리셋 게이트를 두어, 업데이트·리셋 "
        f"게이트와 후보 상태, 3개 블록이 된다. 차이는 블록 하나(h·i + h·h + 2h)다.\n{work}",
        "An LSTM has 4 blocks: the input, forget and output gates and the candidate cell state. "
        "A GRU merges the forget and input gates into one update gate and drops the output gate, "
        "but adds a reset gate: 3 blocks, the update and reset gates and the candidate state. "
        f"The difference is one block (h·i + h·h + 2h).\n{work}",
    )
    return numeric(text, explanation, float(lstm - gru), 0.0)
