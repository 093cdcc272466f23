"""Graders of the Transformer's exercises: multi_head_attention and positional_encoding.

The reference for multi-head attention is `nn.MultiheadAttention(bias=False,
batch_first=True)` holding the exercise's weights; the sinusoidal encoding has no PyTorch
function, so its formula is written out in float64.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import torch
from torch import Tensor, nn
from torch.func import functional_call

from engine.exercises.check_attention import random_mask
from engine.exercises.check_common import Case, FunctionCheck, Variant, randn, seeded
from engine.text import Text


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
                kwargs["mask"] = random_mask(g, B, Tq, Tk)
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
