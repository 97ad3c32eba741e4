"""The BERT tab's model view: every layer x head attention map as a thumbnail, drawn with numpy and
PIL (a bert-base model view is 144 maps), and its matplotlib twin for the SVG export."""

from __future__ import annotations

import numpy as np

from demos.plots import OKABE_ITO, _font, colour_table, drawing, figure

MV_BOX = (
    0.11,
    0.01,
    0.99,
    0.93,
)  # model-view thumbnails' area in the figure: left, bottom, right, top
MV_DPI = 200  # model-view pixels per inch: slide resolution


def model_view_geometry(L: int, A: int) -> tuple[int, int, float, float, float, float]:
    """The model view's pixel layout: image width and height, the thumbnails' area origin (x0, y0)
    and one cell's width and height. `model_view_click` inverts it."""
    size = 1.1 if A <= 8 else 0.8  # inches per thumbnail, at MV_DPI
    W, H = round((size * A + 0.6) * MV_DPI), round((size * L + 0.6) * MV_DPI)
    left, bottom, right, top = MV_BOX
    return W, H, left * W, (1 - top) * H, (right - left) * W / A, (top - bottom) * H / L


def model_view_image(maps: np.ndarray, flagged: np.ndarray):
    """(L, A, T, T) attention -> one PIL image: rows = layers, columns = heads, each map coloured
    by its own maximum (Blues); heads in `flagged` (L, A) framed. Drawn with numpy and PIL: a
    bert-base model view is 144 thumbnails, too many for a fast matplotlib figure."""
    import PIL.Image
    import PIL.ImageDraw

    L, A = maps.shape[:2]
    W, H, x0, y0, cw, ch = model_view_geometry(L, A)
    side = int(min(cw, ch) * 0.92)
    lut = colour_table("Blues")
    img = PIL.Image.new("RGB", (W, H), "white")
    draw = PIL.ImageDraw.Draw(img)
    font = _font(max(14, round(0.11 * MV_DPI)))
    for li in range(L):
        for hi in range(A):
            m = maps[li, hi]
            v = (m / max(float(m.max()), 1e-9) * 255).astype(np.uint8)
            thumb = PIL.Image.fromarray(lut[v]).resize((side, side), PIL.Image.Resampling.NEAREST)
            x, y = round(x0 + hi * cw + (cw - side) / 2), round(y0 + li * ch + (ch - side) / 2)
            img.paste(thumb, (x, y))
            framed = bool(flagged[li, hi])
            draw.rectangle(
                (x - 2, y - 2, x + side + 1, y + side + 1),
                outline=OKABE_ITO[3] if framed else "#888888",
                width=5 if framed else 1,
            )
            if li == 0:  # figures stay in English (fonts)
                draw.text(
                    (x + side / 2, y0 / 2),
                    f"head {hi + 1}" if A <= 8 else str(hi + 1),
                    fill="black",
                    font=font,
                    anchor="mm",
                )
        draw.text(
            (x0 - 8, y0 + li * ch + ch / 2), f"layer {li + 1}", fill="black", font=font, anchor="rm"
        )
    return img


@drawing
def model_view_figure(maps: np.ndarray, flagged: np.ndarray):
    """`model_view_image` as a matplotlib figure, for the SVG export (labels as text, maps as images)."""
    L, A = maps.shape[:2]
    size = 1.1 if A <= 8 else 0.8
    fig = figure((size * A + 0.6, size * L + 0.6))
    axes = np.atleast_2d(fig.subplots(L, A, squeeze=False))
    for li in range(L):
        for hi in range(A):
            ax = axes[li, hi]
            m = maps[li, hi].astype(np.float32)
            ax.imshow(
                m, cmap="Blues", vmin=0, vmax=max(float(m.max()), 1e-9), interpolation="nearest"
            )
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_color(OKABE_ITO[3] if flagged[li, hi] else "#888888")
                spine.set_linewidth(3 if flagged[li, hi] else 0.5)
            if li == 0:
                ax.set_title(f"head {hi + 1}" if A <= 8 else str(hi + 1), fontsize=9)
            if hi == 0:
                ax.set_ylabel(f"layer {li + 1}", fontsize=9)
    fig.subplots_adjust(*MV_BOX[:2], *MV_BOX[2:], wspace=0.08, hspace=0.08)
    return fig
