"""The Chinese models of issue 15 against transformers, on tiny random checkpoints of their layout:
bert-base-chinese (character-level WordPiece from a bare vocab.txt, not lowercased) and
Helsinki-NLP/opus-mt-en-zh (SentencePiece on each side, >>cmn_Hans<< first, pytorch_model.bin)."""

from __future__ import annotations

import dataclasses
import re

import pytest
import torch

from models import bert as B
from models import hub
from models import transformer as T
from tests import _fakehub as F

transformers = pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")

CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
MIXED = [
    "今天天气很[MASK]。",
    "Hello world, 我们是中国人!",
    "北京是中国的首都 BERT 123",
    "hello HELLO Hello，我喜欢吃苹果。",
    "café 東京 ＡＢＣ [MASK] 的",
]


def zh_entry(folder) -> hub.WeightsEntry:
    real = hub.read_catalogue()["bert_base.chinese"]
    return dataclasses.replace(real, files={f: hub.sha256(folder / f) for f in real.files})


def test_catalogue_rows_pin_the_issue_table():
    cat = hub.read_catalogue()
    zh = cat["bert_base.chinese"]
    assert zh.revision == "8f23c25b06e129b6c986331a13d8d025a92cf0ea"
    assert zh.files == {
        "config.json": "88af762cfb15fa9ce183c84dcbfdc9d635196ba635dfe81f265fdd21d67f4c4c",
        "model.safetensors": "3404a1ffd8da507042e8161013ba2a4fc49858b4e3f8fbf5ce5724f94883aec3",
        "vocab.txt": "45bbac6b341c319adc98a532532882e91a9cefc0329aa57bac9ae761c27b291c",
    }
    assert zh.meta["do_lower_case"] is False and zh.convert == "training.convert_bert:from_hf"
    enzh = cat["transformer_base.opus_mt_enzh"]
    assert (enzh.repo_id, enzh.revision) == (
        "Helsinki-NLP/opus-mt-en-zh",
        "408d9bc410a388e1d9aef112a2daba955b945255",
    )
    assert (
        enzh.files["pytorch_model.bin"]
        == "69a1d6ec829cee349360b3b677ac0aa99a7d88822d1a6578370029efffdca3f5"
    )
    assert "model.safetensors" not in enzh.files
    assert {f for f, pin in enzh.files.items() if pin is None} == {
        "config.json",
        "source.spm",
        "target.spm",
        "vocab.json",
    }
    assert "null" in enzh.meta["sha256_note"] or "no public pin" in enzh.meta["sha256_note"]
    ende = cat["transformer_base.opus_mt_ende"]
    assert ende.revision == "6183067f769a302e3861815543b9f312c71b0ca4"
    assert (
        ende.files["pytorch_model.bin"]
        == "da068344b1b0c20e6d4a8f77f48e06646b90d679029006b18579e68977206bdd"
    )
    assert "model.safetensors" not in ende.files
    assert cat["bert_base.uncased"].files["model.safetensors"] == (
        "68d45e234eb4a928074dfd868cead0219ab85354cc53d20e772753c6bb9169d3"
    )


# --- bert-base-chinese ---------------------------------------------------------------------------------


def test_vocab_txt_tokenizer_matches_transformers_on_mixed_scripts(tmp_path):
    """Our tokenizers-built WordPiece from vocab.txt gives transformers' ids (its pure-Python
    tokenizer and its tokenizers-backed one, do_lower_case=False) on Chinese, English of either case, digits, full-width
    characters and [MASK]: one piece per Chinese character."""
    F.write_bert_zh(tmp_path)
    ours = B.tokenizer_from_vocab(tmp_path / "vocab.txt", lowercase=False)
    # transformers 5: BertTokenizer is the tokenizers backend; the pure-Python one is the legacy class
    from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy

    slow = BertTokenizerLegacy(str(tmp_path / "vocab.txt"), do_lower_case=False)
    fast = transformers.BertTokenizer.from_pretrained(str(tmp_path), do_lower_case=False)
    for text in MIXED:
        enc = ours.encode(text)
        assert enc.ids == slow(text)["input_ids"] == fast(text)["input_ids"], text
    enc = ours.encode("今天天气很[MASK]。")
    assert enc.tokens == ["[CLS]", "今", "天", "天", "气", "很", "[MASK]", "。", "[SEP]"]
    # not lowercased: "Hello" and "hello" are two pieces, "HELLO" is unknown
    assert ours.encode("Hello hello HELLO").tokens[1:-1] == ["Hello", "hello", "[UNK]"]
    # the pair form, as the NSP view sends it
    pair = ours.encode("我们是中国人。", "北京是首都。")
    assert (pair.ids, pair.type_ids) == tuple(
        fast("我们是中国人。", "北京是首都。")[k] for k in ("input_ids", "token_type_ids")
    )


