"""The weights picker of the ResNet, Transformer and BERT tabs (issue 15; issue 19, item 11).

A tab opens on `hub.best_available(paper, lang)`: a paper-scale checkpoint already on this computer
(local Hugging Face cache, sha256 verified) beats the embedded model; deciding it reads the disk
only, no network request. The dropdown marks each choice by where it is (shipped with the app, on
this computer, download needed with its size, not available here), in words for a student. A
choice that is not at hand is refused with a message and the dropdown goes back to the model in
use; where the Hub can be asked, "Download the paper-scale model" fetches it in a thread shared by
everyone who asks (`hub.start_download`), with a progress bar, and the tab switches to it when it
has loaded. The callbacks here return plain values and gradio updates; `picker()` builds the
components and `wire()` connects them.
"""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from demos.i18n import t, text
from demos.strings import weights as strings  # noqa: F401 (registers the picker's strings)
from models import hub

POLL_S = 0.25  # how often a download's progress is read
DOWNLOAD_CONCURRENCY = 8  # users who can watch a download at once (they share one fetch)


def _mb(n: int | None) -> str:
    return f"{n / 1e6:,.0f} MB" if n else ""


def where(a: hub.Availability, lang: str) -> str:
    """Where a checkpoint is, for a dropdown label: shipped / on this computer / download / not here."""
    if a.state == "download" and a.size_bytes:
        return text("w_state_download_size", lang).format(size=_mb(a.size_bytes))
    return text(f"w_state_{a.state}", lang)


def choices(names: list[str], lang: str, catalogue=None) -> list[tuple[str, str]]:
    """The dropdown's choices: (label marked by availability, catalogue name)."""
    cat = hub.read_catalogue() if catalogue is None else catalogue
    return [(f"{n} · {where(hub.availability(n, cat), lang)}", n) for n in names]


def default(paper: str, names: list[str], fallback: str, lang: str, catalogue=None) -> hub.Best:
    """The checkpoint the tab opens on and why (no network request)."""
    best = hub.best_available(paper, lang, catalogue)
    return best if best.name in names else hub.Best(fallback, best.reason)


def target(paper: str, names: list[str], in_use: str, lang: str, catalogue=None) -> str | None:
    """The paper-scale checkpoint the download button offers: the first one the page prefers to
    the model in use that needs a download (None: nothing better to fetch)."""
    cat = hub.read_catalogue() if catalogue is None else catalogue
    for n in hub.PREFERRED.get((paper, lang), ()):
        if n == in_use:
            return None
        if n in names and n in cat and hub.availability(n, cat).state == "download":
            return n
    return None


def button(name: str | None, lang: str, catalogue=None):
    """The download button for `name` (hidden when None)."""
    if name is None:
        return gr.Button(visible=False)
    cat = hub.read_catalogue() if catalogue is None else catalogue
    size = _mb(cat[name].meta.get("size_bytes"))
    label = text("w_download_named", lang).format(name=name, size=f", {size}" if size else "")
    return gr.Button(value=label, visible=True, interactive=True)


def status(paper: str, name: str, lang: str, catalogue=None) -> str:
    """What the tab says about the weights in use: the reason when they are the tab's default,
    else where they come from."""
    cat = hub.read_catalogue() if catalogue is None else catalogue
    best = hub.best_available(paper, lang, cat)
    if name == best.name:
        return best.reason
    a = hub.availability(name, cat)
    kind = "w_where_embedded" if a.state == "embedded" else "w_where_cached"
    return text("w_using", lang).format(name=name, where=text(kind, lang))


def refusal(a: hub.Availability, current: str, lang: str) -> str:
    """Why a choice is not used, in words for a student, naming a damaged file."""
    stays = text("w_stays", lang).format(current=current)
    file = hub.refused_file(a.problem)
    if file:
        msg = text("w_refused_corrupt", lang).format(name=a.name, file=file, stays=stays)
        return msg + (" " + text("w_repair", lang) if a.state == "download" else "")
    if a.state == "download":
        size = f" ({_mb(a.size_bytes)})" if a.size_bytes else ""
        return text("w_refused_download", lang).format(name=a.name, size=size, stays=stays)
    if hub.read_catalogue()[a.name].revision is None:
        return text("w_refused_unpublished", lang).format(name=a.name, stays=stays)
    return text("w_refused_offline", lang).format(name=a.name, stays=stays)


