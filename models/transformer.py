"""Attention Is All You Need (Vaswani et al. 2017), the encoder-decoder Transformer, in this file.

Paper: https://arxiv.org/abs/1706.03762 (NeurIPS 2017). Implemented: scaled dot-product
attention (§3.2.1, Eq. 1), multi-head attention (§3.2.2), the position-wise feed-forward network
(§3.3, Eq. 2),
residual + LayerNorm around every sub-layer (§3.1, §5.4 dropout), shared embeddings scaled by
sqrt(d_model) (§3.4), sinusoidal positional encoding (§3.5), the warm-up learning-rate schedule
(§5.3, Eq. 3), label smoothing (§5.4), greedy and beam search with a length penalty (§6.1), and the
model sizes of Table 3 (`PRESETS`). Preprocessing travels with the weights: a joint BPE tokenizer
(HF `tokenizers`, §5.1 "byte-pair encoding ... shared source-target vocabulary") saved as
`tokenizer.json` beside `model.safetensors`; `translate()` ties the two together.

Deviations from the paper:
- `pre_ln` (off by default) moves LayerNorm to the input of each sub-layer and adds a final
  LayerNorm to encoder and decoder (Xiong et al. 2020, https://arxiv.org/abs/2002.04745); the
  paper is post-LN: LayerNorm(x + Sublayer(x)).
- One vocabulary and one embedding matrix for source, target and the pre-softmax projection
  (§3.4 says so for the shared-vocabulary En-De model); the projection has no bias.
- `lr_rate(step, d_model, warmup, factor)`: Eq. 3 times `factor` (1.0 = the paper). Small models on
  small data train with fewer steps, so the recipe uses a shorter warm-up and a factor < 1.
- Beam search: the length penalty is GNMT's lp(Y) = ((5 + |Y|) / 6)^alpha (Wu et al. 2016, which
  §6.1 cites for alpha = 0.6); no coverage penalty; maximum output length `src_len + 50` as in §6.1.
- Decoding uses a key/value cache (the paper does not say how it decodes); the attention maps of
  the final hypothesis come from one teacher-forced pass over it, which gives the same numbers.
- Initialisation (not in the paper): Xavier-uniform linears, embeddings N(0, d_model^-0.5) so that
  the sqrt(d_model)-scaled embeddings have unit variance, as in fairseq.

Names, d2l -> ours: `num_hiddens` -> `d_model`; `ffn_num_hiddens` -> `d_ff`; `num_heads` -> `h`;
`num_blks` -> `N`; `AddNorm` -> `SublayerConnection`;
`PositionWiseFFN` -> `PositionwiseFeedForward`;
`TransformerEncoderBlock` -> `EncoderLayer`; `dec_valid_lens` -> the causal mask.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import torch
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin
from torch import Tensor, nn

# Special tokens of our tokenizers: ids fixed so the config does not depend on training order.
PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIAL_TOKENS = ("<pad>", "<s>", "</s>", "<unk>")
ACTIVATIONS = {"relu": F.relu, "swish": F.silu, "gelu": F.gelu}


@dataclass
class TransformerConfig:
    """One model of Table 3; `PRESETS` holds the paper's base and big models and ours."""

    N: int = 6  # layers in the encoder and in the decoder (§3.1)
    d_model: int = 512  # width of every sub-layer output and of the embeddings (§3.1)
    d_ff: int = 2048  # inner width of the feed-forward network (§3.3)
    h: int = 8  # attention heads; d_k = d_v = d_model / h (§3.2.2)
    dropout: float = 0.1  # P_drop on sub-layer outputs and embedding sums (§5.4)
    vocab_size: int = 37000  # shared source-target BPE vocabulary (§5.1, WMT En-De)
    max_len: int = 512  # longest sequence the positional-encoding table covers
    pre_ln: bool = False  # False = the paper's post-LN; True = LayerNorm before each sub-layer
    # Options that only converted checkpoints use (training/convert_transformer.py, Marian):
    activation: str = "relu"  # FFN nonlinearity: §3.3 ReLU; "swish" (SiLU) in OPUS-MT's Marian
    positional: str = "interleaved"  # §3.5 sin/cos interleaved; "halves": sin | cos (Marian)
    scale_embedding: bool = True  # §3.4 multiplies embeddings by sqrt(d_model)
    logits_bias: bool = False  # a bias on the pre-softmax projection (Marian's final_logits_bias)
    pad_id: int = PAD
    bos_id: int = BOS
    eos_id: int = EOS
    src_lang: str = "en"
    tgt_lang: str = "de"

    def __post_init__(self) -> None:
        assert self.d_model % self.h == 0, f"d_model={self.d_model} is not divisible by h={self.h}"
        assert self.activation in ACTIVATIONS, f"unknown activation {self.activation!r}"
        assert self.positional in ("interleaved", "halves"), (
            f"unknown positional {self.positional!r}"
        )

    @property
    def d_k(self) -> int:
        return self.d_model // self.h


