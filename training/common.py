"""What every training script shares: its config dataclass, filled from the command line."""

from __future__ import annotations

import argparse
from dataclasses import fields
from pathlib import Path


def _parse_bool(s: str) -> bool:
    return s.lower() in ("1", "true", "yes")


def config_from_args(cls, description: str | None = None, argv: list[str] | None = None):
    """Every field of the dataclass `cls` becomes a --flag with the field's default."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawTextHelpFormatter
    )
    for f in fields(cls):
        if f.type in (bool, "bool"):
            kind = _parse_bool
        else:  # the annotation, or the default's type where annotations are strings
            kind = f.type if isinstance(f.type, type) else type(f.default)
        parser.add_argument(f"--{f.name}", type=kind, default=f.default)
    return cls(**vars(parser.parse_args(argv)))


_STOP = []


def stop_requested() -> bool:
    """True once the process got SIGTERM or SIGINT (the first call installs the handlers): a
    resumable run then saves its state and exits at the end of the current step."""
    import signal

    if not _STOP:
        _STOP.append(False)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: _STOP.__setitem__(0, True))
    return _STOP[0]


def fp16_roundtrip(model) -> None:
    """Round the weights to fp16 in place: what `save_fp16` writes, so the scores we report are
    those of the shipped file."""
    import torch

    with torch.no_grad():
        for p in model.state_dict().values():
            if p.is_floating_point():
                p.copy_(p.half().float())


def save_fp16(model, tokenizer, out_dir: Path) -> None:
    """save_pretrained in fp16 (half the size; a fp32 model loads it with strict=True), and the
    tokenizer beside it."""
    half = type(model)(model.config)
    half.load_state_dict(model.state_dict())
    half.half().save_pretrained(out_dir)
    tokenizer.save(str(Path(out_dir) / "tokenizer.json"))


def gemm_peak(dtype, n: int = 2048, seconds: float = 3.0) -> float:
    """The machine's measured matrix-multiply peak in `dtype` on the current torch threads, in
    FLOP/s: the better of an n x n x n `torch.mm` and a 3x3 convolution in channels_last (oneDNN's
    implicit GEMM), each timed at its best over half of `seconds`.

    Both kernels count: on this project's AMD EPYC machines MKL's fp32 GEMM (torch.mm) reached
    112 GFLOP/s a thread while oneDNN's fp32 convolutions reached 282 (bf16: 481 and 556), so a
    peak taken from torch.mm alone put fp32 convolutional models above 100 % of it."""
    import time

    import torch
    import torch.nn.functional as F

    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    cl = torch.channels_last
    x = torch.randn(64, 256, 8, 8, dtype=dtype).contiguous(memory_format=cl)
    w = torch.randn(256, 256, 3, 3, dtype=dtype).contiguous(memory_format=cl)
    kernels = [
        (lambda: a @ b, 2 * n**3),
        (lambda: F.conv2d(x, w, padding=1), 2 * 64 * 8 * 8 * 256 * 256 * 9),
    ]
    peak = 0.0
    for run, flops in kernels:
        for _ in range(3):
            run()
        best, end = float("inf"), time.perf_counter() + seconds / 2
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - t0)
        peak = max(peak, flops / best)
    return peak


def counted_flops(step) -> float:
    """The FLOPs of one call of `step` (matmuls and convolutions, forward and backward: what
    torch's FlopCounterMode counts, and what `gemm_peak` measures)."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        step()
    return counter.get_total_flops()


def speed_sentence(
    rates: list[float],
    unit: str,
    flops_per_item: float,
    bf16: bool,
    threads: int,
    device_type: str = "cpu",
    processes: int = 1,
) -> str:
    """The model card's words on speed, from the run's per-epoch `rates` (items/s).

    The median epoch is the run's pace: an epoch that shared the cores with other work, or in which
    the process was stopped (SIGSTOP) and continued, is slower on the wall clock. On one CPU
    process the sentence adds the model FLOP/s that makes and its share of this machine's GEMM peak
    in the run's precision (measured now, on `threads`); elsewhere the peak would not be this
    machine's, and the rate stands alone."""
    import statistics

    import torch

    rate = statistics.median(rates)
    if device_type != "cpu" or processes > 1:
        return f"{rate:,.0f} {unit}/s"
    torch.set_num_threads(threads)
    precision = "bf16" if bf16 else "fp32"
    peak = gemm_peak(torch.bfloat16 if bf16 else torch.float32)
    flops = rate * flops_per_item
    return (
        f"{rate:,.0f} {unit}/s, which is {flops / 1e9:.3g} GFLOP/s of model FLOPs (forward and "
        f"backward, counted by torch's FlopCounterMode): {flops / peak:.0%} of this machine's "
        f"{precision} matrix-multiply peak ({peak / 1e9:.0f} GFLOP/s, the better of a 2048² "
        f"matmul and a 3×3 convolution on {threads} thread(s), measured when the card was written)"
    )


def update_catalogue_row(
    name: str, out_dir: Path, meta: dict, description: tuple[str, str] | None = None
) -> None:
    """Ship the weights in `out_dir` in weights/catalogue.json: row `name` gets their sha256 (the
    app checks the files against them) and `meta`'s measured scores; `description`, a (pattern,
    replacement) pair, rewrites the numbers its text quotes; a row that states its size gets the
    new one. The other rows stay as they are.
    Weights written anywhere but the row's own folder are refused: the row would not match them."""
    import json
    import re

    from models import hub

    raw = json.loads(hub.CATALOGUE_PATH.read_text(encoding="utf-8"))
    row = raw[name]
    if (hub.WEIGHTS_DIR / row["embedded"]).resolve() != Path(out_dir).resolve():
        raise SystemExit(f"--catalogue: {name} ships weights/{row['embedded']}, not {out_dir}")
    row["files"] = {f: hub.sha256(Path(out_dir) / f) for f in row["files"]}
    if "size_bytes" in row["meta"]:
        row["meta"]["size_bytes"] = sum((Path(out_dir) / f).stat().st_size for f in row["files"])
    if description:
        row["description"] = re.sub(*description, row["description"])
    row["meta"].update(meta)
    hub.CATALOGUE_PATH.write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"catalogue row {name} updated")
