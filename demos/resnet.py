"""ResNet tab: the degradation problem, residual learning you can watch, check and use.

Callbacks first (plain data in, plain data or figures out), then the tab's question and
`build_tab()` with one builder per sub-tab. The Classify sub-tab (upload -> top-5 and Grad-CAM, the
example photos) is in `demos/resnet_classify.py`.
Paper: He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition", arXiv:1512.03385.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import gradio as gr

from demos import lecture, plots, quiz
from demos import resnet_classify as classify_view
from demos.i18n import columns, t, text, with_columns
from demos.lazy import lazy
from demos.plots import resnet as figures
from demos.runtime import stepwise
from demos.strings import resnet as strings  # noqa: F401 (registers the tab's strings)
from lab import tab_defaults
from lab.degradation import fig6_checks
from models import hub

RL = lazy("lab.resnet")
R = lazy("models.resnet")

CURVES = hub.WEIGHTS_DIR / "resnet_curves" / "curves.json"
RESPONSES = hub.WEIGHTS_DIR / "resnet_curves" / "responses.json"
DEPTHS = [8, 14, 20, 32, 44, 56, 110]  # 6n+2
MAX_LIVE_STEPS = 1000


# ---------------------------------------------------------------------------------------------
# Degradation: the recorded Fig. 6, the live side-by-side run, gradients and responses
# ---------------------------------------------------------------------------------------------


@functools.cache
def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@plots.cached
def recorded_curves(lang: str = "en"):
    """The paper's Fig. 6 from our recorded run, and whether it shows the paper's finding."""
    if not CURVES.exists():
        return None, text("rn_curves_missing", lang)
    data = _read_json(CURVES)
    curves = data["runs"]
    fig = plots.png(
        figures.fig6_curves(curves, note=figure_budget(data, lang), lang=lang), "resnet-fig6"
    )

    def row(net: str, c: dict) -> str:
        lossless = c.get("test_error_lossless1k")
        last = f"{lossless[-1]:.1f}" if lossless else "–"
        return f"| {net} | {c['train_error'][-1]:.1f} | {c['test_error'][-1]:.1f} | {last} |"

    rows = "\n".join(row(n, c) for n, c in sorted(curves.items()))
    checks = degradation_checks(curves)
    mark = {True: "✓", False: "✗", None: "…"}
    verdict = "\n".join(f"- {mark[ok]} {text(key, lang)}" for key, ok in checks.items())
    md = text("rn_curves_md", lang).format(
        rows=rows, verdict=verdict, **budget_and_recipe(data, lang)
    )
    return fig, md


def figure_budget(data: dict, lang: str) -> str:
    """The plot's own note: the budget the recorded run used (issue #14: the plot says it)."""
    c, runs = data.get("config", {}), data["runs"]
    epochs = sorted({len(r["train_error"]) for r in runs.values()})
    if "train_subset" not in c or not epochs:
        return plots.label("rn_reduced", lang)
    return plots.label("rn_fig_budget", lang).format(
        n=c["train_subset"], epochs=" / ".join(map(str, epochs))
    )


def budget_and_recipe(data: dict, lang: str) -> dict[str, str]:
    """The recorded run's budget and recipe in the page's language, from its config (a file of
    another shape keeps its own English sentences)."""
    c = data.get("config", {})
    try:
        return {
            "budget": text("rn_budget", lang).format(
                n=c["train_subset"],
                epochs=c["epochs"],
                iters=c["train_subset"] // c["batch_size"] * c["epochs"],
                batch=c["batch_size"],
                test=c["test_subset"],
            ),
            "recipe": text("rn_recipe", lang).format(
                momentum=c["momentum"],
                wd=c["weight_decay"],
                lr=c["lr"],
                warmup=c["warmup_epochs"],
                pad=c["pad"],
            ),
        }
    except (KeyError, TypeError, ZeroDivisionError):
        return {"budget": data.get("budget", ""), "recipe": data.get("recipe", "")}


def degradation_checks(curves: dict) -> dict[str, bool | None]:
    """The findings of Fig. 6 the recorded run must show (lab.resnet.fig6_checks), keyed by their
    words in the strings table."""
    return {f"rn_check_{k}": ok for k, ok in fig6_checks(curves).items()}


