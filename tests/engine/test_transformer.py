"""The Transformer: masks, explicit vs fused attention, causality, greedy decoding, training."""

from __future__ import annotations

import torch

from engine.data.korean_numbers import (
    BOS,
    EOS,
    PAD,
    Vocab,
    generate,
    pack,
    tensorize,
)
from engine.models.transformer import (
    MultiHeadAttention,
    Transformer,
    TransformerConfig,
    causal_mask,
    padding_mask,
    sinusoids,
)
from engine.training.losses import sequence_loss

V, S, T = 20, 7, 6


def model() -> Transformer:
    torch.manual_seed(0)
    return Transformer(TransformerConfig(V, S, d_model=32, heads=4, layers=2, ff=64)).eval()


def batch() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    src = torch.randint(4, V, (3, S), generator=g)
    src[0, 4:] = PAD
    src[2, 2:] = PAD
    tgt_in = torch.randint(4, V, (3, T), generator=g)
    tgt_in[:, 0] = BOS
    tgt_in[1, 4:] = PAD
    return src, tgt_in


def test_masks() -> None:
    c = causal_mask(4)
    assert c.shape == (1, 1, 4, 4)
    assert c[0, 0].tolist() == [
        [True, False, False, False],
        [True, True, False, False],
        [True, True, True, False],
        [True, True, True, True],
    ]
    p = padding_mask(torch.tensor([[5, 6, PAD], [7, PAD, PAD]]))
    assert p.shape == (2, 1, 1, 3)
    assert p[:, 0, 0].tolist() == [[True, True, False], [True, False, False]]


def test_sinusoids_follow_the_paper() -> None:
    pe = sinusoids(50, 16)
    assert pe.shape == (50, 16)
    assert torch.allclose(pe[:, 0], torch.sin(torch.arange(50.0)))
    assert torch.allclose(pe[:, 1], torch.cos(torch.arange(50.0)))
    assert torch.allclose(pe[7, 2], torch.sin(torch.tensor(7.0) / 10000 ** (2 / 16)))


def test_explicit_attention_equals_the_fused_kernel() -> None:
    torch.manual_seed(0)
    att = MultiHeadAttention(TransformerConfig(V, S, d_model=32, heads=4)).eval()
    x, kv = torch.randn(3, 5, 32), torch.randn(3, 6, 32)
    mask = padding_mask(torch.tensor([[4] * 6, [4] * 3 + [PAD] * 3, [4] + [PAD] * 5]))
    fused = att(x, kv, mask)
    explicit = att(x, kv, mask, explicit=True)
    torch.testing.assert_close(explicit, fused, atol=1e-5, rtol=1e-4)
    w = att.weights
    assert w is not None and w.shape == (3, 4, 5, 6)  # (B, nh, Tq, Tk)
    torch.testing.assert_close(w.sum(-1), torch.ones(3, 4, 5))
    assert torch.all(w[1, :, :, 3:] == 0) and torch.all(w[2, :, :, 1:] == 0)


def test_whole_model_explicit_equals_fused_and_maps_are_masked() -> None:
    net = model()
    src, tgt_in = batch()
    x = pack(src, tgt_in)
    with torch.no_grad():
        fused = net(x)
        explicit = net(x, explicit=True)
    torch.testing.assert_close(explicit, fused, atol=1e-4, rtol=1e-4)
    maps = net.attention_maps()
    assert [len(v) for v in maps.values()] == [2, 2, 2]
    for w in maps["decoder-self"]:  # (B, nh, T, T): nothing above the diagonal
        assert w.shape == (3, 4, T, T)
        assert torch.all(w.triu(diagonal=1) == 0)
        torch.testing.assert_close(w.sum(-1), torch.ones(3, 4, T))
    for w in maps["cross"] + maps["encoder-self"]:  # padded source positions get no weight
        assert torch.all(w[0, :, :, 4:] == 0) and torch.all(w[2, :, :, 2:] == 0)
        torch.testing.assert_close(w.sum(-1), torch.ones_like(w.sum(-1)))


def test_decoder_is_causal_and_padding_does_not_leak() -> None:
    net = model()
    src, tgt_in = batch()
    with torch.no_grad():
        logits = net(pack(src, tgt_in))
        later = tgt_in.clone()
        later[:, 3:] = 9  # change the future: the first three outputs must not move
        torch.testing.assert_close(net(pack(src, later))[:, :3], logits[:, :3])
        wider = torch.cat([src, torch.full((3, 2), PAD)], dim=1)  # more source padding
        net2 = Transformer(TransformerConfig(V, S + 2, d_model=32, heads=4, layers=2, ff=64))
        net2.load_state_dict(net.state_dict())
        net2.eval()
        torch.testing.assert_close(net2(pack(wider, tgt_in)), logits, atol=1e-5, rtol=1e-4)


def test_greedy_stops_at_end_of_sequence() -> None:
    net = model()
    src, _ = batch()
    with torch.no_grad():
        net.out.weight.zero_()
        net.out.bias.zero_()
        net.out.bias[EOS] = 10.0
    ids, weights = net.greedy(src, 12)
    assert ids.tolist() == [[EOS]] * 3
    assert weights is None  # the fused path keeps no weights
    with torch.no_grad():
        net.out.bias[EOS] = -10.0
    assert net.greedy(src, 12)[0].shape == (3, 12)


def test_greedy_explicit_leaves_the_full_output_maps() -> None:
    net = model()
    src, _ = batch()
    ids, weights = net.greedy(src[:1], 5, explicit=True)
    cross = net.attention_maps()["cross"][-1]
    assert cross.shape == (1, 4, ids.shape[1], S)
    assert weights is not None  # the last layer's cross-attention, heads averaged
    torch.testing.assert_close(weights, cross.mean(1))
    torch.testing.assert_close(weights.sum(-1), torch.ones(1, ids.shape[1]))


def test_transformer_trains_and_its_loss_falls() -> None:
    vocab = Vocab()
    pairs = generate("digits", 64, 8, seed=3)
    b = tensorize(pairs, vocab, 8, 9)
    x, y = pack(b.src, b.tgt_in), b.tgt_out
    torch.manual_seed(0)
    net = Transformer(TransformerConfig(len(vocab), 8, d_model=32, heads=4, layers=2, ff=64))
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    losses = []
    for _ in range(25):
        loss = sequence_loss(net(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.6 * losses[0]
