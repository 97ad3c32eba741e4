"""The lecture audit (#19 items 6, 7, 10 and 12): every sub-tab of every paper tab, in both languages,
at 1280x720 with projector mode on, opened as a lecturer opens them (a click on the tab). Once a view
has opened (its events done), it asserts:

- no empty output pane: every image has a picture, every label, table, HTML view and output text box
  has content (gradio's "Empty value" placeholder counts as empty);
- no output text cut off: no element of a pane that clips or scrolls its content (overflow other than
  visible, or an ellipsis) holds more than its box shows, no output text box hides lines, no text
  field hides its value (the Weights text);
- no control label wrapped onto a second line, no image's label or toolbar drawn over the picture;
- every sub-tab label in sight (none behind gradio's "..." overflow menu);
- on the English page, no Chinese character in a label, tab, button or table header.

Deliberate scrollers and clippers are listed in ALLOWED_CUT, each with its reason. An empty Markdown
pane is not counted: gradio collapses it to nothing (a notice with nothing to say), so it shows no
blank box.
"""

from __future__ import annotations

import time

import pytest

from demos import bert, gan, resnet, transformer  # noqa: F401  (they register their strings)
from demos.i18n import EN, ZH
from tests.conftest import ARTIFACTS
from tests.test_i18n import CJK, LANGUAGE_NAMES

pytestmark = pytest.mark.browser

PAPERS = {"resnet": "rn_sub_", "transformer": "tf_sub_", "gan": "gan_sub_", "bert": "bert_sub_"}
VIEWPORT = {"width": 1280, "height": 720}
OPEN_WITHIN_S = 45  # a view's events have this long to fill it (the slow ones are cached or warmed)

# (CSS class of the element, why it may hold more than it shows)
ALLOWED_CUT = {
    "stem": "a file's name in gradio's File list is shortened with an ellipsis by design; the file "
    "is a download and its link carries the whole name",
}

AUDIT_JS = r"""
() => {
  const vis = (e) => {
    const r = e.getBoundingClientRect();
    return e.offsetParent !== null && r.width > 0 && r.height > 0;
  };
  const panels = [...document.querySelectorAll('[role=tabpanel]')].filter(vis);
  const top = panels[0];  // the paper tab: its own controls, then the open sub-tab
  const name = (b) => (b.id || ((b.querySelector('[data-testid=block-info],[data-testid=block-label]')
    || {}).innerText || b.innerText || '').slice(0, 50)).trim().replace(/\s+/g, ' ');
  const desc = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' ? e.className.trim().split(/\s+/)
      .filter((c) => c && !c.startsWith('svelte-')).slice(0, 3).map((c) => '.' + c).join('') : '');
  const found = {busy: 0, empty: [], cut: [], wrapped: [], covered: [], hidden_tabs: [], cjk: []};
  found.busy = [...document.querySelectorAll('[data-testid=status-tracker]')].filter((e) =>
    !e.classList.contains('hide') && (e.classList.contains('pending') ||
      e.classList.contains('generating') || e.querySelector('.progress-text, .eta-bar, .loader'))).length;
  for (const m of top.querySelectorAll('.overflow-menu')) {
    if (!m.classList.contains('hide') && vis(m)) found.hidden_tabs.push(
      [...m.querySelectorAll('.overflow-dropdown button')].map((b) => b.innerText.trim()).join(' | '));
  }
  for (const b of [...top.querySelectorAll('.block')].filter(vis)) {
    const n = name(b);
    // 1. empty output panes
    const upload = b.querySelector('input[type=file]');
    const table = b.querySelector('table');
    const ta = b.querySelector('textarea');
    const html = b.querySelector('.html-container, [data-testid=html]') || b.classList.contains('gradio-html');
    if (b.querySelector('[aria-label="Empty value"]') && !upload) {
      found.empty.push(`${n}: gradio's empty placeholder`);
    } else if (b.querySelector('.image-container') && !upload && !(b.querySelector('img') || {}).src) {
      found.empty.push(`${n}: an image without a picture`);
    } else if (html && !b.querySelector('[data-testid=markdown]') && !b.innerText.trim() &&
               !b.querySelector('img, svg, canvas')) {
      found.empty.push(`${n}: an empty HTML view`);
    } else if (table && !upload && !b.querySelector('.file-preview') &&
               ![...table.querySelectorAll('tbody td')].some((td) => td.innerText.trim())) {
      found.empty.push(`${n}: a table without rows`);
    } else if (ta && (ta.disabled || ta.readOnly) && !ta.value.trim()) {
      found.empty.push(`${n}: an empty output text box`);
    }
    // 2. text cut off: anything of the pane that clips or scrolls more than its box shows
    for (const e of [b, ...b.querySelectorAll('*')]) {
      if (!vis(e) || e.closest('[data-testid=status-tracker], .icon-button-wrapper, .overflow-dropdown, ul.options')) continue;
      const classes = typeof e.className === 'string' ? e.className.split(/\s+/) : [];
      if (e.tagName === 'TEXTAREA' || e.tagName === 'INPUT') {
        if (e.tagName === 'TEXTAREA' && e.scrollHeight > e.clientHeight + 2)
          found.cut.push([n, desc(e), classes, `lines hidden: ${e.scrollHeight} > ${e.clientHeight} px`]);
        else if (['text', 'search'].includes(e.type) && e.scrollWidth > e.clientWidth + 2)
          found.cut.push([n, desc(e), classes, `value clipped: ${e.scrollWidth} > ${e.clientWidth} px`]);
        continue;
      }
      const s = getComputedStyle(e);
      const why = [];
      if ((s.overflowX !== 'visible' || s.textOverflow === 'ellipsis') && e.scrollWidth > e.clientWidth + 2)
        why.push(`wide ${e.scrollWidth} > ${e.clientWidth} px`);
      if (s.overflowY !== 'visible' && e.scrollHeight > e.clientHeight + 2)
        why.push(`tall ${e.scrollHeight} > ${e.clientHeight} px`);
      if (why.length) found.cut.push([n, desc(e), classes, why.join(', ')]);
    }
    // 3. a label on two lines
    for (const l of b.querySelectorAll('[data-testid=block-info], [data-testid=block-label]')) {
      if (!vis(l) || l.classList.contains('sr-only')) continue;
      const st = getComputedStyle(l);
      const line = parseFloat(st.lineHeight) || 1.5 * parseFloat(st.fontSize);
      if (l.getBoundingClientRect().height > 1.6 * line) found.wrapped.push(`${n}: "${l.innerText.trim()}"`);
    }
    // 4. an image's floating label or toolbar drawn over the picture
    const img = b.querySelector('.image-container img');
    if (img && vis(img)) {
      const r = img.getBoundingClientRect();
      for (const o of b.querySelectorAll('[data-testid=block-label], .icon-button-wrapper')) {
        if (!vis(o) || o.classList.contains('sr-only')) continue;
        const q = o.getBoundingClientRect();
        const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);
        const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
        if (w > 2 && h > 2) found.covered.push(`${n}: ${desc(o)} over the picture (${w | 0}x${h | 0} px)`);
      }
    }
  }
  // 5. the labels a page shows: checked for the other language's script by the caller
  found.labels = [...document.querySelectorAll(
    '[data-testid=block-info], [data-testid=block-label], [role=tab], th, label, button')]
    .filter(vis).map((e) => e.innerText.trim()).filter((s) => s);
  return found;
}
"""


