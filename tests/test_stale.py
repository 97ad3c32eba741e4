"""Never stale (#19 item 9): after a refused input (empty text to translate, a sentence without
[MASK], classify without an image, a bad seed …) the page must not keep the previous results under
"Error" badges as if they answered. Each such event has a failure handler that empties its outputs
at once and says why; an API caller still gets the error."""

from __future__ import annotations

import re
import time

import gradio as gr
import pytest

from demos import runtime

# Every event whose text, number or image input can be refused: endpoint -> the outputs (by
# elem_id, label or component type) whose earlier values must not stay on screen.
GUARDED = [
    "transformer_translate",
    "transformer_steps",
    "transformer_positional",
    "bert_fill_mask",
    "bert_anatomy",
    "bert_masking",
    "bert_nsp",
    "bert_head_view",
    "bert_model_view",
    "bert_enlarge",
    "resnet_classify",
    "gan_samples",
    "gan_interpolate",
]
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def demo():
    import app

    return app.demo


def _deps(demo):
    return demo.config["dependencies"]


def _failure_handler(demo, dep):
    """The dependency that runs when `dep` fails, and its function."""
    for i, d in enumerate(_deps(demo)):
        if d.get("trigger_after") == dep["id"] and d.get("trigger_only_on_failure"):
            return d, demo.fns[i].fn
    return None, None


def test_cleared_values_follow_the_component_types():
    with gr.Blocks():
        box, md, page, image, choice, table = (
            gr.Textbox("old"),
            gr.Markdown("old"),
            gr.HTML("old"),
            gr.Image(),
            gr.Radio(["a", "b"], value="a"),
            gr.JSON({"old": 1}),
        )
    outputs = [box, md, page, image, choice, table]
    en = runtime.cleared(outputs, "en")
    assert en[0] == "" and en[1].startswith("⚠ **Nothing to show:**") and en[2] == ""
    assert en[3] is None and en[5] is None
    assert en[4]["choices"] == [] and en[4]["value"] is None
    assert not CJK.search(en[1])
    zh = runtime.cleared(outputs, "zh")
    assert zh[1].startswith("⚠ **没有结果：**")
    # an HTML view alone carries the line as HTML; a text box alone carries it as text
    assert runtime.cleared([page], "en")[0].startswith('<p class="stale-note">⚠ <b>Nothing')
    assert runtime.cleared([box], "en")[0].startswith("⚠ **Nothing")


@pytest.mark.parametrize("api_name", GUARDED)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_refused_input_empties_every_output_of_its_event(demo, api_name, lang):
    deps = {d.get("api_name"): d for d in _deps(demo)}
    dep = deps[api_name]
    handler, fn = _failure_handler(demo, dep)
    assert handler is not None, f"{api_name}: nothing empties its outputs when it fails"
    # at once (outside the queue), hidden from the API, and over every output of the event
    assert handler["queue"] is False and handler["api_visibility"] == "private"
    assert set(dep["outputs"]) <= set(handler["outputs"])
    values = fn(lang)
    assert len(values) == len(handler["outputs"])
    blocks = {b._id: b for b in demo.blocks.values()}
    said = [v for v in values if isinstance(v, str) and "⚠" in v]
    assert len(said) == 1  # one line says why; everything else is empty
    assert bool(CJK.search(said[0])) == (lang == "zh")
    for out_id, v in zip(handler["outputs"], values):
        if v is said[0]:
            continue
        c = blocks[out_id]
        if isinstance(c, (gr.Radio, gr.CheckboxGroup)):
            assert v["choices"] == [] and v["value"] is None
        else:
            assert v in ("", None), (api_name, type(c).__name__, v)


