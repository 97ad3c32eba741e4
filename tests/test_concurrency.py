"""Every tab's figures drawn from 8 threads at once, with arguments that miss the figure caches.

matplotlib is not thread-safe: two threads drawing at once break its mathtext parser (issue 16:
`ParseException` on the tick label `$\\mathdefault{2.425\\times10^{0}}$` in a ResNet live run, while
the start-up warm-up drew beside it). gradio runs callbacks on many worker threads, so demos/plots.py
holds one lock around every figure built and saved. Before that lock, nearly every round here failed.
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

THREADS, ROUNDS = 8, 2
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
    """One short frame of each GAN game (their figures are drawn again and again below)."""
    from models import gan as M

    *_, one = M.game_1d(k=1, lr_d=3e-3, lr_g=3e-3, saturating=False, steps=20, every=20)
    *_, two = M.game_2d(k=1, lr_d=1e-3, lr_g=1e-3, saturating=False, std=0.05, steps=20, every=20)
    return one, two


def _round(rng: np.random.Generator, games) -> list[str]:
    """One of each figure of every tab, drawn now (not from a cache); the files written."""
    from demos import bert, gan, resnet, transformer

    u = next(_unique)
    steps = list(range(0, 10 * (u % 7 + 3), 10))
    out = []
    # ResNet: the live run's frame (the call that crashed), gradient norms, Fig. 6, Fig. 7, a block
    history = {"step": steps, "loss": {"plain-20": _log_values(rng, len(steps)), "resnet-20": _log_values(rng, len(steps))}}
    out.append(resnet._live_figure(history, 20, steps[-1] + 10))
    out.append(plots.png(plots.gradient_norms({"plain": _log_values(rng, 19), "resnet": _log_values(rng, 19)},
                                              f"call {u}"), "test-grads", dpi=60))  # fmt: skip
    curves = {f"{f}{d}": {"epoch": [1, 2, 3], "train_error": list(rng.uniform(5, 60, 3)),
                          "test_error": list(rng.uniform(5, 60, 3))} for f in ("plain", "resnet") for d in (20, 56)}  # fmt: skip
    out.append(plots.png(plots.fig6_curves(curves, note=f"call {u}"), "test-fig6", dpi=60))
    out.append(plots.png(plots.layer_responses({"plain": rng.uniform(0, 3, 18), "resnet": rng.uniform(0, 3, 18)}),
                         "test-fig7", dpi=60))  # fmt: skip
    out.append(plots.png(plots.block_diagram(rng.choice(["basic", "bottleneck"]), bool(u % 2), 16 + u), "test-block",
                         dpi=60))  # fmt: skip
    # Transformer: its cached callbacks with new arguments, and the timing figure
    out.append(transformer.scaling(2 + u % 250, "English")[0])
    out.append(transformer.schedule(16 + u, 100 + u, 20_000 + u, "English")[0])
    out.append(transformer.smoothing(round(0.001 * (u % 900), 3), 2 + u % 48, "English")[0])
    out.append(plots.svg_of(out[-1]))  # its SVG: the cached callback is replayed, its figure caught
    out.extend(transformer.positional(8 + 2 * (u % 60), 20 + u % 80, "0, 1, 3", 1 + u % 10, "English")[:2])
    ns = [16, 32, 64, 128]
    ms = {"self_attention": _log_values(rng, 4), "recurrent": _log_values(rng, 4)}
    out.append(plots.png(transformer.fig_complexity(ns, ms, 64), "test-complexity", dpi=60))
    # GAN: an interpolation (the tab's callback), both games' frames, the digit histogram
    strip, gif, _, fig, _ = gan.interpolate("dcgan.mnist", u, 1000 + u, 4, ["paths", "walk"][u % 2], "English")
    out.append(fig)
    one, two = games
    out.append(plots.png(gan.fig_game_1d(one, f"step {u}"), "test-1d", dpi=60))
    out.append(plots.png(gan.fig_game_2d(two, f"step {u}"), "test-2d", dpi=60))
    hists = {"a": list(rng.dirichlet(np.ones(10))), "b": list(rng.dirichlet(np.ones(10)))}
    out.append(plots.png(gan.fig_histogram(hists, f"call {u}"), "test-digits", dpi=60))
    # BERT: the model view's SVG twin, and a heat map's SVG (PIL PNG, matplotlib SVG)
    maps = rng.dirichlet(np.ones(6), size=(2, 2, 6))
    out.append(plots.png(bert._mosaic_figure(maps, maps[..., 0].sum(-1) > 1), "test-mosaic", dpi=60))
    heat = os.path.join(str(plots.FIG_DIR), f"test-heat-{u}.png")
    plots.save_heatmap(heat, rng.uniform(0, 1, (4, 5)), list("abcd"), list("vwxyz"), f"call {u}", vmax=1.0)
    out.append(plots.svg_of(heat))
    return [_one(p) for p in out]


def test_every_tabs_figures_drawn_from_8_threads_at_once(games):
    os.makedirs(plots.FIG_DIR, exist_ok=True)
    start = threading.Barrier(THREADS)
    errors: list[str] = []
    drawn: list[str] = []

    def user(i: int) -> None:
        rng = np.random.default_rng(random.randrange(2**32))
        start.wait()  # all at once
        for _ in range(ROUNDS):
            try:
                drawn.extend(_round(rng, games))
            except Exception:  # noqa: BLE001 - collected, asserted below
                errors.append(traceback.format_exc(limit=-4))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    assert not any(th.is_alive() for th in threads), "a drawing thread hangs (a lock never released?)"
    assert not errors, f"{len(errors)} of {THREADS * ROUNDS} rounds failed; the first:\n{errors[0]}"
    assert len(drawn) == len(set(drawn)) == THREADS * ROUNDS * 18  # a new file for every figure
