"""The GAN tab as a user's program sees it (gradio_client), and once in a real browser."""

from __future__ import annotations

import PIL.Image
import pytest

from tests.conftest import ARTIFACTS
from tests.figures import is_figure

# Every named endpoint the GAN tab exposes (tests/test_app.py checks the union against the app).
ENDPOINTS = {
    "/gan_samples", "/gan_interpolate", "/gan_game_1d", "/gan_game_2d", "/gan_quality", "/gan_paper_check",
}  # fmt: skip




def test_gan_samples_endpoint(client):
    from demos.gan import CELL, GRID_SCALE

    image, md = client.predict("dcgan.mnist", 7, 64, "English", api_name="/gan_samples")
    with PIL.Image.open(image) as im:
        assert im.size == (8 * CELL * GRID_SCALE + 2 * GRID_SCALE,) * 2
    assert "seeds **7–70**" in md and "dcgan.mnist" in md and "shipped with the app" in md
    _, md = client.predict("gan_mlp.mnist", 0, 4, "中文", api_name="/gan_samples")
    assert "来自种子 **0–3**" in md


def test_gan_interpolate_endpoint_returns_a_gif(client):
    strip, gif, gif_file, fig, md = client.predict("dcgan.mnist", 3, 11, 16, "paths", "English",
                                                   api_name="/gan_interpolate")  # fmt: skip
    with PIL.Image.open(gif_file) as im:
        assert im.format == "GIF" and im.n_frames == 30
    assert is_figure(fig) and "Seed 3 → seed 11, 16 steps" in md


def test_gan_live_games_endpoints(client):
    fig, status, check = client.predict(3, 3e-3, 3e-3, "non-saturating", 100, "English", api_name="/gan_game_1d")
    assert is_figure(fig) and "Step 100 of 100" in status
    assert check["data"][0][1] == -1.386
    fig, status = client.predict(1, 1e-3, 1e-3, "non-saturating", 0.05, 200, "English", api_name="/gan_game_2d")
    assert is_figure(fig) and "Step 200 of 200" in status


def test_gan_quality_and_paper_check_endpoints(client):
    fig, md = client.predict("English", api_name="/gan_quality")
    assert is_figure(fig) and "Parzen" in md and "225 ± 2" in md
    rows = client.predict("English", api_name="/gan_paper_check")["data"]
    assert rows[0][1] == "225 ± 2" and any(r[1] == "-1.386" for r in rows)


def test_gan_bad_input_through_the_api(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Seeds must be whole numbers|less than|greater than"):
        client.predict("dcgan.mnist", -3, 16, "English", api_name="/gan_samples")
    with pytest.raises(AppError, match="greater than maximum value 100"):  # gradio checks the slider
        client.predict("dcgan.mnist", 0, 5000, "English", api_name="/gan_samples")
    with pytest.raises(AppError, match="Learning rates must be|greater than"):
        client.predict(1, 5.0, 1e-3, "non-saturating", 100, "English", api_name="/gan_game_1d")
    with pytest.raises(AppError, match="Unknown generator|not in the list of choices|Value"):
        client.predict("../../etc/passwd", 0, 16, "English", api_name="/gan_samples")
    # The server keeps answering.
    _, md = client.predict("dcgan.mnist", 0, 1, "English", api_name="/gan_samples")
    assert "seeds **0–0**" in md


@pytest.mark.browser
def test_gan_tab_in_the_browser(app_server, browser):
    from playwright.sync_api import expect


    page = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    page.goto(app_server.url + "/")
    page.get_by_role("tab", name="GAN").click()
    page.locator("#gan-samples-md").get_by_text("shipped with the app").wait_for()
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
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "gan_samples_en.png"), animations="disabled", full_page=True)
    # Fig. 1 opens on the recorded default run (computed once per process); Run trains live.
    page.get_by_role("tab", name="Fig. 1, live (1-D)").click()
    page.locator("#gan-1d-status").get_by_text("Recorded run with the default settings, step 1000").wait_for(
        timeout=90_000)  # fmt: skip
    page.screenshot(path=str(ARTIFACTS / "gan_fig1_en.png"), animations="disabled", full_page=True)
    assert "Traceback" not in page.inner_text("body")
