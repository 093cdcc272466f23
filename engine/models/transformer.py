"""An encoder-decoder Transformer, small enough to train on a CPU.

Vaswani et al. (2017), "Attention Is All You Need": the encoder and decoder drop recurrence
for self-attention, so every position of a sequence is processed at once (training runs in
parallel over time) and any two positions are one attention step apart. Layers are pre-norm
(x + Sublayer(LayerNorm(x)), as in GPT-2 and nanoGPT: it trains without warm-up at this size);
positions are the paper's sinusoidal encoding, so any length can be timed.

Training uses the fused `F.scaled_dot_product_attention`; `explicit=True` recomputes
softmax(q k^T / sqrt(d)) v by hand (minGPT style) and keeps the weights, which the probe
shows for one display sample. Both paths are tested to agree.

A batch is the source and the decoder's teacher-forcing input side by side, as for the GRU
seq2seq (`engine.models.seq2seq.pack`): x = [src | tgt_in], (B, S + T).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from engine.data.korean_numbers import BOS, EOS, PAD, unpack


@dataclass
class TransformerConfig:
    vocab: int  # characters + specials (shared by source and target)
    src_len: int  # padded source length: the first src_len columns of a packed batch
    d_model: int = 64  # width of every token's representation
    heads: int = 4  # attention heads; head size = d_model / heads
    layers: int = 2  # encoder layers, and as many decoder layers
    ff: int = 256  # hidden width of the position-wise feed-forward net
    dropout: float = 0.0
    max_positions: int = 1024  # longest sequence the positional table covers


def sinusoids(length: int, d_model: int) -> torch.Tensor:
    """PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(...): (length, d_model)."""
    pos = torch.arange(length, dtype=torch.float32)[:, None]
    rate = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(1e4) / d_model))
    pe = torch.zeros(length, d_model)
    pe[:, 0::2] = torch.sin(pos * rate)
    pe[:, 1::2] = torch.cos(pos * rate)
    return pe


def padding_mask(tokens: torch.Tensor) -> torch.Tensor:
    """Which keys may be attended to: (B, T) -> (B, 1, 1, T), False at <pad>."""
    return (tokens != PAD)[:, None, None, :]


def causal_mask(t: int, device: torch.device | None = None) -> torch.Tensor:
    """Position i may attend to positions <= i: (1, 1, T, T), lower-triangular True."""
    return torch.ones(t, t, dtype=torch.bool, device=device).tril()[None, None]


class MultiHeadAttention(nn.Module):
    """Multi-head scaled dot-product attention; self-attention when `kv` is `x`."""

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        assert config.d_model % config.heads == 0
        self.heads = config.heads
        self.q = nn.Linear(config.d_model, config.d_model)
        self.kv = nn.Linear(config.d_model, 2 * config.d_model)
        self.proj = nn.Linear(config.d_model, config.d_model)
        self.dropout = config.dropout
        self.weights: torch.Tensor | None = None  # (B, nh, Tq, Tk), kept by the explicit path

    def forward(
        self, x: torch.Tensor, kv: torch.Tensor, mask: torch.Tensor, explicit: bool = False
    ) -> torch.Tensor:
        """x (B, Tq, C) attends to kv (B, Tk, C); mask broadcasts to (B, nh, Tq, Tk)."""
        b, tq, c = x.shape
        tk, nh = kv.shape[1], self.heads
        q = self.q(x).view(b, tq, nh, c // nh).transpose(1, 2)  # (B, nh, Tq, hs)
        k, v = self.kv(kv).split(c, dim=2)
        k = k.view(b, tk, nh, c // nh).transpose(1, 2)  # (B, nh, Tk, hs)
        v = v.view(b, tk, nh, c // nh).transpose(1, 2)  # (B, nh, Tk, hs)
        if explicit:
            att = (q @ k.transpose(-2, -1)) / math.sqrt(k.shape[-1])  # (B, nh, Tq, Tk)
            att = torch.softmax(att.masked_fill(~mask, float("-inf")), dim=-1)
            self.weights = att
            y = att @ v  # (B, nh, Tq, hs)
        else:
            p = self.dropout if self.training else 0.0
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)
        y = y.transpose(1, 2).contiguous().view(b, tq, c)  # (B, Tq, C): heads side by side
        return self.proj(y)


class FeedForward(nn.Sequential):
    def __init__(self, config: TransformerConfig) -> None:
        super().__init__(
            nn.Linear(config.d_model, config.ff),
            nn.GELU(),
            nn.Linear(config.ff, config.d_model),
            nn.Dropout(config.dropout),
        )


class EncoderLayer(nn.Module):
    """x + SelfAttention(LN(x)), then x + FF(LN(x))."""

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(config.d_model), nn.LayerNorm(config.d_model)
        self.self_attention = MultiHeadAttention(config)
        self.ff = FeedForward(config)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, explicit: bool = False) -> torch.Tensor:
        h = self.ln1(x)
        x = x + self.self_attention(h, h, mask, explicit)
        return x + self.ff(self.ln2(x))


class DecoderLayer(nn.Module):
    """Masked self-attention over the output so far, cross-attention to the input, FF."""

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.ln1, self.ln2, self.ln3 = (nn.LayerNorm(config.d_model) for _ in range(3))
        self.self_attention = MultiHeadAttention(config)
        self.cross_attention = MultiHeadAttention(config)
        self.ff = FeedForward(config)

    def forward(
        self,
        y: torch.Tensor,
        memory: torch.Tensor,
        self_mask: torch.Tensor,
        cross_mask: torch.Tensor,
        explicit: bool = False,
    ) -> torch.Tensor:
        h = self.ln1(y)
        y = y + self.self_attention(h, h, self_mask, explicit)
        y = y + self.cross_attention(self.ln2(y), memory, cross_mask, explicit)
        return y + self.ff(self.ln3(y))


class Transformer(nn.Module):
    """Encoder-decoder Transformer (Vaswani et al., 2017), pre-norm, sinusoidal positions."""

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.config = config
        d = config.d_model
        self.src_embedding = nn.Embedding(config.vocab, d, padding_idx=PAD)
        self.tgt_embedding = nn.Embedding(config.vocab, d, padding_idx=PAD)
        self.register_buffer("positions", sinusoids(config.max_positions, d), persistent=False)
        self.drop = nn.Dropout(config.dropout)
        self.encoder = nn.ModuleList(EncoderLayer(config) for _ in range(config.layers))
        self.decoder = nn.ModuleList(DecoderLayer(config) for _ in range(config.layers))
        self.ln_enc, self.ln_dec = nn.LayerNorm(d), nn.LayerNorm(d)
        self.out = nn.Linear(d, config.vocab)
        for table in (self.src_embedding, self.tgt_embedding):
            # std d^-0.5, so that after the paper's x sqrt(d) a token is as loud as its
            # position (PyTorch's N(0, 1) would drown the positional signal 8x at d=64)
            nn.init.normal_(table.weight, std=d**-0.5)
            with torch.no_grad():
                table.weight[PAD].zero_()

    def embed(self, tokens: torch.Tensor, table: nn.Embedding) -> torch.Tensor:
        t = tokens.shape[1]
        pe = self.positions[:t]  # type: ignore[index]
        return self.drop(table(tokens) * math.sqrt(self.config.d_model) + pe)  # (B, T, C)

    def encode(self, src: torch.Tensor, explicit: bool = False) -> torch.Tensor:
        """src (B, S) -> memory (B, S, C)."""
        x, mask = self.embed(src, self.src_embedding), padding_mask(src)
        for layer in self.encoder:
            x = layer(x, mask, explicit)
        return self.ln_enc(x)

    def decode(
        self, tgt_in: torch.Tensor, memory: torch.Tensor, src: torch.Tensor, explicit: bool = False
    ) -> torch.Tensor:
        """tgt_in (B, T) attending to memory (B, S, C) -> logits (B, T, V)."""
        y = self.embed(tgt_in, self.tgt_embedding)
        self_mask = causal_mask(tgt_in.shape[1], tgt_in.device) & padding_mask(tgt_in)
        cross_mask = padding_mask(src)
        for layer in self.decoder:
            y = layer(y, memory, self_mask, cross_mask, explicit)
        return self.out(self.ln_dec(y))

    def forward(self, x: torch.Tensor, explicit: bool = False) -> torch.Tensor:
        """x = [src | tgt_in] (B, S + T) -> logits (B, T', V), T' the batch's longest target."""
        src, tgt_in = unpack(x, self.config.src_len)
        return self.decode(tgt_in, self.encode(src, explicit), src, explicit)

    def attention_maps(self) -> dict[str, list[torch.Tensor]]:
        """Weights kept by the last explicit pass, per layer: each (B, nh, Tq, Tk)."""

        def kept(attention: object) -> torch.Tensor:
            assert isinstance(attention, MultiHeadAttention) and attention.weights is not None
            return attention.weights

        enc, dec = list(self.encoder), list(self.decoder)
        return {
            "encoder-self": [kept(layer.self_attention) for layer in enc],
            "decoder-self": [kept(layer.self_attention) for layer in dec],
            "cross": [kept(layer.cross_attention) for layer in dec],
        }

    @torch.no_grad()
    def greedy(
        self, src: torch.Tensor, max_steps: int, explicit: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Translate src (B, S): ids (B, <= max_steps) ending in EOS then PAD, and (with
        `explicit`) the last decoder layer's cross-attention, heads averaged, (B, steps, S) —
        the same pair `Seq2Seq.greedy` returns. Without `explicit` the weights are None.

        Each step re-runs the decoder over the prefix (no key/value cache: outputs are short);
        with `explicit`, the last step leaves every attention map of the full output behind
        (`attention_maps`).
        """
        memory = self.encode(src, explicit)
        b = src.shape[0]
        ys = torch.full((b, 1), BOS, dtype=torch.long, device=src.device)
        done = torch.zeros(b, dtype=torch.bool, device=src.device)
        for _ in range(max_steps):
            logits = self.decode(ys, memory, src, explicit)
            y = logits[:, -1].argmax(-1).masked_fill(done, PAD)
            ys = torch.cat([ys, y[:, None]], dim=1)
            done |= y == EOS
            if bool(done.all()):
                break
        weights = self.attention_maps()["cross"][-1].mean(1) if explicit else None
        return ys[:, 1:], weights
