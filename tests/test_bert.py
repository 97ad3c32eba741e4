"""models/bert.py against the paper's numbers and against transformers' BertForPreTraining."""

import dataclasses
import json
import shutil

import pytest
import torch

from lab import bert as BL
from models import bert as B
from models import hub

TINY = B.BertConfig(L=2, H=32, A=4, d_ff=64, vocab_size=120, max_position=40)


def test_paper_parameter_counts_exact():
    # BertModel with the pooler, bert-base-uncased / bert-large-uncased (30,522 pieces, 512 positions)
    assert B.count_params(B.PRESETS["base"]) == 109_482_240
    assert B.count_params(B.PRESETS["large"]) == 335_141_888
    # the formula V*H + L*12H^2 leaves out positions, segments, biases, LayerNorms and the pooler
    assert BL.params_formula(B.PRESETS["base"]) == 30522 * 768 + 12 * 12 * 768**2


def test_masking_rates_and_never_specials():
    cfg = B.PRESETS["small"]
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(5, cfg.vocab_size, (400, 128), generator=g)
    ids[:, 0], ids[:, 64], ids[:, 100:] = cfg.cls_id, cfg.sep_id, cfg.pad_id
    m = B.mask_tokens(ids, cfg, g)
    real = (ids >= 5).sum().item()
    chosen = m.chosen.sum().item()
    assert chosen / real == pytest.approx(0.15, abs=0.005)  # round(15% of 98) = 15 per row
    assert not m.chosen[ids < 5].any()  # [CLS], [SEP], [PAD] never chosen
    kinds = m.kind[m.chosen]
    assert (kinds == 1).float().mean().item() == pytest.approx(0.8, abs=0.02)
    assert (kinds == 2).float().mean().item() == pytest.approx(0.1, abs=0.015)
    assert (kinds == 3).float().mean().item() == pytest.approx(0.1, abs=0.015)
    assert (m.input_ids[m.kind == 1] == cfg.mask_id).all()
    assert (m.input_ids[m.kind == 3] == ids[m.kind == 3]).all()
    assert (m.labels[m.chosen] == ids[m.chosen]).all() and (m.labels[~m.chosen] == -100).all()
    assert (m.input_ids[~m.chosen] == ids[~m.chosen]).all()


def test_attention_maps_rows_sum_to_one_and_skip_padding():
    torch.manual_seed(0)
    model = B.Bert(TINY).eval()
    ids = torch.tensor([[2, 10, 11, 12, 3, 0, 0], [2, 20, 21, 3, 30, 31, 3]])
    types = torch.tensor([[0] * 7, [0, 0, 0, 0, 1, 1, 1]])
    out = model(ids, types, return_attention=True)
    assert len(out.attentions) == TINY.L
    for a in out.attentions:
        assert a.shape == (2, TINY.A, 7, 7)
        assert torch.allclose(a.sum(-1), torch.ones(2, TINY.A, 7))
        assert (a[0, :, :, 5:] == 0).all()  # padded keys get weight exactly 0
    fused = model(ids, types)  # the F.scaled_dot_product_attention path
    assert fused.attentions is None
    assert torch.allclose(fused.mlm_logits[1], out.mlm_logits[1], atol=1e-5)
    assert out.mlm_logits.shape == (2, 7, TINY.vocab_size) and out.nsp_logits.shape == (2, 2)
    # MLM logits at chosen positions only are the same rows
    pos = torch.zeros_like(ids, dtype=torch.bool)
    pos[1, 2] = True
    assert torch.allclose(
        model(ids, types, mlm_positions=pos).mlm_logits[0], out.mlm_logits[1, 2], atol=1e-5
    )


def test_mlm_head_is_tied_to_token_embeddings(tmp_path):
    model = B.Bert(TINY)
    names = dict(model.named_parameters())
    assert not any(
        n.startswith("mlm.") and p.shape == (TINY.vocab_size, TINY.H) for n, p in names.items()
    )
    model.save_pretrained(tmp_path)
    again = B.Bert.from_pretrained(str(tmp_path), strict=True)
    ids = torch.tensor([[2, 10, 4, 12, 3]])
    assert torch.equal(model.eval()(ids).mlm_logits, again.eval()(ids).mlm_logits)


