"""BERT tab: masked language modelling, next-sentence prediction, and the attention inside.

Pure callbacks first (plain data in, plain data, HTML or figures out), then the strings and
`build_tab()`. Paper: Devlin, Chang, Lee, Toutanova, "BERT: Pre-training of Deep Bidirectional
Transformers for Language Understanding", arXiv:1810.04805.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import numpy as np
import torch

from demos import html, lecture, quiz
from demos.checks import fresh_file, load_weights, whole_number
from demos.i18n import columns, register, t, text, with_columns
from demos.plots import bert as figures
from demos.plots import remember_svg, save_heatmap, svg_export
from demos.strings import bert as strings
from lab import bert as BL
from models import bert as B
from models import hub

register(strings.EN, strings.ZH)

WEIGHTS = ["bert_small.eltec", "bert_base.uncased"]
DEFAULT_WEIGHTS = "bert_small.eltec"
MAX_CHARS = 20_000  # longer text is refused before tokenizing
MAX_TOP_K = 20
MAX_HEAD_VIEW = 64  # tokens drawn in the head view (the model view shows them all)
SOAK = 0.5  # a head is flagged when more than half its attention goes to [CLS]/[SEP]
PNG_DIR = Path(tempfile.gettempdir()) / "paper-gallery-bert"
MASK_SPELLINGS = re.compile(r"\[\s*mask\s*\]|<mask>", re.IGNORECASE)
EXAMPLES = [
    "She opened the [MASK] and walked into the room.",
    "The [MASK] was shining brightly in the sky.",
    "He took off his [MASK] and sat down by the fire.",
    "It was the best of times, it was the worst of [MASK].",
    "The [MASK] [MASK] on the table were still warm.",
]
NSP_EXAMPLES = [
    ("She opened the door and walked into the room.", "A fire was burning in the grate."),
    ("She opened the door and walked into the room.", "The committee will publish its report in May."),
    ("The ship left the harbour at dawn.", "By noon the coast was out of sight."),
    ("The ship left the harbour at dawn.", "He had never liked the taste of tea."),
]
ATTN_EXAMPLE = ("The cat sat on the mat.", "It was very happy.")
ANATOMY_EXAMPLE = ("The cat sat on the mat.", "It was unbelievably comfortable.")
MASKING_EXAMPLE = "The old man walked slowly down the long road towards the village church."
# Table 6 (model-size ablation): (L, H, A) and the paper's #params where §3 gives them (BASE, LARGE)
TABLE6 = [(3, 768, 12, None), (6, 768, 3, None), (6, 768, 12, None), (12, 768, 12, 110e6), (12, 1024, 16, None),
          (24, 1024, 16, 340e6)]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Weights, tokenizer, and checking what came in
# ---------------------------------------------------------------------------------------------


@functools.cache
def _tokenizer(folder: str):
    return B.load_tokenizer(folder)


def load(weights: str, lang: str):
    """(model, tokenizer, notice) for `weights`, falling back to the embedded model."""
    loaded = load_weights(weights, WEIGHTS, DEFAULT_WEIGHTS, "bert_err_weights", lang)
    return loaded.model, _tokenizer(str(loaded.folder)), loaded.notice


def clean(value, lang: str, key: str = "bert_err_empty", optional: bool = False) -> str:
    """Text from the UI or the API: a string, not blank, not absurdly long; [mask] spellings
    normalized to [MASK]."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise gr.Error(text("bert_err_type", lang))
    value = value.strip()
    if not value and not optional:
        raise gr.Error(text(key, lang))
    if len(value) > MAX_CHARS:
        raise gr.Error(text("bert_err_chars", lang).format(n=len(value), max=MAX_CHARS))
    return MASK_SPELLINGS.sub("[MASK]", value)


def encode(tok, model: B.Bert, a: str, b: str | None, lang: str):
    """Tokenize "[CLS] A [SEP] (B [SEP])" and refuse what the model cannot read."""
    enc = tok.encode(a, b) if b else tok.encode(a)
    limit = model.config.max_position
    if len(enc.ids) > limit:
        raise gr.Error(text("bert_err_long", lang).format(n=len(enc.ids), max=limit))
    real = [i for i in enc.ids if i not in (model.config.cls_id, model.config.sep_id)]
    if real and all(i == model.config.unk_id for i in real):
        raise gr.Error(text("bert_err_allunk", lang))
    return enc


# ---------------------------------------------------------------------------------------------
# Fill-mask
# ---------------------------------------------------------------------------------------------


