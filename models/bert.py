"""BERT: Pre-training of Deep Bidirectional Transformers (Devlin et al. 2018), in this file.

Paper: https://arxiv.org/abs/1810.04805 (NAACL 2019). Implemented: the input representation of
§3 / Fig. 2 (token + segment + position embeddings, [CLS] first, [SEP] after each sentence), the
bidirectional post-LN Transformer encoder with GELU (§3, "Model Architecture"; Vaswani et al.),
the pooler over [CLS], the masked-LM head tied to the token embeddings and the next-sentence
head (§3.1, Tasks #1 and #2), the 15% / 80-10-10 masking procedure (§3.1, Appendix A.1), and the
BASE and LARGE sizes (`PRESETS`). Preprocessing travels with the weights: a WordPiece tokenizer
(HF `tokenizers`) saved as `tokenizer.json` beside `model.safetensors`.

Deviations from the paper:
- Masking chooses exactly round(15% x real tokens) positions per sequence (at least one), as the
  reference `create_pretraining_data.py` does; the paper only says "15% of all WordPiece tokens".
- The MLM head is computed only at the chosen positions during training and evaluation (the
  reference code gathers them too: `gather_indexes`); `forward` without positions scores all.
- `pre_ln` (off by default) moves LayerNorm to the input of each sub-layer and adds one after the
  stack (Xiong et al. 2020, https://arxiv.org/abs/2002.04745); the paper is post-LN.
- Our small embedded model is lowercased with an 8,192-piece vocabulary and 128 positions
  (paper: 30,000 pieces, 512 positions); see weights/bert_eltec/README.md.

Names, d2l -> ours: `num_hiddens` -> `H`; `num_blks` -> `L`; `num_heads` -> `A`; `ffn_num_hiddens`
-> `d_ff`; `MaskLM` -> `MaskedLM`; `NextSentencePred` -> `NextSentencePrediction`;
`segments` -> `token_type_ids` (HF's name, kept so converted checkpoints read the same).
"""

import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import torch
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin
from torch import Tensor, nn

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


@dataclass
class BertConfig:
    """One size of §3 ("BERT_BASE (L=12, H=768, A=12)"); `PRESETS` holds BASE, LARGE and ours."""

    L: int = 12  # Transformer blocks
    H: int = 768  # hidden size; every sub-layer output and embedding
    A: int = 12  # self-attention heads, each H / A wide
    d_ff: int = 3072  # feed-forward inner size: "4H" (§3, footnote on the filter size)
    vocab_size: int = (
        30522  # WordPiece vocabulary (the paper says 30,000; bert-base-uncased 30,522)
    )
    max_position: int = 512  # learned position embeddings; longer inputs are refused
    type_vocab_size: int = 2  # segments A and B (§3, Fig. 2)
    dropout: float = 0.1  # on embeddings, sub-layer outputs (Appendix A.2)
    attention_dropout: float = 0.1  # on attention probabilities (reference implementation)
    layer_norm_eps: float = 1e-12  # the reference implementation's value
    # special-token ids of the vocabulary the weights were trained with (ours or bert-base-uncased)
    pad_id: int = 0
    unk_id: int = 1
    cls_id: int = 2
    sep_id: int = 3
    mask_id: int = 4
    lowercase: bool = True  # the tokenizer's normalization ("uncased")
    pre_ln: bool = False  # False = the paper's post-LN; True = LayerNorm before each sub-layer

    def __post_init__(self) -> None:
        assert self.H % self.A == 0, f"H={self.H} is not divisible by A={self.A}"

    @property
    def d_k(self) -> int:
        return self.H // self.A


# §3: "BERT_BASE (L=12, H=768, A=12, Total Parameters=110M) and BERT_LARGE (L=24, H=1024, A=16,
# Total Parameters=340M)"; "small" is the embedded model we pre-train on two CPU cores.
PRESETS = {
    "base": BertConfig(L=12, H=768, A=12, d_ff=3072),
    "large": BertConfig(L=24, H=1024, A=16, d_ff=4096),
    "small": BertConfig(L=4, H=256, A=4, d_ff=1024, vocab_size=8192, max_position=128),
}
PAPER_PARAMS = {"base": 110e6, "large": 340e6}  # §3, "Total Parameters"


# --------------------------------------------------------------------------------------------
# Input representation (§3, Fig. 2)


