"""BERT tab: masked language modelling, next-sentence prediction, and the attention inside.

Callbacks first (plain data in, plain data or HTML out): fill-mask, input anatomy, masking, next
sentence, the paper check; then the tab's question and `build_tab()` with one builder per sub-tab.
The attention sub-tab is in `demos/bert_attention.py`, what every view starts from (weights, text
checks, encoding) in `demos/bert_inputs.py`. Paper: Devlin, Chang, Lee, Toutanova, "BERT:
Pre-training of Deep Bidirectional Transformers for Language Understanding", arXiv:1810.04805.
"""

from __future__ import annotations

import functools
import json
import re
from types import SimpleNamespace

import gradio as gr

from demos import bert_attention as attention
from demos import html, lecture, quiz
from demos import weights as weights_ui
from demos.bert_inputs import DEFAULT_WEIGHTS, MAX_CHARS, WEIGHTS, clean, encode, load
from demos.checks import whole_number
from demos.i18n import columns, t, text, with_columns
from demos.lazy import lazy
from demos.runtime import clear_on_failure
from demos.strings import bert as strings  # noqa: F401 (registers the tab's strings)
from lab import tab_defaults
from models import hub

torch = lazy("torch")
BL = lazy("lab.bert")
B = lazy("models.bert")

MAX_TOP_K = 20
EXAMPLES = tab_defaults.FILL_MASK_EXAMPLES  # bench/bert_cloze.py scores the same sentences
# Offered when a model with Chinese examples (bert-base-chinese) is loaded: from its catalogue row
EXAMPLES_ZH = [
    e
    for w in WEIGHTS
    for e in getattr(hub.read_catalogue().get(w), "meta", {}).get("examples_zh", [])
]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
NSP_EXAMPLES = [
    ("She opened the door and walked into the room.", "A fire was burning in the grate."),
    (
        "She opened the door and walked into the room.",
        "The committee will publish its report in May.",
    ),
    ("The ship left the harbour at dawn.", "By noon the coast was out of sight."),
    ("The ship left the harbour at dawn.", "He had never liked the taste of tea."),
]
ANATOMY_EXAMPLE = ("The cat sat on the mat.", "It was unbelievably comfortable.")
MASKING_EXAMPLE = "The old man walked slowly down the long road towards the village church."
# Table 6 (model-size ablation): (L, H, A) and the paper's #params where §3 gives them (BASE, LARGE)
TABLE6 = [
    (3, 768, 12, None),
    (6, 768, 3, None),
    (6, 768, 12, None),
    (12, 768, 12, 110e6),
    (12, 1024, 16, None),
    (24, 1024, 16, 340e6),
]


# ---------------------------------------------------------------------------------------------
# Fill-mask
# ---------------------------------------------------------------------------------------------


def fill_mask(sentence, top_k=5, weights=DEFAULT_WEIGHTS, lang="en"):
    """Top-k pieces for every [MASK], each predicted on its own (the paper's MLM objective).
    With the embedded weights the answer is remembered (256 sentences): the examples are answered
    at start-up (WARM), so a click on one is served without running the model."""
    if weights == DEFAULT_WEIGHTS and all(
        isinstance(x, (str, int, float)) for x in (sentence, top_k, lang)
    ):
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
    preds = [
        {
            "mask": n + 1,
            "position": p.position,
            "candidates": [{"token": s, "prob": round(q, 4)} for s, q in zip(p.tokens, p.probs)],
        }
        for n, p in enumerate(fm.predictions)
    ]
    filled = list(fm.tokens)
    for p in fm.predictions:
        filled[p.position] = f"**{p.tokens[0]}**"
    words = join_pieces(filled[1:-1])
    md = text("bert_fill_md", lang).format(filled=words, n=len(preds))
    if len(preds) > 1:
        md += "\n\n" + text("bert_fill_independent", lang)
    return html.fill_bars(preds, lang), f"{md}\n\n{notice}", preds


def join_pieces(pieces: list[str]) -> str:
    """WordPieces back to text: a "##" piece continues the word before it; Chinese characters (one
    piece each in bert-base-chinese) are written without spaces. Pieces may be wrapped in **."""
    out = ""
    for p in pieces:
        bare = p.strip("*")
        if bare.startswith("##"):
            out += p.replace("##", "", 1)
        elif out and (CJK.match(bare[:1]) or CJK.match(out.rstrip("*")[-1:])):
            out += p
        else:
            out += (" " if out else "") + p
    return out


