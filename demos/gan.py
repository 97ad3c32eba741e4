"""GAN tab: the adversarial game, live, and a latent space to walk through.

Pure callbacks first (plain data in, plain data or figures out), then the figures, the strings and
`build_tab()`. Paper: Goodfellow et al., "Generative Adversarial Nets", arXiv:1406.2661.
"""

from __future__ import annotations

import math
import tempfile
import threading
import time
from pathlib import Path

import gradio as gr
import numpy as np
import PIL.Image
import PIL.ImageDraw
import torch

from demos import lecture
from demos.checks import fresh_file, number, whole_number
from demos.i18n import columns, register, t, text, with_columns
from demos import quiz
from demos import plots
from demos.plots import OKABE_ITO, figure
from demos.runtime import stepwise, torch_threads
from lab import gan as L
from models import gan as M
from models import hub

WEIGHTS = ["dcgan.mnist", "gan_mlp.mnist"]
DEFAULT_WEIGHTS = "dcgan.mnist"
MAX_SEED = 2**31 - 1
MAX_GRID = 100
MIN_STEPS, MAX_STEPS = 2, 64  # interpolation frames
LR_RANGE = (1e-5, 1e-1)
MAX_K = 10
GAME1D_DEFAULT = dict(k=3, lr_d=3e-3, lr_g=3e-3, loss="non-saturating", steps=1000)
GAME1D_STEPS = (50, 5000)
GAME2D_STEPS = (100, 10000)
GAME2D_PRESET_STEPS = {"collapse": 1000, "cover": 2000}  # collapse shows by ~250 steps
STD_RANGE = (0.01, 0.5)
LOSSES = ["non-saturating", "saturating"]
MODES = ["paths", "walk"]
# The interpolation the Samples view opens on (and Fig. 3's preset): two seeds whose digits differ as
# judged by the project's MNIST classifier (dcgan.mnist: seed 11 draws a 0, seed 21 a 7; gan_mlp.mnist:
# a 9 and a 1; tests/test_gan_app.py checks it)
SEED_A, SEED_B, INTERP_STEPS = 11, 21, 16
GIF_DIR = Path(tempfile.gettempdir()) / "paper-gallery-gan"
CELL = 28 + 2  # grid cell in pixels (image + gap), before upscaling
GRID_SCALE = 3


def _lang(choice: str | None) -> str:
    return "zh" if choice == "中文" else "en"


# ---------------------------------------------------------------------------------------------
# Checking what came through the API: refused with a message that says what is allowed
# ---------------------------------------------------------------------------------------------


_int = whole_number


_float = number


def _choice(value, choices: list[str], lang: str) -> str:
    if value not in choices:
        raise gr.Error(text("gan_err_choice", lang).format(value=value, names=", ".join(choices)))
    return value


def _generator(weights: str, lang: str) -> hub.Loaded:
    if weights not in WEIGHTS:
        raise gr.Error(text("gan_err_weights", lang).format(names=", ".join(WEIGHTS)))
    try:
        return hub.get(weights, fallback=DEFAULT_WEIGHTS if weights != DEFAULT_WEIGHTS else WEIGHTS[1])
    except hub.WeightsError as e:
        raise gr.Error(str(e)) from None


# ---------------------------------------------------------------------------------------------
# Samples: a grid of digits, one seed per digit
# ---------------------------------------------------------------------------------------------


def image_grid(images: torch.Tensor, ncols: int, pad: int = 2, scale: int = 1) -> np.ndarray:
    """(N, H, W) in [0, 1] -> a uint8 mosaic (rows x ncols cells, `pad` px gaps, upscaled)."""
    n, h, w = images.shape
    nrows = math.ceil(n / ncols)
    cell_h, cell_w = h + pad, w + pad
    grid = np.full((nrows * cell_h + pad, ncols * cell_w + pad), 255, np.uint8)
    pix = (images.clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    for i in range(n):
        r, c = divmod(i, ncols)
        grid[pad + r * cell_h : pad + r * cell_h + h, pad + c * cell_w : pad + c * cell_w + w] = 255 - pix[i]
    if scale > 1:
        grid = grid.repeat(scale, 0).repeat(scale, 1)
    return grid


def grid_cols(n: int) -> int:
    return math.ceil(math.sqrt(n))


def sample_grid(weights: str = DEFAULT_WEIGHTS, seed: int = 0, n: int = 64, lang_choice: str = "English"):
    """n digits from seeds seed..seed+n-1 (a seed names one z), and the norms of those z."""
    lang = _lang(lang_choice)
    seed = _int(seed, 0, MAX_SEED - MAX_GRID, "gan_err_seed", lang)
    n = _int(n, 1, MAX_GRID, "gan_err_grid", lang)
    loaded = _generator(weights, lang)
    z_dim = loaded.model.config.z_dim
    z = M.latents(range(seed, seed + n), z_dim)  # (n, z_dim)
    with torch_threads(1):  # small batches: one thread is 5x faster on a busy 2-core machine (bench/gan.py)
        images = M.generate(loaded.model, z)
    grid = image_grid(images, grid_cols(n), scale=GRID_SCALE)
    norms = z.norm(dim=1)
    md = text("gan_samples_md", lang).format(
        first=seed, last=seed + n - 1, mean=norms.mean().item(), lo=norms.min().item(),
        hi=norms.max().item(), d=z_dim, expect=math.sqrt(z_dim - 0.5), first_norm=norms[0].item(),
    )  # fmt: skip
    return grid, f"{md}\n\n{loaded.notice}"


def samples_view(weights: str = DEFAULT_WEIGHTS, seed: int = 0, n: int = 64, seed_a: int = SEED_A,
                 seed_b: int = SEED_B, steps: int = INTERP_STEPS, mode: str = "paths",
                 lang_choice: str = "English"):  # fmt: skip
    """The samples sub-tab at once, grid and interpolation: what a preset or a link opens (UI only)."""
    return (*sample_grid(weights, seed, n, lang_choice), *interpolate(weights, seed_a, seed_b, steps, mode, lang_choice))


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


def interpolate(weights: str = DEFAULT_WEIGHTS, seed_a: int = SEED_A, seed_b: int = SEED_B,
                steps: int = INTERP_STEPS, mode: str = "paths", lang_choice: str = "English"):  # fmt: skip
    """lerp and slerp between the z of two seeds (or a random walk from seed A): the strip, the
    GIF (path of a temp file), a plot of |z| along the path(s), and a note."""
    lang = _lang(lang_choice)
    seed_a = _int(seed_a, 0, MAX_SEED, "gan_err_seed", lang)
    seed_b = _int(seed_b, 0, MAX_SEED, "gan_err_seed", lang)
    steps = _int(steps, MIN_STEPS, MAX_STEPS, "gan_err_steps", lang)
    mode = _choice(mode, MODES, lang)
    loaded = _generator(weights, lang)
    z_dim = loaded.model.config.z_dim
    kinds = ["lerp", "slerp"] if mode == "paths" else ["walk"]
    paths = {k: L.latent_path(k, seed_a, seed_b, steps, z_dim) for k in kinds}  # (steps, z_dim) each
    with torch_threads(1):
        images = {k: M.generate(loaded.model, z) for k, z in paths.items()}  # (steps, 28, 28) each
    norms = {k: z.norm(dim=1).numpy() for k, z in paths.items()}
    cols = steps if mode == "paths" else min(steps, 16)
    strip = np.concatenate([image_grid(images[k], cols, scale=2) for k in kinds], axis=0)
    gif = write_gif(images, kinds)
    fig = plots.png(fig_norms(norms, z_dim), "gan-norms", dpi=100)
    if mode == "paths":
        mid = steps // 2
        md = text("gan_interp_md", lang).format(
            a=seed_a, b=seed_b, steps=steps, na=norms["lerp"][0], nb=norms["lerp"][-1],
            lerp_mid=norms["lerp"][mid], slerp_mid=norms["slerp"][mid],
        )  # fmt: skip
    else:
        md = text("gan_walk_md", lang).format(a=seed_a, steps=steps, lo=norms["walk"].min(), hi=norms["walk"].max())
    return strip, gif, gif, fig, f"{md}\n\n{loaded.notice}"


def write_gif(images: dict[str, torch.Tensor], kinds: list[str], scale: int = 4) -> str:
    """Frames side by side (one per path), labelled, played forward then back; -> file path."""
    steps = len(images[kinds[0]])
    size, gap, top = 28 * scale, 8, 18
    frames = []
    for i in list(range(steps)) + list(range(steps - 2, 0, -1)):  # ping-pong: a smooth loop
        canvas = PIL.Image.new("L", (len(kinds) * (size + gap) + gap, size + top + gap), 255)
        draw = PIL.ImageDraw.Draw(canvas)
        for j, k in enumerate(kinds):
            pix = (255 - images[k][i].clamp(0, 1).numpy() * 255).round().astype(np.uint8)
            tile = PIL.Image.fromarray(pix).resize((size, size), PIL.Image.NEAREST)
            x0 = gap + j * (size + gap)
            canvas.paste(tile, (x0, top))
            draw.text((x0, 3), f"{k} {i + 1}/{steps}", fill=0)
        frames.append(canvas.convert("P"))
    path = _gif_path()
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=90, loop=0, optimize=False)
    return path


