"""Lecture mode's deep links (demos/lecture.py): the URL <-> values functions, and the links in Chromium."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl, urlsplit

import gradio as gr
import pytest

from demos import lecture
from tests._timing import within
from tests.conftest import ARTIFACTS


@pytest.fixture(scope="module")
def toy():
    """A two-tab page: links in tab "gan", the same key with another meaning in tab "bert"."""
    with gr.Blocks() as demo:
        with gr.Tabs() as tabs:
            with gr.Tab("GAN", id="gan"):
                lecture.link("seed", gr.Number(0, precision=0, minimum=0, maximum=100))
                lecture.link("lr", gr.Number(0.1, minimum=1e-5, maximum=1.0))
                lecture.link("frames", gr.Slider(2, 64, value=16, step=1))
                lecture.link("std", gr.Slider(0.01, 0.5, value=0.05, step=0.01))
                lecture.link(
                    "path",
                    gr.Radio([("lerp | slerp", "paths"), ("random walk", "walk")], value="paths"),
                )
                lecture.link(
                    "generator", gr.Dropdown(["dcgan.mnist", "gan_mlp.mnist"], value="dcgan.mnist")
                )
                lecture.link("live", gr.Checkbox(False))
                with gr.Tabs() as views:
                    with gr.Tab("samples", id="gan-samples"):
                        pass
                    with gr.Tab("2-D", id="gan-2d"):
                        pass
                lecture.link("view", views)
            with gr.Tab("BERT", id="bert"):
                lecture.link(
                    "seed", gr.Textbox("The [MASK] sat.")
                )  # same key, another tab: allowed
    return demo, lecture.links_of(demo), ["gan", "bert"], tabs


def test_parse_reads_and_types_every_kind(toy):
    _, links, tab_ids, _ = toy
    query = {
        "tab": "gan",
        "seed": "7",
        "lr": "0.003",
        "frames": "32",
        "std": "0.2",
        "path": "walk",
        "generator": "gan_mlp.mnist",
        "live": "true",
        "view": "gan-2d",
        "lang": "zh",
    }
    got = lecture.parse(query, links, tab_ids)
    assert got == {
        "tab": "gan",
        "seed": 7,
        "lr": 0.003,
        "frames": 32,
        "std": 0.2,
        "path": "walk",
        "generator": "gan_mlp.mnist",
        "live": True,
        "view": "gan-2d",
    }
    assert type(got["seed"]) is int and type(got["frames"]) is int and type(got["std"]) is float
    # A key means what the named tab says; without `tab`, tab-scoped keys are not used.
    assert lecture.parse({"tab": "bert", "seed": "A [MASK] day"}, links, tab_ids) == {
        "tab": "bert",
        "seed": "A [MASK] day",
    }
    assert lecture.parse({"seed": "7"}, links, tab_ids) == {}


@pytest.mark.parametrize("key, raw", [
    ("tab", "nope"), ("tab", ""), ("seed", "abc"), ("seed", "7.5"), ("seed", "-1"), ("seed", "101"),
    ("seed", "nan"), ("seed", "1e999"), ("seed", ""), ("lr", "inf"), ("lr", "0"), ("lr", "2"),
    ("frames", "65"), ("frames", "3.5"), ("path", "lerp | slerp"), ("path", "../../etc/passwd"),
    ("generator", "DCGAN.MNIST"), ("live", "maybe"), ("view", "gan-1d"), ("bogus", "1"),
])  # fmt: skip
def test_parse_ignores_what_does_not_fit(toy, key, raw):
    _, links, tab_ids, _ = toy
    query = {"tab": "gan", key: raw} if key != "tab" else {"tab": raw}
    expected = {} if key == "tab" else {"tab": "gan"}
    assert lecture.parse(query, links, tab_ids) == expected


def test_build_then_parse_is_the_same_view(toy):
    _, links, tab_ids, _ = toy
    view = {
        "seed": 42,
        "lr": 1e-4,
        "frames": 8,
        "std": 0.07,
        "path": "walk",
        "generator": "gan_mlp.mnist",
        "live": False,
        "view": "gan-samples",
    }
    query = lecture.build_query("gan", "zh", view, links)
    assert query.startswith("tab=gan&lang=zh&seed=42&lr=0.0001&")
    assert lecture.parse(dict(parse_qsl(query)), links, tab_ids) == {"tab": "gan", **view}
    # Text survives the URL's encoding.
    sentence = "Ein Mann fährt Fahrrad & singt = 100%?"
    query = lecture.build_query("bert", "en", {"seed": sentence}, links)
    assert lecture.parse(dict(parse_qsl(query)), links, tab_ids) == {
        "tab": "bert",
        "seed": sentence,
    }


def test_build_keeps_only_the_tabs_valid_values(toy):
    _, links, _, _ = toy
    # Values as the page sends them: a float for an int field, an out-of-range or empty value, another
    # tab's key, an unknown language.
    current = {"seed": 7.0, "frames": 500, "lr": None, "path": "walk"}
    assert lecture.build_query("gan", "fr", current, links) == "tab=gan&seed=7&path=walk"
    assert lecture.build_query("home", "en", current, links) == "tab=home&lang=en"


def test_link_refuses_what_it_cannot_restore():
    with gr.Blocks():
        with gr.Tabs():
            with gr.Tab("A", id="a"):
                lecture.link("seed", gr.Number(0))
                with pytest.raises(ValueError, match="taken"):
                    lecture.link("seed", gr.Number(1))
                for bad in ("tab", "lang", "Seed", "a b", ""):
                    with pytest.raises(ValueError):
                        lecture.link(bad, gr.Number(0))
                with pytest.raises(TypeError):
                    lecture.link("picture", gr.Image())
                with pytest.raises(TypeError):
                    lecture.link("many", gr.Dropdown(["x", "y"], multiselect=True))
    with pytest.raises(RuntimeError):
        lecture.link("seed", gr.Number(0, render=False))


def test_the_gan_tab_links_its_state():
    from demos import gan

    with gr.Blocks() as demo:
        switch = gr.Radio([("English", "en"), ("中文", "zh")])
        with gr.Tabs():
            with gr.Tab("GAN", id="gan") as tab:
                gan.build_tab(switch, tab)
    links = lecture.links_of(demo)
    # `preset` is the "Paper figures" picker (demos/lecture.py); the 2-D game's presets are `game2d`
    assert {lk.key for lk in links} == {
        "view",
        "generator",
        "seed",
        "grid",
        "seed_a",
        "seed_b",
        "frames",
        "path",
        "loss_1d",
        "game2d",
        "preset",
    }
    assert {lk.scope for lk in links} == {"gan"}
    query = {
        "tab": "gan",
        "seed": "7",
        "generator": "gan_mlp.mnist",
        "path": "walk",
        "view": "gan-2d",
        "game2d": "cover",
        "grid": "101",
    }
    assert lecture.parse(query, links, ["gan"]) == {
        "tab": "gan",
        "seed": 7,
        "generator": "gan_mlp.mnist",
        "path": "walk",
        "view": "gan-2d",
        "game2d": "cover",
    }


# --- In Chromium --------------------------------------------------------------------------------


WAIT = 30_000  # ms: the machine is shared; restoring a view can take seconds while other tests run
GAN_STATE = "seed=7&seed_a=5&view=gan-samples"
LABELS = {  # what the page shows in each language: top tab, two GAN labels, the copy button, the grid's text
    "en": (
        "Home",
        "Seed (first digit)",
        "Seed A",
        "Copy link to this view",
        "Digits from seeds 7–70",
    ),
    "zh": ("首页", "种子（第一个数字）", "种子 A", "复制此视图的链接", "来自种子 7–70"),
}


def selected(tab) -> None:
    from playwright.sync_api import expect

    expect(tab).to_have_attribute("aria-selected", "true", timeout=WAIT)


def has_value(locator, value) -> None:
    from playwright.sync_api import expect

    expect(locator).to_have_value(value, timeout=WAIT)


def expect_gan_view(page, lang: str) -> None:
    """The GAN tab is open on the samples with seed 7 (grid of seeds 7-70) and seed A 5, in `lang`."""
    home, seed_label, seed_a_label, button, drawn = LABELS[lang]
    selected(page.get_by_role("tab", name="GAN", exact=True))
    page.locator("#gan-samples-md").get_by_text(drawn).wait_for()  # the grid was drawn from seed 7
    has_value(page.get_by_label(seed_label), "7")
    has_value(page.get_by_label(seed_a_label, exact=True), "5")
    assert page.get_by_role("tab", name=home, exact=True).is_visible()
    assert page.get_by_role("button", name=button).is_visible()
    assert "Traceback" not in page.inner_text("body")


@pytest.mark.browser
def test_deep_links_and_copy_link_in_chromium(app_server, browser):
    from playwright.sync_api import expect

    from demos.gan import SEED_B  # the link's seed_b: the field's default

    t0 = time.monotonic()
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.url)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    for lang in ("zh", "en"):
        page.goto(f"{app_server.url}/?tab=gan&lang={lang}&{GAN_STATE}")
        expect_gan_view(page, lang)
        page.screenshot(path=str(ARTIFACTS / f"lecture_gan_{lang}.png"), animations="disabled")

    # Copy the link to this view (English, the loop's last page): the box shows it, the clipboard
    # holds it, and a new page opened on it shows the same view.
    page.get_by_role("button", name="Copy link to this view").click()
    box = page.locator("#view-link textarea")
    has_value(box, re.compile(r"^http://.*\?tab=gan&lang=en&"))
    url = box.input_value()
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == app_server.url and parts.path == "/"
    params = dict(parse_qsl(parts.query))
    assert params == {
        "tab": "gan",
        "lang": "en",
        "view": "gan-samples",
        "generator": "dcgan.mnist",
        "seed": "7",
        "grid": "64",
        "seed_a": "5",
        "seed_b": str(SEED_B),
        "frames": "16",
        "path": "paths",
        "loss_1d": "non-saturating",
        "game2d": "collapse",
    }
    assert page.evaluate("navigator.clipboard.readText()") == url

    fresh = context.new_page()
    fresh.set_default_timeout(WAIT)
    fresh.goto(url)
    expect_gan_view(fresh, "en")

    # What does not fit is ignored, silently; the rest of the link still applies: the 2-D game
    # opens with the "cover the modes" preset's settings (k = 1, 2,000 steps).
    fresh.goto(
        f"{app_server.url}/?tab=gan&lang=en&view=gan-2d&game2d=cover&seed=abc&grid=5000"
        "&generator=../../etc/passwd&bogus=1"
    )
    selected(fresh.get_by_role("tab", name="2-D game"))
    expect(fresh.get_by_role("radio", name="cover the modes", exact=True)).to_be_checked(
        timeout=WAIT
    )
    has_value(fresh.get_by_role("spinbutton", name="number input for k (D steps per G step)"), "1")
    has_value(
        fresh.get_by_role("spinbutton", name="number input for training steps (G updates)"), "2000"
    )
    assert "Traceback" not in fresh.inner_text("body") and fresh.locator(".toast-body").count() == 0

    # The link follows the tab the user is on, even when "copy" comes right after the click.
    fresh.get_by_role("tab", name="Home").click()
    fresh.get_by_role("button", name="Copy link to this view").click()
    has_value(fresh.locator("#view-link textarea"), f"{app_server.url}/?tab=home&lang=en")
    assert time.monotonic() - t0 < within(60)
