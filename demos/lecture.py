"""Lecture mode: deep links. The URL names the tab and the state that matters; opening it restores them.

    ?tab=gan&lang=zh&seed=7        the GAN tab, in Chinese, with the sample grid drawn from seed 7

`tab` is the id of a top-level tab (home, resnet, transformer, gan, bert) and `lang` (en / zh) is read
by demos/i18n.py's EARLY_JS. The language switch at the top of the page opens the same link in the
other language, so that a lecturer keeps their place (tab, sub-tab, linked values) across a switch. Every other parameter belongs to one component that a tab registered
with `link()`. A "Copy link to this view" button at the top of the page writes the URL of what the user
sees (the tab they are on, the language, the linked values of that tab) into a text box and, when the
browser allows it, to the clipboard. Everything is per user: the open tab is tracked in the user's page.

A tab registers a component with one line in its `build_tab()`, after creating it:

    lecture.link("seed", seed)          # from demos import lecture

`link()` returns the component, so `seed = lecture.link("seed", gr.Number(...))` works too. Supported:
gr.Number and gr.Slider (int when `precision=0` / a whole step; checked against minimum / maximum),
gr.Dropdown and gr.Radio (one of their choices' values), gr.Checkbox (true / false), gr.Textbox
(up to 1,000 characters) and gr.Tabs (the id of one of its tabs, to open a sub-tab). A key belongs to
the top-level tab it is created in: `?tab=gan&seed=7` sets the GAN tab's seed, and the same key can
mean something else in another tab; the key is used only when `tab` names that tab. A value that does
not fit (not a number, out of range, not a choice, an unknown key) is ignored without a message.

Presets: a tab's "Paper figures" picker. A preset names the figure it reproduces and stands for
values of the tab's other linked keys (the sub-tab to open, and the settings of that view):

    FIGURES = {"fig6": lecture.Preset("rn_fig6", {"view": "resnet-curves"}), ...}
    figures = lecture.picker(FIGURES)          # at the top of the tab: a radio, one choice a figure
    ...                                        # the tab's lecture.link() lines, then:
    lecture.presets(figures, FIGURES)

`?tab=resnet&preset=fig6` expands to the preset's values; a value the URL gives itself wins, and an
unknown preset is ignored. A click on the picker applies the same values by the same code path as a
link, and the picker is linked as `preset`, so "copy link" gives `?tab=resnet&preset=fig6&...`.
A view that draws only on a click (or when its sub-tab opens, which a click on the picker may not do:
the sub-tab can be open already) is registered with `redraw(views, {sub-tab id: (fn, inputs,
outputs)})`: it is drawn after a preset or a link has set the tab's values, if its sub-tab is the one open.

app.py puts `copy_button()` and `link_box()` at the top of the page and calls
`attach(tabs, language_switch, button, box)` once every tab is built.
"""

from __future__ import annotations

import inspect
import json
import math
import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import gradio as gr
from gradio.context import get_blocks_context

from demos.i18n import LANGUAGES, register, t

RESERVED = {"tab", "lang"}
PRESET_KEY = "preset"  # the key of a tab's "Paper figures" picker
KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")
MAX_TEXT = 1000  # characters of a linked text box (a sentence to translate, a masked sentence)
LINKABLE = (gr.Number, gr.Slider, gr.Dropdown, gr.Radio, gr.Checkbox, gr.Textbox, gr.Tabs)


