"""Fill-mask latency of the BERT tab, and our module against transformers' BertForMaskedLM.

    .venv/bin/python bench/bert.py [--iters 30] [--threads 2]

1. What the tab's fill-mask runs, `models.bert.fill_mask` (tokenize, forward, softmax, top-5 per
   [MASK]; the tab adds its input checks and the HTML), on a 14-word sentence with one [MASK], for
   each weights:
   - `bert_small.eltec`, the embedded model;
   - `bert_base.uncased` when it is in the local HF cache; offline without it, a stand-in with
     bert-base-uncased's shapes (L=12, H=768, A=12, 30,522 pieces) and random weights, run
     through the same code path with the embedded tokenizer's ids.
2. The bare forward (MLM logits at every position, one 128-token sequence and a batch of 8),
   ours vs transformers' BertForMaskedLM, on the same bert-base-sized random weights (converted
   with training/convert_bert.py), both in eval mode, fp32, same threads, calls interleaved (one
   warm-up call before each timed one). Target: ours no slower.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pct, ratio_text, timed  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from models import bert as B  # noqa: E402
from models import hub  # noqa: E402

SENTENCE = "She opened the heavy wooden [MASK] and walked slowly into the dark cold room."


def line(name: str, xs: list[float]) -> str:
    return f"{name:<62} p50 {pct(xs, 50):8.1f} ms   p95 {pct(xs, 95):8.1f} ms   (n={len(xs)})"


def base_random(folder: Path):
    """A random bert-base-sized BertForPreTraining saved by transformers, and our conversion."""
    import transformers

    from training.convert_bert import from_hf

    torch.manual_seed(0)
    transformers.BertForPreTraining(transformers.BertConfig()).save_pretrained(
        folder
    )  # base shapes
    hf = transformers.BertForMaskedLM.from_pretrained(
        folder
    ).eval()  # the same tensors, no NSP head
    ours = from_hf(folder).eval()
    return hf, ours


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=30)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), fp32, eval mode")

    # 1. what the tab's fill-mask runs
    def fill(name: str):
        loaded = hub.get(name)
        tok = B.load_tokenizer(loaded.folder)
        return lambda: B.fill_mask(loaded.model, tok, SENTENCE, top_k=5)

    print(
        line(
            "fill-mask, models.bert.fill_mask, bert_small.eltec (embedded)",
            timed(fill("bert_small.eltec"), args.iters),
        )
    )
    try:
        print(
            line(
                "fill-mask, models.bert.fill_mask, bert_base.uncased (HF cache)",
                timed(fill("bert_base.uncased"), args.iters),
            )
        )
        have_base = True
    except hub.WeightsError as e:
        print(
            f"bert_base.uncased not available here ({str(e)[:90]}...): a random stand-in of its size"
        )
        have_base = False

    with tempfile.TemporaryDirectory() as d:
        hf, ours = base_random(Path(d))
        loaded = hub.get("bert_small.eltec")
        tok = B.load_tokenizer(loaded.folder)
        if not have_base:
            print(
                line(
                    "fill-mask, models.bert.fill_mask, bert-base-sized random weights",
                    timed(lambda: B.fill_mask(ours, tok, SENTENCE, top_k=5), args.iters),
                )
            )

        # 2. bare forward, ours vs transformers, the same weights
        g = torch.Generator().manual_seed(0)
        for batch, T in ((1, 16), (1, 128), (8, 128)):
            ids = torch.randint(1000, 30000, (batch, T), generator=g)
            types = torch.zeros_like(ids)
            mask = torch.ones_like(ids)
            with torch.no_grad():
                a = ours(ids, types, mask).mlm_logits
                b = hf(input_ids=ids, token_type_ids=types, attention_mask=mask).logits
                diff = (a - b).abs().max().item()
                t_ours, t_hf = [], []
                for _ in range(
                    args.iters
                ):  # interleaved, so that load from other jobs hits both alike
                    t_ours += timed(lambda: ours(ids, types, mask), 1, warmup=1)
                    t_hf += timed(
                        lambda: hf(input_ids=ids, token_type_ids=types, attention_mask=mask),
                        1,
                        warmup=1,
                    )
            print(line(f"forward {batch}x{T}, ours (models.bert.Bert)", t_ours))
            print(line(f"forward {batch}x{T}, transformers BertForMaskedLM", t_hf))
            print(
                f"    ours / transformers at p50: {ratio_text(t_ours, t_hf)}   (max |logit diff| {diff:.1e})"
            )


if __name__ == "__main__":
    main()