class Embeddings(nn.Module):
    """Token + segment + position embeddings, summed, then LayerNorm and dropout (Fig. 2)."""

    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.token = nn.Embedding(cfg.vocab_size, cfg.H, padding_idx=cfg.pad_id)
        self.segment = nn.Embedding(cfg.type_vocab_size, cfg.H)
        self.position = nn.Embedding(cfg.max_position, cfg.H)  # learned, not sinusoidal
        self.norm = nn.LayerNorm(cfg.H, eps=cfg.layer_norm_eps)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, input_ids: Tensor, token_type_ids: Tensor) -> Tensor:
        T = input_ids.size(1)
        positions = torch.arange(T, device=input_ids.device)[None]  # (1, T)
        # (B, T, H): E_token + E_segment + E_position
        x = self.token(input_ids) + self.segment(token_type_ids) + self.position(positions)
        return self.dropout(self.norm(x))


# --------------------------------------------------------------------------------------------
# The encoder: the Transformer's encoder block (Vaswani et al. §3.1) with GELU


class MultiHeadAttention(nn.Module):
    """Bidirectional multi-head self-attention: every token attends to every (unpadded) token."""

    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.A, self.d_k, self.dropout = cfg.A, cfg.d_k, cfg.attention_dropout
        self.w_q = nn.Linear(cfg.H, cfg.H)
        self.w_k = nn.Linear(cfg.H, cfg.H)
        self.w_v = nn.Linear(cfg.H, cfg.H)
        self.w_o = nn.Linear(cfg.H, cfg.H)

    def split_heads(self, x: Tensor) -> Tensor:
        B, T, _ = x.shape
        return x.view(B, T, self.A, self.d_k).transpose(1, 2)  # (B, A, T, d_k)

    def forward(self, x: Tensor, mask: Tensor | None, return_attention: bool = False):
        """x (B, T, H), mask (B, 1, 1, T) bool (True = a real token) or None (no padding)
        -> (B, T, H), (B, A, T, T)."""
        B, T, H = x.shape
        q, k, v = (self.split_heads(w(x)) for w in (self.w_q, self.w_k, self.w_v))
        p = self.dropout if self.training else 0.0
        if return_attention:
            scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_k)  # (B, A, T, T)
            if mask is not None:  # padded keys get weight exactly 0
                scores = scores.masked_fill(~mask, float("-inf"))
            p_attn = scores.softmax(-1)  # rows sum to 1
            out = (F.dropout(p_attn, p) if p > 0 else p_attn) @ v  # (B, A, T, d_k)
        else:  # the same computation, fused
            out, p_attn = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p), None
        out = out.transpose(1, 2).reshape(B, T, H)  # concatenate the heads
        return self.w_o(out), p_attn


class EncoderLayer(nn.Module):
    """x = LayerNorm(x + Dropout(Attention(x))); x = LayerNorm(x + Dropout(FFN(x))) (post-LN)."""

    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.attention = MultiHeadAttention(cfg)
        self.norm1 = nn.LayerNorm(cfg.H, eps=cfg.layer_norm_eps)
        self.ff1 = nn.Linear(cfg.H, cfg.d_ff)
        self.ff2 = nn.Linear(cfg.d_ff, cfg.H)
        self.norm2 = nn.LayerNorm(cfg.H, eps=cfg.layer_norm_eps)
        self.dropout = nn.Dropout(cfg.dropout)
        self.pre_ln = cfg.pre_ln

    def forward(self, x: Tensor, mask: Tensor | None, return_attention: bool = False):
        if self.pre_ln:  # x = x + Dropout(Sublayer(LayerNorm(x))), Xiong et al. 2020
            a, p_attn = self.attention(self.norm1(x), mask, return_attention)
            x = x + self.dropout(a)
            return x + self.dropout(self.ff2(F.gelu(self.ff1(self.norm2(x))))), p_attn
        a, p_attn = self.attention(x, mask, return_attention)
        x = self.norm1(x + self.dropout(a))  # (B, T, H)
        # GELU instead of the Transformer's ReLU (§3.1: "we use a gelu activation", Appendix)
        x = self.norm2(x + self.dropout(self.ff2(F.gelu(self.ff1(x)))))  # (B, T, H)
        return x, p_attn


# --------------------------------------------------------------------------------------------
# Pre-training heads (§3.1)


