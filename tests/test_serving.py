"""Serving a lecture hall (issue #8): the queue's settings, examples answered before anyone clicks,
and several replicas behind one address (README, "Serving")."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import start_app, stop_app


def test_examples_are_answered_at_start_up_and_served_without_the_model(monkeypatch):
    from demos import bert, transformer
    from models import bert as B
    from models import transformer as T

    warm = [
        (fn, args)
        for fn, args in bert.WARM + transformer.WARM
        if fn in (bert.fill_mask, transformer._run)
    ]
    assert len(warm) == 2 * len(bert.EXAMPLES) + 2 * len(
        transformer.EXAMPLES
    )  # every example, both languages
    for fn, args in warm:  # what app.py's warm-up thread does after start-up
        fn(*args)

    def no_model(*args, **kwargs):
        raise AssertionError("the model ran")

    monkeypatch.setattr(B, "fill_mask", no_model)
    monkeypatch.setattr(T, "translate", no_model)
    html, md, preds = bert.fill_mask(bert.EXAMPLES[3], 5, bert.DEFAULT_WEIGHTS, "en")
    assert preds and preds[0]["candidates"][0]["token"] and "**" in md  # the answer, from memory
    _, md_zh, _ = bert.fill_mask(bert.EXAMPLES[3], 5, bert.DEFAULT_WEIGHTS, "zh")
    assert md_zh != md  # each language its own answer text
    german, tokens_md, _ = transformer.translate(
        transformer.EXAMPLES[1], transformer.DEFAULT_WEIGHTS, 4, "en"
    )
    assert german.strip() and "Hunde" in german
    with pytest.raises(AssertionError, match="the model ran"):  # a new sentence does run the model
        bert.fill_mask("A [MASK] sentence nobody has asked before.", 5, bert.DEFAULT_WEIGHTS, "en")


def test_app_queue_settings_come_from_the_environment(monkeypatch):
    import importlib

    import app

    assert (app.QUEUE_SIZE, app.CONCURRENCY) == (100, 4)
    source = open(app.__file__).read()
    assert "demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)" in source
    live = [
        fn
        for fn in app.demo.fns.values()
        if fn.concurrency_id in ("live-training", "transformer-timing")
    ]
    assert len(live) >= 3 and all(
        fn.concurrency_limit == 1 for fn in live
    )  # one at a time, users wait in line
    monkeypatch.setenv("PAPER_GALLERY_QUEUE_SIZE", "7")
    monkeypatch.setenv("PAPER_GALLERY_CONCURRENCY", "2")
    try:
        assert (importlib.reload(app).QUEUE_SIZE, app.CONCURRENCY) == (7, 2)
    finally:
        monkeypatch.delenv("PAPER_GALLERY_QUEUE_SIZE")
        monkeypatch.delenv("PAPER_GALLERY_CONCURRENCY")
        importlib.reload(app)


def test_a_full_queue_refuses_at_once_and_the_server_keeps_serving(tmp_path):
    """PAPER_GALLERY_QUEUE_SIZE=2: of 8 live runs sent at once one runs, two wait, the rest are
    refused with gradio's "queue is full" (no hang); other users are still answered."""
    from gradio_client import Client

    app = start_app(tmp_path, PAPER_GALLERY_QUEUE_SIZE="2", HF_HUB_OFFLINE="1")
    try:
        clients = [Client(app.url, verbose=False, analytics_enabled=False) for _ in range(8)]

        def live(c):
            t0 = time.monotonic()
            try:
                c.predict(14, 60, "en", api_name="/resnet_live")
                return "done", time.monotonic() - t0
            except Exception as e:  # noqa: BLE001 - what the user is told
                return str(e), time.monotonic() - t0

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(live, clients))
        done = [r for r in results if r[0] == "done"]
        refused = [r for r in results if "queue is full" in r[0].lower()]
        assert len(done) + len(refused) == 8, results
        assert 1 <= len(done) <= 5 and refused, results
        # refused at once, not after waiting: before any run finished, whatever the machine's load
        assert max(s for _, s in refused) < min(s for r, s in results if r == "done"), results
        rows = clients[0].predict("en", api_name="/resnet_paper_check")
        assert rows["data"]  # the server still answers
    finally:
        stop_app(app)


@pytest.mark.browser
def test_a_click_on_an_example_shows_its_answer_in_chromium(app_server, browser):
    from playwright.sync_api import expect

    from demos import bert, transformer
    from tests.test_lecture import WAIT, has_value

    page = browser.new_page(locale="en-US", viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(WAIT)
    page.goto(f"{app_server.url}/?tab=bert&lang=en")
    page.get_by_text(bert.EXAMPLES[3], exact=True).click()
    has_value(page.locator("#bert-fill-text textarea"), bert.EXAMPLES[3])
    expect(page.locator("#bert-fill-md")).to_contain_text(
        "worst of", timeout=WAIT
    )  # answered, no button

    page.goto(f"{app_server.url}/?tab=transformer&lang=en")
    page.get_by_text(transformer.EXAMPLES[1], exact=True).click()
    expect(page.locator("#transformer-output textarea")).to_have_value(
        re.compile("Hunde"), timeout=WAIT
    )
    assert "Traceback" not in page.inner_text("body")


@pytest.mark.browser
def test_two_replicas_behind_one_address_keep_each_user_on_one(tmp_path, browser):
    """deploy/haproxy.cfg in front of two app processes: two browsers are spread over both
    replicas by the cookie, and each one's queue (join, then the streamed result: two requests)
    works through the proxy, which it would not if the requests were spread instead."""
    from playwright.sync_api import expect

    from tests.conftest import two_replicas
    from tests.test_lecture import WAIT

    with two_replicas(tmp_path, HF_HUB_OFFLINE="1") as base:
        replicas = set()
        for _ in range(2):  # two users
            context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(WAIT)
            page.goto(f"{base}/?tab=bert&lang=en")
            page.get_by_role(
                "button", name="Predict", exact=True
            ).click()  # queue join + streamed result
            expect(page.locator("#bert-fill-out table").first).to_be_visible(timeout=WAIT)
            assert "Traceback" not in page.inner_text("body")
            replicas |= {c["value"] for c in context.cookies() if c["name"] == "pg_replica"}
        assert replicas == {"a", "b"}  # one user on each replica