def fill_mask(sentence, top_k=5, weights=DEFAULT_WEIGHTS, lang="en"):
    """Top-k pieces for every [MASK], each predicted on its own (the paper's MLM objective).
    With the embedded weights the answer is remembered (256 sentences): the examples are answered
    at start-up (WARM), so a click on one is served without running the model."""
    if weights == DEFAULT_WEIGHTS and all(isinstance(x, (str, int, float)) for x in (sentence, top_k, lang)):
        return _fill_mask_embedded(sentence, top_k, lang)
    return _fill_mask(sentence, top_k, weights, lang)


@functools.lru_cache(maxsize=256)
def _fill_mask_embedded(sentence, top_k, lang):
    return _fill_mask(sentence, top_k, DEFAULT_WEIGHTS, lang)


def _fill_mask(sentence, top_k=5, weights=DEFAULT_WEIGHTS, lang="en"):
    sentence = clean(sentence, lang)
    k = whole_number(top_k, 1, MAX_TOP_K, "bert_err_topk", lang)
    model, tok, notice = load(weights, lang)
    if "[MASK]" not in sentence:
        raise gr.Error(text("bert_err_nomask", lang))
    encode(tok, model, sentence, None, lang)
    fm = B.fill_mask(model, tok, sentence, top_k=k)
    if not fm.predictions:  # [MASK] glued inside a word the tokenizer kept whole
        raise gr.Error(text("bert_err_nomask", lang))
    preds = [{"mask": n + 1, "position": p.position,
              "candidates": [{"token": s, "prob": round(q, 4)} for s, q in zip(p.tokens, p.probs)]}
             for n, p in enumerate(fm.predictions)]  # fmt: skip
    filled = list(fm.tokens)
    for p in fm.predictions:
        filled[p.position] = f"**{p.tokens[0]}**"
    words = " ".join(x for x in filled[1:-1]).replace(" ##", "")
    md = text("bert_fill_md", lang).format(filled=words, n=len(preds))
    if len(preds) > 1:
        md += "\n\n" + text("bert_fill_independent", lang)
    return html.fill_bars(preds, lang), f"{md}\n\n{notice}", preds


# ---------------------------------------------------------------------------------------------
# Input anatomy: the paper's Fig. 2 drawn from the real input
# ---------------------------------------------------------------------------------------------


def anatomy(sentence_a, sentence_b="", weights=DEFAULT_WEIGHTS, lang="en"):
    """Pieces, ids, segments and positions of "[CLS] A [SEP] B [SEP]", as in Fig. 2."""
    a = clean(sentence_a, lang)
    b = clean(sentence_b, lang, optional=True) or None
    model, tok, notice = load(weights, lang)
    enc = encode(tok, model, a, b, lang)
    rows = [[i, s, n, seg] for i, (s, n, seg) in enumerate(zip(enc.tokens, enc.ids, enc.type_ids))]
    return html.input_anatomy(enc.tokens, enc.type_ids, B.SPECIAL_TOKENS, lang), rows, notice


# ---------------------------------------------------------------------------------------------
# Masking demo: the 15% / 80-10-10 procedure on a sentence, and what the model recovers
# ---------------------------------------------------------------------------------------------

def masking_demo(sentence, seed=0, weights=DEFAULT_WEIGHTS, lang="en"):
    """Corrupt one sentence as in pre-training, then ask the model for the chosen tokens."""
    sentence = clean(sentence, lang)
    s = whole_number(seed, 0, 2**31 - 1, "bert_err_seed", lang)
    model, tok, notice = load(weights, lang)
    enc = encode(tok, model, sentence.replace("[MASK]", " "), None, lang)
    ids = torch.tensor([enc.ids])
    m = B.mask_tokens(ids, model.config, torch.Generator().manual_seed(s))
    with torch.no_grad():
        logits = model(m.input_ids).mlm_logits[0]  # (T, V)
    guess = logits.argmax(-1)
    pieces, right, rows = [], 0, []
    for i, (orig, kind) in enumerate(zip(enc.ids, m.kind[0].tolist())):
        shown = tok.id_to_token(int(m.input_ids[0, i]))
        pieces.append((shown, tok.id_to_token(orig), kind))
        if kind == 0:
            continue
        ok = int(guess[i]) == orig
        right += ok
        g = tok.id_to_token(int(guess[i]))
        rows.append([i, tok.id_to_token(orig), text(f"bert_kind_{kind}", lang), shown, g, "✓" if ok else "✗"])
    html_out = html.masked_sentence(pieces, lang)
    n_real = sum(1 for i in enc.ids if i not in (model.config.cls_id, model.config.sep_id))
    md = text("bert_masking_md", lang).format(n=len(rows), real=n_real, right=right)
    return html_out, rows, f"{md}\n\n{notice}"


# ---------------------------------------------------------------------------------------------
# Next-sentence prediction
# ---------------------------------------------------------------------------------------------


