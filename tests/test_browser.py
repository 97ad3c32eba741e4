"""End to end in real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, app_server):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), animations="disabled", full_page=True)


def test_tabs_language_and_no_outside_requests(page, app_server):
    page.goto(app_server.url + "/")
    page.get_by_role("heading", name="What is this?").wait_for()
    assert page.get_by_role("heading", name="Paper Gallery").is_visible()
    shot(page, "home_en")

    # Every paper tab opens and says what it holds.
    for tab, text in [
        ("ResNet", "Deep Residual Learning"),
        ("Transformer", "Transformer"),
        ("GAN", "Generative Adversarial Nets"),
        ("BERT", "BERT"),
    ]:
        page.get_by_role("tab", name=tab).click()
        page.get_by_role("heading", name=text).first.wait_for()
    shot(page, "bert_en")

    # Switch the language in the page (it reloads the page in Chinese, on the same view: BERT).
    from playwright.sync_api import expect

    page.get_by_label("中文").check()
    page.wait_for_url("**lang=zh**")
    expect(page.get_by_role("tab", name="BERT")).to_have_attribute(
        "aria-selected", "true", timeout=30_000
    )
    page.get_by_role("tab", name="首页").click()
    page.get_by_role("heading", name="这是什么？").wait_for()
    assert page.get_by_role("heading", name="论文画廊").is_visible()
    assert not page.get_by_role("heading", name="What is this?").is_visible()
    shot(page, "home_zh")

    # And back.
    page.get_by_label("English").check()
    page.get_by_role("heading", name="What is this?").wait_for()

    hosts = {urlparse(u).hostname for u in page.requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, hosts


def test_lang_in_url_opens_chinese_and_is_remembered(page, app_server):
    page.goto(app_server.url + "/?lang=zh")
    page.get_by_role("heading", name="这是什么？").wait_for()
    from playwright.sync_api import expect

    expect(page.get_by_label("中文")).to_be_checked()
    page.goto(app_server.url + "/")  # remembered in localStorage
    page.get_by_role("heading", name="这是什么？").wait_for()


def test_resnet_tab_in_the_browser(page, app_server, tmp_path):
    from playwright.sync_api import expect

    from demos.resnet_classify import example_images

    page.goto(app_server.url + "/")
    page.get_by_role("tab", name="ResNet").click()
    # Fig. 6 opens with the tab: a figure and the checked findings.
    page.get_by_text("The paper's finding, checked on this run").wait_for()
    page.get_by_text("✓ plain-56 ends with a higher training error than plain-20").wait_for()
    page.get_by_text("✓ ResNet-56 ends with a lower training error than ResNet-20").wait_for()
    page.locator(".js-plotly-plot, img, canvas").first.wait_for()
    shot(page, "resnet_fig6_en")

    # Classify a photo that ships with scikit-image.
    page.get_by_role("tab", name="Classify").click()
    cat = next(p for p in example_images() if p.endswith("chelsea.png"))
    page.locator("#resnet-image input[type=file]").set_input_files(cat)
    notice = page.locator("#resnet-weights-notice")
    notice.get_by_text("resnet56.cifar10").wait_for()
    assert "shipped with the app" in notice.inner_text()
    shot(page, "resnet_classify_en")

    # A file that is not an image: a clear message, not a stack trace.
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    page.locator("#resnet-image input[type=file]").set_input_files(str(bad))
    page.get_by_text("not an image that can be read").first.wait_for()
    assert "Traceback" not in page.inner_text("body")

    # The sub-tabs follow the language switch, which keeps the sub-tab open (Classify).
    page.get_by_label("中文").check()
    page.get_by_role("tab", name="首页").wait_for()
    expect(page.get_by_role("tab", name="图像分类")).to_have_attribute(
        "aria-selected", "true", timeout=30_000
    )
    page.get_by_role("tab", name="网络结构", exact=True).click()
    page.get_by_text("各阶段（表 1）").wait_for()
    shot(page, "resnet_arch_zh")