# ---------------------------------------------------------------------------------------------
# Fig. 1, live: the 1-D game, and the paper check computed from it
# ---------------------------------------------------------------------------------------------


def _game_args(k, lr_d, lr_g, loss, steps, step_range, lang) -> dict:
    return dict(
        k=_int(k, 1, MAX_K, "gan_err_k", lang),
        lr_d=_float(lr_d, *LR_RANGE, "gan_err_lr", lang),
        lr_g=_float(lr_g, *LR_RANGE, "gan_err_lr", lang),
        saturating=_choice(loss, LOSSES, lang) == "saturating",
        steps=_int(steps, *step_range, "gan_err_steps", lang),
    )


def check_rows(s: L.Game1DState, lang: str) -> list[list]:
    """Theory (Prop. 1, Thm. 1) beside the numbers measured on a 1-D run's state."""
    half = 0.5
    return [
        [text("gan_chk_c", lang), round(-M.LOG4, 3), round(s.c_g, 3), round(s.c_g + M.LOG4, 3)],
        [text("gan_chk_v", lang), round(-M.LOG4, 3), round(s.v_measured, 3), round(s.v_measured + M.LOG4, 3)],
        [text("gan_chk_dstar", lang), half, round(s.d_star_data, 3), round(s.d_star_data - half, 3)],
        [text("gan_chk_ddata", lang), half, round(s.d_data, 3), round(s.d_data - half, 3)],
        [text("gan_chk_dfake", lang), half, round(s.d_fake, 3), round(s.d_fake - half, 3)],
    ]


