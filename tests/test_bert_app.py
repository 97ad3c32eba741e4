"""The BERT tab as a user's program sees it (gradio_client), and once in a real browser."""

from __future__ import annotations

import re

import gradio as gr
import PIL.Image
import pytest
import torch

from models import bert as B
from models import hub
from tests.conftest import ARTIFACTS

# Every named endpoint the BERT tab exposes (tests/test_app.py checks the union against the app).
ENDPOINTS = {
    "/bert_fill_mask",
    "/bert_anatomy",
    "/bert_masking",
    "/bert_nsp",
    "/bert_head_view",
    "/bert_model_view",
    "/bert_enlarge",
    "/bert_paper_check",
}
W = "bert_small.eltec"


@pytest.fixture(scope="module")
def direct():
    """The embedded model and tokenizer, called directly: what the endpoints must agree with."""
    loaded = hub.get(W)
    return loaded.model, B.load_tokenizer(loaded.folder)


def test_fill_mask_endpoint_matches_the_model(client, direct):
    model, tok = direct
    sentence = "She opened the [MASK] and walked into the [MASK]."
    html, md, preds = client.predict(sentence, 5, W, "en", api_name="/bert_fill_mask")
    ref = B.fill_mask(model, tok, sentence, top_k=5)
    assert [p["position"] for p in preds] == [p.position for p in ref.predictions]
    for got, want in zip(preds, ref.predictions):
        assert [c["token"] for c in got["candidates"]] == want.tokens
        assert [c["prob"] for c in got["candidates"]] == pytest.approx(want.probs, abs=1e-4)
    assert "2 mask(s)" in md and "independently" in md and "shipped with the app" in md
    assert html.count("<table") == 2 and ref.predictions[0].tokens[0] in html
    # [mask] spelt in lower case counts too; Chinese UI strings
    _, md, preds = client.predict("the [mask] was bright", 3, W, "zh", api_name="/bert_fill_mask")
    assert len(preds) == 1 and len(preds[0]["candidates"]) == 3 and "共 1 个掩码" in md


def test_ten_masks_give_ten_answers(client):
    _, md, preds = client.predict("[MASK] " * 10, 2, W, "en", api_name="/bert_fill_mask")
    assert len(preds) == 10 and [p["position"] for p in preds] == list(range(1, 11))


def test_anatomy_endpoint_draws_fig2_from_the_real_input(client, direct):
    _, tok = direct
    html, table, md = client.predict(
        "The cat sat.", "It purred.", W, "en", api_name="/bert_anatomy"
    )
    enc = tok.encode("The cat sat.", "It purred.")
    rows = table["data"]
    assert [r[1] for r in rows] == enc.tokens and [r[2] for r in rows] == enc.ids
    assert [r[3] for r in rows] == enc.type_ids and rows[0][1] == "[CLS]" and rows[-1][1] == "[SEP]"
    assert rows[-1][3] == 1 and rows[0][3] == 0 and [r[0] for r in rows] == list(range(len(rows)))
    assert (
        html.count("E<sub>B</sub>") == enc.type_ids.count(1)
        and f"E<sub>{len(rows) - 1}</sub>" in html
    )


def test_masking_endpoint_corrupts_15_percent_and_scores_recovery(client, direct):
    model, tok = direct
    sentence = (
        "The old man walked slowly down the long road towards the village church on a cold morning."
    )
    html, table, md = client.predict(sentence, 7, W, "en", api_name="/bert_masking")
    enc = tok.encode(sentence)
    n_real = len(enc.ids) - 2
    rows = table["data"]
    assert len(rows) == round(0.15 * n_real)
    for pos, orig, kind, shown, guess, ok in rows:
        assert enc.tokens[pos] == orig
        assert (shown == "[MASK]") == kind.startswith("[MASK]")
        assert (ok == "✓") == (guess == orig)
    right = sum(r[5] == "✓" for r in rows)
    assert f"{len(rows)} of {n_real} tokens chosen" in md and f"**{right} of {len(rows)}**" in md
    # the same seed draws the same corruption
    assert client.predict(sentence, 7, W, "en", api_name="/bert_masking")[1]["data"] == rows


def test_nsp_endpoint_matches_the_model(client, direct):
    model, tok = direct
    a, b = "The ship left the harbour at dawn.", "By noon the coast was out of sight."
    label, md = client.predict(a, b, W, "en", api_name="/bert_nsp")
    enc = tok.encode(a, b)
    with torch.no_grad():
        p = (
            model(torch.tensor([enc.ids]), torch.tensor([enc.type_ids]))
            .nsp_logits[0]
            .softmax(-1)[0]
            .item()
        )
    got = {c["label"]: c["confidence"] for c in label["confidences"]}
    assert got["IsNext"] == pytest.approx(p, abs=1e-4) and got["NotNext"] == pytest.approx(
        1 - p, abs=1e-4
    )
    assert f"{100 * p:.1f}%" in md


