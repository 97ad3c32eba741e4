"""The Transformer tab's explorers and paper check: the positional encoding (§3.5), why √d_k
(§3.2.1), the warm-up schedule (Eq. 3), label smoothing (§5.4), Table 1 with a live timing, and the
paper's numbers beside ours. Callbacks first, then one builder per sub-tab; `demos/transformer.py`
places the sub-tabs (its translation views are the other half of the tab).
"""

from __future__ import annotations

import functools
import math
import re
import time
from types import SimpleNamespace

import gradio as gr
import numpy as np

from demos import plots
from demos.checks import number, whole_number
from demos.i18n import columns, t, text, with_columns
from demos.lazy import lazy
from demos.plots import transformer as figures
from demos.runtime import clear_on_failure, torch_threads
from demos.strings import transformer as strings  # noqa: F401 (registers the tab's strings)
from models import hub

torch = lazy("torch")
TL = lazy("lab.transformer")
T = lazy("models.transformer")

DEFAULT_WEIGHTS = (
    "transformer_small.multi30k_ende"  # the embedded model: its config and BLEU in the check
)
PAPER_PARAMS_M = {"base": 65, "big": 213}  # Table 3
PAPER_BLEU_ENDE = {"base": 27.3, "big": 28.4}  # Table 2, WMT 2014 newstest2014
TABLE1_COLS = ["col_layer_type", "col_complexity", "col_sequential", "col_path"]
TIMING_COLS = ["col_n", "col_sa_ms", "col_rnn_ms", "col_ratio"]
CHECK_COLS = ["col_quantity", "col_paper", "col_ours", "col_why"]


def _dims(dims, d_model: int, lang: str) -> list[int]:
    try:
        out = [int(x) for x in re.split(r"[,\s]+", str(dims).strip()) if x]
    except ValueError:
        out = []
    if not out or len(out) > 8 or any(not 0 <= i < d_model for i in out):
        raise gr.Error(text("tf_err_dims", lang).format(hi=d_model - 1))
    return out


@plots.cached
def positional(
    d_model: int = 128, max_pos: int = 100, dims: str = "4, 5, 20, 60", k: int = 5, lang: str = "en"
):
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
    md = text("tf_pe_md", lang).format(
        k=k,
        d=d_model,
        n=max_pos - k,
        err=err,
        a=block[0][0],
        b=block[0][1],
        c=block[1][0],
        e=block[1][1],
        wl=2 * math.pi * 10000 ** ((d_model - 2) / d_model),
    )
    return (
        plots.png(figures.pe_table(pe), "pe-table"),
        plots.png(figures.pe_curves(pe, chosen), "pe-curves"),
        md,
    )


@plots.cached
def scaling(n_keys: int = 16, lang: str = "en"):
    """§3.2.1: softmax saturation and gradient size as d_k grows, with and without 1/sqrt(d_k)."""
    n_keys = whole_number(n_keys, 2, 256, "tf_err_keys", lang)
    d_ks = [2**i for i in range(0, 11)]  # 1 .. 1024
    s = TL.softmax_saturation(d_ks, n_keys=n_keys)
    i64, i1k = d_ks.index(64), d_ks.index(1024)
    md = text("tf_scale_md", lang).format(
        n=n_keys,
        p64s=s["max_p_scaled"][i64],
        p64r=s["max_p_raw"][i64],
        g64s=s["grad_scaled"][i64],
        g64r=s["grad_raw"][i64],
        p1ks=s["max_p_scaled"][i1k],
        p1kr=s["max_p_raw"][i1k],
        g1ks=s["grad_scaled"][i1k],
        g1kr=s["grad_raw"][i1k],
        sd=s["std_raw"][i64],
        uni=1 / n_keys,
    )
    return plots.png(figures.scaling(d_ks, s, n_keys), "scaling"), md