# Table 3: base and big (WMT En-De). "small" is ours for Multi30k on a CPU: half the width and
# layers of base, with the paper's d_k = 64 per head kept (h = 4).
PRESETS: dict[str, TransformerConfig] = {
    "base": TransformerConfig(N=6, d_model=512, d_ff=2048, h=8, dropout=0.1),  # 65 M (Table 3)
    "big": TransformerConfig(N=6, d_model=1024, d_ff=4096, h=16, dropout=0.3),  # 213 M (Table 3)
    "small": TransformerConfig(N=3, d_model=256, d_ff=1024, h=4, dropout=0.1, vocab_size=8000),
}


# --------------------------------------------------------------------------------------------
# Attention (§3.2)


def attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Tensor | None = None,
    dropout_p: float = 0.0,
    return_attention: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Scaled dot-product attention, §3.2.1 Eq. (1): softmax(Q K^T / sqrt(d_k)) V.

    Args:
        q: (B, h, T_q, d_k); k: (B, h, T_k, d_k); v: (B, h, T_k, d_v).
        mask: bool, broadcastable to (B, h, T_q, T_k); True = may attend (padding, causality).
        dropout_p: dropout on the attention probabilities (training only; 0 at eval).
        return_attention: True = the explicit softmax path, returning the probabilities;
            False = F.scaled_dot_product_attention (fused), returning None for them.
    Returns:
        (out (B, h, T_q, d_v), p_attn (B, h, T_q, T_k) or None)
    """
    if not return_attention:
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout_p), None
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))  # (B, h, T_q, T_k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))  # masked keys get weight exactly 0
    p_attn = scores.softmax(dim=-1)  # each row sums to 1
    p_used = F.dropout(p_attn, dropout_p) if dropout_p > 0 else p_attn
    return p_used @ v, p_attn  # (B, h, T_q, d_v), (B, h, T_q, T_k)


def causal_mask(T: int, device=None) -> Tensor:
    """(1, 1, T, T) bool, True on and below the diagonal: position i sees j <= i (§3.2.3)."""
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()[None, None]


def padding_mask(ids: Tensor, pad_id: int = PAD) -> Tensor:
    """(B, T) token ids -> (B, 1, 1, T) bool, True where a real token may be attended to."""
    return (ids != pad_id)[:, None, None, :]


class MultiHeadAttention(nn.Module):
    """Multi-head attention, §3.2.2: Concat(head_1..head_h) W^O,
    head_i = Attention(Q W^Q_i, K W^K_i, V W^V_i)."""

    def __init__(self, d_model: int, h: int, dropout: float = 0.0):
        """
        Args:
            d_model: model width; h: heads, each of width d_k = d_v = d_model / h.
            dropout: on the attention probabilities (as in tensor2tensor; the paper's §5.4 only
                names sub-layer outputs and embeddings).
        """
        super().__init__()
        self.h, self.d_k, self.dropout = h, d_model // h, dropout
        self.w_q = nn.Linear(d_model, d_model)  # the h matrices W^Q_i side by side
        self.w_k = nn.Linear(d_model, d_model)
        self.w_v = nn.Linear(d_model, d_model)
        self.w_o = nn.Linear(d_model, d_model)  # W^O

    def split_heads(self, x: Tensor) -> Tensor:
        B, T, _ = x.shape
        return x.view(B, T, self.h, self.d_k).transpose(1, 2)  # (B, h, T, d_k)

    def forward(
        self,
        x_q: Tensor,
        x_kv: Tensor | None,
        mask: Tensor | None = None,
        return_attention: bool = False,
        past_kv: tuple[Tensor, Tensor] | None = None,
    ):
        """
        Args:
            x_q: (B, T_q, d_model) queries; x_kv: (B, T_k, d_model) keys/values (the same tensor
                for self-attention, the encoder output for cross-attention), or None to use
                `past_kv` alone (the cached encoder keys during decoding).
            past_kv: cached (k, v), each (B, h, T_past, d_k); new keys are appended after them.
        Returns:
            (out (B, T_q, d_model), p_attn (B, h, T_q, T_k) or None, (k, v) for the cache)
        """
        B, T_q, d_model = x_q.shape
        # 1) project and split into heads: d_model -> h x d_k
        q = self.split_heads(self.w_q(x_q))  # (B, h, T_q, d_k)
        if x_kv is not None:
            k, v = (
                self.split_heads(self.w_k(x_kv)),
                self.split_heads(self.w_v(x_kv)),
            )  # (B, h, T, d_k)
            if past_kv is not None:  # decoding: the keys of earlier positions were computed already
                k, v = torch.cat([past_kv[0], k], dim=2), torch.cat([past_kv[1], v], dim=2)
        else:
            k, v = past_kv  # (B, h, T_k, d_k)
        # 2) attention on all heads in parallel
        dropout_p = self.dropout if self.training else 0.0
        out, p_attn = attention(q, k, v, mask, dropout_p, return_attention)  # (B, h, T_q, d_k)
        # 3) concatenate the heads and project with W^O
        out = out.transpose(1, 2).reshape(B, T_q, d_model)  # (B, T_q, h * d_k)
        return self.w_o(out), p_attn, (k, v)


class PositionwiseFeedForward(nn.Module):
    """FFN(x) = max(0, x W_1 + b_1) W_2 + b_2, applied to each position alone, §3.3 Eq. (2)."""

    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.0, activation: str = "relu"):
        super().__init__()
        self.activation = ACTIVATIONS[activation]  # the paper's max(0, .) unless converted
        self.w_1 = nn.Linear(d_model, d_ff)
        self.w_2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(
            dropout
        )  # on the hidden ReLU units (tensor2tensor's relu_dropout)

    def forward(self, x: Tensor) -> Tensor:
        return self.w_2(
            self.dropout(self.activation(self.w_1(x)))
        )  # (B, T, d_ff) -> (B, T, d_model)


class SublayerConnection(nn.Module):
    """Residual connection + LayerNorm, §3.1: LayerNorm(x + Dropout(Sublayer(x))) (§5.4 dropout)."""

    def __init__(self, d_model: int, dropout: float, pre_ln: bool = False):
        super().__init__()
        self.norm = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)
        self.pre_ln = pre_ln

    def forward(self, x: Tensor, sublayer: Callable[[Tensor], tuple]) -> tuple[Tensor, tuple]:
        """`sublayer(z)` returns (out, *extras); the extras (attention maps, cache) pass through."""
        if self.pre_ln:  # x + Sublayer(LayerNorm(x))
            out, *extras = sublayer(self.norm(x))
            return x + self.dropout(out), extras
        out, *extras = sublayer(x)  # the paper: LayerNorm(x + Sublayer(x))
        return self.norm(x + self.dropout(out)), extras


class EncoderLayer(nn.Module):
    """One of the N encoder layers, §3.1 / Fig. 1 left: self-attention, then the FFN."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.h, cfg.dropout)
        self.feed_forward = PositionwiseFeedForward(
            cfg.d_model, cfg.d_ff, cfg.dropout, cfg.activation
        )
        self.sublayer1 = SublayerConnection(cfg.d_model, cfg.dropout, cfg.pre_ln)
        self.sublayer2 = SublayerConnection(cfg.d_model, cfg.dropout, cfg.pre_ln)

    def forward(self, x: Tensor, src_mask: Tensor, return_attention: bool = False):
        # every position attends to every (non-pad) source position
        x, (p_self, _) = self.sublayer1(
            x, lambda z: self.self_attn(z, z, src_mask, return_attention)
        )
        x, _ = self.sublayer2(x, lambda z: (self.feed_forward(z),))
        return x, p_self  # (B, S, d_model), (B, h, S, S) or None


