"""Transformer tab: translate English to German and look inside: every attention map, the decoding
step by step, and explorers for the paper's design choices.

Pure callbacks first (plain data in, plain data, HTML or figures out), then the figures, the
strings and `build_tab()`. Paper: Vaswani et al., "Attention Is All You Need", arXiv:1706.03762.
"""

from __future__ import annotations

import functools
import math
import re
import tempfile
import time
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import gradio as gr
import numpy as np
import torch

from demos import html, lecture, plots, quiz
from demos.checks import fresh_file, load_weights, number, whole_number
from demos.i18n import columns, register, t, text, with_columns
from demos.plots import transformer as figures
from demos.runtime import torch_threads
from demos.strings import transformer as strings
from lab import transformer as TL
from models import hub
from models import transformer as T

register(strings.EN, strings.ZH)

WEIGHTS = ["transformer_small.multi30k_ende", "transformer_base.opus_mt_ende"]
DEFAULT_WEIGHTS = WEIGHTS[0]
DEFAULT_TEXT = "A man in a blue shirt is riding a bike down the street."
EXAMPLES = [
    DEFAULT_TEXT,
    "Two dogs are playing in the snow.",
    "A little girl is climbing into a wooden playhouse.",
    "The woman with the red hat is selling fruit at the market.",
]
MAX_BEAM = 8
ALPHA = 0.6  # §6.1 length penalty
MAX_CHARS = 20_000  # longer input is cut before tokenizing (5,000 words is ~30,000 characters)
MAX_SRC_TOKENS = 100  # subwords translated, </s> included; the rest is cut with a notice
TOP_K = 5  # next-token candidates recorded per decoding step (the view shows 1..TOP_K)
MAX_STEPS_SHOWN = 40
KINDS = ["encoder", "decoder", "cross"]
HEADS_MEAN = "mean"
PNG_DIR = Path(tempfile.gettempdir()) / "paper-gallery-transformer"
PAPER_PARAMS_M = {"base": 65, "big": 213}  # Table 3
PAPER_BLEU_ENDE = {"base": 27.3, "big": 28.4}  # Table 2, WMT 2014 newstest2014


# ---------------------------------------------------------------------------------------------
# Checking what came through the API: refused with a message that says what is allowed
# ---------------------------------------------------------------------------------------------


def clean_source(source, lang: str) -> tuple[str, bool]:
    """The text to translate: NFC, control characters removed, whitespace collapsed, at most
    MAX_CHARS characters (cut flag). Empty or whitespace-only text is refused."""
    if not isinstance(source, str):
        source = "" if source is None else str(source)
    cut = len(source) > MAX_CHARS
    source = unicodedata.normalize("NFC", source[:MAX_CHARS])
    source = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in source)
    source = re.sub(r"\s+", " ", source).strip()
    if not source:
        raise gr.Error(text("tf_err_empty", lang))
    return source, cut


# ---------------------------------------------------------------------------------------------
# One translation, shared by every view (cached: the views re-ask for the same sentence)
# ---------------------------------------------------------------------------------------------


class Run(NamedTuple):
    """A translation and everything the views show about it."""

    tr: T.Translation  # text, tokens, score, attention maps, decoding steps
    tokenizer: object
    weights: str  # the catalogue entry that answered (after a fallback, the embedded one)
    notice: str  # where the weights came from, and anything cut or unknown
    source: str  # the text actually translated
    bos: str  # the token the decoder starts from (<s>; Marian starts from <pad>)
    n_layers: int
    n_heads: int
    maps: dict[str, np.ndarray]  # kind -> (N, h, T_q, T_k)


@functools.cache
def _tokenizer(folder: str, spec: str | None):
    if spec:  # a converted checkpoint names its own tokenizer class (weights/catalogue.json)
        module, _, name = spec.partition(":")
        import importlib

        return getattr(importlib.import_module(module), name)(folder)
    return T.load_tokenizer(folder)


def load(weights: str, lang: str = "en") -> tuple[hub.Loaded, object]:
    """The shared model (falling back to the embedded one, with a notice) and its tokenizer."""
    loaded = load_weights(weights, WEIGHTS, DEFAULT_WEIGHTS, "tf_err_weights", lang)
    return loaded, _tokenizer(str(loaded.folder), loaded.entry.meta.get("tokenizer_class"))


