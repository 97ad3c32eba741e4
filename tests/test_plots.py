"""demos/plots.py: the figure cache, the PNG files and the PIL-drawn heat maps (values, not "it ran")."""

from __future__ import annotations

import os

import numpy as np
import PIL.Image

from demos import plots


def test_cached_figure_is_drawn_once_and_redrawn_when_its_file_is_gone():
    calls = []

    @plots.cached
    def fig(n: int, lang: str = "English"):
        calls.append(n)
        f = plots.figure((4, 3))
        f.subplots().plot(range(len(n) if isinstance(n, list) else n))
        return plots.png(f, "test"), f"{n} points"

    a = fig(5)
    assert fig(5) == a and fig(5, "English") is not None and len(calls) == 2  # the same file, no matplotlib work
    b = fig(6)
    assert b[0] != a[0] and len(calls) == 3
    with PIL.Image.open(a[0]) as im:  # slide resolution: 4 in x 150 dpi
        assert im.format == "PNG" and im.size == (600, 450)
    os.remove(a[0])  # e.g. cleared after an hour
    c = fig(5)
    assert os.path.exists(c[0]) and len(calls) == 4
    assert fig([5]) is not None and len(calls) == 5  # unhashable: called, not cached (no TypeError)


def test_figures_do_not_pile_up_in_pyplot():
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    for _ in range(3):
        plots.png(plots.fig6_curves({"plain20": {"epoch": [1, 2], "train_error": [50, 40], "test_error": [55, 45]}}))
    assert len(plt.get_fignums()) == before


def test_heatmap_image_colours_and_size():
    m = np.array([[0.0, 1.0], [0.5, 0.5], [0.25, 0.75]])  # 3 queries x 2 keys
    im = plots.heatmap_image(m, ["a", "b", "c"], ["x", "y"], "t", vmax=1.0, cell=20)
    wide = plots.heatmap_image(np.ones((3, 6)) / 6, list("abc"), list("uvwxyz"), "t", vmax=1.0, cell=20)
    assert wide.width - im.width == 4 * 20  # one cell per key
    a = np.asarray(im.convert("RGB")).astype(int)
    x0, y0 = im.info["map_origin"]
    cell = lambda i, j: a[y0 + 20 * i + 10, x0 + 20 * j + 10]  # noqa: E731
    assert cell(0, 0).sum() > 700 and cell(0, 1).sum() < 200  # 0.0 near white, 1.0 dark blue
    assert cell(1, 0).sum() > cell(2, 1).sum() > cell(0, 1).sum()  # 0.5 lighter than 0.75
    assert (cell(1, 0) == cell(1, 1)).all()