class MaskedLM(nn.Module):
    """Task #1: the final hidden vectors of the masked tokens -> a softmax over the vocabulary.

    As in the reference code: a dense + GELU + LayerNorm transform, then the output projection
    tied to the input token embeddings (their weight is passed in) plus an output-only bias."""

    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.dense = nn.Linear(cfg.H, cfg.H)
        self.norm = nn.LayerNorm(cfg.H, eps=cfg.layer_norm_eps)
        self.bias = nn.Parameter(torch.zeros(cfg.vocab_size))

    def forward(self, h: Tensor, embedding: Tensor) -> Tensor:
        """h (..., H), embedding (V, H) -> logits (..., V)."""
        return F.linear(self.norm(F.gelu(self.dense(h))), embedding, self.bias)


class NextSentencePrediction(nn.Module):
    """Task #2: C, the pooled [CLS] vector, -> IsNext / NotNext (index 0 = IsNext, as in HF)."""

    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.classifier = nn.Linear(cfg.H, 2)

    def forward(self, pooled: Tensor) -> Tensor:
        return self.classifier(pooled)  # (B, 2)


class BertOutput(NamedTuple):
    mlm_logits: Tensor  # (B, T, V), or (n, V) at the requested positions
    nsp_logits: Tensor  # (B, 2): [IsNext, NotNext]
    hidden: Tensor  # (B, T, H) final hidden vectors T_i; hidden[:, 0] is C before the pooler
    attentions: tuple[Tensor, ...] | None  # L maps (B, A, T, T), rows = queries, cols = keys


