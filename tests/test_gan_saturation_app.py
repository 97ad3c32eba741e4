"""GAN §3 (#19 item 2): the 1-D game's text promised that the saturating loss "gives G almost no
gradient", yet with the game's defaults (Adam) it converges as well as the non-saturating one. The
Saturation preset starts where D rejects G's samples confidently and measures G's gradient under
both losses; the text says what the runs show."""

from __future__ import annotations

import re

import numpy as np
import pytest

from demos import gan_games as games
from demos.i18n import text
from lab import gan as L

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
ENDPOINTS = {"/gan_saturation"}  # tests/test_app.py: every named endpoint is tested somewhere


@pytest.fixture(scope="module")
def runs():
    short = {**L.SATURATION_PRESET, "steps": 300}
    lr = {name: lr for name, (*_, lr) in games.SAT_OPTIMIZERS.items()}
    return {opt: L.saturation_run(**{**short, "optimizer": opt, "lr_g": lr[opt]}) for opt in lr}


def test_log_one_minus_d_saturates_where_d_rejects_g(runs):
    r = runs["sgd"]
    ns, s = r.grad_norm["non-saturating"], r.grad_norm["saturating"]
    d0 = r.d_fake["non-saturating"][0]
    assert d0 < 0.01  # D rejects G's samples confidently at the start
    # dlog(1 - D)/dlogit = -D, d(-log D)/dlogit = -(1 - D): ~ (1 - D) / D times the gradient
    assert ns[0] / s[0] > 100
    assert np.all(s[:50] < 0.01) and np.median(ns[:50]) > 0.1
    # with SGD the saturating G stays where it started; the non-saturating one reaches the data
    way = L.GAME1D_DATA[0] - r.g_start
    assert (r.g_mean["saturating"][-1] - r.g_start) / way < 0.1
    assert abs(np.mean(r.g_mean["non-saturating"][-50:]) - L.GAME1D_DATA[0]) < 1.0
    assert r.d_fake["saturating"][-1] < 0.01


def test_adam_hides_the_saturation(runs):
    """Why the default game converges with both losses: Adam divides each step by the gradient's
    running size, so the tiny gradient still moves G."""
    r = runs["adam"]
    assert r.grad_norm["non-saturating"][0] / r.grad_norm["saturating"][0] > 100
    way = L.GAME1D_DATA[0] - r.g_start
    assert (r.g_mean["saturating"][-1] - r.g_start) / way > 0.5


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_view_states_what_the_run_measured(lang):
    png, md, rows = games.saturation("sgd", lang)
    r = games.saturation_run("sgd")
    g_ns, g_s = r.grad_norm["non-saturating"][0], r.grad_norm["saturating"][0]
    assert png.endswith(".png")
    assert f"{g_ns:.3g}" in md and f"{g_s:.3g}" in md and f"{g_ns / g_s:,.0f}" in md
    assert [row[0] for row in rows] == [1, 10, 100, 1000]
    assert rows[0][1] == f"{g_ns:.3g}" and rows[0][2] == f"{g_s:.3g}"
    assert bool(CJK.search(md)) == (lang == "zh")
    stuck = text("gan_sat_stuck", lang).split("{")[0]
    assert stuck in md  # measured: the saturating G stayed where it started
    _, md_adam, _ = games.saturation("adam", lang)
    assert text("gan_sat_rescued", lang).split("{")[0] in md_adam


def test_the_intro_no_longer_promises_a_failure_the_defaults_do_not_show():
    for lang in ("en", "zh"):
        intro = text("gan_1d_md", lang)
        assert "almost no gradient" not in intro and "几乎不给 G 梯度" not in intro
    assert "Adam" in text("gan_1d_md", "en") and "Saturation (§3)" in text("gan_1d_md", "en")


def test_saturation_endpoint(client):
    from gradio_client.exceptions import AppError

    from tests.figures import is_figure

    fig, md, table = client.predict("sgd", "en", api_name="/gan_saturation")
    assert is_figure(fig) and "smaller" in md
    assert table["headers"][0] == "G update" and [r[0] for r in table["data"]] == [1, 10, 100, 1000]
    with pytest.raises(AppError):
        client.predict("rmsprop", "en", api_name="/gan_saturation")
