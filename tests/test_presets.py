"""Lecture mode's presets ("Paper figures", demos/lecture.py): the expansion of `?preset=`, every tab's
presets, and every preset opened by a deep link in Chromium, in English and in Chinese."""

from __future__ import annotations

import importlib
import re
import time
from urllib.parse import parse_qsl, urlsplit

import gradio as gr
import pytest

from demos import lecture
from demos.i18n import text
from tests._timing import within
from tests.conftest import ARTIFACTS

TOY_PRESETS = {
    "p1": lecture.Preset("lecture_copy", {"view": "a-2", "seed": 7}),
    "p2": lecture.Preset("lecture_link", {"text": "The [MASK] sat."}),
}


@pytest.fixture(scope="module")
def toy():
    """Tab "a" with presets over a sub-tab view, a number and a text; tab "b" with a `seed` of its own."""
    with gr.Blocks() as demo:
        with gr.Tabs():
            with gr.Tab("A", id="a"):
                figures = lecture.picker(TOY_PRESETS)
                with gr.Tabs() as views:
                    with gr.Tab("one", id="a-1"):
                        seed = gr.Number(0, precision=0, minimum=0, maximum=100)
                    with gr.Tab("two", id="a-2"):
                        box = gr.Textbox("")
                for key, component in [("view", views), ("seed", seed), ("text", box)]:
                    lecture.link(key, component)
                lecture.presets(figures, TOY_PRESETS)
            with gr.Tab("B", id="b"):
                lecture.link("seed", gr.Number(0, precision=0))
    tables = {scope: p.table for scope, p in lecture.presets_of(demo).items()}
    return demo, lecture.links_of(demo), ["a", "b"], tables


def parse(toy, **query):
    _, links, tab_ids, tables = toy
    return lecture.parse(query, links, tab_ids, tables)


def test_a_preset_expands_to_its_values(toy):
    assert parse(toy, tab="a", preset="p1") == {
        "tab": "a",
        "preset": "p1",
        "view": "a-2",
        "seed": 7,
    }
    assert parse(toy, tab="a", preset="p2") == {
        "tab": "a",
        "preset": "p2",
        "text": "The [MASK] sat.",
    }


def test_explicit_values_win_over_the_preset(toy):
    assert parse(toy, tab="a", preset="p1", seed="9") == {
        "tab": "a",
        "preset": "p1",
        "view": "a-2",
        "seed": 9,
    }
    assert parse(toy, tab="a", preset="p1", view="a-1")["view"] == "a-1"
    # a value that does not fit is ignored, as without a preset: the preset's value applies
    assert parse(toy, tab="a", preset="p1", seed="abc", view="a-9") == parse(
        toy, tab="a", preset="p1"
    )


def test_unknown_preset_or_other_tab_is_ignored(toy):
    assert parse(toy, tab="a", preset="nope") == {"tab": "a"}
    assert parse(toy, tab="a", preset="nope", seed="3") == {"tab": "a", "seed": 3}
    assert parse(toy, tab="b", preset="p1") == {"tab": "b"}  # tab b has no presets
    assert parse(toy, preset="p1") == {}  # no tab: nothing is scoped
    _, links, tab_ids, _ = toy
    assert lecture.parse({"tab": "a", "preset": "p1"}, links, tab_ids) == {
        "tab": "a",
        "preset": "p1",
    }


def test_the_picker_is_linked_as_preset(toy):
    _, links, _, _ = toy
    query = lecture.build_query("a", "en", {"preset": "p1", "view": "a-2", "seed": 7}, links)
    assert query == "tab=a&lang=en&preset=p1&view=a-2&seed=7"
    assert (
        lecture.build_query("a", "en", {"preset": None, "seed": 7}, links) == "tab=a&lang=en&seed=7"
    )


def test_presets_refuse_what_they_could_not_restore():
    for bad in ({"bogus": 1}, {"seed": 1000}, {"view": "a-9"}, {"preset": "p1"}):
        with gr.Blocks():
            with gr.Tabs():
                with gr.Tab("A", id="a"):
                    table = {"p": lecture.Preset("lecture_copy", bad)}
                    figures = lecture.picker(table)
                    with gr.Tabs() as views:
                        with gr.Tab("one", id="a-1"):
                            seed = gr.Number(0, precision=0, minimum=0, maximum=100)
                    lecture.link("view", views)
                    lecture.link("seed", seed)
                    with pytest.raises(ValueError):
                        lecture.presets(figures, table)


# --- The app's presets ----------------------------------------------------------------------------

