"""Transformer tab: translate English to German and look inside: every attention map and the
decoding step by step; the explorers for the paper's design choices and the paper check are in
`demos/transformer_explorers.py`. Paper: Vaswani et al., "Attention Is All You Need",
arXiv:1706.03762.

Callbacks first (plain data in, plain data, HTML or a PNG out), then the tab's question and
`build_tab()` with one builder per sub-tab.
"""

from __future__ import annotations

import functools
import math
import re
import tempfile
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import gradio as gr
import numpy as np

from demos import html, lecture, plots, quiz
from demos import transformer_explorers as explorers
from demos import weights as weights_ui
from demos.checks import fresh_file, load_weights, whole_number
from demos.i18n import t, text
from demos.lazy import lazy
from demos.runtime import clear_on_failure, torch_threads
from demos.strings import transformer as strings  # noqa: F401 (registers the tab's strings)
from models import hub

torch = lazy("torch")
TL = lazy("lab.transformer")
T = lazy("models.transformer")

WEIGHTS = [
    "transformer_small.multi30k_ende",
    "transformer_base.opus_mt_ende",
    "transformer_base.opus_mt_enzh",
]
DEFAULT_WEIGHTS = WEIGHTS[0]  # the embedded model: what the tab falls back to
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
        # the source side's own decoder where it has one (OPUS-MT en-zh: English pieces, and no
        # >>cmn_Hans<< in the text: encode puts it back)
        source = getattr(tok, "decode_source", tok.decode)(ids[: MAX_SRC_TOKENS - 1])
        notes.append(text("tf_note_cut", lang).format(n=len(ids), m=MAX_SRC_TOKENS - 1))
    unk = sum(1 for i in ids[:MAX_SRC_TOKENS] if tok.id_to_token(i) == "<unk>")
    if unk:
        notes.append(text("tf_note_unk", lang).format(n=unk))
    with torch.inference_mode(), torch_threads(1):  # one thread: 2 fight on a shared machine
        tr = T.translate(
            model, tok, source, beam=beam, alpha=ALPHA, return_attention=True, top_k=TOP_K
        )
    maps = {
        kind: np.stack([a[0].float().numpy() for a in getattr(tr.attentions, kind)])
        for kind in KINDS
    }
    cfg = model.config
    return Run(
        tr,
        tok,
        loaded.entry.name,
        "\n\n".join(notes),
        source,
        tok.id_to_token(cfg.bos_id),
        cfg.N,
        cfg.h,
        maps,
    )


def _run(source, weights, beam, lang: str) -> Run:
    source, cut = clean_source(source, lang)
    beam = whole_number(beam, 1, MAX_BEAM, "tf_err_beam", lang)
    r = run(source, weights, beam, lang)
    if cut:
        r = r._replace(notice=r.notice + "\n\n" + text("tf_note_chars", lang).format(n=MAX_CHARS))
    return r


def translate(
    source: str = DEFAULT_TEXT, weights: str = DEFAULT_WEIGHTS, beam: int = 4, lang: str = "en"
) -> tuple[str, str, str]:
    """The German text, its subword tokens (with ids), and which weights answered."""
    r = _run(source, weights, beam, lang)
    tokens = " ".join(f"`{tok}`<sub>{i}</sub>" for tok, i in zip(r.tr.tgt_tokens, r.tr.tokens))
    src = " ".join(f"`{tok}`" for tok in r.tr.src_tokens)
    md = text("tf_tokens_md", lang).format(
        n_src=len(r.tr.src_tokens),
        src=src,
        n_tgt=len(r.tr.tokens),
        tgt=tokens or "—",
        beam=beam,
        score=r.tr.score,
    )
    return r.tr.text, md, r.notice


def controls(source, weights, beam, lang: str = "en", layer=None, head=None):
    """Layer and head choices for the loaded model, and the target tokens to click (UI only). The
    layer and head shown stay when the model has them (a deep link sets them), else the last layer
    and the mean of the heads."""
    return _controls(_run(source, weights, beam, lang), layer, head)[:4]


