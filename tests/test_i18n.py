"""Both languages everywhere (#8), one at a time (#19.12): no registered English string is left on the
Chinese page (and no Chinese one on the English page), with every tab and sub-tab opened in Chromium;
the page is in the language the URL asks for, whatever the browser's (#16.3); the language switch
keeps the view (#19.13); no emoji that a font without emoji shows as an empty box (#19.15); and
"Predict, then reveal" answers in the page's language."""

from __future__ import annotations

import ast
import re
import string
import time

import pytest

from demos import bert, gan, home, lecture, quiz, resnet, transformer  # noqa: F401  (they register their strings)
from demos.i18n import EN, LANGUAGES, ZH
from tests._timing import within
from tests.conftest import ARTIFACTS, ROOT

TOP = ["tab_home", "tab_resnet", "tab_transformer", "tab_gan", "tab_bert", "tab_classroom"]
SUB = {
    "tab_resnet": "rn_sub_",
    "tab_transformer": "tf_sub_",
    "tab_gan": "gan_sub_",
    "tab_bert": "bert_sub_",
}
LETTERS = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u3400-\u9fff]")
MAX_SHORT = 40  # a label, a button, a sub-tab, a column: checked whole
LANGUAGE_NAMES = set(LANGUAGES)  # the language switch shows "English" and "中文" in both languages


def _fields(s: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(s) if name is not None}


def test_both_languages_fill_the_same_placeholders():
    """A Chinese string that drops or renames a {placeholder} would fail only when its callback runs."""
    assert [k for k in EN if _fields(EN[k]) != _fields(ZH[k])] == []


def _plain(s: str) -> str:
    """Markdown source -> the text the page shows for it (emphasis, heading and list marks dropped)."""
    s = re.sub(r"^\s*(#+|[-*]|\d+\.)\s+", "", s.strip())
    return " ".join(s.replace("**", "").replace("*", "").replace("`", "").split())


def visible_forms(s: str) -> list[str]:
    """The parts of a registered string that the page shows verbatim: a short string whole; of a
    longer text its headings and the first words of its first paragraph (of a template filled in by
    a callback, the words before its first {field})."""
    lines = [ln for ln in s.splitlines() if ln.strip()]
    if "{" not in s and len(lines) == 1 and len(_plain(s)) <= MAX_SHORT:
        return [_plain(s)]
    forms = [_plain(ln) for ln in lines if ln.lstrip().startswith("#") and "{" not in ln]
    body = next((ln for ln in lines if not ln.lstrip().startswith(("#", "|", "<"))), "").split("{")[
        0
    ]
    words = _plain(body)[: MAX_SHORT + 1]
    if CJK.search(words):  # no spaces between Chinese words: any 24 characters in a row
        words = words[:24]
    elif len(_plain(body)) > MAX_SHORT:
        words = words.rsplit(" ", 1)[0]
    words = words.rstrip(" :(（：")
    if len(words) >= (6 if CJK.search(words) else 12) and not re.search(r"[\[\]$\\|<>]", words):
        forms.append(words)
    return forms


def leaks(shown: str, lang: str) -> list[tuple[str, str]]:
    """(key, text) of every string of the other language that the page shows. A form of one or two
    words (a label, a button, a column) counts only as a whole line or cell of the page's text, so that
    "model" in a sentence or "Attention" in "Self-Attention" is not taken for a label."""
    pieces = [" ".join(c.split()) for c in re.split(r"[\n\t]", shown)]  # lines and table cells
    pieces = [c for c in pieces if c]
    cells, page = set(pieces), " ".join(pieces)
    if lang == "zh":
        found = []
        for key in EN:
            if EN[key] == ZH[key]:
                continue
            for form in visible_forms(EN[key]):
                if (
                    not LETTERS.search(form) or form in ZH[key] or form in LANGUAGE_NAMES
                ):  # names stay
                    continue
                if (
                    form in cells
                    if len(form.split()) <= 2
                    else re.search(rf"(?<![A-Za-z]){re.escape(form)}(?![A-Za-z])", page)
                ):
                    found.append((key, form))
        return found
    return [
        (key, form)
        for key in ZH
        if EN[key] != ZH[key]
        for form in visible_forms(ZH[key])
        if CJK.search(form) and form not in LANGUAGE_NAMES and form in page
    ]


