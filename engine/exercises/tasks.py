"""The nine exercises: what to write, the lecture's formula, hints and the starter file.

Each `Exercise` is data and stays torch-free: the grader's checks (`check_*.py`, run only in
the grading child) and the reference solutions (`solutions/<id>.py`) hold the torch code.
Ids, entry names and argument orders are fixed by issue 13, so an implementation written
from the lecture and PyTorch's documentation works unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.text import Text


@dataclass(frozen=True)
class Exercise:
    """One building block of the lecture the student writes, graded against PyTorch."""

    id: str
    entry: str  # the top-level function or class the file must define
    title: Text
    section: str  # the lecture15 section it belongs to (content/lectures/lecture15)
    statement: Text  # the task in words, with the shapes
    formula: str  # the lecture's formula, in plain unicode
    hints: tuple[Text, ...]  # revealed one at a time
    stub: str  # the entry's signature and body in the starter, `{doc}` for its docstring
    doc: Text  # the entry's docstring in the starter

    def starter(self, lang: str) -> str:
        """The starter file: a header, the imports, the entry raising NotImplementedError."""
        head = (
            f'"""{self.title.get(lang)} (dlearn exercise `{self.id}`)\n\n'
            f"{self.statement.get(lang)}\n\n"
            + _indent_block(self.formula)
            + "\n\n"
            + CHECK_LINE.get(lang).format(id=self.id)
            + '\n"""\n\n'
        )
        imports = "import torch\nfrom torch import Tensor, nn\n\n\n"
        doc = self.doc.get(lang).replace("\n", "\n    ")
        return head + imports + self.stub.format(doc=doc) + "\n"


CHECK_LINE = Text(
    en="Grade it with: dlearn exercise check {id}",
    ko="채점하려면: dlearn exercise check {id}",
)


