"""The GRU encoder-decoder: masks, attention weights, teacher forcing vs stepping, greedy, training."""

from __future__ import annotations

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from engine.data.korean_numbers import (
    BOS,
    EOS,
    PAD,
    Vocab,
    generate,
    pack,
    tensorize,
    unpack,
)
from engine.models.seq2seq import (
    ATTENTIONS,
    AdditiveAttention,
    DotAttention,
    Seq2Seq,
    Seq2SeqConfig,
    reverse_within,
)
from engine.training.losses import sequence_loss

V, S, T = 20, 7, 6


def model(kind: str, hidden: int = 16) -> Seq2Seq:
    torch.manual_seed(0)
    return Seq2Seq(Seq2SeqConfig(V, S, embed=8, hidden=hidden, attention=kind)).eval()


def batch() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    src = torch.randint(4, V, (3, S), generator=g)
    src[0, 4:] = PAD  # lengths 4, 7, 2
    src[2, 2:] = PAD
    tgt_in = torch.randint(4, V, (3, T), generator=g)
    tgt_in[:, 0] = BOS
    return src, tgt_in


@pytest.mark.parametrize("attention", [DotAttention(), AdditiveAttention(6)])
def test_attention_weights_sum_to_one_and_skip_padding(attention: torch.nn.Module) -> None:
    torch.manual_seed(0)
    query, keys = torch.randn(2, 3, 6), torch.randn(2, 5, 6)
    mask = torch.tensor([[True] * 5, [True, True, False, False, False]])
    context, weights = attention(query, keys, mask)
    assert weights.shape == (2, 3, 5) and context.shape == (2, 3, 6)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3))
    assert torch.all(weights[1, :, 2:] == 0)
    torch.testing.assert_close(context, weights @ keys)


@pytest.mark.parametrize("kind", ["dot", "additive"])
def test_decoder_attention_covers_only_the_real_input(kind: str) -> None:
    net = model(kind)
    src, tgt_in = batch()
    with torch.no_grad():
        net(pack(src, tgt_in))
    w = net.decoder.attention_weights
    assert w is not None and w.shape == (3, T, S)
    torch.testing.assert_close(w.sum(-1), torch.ones(3, T))
    assert torch.all(w[0, :, 4:] == 0) and torch.all(w[2, :, 2:] == 0)


def test_encoder_ignores_padding() -> None:
    """The same source with more padding gives the same states and summary."""
    net = model("dot")
    src = torch.tensor([[5, 6, 7, PAD, PAD, PAD, PAD]])
    wide = torch.cat([src, torch.full((1, 3), PAD)], dim=1)
    states, summary, mask = net.encoder(src)
    states2, summary2, _ = net.encoder(wide)
    torch.testing.assert_close(summary, summary2)
    torch.testing.assert_close(states, states2[:, :S])
    assert mask.tolist() == [[True] * 3 + [False] * 4]
    assert torch.all(states[0, 3:] == 0)


def test_encoder_equals_a_packed_bidirectional_gru_and_loads_its_weights() -> None:
    """The two padded GRUs compute what one bidirectional GRU over a PackedSequence does, and
    weights saved from that earlier encoder (keys `rnn.*`, `rnn.*_reverse`) load into them."""
    torch.manual_seed(3)
    net = model("dot", hidden=12)
    bi = torch.nn.GRU(8, 6, batch_first=True, bidirectional=True)
    saved = {f"encoder.rnn.{k}": v for k, v in bi.state_dict().items()}
    saved.update({k: v for k, v in net.state_dict().items() if not k.startswith("encoder.")})
    saved["encoder.embedding.weight"] = net.encoder.embedding.weight.detach().clone()
    net.load_state_dict(saved)
    src, _ = batch()
    lengths = (src != PAD).sum(1)
    states, summary, mask = net.encoder(src)
    packed = pack_padded_sequence(
        net.encoder.embedding(src), lengths, batch_first=True, enforce_sorted=False
    )
    out, h_n = bi(packed)
    expected, _ = pad_packed_sequence(out, batch_first=True, total_length=S)
    torch.testing.assert_close(states, expected)
    torch.testing.assert_close(summary, torch.cat([h_n[0], h_n[1]], dim=1))


def test_reverse_within_keeps_padding_in_place_and_undoes_itself() -> None:
    x = torch.tensor([[1, 2, 3, PAD], [4, 5, PAD, PAD]])[..., None]
    lengths = torch.tensor([3, 2])
    assert reverse_within(x, lengths)[..., 0].tolist() == [[3, 2, 1, PAD], [5, 4, PAD, PAD]]
    assert torch.equal(reverse_within(reverse_within(x, lengths), lengths), x)


