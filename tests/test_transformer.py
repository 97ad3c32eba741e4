"""Tests for models/transformer.py: attention parity, the paper's invariants, decoding, Hub round
trip, the Marian converter and the embedded Multi30k model."""

import math
from dataclasses import replace
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from models.transformer import (
    BOS,
    EOS,
    PAD,
    PRESETS,
    MultiHeadAttention,
    Transformer,
    TransformerConfig,
    attention,
    beam_search,
    causal_mask,
    count_params,
    encode_batch,
    greedy_decode,
    label_smoothed_loss,
    length_penalty,
    load,
    lr_rate,
    padding_mask,
    sinusoid_table,
    train_tokenizer,
    translate,
)

EMBEDDED = Path(__file__).resolve().parent.parent / "weights" / "transformer_multi30k"
TINY = TransformerConfig(N=2, d_model=32, d_ff=64, h=4, dropout=0.0, vocab_size=40, max_len=64)


@pytest.fixture(autouse=True)
def _threads():
    torch.set_num_threads(1)  # a busy two-core machine: one thread is faster than fighting


def tiny(seed: int = 0, **overrides) -> Transformer:
    torch.manual_seed(seed)
    return Transformer(replace(TINY, **overrides)).eval()


def batch(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Two sources (one padded) ending in </s>, and target inputs starting with <s>."""
    g = torch.Generator().manual_seed(seed)
    src = torch.randint(4, TINY.vocab_size, (2, 7), generator=g)
    src[:, -1] = EOS
    src[1, 4], src[1, 5:] = EOS, PAD
    tgt = torch.randint(4, TINY.vocab_size, (2, 6), generator=g)
    tgt[:, 0] = BOS
    return src, tgt


# --- attention, §3.2 ------------------------------------------------------------------------


def test_attention_explicit_path_equals_sdpa():
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 4, 5, 8, generator=g) for _ in range(3))
    mask = torch.rand(2, 1, 5, 5, generator=g) > 0.3
    mask[..., 0] = True  # every row keeps one key
    out, p = attention(q, k, v, mask, return_attention=True)
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    torch.testing.assert_close(out, ref, atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(p.sum(-1), torch.ones(2, 4, 5))
    assert (p[~mask.expand_as(p)] == 0).all()
    fused, none = attention(q, k, v, mask)
    assert none is None
    torch.testing.assert_close(fused, ref)


def test_multihead_attention_equals_nn_multiheadattention():
    torch.manual_seed(0)
    d, h = 32, 4
    ours, ref = (
        MultiHeadAttention(d, h).eval(),
        torch.nn.MultiheadAttention(d, h, batch_first=True).eval(),
    )
    with torch.no_grad():  # nn.MultiheadAttention stacks W^Q, W^K, W^V in one in_proj
        ref.in_proj_weight.copy_(torch.cat([ours.w_q.weight, ours.w_k.weight, ours.w_v.weight]))
        ref.in_proj_bias.copy_(torch.cat([ours.w_q.bias, ours.w_k.bias, ours.w_v.bias]))
        ref.out_proj.weight.copy_(ours.w_o.weight)
        ref.out_proj.bias.copy_(ours.w_o.bias)
    x, mem = torch.randn(2, 5, d), torch.randn(2, 7, d)
    key_pad = torch.zeros(2, 7, dtype=torch.bool)
    key_pad[1, 4:] = True  # nn.MHA: True = ignore; ours: True = may attend
    for return_attention in (False, True):
        out, p, _ = ours(x, mem, (~key_pad)[:, None, None, :], return_attention)
        out_ref, p_ref = ref(x, mem, mem, key_padding_mask=key_pad, average_attn_weights=False)
        torch.testing.assert_close(out, out_ref, atol=1e-5, rtol=1e-4)
        if return_attention:
            torch.testing.assert_close(p, p_ref, atol=1e-6, rtol=1e-5)
    # causal self-attention
    out, p, _ = ours(x, x, causal_mask(5), True)
    out_ref, p_ref = ref(x, x, x, attn_mask=~causal_mask(5)[0, 0], average_attn_weights=False)
    torch.testing.assert_close(out, out_ref, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(p, p_ref, atol=1e-6, rtol=1e-5)


def test_forward_attention_maps_shapes_rows_and_causality():
    model = tiny()
    src, tgt = batch()
    out = model(src, tgt, return_attention=True)
    assert out.logits.shape == (2, 6, TINY.vocab_size)
    a = out.attentions
    assert len(a.encoder) == len(a.decoder) == len(a.cross) == TINY.N
    for p in a.encoder:
        assert p.shape == (2, TINY.h, 7, 7)
    for p_self, p_cross in zip(a.decoder, a.cross):
        assert p_self.shape == (2, TINY.h, 6, 6) and p_cross.shape == (2, TINY.h, 6, 7)
        assert torch.triu(p_self, diagonal=1).abs().max() == 0  # no looking ahead (§3.2.3)
        assert p_cross[1, ..., 5:].abs().max() == 0  # padded source positions get no weight
    for p in a.encoder + a.decoder + a.cross:
        torch.testing.assert_close(p.sum(-1), torch.ones_like(p.sum(-1)))
    # the fused path (no maps) gives the same logits, and nothing is left on the modules
    fast = model(src, tgt)
    assert fast.attentions is None
    torch.testing.assert_close(fast.logits, out.logits, atol=1e-5, rtol=1e-4)
    assert not any(isinstance(v, torch.Tensor) for m in model.modules() for v in vars(m).values())


def test_pre_ln_option_and_presets_shapes():
    src, tgt = batch()
    for pre_ln in (False, True):
        model = tiny(pre_ln=pre_ln)
        out = model(src, tgt).logits
        assert out.shape == (2, 6, TINY.vocab_size) and not torch.isnan(out).any()
    for name, cfg in PRESETS.items():
        with torch.device("meta"):
            m = Transformer(cfg)
        assert m(src.to("meta"), tgt.to("meta")).logits.shape == (2, 6, cfg.vocab_size), name


# --- positional encoding, §3.5 ---------------------------------------------------------------


def test_positional_encoding_matches_the_formula():
    d, pe = 16, sinusoid_table(50, 16)
    for pos in (0, 1, 7, 49):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            assert math.isclose(pe[pos, 2 * i], math.sin(angle), abs_tol=1e-6)
            assert math.isclose(pe[pos, 2 * i + 1], math.cos(angle), abs_tol=1e-6)


def test_positional_encoding_offset_is_a_fixed_rotation():
    """§3.5: "for any fixed offset k, PE_{pos+k} can be represented as a linear function of PE_pos"
    -- a block-diagonal matrix of 2x2 rotations by k * w_i, the same for every pos."""
    d, pe = 16, sinusoid_table(64, 16).double()
    w = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    for k in (1, 5, 13):
        M = torch.zeros(d, d, dtype=torch.float64)
        for i, wi in enumerate(
            w
        ):  # [sin(a+b), cos(a+b)] = [[cos b, sin b], [-sin b, cos b]] [sin a, cos a]
            c, s = math.cos(k * wi), math.sin(k * wi)
            M[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = torch.tensor([[c, s], [-s, c]])
        torch.testing.assert_close(pe[k:], pe[:-k] @ M.T, atol=1e-5, rtol=0)  # every pos at once
        torch.testing.assert_close(M @ M.T, torch.eye(d, dtype=torch.float64))  # a rotation


# --- sizes, schedule, loss -------------------------------------------------------------------


def test_parameter_counts_vs_table3():
    """Base with a 37,000-token shared vocabulary: 63,082,496 = 18,944,000 embedding (tied: the
    same matrix embeds source and target and projects to the softmax, §3.4) + 18,914,304 encoder
    + 25,224,192 decoder. Table 3 says 65 M: the paper's exact vocabulary is not given ("about
    37000 tokens"); 65 M would need ~40.7 k tokens. Untied (three matrices) it would be 101 M.
    Big: 214,245,376 vs 213 M in Table 3."""
    counts = {}
    for name in ("base", "big"):
        with torch.device("meta"):
            counts[name] = count_params(Transformer(PRESETS[name]))
    assert counts["base"] == 63_082_496
    assert counts["big"] == 214_245_376
    assert abs(counts["base"] / 1e6 - 65) < 2.5 and abs(counts["big"] / 1e6 - 213) < 2


def test_learning_rate_schedule_eq3():
    d, warm = 512, 4000
    peak = lr_rate(warm, d, warm)
    assert math.isclose(peak, d**-0.5 * warm**-0.5)
    assert lr_rate(warm // 2, d, warm) == pytest.approx(peak / 2)  # linear warm-up
    assert lr_rate(4 * warm, d, warm) == pytest.approx(peak / 2)  # 1/sqrt(step) decay
    assert max(lr_rate(s, d, warm) for s in range(1, 20000, 7)) <= peak


def test_label_smoothing_loss():
    g = torch.Generator().manual_seed(0)
    logits, target = torch.randn(2, 3, 10, generator=g), torch.tensor([[4, 5, PAD], [6, 7, 8]])
    eps, V = 0.1, 10
    loss, nll = label_smoothed_loss(logits, target, eps)
    logp = logits.log_softmax(-1)[target != PAD]  # (5, V)
    q = torch.full_like(logp, eps / V)  # (1 - eps) on the true token + eps spread uniformly
    q[torch.arange(5), target[target != PAD]] += 1 - eps
    torch.testing.assert_close(loss, -(q * logp).sum(-1).mean())
    torch.testing.assert_close(nll, -logp[torch.arange(5), target[target != PAD]].mean())


# --- decoding --------------------------------------------------------------------------------


def test_cached_decoding_equals_full_decoding():
    model = tiny()
    src, tgt = batch()
    full = model(src, tgt).logits.log_softmax(-1)  # (2, 6, V)
    memory, _ = model.encode(src)
    cache = None
    for t in range(tgt.size(1)):
        logp, cache = model.decode_step(tgt[:, t : t + 1], t, memory, padding_mask(src), cache)
        torch.testing.assert_close(logp, full[:, t], atol=1e-5, rtol=1e-4)


def test_greedy_equals_beam_of_one_and_beam_is_no_worse():
    model = tiny(seed=3)
    src, _ = batch()
    g = greedy_decode(model, src, max_len=12)
    b1 = beam_search(model, src, beam=1, max_len=12)
    assert g.tokens == b1.tokens
    b4 = beam_search(model, src, beam=4, alpha=0.0, max_len=12)

    def logprob(b, ids):  # log P(ids </s> | src) by teacher forcing
        s = src[b : b + 1]
        seq = torch.tensor([[BOS, *ids, EOS]])
        lp = model(s, seq[:, :-1]).logits.log_softmax(-1)[0]
        return float(lp.gather(1, seq[0, 1:, None]).sum())

    for b in range(2):
        if len(b4.tokens[b]) < 12 and len(g.tokens[b]) < 12:  # both ended with </s>
            assert logprob(b, b4.tokens[b]) >= logprob(b, g.tokens[b]) - 1e-4
            assert b4.scores[b] == pytest.approx(logprob(b, b4.tokens[b]), abs=1e-3)


def test_decoding_returns_attentions_and_steps():
    model = tiny(seed=1)
    src, _ = batch()
    for dec in (
        greedy_decode(model, src[:1], max_len=8, return_attention=True, top_k=3),
        beam_search(model, src[:1], beam=3, max_len=8, return_attention=True, top_k=3),
    ):
        ids, a, steps = dec.tokens[0], dec.attentions[0], dec.steps[0]
        T = len(ids) + 1  # <s> + output (the row that predicts </s> is the last one)
        assert a.cross[0].shape == (1, TINY.h, T, 7) and a.decoder[-1].shape == (1, TINY.h, T, T)
        assert len(steps) >= len(ids) and all(len(c) == 3 for s in steps for c in s.candidates)
        assert steps[0].beams == [([], 0.0)]
    assert length_penalty(1, 0.6) == 1.0 and length_penalty(10, 0.0) == 1.0


# --- Hub round trip, tokenizer ---------------------------------------------------------------


def test_save_pretrained_round_trip_strict(tmp_path):
    model = tiny(seed=2)
    model.save_pretrained(tmp_path / "fp32")
    loaded = Transformer.from_pretrained(str(tmp_path / "fp32"), strict=True)
    assert loaded.config == model.config and not loaded.training
    src, tgt = batch()
    torch.testing.assert_close(loaded(src, tgt).logits, model(src, tgt).logits)
    # fp16 on disk (how the embedded weights ship) loads into the fp32 module, strict
    half = Transformer(model.config)
    half.load_state_dict(model.state_dict())
    half.half().save_pretrained(tmp_path / "fp16")
    loaded = Transformer.from_pretrained(str(tmp_path / "fp16"), strict=True)
    assert loaded.embedding.weight.dtype == torch.float32
    torch.testing.assert_close(loaded(src, tgt).logits, model(src, tgt).logits, atol=2e-2, rtol=0)


def test_tokenizer_is_lossless_and_appends_eos():
    texts = [
        "A man in a blue shirt is standing on a ladder.",
        "Ein Mann in einem blauen Hemd steht.",
    ]
    tok = train_tokenizer(texts * 5, vocab_size=120)
    for t in texts:
        ids = tok.encode(t).ids
        assert ids[-1] == EOS and tok.decode(ids) == t
    src = encode_batch(tok, texts)
    assert src.shape[0] == 2 and (src[:, 0] != PAD).all()


@pytest.mark.skipif(not (EMBEDDED / "model.safetensors").exists(), reason="not trained yet")
def test_embedded_model_translates():
    model, tok = load(EMBEDDED)
    out = translate(model, tok, "A man is riding a bicycle down the street.", beam=4)
    words = set(out.text.lower().replace(".", " ").split())
    assert {"ein", "mann"} <= words and ({"fahrrad", "straße"} & words), out.text
    assert out.attentions.cross[0].shape[-1] == len(out.src_tokens)
    greedy = translate(
        model, tok, "Two dogs are playing in the snow.", beam=1, return_attention=False
    )
    assert {"zwei", "hunde", "schnee"} <= set(greedy.text.lower().replace(".", " ").split()), (
        greedy.text
    )


# --- Marian (OPUS-MT) converter parity -------------------------------------------------------


def test_marian_converter_logit_parity(tmp_path):
    """A tiny random MarianMTModel (OPUS-MT's settings: swish, scaled embeddings, pad as the
    decoder start) saved by transformers, converted, gives the same logits (and greedy output)."""
    transformers = pytest.importorskip("transformers")
    from training.convert_transformer import convert, opus_mt_config

    torch.manual_seed(0)
    hf_cfg = transformers.MarianConfig(**opus_mt_config(60, 32, 2, 4, 64, max_positions=64))
    ref = transformers.MarianMTModel(hf_cfg).eval()
    with torch.no_grad():
        ref.final_logits_bias.normal_()  # zero at init: make it count
        for m in ref.modules():  # non-trivial LayerNorms
            if isinstance(m, torch.nn.LayerNorm):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
    ref.save_pretrained(tmp_path / "marian")
    ours = convert(tmp_path / "marian")
    src = torch.randint(1, 59, (2, 9))
    src[:, -1] = 0  # </s>
    src[1, 6], src[1, 7:] = 0, 59  # a shorter, right-padded source
    tgt = torch.randint(1, 59, (2, 7))
    tgt[:, 0] = 59  # Marian's decoder starts from pad
    with torch.no_grad():
        want = ref(input_ids=src, attention_mask=(src != 59).long(), decoder_input_ids=tgt).logits
    got = ours(src, tgt).logits
    torch.testing.assert_close(got, want, atol=1e-4, rtol=1e-4)
    # and the converted model survives our own save/load
    ours.save_pretrained(tmp_path / "ours")
    again = Transformer.from_pretrained(str(tmp_path / "ours"), strict=True)
    torch.testing.assert_close(again(src, tgt).logits, want, atol=1e-4, rtol=1e-4)