@functools.lru_cache(maxsize=32)
def run(source: str, weights: str, beam: int, lang: str = "en") -> Run:
    """Translate one cleaned source with beam search (beam 1: greedy), keeping every attention
    map of the output and the top-TOP_K candidates of every step."""
    loaded, tok = load(weights, lang)
    model = loaded.model
    notes = [loaded.notice]
    ids = tok.encode(source).ids
    if len(ids) > MAX_SRC_TOKENS:  # translate the first subwords only, and say so
        source = tok.decode(ids[: MAX_SRC_TOKENS - 1])
        notes.append(text("tf_note_cut", lang).format(n=len(ids), m=MAX_SRC_TOKENS - 1))
    unk = sum(1 for i in ids[:MAX_SRC_TOKENS] if tok.id_to_token(i) == "<unk>")
    if unk:
        notes.append(text("tf_note_unk", lang).format(n=unk))
    with torch.inference_mode(), torch_threads(1):  # one thread: 2 fight on a shared machine
        tr = T.translate(model, tok, source, beam=beam, alpha=ALPHA, return_attention=True,
                         top_k=TOP_K)  # fmt: skip
    maps = {kind: np.stack([a[0].float().numpy() for a in getattr(tr.attentions, kind)])
            for kind in KINDS}  # fmt: skip
    cfg = model.config
    return Run(tr, tok, loaded.entry.name, "\n\n".join(notes), source,
               tok.id_to_token(cfg.bos_id), cfg.N, cfg.h, maps)  # fmt: skip


def _run(source, weights, beam, lang: str) -> Run:
    source, cut = clean_source(source, lang)
    beam = whole_number(beam, 1, MAX_BEAM, "tf_err_beam", lang)
    r = run(source, weights, beam, lang)
    if cut:
        r = r._replace(notice=r.notice + "\n\n" + text("tf_note_chars", lang).format(n=MAX_CHARS))
    return r


def translate(source: str = DEFAULT_TEXT, weights: str = DEFAULT_WEIGHTS, beam: int = 4,
              lang: str = "en") -> tuple[str, str, str]:  # fmt: skip
    """The German text, its subword tokens (with ids), and which weights answered."""
    r = _run(source, weights, beam, lang)
    tokens = " ".join(f"`{tok}`<sub>{i}</sub>" for tok, i in zip(r.tr.tgt_tokens, r.tr.tokens))
    src = " ".join(f"`{tok}`" for tok in r.tr.src_tokens)
    md = text("tf_tokens_md", lang).format(
        n_src=len(r.tr.src_tokens), src=src, n_tgt=len(r.tr.tokens), tgt=tokens or "—",
        beam=beam, score=r.tr.score,
    )  # fmt: skip
    return r.tr.text, md, r.notice


def controls(source, weights, beam, lang: str = "en", layer=None, head=None):
    """Layer and head choices for the loaded model, and the target tokens to click (UI only). The
    layer and head shown stay when the model has them (a deep link sets them), else the last layer
    and the mean of the heads."""
    return _controls(_run(source, weights, beam, lang), layer, head)[:4]


def _controls(r: Run, layer, head):
    """`controls` for a run, plus the layer and head it shows: a component made inside an event
    keeps only its update (no `.value`), so a caller that needs the values takes them from here."""
    layer_ids, head_ids = list(range(1, r.n_layers + 1)), [HEADS_MEAN] + [str(i) for i in range(1, r.n_heads + 1)]
    keep_layer = next((i for i in layer_ids if str(i) == str(layer)), r.n_layers)
    keep_head = str(head) if str(head) in head_ids else HEADS_MEAN
    targets = gr.Radio(choices=[(f"{j + 1}. {tok}", j) for j, tok in enumerate(_targets(r))], value=0)
    return (gr.Dropdown(choices=layer_ids, value=keep_layer), gr.Dropdown(choices=head_ids, value=keep_head),
            targets, 0, keep_layer, keep_head)  # fmt: skip


def translate_view(source=DEFAULT_TEXT, weights=DEFAULT_WEIGHTS, beam=4, kind="cross", layer=None, head=None,
                   lang: str = "en"):  # fmt: skip
    """The translation and every attention view at once, the layer and head kept when the model has
    them: what a preset or a link opens (UI only; the buttons run translate, controls, attention and
    alignment one after the other)."""
    out = translate(source, weights, beam, lang)
    layers, heads, targets, j, layer, head = _controls(_run(source, weights, beam, lang), layer, head)
    return (*out, layers, heads, targets, j,
            *attention(source, weights, beam, kind, layer, head, lang),
            alignment(source, weights, beam, j, layer, head, lang))  # fmt: skip


def _targets(r: Run) -> list[str]:
    return list(r.tr.tgt_tokens) + ["</s>"]


def _axes(r: Run, kind: str) -> tuple[list[str], list[str]]:
    """(query tokens = rows, key tokens = columns) of one kind of attention."""
    dec = [r.bos] + list(r.tr.tgt_tokens)  # decoder inputs: the output shifted right (§3.1)
    return {"encoder": (r.tr.src_tokens, r.tr.src_tokens), "decoder": (dec, dec),
            "cross": (dec, r.tr.src_tokens)}[kind]  # fmt: skip


def _pick(r: Run, kind: str, layer, head, lang: str) -> tuple[np.ndarray, int, str]:
    if kind not in KINDS:
        raise gr.Error(text("tf_err_kind", lang).format(names=", ".join(KINDS)))
    layer = whole_number(layer, 1, r.n_layers, "tf_err_layer", lang)
    maps = r.maps[kind][layer - 1]  # (h, T_q, T_k)
    if str(head) == HEADS_MEAN:
        return maps.mean(0), layer, HEADS_MEAN
    h = whole_number(head, 1, r.n_heads, "tf_err_head", lang)
    return maps[h - 1], layer, str(h)


