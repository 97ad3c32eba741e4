"""Every tab's figures drawn from 8 threads at once, with arguments that miss the figure caches.

matplotlib is not thread-safe: two threads drawing at once break its mathtext parser (issue 16:
`ParseException` on the tick label `$\\mathdefault{2.425\\times10^{0}}$` in a ResNet live run, while
the start-up warm-up drew beside it). gradio runs callbacks on many worker threads, so demos/plots.py
holds one lock around every figure built and saved. Before that lock, every thread here failed.
"""

from __future__ import annotations

import itertools
import os
import random
import threading
import traceback

import numpy as np
import PIL.Image
import pytest

from demos import plots
from demos.plots import bert as bplots
from demos.plots import gan as gplots
from demos.plots import resnet as rplots
from demos.plots import transformer as tplots

THREADS, SHARE = 8, 8  # 8 threads at once, each drawing 8 of the 16 kinds of figure
_unique = itertools.count(1)  # every call gets arguments no earlier call had: no cache hit


def _one(path) -> str:
    assert isinstance(path, str) and path.endswith((".png", ".svg")), path
    if path.endswith(".png"):
        with PIL.Image.open(path) as im:
            assert im.format == "PNG" and im.width > 100
    return path


def _log_values(rng, n: int) -> list[float]:
    """Values over several decades, different each call: new log-scale tick labels (mathtext)."""
    lo = rng.uniform(-6, 0)
    return list(10 ** rng.uniform(lo, lo + rng.uniform(1, 4), n))


@pytest.fixture(scope="module")
def games():
    """One short frame of each GAN game (their figures are drawn again and again below). And one
    figure drawn first, alone: matplotlib imported (test_matplotlib_first_used_by_8_threads_at_once)."""
    from lab import gan as L

    plots.png(rplots.gradient_norms({"a": [1.0, 10.0]}, "first"), "test-first", dpi=40)

    *_, one = L.game_1d(k=1, lr_d=3e-3, lr_g=3e-3, saturating=False, steps=20, every=20)
    *_, two = L.game_2d(k=1, lr_d=1e-3, lr_g=1e-3, saturating=False, std=0.05, steps=20, every=20)
    return one, two


def _draws(rng: np.random.Generator, games) -> list:
    """Every figure of every tab, as calls that draw it now (not from a cache) and return the files
    written: new arguments for each call."""
    from demos import gan, resnet, transformer_explorers

    one, two = games

    def u() -> int:
        return next(_unique)

    def live() -> list:  # ResNet's live run: its frame (the call that crashed), and the frame's SVG
        steps = list(range(0, 10 * (u() % 7 + 3), 10))
        loss = {"plain-20": _log_values(rng, len(steps)), "resnet-20": _log_values(rng, len(steps))}
        frame = resnet._live_figure({"step": steps, "loss": loss}, 20, steps[-1] + 10)
        svg = plots.svg_of(
            frame
        )  # None if SVG_RECENT newer frames came first (then the page says so)
        return [frame] + ([svg] if svg else [])

    def fig6() -> list:
        curves = {
            f"{f}{d}": {
                "epoch": [1, 2, 3],
                "train_error": list(rng.uniform(5, 60, 3)),
                "test_error": list(rng.uniform(5, 60, 3)),
            }
            for f in ("plain", "resnet")
            for d in (20, 56)
        }
        return [plots.png(rplots.fig6_curves(curves, note=f"call {u()}"), "test-fig6", dpi=60)]

    def smoothing() -> (
        list
    ):  # a cached callback with new arguments, and its SVG (the callback replayed)
        k = u()
        fig = transformer_explorers.smoothing(round(0.001 * (k % 900), 3), 2 + k % 48, "en")[0]
        return [fig, plots.svg_of(fig)]

    def pe() -> list:
        table = np.sin(
            np.outer(np.arange(20 + u() % 80), rng.uniform(0.01, 1, 16))
        )  # (positions, d_model)
        return [
            plots.png(tplots.pe_table(table), "test-pe", dpi=60),
            plots.png(tplots.pe_curves(table, [0, 1, 3]), "test-pe", dpi=60),
        ]

    def heat() -> list:  # a heat map (PIL) and its SVG (matplotlib)
        path = os.path.join(str(plots.FIG_DIR), f"test-heat-{u()}.png")
        plots.save_heatmap(
            path, rng.uniform(0, 1, (4, 5)), list("abcd"), list("vwxyz"), "t", vmax=1.0
        )
        return [plots.svg_of(path)]

    d_ks = [2**i for i in range(11)]
    maps = rng.dirichlet(np.ones(6), size=(2, 2, 6))
    return [
        # ResNet: the live frame (first: see the test), gradient norms, Fig. 6, Fig. 7, a block
        live,
        lambda: [
            plots.png(
                rplots.gradient_norms(
                    {"plain": _log_values(rng, 19), "resnet": _log_values(rng, 19)}, f"call {u()}"
                ),
                "test-grads",
                dpi=60,
            )
        ],
        fig6,
        lambda: [
            plots.png(
                rplots.layer_responses(
                    {"plain": rng.uniform(0, 3, 18), "resnet": rng.uniform(0, 3, 18)}
                ),
                "test-fig7",
                dpi=60,
            )
        ],
        lambda: [
            plots.png(
                rplots.block_diagram(
                    str(rng.choice(["basic", "bottleneck"])), bool(u() % 2), 16 + u()
                ),
                "test-block",
                dpi=60,
            )
        ],
        # Transformer: two cached callbacks with new arguments, the other figures from values (their
        # callbacks compute for longer than they draw)
        lambda: [transformer_explorers.schedule(16 + u(), 100 + u(), 20_000 + u(), "en")[0]],
        smoothing,
        lambda: [
            plots.png(
                tplots.scaling(
                    d_ks,
                    {
                        f"{k}_{n}": list(rng.uniform(0.01, 1, 11))
                        for k in ("max_p", "grad")
                        for n in ("scaled", "raw")
                    },
                    2 + u() % 250,
                ),
                "test-scaling",
                dpi=60,
            )
        ],
        pe,
        lambda: [
            plots.png(
                tplots.complexity(
                    [16, 32, 64, 128],
                    {"self_attention": _log_values(rng, 4), "recurrent": _log_values(rng, 4)},
                    64,
                ),
                "test-complexity",
                dpi=60,
            )
        ],
        # GAN: an interpolation (the tab's callback), both games' frames, the digit histogram
        lambda: [gan.interpolate("dcgan.mnist", u(), u(), 4, ["paths", "walk"][u() % 2], "en")[3]],
        lambda: [plots.png(gplots.game_1d(one, f"step {u()}"), "test-1d", dpi=60)],
        lambda: [plots.png(gplots.game_2d(two, f"step {u()}"), "test-2d", dpi=60)],
        lambda: [
            plots.png(
                gplots.digit_histogram(
                    {"a": list(rng.dirichlet(np.ones(10))), "b": list(rng.dirichlet(np.ones(10)))},
                    f"call {u()}",
                ),
                "test-digits",
                dpi=60,
            )
        ],
        # BERT: the model view's SVG twin, and a heat map's SVG
        lambda: [
            plots.png(
                bplots.model_view_figure(maps, maps[..., 0].sum(-1) > 1), "test-mosaic", dpi=60
            )
        ],
        heat,
    ]


