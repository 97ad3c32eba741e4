"""Translation latency of the Transformer tab, and training throughput of the Multi30k recipe.

    .venv/bin/python bench/transformer.py [--iters 30] [--threads 2]            # latency
    .venv/bin/python bench/transformer.py --train --threads 1 [--bf16 true]      # training tok/s

Latency: `translate()` of one 15-word English sentence, greedy and beam 4 (alpha 0.6), with every
attention map of the final hypothesis returned (what the tab shows), p50/p95 over `--iters` runs.
Uses the embedded weights when they exist, else the "small" preset with random weights and a
tokenizer learnt on Multi30k train (latency barely depends on the values; output length does,
so random weights are forced to the same output length via `max_len`).
Measured 2026-11-25 with the embedded weights, machine loaded by 3-4 other training jobs (load ~3.7
on 2 cores), 20 runs: 1 thread: greedy p50 43 ms / p95 55 ms, beam 4 p50 53 ms / p95 68 ms;
2 threads: greedy p50 52 ms / p95 1,076 ms, beam 4 p50 2,414 ms / p95 5,723 ms (OpenMP threads
waiting on each other on a busy machine: on shared cores translate with 1 thread).
Training: forward + backward + Adam step on random batches of the recipe's shape (~2,500 padded
tokens a side), burn-in then timed steps, target tokens per second. Same machine, 1 thread:
bf16 autocast 2,795 tok/s, fp32 1,406 tok/s (the real run, with padding, collation and the load
of other jobs: 790-1,670, mean 1,307).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pct  # noqa: E402
from models import transformer as T

ROOT = Path(__file__).resolve().parent.parent
EMBEDDED = ROOT / "weights" / "transformer_multi30k"
SENTENCE = "A girl in a red dress is running across the green grass with her dog."


def model_and_tokenizer():
    if (EMBEDDED / "model.safetensors").exists():
        model, tok = T.load(EMBEDDED)
        return model, tok, "embedded transformer_multi30k"
    import gzip

    with gzip.open("/work/shared/data/multi30k/train.en.gz", "rt") as f:
        tok = T.train_tokenizer(f.read().split("\n")[:5000], vocab_size=8000)
    torch.manual_seed(0)
    return T.Transformer(T.PRESETS["small"]).eval(), tok, "random small preset"


def bench_latency(args) -> None:
    model, tok, what = model_and_tokenizer()
    assert len(SENTENCE.split()) == 15
    max_len = None if what.startswith("embedded") else 20  # random weights: fix the length
    print(f"{what}, {T.count_params(model) / 1e6:.2f} M params, {args.threads} threads, fp32, "
          f"sentence of 15 words / {len(tok.encode(SENTENCE).ids)} subwords")  # fmt: skip
    for name, beam in (("greedy", 1), ("beam 4", 4)):
        times = []
        for i in range(args.iters + 3):  # 3 burn-in runs
            t0 = time.perf_counter()
            out = T.translate(
                model, tok, SENTENCE, beam=beam, max_len=max_len, return_attention=True
            )
            if i >= 3:
                times.append((time.perf_counter() - t0) * 1000)
        assert out.attentions is not None
        print(f"{name:7s} p50 {pct(times, 50):7.1f} ms  p95 {pct(times, 95):7.1f} ms  "
              f"({len(out.tokens)} output subwords): {out.text}")  # fmt: skip


def bench_train(args) -> None:
    cfg = T.PRESETS["small"]
    torch.manual_seed(0)
    model = T.Transformer(cfg).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.9, 0.98), eps=1e-9)
    B, S, L = args.max_tokens // 18, 17, 18  # Multi30k: ~15-16 subwords + </s> per side
    src = torch.randint(4, cfg.vocab_size, (B, S))
    tgt = torch.randint(4, cfg.vocab_size, (B, L))
    times = []
    for i in range(args.steps + 2):  # 2 burn-in steps
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            logits = model(src, tgt).logits
        loss, _ = T.label_smoothed_loss(logits, tgt, 0.1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if i >= 2:
            times.append(time.perf_counter() - t0)
    ms = statistics.median(times) * 1000
    dtype = "bf16 autocast" if args.bf16 else "fp32"
    print(f"small ({T.count_params(model) / 1e6:.2f} M), cpu, {dtype}, "
          f"batch {B}x{L} target tokens, {args.threads} threads: {B * L / ms * 1000:.0f} tok/s, "
          f"{ms:.0f} ms/iter")  # fmt: skip


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--iters", type=int, default=30)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train", action="store_true")
    p.add_argument("--bf16", type=lambda s: s.lower() in ("1", "true", "yes"), default=True)
    p.add_argument("--max_tokens", type=int, default=2500)
    p.add_argument("--steps", type=int, default=10)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    bench_train(args) if args.train else bench_latency(args)