def test_the_forms_checked_are_the_ones_a_page_shows():
    assert visible_forms(EN["rn_run"]) == ["Run"]
    assert visible_forms(EN["weights_md"])[0] == "Weights"
    assert "What is this?" in visible_forms(EN["home_md"])
    assert visible_forms(EN["rn_live_done"]) == []  # a template: filled in by a callback
    assert visible_forms(EN["quiz_title"]) == ["Predict, then reveal"]
    assert ("rn_sub_live", "Run it yourself") in leaks("首页\nRun it yourself\n为什么有效", "zh")
    assert leaks("Running models", "zh") == []  # a word inside another word is not the label
    assert {f for _, f in leaks("the model\tpaper\nSelf-Attention", "zh")} == {
        "paper"
    }  # a cell, not a word
    assert leaks("English 中文", "zh") == leaks("English 中文", "en") == []  # the language switch
    assert ("gan_preset_collapse", "模式坍塌") in leaks(
        "mode collapse · 模式坍塌", "en"
    )  # one language a page
    assert ("quiz_title", "先预测，再揭晓") in leaks("先预测，再揭晓", "en")


# --- One language a page (#19.12) ---------------------------------------------------------------


def _plain_strings(x, where: str):
    """(where, string) of every plain string in a component's config (translation keys left out):
    gradio shows a plain string as it is, whatever the page's language."""
    if isinstance(x, str):
        if "__i18n__" not in x:
            yield where, x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from _plain_strings(v, f"{where}.{k}")
    elif isinstance(x, (list, tuple)):
        for i, v in enumerate(x):
            yield from _plain_strings(v, f"{where}[{i}]")


def test_the_english_page_is_built_without_chinese():
    """The English page shows the English strings and the config's plain strings (labels, radio
    choices, table headers): no Chinese in either (no "mode collapse · 模式坍塌"), but the language
    switch's "中文". A table's Chinese headers are the ones EARLY_JS sets."""
    import app

    assert [k for k, v in EN.items() if CJK.search(v)] == []
    components = app.demo.get_config_file()["components"]
    chinese = [
        (where, s)
        for c in components
        for where, s in _plain_strings(c.get("props", {}), f"{c['type']}#{c['id']}")
        if CJK.search(s) and s not in LANGUAGE_NAMES
    ]
    assert chinese == []
    from demos.i18n import COLUMNS_ZH

    headers = {h for c in components if c["type"] == "dataframe" for h in c["props"]["headers"]}
    assert headers and headers <= set(COLUMNS_ZH)  # every table's headers have their Chinese form
    assert {COLUMNS_ZH[h] for h in headers} & set(ZH.values()) == {COLUMNS_ZH[h] for h in headers}


def test_every_event_that_fills_a_table_knows_the_pages_language():
    """A table's headers come with its rows: an event that fills one without the page's language
    sends the English headers (the component's), also to a Chinese page (`with_columns`)."""
    import gradio as gr

    import app

    switch = next(
        b for b in app.demo.blocks.values() if getattr(b, "elem_id", None) == "language-switch"
    )
    blind = [
        fn.api_name or fn.name
        for fn in app.demo.fns.values()
        if fn.fn is not None
        and switch not in fn.inputs
        and any(isinstance(o, gr.Dataframe) for o in fn.outputs)
    ]
    assert blind == []


# --- Glyphs that every font has (#19.15) ---------------------------------------------------------

# Characters drawn as emoji by default (Unicode's Emoji_Presentation, in the BMP), the emoji variation
# selector, and the emoji planes. Where no emoji font is installed they are empty boxes.
EMOJI = re.compile(
    "[\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1"
    "\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a"
    "\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\ufe0f"
    "\U0001f000-\U0001faff]"
)
CJK_FONT = re.compile(
    "[\u2e80-\u2fff\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]"
)  # the CJK font draws these


