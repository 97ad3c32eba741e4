"""numpy -> figure -> PNG file: how the gallery draws, and what every tab's figures share.

Each tab's own figures are in this package, one module per tab (`demos/plots/resnet.py`,
`transformer.py`, `gan.py`, `bert.py`); this module holds the drawing lock, the PNG and SVG files,
the figure cache, the component a figure is shown in, and the heat maps, colour tables and font the
tabs share. Callers pass plain arrays and labels; nothing here touches a model. Colours are the Okabe-Ito
palette (safe for colour-blind viewers); fonts are large enough for a projector.

Figures are bare `matplotlib.figure.Figure`s (no pyplot state, nothing to close) rendered once to a
PNG at slide resolution (`png`) and shown in a `view()` image with download and full-screen
buttons. Figures that depend only on their inputs are rendered once per input (`cached`): a click
that asks for the same figure again gets the same file, with no matplotlib work.

SVG: every PNG this module writes remembers how to draw its figure again, keyed by the file's name.
The "Export SVG" button under a figure (`svg_export`) sends the shown file back, and only its name
is looked up: the vector version is drawn on that click, never in advance, and no path from the
client is opened. What is remembered is small: a `cached` callback's arguments (it is called again,
its figures caught instead of saved), a heat map's values (`save_heatmap`, drawn with PIL, has a
matplotlib twin), or a tab's inputs (`remember_svg`); only the last SVG_RECENT other figures (a live
run's frames) are kept as drawn Figures, which take a few MB each.

Threads: matplotlib is not thread-safe (two threads drawing at once break its mathtext parser:
`ParseException` on a tick label such as `$\\mathdefault{10^{0}}$`), and gradio runs callbacks on
many worker threads. So every matplotlib figure is built and saved holding one re-entrant lock:
`@drawing` on each function that builds a Figure (`figure()` refuses to make one outside it),
`png` and `svg_of` around their `savefig`. The lock is held for one figure at a time, never
across a `yield`: a live run's frames take turns with other users' figures. The PIL-drawn maps
(`heatmap_image`, the BERT model view) and colour tables need no lock.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SLIDE_DPI = 150  # an 8-inch figure -> 1,200 px wide: sharp on a projector
FIG_DIR = Path(tempfile.gettempdir()) / "paper-gallery" / "figures"
SVG_MEMORY = 1024  # figures whose SVG can be drawn again from a recipe (inputs, values)
SVG_RECENT = 16  # figures kept as drawn (a few MB each) for their SVG: the most recent ones


_DRAW_LOCK = threading.RLock()  # one matplotlib figure built or saved at a time, process-wide
_held = (
    threading.local()
)  # how deep this thread is in `drawing` (re-entrant: builders call builders)


class _Drawing(contextlib.ContextDecorator):
    """`with drawing:` or `@drawing`: hold the process-wide matplotlib lock (re-entrant)."""

    def __enter__(self):
        _DRAW_LOCK.acquire()
        _held.depth = getattr(_held, "depth", 0) + 1
        return self

    def __exit__(self, *exc) -> bool:
        _held.depth -= 1
        _DRAW_LOCK.release()
        return False


drawing = _Drawing()


def is_drawing() -> bool:
    """Whether this thread holds the drawing lock."""
    return getattr(_held, "depth", 0) > 0


def _matplotlib():
    """The matplotlib package, first imported under the drawing lock: two threads importing it at
    once can fail ("partially initialized module"), e.g. the start-up warm-up beside a first user."""
    with drawing:
        import matplotlib
    return matplotlib


def colormap(name: str):
    """A matplotlib colormap (a copy of the registry's: calling it needs no lock)."""
    return _matplotlib().colormaps[name]


# Fonts with Chinese glyphs, first found first used: Debian's fonts-wqy-zenhei (scripts/setup.sh
# --dev installs it; a Space gets it from packages.txt), else a Noto/Source Han CJK font.
CJK_FONTS = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans CJK JP")


@functools.cache
def cjk_font() -> tuple[str, str] | None:
    """(family, file) of a font with Chinese glyphs, or None when the machine has none."""
    with drawing:  # matplotlib's font manager is shared state
        from matplotlib import font_manager

        # WenQuanYi's only weight is 500: findfont logs it for every new size, which is not news
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
        for family in CJK_FONTS:
            try:
                path = font_manager.findfont(
                    font_manager.FontProperties(family=family), fallback_to_default=False
                )
            except ValueError:
                continue
            return family, path
    return None


def figure_lang(lang: str) -> str:
    """The language a figure's own text can speak: Chinese where a CJK font is installed (else its
    characters would be empty boxes), English otherwise."""
    return "zh" if lang == "zh" and cjk_font() else "en"


def label(key: str, lang: str) -> str:
    """A figure's own text (demos/strings/figures.py) in the language the figure can speak."""
    from demos.i18n import text
    from demos.strings import figures  # noqa: F401 - registers the strings

    return text(key, figure_lang(lang))


def has_cjk(strings) -> bool:
    """Whether any of `strings` holds a CJK character (then a PIL label needs the CJK font)."""
    return any(
        "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\uffef" for s in strings for ch in str(s)
    )


@functools.cache
def _rc() -> None:
    import matplotlib

    matplotlib.rcParams.update(
        {"font.size": 12, "axes.titlesize": 13, "legend.fontsize": 10, "svg.fonttype": "none"}
    )  # SVG text stays text: editable on a slide
    if cjk_font():  # glyph by glyph: Latin from DejaVu Sans, Chinese from the CJK font
        family = cjk_font()[0]
        # a list of families, not "sans-serif": a generic family does not fall back glyph by glyph
        matplotlib.rcParams["font.family"] = ["DejaVu Sans", family]


def figure(figsize: tuple[float, float]):
    """A bare Figure with the gallery's fonts: no pyplot registry, so nothing leaks or needs closing.
    Only inside `drawing` (decorate the function that builds the figure): matplotlib is not thread-safe."""
    if not is_drawing():
        raise RuntimeError(
            "build matplotlib figures inside `with plots.drawing:` or an `@plots.drawing` function"
        )
    _rc()
    from matplotlib.figure import Figure

    return Figure(figsize=figsize)


def png(fig, stem: str = "figure", dpi: int = SLIDE_DPI) -> str:
    """Render `fig` to a fresh PNG file (older than an hour are removed on the way); its path.
    Its SVG can be exported while it is among the last SVG_RECENT figures drawn this way, or, for
    a `cached` callback's figures, for as long as the callback's result is remembered."""
    from demos.checks import fresh_file

    mode = _png_mode.get()
    if isinstance(mode, list):  # `cached` replays a callback for one of its figures' SVG
        mode.append((stem, fig))
        return os.path.join(str(FIG_DIR), f"{stem}-replay.png")
    path = fresh_file(FIG_DIR, f"{stem}-", ".png")
    with drawing:
        fig.savefig(path, dpi=dpi)
    if mode != "cached":  # a figure kept as it is: a few MB each, so only the most recent ones
        _remember(_recent, SVG_RECENT, os.path.basename(path), lambda: fig)
    return path


# File name -> a function that draws the figure again (-> a matplotlib Figure), for its SVG:
# `_makers` hold small recipes (the inputs of a cached callback, a heat map's values);
# `_recent` holds the last few Figures themselves (a live run's frames, uncached figures).
_makers: OrderedDict[str, Callable] = OrderedDict()
_recent: OrderedDict[str, Callable] = OrderedDict()
_registry_lock = threading.Lock()
_png_mode: contextvars.ContextVar = contextvars.ContextVar("png_mode", default=None)


def _remember(table: OrderedDict, size: int, name: str, make: Callable) -> None:
    with _registry_lock:
        table[name] = make
        table.move_to_end(name)
        while len(table) > size:
            table.popitem(last=False)


def remember_svg(path: str, make: Callable) -> str:
    """Remember how to draw the figure saved at `path` again (`make()` -> a Figure), for its SVG.
    `make` should hold only what it needs to draw (values, inputs), not a drawn figure."""
    _remember(_makers, SVG_MEMORY, os.path.basename(path), make)
    return path


def _maker(name: str) -> Callable | None:
    with _registry_lock:
        return _makers.get(name) or _recent.get(name)


def has_svg(path: str) -> bool:
    return _maker(os.path.basename(path)) is not None


def svg_of(shown) -> str | None:
    """The SVG file of a figure this server drew and a page shows as `shown` (the path gradio gives
    back, which keeps our file's name); None when it is not one we remember. Only the name is used."""
    from demos.checks import fresh_file

    name = os.path.basename(str(shown or ""))
    make = _maker(name)
    if make is None:
        return None
    fig = make()  # builders take the drawing lock themselves; a replayed callback may also compute
    if fig is None:
        return None
    path = fresh_file(FIG_DIR, f"{Path(name).stem}-", ".svg")
    with drawing:
        fig.savefig(path, format="svg")
    return path


def _stem(name: str) -> str:
    return name.rsplit("-", 1)[0]  # fresh_file's names: "<stem>-<random letters, digits, _>.png"


def _replay(fn, args, stem: str, nth: int):
    """Call `fn(*args)` again without writing files; the `nth` figure of kind `stem` it draws."""
    drawn: list = []
    token = _png_mode.set(drawn)
    try:
        fn(*args)
    finally:
        _png_mode.reset(token)
    figs = [fig for s, fig in drawn if s == stem]
    return figs[nth] if nth < len(figs) else None


def cached(fn):
    """Memoize a pure figure callback (hashable arguments -> outputs with PNG paths). A result whose
    file has since been removed (`png` clears files older than an hour) is rendered again.
    Errors (gr.Error for bad input) are not cached. Each figure's SVG is drawn on request by
    calling `fn` again with the same arguments (a recipe of a few bytes, not a kept figure)."""

    def draw(*args):
        token = _png_mode.set("cached")
        try:
            out = fn(*args)
        finally:
            _png_mode.reset(token)
        stems: list[str] = []
        for f in files(out):
            stems.append(_stem(os.path.basename(f)))
            nth = stems.count(stems[-1]) - 1  # the nth figure of that kind the callback draws
            remember_svg(f, lambda stem=stems[-1], nth=nth: _replay(fn, args, stem, nth))
        return out

    memo = functools.lru_cache(maxsize=256)(draw)

    def files(out) -> list[str]:
        items = out if isinstance(out, tuple) else (out,)
        return [x for x in items if isinstance(x, str) and x.startswith(str(FIG_DIR))]

    @functools.wraps(fn)
    def wrapper(*args):
        try:
            hash(args)
        except TypeError:  # an odd value through the API: no cache, the callback judges it
            return fn(*args)
        out = memo(*args)
        if not all(os.path.exists(f) and has_svg(f) for f in files(out)):
            memo.cache_clear()
            out = memo(*args)
        return out

    wrapper.cache_clear = memo.cache_clear
    return wrapper


def view(**kwargs):
    """The component every figure is shown in: a PNG with download and full-screen buttons."""
    import gradio as gr

    kwargs.setdefault("show_label", False)
    with gr.Column(
        min_width=kwargs.pop("min_width", 160)
    ):  # in a row, the figure and its SVG button stack
        image = gr.Image(
            type="filepath",
            format="png",
            interactive=False,
            buttons=["download", "fullscreen"],
            **kwargs,
        )
        svg_export(image)
    return image


SVG_FORGOTTEN = (
    "This figure was drawn too long ago to export: draw it again, then click Export SVG. · "
    "该图绘制时间过久，无法导出：请重新绘制后再点击“导出 SVG”。"
)


def _svg_event(shown):
    import gradio as gr

    if not shown:  # nothing drawn yet
        return gr.DownloadButton(visible=False)
    path = svg_of(shown)  # a gr.Image / gr.File of type "filepath": the path gradio gives back
    if path is None:
        raise gr.Error(SVG_FORGOTTEN)
    return gr.DownloadButton(value=path, visible=True)


def svg_export(source) -> None:
    """Under a figure (a gr.Image or gr.File showing a PNG made here): an "SVG" button, and the
    download link it makes for the vector version of the figure on show."""
    import gradio as gr

    from demos.i18n import t

    with gr.Row(elem_classes=["pg-svg-row"]):
        button = gr.Button(
            t("svg_button"), size="sm", scale=0, min_width=110, elem_classes=["pg-svg"]
        )
        out = gr.DownloadButton(
            t("svg_download"),
            visible=False,
            size="sm",
            scale=0,
            min_width=150,
            elem_classes=["pg-svg-file"],
        )
    button.click(_svg_event, source, out, api_visibility="private", show_progress="minimal")
    source.change(
        lambda: gr.DownloadButton(visible=False),
        None,
        out,
        api_visibility="private",
        show_progress="hidden",
        queue=False,
    )  # a new figure: its SVG is made on a new click


@functools.cache
def colour_table(name: str) -> np.ndarray:
    """A matplotlib colormap as a (256, 3) uint8 table: index it with uint8 values for RGB pixels."""
    return (colormap(name)(np.linspace(0, 1, 256))[:, :3] * 255).astype(np.uint8)


@functools.cache
def _font(size: int, cjk: bool = False):
    """The PIL-drawn figures' font: DejaVu Sans (shipped with matplotlib: Latin, Greek, arrows), or
    with `cjk` the CJK font where there is one (Chinese tokens and labels; it has Latin too)."""
    import PIL.ImageFont

    if cjk and cjk_font():
        return PIL.ImageFont.truetype(cjk_font()[1], size)
    return PIL.ImageFont.truetype(
        str(Path(_matplotlib().get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"), size
    )


def heatmap_image(
    m: np.ndarray,
    rows: Sequence[str],
    cols: Sequence[str],
    title: str,
    vmax: float | None = None,
    cell: int = 28,
    xlabel: str = "keys",
    ylabel: str = "queries",
):
    """An attention map as a PIL image: rows = queries (labels left), columns = keys (labels on
    top, vertical), Blues from 0 to `vmax` (default: the map's maximum), a colour bar on the right.
    Drawn with numpy and PIL (~20 ms), not matplotlib (~0.5 s with a label on every tick)."""
    import PIL.Image
    import PIL.ImageDraw
    import PIL.ImageFont

    m = np.asarray(m, dtype=np.float64)
    n_rows, n_cols = m.shape
    cjk = has_cjk([*rows, *cols, title, xlabel, ylabel])  # Chinese tokens or labels
    font, small = _font(round(cell * 0.55), cjk), _font(round(cell * 0.5), cjk)
    probe = PIL.ImageDraw.Draw(PIL.Image.new("RGB", (1, 1)))
    width = lambda s: probe.textlength(str(s), font=font)  # noqa: E731
    left = int(max([width(r) for r in rows] + [0]) + cell * 1.6)
    top = int(max([width(c) for c in cols] + [0]) + cell * 2.4)
    bar = 4 * cell  # colour bar and its ticks
    h_bar = max(n_rows * cell, 4 * cell)
    W, H = left + n_cols * cell + cell + bar, top + h_bar + cell
    img = PIL.Image.new("RGB", (W, H), "white")
    draw = PIL.ImageDraw.Draw(img)
    vmax = float(vmax if vmax is not None else max(float(m.max()), 1e-9))
    lut = colour_table("Blues")
    v = (np.clip(m / vmax, 0, 1) * 255).astype(np.uint8)
    img.paste(
        PIL.Image.fromarray(lut[v]).resize(
            (n_cols * cell, n_rows * cell), PIL.Image.Resampling.NEAREST
        ),
        (left, top),
    )
    for i, r in enumerate(rows):
        draw.text(
            (left - cell * 0.3, top + (i + 0.5) * cell),
            str(r),
            fill="black",
            font=font,
            anchor="rm",
        )
    head = int(cell * 1.4)  # the title's band
    labels = PIL.Image.new(
        "RGB", (top - head, n_cols * cell), "white"
    )  # drawn across, then turned upright
    ld = PIL.ImageDraw.Draw(labels)
    for j, c in enumerate(cols):
        ld.text((cell * 0.3, (j + 0.5) * cell), str(c), fill="black", font=font, anchor="lm")
    img.paste(labels.rotate(90, expand=True), (left, head))  # reads upwards, ending at the map
    draw.text((left + n_cols * cell / 2, cell * 0.7), title, fill="black", font=font, anchor="mm")
    draw.text(
        (left + n_cols * cell / 2, H - cell * 0.5),
        f"{xlabel} →",
        fill="#444444",
        font=small,
        anchor="mm",
    )
    draw.text(
        (cell * 0.2, top - cell * 0.5), f"{ylabel} ↓", fill="#444444", font=small, anchor="lm"
    )
    x_bar = left + n_cols * cell + cell
    ramp = lut[np.linspace(255, 0, h_bar).astype(np.uint8)][:, None, :].repeat(cell // 2, axis=1)
    img.paste(PIL.Image.fromarray(np.ascontiguousarray(ramp)), (x_bar, top))
    for frac in (0.0, 0.5, 1.0):
        draw.text(
            (x_bar + cell * 0.7, top + (1 - frac) * (h_bar - 1)),
            f"{frac * vmax:.2f}",
            fill="black",
            font=small,
            anchor="lm",
        )
    img.info["map_origin"] = (left, top)  # where cell (0, 0) starts, for tests and click maps
    return img


@drawing
def heatmap_figure(
    m: np.ndarray,
    rows: Sequence[str],
    cols: Sequence[str],
    title: str,
    vmax: float | None = None,
    xlabel: str = "keys",
    ylabel: str = "queries",
):
    """The same map as `heatmap_image`, as a matplotlib figure (for its SVG: cells are vector
    rectangles up to 10,000 of them, labels are text)."""
    m = np.asarray(m, dtype=np.float64)
    n_rows, n_cols = m.shape
    fig = figure((max(4.0, 1.6 + 0.28 * n_cols), max(3.0, 1.4 + 0.28 * n_rows)))
    ax = fig.subplots()
    vmax = float(vmax if vmax is not None else max(float(m.max()), 1e-9))
    if m.size <= 10_000:
        im = ax.pcolormesh(m, cmap="Blues", vmin=0, vmax=vmax, edgecolors="none")
        ax.invert_yaxis()
        ax.set_xticks(np.arange(n_cols) + 0.5)
        ax.set_yticks(np.arange(n_rows) + 0.5)
    else:
        im = ax.imshow(m, cmap="Blues", vmin=0, vmax=vmax, interpolation="nearest", aspect="auto")
        ax.set_xticks(np.arange(n_cols))
        ax.set_yticks(np.arange(n_rows))
    ax.set_xticklabels([str(c) for c in cols], rotation=90, fontsize=9)
    ax.set_yticklabels([str(r) for r in rows], fontsize=9)
    ax.xaxis.tick_top()
    ax.set_xlabel(f"{xlabel} →")
    ax.set_ylabel(f"{ylabel} ↓")
    ax.set_title(title, pad=12)
    fig.colorbar(im, ax=ax, fraction=0.04)
    fig.tight_layout()
    return fig


def save_heatmap(
    path: str, m: np.ndarray, rows: Sequence[str], cols: Sequence[str], title: str, **kwargs
) -> str:
    """`heatmap_image(...)` saved at `path` (a PNG), with its SVG remembered; `path`."""
    heatmap_image(m, rows, cols, title, **kwargs).save(path)
    m, rows, cols = np.array(m, dtype=np.float32), list(rows), list(cols)  # the maker's own copies
    keep = {k: v for k, v in kwargs.items() if k in ("vmax", "xlabel", "ylabel")}
    make = lambda: heatmap_figure(m, rows, cols, title, **keep)  # noqa: E731
    if m.size <= 64 * 64:  # a sentence's map: a few KB
        return remember_svg(path, make)
    _remember(
        _recent, SVG_RECENT, os.path.basename(path), make
    )  # a long text's: among the few recent
    return path


def warm_in_background(calls, delay_s: float = 8.0) -> None:
    """Fill the figure caches for the tabs' default views in a background thread, after the page
    is served (`delay_s`), so the first student to open a sub-tab does not wait for matplotlib.
    `calls`: (function, args) pairs; a failure is printed and skipped (the tab will say it again).

    The thread keeps the normal priority and rests after each view as long as the view took (at
    most half of one core). It is not niced: it takes the drawing lock, and a nice-19 thread that
    holds it on a busy machine would be starved while users' figures wait for it."""
    import time

    def run() -> None:
        time.sleep(delay_s)
        t0 = time.perf_counter()
        for fn, args in calls:
            t1 = time.perf_counter()
            try:
                fn(*args)
            except Exception as e:  # noqa: BLE001 - a warm-up must never take the server down
                print(f"warm-up of {fn.__name__}{args} failed: {type(e).__name__}: {e}")
            time.sleep(min(time.perf_counter() - t1, 5.0))
        print(f"Figure caches warmed: {len(calls)} views in {time.perf_counter() - t0:.1f} s")

    threading.Thread(target=run, name="warm-figures", daemon=True).start()
