"""Every visible string in English and Chinese (gradio's `gr.I18n`), and the in-page language switch.

The page's language: the switch at the top of the page (it reloads the page with `?lang=` in the
URL, on the same view), else `?lang=en|zh` in the URL, else the language chosen last in this browser
(localStorage), else the browser's. It is decided once, in EARLY_JS, before gradio's frontend starts:
gradio takes its locale from `navigator.language` when it sets up its i18n, builds the page's tree
with it and fixes some labels (tab and sub-tab labels) at that moment. A script passed as
`launch(head=...)` runs too late for that: gradio adds it to the page from the config, after its
i18n is set up. So `EarlyScript`, a middleware given to the app through `launch(app_kwargs=...)`,
puts EARLY_JS into the HTML page itself, where it runs before gradio's bundle (a module script,
which runs once the page is parsed).
"""

from __future__ import annotations

import json

import gradio as gr
from gradio.context import get_blocks_context

EN: dict[str, str] = {
    "title_md": (
        "# Paper Gallery\n"
        "Play with four landmark deep-learning papers: ResNet, the Transformer, GAN and BERT."
    ),
    "language": "Language",
    "svg_button": "Export SVG",
    "svg_download": "⬇ Download SVG",
    "projector": "Projector: large text",
    "tab_home": "Home",
    "tab_resnet": "ResNet",
    "tab_transformer": "Transformer",
    "tab_gan": "GAN",
    "tab_bert": "BERT",
    "home_md": (
        "## What is this?\n"
        "Paper Gallery lets you *play* with four landmark papers instead of reading about them. "
        "Every tab runs the paper's own model (plain PyTorch, written to read like the paper), "
        "shows what the paper claims, and checks the claim against the model that is loaded.\n\n"
        "| Tab | Paper | Year |\n|---|---|---|\n"
        "| ResNet | He et al., *Deep Residual Learning for Image Recognition* (arXiv:1512.03385) | 2015 |\n"
        "| Transformer | Vaswani et al., *Attention Is All You Need* (arXiv:1706.03762) | 2017 |\n"
        "| GAN | Goodfellow et al., *Generative Adversarial Nets* (arXiv:1406.2661) | 2014 |\n"
        "| BERT | Devlin et al., *BERT: Pre-training of Deep Bidirectional Transformers* "
        "(arXiv:1810.04805) | 2018 |\n\n"
        "## How to use it in a lecture\n"
        "1. Open the tab of the paper you are teaching; switch the language at the top if your "
        "audience reads Chinese.\n"
        "2. Start from the paper's claim stated in the tab, then let the students predict the result "
        "before you run it.\n"
        "3. Everything runs on the small models shipped with the app, offline; when the Hugging Face Hub "
        "is reachable, the large published checkpoints can be chosen too.\n"
        "4. Numbers shown are measured on the loaded model, never copied from the paper; where they "
        "differ from the paper, the tab says why."
    ),
    "weights_md": (
        "## Weights\n"
        "Which checkpoints this app knows and where each would be loaded from right now "
        "(embedded folder → local Hugging Face cache → Hub download). Models load on the first use "
        "of their tab and are shared by everyone."
    ),
    "weights_table": "Checkpoints",
    "weights_refresh": "Check again",
    "hub_status": "Hugging Face Hub",
    # table columns (demos/i18n.py `both` / `with_columns`), shared by the tabs
    "col_weights": "weights",
    "col_repo": "repo",
    "col_source": "source",
    "col_quantity": "quantity",
    "col_paper": "paper",
    "col_ours": "ours",
    "col_gap": "gap",
    "col_why": "why",
    "col_network": "network",
    "col_model": "model",
    "col_stage": "stage",
    "col_output": "output",
    "col_blocks": "blocks",
    "col_channels": "channels",
    "col_top1": "top-1 err.",
    "col_top5": "top-5 err.",
    "col_layer_type": "layer type",
    "col_complexity": "complexity per layer",
    "col_sequential": "sequential ops",
    "col_path": "max path length",
    "col_n": "n",
    "col_sa_ms": "self-attention ms",
    "col_rnn_ms": "recurrent ms",
    "col_ratio": "ratio",
    "col_theory": "theory",
    "col_measured": "measured",
    "col_paper_theory": "paper / theory",
    "col_agrees": "agrees",
    "col_ok": "ok",
}

