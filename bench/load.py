"""A lecture hall at once: simulated users on every tab for a while, loopback only.

    .venv/bin/python bench/load.py [--users 20] [--seconds 120] [--json bench/load.json]

Starts `python app.py` (HF_HUB_OFFLINE=1, 2 threads) on a free loopback port, then `--users`
threads, each with its own gradio_client, loop over a mix of all tabs' endpoints (with 1 in 10
calls a live-training run, and `--figure_share` of the calls a figure endpoint with arguments no
earlier call had: figures drawn beside the live runs' frames, not served from a cache; issue 16)
until `--seconds` have passed. Reports calls, errors, p50/p95 per
endpoint, the server's RSS at the start and the end (target: growth < 10%) with a sample every
10 s in between, and for the live
runs the largest queue position a user saw (they share one slot: `concurrency_id="live-training"`,
so the CPU is not overloaded; the page shows the position while waiting), and the tracebacks in
the server's log (a callback that failed, a warm-up that failed). Targets: 0 errors, 0 tracebacks.
The start is after every model is loaded, each live run made once (short) and `--warmup` seconds
of the same users without live runs: what a server allocates once (gradio's worker threads, their
malloc arenas, caches) is then apart from growth under load; both RSS values are printed.
Bounded: at most `--users` threads, `--seconds` plus the calls in flight.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.all import _sample_image, rss_mb, start_app  # noqa: E402
from bench.common import pct  # noqa: E402

# (api_name, args): what students click most; live training is rarer and shares one slot
MIX = [
    ("/resnet_classify", lambda: (_sample_image(), "resnet20.cifar10", "en")),
    ("/resnet_architecture", lambda: ("resnet50", "en")),
    ("/resnet_paper_check", lambda: ("en",)),
    ("/gan_samples", lambda: ("dcgan.mnist", random.randrange(1000), 64, "en")),
    ("/gan_interpolate", lambda: ("dcgan.mnist", random.randrange(100), random.randrange(100), 16, "paths", "en")),
    ("/transformer_translate", None),  # arguments from the UI's defaults (view_api)
    ("/bert_fill_mask", lambda: ("She opened the [MASK] and walked into the room.", 5, "bert_small.eltec", "en")),
    ("/bert_nsp", lambda: ("The ship left the harbour.", "By noon the coast was out of sight.", "bert_small.eltec", "en")),
    ("/bert_model_view", lambda: ("The cat sat on the mat.", "It was happy.", "bert_small.eltec", "en")),
]  # fmt: skip
# Figure endpoints with new arguments on every call (so matplotlib draws, beside the live runs'
# frames and the start-up warm-up): log-scale axes, whose tick labels go through mathtext
_fresh = itertools.count(1)
FIGURES = [
    ("/transformer_scaling", lambda: (2 + next(_fresh) % 255, "en")),
    ("/transformer_schedule", lambda: (64 * random.randint(1, 32), 100 * random.randint(1, 200),
                                       1000 * random.randint(1, 300), "en")),
    ("/transformer_smoothing", lambda: (random.randint(0, 90) / 100, random.randint(2, 50), "en")),
    ("/transformer_positional", lambda: (8 * random.randint(1, 128), 10 * random.randint(2, 100), "0, 1, 5",
                                         random.randint(1, 19), "en")),
    ("/resnet_grad_norms", lambda: (random.choice([8, 14, 20]), 10 * random.randint(0, 3), "en")),
]  # fmt: skip
LIVE = [
    ("/resnet_live", lambda: (14, 100, "en")),
    ("/gan_game_1d", lambda: (3, 3e-3, 3e-3, "non-saturating", 300, "en")),
]
WARM_LIVE = [
    ("/resnet_live", (14, 20, "en")),
    ("/gan_game_1d", (3, 3e-3, 3e-3, "non-saturating", 50, "en")),
]


def _sample_rss(pid: int, stop: float, out: list) -> None:
    t0 = time.monotonic()
    while time.monotonic() < stop:
        out.append((round(time.monotonic() - t0), round(rss_mb(pid))))
        time.sleep(10)


def user(
    url: str,
    stop: float,
    stats: dict,
    lock: threading.Lock,
    defaults: dict,
    seed: int,
    live_share: float = 0.1,
    figure_share: float = 0.0,
) -> None:
    from gradio_client import Client

    rnd = random.Random(seed)
    client = None
    while (
        client is None and time.monotonic() < stop
    ):  # a busy server may be slow to send its config
        try:
            client = Client(url, verbose=False)
        except Exception as e:  # counted: a user who cannot even open the page is an error
            with lock:
                stats["(connect)"]["ms"].append(0.0)
                stats["(connect)"]["errors"].append(f"{type(e).__name__}: {str(e)[:160]}")
    if client is None:
        return
    while time.monotonic() < stop:
        r = rnd.random()
        name, make = rnd.choice(
            LIVE if r < live_share else FIGURES if r < live_share + figure_share else MIX
        )
        t0 = time.perf_counter()
        rank = 0
        try:
            if make is None:
                job = client.submit(api_name=name, **defaults[name])
            else:
                job = client.submit(*make(), api_name=name)
            while not job.done():
                st = job.status()
                rank = max(rank, st.rank or 0) if st is not None else rank
                time.sleep(0.05)
            job.result()
            ok, err = True, None
        except Exception as e:
            ok, err = False, f"{type(e).__name__}: {str(e)[:160]}"
        ms = (time.perf_counter() - t0) * 1000
        with lock:
            stats[name]["ms"].append(ms)
            stats[name]["max_rank"] = max(stats[name]["max_rank"], rank)
            if not ok:
                stats[name]["errors"].append(err)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "load.json")
    ap.add_argument(
        "--warmup",
        type=float,
        default=30,
        help="seconds of the same users (no live runs) before the start RSS is read",
    )
    ap.add_argument(
        "--figure_share",
        type=float,
        default=0.3,
        help="share of the calls that draw a figure with new arguments (0: none)",
    )
    args = ap.parse_args()
    from gradio_client import Client

    with tempfile.TemporaryDirectory() as d:
        proc, url, _ = start_app(Path(d))
        try:
            warm = Client(url, verbose=False)
            api = warm.view_api(print_info=False, return_format="dict")["named_endpoints"]
            defaults = {
                name: {
                    p["parameter_name"]: (
                        p["parameter_default"] if p.get("parameter_has_default") else "en"
                    )
                    for p in api[name]["parameters"]
                    if p.get("parameter_has_default") or p["parameter_name"] == "lang"
                }
                for name, _ in MIX
                if name in api
            }
            for name, make in MIX:  # every model loaded before the clock starts
                warm.predict(
                    *(make() if make else ()), api_name=name, **({} if make else defaults[name])
                )
            for name, live_args in WARM_LIVE:  # and the live runs' first allocations (short runs)
                warm.predict(*live_args, api_name=name)
            rss_loaded = rss_mb(proc.pid)
            # one-time growth (gradio's worker threads, their malloc arenas, caches) vs growth under
            # load: the same users without live runs for --warmup seconds, then the start RSS
            warm_stats: dict = defaultdict(lambda: {"ms": [], "errors": [], "max_rank": 0})
            warm_stop = time.monotonic() + args.warmup
            warmers = [
                threading.Thread(
                    target=user,
                    args=(url, warm_stop, warm_stats, threading.Lock(), defaults, 1000 + i, 0.0),
                    daemon=True,
                )
                for i in range(args.users if args.warmup > 0 else 0)
            ]
            for th in warmers:
                th.start()
            for th in warmers:
                th.join(timeout=args.warmup + 120)
            rss0 = rss_mb(proc.pid)
            timeline = []  # (seconds, RSS MB) every 10 s: growth that levels off vs a leak
            sampler = threading.Thread(
                target=_sample_rss,
                args=(proc.pid, time.monotonic() + args.seconds, timeline),
                daemon=True,
            )
            sampler.start()
            stats: dict = defaultdict(lambda: {"ms": [], "errors": [], "max_rank": 0})
            lock = threading.Lock()
            stop = time.monotonic() + args.seconds
            threads = [
                threading.Thread(
                    target=user,
                    args=(url, stop, stats, lock, defaults, i, 0.1, args.figure_share),
                    daemon=True,
                )
                for i in range(args.users)
            ]
            t0 = time.perf_counter()
            for th in threads:
                th.start()
            for th in threads:
                th.join(timeout=args.seconds + 300)
            wall = time.perf_counter() - t0
            rss1 = rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(10)
            log = (
                Path(tempfile.gettempdir()) / "paper-gallery-load-app.log"
            )  # the server's output, for errors
            server_log = (Path(d) / "app.log").read_text(errors="replace")
            log.write_text(server_log)
    tracebacks = server_log.count("Traceback (most recent call last)")
    warm_failures = server_log.count(
        "warm-up of "
    )  # plots.warm_in_background prints only its failures so
    rows = {
        n: {
            "calls": len(s["ms"]),
            "errors": len(s["errors"]),
            "p50_ms": round(pct(s["ms"], 50)),
            "p95_ms": round(pct(s["ms"], 95)),
            "max_queue_position": s["max_rank"],
            "first_error": s["errors"][0] if s["errors"] else None,
        }
        for n, s in sorted(stats.items())
        if s["ms"]
    }
    total = sum(r["calls"] for r in rows.values())
    errors = sum(r["errors"] for r in rows.values())
    all_ms = [m for s in stats.values() for m in s["ms"]]
    summary = {
        "users": args.users,
        "seconds": round(wall, 1),
        "calls": total,
        "errors": errors,
        "p50_ms": round(pct(all_ms, 50)),
        "p95_ms": round(pct(all_ms, 95)),
        "rss_models_loaded_mb": round(rss_loaded),
        "warmup_s": args.warmup,
        "warmup_errors": sum(len(s["errors"]) for s in warm_stats.values()),
        "rss_start_mb": round(rss0),
        "rss_end_mb": round(rss1),
        "rss_growth_pct": round(100 * (rss1 - rss0) / rss0, 1),
        "rss_timeline_mb": timeline,
        "figure_share": args.figure_share,
        "server_tracebacks": tracebacks,
        "server_warmup_failures": warm_failures,
        "endpoints": rows,
    }
    args.json.write_text(json.dumps(summary, indent=1))
    print(
        f"{args.users} users, {summary['seconds']} s: {total} calls, {errors} errors (target 0); "
        f"p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms; RSS {summary['rss_start_mb']} → "
        f"{summary['rss_end_mb']} MB ({summary['rss_growth_pct']:+.1f}%, target < +10%)"
    )
    print(
        f"RSS with every model loaded {summary['rss_models_loaded_mb']} MB; after a {args.warmup:.0f} s warm-up "
        f"of the same users (no live runs, {summary['warmup_errors']} errors) {summary['rss_start_mb']} MB"
    )
    print("RSS every 10 s (s: MB): " + ", ".join(f"{t}: {mb}" for t, mb in timeline))
    print(
        f"server log: {tracebacks} tracebacks, {warm_failures} failed warm-ups (target 0/0): {log}"
    )
    print(
        f"{'endpoint':<26} {'calls':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max queue pos':>14}"
    )
    for n, r in rows.items():
        print(
            f"{n:<26} {r['calls']:>6} {r['errors']:>6} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_queue_position']:>14}"
            + (f"   {r['first_error']}" if r["first_error"] else "")
        )


if __name__ == "__main__":
    main()