# --------------------------------------------------------------------------------------------
# Parity with transformers on a tiny random checkpoint (the bert-base-uncased layout)


def write_tiny_hf(folder, seed: int = 0):
    """A random BertForPreTraining saved by transformers + a WordPiece tokenizer.json whose
    special ids sit where bert-base-uncased has them (not where ours are)."""
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    words = ["the", "cat", "sat", "on", "mat", "dog", "ran", "a", "##s", "##ed", ".", ","]
    vocab = {
        "[PAD]": 0,
        **{f"[unused{i}]": i + 1 for i in range(4)},
        "[UNK]": 5,
        "[CLS]": 6,
        "[SEP]": 7,
        "[MASK]": 8,
    }
    for w in words:
        vocab[w] = len(vocab)
    for i in range(len(vocab), TINY.vocab_size):
        vocab[f"w{i}"] = i
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    tok.add_special_tokens(
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    )  # matched before lowercasing
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 6), ("[SEP]", 7)],
    )
    torch.manual_seed(seed)
    hf_cfg = transformers.BertConfig(
        vocab_size=TINY.vocab_size,
        hidden_size=TINY.H,
        num_hidden_layers=TINY.L,
        num_attention_heads=TINY.A,
        intermediate_size=TINY.d_ff,
        max_position_embeddings=TINY.max_position,
        pad_token_id=0,
    )
    hf = transformers.BertForPreTraining(hf_cfg).eval()
    with torch.no_grad():  # random, not zero, biases and LayerNorms so that every tensor matters
        for n, p in hf.named_parameters():
            if n.endswith("bias") or "LayerNorm" in n:
                p.add_(torch.randn_like(p) * 0.1)
    hf.save_pretrained(folder, safe_serialization=True)
    tok.save(str(folder / "tokenizer.json"))
    return hf, tok


def test_converter_matches_transformers_bert_for_pretraining(tmp_path):
    from training.convert_bert import from_hf

    hf, tok = write_tiny_hf(tmp_path)
    assert not list(tmp_path.glob("*.bin"))  # safetensors only
    ours = from_hf(tmp_path)
    assert (ours.config.cls_id, ours.config.sep_id, ours.config.mask_id, ours.config.unk_id) == (
        6,
        7,
        8,
        5,
    )
    enc = tok.encode("the cat sat on the [MASK] .", "a dog ran")
    ids, types = torch.tensor([enc.ids]), torch.tensor([enc.type_ids])
    with torch.no_grad():
        ref = hf(input_ids=ids, token_type_ids=types, attention_mask=torch.ones_like(ids))
        out = ours(ids, types, return_attention=True)
    assert torch.allclose(out.mlm_logits, ref.prediction_logits, atol=1e-4)
    assert torch.allclose(out.nsp_logits, ref.seq_relationship_logits, atol=1e-4)
    # and the fill-mask helper reads the [MASK] at the right place
    fm = B.fill_mask(ours, tok, "the cat sat on the [MASK] .", top_k=3)
    assert [p.position for p in fm.predictions] == [enc.tokens.index("[MASK]")]
    top = ref.prediction_logits[0, fm.predictions[0].position].softmax(-1).topk(3)
    assert fm.predictions[0].tokens == [tok.id_to_token(int(i)) for i in top.indices]