# tab -> {preset: (sub-tab id, the sub-tab's label key)}: what each figure opens
EXPECTED = {
    "resnet": {"fig1": ("resnet-curves", "rn_sub_curves"), "fig4": ("resnet-live", "rn_sub_live"),
               "fig6": ("resnet-curves", "rn_sub_curves"), "fig7": ("resnet-why", "rn_sub_why"),
               "table1": ("resnet-arch", "rn_sub_arch")},
    "transformer": {"fig2": ("transformer-translate", "tf_sub_translate"), "table3": ("transformer-check", "tf_sub_check"),
                    "pe": ("transformer-pe", "tf_sub_pe")},
    "gan": {"fig1": ("gan-1d", "gan_sub_1d"), "fig2": ("gan-samples", "gan_sub_samples"),
            "fig3": ("gan-samples", "gan_sub_samples")},
    "bert": {"fig1_mlm": ("bert-masking", "bert_sub_masking"), "fig1_nsp": ("bert-nsp", "bert_sub_nsp"),
             "fig2": ("bert-anatomy", "bert_sub_anatomy"), "table6": ("bert-check", "bert_sub_check")},
}  # fmt: skip


@pytest.fixture(scope="module")
def app_demo():
    import app

    return app.demo


def test_every_tab_has_its_paper_figures(app_demo):
    found = lecture.presets_of(app_demo)
    assert {
        scope: {name: p.params["view"] for name, p in ps.table.items()}
        for scope, ps in found.items()
    } == {
        tab: {name: view for name, (view, _) in presets.items()}
        for tab, presets in EXPECTED.items()
    }
    links, tab_ids = lecture.links_of(app_demo), list(EXPECTED) + ["home"]
    tables = {scope: p.table for scope, p in found.items()}
    for scope, ps in found.items():
        for name, preset in ps.table.items():
            # the label names the figure, in both languages
            assert re.match(r"(Fig\. \d|Table \d|§\d)", text(preset.label, "en")), preset.label
            assert re.match(r"(图 \d|表 \d|§\d)", text(preset.label, "zh")), preset.label
            assert lecture.parse({"tab": scope, "preset": name}, links, tab_ids, tables) == {
                "tab": scope,
                "preset": name,
                **preset.params,
            }


def test_a_click_on_the_picker_applies_the_preset(app_demo):
    """The picker's own event: the sub-tab and the values of the preset, the rest untouched."""
    ps = lecture.presets_of(app_demo)["resnet"]
    fn = next(f for f in app_demo.fns.values() if (ps.picker._id, "input") in f.targets)
    outputs = [app_demo.blocks[i] if isinstance(i, int) else i for i in fn.outputs]
    out = dict(zip(outputs, fn.fn("fig4")))
    by_key = {lk.key: lk for lk in lecture.links_of(app_demo) if lk.scope == "resnet"}
    assert out[by_key["view"].component].selected == "resnet-live"
    assert out[by_key["view"].state] == "resnet-live"
    assert out[by_key["depth"].component] == 56 and out[by_key["steps"].component] == 400
    assert isinstance(out[by_key["arch"].component], dict)  # gr.skip(): not part of Fig. 4
    assert all(isinstance(v, dict) for v in fn.fn("nope"))  # an unknown name changes nothing


def test_a_link_sets_only_its_own_tabs_values(app_demo):
    """`?tab=bert&preset=fig2`: BERT's view and picker, not the other tabs' `view` and `preset`."""
    restore = next(f for f in app_demo.fns.values() if getattr(f.fn, "__name__", "") == "restore")
    outputs = [app_demo.blocks[i] if isinstance(i, int) else i for i in restore.outputs]

    class Request:
        query_params = {"tab": "bert", "preset": "fig2"}

    values = restore.fn(Request())
    out = dict(zip(outputs, values))
    links = lecture.links_of(app_demo)
    for lk in links:
        got = out[lk.component]
        if lk.scope == "bert" and lk.key in ("view", "preset", "anat_a", "anat_b"):
            assert not isinstance(got, dict), lk.key  # set
        else:
            assert isinstance(got, dict) and got.get("__type__") == "update", (
                lk.scope,
                lk.key,
            )  # gr.skip()
    assert values[-1] == "bert"  # the tab whose views that draw on a click are drawn next
    Request.query_params = {"tab": "bert"}
    assert restore.fn(Request())[-1] is None  # nothing set: nothing to draw