def audit_view(page) -> dict:
    """The findings of the open view once its events are done (and its panes filled, or the time up)."""
    t0 = time.monotonic()
    while True:
        page.wait_for_timeout(800)
        found = page.evaluate(AUDIT_JS)
        done = not found["busy"] and not found["empty"]
        if done or time.monotonic() - t0 > OPEN_WITHIN_S:
            found["seconds"] = round(time.monotonic() - t0, 1)
            return found


def problems_of(found: dict, lang: str) -> list[str]:
    out = [f"still busy after {found['seconds']} s"] if found["busy"] else []
    out += [f"empty: {e}" for e in found["empty"]]
    out += [
        f"cut off: {n}: {d}: {why}"
        for n, d, classes, why in found["cut"]
        if not set(classes) & set(ALLOWED_CUT)
    ]
    out += [f"label wraps: {w}" for w in found["wrapped"]]
    out += [f"covered: {c}" for c in found["covered"]]
    out += [f"sub-tabs behind the '...' menu: {h}" for h in found["hidden_tabs"]]
    if lang == "en":
        out += [
            f"Chinese in a label: {s!r}"
            for s in found["labels"]
            if CJK.search(s) and s not in LANGUAGE_NAMES
        ]
    return sorted(set(out))


def open_sub_tab(page, label: str) -> bool:
    """Click a sub-tab by its label; False when it sat behind gradio's overflow menu."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tab = page.get_by_role("tab", name=label, exact=True).first
    try:
        tab.wait_for(state="visible", timeout=10_000)  # a sub-tab's button renders with its tab
        tab.click()
        return True
    except PlaywrightTimeout:
        pass
    page.locator(".overflow-menu > button:visible").first.click()
    page.locator(".overflow-dropdown button:visible", has_text=label).first.click()
    return False


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_view_opens_filled_and_legible_on_a_projector(app_server, browser, lang):
    table = ZH if lang == "zh" else EN
    page = browser.new_context(locale="en-US", viewport=VIEWPORT).new_page()
    page.set_default_timeout(30_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report, t0 = {}, time.monotonic()
    for paper, prefix in PAPERS.items():
        page.goto(f"{app_server.url}/?lang={lang}&projector=1&tab={paper}")
        page.get_by_role("tab", name=table[f"tab_{paper}"], exact=True).first.wait_for()
        assert page.evaluate("document.documentElement.classList.contains('pg-projector')")
        for key in [k for k in table if k.startswith(prefix)]:
            in_sight = open_sub_tab(page, table[key])
            found = audit_view(page)
            problems = problems_of(found, lang)
            if not in_sight:
                problems.append(f"sub-tab {table[key]!r} only in the '...' menu")
            if problems:
                report[key] = problems
                page.screenshot(
                    path=str(ARTIFACTS / f"audit_{lang}_{key}.png"),
                    full_page=True,
                    animations="disabled",
                )
    assert report == {}, "\n".join(f"{k}: {p}" for k, ps in report.items() for p in ps)
    assert time.monotonic() - t0 < 240  # 25 views
    page.context.close()