def game_1d(k: int = 3, lr_d: float = 3e-3, lr_g: float = 3e-3, loss: str = "non-saturating",
            steps: int = 1000, lang_choice: str = "English", progress=gr.Progress()):  # fmt: skip
    """Stream Fig. 1: p_data, p_g, D, D* and the z -> x map, with the paper check beside it."""
    lang = _lang(lang_choice)
    args = _game_args(k, lr_d, lr_g, loss, steps, GAME1D_STEPS, lang)
    every = max(10, args["steps"] // 30)  # about 30 frames whatever the length
    t0 = time.perf_counter()
    for s in stepwise(L.game_1d(**args, every=every)):
        progress(s.step / args["steps"], desc=text("gan_training", lang))
        status = text("gan_1d_status", lang).format(
            step=s.step, steps=args["steps"], d_data=s.d_data, d_fake=s.d_fake, c=s.c_g,
            seconds=time.perf_counter() - t0,
        )  # fmt: skip
        yield plots.png(fig_game_1d(s, f"step {s.step}"), "gan-1d", dpi=100), status, check_rows(s, lang)


def game_1d_open(k: int = 3, lr_d: float = 3e-3, lr_g: float = 3e-3, loss: str = "non-saturating",
                 steps: int = 1000, lang_choice: str = "English"):  # fmt: skip
    """What the sub-tab opens on: at the default settings, the last frame of the default run
    (computed once per process, warmed at start-up); otherwise the live run. **Run** always trains."""
    lang = _lang(lang_choice)
    args = _game_args(k, lr_d, lr_g, loss, steps, GAME1D_STEPS, lang)
    if args != _game_args(**GAME1D_DEFAULT, step_range=GAME1D_STEPS, lang=lang):
        yield from game_1d(k, lr_d, lr_g, loss, steps, lang_choice)
        return
    s = default_1d_final()
    status = text("gan_1d_cached", lang).format(steps=s.step, d_data=s.d_data, d_fake=s.d_fake, c=s.c_g)
    yield plots.png(fig_game_1d(s, f"step {s.step}"), "gan-1d", dpi=100), status, check_rows(s, lang)


_default_run: dict[str, L.Game1DState] = {}
_default_lock = threading.Lock()


def default_1d_final() -> L.Game1DState:
    """The last state of the 1-D game at the default settings (computed once per process, ~10 s
    on two quiet cores; deterministic: the game has a fixed seed)."""
    with _default_lock:
        if "final" not in _default_run:
            args = {k: v for k, v in GAME1D_DEFAULT.items() if k != "loss"}
            *_, last = stepwise(L.game_1d(**args, saturating=False, every=GAME1D_DEFAULT["steps"]))
            _default_run["final"] = last
    return _default_run["final"]


def prewarm() -> None:
    """When the tab opens, start computing the recorded runs its sub-tabs open on (the paper
    check's 1-D run, the 2-D presets) in the background, if start-up has not done it yet."""
    todo = [(default_1d_final, ())] if "final" not in _default_run else []
    todo += [(preset_2d_final, (name,)) for name in L.GAME2D_PRESETS if name not in _recorded_2d]
    if todo:
        threading.Thread(target=lambda: [fn(*args) for fn, args in todo], daemon=True).start()


# ---------------------------------------------------------------------------------------------
# The 2-D game: a ring of Gaussians, the discriminator's surface, mode collapse or not
# ---------------------------------------------------------------------------------------------


def preset_2d(name: str):
    """The controls of a 2-D preset: k, lr_D, lr_G, loss, std, steps."""
    p = L.GAME2D_PRESETS.get(name, L.GAME2D_PRESETS["cover"])
    loss = "saturating" if p["saturating"] else "non-saturating"
    return p["k"], p["lr_d"], p["lr_g"], loss, p["std"], GAME2D_PRESET_STEPS[name]


def game_2d(k: int = 1, lr_d: float = 1e-3, lr_g: float = 1e-3, loss: str = "non-saturating",
            std: float = 0.05, steps: int = 2000, lang_choice: str = "English", progress=gr.Progress()):  # fmt: skip
    lang = _lang(lang_choice)
    args = _game_args(k, lr_d, lr_g, loss, steps, GAME2D_STEPS, lang)
    args["std"] = _float(std, *STD_RANGE, "gan_err_std", lang)
    every = max(20, args["steps"] // 40)
    t0 = time.perf_counter()
    for s in stepwise(L.game_2d(**args, every=every)):
        progress(s.step / args["steps"], desc=text("gan_training", lang))
        status = text("gan_2d_status", lang).format(
            step=s.step, steps=args["steps"], covered=s.modes_covered, n=len(s.modes),
            hq=s.high_quality * 100, seconds=time.perf_counter() - t0,
        )  # fmt: skip
        title = f"step {s.step}: {s.modes_covered}/{len(s.modes)} modes covered"
        yield plots.png(fig_game_2d(s, title), "gan-2d", dpi=100), status


_recorded_2d: dict[str, L.Game2DState] = {}
_recorded_2d_lock = threading.Lock()


def preset_2d_final(name: str) -> L.Game2DState:
    """The last frame of a 2-D preset's run at its steps (computed once per process, 5-15 s on two
    busy cores; deterministic: the game has a fixed seed)."""
    with _recorded_2d_lock:
        if name not in _recorded_2d:
            steps = GAME2D_PRESET_STEPS[name]
            *_, last = stepwise(L.game_2d(**L.GAME2D_PRESETS[name], steps=steps, every=steps))
            _recorded_2d[name] = last
    return _recorded_2d[name]


def game_2d_recorded(name: str = "collapse", lang_choice: str = "English"):
    """What the sub-tab shows for a preset: the last frame of its recorded run (Run trains live)."""
    lang = _lang(lang_choice)
    s = preset_2d_final(_choice(name, list(L.GAME2D_PRESETS), lang))
    status = text("gan_2d_cached", lang).format(step=s.step, covered=s.modes_covered, n=len(s.modes),
                                                hq=s.high_quality * 100)  # fmt: skip
    title = f"step {s.step}: {s.modes_covered}/{len(s.modes)} modes covered"
    return plots.png(fig_game_2d(s, title), "gan-2d", dpi=100), status


def game_2d_open(k: int = 5, lr_d: float = 1e-2, lr_g: float = 1e-3, loss: str = "non-saturating",
                 std: float = 0.05, steps: int = 1000, lang_choice: str = "English"):  # fmt: skip
    """What the sub-tab opens on: at a preset's settings, its recorded last frame; at other
    settings (changed by hand, then the sub-tab left and opened again) the view stays as it is."""
    lang = _lang(lang_choice)
    args = _game_args(k, lr_d, lr_g, loss, steps, GAME2D_STEPS, lang)
    args["std"] = _float(std, *STD_RANGE, "gan_err_std", lang)
    for name, p in L.GAME2D_PRESETS.items():
        if args == {**p, "steps": GAME2D_PRESET_STEPS[name]}:
            return game_2d_recorded(name, lang_choice)
    return gr.skip(), gr.skip()


# ---------------------------------------------------------------------------------------------
# Quality (measured by training/gan_eval.py) and the paper check
# ---------------------------------------------------------------------------------------------


@plots.cached
def quality(lang_choice: str = "English"):
    """Parzen log-likelihood, class histogram and Fréchet distance of both generators."""
    lang = _lang(lang_choice)
    cat = hub.read_catalogue()
    measured = {n: cat[n].meta for n in WEIGHTS if n in cat and "parzen_ll" in cat[n].meta}
    if not measured:
        return None, text("gan_quality_missing", lang)
    rows = "\n".join(
        f"| {n} | **{m['parzen_ll']:.1f} ± {m['parzen_stderr']:.1f}** (σ = {m['parzen_sigma']:.3f}) | "
        f"{min(m['class_histogram']) * 100:.2f}% | {m['frechet']:.2f} | {m['frechet_train_vs_test']:.2f} | "
        f"{m.get('epochs', '?')} / {m.get('train_minutes', '?')} min |"
        for n, m in measured.items()
    )
    paper_ll, paper_se = M.PAPER_PARZEN_MNIST
    md = text("gan_quality_md", lang).format(rows=rows, paper=f"{paper_ll:.0f} ± {paper_se:.0f}")
    hists = {n: m["class_histogram"] for n, m in measured.items()}
    return plots.png(fig_histogram(hists, "Which digits the generators draw (10,000 samples each)"), "gan-digits"), md


def paper_check(lang_choice: str = "English") -> list[list]:
    """The paper's numbers beside ours: Table 1 (Parzen) and Prop. 1 / Thm. 1 from the 1-D run."""
    lang = _lang(lang_choice)
    cat = hub.read_catalogue()
    paper_ll, paper_se = M.PAPER_PARZEN_MNIST
    rows = []
    for n in WEIGHTS:
        if n in cat and "parzen_ll" in cat[n].meta:
            m = cat[n].meta
            ok = "✓" if m["parzen_ll"] >= paper_ll else "✗"
            rows.append([text("gan_chk_parzen", lang).format(name=n), f"{paper_ll:.0f} ± {paper_se:.0f}",
                         f"{m['parzen_ll']:.1f} ± {m['parzen_stderr']:.1f}", ok])  # fmt: skip
    real_ll, real_se = M.REAL_DATA_PARZEN_MNIST
    rows.append([text("gan_chk_real", lang), f"{paper_ll:.0f} ± {paper_se:.0f}", f"{real_ll:.1f} ± {real_se:.1f}", ""])
    s = default_1d_final()
    for i, (quantity, theory, measured, gap) in enumerate(check_rows(s, lang)):
        ok = "✓" if abs(gap) <= (0.15 if i < 2 else 0.05) else "✗"  # rows 0-1: values (nats); 2-4: D
        rows.append([quantity + text("gan_chk_suffix", lang), f"{theory:.3f}", f"{measured:.3f}", ok])
    return rows


# ---------------------------------------------------------------------------------------------
# Figures (numpy -> matplotlib; GAN-specific, so they live here and not in demos/plots.py)
# ---------------------------------------------------------------------------------------------


def _figure(figsize: tuple[float, float]):
    """A bare Figure (no pyplot state: nothing to close, cheap enough to stream ~10 a second)."""
    return figure(figsize)


@plots.drawing
def fig_game_1d(s: L.Game1DState, title: str):
    """The paper's Fig. 1: data (black, dotted), p_g (green), D (blue, dashed), D* (orange), and
    the lower lines: z sampled uniformly, mapped up to x = G(z)."""
    from matplotlib.collections import LineCollection

    fig = _figure((9, 4.4))
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.05, right=0.98, top=0.92, bottom=0.07)
    ax.plot(s.x, s.p_data, ":", color="black", lw=2.2, label="p_data")
    ax.plot(s.x, s.p_g, "-", color=OKABE_ITO[2], lw=2.2, label="p_g")
    ax.plot(s.x, s.d, "--", color=OKABE_ITO[0], lw=2.2, label="D(x)")
    ax.plot(s.x, s.d_star, "-.", color=OKABE_ITO[1], lw=1.6, label="D* = p_data / (p_data + p_g)")
    ax.axhline(0.5, color="grey", lw=0.8, alpha=0.6)
    # the mapping x = G(z): z on [-1, 1] drawn stretched to [-3, 3] on the lower line
    z_y, x_y = -0.42, -0.12
    lo, hi = L.GAME1D_RANGE
    ax.plot([lo, hi], [x_y, x_y], color="black", lw=1)
    ax.plot([-3, 3], [z_y, z_y], color="black", lw=1)
    x_end = np.clip(s.x_lines, lo, hi)
    ax.add_collection(LineCollection([[(3 * z, z_y), (x, x_y)] for z, x in zip(s.z_lines, x_end)],
                                     colors="#555", linewidths=0.8))  # fmt: skip
    ax.plot(x_end, np.full_like(x_end, x_y), "^", color="#555", ms=4)
    ax.text(3.15, z_y, "z", va="center")
    ax.text(hi - 0.2, x_y + 0.04, "x", va="bottom")
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.5, 1.6)
    ax.set_yticks([0, 0.5, 1.0, 1.5])
    ax.set_title(title)
    ax.legend(loc="upper left", ncols=2, fontsize=9)
    ax.grid(alpha=0.25)
    return fig


