"""GAN tab: the adversarial game, live, and a latent space to walk through.

Callbacks first (plain data in, plain data or figures out): the samples and the latent space,
quality and the paper check; then the tab's question and `build_tab()` with one builder per
sub-tab. The 1-D and 2-D games are in `demos/gan_games.py`. Paper: Goodfellow et al., "Generative
Adversarial Nets", arXiv:1406.2661.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import numpy as np

from demos import gan_games as games
from demos import lecture, plots, quiz
from demos.checks import fresh_file, load_weights, one_of, whole_number
from demos.gan_games import check_rows, default_1d_final, preset_2d_final
from demos.i18n import columns, t, text, with_columns
from demos.lazy import lazy
from demos.plots import gan as figures
from demos.runtime import clear_on_failure, torch_threads
from demos.strings import gan as strings  # noqa: F401 (registers the tab's strings)
from lab import tab_defaults
from models import hub

L = lazy("lab.gan")
M = lazy("models.gan")

WEIGHTS = ["dcgan.mnist", "gan_mlp.mnist"]
DEFAULT_WEIGHTS = "dcgan.mnist"
MAX_SEED = 2**31 - 1
MAX_GRID = 100
MIN_STEPS, MAX_STEPS = 2, 64  # interpolation frames
MODES = ["paths", "walk"]
# The interpolation the Samples view opens on (and Fig. 3's preset): two seeds whose digits differ as
# judged by the project's MNIST classifier (dcgan.mnist: seed 11 draws a 0, seed 21 a 7; gan_mlp.mnist:
# a 9 and a 1; tests/test_gan_app.py checks it)
SEED_A, SEED_B, INTERP_STEPS = 11, 20, 16
GIF_DIR = Path(tempfile.gettempdir()) / "paper-gallery-gan"
CELL = 28 + 2  # grid cell in pixels (image + gap), before upscaling
GRID_SCALE = 3


# ---------------------------------------------------------------------------------------------
# Checking what came through the API: refused with a message that says what is allowed
# ---------------------------------------------------------------------------------------------


def _generator(weights: str, lang: str) -> hub.Loaded:
    """The generator asked for; the other one when it does not load (with a notice)."""
    fallback = DEFAULT_WEIGHTS if weights != DEFAULT_WEIGHTS else WEIGHTS[1]
    return load_weights(weights, WEIGHTS, fallback, "gan_err_weights", lang)


# ---------------------------------------------------------------------------------------------
# Samples: a grid of digits, one seed per digit
# ---------------------------------------------------------------------------------------------


def grid_cols(n: int) -> int:
    return math.ceil(math.sqrt(n))


def sample_grid(weights: str = DEFAULT_WEIGHTS, seed: int = 0, n: int = 64, lang: str = "en"):
    """n digits from seeds seed..seed+n-1 (a seed names one z), and the norms of those z."""
    seed = whole_number(seed, 0, MAX_SEED - MAX_GRID, "gan_err_seed", lang)
    n = whole_number(n, 1, MAX_GRID, "gan_err_grid", lang)
    loaded = _generator(weights, lang)
    z_dim = loaded.model.config.z_dim
    z = M.latents(range(seed, seed + n), z_dim)  # (n, z_dim)
    with torch_threads(
        1
    ):  # small batches: one thread is 5x faster on a busy 2-core machine (bench/gan.py)
        images = M.generate(loaded.model, z)
    grid = figures.image_grid(images, grid_cols(n), scale=GRID_SCALE)
    norms = z.norm(dim=1)
    md = text("gan_samples_md", lang).format(
        first=seed,
        last=seed + n - 1,
        mean=norms.mean().item(),
        lo=norms.min().item(),
        hi=norms.max().item(),
        d=z_dim,
        expect=math.sqrt(z_dim - 0.5),
        first_norm=norms[0].item(),
    )
    return grid, f"{md}\n\n{loaded.notice}"


def samples_view(
    weights: str = DEFAULT_WEIGHTS,
    seed: int = 0,
    n: int = 64,
    seed_a: int = SEED_A,
    seed_b: int = SEED_B,
    steps: int = INTERP_STEPS,
    mode: str = "paths",
    lang: str = "en",
):
    """The samples sub-tab at once, grid and interpolation: what a preset or a link opens (UI only)."""
    return (
        *sample_grid(weights, seed, n, lang),
        *interpolate(weights, seed_a, seed_b, steps, mode, lang),
    )


def seed_at(x: int, y: int, seed: int, n: int) -> int | None:
    """The seed of the digit at pixel (x, y) of the grid `sample_grid` drew, or None (a gap)."""
    cell = CELL * GRID_SCALE
    col, row = int(x) // cell, int(y) // cell
    cols = grid_cols(int(n))
    if col >= cols or row * cols + col >= int(n):
        return None
    return int(seed) + row * cols + col


def pick(seed: int, n: int, which: str, seed_a: int, seed_b: int, evt: gr.SelectData):
    """A click on the grid sets seed A or seed B (then the other one is next)."""
    x, y = evt.index
    s = seed_at(x, y, seed, n)
    if s is None:
        return seed_a, seed_b, which
    return (s, seed_b, "B") if which == "A" else (seed_a, s, "A")


# ---------------------------------------------------------------------------------------------
# Latent space: lerp and slerp side by side, a random walk, as a strip and an animated GIF
# ---------------------------------------------------------------------------------------------


def _gif_path() -> str:
    """A fresh temp file for one GIF; files older than an hour are removed on the way."""
    return fresh_file(GIF_DIR, "gan-", ".gif")


def interpolate(
    weights: str = DEFAULT_WEIGHTS,
    seed_a: int = SEED_A,
    seed_b: int = SEED_B,
    steps: int = INTERP_STEPS,
    mode: str = "paths",
    lang: str = "en",
):
    """lerp and slerp between the z of two seeds (or a random walk from seed A): the strip, the
    GIF (path of a temp file), a plot of |z| along the path(s), and a note."""
    seed_a = whole_number(seed_a, 0, MAX_SEED, "gan_err_seed", lang)
    seed_b = whole_number(seed_b, 0, MAX_SEED, "gan_err_seed", lang)
    steps = whole_number(steps, MIN_STEPS, MAX_STEPS, "gan_err_steps", lang)
    mode = one_of(mode, MODES, "gan_err_choice", lang)
    loaded = _generator(weights, lang)
    z_dim = loaded.model.config.z_dim
    kinds = ["lerp", "slerp"] if mode == "paths" else ["walk"]
    paths = {
        k: L.latent_path(k, seed_a, seed_b, steps, z_dim) for k in kinds
    }  # (steps, z_dim) each
    with torch_threads(1):
        images = {k: M.generate(loaded.model, z) for k, z in paths.items()}  # (steps, 28, 28) each
    norms = {k: z.norm(dim=1).numpy() for k, z in paths.items()}
    cols = steps if mode == "paths" else min(steps, 16)
    strip = np.concatenate([figures.image_grid(images[k], cols, scale=2) for k in kinds], axis=0)
    gif = figures.path_gif(images, kinds, _gif_path())
    fig = plots.png(figures.latent_norms(norms, z_dim, lang), "gan-norms", dpi=100)
    if mode == "paths":
        mid = steps // 2
        md = text("gan_interp_md", lang).format(
            a=seed_a,
            b=seed_b,
            steps=steps,
            na=norms["lerp"][0],
            nb=norms["lerp"][-1],
            lerp_mid=norms["lerp"][mid],
            slerp_mid=norms["slerp"][mid],
        )
    else:
        md = text("gan_walk_md", lang).format(
            a=seed_a, steps=steps, lo=norms["walk"].min(), hi=norms["walk"].max()
        )
    return strip, gif, gif, fig, f"{md}\n\n{loaded.notice}"


# ---------------------------------------------------------------------------------------------
# Quality (measured by training/gan_eval.py) and the paper check
# ---------------------------------------------------------------------------------------------


def legible(m: dict) -> str:
    """The share of samples called a digit with p >= 0.9, beside the test digits' (gan_eval)."""
    if "confident_share" not in m:
        return "–"
    return f"{m['confident_share'] * 100:.1f}% ({m['confident_share_test'] * 100:.1f}%)"


