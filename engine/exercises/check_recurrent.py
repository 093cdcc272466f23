"""Graders of the recurrent exercises: rnn_cell, lstm_cell, gru_cell and bptt.

The references are PyTorch's own cells (`nn.RNNCell`, `nn.LSTMCell`, `nn.GRUCell`) called
with the exercise's weights through `torch.func.functional_call`, and autograd itself for
BPTT. The wrong variants are the mistakes one makes writing these cells from the lecture.
"""

from __future__ import annotations

from functools import partial
from itertools import permutations
from typing import Any

import torch
from torch import Tensor, nn
from torch.func import functional_call

from engine.exercises.check_common import Case, FunctionCheck, Variant, randn, seeded
from engine.text import Text

# (B, I, H) and what each case tests
CELL_SIZES = (
    ((4, 3, 5), Text(en="B=4, I=3, H=5", ko="B=4, I=3, H=5")),
    ((1, 3, 5), Text(en="batch 1 (B=1, I=3, H=5)", ko="배치 1 (B=1, I=3, H=5)")),
    ((3, 7, 2), Text(en="odd sizes (B=3, I=7, H=2)", ko="홀수 크기 (B=3, I=7, H=2)")),
    ((2, 1, 1), Text(en="size 1 (B=2, I=1, H=1)", ko="크기 1 (B=2, I=1, H=1)")),
)


def _cell(kind: type[nn.Module], i: int, h: int, params: dict[str, Tensor], *inputs: Any) -> Any:
    return functional_call(kind(i, h), params, inputs)


class RnnCellCheck(FunctionCheck):
    entry = "rnn_cell"
    params = ("x", "h", "W_x", "W_h", "b")
    outputs = ("h_new",)
    grad_args = (0, 1, 2, 3, 4)

    def cases(self, dtype: torch.dtype) -> list[Case]:
        out = []
        for n, ((B, n_in, H), label) in enumerate(CELL_SIZES):
            g = seeded(n)
            args = (
                randn(g, B, n_in, dtype=dtype),
                randn(g, B, H, scale=0.5, dtype=dtype),
                randn(g, H, n_in, scale=0.5, dtype=dtype),
                randn(g, H, H, scale=0.5, dtype=dtype),
                randn(g, H, scale=0.5, dtype=dtype),
            )
            out.append(Case(label, args))
        return out

    def reference(self, x: Tensor, h: Tensor, W_x: Tensor, W_h: Tensor, b: Tensor) -> Tensor:
        params = {"weight_ih": W_x, "weight_hh": W_h, "bias_ih": b, "bias_hh": torch.zeros_like(b)}
        return _cell(nn.RNNCell, W_x.shape[1], W_x.shape[0], params, x, h)

    def variants(self) -> list[Variant]:
        def pre(x: Tensor, h: Tensor, W_x: Tensor, W_h: Tensor, b: Tensor) -> Tensor:
            return x @ W_x.T + h @ W_h.T + b

        return [
            (
                Text(
                    en="tanh is missing (the new state is the pre-activation)",
                    ko="tanh가 빠졌습니다 (새 상태가 활성화 전 값입니다)",
                ),
                pre,
            ),
            (
                Text(en="sigmoid instead of tanh", ko="tanh 대신 시그모이드를 썼습니다"),
                lambda *a: torch.sigmoid(pre(*a)),
            ),
            (
                Text(en="ReLU instead of tanh", ko="tanh 대신 ReLU를 썼습니다"),
                lambda *a: torch.relu(pre(*a)),
            ),
            (
                Text(en="the bias b is left out", ko="바이어스 b가 빠졌습니다"),
                lambda x, h, W_x, W_h, b: torch.tanh(x @ W_x.T + h @ W_h.T),
            ),
            (
                Text(en="the previous state h is left out", ko="이전 상태 h가 빠졌습니다"),
                lambda x, h, W_x, W_h, b: torch.tanh(x @ W_x.T + b),
            ),
        ]


LSTM_GATES = {
    "i": ("input", "입력"),
    "f": ("forget", "망각"),
    "g": ("candidate", "후보"),
    "o": ("output", "출력"),
}
GRU_GATES = {"r": ("reset", "리셋"), "z": ("update", "업데이트"), "n": ("candidate", "후보")}


