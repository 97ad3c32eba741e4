"""Faults a lecture can meet, with the app running as users see it: a Hub that stalls, and an
embedded weight file corrupted on disk. Each tab falls back or refuses with a message that names
the problem, and the other tabs keep working."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from tests._timing import within
from tests.conftest import ROOT, start_app, stop_app
from tests.test_hub import stalled_server  # noqa: F401  (fixture)

ENDPOINTS: set[str] = set()  # no new endpoints: the tabs' test files cover them


@pytest.fixture(scope="module")
def corrupted_app(tmp_path_factory):
    """The app on a copy of weights/ in which the embedded BERT's model.safetensors has one byte
    changed (everything else is a symlink to the real folders)."""
    tmp = tmp_path_factory.mktemp("corrupt")
    weights = tmp / "weights"
    weights.mkdir()
    for item in (ROOT / "weights").iterdir():
        if item.name != "bert_eltec":
            os.symlink(item, weights / item.name)
    shutil.copytree(ROOT / "weights" / "bert_eltec", weights / "bert_eltec")
    blob = weights / "bert_eltec" / "model.safetensors"
    data = bytearray(blob.read_bytes())
    data[-100] ^= 0xFF
    blob.write_bytes(bytes(data))
    app = start_app(tmp, PAPER_GALLERY_WEIGHTS=str(weights), HF_HUB_OFFLINE="1")
    yield app
    stop_app(app)


def test_corrupted_weight_file_is_refused_naming_it_and_other_tabs_work(corrupted_app):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    client = Client(corrupted_app.url, verbose=False)
    with pytest.raises(
        AppError, match=r"bert_small\.eltec: refused .*bert_eltec/model\.safetensors.*corrupt"
    ):
        client.predict("The [MASK] sat.", 3, "bert_small.eltec", "en", api_name="/bert_fill_mask")
    # the other tabs answer
    import numpy as np
    import PIL.Image

    img = str(corrupted_app.log.parent / "grey.png")
    PIL.Image.fromarray(np.full((32, 32, 3), 120, np.uint8)).save(img)
    label, _, notice = client.predict(
        handle_file(img), "resnet20.cifar10", "en", api_name="/resnet_classify"
    )
    assert len(label["confidences"]) == 5 and "shipped with the app" in notice
    _, md = client.predict("dcgan.mnist", 0, 4, "en", api_name="/gan_samples")
    assert "seeds **0–3**" in md
    text = client.predict(
        "A man is riding a bike.",
        "transformer_small.multi30k_ende",
        1,
        "en",
        api_name="/transformer_translate",
    )[0]
    assert isinstance(text, str) and text.strip()
    # and the refusal is not cached: it is said again, the same way
    with pytest.raises(AppError, match="refused"):
        client.predict("The [MASK] sat.", 3, "bert_small.eltec", "en", api_name="/bert_fill_mask")


def test_stalled_hub_falls_back_within_3s_with_a_notice(tmp_path, stalled_server):  # noqa: F811
    """HF_ENDPOINT points at a server that accepts and never answers: choosing bert-base-uncased
    falls back to the embedded model within the 3 s budget (plus the call itself) and says so."""
    from gradio_client import Client

    app = start_app(tmp_path, HF_ENDPOINT=stalled_server)
    try:
        client = Client(app.url, verbose=False)
        t0 = time.perf_counter()
        _, md, preds = client.predict(
            "The [MASK] sat.", 3, "bert_base.uncased", "en", api_name="/bert_fill_mask"
        )
        seconds = time.perf_counter() - t0
        assert seconds < within(2, deadline_s=3), seconds  # the 3 s budget, plus the call itself
        assert "unreachable" in md and "Falling back" in md and "bert_small.eltec" in md
        assert len(preds) == 1
    finally:
        stop_app(app)
