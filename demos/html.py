"""The HTML the tabs show, built from plain values (gr.HTML runs no script).

One attention heat map serves both attention tabs (the Transformer's maps and BERT's enlarged
head): rows are queries, columns keys, each cell's weight in its tooltip. The rest are the tabs' own
views: the alignment chips and decoding steps of the Transformer, and BERT's fill-mask bars, Fig. 2
input anatomy, masked sentence and head view (an SVG). Every token is escaped; tooltips (`title`)
carry the numbers, so nothing needs a script.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence

import numpy as np

from demos.i18n import text
from demos.plots import OKABE_ITO, colormap

esc = html.escape


@functools.cache
def _blues():
    return colormap("Blues")


def color(w: float) -> str:
    """The heat maps' colour of a weight in [0, 1] (Blues, never quite white)."""
    r, g, b, _ = _blues()(0.05 + 0.95 * min(max(w, 0.0), 1.0))
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def ink(w: float) -> str:
    """Text colour on `color(w)`: white on the dark cells."""
    return "#ffffff" if w > 0.55 else "#111111"


# ---------------------------------------------------------------------------------------------
# The attention heat map (both attention tabs)
# ---------------------------------------------------------------------------------------------


def heatmap(
    m: np.ndarray,
    rows: Sequence[str],
    cols: Sequence[str],
    *,
    vmax: float = 1.0,
    masked: bool = False,
    masked_label: str = "masked",
    corner: str = "",
) -> str:
    """A (rows x cols) matrix as an HTML table: row headers = queries, column headers = keys; each
    cell coloured by its weight / `vmax`, the weight in its tooltip (and printed when the map is
    small). `masked`: the causal mask, cells above the diagonal hatched and named `masked_label`."""
    show = len(cols) <= 16
    head = "".join(
        f'<th class="pg-key" title="key {j}: {esc(c)}" style="writing-mode:vertical-rl;'
        f'transform:rotate(180deg);padding:2px;font-weight:normal">{esc(c)}</th>'
        for j, c in enumerate(cols)
    )
    scale = max(float(vmax), 1e-9)
    body = []
    for i, q in enumerate(rows):
        cells = []
        for j, c in enumerate(cols):
            w = float(m[i, j])
            if masked and j > i:  # the causal mask: a query never sees a later key
                cells.append(
                    f'<td title="{esc(q)} → {esc(c)}: {masked_label}" '
                    f'style="background:repeating-linear-gradient(45deg,#eee,#eee 3px,#ddd 3px,#ddd 6px)"></td>'
                )
                continue
            label = f"{w:.2f}".lstrip("0") if show else ""
            cells.append(
                f'<td title="{esc(q)} → {esc(c)}: {w:.4f}" style="background:{color(w / scale)};'
                f'color:{ink(w / scale)};min-width:26px;height:24px;text-align:center;font-size:11px">'
                f"{label}</td>"
            )
        body.append(
            f'<tr><th class="pg-query" style="text-align:right;padding-right:6px;font-weight:normal">'
            f"{esc(q)}</th>{''.join(cells)}</tr>"
        )
    return (
        f'<div class="pg-heat" style="overflow-x:auto">'  # every row in sight (#19.7)
        f'<table data-rows="{len(rows)}" data-cols="{len(cols)}" style="border-collapse:collapse">'
        f'<tr><th style="font-size:11px;font-weight:normal">{corner}</th>{head}</tr>{"".join(body)}</table></div>'
    )


# ---------------------------------------------------------------------------------------------
# The Transformer tab
# ---------------------------------------------------------------------------------------------


