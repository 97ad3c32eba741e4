"""Convert a Hugging Face `BertForPreTraining` checkpoint (e.g. google-bert/bert-base-uncased,
bert-base-chinese) into our `models.bert.Bert`: the keys are renamed, every tensor is used exactly
once, shapes are asserted, and the result loads with `strict=True`.

The tokenizer is the checkpoint's `tokenizer.json` when the folder has one, else its bare
`vocab.txt` (bert-base-chinese's pinned files), built by `models.bert.tokenizer_from_vocab` with
the catalogue entry's `meta["do_lower_case"]` (bert-base-chinese: false). A `BertForMaskedLM`
checkpoint (no pooler, no next-sentence head) converts too: those two are zero, so P(IsNext) is
always 50%, and `model.missing_heads` names them for the UI.

    .venv/bin/python training/convert_bert.py <hf folder> <out folder>   # write our format

The app does not need this step: the catalogue entry `bert_base.uncased` names `from_hf` as its
converter, so the Hub download is converted at load time. Nothing is transposed: HF and we both
keep `nn.Linear` weights as (out, in).
"""

import json
import re
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from models.bert import Bert, BertConfig  # noqa: E402

# HF name (after the "bert." / "cls." prefixes) -> ours; {i} is the layer index
RENAME = {
    "bert.embeddings.word_embeddings.weight": "embeddings.token.weight",
    "bert.embeddings.token_type_embeddings.weight": "embeddings.segment.weight",
    "bert.embeddings.position_embeddings.weight": "embeddings.position.weight",
    "bert.embeddings.LayerNorm.weight": "embeddings.norm.weight",
    "bert.embeddings.LayerNorm.bias": "embeddings.norm.bias",
    "bert.encoder.layer.{i}.attention.self.query.": "layers.{i}.attention.w_q.",
    "bert.encoder.layer.{i}.attention.self.key.": "layers.{i}.attention.w_k.",
    "bert.encoder.layer.{i}.attention.self.value.": "layers.{i}.attention.w_v.",
    "bert.encoder.layer.{i}.attention.output.dense.": "layers.{i}.attention.w_o.",
    "bert.encoder.layer.{i}.attention.output.LayerNorm.": "layers.{i}.norm1.",
    "bert.encoder.layer.{i}.intermediate.dense.": "layers.{i}.ff1.",
    "bert.encoder.layer.{i}.output.dense.": "layers.{i}.ff2.",
    "bert.encoder.layer.{i}.output.LayerNorm.": "layers.{i}.norm2.",
    "bert.pooler.dense.": "pooler.",
    "cls.predictions.transform.dense.": "mlm.dense.",
    "cls.predictions.transform.LayerNorm.": "mlm.norm.",
    "cls.predictions.bias": "mlm.bias",
    "cls.seq_relationship.": "nsp.classifier.",
}
# Tensors HF stores that our module has no copy of: buffers, and the MLM decoder tied to the
# word embeddings (its bias is `cls.predictions.bias` again)
DROP = (
    "bert.embeddings.position_ids",
    "bert.embeddings.token_type_ids",
    "cls.predictions.decoder.weight",
    "cls.predictions.decoder.bias",
)


def config_from_hf(
    hf: dict, tokenizer_file: Path | None = None, tokenizer=None, lowercase: bool | None = None
) -> BertConfig:
    """HF config.json (+ tokenizer.json, or a tokenizer built from vocab.txt and its `lowercase`,
    for the special ids and lowercasing) -> BertConfig."""
    assert hf.get("hidden_act", "gelu") == "gelu", f"hidden_act {hf['hidden_act']} is not gelu"
    assert hf.get("position_embedding_type", "absolute") == "absolute"
    ids = {"pad_id": hf.get("pad_token_id", 0)}
    tok = tokenizer
    if tok is None and tokenizer_file is not None and tokenizer_file.is_file():
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(tokenizer_file))
        norm = json.loads(tokenizer_file.read_text()).get("normalizer") or {}
        lowercase = bool(norm.get("lowercase", True))
    if tok is not None:
        for key, token in (
            ("unk_id", "[UNK]"),
            ("cls_id", "[CLS]"),
            ("sep_id", "[SEP]"),
            ("mask_id", "[MASK]"),
            ("pad_id", "[PAD]"),
        ):
            if tok.token_to_id(token) is not None:
                ids[key] = tok.token_to_id(token)
    lowercase = True if lowercase is None else lowercase
    return BertConfig(
        L=hf["num_hidden_layers"],
        H=hf["hidden_size"],
        A=hf["num_attention_heads"],
        d_ff=hf["intermediate_size"],
        vocab_size=hf["vocab_size"],
        max_position=hf["max_position_embeddings"],
        type_vocab_size=hf["type_vocab_size"],
        dropout=hf.get("hidden_dropout_prob", 0.1),
        attention_dropout=hf.get("attention_probs_dropout_prob", 0.1),
        layer_norm_eps=hf.get("layer_norm_eps", 1e-12),
        lowercase=lowercase,
        **ids,
    )


