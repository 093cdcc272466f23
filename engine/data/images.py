"""Image datasets for the ResNet lab, read from files already on this machine.

- `digits` (default): scikit-learn's 1,797 grey 8x8 digits, shipped inside the package.
- `fashion`: Fashion-MNIST (Xiao et al., 2017; MIT licence), 70,000 grey 28x28 clothing images,
  in its original idx files (`train-images-idx3-ubyte.gz`, ...). Debian ships them in the
  package `dataset-fashion-mnist` under /usr/share/datasets/fashion-mnist.
- `cifar10`: CIFAR-10 (Krizhevsky, 2009), 60,000 colour 32x32 images, from its standard
  archive `cifar-10-python.tar.gz` (pickled batches), read straight from the archive.

Nothing downloads unless the caller passes `download=True` (the lab's `--set download=true`),
and only CIFAR-10 can be downloaded. A dataset that cannot be found raises `DatasetMissing`,
whose message says where we looked and exactly how to get it.

Every loader returns `ImageData`: float images (N, C, H, W) standardised per channel with the
training split's mean and std, and long labels (N,).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import struct
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from engine.data.digits import digits_split
from engine.errors import DatasetMissing

DATASETS = ("digits", "fashion", "cifar10")
FASHION_SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_FILES = {
    "train_x": "train-images-idx3-ubyte.gz",
    "train_y": "train-labels-idx1-ubyte.gz",
    "test_x": "t10k-images-idx3-ubyte.gz",
    "test_y": "t10k-labels-idx1-ubyte.gz",
}
CIFAR_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR_MD5 = "c58f30108f718f92721af3b95e74349a"
CIFAR_TRAIN = tuple(f"cifar-10-batches-py/data_batch_{k}" for k in range(1, 6))
CIFAR_TEST = "cifar-10-batches-py/test_batch"


@dataclass
class ImageData:
    train_x: torch.Tensor  # (N, C, H, W) float, standardised
    train_y: torch.Tensor  # (N,) long
    test_x: torch.Tensor
    test_y: torch.Tensor
    classes: tuple[str, ...]  # a name for each label

    @property
    def channels(self) -> int:
        return int(self.train_x.shape[1])


def cache_dir() -> Path:
    """Where downloaded datasets live: $DLEARN_CACHE, else the user's cache dir + /datasets."""
    env = os.environ.get("DLEARN_CACHE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dlearn")) / "datasets"


def standardise(data: ImageData) -> ImageData:
    """Scale each channel to mean 0, std 1 using the training split's statistics."""
    mean = data.train_x.mean(dim=(0, 2, 3), keepdim=True)  # (1, C, 1, 1)
    std = data.train_x.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-6)
    data.train_x = (data.train_x - mean) / std
    data.test_x = (data.test_x - mean) / std
    return data


def subset(x: torch.Tensor, y: torch.Tensor, n: int, seed: int = 0) -> tuple[torch.Tensor, ...]:
    """The first `n` of a fixed shuffle (all of it when n is 0 or larger than the set)."""
    if n <= 0 or n >= len(y):
        return x, y
    keep = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))[:n]
    return x[keep.sort().values], y[keep.sort().values]


# --- digits -------------------------------------------------------------------------------


def load_digits() -> ImageData:
    xtr, ytr, xte, yte = digits_split()
    return ImageData(xtr.clone(), ytr, xte.clone(), yte, tuple(str(k) for k in range(10)))


# --- Fashion-MNIST ------------------------------------------------------------------------

FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


def read_idx(path: Path) -> np.ndarray:
    """An idx file (gzip-compressed or not) as an array: the format of (Fashion-)MNIST.

    Header: two zero bytes, a type code (0x08 = unsigned byte), the number of dimensions,
    then each dimension as a big-endian int32, then the data.
    """
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not an idx file of unsigned bytes")
    ndim = raw[3]
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path} is truncated: expected {int(np.prod(shape))} values")
    return data.reshape(shape)


def _fashion_dir(data_dir: str) -> Path:
    candidates = [Path(data_dir).expanduser()] if data_dir else []
    candidates += [cache_dir() / "fashion-mnist", FASHION_SYSTEM_DIR]
    for folder in candidates:
        if all((folder / name).exists() for name in FASHION_FILES.values()):
            return folder
    looked = ", ".join(str(c) for c in candidates)
    files = ", ".join(FASHION_FILES.values())
    raise DatasetMissing(
        f"Fashion-MNIST was not found (looked in {looked}; need {files}). Get it one of "
        "these ways: (1) `sudo apt install dataset-fashion-mnist` (Debian/Ubuntu; installs "
        f"into {FASHION_SYSTEM_DIR}); (2) without root: `apt-get download "
        "dataset-fashion-mnist && dpkg-deb -x dataset-fashion-mnist_*.deb ~/fm` and add "
        "`--set data_dir=~/fm/usr/share/datasets/fashion-mnist`; (3) copy the four files "
        "from github.com/zalandoresearch/fashion-mnist into a folder and pass it with "
        "--set data_dir=FOLDER.",
        f"Fashion-MNIST를 찾지 못했습니다 (찾아본 곳: {looked}; 필요한 파일: {files}). "
        "다음 중 한 가지로 준비하세요: (1) `sudo apt install dataset-fashion-mnist` "
        f"(Debian/Ubuntu, {FASHION_SYSTEM_DIR}에 설치됨); (2) root 권한 없이: "
        "`apt-get download dataset-fashion-mnist && dpkg-deb -x dataset-fashion-mnist_*.deb "
        "~/fm` 후 `--set data_dir=~/fm/usr/share/datasets/fashion-mnist`; (3) "
        "github.com/zalandoresearch/fashion-mnist의 파일 네 개를 한 폴더에 넣고 "
        "--set data_dir=폴더 로 지정.",
    )