def examples_for(weights, sentence):
    """The example sentences of the model in use (private): the Chinese ones with a model that has
    them, the English ones otherwise; a default sentence of the other language is swapped."""
    zh = bool(EXAMPLES_ZH) and weights in _ZH_WEIGHTS
    if zh and sentence == EXAMPLES[0]:
        sentence = EXAMPLES_ZH[0]
    elif not zh and sentence in EXAMPLES_ZH:
        sentence = EXAMPLES[0]
    else:
        sentence = gr.skip()
    # a radio, filled only then: the English page's config holds no Chinese (#19 item 12)
    shown = gr.Radio(choices=EXAMPLES_ZH if zh else [], value=None, visible=zh)
    return gr.Dataset(visible=not zh), shown, sentence


_ZH_WEIGHTS = {
    w for w in WEIGHTS if getattr(hub.read_catalogue().get(w), "meta", {}).get("examples_zh")
}


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
        rows.append(
            [
                i,
                tok.id_to_token(orig),
                text(f"bert_kind_{kind}", lang),
                shown,
                g,
                "✓" if ok else "✗",
            ]
        )
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
    if "nsp" in getattr(model, "missing_heads", ()):  # a checkpoint without a trained NSP head
        return None, f"{text('bert_nsp_untrained', lang).format(name=weights)}\n\n{notice}"
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
# Paper check
# ---------------------------------------------------------------------------------------------


def paper_check(weights=DEFAULT_WEIGHTS, lang="en"):
    """Parameter counts of BASE and LARGE from our module beside the paper's, the masking rates
    measured, and the embedded model's pre-training scores beside the targets."""
    rows = []
    for name in ("base", "large"):
        cfg = B.PRESETS[name]
        ours, formula, paper = BL.preset_params(name), BL.params_formula(cfg), B.PAPER_PARAMS[name]
        rows.append(
            [
                f"BERT-{name.upper()} (L={cfg.L}, H={cfg.H}, A={cfg.A})",
                f"{ours:,}",
                f"{formula:,}",
                f"{paper / 1e6:.0f} M",
                f"{100 * (ours - paper) / paper:+.1f}%",
                text("bert_why_params", lang),
            ]
        )
    try:
        model, _, notice = load(weights, lang)
        cfg = model.config
        rows.append(
            [
                text("bert_loaded", lang).format(L=cfg.L, H=cfg.H, A=cfg.A),
                f"{B.count_params(cfg):,}",
                f"{BL.params_formula(cfg):,}",
                "—",
                "—",
                text("bert_why_loaded", lang).format(V=cfg.vocab_size),
            ]
        )
    except gr.Error as e:
        notice = str(e)
    for L, H, A, paper in TABLE6:  # the model-size ablation: 4H feed-forward, 30,522 pieces
        cfg = B.BertConfig(L=L, H=H, A=A, d_ff=4 * H)
        ours = BL.size_params(L, H, A)
        rows.append(
            [
                text("bert_table6_row", lang).format(L=L, H=H, A=A),
                f"{ours:,}",
                f"{BL.params_formula(cfg):,}",
                f"{paper / 1e6:.0f} M" if paper else "—",
                f"{100 * (ours - paper) / paper:+.1f}%" if paper else "—",
                text("bert_why_table6", lang),
            ]
        )
    r = BL.masking_rates()
    md = text("bert_rates_md", lang).format(
        n=r["n"],
        chosen=100 * r["chosen"],
        mask=100 * r["mask"],
        random=100 * r["random"],
        kept=100 * r["kept"],
    )
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
        acc=100 * nov["mlm_acc"],
        ppl=nov["mlm_ppl"],
        nsp=100 * nov["nsp_acc"],
        n=nov["mlm_n"],
        wacc=100 * wiki["mlm_acc"],
        wppl=wiki["mlm_ppl"],
        wnsp=100 * wiki["nsp_acc"],
        ok_acc=ok[nov["mlm_acc"] >= 0.35],  # issue #14's targets
        ok_nsp=ok[nov["nsp_acc"] >= 0.80],
        steps=log["steps"],
        minutes=log["train_minutes"],
        threads=log["train_config"].get("threads", 1),
        tokens=log["tokens_seen"] / 1e6,
    )