def _live_figure(history: dict, depth: int, steps: int, lang: str = "en") -> str:
    fig = figures.live_curves(history["step"], history["loss"], depth, steps, lang)
    return plots.png(fig, "resnet-live", dpi=100)  # streamed: a smaller frame, sent faster


@plots.cached
def live_cached(lang: str = "en"):
    """The default live run, recorded by `python -m training.resnet_live`: instant on page load."""
    if not RL.LIVE_RECORD.exists():
        return None, text("rn_live_nocache", lang)
    data = _read_json(RL.LIVE_RECORD)
    return _live_figure(data, data["depth"], data["steps"], lang), _live_summary(
        data, lang, cached=True
    )


def _live_summary(history: dict, lang: str, cached: bool = False) -> str:
    last = {n: v[-1] for n, v in history["loss"].items()}
    lines = (
        [
            f"| {n} | {last[n]:.3f} | {history['test_accuracy'].get(n, float('nan')) * 100:.1f}% |"
            for n in last
        ]
        if history.get("test_accuracy")
        else []
    )
    head = text("rn_live_cached" if cached else "rn_live_done", lang).format(
        depth=history["depth"],
        steps=history["steps"],
        seconds=history.get("seconds", 0),
        **(_recorded_where(history, lang) if cached else {}),
    )
    return head + (
        "\n\n" + text("rn_live_table_head", lang) + "\n|---|---|---|\n" + "\n".join(lines)
        if lines
        else ""
    )


def _recorded_where(history: dict, lang: str) -> dict:
    """When and where a recorded run's time was measured (#19: a stored time says so)."""
    machine = text("rn_machine", lang).format(
        cpu=history.get("cpu") or text("rn_cpu_unknown", lang), cores=history.get("cores", "?")
    )
    return {
        "date": history.get("date") or text("rn_date_unknown", lang),
        "machine": machine,
        "threads": history.get("threads", "?"),
        "load": history.get("load_average_1min", float("nan")),
    }


def live_run(depth: int, steps: int, lang: str = "en", progress=gr.Progress()):
    """Train plain, residual (and a shallow plain reference) side by side; stream the curves."""
    import time

    depth, steps = int(depth), int(steps)
    if depth not in DEPTHS:
        raise gr.Error(text("rn_err_depth", lang).format(depths=", ".join(map(str, DEPTHS))))
    if not 10 <= steps <= MAX_LIVE_STEPS:
        raise gr.Error(text("rn_err_steps", lang).format(max=MAX_LIVE_STEPS))
    history = {"depth": depth, "steps": steps, "step": [], "loss": {}, "test_accuracy": None}
    t0 = time.perf_counter()
    reference = 20 if depth > 20 else None
    for s in stepwise(
        RL.degradation_run(depth=depth, steps=steps, reference=reference, initial=True),
        threads=None,
    ):
        history["step"].append(s.step)
        for name, v in s.loss.items():
            history["loss"].setdefault(name, []).append(v)
        progress(s.step / steps, desc=text("rn_live_training", lang))
        history["seconds"] = time.perf_counter() - t0
        if s.test_accuracy is not None:
            history["test_accuracy"] = s.test_accuracy
            yield _live_figure(history, depth, steps, lang), _live_summary(history, lang)
        elif s.step in (0, 10) or s.step % 50 == 0:  # a first frame at once, then every 50 steps
            yield (
                _live_figure(history, depth, steps, lang),
                text("rn_live_progress", lang).format(step=s.step, steps=steps),
            )


@plots.cached
def grad_norms(depth: int, steps: int, lang: str = "en"):
    """Per-layer gradient norms of a plain and a residual net (log scale)."""
    depth, steps = int(depth), int(steps)
    if depth not in DEPTHS:
        raise gr.Error(text("rn_err_depth", lang).format(depths=", ".join(map(str, DEPTHS))))
    if not 0 <= steps <= 200:
        raise gr.Error(text("rn_err_gsteps", lang))
    norms = RL.gradient_norms(depth, steps)
    title = plots.label("rn_grad_title", lang).format(depth=depth, steps=steps)
    return plots.png(figures.gradient_norms(norms, title, lang), "resnet-grads")


