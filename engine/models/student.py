"""The student's own building blocks inside the labs' networks (`--set impl=mine`).

A passed exercise (`engine.exercises`) gives a plain function or an `nn.Module` class; these
thin modules call it with their *own* parameters, so the optimiser trains the student's
arithmetic and nothing else changes: the same embeddings, heads, losses and probes as the
built-in networks. Where the built-in layer is fused (`nn.LSTM`), the student's cell runs in
a Python loop over time steps (`x.unbind(1)`, LAB-NOTES.md), which is what makes it slower.

Parameter names follow the built-in modules wherever the maths allows (`weight_ih_l0`, ...,
`w_q`, `w_k`, `v`), so a checkpoint of a student run loads into the built-in network too; the
multi-head attention of the exercise has no biases, so its weights are its own (`w_q` ...).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from engine.models.recurrent import RecurrentNet
from engine.models.resnet import ResNetConfig, SmallImageNet
from engine.models.seq2seq import AdditiveAttention, Seq2Seq
from engine.models.transformer import MultiHeadAttention, Transformer

Fn = Callable[..., Any]


class StudentRecurrent(nn.Module):
    """A one-layer, batch-first recurrent layer whose step is the student's cell function.

    It holds the fused layer's parameters under the fused layer's names (PyTorch's packed gate
    order, which the exercises use too) and answers what the probes ask a fused layer for
    (`all_weights`, `hidden_size`, ...), so the hand-written probe cells read it unchanged.
    """

    num_layers, bidirectional, batch_first = 1, False, True

    def __init__(self, fused: nn.RNNBase, cell: str, fn: Fn) -> None:
        super().__init__()
        self.cell, self.fn, self.hidden_size = cell, fn, fused.hidden_size
        w_x, w_h, b_x, b_h = fused.all_weights[0]  # PyTorch's packed gate blocks
        self.weight_ih_l0 = nn.Parameter(w_x.detach().clone())  # (gates*H, D)
        self.weight_hh_l0 = nn.Parameter(w_h.detach().clone())  # (gates*H, H)
        self.bias_ih_l0 = nn.Parameter(b_x.detach().clone())  # (gates*H,)
        self.bias_hh_l0 = nn.Parameter(b_h.detach().clone())

    @property
    def all_weights(self) -> list[list[torch.Tensor]]:
        return [[self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0]]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T, D) from a zero state -> (every h_t (B, T, H), the last h (1, B, H))."""
        h = x.new_zeros(x.shape[0], self.hidden_size)  # (B, H)
        c = h
        w_x, w_h = self.weight_ih_l0, self.weight_hh_l0
        outs = []
        for x_t in x.unbind(1):  # (B, D); unbind keeps the backward fast
            if self.cell == "rnn":
                h = self.fn(x_t, h, w_x, w_h, self.bias_ih_l0 + self.bias_hh_l0)
            elif self.cell == "lstm":
                h, c = self.fn(x_t, h, c, w_x, w_h, self.bias_ih_l0 + self.bias_hh_l0)
            else:
                h = self.fn(x_t, h, w_x, w_h, self.bias_ih_l0, self.bias_hh_l0)
            outs.append(h)
        return torch.stack(outs, 1), h[None]  # (B, T, H), (1, B, H)


def use_cell(model: RecurrentNet, fn: Fn) -> RecurrentNet:
    """`model` with its fused layer replaced by the student's cell (same initial weights)."""
    model.rnn = StudentRecurrent(model.rnn, model.config.cell, fn)  # type: ignore[assignment]
    return model


def student_resnet(block: type[nn.Module], config: ResNetConfig) -> SmallImageNet:
    """The lab's residual net built from the student's `ResidualBlock(in, out, stride)` class.

    The exercise fixes BatchNorm and a projection shortcut, so the lab refuses other settings
    before it comes here."""

    def make(in_channels: int, out_channels: int, stride: int, _config: ResNetConfig) -> Any:
        return block(in_channels, out_channels, stride)

    cls = type("StudentResNet", (SmallImageNet,), {"block": staticmethod(make)})
    return cls(config)  # type: ignore[no-any-return]