# ---------------------------------------------------------------------------------------------
# Predict, then reveal (#8): the tab's question, its answer measured
# ---------------------------------------------------------------------------------------------

MASK_SENTENCE = "She opened the [MASK] and walked into the room."


WORDS = ("door", "window", "the", ",")  # two the sentence invites, two the small model rates high


def measure_fill(lang: str) -> quiz.Reveal:
    """BERT: the embedded model's probability of each choice in the [MASK], and its own top-5."""
    model, tok, _ = load(DEFAULT_WEIGHTS, lang)  # the embedded model (or a clear gr.Error)
    with torch.inference_mode():
        fm = B.fill_mask(
            model, tok, MASK_SENTENCE, top_k=model.config.vocab_size
        )  # every piece, ranked
    p = fm.predictions[0]
    prob = dict(zip(p.tokens, p.probs))
    rank = {w: i + 1 for i, w in enumerate(p.tokens)}
    answer = max(WORDS, key=lambda w: prob.get(w, 0.0))
    _, _, shown = fill_mask(MASK_SENTENCE, 5, DEFAULT_WEIGHTS, lang)
    top5 = " · ".join(
        f"**{c['token']}** {100 * c['prob']:.1f}%" for c in shown[0]["candidates"]
    )  # as the tab shows
    yours = " · ".join(f"{w} #{rank.get(w, '–')} ({100 * prob.get(w, 0.0):.2f}%)" for w in WORDS)
    why = "quiz_bert_why_context" if answer in ("door", "window") else "quiz_bert_why_frequency"
    meta = getattr(
        hub.read_catalogue().get(DEFAULT_WEIGHTS), "meta", {}
    )  # measured by training/bert.py
    minutes, acc = meta.get("train_minutes"), meta.get("heldout_mlm_acc")
    why_md = text(why, lang).format(
        minutes="?" if minutes is None else f"{minutes:.0f}",
        acc="?" if acc is None else f"{100 * acc:.1f}",
    )
    md = text("quiz_bert_result", lang).format(
        name=DEFAULT_WEIGHTS, sentence=MASK_SENTENCE, top5=top5, yours=yours
    )
    return quiz.Reveal(answer, f"{md}\n\n{why_md}")


QUESTION = quiz.Question(
    "bert",
    "quiz_bert_q",
    (
        ("quiz_bert_door", "door"),
        ("quiz_bert_window", "window"),
        ("quiz_bert_the", "the"),
        ("quiz_bert_comma", ","),
    ),
    measure_fill,
)


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
    (fill_mask, (e, 5, DEFAULT_WEIGHTS, lang)) for lang in ("en", "zh") for e in EXAMPLES
]  # the examples


ANATOMY_COLS = ["bert_col_position", "bert_col_piece", "bert_col_id", "bert_col_segment"]
MASKING_COLS = [
    "bert_col_position",
    "bert_col_original",
    "bert_col_kind",
    "bert_col_shown",
    "bert_col_guess",
    "bert_col_ok",
]
CHECK_COLS = [
    "bert_col_model",
    "bert_col_ours",
    "bert_col_formula",
    "bert_col_paper",
    "bert_col_gap",
    "bert_col_why",
]


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    gr.Markdown(t("bert_claim"))
    quiz.block(QUESTION, lang)  # predict, then reveal (#8)
    figures_picker = lecture.picker(FIGURES)
    # Opens on the best checkpoint at hand (issue 15): demos/weights.py
    picker = weights_ui.picker("bert", WEIGHTS, DEFAULT_WEIGHTS, "bert_weights", "bert-weights")
    weights = picker.dropdown
    with gr.Tabs(overflow_behavior="wrap") as views:  # every sub-tab in sight (#19.6)
        fill = _fill_tab(lang, weights)
        anatomy_ = _anatomy_tab(lang, weights)
        masking = _masking_tab(lang, weights)
        nsp = _nsp_tab(lang, weights)
        attn = attention.attention_tab(lang, weights)
        _check_tab(lang, weights)
    weights_ui.wire(picker, lang)
    # Every view opens on its default result (#19.10): a sub-tab draws its view when it opens, the
    # first one also when the BERT tab opens (the examples' answers are warmed at start-up: WARM)
    for view in (fill, anatomy_, masking, nsp, attn):
        view.sub.select(*view.redraw, api_visibility="private")
    tab.select(*fill.redraw, api_visibility="private")
    weights.change(
        examples_for,
        [weights, fill.sentence],
        [fill.examples.dataset, fill.examples_zh, fill.sentence],
        api_visibility="private",
        show_progress="hidden",
    )

    # Deep links (demos/lecture.py): ?tab=bert&fill=The [MASK] is red., ?tab=bert&preset=fig2, ...
    for key, component in [
        ("view", views),
        ("fill", fill.sentence),
        ("anat_a", anatomy_.a),
        ("anat_b", anatomy_.b),
        ("mask_text", masking.text),
        ("mask_seed", masking.seed),
        ("nsp_a", nsp.a),
        ("nsp_b", nsp.b),
        ("attn_a", attn.a),
        ("attn_b", attn.b),
    ]:
        lecture.link(key, component)
    lecture.presets(figures_picker, FIGURES)
    # The views draw on a click; after a preset or a link, the one that is open draws (the paper check
    # draws when its sub-tab opens)
    lecture.redraw(
        views,
        {
            "bert-fill": fill.redraw,
            "bert-anatomy": anatomy_.redraw,
            "bert-masking": masking.redraw,
            "bert-nsp": nsp.redraw,
            "bert-attention": attn.redraw,
        },
    )