@plots.cached
def layer_responses(lang: str = "en"):
    """The paper's Fig. 7 from our recorded plain and residual checkpoints."""
    if not RESPONSES.exists():
        return None, text("rn_resp_missing", lang)
    data = _read_json(RESPONSES)
    return plots.png(figures.layer_responses(data["std"], lang), "resnet-fig7"), text(
        "rn_resp_md", lang
    ).format(source=data["source"])


# ---------------------------------------------------------------------------------------------
# Architecture explorer and the paper check (Tables 1, 3 and 6)
# ---------------------------------------------------------------------------------------------

ARCHS = tab_defaults.RESNET_ARCHS


@plots.cached
def architecture(name: str, lang: str = "en"):
    """Stage table, params and FLOPs counted from the module, and the block diagram."""
    if name not in R.PRESETS:
        raise gr.Error(text("rn_err_arch", lang).format(names=", ".join(ARCHS)))
    cfg = R.PRESETS[name]
    rows = [[r["stage"], r["output"], r["blocks"], r["channels"]] for r in RL.stage_table(cfg)]
    params, flops = _counts(name)
    md = text("rn_arch_md", lang).format(
        name=name,
        depth=cfg.depth,
        block=cfg.block,
        shortcut=cfg.shortcut if cfg.residual else "-",
        params=params / 1e6,
        gflops=flops / 1e9,
        size=cfg.image_size,
    )
    fig = plots.png(
        figures.block_diagram(cfg.block, cfg.residual, cfg.widths[0], lang), "resnet-block"
    )
    return rows, md, fig


@functools.cache
def _counts(name: str) -> tuple[int, int]:
    model = RL.meta_model(R.PRESETS[name])  # shapes only: instant even for ResNet-152
    return R.count_params(model), R.count_flops(model)


@functools.cache
def paper_check(lang: str = "en") -> list[list]:
    """Our counts beside Table 1 (GFLOPs) and Table 6 (params), with the gap and its reason."""
    rows = []
    for name, paper in R.PAPER_GFLOPS.items():
        ours = _counts(name)[1] / 1e9
        v1 = R.count_flops(RL.meta_model(replace(R.PRESETS[name], stride_in_3x3=False))) / 1e9
        gap = (ours - paper) / paper * 100
        why = text("rn_why_ok", lang) if abs(gap) <= 5 else text("rn_why_v15", lang).format(v1=v1)
        rows.append([f"{name} (Table 1)", "GFLOPs", paper, round(ours, 2), f"{gap:+.1f}%", why])
    for name, paper in R.PAPER_CIFAR_PARAMS_M.items():
        ours = _counts(name)[0] / 1e6
        gap = (ours - paper) / paper * 100
        rows.append(
            [
                f"{name} (Table 6)",
                "M params",
                paper,
                round(ours, 3),
                f"{gap:+.1f}%",
                text("rn_why_ok", lang) if abs(gap) <= 5 else text("rn_why_round", lang),
            ]
        )
    return rows


def table3(lang: str | None = None) -> list[list]:
    """Table 3: ImageNet validation error of plain-34 and the shortcut options A/B/C (the language:
    for the headers, see `with_columns`)."""
    return [[k, v[0], v[1]] for k, v in R.PAPER_TABLE3.items()]


# ---------------------------------------------------------------------------------------------
# Predict, then reveal (#8): the tab's question, its answer measured
# ---------------------------------------------------------------------------------------------

TIE = 1.0  # points of training error under which two nets count as "about the same"


def measure_degradation(lang: str) -> quiz.Reveal:
    """ResNet: the final training errors of plain-20 and plain-56 in the recorded Fig. 6 run."""
    if not CURVES.exists():
        raise gr.Error(text("rn_curves_missing", lang))
    runs = _read_json(CURVES)["runs"]  # the file the Degradation sub-tab plots
    train = {
        n: runs[n]["train_error"][-1]
        for n in ("plain20", "plain56", "resnet20", "resnet56")
        if n in runs
    }
    test = {n: runs[n]["test_error"][-1] for n in train}
    if "plain20" not in train or "plain56" not in train:
        raise gr.Error(text("rn_curves_missing", lang))
    gap = train["plain56"] - train["plain20"]
    answer = "plain56" if gap > TIE else "plain20" if gap < -TIE else "same"
    md = text("quiz_rn_result", lang).format(
        p20=train["plain20"],
        p56=train["plain56"],
        t20=test["plain20"],
        t56=test["plain56"],
        r20=train.get("resnet20", float("nan")),
        r56=train.get("resnet56", float("nan")),
    )
    why = "quiz_rn_why_degradation" if answer == "plain56" else "quiz_rn_why_none"
    return quiz.Reveal(answer, f"{md}\n\n{text(why, lang)}")


