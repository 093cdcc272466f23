"""Reference solution: multi-head attention without biases (Vaswani et al., 2017)."""

import math

import torch
from torch import Tensor


def multi_head_attention(
    x_q: Tensor,
    x_kv: Tensor,
    W_q: Tensor,
    W_k: Tensor,
    W_v: Tensor,
    W_o: Tensor,
    n_heads: int,
    mask: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """Returns (output (B,Tq,D), weights (B,n_heads,Tq,Tk))."""
    B, Tq, D = x_q.shape
    Tk, d_k = x_kv.shape[1], D // n_heads

    def heads(x: Tensor, T: int) -> Tensor:
        return x.view(B, T, n_heads, d_k).transpose(1, 2)  # (B,h,T,d_k)

    q = heads(x_q @ W_q.T, Tq)
    k = heads(x_kv @ W_k.T, Tk)
    v = heads(x_kv @ W_v.T, Tk)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)  # (B,h,Tq,Tk)
    if mask is not None:
        if mask.dim() == 3:
            mask = mask.unsqueeze(1)  # (B,1,Tq,Tk): the same for every head
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    out = (weights @ v).transpose(1, 2).reshape(B, Tq, D)  # heads side by side again
    return out @ W_o.T, weights