class Bert(
    nn.Module,
    PyTorchModelHubMixin,
    library_name="paper-gallery",
    paper_url="https://arxiv.org/abs/1810.04805",
    pipeline_tag="fill-mask",
    license="apache-2.0",
    tags=["bert", "arxiv:1810.04805", "fill-mask"],
):
    """BERT for pre-training: embeddings, L encoder layers, pooler, MLM and NSP heads."""

    def __init__(self, config: BertConfig):
        """
        Args:
            config: the architecture and its special-token ids; saved to config.json by
                `save_pretrained` and rebuilt from it by `from_pretrained`.
        """
        super().__init__()
        self.config = cfg = config
        self.embeddings = Embeddings(cfg)
        self.layers = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.L))
        # pre-LN leaves the residual stream unnormalized: one LayerNorm after the stack
        self.final_norm = (
            nn.LayerNorm(cfg.H, eps=cfg.layer_norm_eps) if cfg.pre_ln else nn.Identity()
        )
        self.pooler = nn.Linear(cfg.H, cfg.H)  # tanh(W C + b) over the [CLS] vector
        self.mlm = MaskedLM(cfg)
        self.nsp = NextSentencePrediction(cfg)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Truncated-normal-like N(0, 0.02) weights, zero biases (the reference initializer)."""
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)
        with torch.no_grad():
            self.embeddings.token.weight[self.config.pad_id].zero_()

    def encode(self, input_ids, token_type_ids=None, attention_mask=None, return_attention=False):
        """(B, T) ids -> final hidden vectors (B, T, H) and the L attention maps (or Nones)."""
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        if attention_mask is None:
            attention_mask = input_ids != self.config.pad_id
        mask = attention_mask.bool()[:, None, None, :]  # (B, 1, 1, T): keys that may be attended
        if bool(mask.all()):  # no padding: the fused kernel runs faster without a mask
            mask = None
        x = self.embeddings(input_ids, token_type_ids)  # (B, T, H)
        maps = []
        for layer in self.layers:
            x, p = layer(x, mask, return_attention)
            maps.append(p)
        return self.final_norm(x), tuple(maps)

    def forward(
        self,
        input_ids: Tensor,
        token_type_ids: Tensor | None = None,
        attention_mask: Tensor | None = None,
        return_attention: bool = False,
        mlm_positions: Tensor | None = None,
    ) -> BertOutput:
        """
        Args:
            input_ids: (B, T) "[CLS] A [SEP] B [SEP]" ids, right-padded with pad_id.
            token_type_ids: (B, T) 0 for [CLS], A and its [SEP]; 1 for B and its [SEP].
            attention_mask: (B, T) 1 = real token; default: ids != pad_id.
            mlm_positions: (B, T) bool; if given, MLM logits only there, flattened to (n, V).
        """
        hidden, maps = self.encode(input_ids, token_type_ids, attention_mask, return_attention)
        pooled = torch.tanh(self.pooler(hidden[:, 0]))  # (B, H): 0 is the index of [CLS]
        h = hidden if mlm_positions is None else hidden[mlm_positions]  # (B, T, H) or (n, H)
        return BertOutput(
            mlm_logits=self.mlm(h, self.embeddings.token.weight),
            nsp_logits=self.nsp(pooled),
            hidden=hidden,
            attentions=maps if return_attention else None,
        )


# --------------------------------------------------------------------------------------------
# The paper's numbers, from the module


def count_params(cfg: BertConfig, heads: bool = False) -> int:
    """Parameters of BertModel (embeddings + encoder + pooler); `heads` adds the MLM/NSP heads
    (the MLM projection is tied, so only its transform and bias count)."""
    with torch.device("meta"):
        model = Bert(cfg)
    skip = () if heads else ("mlm.", "nsp.")
    return sum(p.numel() for n, p in model.named_parameters() if not n.startswith(skip))


# --------------------------------------------------------------------------------------------
# The masked-LM corruption (§3.1 Task #1, Appendix A.1)


class Masked(NamedTuple):
    input_ids: Tensor  # (B, T) corrupted ids
    labels: Tensor  # (B, T) the original id at chosen positions, -100 elsewhere
    chosen: Tensor  # (B, T) bool: the 15% chosen for prediction
    kind: Tensor  # (B, T) int8: 0 not chosen, 1 -> [MASK], 2 -> random token, 3 -> unchanged


def mask_tokens(
    input_ids: Tensor,
    cfg: BertConfig,
    generator: torch.Generator | None = None,
    rate: float = 0.15,
    p_mask: float = 0.8,
    p_random: float = 0.1,
    n_special: int = len(SPECIAL_TOKENS),
) -> Masked:
    """Choose round(rate x real tokens) positions per sequence (never [CLS]/[SEP]/[PAD]/[UNK]);
    replace 80% of them with [MASK], 10% with a random token, leave 10% unchanged (§3.1).

    Random replacements are drawn from the non-special ids (ours: ids >= `n_special`; for a
    converted vocabulary the range is all ids not in the special set)."""
    B, T = input_ids.shape
    special = torch.zeros_like(input_ids, dtype=torch.bool)
    for i in (cfg.pad_id, cfg.unk_id, cfg.cls_id, cfg.sep_id, cfg.mask_id):
        special |= input_ids == i
    score = torch.rand(B, T, generator=generator).masked_fill(special, 2.0)  # specials never win
    n = ((~special).sum(1).float() * rate).round().clamp(min=1).long()  # (B,)
    rank = score.argsort(1).argsort(1)  # rank of each position's score within its row
    chosen = (rank < n[:, None]) & ~special
    u = torch.rand(B, T, generator=generator)
    to_mask = chosen & (u < p_mask)
    to_random = chosen & (u >= p_mask) & (u < p_mask + p_random)
    lo = n_special if cfg.vocab_size > n_special else 0
    random_ids = torch.randint(lo, cfg.vocab_size, (B, T), generator=generator)
    corrupted = torch.where(to_mask, cfg.mask_id, torch.where(to_random, random_ids, input_ids))
    kind = torch.zeros(B, T, dtype=torch.int8)
    kind[chosen] = 3
    kind[to_random] = 2
    kind[to_mask] = 1
    return Masked(corrupted, input_ids.masked_fill(~chosen, -100), chosen, kind)


# --------------------------------------------------------------------------------------------
# Preprocessing that travels with the weights: WordPiece (§3 "WordPiece embeddings")


def train_tokenizer(texts, vocab_size: int = 8192, lowercase: bool = True):
    """A BERT WordPiece tokenizer with HF `tokenizers` (the same pipeline as bert-base-uncased's
    tokenizer.json: BertNormalizer, BertPreTokenizer, WordPiece with '##' continuations)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from tokenizers.trainers import WordPieceTrainer

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=lowercase, strip_accents=lowercase)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    trainer = WordPieceTrainer(
        vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS), show_progress=False
    )
    tok.train_from_iterator(texts, trainer)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    assert [tok.token_to_id(t) for t in SPECIAL_TOKENS] == list(range(len(SPECIAL_TOKENS)))
    return tok


