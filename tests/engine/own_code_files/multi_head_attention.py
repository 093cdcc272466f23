"""A correct multi-head attention without biases."""

import math

import torch


def multi_head_attention(x_q, x_kv, W_q, W_k, W_v, W_o, n_heads, mask=None):
    b, tq, d = x_q.shape
    tk, hs = x_kv.shape[1], d // n_heads
    q = (x_q @ W_q.T).view(b, tq, n_heads, hs).transpose(1, 2)
    k = (x_kv @ W_k.T).view(b, tk, n_heads, hs).transpose(1, 2)
    v = (x_kv @ W_v.T).view(b, tk, n_heads, hs).transpose(1, 2)
    scores = q @ k.transpose(-2, -1) / math.sqrt(hs)
    if mask is not None:
        if mask.dim() == 3:
            mask = mask[:, None]
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    out = (weights @ v).transpose(1, 2).reshape(b, tq, d)
    return out @ W_o.T, weights