class DecoderLayer(nn.Module):
    """One of the N decoder layers, §3.1 / Fig. 1 right: masked self-attention, cross-attention
    over the encoder output ("encoder-decoder attention", §3.2.3), then the FFN."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.h, cfg.dropout)
        self.cross_attn = MultiHeadAttention(cfg.d_model, cfg.h, cfg.dropout)
        self.feed_forward = PositionwiseFeedForward(
            cfg.d_model, cfg.d_ff, cfg.dropout, cfg.activation
        )
        self.sublayer1 = SublayerConnection(cfg.d_model, cfg.dropout, cfg.pre_ln)
        self.sublayer2 = SublayerConnection(cfg.d_model, cfg.dropout, cfg.pre_ln)
        self.sublayer3 = SublayerConnection(cfg.d_model, cfg.dropout, cfg.pre_ln)

    def forward(
        self,
        y: Tensor,
        memory: Tensor | None,
        src_mask: Tensor,
        tgt_mask: Tensor | None,
        return_attention: bool = False,
        cache: tuple | None = None,
    ):
        """
        Args:
            y: (B, T, d_model) target-side input; during cached decoding only the new position(s).
            memory: (B, S, d_model) encoder output, or None when `cache` holds its keys/values.
            tgt_mask: (1 or B, 1, T, T) causal mask; None when decoding one new position.
            cache: (self_k, self_v, memory_k, memory_v) of earlier steps, or None.
        Returns:
            (y, p_self, p_cross, new cache)
        """
        past_self = cache[:2] if cache is not None else None
        past_mem = cache[2:] if cache is not None else None
        y, (p_self, (k, v)) = self.sublayer1(
            y, lambda z: self.self_attn(z, z, tgt_mask, return_attention, past_self)
        )
        y, (p_cross, (mk, mv)) = self.sublayer2(
            y, lambda z: self.cross_attn(z, memory, src_mask, return_attention, past_mem)
        )
        y, _ = self.sublayer3(y, lambda z: (self.feed_forward(z),))
        return y, p_self, p_cross, (k, v, mk, mv)


class PositionalEncoding(nn.Module):
    """Sinusoidal positional encoding, §3.5: PE(pos, 2i) = sin(pos / 10000^(2i/d_model)),
    PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model)); added to the embeddings, then dropout."""

    def __init__(self, d_model: int, max_len: int, dropout: float, layout: str = "interleaved"):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        # not a parameter and not saved: it is a fixed function of (pos, i)
        self.register_buffer("pe", sinusoid_table(max_len, d_model, layout), persistent=False)

    def forward(self, x: Tensor, offset: int = 0) -> Tensor:
        T = x.size(1)
        return self.dropout(x + self.pe[offset : offset + T].to(x.dtype))  # (B, T, d_model)


def sinusoid_table(
    max_len: int, d_model: int, layout: str = "interleaved", dtype: torch.dtype = torch.float32
) -> Tensor:
    """(max_len, d_model) table of §3.5: even columns sin, odd columns cos (wavelengths 2pi to
    10000 * 2pi), computed in float64 and returned in `dtype`.
    layout="halves": the same values, sin in the first half and cos in the second (Marian)."""
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]  # (max_len, 1)
    inv_freq = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)  # (d/2,)
    sin, cos = torch.sin(pos * inv_freq), torch.cos(pos * inv_freq)  # (max_len, d/2) each
    if layout == "halves":
        return torch.cat([sin, cos], dim=1).to(dtype)
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = sin, cos
    return pe.to(dtype)


class Attentions(NamedTuple):
    """Every attention map of one forward pass; each a per-layer tuple of (B, h, T_q, T_k)."""

    encoder: tuple[Tensor, ...]  # encoder self-attention, (B, h, S, S)
    decoder: tuple[Tensor, ...]  # decoder masked self-attention, (B, h, T, T)
    cross: tuple[Tensor, ...]  # encoder-decoder attention, (B, h, T, S)


class TransformerOutput(NamedTuple):
    logits: Tensor  # (B, T, vocab_size), next-token scores before the softmax
    attentions: Attentions | None  # None unless return_attention=True


class Transformer(
    nn.Module,
    PyTorchModelHubMixin,
    library_name="paper-gallery",
    paper_url="https://arxiv.org/abs/1706.03762",
    pipeline_tag="translation",
    license="apache-2.0",
    tags=["transformer", "arxiv:1706.03762", "translation"],
):
    """The encoder-decoder Transformer, §3 / Fig. 1: embed + PE, N encoder layers, N decoder
    layers, and a linear projection tied to the embeddings (§3.4) before the softmax."""

    def __init__(self, config: TransformerConfig):
        """
        Args:
            config: the architecture and its special-token ids; saved to config.json by
                `save_pretrained` and rebuilt from it by `from_pretrained` (the dataclass
                annotation is what tells the mixin to do so).
        """
        super().__init__()
        self.config = cfg = config
        # §3.4: one matrix for both embeddings and the pre-softmax projection (logits = y E^T)
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.d_model, padding_idx=cfg.pad_id)
        self.positional = PositionalEncoding(cfg.d_model, cfg.max_len, cfg.dropout, cfg.positional)
        self.encoder = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.N))
        self.decoder = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.N))
        # pre-LN leaves the residual stream unnormalized: one LayerNorm after each stack
        self.encoder_norm = nn.LayerNorm(cfg.d_model) if cfg.pre_ln else nn.Identity()
        self.decoder_norm = nn.LayerNorm(cfg.d_model) if cfg.pre_ln else nn.Identity()
        self.logits_bias = nn.Parameter(torch.zeros(cfg.vocab_size)) if cfg.logits_bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-uniform linears, zero biases, N(0, d_model^-0.5) embeddings (not in the paper)."""
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.normal_(self.embedding.weight, std=self.config.d_model**-0.5)
        with torch.no_grad():
            self.embedding.weight[self.config.pad_id].zero_()

    def embed(self, ids: Tensor, offset: int = 0) -> Tensor:
        """(B, T) ids -> (B, T, d_model): embeddings "multiplied by sqrt(d_model)" (§3.4) + PE."""
        scale = math.sqrt(self.config.d_model) if self.config.scale_embedding else 1.0
        return self.positional(self.embedding(ids) * scale, offset)

    def encode(self, src: Tensor, return_attention: bool = False) -> tuple[Tensor, tuple]:
        """(B, S) source ids -> memory (B, S, d_model) and the per-layer self-attention maps."""
        src_mask = padding_mask(src, self.config.pad_id)  # (B, 1, 1, S)
        x = self.embed(src)  # (B, S, d_model)
        maps = []
        for layer in self.encoder:
            x, p = layer(x, src_mask, return_attention)
            maps.append(p)
        return self.encoder_norm(x), tuple(maps)

    def decode(
        self,
        tgt: Tensor,
        memory: Tensor,
        src_mask: Tensor,
        return_attention: bool = False,
        project: bool = True,
    ):
        """Teacher-forced decoder: (B, T) target inputs (<s> y_1 .. y_{T-1}) -> logits (B, T, V)
        (None with project=False: maps only, without the costly (T, d_model) x (d_model, V) product)."""
        T = tgt.size(1)
        y = self.embed(tgt)  # (B, T, d_model)
        tgt_mask = causal_mask(T, tgt.device)  # (1, 1, T, T); right padding needs nothing more
        self_maps, cross_maps = [], []
        for layer in self.decoder:
            y, p_self, p_cross, _ = layer(y, memory, src_mask, tgt_mask, return_attention)
            self_maps.append(p_self)
            cross_maps.append(p_cross)
        logits = self.project(self.decoder_norm(y)) if project else None
        return logits, tuple(self_maps), tuple(cross_maps)

    def project(self, y: Tensor) -> Tensor:
        """The pre-softmax linear transformation, tied to the embedding matrix (§3.4)."""
        return F.linear(y, self.embedding.weight, self.logits_bias)  # (B, T, vocab_size)

    def forward(
        self, src: Tensor, tgt: Tensor, return_attention: bool = False
    ) -> TransformerOutput:
        """
        Args:
            src: (B, S) source ids ending in </s>, right-padded with pad_id.
            tgt: (B, T) target inputs starting with <s> (the outputs shifted right, §3.1).
            return_attention: also return every attention map (explicit softmax path).
        Returns:
            TransformerOutput(logits (B, T, vocab_size), Attentions or None)
        """
        memory, enc_maps = self.encode(src, return_attention)  # (B, S, d_model)
        src_mask = padding_mask(src, self.config.pad_id)  # (B, 1, 1, S)
        logits, dec_maps, cross_maps = self.decode(tgt, memory, src_mask, return_attention)
        attns = Attentions(enc_maps, dec_maps, cross_maps) if return_attention else None
        return TransformerOutput(logits, attns)

    def decode_step(
        self, y_t: Tensor, t: int, memory: Tensor | None, src_mask: Tensor, cache: list | None
    ) -> tuple[Tensor, list]:
        """One step of cached decoding: (B, 1) ids of position t -> log-probs (B, V) and the new
        cache (a list of per-layer (self_k, self_v, memory_k, memory_v); `memory` is only read at
        t = 0). Same numbers as `decode` on the whole prefix, without recomputing it."""
        y = self.embed(y_t, offset=t)  # (B, 1, d_model)
        new_cache = []
        for i, layer in enumerate(self.decoder):
            # one query attends to all cached positions <= t: no causal mask needed
            y, _, _, c = layer(
                y,
                memory if cache is None else None,
                src_mask,
                None,
                False,
                None if cache is None else cache[i],
            )
            new_cache.append(c)
        logits = self.project(self.decoder_norm(y))[:, -1]  # (B, V)
        return logits.float().log_softmax(-1), new_cache


