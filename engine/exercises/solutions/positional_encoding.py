"""Reference solution: the sinusoidal positional encoding (Vaswani et al., 2017)."""

import torch
from torch import Tensor


def positional_encoding(T: int, d: int) -> Tensor:
    """The (T,d) encoding: PE[p,2i] = sin(p / 10000^(2i/d)), PE[p,2i+1] = cos(...)."""
    p = torch.arange(T, dtype=torch.float64).unsqueeze(1)  # (T,1)
    two_i = torch.arange(0, d, 2, dtype=torch.float64)  # (d/2,)
    angle = p / 10000 ** (two_i / d)  # (T,d/2)
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.to(torch.get_default_dtype())