def attention(source: str = DEFAULT_TEXT, weights: str = DEFAULT_WEIGHTS, beam: int = 4,
              kind: str = "cross", layer: int = 1, head: str = HEADS_MEAN,
              lang: str = "en") -> tuple[str, str, str]:  # fmt: skip
    """One attention map as an HTML heat map (values on hover), a PNG of it, and a caption."""
    r = _run(source, weights, beam, lang)
    m, layer, head = _pick(r, kind, layer, head, lang)
    rows, cols = _axes(r, kind)
    title = (
        text(f"tf_kind_{kind}", lang)
        + " · "
        + text("tf_layer_head", lang).format(layer=layer, head=head)
    )
    png = attention_png(m, rows, cols, title)
    caption = text(f"tf_axes_{kind}", lang).format(rows=len(rows), cols=len(cols))
    return (
        html.heatmap(m, rows, cols, masked=kind == "decoder", masked_label=text("tf_masked", lang),
                     corner=text("tf_corner", lang)),
        png,
        f"**{title}.** {caption}",
    )


def alignment(source: str = DEFAULT_TEXT, weights: str = DEFAULT_WEIGHTS, beam: int = 4,
              target: int = 0, layer: int = 1, head: str = HEADS_MEAN,
              lang: str = "en") -> str:  # fmt: skip
    """Where one output token looked in the source: the cross-attention row of the decoder step
    that produced it (row j predicts output token j), drawn over the source tokens."""
    r = _run(source, weights, beam, lang)
    targets = _targets(r)
    j = whole_number(target, 0, len(targets) - 1, "tf_err_target", lang)
    m, layer, head = _pick(r, "cross", layer, head, lang)
    row = m[j]  # (S,) weights over the source, summing to 1
    best = int(row.argmax())
    caption = text("tf_align_md", lang).format(
        tok=html.esc(targets[j]), j=j + 1, best=html.esc(r.tr.src_tokens[best]), w=float(row[best]),
        layer=layer, head=head)  # fmt: skip
    return html.alignment(r.tr.src_tokens, row, j, caption)


def decoding_steps(source: str = DEFAULT_TEXT, weights: str = DEFAULT_WEIGHTS, beam: int = 4,
                   top_k: int = 3, lang: str = "en") -> str:  # fmt: skip
    """The decoder's view: its input is the output shifted right, the causal mask, and at each
    step the top-k next tokens of every live hypothesis (the beam) and the ones the search kept."""
    r = _run(source, weights, beam, lang)
    k = whole_number(top_k, 1, TOP_K, "tf_err_topk", lang)
    tok = r.tokenizer
    dec_in = [r.bos] + list(r.tr.tgt_tokens)
    dec_out = list(r.tr.tgt_tokens) + ["</s>"]
    mask = T.causal_mask(min(len(dec_in), MAX_STEPS_SHOWN))[0, 0].tolist()
    steps = []
    for t_, step in enumerate((r.tr.steps or [])[:MAX_STEPS_SHOWN]):
        for b, ((prefix, score), cands, chosen) in enumerate(zip(step.beams, step.candidates, step.chosen)):
            words = " ".join(tok.id_to_token(i) for i in prefix) or "∅"
            top = [(tok.id_to_token(c.token), math.exp(c.logprob), c.token == chosen) for c in cands[:k]]
            steps.append((t_, b, words, score, top, chosen == -1))
    more = len(r.tr.steps or []) - MAX_STEPS_SHOWN
    return html.decoding(dec_in, dec_out, mask, steps, more, beam, k, r.tr.text, r.tr.score, lang)


# ---------------------------------------------------------------------------------------------
# Explorers: positional encoding, sqrt(d_k), the schedule, label smoothing, complexity
# ---------------------------------------------------------------------------------------------


def _dims(dims, d_model: int, lang: str) -> list[int]:
    try:
        out = [int(x) for x in re.split(r"[,\s]+", str(dims).strip()) if x]
    except ValueError:
        out = []
    if not out or len(out) > 8 or any(not 0 <= i < d_model for i in out):
        raise gr.Error(text("tf_err_dims", lang).format(hi=d_model - 1))
    return out


@plots.cached
def positional(d_model: int = 128, max_pos: int = 100, dims: str = "4, 5, 20, 60", k: int = 5,
               lang: str = "en"):  # fmt: skip
    """§3.5: the PE table as a heat map, chosen dimensions as curves, and the offset check
    PE(pos + k) = M_k PE(pos) for every pos (M_k: 2x2 rotations, the same for every pos)."""
    d_model = whole_number(d_model, 8, 1024, "tf_err_dmodel", lang)
    if d_model % 2:
        raise gr.Error(text("tf_err_dmodel", lang).format(lo=8, hi=1024))
    max_pos = whole_number(max_pos, 10, 1000, "tf_err_maxpos", lang)
    chosen = _dims(dims, d_model, lang)
    k = whole_number(k, 1, max_pos - 1, "tf_err_k", lang)
    pe = T.sinusoid_table(max_pos, d_model).numpy()  # (max_pos, d_model), the model's own table
    M, err = TL.pe_shift_error(k, d_model, max_pos)
    block = M[:2, :2].tolist()
    md = text("tf_pe_md", lang).format(k=k, d=d_model, n=max_pos - k, err=err, a=block[0][0], b=block[0][1],
                                       c=block[1][0], e=block[1][1], wl=2 * math.pi * 10000 ** ((d_model - 2) / d_model))  # fmt: skip
    return plots.png(figures.pe_table(pe), "pe-table"), plots.png(figures.pe_curves(pe, chosen), "pe-curves"), md