# --------------------------------------------------------------------------------------------
# Training: Eq. (3) and label smoothing (§5.3, §5.4)


def lr_rate(step: int, d_model: int, warmup: int = 4000, factor: float = 1.0) -> float:
    """§5.3 Eq. (3): lrate = d_model^-0.5 * min(step^-0.5, step * warmup^-1.5), times `factor`.

    Rises linearly for `warmup` steps, then decays with the inverse square root of the step.
    `step` counts from 1.
    """
    step = max(step, 1)
    return factor * d_model**-0.5 * min(step**-0.5, step * warmup**-1.5)


def label_smoothed_loss(
    logits: Tensor, target: Tensor, epsilon: float = 0.1, ignore_index: int = PAD
) -> tuple[Tensor, Tensor]:
    """Label smoothing, §5.4 (eps_ls = 0.1): cross-entropy against (1 - eps) one-hot + eps uniform.

    Args:
        logits: (B, T, V); target: (B, T) ids, `ignore_index` where there is no token.
    Returns:
        (smoothed loss, plain NLL), both means over the real tokens. The paper notes smoothing
        "hurts perplexity ... but improves accuracy and BLEU"; report the NLL for perplexity.
    """
    logits, target = logits.reshape(-1, logits.size(-1)).float(), target.reshape(-1)
    loss = F.cross_entropy(logits, target, ignore_index=ignore_index, label_smoothing=epsilon)
    with torch.no_grad():
        nll = F.cross_entropy(logits, target, ignore_index=ignore_index)
    return loss, nll


