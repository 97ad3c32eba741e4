"""The BERT tab's attention sub-tab: the head view (one layer, lines between tokens), the model view
(layers x heads as thumbnails, heads that soak up attention on [CLS]/[SEP] framed) and one head
enlarged as a heat map. Callbacks, then the sub-tab's builder; `demos/bert.py` places it.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import numpy as np

from demos import html
from demos.bert_inputs import DEFAULT_WEIGHTS, MAX_CHARS, clean, encode, load
from demos.checks import fresh_file, whole_number
from demos.i18n import t, text
from demos.lazy import lazy
from demos.plots import bert as figures
from demos.plots import remember_svg, save_heatmap, svg_export
from demos.runtime import clear_on_failure
from lab import tab_defaults

torch = lazy("torch")
BL = lazy("lab.bert")
B = lazy("models.bert")

MAX_HEAD_VIEW = 64  # tokens drawn in the head view (the model view shows them all)
SOAK = 0.5  # a head is flagged when more than half its attention goes to [CLS]/[SEP]
PNG_DIR = Path(tempfile.gettempdir()) / "paper-gallery-bert"
ATTN_EXAMPLE = ("The cat sat on the mat.", "It was very happy.")


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


def head_view(
    sentence_a, sentence_b="", layer=1, head="all", token="all", weights=DEFAULT_WEIGHTS, lang="en"
):
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
    svg = html.head_view(
        tokens[:shown], maps[li, :, :shown, :shown], h, q if q is None or q < shown else None
    )
    md = text("bert_head_md", lang).format(layer=li + 1, L=L, A=A)
    if shown < T:
        md += " " + text("bert_head_truncated", lang).format(n=shown, T=T)
    if q is not None:
        w = maps[li, :, q, :].mean(0) if h in ("all", "mean") else maps[li, h - 1, q, :]
        top = np.argsort(-w)[:5]
        md += "\n\n" + text("bert_token_md", lang).format(
            tok=tokens[q],
            head=h if h not in ("all", "mean") else text("bert_mean_heads", lang),
            top=", ".join(f"`{tokens[j]}` ({j}) {100 * w[j]:.0f}%" for j in top),
        )
    flags = soaking(tokens, maps)  # (L, A): the same count as the model view's
    heads = [f"{text('bert_head', lang).lower()} {i + 1}" for i in np.flatnonzero(flags[li])]
    md += "\n\n" + text("bert_soak_layer", lang).format(
        n=len(heads),
        A=A,
        pct=round(100 * SOAK),
        which=text("bert_soak_which", lang).format(heads=", ".join(heads)) if heads else "",
        L=L,
        flagged=int(flags.sum()),
        total=L * A,
    )
    return svg, f"{md}\n\n{notice}"


def soaking(tokens: list[str], maps: np.ndarray) -> np.ndarray:
    """(L, A) bool: the heads that put more than SOAK of their attention on [CLS]/[SEP]; the head
    view counts one row of it, the model view all of it (framed in red)."""
    return BL.soak(tokens, maps).sum(-1) > SOAK


def attention_views(
    sentence_a,
    sentence_b="",
    layer=1,
    head="all",
    en_layer=1,
    en_head="mean",
    weights=DEFAULT_WEIGHTS,
    lang="en",
):
    """Everything the attention sub-tab shows, at once: when a preset or a link opens it (private)."""
    return (
        token_choices(sentence_a, sentence_b, weights, lang),
        *head_view(sentence_a, sentence_b, layer, head, "all", weights, lang),
        *model_view(sentence_a, sentence_b, weights, lang),
        *enlarge(sentence_a, sentence_b, en_layer, en_head, weights, lang),
    )


def model_view(sentence_a, sentence_b="", weights=DEFAULT_WEIGHTS, lang="en"):
    """All layers x heads as thumbnails (rows = layers, columns = heads); heads that soak up most
    of their attention on [CLS]/[SEP] are framed. Returns the image, a summary and a PNG file."""
    tokens, maps, notice = _attention_input(sentence_a, sentence_b, weights, lang)
    L, A, T, _ = maps.shape
    s = BL.soak(tokens, maps)
    flags = soaking(tokens, maps)  # (L, A)
    png = fresh_file(PNG_DIR, "bert-model-view-", ".png")
    figures.model_view_image(maps, flags).save(png)
    remember_svg(
        png, lambda: _model_view_figure(sentence_a, sentence_b, weights, lang)
    )  # its SVG: drawn again
    flagged = int(flags.sum())
    cls_share, sep_share = float(s[..., 0].mean()), float(s[..., 1].mean())
    md = text("bert_model_md", lang).format(
        L=L,
        A=A,
        T=T,
        flagged=flagged,
        total=L * A,
        by_layer=", ".join(str(int(n)) for n in flags.sum(-1)),
        pct=round(100 * SOAK),
        cls=100 * cls_share,
        sep=100 * sep_share,
    )
    return png, f"{md}\n\n{notice}", png


def _model_view_figure(sentence_a, sentence_b, weights, lang):
    tokens, maps, _ = _attention_input(sentence_a, sentence_b, weights, lang)
    return figures.model_view_figure(maps, soaking(tokens, maps))


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
    png_title = f"layer {li + 1}, " + (
        "mean of heads" if h == "mean" else f"head {h}"
    )  # figures stay in English
    table = html.heatmap(
        w, tokens, tokens, vmax=float(w.max())
    )  # colour relative to the strongest weight
    return (
        html.titled(title, text("bert_heat_axes", lang), table),
        _heatmap_png(tokens, w, png_title),
        notice,
    )


def _heatmap_png(tokens: list[str], w: np.ndarray, title: str) -> str:
    png = fresh_file(PNG_DIR, "bert-head-", ".png")
    return save_heatmap(
        png, w, tokens, tokens, title, xlabel="keys (attended to)", ylabel="queries (attending)"
    )


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
    return (
        gr.update(maximum=L, value=1),
        gr.update(choices=["all", "mean", *heads], value="all"),
        gr.update(maximum=L, value=1),
        gr.update(choices=["mean", *heads], value="mean"),
    )


def attention_tab(lang: gr.Radio, weights: gr.Dropdown) -> SimpleNamespace:
    """Attention: the head view (one layer), the model view (layers x heads), one head enlarged."""
    L = tab_defaults.BERT_SMALL_LAYERS
    with gr.Tab(t("bert_sub_attention"), id="bert-attention") as sub:
        gr.Markdown(t("bert_attention_intro"))
        with gr.Row():
            a = gr.Textbox(ATTN_EXAMPLE[0], label=t("bert_sentence_a"), max_length=MAX_CHARS)
            b = gr.Textbox(ATTN_EXAMPLE[1], label=t("bert_sentence_b"), max_length=MAX_CHARS)
        go = gr.Button(t("bert_attention_go"), variant="primary")
        with gr.Row():
            with gr.Column():
                with gr.Row():
                    layer = gr.Slider(1, L, value=1, step=1, label=t("bert_layer"))
                    head = gr.Dropdown(
                        ["all", "mean", *map(str, range(1, 5))],
                        value="all",
                        label=t("bert_heads"),
                        allow_custom_value=True,
                    )
                    token = gr.Dropdown(
                        ["all"], value="all", label=t("bert_pick_token"), allow_custom_value=True
                    )
                head_svg = gr.HTML(label=t("bert_head_view"), elem_id="bert-head-view")
                head_md = gr.Markdown()
            with gr.Column():
                mv_image = gr.Image(
                    label=t("bert_model_view"),
                    interactive=False,
                    type="filepath",
                    elem_id="bert-model-view",
                )
                mv_md = gr.Markdown()
                mv_png = gr.File(label=t("bert_png_model"), interactive=False)
                svg_export(mv_image)
        with gr.Row():
            en_layer = gr.Slider(1, L, value=1, step=1, label=t("bert_layer"))
            en_head = gr.Dropdown(
                ["mean", *map(str, range(1, 5))],
                value="mean",
                label=t("bert_head"),
                allow_custom_value=True,
            )
        en_html = gr.HTML(label=t("bert_enlarged"), elem_id="bert-enlarged")
        en_png = gr.File(label=t("bert_png_head"), interactive=False)
        svg_export(en_png)
        en_md = gr.Markdown()
    private = dict(api_visibility="private")
    weights.change(layer_choices, weights, [layer, head, en_layer, en_head], **private)
    hv_inputs = [a, b, layer, head, token, weights, lang]
    en_inputs = [a, b, en_layer, en_head, weights, lang]
    go.click(token_choices, [a, b, weights, lang], token, **private)
    hv_out, mv_out, en_out = (
        [head_svg, head_md],
        [mv_image, mv_md, mv_png],
        [en_html, en_png, en_md],
    )
    # A refused sentence (#19): each view is emptied at once and says why, not left as it was
    views = [
        (go.click(head_view, hv_inputs, hv_out, api_name="bert_head_view"), hv_out),
        (go.click(model_view, [a, b, weights, lang], mv_out, api_name="bert_model_view"), mv_out),
        (go.click(enlarge, en_inputs, en_out, api_name="bert_enlarge"), en_out),
    ]
    views += [
        (c.change(head_view, hv_inputs, hv_out, **private), hv_out) for c in (layer, head, token)
    ]
    views += [
        (c.change(enlarge, en_inputs, en_out, **private), en_out) for c in (en_layer, en_head)
    ]
    for event, outs in views:
        clear_on_failure(event, outs, lang)
    mv_image.select(model_view_click, weights, [en_layer, en_head], **private)
    outputs = [token, head_svg, head_md, mv_image, mv_md, mv_png, en_html, en_png, en_md]
    return SimpleNamespace(
        a=a,
        b=b,
        sub=sub,
        redraw=(attention_views, [a, b, layer, head, en_layer, en_head, weights, lang], outputs),
    )
