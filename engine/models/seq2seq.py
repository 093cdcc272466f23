"""GRU encoder-decoder (seq2seq), without attention and with dot-product or additive attention.

The lecture's chain of claims, as three decoders over one encoder:

- `none` — Cho et al. (2014), "Learning Phrase Representations using RNN Encoder-Decoder":
  the encoder squeezes the whole input into one context vector c, and the decoder sees the
  *same* c at every step (fed into the GRU and into the output layer). Long inputs do not fit.
- `dot` — Luong et al. (2015), "Effective Approaches to Attention-based Neural Machine
  Translation" (global attention, dot score; we scale it by 1/sqrt(H) as Vaswani et al. do):
  each decoder state s_t scores every encoder state h_j, and the context c_t = sum_j a_tj h_j
  is rebuilt for every output step. Scoring comes *after* the GRU step, so in training the
  decoder runs as one fused `nn.GRU` call and attention over all steps at once: fast.
- `additive` — Bahdanau et al. (2015), "Neural Machine Translation by Jointly Learning to
  Align and Translate": e_tj = v^T tanh(W_q s_{t-1} + W_k h_j), and c_t feeds the GRU
  *input*, so the decoder must loop step by step (`nn.GRUCell`), as in the lecture's figure.

All three share the encoder (a bidirectional GRU whose two directions, H/2 each, give H-sized
states), the sizes and the output layer h~_t = tanh(W_c [s_t; c_t]), logits = W_o h~_t, so
the only difference between the arms is where the context comes from. Attention weights of
the last forward pass are kept in `decoder.attention_weights` for plotting (d2l style).

The training loop hands a model one tensor, so a batch is the source and the decoder's
teacher-forcing input side by side: `x = [src | tgt_in]`, (B, S + T); see `pack`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from engine.data.korean_numbers import BOS, EOS, PAD, unpack

ATTENTIONS = ("none", "dot", "additive")


@dataclass
class Seq2SeqConfig:
    vocab: int  # characters + specials (shared by source and target)
    src_len: int  # padded source length: the first src_len columns of a packed batch
    embed: int = 32  # E, the character embedding size
    hidden: int = 128  # H, encoder state size (H/2 per direction) and decoder state size
    attention: str = "dot"  # none | dot | additive


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Softmax over the last axis where `mask` is True; padded inputs get weight exactly 0."""
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)