@plots.cached
def schedule(d_model: int = 512, warmup: int = 4000, steps: int = 100_000, lang: str = "en"):
    """§5.3 Eq. 3: lrate = d_model^-0.5 · min(step^-0.5, step · warmup^-1.5)."""
    d_model = whole_number(d_model, 16, 4096, "tf_err_dmodel", lang)
    warmup = whole_number(warmup, 1, 100_000, "tf_err_warmup", lang)
    steps = whole_number(steps, 100, 1_000_000, "tf_err_steps", lang)
    xs = np.unique(np.linspace(1, steps, 600).astype(int))
    ys = [T.lr_rate(int(s), d_model, warmup) for s in xs]
    base = [T.lr_rate(int(s), 512, 4000) for s in xs]
    peak = T.lr_rate(warmup, d_model, warmup)
    md = text("tf_lr_md", lang).format(
        d=d_model,
        w=warmup,
        peak=peak,
        end=T.lr_rate(steps, d_model, warmup),
        steps=steps,
        half=4 * warmup,
    )
    return plots.png(figures.schedule(xs, ys, base, d_model, warmup), "schedule"), md


@plots.cached
def smoothing(epsilon: float = 0.1, vocab: int = 10, lang: str = "en"):
    """§5.4: the training target with label smoothing, and the loss it leaves (H(q) > 0)."""
    eps = number(epsilon, 0.0, 0.9, "tf_err_eps", lang)
    vocab = whole_number(vocab, 2, 50, "tf_err_vocab", lang)
    q = TL.smoothed_target(vocab, eps, target=vocab // 2).numpy()
    ent = lambda p: float(-(p[p > 0] * np.log(p[p > 0])).sum())  # noqa: E731
    q37k = TL.smoothed_target(37000, eps, 0).numpy()
    md = text("tf_ls_md", lang).format(
        eps=eps,
        V=vocab,
        true=q[vocab // 2],
        other=q[0],
        h=ent(q),
        h37=ent(q37k),
        ppl=math.exp(ent(q37k)),
    )
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
    rows.append(
        [
            text("tf_chk_base", lang),
            "65 M",
            f"{base['total']:,}",
            text("tf_why_base", lang).format(
                gap=_gap(base["total"], "base"),
                emb=base["embedding"],
                enc=base["encoder"],
                dec=base["decoder"],
                v=vocab_65m,
                untied=untied / 1e6,
            ),
        ]
    )
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
    rows.append(
        [
            text("tf_chk_small", lang),
            "—",
            f"{ours:,}",
            text("tf_why_small", lang).format(meta=cat[DEFAULT_WEIGHTS].meta.get("num_params", 0)),
        ]
    )
    err = TL.pe_formula_error(512, 512)
    rows.append(
        [
            text("tf_chk_pe", lang),
            "sin(pos/10000^(2i/d)), cos(…)",
            f"max |Δ| = {err:.1e}",
            text("tf_why_pe", lang),
        ]
    )
    _, shift = TL.pe_shift_error(5, 512, 512)
    rows.append(
        [
            text("tf_chk_shift", lang),
            text("tf_paper_shift", lang),
            f"max |Δ| = {shift:.1e}",
            text("tf_why_shift", lang),
        ]
    )
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
    rows.append(
        [
            text("tf_chk_bleu", lang),
            f"{PAPER_BLEU_ENDE['base']} (WMT14)",
            f"{bleu.get('test_2016_flickr_bleu', '?')} / {bleu.get('test_2017_flickr_bleu', '?')} (Multi30k)",
            text("tf_why_bleu", lang),
        ]
    )
    return rows


def _gap(count: int, name: str) -> float:
    return (count / 1e6 - PAPER_PARAMS_M[name]) / PAPER_PARAMS_M[name] * 100


@functools.cache
def _embedded_config() -> dict:
    import json

    folder = hub.read_catalogue()[DEFAULT_WEIGHTS].embedded_dir
    return json.loads((folder / "config.json").read_text(encoding="utf-8"))


def positional_tab(lang: gr.Radio) -> SimpleNamespace:
    """Positional encoding (§3.5): the table, chosen dimensions, the offset check."""
    with gr.Tab(t("tf_sub_pe"), id="transformer-pe") as pe_tab:
        gr.Markdown(t("tf_pe_intro"))
        with gr.Row():
            d = gr.Slider(8, 1024, value=128, step=8, label=t("tf_pe_d"))
            max_pos = gr.Slider(10, 1000, value=100, step=10, label=t("tf_pe_max"))
            dims = gr.Textbox("4, 5, 20, 60", label=t("tf_pe_dims"), scale=2)  # a long label
            k = gr.Slider(1, 50, value=5, step=1, label=t("tf_pe_k"))
        md = gr.Markdown(elem_id="transformer-pe-md")
        with gr.Row():
            heat = plots.view()
            curves = plots.view()
    inputs, outputs = [d, max_pos, dims, k], [heat, curves, md]
    drawn = gr.on(
        [pe_tab.select, d.release, max_pos.release, dims.submit, k.release],
        positional,
        [*inputs, lang],
        outputs,
        api_name="transformer_positional",
    )
    clear_on_failure(drawn, outputs, lang)  # refused dimensions: no figures of earlier ones
    return SimpleNamespace(d=d, max_pos=max_pos, dims=dims, k=k, inputs=inputs, outputs=outputs)


def scaling_tab(lang: gr.Radio) -> None:
    """Why √d_k (§3.2.1): softmax saturation with and without the scale."""
    with gr.Tab(t("tf_sub_scale"), id="transformer-scale") as scale_tab:
        gr.Markdown(t("tf_scale_intro"))
        n_keys = gr.Slider(2, 256, value=16, step=1, label=t("tf_keys"))
        md = gr.Markdown()
        plot = plots.view()
    gr.on(
        [scale_tab.select, n_keys.release],
        scaling,
        [n_keys, lang],
        [plot, md],
        api_name="transformer_scaling",
    )


def schedule_tab(lang: gr.Radio) -> None:
    """The warm-up schedule (§5.3, Eq. 3)."""
    with gr.Tab(t("tf_sub_lr"), id="transformer-lr") as lr_tab:
        gr.Markdown(t("tf_lr_intro"))
        with gr.Row():
            d = gr.Slider(64, 2048, value=512, step=64, label=t("tf_lr_d"))
            warmup = gr.Slider(100, 20_000, value=4000, step=100, label=t("tf_lr_w"))
            steps = gr.Slider(1000, 300_000, value=100_000, step=1000, label=t("tf_lr_steps"))
        md = gr.Markdown()
        plot = plots.view()
    gr.on(
        [lr_tab.select, d.release, warmup.release, steps.release],
        schedule,
        [d, warmup, steps, lang],
        [plot, md],
        api_name="transformer_schedule",
    )


def smoothing_tab(lang: gr.Radio) -> None:
    """Label smoothing (§5.4): the target, and the loss it leaves."""
    with gr.Tab(t("tf_sub_ls"), id="transformer-ls") as ls_tab:
        gr.Markdown(t("tf_ls_intro"))
        with gr.Row():
            eps = gr.Slider(0.0, 0.9, value=0.1, step=0.01, label=t("tf_ls_eps"))
            vocab = gr.Slider(2, 50, value=10, step=1, label=t("tf_ls_v"))
        md = gr.Markdown()
        plot = plots.view()
    gr.on(
        [ls_tab.select, eps.release, vocab.release],
        smoothing,
        [eps, vocab, lang],
        [plot, md],
        api_name="transformer_smoothing",
    )


def complexity_tab(lang: gr.Radio) -> None:
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
    io = dict(
        inputs=[max_n, d, lang],
        outputs=[table1, plot, rows, md],
        concurrency_limit=1,
        concurrency_id="transformer-timing",
    )  # one timing at a time: they would disturb each other
    headers = {0: TABLE1_COLS, 2: TIMING_COLS}  # Table 1 and the timings, in the page's language
    cx_tab.select(
        with_columns(complexity_first, headers), **io, api_name="transformer_complexity_first"
    )
    measure.click(
        with_columns(complexity, headers),
        **io,
        api_name="transformer_complexity",
        show_progress_on=md,
    )


def check_tab(lang: gr.Radio) -> None:
    """Paper check: the paper's numbers beside ours, each with why they agree or differ."""
    with gr.Tab(t("tf_sub_check"), id="transformer-check") as check_tab:
        gr.Markdown(t("tf_check_md"))
        check = gr.Dataframe(
            headers=columns(CHECK_COLS),
            interactive=False,
            wrap=True,
            column_widths=["24%", "14%", "16%", "46%"],
            max_height=2400,  # every row in sight, no scroll box (#19.7)
        )
    check_tab.select(
        with_columns(paper_check, {None: CHECK_COLS}),
        lang,
        check,
        api_name="transformer_paper_check",
    )
