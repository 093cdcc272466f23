"""Reference solution: additive attention (Bahdanau et al., 2015)."""

import torch
from torch import Tensor


def additive_attention(
    s: Tensor, H: Tensor, W_s: Tensor, W_h: Tensor, v: Tensor
) -> tuple[Tensor, Tensor]:
    """Returns (context (B,Dh), weights (B,T))."""
    scores = torch.tanh((s @ W_s.T).unsqueeze(1) + H @ W_h.T) @ v  # (B,1,A)+(B,T,A) -> (B,T)
    weights = torch.softmax(scores, dim=1)
    context = (weights.unsqueeze(-1) * H).sum(dim=1)  # (B,Dh)
    return context, weights