def _controls(r: Run, layer, head):
    """`controls` for a run, plus the layer and head it shows: a component made inside an event
    keeps only its update (no `.value`), so a caller that needs the values takes them from here."""
    layer_ids, head_ids = (
        list(range(1, r.n_layers + 1)),
        [HEADS_MEAN] + [str(i) for i in range(1, r.n_heads + 1)],
    )
    keep_layer = next((i for i in layer_ids if str(i) == str(layer)), r.n_layers)
    keep_head = str(head) if str(head) in head_ids else HEADS_MEAN
    targets = gr.Radio(
        choices=[(f"{j + 1}. {tok}", j) for j, tok in enumerate(_targets(r))], value=0
    )
    return (
        gr.Dropdown(choices=layer_ids, value=keep_layer),
        gr.Dropdown(choices=head_ids, value=keep_head),
        targets,
        0,
        keep_layer,
        keep_head,
    )


def translate_view(
    source=DEFAULT_TEXT,
    weights=DEFAULT_WEIGHTS,
    beam=4,
    kind="cross",
    layer=None,
    head=None,
    lang: str = "en",
):
    """The translation and every attention view at once, the layer and head kept when the model has
    them: what a preset or a link opens (UI only; the buttons run translate, controls, attention and
    alignment one after the other)."""
    out = translate(source, weights, beam, lang)
    layers, heads, targets, j, layer, head = _controls(
        _run(source, weights, beam, lang), layer, head
    )
    return (
        *out,
        layers,
        heads,
        targets,
        j,
        *attention(source, weights, beam, kind, layer, head, lang),
        alignment(source, weights, beam, j, layer, head, lang),
    )


def _targets(r: Run) -> list[str]:
    return list(r.tr.tgt_tokens) + ["</s>"]


def _axes(r: Run, kind: str) -> tuple[list[str], list[str]]:
    """(query tokens = rows, key tokens = columns) of one kind of attention."""
    dec = [r.bos] + list(r.tr.tgt_tokens)  # decoder inputs: the output shifted right (§3.1)
    return {
        "encoder": (r.tr.src_tokens, r.tr.src_tokens),
        "decoder": (dec, dec),
        "cross": (dec, r.tr.src_tokens),
    }[kind]


def _pick(r: Run, kind: str, layer, head, lang: str) -> tuple[np.ndarray, int, str]:
    if kind not in KINDS:
        raise gr.Error(text("tf_err_kind", lang).format(names=", ".join(KINDS)))
    layer = whole_number(layer, 1, r.n_layers, "tf_err_layer", lang)
    maps = r.maps[kind][layer - 1]  # (h, T_q, T_k)
    if str(head) == HEADS_MEAN:
        return maps.mean(0), layer, HEADS_MEAN
    h = whole_number(head, 1, r.n_heads, "tf_err_head", lang)
    return maps[h - 1], layer, str(h)


def attention(
    source: str = DEFAULT_TEXT,
    weights: str = DEFAULT_WEIGHTS,
    beam: int = 4,
    kind: str = "cross",
    layer: int = 1,
    head: str = HEADS_MEAN,
    lang: str = "en",
) -> tuple[str, str, str]:
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
        html.heatmap(
            m,
            rows,
            cols,
            masked=kind == "decoder",
            masked_label=text("tf_masked", lang),
            corner=text("tf_corner", lang),
        ),
        png,
        f"**{title}.** {caption}",
    )