def ui_strings() -> list[tuple[str, str]]:
    """(where, string) of every string the UI can show: both string tables, and every string
    literal in app.py and demos/ (the rest of what a callback composes)."""
    out = [(f"EN[{k}]", v) for k, v in EN.items()] + [(f"ZH[{k}]", v) for k, v in ZH.items()]
    for path in [ROOT / "app.py", *sorted((ROOT / "demos").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.append((f"{path.name}:{node.lineno}", node.value))
    return out


def test_no_emoji_in_what_the_ui_shows():
    """✅ and ❌ are emoji: an empty box in a browser without an emoji font (Debian's Chromium, many
    lecture-hall PCs). Marks are ✓ ✗ ⚠, and every character but the CJK ones has a glyph in DejaVu
    Sans, the fallback font of Linux browsers and matplotlib."""
    import matplotlib
    from fontTools.ttLib import TTFont

    strings = ui_strings()
    assert len(strings) > 1000
    assert [(where, ch) for where, s in strings for ch in EMOJI.findall(s)] == []
    dejavu = TTFont(f"{matplotlib.get_data_path()}/fonts/ttf/DejaVuSans.ttf").getBestCmap()
    missing = {
        (where, ch)
        for where, s in strings
        for ch in s
        if ord(ch) > 0x7F and not CJK_FONT.match(ch) and ord(ch) not in dejavu
    }
    assert missing == set()
    assert EMOJI.findall("✅ ❌ 😀 ⚠️ ✓ ✗ ⚠ → ·") == [
        "✅",
        "❌",
        "😀",
        "\ufe0f",
    ]  # the pattern itself


# --- In Chromium --------------------------------------------------------------------------------


WAIT = 30_000  # ms


def settled_text(page, quiet_ms: int = 250, cap_s: float = 2.0) -> str:
    """The page's visible text once it stops changing (callbacks fill markdown in after a click)."""
    last, t0 = page.inner_text("body"), time.monotonic()
    while time.monotonic() - t0 < cap_s:
        page.wait_for_timeout(quiet_ms)
        now = page.inner_text("body")
        if now == last:
            break
        last = now
    return last


def open_tab(page, label: str) -> None:
    """Click a tab by its label; gradio moves tabs that do not fit into a "More tabs" menu."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    tab = page.get_by_role("tab", name=label, exact=True).first
    try:
        tab.wait_for(state="visible", timeout=10_000)  # a sub-tab's button renders with its tab
    except PlaywrightTimeout:
        page.locator(".overflow-menu > button:visible").first.click()
        page.locator(".overflow-dropdown button:visible", has_text=label).first.click()
        return
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true", timeout=WAIT)


def visit_everything(page, url: str, lang: str, cap_s: float) -> list[str]:
    """Open the page in `lang`, then every top-level tab and every sub-tab; the visible text of each
    (a tab opens on its first sub-tab: one look covers both)."""
    table = ZH if lang == "zh" else EN
    page.goto(f"{url}/?lang={lang}")
    page.get_by_role("heading", name=_plain(table["home_md"].splitlines()[0])).wait_for()
    texts = []
    for top in TOP:
        open_tab(page, table[top])
        texts.append(settled_text(page, cap_s=cap_s))
        subs = [k for k in table if k.startswith(SUB.get(top, "-"))]
        # every sub-tab the page shows is one of the registered ones (a new one would go unchecked)
        assert page.get_by_role("tab").count() == len(TOP) + len(subs), (top, subs)
        for key in subs[1:]:
            open_tab(page, table[key])
            texts.append(settled_text(page, cap_s=cap_s))
    return texts


@pytest.mark.browser
def test_no_untranslated_string_on_any_tab(app_server, browser):

    t0 = time.monotonic()
    found = {}
    for lang, locale in (("zh", "en-US"), ("en", "zh-CN")):  # a browser in the other language
        page = browser.new_context(
            locale=locale, viewport={"width": 1920, "height": 1080}
        ).new_page()
        page.set_default_timeout(WAIT)
        # Chinese first, waiting for the callbacks' text; English as a check of the labels.
        texts = visit_everything(page, app_server.url, lang, cap_s=2.0 if lang == "zh" else 0.8)
        found[lang] = sorted({leak for shown in texts for leak in leaks(shown, lang)})
        if lang == "en":  # no Chinese at all on the English page, but the switch's "中文"
            found["en"] += sorted(
                {
                    line
                    for shown in texts
                    for line in re.split(r"[\n\t]", shown)
                    if CJK.search(line) and line.strip() not in LANGUAGE_NAMES
                }
            )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"i18n_last_tab_{lang}.png"), animations="disabled")
        assert all("Traceback" not in shown for shown in texts)
        page.context.close()
    assert found == {"zh": [], "en": []}, found
    assert time.monotonic() - t0 < within(150)


@pytest.mark.browser
def test_predict_then_reveal_in_chromium(app_server, browser):
    from playwright.sync_api import expect

    runs = resnet._read_json(resnet.CURVES)["runs"]
    p56 = f"{runs['plain56']['train_error'][-1]:.1f}%"
    page = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(WAIT)
    page.goto(f"{app_server.url}/?tab=resnet&lang=en")
    box = page.locator("#resnet-quiz")
    result = page.locator("#resnet-quiz-result")
    expect(box.get_by_text(EN["quiz_rn_q"])).to_be_visible()
    page.locator("#resnet-quiz-reveal").click()  # nothing picked yet
    expect(result).to_contain_text("Pick an answer first")
    box.get_by_label("plain-56").check()
    expect(result).not_to_contain_text("Pick an answer first")  # a new guess hides the old answer
    page.locator("#resnet-quiz-reveal").click()
    expect(result).to_contain_text("Right")
    expect(result).to_contain_text(p56)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "quiz_resnet_en.png"), animations="disabled")

    # In Chinese, a wrong guess on the BERT tab: the model's own top-5 with probabilities.
    page.goto(f"{app_server.url}/?tab=bert&lang=zh")
    box = page.locator("#bert-quiz")
    box.get_by_label(ZH["quiz_bert_the"]).check()  # the shipped model answers "door"
    expect(page.locator("#bert-quiz-reveal")).to_have_text(ZH["quiz_reveal"])
    page.locator("#bert-quiz-reveal").click()
    result = page.locator("#bert-quiz-result")
    expect(result).to_contain_text("这次没猜中")
    expect(result).to_contain_text("前 5 名")
    expect(result).to_contain_text("door #")
    page.screenshot(path=str(ARTIFACTS / "quiz_bert_zh.png"), animations="disabled")
    assert "Traceback" not in page.inner_text("body")


# --- The language asked for, not the browser's (#16.3); the switch keeps the view (#19.13) -------

PAPER_TABS = ["resnet", "transformer", "gan", "bert"]


def test_the_page_sets_its_language_before_gradio_starts(app_server):
    """EARLY_JS is in the HTML page, after gradio's config and before gradio's bundle runs."""
    import httpx

    page = httpx.get(app_server.url + "/?lang=zh", timeout=10).text
    head = page[: page.index("</head>")]
    assert head.index("window.gradio_config") < head.index("window.paperGalleryLang = lang")
    assert 'Object.defineProperty(navigator, "language"' in head
    assert '"top-1 err.": "top-1 错误率"' in head  # the Chinese headers of the tables


@pytest.mark.browser
@pytest.mark.parametrize("locale, lang", [("en-US", "zh"), ("zh-CN", "en")])
def test_a_cold_page_is_in_the_language_of_its_url(app_server, browser, locale, lang):
    """A browser in one language opens each paper tab's link in the other: every tab and sub-tab
    label, and every table's headers, are in the language of the URL."""
    from playwright.sync_api import expect

    table = ZH if lang == "zh" else EN
    seen, headers = {}, set()
    for tab in PAPER_TABS:
        page = browser.new_context(
            locale=locale, viewport={"width": 1920, "height": 1080}
        ).new_page()
        page.goto(f"{app_server.url}/?tab={tab}&lang={lang}")
        expected = [table[k] for k in TOP] + [
            table[k] for k in table if k.startswith(SUB[f"tab_{tab}"])
        ]
        expect(page.get_by_role("tab", selected=True).first).to_have_text(
            table[f"tab_{tab}"], timeout=WAIT
        )
        expect(page.get_by_role("tab")).to_have_text(expected, timeout=10_000)
        seen[tab] = page.get_by_role("tab").all_inner_texts()
        headers |= set(
            page.evaluate("""() => window.gradio_config.components
            .filter((c) => c.type === "dataframe").flatMap((c) => c.props.headers)""")
        )
        assert page.evaluate("document.documentElement.lang").startswith(lang)
        page.context.close()
    if lang == "en":
        assert [label for labels in seen.values() for label in labels if CJK.search(label)] == []
    assert headers and headers <= set(
        table.values()
    )  # each header is a string of the language asked


@pytest.mark.browser
def test_the_language_switch_keeps_the_view(app_server, browser):
    """A lecturer on a sub-tab that is not the first switches the language: the page comes back in
    the other language on the same tab and sub-tab, with the linked values set (as a copied link)."""
    from playwright.sync_api import expect

    page = browser.new_context(locale="en-US", viewport={"width": 1920, "height": 1080}).new_page()
    page.set_default_timeout(WAIT)
    page.goto(f"{app_server.url}/?lang=en")
    open_tab(page, EN["tab_resnet"])
    open_tab(page, EN["rn_sub_live"])
    page.get_by_label("中文").check()
    page.wait_for_url(re.compile(r"[?&]lang=zh"))
    expect(page.get_by_role("tab", name=ZH["tab_resnet"], exact=True)).to_have_attribute(
        "aria-selected", "true", timeout=WAIT
    )
    expect(page.get_by_role("tab", name=ZH["rn_sub_live"], exact=True)).to_have_attribute(
        "aria-selected", "true", timeout=WAIT
    )

    # And back, from the GAN tab's 2-D game with the "cover the modes" preset picked (a linked value).
    open_tab(page, ZH["tab_gan"])
    open_tab(page, ZH["gan_sub_2d"])
    page.get_by_role("radio", name=ZH["gan_preset_cover"], exact=True).check()
    page.get_by_label("English").check()
    page.wait_for_url(re.compile(r"[?&]lang=en"))
    expect(page.get_by_role("tab", name=EN["tab_gan"], exact=True)).to_have_attribute(
        "aria-selected", "true", timeout=WAIT
    )
    expect(page.get_by_role("tab", name=EN["gan_sub_2d"], exact=True)).to_have_attribute(
        "aria-selected", "true", timeout=WAIT
    )
    expect(page.get_by_role("radio", name=EN["gan_preset_cover"], exact=True)).to_be_checked(
        timeout=WAIT
    )
    assert "game2d=cover" in page.url and "Traceback" not in page.inner_text("body")
