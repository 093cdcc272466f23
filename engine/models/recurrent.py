"""Recurrent models: fused layers for training, hand-written cells for looking inside.

Training uses PyTorch's fused `nn.RNN` / `nn.LSTM` / `nn.GRU` (one call runs the whole
sequence in C++/cuDNN). To show the gates, the cell state and backpropagation through time we
re-run one display sample through hand-written cells (d2l's `LSTMScratch` style) that read the
*same* weights, so the probe costs milliseconds and shows exactly what the fused layer computed.

Lecture notation (PyTorch's packed weight order in brackets):

  RNN   h_t = tanh(w_x x_t + w_h h_{t-1} + b)
  LSTM  [i, f, g, o]   f_t = σ(...), i_t = σ(...), o_t = σ(...), g_t = tanh(...)
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t,   h_t = o_t ⊙ tanh(c_t)
  GRU   [r, z, n]      z_t = σ(...), r_t = σ(...)
        g_t = tanh(w_xg x_t + b_xg + r_t ⊙ (w_hg h_{t-1} + b_hg))
        h_t = z_t ⊙ h_{t-1} + (1 - z_t) ⊙ g_t

PyTorch's GRU (like cuDNN) applies the reset gate *after* the recurrent matrix product; the
lecture's g_t = tanh(w_xg x_t + w_hg (r_t ⊙ h_{t-1}) + b) applies it before. The two differ
only in where r_t sits; the scratch cell follows PyTorch so it matches the fused layer.

The lesson of the memory lab sits in two biases: `forget_bias` (LSTM) starts the forget gate
open, σ(5) ≈ 0.993, and `update_bias` (GRU) starts z_t near 1, "keep the old state". With
PyTorch's default initialisation (gates near 0.5) the signal shrinks by about half per step and
both gated nets fail at T = 50 just like the plain RNN (LAB-NOTES.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn

CellName = Literal["rnn", "lstm", "gru"]
CELLS: tuple[CellName, ...] = ("rnn", "lstm", "gru")
WEIGHT_BLOCKS = {"rnn": 1, "gru": 3, "lstm": 4}  # matrices per layer: the 1 : 3 : 4 of the lecture


@dataclass
class RecurrentConfig:
    cell: CellName = "lstm"
    vocab: int = 0  # > 0: inputs are token ids embedded to `embed`; 0: inputs are float features
    embed: int = 16  # embedding size (tokens) -- ignored for float inputs
    input_size: int = 1  # features per step for float inputs
    hidden: int = 64
    out: int = 8  # classes (classifier) or forecast horizon (regressor)
    forget_bias: float = 0.0  # LSTM: initial bias of the forget gate (σ(b) = fraction kept)
    update_bias: float = 0.0  # GRU: initial bias of the update gate z (σ(b) = fraction kept)


def fused_layer(config: RecurrentConfig, input_size: int) -> nn.RNNBase:
    """The fused recurrent layer, with the gate biases of `config` applied."""
    cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[config.cell]
    layer = cls(input_size, config.hidden, batch_first=True)
    h = config.hidden
    with torch.no_grad():
        # PyTorch adds two biases (b_ih + b_hh); put the whole offset on b_ih, zero on b_hh
        if config.cell == "lstm":  # gates [i, f, g, o]
            layer.bias_ih_l0[h : 2 * h].fill_(config.forget_bias)
            layer.bias_hh_l0[h : 2 * h].zero_()
        elif config.cell == "gru":  # gates [r, z, n]
            layer.bias_ih_l0[h : 2 * h].fill_(config.update_bias)
            layer.bias_hh_l0[h : 2 * h].zero_()
    return layer


class RecurrentNet(nn.Module):
    """Sequence in, one prediction out: classes (token inputs) or the next values (floats).

    embedding or raw features -> fused RNN/LSTM/GRU -> linear head on the last hidden state.
    """

    def __init__(self, config: RecurrentConfig) -> None:
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab, config.embed) if config.vocab else None
        width = config.embed if config.vocab else config.input_size
        self.rnn = fused_layer(config, width)
        self.head = nn.Linear(config.hidden, config.out)

    def inputs(self, x: torch.Tensor) -> torch.Tensor:
        """Token ids (B, T) -> (B, T, E); float features (B, T, D) pass through."""
        return self.embedding(x) if self.embedding is not None else x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(self.inputs(x))  # (B, T, H)
        return self.head(out[:, -1])  # (B, out)

    def recurrent_parameters(self) -> int:
        """Parameters of the recurrent layer alone (what the 1 : 3 : 4 ratio counts)."""
        return sum(p.numel() for p in self.rnn.parameters())


class Forecaster(nn.Module):
    """A recurrent net reading a window (B, L, 1) and giving the next `horizon` values (B, H).

    With `residual`, the net predicts the change from the window's last value, so an untrained
    net starts near the naive forecast and learns only the correction.
    """

    def __init__(self, config: RecurrentConfig, residual: bool) -> None:
        super().__init__()
        self.net = RecurrentNet(config)
        self.residual = residual

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.net(x)  # (B, H)
        return out + x[:, -1, :] if self.residual else out  # (B, 1) broadcast over H


# --- hand-written cells ---------------------------------------------------------------------


class _ScratchCell(nn.Module):
    """Shared plumbing: copy the fused layer's weights, run the loop with `x.unbind(1)`.

    `steps(x)` returns every quantity of every step as a list of (B, H) tensors — the very
    tensors the next step used, so autograd can give dLoss/dh_t through the recurrence;
    `forward(x)` stacks them to (B, T, H). Iterating over `x.unbind(1)` rather than indexing
    `x[:, t]` keeps the backward pass fast (indexing made it 6-11x slower, LAB-NOTES.md).
    """

    names: tuple[str, ...] = ("hidden",)

    def __init__(self, fused: nn.RNNBase) -> None:
        super().__init__()
        if fused.num_layers != 1 or fused.bidirectional or not fused.batch_first:
            raise ValueError("scratch cells mirror a single-layer, one-way, batch_first layer")
        self.hidden = fused.hidden_size
        w_x, w_h, b_x, b_h = fused.all_weights[0]  # PyTorch's packed gate blocks
        self.w_x = nn.Parameter(w_x.detach().clone())  # (gates*H, D)
        self.w_h = nn.Parameter(w_h.detach().clone())  # (gates*H, H)
        self.b_x = nn.Parameter(b_x.detach().clone())  # (gates*H,)
        self.b_h = nn.Parameter(b_h.detach().clone())

    def step(self, x_t: torch.Tensor, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """One time step: w_x x_t + b_x is precomputed in `x_t`; returns the new state."""
        raise NotImplementedError

    def steps(self, x: torch.Tensor) -> dict[str, list[torch.Tensor]]:
        """Run the sequence x (B, T, D) from a zero state; every named quantity per step."""
        zero = x.new_zeros(x.shape[0], self.hidden)  # (B, H)
        state = {"hidden": zero, "cell": zero}
        xs = torch.nn.functional.linear(x, self.w_x, self.b_x)  # (B, T, gates*H), all at once
        trace: dict[str, list[torch.Tensor]] = {k: [] for k in self.names}
        for x_t in xs.unbind(1):
            state = self.step(x_t, state)
            for k in self.names:
                trace[k].append(state[k])
        return trace

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """(hidden states (B, T, H), {name: (B, T, H)} for every gate and state)."""
        trace = {k: torch.stack(v, 1) for k, v in self.steps(x).items()}
        return trace["hidden"], trace


class RNNCellScratch(_ScratchCell):
    """h_t = tanh(w_x x_t + w_h h_{t-1} + b)."""

    def step(self, x_t: torch.Tensor, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        h = torch.tanh(x_t + state["hidden"] @ self.w_h.T + self.b_h)
        return {"hidden": h}


class LSTMCellScratch(_ScratchCell):
    """The LSTM of the lecture: forget, input and output gates around a cell state c_t."""

    names = ("input_gate", "forget_gate", "candidate", "output_gate", "cell", "hidden")

    def step(self, x_t: torch.Tensor, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        z = x_t + state["hidden"] @ self.w_h.T + self.b_h  # (B, 4H)
        i_pre, f_pre, g_pre, o_pre = z.chunk(4, dim=1)
        input_gate, forget_gate = torch.sigmoid(i_pre), torch.sigmoid(f_pre)
        candidate, output_gate = torch.tanh(g_pre), torch.sigmoid(o_pre)
        cell = forget_gate * state["cell"] + input_gate * candidate  # long-term path: no matrix
        hidden = output_gate * torch.tanh(cell)
        return {
            "input_gate": input_gate,
            "forget_gate": forget_gate,
            "candidate": candidate,
            "output_gate": output_gate,
            "cell": cell,
            "hidden": hidden,
        }


class GRUCellScratch(_ScratchCell):
    """The GRU of the lecture: one update gate z_t doing the work of forget + input."""

    names = ("reset_gate", "update_gate", "candidate", "hidden")

    def step(self, x_t: torch.Tensor, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        h = state["hidden"]
        hh = h @ self.w_h.T + self.b_h  # (B, 3H)
        xr, xz, xg = x_t.chunk(3, dim=1)
        hr, hz, hg = hh.chunk(3, dim=1)
        reset_gate = torch.sigmoid(xr + hr)
        update_gate = torch.sigmoid(xz + hz)
        candidate = torch.tanh(xg + reset_gate * hg)
        hidden = update_gate * h + (1 - update_gate) * candidate  # z -> 1 keeps the old state
        return {
            "reset_gate": reset_gate,
            "update_gate": update_gate,
            "candidate": candidate,
            "hidden": hidden,
        }


SCRATCH = {"rnn": RNNCellScratch, "lstm": LSTMCellScratch, "gru": GRUCellScratch}


def scratch_cell(model: RecurrentNet, dtype: torch.dtype = torch.float32) -> _ScratchCell:
    """A hand-written cell holding a copy of `model`'s recurrent weights."""
    cell = SCRATCH[model.config.cell](model.rnn)
    return cell.to(device=model.head.weight.device, dtype=dtype)


