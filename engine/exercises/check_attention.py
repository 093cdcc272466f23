"""Graders of the attention exercises: attention and additive_attention.

References: `F.scaled_dot_product_attention` for the output (its weights recomputed the
documented way), and the formula written out in float64 where PyTorch has no function (Bahdanau's
score). The masks include rows where only one key is allowed.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from engine.exercises.check_common import Case, FunctionCheck, Variant, randn, seeded
from engine.text import Text


def random_mask(g: torch.Generator, B: int, Tq: int, Tk: int) -> Tensor:
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
                kwargs["mask"] = random_mask(g, B, Tq, Tk)
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