QUESTION = quiz.Question(
    "resnet",
    "quiz_rn_q",
    (("quiz_rn_c20", "plain20"), ("quiz_rn_c56", "plain56"), ("quiz_rn_csame", "same")),
    measure_degradation,
)


# ---------------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------------


# The views a sub-tab opens on (English, the UI's defaults): app.py warms them after start-up; the
# paper figures' views (FIGURES) in Chinese too, so that every preset opens at once in both languages.
WARM = [(recorded_curves, ("en",)), (live_cached, ("en",)), (layer_responses, ("en",)),
        (grad_norms, (56, 0, "en")), (architecture, ("resnet50", "en")), (paper_check, ("en",)),
        (recorded_curves, ("zh",)), (live_cached, ("zh",)), (layer_responses, ("zh",)),
        (grad_norms, (56, 0, "zh")), (architecture, ("resnet50", "zh"))]  # fmt: skip

# Lecture mode: the paper's figures, one click (or ?tab=resnet&preset=fig6) each. Fig. 1 is the left half
# of Fig. 6 on CIFAR-10 (plain-20 vs plain-56): both open the recorded curves.
FIGURES = {
    "fig1": lecture.Preset("rn_fig1", {"view": "resnet-curves"}),
    "fig4": lecture.Preset("rn_fig4", {"view": "resnet-live", "depth": tab_defaults.LIVE_DEFAULT["depth"],
                                       "steps": tab_defaults.LIVE_DEFAULT["steps"]}),
    "fig6": lecture.Preset("rn_fig6", {"view": "resnet-curves"}),
    "fig7": lecture.Preset("rn_fig7", {"view": "resnet-why", "grad_depth": 56, "grad_steps": 0}),
    "table1": lecture.Preset("rn_table1", {"view": "resnet-arch", "arch": "resnet50"}),
}  # fmt: skip


# A paper check's table shows every row: no scroll box inside the page (#19.7; gradio's default 500 px
# held 6 of its rows on a projector)
TABLE_HEIGHT = 2400
STAGE_COLS = ["col_stage", "col_output", "col_blocks", "col_channels"]
CHECK_COLS = ["col_network", "col_quantity", "col_paper", "col_ours", "col_gap", "col_why"]
TABLE3_COLS = ["col_model", "col_top1", "col_top5"]


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    gr.Markdown(t("rn_claim"))
    quiz.block(QUESTION, lang)  # predict, then reveal (#8)
    figures_picker = lecture.picker(FIGURES)
    with gr.Tabs(overflow_behavior="wrap") as views:  # every sub-tab in sight (#19.6)
        _curves_tab(lang, tab)
        live = _live_tab(lang)
        why = _why_tab(lang)
        classify_view.build(lang)  # demos/resnet_classify.py
        arch = _architecture_tab(lang)
        _check_tab(lang)

    # Deep links (demos/lecture.py): ?tab=resnet&view=resnet-live&depth=20, ?tab=resnet&preset=fig6, ...
    for key, component in [
        ("view", views),
        ("depth", live.depth),
        ("steps", live.steps),
        ("grad_depth", why.depth),
        ("grad_steps", why.steps),
        ("arch", arch),
    ]:
        lecture.link(key, component)
    lecture.presets(figures_picker, FIGURES)
    # After a preset or a link: the live view (a live run may be on screen) and the gradient norms.
    lecture.redraw(views, {"resnet-live": live.redraw, "resnet-why": why.redraw})


def _curves_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    """Degradation (Fig. 6): the recorded training curves; drawn when the tab opens."""
    with gr.Tab(t("rn_sub_curves"), id="resnet-curves") as curves_tab:
        plot = plots.view()
        md = gr.Markdown()
    gr.on(
        [tab.select, curves_tab.select], recorded_curves, lang, [plot, md], api_name="resnet_curves"
    )


