"""Every data set the project trains or evaluates on, read from one data directory.

The directory is `PAPER_GALLERY_DATA`, else `../shared/data` beside the repository (the offline
bundle: its README gives each set's provenance and checksums). Each reader takes the set's own
folder (`folder=None`: the one in the data directory) and returns plain tensors or strings:

    mnist("train")              (50000, 28, 28) float in [0, 1], (50000,) labels   GAN, judge
    cifar10("train")            (50000, 3, 32, 32) uint8, (50000,) labels          ResNet
    multi30k("train", "en")     29,000 sentences                                   Transformer
    eltec()                     novel id -> paragraphs                             BERT
    wikitext()                  articles of paragraphs (WikiText-2 validation)     BERT
"""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PAPER_GALLERY_DATA") or ROOT.parent / "shared" / "data")


def _folder(folder: str | Path | None, name: str) -> Path:
    return Path(folder) if folder is not None else DATA_DIR / name


# ---------------------------------------------------------------------------------------------
# MNIST: four gzipped IDX files


def read_idx(path: str | Path) -> np.ndarray:
    """An unsigned-byte IDX file (gzipped): big-endian header (magic, then one uint32 per dim)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[:3] != b"\x00\x00\x08":
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", count=ndim, offset=4))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def mnist(split: str, folder: str | Path | None = None) -> tuple[Tensor, Tensor]:
    """(N, 28, 28) float images in [0, 1] and (N,) labels. Splits as the GAN paper's: "train" =
    train[:50000], "val" = train[50000:], "test" = the 10,000 test images."""
    root = _folder(folder, "mnist")
    prefix = "t10k" if split == "test" else "train"
    x = torch.from_numpy(read_idx(root / f"{prefix}-images-idx3-ubyte.gz").copy()).float() / 255
    y = torch.from_numpy(read_idx(root / f"{prefix}-labels-idx1-ubyte.gz").astype(np.int64))
    if split == "train":
        return x[:50000], y[:50000]
    if split == "val":
        return x[50000:], y[50000:]
    return x, y


# ---------------------------------------------------------------------------------------------
# CIFAR-10: three .npz files of NHWC uint8 images


def cifar10(split: str, folder: str | Path | None = None) -> tuple[Tensor, Tensor]:
    """(N, 3, 32, 32) uint8 images and (N,) labels. Splits: "train" (50,000, lossless), "test"
    (10,000, JPEG quality 75, sorted by class), "test_lossless1k" (test[:1000], lossless)."""
    with np.load(_folder(folder, "cifar10") / f"cifar10_{split}.npz") as z:
        return torch.from_numpy(z["x"]).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(z["y"])


# ---------------------------------------------------------------------------------------------
# Multi30k task 1: one gzipped sentence a line, per split and language


def multi30k(split: str, lang: str, folder: str | Path | None = None) -> list[str]:
    """The sentences of `split` ("train", "val", "test_2016_flickr", ...) in `lang` ("en", "de")."""
    with gzip.open(_folder(folder, "multi30k") / f"{split}.{lang}.gz", "rt", encoding="utf-8") as f:
        return f.read().split("\n")[:-1]


# ---------------------------------------------------------------------------------------------
# ELTeC-eng (novels) and WikiText-2 (validation articles), for BERT


def eltec(folder: str | Path | None = None) -> dict[str, list[str]]:
    """novel id -> its paragraphs (one line each in the gzipped text)."""
    files = sorted(_folder(folder, "eltec-eng").glob("*.txt.gz"))
    return {
        p.name[: -len(".txt.gz")]: gzip.open(p, "rt", encoding="utf-8").read().split("\n")[:-1]
        for p in files
    }


def wikitext(folder: str | Path | None = None) -> list[list[str]]:
    """WikiText-2 validation -> articles (split at ' = Title = ' lines) of paragraphs, with the
    tokenized text's ' @-@ ', ' @,@ ', ' @.@ ' joined back and <unk> mapped to [UNK]."""
    path = _folder(folder, "wikitext-2") / "valid.txt.gz"
    text = gzip.open(path, "rt", encoding="utf-8").read()
    articles: list[list[str]] = []
    for line in text.split("\n"):
        if re.fullmatch(r" = [^=].* = ", line):
            articles.append([])
        elif line.strip() and not line.startswith(" = ") and articles:
            line = line.replace(" @-@ ", "-").replace(" @,@ ", ",").replace(" @.@ ", ".")
            articles[-1].append(line.replace("<unk>", "[UNK]").strip())
    return [a for a in articles if a]
