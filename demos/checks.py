"""What every tab does with values that come through the API (numbers, the weights asked for), and
with the files it hands out."""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import gradio as gr

from demos import weights
from demos.i18n import text
from models import hub


def whole_number(value, lo: int, hi: int, key: str, lang: str, **fmt) -> int:
    """`value` as an int in [lo, hi], or gr.Error with the tab's message `key` (given lo, hi)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not math.isfinite(v) or v != int(v) or not lo <= v <= hi:
        raise gr.Error(text(key, lang).format(lo=lo, hi=hi, **fmt))
    return int(v)


def number(value, lo: float, hi: float, key: str, lang: str, **fmt) -> float:
    """`value` as a finite float in [lo, hi], or gr.Error with the tab's message `key`."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not math.isfinite(v) or not lo <= v <= hi:
        raise gr.Error(text(key, lang).format(lo=lo, hi=hi, **fmt))
    return v


def one_of(value, choices: list[str], key: str, lang: str):
    """`value` if it is one of `choices`, else gr.Error with the tab's message `key` (given the value
    and the names)."""
    if value not in choices:
        raise gr.Error(text(key, lang).format(value=value, names=", ".join(choices)))
    return value


def load_weights(name, allowed: list[str], fallback: str | None, key: str, lang: str) -> hub.Loaded:
    """The shared model of the weights `name`, one of the tab's `allowed` names (else gr.Error with
    the tab's message `key`, given the names). When they cannot be loaded, `fallback` is, with a
    notice that says why in words for a student (the technical reason folded away under it); when
    nothing loads, gr.Error says why (no trace)."""
    if not isinstance(name, str) or name not in allowed:
        raise gr.Error(text(key, lang).format(names=", ".join(allowed)))
    loaded = load_or_say_why(name, fallback)
    if loaded.entry.name != name:
        return replace(loaded, notice=weights.fallback_notice(name, loaded, lang))
    return replace(loaded, notice=weights.notice(loaded, lang))


def load_or_say_why(name: str, fallback: str | None = None) -> hub.Loaded:
    """The shared model of the weights `name` (or of `fallback`); when nothing loads, gr.Error says
    why, with no trace."""
    try:
        return hub.get(name, fallback=fallback)
    except hub.WeightsError as e:
        raise gr.Error(str(e)) from None


SWEEP_EVERY_S = 60.0  # a folder is swept of old files at most this often
_swept: dict[tuple[str, str], float] = {}  # (folder, suffix) -> when it was last swept


def fresh_file(folder: Path, prefix: str, suffix: str, max_age_s: float = 3600) -> str:
    """A new temp file for one download (PNG, GIF); files of the kind older than an hour go (the
    folder is swept at most once a minute: a busy server holds thousands of files, and a stat of
    each on every figure cost ~50 ms a call)."""
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    if now - _swept.get((str(folder), suffix), 0.0) >= SWEEP_EVERY_S:
        _swept[(str(folder), suffix)] = now
        for old in folder.glob(f"*{suffix}"):
            try:
                if now - old.stat().st_mtime > max_age_s:
                    old.unlink()
            except OSError:
                pass
    f = tempfile.NamedTemporaryFile(prefix=prefix, suffix=suffix, dir=folder, delete=False)
    f.close()
    return f.name