ZH: dict[str, str] = {
    "title_md": "# 论文画廊\n动手体验四篇里程碑式的深度学习论文：ResNet、Transformer、GAN 和 BERT。",
    "language": "语言",
    "svg_button": "导出 SVG",
    "svg_download": "⬇ 下载 SVG",
    "projector": "投影模式：大字号",
    "tab_home": "首页",
    "tab_resnet": "ResNet",
    "tab_transformer": "Transformer",
    "tab_gan": "GAN",
    "tab_bert": "BERT",
    "home_md": (
        "## 这是什么？\n"
        "论文画廊让你*动手玩*四篇里程碑式的论文，而不只是阅读它们。每个标签页都运行论文本身的模型"
        "（纯 PyTorch 实现，代码读起来就像论文），给出论文的结论，并用当前加载的模型加以验证。\n\n"
        "| 标签页 | 论文 | 年份 |\n|---|---|---|\n"
        "| ResNet | He 等，《Deep Residual Learning for Image Recognition》(arXiv:1512.03385) | 2015 |\n"
        "| Transformer | Vaswani 等，《Attention Is All You Need》(arXiv:1706.03762) | 2017 |\n"
        "| GAN | Goodfellow 等，《Generative Adversarial Nets》(arXiv:1406.2661) | 2014 |\n"
        "| BERT | Devlin 等，《BERT: Pre-training of Deep Bidirectional Transformers》"
        "(arXiv:1810.04805) | 2018 |\n\n"
        "## 如何在课堂上使用\n"
        "1. 打开你正在讲授的论文对应的标签页；可在页面顶部切换中英文。\n"
        "2. 先讲标签页里给出的论文结论，再请学生在运行之前预测结果。\n"
        "3. 所有内容都可以离线运行在应用自带的小模型上；能连上 Hugging Face Hub 时，还可以选用已发布的大模型。\n"
        "4. 页面上的数字都是在加载的模型上实测得到的，绝不照抄论文；与论文不符之处，标签页会说明原因。"
    ),
    "weights_md": (
        "## 权重\n"
        "本应用认识的检查点，以及此刻每个检查点会从哪里加载（内置文件夹 → 本地 Hugging Face 缓存 → "
        "从 Hub 下载）。模型在其标签页第一次使用时加载，所有用户共享。"
    ),
    "weights_table": "检查点",
    "weights_refresh": "重新检查",
    "hub_status": "Hugging Face Hub",
    "col_weights": "权重",
    "col_repo": "仓库",
    "col_source": "来源",
    "col_quantity": "量",
    "col_paper": "论文",
    "col_ours": "我们的",
    "col_gap": "差距",
    "col_why": "原因",
    "col_network": "网络",
    "col_model": "模型",
    "col_stage": "阶段",
    "col_output": "输出尺寸",
    "col_blocks": "模块数",
    "col_channels": "通道数",
    "col_top1": "top-1 错误率",
    "col_top5": "top-5 错误率",
    "col_layer_type": "层类型",
    "col_complexity": "每层复杂度",
    "col_sequential": "顺序操作数",
    "col_path": "最大路径长度",
    "col_n": "n",
    "col_sa_ms": "自注意力 ms",
    "col_rnn_ms": "循环层 ms",
    "col_ratio": "比值",
    "col_theory": "理论值",
    "col_measured": "实测值",
    "col_paper_theory": "论文 / 理论",
    "col_agrees": "一致",
    "col_ok": "正确",
}

I18N = gr.I18n(en=EN, zh=ZH)  # holds EN and ZH by reference: `register` extends both


def register(en: dict[str, str], zh: dict[str, str]) -> None:
    """Add a tab's strings; both languages must define the same keys, and no key twice."""
    assert en.keys() == zh.keys(), f"untranslated: {sorted(en.keys() ^ zh.keys())}"
    assert not en.keys() & EN.keys(), f"defined twice: {sorted(en.keys() & EN.keys())}"
    EN.update(en)
    ZH.update(zh)


def t(key: str) -> gr.i18n.I18nData:
    """A translation key the browser resolves in the chosen language (a typo fails at import)."""
    if key not in EN:
        raise KeyError(f"no string '{key}' in demos/i18n.py or a tab's register()")
    return I18N(key)


def text(key: str, lang: str = "en") -> str:
    """The string itself, for callbacks that compose text (they take the page's language)."""
    return (ZH if lang == "zh" else EN)[key]


LANGUAGES = {
    "English": "en",
    "中文": "zh",
}  # the switch's labels -> its values, which every callback takes


# A table's column headers: gradio does not translate a Dataframe's `headers` in the browser. A table
# is built with its English headers (what the API shows); EARLY_JS puts the Chinese ones in the
# page's config before gradio reads it, and the callback that fills a table sends the headers of the
# page's language with the rows (`with_columns`).
COLUMNS_ZH: dict[
    str, str
] = {}  # English header -> Chinese header, of every table built with columns()


def columns(keys: list[str]) -> list[str]:
    """A table's headers (keys of the string tables), in English; Chinese on a Chinese page."""
    for k in keys:
        if COLUMNS_ZH.setdefault(EN[k], ZH[k]) != ZH[k]:
            raise ValueError(
                f"header {EN[k]!r} has two Chinese forms: {COLUMNS_ZH[EN[k]]!r}, {ZH[k]!r}"
            )
    return [EN[k] for k in keys]


