"""Every Hub-sized model loaded at once (issue 15, section 4): RSS, load time, the cost of the
sha256 checks, and latency p95 of fill-mask, translate (beam 4) and classify, on 2 threads.

    .venv/bin/python bench/hub_models.py [--dir /tmp/pg-hub-bench] [--iters 20] [--keep]

The Hub is not reachable here, so the checkpoints are random weights of the real shapes, written
in the real layouts (bert-base-uncased: config.json + model.safetensors + tokenizer.json with its
30,522 pieces; bert-base-chinese: vocab.txt with 21,128 pieces; OPUS-MT en-de and en-zh:
pytorch_model.bin + SentencePiece + vocab.json of 58,101 pieces (en-de's config) and 65,001 (en-zh:
assumed, as its sister model zh-en has; not checked offline); ResNet-50:
torchvision's layout) into a Hugging Face cache under the real repo ids and revisions, with a
catalogue that pins their sha256. A fresh process then does what the app does: imports gradio,
torch and matplotlib, decides every tab's default (`best_available`, which hashes every file
once), and loads every model through `models.hub.get` (the converters, the pinned-.bin path).
RSS is read from /proc after each load; VmHWM is the peak. Latency: fill-mask on the two BERTs
(the tab's helper, 15 and 19 pieces), translate with beam 4 on the two OPUS-MT models (a
14-word sentence, 22-23 source pieces, 24 decoder steps: random weights never say </s>, so the length is fixed),
classify with ResNet-50 (forward + Grad-CAM, as the tab does) on a 224x224 crop of a photo.
Latency is timed at 2 threads (the issue's setting) and at 1, wall clock and process CPU time.
Target: RSS <= 4 GB with all of them loaded (a 2-vCPU / 16 GB Space, with headroom).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAMES = [
    "bert_base.uncased",
    "bert_base.chinese",
    "transformer_base.opus_mt_ende",
    "transformer_base.opus_mt_enzh",
    "resnet50.tv_in1k",
]
EN = [
    "A man in a blue shirt is riding a bike down the street.",
    "Two dogs are playing in the snow.",
    "The girl is reading a book in the park.",
    "People are walking along the river.",
]
ZH = [
    "一个穿蓝色衬衫的男人在街上骑自行车。",
    "两只狗在雪地里玩。",
    "女孩在公园里读书。",
    "人们沿着河边散步。",
]
SENTENCE = "A man in a blue shirt is riding a bike down the street with his dog."
WORDS = (
    "the a man in blue shirt is riding bike down street two dogs are playing snow girl reading "
    "book park people walking along river went to store buy milk of and . , ! ?"
).split()


def rss_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def hwm_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- 1. checkpoints of the real shapes (a separate process: its memory is not measured) -----------


def _bert_vocab(size: int, chinese: bool) -> list[str]:
    vocab = ["[PAD]"] + [f"[unused{i}]" for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += WORDS
    if chinese:
        vocab += [chr(c) for c in range(0x3000, 0x3040)] + [chr(c) for c in range(0x4E00, 0x9FFF)]
    vocab += [f"##w{i}" for i in range(size)]
    return vocab[:size]


def make(out: Path) -> None:
    import torch
    import torchvision
    import transformers
    from safetensors.torch import save_file

    from training.convert_transformer import sentencepiece_model, write_opus_mt

    torch.manual_seed(0)
    out.mkdir(parents=True, exist_ok=True)
    # bert-base-uncased: BertForPreTraining + a 30,522-piece tokenizer.json
    d = out / "bert_base.uncased"
    d.mkdir(exist_ok=True)
    cfg = transformers.BertConfig()  # BERT-BASE: 12 x 768, 12 heads, 30,522 pieces, 512 positions
    transformers.BertForPreTraining(cfg).save_pretrained(d, safe_serialization=True)
    from models.bert import tokenizer_from_vocab

    vocab = _bert_vocab(cfg.vocab_size, chinese=False)
    (d / "vocab.txt").write_text("\n".join(vocab) + "\n")
    tok = tokenizer_from_vocab(d / "vocab.txt", lowercase=True)
    tok.save(str(d / "tokenizer.json"))
    (d / "vocab.txt").unlink()
    # bert-base-chinese: BertForPreTraining + a 21,128-piece vocab.txt
    d = out / "bert_base.chinese"
    d.mkdir(exist_ok=True)
    cfg = transformers.BertConfig(vocab_size=21128)
    transformers.BertForPreTraining(cfg).save_pretrained(d, safe_serialization=True)
    (d / "vocab.txt").write_text("\n".join(_bert_vocab(21128, chinese=True)) + "\n")
    # OPUS-MT: Marian transformer-base, pytorch_model.bin (as the pinned revisions hold them)
    for name, V, tgt_sents, lang_tokens in (
        ("transformer_base.opus_mt_ende", 58101, EN, ()),
        ("transformer_base.opus_mt_enzh", 65001, ZH, (">>cmn_Hans<<",)),
    ):
        # SentencePiece on the README's English and the bench's sentences: common words are one
        # piece or two, as with OPUS-MT's 32k models (the 14-word source below: 21 pieces + </s>)
        english = (
            [ln for ln in (ROOT / "README.md").read_text().splitlines() if ln.strip()]
            + EN * 20
            + [SENTENCE] * 20
        )
        src, tgt = sentencepiece_model(english, 1000, 2), sentencepiece_model(tgt_sents, 50, 2)
        m, _ = write_opus_mt(out / name, src, tgt, lang_tokens, vocab_size=V, weights="bin")
        del m  # transformer-base's sizes
    # ResNet-50, torchvision's layout (as timm publishes the tv_in1k weights)
    d = out / "resnet50.tv_in1k"
    d.mkdir(exist_ok=True)
    r = torchvision.models.resnet50()
    save_file({k: v.contiguous() for k, v in r.state_dict().items()}, d / "model.safetensors")


def install(out: Path, cache: Path, weights: Path) -> dict:
    """The stand-ins into a Hub cache (blobs + snapshot links) and a weights/ copy whose catalogue
    pins their sha256 (embedded folders linked)."""
    from models import hub

    cat = hub.read_catalogue()
    sizes = {}
    for name in NAMES:
        e = cat[name]
        repo = cache / ("models--" + e.repo_id.replace("/", "--"))
        snap = repo / "snapshots" / e.revision
        snap.mkdir(parents=True, exist_ok=True)
        (repo / "blobs").mkdir(exist_ok=True)
        files = {}
        for f, pin in e.files.items():
            digest = hub.sha256(out / name / f)
            blob = repo / "blobs" / digest
            shutil.copyfile(out / name / f, blob)
            if not (snap / f).exists():
                os.symlink(os.path.relpath(blob, snap), snap / f)
            files[f] = digest if pin else None
        sizes[name] = sum((out / name / f).stat().st_size for f in e.files)
        cat[name] = dataclasses.replace(e, files=files)
        t = time.time() - 3600  # past the racy window of the sha256 verdicts
        for p in repo.rglob("*"):
            if p.is_file() and not p.is_symlink():
                os.utime(p, (t, t))
    weights.mkdir(parents=True, exist_ok=True)
    for p in hub.WEIGHTS_DIR.iterdir():
        if p.is_dir() and not (weights / p.name).exists():
            os.symlink(p.resolve(), weights / p.name)
    rows = {}
    for name, e in cat.items():
        row = dataclasses.asdict(e)
        row.pop("name")
        rows[name] = row
    (weights / "catalogue.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    return sizes


# --- 2. the measurement (a fresh process, as the app) -------------------------------------------------


def measure(iters: int) -> dict:
    import gradio  # noqa: F401  - what the app has imported before any model loads
    import matplotlib  # noqa: F401
    import torch

    torch.set_num_threads(2)
    from models import hub

    r = {"threads": torch.get_num_threads(), "rss_imports_mb": round(rss_mb())}
    t0 = time.perf_counter()
    best = {
        f"{p}/{lang}": hub.best_available(p, lang).name
        for p in hub.EMBEDDED_DEFAULT
        for lang in ("en", "zh")
    }
    r["best_available_first_s"] = round(time.perf_counter() - t0, 2)  # hashes every cached file
    t0 = time.perf_counter()
    for p in hub.EMBEDDED_DEFAULT:
        for lang in ("en", "zh"):
            hub.best_available(p, lang)
    r["best_available_again_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    r["defaults"] = best
    r["loads"] = {}
    loaded = {}
    for name in NAMES:
        before, t0 = rss_mb(), time.perf_counter()
        loaded[name] = hub.get(name)
        assert loaded[name].entry.name == name, loaded[name].notice
        r["loads"][name] = {
            "seconds": round(time.perf_counter() - t0, 2),
            "rss_add_mb": round(rss_mb() - before),
            "params_m": round(sum(p.numel() for p in loaded[name].model.parameters()) / 1e6, 1),
        }
    r["rss_hub_models_mb"] = round(rss_mb())
    for name in hub.EMBEDDED_DEFAULT.values():
        hub.get(name)
    r["rss_hub_and_embedded_mb"] = round(rss_mb())
    r["peak_rss_mb"] = round(hwm_mb())

    def timed(fn, iters: int, warmup: int = 2) -> list[float]:
        """Wall-clock ms of each call; the process CPU ms (all threads) go to `cpu`: on a busy
        machine the wall clock measures the queue for the cores, the CPU time the work itself
        (on a quiet machine with 2 threads the wall time lies between cpu/2 and cpu)."""
        for _ in range(warmup):
            fn()
        out = []
        cpu.clear()
        for _ in range(iters):
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        return out

    cpu: list[float] = []
    lat = {}
    for threads in (2, 1):
        torch.set_num_threads(threads)
        lat[threads] = latency(timed, cpu, loaded, iters)
    torch.set_num_threads(2)
    r["latency"] = lat
    return r


def latency(timed, cpu, loaded, iters) -> dict:
    import torch

    from bench.common import pct
    from models import bert as B
    from models import resnet as R
    from models import transformer as T
    from training.convert_transformer import MarianTokenizer, opus_mt_en_zh

    def p95(xs):
        return round(pct(xs, 95), 1)

    def p50(xs):
        return round(pct(xs, 50), 1)

    lat = {}
    for name, text in (
        ("bert_base.uncased", "the man went to the [MASK] to buy milk and a book ."),
        ("bert_base.chinese", "今天天气很[MASK]，我们去公园里散步吧。"),
    ):
        m = loaded[name].model
        tok = B.load_tokenizer(loaded[name].folder, lowercase=m.config.lowercase)
        with torch.inference_mode():
            xs = timed(lambda: B.fill_mask(m, tok, text, top_k=5), iters, warmup=2)
        lat[f"fill-mask {name}"] = {
            "p50_ms": p50(xs),
            "p95_ms": p95(xs),
            "cpu_p50_ms": p50(cpu),
            "cpu_p95_ms": p95(cpu),
            "tokens": len(tok.encode(text).ids),
        }
    for name, tokf in (
        ("transformer_base.opus_mt_ende", MarianTokenizer),
        ("transformer_base.opus_mt_enzh", opus_mt_en_zh),
    ):
        m, tok = loaded[name].model, tokf(loaded[name].folder)
        text = SENTENCE
        with torch.inference_mode():
            xs = timed(
                lambda: T.translate(m, tok, text, beam=4, max_len=24, return_attention=True),
                max(iters // 2, 5),
                warmup=1,
            )
        lat[f"translate beam 4 {name}"] = {
            "p50_ms": p50(xs),
            "p95_ms": p95(xs),
            "cpu_p50_ms": p50(cpu),
            "cpu_p95_ms": p95(cpu),
            "src_tokens": len(tok.encode(text).ids),
            "decoder_steps": 24,
        }
    from PIL import Image
    from skimage import data

    try:  # the tab's classify: forward + Grad-CAM (moved from models.resnet to lab.resnet)
        from lab.resnet import predict
    except ImportError:
        from models.resnet import predict
    m = loaded["resnet50.tv_in1k"].model
    x = R.preprocess(Image.fromarray(data.chelsea()), m.config)
    xs = timed(lambda: predict(m, x), iters, warmup=2)
    lat["classify resnet50.tv_in1k (forward + Grad-CAM)"] = {
        "p50_ms": p50(xs),
        "p95_ms": p95(xs),
        "cpu_p50_ms": p50(cpu),
        "cpu_p95_ms": p95(cpu),
        "input": list(x.shape),
    }
    return lat


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/pg-hub-bench")
    ap.add_argument(
        "--iters", type=int, default=20, help="timed calls each (translate: half as many)"
    )
    ap.add_argument(
        "--keep", action="store_true", help="keep the ~1.6 GB of checkpoints for the next run"
    )
    ap.add_argument("--_make", help=argparse.SUPPRESS)
    ap.add_argument("--_measure", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._make:
        make(Path(args._make))
        return
    if args._measure:
        print(json.dumps(measure(args.iters)))
        return
    base = Path(args.dir)
    src, cache, weights = base / "src", base / "cache", base / "weights"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PAPER_GALLERY_"))}
    env.update(
        OMP_NUM_THREADS="2",
        HF_HUB_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        GRADIO_ANALYTICS_ENABLED="False",
        MALLOC_ARENA_MAX="2",
    )
    t0 = time.perf_counter()
    if not (src / "resnet50.tv_in1k" / "model.safetensors").is_file():
        subprocess.run(
            [sys.executable, __file__, "--_make", str(src)], cwd=ROOT, env=env, check=True
        )
    made_s = time.perf_counter() - t0
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(weights, ignore_errors=True)
    sizes = install(src, cache, weights)
    env.update(HF_HUB_CACHE=str(cache), PAPER_GALLERY_WEIGHTS=str(weights))
    out = subprocess.run(
        [sys.executable, __file__, "--_measure", "--iters", str(args.iters)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    r = json.loads(out.stdout.strip().splitlines()[-1])
    # the verdicts kept on disk: a new process decides every default without hashing
    code = (
        "import time; from models import hub; t=time.perf_counter(); "
        "[hub.best_available(p, l) for p in hub.EMBEDDED_DEFAULT for l in ('en', 'zh')]; "
        "print(round((time.perf_counter()-t)*1000, 1))"
    )
    again = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    r["best_available_new_process_ms"] = float(again.stdout.strip() or "nan")
    r["disk_mb"] = {k: round(v / 1e6) for k, v in sizes.items()}
    r["make_s"] = round(made_s, 1)
    r["load"] = os.getloadavg()
    (ROOT / "bench" / "hub_models.json").write_text(
        json.dumps(r, indent=2, ensure_ascii=False) + "\n"
    )
    print(f"{'measure':<58} {'value':>12}")
    print(
        f"{'load average when measured (1, 5, 15 min)':<58} {' '.join(f'{x:.1f}' for x in r['load']):>12}"
    )
    print(f"{'RSS after imports (torch, gradio, matplotlib)':<58} {r['rss_imports_mb']:>9} MB")
    for name, v in r["loads"].items():
        label = "  + %s (%s M params, %s MB on disk)" % (name, v["params_m"], r["disk_mb"][name])
        print(f"{label:<58} {v['rss_add_mb']:>9} MB  load {v['seconds']:.1f} s")
    ok = "ok" if r["rss_hub_models_mb"] <= 4096 else "MISSED"
    print(
        f"{'RSS, every Hub-sized model loaded (target <= 4096 MB)':<58} {r['rss_hub_models_mb']:>9} MB  {ok}"
    )
    print(f"{'RSS, plus every embedded default':<58} {r['rss_hub_and_embedded_mb']:>9} MB")
    print(f"{'peak RSS while loading (VmHWM)':<58} {r['peak_rss_mb']:>9} MB")
    print(
        f"{'best_available, 8 defaults, first (hashes every file)':<58} {r['best_available_first_s']:>10.2f} s"
    )
    print(
        f"{'best_available, 8 defaults, again (verdicts in memory)':<58} {r['best_available_again_ms']:>9} ms"
    )
    print(
        f"{'best_available, 8 defaults, new process (verdict file)':<58} {r['best_available_new_process_ms']:>9} ms"
    )
    for threads, lat in r["latency"].items():
        print(
            f"{'latency, ' + str(threads) + ' thread(s)':<58} {'wall p50 / p95':>17}   {'CPU p50 / p95':>15}"
        )
        for name, v in lat.items():
            print(
                f"{'  ' + name:<58} {v['p50_ms']:>7.0f} / {v['p95_ms']:>6.0f} ms  {v['cpu_p50_ms']:>6.0f} / {v['cpu_p95_ms']:>6.0f} ms"
            )
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
