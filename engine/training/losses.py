"""Losses over padded token sequences, for the translation labs (seq2seq, Transformer)."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from engine.data.korean_numbers import PAD


def token_cross_entropy(
    logits: torch.Tensor, targets: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    """Cross-entropy over the real (non-pad) target tokens: (B, T', V), (B, T), mean or sum.
    Targets are cut to the logits' T' <= T: `unpack` dropped only columns of padding."""
    targets = targets[:, : logits.shape[1]]
    return F.cross_entropy(
        logits.flatten(0, 1).float(), targets.flatten(), ignore_index=PAD, reduction=reduction
    )


def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the real (non-pad) target tokens."""
    return token_cross_entropy(logits, targets)


def per_pair_loss(mean_tokens: float) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """Cross-entropy summed over a batch's real target tokens / (B x `mean_tokens`), the
    training set's mean target tokens per pair: what `length_order` batches train with.

    A per-token mean (`sequence_loss`) would give a batch of 3-character pairs the same
    weight as a batch of 30-character ones, and the long inputs, the very ones the lab is
    about, would learn late. Summed, every token weighs the same however pairs are batched,
    and over an epoch the mean of this loss is the per-token mean (up to the ragged batch)."""

    def loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return token_cross_entropy(logits, targets, "sum") / (targets.shape[0] * mean_tokens)

    return loss
