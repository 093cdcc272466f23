"""Reference solution: a GRU cell (rows r, z, n, as nn.GRUCell)."""

import torch
from torch import Tensor


def gru_cell(x: Tensor, h: Tensor, W_x: Tensor, W_h: Tensor, b_x: Tensor, b_h: Tensor) -> Tensor:
    """One GRU step. Returns h_new (B,H)."""
    x_r, x_z, x_n = (x @ W_x.T + b_x).chunk(3, dim=1)  # each (B,H)
    h_r, h_z, h_n = (h @ W_h.T + b_h).chunk(3, dim=1)
    r = torch.sigmoid(x_r + h_r)
    z = torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)  # the reset gate scales the state's part, bias included
    return (1 - z) * n + z * h
