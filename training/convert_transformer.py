"""Convert a Marian checkpoint (Helsinki-NLP/opus-mt-*, transformers layout) into our Transformer.

    .venv/bin/python training/convert_transformer.py <marian_folder> <out_dir>

Reads `config.json` and the weights of a `MarianMTModel` folder (no transformers import) and
writes our `save_pretrained` folder. The weights are `model.safetensors`, or, for the OPUS-MT
revisions that hold only `pytorch_model.bin`, that file when the catalogue pins its sha256 and the
file matches, read with `torch.load(weights_only=True)` (tensors and plain containers, never code):
`models.hub.read_weights` decides, and refuses an unpinned `.bin` with a message. Marian is the paper's post-LN
encoder-decoder with tied embeddings; what differs is set in `TransformerConfig`:
- `activation="swish"` (OPUS-MT trains with SiLU in the FFN; the paper uses ReLU);
- `positional="halves"`: Marian's sinusoids are not interleaved (sin in the first half of the
  vector, cos in the second), a fixed table like ours, so it is checked and not copied;
- `logits_bias=True`: Marian adds `final_logits_bias` to the pre-softmax projection;
- the decoder starts from the pad token (`decoder_start_token_id`), so `bos_id = pad_id`.
Every nn.Linear is stored (out, in) on both sides: nothing is transposed. Every key is used
exactly once and every shape asserted (as nanoGPT's GPT-2 import does). The SentencePiece
vocabularies are not converted: `MarianTokenizer` reads them as they are (source.spm and
target.spm with the `sentencepiece` library, ids from vocab.json, as transformers'
MarianTokenizer does) and offers what `models.transformer.translate` needs. Multi-target models
(opus-mt-en-zh: "a sentence initial language token is required in the form of >>id<<") get
their target token put first, as transformers' MarianTokenizer does for ">>cmn_Hans<< text".

For the weights layer (`models/hub.py`), `from_marian(folder, entry)` is the catalogue entry's
converter and `MarianTokenizer(folder)` its tokenizer (weights/catalogue.json,
"transformer_base.opus_mt_ende"); `opus_mt_en_zh(folder)` is English -> Simplified Chinese
("transformer_base.opus_mt_enzh").
"""

import json
import re
import sys
from dataclasses import asdict
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from models.transformer import Transformer, TransformerConfig, sinusoid_table

LAYER_KEYS = {  # ours <- Marian, inside one layer
    "encoder": {
        "self_attn.w_q": "self_attn.q_proj", "self_attn.w_k": "self_attn.k_proj",
        "self_attn.w_v": "self_attn.v_proj", "self_attn.w_o": "self_attn.out_proj",
        "sublayer1.norm": "self_attn_layer_norm",
        "feed_forward.w_1": "fc1", "feed_forward.w_2": "fc2", "sublayer2.norm": "final_layer_norm",
    },
    "decoder": {
        "self_attn.w_q": "self_attn.q_proj", "self_attn.w_k": "self_attn.k_proj",
        "self_attn.w_v": "self_attn.v_proj", "self_attn.w_o": "self_attn.out_proj",
        "sublayer1.norm": "self_attn_layer_norm",
        "cross_attn.w_q": "encoder_attn.q_proj", "cross_attn.w_k": "encoder_attn.k_proj",
        "cross_attn.w_v": "encoder_attn.v_proj", "cross_attn.w_o": "encoder_attn.out_proj",
        "sublayer2.norm": "encoder_attn_layer_norm",
        "feed_forward.w_1": "fc1", "feed_forward.w_2": "fc2", "sublayer3.norm": "final_layer_norm",
    },
}  # fmt: skip


def marian_config(hf: dict) -> TransformerConfig:
    """Our config from a MarianConfig dict; refuses what our module cannot express."""
    assert hf["encoder_layers"] == hf["decoder_layers"], "one N for encoder and decoder"
    assert hf["encoder_attention_heads"] == hf["decoder_attention_heads"]
    assert hf["encoder_ffn_dim"] == hf["decoder_ffn_dim"]
    assert hf.get("share_encoder_decoder_embeddings", True), "separate vocabularies not supported"
    assert not hf.get("normalize_before", False) and not hf.get("add_final_layer_norm", False)
    act = {"swish": "swish", "silu": "swish", "relu": "relu", "gelu": "gelu"}[
        hf["activation_function"]
    ]
    return TransformerConfig(
        N=hf["encoder_layers"],
        d_model=hf["d_model"],
        d_ff=hf["encoder_ffn_dim"],
        h=hf["encoder_attention_heads"],
        dropout=hf.get("dropout", 0.1),
        vocab_size=hf["vocab_size"],
        max_len=hf["max_position_embeddings"],
        pre_ln=False,
        activation=act,
        positional="halves",
        scale_embedding=hf.get("scale_embedding", False),
        logits_bias=True,
        pad_id=hf["pad_token_id"],
        bos_id=hf.get("decoder_start_token_id", hf["pad_token_id"]),
        eos_id=hf["eos_token_id"],
        src_lang="",
        tgt_lang="",
    )