def test_attention_endpoints(client, direct):
    model, tok = direct
    a, b = "The cat sat on the mat.", "It was happy."
    enc = tok.encode(a, b)
    T = len(enc.ids)
    with torch.no_grad():
        maps = model(
            torch.tensor([enc.ids]), torch.tensor([enc.type_ids]), return_attention=True
        ).attentions
    # head view: one line per (query, key) above 0.03, each with a tooltip holding its weight
    svg, md = client.predict(a, b, 2, "1", "all", W, "en", api_name="/bert_head_view")
    w = maps[1][0, 0]
    assert svg.count("<line") == int((w >= 0.03).sum())
    assert svg.count("<text") == 2 * T and "Layer 2 of 4, 4 heads" in md
    # pick a token: only its lines, and the top keys named
    svg, md = client.predict(
        a, b, 2, "1", f"3: {enc.tokens[3]}", W, "en", api_name="/bert_head_view"
    )
    assert svg.count("<line") == int((w[3] >= 0.03).sum())
    top = int(w[3].argmax())
    assert f"`{enc.tokens[top]}` ({top}) {100 * w[3, top]:.0f}%" in md
    # model view: L x A thumbnails in one PNG, and the [CLS]/[SEP] share reported
    image, md, png = client.predict(a, b, W, "en", api_name="/bert_model_view")
    with PIL.Image.open(png) as im:
        assert im.format == "PNG" and im.width > 300
    assert f"4 layers × 4 heads over {T} tokens" in md and re.search(r"\*\*\d+ of 16 heads\*\*", md)
    # enlarged head: a T x T table, rows = queries, values on hover
    html, png, _ = client.predict(a, b, 3, "2", W, "en", api_name="/bert_enlarge")
    assert html.count("<td title=") == T * T
    q, k = 1, 4
    assert (
        f'title="{enc.tokens[q]} → {enc.tokens[k]}: {maps[2][0, 1, q, k]:.4f}"' in html
    )  # demos/html.heatmap
    with PIL.Image.open(png) as im:
        assert im.format == "PNG"


def test_paper_check_endpoint(client):
    rows, md = client.predict(W, "en", api_name="/bert_paper_check")
    data = rows["data"]
    assert data[0][1] == "109,482,240" and data[1][1] == "335,141,888"
    assert data[0][3] == "110 M" and data[1][3] == "340 M"
    m = re.search(
        r"chosen (\d+\.\d+)% of real tokens.*\[MASK\] (\d+\.\d)%.*random (\d+\.\d)%.*unchanged (\d+\.\d)%",
        md,
    )
    assert m and abs(float(m[1]) - 15) < 0.3 and abs(float(m[2]) - 80) < 1.5
    assert abs(float(m[3]) - 10) < 1 and abs(float(m[4]) - 10) < 1
    assert "held-out novels" in md and "MLM top-1 **38.5%** ✓ (target ≥ 35%)" in md
    assert "NSP **79.0%** ✗ (target ≥ 80%)" in md and "2 CPU thread(s)" in md


@pytest.mark.parametrize(
    "args, message",
    [
        (("", 5), "type a sentence"),
        (("   ", 5), "type a sentence"),
        (("There is nothing hidden here.", 5), "no \\[MASK\\]"),
        (("word " * 600 + "[MASK]", 5), "at most 128"),
        (("x" * 20_001, 5), "limit is 20,000"),
        (("😀😀😀", 5), "no \\[MASK\\]"),
        (("The [MASK] sat.", 500), "greater than maximum|Top-k must be"),
    ],
)
def test_fill_mask_bad_input_is_a_clear_message(client, args, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message):
        client.predict(*args, W, "en", api_name="/bert_fill_mask")


def test_odd_input_gives_a_correct_result_and_the_server_keeps_serving(client):
    from gradio_client.exceptions import AppError

    # emoji and unknown characters become [UNK], the mask is still answered
    _, md, preds = client.predict(
        "😀 the [MASK] ☃ was here", 3, W, "en", api_name="/bert_fill_mask"
    )
    assert len(preds) == 1
    with pytest.raises(AppError, match="every piece became \\[UNK\\]"):
        client.predict("😀😀", "☃☃", W, "en", api_name="/bert_anatomy")
    with pytest.raises(AppError, match="sentence B too"):
        client.predict("Only one.", "", W, "en", api_name="/bert_nsp")
    with pytest.raises(AppError, match="head must be"):
        client.predict("a b", "", 1, "99", "all", W, "en", api_name="/bert_head_view")
    with pytest.raises(AppError, match="Unknown weights|not in the list of choices|Value"):
        client.predict("a [MASK]", 3, "../../etc/passwd", "en", api_name="/bert_fill_mask")
    _, _, preds = client.predict("the [MASK] sat", 1, W, "en", api_name="/bert_fill_mask")
    assert len(preds[0]["candidates"]) == 1


