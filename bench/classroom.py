"""A lecture hall votes at once (issue #18): students join and vote in a short window, loopback only.

    .venv/bin/python bench/classroom.py [--students 200] [--seconds 10] [--url URL] [--json FILE]

Starts `python app.py` (its own classroom database in a temp folder) unless --url names a running
one. A presenter (Chromium, the real Classroom tab) opens a room; then `--students` simulated phones
do what the students' page does, over HTTP: load the page, join, poll the room every ~2 s, vote once
at a random moment, all within `--seconds`; a third of the way in, one of them tries to vote a second
time (must be refused: 409). Meanwhile one user keeps calling other tabs (BERT fill-mask, ResNet
architecture, GAN samples) through gradio's API. After the window the presenter presses Reveal.

Reports:
- errors: every student request that failed or was refused, but for the intended second votes
  (target 0);
- the presenter's histogram lag: for each accepted vote, the time until the presenter's page showed
  at least that many votes (a MutationObserver in the page stamps each change); max and p95
  (target: max <= 2 s);
- the reveal: seconds from the click until every phone's poll saw the answer;
- the other tabs: latency of their calls before and during the window, and their errors (target 0);
- request latency of the students' calls (p50, p95, max);
- the server's CPU seconds over the window (user + system; when this script started the app), and
  the machine's load average before the run: the numbers depend on what else the machine runs.
Bounded: `--students` coroutines, each with its own timeouts; at most about `--seconds` + 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import pct  # noqa: E402

OTHER_TABS = [
    (
        "/bert_fill_mask",
        ("She opened the [MASK] and walked into the room.", 5, "bert_small.eltec", "en"),
    ),
    ("/resnet_architecture", ("resnet50", "en")),
    ("/gan_samples", ("dcgan.mnist", 0, 16, "en")),
]
CHOICES = ["plain20", "plain56", "same"]  # the first question in lecture order (ResNet, Fig. 6)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def other_tabs(url: str, stop: threading.Event, out: list, errors: list) -> None:
    """One user on the other tabs, call after call, until `stop`: (start time, ms, endpoint)."""
    from gradio_client import Client

    client = Client(url, verbose=False, analytics_enabled=False)
    i = 0
    while not stop.is_set():
        name, args = OTHER_TABS[i % len(OTHER_TABS)]
        i += 1
        t0 = time.time()
        try:
            client.predict(*args, api_name=name)
            out.append((t0, 1000 * (time.time() - t0), name))
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors.append(f"{name}: {type(e).__name__}: {e}"[:200])
            time.sleep(0.5)  # a refusal comes back at once: do not hammer the server with it


async def student(
    i: int, http, url: str, code: str, window: float, t_start: float, log: dict, twin: bool
) -> None:
    """One phone: page, join, polls, one vote (and, for `twin`, a refused second one), then polls
    until the reveal is seen or the bench ends."""
    token = secrets.token_hex(16)
    rng = random.Random(i)
    join_at = t_start + rng.uniform(0, window * 0.5)
    vote_at = join_at + rng.uniform(0.5, max(0.6, window - (join_at - t_start) - 0.3))
    choice = rng.choice(CHOICES)

    async def req(kind, method, path, **kw):
        t0 = time.time()
        try:
            r = await http.request(method, url + path, timeout=15, **kw)
            log["lat"].setdefault(kind, []).append(1000 * (time.time() - t0))
            return r
        except Exception as e:  # noqa: BLE001 - counted
            log["errors"].append(f"{kind}: {type(e).__name__}")
            return None

    await asyncio.sleep(max(0.0, join_at - time.time()))
    r = await req("page", "GET", f"/join?room={code}")
    if r is None or r.status_code != 200:
        return log["errors"].append(f"page: {getattr(r, 'status_code', '-')}")
    r = await req("enter", "POST", "/join/api/enter", json={"room": code, "token": token})
    if r is None or r.status_code != 200:
        return log["errors"].append(f"enter: {getattr(r, 'status_code', '-')}")
    state = r.json()
    voted = False
    while not log["done"]:
        now = time.time()
        if not voted and now >= vote_at:
            r = await req(
                "vote",
                "POST",
                "/join/api/vote",
                json={"room": code, "token": token, "pos": 0, "choice": choice},
            )
            if r is None or r.status_code != 200:
                log["errors"].append(f"vote: {getattr(r, 'status_code', '-')}")
            else:
                log["accepted"].append(time.time())
            voted = True
            if twin:  # the same browser again: must be refused
                r = await req(
                    "vote",
                    "POST",
                    "/join/api/vote",
                    json={"room": code, "token": token, "pos": 0, "choice": choice},
                )
                log["twin"].append(getattr(r, "status_code", None))
            continue
        await asyncio.sleep(
            min(1.8 + rng.random() * 0.6, max(0.0, vote_at - now) if not voted else 9)
        )
        r = await req(
            "state", "POST", "/join/api/state", json={"room": code, "token": token, "v": state["v"]}
        )
        if r is None or r.status_code != 200:
            log["errors"].append(f"state: {getattr(r, 'status_code', '-')}")
            continue
        data = r.json()
        if not data.get("same"):
            state = data
            if data.get("revealed") and i not in log["saw_reveal"]:
                log["saw_reveal"][i] = time.time()


async def hall(url: str, code: str, n: int, window: float, log: dict) -> None:
    import httpx

    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(limits=limits) as http:
        t_start = time.time() + 0.2
        log["t_start"] = t_start
        await asyncio.gather(
            *(
                student(i, http, url, code, window, t_start, log, twin=(i == n // 3))
                for i in range(n)
            )
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--url", default=None, help="a running app (else one is started)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-classroom-"))
    load0 = os.getloadavg()[0]  # the machine's 1-minute load average before the bench
    proc = None
    if args.url is None:
        from bench.all import start_app

        os.environ["PAPER_GALLERY_CLASSROOM_DB"] = str(tmp / "classroom.sqlite3")
        proc, url, start_s = start_app(tmp)
        print(f"app started in {start_s:.1f} s at {url}")
    else:
        url = args.url.rstrip("/")
    log = {"lat": {}, "errors": [], "accepted": [], "twin": [], "saw_reveal": {}, "done": False}
    other_lat, other_err = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu"],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            page.goto(f"{url}/?tab=classroom&lang=en")
            page.locator("#cls-start").click()
            page.locator("#cls-code").wait_for()
            code = page.locator("#cls-code").get_attribute("data-code")
            # every change of the presenter's vote count, stamped in the page
            page.evaluate("""() => { window.__votes = [];
              const seen = () => { const el = document.querySelector('#cls-votes');
                if (el) { const n = +el.dataset.n; const last = window.__votes[window.__votes.length - 1];
                  if (!last || last[1] !== n) window.__votes.push([Date.now(), n]); } };
              new MutationObserver(seen).observe(document.body, {subtree: true, childList: true, attributes: true});
              seen(); }""")

            # the other tabs alone first (baseline), then during the hall
            stop = threading.Event()
            th = threading.Thread(
                target=other_tabs, args=(url, stop, other_lat, other_err), daemon=True
            )
            th.start()
            time.sleep(15)
            t_hall = time.time()
            cpu0 = cpu_seconds(proc.pid) if proc else None
            runner = threading.Thread(
                target=lambda: asyncio.run(hall(url, code, args.students, args.seconds, log))
            )
            runner.start()
            time.sleep(args.seconds + 3.5)  # the window, then the last votes' ticks
            t_hall_end = time.time()
            cpu1 = cpu_seconds(proc.pid) if proc else None
            t_click = time.time()
            page.locator("#cls-reveal").click()
            page.locator("#cls-result").filter(has_text="Measured answer").wait_for(timeout=120_000)
            t_revealed_presenter = time.time()
            deadline = time.time() + 30
            while len(log["saw_reveal"]) < args.students and time.time() < deadline:
                time.sleep(0.2)
            log["done"] = True
            runner.join(60)
            stop.set()
            th.join(120)
            votes_seen = page.evaluate("() => window.__votes")
            final_n = int(page.locator("#cls-votes").get_attribute("data-n"))
            browser.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(20)

    # the presenter's lag: vote k (in order of acceptance) is shown when the page first shows >= k
    accepted = sorted(log["accepted"])
    lags = []
    for k, t in enumerate(accepted, start=1):
        shown = next((ts / 1000 for ts, n in votes_seen if n >= k and ts / 1000 >= t - 0.05), None)
        lags.append(float("inf") if shown is None else max(0.0, shown - t))
    before = [ms for t0, ms, _ in other_lat if t0 < t_hall]
    during = [ms for t0, ms, _ in other_lat if t_hall <= t0 < t_hall_end]
    reveal_lag = [t - t_click for t in log["saw_reveal"].values()]
    window_used = (accepted[-1] - log["t_start"]) if accepted else float("nan")
    result = {
        "load_average_at_start": os.getloadavg()[0] if load0 is None else load0,
        "server_cpu_s_in_window": round(cpu1 - cpu0, 1) if cpu0 is not None else None,
        "window_wall_s": round(t_hall_end - t_hall, 1),
        "students": args.students,
        "window_s": args.seconds,
        "joined_and_voted": len(accepted),
        "last_vote_after_s": round(window_used, 2),
        "errors": len(log["errors"]),
        "error_kinds": sorted(set(log["errors"]))[:10],
        "second_vote_status": log["twin"],
        "presenter_final_count": final_n,
        "histogram_lag_s": {
            "p50": round(pct(lags, 50), 2),
            "p95": round(pct(lags, 95), 2),
            "max": round(max(lags), 2),
        }
        if lags
        else None,
        "reveal_measure_s": round(t_revealed_presenter - t_click, 2),
        "reveal_on_all_phones_s": round(max(reveal_lag), 2) if reveal_lag else None,
        "phones_saw_reveal": len(log["saw_reveal"]),
        "student_requests": {
            k: {
                "n": len(v),
                "p50_ms": round(pct(v, 50)),
                "p95_ms": round(pct(v, 95)),
                "max_ms": round(max(v)),
            }
            for k, v in log["lat"].items()
        },
        "other_tabs": {
            "before": {
                "n": len(before),
                "p50_ms": round(pct(before, 50)) if before else None,
                "max_ms": round(max(before)) if before else None,
            },
            "during": {
                "n": len(during),
                "p50_ms": round(pct(during, 50)) if during else None,
                "max_ms": round(max(during)) if during else None,
            },
            "errors": other_err[:5],
        },
    }
    print(json.dumps(result, indent=1, ensure_ascii=False))
    ok = (
        result["errors"] == 0
        and len(accepted) == args.students
        and final_n == args.students
        and lags
        and max(lags) <= 2.0
        and log["twin"] == [409]
        and not other_err
        and during
    )
    print("targets met" if ok else "TARGETS MISSED")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
