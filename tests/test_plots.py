"""demos/plots.py: the figure cache, the PNG files and the PIL-drawn heat maps (values, not "it ran")."""

from __future__ import annotations

import os

import numpy as np
import PIL.Image

from demos import plots
from demos.plots import resnet as rplots


def test_cached_figure_is_drawn_once_and_redrawn_when_its_file_is_gone():
    calls = []

    @plots.cached
    def fig(n: int, lang: str = "en"):
        calls.append(n)
        with plots.drawing:
            f = plots.figure((4, 3))
            f.subplots().plot(range(len(n) if isinstance(n, list) else n))
            return plots.png(f, "test"), f"{n} points"

    a = fig(5)
    assert (
        fig(5) == a and fig(5, "en") is not None and len(calls) == 2
    )  # the same file, no matplotlib work
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
        plots.png(
            rplots.fig6_curves(
                {"plain20": {"epoch": [1, 2], "train_error": [50, 40], "test_error": [55, 45]}}
            )
        )
    assert len(plt.get_fignums()) == before


def test_figures_are_built_only_holding_the_drawing_lock():
    """matplotlib is not thread-safe: a Figure made outside `plots.drawing` is refused, so a builder
    that forgot its `@plots.drawing` fails in every test that draws it (tests/test_concurrency.py)."""
    import pytest

    with pytest.raises(RuntimeError, match="drawing"):
        plots.figure((2, 2))
    assert not plots.is_drawing()
    with plots.drawing:
        with plots.drawing:  # re-entrant: a builder may call another builder
            assert plots.is_drawing() and plots.figure((2, 2)) is not None
        assert plots.is_drawing()
    assert not plots.is_drawing()


def test_heatmap_image_colours_and_size():
    m = np.array([[0.0, 1.0], [0.5, 0.5], [0.25, 0.75]])  # 3 queries x 2 keys
    im = plots.heatmap_image(m, ["a", "b", "c"], ["x", "y"], "t", vmax=1.0, cell=20)
    wide = plots.heatmap_image(
        np.ones((3, 6)) / 6, list("abc"), list("uvwxyz"), "t", vmax=1.0, cell=20
    )
    assert wide.width - im.width == 4 * 20  # one cell per key
    a = np.asarray(im.convert("RGB")).astype(int)
    x0, y0 = im.info["map_origin"]
    cell = lambda i, j: a[y0 + 20 * i + 10, x0 + 20 * j + 10]  # noqa: E731
    assert cell(0, 0).sum() > 700 and cell(0, 1).sum() < 200  # 0.0 near white, 1.0 dark blue
    assert cell(1, 0).sum() > cell(2, 1).sum() > cell(0, 1).sum()  # 0.5 lighter than 0.75
    assert (cell(1, 0) == cell(1, 1)).all()