# ---------------------------------------------------------------------------------------------
# The events: page load, a choice, a download. Each returns (dropdown, notice, button, the name
# the button fetches, the name in use).
# ---------------------------------------------------------------------------------------------


def opening(paper: str, names: list[str], fallback: str, lang: str, linked: bool = False):
    """When the page loads (its language is known): the best checkpoint at hand, the choices
    marked in the page's language. With `linked` (a link set the weights) the value is left."""
    cat = hub.read_catalogue()
    best = default(paper, names, fallback, lang, cat)
    marked = choices(names, lang, cat)
    if linked:
        return gr.Dropdown(choices=marked), gr.skip(), gr.skip(), gr.skip(), gr.skip()
    offer = target(paper, names, best.name, lang, cat)
    return (
        gr.Dropdown(choices=marked, value=best.name),
        best.reason,
        button(offer, lang, cat),
        offer,
        best.name,
    )


def choose(paper: str, names: list[str], fallback: str, name, current, lang: str):
    """A new value of the dropdown: used when at hand; otherwise refused with a message, the
    dropdown back on the model in use, and the download offered where it can be had."""
    cat = hub.read_catalogue()
    if current not in names or not hub.availability(current, cat).at_hand:
        current = default(paper, names, fallback, lang, cat).name
    if name not in names:  # not a choice (an API value): back to the model in use
        marked = choices(names, lang, cat)
        return gr.Dropdown(choices=marked, value=current), gr.skip(), gr.skip(), gr.skip(), current
    a = hub.availability(name, cat)
    if a.at_hand:
        offer = target(paper, names, name, lang, cat)
        return gr.skip(), status(paper, name, lang, cat), button(offer, lang, cat), offer, name
    offer = name if a.state == "download" else target(paper, names, current, lang, cat)
    return (
        gr.Dropdown(choices=choices(names, lang, cat), value=current),
        refusal(a, current, lang),
        button(offer, lang, cat),
        offer,
        current,
    )


def fetch(paper: str, names: list[str], name, current, lang: str, progress=None):
    """Download `name` (shared with everyone who asks for it), report progress, load it, and
    switch the tab to it. A generator: each step is (dropdown, notice, button, offer, in use)."""
    skip = gr.skip()
    if name not in names:
        yield skip, text("w_dl_no_target", lang), gr.Button(visible=False), None, skip
        return
    stays = text("w_stays", lang).format(current=current)
    job = hub.start_download(name)
    yield (
        skip,
        text("w_dl_starting", lang).format(name=name),
        gr.Button(interactive=False),
        skip,
        skip,
    )
    shown = -1
    while not job.finished.wait(POLL_S):
        if job.total_bytes and int(100 * job.fraction) != shown:
            shown = int(100 * job.fraction)
            msg = _progress_text(job, lang)
            if progress is not None:
                progress(job.fraction, desc=msg.replace("**", ""))
            yield skip, msg, skip, skip, skip
    if job.error is None:
        if progress is not None:
            progress(1.0, desc=text("w_dl_loading", lang).format(name=name).replace("**", ""))
        yield skip, _progress_text(job, lang), skip, skip, skip
        yield skip, text("w_dl_loading", lang).format(name=name), skip, skip, skip
        try:
            loaded = hub.get(name)
        except hub.WeightsError as e:
            job.error = str(e)
    if job.error is not None:
        yield skip, _failed(name, job.error, stays, lang), button(name, lang), name, skip
        return
    cat = hub.read_catalogue()
    offer = target(paper, names, name, lang, cat)
    yield (
        gr.Dropdown(choices=choices(names, lang, cat), value=name),
        text("w_dl_done", lang).format(name=name, notice=notice(loaded, lang)),
        button(offer, lang, cat),
        offer,
        name,
    )


def _progress_text(job: hub.DownloadJob, lang: str) -> str:
    return text("w_dl_progress", lang).format(
        name=job.name,
        done=_mb(job.done_bytes) or "0 MB",
        total=_mb(job.total_bytes) or "?",
        pct=100 * job.fraction,
    )