def _fill_tab(lang: gr.Radio, weights: gr.Dropdown) -> SimpleNamespace:
    """Fill-mask: the top-k pieces for every [MASK]."""
    with gr.Tab(t("bert_sub_fill"), id="bert-fill") as sub:
        gr.Markdown(t("bert_fill_intro"))
        with gr.Row():
            sentence = gr.Textbox(
                EXAMPLES[0],
                label=t("bert_sentence"),
                max_length=MAX_CHARS,
                elem_id="bert-fill-text",
                scale=4,
            )
            top_k = gr.Slider(1, MAX_TOP_K, value=5, step=1, label=t("bert_topk"), scale=1)
        go = gr.Button(t("bert_fill_go"), variant="primary")
        out = gr.HTML(elem_id="bert-fill-out")
        md = gr.Markdown(elem_id="bert-fill-md")
        with gr.Accordion(t("bert_predictions"), open=False):
            preds = gr.JSON()
        examples = gr.Examples([[e] for e in EXAMPLES], inputs=[sentence], label=t("bert_examples"))
        # filled when a model with Chinese examples is in use (examples_for)
        examples_zh = gr.Radio([], value=None, label=t("bert_examples_zh"), visible=False)
    inputs, outputs = [sentence, top_k, weights, lang], [out, md, preds]
    # A refused sentence (#19: no [MASK], empty, too long): the earlier answer is emptied, with why
    clear_on_failure(go.click(fill_mask, inputs, outputs, api_name="bert_fill_mask"), outputs, lang)
    # A click on an example answers it at once (the English ones answered at start-up: WARM)
    examples.load_input_event.then(fill_mask, inputs, outputs, api_visibility="private")
    examples_zh.input(lambda e: e, examples_zh, sentence, api_visibility="private").then(
        fill_mask, inputs, outputs, api_visibility="private"
    )
    submitted = sentence.submit(fill_mask, inputs, outputs, api_visibility="private")
    clear_on_failure(submitted, outputs, lang)
    return SimpleNamespace(
        sentence=sentence,
        examples=examples,
        examples_zh=examples_zh,
        sub=sub,
        redraw=(fill_mask, inputs, outputs),
    )


def _anatomy_tab(lang: gr.Radio, weights: gr.Dropdown) -> SimpleNamespace:
    """Input anatomy: the paper's Fig. 2 drawn from the real input."""
    with gr.Tab(t("bert_sub_anatomy"), id="bert-anatomy") as sub:
        gr.Markdown(t("bert_anatomy_intro"))
        with gr.Row():
            a = gr.Textbox(ANATOMY_EXAMPLE[0], label=t("bert_sentence_a"), max_length=MAX_CHARS)
            b = gr.Textbox(ANATOMY_EXAMPLE[1], label=t("bert_sentence_b"), max_length=MAX_CHARS)
        go = gr.Button(t("bert_anatomy_go"), variant="primary")
        fig2 = gr.HTML(elem_id="bert-fig2")
        table = gr.Dataframe(
            headers=columns(ANATOMY_COLS),
            label=t("bert_anatomy_table"),
            interactive=False,
            max_height=2400,  # one row a piece, every one in sight (#19.7)
        )
        md = gr.Markdown()
    fn, inputs, outputs = (
        with_columns(anatomy, {1: ANATOMY_COLS}),
        [a, b, weights, lang],
        [fig2, table, md],
    )
    clear_on_failure(go.click(fn, inputs, outputs, api_name="bert_anatomy"), outputs, lang)
    return SimpleNamespace(a=a, b=b, sub=sub, redraw=(fn, inputs, outputs))