def _indent_block(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


_NOT_YET = "    raise NotImplementedError  # "

EXERCISES: dict[str, Exercise] = {}


def _add(ex: Exercise) -> None:
    EXERCISES[ex.id] = ex


_add(
    Exercise(
        id="rnn_cell",
        entry="rnn_cell",
        title=Text(en="A vanilla RNN cell", ko="기본 RNN 셀"),
        section="rnn-basics",
        statement=Text(
            en="Compute one step of a tanh RNN. x (B,I), h (B,H), W_x (H,I), W_h (H,H), b (H,)\n"
            "→ the new state (B,H). Weights are used as x @ W.T (the nn.Linear convention).",
            ko="tanh RNN의 한 시점을 계산하세요. x (B,I), h (B,H), W_x (H,I), W_h (H,H), b (H,)\n"
            "→ 새 상태 (B,H). 가중치는 x @ W.T 로 씁니다 (nn.Linear의 규칙).",
        ),
        formula="h_t = tanh(x_t W_xᵀ + h_{t-1} W_hᵀ + b)",
        hints=(
            Text(
                en="Two matrix products, one for the input and one for the previous state, "
                "then add the bias.",
                ko="입력과 이전 상태에 각각 행렬곱을 한 번씩 하고 편향을 더합니다.",
            ),
            Text(
                en="x @ W_x.T has shape (B,H); so does h @ W_h.T; b (H,) broadcasts over B.",
                ko="x @ W_x.T 와 h @ W_h.T 는 모두 (B,H)이고, b (H,)는 B 방향으로 브로드캐스트됩니다.",
            ),
            Text(
                en="Finish with torch.tanh: the activation is what keeps the state in (-1, 1).",
                ko="마지막에 torch.tanh를 적용하세요. 상태를 (-1, 1) 안에 두는 것이 이 활성화입니다.",
            ),
        ),
        stub=(
            "def rnn_cell(x: Tensor, h: Tensor, W_x: Tensor, W_h: Tensor, b: Tensor) -> Tensor:\n"
            '    """{doc}"""\n' + _NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="One tanh RNN step: (B,I), (B,H) -> (B,H).",
            ko="tanh RNN 한 시점: (B,I), (B,H) -> (B,H).",
        ),
    )
)

_add(
    Exercise(
        id="lstm_cell",
        entry="lstm_cell",
        title=Text(en="An LSTM cell", ko="LSTM 셀"),
        section="lstm",
        statement=Text(
            en="One LSTM step. x (B,I), h (B,H), c (B,H), W_x (4H,I), W_h (4H,H), b (4H,);\n"
            "the rows of W_x, W_h and b hold the input, forget, candidate and output gate in\n"
            "that order (as nn.LSTMCell, with b = bias_ih + bias_hh). Return (h_new, c_new).",
            ko="LSTM 한 시점. x (B,I), h (B,H), c (B,H), W_x (4H,I), W_h (4H,H), b (4H,);\n"
            "W_x, W_h, b의 행은 입력, 망각, 후보, 출력 게이트 순서입니다 (nn.LSTMCell과 같고\n"
            "b = bias_ih + bias_hh). (h_new, c_new)를 돌려주세요.",
        ),
        formula=(
            "i = σ(·), f = σ(·), g = tanh(·), o = σ(·)   where · = x W_xᵀ + h W_hᵀ + b, split in 4\n"
            "c_t = f ⊙ c_{t-1} + i ⊙ g\n"
            "h_t = o ⊙ tanh(c_t)"
        ),
        hints=(
            Text(
                en="Compute all four pre-activations at once, (B,4H), then split them with "
                ".chunk(4, dim=1) in the order i, f, g, o.",
                ko="네 게이트의 사전 활성값을 한 번에 (B,4H)로 구한 뒤 .chunk(4, dim=1)로 "
                "i, f, g, o 순서로 나눕니다.",
            ),
            Text(
                en="Three gates use the sigmoid; the candidate g uses tanh.",
                ko="게이트 셋은 시그모이드, 후보 g는 tanh를 씁니다.",
            ),
            Text(
                en="The new state passes the new cell state through tanh before the output gate.",
                ko="새 은닉 상태는 새 셀 상태에 tanh를 씌운 뒤 출력 게이트를 곱합니다.",
            ),
        ),
        stub=(
            "def lstm_cell(\n"
            "    x: Tensor, h: Tensor, c: Tensor, W_x: Tensor, W_h: Tensor, b: Tensor\n"
            ") -> tuple[Tensor, Tensor]:\n"
            '    """{doc}"""\n' + _NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="One LSTM step; gate rows i, f, g, o. Returns (h_new, c_new), each (B,H).",
            ko="LSTM 한 시점; 게이트 행 순서 i, f, g, o. (h_new, c_new)를 돌려줍니다, 각각 (B,H).",
        ),
    )
)

_add(
    Exercise(
        id="gru_cell",
        entry="gru_cell",
        title=Text(en="A GRU cell", ko="GRU 셀"),
        section="gru",
        statement=Text(
            en="One GRU step, as nn.GRUCell. x (B,I), h (B,H), W_x (3H,I), W_h (3H,H), b_x and\n"
            "b_h (3H,); rows: reset, update, candidate. The reset gate multiplies the state's\n"
            "candidate part including its bias. Return h_new (B,H).",
            ko="GRU 한 시점 (nn.GRUCell과 같게). x (B,I), h (B,H), W_x (3H,I), W_h (3H,H),\n"
            "b_x, b_h (3H,); 행 순서: 리셋, 업데이트, 후보. 리셋 게이트는 상태 쪽 후보 항을\n"
            "편향까지 포함해 곱합니다. h_new (B,H)를 돌려주세요.",
        ),
        formula=(
            "r = σ(x W_xrᵀ + b_xr + h W_hrᵀ + b_hr),  z = σ(x W_xzᵀ + b_xz + h W_hzᵀ + b_hz)\n"
            "n = tanh(x W_xnᵀ + b_xn + r ⊙ (h W_hnᵀ + b_hn))\n"
            "h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}"
        ),
        hints=(
            Text(
                en="Keep the input part and the state part apart: gx = x @ W_x.T + b_x and "
                "gh = h @ W_h.T + b_h, each (B,3H), then chunk each into r, z, n.",
                ko="입력 쪽과 상태 쪽을 따로 두세요: gx = x @ W_x.T + b_x, gh = h @ W_h.T + b_h "
                "(각각 (B,3H))를 r, z, n으로 나눕니다.",
            ),
            Text(
                en="The candidate is tanh(gx_n + r * gh_n): the reset gate sits inside, on the "
                "state's part only.",
                ko="후보는 tanh(gx_n + r * gh_n)입니다. 리셋 게이트는 안쪽, 상태 쪽 항에만 곱합니다.",
            ),
            Text(
                en="z keeps the old state: h_new = (1 - z) * n + z * h.",
                ko="z는 이전 상태를 유지하는 비율입니다: h_new = (1 - z) * n + z * h.",
            ),
        ),
        stub=(
            "def gru_cell(\n"
            "    x: Tensor, h: Tensor, W_x: Tensor, W_h: Tensor, b_x: Tensor, b_h: Tensor\n"
            ") -> Tensor:\n"
            '    """{doc}"""\n' + _NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="One GRU step; rows r, z, n. Returns h_new (B,H).",
            ko="GRU 한 시점; 행 순서 r, z, n. h_new (B,H)를 돌려줍니다.",
        ),
    )
)

_add(
    Exercise(
        id="bptt",
        entry="bptt",
        title=Text(en="Backpropagation through time", ko="시간에 따른 역전파 (BPTT)"),
        section="bptt",
        statement=Text(
            en="hs (T+1,B,H) holds the states h_0..h_T of a tanh RNN with recurrent weights\n"
            "W_h (H,H); the loss L depends on h_T only and grad_last = ∂L/∂h_T (B,H). Return\n"
            "∂L/∂h_t for t = 0..T as one tensor (T+1,B,H), by hand (no autograd).",
            ko="hs (T+1,B,H)는 순환 가중치 W_h (H,H)인 tanh RNN의 상태 h_0..h_T입니다. 손실 L은\n"
            "h_T에만 의존하고 grad_last = ∂L/∂h_T (B,H)입니다. t = 0..T 에 대해 ∂L/∂h_t를\n"
            "텐서 하나 (T+1,B,H)로, 손으로 (autograd 없이) 계산해 돌려주세요.",
        ),
        formula=(
            "h_t = tanh(a_t),  a_t = x_t W_xᵀ + h_{t-1} W_hᵀ + b\n"
            "∂L/∂h_{t-1} = (∂L/∂h_t ⊙ (1 − h_t²)) W_h"
        ),
        hints=(
            Text(
                en="Walk backwards from t = T: the last entry is grad_last itself.",
                ko="t = T에서 거꾸로 갑니다. 마지막 항은 grad_last 그 자체입니다.",
            ),
            Text(
                en="Going through tanh multiplies by its derivative, 1 - h_t**2, element by "
                "element; it is written with the state after the step, h_t.",
                ko="tanh를 지날 때 그 도함수 1 - h_t**2를 원소별로 곱합니다. 그 시점 이후의 "
                "상태 h_t로 씁니다.",
            ),
            Text(
                en="Then a_t = ... + h_{t-1} @ W_h.T, so the gradient for h_{t-1} is "
                "(g * (1 - h_t**2)) @ W_h, without a transpose.",
                ko="a_t = ... + h_{t-1} @ W_h.T 이므로 h_{t-1}의 기울기는 "
                "(g * (1 - h_t**2)) @ W_h 입니다 (전치 없음).",
            ),
        ),
        stub=(
            "def bptt(hs: Tensor, W_h: Tensor, grad_last: Tensor) -> Tensor:\n"
            '    """{doc}"""\n' + _NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="dL/dh_t for t = 0..T, (T+1,B,H), from hs (T+1,B,H), W_h (H,H), dL/dh_T (B,H).",
            ko="t = 0..T 의 dL/dh_t (T+1,B,H); 입력 hs (T+1,B,H), W_h (H,H), dL/dh_T (B,H).",
        ),
    )
)

_add(
    Exercise(
        id="residual_block",
        entry="ResidualBlock",
        title=Text(en="A residual block", ko="잔차 블록"),
        section="residual-block",
        statement=Text(
            en="class ResidualBlock(nn.Module) with __init__(in_channels, out_channels, stride=1)\n"
            "and submodules conv1 (3x3, stride, padding 1, no bias), bn1, conv2 (3x3, padding 1,\n"
            "no bias), bn2 and shortcut: nn.Identity() when the shapes match, else\n"
            "nn.Sequential(1x1 conv with stride and no bias, nn.BatchNorm2d).",
            ko="class ResidualBlock(nn.Module), __init__(in_channels, out_channels, stride=1).\n"
            "하위 모듈: conv1 (3x3, stride, padding 1, 편향 없음), bn1, conv2 (3x3, padding 1,\n"
            "편향 없음), bn2, shortcut: 모양이 같으면 nn.Identity(), 다르면\n"
            "nn.Sequential(stride가 있는 1x1 합성곱(편향 없음), nn.BatchNorm2d).",
        ),
        formula="y = ReLU(F(x) + shortcut(x)),  F(x) = bn2(conv2(ReLU(bn1(conv1(x)))))",
        hints=(
            Text(
                en="The shapes match when in_channels == out_channels and stride == 1.",
                ko="in_channels == out_channels 이고 stride == 1 일 때 모양이 같습니다.",
            ),
            Text(
                en="Only conv1 and the shortcut's 1x1 conv take the stride; padding=1 keeps a 3x3 "
                "conv's size.",
                ko="stride는 conv1과 지름길의 1x1 합성곱만 받습니다. padding=1이면 3x3 합성곱이 "
                "크기를 유지합니다.",
            ),
            Text(
                en="The last ReLU comes after the addition, not before it.",
                ko="마지막 ReLU는 더한 다음에 옵니다. 더하기 전이 아닙니다.",
            ),
        ),
        stub=(
            "class ResidualBlock(nn.Module):\n"
            '    """{doc}"""\n\n'
            "    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:\n"
            "        super().__init__()\n"
            "    " + _NOT_YET + "conv1, bn1, conv2, bn2, shortcut\n\n"
            "    def forward(self, x: Tensor) -> Tensor:\n"
            "    " + _NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="A ResNet basic block: (B,C_in,H,W) -> (B,C_out,H/stride,W/stride).",
            ko="ResNet 기본 블록: (B,C_in,H,W) -> (B,C_out,H/stride,W/stride).",
        ),
    )
)

_add(
    Exercise(
        id="attention",
        entry="scaled_dot_product_attention",
        title=Text(en="Scaled dot-product attention", ko="스케일드 닷 프로덕트 어텐션"),
        section="transformer-structure",
        statement=Text(
            en="q (B,Tq,d), k (B,Tk,d), v (B,Tk,dv); an optional boolean mask broadcastable to\n"
            "(B,Tq,Tk), True = may attend (as F.scaled_dot_product_attention). Return\n"
            "(output (B,Tq,dv), weights (B,Tq,Tk)).",
            ko="q (B,Tq,d), k (B,Tk,d), v (B,Tk,dv); 선택 인자 mask는 (B,Tq,Tk)로 브로드캐스트되는\n"
            "불리언, True = 볼 수 있음 (F.scaled_dot_product_attention과 같음).\n"
            "(output (B,Tq,dv), weights (B,Tq,Tk))를 돌려주세요.",
        ),
        formula="Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V",
        hints=(
            Text(
                en="scores = q @ k.transpose(-2, -1) / sqrt(d), shape (B,Tq,Tk).",
                ko="scores = q @ k.transpose(-2, -1) / sqrt(d), 모양 (B,Tq,Tk).",
            ),
            Text(
                en="Where the mask is False, set the score to -inf before the softmax "
                "(scores.masked_fill(~mask, float('-inf'))).",
                ko="mask가 False인 곳은 softmax 전에 점수를 -inf로 둡니다 "
                "(scores.masked_fill(~mask, float('-inf'))).",
            ),
            Text(
                en="Each query's weights sum to 1 over the keys: softmax over the last axis.",
                ko="쿼리마다 가중치의 합이 키 방향으로 1입니다: 마지막 축으로 softmax.",
            ),
        ),
        stub=(
            "def scaled_dot_product_attention(\n"
            "    q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None\n"
            ") -> tuple[Tensor, Tensor]:\n"
            '    """{doc}"""\n' + _NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="softmax(q kᵀ / √d) v with an optional mask (True = may attend).\n"
            "Returns (output (B,Tq,dv), weights (B,Tq,Tk)).",
            ko="softmax(q kᵀ / √d) v, 선택 mask (True = 볼 수 있음).\n"
            "(output (B,Tq,dv), weights (B,Tq,Tk))를 돌려줍니다.",
        ),
    )
)

_add(
    Exercise(
        id="additive_attention",
        entry="additive_attention",
        title=Text(en="Additive (Bahdanau) attention", ko="덧셈 (Bahdanau) 어텐션"),
        section="attention",
        statement=Text(
            en="Decoder state s (B,Ds), encoder states H (B,T,Dh), W_s (A,Ds), W_h (A,Dh), v (A,).\n"
            "Score every encoder state, turn the scores into weights over T and average H\n"
            "with them. Return (context (B,Dh), weights (B,T)).",
            ko="디코더 상태 s (B,Ds), 인코더 상태 H (B,T,Dh), W_s (A,Ds), W_h (A,Dh), v (A,).\n"
            "인코더 상태마다 점수를 매기고, 점수를 T 방향의 가중치로 바꾼 뒤 그 가중치로 H를\n"
            "평균하세요. (context (B,Dh), weights (B,T))를 돌려주세요.",
        ),
        formula=("e_t = vᵀ tanh(W_s s + W_h h_t)\na = softmax(e) over t\ncontext = Σ_t a_t h_t"),
        hints=(
            Text(
                en="s @ W_s.T is (B,A); H @ W_h.T is (B,T,A): add them with s's part unsqueezed "
                "to (B,1,A).",
                ko="s @ W_s.T 는 (B,A), H @ W_h.T 는 (B,T,A)입니다. s 쪽을 (B,1,A)로 늘려 더하세요.",
            ),
            Text(
                en="tanh(...) @ v gives the scores (B,T); softmax them over dim=1.",
                ko="tanh(...) @ v 가 점수 (B,T)입니다. dim=1로 softmax 하세요.",
            ),
            Text(
                en="context = (weights.unsqueeze(-1) * H).sum(1), or torch.bmm.",
                ko="context = (weights.unsqueeze(-1) * H).sum(1), 또는 torch.bmm.",
            ),
        ),
        stub=(
            "def additive_attention(\n"
            "    s: Tensor, H: Tensor, W_s: Tensor, W_h: Tensor, v: Tensor\n"
            ") -> tuple[Tensor, Tensor]:\n"
            '    """{doc}"""\n' + _NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="Bahdanau attention. Returns (context (B,Dh), weights (B,T)).",
            ko="Bahdanau 어텐션. (context (B,Dh), weights (B,T))를 돌려줍니다.",
        ),
    )
)

_add(
    Exercise(
        id="multi_head_attention",
        entry="multi_head_attention",
        title=Text(en="Multi-head attention", ko="멀티 헤드 어텐션"),
        section="transformer-structure",
        statement=Text(
            en="x_q (B,Tq,D), x_kv (B,Tk,D), W_q, W_k, W_v, W_o all (D,D), no biases; n_heads\n"
            "heads split along D in order; mask as in `attention` or (B,n_heads,Tq,Tk). As\n"
            "nn.MultiheadAttention(bias=False, batch_first=True), average_attn_weights=False.\n"
            "Return (output (B,Tq,D), weights (B,n_heads,Tq,Tk)).",
            ko="x_q (B,Tq,D), x_kv (B,Tk,D), W_q, W_k, W_v, W_o 모두 (D,D), 편향 없음; 헤드 n_heads개는\n"
            "D를 순서대로 나눕니다; mask는 `attention`과 같거나 (B,n_heads,Tq,Tk).\n"
            "nn.MultiheadAttention(bias=False, batch_first=True), average_attn_weights=False와 같게.\n"
            "(output (B,Tq,D), weights (B,n_heads,Tq,Tk))를 돌려주세요.",
        ),
        formula=(
            "head_i = Attention(Q_i, K_i, V_i),  Q = x_q W_qᵀ, K = x_kv W_kᵀ, V = x_kv W_vᵀ\n"
            "MultiHead = Concat(head_1, …, head_h) W_oᵀ,  d_k = D / h"
        ),
        hints=(
            Text(
                en="Project first, then split: Q.view(B, Tq, n_heads, D // n_heads)"
                ".transpose(1, 2) gives (B,h,Tq,d_k).",
                ko="먼저 투영하고 나눕니다: Q.view(B, Tq, n_heads, D // n_heads)"
                ".transpose(1, 2) → (B,h,Tq,d_k).",
            ),
            Text(
                en="Each head scales by √d_k with d_k = D / n_heads, not √D.",
                ko="헤드마다 √d_k (d_k = D / n_heads)로 나눕니다. √D가 아닙니다.",
            ),
            Text(
                en="A (B,Tq,Tk) mask needs one more axis for the heads: mask.unsqueeze(1). "
                "Merge the heads back with transpose(1, 2).reshape(B, Tq, D), then apply W_o.",
                ko="(B,Tq,Tk) 마스크는 헤드 축이 하나 더 필요합니다: mask.unsqueeze(1). "
                "transpose(1, 2).reshape(B, Tq, D)로 헤드를 합친 뒤 W_o를 곱하세요.",
            ),
        ),
        stub=(
            "def multi_head_attention(\n"
            "    x_q: Tensor,\n"
            "    x_kv: Tensor,\n"
            "    W_q: Tensor,\n"
            "    W_k: Tensor,\n"
            "    W_v: Tensor,\n"
            "    W_o: Tensor,\n"
            "    n_heads: int,\n"
            "    mask: Tensor | None = None,\n"
            ") -> tuple[Tensor, Tensor]:\n"
            '    """{doc}"""\n' + _NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="Multi-head attention without biases.\n"
            "Returns (output (B,Tq,D), weights (B,n_heads,Tq,Tk)).",
            ko="편향 없는 멀티 헤드 어텐션.\n"
            "(output (B,Tq,D), weights (B,n_heads,Tq,Tk))를 돌려줍니다.",
        ),
    )
)

_add(
    Exercise(
        id="positional_encoding",
        entry="positional_encoding",
        title=Text(en="Sinusoidal positional encoding", ko="사인파 위치 인코딩"),
        section="transformer-structure",
        statement=Text(
            en="For an even d, return the (T,d) float tensor of Vaswani et al. (2017): even\n"
            "columns a sine, odd columns a cosine, of the position over a power of 10000.",
            ko="짝수 d에 대해 Vaswani 등(2017)의 (T,d) 실수 텐서를 돌려주세요: 짝수 열은 사인,\n"
            "홀수 열은 코사인이며, 위치를 10000의 거듭제곱으로 나눈 값에 씌웁니다.",
        ),
        formula="PE[p, 2i] = sin(p / 10000^(2i/d)),  PE[p, 2i+1] = cos(p / 10000^(2i/d))",
        hints=(
            Text(
                en="Positions p = 0..T-1 (torch.arange(T)); pair index i = 0..d/2-1.",
                ko="위치 p = 0..T-1 (torch.arange(T)), 쌍 번호 i = 0..d/2-1.",
            ),
            Text(
                en="The columns 2i and 2i+1 share one frequency: 1 / 10000^(2i/d).",
                ko="2i열과 2i+1열은 같은 주파수 1 / 10000^(2i/d)를 씁니다.",
            ),
            Text(
                en="Fill pe[:, 0::2] with the sines and pe[:, 1::2] with the cosines "
                "(interleaved, not one half each).",
                ko="pe[:, 0::2]에 사인, pe[:, 1::2]에 코사인을 채웁니다 (번갈아, 반씩 나누지 않음).",
            ),
        ),
        stub=(
            "def positional_encoding(T: int, d: int) -> Tensor:\n"
            '    """{doc}"""\n' + _NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="The (T,d) sinusoidal positional encoding, d even.",
            ko="(T,d) 사인파 위치 인코딩, d는 짝수.",
        ),
    )
)