@plots.drawing
def fig_game_2d(s: L.Game2DState, title: str):
    """D's surface as the background (data-like = dark green), data points black, G's points on top."""
    fig = _figure((6.2, 5.6))
    ax = fig.add_subplot()
    lim = float(s.grid[-1])
    im = ax.imshow(s.d, origin="lower", extent=(-lim, lim, -lim, lim), cmap="PRGn", vmin=0, vmax=1, alpha=0.85)
    ax.scatter(s.real[:, 0], s.real[:, 1], s=4, c="black", alpha=0.35, label="data")
    ax.scatter(s.fake[:, 0], s.fake[:, 1], s=5, c=OKABE_ITO[1], alpha=0.8, label="G(z)")
    ax.scatter(s.modes[:, 0], s.modes[:, 1], s=60, facecolors="none", edgecolors="black", lw=1)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="D(x)")
    fig.subplots_adjust(left=0.08, right=0.86, top=0.93, bottom=0.06)
    return fig


@plots.drawing
def fig_norms(norms: dict[str, np.ndarray], z_dim: int):
    """|z| along each latent path, with sqrt(z_dim), where N(0, I) puts its mass."""
    fig = _figure((6, 3))
    ax = fig.add_subplot()
    for color, (name, v) in zip(OKABE_ITO, norms.items()):
        ax.plot(np.arange(1, len(v) + 1), v, "o-", ms=3, color=color, lw=2, label=name)
    ax.axhline(math.sqrt(z_dim), color="grey", ls="--", lw=1, label=f"√{z_dim}")
    ax.set_xlabel("step")
    ax.set_ylabel("‖z‖")
    ax.set_ylim(0, max(math.sqrt(z_dim) * 1.4, max(v.max() for v in norms.values()) * 1.1))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


@plots.drawing
def fig_histogram(hists: dict[str, list[float]], title: str):
    """Share of each digit among 10,000 samples, per generator; uniform = 10%, target >= 5%."""
    fig = _figure((8, 3.6))
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(hists))
    for i, (name, h) in enumerate(hists.items()):
        ax.bar(np.arange(10) + (i - (len(hists) - 1) / 2) * width, np.asarray(h) * 100, width,
               color=OKABE_ITO[i], label=name)  # fmt: skip
    ax.axhline(10, color="grey", ls="--", lw=1, label="10% (uniform)")
    ax.axhline(5, color=OKABE_ITO[3], ls=":", lw=1.5, label="5% (target)")
    ax.set_xticks(range(10))
    ax.set_xlabel("digit (by the project's MNIST classifier)")
    ax.set_ylabel("% of samples")
    ax.set_title(title)
    ax.legend(fontsize=9, ncols=2)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------
# Strings (English, Chinese)
# ---------------------------------------------------------------------------------------------