def with_columns(fn, headers: dict[int | None, list[str]]):
    """`fn` for an event: its table outputs go out with column headers in the page's language.

    `headers` maps the position of an output that is a list of rows (None: `fn` returns just the
    rows) to its header keys; the language is `fn`'s argument `lang` (the language switch's value, "en"
    or "zh", as every tab's callbacks take it). Generators stay generators (gradio streams them). The API's answer
    keeps its shape ({"headers", "data"}, the headers now in the page's language); `fn` itself, called
    directly, still returns rows."""
    import functools
    import inspect

    signature = inspect.signature(fn)

    def translate(out, args, kwargs):
        lang = signature.bind_partial(*args, **kwargs).arguments.get("lang", "en")
        if None in headers:
            return {"headers": [text(k, lang) for k in headers[None]], "data": out}
        out = list(out)
        for i, keys in headers.items():
            if isinstance(out[i], list):  # not gr.update() / None
                out[i] = {
                    "headers": [text(k, lang) for k in keys],
                    "data": out[i],
                }  # a Dataframe value
        return tuple(out)

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def streamed(*args, **kwargs):
            for out in fn(*args, **kwargs):
                yield translate(out, args, kwargs)

        return streamed

    @functools.wraps(fn)
    def called(*args, **kwargs):
        return translate(fn(*args, **kwargs), args, kwargs)

    return called


# Runs in the page's <head>, after gradio's config (window.gradio_config) and before gradio's bundle
# (a module script: it runs once the whole page is parsed). It decides the page's language and sets
# what gradio reads: `navigator.language` (gradio's i18n takes its locale from it, once, at start)
# and the config's table headers. gradio knows "zh-CN", not "zh": with zh-CN its own strings are
# Chinese too, and ours are found under "zh" (the locale's parent).
EARLY_JS = """(() => {
  const ok = (l) => l === "en" || l === "zh";
  let lang = new URLSearchParams(window.location.search).get("lang");
  try {
    if (ok(lang)) localStorage.setItem("paper-gallery-lang", lang);
    else lang = localStorage.getItem("paper-gallery-lang");
  } catch (e) {}
  if (!ok(lang)) lang = /^zh/i.test(navigator.language || "") ? "zh" : "en";
  window.paperGalleryLang = lang;
  const locale = lang === "zh" ? "zh-CN" : "en";
  try {
    Object.defineProperty(navigator, "language", { get: () => locale, configurable: true });
    Object.defineProperty(navigator, "languages", { get: () => [locale], configurable: true });
  } catch (e) {}
  document.documentElement.lang = locale;
  const names = lang === "zh" ? COLUMNS_ZH : null;
  const config = window.gradio_config;
  if (!names || !config || !Array.isArray(config.components)) return;
  const tr = (headers) => (Array.isArray(headers) ? headers.map((h) => names[h] ?? h) : headers);
  for (const c of config.components) {
    if (c.type !== "dataframe" || !c.props) continue;
    c.props.headers = tr(c.props.headers);
    if (c.props.value && typeof c.props.value === "object") c.props.value.headers = tr(c.props.value.headers);
  }
})();"""


def early_script() -> str:
    """EARLY_JS as a <script> element, with the Chinese headers of the tables built so far."""
    table = json.dumps(COLUMNS_ZH, ensure_ascii=False).replace("</", "<\\/")
    return "<script>" + EARLY_JS.replace("COLUMNS_ZH", table) + "</script>"


class EarlyScript:
    """ASGI middleware: puts `early_script()` into the app's HTML page, at the end of its <head>
    (after gradio's config, before its bundle runs). Other responses pass through untouched."""

    def __init__(self, app):
        self.app = app
        self.script: bytes | None = (
            None  # built on the first page: every tab has been built by then
        )

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        start: dict | None = None
        chunks: list[bytes] = []

        async def send_page(message):
            nonlocal start
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                if (
                    headers.get(b"content-type", b"").startswith(b"text/html")
                    and b"content-encoding" not in headers
                ):
                    start = message  # held back until the body is complete
                    return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = self.inject(b"".join(chunks))
                start["headers"] = [
                    (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
                ]
                start["headers"].append((b"content-length", str(len(body)).encode()))
                await send(start)
                return await send({"type": "http.response.body", "body": body})
            await send(message)

        await self.app(scope, receive, send_page)

    def inject(self, page: bytes) -> bytes:
        """The page with the script before </head>, if it is gradio's page (it holds the config)."""
        at = page.find(b"</head>")
        if at < 0 or b"window.gradio_config" not in page[:at]:
            return page
        if self.script is None:
            self.script = early_script().encode()
        return page[:at] + self.script + page[at:]


def app_kwargs() -> dict:
    """`launch(app_kwargs=...)`: the app serves its page with EARLY_JS (see the module's docstring)."""
    from starlette.middleware import Middleware

    return {"middleware": [Middleware(EarlyScript)]}


# The page's language, as the switch's value, for an event's `js` (it runs in the page)
PAGE_LANG_JS = "() => [window.paperGalleryLang === 'zh' ? 'zh' : 'en']"


def build_language_switch() -> gr.Radio:
    """A radio at the top of the page: English / 中文, its value "en" / "zh". Set to the page's language
    when the page loads; a click reloads the page in the other language on the same view
    (`lecture.attach`)."""
    switch = gr.Radio(
        list(LANGUAGES.items()),
        value=None,
        label=t("language"),
        elem_id="language-switch",
        container=False,
        scale=0,
        min_width=200,
    )
    config = get_blocks_context()
    if config is not None:
        config.root_block.load(None, None, switch, js=PAGE_LANG_JS, api_visibility="private")
    return switch