def _orders(right: str, gates: dict[str, tuple[str, str]], module: str, make: Any) -> list[Variant]:
    """One variant per wrong order of the gate rows, naming the order the student used."""
    words_en = ", ".join(f"{g} ({gates[g][0]})" for g in right)
    words_ko = ", ".join(f"{g} ({gates[g][1]})" for g in right)
    out: list[Variant] = []
    for perm in permutations(right):
        order = "".join(perm)
        if order != right:
            text = Text(
                en=f"gate order swapped: your code reads the rows as {', '.join(order)}; "
                f"{module}'s order is {words_en}",
                ko=f"게이트 순서가 바뀌었습니다: 행을 {', '.join(order)} 순서로 읽었습니다. "
                f"{module}의 순서는 {words_ko}입니다",
            )
            out.append((text, make(order=order)))
    return out


def _lstm(
    x: Tensor,
    h: Tensor,
    c: Tensor,
    W_x: Tensor,
    W_h: Tensor,
    b: Tensor,
    order: str = "ifgo",
    cand: Any = torch.tanh,
    out_tanh: bool = True,
    swap: bool = False,
) -> tuple[Tensor, Tensor]:
    """An LSTM step written out, with knobs for the usual mistakes."""
    parts = dict(zip(order, (x @ W_x.T + h @ W_h.T + b).chunk(4, dim=1), strict=True))
    i, f, g, o = (
        torch.sigmoid(parts["i"]),
        torch.sigmoid(parts["f"]),
        cand(parts["g"]),
        torch.sigmoid(parts["o"]),
    )
    c_new = f * c + i * g
    h_new = o * (torch.tanh(c_new) if out_tanh else c_new)
    return (c_new, h_new) if swap else (h_new, c_new)


class LstmCellCheck(FunctionCheck):
    entry = "lstm_cell"
    params = ("x", "h", "c", "W_x", "W_h", "b")
    outputs = ("h_new", "c_new")
    grad_args = (0, 1, 2, 3, 4, 5)

    def cases(self, dtype: torch.dtype) -> list[Case]:
        out = []
        for n, ((B, n_in, H), label) in enumerate(CELL_SIZES):
            g = seeded(10 + n)
            args = (
                randn(g, B, n_in, dtype=dtype),
                randn(g, B, H, scale=0.5, dtype=dtype),
                randn(g, B, H, dtype=dtype),
                randn(g, 4 * H, n_in, scale=0.7, dtype=dtype),
                randn(g, 4 * H, H, scale=0.7, dtype=dtype),
                randn(g, 4 * H, scale=0.7, dtype=dtype),
            )
            out.append(Case(label, args))
        return out

    def reference(
        self, x: Tensor, h: Tensor, c: Tensor, W_x: Tensor, W_h: Tensor, b: Tensor
    ) -> Any:
        params = {"weight_ih": W_x, "weight_hh": W_h, "bias_ih": b, "bias_hh": torch.zeros_like(b)}
        return tuple(_cell(nn.LSTMCell, W_x.shape[1], W_h.shape[1], params, x, (h, c)))

    def variants(self) -> list[Variant]:
        def v(**kw: Any) -> Any:
            return lambda *a: _lstm(*a, **kw)

        return [
            *_orders("ifgo", LSTM_GATES, "nn.LSTMCell", v),
            (
                Text(
                    en="the candidate uses sigmoid; it takes tanh",
                    ko="후보에 시그모이드를 썼습니다. 후보는 tanh입니다",
                ),
                v(cand=torch.sigmoid),
            ),
            (
                Text(
                    en="h_new = o ⊙ c_new: tanh of the new cell state is missing",
                    ko="h_new = o ⊙ c_new: 새 셀 상태의 tanh가 빠졌습니다",
                ),
                v(out_tanh=False),
            ),
            (
                Text(
                    en="the outputs are swapped: return (h_new, c_new)",
                    ko="출력 순서가 바뀌었습니다: (h_new, c_new)를 돌려주세요",
                ),
                v(swap=True),
            ),
        ]