def _svg_text(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert text.startswith("<?xml") and "<svg" in text and text.rstrip().endswith("</svg>")
    return text


def test_every_png_can_be_exported_as_svg_by_its_file_name_only(tmp_path):
    with plots.drawing:
        f = plots.figure((4, 3))
        ax = f.subplots()
        ax.plot([1, 2, 3], label="plain-56")
        ax.legend()
        shown = plots.png(f, "test-svg")
    # gradio hands the figure back from its own cache: another folder, the same file name
    echoed = tmp_path / "gradio" / "abc123" / os.path.basename(shown)
    svg = plots.svg_of(str(echoed))
    assert svg.endswith(".svg") and os.path.dirname(svg) == str(plots.FIG_DIR)
    text = _svg_text(svg)
    assert "plain-56" in text  # labels are text (svg.fonttype none), editable on a slide
    assert plots.svg_of(None) is None and plots.svg_of("") is None
    assert plots.svg_of("/etc/passwd") is None  # a name we did not draw: nothing is opened
    assert plots.svg_of(str(tmp_path / "figure-unknown.png")) is None


def test_svg_memory_keeps_recipes_for_cached_figures_and_only_a_few_drawn_figures(monkeypatch):
    monkeypatch.setattr(plots, "SVG_RECENT", 3)
    calls = []

    @plots.cached
    def fig(n: int):
        calls.append(n)
        with plots.drawing:
            f = plots.figure((2, 2))
            f.subplots().plot(range(n), label=f"{n} points")
            g = plots.figure((2, 2))
            g.subplots().plot(range(n), label=f"{n} again")
            for x in (f, g):
                x.axes[0].legend()
            return plots.png(f, "test-kept"), plots.png(g, "test-kept"), "text"

    kept = fig(4)
    with plots.drawing:
        frames = [
            plots.png(plots.figure((2, 2)), "test-frames") for _ in range(5)
        ]  # a live run's frames
    assert (
        not plots.has_svg(frames[0]) and not plots.has_svg(frames[1]) and plots.has_svg(frames[-1])
    )
    assert plots.has_svg(kept[0]) and plots.has_svg(
        kept[1]
    )  # a recipe, not one of the recent figures
    assert calls == [4]
    first, second = (open(plots.svg_of(f), encoding="utf-8").read() for f in kept[:2])
    assert calls == [4, 4, 4]  # drawn again for each SVG (no file written), not kept
    assert "4 points" in first and "4 again" not in first and "4 again" in second
    assert fig(4) == kept and len(os.listdir(plots.FIG_DIR)) > 0


def test_heat_map_svg_has_the_tokens_and_one_rectangle_per_cell():
    m = np.array([[0.9, 0.1], [0.3, 0.7], [0.5, 0.5]])
    path = os.path.join(str(plots.FIG_DIR), "test-heat-x.png")
    os.makedirs(plots.FIG_DIR, exist_ok=True)
    plots.save_heatmap(path, m, ["Ein", "Hund", "läuft"], ["A", "dog"], "layer 1, head 2", vmax=1.0)
    with PIL.Image.open(path) as im:
        assert im.format == "PNG"
    text = _svg_text(plots.svg_of(path))
    for label in ("Ein", "Hund", "läuft", "dog", "layer 1, head 2", "keys"):
        assert label in text
    fig = plots.heatmap_figure(m, ["a", "b", "c"], ["x", "y"], "t", vmax=1.0)
    mesh = fig.axes[0].collections[0]
    assert np.allclose(np.asarray(mesh.get_array()).reshape(3, 2), m)  # the values, cell by cell


def test_svg_event_hides_the_link_until_a_figure_is_shown_and_explains_a_forgotten_one():
    import gradio as gr
    import pytest

    assert plots._svg_event(None).visible is False
    with plots.drawing:
        shown = plots.png(plots.figure((2, 2)), "test-event")
    out = plots._svg_event(shown)
    assert out.visible is True and out.value["orig_name"].endswith(".svg")
    with pytest.raises(gr.Error, match="draw it again"):
        plots._svg_event("/tmp/gradio/xyz/figure-never-drawn.png")


def test_figures_in_the_chinese_page_have_no_missing_glyphs():
    """Figure text stays English (matplotlib's DejaVu Sans has no CJK glyphs: they would be boxes)."""
    import warnings

    from demos import gan, resnet, transformer_explorers

    calls = [(resnet.recorded_curves, ("zh",)), (resnet.grad_norms, (20, 0, "zh")),
             (resnet.layer_responses, ("zh",)), (resnet.architecture, ("resnet50", "zh")),
             (resnet.live_cached, ("zh",)), (transformer_explorers.positional, (64, 50, "4, 5", 5, "zh")),
             (transformer_explorers.scaling, (16, "zh")), (transformer_explorers.schedule, (512, 4000, 100_000, "zh")),
             (transformer_explorers.smoothing, (0.1, 10, "zh")), (gan.quality, ("zh",))]  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fn, args in calls:
            out = getattr(fn, "__wrapped__", fn)(*args)  # drawn now, not from the figure cache
            assert any(
                isinstance(x, str) and x.endswith(".png")
                for x in (out if isinstance(out, tuple) else (out,))
            )
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]


def test_figures_speak_chinese_on_the_chinese_page():
    """#19.14: titles, axes and legends of the figures follow the page (a CJK font is installed by
    scripts/setup.sh --dev and on a Space by packages.txt), and the recorded run's budget too."""
    from demos import resnet

    assert plots.cjk_font(), "no CJK font: run scripts/setup.sh --dev (fonts-wqy-zenhei)"
    curves = {"plain20": {"epoch": [1, 2], "train_error": [50, 40], "test_error": [55, 45]}}
    with plots.drawing:
        zh, en = rplots.fig6_curves(curves, lang="zh"), rplots.fig6_curves(curves, lang="en")
    assert zh.axes[0].get_title() == "普通网络" and en.axes[0].get_title() == "plain networks"
    assert (
        zh.axes[0].get_xlabel() == "训练轮数（epoch）" and zh.axes[0].get_ylabel() == "错误率（%）"
    )
    assert zh.axes[0].get_legend().get_title().get_text() == "虚线：训练，粗线：测试"
    _, md = resnet.recorded_curves.__wrapped__("zh")
    assert "张训练图像" in md and "training images" not in md and "SGD，动量" in md
    _, md_en = resnet.recorded_curves.__wrapped__("en")
    assert "training images" in md_en and "张" not in md_en


def test_figure_text_stays_english_where_no_cjk_font_is_installed(monkeypatch):
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    assert plots.figure_lang("zh") == "en" and plots.label("fig_epoch", "zh") == "epoch"


def test_heat_map_draws_chinese_tokens_with_their_glyphs():
    """A Chinese token (bert-base-chinese, OPUS-MT en-zh) is drawn with the CJK font: two different
    characters give two different images (DejaVu Sans draws both as the same empty box)."""
    a = np.asarray(plots.heatmap_image(np.ones((1, 1)), ["今"], ["x"], "t"))
    b = np.asarray(plots.heatmap_image(np.ones((1, 1)), ["天"], ["x"], "t"))
    assert a.shape == b.shape and (a != b).any()
