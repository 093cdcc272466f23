"""A correct gru_cell (rows: reset, update, candidate; r inside the candidate's h-part)."""

import torch


def gru_cell(x, h, W_x, W_h, b_x, b_h):
    xr, xz, xn = (x @ W_x.T + b_x).chunk(3, dim=1)
    hr, hz, hn = (h @ W_h.T + b_h).chunk(3, dim=1)
    r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
    n = torch.tanh(xn + r * hn)
    return (1 - z) * n + z * h