def _failed(name: str, error: str, stays: str, lang: str) -> str:
    if "unreachable" in error:
        why = text("w_dl_unreachable", lang)
    elif hub.refused_file(error):
        why = text("w_why_corrupt", lang).format(file=hub.refused_file(error)) + "."
    else:
        why = text("w_why_other", lang) + "."
    return text("w_dl_failed", lang).format(name=name, why=why, stays=stays) + details(error, lang)


def details(technical: str, lang: str) -> str:
    """The operator's words, folded away under the student's."""
    return f"\n\n<details><summary>{text('w_details', lang)}</summary>\n\n{technical}\n\n</details>"


def notice(loaded: hub.Loaded, lang: str) -> str:
    """Where the weights in use came from, in the page's language (the weights layer says it in
    English: `Loaded.notice`)."""
    if lang != "zh":
        return loaded.notice
    e = loaded.entry
    where = {
        "embedded": text("w_from_embedded", lang),
        "cache": text("w_from_cache", lang).format(repo=e.repo_id),
        "hub": text("w_from_hub", lang).format(repo=e.repo_id, rev=(e.revision or "")[:8]),
    }.get(loaded.source, loaded.source)
    return text("w_notice", lang).format(name=e.name, where=where)


def fallback_notice(name: str, loaded: hub.Loaded, lang: str) -> str:
    """What a callback says when the weights asked for could not be used and the embedded model
    answered: in words for a student, the technical reason folded away."""
    try:
        a = hub.availability(name)
    except hub.WeightsError:
        a = None
    file = hub.refused_file(loaded.notice)
    if file:
        why = text("w_why_corrupt", lang).format(file=file)
    elif a is not None and a.state == "download":
        why = text("w_why_download", lang)
    elif a is not None and not a.at_hand:
        why = text("w_why_unavailable", lang)
    else:
        why = text("w_why_other", lang)
    msg = text("w_fallback", lang).format(name=name, why=why, used=loaded.entry.name)
    return msg + details(loaded.notice, lang)


# ---------------------------------------------------------------------------------------------
# The components
# ---------------------------------------------------------------------------------------------


def picker(
    paper: str, names: list[str], fallback: str, label_key: str, elem_id: str | None = None
) -> SimpleNamespace:
    """The weights dropdown (on the tab's default, choices marked, English until the page's
    language is known), the notice under it, the download button and the two states."""
    cat = hub.read_catalogue()
    best = default(paper, names, fallback, "en", cat)
    dropdown = gr.Dropdown(
        choices(names, "en", cat), value=best.name, label=t(label_key), elem_id=elem_id
    )
    info = gr.Markdown(best.reason, elem_id=f"{elem_id or paper}-info")
    offer = target(paper, names, best.name, "en", cat)
    download = gr.Button(
        t("w_download"),
        visible=offer is not None,
        size="sm",
        elem_id=f"{elem_id or paper}-download",
    )
    return SimpleNamespace(
        paper=paper,
        names=names,
        fallback=fallback,
        dropdown=dropdown,
        info=info,
        download=download,
        offer=gr.State(offer),
        in_use=gr.State(best.name),
    )


def wire(p: SimpleNamespace, lang: gr.Radio, linked=lambda query: False) -> object:
    """Connect a picker: the page's language (set when the page loads) opens it on the best
    checkpoint at hand; a choice is checked; the button downloads. `linked(query)` says whether
    the page's URL sets the weights itself (a deep link: its value is kept). Returns the
    download's event, for a tab that redraws its view after the switch."""
    outputs = [p.dropdown, p.info, p.download, p.offer, p.in_use]
    private = dict(api_visibility="private", show_progress="hidden")

    def on_open(lang_, request: gr.Request = None):
        query = dict(request.query_params) if request is not None else {}
        return opening(p.paper, p.names, p.fallback, lang_, linked(query))

    def on_choose(name, current, lang_):
        return choose(p.paper, p.names, p.fallback, name, current, lang_)

    def on_fetch(name, current, lang_, progress=gr.Progress()):
        yield from fetch(p.paper, p.names, name, current, lang_, progress)

    lang.change(on_open, lang, outputs, **private)
    p.dropdown.change(on_choose, [p.dropdown, p.in_use, lang], outputs, **private)
    return p.download.click(
        on_fetch,
        [p.offer, p.in_use, lang],
        outputs,
        api_visibility="private",
        concurrency_limit=DOWNLOAD_CONCURRENCY,
        concurrency_id="weights-download",
        show_progress_on=[p.info],
    )
