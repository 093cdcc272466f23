"""The recurrent exercises (rnn_cell, lstm_cell, gru_cell, bptt) and the residual block.

Ids, entry names and argument orders are fixed by issue 13, so an implementation written
from the lecture and PyTorch's documentation works unchanged.
"""

from __future__ import annotations

from engine.exercises.exercise import NOT_YET, Exercise
from engine.text import Text

EXERCISES: list[Exercise] = []
_add = EXERCISES.append

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
                ko="입력과 이전 상태에 각각 행렬곱을 한 번씩 하고 바이어스를 더합니다.",
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
            '    """{doc}"""\n' + NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="One tanh RNN step: (B,I), (B,H) -> (B,H).",
            ko="tanh RNN 한 시점: (B,I), (B,H) -> (B,H).",
        ),
        lab="memory",
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
            "[a_i | a_f | a_g | a_o] = x W_xᵀ + h W_hᵀ + b\n"
            "i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)\n"
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
            '    """{doc}"""\n' + NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="One LSTM step; gate rows i, f, g, o. Returns (h_new, c_new), each (B,H).",
            ko="LSTM 한 시점; 게이트 행 순서 i, f, g, o. (h_new, c_new)를 돌려줍니다, 각각 (B,H).",
        ),
        lab="memory",
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
            "바이어스까지 포함해 곱합니다. h_new (B,H)를 돌려주세요.",
        ),
        formula=(
            "r = σ(x W_xrᵀ + b_xr + h W_hrᵀ + b_hr)\n"
            "z = σ(x W_xzᵀ + b_xz + h W_hzᵀ + b_hz)\n"
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
            '    """{doc}"""\n' + NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="One GRU step; rows r, z, n. Returns h_new (B,H).",
            ko="GRU 한 시점; 행 순서 r, z, n. h_new (B,H)를 돌려줍니다.",
        ),
        lab="memory",
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
            '    """{doc}"""\n' + NOT_YET + "replace with your code"
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
            "하위 모듈: conv1 (3x3, stride, padding 1, 바이어스 없음), bn1, conv2 (3x3, padding 1,\n"
            "바이어스 없음), bn2, shortcut: 모양이 같으면 nn.Identity(), 다르면\n"
            "nn.Sequential(stride가 있는 1x1 합성곱(바이어스 없음), nn.BatchNorm2d).",
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
                ko="stride는 conv1과 스킵 연결의 1x1 합성곱만 받습니다. padding=1이면 3x3 합성곱이 "
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
            "    " + NOT_YET + "conv1, bn1, conv2, bn2, shortcut\n\n"
            "    def forward(self, x: Tensor) -> Tensor:\n"
            "    " + NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="A ResNet basic block: (B,C_in,H,W) -> (B,C_out,H/stride,W/stride).",
            ko="ResNet 기본 블록: (B,C_in,H,W) -> (B,C_out,H/stride,W/stride).",
        ),
        lab="resnet",
    )
)