def alignment(tokens: Sequence[str], row: np.ndarray, j: int, caption_md: str) -> str:
    """One output token's cross-attention over the source tokens, as coloured chips under a caption
    (its **bold** marks, shared with Markdown, become <b>)."""
    chips = "".join(
        f'<span class="tf-chip" title="{esc(tok)}: {w:.3f}" data-weight="{w:.4f}" '
        f'style="display:inline-block;margin:2px;padding:4px 6px;border-radius:6px;'
        f'background:{color(w)};color:{ink(w)};border:1px solid #bbb">{esc(tok)}'
        f"<br><small>{w:.2f}</small></span>"
        for tok, w in zip(tokens, row.tolist())
    )
    caption = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", caption_md)
    return f'<div class="tf-align" data-target="{j}"><p>{caption}</p><div>{chips}</div></div>'


def decoding(
    dec_in: list[str],
    dec_out: list[str],
    mask: list[list[bool]],
    steps: list[tuple],
    more: int,
    beam: int,
    k: int,
    result: str,
    score: float,
    lang: str,
) -> str:
    """The decoder's view: its input (the output shifted right) over its output, the causal mask
    over the first len(mask) positions, and per step the hypotheses of the beam with their top-k
    next tokens and every extension the search kept (✓, with its cumulative log P). `steps`:
    (step, hypothesis, prefix ids, prefix words, log P, [(id, token, p, Kept or None)], dropped).
    The rows and the kept cells carry their ids and scores (data-*), so the search can be replayed
    from the table."""
    cells = "".join(f"<td>{esc(a)}</td>" for a in dec_in)
    outs = "".join(f"<td>{esc(b)}</td>" for b in dec_out)
    pos = "".join(f"<th>{i}</th>" for i in range(len(dec_in)))
    parts = [
        f"<h4>{text('tf_shift_title', lang)}</h4><p>{esc(text('tf_shift_md', lang))}</p>",
        f'<table class="tf-shift" border="1" style="border-collapse:collapse">'
        f"<tr><th>t</th>{pos}</tr><tr><th>{text('tf_dec_in', lang)}</th>{cells}</tr>"
        f"<tr><th>{text('tf_dec_out', lang)}</th>{outs}</tr></table>",
    ]
    n = len(mask)
    head = "".join(f'<th style="writing-mode:vertical-rl">{esc(a)}</th>' for a in dec_in[:n])
    body = "".join(
        f"<tr><th>{esc(a)}</th>"
        + "".join(
            f'<td title="{esc(a)} → {esc(b)}: {"visible" if ok else "masked"}" '
            f'style="background:{"#0072B2" if ok else "#eeeeee"};width:16px;height:16px"></td>'
            for b, ok in zip(dec_in[:n], mask[i])
        )
        + "</tr>"
        for i, a in enumerate(dec_in[:n])
    )
    parts.append(
        f"<h4>{text('tf_mask_title', lang)}</h4><p>{esc(text('tf_mask_md', lang))}</p>"
        f'<table class="tf-mask" style="border-collapse:collapse"><tr><th></th>{head}</tr>{body}</table>'
    )
    rows = []
    done = text("tf_finished", lang)
    for t_, b, prefix, words, score_b, cands, dropped in steps:
        cand = " · ".join(
            f"{esc(tok)} {p:.2f}"
            if e is None
            else f'<b class="tf-kept" data-id="{i}" data-logp="{e.score:.6f}" '
            f'data-finished="{int(e.finished)}">✓ {esc(tok)} {p:.2f} → {e.score:.2f}'
            + (f" ({done})" if e.finished else "")
            + "</b>"
            for i, tok, p, e in cands
        )
        kept = f" <i>({text('tf_dropped', lang)})</i>" if dropped else ""
        ids = " ".join(map(str, prefix))
        rows.append(
            f'<tr class="tf-hyp" data-step="{t_ + 1}" data-prefix="{ids}" '
            f'data-logp="{score_b:.6f}"><td>{t_ + 1 if b == 0 else ""}</td><td>{b + 1}</td>'
            f"<td>{esc(words)}</td><td>{score_b:.2f}</td><td>{cand}{kept}</td></tr>"
        )
    parts.append(
        f"<h4>{text('tf_steps_title', lang).format(beam=beam, k=k)}</h4>"
        f"<p>{esc(text('tf_steps_md', lang))}</p>"
        f'<table class="tf-steps" border="1" style="border-collapse:collapse">'
        f"<tr><th>{text('tf_col_step', lang)}</th><th>{text('tf_col_beam', lang)}</th>"
        f"<th>{text('tf_col_prefix', lang)}</th><th>log P</th><th>{text('tf_col_next', lang)}</th></tr>"
        + "".join(rows)
        + "</table>"
        + (f"<p>{text('tf_steps_more', lang).format(n=more)}</p>" if more > 0 else "")
        + f"<p>{text('tf_steps_result', lang).format(text=esc(result), score=score)}</p>"
    )
    return f'<div class="tf-decoding">{"".join(parts)}</div>'