def test_copy_link_takes_the_open_tabs_own_keys(app_demo):
    """Every paper tab links a `view` and a `preset`: the link of a tab carries that tab's values."""
    button = next(b for b in app_demo.blocks.values() if getattr(b, "elem_id", None) == "copy-link")
    fn = next(f for f in app_demo.fns.values() if (button._id, "click") in f.targets)
    values = []
    for lk in lecture.links_of(app_demo):
        mine = {
            ("resnet", "view"): "resnet-arch",
            ("resnet", "preset"): "table1",
            ("bert", "view"): "bert-nsp",
            ("bert", "preset"): "fig1_nsp",
            ("gan", "preset"): "fig3",
        }
        values.append(mine.get((lk.scope, lk.key)))
    url = fn.fn("http://127.0.0.1:7860/", "resnet", "en", *values)
    assert (url["value"] if isinstance(url, dict) else url.value) == (
        "http://127.0.0.1:7860/?tab=resnet&lang=en&preset=table1&view=resnet-arch"
    )


def test_bert_paper_check_has_table6():
    from demos import bert

    rows, _ = bert.paper_check("bert_small.eltec", "en")
    table6 = {r[0]: r for r in rows if r[0].startswith("Table 6")}
    assert list(table6) == [f"Table 6: L={L}, H={H}, A={A}" for L, H, A, _ in bert.TABLE6]
    assert table6["Table 6: L=3, H=768, A=12"][1:4] == ["45,691,392", "44,674,560", "—"]
    assert table6["Table 6: L=12, H=768, A=12"][1] == rows[0][1] == "109,482,240"  # = BERT-BASE
    assert table6["Table 6: L=24, H=1024, A=16"][3:5] == ["340 M", "-1.4%"]
    zh, _ = bert.paper_check("bert_small.eltec", "zh")
    assert "表 6：L=6, H=768, A=3" in [r[0] for r in zh]


def test_transformer_controls_keep_a_linked_layer_and_head():
    from demos import transformer as tf

    layer, head, _, _ = tf.controls(tf.DEFAULT_TEXT, tf.DEFAULT_WEIGHTS, 4, "en", 2, "3")
    assert (layer["value"] if isinstance(layer, dict) else layer.value) == 2
    assert (head["value"] if isinstance(head, dict) else head.value) == "3"
    layer, head, _, _ = tf.controls(tf.DEFAULT_TEXT, tf.DEFAULT_WEIGHTS, 4, "en", 9, "x")
    assert (
        layer["value"] if isinstance(layer, dict) else layer.value
    ) == 3  # the small model's last layer
    assert (head["value"] if isinstance(head, dict) else head.value) == tf.HEADS_MEAN


# --- In Chromium: every preset by deep link, in both languages -----------------------------------


def _figure(page, stem: str) -> None:
    """A figure rendered by demos.plots (a PNG whose file name starts with `stem`) is on screen."""
    page.locator(f"img[src*='{stem}-']").first.wait_for(state="visible")


def _resnet(page, name: str, lang: str) -> None:
    if name in ("fig1", "fig6"):
        _figure(page, "resnet-fig6")
        page.get_by_text(text("rn_check_plain56_train_error_above_plain20", lang)).wait_for()
    elif name == "fig4":
        _figure(page, "resnet-live")
        recorded = (
            text("rn_live_cached", lang).split("{seconds")[0].format(depth=56, steps=400).strip()
        )
        page.locator("#resnet-live-status").get_by_text(recorded).wait_for()  # 56 layers, 400 steps
    elif name == "fig7":
        _figure(page, "resnet-fig7")
        _figure(page, "resnet-grads")  # the gradient norms, drawn by the link
        page.get_by_text(text("rn_resp_md", lang).replace("**", "")[:10]).first.wait_for()
    elif name == "table1":
        _figure(page, "resnet-block")
        page.get_by_text(
            re.compile(r"25\.56 M")
        ).first.wait_for()  # ResNet-50's parameters, counted
        page.get_by_role("gridcell", name="conv2_x").first.wait_for()


def _transformer(page, name: str, lang: str) -> None:
    if name == "fig2":
        caption = (
            text("tf_kind_cross", lang)
            + " · "
            + text("tf_layer_head", lang).format(layer=3, head="mean")
        )
        page.locator("#transformer-attention-caption").get_by_text(caption).wait_for()
        page.locator("#transformer-heatmap table").wait_for()
        assert page.locator("#transformer-output textarea").input_value().strip()
    elif name == "table3":
        page.get_by_role("gridcell", name=text("tf_chk_base", lang)).wait_for()
        page.get_by_role("gridcell", name="213 M", exact=True).wait_for()
    elif name == "pe":
        _figure(page, "pe-table")
        _figure(page, "pe-curves")
        page.locator("#transformer-pe-md").get_by_text("PE(pos+5) = M_5").first.wait_for()