def _gru(
    x: Tensor,
    h: Tensor,
    W_x: Tensor,
    W_h: Tensor,
    b_x: Tensor,
    b_h: Tensor,
    order: str = "rzn",
    mode: str = "inside",
    swap_z: bool = False,
) -> Tensor:
    H = h.shape[1]
    gx = dict(zip(order, (x @ W_x.T + b_x).chunk(3, dim=1), strict=True))
    gh = dict(zip(order, (h @ W_h.T + b_h).chunk(3, dim=1), strict=True))
    r, z = torch.sigmoid(gx["r"] + gh["r"]), torch.sigmoid(gx["z"] + gh["z"])
    k = order.index("n")
    W_hn, b_hn = W_h[k * H : (k + 1) * H], b_h[k * H : (k + 1) * H]
    if mode == "inside":
        n = torch.tanh(gx["n"] + r * gh["n"])
    elif mode == "bias_outside":
        n = torch.tanh(gx["n"] + r * (h @ W_hn.T) + b_hn)
    elif mode == "before":
        n = torch.tanh(gx["n"] + (r * h) @ W_hn.T + b_hn)
    else:  # no reset gate
        n = torch.tanh(gx["n"] + gh["n"])
    return z * n + (1 - z) * h if swap_z else (1 - z) * n + z * h


class GruCellCheck(FunctionCheck):
    entry = "gru_cell"
    params = ("x", "h", "W_x", "W_h", "b_x", "b_h")
    outputs = ("h_new",)
    grad_args = (0, 1, 2, 3, 4, 5)

    def cases(self, dtype: torch.dtype) -> list[Case]:
        out = []
        for n, ((B, n_in, H), label) in enumerate(CELL_SIZES):
            g = seeded(20 + n)
            args = (
                randn(g, B, n_in, dtype=dtype),
                randn(g, B, H, scale=0.8, dtype=dtype),
                randn(g, 3 * H, n_in, scale=0.7, dtype=dtype),
                randn(g, 3 * H, H, scale=0.7, dtype=dtype),
                randn(g, 3 * H, scale=0.7, dtype=dtype),
                randn(g, 3 * H, scale=0.7, dtype=dtype),
            )
            out.append(Case(label, args))
        return out

    def reference(
        self, x: Tensor, h: Tensor, W_x: Tensor, W_h: Tensor, b_x: Tensor, b_h: Tensor
    ) -> Tensor:
        params = {"weight_ih": W_x, "weight_hh": W_h, "bias_ih": b_x, "bias_hh": b_h}
        return _cell(nn.GRUCell, W_x.shape[1], W_h.shape[1], params, x, h)

    def variants(self) -> list[Variant]:
        def v(**kw: Any) -> Any:
            return lambda *a: _gru(*a, **kw)

        return [
            *_orders("rzn", GRU_GATES, "nn.GRUCell", v),
            (
                Text(
                    en="z and 1−z swapped: h_new = (1 − z) ⊙ n + z ⊙ h keeps the old state where z is large",
                    ko="z와 1−z가 바뀌었습니다: h_new = (1 − z) ⊙ n + z ⊙ h (z가 크면 이전 상태를 유지)",
                ),
                v(swap_z=True),
            ),
            (
                Text(
                    en="the candidate's bias b_hn is outside the reset gate: n = tanh(x-part + r ⊙ (h W_hnᵀ + b_hn))",
                    ko="후보의 바이어스 b_hn이 리셋 게이트 밖에 있습니다: n = tanh(x 항 + r ⊙ (h W_hnᵀ + b_hn))",
                ),
                v(mode="bias_outside"),
            ),
            (
                Text(
                    en="the reset gate multiplies h before W_hn (the paper's form); nn.GRUCell applies it after: r ⊙ (h W_hnᵀ + b_hn)",
                    ko="리셋 게이트를 W_hn 곱하기 전에 h에 곱했습니다 (논문의 형태). nn.GRUCell은 곱한 뒤에 적용합니다: r ⊙ (h W_hnᵀ + b_hn)",
                ),
                v(mode="before"),
            ),
            (
                Text(
                    en="the reset gate is not applied to the candidate",
                    ko="후보에 리셋 게이트가 적용되지 않았습니다",
                ),
                v(mode="none"),
            ),
        ]