@dataclass(eq=False)
class Linked:
    """One component whose value goes in the URL as `?key=value` (only when `tab` is `scope`)."""

    key: str
    component: Any
    scope: str | None  # the id of the top-level tab it lives in; None: anywhere on the page
    state: gr.Textbox | None = None  # for gr.Tabs: which of its tabs this user has open

    @property
    def source(self):
        """What an event reads to know the current value (a gr.Tabs has no value: its tracker)."""
        return self.state if self.state is not None else self.component

    def coerce(self, raw: Any) -> Any:
        """The value `raw` (a URL string, or the component's current value) stands for, or ValueError."""
        c = self.component
        if raw is None:
            raise ValueError("no value")
        s = str(raw).strip()
        if isinstance(c, gr.Tabs):
            if s in _tab_ids(c):
                return s
        elif isinstance(c, (gr.Dropdown, gr.Radio)):
            values = [v[1] if isinstance(v, tuple) else v for v in (c.choices or [])]
            for v in values:
                if s == str(v):
                    return v
            if getattr(c, "allow_custom_value", False) and len(s) <= MAX_TEXT:
                return s
        elif isinstance(c, gr.Checkbox):
            if s.lower() in {"true", "1", "yes", "on"}:
                return True
            if s.lower() in {"false", "0", "no", "off"}:
                return False
        elif isinstance(c, (gr.Number, gr.Slider)):
            v = float(s)  # ValueError for text
            lo, hi = c.minimum, c.maximum
            if math.isfinite(v) and (lo is None or v >= lo) and (hi is None or v <= hi):
                if not _whole(c):
                    return v
                if v == int(v):
                    return int(v)
        elif isinstance(c, gr.Textbox):
            if len(str(raw)) <= MAX_TEXT:
                return str(raw)
        raise ValueError(f"{raw!r} does not fit {self.key}")

    def format(self, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return repr(value)  # shortest text that reads back as the same float
        return str(value)


def _whole(c) -> bool:
    """A number component that holds whole numbers only."""
    if isinstance(c, gr.Number):
        return c.precision == 0
    return float(c.step).is_integer() and float(c.minimum or 0).is_integer()


def _tab_ids(tabs: gr.Tabs) -> list[str]:
    return [
        str(child.id)
        for child in tabs.children
        if isinstance(child, gr.Tab) and child.id is not None
    ]


# ---------------------------------------------------------------------------------------------
# The registry: one per gr.Blocks (the tests build several apps in one process)
# ---------------------------------------------------------------------------------------------

# gr.Blocks -> {(scope, key): Linked}
_registry: weakref.WeakKeyDictionary[gr.Blocks, dict[tuple[str | None, str], Linked]]
_registry = weakref.WeakKeyDictionary()


def _scope(component) -> str | None:
    """The id of the outermost gr.Tab around `component` (the top-level tab), or None."""
    scope, block = None, component.parent
    while block is not None:
        if isinstance(block, gr.Tab) and block.id is not None:
            scope = str(block.id)
        block = block.parent
    return scope


def link(key: str, component):
    """Put `component`'s value in the URL as `?key=...` and restore it from there; returns it."""
    config = get_blocks_context()
    if config is None:
        raise RuntimeError("lecture.link() must be called inside a `with gr.Blocks()`")
    if not KEY.fullmatch(key) or key in RESERVED:
        raise ValueError(
            f"a link key is lowercase letters, digits and _, not 'tab' or 'lang': {key!r}"
        )
    if not isinstance(component, LINKABLE) or getattr(component, "multiselect", False):
        raise TypeError(f"lecture.link cannot put a {type(component).__name__} in the URL")
    links = _registry.setdefault(config.root_block, {})
    scope = _scope(component)
    clash = [s for s, k in links if k == key and (s == scope or s is None or scope is None)]
    if clash:
        raise ValueError(f"the link key {key!r} is taken (tab {clash[0] or 'page-wide'})")
    state = None
    if isinstance(component, gr.Tabs):
        ids = _tab_ids(component)
        if not ids:
            raise ValueError(f"link {key!r}: give the gr.Tabs' tabs an id, and link it after them")
        state = _tab_tracker(component.selected if component.selected is not None else ids[0])
        component.elem_id = component.elem_id or f"link-{scope or 'page'}-{key}"  # read by VIEW_JS
        for child in component.children:
            if isinstance(child, gr.Tab) and child.id is not None:
                _track(child, str(child.id), state)
    links[(scope, key)] = Linked(key, component, scope, state)
    return component


def links_of(demo: gr.Blocks) -> list[Linked]:
    return list(_registry.get(demo, {}).values())


# ---------------------------------------------------------------------------------------------
# Presets: "Paper figures", one click (or `?preset=`) opens the view that reproduces a figure
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A paper figure: its label (an i18n key naming the figure) and the linked values that show it."""

    label: str
    params: Mapping[
        str, Any
    ]  # other linked keys of the same tab -> values ("view": a sub-tab id, ...)


@dataclass(eq=False)
class Presets:
    """One tab's presets, its picker, the event that applies a preset and the views drawn after it."""

    scope: str | None
    table: Mapping[str, Preset]
    picker: gr.Radio
    applied: Any  # the picker's event (a gradio Dependency): the views' redraws follow it
    redraws: list[tuple] = field(default_factory=list)  # (tracker, view id, fn, inputs, outputs)


# gr.Blocks -> {scope: Presets}
_presets: weakref.WeakKeyDictionary[gr.Blocks, dict[str | None, Presets]] = (
    weakref.WeakKeyDictionary()
)


def presets_of(demo: gr.Blocks) -> dict[str | None, Presets]:
    return dict(_presets.get(demo, {}))


def picker(table: Mapping[str, Preset], **kwargs) -> gr.Radio:
    """The "Paper figures" radio (one choice a preset, labelled with the figure it reproduces), and
    a one-line note under it; link it with `presets()` once the tab's other keys are linked."""
    kwargs.setdefault("label", t("lecture_presets"))
    radio = gr.Radio([(t(p.label), name) for name, p in table.items()], value=None, **kwargs)
    if radio.elem_id is None:
        radio.elem_id = f"presets-{_scope(radio) or 'page'}"
    gr.Markdown(t("lecture_presets_note"), elem_classes=["presets-note"])
    return radio


def presets(radio: gr.Radio, table: Mapping[str, Preset]) -> None:
    """Link `radio` as `preset` and make each of its choices apply a preset (see the module's
    docstring), once the tab's other keys are linked."""
    config = get_blocks_context()
    if config is None:
        raise RuntimeError("lecture.presets() must be called inside a `with gr.Blocks()`")
    demo = config.root_block
    link(PRESET_KEY, radio)
    scope = _scope(radio)
    mine = {lk.key: lk for lk in links_of(demo) if lk.scope == scope}
    for name, p in table.items():
        for key, value in p.params.items():
            if key not in mine or key == PRESET_KEY:
                raise ValueError(f"preset {name!r}: {key!r} is not a linked key of this tab")
            mine[key].coerce(value)  # ValueError: a preset that could not be restored
    targets = [mine[k] for k in dict.fromkeys(k for p in table.values() for k in p.params)]

    def apply(name):
        p = table.get(name)
        if p is None:
            return [gr.skip()] * _width(targets)
        return _updates(targets, {k: mine[k].coerce(v) for k, v in p.params.items()}, scope)

    applied = radio.input(
        apply, radio, _outputs(targets), api_visibility="private", show_progress="hidden"
    )
    _presets.setdefault(demo, {})[scope] = Presets(scope, table, radio, applied)


def redraw(tabs: gr.Tabs, views: Mapping[str, tuple]) -> None:
    """After a preset (a click on the picker, or a link) has set the values of the tab of `tabs` (a
    linked gr.Tabs): draw the view of the sub-tab that is open, for the views given as
    {sub-tab id: (fn, inputs, outputs)} (views that do not draw on their own). Call it after
    `presets()`; the links' part is wired by `attach()`."""
    config = get_blocks_context()
    demo = config.root_block if config is not None else None
    tracker = next(
        (lk.state for lk in _registry.get(demo, {}).values() if lk.component is tabs), None
    )
    p = _presets.get(demo, {}).get(_scope(tabs))
    if tracker is None or p is None:
        raise ValueError("lecture.redraw: link the gr.Tabs and call lecture.presets() first")
    for view_id, (fn, inputs, outputs) in views.items():
        p.redraws.append((tracker, view_id, fn, list(inputs), list(outputs)))
        p.applied.then(
            _only_on(view_id, fn, len(outputs)),
            [tracker, *inputs],
            outputs,
            api_visibility="private",
        )


def _only_on(view_id: str, fn, n_out: int, scope: str | None = None):
    """fn, run only when the sub-tab `view_id` is open (else no update); with `scope`, only when a
    link has just set that tab's values (its first input, from `attach()`). A generator stays one."""
    skip = gr.skip() if n_out == 1 else tuple(gr.skip() for _ in range(n_out))

    def wanted(args) -> tuple[bool, tuple]:
        if scope is not None:
            restored, *args = args
            if restored != scope:
                return False, ()
        open_view, *args = args
        return open_view == view_id, tuple(args)

    if inspect.isgeneratorfunction(fn):

        def stream(*args):
            ok, args = wanted(args)
            if ok:
                yield from fn(*args)
            else:
                yield skip

        return stream

    def run(*args):
        ok, args = wanted(args)
        return fn(*args) if ok else skip

    return run


def _width(links: Iterable[Linked]) -> int:
    return sum(2 if lk.state is not None else 1 for lk in links)


def _outputs(links: Iterable[Linked]) -> list:
    out = []
    for lk in links:
        out += [lk.component, lk.state] if lk.state is not None else [lk.component]
    return out


def _updates(links: Iterable[Linked], wanted: Mapping[str, Any], tab: str | None) -> list:
    """The updates that show `wanted` (key -> value, for the top-level tab `tab`) in `links`'
    components; the rest, and the links of other tabs that use the same keys, are skipped."""
    updates = []
    for lk in links:
        if lk.key not in wanted or not _applies(lk, tab):
            updates += [gr.skip()] * (2 if lk.state is not None else 1)
        elif lk.state is not None:
            updates += [gr.Tabs(selected=wanted[lk.key]), wanted[lk.key]]
        else:
            updates.append(wanted[lk.key])
    return updates


def _tab_tracker(initial: str) -> gr.Textbox:
    """A hidden box that holds the id of the tab this user opened last. It lives in the user's page
    (not on the server, so nothing is shared between users) and is set in the browser on every
    click on a tab, so a "copy link" right after a click on a tab already sees the new tab."""
    return gr.Textbox(initial, visible=False)


def _track(tab: gr.Tab, tab_id: str, tracker: gr.Textbox) -> None:
    tab.select(None, None, tracker, js=f"() => {json.dumps(tab_id)}", api_visibility="private")


# ---------------------------------------------------------------------------------------------
# URL <-> values (pure)
# ---------------------------------------------------------------------------------------------


def _applies(lk: Linked, tab: str | None) -> bool:
    return lk.scope is None or lk.scope == tab


def parse(
    query: Mapping[str, str],
    links: Iterable[Linked],
    tab_ids: Iterable[str],
    presets: Mapping[str | None, Mapping[str, Preset]] | None = None,
) -> dict[str, Any]:
    """The URL's query -> {"tab": id, key: value, ...}, keeping only what is known and fits.
    `presets` ({tab id: {name: Preset}}): `preset=<name>` adds that preset's values, except where
    the query gives a valid value itself."""
    out: dict[str, Any] = {}
    links = list(links)
    tab = query.get("tab")
    if tab in set(tab_ids):
        out["tab"] = tab
    for lk in links:
        if lk.key in query and _applies(lk, out.get("tab")):
            try:
                out[lk.key] = lk.coerce(query[lk.key])
            except (ValueError, TypeError, OverflowError):
                pass
    table = (presets or {}).get(out.get("tab"), {})
    if out.get(PRESET_KEY) in table:
        for key, value in table[out[PRESET_KEY]].params.items():
            lk = next((lk for lk in links if lk.key == key and _applies(lk, out["tab"])), None)
            if key not in out and lk is not None:
                try:
                    out[key] = lk.coerce(value)
                except (ValueError, TypeError, OverflowError):
                    pass
    return out


def build_query(
    tab: str | None, lang: str | None, values: Mapping[str, Any], links: Iterable[Linked]
) -> str:
    """The query string of a view: tab, lang, then the linked values of that tab that are valid."""
    params: dict[str, str] = {}
    if tab:
        params["tab"] = tab
    if lang in LANGUAGES.values():
        params["lang"] = lang
    for lk in sorted(
        links, key=lambda lk: lk.key != PRESET_KEY
    ):  # the figure first: ?tab=resnet&preset=fig6
        if lk.key in values and _applies(lk, tab):
            try:
                params[lk.key] = lk.format(lk.coerce(values[lk.key]))
            except (ValueError, TypeError, OverflowError):
                pass
    return urlencode(params)


# ---------------------------------------------------------------------------------------------
# The page: the button, and the events that restore and copy
# ---------------------------------------------------------------------------------------------

EN = {
    "lecture_copy": "Copy link to this view",
    "lecture_link": "Link to this view (the tab, the language and the settings that matter)",
    "lecture_presets": "Paper figures",
    "lecture_presets_note": (
        "One click opens the view that reproduces the figure, from a cached result; the view's own "
        "button (Run, Translate, Show, Compute…) recomputes it live."
    ),
}
ZH = {
    "lecture_copy": "复制此视图的链接",
    "lecture_link": "此视图的链接（标签页、语言和关键设置）",
    "lecture_presets": "论文中的图表",
    "lecture_presets_note": "点一下即可打开复现该图表的视图（显示缓存的结果）；视图自己的按钮（运行、翻译、显示、计算……）会现场重新计算。",
}
register(EN, ZH)

# Before the server builds the URL: hand it the page's own address (what the browser shows, also
# behind a proxy) in place of the link box's old value, and the tab that each linked gr.Tabs shows on
# screen (its trackers are set by events that can lag a click on a heavy tab by a few hundred ms;
# they remain the fallback if gradio's markup changes or the tab sits in the "more tabs" menu).
VIEW_JS = """(...args) => {
  args[0] = window.location.origin + window.location.pathname;
  for (const [i, elemId] of TABS) {
    const tabs = document.getElementById(elemId);
    const open = tabs && tabs.querySelector(":scope > .tab-wrapper [role=tab][aria-selected=true]");
    if (open && open.dataset.tabId) args[i] = open.dataset.tabId;
  }
  return args;
}"""
# The language switch: the view's link in the language picked (VIEW_JS and the server, as "copy link"),
# then GO_JS opens it. Should the server not answer within 5 s, the page reloads in that language
# anyway (on its first tab).
SWITCH_JS = """(...args) => {
  const lang = args[2] === "zh" ? "zh" : "en";
  if (lang !== window.paperGalleryLang) window.setTimeout(() => {
    const url = new URL(window.location.href);
    url.searchParams.set("lang", lang);
    window.location.replace(url.toString());
  }, 5000);
  return (VIEW_JS)(...args);
}"""
GO_JS = """(url) => {
  const lang = url ? new URL(url, window.location.href).searchParams.get("lang") : null;
  if (lang && lang !== window.paperGalleryLang) window.location.replace(url);
}"""
# After: copy the link; the clipboard API needs a secure context (https or localhost): else the
# text box and its copy button are there.
CLIPBOARD_JS = """(url) => {
  try { if (url && navigator.clipboard) navigator.clipboard.writeText(url).catch(() => {}); } catch (e) {}
}"""


# Projector mode: gradio's text sizes (theme variables) about 1.4x, for the back row of a lecture hall.
# Per browser, like the language: `?projector=1` (or 0) in the URL, else the remembered choice; the
# class is set in <head>, before the page is drawn, so the page never flashes small.
# In both modes (#19 item 7): an image's floating label and its toolbar sit in a band above the
# picture instead of on its top row (a grid's digits, a figure's title), and a slider's number box
# moves under its label before the label wraps. In projector mode the controls side by side in a row
# are at least 260 px wide (gradio's 160 px, scaled with the text): a row that cannot hold them
# wraps instead of wrapping their labels (#19 item 6). tests/test_audit.py checks it at 1280x720.
PROJECTOR_HEAD = """<style>
html.pg-projector {
  --text-xxs: 12px; --text-xs: 14px; --text-sm: 17px; --text-md: 20px;
  --text-lg: 23px; --text-xl: 30px; --text-xxl: 36px;
}
.image-container:has(> .icon-button-wrapper.top-panel) { box-sizing: border-box; padding-top: 30px; }
html.pg-projector .image-container:has(> .icon-button-wrapper.top-panel) { padding-top: 38px; }
html body .block .head > label { flex: 1 0 auto; max-width: 100%; }
html.pg-projector .row > .block, html.pg-projector .row > .column,
html.pg-projector .row > .form > .block { min-width: min(260px, 100%) !important; }
</style>
<script>
(() => {
  let on = new URLSearchParams(window.location.search).get("projector");
  try {
    if (on === "1" || on === "0") localStorage.setItem("paper-gallery-projector", on);
    else on = localStorage.getItem("paper-gallery-projector");
  } catch (e) {}
  document.documentElement.classList.toggle("pg-projector", on === "1");
})();
</script>"""
PROJECTOR_JS = """(on) => {
  document.documentElement.classList.toggle("pg-projector", !!on);
  try { localStorage.setItem("paper-gallery-projector", on ? "1" : "0"); } catch (e) {}
}"""


def projector_switch() -> gr.Checkbox:
    """ "Projector: large text" at the top of the page (in the browser only, no server call)."""
    box = gr.Checkbox(
        False, label=t("projector"), elem_id="projector", container=False, min_width=180
    )
    box.change(None, box, None, js=PROJECTOR_JS, api_visibility="private")
    config = get_blocks_context()
    config.root_block.load(
        None,
        None,
        box,
        api_visibility="private",
        js="() => document.documentElement.classList.contains('pg-projector')",
    )
    return box


def copy_button() -> gr.Button:
    """The small "copy link" button (at the top of the page)."""
    return gr.Button(t("lecture_copy"), size="sm", scale=0, min_width=180, elem_id="copy-link")


def link_box() -> gr.Textbox:
    """Where the link appears once the button is clicked (hidden until then), with a copy button."""
    return gr.Textbox(
        label=t("lecture_link"),
        buttons=["copy"],
        interactive=False,
        visible=False,
        elem_id="view-link",
    )


def attach(tabs: gr.Tabs, language_switch: gr.Radio, button: gr.Button, box: gr.Textbox) -> None:
    """Wire deep links for the app being built: restore on page load, track the tab, copy a link."""
    config = get_blocks_context()
    demo = config.root_block
    links = links_of(demo)
    tab_ids = _tab_ids(tabs)
    tabs.elem_id = tabs.elem_id or "lecture-tabs"  # read by VIEW_JS
    current_tab = _tab_tracker(tabs.selected if tabs.selected is not None else tab_ids[0])
    for child in tabs.children:
        if isinstance(child, gr.Tab) and child.id is not None:
            _track(child, str(child.id), current_tab)

    tables = {scope: p.table for scope, p in presets_of(demo).items()}
    restored = gr.State(
        None
    )  # the tab whose values the link set (its views that draw on a click follow)

    def restore(request: gr.Request):
        wanted = parse(dict(request.query_params or {}), links, tab_ids, tables) if request else {}
        tab = wanted.get("tab")
        updates = [gr.Tabs(selected=tab), tab] if tab else [gr.skip(), gr.skip()]
        updates += _updates(links, wanted, tab)
        set_here = any(lk.scope == tab and lk.key in wanted for lk in links)
        return [*updates, tab if set_here else None]

    outputs = [tabs, current_tab, *_outputs(links), restored]
    loaded = demo.load(restore, None, outputs, api_visibility="private", show_progress="hidden")
    for scope, p in presets_of(demo).items():
        for tracker, view_id, fn, inputs, outs in p.redraws:
            loaded.then(
                _only_on(view_id, fn, len(outs), scope),
                [restored, tracker, *inputs],
                outs,
                api_visibility="private",
            )

    def url_of_view(base: str, tab: str, lang: str | None, *values) -> str:
        # the values of this tab's links only: several tabs link a `view` and a `preset` of their own
        current = {lk.key: v for lk, v in zip(links, values) if _applies(lk, tab)}
        query = build_query(tab, lang, current, links)
        return (
            f"{base}?{query}" if isinstance(base, str) and base.startswith("http") else f"?{query}"
        )

    def view_url(*args):
        return gr.Textbox(value=url_of_view(*args), visible=True)

    # The inputs' positions of the tabs VIEW_JS reads on screen: the top-level tabs, then linked gr.Tabs.
    on_screen = [[1, tabs.elem_id]] + [
        [3 + i, lk.component.elem_id] for i, lk in enumerate(links) if lk.state is not None
    ]
    view_js = VIEW_JS.replace("TABS", json.dumps(on_screen))
    sources = [current_tab, language_switch, *(lk.source for lk in links)]
    button.click(
        view_url,
        [box, *sources],
        box,
        js=view_js,
        queue=False,
        show_progress="hidden",
        api_visibility="private",
    ).then(None, box, None, js=CLIPBOARD_JS, api_visibility="private")

    # The language switch: the page in the other language, on the same view (the link of this view,
    # in the language picked: the open tab and sub-tab, and the linked values).
    target = gr.Textbox(visible=False)
    language_switch.input(
        url_of_view,
        [target, *sources],
        target,
        js=SWITCH_JS.replace("VIEW_JS", view_js),
        queue=False,
        show_progress="hidden",
        api_visibility="private",
    ).then(None, target, None, js=GO_JS, api_visibility="private")