def convert_state(
    hf_state: dict[str, torch.Tensor], cfg: TransformerConfig
) -> dict[str, torch.Tensor]:
    """Marian state dict -> ours. Asserts tied embeddings, the fixed sinusoids, every key used."""
    left = dict(hf_state)
    take = left.pop  # each key is taken once; anything left at the end was not converted
    emb = take("model.shared.weight")  # (V, d_model)
    for tied in (
        "model.encoder.embed_tokens.weight",
        "model.decoder.embed_tokens.weight",
        "lm_head.weight",
    ):
        if tied in left:  # safetensors files often keep only one copy of tied tensors
            assert torch.equal(take(tied), emb), f"{tied} is not tied to model.shared.weight"
    table = sinusoid_table(cfg.max_len, cfg.d_model, "halves")
    for k in ("model.encoder.embed_positions.weight", "model.decoder.embed_positions.weight"):
        if k in left:  # a fixed function, rebuilt by our PositionalEncoding
            assert torch.allclose(take(k).float(), table, atol=1e-5), (
                f"{k} is not Marian's sinusoid table"
            )
    ours = {"embedding.weight": emb, "logits_bias": take("final_logits_bias").reshape(-1)}
    for side in ("encoder", "decoder"):
        for i in range(cfg.N):
            for o, m in LAYER_KEYS[side].items():
                for p in ("weight", "bias"):
                    ours[f"{side}.{i}.{o}.{p}"] = take(f"model.{side}.layers.{i}.{m}.{p}")
    assert not left, f"unused Marian keys: {sorted(left)}"
    expected = Transformer(cfg).state_dict()
    assert ours.keys() == expected.keys(), set(ours) ^ set(expected)
    for k, v in ours.items():
        assert v.shape == expected[k].shape, f"{k}: {tuple(v.shape)} vs {tuple(expected[k].shape)}"
    return ours


def convert(marian_dir: str | Path, entry=None) -> Transformer:
    """A MarianMTModel folder (config.json + model.safetensors, or the pinned pytorch_model.bin of
    the catalogue `entry`) -> our Transformer, strict load."""
    from models import hub

    marian_dir = Path(marian_dir)
    cfg = marian_config(json.loads((marian_dir / "config.json").read_text()))
    model = Transformer(cfg)
    model.load_state_dict(convert_state(hub.read_weights(marian_dir, entry), cfg), strict=True)
    return model.eval()


def from_marian(folder: str | Path, entry=None) -> Transformer:
    """The weights layer's converter (`WeightsEntry.convert`): a verified Marian folder -> ours."""
    return convert(folder, entry)


class _Encoding:
    """What `models.transformer.encode_batch` reads from an encoding: its ids."""

    def __init__(self, ids: list[int], tokens: list[str]):
        self.ids, self.tokens = ids, tokens


class MarianTokenizer:
    """OPUS-MT's preprocessing: SentencePiece pieces (source.spm to encode, target.spm to decode)
    looked up in the shared vocab.json, </s> appended; pieces missing from vocab.json are <unk>.

    Offers the methods `models.transformer.translate` uses (`encode_batch`, `decode`,
    `id_to_token`), so the same decoding code serves both tokenizers. Marian's optional Moses
    punctuation normalisation (sacremoses, when installed) is not applied.

    `target_token` (e.g. ">>cmn_Hans<<") is put first in every source, as multi-target OPUS-MT
    models require; a source that starts with its own ">>id<<" keeps that one instead (as in
    transformers). Language tokens are left out of decoded text.
    """

    LANGUAGE_CODE = re.compile(r">>.+?<<")  # transformers: re.compile(">>.{1,}<<"), at the start

    def __init__(self, folder: str | Path, target_token: str | None = None):
        import sentencepiece as spm

        folder = Path(folder)
        self.source = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
        self.target = spm.SentencePieceProcessor(model_file=str(folder / "target.spm"))
        self.vocab: dict[str, int] = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        self.pieces = {i: p for p, i in self.vocab.items()}
        self.unk_id, self.eos_id = self.vocab["<unk>"], self.vocab["</s>"]
        self.pad_id = self.vocab.get("<pad>")
        self.special = {
            i
            for p, i in self.vocab.items()
            if p in ("<pad>", "</s>", "<unk>") or self.LANGUAGE_CODE.fullmatch(p)
        }
        if target_token is not None and target_token not in self.vocab:
            raise ValueError(f"{target_token} is not a language token of {folder / 'vocab.json'}")
        self.target_token = target_token

    def encode(self, text: str) -> _Encoding:
        m = self.LANGUAGE_CODE.match(text)
        code = [m.group(0)] if m else ([self.target_token] if self.target_token else [])
        text = text[m.end() :] if m else text
        pieces = self.source.encode(text, out_type=str) if text.strip() else []
        ids = [self.vocab.get(p, self.unk_id) for p in code + pieces] + [self.eos_id]
        return _Encoding(ids, code + pieces + ["</s>"])

    def encode_batch(self, texts: list[str]) -> list[_Encoding]:
        return [self.encode(t) for t in texts]

    def id_to_token(self, i: int) -> str:
        return self.pieces.get(int(i), "<unk>")

    def token_to_id(self, piece: str) -> int | None:
        return self.vocab.get(piece)

    def decode(self, ids: list[int]) -> str:
        pieces = [self.id_to_token(i) for i in ids if int(i) not in self.special]
        return self.target.decode_pieces(pieces).strip()

    def decode_batch(self, batch: list[list[int]]) -> list[str]:
        return [self.decode(ids) for ids in batch]

    def decode_source(self, ids: list[int]) -> str:
        """Source ids back to text with the source SentencePiece (en-zh: `decode` is Chinese's);
        language tokens and specials left out, e.g. to show a source cut to its first pieces."""
        pieces = [self.id_to_token(i) for i in ids if int(i) not in self.special]
        return self.source.decode_pieces(pieces).strip()