def alignment(
    source: str = DEFAULT_TEXT,
    weights: str = DEFAULT_WEIGHTS,
    beam: int = 4,
    target: int = 0,
    layer: int = 1,
    head: str = HEADS_MEAN,
    lang: str = "en",
) -> str:
    """Where one output token looked in the source: the cross-attention row of the decoder step
    that produced it (row j predicts output token j), drawn over the source tokens."""
    r = _run(source, weights, beam, lang)
    targets = _targets(r)
    j = whole_number(target, 0, len(targets) - 1, "tf_err_target", lang)
    m, layer, head = _pick(r, "cross", layer, head, lang)
    row = m[j]  # (S,) weights over the source, summing to 1
    best = int(row.argmax())
    caption = text("tf_align_md", lang).format(
        tok=html.esc(targets[j]),
        j=j + 1,
        best=html.esc(r.tr.src_tokens[best]),
        w=float(row[best]),
        layer=layer,
        head=head,
    )
    return html.alignment(r.tr.src_tokens, row, j, caption)


def decoding_steps(
    source: str = DEFAULT_TEXT,
    weights: str = DEFAULT_WEIGHTS,
    beam: int = 4,
    top_k: int = 3,
    lang: str = "en",
) -> str:
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
        for b, ((prefix, score), cands, kept) in enumerate(
            zip(step.beams, step.candidates, step.kept)
        ):
            words = " ".join(tok.id_to_token(i) for i in prefix) or "∅"
            by_token = {e.token: e for e in kept}
            # the top k, then every kept extension outside them: (id, token, p, kept or None)
            shown = [(c.token, math.exp(c.logprob), by_token.get(c.token)) for c in cands[:k]]
            top_ids = {c.token for c in cands[:k]}
            shown += [
                (e.token, math.exp(e.score - score), e) for e in kept if e.token not in top_ids
            ]
            top = [(i, tok.id_to_token(i), p, e) for i, p, e in shown]
            steps.append((t_, b, prefix, words, score, top, not kept))
    more = len(r.tr.steps or []) - MAX_STEPS_SHOWN
    return html.decoding(dec_in, dec_out, mask, steps, more, beam, k, r.tr.text, r.tr.score, lang)


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
        n=N_KEYS,
        d=D_KS[-1],
        p_raw=p_raw,
        p_scaled=p_scaled,
        uni=1 / N_KEYS,
        sd=s["std_raw"][-1],
        g_raw=s["grad_raw"][-1],
        g_scaled=s["grad_scaled"][-1],
    )
    return quiz.Reveal(answer, md)


QUESTION = quiz.Question(
    "transformer",
    "quiz_tf_q",
    (("quiz_tf_spread", "spread"), ("quiz_tf_one", "saturates"), ("quiz_tf_uniform", "uniform")),
    measure_saturation,
)


# ---------------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------------

KIND_CHOICES = [(t(f"tf_kind_short_{k}"), k) for k in ("encoder", "decoder", "cross")]


# The views a sub-tab opens on (English, the UI's defaults): app.py warms them after start-up.
# Not the timing (complexity_first): measured in the background it would be disturbed.
# The paper figures' views (FIGURES) in Chinese too, and the translation Fig. 2 opens on, in both languages.
WARM = [
    (explorers.positional, (128, 100, "4, 5, 20, 60", 5, "en")),
    (explorers.scaling, (16, "en")),
    (explorers.schedule, (512, 4000, 100_000, "en")),
    (explorers.smoothing, (0.1, 10, "en")),
    (explorers.paper_check, ("en",)),
    (explorers.positional, (128, 100, "4, 5, 20, 60", 5, "zh")),
    (explorers.paper_check, ("zh",)),
    (run, (DEFAULT_TEXT, DEFAULT_WEIGHTS, 4, "en")),
    (run, (DEFAULT_TEXT, DEFAULT_WEIGHTS, 4, "zh")),
] + [
    (_run, (e, DEFAULT_WEIGHTS, 4, lang)) for lang in ("en", "zh") for e in EXAMPLES
]  # the examples: see build_tab