def load_fashion(data_dir: str = "") -> ImageData:
    folder = _fashion_dir(data_dir)
    arrays = {key: read_idx(folder / name) for key, name in FASHION_FILES.items()}

    def images(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(a.astype(np.float32) / 255.0).unsqueeze(1)  # (N, 1, 28, 28)

    return ImageData(
        images(arrays["train_x"]),
        torch.from_numpy(arrays["train_y"].astype(np.int64)),
        images(arrays["test_x"]),
        torch.from_numpy(arrays["test_y"].astype(np.int64)),
        FASHION_CLASSES,
    )


# --- CIFAR-10 -----------------------------------------------------------------------------

CIFAR_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)  # fmt: skip


class _BatchUnpickler(pickle.Unpickler):
    """Unpickles CIFAR batches but refuses any object other than numpy arrays and lists.

    (`_codecs.encode` is how a Python 3 pickle of protocol 2 stores raw bytes.)
    """

    ALLOWED = {
        ("_codecs", "encode"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"unexpected object {module}.{name} in a CIFAR batch")
        if module.endswith("multiarray"):  # numpy 2 renamed numpy.core to numpy._core
            core = np._core if hasattr(np, "_core") else np.core
            return core.multiarray._reconstruct
        return super().find_class(module, name)


def _read_batch(archive: tarfile.TarFile, member: str) -> tuple[np.ndarray, np.ndarray]:
    f = archive.extractfile(member)
    if f is None:
        raise ValueError(f"{member} is not a file in the archive")
    batch = _BatchUnpickler(f, encoding="bytes").load()
    data = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)  # (N, C, H, W)
    labels = np.asarray(batch[b"labels"], dtype=np.int64)
    return data, labels


def _cifar_archive(data_dir: str, download: bool) -> Path:
    candidates = [Path(data_dir).expanduser() / CIFAR_ARCHIVE] if data_dir else []
    candidates.append(cache_dir() / CIFAR_ARCHIVE)
    for path in candidates:
        if path.exists():
            return path
    if download:
        return download_cifar(cache_dir() / CIFAR_ARCHIVE)
    looked = ", ".join(str(c) for c in candidates)
    target = cache_dir() / CIFAR_ARCHIVE
    raise DatasetMissing(
        f"CIFAR-10 was not found (looked for {looked}). Either run once with "
        f"`--set download=true` (needs internet; saves 163 MB to {target}), or download "
        f"{CIFAR_URL} yourself and put it in {target.parent} (or in a folder you pass with "
        "--set data_dir=FOLDER).",
        f"CIFAR-10을 찾지 못했습니다 (찾아본 곳: {looked}). 인터넷이 되는 곳에서 "
        f"`--set download=true`로 한 번 실행하거나 (163 MB를 {target}에 저장), {CIFAR_URL}을 "
        f"직접 내려받아 {target.parent}에 두세요 (또는 --set data_dir=폴더 로 지정한 폴더).",
    )


def download_cifar(target: Path) -> Path:
    """Download the archive to `target` through a temporary file, checking its MD5."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    digest = hashlib.md5()
    with urllib.request.urlopen(CIFAR_URL, timeout=60) as response, open(tmp, "wb") as out:
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != CIFAR_MD5:
        tmp.unlink(missing_ok=True)
        raise OSError(f"the downloaded {CIFAR_ARCHIVE} is corrupt (MD5 mismatch); try again")
    os.replace(tmp, target)
    return target


def load_cifar10(data_dir: str = "", download: bool = False) -> ImageData:
    path = _cifar_archive(data_dir, download)
    with tarfile.open(path, "r:gz") as archive:
        parts = [_read_batch(archive, m) for m in CIFAR_TRAIN]
        test_x, test_y = _read_batch(archive, CIFAR_TEST)
    train_x = np.concatenate([p[0] for p in parts])
    train_y = np.concatenate([p[1] for p in parts])

    def images(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(a.astype(np.float32) / 255.0)  # (N, 3, 32, 32)

    return ImageData(
        images(train_x),
        torch.from_numpy(train_y),
        images(test_x),
        torch.from_numpy(test_y),
        CIFAR_CLASSES,
    )


def load(name: str, data_dir: str = "", download: bool = False, train_size: int = 0) -> ImageData:
    """The dataset `name`, optionally cut to `train_size` training images, standardised."""
    if name == "digits":
        data = load_digits()
    elif name == "fashion":
        data = load_fashion(data_dir)
    elif name == "cifar10":
        data = load_cifar10(data_dir, download)
    else:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    data.train_x, data.train_y = subset(data.train_x, data.train_y, train_size)
    return standardise(data)