@plots.cached
def scaling(n_keys: int = 16, lang: str = "en"):
    """§3.2.1: softmax saturation and gradient size as d_k grows, with and without 1/sqrt(d_k)."""
    n_keys = whole_number(n_keys, 2, 256, "tf_err_keys", lang)
    d_ks = [2**i for i in range(0, 11)]  # 1 .. 1024
    s = TL.softmax_saturation(d_ks, n_keys=n_keys)
    i64, i1k = d_ks.index(64), d_ks.index(1024)
    md = text("tf_scale_md", lang).format(
        n=n_keys, p64s=s["max_p_scaled"][i64], p64r=s["max_p_raw"][i64], g64s=s["grad_scaled"][i64],
        g64r=s["grad_raw"][i64], p1ks=s["max_p_scaled"][i1k], p1kr=s["max_p_raw"][i1k],
        g1ks=s["grad_scaled"][i1k], g1kr=s["grad_raw"][i1k], sd=s["std_raw"][i64], uni=1 / n_keys,
    )  # fmt: skip
    return plots.png(figures.scaling(d_ks, s, n_keys), "scaling"), md


@plots.cached
def schedule(
    d_model: int = 512, warmup: int = 4000, steps: int = 100_000, lang: str = "en"
):
    """§5.3 Eq. 3: lrate = d_model^-0.5 · min(step^-0.5, step · warmup^-1.5)."""
    d_model = whole_number(d_model, 16, 4096, "tf_err_dmodel", lang)
    warmup = whole_number(warmup, 1, 100_000, "tf_err_warmup", lang)
    steps = whole_number(steps, 100, 1_000_000, "tf_err_steps", lang)
    xs = np.unique(np.linspace(1, steps, 600).astype(int))
    ys = [T.lr_rate(int(s), d_model, warmup) for s in xs]
    base = [T.lr_rate(int(s), 512, 4000) for s in xs]
    peak = T.lr_rate(warmup, d_model, warmup)
    md = text("tf_lr_md", lang).format(d=d_model, w=warmup, peak=peak, end=T.lr_rate(steps, d_model, warmup),
                                       steps=steps, half=4 * warmup)  # fmt: skip
    return plots.png(figures.schedule(xs, ys, base, d_model, warmup), "schedule"), md


