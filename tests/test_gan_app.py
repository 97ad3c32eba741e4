"""The GAN tab as a user's program sees it (gradio_client), and once in a real browser."""

from __future__ import annotations

import re

import PIL.Image
import pytest

from tests.conftest import ARTIFACTS
from tests.figures import is_figure

# Every named endpoint the GAN tab exposes (tests/test_app.py checks the union against the app).
ENDPOINTS = {
    "/gan_samples",
    "/gan_interpolate",
    "/gan_game_1d",
    "/gan_game_2d",
    "/gan_quality",
    "/gan_paper_check",
}


def test_default_interpolation_seeds_draw_different_digits():
    """The interpolation opens on seeds A and B: a morph between two different digits, as the
    project's MNIST classifier judges them, for both generators (seeds 3 and 11 both drew a 0)."""
    from demos import gan as tab
    from lab import gan as L
    from models import gan as M
    from models import hub
    from models.digit_classifier import DigitClassifier

    clf = DigitClassifier.from_pretrained(
        str((hub.WEIGHTS_DIR / "mnist_classifier").resolve()), strict=True
    )
    for weights in tab.WEIGHTS:
        G = hub.get(weights).model
        digits, _ = L.classify(
            clf, M.generate(G, M.latents([tab.SEED_A, tab.SEED_B], G.config.z_dim))
        )
        assert digits[0] != digits[1], (weights, digits.tolist())
    fig3 = tab.FIGURES["fig3"].params  # Fig. 3's preset draws the same pair
    assert (fig3["seed_a"], fig3["seed_b"]) == (tab.SEED_A, tab.SEED_B)
    from demos import classroom_questions as CQ  # the lerp-or-slerp question measures that pair too

    assert CQ.SEED_PAIRS[0] == (tab.SEED_A, tab.SEED_B)


def test_2d_game_opens_on_its_presets_recorded_frame(monkeypatch):
    import gradio as gr

    from demos import gan as tab
    from demos import gan_games as games
    from lab import gan as L
    from lab import tab_defaults

    *_, short = L.game_2d(
        **tab_defaults.GAME2D_PRESETS["cover"], steps=20, every=20
    )  # stands in for the 2,000-step run
    monkeypatch.setitem(games._recorded_2d, "cover", short)
    cover = tab_defaults.GAME2D_PRESETS["cover"]
    fig, status = games.game_2d_open(
        cover["k"],
        cover["lr_d"],
        cover["lr_g"],
        "non-saturating",
        cover["std"],
        games.GAME2D_PRESET_STEPS["cover"],
        "en",
    )
    assert is_figure(fig) and status.startswith("Recorded run with these settings, step 20:")
    assert games.game_2d_recorded("cover", "zh")[1].startswith("按这些设置记录的运行，第 20 步")
    other = games.game_2d_open(
        cover["k"], cover["lr_d"], cover["lr_g"], "non-saturating", cover["std"], 500, "en"
    )
    assert other == (gr.skip(), gr.skip())  # other settings: the view stays as it is
    assert {fn for fn, _ in tab.WARM} >= {
        tab.default_1d_final,
        tab.preset_2d_final,
    }  # warmed at start-up


def test_gan_samples_endpoint(client):
    from demos.gan import CELL, GRID_SCALE

    image, md = client.predict("dcgan.mnist", 7, 64, "en", api_name="/gan_samples")
    with PIL.Image.open(image) as im:
        assert im.size == (8 * CELL * GRID_SCALE + 2 * GRID_SCALE,) * 2
    assert "seeds **7–70**" in md and "dcgan.mnist" in md and "shipped with the app" in md
    _, md = client.predict("gan_mlp.mnist", 0, 4, "zh", api_name="/gan_samples")
    assert "来自种子 **0–3**" in md


def test_gan_interpolate_endpoint_returns_a_gif(client):
    strip, gif, gif_file, fig, md = client.predict(
        "dcgan.mnist", 3, 11, 16, "paths", "en", api_name="/gan_interpolate"
    )
    with PIL.Image.open(gif_file) as im:
        assert im.format == "GIF" and im.n_frames == 30
    assert is_figure(fig) and "Seed 3 → seed 11, 16 steps" in md
    from demos.gan import SEED_A, SEED_B

    api = client.view_api(print_info=False, return_format="dict")["named_endpoints"][
        "/gan_interpolate"
    ]
    defaults = {p["parameter_name"]: p.get("parameter_default") for p in api["parameters"]}
    assert (defaults["seed_a"], defaults["seed_b"]) == (
        SEED_A,
        SEED_B,
    )  # the page's fields open on them


