"""gan tab (to be built: see its issue). Until then it says plainly that it is coming."""

from __future__ import annotations

import gradio as gr

from demos.i18n import t


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    gr.Markdown(t("coming_gan"))