class DotAttention(nn.Module):
    """score(s_t, h_j) = s_t . h_j / sqrt(H) (Luong et al., 2015, 'dot'; scaled)."""

    def forward(
        self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # query (B, T, H), keys (B, S, H), mask (B, S) -> context (B, T, H), weights (B, T, S)
        scores = query @ keys.transpose(1, 2) / math.sqrt(query.shape[-1])  # (B, T, S)
        weights = masked_softmax(scores, mask[:, None, :])
        return weights @ keys, weights


class AdditiveAttention(nn.Module):
    """score(s, h_j) = v^T tanh(W_q s + W_k h_j) (Bahdanau et al., 2015)."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.w_q = nn.Linear(hidden, hidden, bias=False)
        self.w_k = nn.Linear(hidden, hidden, bias=False)
        self.v = nn.Linear(hidden, 1, bias=False)

    def forward(
        self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor, projected=None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # query (B, T, H); `projected` = W_k keys (B, S, H), computed once per sequence
        wk = self.w_k(keys) if projected is None else projected
        features = torch.tanh(self.w_q(query)[:, :, None, :] + wk[:, None, :, :])  # (B,T,S,H)
        scores = self.v(features).squeeze(-1)  # (B, T, S)
        weights = masked_softmax(scores, mask[:, None, :])
        return weights @ keys, weights


def reverse_within(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each sequence of x (B, S, ...) inside its own length, padding left in place:
    [a b c PAD] -> [c b a PAD]. Its own inverse."""
    s = x.shape[1]
    t = torch.arange(s, device=x.device)[None, :]  # (1, S)
    index = torch.where(t < lengths[:, None], lengths[:, None] - 1 - t, t)  # (B, S)
    return x.gather(1, index.view(*index.shape, *([1] * (x.dim() - 2))).expand_as(x))


class Encoder(nn.Module):
    """Embedding + bidirectional GRU over the unpadded part of each source.

    The two directions are two `nn.GRU`s over padded batches rather than one bidirectional
    GRU over a `PackedSequence`: padding sits after every sequence, so the forward direction
    never reads it before a real token, and the backward one reads each sequence reversed
    inside its length. Same arithmetic, about twice as fast on a CPU (packing's gathers cost
    as much as the GRU at these sizes)."""

    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        self.embedding = nn.Embedding(config.vocab, config.embed, padding_idx=PAD)
        self.forward_rnn = nn.GRU(config.embed, config.hidden // 2, batch_first=True)
        self.backward_rnn = nn.GRU(config.embed, config.hidden // 2, batch_first=True)
        self._register_load_state_dict_pre_hook(_from_bidirectional)

    def forward(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """src (B, S) -> states (B, S, H), final summary (B, H), mask (B, S)."""
        mask = src != PAD
        lengths = mask.sum(1).clamp_min(1)
        emb = self.embedding(src)
        forward_states, _ = self.forward_rnn(emb)  # (B, S, H/2)
        backward_states = reverse_within(
            self.backward_rnn(reverse_within(emb, lengths))[0], lengths
        )
        states = torch.cat([forward_states, backward_states], dim=-1)  # (B, S, H)
        states = states * mask[..., None]  # padded positions hold 0, as a packed GRU leaves them
        last = (lengths - 1)[:, None, None].expand(-1, 1, forward_states.shape[-1])
        summary = torch.cat([forward_states.gather(1, last)[:, 0], backward_states[:, 0]], dim=1)
        return states, summary, mask


def _from_bidirectional(state: dict, prefix: str, *_: object) -> None:  # type: ignore[type-arg]
    """Weights saved by the earlier encoder (one bidirectional `rnn`) load into the two GRUs."""
    for key in [k for k in state if k.startswith(prefix + "rnn.")]:
        name = key[len(prefix + "rnn.") :]
        direction = "backward_rnn" if name.endswith("_reverse") else "forward_rnn"
        state[f"{prefix}{direction}.{name.removesuffix('_reverse')}"] = state.pop(key)


class Decoder(nn.Module):
    """A GRU decoder whose context is fixed (`none`) or rebuilt per step by attention."""

    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        h, e = config.hidden, config.embed
        self.kind = config.attention
        self.embedding = nn.Embedding(config.vocab, e, padding_idx=PAD)
        self.init = nn.Linear(h, h)  # s_0 = tanh(W_init c)
        self.attention: nn.Module | None = None
        if self.kind == "dot":
            self.attention = DotAttention()
        elif self.kind == "additive":
            self.attention = AdditiveAttention(h)
        rnn_in = e if self.kind == "dot" else e + h  # none/additive feed c (or c_t) to the GRU
        self.rnn: nn.Module = (
            nn.GRUCell(rnn_in, h)
            if self.kind == "additive"
            else nn.GRU(rnn_in, h, batch_first=True)
        )
        self.combine = nn.Linear(2 * h, h)  # h~_t = tanh(W_c [s_t; c_t])
        self.out = nn.Linear(h, config.vocab)
        self.attention_weights: torch.Tensor | None = None  # (B, T, S) of the last call

    def start(self, summary: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.init(summary))  # (B, H)

    def forward(
        self, tgt_in: torch.Tensor, states: torch.Tensor, summary: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        """Teacher forcing: tgt_in (B, T) -> logits (B, T, V)."""
        emb = self.embedding(tgt_in)  # (B, T, E)
        s0 = self.start(summary)
        if self.kind == "additive":
            return self._additive_loop(emb, s0, states, mask)
        if self.kind == "none":
            context = summary[:, None, :].expand(-1, emb.shape[1], -1)  # the same c every step
            s, _ = self.rnn(torch.cat([emb, context], dim=-1), s0[None])  # (B, T, H)
            self.attention_weights = None
        else:
            assert self.attention is not None
            s, _ = self.rnn(emb, s0[None])  # (B, T, H): all steps in one fused call
            context, self.attention_weights = self.attention(s, states, mask)
        return self.out(torch.tanh(self.combine(torch.cat([s, context], dim=-1))))

    def _additive_loop(
        self, emb: torch.Tensor, s: torch.Tensor, states: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        assert isinstance(self.attention, AdditiveAttention)
        projected = self.attention.w_k(states)  # W_k h_j once, not once per step
        outs, weights = [], []
        for e_t in emb.unbind(1):  # unbind, not emb[:, t]: a far faster backward
            context, w = self.attention(s[:, None], states, mask, projected)  # (B, 1, H)
            s = self.rnn(torch.cat([e_t, context[:, 0]], dim=-1), s)  # (B, H)
            outs.append(torch.cat([s, context[:, 0]], dim=-1))
            weights.append(w[:, 0])
        self.attention_weights = torch.stack(weights, dim=1)  # (B, T, S)
        return self.out(torch.tanh(self.combine(torch.stack(outs, dim=1))))

    def step(
        self,
        y_prev: torch.Tensor,
        s: torch.Tensor,
        states: torch.Tensor,
        summary: torch.Tensor,
        mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """One decoding step: y_prev (B,), s (B, H) -> logits (B, V), new s, weights (B, S)."""
        e = self.embedding(y_prev)  # (B, E)
        weights = None
        if self.kind == "additive":
            context, w = self.attention(s[:, None], states, mask)  # type: ignore[misc]
            s = self.rnn(torch.cat([e, context[:, 0]], dim=-1), s)
            context, weights = context[:, 0], w[:, 0]
        elif self.kind == "none":
            _, h = self.rnn(torch.cat([e, summary], dim=-1)[:, None], s[None])
            s, context = h[0], summary
        else:
            _, h = self.rnn(e[:, None], s[None])
            s = h[0]
            context, w = self.attention(s[:, None], states, mask)  # type: ignore[misc]
            context, weights = context[:, 0], w[:, 0]
        logits = self.out(torch.tanh(self.combine(torch.cat([s, context], dim=-1))))
        return logits, s, weights


class Seq2Seq(nn.Module):
    """Encoder + decoder; `forward` trains with teacher forcing, `greedy` translates."""

    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        if config.attention not in ATTENTIONS:
            raise ValueError(f"attention must be one of {ATTENTIONS}, got {config.attention!r}")
        self.config = config
        self.encoder = Encoder(config)
        self.decoder = Decoder(config)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x = [src | tgt_in] (B, S + T) -> logits (B, T', V), T' the batch's longest target."""
        src, tgt_in = unpack(x, self.config.src_len)
        states, summary, mask = self.encoder(src)
        return self.decoder(tgt_in, states, summary, mask)

    @torch.no_grad()
    def greedy(self, src: torch.Tensor, max_steps: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Translate src (B, S): ids (B, <= max_steps) ending in EOS then PAD, and the
        attention weights (B, steps, S) (None without attention). Stops once all hit EOS."""
        states, summary, mask = self.encoder(src)
        s = self.decoder.start(summary)
        y = torch.full((src.shape[0],), BOS, dtype=torch.long, device=src.device)
        done = torch.zeros_like(y, dtype=torch.bool)
        ids, weights = [], []
        for _ in range(max_steps):
            logits, s, w = self.decoder.step(y, s, states, summary, mask)
            y = logits.argmax(-1).masked_fill(done, PAD)
            ids.append(y)
            if w is not None:
                weights.append(w)
            done |= y == EOS
            if bool(done.all()):
                break
        att = torch.stack(weights, dim=1) if weights else None
        return torch.stack(ids, dim=1), att