def test_bert_for_masked_lm_with_a_chinese_vocabulary_gives_the_same_logits(tmp_path):
    """A tiny random BertForMaskedLM (no pooler, no NSP head) with a Chinese vocabulary, through
    the catalogue's converter: transformers' logits to 1e-4, and fill-mask predicts characters."""
    from training.convert_bert import from_hf

    hf, vocab = F.write_bert_zh(tmp_path, masked_lm=True)
    entry = zh_entry(tmp_path)
    ours = from_hf(tmp_path, entry)
    assert ours.config.lowercase is False
    assert (
        ours.config.pad_id,
        ours.config.unk_id,
        ours.config.cls_id,
        ours.config.sep_id,
        ours.config.mask_id,
    ) == (0, 100, 101, 102, 103)
    assert ours.missing_heads == ("pooler", "nsp")  # a BertForMaskedLM has neither
    tok = B.load_tokenizer(tmp_path, lowercase=ours.config.lowercase)
    for text in MIXED:
        enc = tok.encode(text)
        ids = torch.tensor([enc.ids])
        with torch.no_grad():
            want = hf(input_ids=ids, token_type_ids=torch.tensor([enc.type_ids])).logits
            got = ours(ids, torch.tensor([enc.type_ids])).mlm_logits
        torch.testing.assert_close(got, want, atol=1e-4, rtol=1e-4)
    fm = B.fill_mask(ours, tok, "今天天气很[MASK]。", top_k=3)
    assert [p.position for p in fm.predictions] == [6]
    top = (
        hf(input_ids=torch.tensor([tok.encode("今天天气很[MASK]。").ids]))
        .logits[0, 6]
        .topk(3)
        .indices
    )
    assert fm.predictions[0].tokens == [vocab[int(i)] for i in top]


