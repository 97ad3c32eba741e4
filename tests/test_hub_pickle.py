"""The one pickle the weights layer reads: a `pytorch_model.bin` whose sha256 the catalogue pins,
loaded with `torch.load(weights_only=True)`; an unpinned one is refused with a message, and so is
one that differs from its pin. Tiny files the tests write, with catalogues they build."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
import torch

from models import hub
from tests import _fakehub as F

pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")

MARIAN_FILES = ("config.json", "pytorch_model.bin", "source.spm", "target.spm", "vocab.json")


@pytest.fixture(autouse=True)
def clean(monkeypatch, tmp_path):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    hub._cache.clear()
    yield
    hub._cache.clear()


def entry(folder, name="tiny.opus", pin_bin=True, **kw) -> hub.WeightsEntry:
    files = {f: None for f in MARIAN_FILES}
    if pin_bin:
        files["pytorch_model.bin"] = hub.sha256(folder / "pytorch_model.bin")
    return hub.WeightsEntry(
        name=name,
        model="models.transformer:Transformer",
        repo_id="paper-gallery-test/opus",
        revision="0" * 40,
        files=files,
        embedded=str(folder),
        paper="transformer",
        convert="training.convert_transformer:from_marian",
        **kw,
    )


@pytest.fixture
def marian(tmp_path):
    folder = tmp_path / "opus"
    ref, vocab = F.write_marian_zh(folder)
    return folder, ref, vocab


def spy_torch_load(monkeypatch) -> list:
    calls = []
    real = torch.load

    def spy(*a, **k):
        calls.append(k.get("weights_only"))
        return real(*a, **k)

    monkeypatch.setattr(torch, "load", spy)
    return calls


def test_pinned_bin_loads_with_weights_only_and_gives_the_reference_logits(marian, monkeypatch):
    folder, ref, vocab = marian
    calls = spy_torch_load(monkeypatch)
    loaded = hub.load(entry(folder))
    assert calls == [True]  # read once, tensors only
    src = torch.tensor([[5, 9, 12, 0]])
    tgt = torch.tensor([[len(vocab) - 1, 4, 6]])
    with torch.no_grad():
        want = ref(input_ids=src, attention_mask=torch.ones_like(src), decoder_input_ids=tgt).logits
    torch.testing.assert_close(loaded.model(src, tgt).logits, want, atol=1e-4, rtol=1e-4)


def test_unpinned_bin_is_refused_with_a_message_and_never_unpickled(marian, monkeypatch):
    folder, _, _ = marian
    calls = spy_torch_load(monkeypatch)
    with pytest.raises(
        hub.WeightsError, match=r"refused 'pytorch_model\.bin'.*pins its sha256.*no pin"
    ):
        hub.load(entry(folder, pin_bin=False))
    with pytest.raises(hub.WeightsError, match=r"refused 'pytorch_model\.bin'"):
        hub.read_weights(folder)  # a converter called without a catalogue entry: refused too
    assert calls == []


def test_bin_that_differs_from_its_pin_is_refused_naming_it(marian, monkeypatch):
    folder, _, _ = marian
    e = entry(folder)
    data = bytearray((folder / "pytorch_model.bin").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / "pytorch_model.bin").write_bytes(bytes(data))
    calls = spy_torch_load(monkeypatch)
    with pytest.raises(hub.WeightsError, match=r"refused '.*pytorch_model\.bin': its sha256"):
        hub.load(e)
    with pytest.raises(hub.WeightsError, match=r"refused '.*pytorch_model\.bin': its sha256"):
        hub.read_weights(folder, e)  # the converter's own check, should anyone call it directly
    assert calls == []


class Boom:
    """A pickle that would run code when loaded without weights_only."""

    def __reduce__(self):
        import os

        return (os.system, ("touch /tmp/paper-gallery-pickle-ran",))


def test_pinned_bin_that_holds_code_is_refused_and_the_code_does_not_run(marian, tmp_path):
    """Even a file that matches its pin is read with weights_only=True: a pickle that calls a
    function is refused by torch, and the function is never called."""
    import os

    folder, _, _ = marian
    flag = "/tmp/paper-gallery-pickle-ran"
    if os.path.exists(flag):
        os.unlink(flag)
    torch.save(
        {"model.shared.weight": torch.zeros(2, 2), "x": Boom()},
        folder / "pytorch_model.bin",
        pickle_protocol=pickle.HIGHEST_PROTOCOL,
    )
    with pytest.raises(
        hub.WeightsError, match=r"refused '.*pytorch_model\.bin'.*(Unpickl|weights_only)"
    ):
        hub.read_weights(folder, entry(folder))
    assert not os.path.exists(flag)


def test_safetensors_stays_the_rule_for_everything_else(tmp_path):
    """An entry that names model.safetensors never reads a .bin lying beside it."""
    from tests._tiny import TinyConfig, TinyNet

    folder = tmp_path / "tiny"
    TinyNet(TinyConfig()).save_pretrained(folder)
    (folder / "pytorch_model.bin").write_bytes(b"never read")
    e = hub.WeightsEntry(
        name="tiny",
        model="tests._tiny:TinyNet",
        repo_id="x/y",
        revision=None,
        files={f: hub.sha256(folder / f) for f in ("config.json", "model.safetensors")},
        embedded=str(folder),
    )
    assert hub.load(e).source == "embedded"
    state = hub.read_weights(folder, dataclasses.replace(e, files={"model.safetensors": None}))
    assert set(state) == {"proj.weight", "proj.bias"}
