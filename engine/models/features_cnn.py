"""The `features` lab's network: a small LeNet-style CNN whose layers it looks inside.

Conv layers (3x3 conv -> BatchNorm -> ReLU; a 2x2 max-pool before the 3rd and the 4th), each
doubling the channels, then global average pooling and a linear classifier. `features(x)`
returns every layer's output, which is what the lab's probes show and measure.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from engine.models.layers import conv3x3


@dataclass
class FeatureNetConfig:
    width: int = 8  # channels of the first conv layer; each later layer doubles them
    depth: int = 3  # conv layers; a 2x2 max-pool precedes the 3rd and the 4th
    classes: int = 10


class ConvLayer(nn.Module):
    """conv 3x3 -> BatchNorm -> ReLU, optionally after a 2x2 max-pool."""

    def __init__(self, in_channels: int, out_channels: int, pool: bool) -> None:
        super().__init__()
        self.pool = pool
        self.conv = conv3x3(in_channels, out_channels)
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pool:
            x = F.max_pool2d(x, 2)
        return F.relu(self.bn(self.conv(x)))


class FeatureNet(nn.Module):
    """A small LeNet-style CNN: conv layers, global average pooling, a linear classifier."""

    def __init__(self, config: FeatureNetConfig) -> None:
        super().__init__()
        self.config = config
        channels = [1] + [config.width * 2**k for k in range(config.depth)]
        self.layers = nn.ModuleList(
            ConvLayer(channels[k], channels[k + 1], pool=k >= 2) for k in range(config.depth)
        )
        self.fc = nn.Linear(channels[-1], config.classes)

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every conv layer's output: [(B, w, 8, 8), (B, 2w, 8, 8), (B, 4w, 4, 4), ...]."""
        maps = []
        for layer in self.layers:
            x = layer(x)
            maps.append(x)
        return maps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return self.fc(x.mean(dim=(2, 3)))  # (B, C) -> (B, classes)


def layer_names(depth: int) -> list[str]:
    return [f"conv{k + 1}" for k in range(depth)]