class StudentDotAttention(nn.Module):
    """The seq2seq lab's dot attention through `scaled_dot_product_attention(q, k, v, mask)`."""

    def __init__(self, fn: Fn) -> None:
        super().__init__()
        self.fn = fn

    def forward(
        self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # query (B, T, H), keys (B, S, H), mask (B, S) -> context (B, T, H), weights (B, T, S)
        return self.fn(query, keys, keys, mask[:, None, :])  # type: ignore[no-any-return]


class StudentAdditiveAttention(AdditiveAttention):
    """Bahdanau attention through `additive_attention(s, H, W_s, W_h, v)`, one query at a time.

    The exercise's function takes no mask: padded encoder states are zero (the encoder leaves
    them so), so they add nothing to the context, though they take a share of the weights."""

    def __init__(self, hidden: int, fn: Fn) -> None:
        super().__init__(hidden)  # w_q, w_k, v: the built-in module's weights and names
        self.fn = fn

    def forward(
        self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor, projected: Any = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # query (B, T, H) -> context (B, T, H), weights (B, T, S); `projected` is not used
        contexts, weights = [], []
        for s in query.unbind(1):  # (B, H)
            context, w = self.fn(s, keys, self.w_q.weight, self.w_k.weight, self.v.weight[0])
            contexts.append(context)  # (B, H)
            weights.append(w)  # (B, S)
        return torch.stack(contexts, 1), torch.stack(weights, 1)


def use_attention(model: Seq2Seq, fn: Fn) -> Seq2Seq:
    """`model` whose decoder attends through the student's function (dot or additive)."""
    decoder = model.decoder
    if decoder.kind == "dot":
        decoder.attention = StudentDotAttention(fn)
    elif decoder.kind == "additive":
        old = decoder.attention
        assert old is not None
        new = StudentAdditiveAttention(model.config.hidden, fn)
        new.load_state_dict(old.state_dict())  # the same initial weights
        decoder.attention = new
    return model


class StudentMultiHeadAttention(MultiHeadAttention):
    """`multi_head_attention(x_q, x_kv, W_q, W_k, W_v, W_o, n_heads, mask)`: no biases, as in
    the exercise; the weights start as `nn.Linear`'s would (uniform, ±1/√D)."""

    def __init__(self, d_model: int, heads: int, fn: Fn) -> None:
        nn.Module.__init__(self)
        self.heads, self.fn, self.dropout = heads, fn, 0.0
        bound = 1 / math.sqrt(d_model)
        for name in ("w_q", "w_k", "w_v", "w_o"):
            weight = torch.empty(d_model, d_model).uniform_(-bound, bound)  # (D, D)
            setattr(self, name, nn.Parameter(weight))
        self.weights = None

    def forward(
        self, x: torch.Tensor, kv: torch.Tensor, mask: torch.Tensor, explicit: bool = False
    ) -> torch.Tensor:
        # x (B, Tq, C), kv (B, Tk, C); the lab's mask is (B or 1, 1, Tq or 1, Tk): one for
        # every head, so it goes in as (B, Tq or 1, Tk), broadcastable as the exercise says
        out, weights = self.fn(
            x, kv, self.w_q, self.w_k, self.w_v, self.w_o, self.heads, mask[:, 0]
        )
        if explicit:
            self.weights = weights  # (B, nh, Tq, Tk)
        return out  # type: ignore[no-any-return]


def use_transformer_parts(
    model: Transformer, attention: Fn | None, positions: Fn | None
) -> Transformer:
    """`model` with the student's multi-head attention in every layer and/or their
    positional encoding in place of the built-in table."""
    config = model.config
    if attention is not None:
        for layer in [*model.encoder, *model.decoder]:
            for name in ("self_attention", "cross_attention"):
                if hasattr(layer, name):
                    setattr(
                        layer,
                        name,
                        StudentMultiHeadAttention(config.d_model, config.heads, attention),
                    )
    if positions is not None:
        table = torch.as_tensor(positions(config.max_positions, config.d_model))
        model.positions = table.to(torch.float32)  # (max_positions, d_model), a buffer
    return model
