"""Paper Gallery: one tab per paper. Run `python app.py`; this is also the Spaces entry point."""

import os

# Before gradio and huggingface_hub are imported: no telemetry, no outbound requests.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

# glibc gives threads that allocate their own malloc arenas (up to 8 per core); with gradio's worker
# threads that fragments memory and RSS creeps up under many users. Two arenas keep it flat.
try:
    import ctypes

    ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX = 2 (same as MALLOC_ARENA_MAX=2)
except (OSError, AttributeError):  # not glibc: nothing to do
    pass

import gradio as gr  # noqa: E402

from demos import bert, classroom, gan, home, lazy, lecture, plots, resnet, transformer  # noqa: E402
from demos.i18n import I18N, app_kwargs, build_language_switch, t  # noqa: E402

# Serving a lecture hall (README, "Serving"): every event runs in gradio's queue. Live training and
# the layer timing run one at a time (their own concurrency_id, limit 1) and the page shows each
# user's place in line; the rest run up to CONCURRENCY at a time per event (two cores: more only
# makes each slower); beyond QUEUE_SIZE waiting events a click is refused at once ("the queue is
# full") instead of piling up. Both can be set from the environment.
QUEUE_SIZE = int(os.environ.get("PAPER_GALLERY_QUEUE_SIZE", "100"))
CONCURRENCY = int(os.environ.get("PAPER_GALLERY_CONCURRENCY", "4"))
PRELOAD_DELAY_S = 5.0  # seconds after the page is served (the first page loads meanwhile)

TABS = [
    ("tab_home", home),
    ("tab_resnet", resnet),
    ("tab_transformer", transformer),
    ("tab_gan", gan),
    ("tab_bert", bert),
    ("tab_classroom", classroom),
]


def build_app() -> gr.Blocks:
    with gr.Blocks(title="Paper Gallery") as demo:
        with gr.Row(equal_height=True):
            gr.Markdown(t("title_md"))
            with gr.Column(scale=0, min_width=220):
                switch = build_language_switch()
                copy_link = lecture.copy_button()
                lecture.projector_switch()
        link_box = lecture.link_box()
        with gr.Tabs(elem_id="paper-tabs") as tabs:
            for key, module in TABS:
                with gr.Tab(t(key), id=key.removeprefix("tab_")) as tab:
                    module.build_tab(switch, tab)
        # deep links (?tab=gan&seed=7); the language switch reloads the page on the same view
        lecture.attach(tabs, switch, copy_link, link_box)
    return demo


demo = build_app()

if __name__ == "__main__":
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE).launch(
        i18n=I18N,
        head=lecture.PROJECTOR_HEAD,
        # the page's language is set before gradio's frontend starts; /join is the students' page (#18)
        app_kwargs=classroom.app_kwargs(app_kwargs()),
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        ssr_mode=False,
        footer_links=["api", "settings"],
        max_file_size="10mb",
        share=False,
        prevent_thread_lock=True,  # returns once the page is served: then torch and the models
    )
    # The page was built without torch (demos/lazy.py): import it and the models in the background,
    # so that the first click rarely waits; then draw the tabs' default figures. Not at once: on two
    # cores the import slowed the first page from 4.1 to 6.2 s to interactive (bench/startup.py)
    lazy.preload(delay_s=PRELOAD_DELAY_S)
    plots.warm_in_background([call for _, module in TABS for call in getattr(module, "WARM", [])])
    demo.block_thread()