def _live_tab(lang: gr.Radio) -> SimpleNamespace:
    """Run it yourself (Fig. 4): plain and residual nets trained side by side."""
    with gr.Tab(t("rn_sub_live"), id="resnet-live") as live_tab:
        gr.Markdown(t("rn_live_md"))
        with gr.Row():
            depth = gr.Dropdown(
                DEPTHS, value=tab_defaults.LIVE_DEFAULT["depth"], label=t("rn_depth")
            )
            steps = gr.Slider(
                10,
                MAX_LIVE_STEPS,
                value=tab_defaults.LIVE_DEFAULT["steps"],
                step=10,
                label=t("rn_steps"),
            )
            run = gr.Button(t("rn_run"), variant="primary")
            stop = gr.Button(t("rn_stop"), variant="stop")
        status = gr.Markdown(label=t("rn_live_status"), elem_id="resnet-live-status")
        plot = plots.view()
    live_tab.select(live_cached, lang, [plot, status], api_name="resnet_live_cached")
    event = run.click(
        live_run,
        [depth, steps, lang],
        [plot, status],
        api_name="resnet_live",
        concurrency_limit=1,
        concurrency_id="live-training",
        show_progress_on=status,
    )
    stop.click(None, cancels=[event])
    return SimpleNamespace(depth=depth, steps=steps, redraw=(live_cached, [lang], [plot, status]))


def _why_tab(lang: gr.Radio) -> SimpleNamespace:
    """Why it works: gradient norms through depth, and Fig. 7's layer responses."""
    with gr.Tab(t("rn_sub_why"), id="resnet-why") as why_tab:
        gr.Markdown(t("rn_grad_md"))
        with gr.Row():
            depth = gr.Dropdown(DEPTHS, value=56, label=t("rn_depth"))
            steps = gr.Slider(0, 200, value=0, step=10, label=t("rn_grad_steps"))
            run = gr.Button(t("rn_grad_run"), variant="primary")
        grad_plot = plots.view()
        resp_plot = plots.view()
        resp_md = gr.Markdown()
    why_tab.select(layer_responses, lang, [resp_plot, resp_md], api_name="resnet_responses")
    # the gradient norms open drawn too (#19.10): the defaults' figure is warmed at start-up (WARM)
    why_tab.select(grad_norms, [depth, steps, lang], grad_plot, api_visibility="private")
    run.click(
        grad_norms,
        [depth, steps, lang],
        grad_plot,
        api_name="resnet_grad_norms",
        concurrency_limit=2,
    )
    return SimpleNamespace(
        depth=depth, steps=steps, redraw=(grad_norms, [depth, steps, lang], [grad_plot])
    )


def _architecture_tab(lang: gr.Radio) -> gr.Dropdown:
    """Architecture: Table 1 for any depth, the block diagram, and Table 3."""
    with gr.Tab(t("rn_sub_arch"), id="resnet-arch") as arch_tab:
        arch = gr.Dropdown(ARCHS, value="resnet50", label=t("rn_arch"))
        with gr.Row():
            with gr.Column(scale=3):
                md = gr.Markdown()
                stages = gr.Dataframe(
                    headers=columns(STAGE_COLS), label=t("rn_stage_table"), interactive=False
                )
                gr.Markdown(t("rn_table3_md"))
                t3 = gr.Dataframe(headers=columns(TABLE3_COLS), interactive=False)
            with gr.Column(scale=2):
                diagram = plots.view()
    io = dict(
        fn=with_columns(architecture, {0: STAGE_COLS}),
        inputs=[arch, lang],
        outputs=[stages, md, diagram],
    )
    arch.change(**io, api_name="resnet_architecture")
    arch_tab.select(**io, api_visibility="private")
    arch_tab.select(with_columns(table3, {None: TABLE3_COLS}), lang, t3, api_name="resnet_table3")
    return arch


def _check_tab(lang: gr.Radio) -> None:
    """Paper check: parameters, FLOPs and errors beside the paper's tables."""
    with gr.Tab(t("rn_sub_check"), id="resnet-check") as check_tab:
        gr.Markdown(t("rn_check_md"))
        check = gr.Dataframe(
            headers=columns(CHECK_COLS),
            interactive=False,
            wrap=True,
            column_widths=["15%", "9%", "7%", "7%", "7%", "55%"],
            max_height=TABLE_HEIGHT,
        )
    check_tab.select(
        with_columns(paper_check, {None: CHECK_COLS}), lang, check, api_name="resnet_paper_check"
    )