@plots.cached
def smoothing(epsilon: float = 0.1, vocab: int = 10, lang: str = "en"):
    """§5.4: the training target with label smoothing, and the loss it leaves (H(q) > 0)."""
    eps = number(epsilon, 0.0, 0.9, "tf_err_eps", lang)
    vocab = whole_number(vocab, 2, 50, "tf_err_vocab", lang)
    q = TL.smoothed_target(vocab, eps, target=vocab // 2).numpy()
    ent = lambda p: float(-(p[p > 0] * np.log(p[p > 0])).sum())  # noqa: E731
    q37k = TL.smoothed_target(37000, eps, 0).numpy()
    md = text("tf_ls_md", lang).format(eps=eps, V=vocab, true=q[vocab // 2], other=q[0], h=ent(q),
                                       h37=ent(q37k), ppl=math.exp(ent(q37k)))  # fmt: skip
    return plots.png(figures.smoothing(q, vocab // 2, eps), "smoothing"), md


TABLE1 = [  # Table 1: per-layer complexity, sequential operations, maximum path length
    ["Self-Attention", "O(n²·d)", "O(1)", "O(1)"],
    ["Recurrent", "O(n·d²)", "O(n)", "O(n)"],
    ["Convolutional", "O(k·n·d²)", "O(1)", "O(log_k(n))"],
    ["Self-Attention (restricted)", "O(r·n·d)", "O(1)", "O(n/r)"],
]


def complexity(max_n: int = 1024, d_model: int = 256, lang: str = "en"):
    """Table 1, and a live timing of one self-attention layer vs one recurrent layer, streamed: the
    table grows one sequence length at a time, the figure comes with the last one."""
    max_n = whole_number(max_n, 16, 2048, "tf_err_maxn", lang)
    d_model = whole_number(d_model, 64, 512, "tf_err_dmodel", lang)
    ns = [n for n in (16, 32, 64, 128, 256, 512, 1024, 2048) if n <= max_n]
    t0 = time.perf_counter()
    ms: dict[str, list[float]] = {"self_attention": [], "recurrent": []}
    rows = []
    for n in ns:
        with torch.inference_mode(), torch_threads(1):
            one = TL.time_layers([n], d_model=d_model)  # the same seeded layers for every n
        for k in ms:
            ms[k] += one[k]
        a, b = one["self_attention"][0], one["recurrent"][0]
        rows.append([n, round(a, 3), round(b, 3), round(b / a, 2)])
        if n != ns[-1]:
            yield TABLE1, gr.update(), rows, text("tf_cx_running", lang).format(n=n, d=d_model)
    md = text("tf_cx_md", lang).format(d=d_model, s=time.perf_counter() - t0)
    yield TABLE1, plots.png(figures.complexity(ns, ms, d_model), "complexity"), rows, md


@plots.cached
def complexity_first(max_n: int = 1024, d_model: int = 256, lang: str = "en"):
    """What the tab shows when it opens: the first timing of these settings in this process (the
    caption says when it was measured); the button re-measures."""
    *_, out = complexity(max_n, d_model, lang)  # the finished timing, not its frames
    when = time.strftime("%H:%M:%S", time.gmtime())
    return (*out[:3], out[3] + "\n\n" + text("tf_cx_when", lang).format(when=when))


@functools.cache
def paper_check(lang: str = "en") -> list[list]:
    """The paper's numbers beside ours, each with why they agree or differ."""
    rows = []
    base, big = TL.param_breakdown(T.PRESETS["base"]), TL.param_breakdown(T.PRESETS["big"])
    d, V = T.PRESETS["base"].d_model, T.PRESETS["base"].vocab_size
    vocab_65m = V + (PAPER_PARAMS_M["base"] * 1e6 - base["total"]) / d
    untied = base["total"] + 2 * base["embedding"]
    rows.append([text("tf_chk_base", lang), "65 M", f"{base['total']:,}",
                 text("tf_why_base", lang).format(gap=_gap(base["total"], "base"), emb=base["embedding"], enc=base["encoder"], dec=base["decoder"],
                                                  v=vocab_65m, untied=untied / 1e6)])  # fmt: skip
    rows.append(
        [
            text("tf_chk_big", lang),
            "213 M",
            f"{big['total']:,}",
            text("tf_why_big", lang).format(gap=_gap(big["total"], "big")),
        ]
    )
    cat = hub.read_catalogue()
    small = T.TransformerConfig(**{k: v for k, v in _embedded_config().items()})
    ours = TL.param_breakdown(small)["total"]
    rows.append([text("tf_chk_small", lang), "—", f"{ours:,}",
                 text("tf_why_small", lang).format(meta=cat[DEFAULT_WEIGHTS].meta.get("num_params", 0))])  # fmt: skip
    err = TL.pe_formula_error(512, 512)
    rows.append([text("tf_chk_pe", lang), "sin(pos/10000^(2i/d)), cos(…)", f"max |Δ| = {err:.1e}",
                 text("tf_why_pe", lang)])  # fmt: skip
    _, shift = TL.pe_shift_error(5, 512, 512)
    rows.append([text("tf_chk_shift", lang), text("tf_paper_shift", lang), f"max |Δ| = {shift:.1e}",
                 text("tf_why_shift", lang)])  # fmt: skip
    peak = T.lr_rate(4000, 512, 4000)
    rows.append(
        [
            text("tf_chk_lr", lang),
            f"{512**-0.5 * 4000**-0.5:.3e}",
            f"{peak:.3e}",
            text("tf_why_lr", lang),
        ]
    )
    bleu = cat[DEFAULT_WEIGHTS].meta.get("bleu", {})
    rows.append([text("tf_chk_bleu", lang), f"{PAPER_BLEU_ENDE['base']} (WMT14)",
                 f"{bleu.get('test_2016_flickr_bleu', '?')} / {bleu.get('test_2017_flickr_bleu', '?')} (Multi30k)",
                 text("tf_why_bleu", lang)])  # fmt: skip
    return rows


def _gap(count: int, name: str) -> float:
    return (count / 1e6 - PAPER_PARAMS_M[name]) / PAPER_PARAMS_M[name] * 100


@functools.cache
def _embedded_config() -> dict:
    import json

    folder = hub.read_catalogue()[DEFAULT_WEIGHTS].embedded_dir
    return json.loads((folder / "config.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Drawing: the attention map as a PNG, and the figures
# ---------------------------------------------------------------------------------------------


def _png_path() -> str:
    """A fresh temp file for one PNG; files older than an hour are removed on the way."""
    return fresh_file(PNG_DIR, "attention-", ".png")


def attention_png(m: np.ndarray, rows: list[str], cols: list[str], title: str) -> str:
    """The map as a PNG (queries down, keys across, token labels on both axes); its path."""
    return plots.save_heatmap(_png_path(), m, rows, cols, title, vmax=1.0)


# ---------------------------------------------------------------------------------------------
# Predict, then reveal (#8): the tab's question, its answer measured
# ---------------------------------------------------------------------------------------------

N_KEYS = 16  # the "Why √d_k" sub-tab's default: the same draws, so the same numbers as its figure


D_KS = [2**i for i in range(11)]  # 1 .. 1024, as that sub-tab computes them


@functools.cache
def _saturation() -> dict[str, list[float]]:
    return TL.softmax_saturation(D_KS, n_keys=N_KEYS)


def measure_saturation(lang: str) -> quiz.Reveal:
    """Transformer: the mean largest attention weight over 16 random keys at d_k = 1024, unscaled."""
    s = _saturation()
    p_raw, p_scaled = s["max_p_raw"][-1], s["max_p_scaled"][-1]
    # one key takes most of the weight / all keys about equal / neither
    answer = "saturates" if p_raw > 0.5 else "uniform" if p_raw < 2 / N_KEYS else "spread"
    md = text("quiz_tf_result", lang).format(
        n=N_KEYS, d=D_KS[-1], p_raw=p_raw, p_scaled=p_scaled, uni=1 / N_KEYS, sd=s["std_raw"][-1],
        g_raw=s["grad_raw"][-1], g_scaled=s["grad_scaled"][-1],
    )  # fmt: skip
    return quiz.Reveal(answer, md)


QUESTION = quiz.Question("transformer", "quiz_tf_q", (("quiz_tf_spread", "spread"), ("quiz_tf_one", "saturates"),
                                                    ("quiz_tf_uniform", "uniform")), measure_saturation)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------------

KIND_CHOICES = [(t(f"tf_kind_short_{k}"), k) for k in ("encoder", "decoder", "cross")]


# The views a sub-tab opens on (English, the UI's defaults): app.py warms them after start-up.
# Not the timing (complexity_first): measured in the background it would be disturbed.
# The paper figures' views (FIGURES) in Chinese too, and the translation Fig. 2 opens on, in both languages.
WARM = [(positional, (128, 100, "4, 5, 20, 60", 5, "en")), (scaling, (16, "en")),
        (schedule, (512, 4000, 100_000, "en")), (smoothing, (0.1, 10, "en")), (paper_check, ("en",)),
        (positional, (128, 100, "4, 5, 20, 60", 5, "zh")), (paper_check, ("zh",)),
        (run, (DEFAULT_TEXT, DEFAULT_WEIGHTS, 4, "en")), (run, (DEFAULT_TEXT, DEFAULT_WEIGHTS, 4, "zh"))] + [
    (_run, (e, DEFAULT_WEIGHTS, 4, lang)) for lang in ("en", "zh") for e in EXAMPLES]  # the examples: see build_tab  # fmt: skip

# Lecture mode: the paper's figures, one click (or ?tab=transformer&preset=fig2) each
FIGURES = {
    "fig2": lecture.Preset("tf_fig2", {"view": "transformer-translate", "text": DEFAULT_TEXT, "weights": DEFAULT_WEIGHTS,
                                       "beam": 4, "kind": "cross", "layer": 3, "head": HEADS_MEAN}),
    "table3": lecture.Preset("tf_table3", {"view": "transformer-check"}),
    "pe": lecture.Preset("tf_pe", {"view": "transformer-pe", "pe_d": 128, "pe_max": 100, "pe_dims": "4, 5, 20, 60",
                                   "pe_k": 5}),
}  # fmt: skip


TABLE1_COLS = ["col_layer_type", "col_complexity", "col_sequential", "col_path"]
TIMING_COLS = ["col_n", "col_sa_ms", "col_rnn_ms", "col_ratio"]
CHECK_COLS = ["col_quantity", "col_paper", "col_ours", "col_why"]


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    gr.Markdown(t("tf_claim"))
    quiz.block(QUESTION, lang)  # predict, then reveal (#8)
    figures_picker = lecture.picker(FIGURES)
    with gr.Tabs() as views:
        tr = _translate_tab(lang, tab)
        _steps_tab(lang, tr)
        pe = _positional_tab(lang)
        _scaling_tab(lang)
        _schedule_tab(lang)
        _smoothing_tab(lang)
        _complexity_tab(lang)
        _check_tab(lang)

    # Deep links (demos/lecture.py): ?tab=transformer&text=...&kind=encoder&layer=2, ?tab=transformer&preset=pe
    for key, component in [("view", views), ("text", tr.source), ("weights", tr.weights), ("beam", tr.beam),
                           ("kind", tr.kind), ("layer", tr.layer), ("head", tr.head), ("pe_d", pe.d),
                           ("pe_max", pe.max_pos), ("pe_dims", pe.dims), ("pe_k", pe.k)]:  # fmt: skip
        lecture.link(key, component)
    lecture.presets(figures_picker, FIGURES)
    # After a preset or a link: the translation and its attention maps (the sub-tab may be open
    # already), the positional encoding (its sliders may have moved)
    lecture.redraw(views, {
        "transformer-translate": (translate_view, [*tr.view_inputs, lang], tr.view_outputs),
        "transformer-pe": (positional, [*pe.inputs, lang], pe.outputs),
    })  # fmt: skip


def _translate_tab(lang: gr.Radio, tab: gr.Tab) -> SimpleNamespace:
    """Translate & attention: the sentence, its translation, every attention map, the alignment."""
    with gr.Tab(t("tf_sub_translate"), id="transformer-translate"):
        gr.Markdown(t("tf_translate_md"))
        with gr.Row():
            with gr.Column(scale=3):
                source = gr.Textbox(DEFAULT_TEXT, lines=2, max_lines=6, label=t("tf_source"),
                                    elem_id="transformer-source")  # fmt: skip
                with gr.Row():
                    weights = gr.Dropdown(WEIGHTS, value=DEFAULT_WEIGHTS, label=t("tf_weights"))
                    beam = gr.Slider(1, MAX_BEAM, value=4, step=1, label=t("tf_beam"))
                    go = gr.Button(t("tf_translate"), variant="primary")
                examples = gr.Examples([[e] for e in EXAMPLES], inputs=[source], label=t("tf_examples"))
            with gr.Column(scale=3):
                output = gr.Textbox(label=t("tf_output"), interactive=False, elem_id="transformer-output")
                tokens_md = gr.Markdown(elem_id="transformer-tokens")
                notice = gr.Markdown(elem_id="transformer-notice")
        gr.Markdown(t("tf_attn_md"))
        with gr.Row():
            kind = gr.Radio(KIND_CHOICES, value="cross", label=t("tf_kind"))
            # Choices follow the loaded model (controls); the callbacks check API values themselves.
            layer = gr.Dropdown([1, 2, 3], value=3, label=t("tf_layer"), allow_custom_value=True)
            head = gr.Dropdown([HEADS_MEAN, "1", "2", "3", "4"], value=HEADS_MEAN, label=t("tf_head"),
                               allow_custom_value=True)  # fmt: skip
            with gr.Column(min_width=160):
                png = gr.File(label=t("tf_png"), interactive=False, height=80)
                plots.svg_export(png)
        caption = gr.Markdown(elem_id="transformer-attention-caption")
        heat = gr.HTML(elem_id="transformer-heatmap")
        target = gr.Radio([], label=t("tf_target"), elem_id="transformer-target")
        target_index = gr.Number(0, precision=0, visible=False)  # the API's way to pick a token
        align = gr.HTML(elem_id="transformer-alignment")

    # Translate (on the button, Enter, or when the tab opens), then fill the attention views.
    tr_in = [source, weights, beam, lang]
    attn_in = [source, weights, beam, kind, layer, head, lang]
    align_in = [source, weights, beam, target_index, layer, head, lang]
    view_outputs = [output, tokens_md, notice, layer, head, target, target_index, heat, png, caption, align]
    private = dict(api_visibility="private")
    # "always_last": a click while the tab's first translation is still drawing its maps must not be
    # dropped (gradio's default "once" ignores a trigger while the same step is pending)
    last = dict(trigger_mode="always_last")
    (gr.on([tab.select, go.click, source.submit], translate, tr_in, [output, tokens_md, notice],
           api_name="transformer_translate", **last)
     .success(controls, [*tr_in, layer, head], [layer, head, target, target_index], **private, **last)
     .success(attention, attn_in, [heat, png, caption], **private, **last)
     .success(alignment, align_in, align, **private, **last))  # fmt: skip
    # A click on an example translates it and draws its maps at once (translated at start-up: WARM)
    examples.load_input_event.then(translate_view, [source, weights, beam, kind, layer, head, lang], view_outputs,
                                   **private)  # fmt: skip
    gr.on([kind.input, layer.input, head.input], attention, attn_in, [heat, png, caption],
          api_name="transformer_attention")  # fmt: skip
    target.input(lambda j: j, target, target_index, **private)
    gr.on([target_index.change, layer.input, head.input], alignment, align_in, align,
          api_name="transformer_alignment")  # fmt: skip
    return SimpleNamespace(source=source, weights=weights, beam=beam, kind=kind, layer=layer, head=head,
                           view_inputs=[source, weights, beam, kind, layer, head], view_outputs=view_outputs)


def _steps_tab(lang: gr.Radio, tr: SimpleNamespace) -> None:
    """Decoding step by step: the shifted input, the causal mask, the beam's candidates."""
    with gr.Tab(t("tf_sub_steps"), id="transformer-steps") as steps_tab:
        gr.Markdown(t("tf_steps_intro"))
        with gr.Row():
            top_k = gr.Slider(1, TOP_K, value=3, step=1, label=t("tf_topk"))
            show = gr.Button(t("tf_show"), variant="primary")
        steps_html = gr.HTML(elem_id="transformer-steps")
    gr.on([steps_tab.select, show.click], decoding_steps, [tr.source, tr.weights, tr.beam, top_k, lang], steps_html,
          api_name="transformer_steps")  # fmt: skip


def _positional_tab(lang: gr.Radio) -> SimpleNamespace:
    """Positional encoding (§3.5): the table, chosen dimensions, the offset check."""
    with gr.Tab(t("tf_sub_pe"), id="transformer-pe") as pe_tab:
        gr.Markdown(t("tf_pe_intro"))
        with gr.Row():
            d = gr.Slider(8, 1024, value=128, step=8, label=t("tf_pe_d"))
            max_pos = gr.Slider(10, 1000, value=100, step=10, label=t("tf_pe_max"))
            dims = gr.Textbox("4, 5, 20, 60", label=t("tf_pe_dims"))
            k = gr.Slider(1, 50, value=5, step=1, label=t("tf_pe_k"))
        md = gr.Markdown(elem_id="transformer-pe-md")
        with gr.Row():
            heat = plots.view()
            curves = plots.view()
    inputs, outputs = [d, max_pos, dims, k], [heat, curves, md]
    gr.on([pe_tab.select, d.release, max_pos.release, dims.submit, k.release], positional, [*inputs, lang], outputs,
          api_name="transformer_positional")  # fmt: skip
    return SimpleNamespace(d=d, max_pos=max_pos, dims=dims, k=k, inputs=inputs, outputs=outputs)


def _scaling_tab(lang: gr.Radio) -> None:
    """Why √d_k (§3.2.1): softmax saturation with and without the scale."""
    with gr.Tab(t("tf_sub_scale"), id="transformer-scale") as scale_tab:
        gr.Markdown(t("tf_scale_intro"))
        n_keys = gr.Slider(2, 256, value=16, step=1, label=t("tf_keys"))
        md = gr.Markdown()
        plot = plots.view()
    gr.on([scale_tab.select, n_keys.release], scaling, [n_keys, lang], [plot, md], api_name="transformer_scaling")


def _schedule_tab(lang: gr.Radio) -> None:
    """The warm-up schedule (§5.3, Eq. 3)."""
    with gr.Tab(t("tf_sub_lr"), id="transformer-lr") as lr_tab:
        gr.Markdown(t("tf_lr_intro"))
        with gr.Row():
            d = gr.Slider(64, 2048, value=512, step=64, label=t("tf_lr_d"))
            warmup = gr.Slider(100, 20_000, value=4000, step=100, label=t("tf_lr_w"))
            steps = gr.Slider(1000, 300_000, value=100_000, step=1000, label=t("tf_lr_steps"))
        md = gr.Markdown()
        plot = plots.view()
    gr.on([lr_tab.select, d.release, warmup.release, steps.release], schedule, [d, warmup, steps, lang], [plot, md],
          api_name="transformer_schedule")  # fmt: skip


def _smoothing_tab(lang: gr.Radio) -> None:
    """Label smoothing (§5.4): the target, and the loss it leaves."""
    with gr.Tab(t("tf_sub_ls"), id="transformer-ls") as ls_tab:
        gr.Markdown(t("tf_ls_intro"))
        with gr.Row():
            eps = gr.Slider(0.0, 0.9, value=0.1, step=0.01, label=t("tf_ls_eps"))
            vocab = gr.Slider(2, 50, value=10, step=1, label=t("tf_ls_v"))
        md = gr.Markdown()
        plot = plots.view()
    gr.on([ls_tab.select, eps.release, vocab.release], smoothing, [eps, vocab, lang], [plot, md],
          api_name="transformer_smoothing")  # fmt: skip


def _complexity_tab(lang: gr.Radio) -> None:
    """Table 1, and one self-attention layer against one recurrent layer, timed live."""
    with gr.Tab(t("tf_sub_cx"), id="transformer-cx") as cx_tab:
        gr.Markdown(t("tf_cx_intro"))
        table1 = gr.Dataframe(TABLE1, headers=columns(TABLE1_COLS), interactive=False)
        with gr.Row():
            max_n = gr.Slider(16, 2048, value=1024, step=16, label=t("tf_cx_maxn"))
            d = gr.Slider(64, 512, value=256, step=64, label=t("tf_cx_d"))
            measure = gr.Button(t("tf_measure"), variant="primary")
        md = gr.Markdown()
        with gr.Row():
            plot = plots.view()
            rows = gr.Dataframe(headers=columns(TIMING_COLS), interactive=False)
    io = dict(inputs=[max_n, d, lang], outputs=[table1, plot, rows, md], concurrency_limit=1,
              concurrency_id="transformer-timing")  # one timing at a time: they would disturb each other
    headers = {0: TABLE1_COLS, 2: TIMING_COLS}  # Table 1 and the timings, in the page's language
    cx_tab.select(with_columns(complexity_first, headers), **io, api_name="transformer_complexity_first")
    measure.click(with_columns(complexity, headers), **io, api_name="transformer_complexity", show_progress_on=md)


def _check_tab(lang: gr.Radio) -> None:
    """Paper check: the paper's numbers beside ours, each with why they agree or differ."""
    with gr.Tab(t("tf_sub_check"), id="transformer-check") as check_tab:
        gr.Markdown(t("tf_check_md"))
        check = gr.Dataframe(headers=columns(CHECK_COLS), interactive=False, wrap=True,
                             column_widths=["24%", "14%", "16%", "46%"])  # fmt: skip
    check_tab.select(with_columns(paper_check, {None: CHECK_COLS}), lang, check, api_name="transformer_paper_check")
