"""Home tab: what the gallery is, how to use it in a lecture, and which weights are available."""

from __future__ import annotations

import gradio as gr
from gradio.context import get_blocks_context

from demos.i18n import PAGE_LANG_JS, columns, t, with_columns
from models import hub

COLUMNS = ["weights", "paper", "repo", "source"]
HEADER_KEYS = [f"col_{c}" for c in COLUMNS]
HEADERS = columns(HEADER_KEYS)  # the table's headers (English; Chinese on a Chinese page)


def weights_status(lang: str | None = None) -> list[list[str]]:
    """One row per catalogue entry: where its weights come from right now (nothing is loaded)."""
    rows = hub.status()
    return [[row[c] for c in COLUMNS] for row in rows] or [["(none yet)", "", "", ""]]


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    gr.Markdown(t("home_md"))
    gr.Markdown(t("weights_md"))
    table = gr.Dataframe(headers=HEADERS, label=t("weights_table"), interactive=False)
    refresh = gr.Button(t("weights_refresh"), size="sm")
    # Filled on every page load through the public endpoint /weights_status, with the headers in the
    # page's language (the event's js gives it); the button re-runs the same function.
    status = with_columns(weights_status, {None: HEADER_KEYS})
    get_blocks_context().root_block.load(
        status, lang, table, js=PAGE_LANG_JS, api_name="weights_status"
    )
    refresh.click(status, lang, table, api_name="weights_status_refresh", api_visibility="private")