def count_params(model: nn.Module) -> int:
    """Trainable parameters; the shared embedding matrix counts once."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# --------------------------------------------------------------------------------------------
# Decoding (§6.1): greedy and beam search, returning tokens (and what a step-by-step view needs)


class Candidate(NamedTuple):
    token: int
    logprob: float  # log P(token | prefix, source)


class Kept(NamedTuple):
    """One extension the search kept at a step: it goes on to the next step, or is finished."""

    token: int
    score: float  # cumulative log P(prefix + token | source)
    finished: bool  # ended with </s> (or at max_len): moved to the finished list


class DecodeStep(NamedTuple):
    """One decoding step of one source: the live hypotheses, each one's top-k next tokens and
    every extension of it the search kept (none: the hypothesis was dropped)."""

    beams: list[tuple[list[int], float]]  # (prefix ids without <s>, cumulative log-prob)
    candidates: list[list[Candidate]]  # per beam, the k most likely next tokens
    kept: list[list[Kept]]  # per beam, its extensions the search kept, best first


class Decoded(NamedTuple):
    """The best hypothesis per source: ids without <s> and </s>, scores, optional extras."""

    tokens: list[list[int]]
    scores: list[float]  # log-prob / length penalty (beam) or log-prob (greedy)
    attentions: list[Attentions] | None  # per source, batch dim 1, over <s> + tokens (+ </s>)
    steps: list[list[DecodeStep]] | None  # per source, per step


def length_penalty(length: int, alpha: float) -> float:
    """GNMT's lp(Y) = ((5 + |Y|) / 6)^alpha (Wu et al. 2016); §6.1 uses alpha = 0.6."""
    return ((5 + length) / 6) ** alpha


