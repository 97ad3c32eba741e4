"""Translation latency of the Transformer tab, and training throughput of the Multi30k recipe.

    .venv/bin/python bench/transformer.py [--iters 30] [--threads 2]            # latency
    .venv/bin/python bench/transformer.py --marian --threads 1 [--iters 20]      # both weights, vs transformers
    .venv/bin/python bench/transformer.py --train --threads 1 [--bf16 true]      # training tok/s

--marian: the latency above for both weights of the tab (the embedded model, and OPUS-MT from the
local Hugging Face cache, or, offline without it, random weights of OPUS-MT's size standing in;
the output says which), then our module against transformers' MarianMTModel on the same random
OPUS-MT-sized weights (converted by training/convert_transformer.py): greedy and beam 4, with and
without attention maps, </s> suppressed on both sides so that both decode exactly 20 tokens.
Measured 2026-11-25, 1 thread, 20 runs, machine loaded by a training job and another engineer's
tests (load 2-4 on 2 cores), no OPUS-MT in the cache: embedded greedy p50 86.5 / p95 111.1 ms,
beam 4 128.8 / 147.9 ms; OPUS-MT-sized random weights greedy 501.6 / 591.4 ms, beam 4
1,152.1 / 1,231.1 ms. Ours / MarianMTModel (p50, interleaved runs): greedy 0.83x, greedy + maps
0.95x, beam 4 0.94x, beam 4 + maps 0.96x; same greedy tokens. (Before the attention pass skipped
the logits, greedy + maps measured 1.03x.)

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
import os
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pct, ratio_text  # noqa: E402
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
    print(
        f"{what}, {T.count_params(model) / 1e6:.2f} M params, {args.threads} threads, fp32, "
        f"sentence of 15 words / {len(tok.encode(SENTENCE).ids)} subwords"
    )
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
        print(
            f"{name:7s} p50 {pct(times, 50):7.1f} ms  p95 {pct(times, 95):7.1f} ms  "
            f"({len(out.tokens)} output subwords): {out.text}"
        )


# OPUS-MT en-de's architecture (Helsinki-NLP/opus-mt-en-de config.json): Marian transformer-base.
OPUS_MT_CONFIG = dict(
    vocab_size=58101,
    d_model=512,
    encoder_layers=6,
    decoder_layers=6,
    encoder_attention_heads=8,
    decoder_attention_heads=8,
    encoder_ffn_dim=2048,
    decoder_ffn_dim=2048,
    max_position_embeddings=512,
    activation_function="swish",
    scale_embedding=True,
    pad_token_id=58100,
    decoder_start_token_id=58100,
    eos_token_id=0,
    forced_eos_token_id=None,
    num_beams=1,
)
OUT_LEN = 20  # tokens decoded by both implementations (</s> suppressed)


def opus_sized_pair(tmp: Path):
    """A random MarianMTModel of OPUS-MT's size, and our module converted from it."""
    import transformers

    from training.convert_transformer import convert

    transformers.utils.logging.disable_progress_bar()

    torch.manual_seed(0)
    ref = transformers.MarianMTModel(transformers.MarianConfig(**OPUS_MT_CONFIG)).eval()
    with torch.no_grad():
        ref.final_logits_bias[0, 0] = -1e9  # never </s>: both sides decode OUT_LEN tokens
    ref.save_pretrained(tmp)
    return ref, convert(tmp)


def timed_pair(fa, fb, iters: int) -> tuple[list[float], list[float]]:
    """Alternate a and b (3 burn-in runs each), so that load from other jobs hits both alike."""
    ta, tb = [], []
    for i in range(iters + 3):
        for fn, ts in ((fa, ta), (fb, tb)):
            t0 = time.perf_counter()
            fn()
            if i >= 3:
                ts.append((time.perf_counter() - t0) * 1000)
    return ta, tb


def timed_runs(fn, iters: int) -> list[float]:
    times = []
    for i in range(iters + 3):  # 3 burn-in runs
        t0 = time.perf_counter()
        fn()
        if i >= 3:
            times.append((time.perf_counter() - t0) * 1000)
    return times


