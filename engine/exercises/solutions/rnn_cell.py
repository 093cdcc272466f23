"""Reference solution: a vanilla RNN cell."""

import torch
from torch import Tensor


def rnn_cell(x: Tensor, h: Tensor, W_x: Tensor, W_h: Tensor, b: Tensor) -> Tensor:
    """One tanh RNN step: (B,I), (B,H) -> (B,H)."""
    return torch.tanh(x @ W_x.T + h @ W_h.T + b)
