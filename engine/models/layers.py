"""The convolutions the CNNs share (torchvision's `conv3x3` / `conv1x1` helpers)."""

from __future__ import annotations

from torch import nn


def conv3x3(in_channels: int, out_channels: int, stride: int = 1, bias: bool = False) -> nn.Conv2d:
    """3x3 convolution with padding 1: keeps the spatial size (or halves it at stride 2)."""
    return nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=bias)


def conv1x1(in_channels: int, out_channels: int, stride: int = 1, bias: bool = False) -> nn.Conv2d:
    """1x1 convolution: mixes channels only — the projection that matches F(x)'s shape."""
    return nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=bias)
