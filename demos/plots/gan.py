"""The GAN tab's figures: Fig. 1 (the 1-D game), the 2-D game's surface, |z| along latent paths, the
digit histogram, and the samples as a mosaic or an animated GIF (numpy or tensors in)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import PIL.Image
import PIL.ImageDraw

from demos.lazy import lazy
from demos.plots import OKABE_ITO, drawing, figure, label

torch = lazy("torch")

if TYPE_CHECKING:
    from lab.gan import Game1DState, Game2DState, SaturationRun


@drawing
def saturation(r: SaturationRun, names: dict[str, str], lang: str = "en"):
    """§3 side by side: G's gradient norm at each update (log scale) and where G's samples are
    (mean G(z), the data's mean dotted), one line per generator loss (`names`: loss -> label)."""
    fig = figure((10, 3.6))
    grad_ax, mean_ax = fig.subplots(1, 2)
    for color, (loss, name) in zip((OKABE_ITO[2], OKABE_ITO[3]), names.items()):
        grad_ax.semilogy(r.steps, r.grad_norm[loss], color=color, lw=1.6, label=name)
        mean_ax.plot(r.steps, r.g_mean[loss], color=color, lw=2, label=name)
    mean_ax.axhline(1.0, color="black", ls=":", lw=1.5, label=label("fig_sat_data", lang))
    for ax, title in zip((grad_ax, mean_ax), ("fig_sat_grad", "fig_sat_where")):
        ax.set_title(label(title, lang))
        ax.set_xlabel(label("fig_sat_update", lang))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9)
    grad_ax.set_ylabel("‖∇θ_G‖")
    mean_ax.set_ylabel(label("fig_sat_mean", lang))
    fig.tight_layout()
    return fig


@drawing
def game_1d(s: Game1DState, title: str):
    """The paper's Fig. 1: data (black, dotted), p_g (green), D (blue, dashed), D* (orange), and
    the lower lines: z sampled uniformly, mapped up to x = G(z)."""
    from matplotlib.collections import LineCollection

    fig = figure((9, 4.4))
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.05, right=0.98, top=0.92, bottom=0.07)
    ax.plot(s.x, s.p_data, ":", color="black", lw=2.2, label="p_data")
    ax.plot(s.x, s.p_g, "-", color=OKABE_ITO[2], lw=2.2, label="p_g")
    ax.plot(s.x, s.d, "--", color=OKABE_ITO[0], lw=2.2, label="D(x)")
    ax.plot(s.x, s.d_star, "-.", color=OKABE_ITO[1], lw=1.6, label="D* = p_data / (p_data + p_g)")
    ax.axhline(0.5, color="grey", lw=0.8, alpha=0.6)
    # the mapping x = G(z): z on [-1, 1] drawn stretched to [-3, 3] on the lower line
    z_y, x_y = -0.42, -0.12
    lo, hi = float(s.x[0]), float(s.x[-1])  # the game's range (lab.gan.GAME1D_RANGE)
    ax.plot([lo, hi], [x_y, x_y], color="black", lw=1)
    ax.plot([-3, 3], [z_y, z_y], color="black", lw=1)
    x_end = np.clip(s.x_lines, lo, hi)
    ax.add_collection(
        LineCollection(
            [[(3 * z, z_y), (x, x_y)] for z, x in zip(s.z_lines, x_end)],
            colors="#555",
            linewidths=0.8,
        )
    )
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


@drawing
def game_2d(s: Game2DState, title: str, lang: str = "en"):
    """D's surface as the background (data-like = dark green), data points black, G's points on top."""
    fig = figure((6.2, 5.6))
    ax = fig.add_subplot()
    lim = float(s.grid[-1])
    im = ax.imshow(
        s.d, origin="lower", extent=(-lim, lim, -lim, lim), cmap="PRGn", vmin=0, vmax=1, alpha=0.85
    )
    ax.scatter(
        s.real[:, 0], s.real[:, 1], s=4, c="black", alpha=0.35, label=label("fig_data", lang)
    )
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


@drawing
def latent_norms(norms: dict[str, np.ndarray], z_dim: int, lang: str = "en"):
    """|z| along each latent path, with sqrt(z_dim), where N(0, I) puts its mass."""
    fig = figure((6, 3))
    ax = fig.add_subplot()
    for color, (name, v) in zip(OKABE_ITO, norms.items()):
        ax.plot(np.arange(1, len(v) + 1), v, "o-", ms=3, color=color, lw=2, label=name)
    ax.axhline(math.sqrt(z_dim), color="grey", ls="--", lw=1, label=f"√{z_dim}")
    ax.set_xlabel(label("fig_step", lang))
    ax.set_ylabel("‖z‖")
    ax.set_ylim(0, max(math.sqrt(z_dim) * 1.4, max(v.max() for v in norms.values()) * 1.1))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


@drawing
def digit_histogram(hists: dict[str, list[float]], title: str, lang: str = "en"):
    """Share of each digit among 10,000 samples, per generator; uniform = 10%, target >= 5%."""
    fig = figure((8, 3.6))
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(hists))
    for i, (name, h) in enumerate(hists.items()):
        ax.bar(
            np.arange(10) + (i - (len(hists) - 1) / 2) * width,
            np.asarray(h) * 100,
            width,
            color=OKABE_ITO[i],
            label=name,
        )
    ax.axhline(10, color="grey", ls="--", lw=1, label=label("fig_uniform", lang))
    ax.axhline(5, color=OKABE_ITO[3], ls=":", lw=1.5, label=label("fig_target", lang))
    ax.set_xticks(range(10))
    ax.set_xlabel(label("fig_digit_axis", lang))
    ax.set_ylabel(label("fig_share_samples", lang))
    ax.set_title(title)
    ax.legend(fontsize=9, ncols=2)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig


def image_grid(images: torch.Tensor, ncols: int, pad: int = 2, scale: int = 1) -> np.ndarray:
    """(N, H, W) in [0, 1] -> a uint8 mosaic (rows x ncols cells, `pad` px gaps, upscaled)."""
    n, h, w = images.shape
    nrows = math.ceil(n / ncols)
    cell_h, cell_w = h + pad, w + pad
    grid = np.full((nrows * cell_h + pad, ncols * cell_w + pad), 255, np.uint8)
    pix = (images.clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    for i in range(n):
        r, c = divmod(i, ncols)
        grid[pad + r * cell_h : pad + r * cell_h + h, pad + c * cell_w : pad + c * cell_w + w] = (
            255 - pix[i]
        )
    if scale > 1:
        grid = grid.repeat(scale, 0).repeat(scale, 1)
    return grid


def path_gif(images: dict[str, torch.Tensor], kinds: list[str], path: str, scale: int = 4) -> str:
    """Frames side by side (one per path), labelled, played forward then back, written to `path`."""
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
    frames[0].save(
        path, save_all=True, append_images=frames[1:], duration=90, loop=0, optimize=False
    )
    return path
