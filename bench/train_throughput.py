"""How fast each training recipe runs here, and what share of the machine's matrix-multiply peak
it uses (issue #14: measure throughput before spending hours).

    OMP_NUM_THREADS=2 .venv/bin/python bench/train_throughput.py [--threads 2] [--seconds 8]

1. The peak: the best of several plain 2048 x 2048 GEMMs, fp32 and bf16, on `threads` threads.
2. One training step of each recipe (forward, backward, optimizer) as the training scripts run it
   (bf16 autocast where the CPU has AVX-512-BF16, channels_last for the convolutions, BERT's MLM
   head on the masked positions only); its FLOPs counted by torch's FlopCounterMode (matmuls and
   convolutions: what the peak measures), then timed for `seconds`.
Prints a table: items/s, model GFLOP/s, and that over the peak of the precision it runs in.
Only meaningful on a quiet machine: a second process halves everything.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import bert as B  # noqa: E402
from models import gan as G  # noqa: E402
from models import resnet as R  # noqa: E402
from models import transformer as T  # noqa: E402
from training.common import gemm_peak  # noqa: E402


def bf16_cpu() -> bool:
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resnet56(bf16: bool):
    model = R.ResNet(R.PRESETS["resnet56"]).to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    x = torch.randn(128, 3, 32, 32).to(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (128,))

    def step():
        with torch.autocast("cpu", torch.bfloat16, enabled=bf16):
            loss = F.cross_entropy(model(x).float(), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step, 128, "img"


def bert_small(bf16: bool):
    cfg = replace(B.PRESETS["small"], dropout=0.0, attention_dropout=0.0)
    model = B.Bert(cfg).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    ids = torch.randint(len(B.SPECIAL_TOKENS), cfg.vocab_size, (32, 128))
    m = B.mask_tokens(ids, cfg, torch.Generator().manual_seed(0))
    types, nsp = torch.zeros_like(ids), torch.zeros(32, dtype=torch.long)

    def step():
        with torch.autocast("cpu", torch.bfloat16, enabled=bf16):
            out = model(m.input_ids, types, mlm_positions=m.chosen)
        loss = F.cross_entropy(out.mlm_logits.float(), m.labels[m.chosen])
        loss = loss + F.cross_entropy(out.nsp_logits.float(), nsp)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step, 32 * 128, "tok"


def dcgan(preset: str):
    def make(bf16: bool):
        cfg = G.PRESETS[preset]
        g, d = G.Generator(cfg), G.Discriminator(cfg)
        og, od = (torch.optim.Adam(n.parameters(), 2e-4, betas=(0.5, 0.999)) for n in (g, d))
        real = torch.rand(64, 1, 28, 28)

        def step():  # one iteration of Algorithm 1, k = 1, as training/gan.py runs it
            G.train_step(g, d, od, og, lambda n: real, lambda n: torch.randn(n, cfg.z_dim), 64)

        return step, 64, "img"

    return make


def transformer_small(bf16: bool):
    cfg = T.PRESETS["small"]
    model = T.Transformer(cfg).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.9, 0.98), eps=1e-9)
    src = torch.randint(4, cfg.vocab_size, (96, 18))
    tgt = torch.randint(4, cfg.vocab_size, (96, 20))

    def step():
        with torch.autocast("cpu", torch.bfloat16, enabled=bf16):
            logits = model(src, tgt[:, :-1]).logits
        loss, _ = T.label_smoothed_loss(logits, tgt[:, 1:])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step, 96 * 19, "tok"


RECIPES = {
    "ResNet-56 (CIFAR, batch 128)": (resnet56, True),
    "BERT small (32 x 128 tokens)": (bert_small, True),
    "Transformer small (96 x 19 target tokens)": (transformer_small, True),
    "DCGAN (batch 64, D + G step)": (dcgan("dcgan"), False),
    "DCGAN wide (batch 64, D + G step)": (dcgan("dcgan_wide"), False),
}


def measure(make, bf16: bool, seconds: float) -> tuple[float, float, str]:
    step, items, unit = make(bf16)
    for _ in range(2):
        step()
    with FlopCounterMode(display=False) as counter:
        step()
    flops = counter.get_total_flops()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step()
        n += 1
    dt = time.perf_counter() - t0
    return items * n / dt, flops * n / dt, unit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=8.0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    has_bf16 = bf16_cpu()
    peak = {"fp32": gemm_peak(torch.float32), "bf16": gemm_peak(torch.bfloat16)}
    print(
        f"{args.threads} thread(s); AVX-512-BF16: {has_bf16}; GEMM peak fp32 "
        f"{peak['fp32'] / 1e9:.0f} GFLOP/s, bf16 {peak['bf16'] / 1e9:.0f} GFLOP/s"
    )
    print("| recipe | precision | items/s | model GFLOP/s | share of that precision's GEMM peak |")
    print("|---|---|---|---|---|")
    for name, (make, wants_bf16) in RECIPES.items():
        bf16 = wants_bf16 and has_bf16
        rate, flops, unit = measure(make, bf16, args.seconds)
        p = "bf16" if bf16 else "fp32"
        print(
            f"| {name} | {p} | {rate:,.0f} {unit}/s | {flops / 1e9:.0f} | {flops / peak[p]:.0%} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
