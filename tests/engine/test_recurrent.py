"""Recurrent models: the hand-written cells equal the fused layers, and BPTT is measured right."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from engine.models.recurrent import (
    CELLS,
    WEIGHT_BLOCKS,
    GRUCellScratch,
    LSTMCellScratch,
    RecurrentConfig,
    RecurrentNet,
    bptt_norms,
    scratch_cell,
)


def _net(cell: str, **kw: object) -> RecurrentNet:
    torch.manual_seed(0)
    config = RecurrentConfig(cell=cell, vocab=12, embed=5, hidden=7, out=4, **kw)  # type: ignore[arg-type]
    return RecurrentNet(config)


@pytest.mark.parametrize("cell", CELLS)
def test_scratch_cell_equals_the_fused_layer(cell: str) -> None:
    net = _net(cell, forget_bias=2.0, update_bias=1.5)
    with torch.no_grad():  # non-zero biases everywhere, so a swapped bias would show
        for p in net.rnn.parameters():
            p.add_(torch.randn_like(p) * 0.3)
    x = net.inputs(torch.randint(0, 12, (3, 9)))
    out, last = net.rnn(x)
    hidden, trace = scratch_cell(net)(x)
    torch.testing.assert_close(hidden, out, atol=1e-5, rtol=0)
    if cell == "lstm":
        h_n, c_n = last
        torch.testing.assert_close(trace["cell"][:, -1], c_n[0], atol=1e-5, rtol=0)
    else:
        torch.testing.assert_close(trace["hidden"][:, -1], last[0], atol=1e-5, rtol=0)


def test_gates_are_fractions_and_named_as_in_the_lecture() -> None:
    x = torch.randn(4, 11, 3) * 4
    lstm = LSTMCellScratch(torch.nn.LSTM(3, 6, batch_first=True))
    _, trace = lstm(x)
    gru = GRUCellScratch(torch.nn.GRU(3, 6, batch_first=True))
    _, trace_gru = gru(x)
    gates = [trace[k] for k in ("forget_gate", "input_gate", "output_gate")]
    gates += [trace_gru[k] for k in ("update_gate", "reset_gate")]
    for g in gates:
        assert g.shape == (4, 11, 6)
        assert float(g.detach().min()) >= 0.0 and float(g.detach().max()) <= 1.0
    assert float(trace["candidate"].detach().abs().max()) <= 1.0  # tanh


def test_gate_biases_start_the_gates_open() -> None:
    lstm = _net("lstm", forget_bias=5.0)
    h = lstm.config.hidden
    assert torch.all(lstm.rnn.bias_ih_l0[h : 2 * h] == 5.0)
    assert torch.all(lstm.rnn.bias_hh_l0[h : 2 * h] == 0.0)
    x = lstm.inputs(torch.zeros(1, 1, dtype=torch.long))
    with torch.no_grad():
        _, trace = scratch_cell(lstm)(x * 0)  # zero input and state: the gate is σ(bias)
    torch.testing.assert_close(
        trace["forget_gate"], torch.full((1, 1, h), torch.sigmoid(torch.tensor(5.0)).item())
    )
    gru = _net("gru", update_bias=3.0)
    with torch.no_grad():
        _, trace = scratch_cell(gru)(x * 0)
    torch.testing.assert_close(
        trace["update_gate"], torch.full((1, 1, h), torch.sigmoid(torch.tensor(3.0)).item())
    )


def test_weight_blocks_are_one_three_four() -> None:
    counts = {cell: _net(cell).recurrent_parameters() for cell in CELLS}
    assert counts["gru"] == 3 * counts["rnn"] and counts["lstm"] == 4 * counts["rnn"]
    assert [WEIGHT_BLOCKS[c] for c in ("rnn", "gru", "lstm")] == [1, 3, 4]
    d, n = 5, 7  # nn.RNN keeps two bias vectors: n*(d+n) + 2n per block
    assert counts["rnn"] == n * (d + n) + 2 * n


def test_bptt_norms_match_the_lecture_recursion_for_the_rnn() -> None:
    """dL/dh_{t-1} = W_h^T (dL/dh_t ⊙ (1 - h_t²)): BPTT written out by hand."""
    net = _net("rnn")
    x = torch.randint(0, 12, (2, 6))
    y = torch.tensor([1, 3])
    trace = bptt_norms(net, x, y)
    with torch.no_grad():
        inputs = net.inputs(x).double()
        w_x, w_h = net.rnn.weight_ih_l0.double(), net.rnn.weight_hh_l0.double()
        b = (net.rnn.bias_ih_l0 + net.rnn.bias_hh_l0).double()
        h, hs = torch.zeros(2, 7, dtype=torch.float64), []
        for t in range(6):
            h = torch.tanh(inputs[:, t] @ w_x.T + h @ w_h.T + b)
            hs.append(h)
        logits = hs[-1] @ net.head.weight.double().T + net.head.bias.double()
        grad = torch.softmax(logits, 1) - F.one_hot(y, 4).double()  # dL/dlogits, summed loss
        grad = grad @ net.head.weight.double()  # dL/dh_T
        expected = [grad.norm(dim=1).mean()]
        for t in range(5, 0, -1):
            grad = (grad * (1 - hs[t] ** 2)) @ w_h  # back through step t to h_{t-1}
            expected.insert(0, grad.norm(dim=1).mean())
    assert trace.hidden == pytest.approx([float(e) for e in expected], rel=1e-6)
    assert trace.cell is None


def test_bptt_norms_match_autograd_for_the_lstm() -> None:
    """An independent route: the LSTM equations written here from the fused weights, with a
    zero tensor added to every h_t and c_t; the loss's gradient wrt it is dLoss/dh_t, dLoss/dc_t."""
    net = _net("lstm", forget_bias=1.0)
    x = torch.randint(0, 12, (3, 5))
    y = torch.tensor([0, 2, 3])
    trace = bptt_norms(net, x, y)
    rnn = net.rnn
    w_x, w_h = rnn.weight_ih_l0.detach().double(), rnn.weight_hh_l0.detach().double()
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().double()
    inputs = net.inputs(x).detach().double()
    zeros = [torch.zeros(3, 7, dtype=torch.float64, requires_grad=True) for _ in range(10)]
    dh, dc = zeros[:5], zeros[5:]
    h = c = torch.zeros(3, 7, dtype=torch.float64)
    for t in range(5):
        i, f, g, o = (inputs[:, t] @ w_x.T + h @ w_h.T + b).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g) + dc[t]
        h = torch.sigmoid(o) * torch.tanh(c) + dh[t]
    logits = F.linear(h, net.head.weight.detach().double(), net.head.bias.detach().double())
    grads = torch.autograd.grad(F.cross_entropy(logits, y, reduction="sum"), zeros)
    norms = [float(g.norm(dim=1).mean()) for g in grads]
    assert trace.hidden == pytest.approx(norms[:5], rel=1e-6)
    assert trace.cell == pytest.approx(norms[5:], rel=1e-6)
    assert trace.cell[0] < trace.cell[-1]  # the gradient shrinks going back in time


