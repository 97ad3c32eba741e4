"""Timing helpers shared by the benchmarks: wall-clock milliseconds and percentiles."""

from __future__ import annotations

import statistics
import time


def pct(xs: list[float], q: int) -> float:
    """The q-th percentile (q in 1..99) of the timings."""
    return statistics.quantiles(xs, n=100, method="inclusive")[q - 1] if len(xs) > 1 else xs[0]


def timed(fn, iters: int, warmup: int = 3) -> list[float]:
    """Run `fn` `warmup` times, then `iters` times; the timed runs in milliseconds."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out
