"""The Transformer tab's figures: the positional-encoding table and curves (§3.5), softmax saturation
(§3.2.1), the warm-up schedule (Eq. 3), the smoothed target (§5.4) and Table 1's timings."""

from __future__ import annotations

import numpy as np

from demos.plots import OKABE_ITO, drawing, figure


@drawing
def pe_table(pe: np.ndarray):
    fig = figure((8, 4))
    ax = fig.subplots()
    im = ax.imshow(pe.T, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", origin="lower")
    ax.set_xlabel("position pos")
    ax.set_ylabel("dimension (even: sin, odd: cos)")
    ax.set_title("PE(pos, ·), §3.5")
    fig.colorbar(im, ax=ax, fraction=0.04)
    fig.tight_layout()
    return fig


@drawing
def pe_curves(pe: np.ndarray, dims: list[int]):
    fig = figure((8, 3.6))
    ax = fig.subplots()
    for color, i in zip(OKABE_ITO, dims):
        ax.plot(pe[:, i], color=color, lw=2, label=f"dim {i} ({'sin' if i % 2 == 0 else 'cos'})")
    ax.set_xlabel("position pos")
    ax.set_ylabel("PE")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", ncol=2)
    fig.tight_layout()
    return fig


@drawing
def scaling(d_ks: list[int], s: dict, n_keys: int):
    fig = figure((11, 3.8))
    axes = fig.subplots(1, 2)
    for name, color, style in (("scaled", OKABE_ITO[0], "-"), ("raw", OKABE_ITO[3], "--")):
        label = "softmax(q·k/√d_k)" if name == "scaled" else "softmax(q·k)"
        axes[0].plot(d_ks, s[f"max_p_{name}"], style, color=color, lw=2.4, marker="o", label=label)
        axes[1].plot(d_ks, s[f"grad_{name}"], style, color=color, lw=2.4, marker="o", label=label)
    axes[0].axhline(1 / n_keys, color="grey", lw=1, ls=":", label=f"uniform 1/{n_keys}")
    axes[0].set_ylabel("mean largest attention weight")
    axes[1].set_ylabel("‖∂softmax/∂logits‖ (mean)")
    for ax in axes:
        ax.set_xscale("log", base=2)
        ax.set_xlabel("d_k")
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    fig.tight_layout()
    return fig


@drawing
def schedule(xs, ys, base, d_model: int, warmup: int):
    fig = figure((8, 3.8))
    ax = fig.subplots()
    ax.plot(xs, ys, color=OKABE_ITO[0], lw=2.4, label=f"d_model={d_model}, warmup={warmup}")
    ax.plot(xs, base, "--", color=OKABE_ITO[1], lw=1.6, label="paper: d_model=512, warmup=4000")
    ax.axvline(warmup, color="grey", lw=1, ls=":")
    ax.set_xlabel("training step")
    ax.set_ylabel("learning rate")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


@drawing
def smoothing(q: np.ndarray, true: int, eps: float):
    fig = figure((8, 3.4))
    ax = fig.subplots()
    x = np.arange(len(q))
    onehot = np.zeros_like(q)
    onehot[true] = 1
    ax.bar(x - 0.2, onehot, width=0.4, color=OKABE_ITO[1], label="one-hot")
    ax.bar(x + 0.2, q, width=0.4, color=OKABE_ITO[0], label=f"smoothed, ε_ls={eps:g}")
    ax.set_xticks(x)
    ax.set_xlabel("token id (the true token in the middle)")
    ax.set_ylabel("target probability")
    ax.grid(alpha=0.3, axis="y")
    ax.legend()
    fig.tight_layout()
    return fig


@drawing
def complexity(ns: list[int], ms: dict, d_model: int):
    fig = figure((8, 3.8))
    ax = fig.subplots()
    ax.plot(
        ns, ms["self_attention"], "-o", color=OKABE_ITO[0], lw=2.4, label="self-attention layer"
    )
    ax.plot(
        ns, ms["recurrent"], "--o", color=OKABE_ITO[3], lw=2.4, label="recurrent layer (tanh RNN)"
    )
    ax.axvline(d_model, color="grey", lw=1, ls=":", label=f"n = d = {d_model}")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("sequence length n")
    ax.set_ylabel("ms (best of 3, 1 thread)")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    return fig