@pytest.mark.parametrize("cell", CELLS)
def test_each_model_trains_a_few_steps(cell: str) -> None:
    torch.manual_seed(1)
    net = RecurrentNet(RecurrentConfig(cell=cell, vocab=6, embed=4, hidden=16, out=3))  # type: ignore[arg-type]
    x = torch.randint(0, 6, (64, 4))
    y = x[:, -1] % 3  # the last token, mod 3: learnable in a few steps
    opt = torch.optim.Adam(net.parameters(), lr=0.03)
    losses = []
    for _ in range(25):
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


def test_float_inputs_regress_several_values() -> None:
    torch.manual_seed(0)
    net = RecurrentNet(RecurrentConfig(cell="gru", vocab=0, input_size=1, hidden=8, out=3))
    x = torch.randn(32, 10, 1)
    assert net(x).shape == (32, 3)
    y = x[:, -3:, 0]  # echo the last three inputs
    opt = torch.optim.Adam(net.parameters(), lr=0.02)
    first = F.mse_loss(net(x), y).item()
    for _ in range(40):
        loss = F.mse_loss(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.5 * first


def test_scratch_cells_refuse_layers_they_do_not_mirror() -> None:
    with pytest.raises(ValueError, match="single-layer"):
        LSTMCellScratch(torch.nn.LSTM(3, 4, num_layers=2, batch_first=True))
