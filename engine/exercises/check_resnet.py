"""The grader of `residual_block`: the submodules by name, then the forward in train and
eval mode and the gradients against a reference block (torchvision's BasicBlock, written
out) holding the student's own parameters and batch-norm statistics.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from engine.exercises.check_common import RTOL, difference, mistake, seeded
from engine.exercises.check_student import Fail, Student
from engine.text import Text

ATOL_BLOCK = 1e-4  # a batch norm of a conv: float32 sums of ~100 terms

# (in_channels, out_channels, stride, input shape) and what each case tests
CONFIGS = (
    (
        (4, 4, 1, (2, 4, 6, 6)),
        Text(
            en="4→4 channels, stride 1 (identity shortcut)",
            ko="채널 4→4, stride 1 (항등 스킵 연결)",
        ),
    ),
    (
        (4, 8, 2, (2, 4, 7, 7)),
        Text(
            en="4→8 channels, stride 2, odd 7x7 input (projection)",
            ko="채널 4→8, stride 2, 홀수 7x7 입력 (투영 스킵 연결)",
        ),
    ),
    (
        (3, 5, 1, (1, 3, 5, 5)),
        Text(
            en="3→5 channels, stride 1, batch 1 (projection)",
            ko="채널 3→5, stride 1, 배치 1 (투영 스킵 연결)",
        ),
    ),
    (
        (6, 6, 2, (3, 6, 8, 8)),
        Text(
            en="6→6 channels, stride 2 (projection: the size changes)",
            ko="채널 6→6, stride 2 (투영 스킵 연결: 크기가 바뀜)",
        ),
    ),
)


class Reference(nn.Module):
    """torchvision's BasicBlock, as the exercise states it."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )
        self.variant = "right"

    def forward(self, x: Tensor) -> Tensor:
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        if self.variant == "relu_before":
            return F.relu(out) + self.shortcut(x)
        if self.variant == "no_last_relu":
            return out + self.shortcut(x)
        if self.variant == "no_shortcut":
            return F.relu(out)
        if self.variant == "relu_both":
            return F.relu(F.relu(out) + self.shortcut(x))
        return F.relu(out + self.shortcut(x))


VARIANTS = {
    "relu_before": Text(
        en="ReLU before the addition: the last ReLU comes after adding the shortcut",
        ko="더하기 전에 ReLU를 했습니다: 마지막 ReLU는 스킵 연결을 더한 뒤에 옵니다",
    ),
    "relu_both": Text(
        en="an extra ReLU before the addition: F(x) ends with bn2, without a ReLU",
        ko="더하기 전에 ReLU가 하나 더 있습니다: F(x)는 ReLU 없이 bn2로 끝납니다",
    ),
    "no_last_relu": Text(
        en="the final ReLU is missing: y = ReLU(F(x) + shortcut(x))",
        ko="마지막 ReLU가 빠졌습니다: y = ReLU(F(x) + shortcut(x))",
    ),
    "no_shortcut": Text(
        en="the shortcut is not added: y = ReLU(F(x) + shortcut(x))",
        ko="스킵 연결을 더하지 않았습니다: y = ReLU(F(x) + shortcut(x))",
    ),
}

MODE_MISTAKE = {
    "eval": Text(
        en="in eval mode it normalises with the batch's own statistics: use nn.BatchNorm2d "
        "modules (bn1, bn2), which switch to their running statistics with .eval()",
        ko="평가 모드에서 배치 자체의 통계로 정규화합니다: .eval()에서 누적 통계로 바뀌는 "
        "nn.BatchNorm2d 모듈(bn1, bn2)을 쓰세요",
    ),
    "train": Text(
        en="in train mode it normalises with the running statistics: call the batch norms as "
        "modules, without forcing eval mode or training=False",
        ko="훈련 모드에서 누적 통계로 정규화합니다: 평가 모드나 training=False를 강제하지 말고 "
        "배치 정규화를 모듈로 부르세요",
    ),
}


def _conv(m: Any, name: str, cin: int, cout: int, k: int, stride: int, pad: int) -> None:
    if not isinstance(m, nn.Conv2d):
        raise Fail(
            Text(
                en=f"`{name}` must be an nn.Conv2d, it is {type(m).__name__}",
                ko=f"`{name}`는 nn.Conv2d여야 합니다. 지금은 {type(m).__name__}입니다",
            )
        )
    want = dict(
        in_channels=cin,
        out_channels=cout,
        kernel_size=(k, k),
        stride=(stride, stride),
        padding=(pad, pad),
    )
    for attr, value in want.items():
        got = getattr(m, attr)
        if got != value:
            raise Fail(
                Text(
                    en=f"`{name}` has {attr}={got}, expected {value}",
                    ko=f"`{name}`의 {attr}={got}입니다. {value}이어야 합니다",
                )
            )
    if m.bias is not None:
        raise Fail(
            Text(
                en=f"`{name}` has a bias; use bias=False (the batch norm after it has its own shift)",
                ko=f"`{name}`에 바이어스가 있습니다. bias=False로 하세요 (뒤의 배치 정규화가 이동값을 가집니다)",
            )
        )


