"""The attention exercises: attention, additive_attention, multi_head_attention,
positional_encoding. Ids, entries and argument orders are fixed by issue 13.
"""

from __future__ import annotations

from engine.exercises.exercise import NOT_YET, Exercise
from engine.text import Text

EXERCISES: list[Exercise] = []
_add = EXERCISES.append

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
            '    """{doc}"""\n' + NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="softmax(q kᵀ / √d) v with an optional mask (True = may attend).\n"
            "Returns (output (B,Tq,dv), weights (B,Tq,Tk)).",
            ko="softmax(q kᵀ / √d) v, 선택 mask (True = 볼 수 있음).\n"
            "(output (B,Tq,dv), weights (B,Tq,Tk))를 돌려줍니다.",
        ),
        lab="seq2seq",
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
            '    """{doc}"""\n' + NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="Bahdanau attention. Returns (context (B,Dh), weights (B,T)).",
            ko="Bahdanau 어텐션. (context (B,Dh), weights (B,T))를 돌려줍니다.",
        ),
        lab="seq2seq",
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
            ko="x_q (B,Tq,D), x_kv (B,Tk,D), W_q, W_k, W_v, W_o 모두 (D,D), 바이어스 없음; 헤드 n_heads개는\n"
            "D를 순서대로 나눕니다; mask는 `attention`과 같거나 (B,n_heads,Tq,Tk).\n"
            "nn.MultiheadAttention(bias=False, batch_first=True), average_attn_weights=False와 같게.\n"
            "(output (B,Tq,D), weights (B,n_heads,Tq,Tk))를 돌려주세요.",
        ),
        formula=(
            "Q = x_q W_qᵀ, K = x_kv W_kᵀ, V = x_kv W_vᵀ\n"
            "head_i = Attention(Q_i, K_i, V_i)\n"
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
            '    """{doc}"""\n' + NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="Multi-head attention without biases.\n"
            "Returns (output (B,Tq,D), weights (B,n_heads,Tq,Tk)).",
            ko="바이어스 없는 멀티 헤드 어텐션.\n"
            "(output (B,Tq,D), weights (B,n_heads,Tq,Tk))를 돌려줍니다.",
        ),
        lab="transformer",
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
            '    """{doc}"""\n' + NOT_YET + "replace with your code"
        ),
        doc=Text(
            en="The (T,d) sinusoidal positional encoding, d even.",
            ko="(T,d) 사인파 위치 인코딩, d는 짝수.",
        ),
        lab="transformer",
    )
)
