"""Classify latency of the ResNet tab, and our module against torchvision's on the same weights.

    .venv/bin/python bench/resnet.py [--iters 50] [--threads 2]

Prints one table: forward p50/p95 of our module and of torchvision's model holding the same
(random) weights, interleaved so both see the same machine load, their ratio (target <= 1.0), and
the tab's whole classify path (decode, preprocess, forward + Grad-CAM backward) p50/p95.
The real ImageNet weights are not needed: latency does not depend on the values.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
import torchvision

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pct, ratio_text, timed  # noqa: E402
from lab import resnet as RL  # noqa: E402
from lab import tab_defaults  # noqa: E402
from models import resnet as R  # noqa: E402


def compare(
    name: str, ours: torch.nn.Module, ref: torch.nn.Module | None, size: int, iters: int
) -> dict:
    x = torch.randn(1, 3, size, size)
    a, b = [], []
    with torch.inference_mode():
        for _ in range(5):
            ours(x)
            if ref is not None:
                ref(x)
        for _ in range(iters):  # interleaved: both see the same load
            t0 = time.perf_counter()
            ours(x)
            a.append((time.perf_counter() - t0) * 1000)
            if ref is not None:
                t0 = time.perf_counter()
                ref(x)
                b.append((time.perf_counter() - t0) * 1000)
    row = {"model": name, "ours_p50": pct(a, 50), "ours_p95": pct(a, 95)}
    if b:
        row.update(
            ref_p50=pct(b, 50),
            ref_p95=pct(b, 95),
            ratio_p50=pct(a, 50) / pct(b, 50),
            ratio_text=ratio_text(a, b),
        )
    return row


def classify_path(model: R.ResNet, iters: int) -> list[float]:
    """The tab's classify: PIL decode of a photo, preprocessing, forward + Grad-CAM."""
    import PIL.Image
    import skimage

    path = Path(skimage.__file__).parent / "data" / "chelsea.png"  # the tab's first example

    def run():
        with PIL.Image.open(path) as img:
            RL.predict(model, R.preprocess(img.convert("RGB"), model.config))

    return timed(run, iters)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument(
        "--no-live",
        action="store_true",
        help="skip the tab's default live run (bench/all times it)",
    )
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    rows = []
    for name, tv in [
        ("resnet18", torchvision.models.resnet18),
        ("resnet50", torchvision.models.resnet50),
    ]:
        torch.manual_seed(0)
        ref = tv().eval()
        ours = R.resnet(name).eval()
        ours.load_state_dict(ref.state_dict(), strict=True)  # the same weights
        row = compare(name + " (224², ImageNet)", ours, ref, 224, args.iters)
        c = classify_path(ours, max(10, args.iters // 2))
        row.update(classify_p50=pct(c, 50), classify_p95=pct(c, 95))
        rows.append(row)
    cifar = R.ResNet.from_pretrained(
        str(Path(__file__).resolve().parent.parent / "weights" / "resnet20_cifar10"), strict=True
    ).eval()
    row = compare("resnet20 (32², CIFAR-10, embedded)", cifar, None, 32, args.iters * 4)
    c = classify_path(cifar, args.iters)
    row.update(classify_p50=pct(c, 50), classify_p95=pct(c, 95))
    rows.append(row)

    print(
        f"torch {torch.__version__}, torchvision {torchvision.__version__}, {args.threads} threads, "
        f"batch 1, fp32, {args.iters} iterations"
    )
    head = f"{'model':36} {'ours p50/p95 ms':>16} {'torchvision p50/p95':>20} {'ratio':>6} {'classify p50/p95 ms':>20}"
    print(head)
    print("-" * len(head))
    for r in rows:
        tv = (
            f"{r['ref_p50']:.1f} / {r['ref_p95']:.1f}" if "ref_p50" in r else "n/a (no CIFAR model)"
        )
        ratio = f"{r['ratio_p50']:.2f}" if "ratio_p50" in r else "-"
        print(
            f"{r['model']:36} {r['ours_p50']:7.1f} / {r['ours_p95']:<6.1f} {tv:>20} {ratio:>6} "
            f"{r['classify_p50']:8.1f} / {r['classify_p95']:<8.1f}"
        )
    for r in rows:
        if "ratio_p50" in r:
            print(f"{r['model']}: ours / torchvision at p50: {r['ratio_text']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    if args.no_live:
        return
    # The tab's "run it yourself" with its default settings: time to the first streamed frame and
    # to the end (the target: the degradation visible within 60 s on two cores).
    depth, steps = tab_defaults.LIVE_DEFAULT["depth"], tab_defaults.LIVE_DEFAULT["steps"]
    t0 = time.perf_counter()
    first = None
    for _ in RL.degradation_run(depth=depth, steps=steps, reference=20, initial=True):
        first = first or time.perf_counter() - t0
    total = time.perf_counter() - t0
    print(
        f"live run (depth {depth}, {steps} steps, 3 nets): "
        f"first frame {first:.1f} s, finished {total:.1f} s"
    )


if __name__ == "__main__":
    main()