def _max_len(src: Tensor, max_len: int | None, pad_id: int, limit: int) -> int:
    src_len = int((src != pad_id).sum(1).max())
    return min(max_len or src_len + 50, limit - 1)  # §6.1: "input length + 50"


@torch.no_grad()
def greedy_decode(
    model: Transformer,
    src: Tensor,
    max_len: int | None = None,
    return_attention: bool = False,
    top_k: int = 0,
) -> Decoded:
    """Take the most likely token at every step until </s> (or `max_len` tokens).

    Args:
        src: (B, S) source ids ending in </s>, right-padded.
        return_attention: also return the attention maps of each output (one extra pass).
        top_k: > 0 records, per step, the k most likely next tokens (`Decoded.steps`).
    """
    cfg = model.config
    B, T_max = src.size(0), _max_len(src, max_len, cfg.pad_id, cfg.max_len)
    memory, _ = model.encode(src)  # (B, S, d_model)
    src_mask = padding_mask(src, cfg.pad_id)
    y_t = torch.full((B, 1), cfg.bos_id, dtype=torch.long, device=src.device)
    out, score = [[] for _ in range(B)], [0.0] * B
    done = [False] * B
    steps: list[list[DecodeStep]] = [[] for _ in range(B)]
    cache = None
    for t in range(T_max):
        logp, cache = model.decode_step(y_t, t, memory, src_mask, cache)  # (B, V)
        best_lp, best = logp.max(-1)  # (B,)
        if top_k:
            top_lp, top_ids = logp.topk(top_k, -1)
        for b in range(B):
            if done[b]:
                continue
            if top_k:
                cands = [Candidate(int(i), float(p)) for i, p in zip(top_ids[b], top_lp[b])]
                kept = Kept(int(best[b]), score[b] + float(best_lp[b]), int(best[b]) == cfg.eos_id)
                steps[b].append(DecodeStep([(list(out[b]), score[b])], [cands], [[kept]]))
            score[b] += float(best_lp[b])
            if int(best[b]) == cfg.eos_id:
                done[b] = True
            else:
                out[b].append(int(best[b]))
        if all(done):
            break
        y_t = best[:, None]  # (B, 1): finished rows keep going; their outputs are ignored
    attns = _attentions(model, src, out) if return_attention else None
    return Decoded(out, score, attns, steps if top_k else None)


