"""The classroom's questions (issue #18): each paper tab's own quiz question (demos/quiz.py) and one
more per tab, tied to one of the tab's paper-figure presets, so that the lecturer can open the figure
right after the reveal. Each is a `quiz.Question`: its answer is measured (lab/classroom.py) on the
loaded model or the project's recorded data when it is revealed, never written down.

`ORDER` is the lecture order (the tabs' order, each tab's quiz question first). `why(key, reveal,
lang)` gives the one line a student's phone shows after the reveal.
"""

from __future__ import annotations

import functools

import gradio as gr

from demos import checks, quiz
from demos.i18n import text
from demos.strings import classroom as strings  # registers them

TIE_POINTS = 1.0  # points of training error under which two nets count as "about the same"
TIE_CONF = (
    0.03  # difference of mean classifier confidence under which two morphs count as "the same"
)


# ---------------------------------------------------------------------------------------------
# ResNet, Fig. 6 (right): with shortcuts, does depth still hurt?
# ---------------------------------------------------------------------------------------------


def _curves():
    from models import hub

    return hub.WEIGHTS_DIR / "resnet_curves" / "curves.json"  # what the Degradation sub-tab plots


@functools.cache
def _resnet_errors() -> dict[str, tuple[float, float]]:
    from lab import classroom as L

    return L.final_errors(_curves())


def measure_resnet_depth(lang: str) -> quiz.Reveal:
    """ResNet-20 vs ResNet-56 (identity shortcuts), final training error of the recorded Fig. 6 run."""
    if not _curves().exists():
        raise gr.Error(text("rn_curves_missing", lang))
    err = _resnet_errors()
    if "resnet20" not in err or "resnet56" not in err:
        raise gr.Error(text("rn_curves_missing", lang))
    gap = err["resnet56"][0] - err["resnet20"][0]
    answer = "resnet56" if gap > TIE_POINTS else "resnet20" if gap < -TIE_POINTS else "same"
    md = text("cls_rn_result", lang).format(
        r20=err["resnet20"][0],
        r56=err["resnet56"][0],
        t20=err["resnet20"][1],
        t56=err["resnet56"][1],
        p20=err.get("plain20", (float("nan"),))[0],
        p56=err.get("plain56", (float("nan"),))[0],
    )
    return quiz.Reveal(answer, md)


def why_resnet_depth(answer: str, lang: str) -> str:
    err = _resnet_errors()
    key = "cls_rn_why_deeper" if answer == "resnet20" else "cls_rn_why_other"
    return text(key, lang).format(r20=err["resnet20"][0], r56=err["resnet56"][0])


# ---------------------------------------------------------------------------------------------
# Transformer, §3.5 (the "pe" preset): is a fixed offset a fixed linear map?
# ---------------------------------------------------------------------------------------------

PE_K, PE_D, PE_MAX = 5, 128, 100  # the preset's values
PE_EXACT = 1e-9  # float64 rounding
PE_CLOSE = 1e-2


def measure_pe(lang: str) -> quiz.Reveal:
    from lab import classroom as L

    err = L.pe_shift(PE_K, PE_D, PE_MAX)
    answer = "exact" if err < PE_EXACT else "approx" if err < PE_CLOSE else "depends"
    return quiz.Reveal(
        answer, text("cls_tf_result", lang).format(k=PE_K, d=PE_D, n=PE_MAX - PE_K, err=err)
    )


def why_pe(answer: str, lang: str) -> str:
    from lab import classroom as L

    return text("cls_tf_why" if answer == "exact" else "cls_tf_why_not", lang).format(
        k=PE_K, err=L.pe_shift(PE_K, PE_D, PE_MAX)
    )


# ---------------------------------------------------------------------------------------------
# GAN, Fig. 3 (the "fig3" preset): lerp or slerp, which morph stays sharp?
# ---------------------------------------------------------------------------------------------

GAN_WEIGHTS, CLASSIFIER = "dcgan.mnist", "mnist_classifier.mnist"
SEED_PAIRS = [(11, 20)] + [
    (100 + 2 * i, 101 + 2 * i) for i in range(31)
]  # Fig. 3's default pair (demos.gan SEED_A, SEED_B), then 31 more
GAN_STEPS = 16


@functools.cache
def _sharpness():
    from lab import classroom as L

    g = checks.load_or_say_why(GAN_WEIGHTS).model
    c = checks.load_or_say_why(CLASSIFIER).model
    return L.path_sharpness(g, c, SEED_PAIRS, GAN_STEPS)


def measure_paths(lang: str) -> quiz.Reveal:
    s = _sharpness()
    gap = s.conf["slerp"] - s.conf["lerp"]
    answer = "slerp" if gap > TIE_CONF else "lerp" if gap < -TIE_CONF else "same"
    md = text("cls_gan_result", lang).format(
        pairs=s.pairs,
        steps=s.steps,
        lerp=100 * s.conf["lerp"],
        slerp=100 * s.conf["slerp"],
        ends=100 * s.ends,
        n_lerp=s.norm["lerp"],
        n_slerp=s.norm["slerp"],
        name=GAN_WEIGHTS,
    )
    return quiz.Reveal(answer, md)


def why_paths(answer: str, lang: str) -> str:
    s = _sharpness()
    key = "cls_gan_why" if answer == "slerp" else "cls_gan_why_not"
    return text(key, lang).format(
        lerp=100 * s.conf["lerp"],
        slerp=100 * s.conf["slerp"],
        n_lerp=s.norm["lerp"],
        n_slerp=s.norm["slerp"],
    )


