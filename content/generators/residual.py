"""Exercises on residual blocks: 1x1-conv shapes, projection shortcuts, F(x) + x, the error table."""

from __future__ import annotations

import random
from typing import Any

from content.generators.common import (
    format_number,
    numeric,
    single,
    tenths,
    term,
    vec,
    with_rounding,
)
from content.model import Text

_CHANNELS = (16, 32, 64, 128, 256)
_SIDES = (7, 8, 14, 15, 28, 32, 56)


def conv_out(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def _shape(c: int, h: int, w: int) -> Text:
    return Text(f"{c} × {h} × {w}", f"{c} × {h} × {w}")


def conv1x1_shape(rng: random.Random) -> dict[str, Any]:
    c_in = rng.choice(_CHANNELS)
    c_out = rng.choice([c for c in _CHANNELS if c != c_in])
    h, w = rng.choice(_SIDES), rng.choice(_SIDES)
    stride = rng.choice((1, 2))
    ho, wo = conv_out(h, 1, stride, 0), conv_out(w, 1, stride, 0)
    setup = Text(
        f"채널 × 높이 × 너비가 {c_in} × {h} × {w}인 특징 맵이 1×1 합성곱(필터 {c_out}개, "
        f"stride {stride}, 패딩 없음)을 지난다.",
        f"A feature map of shape {c_in} × {h} × {w} (channels × height × width) goes through a "
        f"1×1 convolution with {c_out} filters, stride {stride} and no padding.",
    )
    if rng.random() < 0.5:
        bias = rng.random() < 0.5
        count = c_in * c_out + (c_out if bias else 0)
        text = Text(
            f"{setup.ko} 이 합성곱의 학습 매개변수 수는? "
            + ("필터마다 바이어스가 하나 있다." if bias else "바이어스는 없다(bias=False)."),
            f"{setup.en} How many trainable parameters does this convolution have? "
            + ("Each filter has one bias." if bias else "It has no bias (bias=False)."),
        )
        work = f"{c_in} × {c_out}" + (f" + {c_out}" if bias else "") + f" = {count}"
        explanation = Text(
            f"1×1 필터 하나는 입력 채널마다 가중치 하나, 즉 {c_in}개를 가진다. "
            f"필터가 {c_out}개이므로 {work}.",
            f"One 1×1 filter holds one weight per input channel, {c_in} in all; with {c_out} "
            f"filters: {work}.",
        )
        return numeric(text, explanation, float(count), 0.0)
    text = Text(f"{setup.ko} 출력의 모양은?", f"{setup.en} What is the shape of the output?")
    right = (c_out, ho, wo)
    candidates = [
        (c_out, h // 2, w // 2),
        (c_in, ho, wo),
        (c_out, h, w),
        (c_in, h, w),
        (c_in, h // 2, w // 2),
    ]
    wrong: list[tuple[int, int, int]] = []
    for cand in candidates:
        if cand != right and cand not in wrong:
            wrong.append(cand)
    explanation = Text(
        f"출력 채널 수는 필터 수 {c_out}이다. 1×1 커널은 공간 크기를 줄이지 않고, stride "
        f"{stride}만 작용한다: ⌊({h} − 1) / {stride}⌋ + 1 = {ho}, ⌊({w} − 1) / {stride}⌋ + 1 = "
        f"{wo}. 그래서 {c_out} × {ho} × {wo}. 잔차 블록에서 채널 수를 맞출 때 쓰는 방법이다.",
        f"The output has one channel per filter: {c_out}. A 1×1 kernel does not shrink the map; "
        f"only the stride does: ⌊({h} − 1) / {stride}⌋ + 1 = {ho}, ⌊({w} − 1) / {stride}⌋ + 1 = "
        f"{wo}. So {c_out} × {ho} × {wo}. This is how a residual block matches channel counts.",
    )
    return single(rng, text, explanation, _shape(*right), [_shape(*s) for s in wrong])


_SHORTCUTS = (
    Text("항등 연결: x를 그대로 더한다", "identity: add x as it is"),
    Text("1×1 합성곱, 필터 {c}개, stride 1", "1×1 convolution, {c} filters, stride 1"),
    Text("1×1 합성곱, 필터 {c}개, stride 2", "1×1 convolution, {c} filters, stride 2"),
    Text(
        "어떤 스킵 연결로도 맞출 수 없다: F(x)와 x는 더할 수 없다",
        "no shortcut can fix it: F(x) and x cannot be added",
    ),
)


def residual_projection(rng: random.Random) -> dict[str, Any]:
    c_in = rng.choice(_CHANNELS)
    # ResNet keeps or widens the channels from block to block, never narrows them
    c_out = c_in if rng.random() < 0.5 else rng.choice([c for c in (*_CHANNELS, 512) if c > c_in])
    stride = rng.choice((1, 2))
    side = rng.choice((8, 14, 16, 28, 32, 56))
    out = conv_out(side, 3, stride, 1)
    identity = c_in == c_out and stride == 1
    setup = Text(
        f"잔차 블록의 입력 x는 {c_in} × {side} × {side}이다. F(x)는 3×3 합성곱 두 개(패딩 1)로, "
        f"첫째는 필터 {c_out}개·stride {stride}, 둘째는 필터 {c_out}개·stride 1이다.",
        f"A residual block's input x has shape {c_in} × {side} × {side}. F(x) is two 3×3 "
        f"convolutions with padding 1: the first has {c_out} filters and stride {stride}, "
        f"the second {c_out} filters and stride 1.",
    )
    shapes = Text(
        f"F(x)의 모양은 {c_out} × {out} × {out}, x는 {c_in} × {side} × {side}.",
        f"F(x) has shape {c_out} × {out} × {out} and x has {c_in} × {side} × {side}.",
    )
    if identity:
        verdict = Text(
            "모양이 같으므로 항등 연결로 F(x) + x를 바로 더한다.",
            "The shapes agree, so the identity shortcut adds x directly.",
        )
    else:
        verdict = Text(
            f"모양이 다르므로 스킵 연결에 1×1 합성곱(필터 {c_out}개, stride {stride})을 두어 "
            f"x의 모양을 {c_out} × {out} × {out}에 맞춘다(projection shortcut).",
            f"The shapes differ, so the shortcut is a 1×1 convolution with {c_out} filters and "
            f"stride {stride} that maps x to {c_out} × {out} × {out} (a projection shortcut).",
        )
    if rng.random() < 0.5:
        count = 0 if identity else c_in * c_out
        text = Text(
            f"{setup.ko} F(x) + x를 더하려면 스킵 연결에 가중치가 몇 개 필요한가? 모양이 다를 "
            "때만 바이어스 없는 1×1 합성곱을 쓰고, 항등 연결로 충분하면 0이라 답하라.",
            f"{setup.en} How many weights does the shortcut need so that F(x) + x can be "
            "added? Use a 1×1 convolution without bias only if the shapes differ; answer 0 if "
            "the identity shortcut works.",
        )
        work = "0" if identity else f"{c_in} × {c_out} = {count}"
        explanation = Text(
            f"{shapes.ko} {verdict.ko} 가중치: {work}.",
            f"{shapes.en} {verdict.en} Weights: {work}.",
        )
        return numeric(text, explanation, float(count), 0.0)
    text = Text(
        f"{setup.ko} F(x) + x를 더하려면 스킵 연결은 무엇이어야 하는가?",
        f"{setup.en} What must the shortcut be so that F(x) + x can be added?",
    )
    options = [Text(o.ko.format(c=c_out), o.en.format(c=c_out)) for o in _SHORTCUTS]
    right = options[0] if identity else options[2 if stride == 2 else 1]
    wrong = [o for o in options if o != right]
    explanation = Text(f"{shapes.ko} {verdict.ko}", f"{shapes.en} {verdict.en}")
    return single(rng, text, explanation, right, wrong)


def residual_output(rng: random.Random) -> dict[str, Any]:
    x = [tenths(rng, -2.0, 2.0) for _ in range(3)]
    k = rng.randrange(3)
    which = Text(f"{k + 1}번째 성분", f"component {k + 1}")
    rounding = Text("소수 첫째 자리까지 답하라.", "Give the answer to 1 decimal.")
    kind = rng.choice(("forward", "relu", "residual"))
    if kind == "residual":
        target = [tenths(rng, -2.0, 2.0) for _ in range(3)]
        f_k = target[k] - x[k]
        text = Text(
            f"잔차 블록이 입력 x = {vec(x)}에 대해 H(x) = {vec(target)}를 출력해야 한다. "
            f"출력은 F(x) + x이므로, F(x)의 {which.ko}은 얼마여야 하는가?",
            f"A residual block should output H(x) = {vec(target)} for the input "
            f"x = {vec(x)}. Its output is F(x) + x: what must {which.en} of F(x) be?",
        )
        work = f"F(x)_{k + 1} = H(x)_{k + 1} − x_{k + 1} = {term(target[k])} − {term(x[k])}"
        explanation = Text(
            f"F(x) = H(x) − x: 층들은 목표와 입력의 차이(잔차)만 배운다.\n"
            f"{work} = {format_number(f_k, 1)}",
            f"F(x) = H(x) − x: the layers learn only the difference (the residual) between "
            f"target and input.\n{work} = {format_number(f_k, 1)}",
        )
        return numeric(with_rounding(text, rounding), explanation, f_k, 0.05)
    f = [tenths(rng, -2.0, 2.0) for _ in range(3)]
    relu = kind == "relu"
    s = f[k] + x[k]
    y_k = max(0.0, s) if relu else s
    rule = "y = ReLU(F(x) + x)" if relu else "y = F(x) + x"
    after = Text(
        "(덧셈 뒤에 ReLU)" if relu else "(덧셈 뒤 활성화 없음)",
        "(ReLU after the addition)" if relu else "(no activation after the addition)",
    )
    text = Text(
        f"잔차 블록이 {rule}를 출력한다 {after.ko}. x = {vec(x)}, F(x) = {vec(f)}일 때 "
        f"y의 {which.ko}은?",
        f"A residual block outputs {rule} {after.en}. With x = {vec(x)} and F(x) = {vec(f)}, "
        f"what is {which.en} of y?",
    )
    work = f"F(x)_{k + 1} + x_{k + 1} = {term(f[k])} + {term(x[k])} = {format_number(s, 1)}"
    if relu:
        work += f", ReLU({format_number(s, 1)}) = {format_number(y_k, 1)}"
    explanation = Text(
        f"스킵 연결이 입력 x를 층의 출력 F(x)에 성분별로 더한다.\n{work}",
        f"The skip connection adds the input x to the layers' output F(x), component by "
        f"component.\n{work}",
    )
    return numeric(with_rounding(text, rounding), explanation, y_k, 0.05)


# (label, top-1 error %) from the lecture's ImageNet table (He et al., 2016)
RESNET_TABLE: tuple[tuple[str, float], ...] = (
    ("plain-18", 27.94),
    ("plain-34", 28.54),
    ("ResNet-18", 27.88),
    ("ResNet-34", 25.03),
    ("ResNet-50", 22.85),
    ("ResNet-152", 21.43),
)


def _depth(label: str) -> int:
    return int(label.split("-")[1])


def _error_lesson(a: str, b: str) -> Text:
    """What comparing table entries a and b shows, true for this pair (never says the skip
    connections alone help at 18 layers, nor calls ResNet-18 the deep one)."""
    plain_a, plain_b = a.startswith("plain"), b.startswith("plain")
    if plain_a and plain_b:
        return Text(
            "일반 망은 18층에서 34층으로 깊어지자 오히려 오차가 늘었다(성능 저하): 과적합이 아니라 "
            "최적화가 어려워진 것이다.",
            "The plain net got worse going from 18 to 34 layers (degradation): not overfitting, "
            "but harder optimisation.",
        )
    if not plain_a and not plain_b:
        return Text(
            "ResNet은 깊어질수록 오차가 계속 줄었다.",
            "ResNet's error keeps falling as it gets deeper.",
        )
    plain, resnet = (a, b) if plain_a else (b, a)
    dp, dr = _depth(plain), _depth(resnet)
    if dp == dr == 18:
        return Text(
            "18층에서는 두 망의 오차가 거의 같다(0.06%p): 얕을 때는 일반 망도 최적화가 잘 되고, "
            "스킵 연결의 이점은 망이 깊어질 때 드러난다.",
            "At 18 layers the two are almost equal (0.06 points): a shallow plain net still "
            "optimises well, and the skip connections pay off as the network gets deeper.",
        )
    if dp == dr:
        return Text(
            "같은 34층에서 스킵 연결이 있는 ResNet이 일반 망보다 3.51%p 낮다: 층 구성은 같고 "
            "스킵 연결만 다르다.",
            "At the same 34 layers ResNet is 3.51 points lower than the plain net: the layers are "
            "the same, only the skip connections differ.",
        )
    if dr < dp:
        return Text(
            f"층이 더 적은 {resnet}도 {plain}보다 오차가 낮다: 일반 망은 34층에서 성능 저하를 "
            "겪어 18층 망들보다도 나빠졌다.",
            f"Even {resnet}, with fewer layers, beats {plain}: at 34 layers the plain net had "
            "degraded below the 18-layer nets.",
        )
    return Text(
        f"더 깊은 {resnet}의 오차가 {plain}보다 낮다: 잔차 블록을 쌓은 망은 깊게 만들어도 "
        "최적화가 잘 된다.",
        f"The deeper {resnet} beats {plain}: a stack of residual blocks optimises well even "
        "when it is deep.",
    )


def resnet_error_diff(rng: random.Random) -> dict[str, Any]:
    """The change between two entries of the lecture's table, in either direction, asked as a
    change (b − a, signed) or as a gap (how much lower the better one is): 60 distinct items."""
    i, j = rng.sample(range(len(RESNET_TABLE)), 2)
    (a, err_a), (b, err_b) = RESNET_TABLE[i], RESNET_TABLE[j]
    plain = a.startswith("plain") or b.startswith("plain")
    note = Text(
        " (일반 망 = 스킵 연결이 없는 망)" if plain else "",
        " (plain = no skip connections)" if plain else "",
    )
    table = Text(
        f"강의의 ImageNet top-1 오차 표에서 {a}: {format_number(err_a, 2)}%, {b}: "
        f"{format_number(err_b, 2)}%이다{note.ko}.",
        f"In the lecture's ImageNet top-1 error table, {a} has {format_number(err_a, 2)}% and "
        f"{b} has {format_number(err_b, 2)}%{note.en}.",
    )
    if rng.random() < 0.5:
        answer = round(err_b - err_a, 2)
        text = Text(
            f"{table.ko} {a}에서 {b}까지 오차의 변화({b} − {a})를 %p 단위로, 소수 둘째 "
            "자리까지 답하라 (줄면 음수).",
            f"{table.en} How much does the error change from {a} to {b}? Give {b} − {a} in "
            "percentage points to 2 decimals (negative if it falls).",
        )
        work = f"{format_number(err_b, 2)} − {format_number(err_a, 2)} = {format_number(answer, 2)}"
    else:
        e_lo, e_hi = sorted((err_a, err_b))
        answer = round(e_hi - e_lo, 2)
        text = Text(
            f"{table.ko} 두 모델 가운데 오차가 낮은 쪽은 높은 쪽보다 몇 %p 낮은가? 소수 둘째 "
            "자리까지 답하라.",
            f"{table.en} By how many percentage points is the lower of the two errors below the "
            "higher one? Answer to 2 decimals.",
        )
        work = f"{format_number(e_hi, 2)} − {format_number(e_lo, 2)} = {format_number(answer, 2)}"
    lesson = _error_lesson(a, b)
    return numeric(
        text,
        Text(f"{work}. {lesson.ko}", f"{work}. {lesson.en}"),
        answer,
        0.005,
    )
