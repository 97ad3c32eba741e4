"""Latency of what the GAN tab computes: 64 digits from their seeds, and a 16-step interpolation.

    .venv/bin/python bench/gan.py [--iters 50] [--threads 2]

Prints p50/p95 in ms, for each embedded generator, of the bare generator forward for 64 z on
`--threads`, and of the tab's two computations on one thread as the tab runs them (one thread is
faster when other processes share the two cores: measured 136 ms on 2 threads vs 21 ms on 1 for 64
DCGAN samples): seeds -> z -> G for a 64-digit grid, and lerp + slerp paths between two seeds'
z (lab/gan.py) -> G for 16 steps. Targets on two cores: grid <= 100 ms, interpolation <= 500 ms.
The drawing (mosaic, GIF, |z| plot) is the tab's: bench/all.py times the endpoints end to end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pct, timed  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from lab import gan as L  # noqa: E402
from models import gan as M  # noqa: E402
from models import hub  # noqa: E402

GENERATORS = ["dcgan.mnist", "gan_mlp.mnist"]  # the embedded generators, as the tab offers them


def one_thread(fn):
    """Run `fn` on one torch thread, as the tab does, and restore the count."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return fn()
    finally:
        torch.set_num_threads(old)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    rows = []
    for name in GENERATORS:
        G = hub.get(name).model
        z = M.latents(range(64))
        fwd = timed(lambda: M.generate(G, z), args.iters)
        grid = timed(
            lambda: one_thread(lambda: M.generate(G, M.latents(range(64), G.config.z_dim))),
            args.iters,
        )

        def interp():
            paths = [L.latent_path(kind, 3, 11, 16, G.config.z_dim) for kind in ("lerp", "slerp")]
            return one_thread(lambda: [M.generate(G, p) for p in paths])

        gif = timed(interp, max(10, args.iters // 2))
        rows.append(
            {
                "generator": name,
                "forward64_p50": pct(fwd, 50),
                "forward64_p95": pct(fwd, 95),
                "grid64_p50": pct(grid, 50),
                "grid64_p95": pct(grid, 95),
                "gif16_p50": pct(gif, 50),
                "gif16_p95": pct(gif, 95),
            }
        )
    load = os.getloadavg()[0]
    print(
        f"torch {torch.__version__}, {args.threads} threads, fp32, {args.iters} iterations, "
        f"load average {load:.1f} on {os.cpu_count()} cores"
    )
    head = f"{'generator':16} {'G(64 z) p50/p95':>18} {'64-grid p50/p95':>18} {'16-step paths p50/p95':>21}"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['generator']:16} {r['forward64_p50']:8.1f} / {r['forward64_p95']:<7.1f} "
            f"{r['grid64_p50']:8.1f} / {r['grid64_p95']:<7.1f} {r['gif16_p50']:10.1f} / {r['gif16_p95']:<8.1f}"
        )
    print("targets: 64-grid <= 100 ms, 16-step interpolation <= 500 ms")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