def next_sentence(sentence_a, sentence_b, weights=DEFAULT_WEIGHTS, lang="en"):
    """P(IsNext) for "[CLS] A [SEP] B [SEP]" from the NSP head over the pooled [CLS] vector."""
    a = clean(sentence_a, lang)
    b = clean(sentence_b, lang, key="bert_err_empty_b")
    model, tok, notice = load(weights, lang)
    enc = encode(tok, model, a, b, lang)
    with torch.no_grad():
        out = model(torch.tensor([enc.ids]), torch.tensor([enc.type_ids]))
    p = float(out.nsp_logits[0].softmax(-1)[0])
    verdict = text("bert_isnext" if p >= 0.5 else "bert_notnext", lang)
    md = text("bert_nsp_md", lang).format(p=100 * p, verdict=verdict)
    return {text("bert_isnext", lang): p, text("bert_notnext", lang): 1 - p}, f"{md}\n\n{notice}"


def nsp_example(choice: str | None):
    """A preset pair of sentences for the two boxes (private)."""
    for i, (a, b) in enumerate(NSP_EXAMPLES):
        if choice == _pair_label(i):
            return a, b
    return gr.update(), gr.update()


def _pair_label(i: int) -> str:
    a, b = NSP_EXAMPLES[i]
    return f"{a} / {b}"


# ---------------------------------------------------------------------------------------------
# Attention: head view (one layer, lines between tokens) and model view (layers x heads)
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _attention(weights: str, a: str, b: str | None):
    """(tokens, maps (L, A, T, T) numpy) for one input; cached across the views."""
    model, tok, _ = load(weights, "en")
    enc = tok.encode(a, b) if b else tok.encode(a)
    with torch.no_grad():
        out = model(torch.tensor([enc.ids]), torch.tensor([enc.type_ids]), return_attention=True)
    maps = torch.stack([m[0] for m in out.attentions]).numpy()  # (L, A, T, T)
    return list(enc.tokens), maps


def _attention_input(sentence_a, sentence_b, weights, lang):
    a = clean(sentence_a, lang)
    b = clean(sentence_b, lang, optional=True) or None
    model, tok, notice = load(weights, lang)
    encode(tok, model, a, b, lang)  # the checks, with messages
    tokens, maps = _attention(weights, a, b)
    return tokens, maps, notice


def _head_choice(head, A: int, lang: str, allow_all: bool = True) -> int | str:
    h = str(head).strip().lower() if head is not None else "all"
    if h in ("all", "mean") and (allow_all or h == "mean"):
        return h
    if h == "all":
        return "mean"
    try:
        v = int(h)
    except ValueError:
        v = -1
    if not 1 <= v <= A:
        raise gr.Error(text("bert_err_head", lang).format(A=A))
    return v


def token_choices(sentence_a, sentence_b="", weights=DEFAULT_WEIGHTS, lang="en"):
    """The tokens of the input as choices for "pick a token" (private)."""
    try:
        tokens, _, _ = _attention_input(sentence_a, sentence_b, weights, lang)
    except gr.Error:
        return gr.update(choices=["all"], value="all")
    return gr.update(choices=["all"] + [f"{i}: {tk}" for i, tk in enumerate(tokens)], value="all")


def head_view(sentence_a, sentence_b="", layer=1, head="all", token="all", weights=DEFAULT_WEIGHTS,
              lang="en"):  # fmt: skip
    """One layer: lines from each token (left, the query) to the tokens it attends to (right, the
    keys), weighted by attention; all heads in their colours, one head, or their mean."""
    tokens, maps, notice = _attention_input(sentence_a, sentence_b, weights, lang)
    L, A, T, _ = maps.shape
    li = whole_number(layer, 1, L, "bert_err_layer", lang) - 1
    h = _head_choice(head, A, lang)
    q = None
    if token not in (None, "", "all"):
        try:
            q = int(str(token).split(":")[0])
        except ValueError:
            q = -1
        if not 0 <= q < T:
            raise gr.Error(text("bert_err_token", lang).format(T=T - 1))
    shown = min(T, MAX_HEAD_VIEW)
    svg = html.head_view(tokens[:shown], maps[li, :, :shown, :shown], h, q if q is None or q < shown else None)
    s = BL.soak(tokens, maps)[li]  # (A, 2)
    md = text("bert_head_md", lang).format(layer=li + 1, L=L, A=A)
    if shown < T:
        md += " " + text("bert_head_truncated", lang).format(n=shown, T=T)
    if q is not None:
        w = maps[li, :, q, :].mean(0) if h in ("all", "mean") else maps[li, h - 1, q, :]
        top = np.argsort(-w)[:5]
        md += "\n\n" + text("bert_token_md", lang).format(
            tok=tokens[q], head=h if h not in ("all", "mean") else text("bert_mean_heads", lang),
            top=", ".join(f"`{tokens[j]}` ({j}) {100 * w[j]:.0f}%" for j in top))  # fmt: skip
    flagged = [f"{i + 1}" for i in range(A) if s[i].sum() > SOAK]
    if flagged:
        md += "\n\n" + text("bert_soak_layer", lang).format(heads=", ".join(flagged), pct=round(100 * SOAK))
    return svg, f"{md}\n\n{notice}"