def _masking_tab(lang: gr.Radio, weights: gr.Dropdown) -> SimpleNamespace:
    """Masking: the 15% / 80-10-10 procedure on a sentence, and what the model recovers."""
    with gr.Tab(t("bert_sub_masking"), id="bert-masking") as sub:
        gr.Markdown(t("bert_masking_intro"))
        with gr.Row():
            text_ = gr.Textbox(
                MASKING_EXAMPLE, label=t("bert_sentence"), max_length=MAX_CHARS, scale=4
            )
            seed = gr.Number(0, label=t("bert_seed"), precision=0, minimum=0, scale=1)
        go = gr.Button(t("bert_masking_go"), variant="primary")
        out = gr.HTML(elem_id="bert-masked")
        table = gr.Dataframe(
            headers=columns(MASKING_COLS),
            label=t("bert_masking_table"),
            interactive=False,
            max_height=2400,  # one row a chosen piece, every one in sight (#19.7)
        )
        md = gr.Markdown()
    fn, inputs, outputs = (
        with_columns(masking_demo, {1: MASKING_COLS}),
        [text_, seed, weights, lang],
        [out, table, md],
    )
    clear_on_failure(go.click(fn, inputs, outputs, api_name="bert_masking"), outputs, lang)
    return SimpleNamespace(text=text_, seed=seed, sub=sub, redraw=(fn, inputs, outputs))


def _nsp_tab(lang: gr.Radio, weights: gr.Dropdown) -> SimpleNamespace:
    """Next-sentence prediction: P(IsNext) for a pair."""
    with gr.Tab(t("bert_sub_nsp"), id="bert-nsp") as sub:
        gr.Markdown(t("bert_nsp_intro"))
        pairs = gr.Dropdown(
            [_pair_label(i) for i in range(len(NSP_EXAMPLES))],
            value=None,
            label=t("bert_nsp_examples"),
        )
        with gr.Row():
            a = gr.Textbox(NSP_EXAMPLES[0][0], label=t("bert_sentence_a"), max_length=MAX_CHARS)
            b = gr.Textbox(NSP_EXAMPLES[0][1], label=t("bert_sentence_b_nsp"), max_length=MAX_CHARS)
        go = gr.Button(t("bert_nsp_go"), variant="primary")
        label = gr.Label(label=t("bert_nsp_result"), elem_id="bert-nsp-label")
        md = gr.Markdown()
    inputs, outputs = [a, b, weights, lang], [label, md]
    pairs.change(nsp_example, pairs, [a, b], api_visibility="private")
    clear_on_failure(go.click(next_sentence, inputs, outputs, api_name="bert_nsp"), outputs, lang)
    return SimpleNamespace(a=a, b=b, sub=sub, redraw=(next_sentence, inputs, outputs))


def _check_tab(lang: gr.Radio, weights: gr.Dropdown) -> None:
    """Paper check: parameter counts, masking rates, the embedded model's pre-training scores."""
    with gr.Tab(t("bert_sub_check"), id="bert-check") as check_tab:
        gr.Markdown(t("bert_check_intro"))
        check = gr.Dataframe(
            headers=columns(CHECK_COLS),
            interactive=False,
            wrap=True,
            # the "why" column had what was left of a 2,130 px row (#19.7); every row in sight
            column_widths=["17%", "12%", "12%", "8%", "7%", "44%"],
            max_height=2400,
        )
        md = gr.Markdown(elem_id="bert-check-md")
    check_tab.select(
        with_columns(paper_check, {0: CHECK_COLS}),
        [weights, lang],
        [check, md],
        api_name="bert_paper_check",
    )
