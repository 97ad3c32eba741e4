"""Running the lab's experiments inside a server: torch's thread count and grad mode, per step;
and what the page shows after a refused input.

A server resumes a generator on whichever worker thread is free, and both the thread count and the
grad mode belong to a thread (../shared/STACK-NOTES.md): a context held across a `yield` is entered
on one thread and left on another, and a `no_grad` left open leaves its thread unable to train.

A callback refuses bad input with `gr.Error` (the toast; an API caller gets the error). The page
would then keep the previous results under red "Error" badges, as if they answered the new input:
`clear_on_failure` replaces them at once with empty outputs and one line saying why (#19 item 9).
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from typing import Iterator

import gradio as gr

from demos.i18n import text
from demos.lazy import lazy
from demos.strings import runtime as strings  # noqa: F401 (registers the shared strings)

torch = lazy("torch")


@contextmanager
def torch_threads(n: int):
    """Run torch ops on `n` threads, then restore the count. The live games' tiny ops gain
    nothing from a second thread and lose ~6x to it on a busy two-core machine (measured)."""
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def stepwise(frames: Iterator, threads: int | None = 1) -> Iterator:
    """Yield `frames`' items, computing each on `threads` torch threads (None: as many as the
    thread has) with autograd on. Every step is computed inside the contexts, and the contexts are
    closed before the step is yielded."""
    while True:
        with torch_threads(threads) if threads else nullcontext(), torch.enable_grad():
            try:
                item = next(frames)
            except StopIteration:
                return
        yield item


# Outputs that a refused input empties; the first text view among them says why (stale_md).
_TEXT_VIEWS = (gr.Markdown, gr.HTML)


def cleared(outputs: list, lang: str = "en") -> list:
    """The values that replace `outputs` after a refused input: nothing (None, "" or an empty
    choice) for each, and the "nothing to show" line in the first Markdown/HTML view (or, failing
    one, the first text box). Values follow the components' types, so they can be asserted."""
    values: list = []
    said = False
    marker = text("stale_md", lang)
    first_text = next((o for o in outputs if isinstance(o, _TEXT_VIEWS)), None)
    if first_text is None:
        first_text = next((o for o in outputs if isinstance(o, gr.Textbox)), None)
    for o in outputs:
        if o is first_text and not said:
            said = True
            values.append(marker if isinstance(o, (gr.Markdown, gr.Textbox)) else _html(marker))
        elif isinstance(o, (gr.Markdown, gr.HTML, gr.Textbox)):
            values.append("")
        elif isinstance(o, (gr.Radio, gr.CheckboxGroup)):
            values.append(gr.update(choices=[], value=None))
        else:  # images, plots, files, labels, tables: emptied
            values.append(None)
    return values


def _html(md: str) -> str:
    """The marker line as HTML (its **bold** as <b>), for an HTML view."""
    import re

    body = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", md)
    return f'<p class="stale-note">{body}</p>'


def clear_on_failure(event, outputs: list, lang) -> None:
    """When `event` fails (a refused input: its gr.Error is the toast), empty `outputs` at once
    and say why, instead of leaving the previous results on screen under "Error" badges. Runs in
    the page's own request (no queue), hidden from the API: an API caller still gets the error."""
    event.failure(
        lambda lang_: cleared(outputs, lang_),
        lang,
        outputs,
        api_visibility="private",
        queue=False,
        show_progress="hidden",
    )