def attention_views(sentence_a, sentence_b="", layer=1, head="all", en_layer=1, en_head="mean",
                    weights=DEFAULT_WEIGHTS, lang="en"):  # fmt: skip
    """Everything the attention sub-tab shows, at once: when a preset or a link opens it (private)."""
    return (token_choices(sentence_a, sentence_b, weights, lang),
            *head_view(sentence_a, sentence_b, layer, head, "all", weights, lang),
            *model_view(sentence_a, sentence_b, weights, lang),
            *enlarge(sentence_a, sentence_b, en_layer, en_head, weights, lang))  # fmt: skip


def model_view(sentence_a, sentence_b="", weights=DEFAULT_WEIGHTS, lang="en"):
    """All layers x heads as thumbnails (rows = layers, columns = heads); heads that soak up most
    of their attention on [CLS]/[SEP] are framed. Returns the image, a summary and a PNG file."""
    tokens, maps, notice = _attention_input(sentence_a, sentence_b, weights, lang)
    L, A, T, _ = maps.shape
    s = BL.soak(tokens, maps)
    png = fresh_file(PNG_DIR, "bert-model-view-", ".png")
    figures.model_view_image(maps, s.sum(-1) > SOAK).save(png)
    remember_svg(png, lambda: _model_view_figure(sentence_a, sentence_b, weights, lang))  # its SVG: drawn again
    flagged = int((s.sum(-1) > SOAK).sum())
    cls_share, sep_share = float(s[..., 0].mean()), float(s[..., 1].mean())
    md = text("bert_model_md", lang).format(L=L, A=A, T=T, flagged=flagged, total=L * A, pct=round(100 * SOAK),
                                            cls=100 * cls_share, sep=100 * sep_share)  # fmt: skip
    return png, f"{md}\n\n{notice}", png


def _model_view_figure(sentence_a, sentence_b, weights, lang):
    tokens, maps, _ = _attention_input(sentence_a, sentence_b, weights, lang)
    return figures.model_view_figure(maps, BL.soak(tokens, maps).sum(-1) > SOAK)


def enlarge(sentence_a, sentence_b="", layer=1, head="mean", weights=DEFAULT_WEIGHTS, lang="en"):
    """One head (or the layer's mean) as a heatmap table: rows = queries, columns = keys, value
    on hover; plus the same map as a PNG with the tokens on both axes."""
    tokens, maps, notice = _attention_input(sentence_a, sentence_b, weights, lang)
    L, A, T, _ = maps.shape
    li = whole_number(layer, 1, L, "bert_err_layer", lang) - 1
    h = _head_choice(head, A, lang, allow_all=False)
    w = maps[li].mean(0) if h == "mean" else maps[li, h - 1]
    name = text("bert_mean_heads", lang) if h == "mean" else f"{text('bert_head', lang)} {h}"
    title = f"{text('bert_layer', lang)} {li + 1}, {name}"
    png_title = f"layer {li + 1}, " + ("mean of heads" if h == "mean" else f"head {h}")  # figures stay in English
    table = html.heatmap(w, tokens, tokens, vmax=float(w.max()))  # colour relative to the strongest weight
    return html.titled(title, text("bert_heat_axes", lang), table), _heatmap_png(tokens, w, png_title), notice


def _heatmap_png(tokens: list[str], w: np.ndarray, title: str) -> str:
    png = fresh_file(PNG_DIR, "bert-head-", ".png")
    return save_heatmap(png, w, tokens, tokens, title, xlabel="keys (attended to)", ylabel="queries (attending)")


def model_view_click(evt: gr.SelectData, weights=DEFAULT_WEIGHTS):
    """A click on the model view -> the layer and head under the pointer (private)."""
    try:
        model, _, _ = load(weights, "en")
    except gr.Error:
        return gr.update(), gr.update()
    x, y = evt.index if isinstance(evt.index, (list, tuple)) else (-1, -1)
    return mv_cell(model.config.L, model.config.A, x, y)


def mv_cell(L: int, A: int, x: float, y: float):
    """A pixel of the model view -> (layer, head) under it, or no change outside the thumbnails."""
    _, _, x0, y0, cw, ch = figures.model_view_geometry(L, A)
    col, row = (x - x0) / cw, (y - y0) / ch
    if not (0 <= col < A and 0 <= row < L):
        return gr.update(), gr.update()
    return int(row) + 1, str(int(col) + 1)