def test_every_tabs_figures_drawn_from_8_threads_at_once(games):
    """8 threads start together, each with a live run's frame (as in the issue: log-scale ticks,
    parsed by mathtext), then SHARE - 1 of the other figures, beginning at its own place in the
    list, so every figure is drawn by several threads and beside every other one."""
    os.makedirs(plots.FIG_DIR, exist_ok=True)
    start = threading.Barrier(THREADS)
    errors: list[str] = []
    drawn: list[str] = []
    n = len(_draws(np.random.default_rng(0), games))

    def user(i: int) -> None:
        rng = np.random.default_rng(random.randrange(2**32))
        draws = _draws(rng, games)
        start.wait()  # all at once
        for k in [0] + [1 + (2 * i + j) % (n - 1) for j in range(SHARE - 1)]:
            try:
                drawn.extend(_one(f) for f in draws[k]())
            except Exception:  # noqa: BLE001 - collected, asserted below
                errors.append(traceback.format_exc(limit=-4))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    assert not any(th.is_alive() for th in threads), (
        "a drawing thread hangs (a lock never released?)"
    )
    assert not errors, f"{len(errors)} of {THREADS * SHARE} draws failed; the first:\n{errors[0]}"
    assert len(drawn) == len(set(drawn)) >= THREADS * SHARE  # a new file for every figure


FIRST_USE = r"""
import sys, threading, traceback
sys.path.insert(0, sys.argv[1])
import numpy as np
from demos import plots
from demos.plots import resnet as rplots
assert "matplotlib" not in sys.modules  # imported by the first figure, colour table or font
start, errors = threading.Barrier(8), []
curves = {"plain20": {"epoch": [1, 2], "train_error": [50, 40], "test_error": [55, 45]}}
first_calls = [  # the server's first requests (the start-up warm-up beside the first users)
    lambda: plots.colour_table("Blues"), lambda: plots._font(12),
    lambda: plots.png(rplots.block_diagram("basic"), "test-first", dpi=40),
    lambda: rplots.cam_overlay(np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4))),
    lambda: plots.png(rplots.gradient_norms({"a": [1.0, 10.0, 100.0]}, "t"), "test-first", dpi=40),
    lambda: plots.heatmap_image(np.eye(3), list("abc"), list("abc"), "t"),
    lambda: plots.png(rplots.fig6_curves(curves), "test-first", dpi=40), lambda: plots.colour_table("Reds"),
]

def first(i):
    start.wait()
    try:
        first_calls[i]()
    except Exception:
        errors.append(traceback.format_exc(limit=-3))

threads = [threading.Thread(target=first, args=(i,)) for i in range(8)]
[th.start() for th in threads]
[th.join() for th in threads]
print(f"{len(errors)} of 8 failed", *errors[:1], sep="\n")
sys.exit(1 if errors else 0)
"""


def test_matplotlib_first_used_by_8_threads_at_once():
    """A fresh process (the server just started: the warm-up and the first users): 8 threads make
    their first figure, colour table or font at once. Imported by several threads at once,
    matplotlib fails ("partially initialized module 'matplotlib.transforms'", "module 'matplotlib'
    has no attribute 'rcParams'"): plots imports it under the drawing lock."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    r = subprocess.run(
        [sys.executable, "-c", FIRST_USE, str(ROOT)], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