EN = {
    "gan_claim": (
        "## Generative Adversarial Nets (Goodfellow et al., 2014)\n"
        "**The paper's claim.** Train two networks against each other: a generator G turns noise z "
        "into samples, a discriminator D tells them from real data. The game min_G max_D "
        "E log D(x) + E log(1 − D(G(z))) (Eq. 1) has its optimum where G reproduces the data "
        "distribution, p_g = p_data; there D* = 1/2 everywhere and the value of the game is −log 4 "
        "(§4, Thm. 1). No Markov chains, no approximate inference: only backpropagation."
    ),
    "gan_sub_samples": "Samples & latent space",
    "gan_sub_1d": "Fig. 1, live (1-D)",
    "gan_sub_2d": "2-D game",
    "gan_sub_quality": "Quality",
    "gan_sub_check": "Paper check",
    "gan_weights": "Generator",
    "gan_seed": "Seed (first digit)",
    "gan_n": "Grid size (digits)",
    "gan_sample": "Sample",
    "gan_grid": "Samples: click a digit to use its seed",
    "gan_next_pick": "A click sets",
    "gan_samples_md": (
        "Digits from seeds **{first}–{last}** (one seed = one z ~ N(0, I), {d} numbers). "
        "‖z‖: first digit {first_norm:.2f}; mean {mean:.2f}, range {lo:.2f}–{hi:.2f} "
        "(in {d} dimensions almost all of N(0, I) lies near ‖z‖ ≈ {expect:.2f})."
    ),
    "gan_interp_intro": (
        "**Walk through the latent space.** Pick two seeds (or click two digits on the left). "
        "The straight line (lerp) between two z passes close to the origin, where the prior has "
        "almost no mass; the great-circle arc (slerp) keeps ‖z‖ where the generator was trained. "
        "The noise is fixed by the seeds, so the morph is smooth."
    ),
    "gan_seed_a": "Seed A",
    "gan_seed_b": "Seed B",
    "gan_steps": "Steps (N)",
    "gan_mode": "Path",
    "gan_mode_walk": "random walk",
    "gan_interpolate": "Interpolate",
    "gan_strip": "lerp (top) and slerp (bottom), or the random walk",
    "gan_gif": "Animated GIF",
    "gan_gif_file": "Download the GIF",
    "gan_interp_md": (
        "Seed {a} → seed {b}, {steps} steps. ‖z‖ at the ends: {na:.2f} and {nb:.2f}; midway: "
        "**lerp {lerp_mid:.2f}**, **slerp {slerp_mid:.2f}**."
    ),
    "gan_walk_md": (
        "Random walk from seed {a}, {steps} steps: z ← cos(a)·z + sin(a)·ε with fresh ε ~ N(0, I), "
        "so each step stays where the prior puts its mass (‖z‖ from {lo:.2f} to {hi:.2f})."
    ),
    "gan_1d_md": (
        "**The paper's Fig. 1, live.** Data p_data = N(1, 0.5²) (black, dotted); the generator maps "
        "z ~ U(−1, 1) (lower line) to x = G(z) (arrows) and so defines p_g (green); the "
        "discriminator D (blue, dashed) is trained to tell them apart; the optimal D* = p_data / "
        "(p_data + p_g) for the current G is drawn in orange (Prop. 1). At the optimum p_g = p_data, "
        "D = D* = 1/2 and the value of the game is −log 4. Try the saturating loss: early on D "
        "rejects G's samples confidently and log(1 − D(G(z))) gives G almost no gradient (§3)."
    ),
    "gan_k": "k (D steps per G step)",
    "gan_lr_d": "learning rate of D",
    "gan_lr_g": "learning rate of G",
    "gan_loss": "generator loss",
    "gan_game_steps": "training steps (G updates)",
    "gan_run": "Run",
    "gan_stop": "Stop",
    "gan_status": "Status",
    "gan_training": "training",
    "gan_1d_status": (
        "Step {step} of {steps} ({seconds:.1f} s): mean D on data **{d_data:.3f}**, on G(z) "
        "**{d_fake:.3f}**; C(G) = {c:.3f} (−log 4 = −1.386 at the optimum)."
    ),
    "gan_1d_cached": (
        "Recorded run with the default settings, step {steps}: D on the data **{d_data:.3f}**, on G(z) "
        "**{d_fake:.3f}**; C(G) = {c:.3f} (−log 4 = −1.386 at the optimum). Press **Run** to train live."
    ),
    "gan_fig1": "Fig. 1 — the 1-D game: p_data, p_g, D and D* (recorded run)",
    "gan_fig2": "Fig. 2 — samples from the generator (seeds 0–63)",
    "gan_fig3": "Fig. 3 — digits interpolated between two points of z",
    "gan_check_title": "Paper check, from this run",
    "gan_chk_c": "C(G) = max_D V(G, D) = −log 4 + 2·JSD(p_data ‖ p_g) (Thm. 1)",
    "gan_chk_v": "V(D, G) with the current D (Eq. 1, on samples)",
    "gan_chk_dstar": "D*(x) = p_data / (p_data + p_g), averaged over p_data (Prop. 1)",
    "gan_chk_ddata": "mean D(x) on data samples",
    "gan_chk_dfake": "mean D(G(z)) on generated samples",
    "gan_chk_suffix": " [1-D run, default settings]",
    "gan_chk_real": "Parzen log-likelihood of 10,000 real training images, same protocol (reference: real data)",
    "gan_chk_parzen": "Parzen log-likelihood, MNIST test ({name}; Table 1: adversarial nets)",
    "gan_2d_md": (
        "**A 2-D game (in the style of GAN Lab).** Data: eight Gaussians on a ring. Background: "
        "the discriminator's D(x) (green = looks like data). Orange: generated points from fixed "
        "noise. **Mode collapse** preset: a discriminator far ahead of the generator (k = 5 steps at "
        "10× G's learning rate): G's points gather on one or two modes where D is least sure and "
        "stay there. **Cover the modes** preset: Algorithm 1 as in the paper, k = 1 and equal "
        "learning rates: G spreads over all eight modes within about 1,500 steps."
    ),
    "gan_preset": "Preset",
    "gan_preset_collapse": "mode collapse", "gan_preset_cover": "cover the modes",
    "gan_std": "std of each Gaussian",
    "gan_2d_status": (
        "Step {step} of {steps} ({seconds:.1f} s): **{covered} of {n} modes** covered, "
        "{hq:.0f}% of the samples within 3 std of a mode."
    ),
    "gan_2d_cached": (
        "Recorded run with these settings, step {step}: **{covered} of {n} modes** covered, "
        "{hq:.0f}% of the samples within 3 std of a mode. Press **Run** to train it live."
    ),
    "gan_quality_md": (
        "Measured by this project on the MNIST test set (10,000 images) with 10,000 samples of each "
        "generator (`training/gan_eval.py`):\n\n"
        "| generator | Parzen log-likelihood (nats) | smallest digit share | Fréchet distance | "
        "FD of real data | epochs / training time |\n|---|---|---|---|---|---|\n{rows}\n\n"
        "**Parzen window** (the paper's metric, Table 1: adversarial nets {paper}): σ chosen on the "
        "validation split (the last 10,000 training images). A Parzen estimate in 784 dimensions is "
        "a poor likelihood (Theis et al. 2016): 10,000 real training images used as the \"samples\" "
        "score 243.1 ± 1.9 the same way (Theis et al. report 243). **Mode coverage**: the share of "
        "each digit among the samples, by the project's MNIST "
        "classifier (target: every digit ≥ 5%). **Fréchet distance** on that classifier's 128 features; "
        "\"FD of real data\" is 10,000 training images vs the test set, the value to aim for."
    ),
    "gan_quality_missing": "The generators' measurements are not in this copy of the catalogue yet.",
    "gan_check_md": (
        "The paper's numbers beside ours. The theory rows (Prop. 1, Thm. 1) are measured at the end "
        "of the 1-D game with its default settings (run once when this tab opens, a few seconds); "
        "the Parzen rows come from `training/gan_eval.py`. Agreement: within 0.15 nats for C(G) and "
        "V(D, G), within 0.05 for D."
    ),
    "gan_err_weights": "Unknown generator; choose one of: {names}.",
    "gan_err_seed": "Seeds must be whole numbers from {lo} to {hi}.",
    "gan_err_grid": "The grid holds {lo} to {hi} digits.",
    "gan_err_steps": "Steps must be whole numbers from {lo} to {hi}.",
    "gan_err_lr": "Learning rates must be between {lo:g} and {hi:g}.",
    "gan_err_k": "k (D steps per G step) must be a whole number from {lo} to {hi}.",
    "gan_err_std": "The std of each Gaussian must be between {lo:g} and {hi:g}.",
    "gan_err_choice": "Unknown option {value!r}; choose one of: {names}.",
}

