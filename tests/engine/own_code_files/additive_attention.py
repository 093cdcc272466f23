"""A correct additive (Bahdanau) attention."""

import torch


def additive_attention(s, H, W_s, W_h, v):
    scores = torch.tanh((s @ W_s.T)[:, None, :] + H @ W_h.T) @ v  # (B, T)
    weights = torch.softmax(scores, dim=-1)
    return (weights[:, :, None] * H).sum(1), weights