def layer_choices(weights=DEFAULT_WEIGHTS):
    """Layer slider and head choices for the chosen weights (private)."""
    try:
        model, _, _ = load(weights, "en")
    except gr.Error:
        return gr.update(), gr.update(), gr.update(), gr.update()
    L, A = model.config.L, model.config.A
    heads = [str(i) for i in range(1, A + 1)]
    return (gr.update(maximum=L, value=1), gr.update(choices=["all", "mean", *heads], value="all"),
            gr.update(maximum=L, value=1), gr.update(choices=["mean", *heads], value="mean"))  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Paper check
# ---------------------------------------------------------------------------------------------


def paper_check(weights=DEFAULT_WEIGHTS, lang="en"):
    """Parameter counts of BASE and LARGE from our module beside the paper's, the masking rates
    measured, and the embedded model's pre-training scores beside the targets."""
    rows = []
    for name in ("base", "large"):
        cfg = B.PRESETS[name]
        ours, formula, paper = BL.preset_params(name), BL.params_formula(cfg), B.PAPER_PARAMS[name]
        rows.append([f"BERT-{name.upper()} (L={cfg.L}, H={cfg.H}, A={cfg.A})", f"{ours:,}", f"{formula:,}",
                     f"{paper / 1e6:.0f} M", f"{100 * (ours - paper) / paper:+.1f}%", text("bert_why_params", lang)])  # fmt: skip
    try:
        model, _, notice = load(weights, lang)
        cfg = model.config
        rows.append([text("bert_loaded", lang).format(L=cfg.L, H=cfg.H, A=cfg.A), f"{B.count_params(cfg):,}",
                     f"{BL.params_formula(cfg):,}", "—", "—", text("bert_why_loaded", lang).format(V=cfg.vocab_size)])  # fmt: skip
    except gr.Error as e:
        notice = str(e)
    for L, H, A, paper in TABLE6:  # the model-size ablation: 4H feed-forward, 30,522 pieces
        cfg = B.BertConfig(L=L, H=H, A=A, d_ff=4 * H)
        ours = BL.size_params(L, H, A)
        rows.append([text("bert_table6_row", lang).format(L=L, H=H, A=A), f"{ours:,}", f"{BL.params_formula(cfg):,}",
                     f"{paper / 1e6:.0f} M" if paper else "—", f"{100 * (ours - paper) / paper:+.1f}%" if paper else "—",
                     text("bert_why_table6", lang)])  # fmt: skip
    r = BL.masking_rates()
    md = text("bert_rates_md", lang).format(n=r["n"], chosen=100 * r["chosen"], mask=100 * r["mask"],
                                            random=100 * r["random"], kept=100 * r["kept"])  # fmt: skip
    md += "\n\n" + pretraining_scores(lang)
    return rows, f"{md}\n\n{notice}"