ZH = {
    "gan_claim": (
        "## 生成对抗网络（Goodfellow 等，2014）\n"
        "**论文的结论。** 让两个网络相互对抗：生成器 G 把噪声 z 变成样本，判别器 D 把它们与真实数据区分开。"
        "博弈 min_G max_D E log D(x) + E log(1 − D(G(z)))（式 1）的最优点是 G 重现数据分布，p_g = p_data；"
        "此时处处 D* = 1/2，博弈的值为 −log 4（§4，定理 1）。不需要马尔可夫链，也不需要近似推断：只用反向传播。"
    ),
    "gan_sub_samples": "样本与隐空间",
    "gan_sub_1d": "图 1，现场演示（一维）",
    "gan_sub_2d": "二维博弈",
    "gan_sub_quality": "质量",
    "gan_sub_check": "核对论文",
    "gan_weights": "生成器",
    "gan_seed": "种子（第一个数字）",
    "gan_n": "网格大小（数字个数）",
    "gan_sample": "采样",
    "gan_grid": "样本：点击一个数字即可使用它的种子",
    "gan_next_pick": "点击设置",
    "gan_samples_md": (
        "来自种子 **{first}–{last}** 的数字（一个种子对应一个 z ~ N(0, I)，共 {d} 个数）。"
        "‖z‖：第一个数字 {first_norm:.2f}；平均 {mean:.2f}，范围 {lo:.2f}–{hi:.2f}"
        "（在 {d} 维中，N(0, I) 的几乎全部质量都在 ‖z‖ ≈ {expect:.2f} 附近）。"
    ),
    "gan_interp_intro": (
        "**在隐空间中漫游。** 选两个种子（或在左边点击两个数字）。两个 z 之间的直线插值（lerp）会经过原点附近，"
        "那里先验几乎没有质量；大圆弧插值（slerp）让 ‖z‖ 保持在生成器训练时所见的范围。噪声由种子固定，所以变形是平滑的。"
    ),
    "gan_seed_a": "种子 A",
    "gan_seed_b": "种子 B",
    "gan_steps": "步数（N）",
    "gan_mode": "路径",
    "gan_mode_walk": "随机游走",
    "gan_interpolate": "插值",
    "gan_strip": "lerp（上）与 slerp（下），或随机游走",
    "gan_gif": "GIF 动画",
    "gan_gif_file": "下载 GIF",
    "gan_interp_md": (
        "种子 {a} → 种子 {b}，{steps} 步。两端的 ‖z‖：{na:.2f} 和 {nb:.2f}；中点处："
        "**lerp {lerp_mid:.2f}**，**slerp {slerp_mid:.2f}**。"
    ),
    "gan_walk_md": (
        "从种子 {a} 出发的随机游走，{steps} 步：z ← cos(a)·z + sin(a)·ε，ε ~ N(0, I) 每步重新抽取，"
        "因此每一步都停留在先验质量所在之处（‖z‖ 从 {lo:.2f} 到 {hi:.2f}）。"
    ),
    "gan_1d_md": (
        "**论文图 1，现场演示。** 数据 p_data = N(1, 0.5²)（黑色点线）；生成器把 z ~ U(−1, 1)（下方的线）映射为 "
        "x = G(z)（箭头），由此得到 p_g（绿色）；判别器 D（蓝色虚线）被训练来区分二者；当前 G 下的最优判别器 "
        "D* = p_data / (p_data + p_g) 用橙色画出（命题 1）。在最优点 p_g = p_data，D = D* = 1/2，博弈的值为 −log 4。"
        "试试饱和损失：训练初期 D 能很有把握地拒绝 G 的样本，log(1 − D(G(z))) 几乎不给 G 梯度（§3）。"
    ),
    "gan_k": "k（每步 G 对应的 D 步数）",
    "gan_lr_d": "D 的学习率",
    "gan_lr_g": "G 的学习率",
    "gan_loss": "生成器损失",
    "gan_game_steps": "训练步数（G 的更新次数）",
    "gan_run": "运行",
    "gan_stop": "停止",
    "gan_status": "状态",
    "gan_training": "训练中",
    "gan_1d_status": (
        "第 {step} / {steps} 步（{seconds:.1f} 秒）：D 在数据上的平均值 **{d_data:.3f}**，在 G(z) 上 "
        "**{d_fake:.3f}**；C(G) = {c:.3f}（最优点处为 −log 4 = −1.386）。"
    ),
    "gan_1d_cached": (
        "默认设置下记录的运行，第 {steps} 步：D 在数据上的平均值 **{d_data:.3f}**，在 G(z) 上 **{d_fake:.3f}**；"
        "C(G) = {c:.3f}（最优点处为 −log 4 = −1.386）。按 **运行** 现场训练。"
    ),
    "gan_fig1": "图 1 — 一维博弈：p_data、p_g、D 与 D*（记录的运行）",
    "gan_fig2": "图 2 — 生成器的样本（种子 0–63）",
    "gan_fig3": "图 3 — 在 z 的两点之间插值得到的数字",
    "gan_check_title": "核对论文（来自本次运行）",
    "gan_chk_c": "C(G) = max_D V(G, D) = −log 4 + 2·JSD(p_data ‖ p_g)（定理 1）",
    "gan_chk_v": "当前 D 下的 V(D, G)（式 1，在样本上估计）",
    "gan_chk_dstar": "D*(x) = p_data / (p_data + p_g) 在 p_data 上的平均（命题 1）",
    "gan_chk_ddata": "数据样本上 D(x) 的平均",
    "gan_chk_dfake": "生成样本上 D(G(z)) 的平均",
    "gan_chk_suffix": " [一维演示，默认设置]",
    "gan_chk_real": "同样方法下 10,000 张真实训练图像的 Parzen 对数似然（参考：真实数据）",
    "gan_chk_parzen": "Parzen 对数似然，MNIST 测试集（{name}；表 1：对抗网络）",
    "gan_2d_md": (
        "**二维博弈（仿 GAN Lab）。** 数据：环上的八个高斯分布。背景：判别器的 D(x)（绿色 = 像数据）。"
        "橙色：由固定噪声生成的点。**模式坍塌** 预设：判别器远远领先于生成器（k = 5 步，学习率是 G 的 10 倍）："
        "G 的点聚到 D 最不确定的一两个模式上，并停留在那里。**覆盖所有模式** 预设：按论文的算法 1，k = 1、学习率相同："
        "G 在约 1,500 步内分布到全部八个模式上。"
    ),
    "gan_preset": "预设",
    "gan_preset_collapse": "模式坍塌", "gan_preset_cover": "覆盖所有模式",
    "gan_std": "每个高斯分布的标准差",
    "gan_2d_status": "第 {step} / {steps} 步（{seconds:.1f} 秒）：覆盖了 **{n} 个模式中的 {covered} 个**，{hq:.0f}% 的样本在某个模式的 3 倍标准差之内。",
    "gan_2d_cached": (
        "按这些设置记录的运行，第 {step} 步：覆盖了 **{n} 个模式中的 {covered} 个**，{hq:.0f}% 的样本在某个模式的 3 倍标准差之内。"
        "按 **运行** 现场训练。"
    ),
    "gan_quality_md": (
        "由本项目在 MNIST 测试集（10,000 张图像）上测得，每个生成器各取 10,000 个样本（`training/gan_eval.py`）：\n\n"
        "| 生成器 | Parzen 对数似然（nats） | 最少数字的占比 | Fréchet 距离 | 真实数据的 FD | epoch 数 / 训练时间 |\n"
        "|---|---|---|---|---|---|\n{rows}\n\n"
        "**Parzen 窗**（论文的指标，表 1：对抗网络 {paper}）：σ 在验证集（训练集最后 10,000 张图像）上选取。"
        "在 784 维中 Parzen 估计并不是好的似然（Theis 等，2016）：用同样的方法，把 10,000 张真实训练图像当作“样本”，得分为 243.1 ± 1.9（Theis 等报告的是 243）。"
        "**模式覆盖**：样本中每个数字的占比，由本项目的 MNIST 分类器判定（目标：每个数字 ≥ 5%）。"
        "**Fréchet 距离** 基于该分类器的 128 维特征；“真实数据的 FD”是 10,000 张训练图像与测试集之间的值，即努力的目标。"
    ),
    "gan_quality_missing": "此副本的权重目录中还没有生成器的测量结果。",
    "gan_check_md": (
        "论文的数字与我们的对照。理论行（命题 1、定理 1）在一维博弈默认设置运行结束时测得（打开此标签页时运行一次，几秒钟）；"
        "Parzen 行来自 `training/gan_eval.py`。一致的标准：C(G) 与 V(D, G) 相差 0.15 nats 以内，D 相差 0.05 以内。"
    ),
    "gan_err_weights": "未知的生成器；请从以下选择：{names}。",
    "gan_err_seed": "种子必须是 {lo} 到 {hi} 之间的整数。",
    "gan_err_grid": "网格可容纳 {lo} 到 {hi} 个数字。",
    "gan_err_steps": "步数必须是 {lo} 到 {hi} 之间的整数。",
    "gan_err_lr": "学习率必须在 {lo:g} 到 {hi:g} 之间。",
    "gan_err_k": "k（每步 G 对应的 D 步数）必须是 {lo} 到 {hi} 之间的整数。",
    "gan_err_std": "每个高斯分布的标准差必须在 {lo:g} 到 {hi:g} 之间。",
    "gan_err_choice": "未知的选项 {value!r}；请从以下选择：{names}。",
}
register(EN, ZH)