def test_bert_base_uncased_through_the_hub_cache_offline(tmp_path, monkeypatch, isolated_hub):
    """The catalogue's bert-base-uncased entry, served from a local HF cache with HF_HUB_OFFLINE=1:
    the tiny stand-in checkpoint is found, verified, converted and gives transformers' logits."""
    entry = hub.read_catalogue()["bert_base.uncased"]
    src = tmp_path / "src"
    src.mkdir()
    hf, tok = write_tiny_hf(src, seed=1)
    cache = tmp_path / "hf-cache"
    repo_dir = cache / ("models--" + entry.repo_id.replace("/", "--"))
    snap = repo_dir / "snapshots" / entry.revision
    snap.mkdir(parents=True)
    for f in entry.files:
        shutil.copy(src / f, snap / f)
    (repo_dir / "refs").mkdir()
    (repo_dir / "refs" / "main").write_text(entry.revision)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # the real entry pins bert-base-uncased's sha256; the stand-in has its own
    tiny = dataclasses.replace(entry, files={f: hub.sha256(snap / f) for f in entry.files})
    with pytest.raises(hub.WeightsError, match="model.safetensors|config.json|tokenizer.json"):
        hub.load(entry)  # the real sha256 pins refuse the stand-in
    loaded = hub.load(tiny)
    assert loaded.source == "cache"
    ids = torch.tensor([tok.encode("the [MASK] sat").ids])
    with torch.no_grad():
        ref = hf(input_ids=ids).prediction_logits
        assert torch.allclose(loaded.model(ids).mlm_logits, ref, atol=1e-4)


def test_catalogue_entry_is_pinned():
    entry = hub.read_catalogue()["bert_base.uncased"]
    assert entry.repo_id == "google-bert/bert-base-uncased"
    assert len(entry.revision) == 40
    assert set(entry.files) == {"config.json", "model.safetensors", "tokenizer.json"}
    assert all(v and len(v) == 64 for v in entry.files.values())


def test_embedded_weights_card_and_log_agree():
    entry = hub.read_catalogue()["bert_small.eltec"]
    folder = entry.embedded_dir
    log = json.loads((folder / "training_log.json").read_text())
    cfg = json.loads((folder / "config.json").read_text())
    assert B.count_params(B.BertConfig(**cfg)) == log["params"]
    assert entry.meta["heldout_mlm_acc"] == round(log["final"]["heldout_novels"]["mlm_acc"], 4)
    assert entry.meta["nsp_acc"] == round(log["final"]["heldout_novels"]["nsp_acc"], 4)
    assert (folder / "model.safetensors").stat().st_size < 20e6


def test_embedded_model_gives_its_recorded_predictions():
    """A regression check of the shipped weights + tokenizer + fill_mask path, on values recorded
    from this model (step 26,000, the end of the long run, see weights/bert_eltec/README.md)."""
    loaded = hub.get("bert_small.eltec")
    tok = B.load_tokenizer(loaded.folder)
    fm = B.fill_mask(loaded.model, tok, "She opened the [MASK] and walked into the room.", top_k=5)
    assert [p.position for p in fm.predictions] == [4]
    assert fm.predictions[0].tokens == ["door", "room", "window", "steps", "bell"]
    assert fm.predictions[0].probs == pytest.approx([0.465, 0.148, 0.037, 0.017, 0.015], abs=1.5e-3)
    fm = B.fill_mask(loaded.model, tok, "I do not know what you [MASK].", top_k=3)
    assert fm.predictions[0].tokens == ["do", "mean", "know"]  # verbs after "what you": context


def test_pre_ln_option_normalizes_before_each_sublayer():
    import dataclasses

    torch.manual_seed(0)
    cfg = dataclasses.replace(TINY, pre_ln=True)
    model = B.Bert(cfg).eval()
    assert isinstance(model.final_norm, torch.nn.LayerNorm) and isinstance(
        B.Bert(TINY).final_norm, torch.nn.Identity
    )
    ids = torch.tensor([[2, 10, 11, 3]])
    layer, x = model.layers[0], torch.randn(1, 4, TINY.H)
    a, _ = layer.attention(layer.norm1(x), None)
    y = x + a
    want = y + layer.ff2(torch.nn.functional.gelu(layer.ff1(layer.norm2(y))))
    assert torch.allclose(layer(x, None)[0], want, atol=1e-6)
    out = model(ids, return_attention=True)
    assert out.mlm_logits.shape == (1, 4, TINY.vocab_size) and len(out.attentions) == TINY.L