# ---------------------------------------------------------------------------------------------
# BERT, Fig. 1 / §3.1 (the "fig1_mlm" preset): does a chosen token ever stay unchanged?
# ---------------------------------------------------------------------------------------------

MASK_ROWS = 2000  # sequences masked (each row its own random draw): ~5,000 chosen tokens
MASK_SENTENCES = [
    "The old man walked slowly down the long road towards the village church.",  # the preset's sentence
    "She opened the door and walked into the room.",
    "The children were playing in the garden when the rain began to fall.",
    "He wrote a long letter to his brother, who lived far away in the city.",
]


@functools.cache
def _masking():
    import torch

    from demos import bert
    from lab import classroom as L
    from models import bert as B

    loaded = checks.load_or_say_why(bert.DEFAULT_WEIGHTS)
    cfg = loaded.model.config
    tok = B.load_tokenizer(loaded.folder)
    rows = [tok.encode(s).ids for s in MASK_SENTENCES]
    width = max(len(r) for r in rows)
    ids = torch.full((MASK_ROWS, width), cfg.pad_id, dtype=torch.long)
    for i in range(MASK_ROWS):
        r = rows[i % len(rows)]
        ids[i, : len(r)] = torch.tensor(r)
    return bert.DEFAULT_WEIGHTS, L.masking_shares(cfg, ids, seed=0)


def measure_masking(lang: str) -> quiz.Reveal:
    name, s = _masking()
    answer = min(
        (("never", 0.0), ("tenth", 0.1), ("half", 0.5)), key=lambda c: abs(c[1] - s.unchanged)
    )[0]
    md = text("cls_bert_result", lang).format(
        name=name,
        rows=MASK_ROWS,
        tokens=s.tokens,
        chosen=s.chosen,
        share=100 * s.chosen / s.tokens,
        masked=100 * s.masked,
        random=100 * s.random,
        same=100 * s.unchanged,
    )
    return quiz.Reveal(answer, md)


def why_masking(answer: str, lang: str) -> str:
    _, s = _masking()
    key = "cls_bert_why" if answer == "tenth" else "cls_bert_why_other"
    return text(key, lang).format(
        same=100 * s.unchanged, masked=100 * s.masked, random=100 * s.random
    )


# ---------------------------------------------------------------------------------------------
# The questions, in lecture order
# ---------------------------------------------------------------------------------------------

RESNET_DEPTH = quiz.Question(
    "resnet_fig6",
    "cls_rn_q",
    (("cls_rn_c20", "resnet20"), ("cls_rn_c56", "resnet56"), ("cls_rn_csame", "same")),
    measure_resnet_depth,
)
TRANSFORMER_PE = quiz.Question(
    "transformer_pe",
    "cls_tf_q",
    (("cls_tf_exact", "exact"), ("cls_tf_approx", "approx"), ("cls_tf_depends", "depends")),
    measure_pe,
)
GAN_PATHS = quiz.Question(
    "gan_fig3",
    "cls_gan_q",
    (("cls_gan_lerp", "lerp"), ("cls_gan_slerp", "slerp"), ("cls_gan_same", "same")),
    measure_paths,
)
BERT_MASKING = quiz.Question(
    "bert_fig1",
    "cls_bert_q",
    (("cls_bert_never", "never"), ("cls_bert_tenth", "tenth"), ("cls_bert_half", "half")),
    measure_masking,
)

# Which tab and preset each question belongs to (the presenter's link to the figure after a reveal)
FIGURE = {"resnet_fig6": ("resnet", "fig6"), "transformer_pe": ("transformer", "pe"),
          "gan_fig3": ("gan", "fig3"), "bert_fig1": ("bert", "fig1_mlm"),
          "resnet": ("resnet", "fig6"), "transformer": ("transformer", None), "gan": ("gan", "fig1"),
          "bert": ("bert", None)}  # fmt: skip


def tab_questions() -> dict[str, quiz.Question]:
    """Each tab's own quiz question (demos/quiz.py holds them today; after #17 each tab does)."""
    found = dict(getattr(quiz, "QUESTIONS", {}))
    if not found:  # the reorganised layout: each tab module owns its QUESTION
        from demos import bert, gan, resnet, transformer

        for module in (resnet, transformer, gan, bert):
            q = getattr(module, "QUESTION", None)
            if q is not None:
                found[q.key] = q
    return found


def all_questions() -> dict[str, quiz.Question]:
    """Every classroom question by key, in lecture order."""
    tabs = tab_questions()
    mine = {
        "resnet": RESNET_DEPTH,
        "transformer": TRANSFORMER_PE,
        "gan": GAN_PATHS,
        "bert": BERT_MASKING,
    }
    out = {}
    for paper in ("resnet", "transformer", "gan", "bert"):
        if paper in tabs:
            out[tabs[paper].key] = tabs[paper]
        out[mine[paper].key] = mine[paper]
    return out


ORDER = list(all_questions())  # lecture order

WHY_FN = {
    "resnet_fig6": why_resnet_depth,
    "transformer_pe": why_pe,
    "gan_fig3": why_paths,
    "bert_fig1": why_masking,
}


def why(key: str, answer: str, lang: str) -> str:
    """One line for a phone: why the measured answer is what it is."""
    if key in WHY_FN:
        return WHY_FN[key](answer, lang)
    k = f"cls_why_{key}_{answer}".replace(".", "_")
    return text(k if k in strings.QUESTIONS_EN else f"cls_why_{key}", lang)