@pytest.mark.browser
def test_bert_tab_in_the_browser(app_server, browser):

    page = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    page.goto(app_server.url + "/")
    page.get_by_role("tab", name="BERT").click()
    page.get_by_role("button", name="Predict", exact=True).click()  # not "Predict, then reveal"
    page.locator("#bert-fill-md").get_by_text("Top-1 filled in").wait_for()
    assert page.locator("#bert-fill-out table").count() == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "bert_fill_en.png"), animations="disabled", full_page=True)
    # no [MASK]: a message in the page, not a stack trace
    page.locator("#bert-fill-text textarea").fill("Nothing is hidden here.")
    page.get_by_role("button", name="Predict", exact=True).click()  # not "Predict, then reveal"
    page.get_by_text("There is no [MASK] in the sentence").first.wait_for()
    # attention: head view lines and the model view image
    page.get_by_role("tab", name="Attention").click()
    page.get_by_role("button", name="Show attention").click()
    page.locator("#bert-head-view svg line").first.wait_for(state="attached")
    page.locator("#bert-model-view img").wait_for()
    page.locator("#bert-enlarged td[title]").first.wait_for(state="attached")
    page.screenshot(
        path=str(ARTIFACTS / "bert_attention_en.png"), animations="disabled", full_page=True
    )
    assert "Traceback" not in page.inner_text("body")


def test_model_view_click_finds_the_thumbnail_under_the_pointer():
    import numpy as np

    from demos.bert_attention import mv_cell
    from demos.plots import OKABE_ITO
    from demos.plots.bert import model_view_geometry, model_view_image

    for L, A in ((4, 4), (12, 12)):  # the embedded model and bert-base
        W, H, x0, y0, cw, ch = model_view_geometry(L, A)
        for li, hi in ((0, 0), (L - 1, A - 1), (1, 2)):
            assert mv_cell(L, A, x0 + (hi + 0.5) * cw, y0 + (li + 0.5) * ch) == (
                li + 1,
                str(hi + 1),
            )
        assert mv_cell(L, A, x0 / 2, y0 / 2)[0] == gr.update()  # the margin: nothing changes
    maps = np.random.default_rng(0).dirichlet(np.ones(5), size=(2, 3, 5))  # (L, A, T, T)
    flagged = np.zeros((2, 3), bool)
    flagged[1, 2] = True
    img = np.asarray(model_view_image(maps, flagged))
    W, H, x0, y0, cw, ch = model_view_geometry(2, 3)
    red = tuple(int(OKABE_ITO[3][i : i + 2], 16) for i in (1, 3, 5))
    side = int(min(cw, ch) * 0.92)

    def frame(li, hi):  # a pixel on the thumbnail's left frame, half-way down
        x, y = round(x0 + hi * cw + (cw - side) / 2), round(y0 + li * ch + (ch - side) / 2)
        return tuple(int(v) for v in img[y + side // 2, x - 1])

    assert img.shape[:2] == (H, W) and frame(1, 2) == red and frame(0, 0) != red


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_head_view_and_model_view_count_the_same_heads(direct, lang, monkeypatch):
    """#19: the head view used to print a head's number where it said a count ("…in this layer:
    4" beside the model view's "1 of 16 heads"). Both now state counts, measured here from the
    model's own maps: per layer in the head view, and the same total in both views."""
    from demos import bert_attention as BA

    model, tok = direct
    a, b = BA.ATTN_EXAMPLE
    enc = tok.encode(a, b)
    with torch.no_grad():
        maps = model(
            torch.tensor([enc.ids]), torch.tensor([enc.type_ids]), return_attention=True
        ).attentions
    special = torch.tensor([t in ("[CLS]", "[SEP]") for t in enc.tokens])
    # (L, A): share of each head's attention on [CLS]/[SEP], averaged over the queries
    share = torch.stack([m[0][..., special].sum(-1).mean(-1) for m in maps])
    # a threshold between the heads' shares, so that some heads are flagged and some not whatever
    # the weights (the shipped model's heads changed as it trained; the views read BA.SOAK)
    # (midway between two heads' shares: at a head's own share, rounding decides its side)
    ranked = share.flatten().sort().values
    soak = float(ranked[len(ranked) // 2 - 1] + ranked[len(ranked) // 2]) / 2
    monkeypatch.setattr(BA, "SOAK", soak)
    flagged = share > soak
    L, A = flagged.shape
    total = int(flagged.sum())
    assert 0 < total < L * A  # the example has some such heads, not all (else nothing is tested)
    _, model_md, _ = BA.model_view(a, b, W, lang)
    by_layer = ", ".join(str(int(n)) for n in flagged.sum(-1))
    if lang == "en":
        assert f"**{total} of {L * A} heads**" in model_md and by_layer in model_md
    else:
        assert f"**{L * A} 个头中有 {total} 个**" in model_md and by_layer in model_md
    for li in range(L):
        _, md = BA.head_view(a, b, li + 1, "all", "all", W, lang)
        n = int(flagged[li].sum())
        heads = [i + 1 for i in range(A) if flagged[li, i]]
        if lang == "en":
            assert f"In this layer **{n} of {A} heads**" in md
            assert f"in all {L} layers **{total} of {L * A} heads**" in md
            assert ("(" + ", ".join(f"head {h}" for h in heads) + ")" in md) == bool(heads)
        else:
            assert (
                f"本层 **{A} 个头中有 {n} 个**" in md and f"**{L * A} 个头中有 {total} 个**" in md
            )