# ---------------------------------------------------------------------------------------------
# The BERT tab
# ---------------------------------------------------------------------------------------------


def fill_bars(preds: list[dict], lang: str) -> str:
    """Each [MASK]'s top-k pieces as probability bars."""
    blocks = []
    for p in preds:
        rows = "".join(
            f"<tr><td class='pg-tok'>{esc(c['token'])}</td><td style='width:60%'>"
            f"<div title='{c['prob']:.4f}' style='background:{OKABE_ITO[0]};height:14px;"
            f"width:{max(1, round(100 * c['prob']))}%'></div></td><td>{100 * c['prob']:.1f}%</td></tr>"
            for c in p["candidates"]
        )
        head = text("bert_mask_n", lang).format(n=p["mask"], pos=p["position"])
        blocks.append(
            f"<div style='min-width:260px;flex:1'><b>{head}</b><table style='width:100%'>{rows}</table></div>"
        )
    return (
        f"<div class='pg-fill' style='display:flex;flex-wrap:wrap;gap:16px'>{''.join(blocks)}</div>"
    )


def input_anatomy(tokens: list[str], segments: list[int], special: Sequence[str], lang: str) -> str:
    """Fig. 2 drawn from the real input: each piece over its token, segment and position embeddings.
    The pieces' columns wrap onto more lines like text (#19.7: one wide row showed 12 of 23 tokens
    through a scroll box on a projector)."""
    seg_color = ["#cfe3f3", "#f6dfb8"]
    cell = "border:1px solid #888;border-radius:4px;padding:2px 4px;text-align:center;white-space:nowrap"
    column = "display:flex;flex-direction:column;gap:3px"
    cols = []
    for i, (tk, sg) in enumerate(zip(tokens, segments)):
        style = f"{cell};background:{'#eee' if tk in special else '#fff'}"
        cols.append(
            f"<div class='pg-piece' style='{column}'><div style='{style};font-weight:600'>{esc(tk)}</div>"
            f"<div style='{cell};background:#fde8d9'>E<sub>{esc(tk)}</sub></div>"
            f"<div style='{cell};background:{seg_color[sg]}'>E<sub>{'AB'[sg]}</sub></div>"
            f"<div style='{cell};background:#e4f2e4'>E<sub>{i}</sub></div></div>"
        )
    labels = "".join(
        f"<div style='{cell};border-color:transparent;text-align:right'>{text(k, lang)}</div>"
        for k in ("bert_row_input", "bert_row_token", "bert_row_segment", "bert_row_position")
    )
    return (
        f"<div class='pg-fig2'><div style='display:flex;flex-wrap:wrap;gap:8px 3px'>"
        f"<div style='{column}'>{labels}</div>{''.join(cols)}</div>"
        f"<p>{text('bert_fig2_caption', lang)}</p></div>"
    )


MASK_KIND_COLORS = {
    1: OKABE_ITO[3],
    2: OKABE_ITO[4],
    3: OKABE_ITO[2],
}  # -> [MASK], random, unchanged


