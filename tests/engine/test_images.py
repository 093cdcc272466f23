"""Image dataset loaders, on files made here in the real formats (no real data needed)."""

from __future__ import annotations

import gzip
import io
import pickle
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.data import images


@pytest.fixture(autouse=True)
def _empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("DLEARN_CACHE", str(cache))
    monkeypatch.setattr(images, "FASHION_SYSTEM_DIR", tmp_path / "no-system-copy")
    return cache


def _write_idx(path: Path, array: np.ndarray) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def _fashion_files(folder: Path, n_train: int = 12, n_test: int = 5) -> dict[str, np.ndarray]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    arrays = {
        "train_x": rng.integers(0, 256, (n_train, 28, 28)),
        "train_y": np.arange(n_train) % 10,
        "test_x": rng.integers(0, 256, (n_test, 28, 28)),
        "test_y": (np.arange(n_test) + 3) % 10,
    }
    for key, name in images.FASHION_FILES.items():
        _write_idx(folder / name, arrays[key])
    return arrays


def test_read_idx_round_trip(tmp_path: Path) -> None:
    array = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    _write_idx(tmp_path / "x.gz", array)
    assert np.array_equal(images.read_idx(tmp_path / "x.gz"), array)


def test_read_idx_rejects_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gz"
    with gzip.open(bad, "wb") as f:
        f.write(b"PK\x03\x04 not idx")
    with pytest.raises(ValueError, match="not an idx file"):
        images.read_idx(bad)
    short = tmp_path / "short.gz"
    with gzip.open(short, "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + struct.pack(">I", 10) + b"abc")
    with pytest.raises(ValueError, match="truncated"):
        images.read_idx(short)


def test_fashion_from_a_data_dir(tmp_path: Path) -> None:
    arrays = _fashion_files(tmp_path / "fm")
    data = images.load_fashion(str(tmp_path / "fm"))
    assert data.train_x.shape == (12, 1, 28, 28) and data.test_x.shape == (5, 1, 28, 28)
    assert torch.equal(data.train_y, torch.from_numpy(arrays["train_y"]))
    assert torch.equal(data.test_y, torch.from_numpy(arrays["test_y"]))
    pixel = float(data.train_x[3, 0, 7, 9])
    assert pixel == pytest.approx(arrays["train_x"][3, 7, 9] / 255)
    assert data.classes[9] == "Ankle boot"


def test_fashion_found_in_the_cache_dir(_empty_cache: Path) -> None:
    _fashion_files(_empty_cache / "fashion-mnist")
    assert len(images.load("fashion").train_y) == 12


def test_fashion_missing_says_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(images.DatasetMissing) as err:
        images.load("fashion", data_dir=str(tmp_path / "nowhere"))
    message = str(err.value)
    assert str(tmp_path / "nowhere") in message
    assert "apt install dataset-fashion-mnist" in message
    assert "--set data_dir=" in message
    assert "apt install dataset-fashion-mnist" in err.value.ko


def _cifar_batch(n: int, seed: int) -> dict[bytes, object]:
    rng = np.random.default_rng(seed)
    return {
        b"batch_label": b"batch",
        b"labels": [int(v) for v in rng.integers(0, 10, n)],
        b"data": rng.integers(0, 256, (n, 3072)).astype(np.uint8),
        b"filenames": [b"x.png"] * n,
    }


def _cifar_archive(path: Path, n: int = 4) -> dict[str, dict[bytes, object]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    members = {name: _cifar_batch(n, k) for k, name in enumerate(images.CIFAR_TRAIN)}
    members[images.CIFAR_TEST] = _cifar_batch(n, 99)
    with tarfile.open(path, "w:gz") as archive:
        for name, batch in members.items():
            raw = pickle.dumps(batch, protocol=2)
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
    return members


def test_cifar_from_its_python_archive(_empty_cache: Path) -> None:
    members = _cifar_archive(_empty_cache / images.CIFAR_ARCHIVE)
    data = images.load_cifar10()
    assert data.train_x.shape == (20, 3, 32, 32) and data.test_x.shape == (4, 3, 32, 32)
    first = members[images.CIFAR_TRAIN[0]]
    assert data.train_y[:4].tolist() == first[b"labels"]
    raw = first[b"data"]
    assert isinstance(raw, np.ndarray)
    # row-major 3072 bytes = 1024 red, then green, then blue, each 32x32
    assert float(data.train_x[1, 2, 0, 5]) == pytest.approx(raw[1, 2048 + 5] / 255)
    assert data.classes[0] == "airplane"


def test_cifar_archive_in_a_data_dir(tmp_path: Path) -> None:
    _cifar_archive(tmp_path / "mine" / images.CIFAR_ARCHIVE)
    data = images.load("cifar10", data_dir=str(tmp_path / "mine"), train_size=6)
    assert len(data.train_y) == 6 and len(data.test_y) == 4


def test_cifar_refuses_pickled_objects_other_than_arrays(_empty_cache: Path) -> None:
    path = _empty_cache / images.CIFAR_ARCHIVE
    path.parent.mkdir(parents=True)
    raw = pickle.dumps({b"data": Path("x"), b"labels": []}, protocol=2)
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo(images.CIFAR_TRAIN[0])
        info.size = len(raw)
        archive.addfile(info, io.BytesIO(raw))
    with pytest.raises(pickle.UnpicklingError, match="unexpected object"):
        images.load_cifar10()


def test_cifar_missing_says_how_to_get_it(_empty_cache: Path) -> None:
    with pytest.raises(images.DatasetMissing) as err:
        images.load("cifar10")
    assert "--set download=true" in str(err.value)
    assert str(_empty_cache / images.CIFAR_ARCHIVE) in str(err.value)
    assert images.CIFAR_URL in str(err.value) and images.CIFAR_URL in err.value.ko


def test_digits_standardised_with_training_statistics() -> None:
    data = images.load("digits")
    assert data.train_x.shape[1:] == (1, 8, 8) and len(data.classes) == 10
    assert abs(float(data.train_x.mean())) < 1e-4
    assert float(data.train_x.std()) == pytest.approx(1.0, abs=1e-3)
    assert abs(float(data.test_x.mean())) < 0.1  # the test split uses the train statistics


def test_subset_is_fixed_and_keeps_order() -> None:
    x, y = torch.arange(100).float(), torch.arange(100)
    a = images.subset(x, y, 10)
    b = images.subset(x, y, 10)
    assert torch.equal(a[1], b[1]) and len(a[1]) == 10
    assert torch.equal(a[1], a[1].sort().values)
    assert images.subset(x, y, 0)[1] is y


def test_unknown_dataset() -> None:
    with pytest.raises(ValueError, match="digits, fashion, cifar10"):
        images.load("mnist")
