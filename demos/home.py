"""Home tab: what the gallery is, how to use it in a lecture, and which weights are available."""

from __future__ import annotations

import gradio as gr

from demos.i18n import both, t
from models import hub

COLUMNS = ["weights", "paper", "repo", "source"]
HEADERS = both([f"col_{c}" for c in COLUMNS])  # the table's headers, in both languages


def weights_status() -> list[list[str]]:
    """One row per catalogue entry: where its weights come from right now (nothing is loaded)."""
    rows = hub.status()
    return [[row[c] for c in COLUMNS] for row in rows] or [["(none yet)", "", "", ""]]


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    gr.Markdown(t("home_md"))
    gr.Markdown(t("weights_md"))
    table = gr.Dataframe(
        value=weights_status, headers=HEADERS, label=t("weights_table"), interactive=False
    )
    refresh = gr.Button(t("weights_refresh"), size="sm")
    # The table's value is a callable, so gradio refreshes it on every page load through the
    # public endpoint /weights_status; the button re-runs the same function.
    refresh.click(
        weights_status, outputs=table, api_name="weights_status_refresh", api_visibility="private"
    )