def _bn(m: Any, name: str, c: int) -> None:
    if isinstance(m, nn.BatchNorm2d) and (m.weight is None or m.running_mean is None):
        raise Fail(
            Text(
                en=f"`{name}` must keep its default affine=True and track_running_stats=True",
                ko=f"`{name}`는 기본값 affine=True, track_running_stats=True를 유지해야 합니다",
            )
        )
    if not isinstance(m, nn.BatchNorm2d) or m.num_features != c:
        what = f"{type(m).__name__}" + (
            f"({m.num_features})" if isinstance(m, nn.BatchNorm2d) else ""
        )
        raise Fail(
            Text(
                en=f"`{name}` must be nn.BatchNorm2d({c}), it is {what}",
                ko=f"`{name}`는 nn.BatchNorm2d({c})여야 합니다. 지금은 {what}입니다",
            )
        )


class ResidualBlockCheck:
    entry = "ResidualBlock"

    def stages(self, student: Student) -> list[tuple[str, Callable[[], None]]]:
        self.student = student
        return [
            ("load", self.stage_load),
            ("modules", self.stage_modules),
            ("shapes", self.stage_shapes),
            ("values", self.stage_values),
            ("modes", self.stage_modes),
            ("gradients", self.stage_gradients),
        ]

    def stage_load(self) -> None:
        self.cls = self.student.load(self.entry)
        if not (isinstance(self.cls, type) and issubclass(self.cls, nn.Module)):
            raise Fail(
                Text(
                    en="`ResidualBlock` must be a class deriving from nn.Module",
                    ko="`ResidualBlock`은 nn.Module을 상속한 클래스여야 합니다",
                )
            )
        params = list(inspect.signature(self.cls.__init__).parameters)[1:4]
        if (
            params[:2] != ["in_channels", "out_channels"]
            or "stride" not in inspect.signature(self.cls.__init__).parameters
        ):
            raise Fail(
                Text(
                    en=f"__init__ takes ({', '.join(params)}); it must take (in_channels, out_channels, stride=1)",
                    ko=f"__init__의 인자가 ({', '.join(params)})입니다. (in_channels, out_channels, stride=1)이어야 합니다",
                )
            )

    def build(self, cin: int, cout: int, stride: int, label: Text) -> nn.Module:
        torch.manual_seed(0)
        return self.student.call(self.cls, label, cin, cout, stride)

    def stage_modules(self) -> None:
        for (cin, cout, stride, _), label in CONFIGS:
            block = self.build(cin, cout, stride, label)
            for name in ("conv1", "bn1", "conv2", "bn2", "shortcut"):
                if not hasattr(block, name):
                    raise Fail(
                        Text(
                            en=f"{label.en}: the block has no submodule `{name}`",
                            ko=f"{label.ko}: 블록에 하위 모듈 `{name}`가 없습니다",
                        )
                    )
            _conv(block.conv1, "conv1", cin, cout, 3, stride, 1)
            _bn(block.bn1, "bn1", cout)
            _conv(block.conv2, "conv2", cout, cout, 3, 1, 1)
            _bn(block.bn2, "bn2", cout)
            sc = block.shortcut
            if stride == 1 and cin == cout:
                if not isinstance(sc, nn.Identity):
                    raise Fail(
                        Text(
                            en=f"{label.en}: the shapes match, so `shortcut` must be nn.Identity(), it is {type(sc).__name__}",
                            ko=f"{label.ko}: 모양이 같으니 `shortcut`은 nn.Identity()여야 합니다. 지금은 {type(sc).__name__}입니다",
                        )
                    )
            else:
                if not isinstance(sc, nn.Sequential) or len(sc) != 2:
                    raise Fail(
                        Text(
                            en=f"{label.en}: the shapes change, so `shortcut` must be nn.Sequential(1x1 conv, BatchNorm2d), it is {type(sc).__name__}",
                            ko=f"{label.ko}: 모양이 바뀌니 `shortcut`은 nn.Sequential(1x1 합성곱, BatchNorm2d)이어야 합니다. 지금은 {type(sc).__name__}입니다",
                        )
                    )
                _conv(sc[0], "shortcut[0]", cin, cout, 1, stride, 0)
                _bn(sc[1], "shortcut[1]", cout)
            extra = sorted(
                n
                for n, p in block.named_parameters()
                if n.split(".")[0] not in ("conv1", "bn1", "conv2", "bn2", "shortcut")
            )
            if extra:
                raise Fail(
                    Text(
                        en=f"the block has parameters outside the five submodules: {', '.join(extra)}",
                        ko=f"다섯 하위 모듈 밖에 매개변수가 있습니다: {', '.join(extra)}",
                    )
                )

    def pair(self, n: int) -> tuple[nn.Module, Reference, Tensor, Text]:
        """The student's block with random batch-norm parameters and statistics, a reference
        holding the same state, and an input."""
        (cin, cout, stride, shape), label = CONFIGS[n]
        block = self.build(cin, cout, stride, label)
        g = seeded(70 + n)
        with torch.no_grad():
            for mod in block.modules():
                if (
                    isinstance(mod, nn.BatchNorm2d)
                    and mod.weight is not None
                    and mod.bias is not None
                    and mod.running_mean is not None
                    and mod.running_var is not None
                ):
                    c = mod.num_features
                    mod.weight.copy_(1 + 0.3 * torch.randn(c, generator=g))
                    mod.bias.copy_(0.3 * torch.randn(c, generator=g))
                    mod.running_mean.copy_(0.5 * torch.randn(c, generator=g))
                    mod.running_var.copy_(0.5 + torch.rand(c, generator=g))
        ref = Reference(cin, cout, stride)
        ref.load_state_dict(block.state_dict())
        return block, ref, torch.randn(*shape, generator=g), label

    def forward(self, block: nn.Module, x: Tensor, label: Text) -> Tensor:
        y = self.student.call(block, label, x.clone())
        if not isinstance(y, torch.Tensor):
            raise Fail(
                Text(
                    en=f"forward returned a {type(y).__name__}, not a tensor",
                    ko=f"forward가 텐서가 아니라 {type(y).__name__}를 돌려줍니다",
                )
            )
        return y

    def stage_shapes(self) -> None:
        for n in range(len(CONFIGS)):
            block, ref, x, label = self.pair(n)
            block.eval(), ref.eval()
            with torch.no_grad():
                y, want = self.forward(block, x, label), ref(x)
            if tuple(y.shape) != tuple(want.shape):
                raise Fail(
                    Text(
                        en=f"{label.en}: input {tuple(x.shape)} gives {tuple(y.shape)}, expected {tuple(want.shape)}",
                        ko=f"{label.ko}: 입력 {tuple(x.shape)}에서 {tuple(y.shape)}가 나옵니다. {tuple(want.shape)}이어야 합니다",
                    )
                )

    def compare(self, mode: str) -> None:
        for n in range(len(CONFIGS)):
            block, ref, x, label = self.pair(n)
            block.train(mode == "train"), ref.train(mode == "train")
            word = Text(
                en=f"{label.en}, {mode} mode",
                ko=f"{label.ko}, {'훈련' if mode == 'train' else '평가'} 모드",
            )
            start = copy.deepcopy(ref)
            with torch.no_grad():
                y, want = self.forward(block, x, word), ref(x)
            if torch.allclose(y, want, rtol=RTOL, atol=ATOL_BLOCK):
                if mode == "train":
                    for (name, a), b in zip(
                        block.state_dict().items(), ref.state_dict().values(), strict=True
                    ):
                        if a.is_floating_point() and not torch.allclose(a, b, rtol=RTOL, atol=1e-5):
                            raise Fail(
                                Text(
                                    en=f"{word.en}: the output is right but `{name}` after one forward differs from PyTorch's: is a batch norm called twice, given a momentum other than the default, or its statistics changed by hand?",
                                    ko=f"{word.ko}: 출력은 맞지만 forward 한 번 뒤의 `{name}`이 PyTorch와 다릅니다: 배치 정규화를 두 번 부르거나, 기본값이 아닌 momentum을 주거나, 통계를 직접 바꿨나요?",
                                )
                            )
                continue
            for key, text in VARIANTS.items():
                other = copy.deepcopy(start)
                other.variant = key
                with torch.no_grad():
                    if torch.allclose(y, other(x), rtol=RTOL, atol=ATOL_BLOCK):
                        raise Fail(mistake(text, word))
            other = copy.deepcopy(start).train(mode != "train")  # the other mode's statistics
            with torch.no_grad():
                if torch.allclose(y, other(x), rtol=RTOL, atol=ATOL_BLOCK):
                    raise Fail(mistake(MODE_MISTAKE[mode], word))
            raise Fail(difference((y,), (want,), ("y",), word))

    def stage_values(self) -> None:
        self.compare("eval")

    def stage_modes(self) -> None:
        self.compare("train")

    def stage_gradients(self) -> None:
        block, ref, x, label = self.pair(1)
        block.train(), ref.train()
        xs, xr = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
        y = self.forward(block, xs, label)
        if not y.requires_grad:
            raise Fail(
                Text(
                    en="no gradient flows through forward: avoid .detach(), .data and torch.no_grad()",
                    ko="forward를 지나 기울기가 흐르지 않습니다: .detach(), .data, torch.no_grad()를 피하세요",
                )
            )
        cot = torch.randn(y.shape, generator=seeded(79))
        (y * cot).sum().backward()
        (ref(xr) * cot).sum().backward()
        pairs = [("x", xs.grad, xr.grad)] + [
            (name, p.grad, q.grad)
            for (name, p), q in zip(block.named_parameters(), ref.parameters(), strict=True)
        ]
        for name, got, want in pairs:
            if want is None:
                continue
            if got is None or not torch.allclose(got, want, rtol=1e-3, atol=1e-4):
                err = "no gradient" if got is None else f"{float((got - want).abs().max()):.3g}"
                raise Fail(
                    Text(
                        en=f"the gradient of `{name}` differs from PyTorch's ({err}) though the forward matches",
                        ko=f"`{name}`의 기울기가 PyTorch와 다릅니다 ({err}). 순전파는 맞습니다",
                    )
                )