def masked_sentence(pieces: list[tuple[str, str, int]], lang: str) -> str:
    """The sentence as pre-training corrupts it: (shown piece, original piece, kind) each, the chosen
    ones framed in their kind's colour, and the legend."""
    cells = []
    for shown, orig, kind in pieces:
        if kind == 0:
            cells.append(f"<span style='padding:1px 3px'>{esc(shown)}</span>")
            continue
        cells.append(
            f"<span title='{esc(text(f'bert_kind_{kind}', lang))}: "
            f"{esc(orig)}' style='padding:1px 3px;border-radius:3px;"
            f"border:2px solid {MASK_KIND_COLORS[kind]}'>{esc(shown)}</span>"
        )
    legend = " ".join(
        f"<span style='border:2px solid {c};padding:0 4px;border-radius:3px'>"
        f"{text(f'bert_kind_{k}', lang)}</span>"
        for k, c in MASK_KIND_COLORS.items()
    )
    return f"<div class='pg-masked' style='line-height:2'>{' '.join(cells)}</div><p>{legend}</p>"


def _head_colors(A: int) -> list[str]:
    cmap = colormap("tab20" if A > 10 else "tab10")
    return ["#%02x%02x%02x" % tuple(int(255 * c) for c in cmap(i % cmap.N)[:3]) for i in range(A)]


def head_view(tokens: list[str], maps: np.ndarray, head, q: int | None) -> str:
    """maps (A, T, T) of one layer -> a self-contained SVG (no script): lines from each query (left)
    to its keys (right) with <title> tooltips; all heads in their colours, one head, or the mean."""
    A, T, _ = maps.shape
    row, x0, x1, width = 18, 150, 330, 480
    height = row * T + 20
    colors = _head_colors(A)
    heads = range(A) if head == "all" else [None] if head == "mean" else [head - 1]
    lines = []
    for hh in heads:
        w = maps.mean(0) if hh is None else maps[hh]
        c = OKABE_ITO[0] if hh is None else colors[hh]
        scale = 1.0 if len(heads) == 1 else 0.6
        for i in range(T) if q is None else [q]:
            for j in range(T):
                if w[i, j] < 0.03:
                    continue
                y1, y2 = 14 + row * i, 14 + row * j
                label = f"{tokens[i]} → {tokens[j]}" + (
                    f" (head {hh + 1})" if hh is not None else ""
                )
                lines.append(
                    f"<line x1='{x0}' y1='{y1}' x2='{x1}' y2='{y2}' stroke='{c}' "
                    f"stroke-opacity='{scale * float(w[i, j]):.3f}' stroke-width='{1 + 3 * float(w[i, j]):.2f}'>"
                    f"<title>{esc(label)}: {float(w[i, j]):.3f}</title></line>"
                )
    words = []
    for i, tk in enumerate(tokens):
        y = 18 + row * i
        bold = " font-weight='bold'" if q == i else ""
        words.append(
            f"<text x='{x0 - 6}' y='{y}' text-anchor='end'{bold}>{esc(tk)}</text>"
            f"<text x='{x1 + 6}' y='{y}'>{esc(tk)}</text>"
        )
    legend = ""
    if head == "all":
        legend = "".join(
            f"<span style='color:{colors[i]};margin-right:6px'>■ {i + 1}</span>" for i in range(A)
        )
    return (
        f"<div class='pg-headview'><div>{legend}</div><svg xmlns='http://www.w3.org/2000/svg' "
        f"width='{width}' height='{height}' font-family='monospace' font-size='13'>"
        f"{''.join(lines)}{''.join(words)}</svg></div>"
    )


def titled(title: str, caption: str, body: str) -> str:
    """A view under a bold title and a one-line caption (BERT's enlarged head)."""
    return f"<div class='pg-heatmap' style='overflow:auto'><b>{esc(title)}</b><p>{caption}</p>{body}</div>"
