"""Graders of the attention exercises: attention, additive_attention, multi_head_attention
and positional_encoding.

References: `F.scaled_dot_product_attention` for the output (its weights recomputed the
documented way), `nn.MultiheadAttention(bias=False, batch_first=True)` with the exercise's
weights, and the formulas written out in float64 where PyTorch has no function (Bahdanau's
score, the sinusoidal encoding). The masks include rows where only one key is allowed.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.func import functional_call

from engine.exercises.check_common import Case, FunctionCheck, Variant, randn, seeded
from engine.text import Text


def _mask(g: torch.Generator, B: int, Tq: int, Tk: int) -> Tensor:
    """A random (B,Tq,Tk) mask, every row allowing at least one key; the first rows allow
    exactly one (fully masked but one)."""
    m = torch.rand(B, Tq, Tk, generator=g) < 0.6
    m[..., 0] |= ~m.any(-1)
    for q in range(min(2, Tq)):
        m[:, q] = False
        m[:, q, (q * 3) % Tk] = True
    return m


def _attend(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Tensor | None,
    scale: float | None = None,
    axis: int = -1,
    invert: bool = False,
    use_mask: bool = True,
) -> tuple[Tensor, Tensor]:
    """Attention written out, with knobs for the usual mistakes."""
    scores = q @ k.transpose(-2, -1) * (1 / math.sqrt(q.shape[-1]) if scale is None else scale)
    if mask is not None and use_mask:
        scores = scores.masked_fill(mask if invert else ~mask, float("-inf"))
    w = torch.softmax(scores, dim=axis)
    return w @ v, w


class AttentionCheck(FunctionCheck):
    entry = "scaled_dot_product_attention"
    params = ("q", "k", "v", "mask")
    optional = ("mask",)
    outputs = ("output", "weights")
    grad_args = (0, 1, 2)

    def cases(self, dtype: torch.dtype) -> list[Case]:
        specs = [
            (
                (2, 3, 4, 8, 5),
                None,
                Text(
                    en="B=2, Tq=3, Tk=4, d=8, dv=5, no mask",
                    ko="B=2, Tq=3, Tk=4, d=8, dv=5, 마스크 없음",
                ),
            ),
            ((1, 1, 1, 4, 4), None, Text(en="batch 1, length 1", ko="배치 1, 길이 1")),
            (
                (3, 5, 7, 6, 3),
                "full",
                Text(
                    en="a (B,Tq,Tk) mask, some rows masked but one key",
                    ko="(B,Tq,Tk) 마스크, 키 하나만 남긴 행 포함",
                ),
            ),
            (
                (2, 4, 5, 3, 2),
                "pad",
                Text(en="a (B,1,Tk) padding mask, odd sizes", ko="(B,1,Tk) 패딩 마스크, 홀수 크기"),
            ),
        ]
        out = []
        for n, ((B, Tq, Tk, d, dv), kind, label) in enumerate(specs):
            g = seeded(40 + n)
            q, k, v = (
                randn(g, B, Tq, d, dtype=dtype),
                randn(g, B, Tk, d, dtype=dtype),
                randn(g, B, Tk, dv, dtype=dtype),
            )
            kwargs: dict[str, Any] = {}
            if kind == "full":
                kwargs["mask"] = _mask(g, B, Tq, Tk)
            elif kind == "pad":
                lengths = torch.tensor([Tk, 2])[:B]
                kwargs["mask"] = (torch.arange(Tk)[None, :] < lengths[:, None])[:, None, :]
            out.append(Case(label, (q * 1.5, k, v), kwargs))
        return out

    def grad_case(self) -> Case:
        return self.cases(torch.float64)[2]

    def reference(self, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None) -> Any:
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        return out, torch.softmax(scores, dim=-1)

    def variants(self) -> list[Variant]:
        return [
            (
                Text(
                    en="no 1/√d scaling: divide the scores by √d (d = q's last size)",
                    ko="1/√d 스케일링이 없습니다: 점수를 √d로 나누세요 (d = q의 마지막 크기)",
                ),
                lambda q, k, v, mask=None: _attend(q, k, v, mask, scale=1.0),
            ),
            (
                Text(en="scaled by 1/d instead of 1/√d", ko="1/√d 대신 1/d로 나눴습니다"),
                lambda q, k, v, mask=None: _attend(q, k, v, mask, scale=1 / q.shape[-1]),
            ),
            (
                Text(
                    en="scaled by √dv (v's size) instead of √d (the keys' size)",
                    ko="√d (키의 크기) 대신 √dv (v의 크기)로 나눴습니다",
                ),
                lambda q, k, v, mask=None: _attend(q, k, v, mask, scale=1 / math.sqrt(v.shape[-1])),
            ),
            (
                Text(
                    en="softmax over the wrong axis: each query's weights must sum to 1 over the keys (dim=-1)",
                    ko="softmax 축이 틀렸습니다: 쿼리마다 가중치의 합이 키 방향(dim=-1)으로 1이어야 합니다",
                ),
                lambda q, k, v, mask=None: _attend(q, k, v, mask, axis=-2),
            ),
            (
                Text(
                    en="mask inverted: True means the key may be attended, so blank out where it is False",
                    ko="마스크가 뒤집혔습니다: True가 볼 수 있는 키이니 False인 곳을 가리세요",
                ),
                lambda q, k, v, mask=None: _attend(q, k, v, mask, invert=True),
            ),
            (
                Text(en="the mask is ignored", ko="마스크가 적용되지 않았습니다"),
                lambda q, k, v, mask=None: _attend(q, k, v, mask, use_mask=False),
            ),
        ]


def _additive(
    s: Tensor,
    H: Tensor,
    W_s: Tensor,
    W_h: Tensor,
    v: Tensor,
    axis: int = 1,
    act: Any = torch.tanh,
    raw: bool = False,
) -> tuple[Tensor, Tensor]:
    scores = act((s @ W_s.T)[:, None, :] + H @ W_h.T) @ v  # (B,T)
    w = torch.softmax(scores, dim=axis)
    return ((scores if raw else w)[..., None] * H).sum(1), w


class AdditiveAttentionCheck(FunctionCheck):
    entry = "additive_attention"
    params = ("s", "H", "W_s", "W_h", "v")
    outputs = ("context", "weights")
    grad_args = (0, 1, 2, 3, 4)

    def cases(self, dtype: torch.dtype) -> list[Case]:
        specs = [
            ((3, 5, 4, 6, 7), Text(en="B=3, T=5, Ds=4, Dh=6, A=7", ko="B=3, T=5, Ds=4, Dh=6, A=7")),
            ((1, 1, 2, 3, 2), Text(en="batch 1, length 1", ko="배치 1, 길이 1")),
            ((2, 9, 5, 3, 1), Text(en="odd sizes, A=1", ko="홀수 크기, A=1")),
        ]
        out = []
        for n, ((B, T, Ds, Dh, A), label) in enumerate(specs):
            g = seeded(50 + n)
            args = (
                randn(g, B, Ds, dtype=dtype),
                randn(g, B, T, Dh, dtype=dtype),
                randn(g, A, Ds, scale=0.8, dtype=dtype),
                randn(g, A, Dh, scale=0.8, dtype=dtype),
                randn(g, A, scale=1.5, dtype=dtype),
            )
            out.append(Case(label, args))
        return out

    def reference(self, s: Tensor, H: Tensor, W_s: Tensor, W_h: Tensor, v: Tensor) -> Any:
        d = s.dtype
        s, H, W_s, W_h, v = (t.double() for t in (s, H, W_s, W_h, v))
        e = torch.einsum(
            "bta,a->bt",
            torch.tanh(
                torch.einsum("ad,bd->ba", W_s, s)[:, None] + torch.einsum("ad,btd->bta", W_h, H)
            ),
            v,
        )
        w = torch.softmax(e, dim=1)
        return torch.einsum("bt,btd->bd", w, H).to(d), w.to(d)

    def variants(self) -> list[Variant]:
        return [
            (
                Text(
                    en="softmax over the batch (dim=0); the weights sum to 1 over the encoder steps (dim=1)",
                    ko="softmax를 배치 축(dim=0)으로 했습니다. 가중치는 인코더 시점 방향(dim=1)으로 합이 1입니다",
                ),
                partial(_additive, axis=0),
            ),
            (
                Text(en="tanh is missing inside the score", ko="점수 안의 tanh가 빠졌습니다"),
                partial(_additive, act=lambda x: x),
            ),
            (
                Text(
                    en="the context averages H with the raw scores; use the softmax weights",
                    ko="문맥이 점수 그대로 H를 평균합니다. softmax 가중치를 쓰세요",
                ),
                partial(_additive, raw=True),
            ),
        ]


def _mha(
    x_q: Tensor,
    x_kv: Tensor,
    W_q: Tensor,
    W_k: Tensor,
    W_v: Tensor,
    W_o: Tensor,
    n_heads: int,
    mask: Tensor | None = None,
    scale_full: bool = False,
    interleave: bool = False,
    out_proj: bool = True,
    invert: bool = False,
    no_transpose: bool = False,
) -> tuple[Tensor, Tensor]:
    B, Tq, D = x_q.shape
    dk = D // n_heads

    def proj(x: Tensor, W: Tensor) -> Tensor:
        return x @ W if no_transpose else x @ W.T

    def split(x: Tensor) -> Tensor:
        T = x.shape[1]
        if interleave:
            return x.view(B, T, dk, n_heads).permute(0, 3, 1, 2)
        return x.view(B, T, n_heads, dk).transpose(1, 2)  # (B,h,T,dk)

    Q, K, V = split(proj(x_q, W_q)), split(proj(x_kv, W_k)), split(proj(x_kv, W_v))
    scores = Q @ K.transpose(-2, -1) / math.sqrt(D if scale_full else dk)
    if mask is not None:
        m = mask if mask.dim() == 4 else mask[:, None]
        scores = scores.masked_fill(m if invert else ~m, float("-inf"))
    w = torch.softmax(scores, dim=-1)
    heads = (w @ V).transpose(1, 2).reshape(B, Tq, D)
    return (proj(heads, W_o) if out_proj else heads), w


class MultiHeadAttentionCheck(FunctionCheck):
    entry = "multi_head_attention"
    params = ("x_q", "x_kv", "W_q", "W_k", "W_v", "W_o", "n_heads", "mask")
    optional = ("mask",)
    outputs = ("output", "weights")
    grad_args = (0, 1, 2, 3, 4, 5)

    def cases(self, dtype: torch.dtype) -> list[Case]:
        specs = [
            (
                (2, 3, 4, 8, 2),
                None,
                Text(
                    en="B=2, Tq=3, Tk=4, D=8, 2 heads, no mask",
                    ko="B=2, Tq=3, Tk=4, D=8, 헤드 2개, 마스크 없음",
                ),
            ),
            (
                (1, 1, 1, 4, 1),
                None,
                Text(en="batch 1, length 1, one head", ko="배치 1, 길이 1, 헤드 1개"),
            ),
            (
                (3, 5, 6, 12, 3),
                "full",
                Text(
                    en="a (B,Tq,Tk) mask with rows masked but one key, 3 heads",
                    ko="키 하나만 남긴 행이 있는 (B,Tq,Tk) 마스크, 헤드 3개",
                ),
            ),
            (
                (2, 4, 4, 8, 4),
                "heads",
                Text(
                    en="a (B,n_heads,Tq,Tk) causal mask, 4 heads",
                    ko="(B,n_heads,Tq,Tk) 인과 마스크, 헤드 4개",
                ),
            ),
        ]
        out = []
        for n, ((B, Tq, Tk, D, h), kind, label) in enumerate(specs):
            g = seeded(60 + n)
            Ws = [randn(g, D, D, scale=1.5 / math.sqrt(D), dtype=dtype) for _ in range(4)]
            args = (randn(g, B, Tq, D, dtype=dtype), randn(g, B, Tk, D, dtype=dtype), *Ws, h)
            kwargs: dict[str, Any] = {}
            if kind == "full":
                kwargs["mask"] = _mask(g, B, Tq, Tk)
            elif kind == "heads":
                causal = torch.ones(Tq, Tk, dtype=torch.bool).tril()
                m = causal.expand(B, h, Tq, Tk).clone()
                m[:, 1:, -1, :] = torch.rand(B, h - 1, Tk, generator=g) < 0.5
                m[:, 1:, -1, 0] = True
                kwargs["mask"] = m
            out.append(Case(label, args, kwargs))
        return out

    def grad_case(self) -> Case:
        return self.cases(torch.float64)[2]

    def reference(
        self,
        x_q: Tensor,
        x_kv: Tensor,
        W_q: Tensor,
        W_k: Tensor,
        W_v: Tensor,
        W_o: Tensor,
        n_heads: int,
        mask: Tensor | None = None,
    ) -> Any:
        B, Tq, D = x_q.shape
        Tk = x_kv.shape[1]
        mha = nn.MultiheadAttention(D, n_heads, bias=False, batch_first=True, dtype=x_q.dtype)
        params = {"in_proj_weight": torch.cat([W_q, W_k, W_v]), "out_proj.weight": W_o}
        attn_mask = None
        if mask is not None:
            m = mask if mask.dim() == 4 else mask[:, None]
            attn_mask = ~m.expand(B, n_heads, Tq, Tk).reshape(B * n_heads, Tq, Tk)
        out, w = functional_call(
            mha,
            params,
            (x_q, x_kv, x_kv),
            {"attn_mask": attn_mask, "need_weights": True, "average_attn_weights": False},
        )
        return out, w

    def variants(self) -> list[Variant]:
        def v(**kw: Any) -> Any:
            return partial(_mha, **kw)

        return [
            (
                Text(
                    en="scaled by √D; each head scales by √d_k with d_k = D / n_heads",
                    ko="√D로 나눴습니다. 헤드마다 √d_k (d_k = D / n_heads)로 나눕니다",
                ),
                v(scale_full=True),
            ),
            (
                Text(
                    en="heads split the wrong way: head i takes the i-th block of D // n_heads features, view(B, T, n_heads, d_k)",
                    ko="헤드를 잘못 나눴습니다: 헤드 i는 D // n_heads개씩 i번째 구간을 가집니다, view(B, T, n_heads, d_k)",
                ),
                v(interleave=True),
            ),
            (
                Text(en="the output projection W_o is missing", ko="출력 투영 W_o가 빠졌습니다"),
                v(out_proj=False),
            ),
            (
                Text(
                    en="mask inverted: True means the key may be attended",
                    ko="마스크가 뒤집혔습니다: True가 볼 수 있는 키입니다",
                ),
                v(invert=True),
            ),
            (
                Text(
                    en="weights used as x @ W; the convention is x @ W.T (as nn.Linear)",
                    ko="가중치를 x @ W로 썼습니다. 규칙은 x @ W.T입니다 (nn.Linear처럼)",
                ),
                v(no_transpose=True),
            ),
        ]


def _pe(
    T: int,
    d: int,
    layout: str = "interleaved",
    start: int = 0,
    column_exponent: bool = False,
    swap: bool = False,
) -> Tensor:
    p = torch.arange(start, start + T, dtype=torch.float64)[:, None]
    i = torch.arange(d // 2, dtype=torch.float64)[None, :]
    two_i = 2 * i
    angle = p / 10000 ** ((2 * two_i if column_exponent else two_i) / d)
    sin, cos = (
        (torch.cos(angle), torch.sin(angle)) if swap else (torch.sin(angle), torch.cos(angle))
    )
    if layout == "halves":
        pe = torch.cat([sin, cos], dim=1)
    else:
        pe = torch.empty(T, d, dtype=torch.float64)
        pe[:, 0::2], pe[:, 1::2] = sin, cos
    return pe.float()


class PositionalEncodingCheck(FunctionCheck):
    entry = "positional_encoding"
    params = ("T", "d")
    outputs = ("pe",)

    def cases(self, dtype: torch.dtype) -> list[Case]:
        specs = [
            ((10, 16), Text(en="T=10, d=16", ko="T=10, d=16")),
            ((1, 2), Text(en="length 1, d=2", ko="길이 1, d=2")),
            ((7, 6), Text(en="odd length, d=6", ko="홀수 길이, d=6")),
            ((50, 128), Text(en="T=50, d=128", ko="T=50, d=128")),
        ]
        return [Case(label, (T, d)) for (T, d), label in specs]

    def reference(self, T: int, d: int) -> Tensor:
        return _pe(T, d)

    def variants(self) -> list[Variant]:
        return [
            (
                Text(
                    en="sin and cos swapped: even columns take the sine",
                    ko="sin과 cos가 바뀌었습니다: 짝수 열이 사인입니다",
                ),
                lambda T, d: _pe(T, d, swap=True),
            ),
            (
                Text(
                    en="sines in the first half, cosines in the second: they alternate, pe[:, 0::2] and pe[:, 1::2]",
                    ko="앞 절반이 사인, 뒤 절반이 코사인입니다: 번갈아 와야 합니다, pe[:, 0::2]와 pe[:, 1::2]",
                ),
                lambda T, d: _pe(T, d, layout="halves"),
            ),
            (
                Text(
                    en="positions start at 1; the first position is p = 0",
                    ko="위치가 1부터 시작합니다. 첫 위치는 p = 0입니다",
                ),
                lambda T, d: _pe(T, d, start=1),
            ),
            (
                Text(
                    en="the exponent uses the column index (2·2i/d); columns 2i and 2i+1 share 10000^(2i/d)",
                    ko="지수에 열 번호를 썼습니다 (2·2i/d). 2i열과 2i+1열은 10000^(2i/d)를 함께 씁니다",
                ),
                lambda T, d: _pe(T, d, column_exponent=True),
            ),
        ]