# ---------------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------------

CHECK_HEADERS = ["col_quantity", "col_theory", "col_measured", "col_gap"]  # Fig. 1's check (string keys)
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
WARM = [(default_1d_final, ())] + [(preset_2d_final, (name,)) for name in L.GAME2D_PRESETS]


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    gr.Markdown(t("gan_claim"))
    quiz.block(quiz.GAN, lang)  # predict, then reveal (#8)
    figures = lecture.picker(FIGURES)
    with gr.Tabs() as views:
        with gr.Tab(t("gan_sub_samples"), id="gan-samples"):
            with gr.Row():
                with gr.Column(scale=5):
                    with gr.Row():
                        weights = gr.Dropdown(WEIGHTS, value=DEFAULT_WEIGHTS, label=t("gan_weights"))
                        seed = gr.Number(0, precision=0, minimum=0, maximum=MAX_SEED - MAX_GRID, label=t("gan_seed"))
                        n = gr.Slider(1, MAX_GRID, value=64, step=1, label=t("gan_n"))
                    with gr.Row():
                        go = gr.Button(t("gan_sample"), variant="primary")
                        which = gr.Radio(["A", "B"], value="A", label=t("gan_next_pick"))
                    grid = gr.Image(label=t("gan_grid"), format="png", interactive=False, height=520,
                                    elem_id="gan-grid")  # fmt: skip
                    samples_md = gr.Markdown(elem_id="gan-samples-md")
                with gr.Column(scale=5):
                    gr.Markdown(t("gan_interp_intro"))
                    with gr.Row():
                        seed_a = gr.Number(SEED_A, precision=0, minimum=0, maximum=MAX_SEED, label=t("gan_seed_a"))
                        seed_b = gr.Number(SEED_B, precision=0, minimum=0, maximum=MAX_SEED, label=t("gan_seed_b"))
                        steps = gr.Slider(MIN_STEPS, MAX_STEPS, value=INTERP_STEPS, step=1, label=t("gan_steps"))
                    with gr.Row():
                        mode = gr.Radio([("lerp | slerp", "paths"), (t("gan_mode_walk"), "walk")],
                                        value="paths", label=t("gan_mode"))  # fmt: skip
                        interp = gr.Button(t("gan_interpolate"), variant="primary")
                    strip = gr.Image(label=t("gan_strip"), format="png", interactive=False, elem_id="gan-strip")
                    with gr.Row():
                        gif = gr.Image(label=t("gan_gif"), type="filepath", interactive=False, elem_id="gan-gif")
                        gif_file = gr.File(label=t("gan_gif_file"), interactive=False, elem_id="gan-gif-file")
                    norms_plot = plots.view(elem_id="gan-norms")
                    interp_md = gr.Markdown(elem_id="gan-interp-md")
        with gr.Tab(t("gan_sub_1d"), id="gan-1d") as tab_1d:
            gr.Markdown(t("gan_1d_md"))
            with gr.Row():
                k1 = gr.Slider(1, MAX_K, value=GAME1D_DEFAULT["k"], step=1, label=t("gan_k"))
                lr_d1 = gr.Number(GAME1D_DEFAULT["lr_d"], minimum=LR_RANGE[0], maximum=LR_RANGE[1], label=t("gan_lr_d"))
                lr_g1 = gr.Number(GAME1D_DEFAULT["lr_g"], minimum=LR_RANGE[0], maximum=LR_RANGE[1], label=t("gan_lr_g"))
                loss1 = gr.Radio([("−log D(G(z))", "non-saturating"), ("log(1 − D(G(z)))", "saturating")],
                                 value="non-saturating", label=t("gan_loss"))  # fmt: skip
                steps1 = gr.Slider(*GAME1D_STEPS, value=GAME1D_DEFAULT["steps"], step=50, label=t("gan_game_steps"))
            with gr.Row():
                run1 = gr.Button(t("gan_run"), variant="primary")
                stop1 = gr.Button(t("gan_stop"), variant="stop")
            status1 = gr.Markdown(elem_id="gan-1d-status")
            with gr.Row():
                with gr.Column(scale=3):
                    plot1 = plots.view()
                with gr.Column(scale=2):
                    check1 = gr.Dataframe(headers=columns(CHECK_HEADERS), label=t("gan_check_title"), interactive=False,
                                          wrap=True, column_widths=["58%", "14%", "14%", "14%"])  # fmt: skip
        with gr.Tab(t("gan_sub_2d"), id="gan-2d") as tab_2d:
            gr.Markdown(t("gan_2d_md"))
            with gr.Row():
                preset = gr.Radio([(t("gan_preset_collapse"), "collapse"), (t("gan_preset_cover"), "cover")],
                                  value="collapse", label=t("gan_preset"))  # fmt: skip
                p = L.GAME2D_PRESETS["collapse"]
                k2 = gr.Slider(1, MAX_K, value=p["k"], step=1, label=t("gan_k"))
                lr_d2 = gr.Number(p["lr_d"], minimum=LR_RANGE[0], maximum=LR_RANGE[1], label=t("gan_lr_d"))
                lr_g2 = gr.Number(p["lr_g"], minimum=LR_RANGE[0], maximum=LR_RANGE[1], label=t("gan_lr_g"))
            with gr.Row():
                loss2 = gr.Radio([("−log D(G(z))", "non-saturating"), ("log(1 − D(G(z)))", "saturating")],
                                 value="non-saturating", label=t("gan_loss"))  # fmt: skip
                std2 = gr.Slider(*STD_RANGE, value=p["std"], step=0.01, label=t("gan_std"))
                steps2 = gr.Slider(*GAME2D_STEPS, value=GAME2D_PRESET_STEPS["collapse"], step=100,
                                   label=t("gan_game_steps"))  # fmt: skip
            with gr.Row():
                run2 = gr.Button(t("gan_run"), variant="primary")
                stop2 = gr.Button(t("gan_stop"), variant="stop")
            status2 = gr.Markdown(elem_id="gan-2d-status")
            plot2 = plots.view(elem_id="gan-2d-plot")
        with gr.Tab(t("gan_sub_quality"), id="gan-quality") as tab_quality:
            quality_plot = plots.view()
            quality_md = gr.Markdown()
        with gr.Tab(t("gan_sub_check"), id="gan-check") as tab_check:
            gr.Markdown(t("gan_check_md"))
            check = gr.Dataframe(headers=columns(PAPER_CHECK_COLS), interactive=False,
                                 wrap=True, column_widths=["60%", "14%", "14%", "12%"])  # fmt: skip

    # Deep links (demos/lecture.py): ?tab=gan&seed=7, ?tab=gan&view=gan-2d&game2d=cover, ?tab=gan&preset=fig3
    for key, component in [("view", views), ("generator", weights), ("seed", seed), ("grid", n),
                           ("seed_a", seed_a), ("seed_b", seed_b), ("frames", steps), ("path", mode),
                           ("loss_1d", loss1), ("game2d", preset)]:  # fmt: skip
        lecture.link(key, component)
    lecture.presets(figures, FIGURES)  # ?tab=gan&preset=fig3

    # Samples render when the tab opens; everything else when its sub-tab opens or on a click.
    sample_io = dict(fn=sample_grid, inputs=[weights, seed, n, lang], outputs=[grid, samples_md])
    gr.on([tab.select, go.click, weights.change], **sample_io, api_name="gan_samples")
    tab.select(prewarm, None, None, api_visibility="private")
    grid.select(pick, [seed, n, which, seed_a, seed_b], [seed_a, seed_b, which], api_visibility="private")
    # The interpolation opens with the grid, on its default seeds, and follows the generator and
    # the path (lerp | slerp or the walk): no pane of the view waits for a click
    interp_io = dict(fn=interpolate, inputs=[weights, seed_a, seed_b, steps, mode, lang],
                     outputs=[strip, gif, gif_file, norms_plot, interp_md])
    interp.click(**interp_io, api_name="gan_interpolate")
    gr.on([tab.select, weights.change, mode.input], **interp_io, api_visibility="private")
    live = dict(concurrency_limit=1, concurrency_id="live-training")
    game_in, game_out = [k1, lr_d1, lr_g1, loss1, steps1, lang], [plot1, status1, check1]
    ev1 = run1.click(with_columns(game_1d, {2: CHECK_HEADERS}), game_in, game_out, api_name="gan_game_1d",
                     show_progress_on=status1, **live)  # fmt: skip
    # not queued behind a live training: the recorded frame is instant (other settings train live)
    ev1_open = tab_1d.select(with_columns(game_1d_open, {2: CHECK_HEADERS}), game_in, game_out,
                             api_visibility="private", show_progress_on=status1,
                             concurrency_limit=1, concurrency_id="gan-1d-open")  # fmt: skip
    stop1.click(None, cancels=[ev1, ev1_open])
    # After a preset or a link: Fig. 1, and Figs. 2 and 3 (their sub-tab may be open already)
    lecture.redraw(views, {
        "gan-1d": (with_columns(game_1d_open, {2: CHECK_HEADERS}), game_in, game_out),
        "gan-samples": (samples_view, [weights, seed, n, seed_a, seed_b, steps, mode, lang],
                        [grid, samples_md, strip, gif, gif_file, norms_plot, interp_md]),
        "gan-2d": (game_2d_recorded, [preset, lang], [plot2, status2]),
    })  # fmt: skip
    game2d_in = [k2, lr_d2, lr_g2, loss2, std2, steps2, lang]
    ev2 = run2.click(game_2d, game2d_in, [plot2, status2], api_name="gan_game_2d", show_progress_on=status2,
                     **live)  # fmt: skip
    stop2.click(None, cancels=[ev2])
    # The 2-D game opens on its preset's recorded last frame (warmed at start-up); picking a preset
    # sets its controls and shows its recorded frame (a live run of the old settings stops)
    recorded = dict(outputs=[plot2, status2], api_visibility="private", show_progress_on=status2)
    tab_2d.select(game_2d_open, game2d_in, **recorded)
    preset.change(preset_2d, preset, [k2, lr_d2, lr_g2, loss2, std2, steps2], api_visibility="private",
                  cancels=[ev2]).then(game_2d_recorded, [preset, lang], **recorded)  # fmt: skip
    tab_quality.select(quality, lang, [quality_plot, quality_md], api_name="gan_quality")
    tab_check.select(with_columns(paper_check, {None: PAPER_CHECK_COLS}), lang, check,
                     api_name="gan_paper_check")  # fmt: skip