# Lecture mode: the paper's figures, one click (or ?tab=transformer&preset=fig2) each
FIGURES = {
    "fig2": lecture.Preset("tf_fig2", {"view": "transformer-translate", "text": DEFAULT_TEXT, "weights": DEFAULT_WEIGHTS,
                                       "beam": 4, "kind": "cross", "layer": 3, "head": HEADS_MEAN}),
    "table3": lecture.Preset("tf_table3", {"view": "transformer-check"}),
    "pe": lecture.Preset("tf_pe", {"view": "transformer-pe", "pe_d": 128, "pe_max": 100, "pe_dims": "4, 5, 20, 60",
                                   "pe_k": 5}),
}  # fmt: skip


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    gr.Markdown(t("tf_claim"))
    quiz.block(QUESTION, lang)  # predict, then reveal (#8)
    figures_picker = lecture.picker(FIGURES)
    with gr.Tabs(overflow_behavior="wrap") as views:  # every sub-tab in sight (#19.6)
        tr = _translate_tab(lang, tab)
        _steps_tab(lang, tr)
        pe = explorers.positional_tab(lang)
        explorers.scaling_tab(lang)
        explorers.schedule_tab(lang)
        explorers.smoothing_tab(lang)
        explorers.complexity_tab(lang)
        explorers.check_tab(lang)

    # Deep links (demos/lecture.py): ?tab=transformer&text=...&kind=encoder&layer=2, ?tab=transformer&preset=pe
    for key, component in [
        ("view", views),
        ("text", tr.source),
        ("weights", tr.weights),
        ("beam", tr.beam),
        ("kind", tr.kind),
        ("layer", tr.layer),
        ("head", tr.head),
        ("pe_d", pe.d),
        ("pe_max", pe.max_pos),
        ("pe_dims", pe.dims),
        ("pe_k", pe.k),
    ]:
        lecture.link(key, component)
    lecture.presets(figures_picker, FIGURES)
    # After a preset or a link: the translation and its attention maps (the sub-tab may be open
    # already), the positional encoding (its sliders may have moved)
    lecture.redraw(
        views,
        {
            "transformer-translate": (translate_view, [*tr.view_inputs, lang], tr.view_outputs),
            "transformer-pe": (explorers.positional, [*pe.inputs, lang], pe.outputs),
        },
    )