def test_gan_live_games_endpoints(client):
    fig, status, check = client.predict(
        3, 3e-3, 3e-3, "non-saturating", 100, "en", api_name="/gan_game_1d"
    )
    assert is_figure(fig) and "Step 100 of 100" in status
    assert check["data"][0][1] == -1.386
    fig, status = client.predict(
        1, 1e-3, 1e-3, "non-saturating", 0.05, 200, "en", api_name="/gan_game_2d"
    )
    assert is_figure(fig) and "Step 200 of 200" in status


def test_gan_quality_and_paper_check_endpoints(client):
    fig, md = client.predict("en", api_name="/gan_quality")
    assert is_figure(fig) and "Parzen" in md and "225 ± 2" in md
    rows = client.predict("en", api_name="/gan_paper_check")["data"]
    assert rows[0][1] == "225 ± 2" and any(r[1] == "-1.386" for r in rows)


def test_gan_bad_input_through_the_api(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Seeds must be whole numbers|less than|greater than"):
        client.predict("dcgan.mnist", -3, 16, "en", api_name="/gan_samples")
    with pytest.raises(
        AppError, match="greater than maximum value 100"
    ):  # gradio checks the slider
        client.predict("dcgan.mnist", 0, 5000, "en", api_name="/gan_samples")
    with pytest.raises(AppError, match="Learning rates must be|greater than"):
        client.predict(1, 5.0, 1e-3, "non-saturating", 100, "en", api_name="/gan_game_1d")
    with pytest.raises(AppError, match="Unknown generator|not in the list of choices|Value"):
        client.predict("../../etc/passwd", 0, 16, "en", api_name="/gan_samples")
    # The server keeps answering.
    _, md = client.predict("dcgan.mnist", 0, 1, "en", api_name="/gan_samples")
    assert "seeds **0–0**" in md


@pytest.mark.browser
def test_gan_tab_in_the_browser(app_server, browser):
    from playwright.sync_api import expect

    page = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    page.goto(app_server.url + "/")
    page.get_by_role("tab", name="GAN").click()
    page.locator("#gan-samples-md").get_by_text("shipped with the app").wait_for()
    # Nothing empty on first view: the interpolation, its GIF (and its file) and the |z| plot are
    # drawn with the grid, on the default seeds, before any click (issue 16)
    page.locator("#gan-interp-md").get_by_text("Seed 11 → seed 20, 16 steps").wait_for()
    for pane in ("#gan-strip img", "#gan-gif img", "#gan-norms img"):
        expect(page.locator(pane)).to_have_attribute("src", re.compile(r"\S"))
    expect(page.locator("#gan-gif-file").get_by_text(re.compile(r"gan-.*\.gif"))).to_be_visible()
    # Two clicks on the grid set seeds A and B; interpolate them.
    grid = page.locator("#gan-grid img")
    box = grid.bounding_box()
    grid.click(position={"x": box["width"] * 0.06, "y": box["height"] * 0.06})
    # gradio ignores a second click while the first one's event runs (trigger_mode "once"):
    # wait until seed A is taken and B is next, as a user would see
    expect(page.get_by_role("radio", name="B", exact=True)).to_be_checked()
    grid.click(position={"x": box["width"] * 0.94, "y": box["height"] * 0.06})
    expect(page.get_by_role("radio", name="A", exact=True)).to_be_checked()
    page.get_by_role("button", name="Interpolate").click()
    page.locator("#gan-interp-md").get_by_text("Seed 0 → seed 7").wait_for()
    page.get_by_role(
        "radio", name=re.compile("random walk")
    ).click()  # the walk is drawn at once too
    page.locator("#gan-interp-md").get_by_text("Random walk from seed 0, 16 steps").wait_for()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / "gan_samples_en.png"), animations="disabled", full_page=True
    )
    # Fig. 1 opens on the recorded default run (computed once per process); Run trains live.
    page.get_by_role("tab", name="Fig. 1, live (1-D)").click()
    page.locator("#gan-1d-status").get_by_text(
        "Recorded run with the default settings, step 1000"
    ).wait_for(timeout=90_000)
    page.screenshot(path=str(ARTIFACTS / "gan_fig1_en.png"), animations="disabled", full_page=True)
    # The 2-D game opens on its preset's recorded last frame (warmed at start-up), and so does a preset
    page.get_by_role("tab", name="2-D game").click()
    page.locator("#gan-2d-status").get_by_text(
        "Recorded run with these settings, step 1000"
    ).wait_for(timeout=90_000)
    expect(page.locator("#gan-2d-plot img")).to_have_attribute("src", re.compile(r"\S"))
    page.get_by_role("radio", name=re.compile("cover the modes")).click()
    page.locator("#gan-2d-status").get_by_text("step 2000: 8 of 8 modes covered").wait_for(
        timeout=90_000
    )
    page.screenshot(path=str(ARTIFACTS / "gan_2d_en.png"), animations="disabled", full_page=True)
    assert "Traceback" not in page.inner_text("body")