@torch.no_grad()
def beam_search(
    model: Transformer,
    src: Tensor,
    beam: int = 4,
    alpha: float = 0.6,
    max_len: int | None = None,
    return_attention: bool = False,
    top_k: int = 0,
) -> Decoded:
    """Beam search with a length penalty, §6.1 ("beam size of 4 and length penalty alpha = 0.6").

    Every step extends each of the `beam` live hypotheses by every token, keeps the 2 * beam best
    (cumulative log-prob), moves those ending in </s> into the finished list (scored
    log-prob / lp(length)) and continues with the best `beam` others. A source is done when it has
    `beam` finished hypotheses; at `max_len` the live ones are finished as they are.

    Args:
        src: (B, S) source ids ending in </s>, right-padded; all B sources are searched together.
        beam: beam size (1 = greedy); alpha: length-penalty exponent (0 = raw log-prob).
        return_attention: also return the attention maps of each best hypothesis.
        top_k: > 0 records, per step, each live beam's k most likely next tokens.
    """
    cfg, K = model.config, beam
    B, T_max = src.size(0), _max_len(src, max_len, cfg.pad_id, cfg.max_len)
    memory, _ = model.encode(src)  # (B, S, d_model)
    # every source repeated K times: row b * K + j is beam j of source b
    memory = memory.repeat_interleave(K, dim=0)  # (B*K, S, d_model)
    src_mask = padding_mask(src, cfg.pad_id).repeat_interleave(K, dim=0)  # (B*K, 1, 1, S)
    prefixes = [[[] for _ in range(K)] for _ in range(B)]  # ids without <s>
    scores = torch.full((B, K), float("-inf"))
    scores[:, 0] = 0.0  # only beam 0 is live at the start, so the first step does not repeat it
    finished: list[list[tuple[float, list[int], float]]] = [[] for _ in range(B)]  # (norm, ids, lp)
    done = [False] * B
    steps: list[list[DecodeStep]] = [[] for _ in range(B)]
    y_t = torch.full((B * K, 1), cfg.bos_id, dtype=torch.long, device=src.device)
    cache = None
    for t in range(T_max):
        logp, cache = model.decode_step(y_t, t, memory, src_mask, cache)  # (B*K, V)
        V = logp.size(-1)
        total = scores[:, :, None] + logp.view(B, K, V).cpu()  # (B, K, V) cumulative log-probs
        top_s, top_i = total.view(B, K * V).topk(2 * K, dim=-1)  # (B, 2K)
        if top_k:
            cand_lp, cand_ids = logp.view(B, K, V).topk(top_k, dim=-1)  # (B, K, k)
        next_beam = torch.zeros(B, K, dtype=torch.long)  # which old beam each new beam extends
        next_tok = torch.full((B, K), cfg.eos_id, dtype=torch.long)
        new_scores = torch.full((B, K), float("-inf"))
        new_prefixes = [[[] for _ in range(K)] for _ in range(B)]
        for b in range(B):
            if done[b]:
                continue
            kept: list[list[Kept]] = [[] for _ in range(K)]  # per old beam, what survives
            n = 0
            for rank, (s, i) in enumerate(zip(top_s[b].tolist(), top_i[b].tolist())):
                j, tok = divmod(i, V)
                if s == float("-inf"):
                    break
                if tok == cfg.eos_id or t == T_max - 1:
                    if rank < K:  # an ending counts only if it is among the K best (fairseq)
                        ids = prefixes[b][j] + ([] if tok == cfg.eos_id else [tok])
                        lp = length_penalty(len(ids) + 1, alpha)  # +1: the </s> token
                        finished[b].append((s / lp, ids, s))
                        kept[j].append(Kept(tok, s, True))
                    continue
                if n < K:
                    next_beam[b, n], next_tok[b, n], new_scores[b, n] = j, tok, s
                    new_prefixes[b][n] = prefixes[b][j] + [tok]
                    kept[j].append(Kept(tok, s, False))
                    n += 1
            if top_k:
                live = [j for j in range(K) if scores[b, j] > float("-inf")]
                steps[b].append(
                    DecodeStep(
                        [(list(prefixes[b][j]), float(scores[b, j])) for j in live],
                        [
                            [
                                Candidate(int(c), float(p))
                                for c, p in zip(cand_ids[b, j], cand_lp[b, j])
                            ]
                            for j in live
                        ],
                        [kept[j] for j in live],
                    )
                )
            if len(finished[b]) >= K or n == 0:
                done[b] = True
        if all(done):
            break
        # reorder the cache so row b*K + n holds the history of the beam it extends
        rows = (torch.arange(B)[:, None] * K + next_beam).view(-1).to(src.device)  # (B*K,)
        cache = [(sk[rows], sv[rows], mk, mv) for sk, sv, mk, mv in cache]
        scores, prefixes = new_scores, new_prefixes
        y_t = next_tok.view(B * K, 1).to(src.device)
    tokens, best_scores = [], []
    for b in range(B):
        norm, ids, _ = max(finished[b], key=lambda f: f[0]) if finished[b] else (0.0, [], 0.0)
        tokens.append(ids)
        best_scores.append(norm)
    attns = _attentions(model, src, tokens) if return_attention else None
    return Decoded(tokens, best_scores, attns, steps if top_k else None)


def _attentions(model: Transformer, src: Tensor, outputs: list[list[int]]) -> list[Attentions]:
    """One teacher-forced pass per source over <s> + output + </s>: the maps of that hypothesis.
    Rows are target positions (the token fed in), columns source / earlier target positions."""
    cfg = model.config
    maps = []
    for b, ids in enumerate(outputs):
        s = src[b : b + 1, : int((src[b] != cfg.pad_id).sum())]  # (1, S_b): padding removed
        tgt = torch.tensor([[cfg.bos_id, *ids, cfg.eos_id]], device=src.device)[:, :-1]  # (1, T)
        memory, enc_maps = model.encode(s, return_attention=True)
        # maps only: no logits (the pre-softmax projection is most of this pass for a big vocabulary)
        _, dec_maps, cross_maps = model.decode(
            tgt, memory, padding_mask(s, cfg.pad_id), True, project=False
        )
        maps.append(Attentions(enc_maps, dec_maps, cross_maps))
    return maps