def _translate_tab(lang: gr.Radio, tab: gr.Tab) -> SimpleNamespace:
    """Translate & attention: the sentence, its translation, every attention map, the alignment."""
    with gr.Tab(t("tf_sub_translate"), id="transformer-translate"):
        gr.Markdown(t("tf_translate_md"))
        with gr.Row():
            with gr.Column(scale=3):
                source = gr.Textbox(
                    DEFAULT_TEXT,
                    lines=2,
                    max_lines=6,
                    label=t("tf_source"),
                    elem_id="transformer-source",
                )
                # opens on the best checkpoint at hand (issue 15): demos/weights.py. The dropdown,
                # its notice and the download button stack; in one row with the beam they were
                # squeezed into slivers (#19.6)
                picker = weights_ui.picker(
                    "transformer", WEIGHTS, DEFAULT_WEIGHTS, "tf_weights", "transformer-weights"
                )
                weights = picker.dropdown
                with gr.Row(equal_height=True):
                    beam = gr.Slider(1, MAX_BEAM, value=4, step=1, label=t("tf_beam"), scale=2)
                    go = gr.Button(t("tf_translate"), variant="primary", scale=1)
                examples = gr.Examples(
                    [[e] for e in EXAMPLES], inputs=[source], label=t("tf_examples")
                )
            with gr.Column(scale=3):
                output = gr.Textbox(
                    label=t("tf_output"),
                    interactive=False,
                    lines=2,
                    max_lines=12,  # a long translation grows the box instead of hiding lines
                    elem_id="transformer-output",
                )
                tokens_md = gr.Markdown(elem_id="transformer-tokens")
                notice = gr.Markdown(elem_id="transformer-notice")
        gr.Markdown(t("tf_attn_md"))
        with gr.Row():
            kind = gr.Radio(KIND_CHOICES, value="cross", label=t("tf_kind"))
            # Choices follow the loaded model (controls); the callbacks check API values themselves.
            layer = gr.Dropdown([1, 2, 3], value=3, label=t("tf_layer"), allow_custom_value=True)
            head = gr.Dropdown(
                [HEADS_MEAN, "1", "2", "3", "4"],
                value=HEADS_MEAN,
                label=t("tf_head"),
                allow_custom_value=True,
            )
            with gr.Column(min_width=160):
                png = gr.File(label=t("tf_png"), interactive=False)
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
    view_outputs = [
        output,
        tokens_md,
        notice,
        layer,
        head,
        target,
        target_index,
        heat,
        png,
        caption,
        align,
    ]
    private = dict(api_visibility="private")
    # "always_last": a click while the tab's first translation is still drawing its maps must not be
    # dropped (gradio's default "once" ignores a trigger while the same step is pending)
    last = dict(trigger_mode="always_last")
    translated = gr.on(
        [tab.select, go.click, source.submit],
        translate,
        tr_in,
        [output, tokens_md, notice],
        api_name="transformer_translate",
        **last,
    )
    (
        translated.success(
            controls, [*tr_in, layer, head], [layer, head, target, target_index], **private, **last
        )
        .success(attention, attn_in, [heat, png, caption], **private, **last)
        .success(alignment, align_in, align, **private, **last)
    )
    # A refused text (#19): every view of the previous translation is emptied at once, with why
    clear_on_failure(
        translated, [output, tokens_md, notice, heat, png, caption, target, align], lang
    )
    # A click on an example translates it and draws its maps at once (translated at start-up: WARM)
    examples.load_input_event.then(
        translate_view, [source, weights, beam, kind, layer, head, lang], view_outputs, **private
    )
    gr.on(
        [kind.input, layer.input, head.input],
        attention,
        attn_in,
        [heat, png, caption],
        api_name="transformer_attention",
    )
    target.input(lambda j: j, target, target_index, **private)
    gr.on(
        [target_index.change, layer.input, head.input],
        alignment,
        align_in,
        align,
        api_name="transformer_alignment",
    )

    # A link that names the weights (?weights=, or a preset that sets them) keeps them at page load
    def linked(query: dict) -> bool:
        preset = FIGURES.get(query.get("preset", ""))
        return query.get("tab") == "transformer" and (
            "weights" in query or (preset is not None and "weights" in preset.params)
        )

    switched = weights_ui.wire(picker, lang, linked)
    # When a download has switched the tab to its model: translate again with it
    switched.success(
        translate_view, [source, weights, beam, kind, layer, head, lang], view_outputs, **private
    )
    return SimpleNamespace(
        source=source,
        weights=weights,
        beam=beam,
        kind=kind,
        layer=layer,
        head=head,
        view_inputs=[source, weights, beam, kind, layer, head],
        view_outputs=view_outputs,
    )


def _steps_tab(lang: gr.Radio, tr: SimpleNamespace) -> None:
    """Decoding step by step: the shifted input, the causal mask, the beam's candidates."""
    with gr.Tab(t("tf_sub_steps"), id="transformer-steps") as steps_tab:
        gr.Markdown(t("tf_steps_intro"))
        with gr.Row():
            top_k = gr.Slider(1, TOP_K, value=3, step=1, label=t("tf_topk"))
            show = gr.Button(t("tf_show"), variant="primary")
        steps_html = gr.HTML(elem_id="transformer-steps")
    shown = gr.on(
        [steps_tab.select, show.click],
        decoding_steps,
        [tr.source, tr.weights, tr.beam, top_k, lang],
        steps_html,
        api_name="transformer_steps",
    )
    clear_on_failure(shown, [steps_html], lang)  # a refused text: no steps of an earlier one