# --- backpropagation through time -----------------------------------------------------------


@dataclass
class BPTTTrace:
    """||dLoss/dh_t|| (and, for the LSTM, ||dLoss/dc_t||) for t = 1..T, mean over samples."""

    hidden: list[float]
    cell: list[float] | None
    loss: float


def bptt_norms(
    model: RecurrentNet,
    x: torch.Tensor,
    target: torch.Tensor,
    loss_fn: str = "cross_entropy",
) -> BPTTTrace:
    """How much of the loss's gradient reaches each time step, through the recurrence.

    The loss is taken at the last step (as in training). We run the display batch through the
    scratch cell in float64 — the RNN's gradient at t = 1 is ~1e-19 of that at t = T, which
    float32 still holds but a longer sequence would underflow — and ask autograd for
    dLoss/dh_t of every stored h_t: each h_t feeds h_{t+1}, so this is the full BPTT gradient,
    not only the direct one. Per-sample norms (losses are summed, samples do not interact),
    then the mean over the batch.
    """
    cell = scratch_cell(model, torch.float64)
    head_w = model.head.weight.detach().double()
    head_b = model.head.bias.detach().double()
    with torch.no_grad():
        inputs = model.inputs(x).detach().double()  # (B, T, D)
    with torch.enable_grad():
        trace = cell.steps(inputs)
        out = torch.nn.functional.linear(trace["hidden"][-1], head_w, head_b)  # (B, out)
        if loss_fn == "cross_entropy":
            loss = torch.nn.functional.cross_entropy(out, target, reduction="sum")
        else:  # mean squared error over the horizon, summed over samples
            loss = ((out - target.double()) ** 2).mean(1).sum()
        keys = ["hidden"] + (["cell"] if "cell" in trace else [])
        wanted = [h for k in keys for h in trace[k]]
        grads = torch.autograd.grad(loss, wanted)
    steps = len(trace["hidden"])
    n = len(x)
    norms = torch.stack(grads).norm(dim=2).mean(1)  # (T * len(keys),): mean over samples
    hidden = norms[:steps].tolist()
    cell_norms = norms[steps:].tolist() if len(keys) > 1 else None
    return BPTTTrace(hidden, cell_norms, float(loss.detach()) / n)
