"""The GAN tab's games: Fig. 1 live (the 1-D game, with Prop. 1 and Thm. 1 checked on it) and the
2-D game on a ring of Gaussians (the discriminator's surface, mode collapse or not). Callbacks
(the games run in lab/gan.py, one torch thread per step), the recorded runs the sub-tabs open on,
and one builder per sub-tab; `demos/gan.py` places the sub-tabs.
"""

from __future__ import annotations

import functools
import threading
import time
from types import SimpleNamespace

import gradio as gr

from demos import plots
from demos.checks import number, one_of, whole_number
from demos.i18n import columns, t, text, with_columns
from demos.lazy import lazy
from demos.plots import gan as figures
from demos.runtime import stepwise
from demos.strings import gan as strings  # noqa: F401 (registers the tab's strings)
from lab import tab_defaults

L = lazy("lab.gan")
M = lazy("models.gan")

LR_RANGE = (1e-5, 1e-1)
MAX_K = 10
GAME1D_DEFAULT = dict(k=3, lr_d=3e-3, lr_g=3e-3, loss="non-saturating", steps=1000)
GAME1D_STEPS = (50, 5000)
GAME2D_STEPS = (100, 10000)
GAME2D_PRESET_STEPS = {"collapse": 1000, "cover": 2000}  # collapse shows by ~250 steps
STD_RANGE = (0.01, 0.5)
LOSSES = ["non-saturating", "saturating"]
CHECK_HEADERS = [
    "col_quantity",
    "col_theory",
    "col_measured",
    "col_gap",
]  # Fig. 1's check (string keys)


def _game_args(k, lr_d, lr_g, loss, steps, step_range, lang) -> dict:
    return dict(
        k=whole_number(k, 1, MAX_K, "gan_err_k", lang),
        lr_d=number(lr_d, *LR_RANGE, "gan_err_lr", lang),
        lr_g=number(lr_g, *LR_RANGE, "gan_err_lr", lang),
        saturating=one_of(loss, LOSSES, "gan_err_choice", lang) == "saturating",
        steps=whole_number(steps, *step_range, "gan_err_steps", lang),
    )


def check_rows(s: L.Game1DState, lang: str) -> list[list]:
    """Theory (Prop. 1, Thm. 1) beside the numbers measured on a 1-D run's state."""
    half = 0.5
    return [
        [text("gan_chk_c", lang), round(-M.LOG4, 3), round(s.c_g, 3), round(s.c_g + M.LOG4, 3)],
        [
            text("gan_chk_v", lang),
            round(-M.LOG4, 3),
            round(s.v_measured, 3),
            round(s.v_measured + M.LOG4, 3),
        ],
        [
            text("gan_chk_dstar", lang),
            half,
            round(s.d_star_data, 3),
            round(s.d_star_data - half, 3),
        ],
        [text("gan_chk_ddata", lang), half, round(s.d_data, 3), round(s.d_data - half, 3)],
        [text("gan_chk_dfake", lang), half, round(s.d_fake, 3), round(s.d_fake - half, 3)],
    ]