def tokenizer_from_vocab(vocab_file: str | Path, lowercase: bool = True):
    """A WordPiece tokenizer from a bare `vocab.txt` (one piece a line, the id is the line number),
    as transformers' `BertTokenizerFast` builds it: BertNormalizer (which puts spaces around every
    CJK character, so Chinese is read one character a piece: bert-base-chinese's "character-level"
    WordPiece), BertPreTokenizer, WordPiece with '##' continuations, [CLS] A [SEP] B [SEP].
    `lowercase` is the checkpoint's `do_lower_case` (bert-base-chinese: False); accents are
    stripped only when lowercasing, as BERT's tokenizer does by default."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab: dict[str, int] = {}
    with open(vocab_file, encoding="utf-8") as f:
        for i, line in enumerate(f):
            vocab[line.rstrip("\n")] = i  # a repeated piece keeps its last id, as transformers does
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=lowercase
    )
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    # "[MASK]" typed in the text is the mask token, not "[", "mask", "]" (added tokens match first)
    tok.add_special_tokens([t for t in SPECIAL_TOKENS if t in vocab])
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    return tok


def load_tokenizer(folder: str | Path, lowercase: bool | None = None):
    """The tokenizer saved beside a checkpoint: `tokenizer.json` (ours, bert-base-uncased), else a
    bare `vocab.txt` (bert-base-chinese) read with `lowercase` (None: True, BERT's default; a
    converted checkpoint records its own in `model.config.lowercase`, so pass that)."""
    from tokenizers import Tokenizer

    folder = Path(folder)
    if not (folder / "tokenizer.json").is_file() and (folder / "vocab.txt").is_file():
        return tokenizer_from_vocab(folder / "vocab.txt", True if lowercase is None else lowercase)
    return Tokenizer.from_file(str(folder / "tokenizer.json"))


def load(folder: str | Path) -> tuple[Bert, object]:
    """A checkpoint folder -> (model in eval mode, its tokenizer); strict loading."""
    folder = Path(folder).resolve()  # a missing relative path would be taken for a Hub repo id
    model = Bert.from_pretrained(str(folder), strict=True)
    return model.float().eval(), load_tokenizer(folder)


class Prediction(NamedTuple):
    position: int  # index of the [MASK] in the input
    tokens: list[str]  # top-k candidates, most probable first
    probs: list[float]


class FillMask(NamedTuple):
    tokens: list[str]  # the input's pieces, [CLS] ... [SEP]
    ids: list[int]
    token_type_ids: list[int]
    predictions: list[Prediction]  # one per [MASK], left to right
    attentions: tuple[Tensor, ...] | None  # L maps (A, T, T), batch dim dropped
    nsp_is_next: float | None  # P(IsNext) when a second sentence was given


@torch.no_grad()
def fill_mask(
    model: Bert,
    tokenizer,
    text: str,
    text_b: str | None = None,
    top_k: int = 5,
    return_attention: bool = False,
) -> FillMask:
    """Top-k pieces for every [MASK] in `text` (optionally followed by sentence B)."""
    enc = tokenizer.encode(text, text_b) if text_b else tokenizer.encode(text)
    ids = torch.tensor([enc.ids])
    types = torch.tensor([enc.type_ids])
    out = model(ids, types, return_attention=return_attention)
    probs = out.mlm_logits[0].softmax(-1)  # (T, V)
    preds = []
    for pos in (ids[0] == model.config.mask_id).nonzero().flatten().tolist():
        p, i = probs[pos].topk(top_k)
        preds.append(Prediction(pos, [tokenizer.id_to_token(int(j)) for j in i], p.tolist()))
    return FillMask(
        tokens=enc.tokens,
        ids=enc.ids,
        token_type_ids=enc.type_ids,
        predictions=preds,
        attentions=tuple(a[0] for a in out.attentions) if return_attention else None,
        nsp_is_next=float(out.nsp_logits[0].softmax(-1)[0]) if text_b else None,
    )


__all__ = [
    "PAPER_PARAMS",
    "PRESETS",
    "SPECIAL_TOKENS",
    "Bert",
    "BertConfig",
    "BertOutput",
    "Embeddings",
    "EncoderLayer",
    "FillMask",
    "Masked",
    "MaskedLM",
    "MultiHeadAttention",
    "NextSentencePrediction",
    "Prediction",
    "count_params",
    "fill_mask",
    "load",
    "load_tokenizer",
    "mask_tokens",
    "tokenizer_from_vocab",
    "train_tokenizer",
]
