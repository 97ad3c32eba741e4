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


def ratio_interval(
    ours: list[float], ref: list[float], reps: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """A 95% bootstrap interval of p50(ours) / p50(ref), resampling the interleaved pairs together
    (both timings of a pair saw the same machine): how far the printed ratio is from a tie."""
    import random

    rng = random.Random(seed)
    pairs = list(zip(ours, ref))
    stats = []
    for _ in range(reps):
        sample = [pairs[rng.randrange(len(pairs))] for _ in pairs]
        stats.append(
            statistics.median(a for a, _ in sample) / statistics.median(b for _, b in sample)
        )
    stats.sort()
    return stats[int(0.025 * reps)], stats[int(0.975 * reps) - 1]


def ratio_text(ours: list[float], ref: list[float]) -> str:
    """ "0.99x (95% interval 0.97-1.02)": the ratio line bench/all.py reads (its verdict: <= 1.0 ok,
    an interval that reaches below 1.0 a tie, else missed)."""
    lo, hi = ratio_interval(ours, ref)
    return f"{pct(ours, 50) / pct(ref, 50):.2f}x (95% interval {lo:.2f}-{hi:.2f})"