def bench_marian(args) -> None:
    import tempfile

    from models import hub

    model, tok, what = model_and_tokenizer()
    src_words = len(SENTENCE.split())
    print(
        f"{args.threads} thread(s), fp32, a {src_words}-word sentence, attention maps included; "
        f"p50 / p95 over {args.iters} runs"
    )
    with tempfile.TemporaryDirectory() as tmp:
        ref, ours = opus_sized_pair(Path(tmp))
        weights = [(what, model, tok, None)]
        os_entry = hub.read_catalogue()["transformer_base.opus_mt_ende"]
        try:  # the real OPUS-MT, if this machine has it in its Hugging Face cache
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            loaded = hub.load(os_entry)
            from training.convert_transformer import MarianTokenizer

            weights.append(
                ("OPUS-MT en-de (Hub cache)", loaded.model, MarianTokenizer(loaded.folder), None)
            )
        except hub.WeightsError as e:
            print(
                f"OPUS-MT not available offline ({str(e)[:90]}...): random weights of its size "
                f"stand in, {OUT_LEN} output tokens forced"
            )
            weights.append(("OPUS-MT-sized random weights", ours, tok, OUT_LEN))
        for name, m, tk, max_len in weights:
            n_src = len(tk.encode(SENTENCE).ids)
            for label, beam in (("greedy", 1), ("beam 4", 4)):
                ts = timed_runs(
                    lambda: T.translate(
                        m, tk, SENTENCE, beam=beam, max_len=max_len, return_attention=True
                    ),
                    args.iters,
                )
                out = T.translate(m, tk, SENTENCE, beam=beam, max_len=max_len)
                print(
                    f"  {name:32s} ({T.count_params(m) / 1e6:5.1f} M, {n_src} src subwords) {label:7s} "
                    f"p50 {pct(ts, 50):7.1f} ms  p95 {pct(ts, 95):7.1f} ms  ({len(out.tokens)} out)"
                )

        # ours vs transformers' MarianMTModel, same random OPUS-MT-sized weights, same ids
        src = T.encode_batch(tok, [SENTENCE])  # (1, S) ids; both models take them as they are
        src[src == T.PAD] = OPUS_MT_CONFIG["pad_token_id"]
        src[:, -1] = OPUS_MT_CONFIG["eos_token_id"]
        mask = torch.ones_like(src)
        print(
            f"ours vs transformers {__import__('transformers').__version__} MarianMTModel (sdpa; eager for maps), "
            f"{T.count_params(ours) / 1e6:.1f} M params, {src.size(1)} source ids, {OUT_LEN} output tokens:"
        )
        g_ours = T.greedy_decode(ours, src, max_len=OUT_LEN).tokens[0]
        with torch.no_grad():
            g_ref = ref.generate(
                src,
                attention_mask=mask,
                num_beams=1,
                do_sample=False,
                max_new_tokens=OUT_LEN,
                min_new_tokens=OUT_LEN,
            )[0, 1:].tolist()
        print(f"  same greedy tokens: {g_ours == g_ref}")
        for label, beam in (("greedy", 1), ("beam 4", 4)):
            for attn in (False, True):
                # transformers returns attention maps only from its eager attention, not sdpa
                ref.set_attn_implementation("eager" if attn else "sdpa")

                def run_ours():
                    if beam == 1:
                        return T.greedy_decode(ours, src, max_len=OUT_LEN, return_attention=attn)
                    return T.beam_search(
                        ours, src, beam=beam, max_len=OUT_LEN, return_attention=attn
                    )

                def run_ref():
                    with torch.no_grad():
                        return ref.generate(
                            src,
                            attention_mask=mask,
                            num_beams=beam,
                            do_sample=False,
                            max_new_tokens=OUT_LEN,
                            min_new_tokens=OUT_LEN,
                            output_attentions=attn,
                            return_dict_in_generate=attn,
                        )

                if attn:  # both really return maps
                    assert (
                        run_ours().attentions is not None and run_ref().cross_attentions is not None
                    )
                a, b = timed_pair(run_ours, run_ref, args.iters)
                print(
                    f"  {label:7s} {'+ attention' if attn else 'no maps    '}  ours p50 {pct(a, 50):7.1f} "
                    f"p95 {pct(a, 95):7.1f} ms | MarianMTModel p50 {pct(b, 50):7.1f} p95 {pct(b, 95):7.1f} ms "
                    f"| ours/theirs {ratio_text(a, b)}"
                )


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
    print(
        f"small ({T.count_params(model) / 1e6:.2f} M), cpu, {dtype}, "
        f"batch {B}x{L} target tokens, {args.threads} threads: {B * L / ms * 1000:.0f} tok/s, "
        f"{ms:.0f} ms/iter"
    )


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--iters", type=int, default=30)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train", action="store_true")
    p.add_argument("--marian", action="store_true", help="both weights, and ours vs MarianMTModel")
    p.add_argument("--bf16", type=lambda s: s.lower() in ("1", "true", "yes"), default=True)
    p.add_argument("--max_tokens", type=int, default=2500)
    p.add_argument("--steps", type=int, default=10)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.marian:
        bench_marian(args)
    else:
        bench_train(args) if args.train else bench_latency(args)
