"""Plain and residual CNNs for small images, as in He et al. (2016).

Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun, "Deep Residual Learning for Image
Recognition", CVPR 2016 — section 4.2, the CIFAR-10 networks: a 3x3 stem convolution, three
stages of n blocks with 16, 32 and 64 channels (the feature map halves and the channels double
at each stage change), global average pooling and a linear classifier. Each block holds two 3x3
convolutions, so a net has 6n + 2 weighted layers: 8, 20, 32, 44, 56, 110, ...

`PlainNet` and `ResNet` share everything but the block. A `PlainBlock` computes H(x) directly;
a `ResidualBlock` learns F(x) = H(x) - x and outputs F(x) + x, so a block that has nothing to
add only needs F = 0. Where a stage change alters the shape, the shortcut is either
`identity` (the paper's option A: subsample and pad the new channels with zeros, no
parameters) or `projection` (option B: a strided 1x1 convolution, plus BatchNorm when the
net uses it). Everywhere else the shortcut is the identity.

Without BatchNorm the convolutions get a bias instead, so the off switch removes only the
normalisation, not the learnable shift. A `ResNet` without BatchNorm also starts each
residual branch at zero (its last convolution's weights are zero: Zhang et al. 2019, "Fixup
Initialization"), so every block starts as the identity; otherwise the sum F(x) + x doubles
the signal's variance block after block and a 56-layer net is dead from its first step. A
plain net cannot do this: zeroing a layer there cuts the only path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

from engine.models.layers import conv1x1, conv3x3

Shortcut = Literal["identity", "projection"]
STAGE_STRIDES = (1, 2, 2)  # the 2nd and 3rd stages halve the feature map


@dataclass
class ResNetConfig:
    depth: int = 20  # weighted layers, 6n + 2: the stem, 3 stages x n blocks x 2 convs, the fc
    width: int = 16  # channels of the stem and the first stage; later stages double it
    batchnorm: bool = True  # BatchNorm after every convolution
    shortcut: Shortcut = "projection"  # where the shape changes: 1x1 conv or zero-padding
    in_channels: int = 1  # 1 for grey images, 3 for colour
    classes: int = 10

    @property
    def blocks_per_stage(self) -> int:
        """n in 6n + 2; a ValueError names the nearest valid depths otherwise."""
        n, rest = divmod(self.depth - 2, 6)
        if rest or n < 1:
            below = max(8, 6 * n + 2)
            raise ValueError(
                f"depth must be 6n+2 (8, 20, 32, 44, 56, 110, ...), got {self.depth}; "
                f"try {below} or {below + 6}"
            )
        return n


def norm(channels: int, batchnorm: bool) -> nn.Module:
    return nn.BatchNorm2d(channels) if batchnorm else nn.Identity()


class PadShortcut(nn.Module):
    """Option A: subsample by `stride` and append zero channels — a parameter-free shortcut."""

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        self.stride, self.extra = stride, out_channels - in_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, :: self.stride, :: self.stride]  # (B, C, H/s, W/s)
        return F.pad(x, (0, 0, 0, 0, 0, self.extra))  # (B, C + extra, H/s, W/s)


class PlainBlock(nn.Module):
    """Two 3x3 conv layers, each followed by (BatchNorm and) ReLU: H(x), with no shortcut."""

    def __init__(
        self, in_channels: int, out_channels: int, stride: int, config: ResNetConfig
    ) -> None:
        super().__init__()
        bias = not config.batchnorm
        self.conv1 = conv3x3(in_channels, out_channels, stride, bias)
        self.bn1 = norm(out_channels, config.batchnorm)
        self.conv2 = conv3x3(out_channels, out_channels, 1, bias)
        self.bn2 = norm(out_channels, config.batchnorm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)))


class ResidualBlock(nn.Module):
    """The same two conv layers as `PlainBlock`, read as F(x), plus the shortcut: F(x) + x.

    The final ReLU comes after the addition, as in the paper. Every block's input is already
    the output of a ReLU (non-negative), so a block whose F is zero returns its input exactly.
    """

    def __init__(
        self, in_channels: int, out_channels: int, stride: int, config: ResNetConfig
    ) -> None:
        super().__init__()
        bias = not config.batchnorm
        self.conv1 = conv3x3(in_channels, out_channels, stride, bias)
        self.bn1 = norm(out_channels, config.batchnorm)
        self.conv2 = conv3x3(out_channels, out_channels, 1, bias)
        self.bn2 = norm(out_channels, config.batchnorm)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != out_channels:  # the shape changes here
            if config.shortcut == "projection":
                self.shortcut = nn.Sequential(
                    conv1x1(in_channels, out_channels, stride, bias),
                    norm(out_channels, config.batchnorm),
                )
            else:
                self.shortcut = PadShortcut(in_channels, out_channels, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = self.shortcut(x)  # x, or x brought to F(x)'s shape
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))  # F(x)
        out += identity  # F(x) + x
        return F.relu(out)


class SmallImageNet(nn.Module):
    """Stem, three stages of blocks, global average pooling, linear classifier."""

    block: type[nn.Module]

    def __init__(self, config: ResNetConfig) -> None:
        super().__init__()
        self.config = config
        n = config.blocks_per_stage
        w = config.width
        self.stem = conv3x3(config.in_channels, w, bias=not config.batchnorm)
        self.stem_bn = norm(w, config.batchnorm)
        blocks: list[nn.Module] = []
        in_channels = w
        for stage, stride in enumerate(STAGE_STRIDES):
            out_channels = w * 2**stage
            for i in range(n):
                blocks.append(
                    self.block(in_channels, out_channels, stride if i == 0 else 1, config)
                )
                in_channels = out_channels
        self.blocks = nn.ModuleList(blocks)
        self.fc = nn.Linear(in_channels, config.classes)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """He (Kaiming) normal initialisation for the convolutions, as the paper uses."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        if isinstance(self, ResNet) and not self.config.batchnorm:
            for block in self.blocks:
                assert isinstance(block, ResidualBlock)
                nn.init.zeros_(block.conv2.weight)  # F(x) = 0 at the start: Fixup's rule

    def block_names(self) -> list[str]:
        """`s1b1`, `s1b2`, ..., `s3bn`: stage and block number of every block, in order."""
        n = self.config.blocks_per_stage
        return [f"s{k // n + 1}b{k % n + 1}" for k in range(len(self.blocks))]

    def stem_forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.stem_bn(self.stem(x)))  # (B, w, H, W)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.stem_forward(x)
        for block in self.blocks:
            out = block(out)  # (B, 4w, H/4, W/4) after the last stage
        return self.fc(out.mean(dim=(2, 3)))  # (B, 4w) -> (B, classes)


class PlainNet(SmallImageNet):
    """A plain 6n+2-layer CNN: the deep one trains worse than the shallow one (degradation)."""

    block = PlainBlock


class ResNet(SmallImageNet):
    """The same net with a shortcut around every block: each block outputs F(x) + x."""

    block = ResidualBlock


def build(family: str, config: ResNetConfig) -> SmallImageNet:
    """`PlainNet` for family "plain", `ResNet` for "residual"."""
    if family == "plain":
        return PlainNet(config)
    if family == "residual":
        return ResNet(config)
    raise ValueError(f"unknown model family {family!r}; use 'plain' or 'residual'")


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