def test_bert_base_chinese_checkpoint_with_nsp_converts_whole(tmp_path):
    """The real checkpoint is BertForPreTraining-shaped (it has cls.seq_relationship): nothing is
    zero-filled, and the NSP logits are transformers'."""
    from training.convert_bert import from_hf

    hf, _ = F.write_bert_zh(tmp_path)
    ours = from_hf(tmp_path, zh_entry(tmp_path))
    assert ours.missing_heads == ()
    tok = B.load_tokenizer(tmp_path, lowercase=False)
    enc = tok.encode("我们是中国人。", "北京是中国的首都。")
    ids, types = torch.tensor([enc.ids]), torch.tensor([enc.type_ids])
    with torch.no_grad():
        ref = hf(input_ids=ids, token_type_ids=types)
        out = ours(ids, types)
    torch.testing.assert_close(out.mlm_logits, ref.prediction_logits, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(out.nsp_logits, ref.seq_relationship_logits, atol=1e-4, rtol=1e-4)


def test_bert_base_chinese_loads_through_the_weights_layer_from_the_cache(tmp_path, monkeypatch):
    F.write_bert_zh(tmp_path / "src")
    entry = zh_entry(tmp_path / "src")
    F.install(tmp_path / "cache", entry, tmp_path / "src")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    loaded = hub.load(entry)
    assert loaded.source == "cache" and "bert_base.chinese" in loaded.notice
    assert loaded.model.config.vocab_size == len(
        (tmp_path / "src" / "vocab.txt").read_text().splitlines()
    )
    with pytest.raises(
        hub.WeightsError, match=r"refused .*(config\.json|model\.safetensors|vocab\.txt)"
    ):  # the real pins refuse the stand-in
        hub.load(hub.read_catalogue()["bert_base.chinese"])


# --- opus-mt-en-zh ------------------------------------------------------------------------------------


def enzh_entry(folder) -> hub.WeightsEntry:
    real = hub.read_catalogue()["transformer_base.opus_mt_enzh"]
    return dataclasses.replace(
        real, files={f: (hub.sha256(folder / f) if pin else None) for f, pin in real.files.items()}
    )


def reference_tokenizer(folder):
    return transformers.MarianTokenizer(
        str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json")
    )


def test_en_zh_tokenizer_matches_transformers_with_the_language_token(tmp_path):
    from training.convert_transformer import opus_mt_en_zh

    F.write_marian_zh(tmp_path)
    ours, ref = opus_mt_en_zh(tmp_path), reference_tokenizer(tmp_path)
    for text in F.EN_SENTENCES + [
        "Unseen words: zebra quokka!",
        "Beijing 北京 and Tokyo 東京, 2024!",
        "",
    ]:
        enc = ours.encode(text)
        assert enc.ids == ref(">>cmn_Hans<< " + text)["input_ids"], text
        assert enc.tokens[0] == ">>cmn_Hans<<" and enc.tokens[-1] == "</s>"
    # a source cut to its first pieces reads back in English (the source SentencePiece), without >>cmn_Hans<<
    ids = ours.encode("Beijing is the capital of China.").ids
    assert ours.decode_source(ids) == "Beijing is the capital of China."
    assert ours.decode_source(ids[:3]) == ref.convert_tokens_to_string(
        ref.convert_ids_to_tokens(ids[1:3])
    )
    # a source that names its own target keeps it
    assert ours.encode(">>yue<< A man.").ids == ref(">>yue<< A man.")["input_ids"]
    assert ours.encode(">>yue<< A man.").tokens[0] == ">>yue<<"
    # Chinese target text: pieces, ids and decoding as transformers has them
    for zh in F.ZH_SENTENCES:
        ids = ref(text_target=zh)["input_ids"]
        assert ours.decode(ids) == ref.decode(ids, skip_special_tokens=True) == zh


def test_en_zh_marian_bin_gives_transformers_logits(tmp_path):
    """A tiny random MarianMTModel for en-zh saved as pytorch_model.bin (as the pinned revision
    holds it), converted through the pinned-pickle path: the same logits to 1e-4."""
    from training.convert_transformer import from_marian, opus_mt_en_zh

    ref, vocab = F.write_marian_zh(tmp_path)
    assert not (tmp_path / "model.safetensors").exists()
    ours = from_marian(tmp_path, enzh_entry(tmp_path))
    tok, rtok = opus_mt_en_zh(tmp_path), reference_tokenizer(tmp_path)
    src = torch.tensor([tok.encode("Beijing 北京 is the capital of China.").ids])
    tgt = torch.tensor(
        [[len(vocab) - 1] + rtok(text_target="北京是中国的首都。")["input_ids"][:-1]]
    )
    with torch.no_grad():
        want = ref(input_ids=src, attention_mask=torch.ones_like(src), decoder_input_ids=tgt).logits
    torch.testing.assert_close(ours(src, tgt).logits, want, atol=1e-4, rtol=1e-4)


def test_attention_labels_of_chinese_target_tokens(tmp_path):
    """Translating mixed-script English, the attention views' labels are the decoded pieces: the
    target labels are transformers' tokens for the output ids, Chinese characters that spell the
    translation; the source labels start with >>cmn_Hans<< and end with </s>."""
    from training.convert_transformer import from_marian, opus_mt_en_zh

    ref, vocab = F.write_marian_zh(tmp_path)
    rtok = reference_tokenizer(tmp_path)
    model = from_marian(tmp_path, enzh_entry(tmp_path))
    zh_ids = sorted(
        {i for s in F.ZH_SENTENCES for i in rtok(text_target=s)["input_ids"][:-1]}
        - {vocab["<unk>"]}
    )
    with torch.no_grad():  # make the random model write Chinese: raise those pieces' logits bias
        model.logits_bias[zh_ids] += 50.0
    tok = opus_mt_en_zh(tmp_path)
    text = "Beijing 北京 is big, Tokyo 東京 too!"
    tr = T.translate(model, tok, text, beam=4, max_len=6, return_attention=True)
    assert tr.tokens and all(i in zh_ids for i in tr.tokens)
    assert tr.tgt_tokens == rtok.convert_ids_to_tokens(tr.tokens)
    assert all(CJK.search(t) for t in tr.tgt_tokens), tr.tgt_tokens  # no byte escapes, no mojibake
    assert (
        "".join(tr.tgt_tokens).replace("▁", " ").strip()
        == tr.text
        == rtok.decode(tr.tokens, skip_special_tokens=True)
    )
    assert tr.src_tokens[0] == ">>cmn_Hans<<" and tr.src_tokens[-1] == "</s>"
    assert tr.src_tokens == rtok.convert_ids_to_tokens(rtok(">>cmn_Hans<< " + text)["input_ids"])
    cross = tr.attentions.cross[0]  # layer 0: (1, h, rows, len(src))
    assert cross.shape[-1] == len(tr.src_tokens) and cross.shape[-2] in (
        len(tr.tokens),
        len(tr.tokens) + 1,
    )