def game_1d(
    k: int = 3,
    lr_d: float = 3e-3,
    lr_g: float = 3e-3,
    loss: str = "non-saturating",
    steps: int = 1000,
    lang: str = "en",
    progress=gr.Progress(),
):
    """Stream Fig. 1: p_data, p_g, D, D* and the z -> x map, with the paper check beside it."""
    args = _game_args(k, lr_d, lr_g, loss, steps, GAME1D_STEPS, lang)
    every = max(10, args["steps"] // 30)  # about 30 frames whatever the length
    t0 = time.perf_counter()
    for s in stepwise(L.game_1d(**args, every=every)):
        progress(s.step / args["steps"], desc=text("gan_training", lang))
        status = text("gan_1d_status", lang).format(
            step=s.step,
            steps=args["steps"],
            d_data=s.d_data,
            d_fake=s.d_fake,
            c=s.c_g,
            seconds=time.perf_counter() - t0,
        )
        yield (
            plots.png(figures.game_1d(s, f"step {s.step}"), "gan-1d", dpi=100),
            status,
            check_rows(s, lang),
        )


def game_1d_open(
    k: int = 3,
    lr_d: float = 3e-3,
    lr_g: float = 3e-3,
    loss: str = "non-saturating",
    steps: int = 1000,
    lang: str = "en",
):
    """What the sub-tab opens on: at the default settings, the last frame of the default run
    (computed once per process, warmed at start-up); otherwise the live run. **Run** always trains."""
    args = _game_args(k, lr_d, lr_g, loss, steps, GAME1D_STEPS, lang)
    if args != _game_args(**GAME1D_DEFAULT, step_range=GAME1D_STEPS, lang=lang):
        yield from game_1d(k, lr_d, lr_g, loss, steps, lang)
        return
    s = default_1d_final()
    status = text("gan_1d_cached", lang).format(
        steps=s.step, d_data=s.d_data, d_fake=s.d_fake, c=s.c_g
    )
    yield (
        plots.png(figures.game_1d(s, f"step {s.step}"), "gan-1d", dpi=100),
        status,
        check_rows(s, lang),
    )


# Saturation (§3): the two generator losses from a state where D rejects G's samples
# G's optimizer -> (its choice's label, its name in the result, G's learning rate)
SAT_OPTIMIZERS = {
    "sgd": ("gan_sat_sgd", "gan_sat_sgd_name", 0.01),
    "adam": ("gan_sat_adam", "gan_sat_adam_name", 3e-3),
}
SAT_ROWS = (1, 10, 100)  # the table's updates, then the last
SAT_HEADERS = [
    "col_sat_step",
    "col_sat_grad_ns",
    "col_sat_grad_s",
    "col_sat_ratio",
    "col_sat_d_ns",
    "col_sat_d_s",
]
LOSS_NAMES = {"non-saturating": "−log D(G(z))", "saturating": "log(1 − D(G(z)))"}


@functools.lru_cache(maxsize=4)
def saturation_run(optimizer: str) -> L.SaturationRun:
    """The preset's run for one optimizer of G (a few seconds; once per process)."""
    p = {**L.SATURATION_PRESET, "optimizer": optimizer, "lr_g": SAT_OPTIMIZERS[optimizer][2]}

    def run():
        yield L.saturation_run(**p)

    (r,) = stepwise(run(), threads=1)  # on one torch thread, autograd on (demos/runtime.py)
    return r


def saturation_rows(r: L.SaturationRun) -> list[list]:
    """G's gradient norm and D(G(z)) under both losses at a few updates, measured."""
    ns, s = "non-saturating", "saturating"
    rows = []
    for step in (*SAT_ROWS, int(r.steps[-1])):
        i = step - 1
        g_ns, g_s = float(r.grad_norm[ns][i]), float(r.grad_norm[s][i])
        rows.append(
            [
                step,
                f"{g_ns:.3g}",
                f"{g_s:.3g}",
                f"{g_ns / g_s:,.0f}×" if g_s > 0 else "∞",
                round(float(r.d_fake[ns][i]), 4),
                round(float(r.d_fake[s][i]), 4),
            ]
        )
    return rows


@plots.cached
def saturation(optimizer: str = "sgd", lang: str = "en"):
    """§3 measured: G's gradient norm under log(1 - D(G(z))) and -log D(G(z)) from a state where
    D rejects G's samples, side by side (figure and table), and what the run shows."""
    optimizer = one_of(optimizer, list(SAT_OPTIMIZERS), "gan_err_choice", lang)
    r = saturation_run(optimizer)
    ns, s = "non-saturating", "saturating"
    m0 = r.g_start  # both runs start from one state
    m_ns, m_s = float(r.g_mean[ns][-1]), float(r.g_mean[s][-1])
    moved = (m_s - m0) / (L.GAME1D_DATA[0] - m0)  # the saturating run's share of the way
    _, name_key, lr_g = SAT_OPTIMIZERS[optimizer]
    name = text(name_key, lang)
    md = text("gan_sat_result", lang).format(
        opt=name,
        lr=lr_g,
        d0=float(r.d_fake[ns][0]),
        g_ns=float(r.grad_norm[ns][0]),
        g_s=float(r.grad_norm[s][0]),
        ratio=float(r.grad_norm[ns][0] / r.grad_norm[s][0]),
        steps=int(r.steps[-1]),
        m_ns=m_ns,
        m_s=m_s,
        m0=m0,
        d_ns=float(r.d_fake[ns][-1]),
        d_s=float(r.d_fake[s][-1]),
    )
    verdict = "gan_sat_stuck" if moved < 0.25 else "gan_sat_rescued"
    md += " " + text(verdict, lang).format(moved=max(moved, 0.0), opt=name)
    fig = figures.saturation(r, LOSS_NAMES, lang)
    return plots.png(fig, "gan-saturation", dpi=100), md, saturation_rows(r)


_default_run: dict[str, L.Game1DState] = {}
_default_lock = threading.Lock()


def default_1d_final() -> L.Game1DState:
    """The last state of the 1-D game at the default settings (computed once per process, ~10 s
    on two quiet cores; deterministic: the game has a fixed seed)."""
    with _default_lock:
        if "final" not in _default_run:
            args = {k: v for k, v in GAME1D_DEFAULT.items() if k != "loss"}
            *_, last = stepwise(L.game_1d(**args, saturating=False, every=GAME1D_DEFAULT["steps"]))
            _default_run["final"] = last
    return _default_run["final"]


def preset_2d(name: str):
    """The controls of a 2-D preset: k, lr_D, lr_G, loss, std, steps."""
    p = tab_defaults.GAME2D_PRESETS.get(name, tab_defaults.GAME2D_PRESETS["cover"])
    loss = "saturating" if p["saturating"] else "non-saturating"
    return p["k"], p["lr_d"], p["lr_g"], loss, p["std"], GAME2D_PRESET_STEPS[name]


def game_2d(
    k: int = 1,
    lr_d: float = 1e-3,
    lr_g: float = 1e-3,
    loss: str = "non-saturating",
    std: float = 0.05,
    steps: int = 2000,
    lang: str = "en",
    progress=gr.Progress(),
):
    args = _game_args(k, lr_d, lr_g, loss, steps, GAME2D_STEPS, lang)
    args["std"] = number(std, *STD_RANGE, "gan_err_std", lang)
    every = max(20, args["steps"] // 40)
    t0 = time.perf_counter()
    for s in stepwise(L.game_2d(**args, every=every)):
        progress(s.step / args["steps"], desc=text("gan_training", lang))
        status = text("gan_2d_status", lang).format(
            step=s.step,
            steps=args["steps"],
            covered=s.modes_covered,
            n=len(s.modes),
            hq=s.high_quality * 100,
            seconds=time.perf_counter() - t0,
        )
        title = f"step {s.step}: {s.modes_covered}/{len(s.modes)} modes covered"
        yield plots.png(figures.game_2d(s, title), "gan-2d", dpi=100), status


_recorded_2d: dict[str, L.Game2DState] = {}
_recorded_2d_lock = threading.Lock()


def preset_2d_final(name: str) -> L.Game2DState:
    """The last frame of a 2-D preset's run at its steps (computed once per process, 5-15 s on two
    busy cores; deterministic: the game has a fixed seed)."""
    with _recorded_2d_lock:
        if name not in _recorded_2d:
            steps = GAME2D_PRESET_STEPS[name]
            *_, last = stepwise(
                L.game_2d(**tab_defaults.GAME2D_PRESETS[name], steps=steps, every=steps)
            )
            _recorded_2d[name] = last
    return _recorded_2d[name]


def game_2d_recorded(name: str = "collapse", lang: str = "en"):
    """What the sub-tab shows for a preset: the last frame of its recorded run (Run trains live)."""
    s = preset_2d_final(one_of(name, list(tab_defaults.GAME2D_PRESETS), "gan_err_choice", lang))
    status = text("gan_2d_cached", lang).format(
        step=s.step, covered=s.modes_covered, n=len(s.modes), hq=s.high_quality * 100
    )
    title = f"step {s.step}: {s.modes_covered}/{len(s.modes)} modes covered"
    return plots.png(figures.game_2d(s, title), "gan-2d", dpi=100), status


def game_2d_open(
    k: int = 5,
    lr_d: float = 1e-2,
    lr_g: float = 1e-3,
    loss: str = "non-saturating",
    std: float = 0.05,
    steps: int = 1000,
    lang: str = "en",
):
    """What the sub-tab opens on: at a preset's settings, its recorded last frame; at other
    settings (changed by hand, then the sub-tab left and opened again) the view stays as it is."""
    args = _game_args(k, lr_d, lr_g, loss, steps, GAME2D_STEPS, lang)
    args["std"] = number(std, *STD_RANGE, "gan_err_std", lang)
    for name, p in tab_defaults.GAME2D_PRESETS.items():
        if args == {**p, "steps": GAME2D_PRESET_STEPS[name]}:
            return game_2d_recorded(name, lang)
    return gr.skip(), gr.skip()


def prewarm() -> None:
    """When the tab opens, start computing the recorded runs its sub-tabs open on (the paper
    check's 1-D run, the 2-D presets) in the background, if start-up has not done it yet."""
    todo = [(default_1d_final, ())] if "final" not in _default_run else []
    todo += [
        (preset_2d_final, (name,))
        for name in tab_defaults.GAME2D_PRESETS
        if name not in _recorded_2d
    ]
    if todo:
        threading.Thread(target=lambda: [fn(*args) for fn, args in todo], daemon=True).start()


def game_1d_tab(lang: gr.Radio) -> SimpleNamespace:
    """Fig. 1, live: the 1-D game, and the paper check computed from it."""
    with gr.Tab(t("gan_sub_1d"), id="gan-1d") as tab_1d:
        gr.Markdown(t("gan_1d_md"))
        with gr.Row():
            k = gr.Slider(1, MAX_K, value=GAME1D_DEFAULT["k"], step=1, label=t("gan_k"))
            lr_d = gr.Number(
                GAME1D_DEFAULT["lr_d"],
                minimum=LR_RANGE[0],
                maximum=LR_RANGE[1],
                label=t("gan_lr_d"),
            )
            lr_g = gr.Number(
                GAME1D_DEFAULT["lr_g"],
                minimum=LR_RANGE[0],
                maximum=LR_RANGE[1],
                label=t("gan_lr_g"),
            )
            loss = gr.Radio(
                [("−log D(G(z))", "non-saturating"), ("log(1 − D(G(z)))", "saturating")],
                value="non-saturating",
                label=t("gan_loss"),
            )
            steps = gr.Slider(
                *GAME1D_STEPS, value=GAME1D_DEFAULT["steps"], step=50, label=t("gan_game_steps")
            )
        with gr.Row():
            run = gr.Button(t("gan_run"), variant="primary")
            stop = gr.Button(t("gan_stop"), variant="stop")
        status = gr.Markdown(elem_id="gan-1d-status")
        with gr.Row():
            with gr.Column(scale=3):
                plot = plots.view()
            with gr.Column(scale=2):
                check = gr.Dataframe(
                    headers=columns(CHECK_HEADERS),
                    label=t("gan_check_title"),
                    interactive=False,
                    wrap=True,
                    column_widths=["58%", "14%", "14%", "14%"],
                    max_height=2400,  # every row in sight, no scroll box (#19.7)
                )
        # Saturation (§3): the two generator losses from where D rejects G's samples
        gr.Markdown(t("gan_sat_title"))
        gr.Markdown(t("gan_sat_md"))
        with gr.Row():
            sat_opt = gr.Radio(
                [(t(key), name) for name, (key, *_) in SAT_OPTIMIZERS.items()],
                value="sgd",
                label=t("gan_sat_opt"),
            )
            sat_go = gr.Button(t("gan_sat_run"), variant="primary")
        sat_md = gr.Markdown(elem_id="gan-saturation-md")
        # the figure, then the table at full width (six columns beside the figure were cut off
        # at 1280x720 in projector mode: tests/test_audit.py)
        sat_plot = plots.view(elem_id="gan-saturation")
        sat_table = gr.Dataframe(
            headers=columns(SAT_HEADERS),
            interactive=False,
            wrap=True,
            max_height=2400,
            column_widths=["12%", "20%", "20%", "14%", "17%", "17%"],
        )
    live = dict(concurrency_limit=1, concurrency_id="live-training")
    game_in, game_out = [k, lr_d, lr_g, loss, steps, lang], [plot, status, check]
    ev = run.click(
        with_columns(game_1d, {2: CHECK_HEADERS}),
        game_in,
        game_out,
        api_name="gan_game_1d",
        show_progress_on=status,
        **live,
    )
    # not queued behind a live training: the recorded frame is instant (other settings train live)
    opened = with_columns(game_1d_open, {2: CHECK_HEADERS})
    ev_open = tab_1d.select(
        opened,
        game_in,
        game_out,
        api_visibility="private",
        show_progress_on=status,
        concurrency_limit=1,
        concurrency_id="gan-1d-open",
    )
    stop.click(None, cancels=[ev, ev_open])
    # opens measured (computed once per process, a few seconds), after the game's own frame
    sat = with_columns(saturation, {2: SAT_HEADERS})
    sat_in, sat_out = [sat_opt, lang], [sat_plot, sat_md, sat_table]
    ev_open.then(sat, sat_in, sat_out, api_visibility="private", concurrency_id="gan-saturation")
    gr.on(
        [sat_go.click, sat_opt.input],
        sat,
        sat_in,
        sat_out,
        api_name="gan_saturation",
        concurrency_id="gan-saturation",
    )
    return SimpleNamespace(loss=loss, redraw=(opened, game_in, game_out))


def game_2d_tab(lang: gr.Radio) -> SimpleNamespace:
    """The 2-D game: a ring of Gaussians, the discriminator's surface, mode collapse or not."""
    p = tab_defaults.GAME2D_PRESETS["collapse"]
    with gr.Tab(t("gan_sub_2d"), id="gan-2d") as tab_2d:
        gr.Markdown(t("gan_2d_md"))
        with gr.Row():
            preset = gr.Radio(
                [(t("gan_preset_collapse"), "collapse"), (t("gan_preset_cover"), "cover")],
                value="collapse",
                label=t("gan_preset"),
            )
            k = gr.Slider(1, MAX_K, value=p["k"], step=1, label=t("gan_k"))
            lr_d = gr.Number(
                p["lr_d"], minimum=LR_RANGE[0], maximum=LR_RANGE[1], label=t("gan_lr_d")
            )
            lr_g = gr.Number(
                p["lr_g"], minimum=LR_RANGE[0], maximum=LR_RANGE[1], label=t("gan_lr_g")
            )
        with gr.Row():
            loss = gr.Radio(
                [("−log D(G(z))", "non-saturating"), ("log(1 − D(G(z)))", "saturating")],
                value="non-saturating",
                label=t("gan_loss"),
            )
            std = gr.Slider(*STD_RANGE, value=p["std"], step=0.01, label=t("gan_std"))
            steps = gr.Slider(
                *GAME2D_STEPS,
                value=GAME2D_PRESET_STEPS["collapse"],
                step=100,
                label=t("gan_game_steps"),
            )
        with gr.Row():
            run = gr.Button(t("gan_run"), variant="primary")
            stop = gr.Button(t("gan_stop"), variant="stop")
        status = gr.Markdown(elem_id="gan-2d-status")
        plot = plots.view(elem_id="gan-2d-plot")
    game_in = [k, lr_d, lr_g, loss, std, steps, lang]
    ev = run.click(
        game_2d,
        game_in,
        [plot, status],
        api_name="gan_game_2d",
        show_progress_on=status,
        concurrency_limit=1,
        concurrency_id="live-training",
    )
    stop.click(None, cancels=[ev])
    # The 2-D game opens on its preset's recorded last frame (warmed at start-up); picking a preset
    # sets its controls and shows its recorded frame (a live run of the old settings stops)
    recorded = dict(outputs=[plot, status], api_visibility="private", show_progress_on=status)
    tab_2d.select(game_2d_open, game_in, **recorded)
    preset.change(
        preset_2d, preset, [k, lr_d, lr_g, loss, std, steps], api_visibility="private", cancels=[ev]
    ).then(game_2d_recorded, [preset, lang], **recorded)
    return SimpleNamespace(preset=preset, redraw=(game_2d_recorded, [preset, lang], [plot, status]))