def _normalize(name: str) -> str:
    """Old TF-era names (bert-base-uncased's own files): LayerNorm.gamma/beta -> weight/bias."""
    return re.sub(
        r"LayerNorm\.gamma$",
        "LayerNorm.weight",
        re.sub(r"LayerNorm\.beta$", "LayerNorm.bias", name),
    )


# What a BertForMaskedLM checkpoint lacks (transformers builds it without the pooler, and it has
# no next-sentence head); filled with zeros, named in `model.missing_heads`
OPTIONAL_HEADS = {"pooler": ("pooler.",), "nsp": ("nsp.",)}


def rename_state(hf_state: dict, cfg: BertConfig, missing_heads: list | None = None) -> dict:
    """HF tensors -> our state dict; asserts every tensor is used and every shape matches. A pooler
    or NSP head absent from the checkpoint (BertForMaskedLM) is zero-filled and its name appended
    to `missing_heads` when that list is given; otherwise it is an error."""
    patterns = []
    for src, dst in RENAME.items():
        rx = re.escape(src).replace(re.escape("{i}"), r"(\d+)")
        patterns.append((re.compile("^" + rx), dst))
    ours, unused = {}, []
    for name, tensor in hf_state.items():
        name = _normalize(name)
        if name in DROP:
            continue
        for rx, dst in patterns:
            m = rx.match(name)
            if m:
                new = dst.replace("{i}", m.group(1)) if m.groups() else dst
                ours[new + name[m.end() :]] = tensor
                break
        else:
            unused.append(name)
    assert not unused, f"tensors the converter does not know: {unused}"
    expected = Bert(cfg).state_dict()
    missing = sorted(set(expected) - set(ours))
    if missing_heads is not None:
        for head, prefixes in OPTIONAL_HEADS.items():
            absent = [k for k in missing if k.startswith(prefixes)]
            if absent and len(absent) == sum(k.startswith(prefixes) for k in expected):
                missing_heads.append(head)
                for k in absent:
                    ours[k] = torch.zeros_like(expected[k])
        missing = sorted(set(expected) - set(ours))
    assert not missing, f"tensors the checkpoint lacks: {missing}"
    for k, v in ours.items():
        assert v.shape == expected[k].shape, f"{k}: {tuple(v.shape)} vs {tuple(expected[k].shape)}"
    return ours


def from_hf(folder, entry=None) -> Bert:
    """A HF BertForPreTraining (or BertForMaskedLM) folder -> our module in eval mode, `strict=True`.

    Files: config.json, model.safetensors, and tokenizer.json or vocab.txt (with
    `entry.meta["do_lower_case"]`, default True). The weights are read by `models.hub.read_weights`:
    safetensors, or a `.bin` only when the catalogue pins its sha256 (never the case for BERT)."""
    from models import hub
    from models.bert import tokenizer_from_vocab

    folder = Path(folder)
    hf_cfg = json.loads((folder / "config.json").read_text())
    if (folder / "tokenizer.json").is_file():
        cfg = config_from_hf(hf_cfg, folder / "tokenizer.json")
    elif (folder / "vocab.txt").is_file():
        meta = getattr(entry, "meta", None) or {}
        lowercase = bool(meta.get("do_lower_case", True))
        tok = tokenizer_from_vocab(folder / "vocab.txt", lowercase=lowercase)
        cfg = config_from_hf(hf_cfg, tokenizer=tok, lowercase=lowercase)
    else:
        cfg = config_from_hf(hf_cfg)
    model = Bert(cfg)
    missing: list[str] = []
    model.load_state_dict(rename_state(hub.read_weights(folder, entry), cfg, missing), strict=True)
    model.missing_heads = tuple(missing)
    return model.eval()


if __name__ == "__main__":
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    m = from_hf(src)
    m.save_pretrained(dst)
    if (src / "tokenizer.json").is_file():
        (dst / "tokenizer.json").write_bytes((src / "tokenizer.json").read_bytes())
    print(f"{src} -> {dst}: {sum(p.numel() for p in m.parameters()):,} parameters")
