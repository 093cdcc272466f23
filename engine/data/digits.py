"""Offline datasets, as tensors.

scikit-learn ships the UCI handwritten digits (1,797 grey 8x8 images, 0..16 per pixel) inside
its package. We read that file directly: importing `sklearn.datasets` costs over a second,
which would dominate a quick run's start. If the file is not where we expect, we fall back
to `sklearn.datasets.load_digits`.
"""

from __future__ import annotations

import gzip
import importlib.util
from functools import lru_cache
from pathlib import Path

import torch

DIGITS_TEST_FRACTION = 0.2
DIGITS_SPLIT_SEED = 0  # fixed: every run, whatever its seed, tests on the same images


def _digits_csv() -> Path | None:
    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        path = Path(root) / "datasets" / "data" / "digits.csv.gz"
        if path.exists():
            return path
    return None


@lru_cache(maxsize=1)
def digits() -> tuple[torch.Tensor, torch.Tensor]:
    """All digits: images (N, 1, 8, 8) scaled to [0, 1], labels (N,)."""
    path = _digits_csv()
    if path is not None:
        with gzip.open(path, "rt") as f:
            rows = [[int(float(v)) for v in line.split(",")] for line in f if line.strip()]
        data = torch.tensor(rows, dtype=torch.float32)
        images, labels = data[:, :64], data[:, 64].long()
    else:
        from sklearn.datasets import load_digits

        bunch = load_digits()
        images = torch.tensor(bunch.data, dtype=torch.float32)
        labels = torch.tensor(bunch.target, dtype=torch.long)
    return (images / 16.0).reshape(-1, 1, 8, 8), labels


def digits_split() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(train_x, train_y, test_x, test_y): a stratified 80/20 split, the same on every run."""
    images, labels = digits()
    g = torch.Generator().manual_seed(DIGITS_SPLIT_SEED)
    train_idx, test_idx = [], []
    for c in range(int(labels.max()) + 1):
        members = torch.nonzero(labels == c).flatten()
        members = members[torch.randperm(len(members), generator=g)]
        n_test = round(len(members) * DIGITS_TEST_FRACTION)
        test_idx.append(members[:n_test])
        train_idx.append(members[n_test:])
    tr, te = torch.cat(train_idx).sort().values, torch.cat(test_idx).sort().values
    return images[tr], labels[tr], images[te], labels[te]