def _gan(page, name: str, lang: str) -> None:
    if name == "fig1":
        status = page.locator("#gan-1d-status")
        status.get_by_text(text("gan_1d_cached", lang).split("{")[0].strip()).wait_for(
            timeout=90_000
        )
        status.get_by_text(re.compile("1000")).wait_for()
    elif name == "fig2":
        drawn = text("gan_samples_md", lang).split("{")[0].replace("**", "") + "0–63"
        page.locator("#gan-samples-md").get_by_text(drawn).wait_for()
        page.locator("#gan-grid img").wait_for()
    elif name == "fig3":
        from demos.gan import SEED_A, SEED_B

        md = text("gan_interp_md", lang).split("{steps}")[0].format(a=SEED_A, b=SEED_B).strip()
        page.locator("#gan-interp-md").get_by_text(md).wait_for()


def _bert(page, name: str, lang: str) -> None:
    if name == "fig1_mlm":
        page.locator("#bert-masked span").first.wait_for()
        page.get_by_text(text("bert_kind_1", lang)).first.wait_for()
    elif name == "fig1_nsp":
        page.locator("#bert-nsp-label").get_by_text(
            re.compile(f"{text('bert_isnext', lang)}|{text('bert_notnext', lang)}")
        ).first.wait_for()
    elif name == "fig2":
        page.locator("#bert-fig2").get_by_text("[CLS]").first.wait_for()
        page.locator("#bert-fig2").get_by_text(text("bert_row_segment", lang)).wait_for()
    elif name == "table6":
        page.get_by_role(
            "gridcell", name=text("bert_table6_row", lang).format(L=6, H=768, A=3)
        ).wait_for()
        page.get_by_role("gridcell", name="45,691,392").first.wait_for()


CHECKS = {"resnet": _resnet, "transformer": _transformer, "gan": _gan, "bert": _bert}


@pytest.mark.browser
def test_every_preset_opens_by_deep_link_in_chromium(app_server, browser):
    from playwright.sync_api import expect

    from tests.test_lecture import WAIT, has_value, selected

    figures = {tab: importlib.import_module(f"demos.{tab}").FIGURES for tab in EXPECTED}
    t0, opened, took = time.monotonic(), 0, []
    pages = {}  # one page per language, each in its own context: the two load side by side
    for lang in ("en", "zh"):
        context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        pages[lang] = context.new_page()
        pages[lang].set_default_timeout(WAIT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for tab, presets in EXPECTED.items():
        for name, (view, view_label) in presets.items():
            t1 = time.monotonic()
            for lang, page in pages.items():  # start both loads, then check each page
                page.goto(
                    f"{app_server.url}/?tab={tab}&lang={lang}&preset={name}", wait_until="commit"
                )
            for lang, page in pages.items():
                selected(page.get_by_role("tab", name=text(view_label, lang), exact=True))
                label = text(figures[tab][name].label, lang)
                expect(page.get_by_role("radio", name=label, exact=True)).to_be_checked(
                    timeout=WAIT
                )
                CHECKS[tab](page, name, lang)
                assert "Traceback" not in page.inner_text("body")
                opened += 1
            took.append((round(time.monotonic() - t1, 1), f"{tab}/{name}"))
    for lang, page in pages.items():
        page.screenshot(
            path=str(ARTIFACTS / f"presets_bert_table6_{lang}.png"), animations="disabled"
        )
    page = pages["en"]

    # A value the link gives itself wins over the preset's.
    page.goto(f"{app_server.url}/?tab=resnet&lang=en&preset=fig4&depth=20")
    selected(page.get_by_role("tab", name=text("rn_sub_live", "en"), exact=True))
    expect(page.get_by_role("radio", name=text("rn_fig4", "en"), exact=True)).to_be_checked(
        timeout=WAIT
    )
    has_value(page.get_by_label(text("rn_depth", "en")).first, "20")

    # One click on the picker: the figure's sub-tab opens, and "copy link" names the preset.
    page.goto(f"{app_server.url}/?tab=resnet&lang=en")
    page.get_by_role("radio", name=text("rn_table1", "en"), exact=True).click()
    selected(page.get_by_role("tab", name=text("rn_sub_arch", "en"), exact=True))
    _resnet(page, "table1", "en")
    page.get_by_role("button", name="Copy link to this view").click()
    box = page.locator("#view-link textarea")
    has_value(box, re.compile(r"preset=table1"))
    params = dict(parse_qsl(urlsplit(box.input_value()).query))
    assert (
        params["tab"] == "resnet"
        and params["preset"] == "table1"
        and params["view"] == "resnet-arch"
    )
    assert params["arch"] == "resnet50"
    elapsed = time.monotonic() - t0
    print(
        f"{opened} preset links opened and checked in {elapsed:.0f} s; slowest pairs: {sorted(took)[::-1][:5]}"
    )
    assert opened == 2 * sum(len(v) for v in EXPECTED.values())
    assert elapsed < within(
        150
    )  # ~2 minutes on a quiet machine; 250-300 s while other test runs share the two cores
