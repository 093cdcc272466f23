"""First-token recall, the `memory` lab's task: a sequence of T tokens whose first token is one
of N_SIGNAL "signal" symbols (0..7) and whose other T - 1 tokens are "noise" symbols (8..15)
drawn at random; the label is the first token. Nothing after step 1 carries information, so a
net must keep the first token in its state for T - 1 steps. Guessing gives 1 / N_SIGNAL = 0.125.
Torch is imported by the generator only: the memory lab's verdict reads CHANCE without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

N_SIGNAL = 8  # symbols that can start a sequence (the classes)
N_NOISE = 8  # filler symbols
VOCAB = N_SIGNAL + N_NOISE
CHANCE = 1.0 / N_SIGNAL


def first_token_task(
    n: int, length: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` sequences of `length` tokens (n, T) and their labels (n,): the first token."""
    import torch  # here, so that the torch-free verdict can read the constants above

    if length < 1:
        raise ValueError("sequence length must be at least 1")
    first = torch.randint(0, N_SIGNAL, (n, 1), generator=generator)
    noise = torch.randint(N_SIGNAL, VOCAB, (n, length - 1), generator=generator)
    return torch.cat([first, noise], dim=1), first.squeeze(1).clone()