@plots.cached
def quality(lang: str = "en"):
    """Parzen log-likelihood, class histogram and Fréchet distance of both generators."""
    cat = hub.read_catalogue()
    measured = {n: cat[n].meta for n in WEIGHTS if n in cat and "parzen_ll" in cat[n].meta}
    if not measured:
        return None, text("gan_quality_missing", lang)
    rows = "\n".join(
        f"| {n} | **{m['parzen_ll']:.1f} ± {m['parzen_stderr']:.1f}** (σ = {m['parzen_sigma']:.3f}) | "
        f"{legible(m)} | {min(m['class_histogram']) * 100:.2f}% | {m['frechet']:.2f} | {m['frechet_train_vs_test']:.2f} | "
        f"{m.get('epochs', '?')} / {m.get('train_minutes', '?')} min |"
        for n, m in measured.items()
    )
    paper_ll, paper_se = M.PAPER_PARZEN_MNIST
    md = text("gan_quality_md", lang).format(rows=rows, paper=f"{paper_ll:.0f} ± {paper_se:.0f}")
    hists = {n: m["class_histogram"] for n, m in measured.items()}
    return plots.png(
        figures.digit_histogram(hists, plots.label("fig_digits_title", lang), lang),
        "gan-digits",
    ), md


def paper_check(lang: str = "en") -> list[list]:
    """The paper's numbers beside ours: Table 1 (Parzen) and Prop. 1 / Thm. 1 from the 1-D run."""
    cat = hub.read_catalogue()
    paper_ll, paper_se = M.PAPER_PARZEN_MNIST
    rows = []
    for n in WEIGHTS:
        if n in cat and "parzen_ll" in cat[n].meta:
            m = cat[n].meta
            ok = "✓" if m["parzen_ll"] >= paper_ll else "✗"
            rows.append(
                [
                    text("gan_chk_parzen", lang).format(name=n),
                    f"{paper_ll:.0f} ± {paper_se:.0f}",
                    f"{m['parzen_ll']:.1f} ± {m['parzen_stderr']:.1f}",
                    ok,
                ]
            )
    real_ll, real_se = M.REAL_DATA_PARZEN_MNIST
    rows.append(
        [
            text("gan_chk_real", lang),
            f"{paper_ll:.0f} ± {paper_se:.0f}",
            f"{real_ll:.1f} ± {real_se:.1f}",
            "",
        ]
    )
    s = default_1d_final()
    for i, (quantity, theory, measured, gap) in enumerate(check_rows(s, lang)):
        ok = (
            "✓" if abs(gap) <= (0.15 if i < 2 else 0.05) else "✗"
        )  # rows 0-1: values (nats); 2-4: D
        rows.append(
            [quantity + text("gan_chk_suffix", lang), f"{theory:.3f}", f"{measured:.3f}", ok]
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Predict, then reveal (#8): the tab's question, its answer measured
# ---------------------------------------------------------------------------------------------

D_CHOICES = ("0", "0.5", "1")


def measure_optimum(lang: str) -> quiz.Reveal:
    """GAN: D* = p_data / (p_data + p_g) measured on the 1-D game of Fig. 1 at its default settings."""
    s = default_1d_final()  # ~10 s the first time in a process (the GAN tab starts it on open)
    answer = min(D_CHOICES, key=lambda v: abs(float(v) - s.d_star_data))
    w = s.p_data / s.p_data.sum()  # the data's share of each point of the (uniform) grid
    near = float(
        w[abs(s.d_star - 0.5) <= 0.1].sum()
    )  # share of the data where D* is within 0.1 of 1/2
    md = text("quiz_gan_result", lang).format(
        steps=s.step,
        dstar=s.d_star_data,
        near=100 * near,
        d_data=s.d_data,
        d_fake=s.d_fake,
        c=s.c_g,
    )
    return quiz.Reveal(answer, md)


QUESTION = quiz.Question(
    "gan",
    "quiz_gan_q",
    (("quiz_gan_0", "0"), ("quiz_gan_half", "0.5"), ("quiz_gan_1", "1")),
    measure_optimum,
)


# ---------------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------------

PAPER_CHECK_COLS = ["col_quantity", "col_paper_theory", "col_ours", "col_agrees"]

# Lecture mode: the paper's figures, one click (or ?tab=gan&preset=fig3) each
FIGURES = {
    "fig1": lecture.Preset("gan_fig1", {"view": "gan-1d", "loss_1d": "non-saturating"}),
    "fig2": lecture.Preset("gan_fig2", {"view": "gan-samples", "generator": DEFAULT_WEIGHTS, "seed": 0, "grid": 64}),
    "fig3": lecture.Preset("gan_fig3", {"view": "gan-samples", "generator": DEFAULT_WEIGHTS, "seed_a": SEED_A,
                                        "seed_b": SEED_B, "frames": INTERP_STEPS, "path": "paths"}),
}  # fmt: skip
# The recorded runs the sub-tabs open on (the default 1-D game's last frame for Fig. 1, the 2-D
# presets' last frames): app.py computes them after start-up.
WARM = [(default_1d_final, ())] + [
    (preset_2d_final, (name,)) for name in tab_defaults.GAME2D_PRESETS
]


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    gr.Markdown(t("gan_claim"))
    quiz.block(QUESTION, lang)  # predict, then reveal (#8)
    figures_picker = lecture.picker(FIGURES)
    with gr.Tabs(overflow_behavior="wrap") as views:  # every sub-tab in sight (#19.6)
        samples = _samples_tab(lang, tab)
        game1 = games.game_1d_tab(lang)
        game2 = games.game_2d_tab(lang)
        _quality_tab(lang)
        _check_tab(lang)

    # Deep links (demos/lecture.py): ?tab=gan&seed=7, ?tab=gan&view=gan-2d&game2d=cover, ?tab=gan&preset=fig3
    for key, component in [
        ("view", views),
        ("generator", samples.weights),
        ("seed", samples.seed),
        ("grid", samples.n),
        ("seed_a", samples.seed_a),
        ("seed_b", samples.seed_b),
        ("frames", samples.steps),
        ("path", samples.mode),
        ("loss_1d", game1.loss),
        ("game2d", game2.preset),
    ]:
        lecture.link(key, component)
    lecture.presets(figures_picker, FIGURES)  # ?tab=gan&preset=fig3
    # After a preset or a link: Fig. 1, and Figs. 2 and 3 (their sub-tab may be open already)
    lecture.redraw(
        views, {"gan-1d": game1.redraw, "gan-samples": samples.redraw, "gan-2d": game2.redraw}
    )


def _samples_tab(lang: gr.Radio, tab: gr.Tab) -> SimpleNamespace:
    """Samples: a grid of digits (one seed each), and the paths between two seeds' z."""
    with gr.Tab(t("gan_sub_samples"), id="gan-samples"):
        with gr.Row():
            with gr.Column(scale=5):
                with gr.Row():
                    weights = gr.Dropdown(WEIGHTS, value=DEFAULT_WEIGHTS, label=t("gan_weights"))
                    seed = gr.Number(
                        0, precision=0, minimum=0, maximum=MAX_SEED - MAX_GRID, label=t("gan_seed")
                    )
                    n = gr.Slider(1, MAX_GRID, value=64, step=1, label=t("gan_n"))
                with gr.Row():
                    go = gr.Button(t("gan_sample"), variant="primary")
                    which = gr.Radio(["A", "B"], value="A", label=t("gan_next_pick"))
                grid = gr.Image(
                    label=t("gan_grid"),
                    format="png",
                    interactive=False,
                    height=520,
                    elem_id="gan-grid",
                )
                samples_md = gr.Markdown(elem_id="gan-samples-md")
            with gr.Column(scale=5):
                gr.Markdown(t("gan_interp_intro"))
                with gr.Row():
                    seed_a = gr.Number(
                        SEED_A, precision=0, minimum=0, maximum=MAX_SEED, label=t("gan_seed_a")
                    )
                    seed_b = gr.Number(
                        SEED_B, precision=0, minimum=0, maximum=MAX_SEED, label=t("gan_seed_b")
                    )
                    steps = gr.Slider(
                        MIN_STEPS, MAX_STEPS, value=INTERP_STEPS, step=1, label=t("gan_steps")
                    )
                with gr.Row():
                    mode = gr.Radio(
                        [("lerp | slerp", "paths"), (t("gan_mode_walk"), "walk")],
                        value="paths",
                        label=t("gan_mode"),
                    )
                    interp = gr.Button(t("gan_interpolate"), variant="primary")
                strip = gr.Image(
                    label=t("gan_strip"), format="png", interactive=False, elem_id="gan-strip"
                )
                with gr.Row():
                    gif = gr.Image(
                        label=t("gan_gif"), type="filepath", interactive=False, elem_id="gan-gif"
                    )
                    gif_file = gr.File(
                        label=t("gan_gif_file"), interactive=False, elem_id="gan-gif-file"
                    )
                norms_plot = plots.view(elem_id="gan-norms")
                interp_md = gr.Markdown(elem_id="gan-interp-md")

    # Samples render when the tab opens; everything else when its sub-tab opens or on a click.
    sample_io = dict(fn=sample_grid, inputs=[weights, seed, n, lang], outputs=[grid, samples_md])
    sampled = gr.on([tab.select, go.click, weights.change], **sample_io, api_name="gan_samples")
    clear_on_failure(sampled, sample_io["outputs"], lang)  # a refused seed: no earlier grid (#19)
    tab.select(games.prewarm, None, None, api_visibility="private")
    grid.select(
        pick, [seed, n, which, seed_a, seed_b], [seed_a, seed_b, which], api_visibility="private"
    )
    # The interpolation opens with the grid, on its default seeds, and follows the generator and
    # the path (lerp | slerp or the walk): no pane of the view waits for a click
    interp_out = [strip, gif, gif_file, norms_plot, interp_md]
    interp_io = dict(
        fn=interpolate, inputs=[weights, seed_a, seed_b, steps, mode, lang], outputs=interp_out
    )
    clear_on_failure(interp.click(**interp_io, api_name="gan_interpolate"), interp_out, lang)
    gr.on([tab.select, weights.change, mode.input], **interp_io, api_visibility="private")
    redraw = (
        samples_view,
        [weights, seed, n, seed_a, seed_b, steps, mode, lang],
        [grid, samples_md, *interp_out],
    )
    return SimpleNamespace(
        weights=weights,
        seed=seed,
        n=n,
        seed_a=seed_a,
        seed_b=seed_b,
        steps=steps,
        mode=mode,
        redraw=redraw,
    )


def _quality_tab(lang: gr.Radio) -> None:
    """Sample quality: the digits each generator draws, Parzen beside Table 1."""
    with gr.Tab(t("gan_sub_quality"), id="gan-quality") as tab_quality:
        plot = plots.view()
        md = gr.Markdown()
    tab_quality.select(quality, lang, [plot, md], api_name="gan_quality")


def _check_tab(lang: gr.Radio) -> None:
    """Paper check: Prop. 1, Thm. 1 and Table 1 beside what we measure."""
    with gr.Tab(t("gan_sub_check"), id="gan-check") as tab_check:
        gr.Markdown(t("gan_check_md"))
        check = gr.Dataframe(
            headers=columns(PAPER_CHECK_COLS),
            interactive=False,
            wrap=True,
            column_widths=["60%", "14%", "14%", "12%"],
            max_height=2400,  # every row in sight, no scroll box (#19.7)
        )
    tab_check.select(
        with_columns(paper_check, {None: PAPER_CHECK_COLS}), lang, check, api_name="gan_paper_check"
    )