# --------------------------------------------------------------------------------------------
# Preprocessing that travels with the weights: the joint BPE tokenizer (§5.1)


def train_tokenizer(texts, vocab_size: int = 8000, min_frequency: int = 2):
    """Joint source+target BPE (Sennrich et al. 2016; §5.1) with HF `tokenizers`.

    Words are split at spaces (kept as "▁", so decoding restores them exactly) and punctuation is
    split off, then BPE merges are learnt on both languages together. Encoding appends </s>.
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from tokenizers.trainers import BpeTrainer

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always"),
            pre_tokenizers.Punctuation(behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=list(SPECIAL_TOKENS),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="$A </s>", special_tokens=[("</s>", tok.token_to_id("</s>"))]
    )
    assert [tok.token_to_id(t) for t in SPECIAL_TOKENS] == [PAD, BOS, EOS, UNK]
    return tok


def load_tokenizer(folder: str | Path):
    """The tokenizer saved beside a checkpoint (`tokenizer.json`)."""
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))


def encode_batch(tokenizer, texts: list[str], pad_id: int = PAD) -> Tensor:
    """Sentences -> (B, S) ids ending in </s>, right-padded with pad_id."""
    ids = [e.ids for e in tokenizer.encode_batch(texts)]
    S = max(map(len, ids))
    return torch.tensor([x + [pad_id] * (S - len(x)) for x in ids], dtype=torch.long)


class Translation(NamedTuple):
    text: str  # detokenized output
    src_tokens: list[str]  # subwords of the source, ending in </s> (the attention columns)
    tgt_tokens: list[str]  # subwords of the output, without <s> / </s>
    tokens: list[int]  # output ids
    score: float
    attentions: Attentions | None  # batch dim 1; rows <s> + output, columns src_tokens
    steps: list[DecodeStep] | None


@torch.no_grad()
def translate(
    model: Transformer,
    tokenizer,
    text: str,
    beam: int = 4,
    alpha: float = 0.6,
    max_len: int | None = None,
    return_attention: bool = True,
    top_k: int = 0,
) -> Translation:
    """One sentence, source language -> target language (beam=1: greedy)."""
    src = encode_batch(tokenizer, [text], model.config.pad_id)  # (1, S)
    if beam == 1:
        dec = greedy_decode(model, src, max_len, return_attention, top_k)
    else:
        dec = beam_search(model, src, beam, alpha, max_len, return_attention, top_k)
    ids = dec.tokens[0]
    return Translation(
        text=tokenizer.decode(ids),
        src_tokens=[tokenizer.id_to_token(int(i)) for i in src[0]],
        tgt_tokens=[tokenizer.id_to_token(i) for i in ids],
        tokens=ids,
        score=dec.scores[0],
        attentions=dec.attentions[0] if dec.attentions else None,
        steps=dec.steps[0] if dec.steps else None,
    )


@torch.no_grad()
def translate_batch(
    model: Transformer,
    tokenizer,
    texts: list[str],
    beam: int = 4,
    alpha: float = 0.6,
    batch_size: int = 64,
) -> list[str]:
    """Many sentences (sorted by length into batches for speed, returned in input order)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: list[str] = [""] * len(texts)
    for s in range(0, len(order), batch_size):
        idx = order[s : s + batch_size]
        src = encode_batch(tokenizer, [texts[i] for i in idx], model.config.pad_id)
        if beam == 1:
            dec = greedy_decode(model, src)
        else:
            dec = beam_search(model, src, beam, alpha)
        for i, ids in zip(idx, tokenizer.decode_batch(dec.tokens)):
            out[i] = ids
    return out


def load(folder: str | Path) -> tuple[Transformer, object]:
    """A checkpoint folder -> (model in eval mode, its tokenizer); strict loading."""
    folder = Path(folder).resolve()  # a missing relative path would be taken for a Hub repo id
    model = Transformer.from_pretrained(str(folder), strict=True)
    return model.eval(), load_tokenizer(folder)


__all__ = [
    "BOS",
    "EOS",
    "PAD",
    "PRESETS",
    "SPECIAL_TOKENS",
    "UNK",
    "Attentions",
    "Candidate",
    "DecodeStep",
    "Kept",
    "Decoded",
    "DecoderLayer",
    "EncoderLayer",
    "MultiHeadAttention",
    "PositionalEncoding",
    "PositionwiseFeedForward",
    "SublayerConnection",
    "Transformer",
    "TransformerConfig",
    "TransformerOutput",
    "Translation",
    "attention",
    "beam_search",
    "causal_mask",
    "count_params",
    "encode_batch",
    "greedy_decode",
    "label_smoothed_loss",
    "length_penalty",
    "load",
    "load_tokenizer",
    "lr_rate",
    "padding_mask",
    "sinusoid_table",
    "train_tokenizer",
    "translate",
    "translate_batch",
]
