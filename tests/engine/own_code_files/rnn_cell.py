"""A correct rnn_cell, written as a student would (the tests' stand-in for a passed file)."""

import torch


def rnn_cell(x, h, W_x, W_h, b):
    return torch.tanh(x @ W_x.T + h @ W_h.T + b)
