"""Reference solution: an LSTM cell (gate rows i, f, g, o, as nn.LSTMCell)."""

import torch
from torch import Tensor


def lstm_cell(
    x: Tensor, h: Tensor, c: Tensor, W_x: Tensor, W_h: Tensor, b: Tensor
) -> tuple[Tensor, Tensor]:
    """One LSTM step. Returns (h_new, c_new), each (B,H)."""
    i, f, g, o = (x @ W_x.T + h @ W_h.T + b).chunk(4, dim=1)  # each (B,H)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h_new = torch.sigmoid(o) * torch.tanh(c_new)
    return h_new, c_new