def test_the_translation_chain_clears_its_maps_too(demo):
    """The translate event fills the text, then the maps and the alignment in later steps: a
    refused text empties all of them, not only the first step's outputs."""
    dep = next(d for d in _deps(demo) if d.get("api_name") == "transformer_translate")
    handler, fn = _failure_handler(demo, dep)
    ids = {
        getattr(b, "elem_id", None): b._id
        for b in demo.blocks.values()
        if getattr(b, "elem_id", None)
    }
    for elem in (
        "transformer-output",
        "transformer-heatmap",
        "transformer-alignment",
        "transformer-target",
        "transformer-attention-caption",
    ):
        assert ids[elem] in handler["outputs"], elem
    values = dict(zip(handler["outputs"], fn("en")))
    assert values[ids["transformer-output"]] == ""  # no German of an earlier sentence
    assert values[ids["transformer-heatmap"]] == "" and values[ids["transformer-alignment"]] == ""


def test_an_empty_translation_is_refused_at_once(client):
    """The refusal is an answer: through the server it comes back at once (it never reaches the
    model), and the API caller gets the error with its message."""
    from gradio_client.exceptions import AppError

    t0 = time.perf_counter()
    with pytest.raises(AppError, match="empty"):
        client.predict(
            "   ", "transformer_small.multi30k_ende", 4, "en", api_name="/transformer_translate"
        )
    assert time.perf_counter() - t0 < 5


def _error_badges(page) -> list:
    """The visible "Error" badges gradio puts over outputs (not the toast, which must stay)."""
    return [
        b
        for b in page.locator(".error").filter(has_text="Error").all()
        if b.is_visible() and not b.evaluate("e => !!e.closest('[data-testid=toast-body]')")
    ]


@pytest.mark.browser
def test_no_stale_result_on_screen_after_a_refused_input(app_server, browser):
    """In the page: translate a sentence, then an empty one. The German, the maps and the
    alignment of the first are gone at once, one line says why, and no "Error" badge covers old
    results; the same for BERT's fill-mask without [MASK]."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(app_server.url + "/?tab=transformer")
    out = page.locator("#transformer-output textarea")
    expect(out).to_have_value(re.compile(r"\w+"), timeout=60_000)  # the default translation
    expect(page.locator("#transformer-heatmap table")).to_have_count(1, timeout=60_000)
    page.locator("#transformer-source textarea").fill("")
    t0 = time.perf_counter()
    page.get_by_role("button", name="Translate", exact=True).click()
    expect(page.locator("#transformer-tokens")).to_contain_text("Nothing to show", timeout=10_000)
    elapsed = time.perf_counter() - t0
    expect(out).to_have_value("")
    expect(page.locator("#transformer-heatmap table")).to_have_count(0)
    expect(page.locator("#transformer-alignment .tf-chip")).to_have_count(0)
    expect(page.get_by_text("Please type an English sentence")).to_be_visible()  # the toast
    page.wait_for_timeout(1000)
    shown = _error_badges(page)
    page.screenshot(path="/tmp/stale_translate.png", animations="disabled", full_page=True)
    assert not shown, f"{len(shown)} 'Error' badges still on screen"
    assert elapsed < 5

    page.goto(app_server.url + "/?tab=bert")
    page.get_by_role("tab", name="BERT").click()
    fill = page.locator("#bert-fill-out")
    page.get_by_role("button", name="Predict", exact=True).click()
    expect(fill).to_contain_text(
        "%", timeout=60_000
    )  # the answer to the default sentence: bars with percentages
    page.locator("#bert-fill-text textarea").fill("no mask here")
    page.get_by_role("button", name="Predict", exact=True).click()
    expect(fill).to_contain_text("Nothing to show", timeout=10_000)
    expect(fill).not_to_contain_text("%")
    expect(page.locator("#bert-fill-md")).to_have_text("")
    page.wait_for_timeout(1000)
    shown = _error_badges(page)
    page.screenshot(path="/tmp/stale_fill.png", animations="disabled", full_page=True)
    assert not shown, f"{len(shown)} 'Error' badges still on screen"
    page.close()
