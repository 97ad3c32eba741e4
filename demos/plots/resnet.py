"""The ResNet tab's figures: Fig. 6's curves, a live run's curves, gradient norms, Fig. 7's layer
responses, the Grad-CAM overlay and a block diagram (numpy in, a matplotlib Figure or an image out)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from demos.plots import OKABE_ITO, colormap, drawing, figure, label


@drawing
def fig6_curves(curves: dict, note: str = "", lang: str = "en") -> "object":
    """The paper's Fig. 6: error vs epoch, plain nets left, ResNets right; dashed train, bold test.

    Args:
        curves: {"plain20": {"epoch": [...], "train_error": [...], "test_error": [...]}, ...}
            (errors in percent).
        note: the budget, printed under the figure (a reduced run must say so).
        lang: the page's language (Chinese where a CJK font is installed).
    """
    fig = figure((12, 4.6))
    axes = fig.subplots(1, 2, sharey=True)
    for ax, family, title in zip(axes, ("plain", "resnet"), ("fig_plain_nets", "fig_resnets")):
        names = sorted(
            (n for n in curves if n.startswith(family)), key=lambda n: int(n[len(family) :])
        )
        for color, name in zip(OKABE_ITO, names):
            c = curves[name]
            depth = name[len(family) :]
            ax.plot(c["epoch"], c["train_error"], "--", color=color, lw=1.5)
            ax.plot(
                c["epoch"], c["test_error"], "-", color=color, lw=2.6, label=f"{family}-{depth}"
            )
        ax.set_title(label(title, lang))
        ax.set_xlabel(label("fig_epoch", lang))
        ax.grid(alpha=0.3)
        ax.legend(title=label("fig_train_test", lang), loc="upper right")
    axes[0].set_ylabel(label("fig_error", lang))
    if note:
        fig.suptitle(note, fontsize=11)
    fig.tight_layout()
    return fig


@drawing
def live_curves(
    steps: Sequence[int],
    series: dict[str, Sequence[float]],
    depth: int,
    total: int,
    lang: str = "en",
):
    """Training loss of a plain and a residual net of the same depth, streamed as they train."""
    fig = figure((8, 4.2))
    ax = fig.subplots()
    for color, (name, values) in zip(OKABE_ITO, series.items()):
        ax.plot(steps[: len(values)], values, color=color, lw=2.4, label=name)
    ax.set_xlim(0, total)
    ax.set_yscale("log")
    ax.set_xlabel(label("fig_train_step", lang))
    ax.set_ylabel(label("fig_train_loss_log", lang))
    ax.set_title(label("fig_live_title", lang).format(depth=depth))
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    return fig


@drawing
def gradient_norms(norms: dict[str, Sequence[float]], title: str, lang: str = "en"):
    """Per-layer gradient norm (log scale), layer 1 = next to the input."""
    fig = figure((8, 4.2))
    ax = fig.subplots()
    for color, (name, values) in zip(OKABE_ITO, norms.items()):
        ax.plot(np.arange(1, len(values) + 1), values, "o-", ms=3, color=color, lw=2, label=name)
    ax.set_yscale("log")
    ax.set_xlabel(label("fig_layer_first", lang))
    ax.set_ylabel(label("fig_grad_norm", lang))
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    return fig


@drawing
def layer_responses(stds: dict[str, Sequence[float]], lang: str = "en"):
    """The paper's Fig. 7: std of each 3x3 layer's response, in layer order (top) and sorted."""
    fig = figure((9, 6.4))
    axes = fig.subplots(2, 1)
    for color, (name, values) in zip(OKABE_ITO, stds.items()):
        v = np.asarray(values)
        axes[0].plot(np.arange(1, len(v) + 1), v, color=color, lw=2, label=name)
        axes[1].plot(np.arange(1, len(v) + 1), np.sort(v)[::-1], color=color, lw=2, label=name)
    axes[0].set_xlabel(label("fig_layer_original", lang))
    axes[1].set_xlabel(label("fig_layer_sorted", lang))
    for ax in axes:
        ax.set_ylabel(label("fig_std", lang))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig


def cam_overlay(image: np.ndarray, cam: np.ndarray, alpha: float = 0.45) -> np.ndarray:
    """Blend a [0, 1] heat map (resized by the caller to the image's H x W) over an RGB uint8 image."""
    heat = colormap("inferno")(np.clip(cam, 0, 1))[..., :3]  # (H, W, 3) in [0, 1]
    out = (1 - alpha) * image.astype(np.float32) / 255 + alpha * heat
    return (np.clip(out, 0, 1) * 255).astype(np.uint8)


@drawing
def block_diagram(block: str, residual: bool = True, width: int = 64, lang: str = "en"):
    """The paper's Fig. 2 / Fig. 5: the layers of one block, and its shortcut."""
    from matplotlib.patches import Rectangle

    if block == "basic":
        layers = [f"3×3 conv, {width}", "BN, ReLU", f"3×3 conv, {width}", "BN"]
    else:
        layers = [
            f"1×1 conv, {width}",
            "BN, ReLU",
            f"3×3 conv, {width}",
            "BN, ReLU",
            f"1×1 conv, {4 * width}",
            "BN",
        ]
    n = len(layers)
    fig = figure((4.6, 1.0 + 0.75 * n))
    ax = fig.subplots()
    ys = np.arange(n)[::-1] + 1.0
    for y, text in zip(ys, layers):
        is_conv = "conv" in text
        ax.add_patch(
            Rectangle(
                (0.1, y - 0.27), 1.8, 0.54, fc="#D6EAF8" if is_conv else "#F2F3F4", ec="#34495E"
            )
        )
        ax.text(1.0, y, text, ha="center", va="center", fontsize=11)
        if y > ys[-1]:
            ax.annotate("", (1.0, y - 0.62), (1.0, y - 0.28), arrowprops={"arrowstyle": "->"})
    top, bottom = ys[0] + 0.75, ys[-1] - 0.75
    ax.text(1.0, top + 0.1, "x", ha="center", fontsize=13)
    ax.annotate("", (1.0, ys[0] + 0.28), (1.0, top), arrowprops={"arrowstyle": "->"})
    ax.text(0.95, bottom - 0.55, "⊕, ReLU" if residual else "ReLU", ha="center", fontsize=12)
    ax.annotate("", (1.0, bottom - 0.3), (1.0, ys[-1] - 0.28), arrowprops={"arrowstyle": "->"})
    if residual:  # the identity shortcut, Fig. 2
        ax.annotate(
            "",
            (1.3, bottom - 0.45),
            (1.35, top),
            arrowprops={
                "arrowstyle": "->",
                "connectionstyle": "bar,fraction=-0.12",
                "color": "#D55E00",
                "lw": 2,
            },
        )
        ax.text(2.75, (top + bottom) / 2, label("fig_shortcut", lang), color="#D55E00", ha="center")
    ax.set_xlim(-0.1, 3.4)
    ax.set_ylim(bottom - 0.9, top + 0.5)
    ax.axis("off")
    kind = "bottleneck" if block == "bottleneck" else "basic"
    ax.set_title(label(f"fig_block_{kind}" + ("" if residual else "_plain"), lang))
    fig.tight_layout()
    return fig
