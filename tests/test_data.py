"""training/data.py: one reader per data set, under one data directory (../shared/data here)."""

from __future__ import annotations

import gzip

import pytest
import torch

from training import data

needs_data = pytest.mark.skipif(
    not (data.DATA_DIR / "mnist").exists(), reason=f"no data bundle at {data.DATA_DIR}"
)


@needs_data
def test_mnist_splits_are_the_papers():
    x, y = data.mnist("train")
    xv, yv = data.mnist("val")
    xt, yt = data.mnist("test")
    assert (
        x.shape == (50000, 28, 28) and xv.shape == (10000, 28, 28) and xt.shape == (10000, 28, 28)
    )
    assert (
        x.dtype == torch.float32
        and 0 <= x.min()
        and x.max() <= 1
        and set(y.unique().tolist()) == set(range(10))
    )
    assert (
        abs(torch.cat([x, xv]).mean().item() - 0.1307) < 1e-3
    )  # the published mean of train[:60000]
    assert yt[:5].tolist() == [7, 2, 1, 0, 4]  # the test set's first digits


@needs_data
def test_cifar10_is_uint8_nchw():
    x, y = data.cifar10("test_lossless1k")
    assert x.shape == (1000, 3, 32, 32) and x.dtype == torch.uint8 and y.shape == (1000,)
    xt, _ = data.cifar10("test")
    assert xt.shape == (10000, 3, 32, 32)


@needs_data
def test_multi30k_pairs_line_up():
    en, de = data.multi30k("val", "en"), data.multi30k("val", "de")
    assert len(en) == len(de) == 1014 and en[0] and de[0]


@needs_data
def test_the_bert_corpora():
    """ELTeC as 99 novels of paragraphs, WikiText-2 as articles with its tokenized splits joined."""
    novels = data.eltec()
    assert len(novels) == 99 and all(novels.values())
    assert (
        data.eltec(data.DATA_DIR / "eltec-eng") == novels
    )  # a folder given, as training/bert.py does
    wiki = data.wikitext()
    assert all(wiki) and len(wiki) == 60
    raw = gzip.open(data.DATA_DIR / "wikitext-2" / "valid.txt.gz", "rt", encoding="utf-8").read()
    assert " @-@ " in raw and not any(" @-@ " in p for a in wiki for p in a)


def test_the_data_directory_comes_from_the_environment(monkeypatch, tmp_path):
    import importlib

    monkeypatch.setenv("PAPER_GALLERY_DATA", str(tmp_path))
    try:
        assert importlib.reload(data).DATA_DIR == tmp_path
    finally:
        monkeypatch.delenv("PAPER_GALLERY_DATA")
        importlib.reload(data)