def opus_mt_en_zh(folder: str | Path) -> MarianTokenizer:
    """opus-mt-en-zh's tokenizer: English in, Simplified Mandarin out (">>cmn_Hans<<" first; the
    model card: "a sentence initial language token is required in the form of >>id<<")."""
    return MarianTokenizer(folder, target_token=">>cmn_Hans<<")


# ---------------------------------------------------------------------------------------------
# The other way: a folder in OPUS-MT's layout, random weights (stand-ins for tests and benches)
# ---------------------------------------------------------------------------------------------


def opus_mt_config(
    vocab_size: int,
    d_model: int = 512,
    layers: int = 6,
    heads: int = 8,
    d_ff: int = 2048,
    max_positions: int = 512,
) -> dict:
    """`transformers.MarianConfig` fields with OPUS-MT's settings (Helsinki-NLP's config.json):
    SiLU in the FFN, scaled embeddings, `<pad>` the last id and the decoder's start, `</s>` = 0.
    The defaults are transformer-base's sizes."""
    return dict(
        vocab_size=vocab_size,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=d_ff,
        decoder_ffn_dim=d_ff,
        max_position_embeddings=max_positions,
        activation_function="swish",
        scale_embedding=True,
        pad_token_id=vocab_size - 1,
        decoder_start_token_id=vocab_size - 1,
        eos_token_id=0,
        forced_eos_token_id=0,
    )


def sentencepiece_model(sentences: list[str], vocab_size: int, repeat: int = 4) -> bytes:
    """A unigram SentencePiece model trained on `sentences` (each seen `repeat` times): the bytes
    of a source.spm / target.spm."""
    import io

    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences * repeat),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="unigram",
        minloglevel=2,
        character_coverage=1.0,
        hard_vocab_limit=False,
    )
    return buf.getvalue()


def write_opus_mt(
    folder: str | Path,
    source_spm: bytes,
    target_spm: bytes,
    lang_tokens: tuple[str, ...] = (),
    vocab_size: int | None = None,
    weights: str = "safetensors",
    seed: int = 0,
    perturb: bool = False,
    **sizes,
):
    """A folder as Helsinki-NLP publishes an OPUS-MT model, with random weights: source.spm,
    target.spm, vocab.json (`</s>` 0, `<unk>` 1, the language tokens, the pieces of both
    SentencePiece models, filled up to `vocab_size` if given, `<pad>` last), config.json and
    model.safetensors (`weights="safetensors"`) or pytorch_model.bin (`"bin"`, as the pinned
    revisions hold them). `perturb`: a non-zero final_logits_bias and LayerNorms away from 1 and 0,
    so that a converter that drops them shows it. `sizes`: `opus_mt_config`'s. Returns the
    `transformers.MarianMTModel` (eval mode) and the vocabulary."""
    import sentencepiece as spm
    import transformers

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.spm").write_bytes(source_spm)
    (folder / "target.spm").write_bytes(target_spm)
    vocab = {"</s>": 0, "<unk>": 1}
    for t in lang_tokens:
        vocab[t] = len(vocab)
    for proto in (source_spm, target_spm):
        sp = spm.SentencePieceProcessor(model_proto=proto)
        for i in range(sp.get_piece_size()):
            if sp.id_to_piece(i) not in ("<s>", "</s>", "<unk>"):
                vocab.setdefault(sp.id_to_piece(i), len(vocab))
    while vocab_size and len(vocab) < vocab_size - 1:
        vocab[f"▁filler{len(vocab)}"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    torch.manual_seed(seed)
    cfg = transformers.MarianConfig(**opus_mt_config(len(vocab), **sizes))
    ref = transformers.MarianMTModel(cfg).eval()
    if perturb:
        with torch.no_grad():
            ref.final_logits_bias.normal_()  # zero at init
            for m in ref.modules():
                if isinstance(m, torch.nn.LayerNorm):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.normal_(0, 0.1)
    if weights == "bin":
        (folder / "config.json").write_text(cfg.to_json_string(), encoding="utf-8")
        torch.save(ref.state_dict(), folder / "pytorch_model.bin")
    else:
        ref.save_pretrained(folder)
    return ref, vocab


if __name__ == "__main__":
    src_dir, out_dir = sys.argv[1], sys.argv[2]
    m = convert(src_dir)
    m.save_pretrained(out_dir)
    print(f"wrote {out_dir}: {asdict(m.config)}")
