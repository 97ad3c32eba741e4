"""Figures for slides (issue #8): every figure exports as SVG as well as PNG, and projector mode
makes the page's text large. Values are read from what the browser shows and downloads."""

from __future__ import annotations

import time

import pytest

from demos.i18n import text
from tests._timing import within
from tests.conftest import ARTIFACTS


def test_attention_figures_export_as_svg_with_their_tokens():
    """The PIL-drawn maps (Transformer attention, BERT head and model view) have SVG versions."""
    from demos import bert_attention, plots, transformer

    png = transformer.attention_png(
        [[0.7, 0.3], [0.2, 0.8]], ["Ein", "Hund"], ["A", "dog"], "cross, layer 3"
    )
    svg = open(plots.svg_of(png), encoding="utf-8").read()
    assert all(s in svg for s in ("Ein", "Hund", "dog", "cross, layer 3"))

    _, png, _ = bert_attention.enlarge("the cat sat on the mat .", "", 1, "2")
    svg = open(plots.svg_of(png), encoding="utf-8").read()
    assert "layer 1, head 2" in svg and ">cat<" in svg

    shown, _, _ = bert_attention.model_view("the cat sat on the mat .")
    fig = plots._maker(shown.rsplit("/", 1)[-1])()
    L, A = 4, 4  # the embedded small BERT: layers x heads thumbnails
    assert len(fig.axes) == L * A
    svg = open(plots.svg_of(shown), encoding="utf-8").read()
    assert "layer 4" in svg and "head 4" in svg


@pytest.mark.browser
def test_svg_export_and_projector_mode_in_chromium(app_server, browser):
    from playwright.sync_api import expect

    from tests.test_lecture import WAIT

    t0 = time.monotonic()
    context = browser.new_context(
        locale="en-US", viewport={"width": 1400, "height": 1000}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(WAIT)

    # ResNet Fig. 6 by its preset: the figure, then its SVG, downloaded as a user would.
    page.goto(f"{app_server.url}/?tab=resnet&lang=en&preset=fig6")
    figure = page.locator("#resnet-curves img, .tabitem:visible img").first
    figure.wait_for()
    page.locator(".pg-svg:visible").first.click()
    link = page.locator(".pg-svg-file:visible").first
    expect(link).to_be_visible(timeout=WAIT)
    with page.expect_download() as got:
        link.click()
    svg = open(got.value.path(), encoding="utf-8").read()
    assert got.value.suggested_filename.endswith(".svg")
    assert svg.startswith("<?xml") and "<svg" in svg
    assert (
        "plain-56" in svg and "resnet-20" in svg.lower() and "epoch" in svg
    )  # Fig. 6's legend and axis

    # Projector mode: every text about 1.4x; remembered by this browser; ?projector=0 turns it off.
    size = "parseFloat(getComputedStyle(document.querySelector('#paper-tabs .prose p, .prose p')).fontSize)"
    page.goto(f"{app_server.url}/?lang=en&projector=0")
    page.locator(".prose p").first.wait_for()
    normal = page.evaluate(size)
    page.get_by_label(text("projector", "en")).check()
    expect(page.locator("html.pg-projector")).to_have_count(1)
    large = page.evaluate(size)
    assert large >= 1.3 * normal, (normal, large)
    page.goto(f"{app_server.url}/?lang=en")  # remembered: still large after a reload
    page.locator(".prose p").first.wait_for()
    assert page.evaluate(size) == large
    expect(page.get_by_label(text("projector", "en"))).to_be_checked()
    page.screenshot(path=str(ARTIFACTS / "projector_home_en.png"), animations="disabled")
    page.goto(f"{app_server.url}/?lang=zh&projector=0")
    page.locator(".prose p").first.wait_for()
    assert page.evaluate(size) == normal
    expect(page.get_by_label(text("projector", "zh"))).not_to_be_checked()
    assert "Traceback" not in page.inner_text("body")
    assert time.monotonic() - t0 < within(60)
