"""The student's building blocks inside the labs' nets (`engine.models.student`).

With correct student code (tests/engine/own_code_files, written as a student would) each
wrapped net computes what the built-in one computes from the same weights, and its gradients
reach the wrapper's own parameters; so a lab trained with `impl=mine` trains the student's
arithmetic and nothing else changes.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import torch

from engine.models.recurrent import RecurrentConfig, RecurrentNet, scratch_cell
from engine.models.resnet import ResNet, ResNetConfig
from engine.models.seq2seq import Seq2Seq, Seq2SeqConfig
from engine.models.student import (
    StudentRecurrent,
    student_resnet,
    use_attention,
    use_cell,
    use_transformer_parts,
)
from engine.models.transformer import MultiHeadAttention, Transformer, TransformerConfig

FILES = Path(__file__).parent / "own_code_files"
ENTRY = {
    "rnn_cell": "rnn_cell",
    "lstm_cell": "lstm_cell",
    "gru_cell": "gru_cell",
    "residual_block": "ResidualBlock",
    "attention": "scaled_dot_product_attention",
    "additive_attention": "additive_attention",
    "multi_head_attention": "multi_head_attention",
    "positional_encoding": "positional_encoding",
}


def entry(exercise_id: str) -> Any:
    spec = importlib.util.spec_from_file_location(
        f"student_{exercise_id}", FILES / f"{exercise_id}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, ENTRY[exercise_id])


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_a_student_cell_computes_what_the_fused_layer_does(cell: str) -> None:
    torch.manual_seed(0)
    config = RecurrentConfig(cell=cell, vocab=12, embed=5, hidden=7, out=3, forget_bias=2.0)  # type: ignore[arg-type]
    fused = RecurrentNet(config)
    mine = use_cell(RecurrentNet(config), entry(f"{cell}_cell"))
    mine.load_state_dict(fused.state_dict())  # the fused layer's names: checkpoints swap
    assert isinstance(mine.rnn, StudentRecurrent)
    x = torch.randint(0, 12, (4, 9))
    torch.testing.assert_close(mine(x), fused(x), atol=1e-5, rtol=1e-4)
    mine(x).sum().backward()
    assert mine.rnn.weight_hh_l0.grad is not None and mine.rnn.weight_hh_l0.grad.abs().sum() > 0
    # the probes' hand-written cells read the student layer like a fused one
    _, trace = scratch_cell(mine)(mine.inputs(x))
    assert trace["hidden"].shape == (4, 9, 7)


def test_a_wrong_student_cell_changes_the_output() -> None:
    """The wrapper really calls the student's function (not the fused layer)."""
    torch.manual_seed(0)
    config = RecurrentConfig(cell="rnn", vocab=12, embed=5, hidden=7, out=3)
    fused = RecurrentNet(config)
    mine = use_cell(RecurrentNet(config), lambda x, h, w_x, w_h, b: torch.relu(x @ w_x.T + b))
    mine.load_state_dict(fused.state_dict())
    x = torch.randint(0, 12, (4, 9))
    assert not torch.allclose(mine(x), fused(x), atol=1e-3)


def test_the_student_residual_block_builds_the_lab_resnet() -> None:
    torch.manual_seed(0)
    config = ResNetConfig(depth=8, width=4, in_channels=1, classes=10)
    builtin = ResNet(config)
    mine = student_resnet(entry("residual_block"), config)
    mine.load_state_dict(builtin.state_dict())  # the exercise's submodule names are the lab's
    x = torch.randn(3, 1, 8, 8)
    for mode in (True, False):
        builtin.train(mode), mine.train(mode)
        torch.testing.assert_close(mine(x), builtin(x), atol=1e-5, rtol=1e-4)
    assert type(mine.blocks[0]).__module__ == "student_residual_block"


@pytest.mark.parametrize(
    ("kind", "exercise"), [("dot", "attention"), ("additive", "additive_attention")]
)
def test_student_attention_in_the_seq2seq_decoder(kind: str, exercise: str) -> None:
    torch.manual_seed(0)
    config = Seq2SeqConfig(vocab=14, src_len=6, embed=4, hidden=8, attention=kind)
    builtin = Seq2Seq(config)
    mine = use_attention(Seq2Seq(config), entry(exercise))
    mine.load_state_dict(builtin.state_dict())
    # no padding in the source: the additive exercise takes no mask, the built-in one does
    x = torch.randint(4, 14, (3, 6 + 5))
    torch.testing.assert_close(mine(x), builtin(x), atol=1e-5, rtol=1e-4)
    assert mine.decoder.attention_weights is not None
    assert mine.decoder.attention_weights.shape == (3, 5, 6)


def test_student_multi_head_attention_and_positions_in_the_transformer() -> None:
    torch.manual_seed(0)
    config = TransformerConfig(vocab=14, src_len=6, d_model=8, heads=2, layers=1, ff=16)
    builtin = Transformer(config)
    mine = use_transformer_parts(
        Transformer(config), entry("multi_head_attention"), entry("positional_encoding")
    )
    torch.testing.assert_close(mine.positions, builtin.positions, atol=1e-5, rtol=1e-4)
    state = dict(builtin.state_dict())
    for layer in [*builtin.encoder, *builtin.decoder]:  # the exercise has no biases
        for m in layer.modules():
            if isinstance(m, MultiHeadAttention):
                for lin in (m.q, m.kv, m.proj):
                    torch.nn.init.zeros_(lin.bias)
    for name, m in builtin.named_modules():
        if isinstance(m, MultiHeadAttention):
            w_k, w_v = m.kv.weight.detach().chunk(2, dim=0)
            for key in ("q", "kv", "proj"):
                for p in ("weight", "bias"):
                    state.pop(f"{name}.{key}.{p}")
            state[f"{name}.w_q"] = m.q.weight.detach()
            state[f"{name}.w_k"], state[f"{name}.w_v"] = w_k, w_v
            state[f"{name}.w_o"] = m.proj.weight.detach()
    mine.load_state_dict(state)
    src = torch.randint(4, 14, (2, 6))
    src[0, 4:] = 0  # padding: the mask reaches the student's function
    x = torch.cat([src, torch.randint(4, 14, (2, 5))], 1)
    torch.testing.assert_close(mine(x), builtin(x), atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(
        mine(x, explicit=True), builtin(x, explicit=True), atol=1e-5, rtol=1e-4
    )
    maps = mine.attention_maps()
    assert maps["cross"][0].shape == (2, 2, 5, 6)