@pytest.mark.parametrize("kind", ATTENTIONS)
def test_a_batch_cut_to_its_longest_sequence_loses_nothing(kind: str) -> None:
    """`unpack` drops the columns that are padding in every row: logits shrink to the
    batch's longest target, and the loss is the loss of the uncut batch."""
    net = model(kind)
    src, tgt_in = batch()
    tgt_in[:, 4:] = PAD  # every target shorter than T
    targets = torch.roll(tgt_in, -1, dims=1)
    targets[:, 3] = EOS
    short = src[1:].clone()
    short[0, 5:] = PAD  # rows of lengths 5 and 2: two columns of padding in both rows
    with torch.no_grad():
        logits = net(pack(short, tgt_in[1:]))
        assert logits.shape[1] == 4
        full = Seq2Seq(Seq2SeqConfig(V, S + 3, embed=8, hidden=16, attention=kind)).eval()
        full.load_state_dict(net.state_dict())
        wide = torch.cat([short, torch.full((2, 3), PAD)], dim=1)
        torch.testing.assert_close(
            sequence_loss(full(pack(wide, tgt_in[1:])), targets[1:]),
            sequence_loss(logits, targets[1:]),
        )
    assert unpack(pack(short, tgt_in[1:]), S)[0].shape == (2, 5)


@pytest.mark.parametrize("kind", ATTENTIONS)
def test_teacher_forcing_equals_stepping(kind: str) -> None:
    """The fused training pass and the step-by-step decoder compute the same logits."""
    net = model(kind)
    src, tgt_in = batch()
    with torch.no_grad():
        logits = net(pack(src, tgt_in))
        states, summary, mask = net.encoder(src)
        s = net.decoder.start(summary)
        for t in range(T):
            step_logits, s, w = net.decoder.step(tgt_in[:, t], s, states, summary, mask)
            torch.testing.assert_close(step_logits, logits[:, t], atol=1e-5, rtol=1e-4)
            assert (w is None) == (kind == "none")


@pytest.mark.parametrize("kind", ATTENTIONS)
def test_greedy_stops_at_end_of_sequence(kind: str) -> None:
    net = model(kind)
    src, _ = batch()
    with torch.no_grad():
        net.decoder.out.weight.zero_()
        net.decoder.out.bias.zero_()
        net.decoder.out.bias[EOS] = 10.0  # every step's best token is <eos>
    ids, weights = net.greedy(src, max_steps=12)
    assert ids.tolist() == [[EOS]] * 3
    if kind != "none":
        assert weights is not None and weights.shape == (3, 1, S)
    with torch.no_grad():
        net.decoder.out.bias[EOS] = -10.0  # never ends: runs to max_steps
    ids, _ = net.greedy(src, max_steps=12)
    assert ids.shape == (3, 12) and not (ids == EOS).any()


def test_greedy_pads_after_each_sequence_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows that end at different steps: each is PAD after its own EOS, and decoding stops
    once the last row has ended. The decoder's logits are scripted so that every row ends."""
    net = model("dot")
    src, _ = batch()
    ends = [1, 3, 5]  # the step (1-based) at which each of the three rows emits EOS
    real_step = net.decoder.step
    calls = {"n": 0}

    def scripted(y, s, states, summary, mask):  # type: ignore[no-untyped-def]
        logits, s, w = real_step(y, s, states, summary, mask)
        calls["n"] += 1
        scripted_logits = torch.full_like(logits, -10.0)
        for row, end in enumerate(ends):
            # the row's own token until its end, EOS at its end, then something that is
            # neither PAD nor EOS, so only greedy's own padding can make it PAD
            token = EOS if calls["n"] == end else 5 + row
            scripted_logits[row, token] = 10.0
        return scripted_logits, s, w

    monkeypatch.setattr(net.decoder, "step", scripted)
    ids, weights = net.greedy(src, max_steps=20)
    assert ids.tolist() == [
        [EOS, PAD, PAD, PAD, PAD],
        [6, 6, EOS, PAD, PAD],
        [7, 7, 7, 7, EOS],
    ]
    assert calls["n"] == 5  # stopped when the last row ended, not at max_steps
    assert weights is not None and weights.shape == (3, 5, src.shape[1])


def test_sequence_loss_ignores_padding() -> None:
    logits = torch.randn(2, 3, V)
    targets = torch.tensor([[5, EOS, PAD], [6, 7, EOS]])
    changed = logits.clone()
    changed[0, 2] = 100.0  # a padded position: must not matter
    torch.testing.assert_close(sequence_loss(logits, targets), sequence_loss(changed, targets))


def test_unknown_attention_is_refused() -> None:
    with pytest.raises(ValueError, match="attention must be one of"):
        Seq2Seq(Seq2SeqConfig(V, S, attention="luong"))


@pytest.mark.parametrize("kind", ATTENTIONS)
def test_each_model_trains_and_its_loss_falls(kind: str) -> None:
    vocab = Vocab()
    pairs = generate("digits", 64, 8, seed=3)
    b = tensorize(pairs, vocab, 8, 9)
    x, y = pack(b.src, b.tgt_in), b.tgt_out
    torch.manual_seed(0)
    net = Seq2Seq(Seq2SeqConfig(len(vocab), 8, embed=16, hidden=32, attention=kind))
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-2)
    losses = []
    for _ in range(25):
        loss = sequence_loss(net(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.6 * losses[0]
