"""Reference solution: scaled dot-product attention (Vaswani et al., 2017)."""

import math

import torch
from torch import Tensor


def scaled_dot_product_attention(
    q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None
) -> tuple[Tensor, Tensor]:
    """softmax(q kᵀ / √d) v. Returns (output (B,Tq,dv), weights (B,Tq,Tk))."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (B,Tq,Tk)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))  # True = may attend
    weights = torch.softmax(scores, dim=-1)  # each query's weights sum to 1 over the keys
    return weights @ v, weights
