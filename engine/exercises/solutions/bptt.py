"""Reference solution: backpropagation through time in a tanh RNN, by hand."""

import torch
from torch import Tensor


def bptt(hs: Tensor, W_h: Tensor, grad_last: Tensor) -> Tensor:
    """dL/dh_t for t = 0..T, (T+1,B,H), from hs (T+1,B,H), W_h (H,H), dL/dh_T (B,H)."""
    grads = [grad_last]
    for t in range(hs.shape[0] - 1, 0, -1):
        # h_t = tanh(a_t), a_t = ... + h_{t-1} W_hᵀ: through tanh, then through W_h
        grads.append((grads[-1] * (1 - hs[t] ** 2)) @ W_h)
    return torch.stack(grads[::-1])  # (T+1,B,H), index t = dL/dh_t