def pretraining_scores(lang: str) -> str:
    entry = hub.read_catalogue()[DEFAULT_WEIGHTS]
    path = entry.embedded_dir / "training_log.json"
    if not path.exists():
        return text("bert_no_log", lang)
    log = json.loads(path.read_text())
    f = log["final"]
    nov, wiki = f["heldout_novels"], f["wikitext2_valid"]
    ok = {True: "✓", False: "✗"}
    return text("bert_scores_md", lang).format(
        acc=100 * nov["mlm_acc"], ppl=nov["mlm_ppl"], nsp=100 * nov["nsp_acc"], n=nov["mlm_n"],
        wacc=100 * wiki["mlm_acc"], wppl=wiki["mlm_ppl"], wnsp=100 * wiki["nsp_acc"],
        ok_acc=ok[nov["mlm_acc"] >= 0.40], ok_nsp=ok[nov["nsp_acc"] >= 0.85],
        steps=log["steps"], minutes=log["train_minutes"], tokens=log["tokens_seen"] / 1e6)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Predict, then reveal (#8): the tab's question, its answer measured
# ---------------------------------------------------------------------------------------------

MASK_SENTENCE = "She opened the [MASK] and walked into the room."


WORDS = ("door", "window", "the", ",")  # two the sentence invites, two the small model rates high


def measure_fill(lang: str) -> quiz.Reveal:
    """BERT: the embedded model's probability of each choice in the [MASK], and its own top-5."""
    model, tok, _ = load(DEFAULT_WEIGHTS, lang)  # the embedded model (or a clear gr.Error)
    with torch.inference_mode():
        fm = B.fill_mask(model, tok, MASK_SENTENCE, top_k=model.config.vocab_size)  # every piece, ranked
    p = fm.predictions[0]
    prob = dict(zip(p.tokens, p.probs))
    rank = {w: i + 1 for i, w in enumerate(p.tokens)}
    answer = max(WORDS, key=lambda w: prob.get(w, 0.0))
    _, _, shown = fill_mask(MASK_SENTENCE, 5, DEFAULT_WEIGHTS, lang)
    top5 = " · ".join(f"**{c['token']}** {100 * c['prob']:.1f}%" for c in shown[0]["candidates"])  # as the tab shows
    yours = " · ".join(f"{w} #{rank.get(w, '–')} ({100 * prob.get(w, 0.0):.2f}%)" for w in WORDS)
    why = "quiz_bert_why_context" if answer in ("door", "window") else "quiz_bert_why_frequency"
    meta = getattr(hub.read_catalogue().get(DEFAULT_WEIGHTS), "meta", {})  # measured by training/bert.py
    minutes, acc = meta.get("train_minutes"), meta.get("heldout_mlm_acc")
    why_md = text(why, lang).format(minutes="?" if minutes is None else f"{minutes:.0f}",
                                    acc="?" if acc is None else f"{100 * acc:.1f}")  # fmt: skip
    md = text("quiz_bert_result", lang).format(name=DEFAULT_WEIGHTS, sentence=MASK_SENTENCE, top5=top5,
                                               yours=yours)  # fmt: skip
    return quiz.Reveal(answer, f"{md}\n\n{why_md}")


QUESTION = quiz.Question("bert", "quiz_bert_q", (("quiz_bert_door", "door"), ("quiz_bert_window", "window"),
                                        ("quiz_bert_the", "the"), ("quiz_bert_comma", ",")), measure_fill)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------------

# Lecture mode: the paper's figures, one click (or ?tab=bert&preset=fig2) each
FIGURES = {
    "fig1_mlm": lecture.Preset("bert_fig1_mlm", {"view": "bert-masking", "mask_text": MASKING_EXAMPLE, "mask_seed": 0}),
    "fig1_nsp": lecture.Preset("bert_fig1_nsp", {"view": "bert-nsp", "nsp_a": NSP_EXAMPLES[0][0],
                                                 "nsp_b": NSP_EXAMPLES[0][1]}),
    "fig2": lecture.Preset("bert_fig2", {"view": "bert-anatomy", "anat_a": ANATOMY_EXAMPLE[0],
                                         "anat_b": ANATOMY_EXAMPLE[1]}),
    "table6": lecture.Preset("bert_table6", {"view": "bert-check"}),
}  # fmt: skip
# Table 6's view (the paper check: loads the embedded model, counts every size, measures the masking
# rates), computed once by app.py after start-up so that the preset opens at once.
WARM = [(paper_check, (DEFAULT_WEIGHTS, "en"))] + [
    (fill_mask, (e, 5, DEFAULT_WEIGHTS, lang)) for lang in ("en", "zh") for e in EXAMPLES]  # the examples


ANATOMY_COLS = ["bert_col_position", "bert_col_piece", "bert_col_id", "bert_col_segment"]
MASKING_COLS = ["bert_col_position", "bert_col_original", "bert_col_kind", "bert_col_shown", "bert_col_guess",
                "bert_col_ok"]  # fmt: skip
CHECK_COLS = ["bert_col_model", "bert_col_ours", "bert_col_formula", "bert_col_paper", "bert_col_gap",
              "bert_col_why"]  # fmt: skip


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    gr.Markdown(t("bert_claim"))
    quiz.block(QUESTION, lang)  # predict, then reveal (#8)
    figures_picker = lecture.picker(FIGURES)
    weights = gr.Dropdown(WEIGHTS, value=DEFAULT_WEIGHTS, label=t("bert_weights"), elem_id="bert-weights")
    with gr.Tabs() as views:
        fill = _fill_tab(lang, weights)
        anatomy_ = _anatomy_tab(lang, weights)
        masking = _masking_tab(lang, weights)
        nsp = _nsp_tab(lang, weights)
        attn = _attention_tab(lang, weights)
        _check_tab(lang, weights)

    # Deep links (demos/lecture.py): ?tab=bert&fill=The [MASK] is red., ?tab=bert&preset=fig2, ...
    for key, component in [("view", views), ("fill", fill.sentence), ("anat_a", anatomy_.a), ("anat_b", anatomy_.b),
                           ("mask_text", masking.text), ("mask_seed", masking.seed), ("nsp_a", nsp.a), ("nsp_b", nsp.b),
                           ("attn_a", attn.a), ("attn_b", attn.b)]:  # fmt: skip
        lecture.link(key, component)
    lecture.presets(figures_picker, FIGURES)
    # The views draw on a click; after a preset or a link, the one that is open draws (the paper check
    # draws when its sub-tab opens)
    lecture.redraw(views, {"bert-fill": fill.redraw, "bert-anatomy": anatomy_.redraw, "bert-masking": masking.redraw,
                           "bert-nsp": nsp.redraw, "bert-attention": attn.redraw})  # fmt: skip


def _fill_tab(lang: gr.Radio, weights: gr.Dropdown) -> SimpleNamespace:
    """Fill-mask: the top-k pieces for every [MASK]."""
    with gr.Tab(t("bert_sub_fill"), id="bert-fill"):
        gr.Markdown(t("bert_fill_intro"))
        with gr.Row():
            sentence = gr.Textbox(EXAMPLES[0], label=t("bert_sentence"), max_length=MAX_CHARS,
                                  elem_id="bert-fill-text", scale=4)  # fmt: skip
            top_k = gr.Slider(1, MAX_TOP_K, value=5, step=1, label=t("bert_topk"), scale=1)
        go = gr.Button(t("bert_fill_go"), variant="primary")
        out = gr.HTML(elem_id="bert-fill-out")
        md = gr.Markdown(elem_id="bert-fill-md")
        with gr.Accordion(t("bert_predictions"), open=False):
            preds = gr.JSON()
        examples = gr.Examples([[e] for e in EXAMPLES], inputs=[sentence], label=t("bert_examples"))
    inputs, outputs = [sentence, top_k, weights, lang], [out, md, preds]
    go.click(fill_mask, inputs, outputs, api_name="bert_fill_mask")
    # A click on an example answers it at once (answered at start-up: WARM)
    examples.load_input_event.then(fill_mask, inputs, outputs, api_visibility="private")
    sentence.submit(fill_mask, inputs, outputs, api_visibility="private")
    return SimpleNamespace(sentence=sentence, redraw=(fill_mask, inputs, outputs))


def _anatomy_tab(lang: gr.Radio, weights: gr.Dropdown) -> SimpleNamespace:
    """Input anatomy: the paper's Fig. 2 drawn from the real input."""
    with gr.Tab(t("bert_sub_anatomy"), id="bert-anatomy"):
        gr.Markdown(t("bert_anatomy_intro"))
        with gr.Row():
            a = gr.Textbox(ANATOMY_EXAMPLE[0], label=t("bert_sentence_a"), max_length=MAX_CHARS)
            b = gr.Textbox(ANATOMY_EXAMPLE[1], label=t("bert_sentence_b"), max_length=MAX_CHARS)
        go = gr.Button(t("bert_anatomy_go"), variant="primary")
        fig2 = gr.HTML(elem_id="bert-fig2")
        table = gr.Dataframe(headers=columns(ANATOMY_COLS), label=t("bert_anatomy_table"), interactive=False)
        md = gr.Markdown()
    fn, inputs, outputs = with_columns(anatomy, {1: ANATOMY_COLS}), [a, b, weights, lang], [fig2, table, md]
    go.click(fn, inputs, outputs, api_name="bert_anatomy")
    return SimpleNamespace(a=a, b=b, redraw=(fn, inputs, outputs))


def _masking_tab(lang: gr.Radio, weights: gr.Dropdown) -> SimpleNamespace:
    """Masking: the 15% / 80-10-10 procedure on a sentence, and what the model recovers."""
    with gr.Tab(t("bert_sub_masking"), id="bert-masking"):
        gr.Markdown(t("bert_masking_intro"))
        with gr.Row():
            text_ = gr.Textbox(MASKING_EXAMPLE, label=t("bert_sentence"), max_length=MAX_CHARS, scale=4)
            seed = gr.Number(0, label=t("bert_seed"), precision=0, minimum=0, scale=1)
        go = gr.Button(t("bert_masking_go"), variant="primary")
        out = gr.HTML(elem_id="bert-masked")
        table = gr.Dataframe(headers=columns(MASKING_COLS), label=t("bert_masking_table"), interactive=False)
        md = gr.Markdown()
    fn, inputs, outputs = with_columns(masking_demo, {1: MASKING_COLS}), [text_, seed, weights, lang], [out, table, md]
    go.click(fn, inputs, outputs, api_name="bert_masking")
    return SimpleNamespace(text=text_, seed=seed, redraw=(fn, inputs, outputs))


def _nsp_tab(lang: gr.Radio, weights: gr.Dropdown) -> SimpleNamespace:
    """Next-sentence prediction: P(IsNext) for a pair."""
    with gr.Tab(t("bert_sub_nsp"), id="bert-nsp"):
        gr.Markdown(t("bert_nsp_intro"))
        pairs = gr.Dropdown([_pair_label(i) for i in range(len(NSP_EXAMPLES))], value=None,
                            label=t("bert_nsp_examples"))  # fmt: skip
        with gr.Row():
            a = gr.Textbox(NSP_EXAMPLES[0][0], label=t("bert_sentence_a"), max_length=MAX_CHARS)
            b = gr.Textbox(NSP_EXAMPLES[0][1], label=t("bert_sentence_b_nsp"), max_length=MAX_CHARS)
        go = gr.Button(t("bert_nsp_go"), variant="primary")
        label = gr.Label(label=t("bert_nsp_result"), elem_id="bert-nsp-label")
        md = gr.Markdown()
    inputs, outputs = [a, b, weights, lang], [label, md]
    pairs.change(nsp_example, pairs, [a, b], api_visibility="private")
    go.click(next_sentence, inputs, outputs, api_name="bert_nsp")
    return SimpleNamespace(a=a, b=b, redraw=(next_sentence, inputs, outputs))


def _attention_tab(lang: gr.Radio, weights: gr.Dropdown) -> SimpleNamespace:
    """Attention: the head view (one layer), the model view (layers x heads), one head enlarged."""
    L = B.PRESETS["small"].L
    with gr.Tab(t("bert_sub_attention"), id="bert-attention"):
        gr.Markdown(t("bert_attention_intro"))
        with gr.Row():
            a = gr.Textbox(ATTN_EXAMPLE[0], label=t("bert_sentence_a"), max_length=MAX_CHARS)
            b = gr.Textbox(ATTN_EXAMPLE[1], label=t("bert_sentence_b"), max_length=MAX_CHARS)
        go = gr.Button(t("bert_attention_go"), variant="primary")
        with gr.Row():
            with gr.Column():
                with gr.Row():
                    layer = gr.Slider(1, L, value=1, step=1, label=t("bert_layer"))
                    head = gr.Dropdown(["all", "mean", *map(str, range(1, 5))], value="all",
                                       label=t("bert_heads"), allow_custom_value=True)  # fmt: skip
                    token = gr.Dropdown(["all"], value="all", label=t("bert_pick_token"), allow_custom_value=True)
                head_svg = gr.HTML(label=t("bert_head_view"), elem_id="bert-head-view")
                head_md = gr.Markdown()
            with gr.Column():
                mv_image = gr.Image(label=t("bert_model_view"), interactive=False, type="filepath",
                                    elem_id="bert-model-view")  # fmt: skip
                mv_md = gr.Markdown()
                mv_png = gr.File(label=t("bert_png_model"), interactive=False)
                svg_export(mv_image)
        with gr.Row():
            en_layer = gr.Slider(1, L, value=1, step=1, label=t("bert_layer"))
            en_head = gr.Dropdown(["mean", *map(str, range(1, 5))], value="mean", label=t("bert_head"),
                                  allow_custom_value=True)  # fmt: skip
        en_html = gr.HTML(label=t("bert_enlarged"), elem_id="bert-enlarged")
        en_png = gr.File(label=t("bert_png_head"), interactive=False)
        svg_export(en_png)
        en_md = gr.Markdown()
    private = dict(api_visibility="private")
    weights.change(layer_choices, weights, [layer, head, en_layer, en_head], **private)
    hv_inputs = [a, b, layer, head, token, weights, lang]
    en_inputs = [a, b, en_layer, en_head, weights, lang]
    go.click(token_choices, [a, b, weights, lang], token, **private)
    go.click(head_view, hv_inputs, [head_svg, head_md], api_name="bert_head_view")
    go.click(model_view, [a, b, weights, lang], [mv_image, mv_md, mv_png], api_name="bert_model_view")
    go.click(enlarge, en_inputs, [en_html, en_png, en_md], api_name="bert_enlarge")
    for c in (layer, head, token):
        c.change(head_view, hv_inputs, [head_svg, head_md], **private)
    for c in (en_layer, en_head):
        c.change(enlarge, en_inputs, [en_html, en_png, en_md], **private)
    mv_image.select(model_view_click, weights, [en_layer, en_head], **private)
    outputs = [token, head_svg, head_md, mv_image, mv_md, mv_png, en_html, en_png, en_md]
    return SimpleNamespace(a=a, b=b, redraw=(attention_views, [a, b, layer, head, en_layer, en_head, weights, lang],
                                             outputs))  # fmt: skip


def _check_tab(lang: gr.Radio, weights: gr.Dropdown) -> None:
    """Paper check: parameter counts, masking rates, the embedded model's pre-training scores."""
    with gr.Tab(t("bert_sub_check"), id="bert-check") as check_tab:
        gr.Markdown(t("bert_check_intro"))
        check = gr.Dataframe(headers=columns(CHECK_COLS), interactive=False, wrap=True)
        md = gr.Markdown(elem_id="bert-check-md")
    check_tab.select(with_columns(paper_check, {0: CHECK_COLS}), [weights, lang], [check, md],
                     api_name="bert_paper_check")  # fmt: skip