BPTT_SIZES = (
    ((5, 3, 4), Text(en="T=5, B=3, H=4", ko="T=5, B=3, H=4")),
    ((1, 1, 3), Text(en="length 1, batch 1 (T=1, B=1, H=3)", ko="길이 1, 배치 1 (T=1, B=1, H=3)")),
    ((7, 2, 5), Text(en="odd sizes (T=7, B=2, H=5)", ko="홀수 크기 (T=7, B=2, H=5)")),
)


def _bptt(
    hs: Tensor,
    W_h: Tensor,
    grad_last: Tensor,
    deriv: str = "h_t",
    transpose: bool = False,
    reverse: bool = False,
) -> Tensor:
    grads = [grad_last]
    W = W_h.T if transpose else W_h
    for t in range(hs.shape[0] - 1, 0, -1):
        g = grads[-1]
        if deriv == "h_t":
            g = g * (1 - hs[t] ** 2)
        elif deriv == "h_prev":
            g = g * (1 - hs[t - 1] ** 2)
        grads.append(g @ W)
    ordered = grads if reverse else grads[::-1]
    return torch.stack(ordered)


class BpttCheck(FunctionCheck):
    entry = "bptt"
    params = ("hs", "W_h", "grad_last")
    outputs = ("grads",)

    def cases(self, dtype: torch.dtype) -> list[Case]:
        out = []
        for n, ((T, B, H), label) in enumerate(BPTT_SIZES):
            g = seeded(30 + n)
            W_h = randn(g, H, H, scale=0.9 / H**0.5, dtype=torch.float64)
            hs = [torch.tanh(randn(g, B, H, dtype=torch.float64))]
            for _ in range(T):
                hs.append(torch.tanh(randn(g, B, H, dtype=torch.float64) + hs[-1] @ W_h.T))
            grad_last = randn(g, B, H, dtype=torch.float64)
            out.append(Case(label, (torch.stack(hs).to(dtype), W_h.to(dtype), grad_last.to(dtype))))
        if dtype == torch.float32:
            f64 = self.cases(torch.float64)[0]
            out.append(
                Case(
                    Text(en="float64 inputs (T=5, B=3, H=4)", ko="float64 입력 (T=5, B=3, H=4)"),
                    f64.args,
                )
            )
        return out

    def reference(self, hs: Tensor, W_h: Tensor, grad_last: Tensor) -> Tensor:
        """Autograd on the same RNN: the input part of step t is what makes tanh give h_t."""
        with torch.enable_grad():
            hs64, W = hs.detach().double(), W_h.detach().double()
            states = [hs64[0].clone().requires_grad_(True)]
            for t in range(1, hs64.shape[0]):
                u = torch.atanh(hs64[t].clamp(-1 + 1e-12, 1 - 1e-12)) - hs64[t - 1] @ W.T
                nxt = torch.tanh(u + states[-1] @ W.T)
                nxt.retain_grad()
                states.append(nxt)
            (states[-1] * grad_last.double()).sum().backward()
            grads = [s.grad if s.grad is not None else torch.zeros_like(s) for s in states]
        return torch.stack(grads).to(hs.dtype)

    def variants(self) -> list[Variant]:
        return [
            (
                Text(
                    en="tanh′ is missing: multiply by (1 − h_t²) at every step back",
                    ko="tanh′가 빠졌습니다: 한 시점 거슬러 갈 때마다 (1 − h_t²)를 곱하세요",
                ),
                partial(_bptt, deriv="none"),
            ),
            (
                Text(
                    en="tanh′ taken at h_{t−1}; the step that produced h_t has derivative 1 − h_t²",
                    ko="tanh′를 h_{t−1}에서 구했습니다. h_t를 만든 단계의 도함수는 1 − h_t²입니다",
                ),
                partial(_bptt, deriv="h_prev"),
            ),
            (
                Text(
                    en="W_h transposed: the gradient for h_{t−1} is (g ⊙ (1 − h_t²)) @ W_h",
                    ko="W_h가 전치되었습니다: h_{t−1}의 기울기는 (g ⊙ (1 − h_t²)) @ W_h 입니다",
                ),
                partial(_bptt, transpose=True),
            ),
            (
                Text(
                    en="the order is reversed: index t must hold ∂L/∂h_t, from t = 0 to T",
                    ko="순서가 거꾸로입니다: t번째에 ∂L/∂h_t가 t = 0부터 T까지 와야 합니다",
                ),
                partial(_bptt, reverse=True),
            ),
        ]
