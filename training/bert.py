"""Pre-train a small BERT (Devlin et al. 2018) with MLM + NSP on English novels, on one CPU thread.

    OMP_NUM_THREADS=1 .venv/bin/python training/bert.py                  # the recipe in TrainConfig
    OMP_NUM_THREADS=1 .venv/bin/python training/bert.py --minutes 2 --out_dir /tmp/smoke  # smoke
    torchrun --standalone --nproc_per_node 8 training/bert.py --batch_size 256 ...   # 8 GPUs

Data: ELTeC-eng (../shared/data/eltec-eng, 99 novels 1840-1920). Five whole novels are held out
(`heldout`) and never seen by the tokenizer or the model; WikiText-2 validation
(../shared/data/wikitext-2) is a second, out-of-domain evaluation set.

Recipe vs the paper (§3.1, Appendix A.2: BooksCorpus + Wikipedia, 3.3 B words, 1 M steps of
256 x 512 tokens, BASE model):
- the same two tasks and input: "[CLS] A [SEP] B [SEP]" with segment ids, B the actual next
  text 50% of the time (IsNext) and a random span from another novel otherwise (NotNext), A + B
  at most `seq_len` tokens, the longer one truncated from a random end (as the reference
  `create_pretraining_data.py`); MLM on 15% of the tokens, 80% [MASK] / 10% random / 10% kept;
- a small model (`PRESETS["small"]`: L=4, H=256, A=4), an 8,192-piece lowercased WordPiece
  vocabulary trained with HF `tokenizers` on the training novels, sequences of 128 tokens,
  batches of 8 sequences and no dropout (the model sees each training token less than once;
  measured on the two cores: batch 8 reaches a given held-out loss ~4x sooner than batch 32);
- AdamW, beta = (0.9, 0.98) (more stable than 0.999 for a short post-LN run), weight decay 0.01,
  linear warm-up then linear decay; the schedule runs on the wall clock (`minutes`) so that a
  run fits its budget on a shared machine; the number of steps it reached is logged;
- the saved weights are fp16; the reported scores are computed from them, in fp32.
Writes into `out_dir`: config.json + model.safetensors (save_pretrained), tokenizer.json,
training_log.json (curves) and the model card README.md.

Uses a GPU when there is one; under torchrun, DistributedDataParallel (training/distributed.py):
rank 0 trains the tokenizer and hands it to the others; every rank draws the same global batch
(same seed) and trains on its slice; rank 0's clock drives the schedule, the evaluations and the
stop for every rank; rank 0 evaluates and writes the files.
"""

import json
import math
import platform
import random
import re
import shlex
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from models.bert import (  # noqa: E402
    PRESETS,
    Bert,
    BertConfig,
    Masked,
    count_params,
    mask_tokens,
    train_tokenizer,
)
from training import data, resume  # noqa: E402
from training.common import (  # noqa: E402
    config_from_args,
    fp16_roundtrip,
    save_fp16,
    stop_requested,
    update_catalogue_row,
)
from training.distributed import setup  # noqa: E402


@dataclass
class TrainConfig:
    arch: str = "small"  # a key of models.bert.PRESETS, or "LxHxA" (d_ff = 4H) for a quick run
    vocab_size: int = 8192  # WordPiece vocabulary incl. 5 specials
    tokenizer: str = ""  # a tokenizer.json to use instead of training one (runs to compare)
    seq_len: int = 128  # tokens per sequence, [CLS] + A + [SEP] + B + [SEP]
    batch_size: int = 8  # sequences per step (small: more updates per CPU-hour)
    lr: float = 5e-4  # peak learning rate
    warmup: float = 0.05  # fraction of the budget spent warming up
    weight_decay: float = 0.01
    minutes: float = 60.0  # wall-clock budget of the optimisation (the schedule runs on it)
    steps: int = 0  # > 0: the total budget in steps (the schedule runs on it; resumable)
    anneal_start: int = 0  # with anneal_end: a budget cut short. From this step on, the planned
    anneal_end: int = 0  # lr is scaled linearly down to 0 at anneal_end, where the run ends
    eval_every: float = 2.0  # minutes between evaluations on the small held-out set
    eval_steps: int = 0  # > 0: evaluate every `eval_steps` steps instead (resumable runs)
    resume: str = ""  # a state file (training/resume.py): continued if it exists, kept up to date
    save_every: float = 10.0  # minutes between writes of the state file
    piece_minutes: float = 0.0  # > 0: stop this piece after so many minutes (the state is saved)
    piece_steps: int = 0  # > 0: stop this piece at this step (tests)
    export: bool = False  # with --resume: no training, write the state's weights, scored, with card
    catalogue: bool = False  # update the bert_small.eltec row of weights/catalogue.json (shipping)
    heldout: str = "10,30,50,70,90"  # indices (sorted file names) of the held-out novels
    n_eval: int = 256  # held-out sequences of the periodic evaluation
    n_final: int = 2000  # held-out sequences of the final evaluation (novels and WikiText-2)
    dropout: float = 0.0  # paper: 0.1; 0 here, the model sees each token less than once
    pre_ln: bool = False  # True = LayerNorm before each sub-layer (models.bert.BertConfig.pre_ln)
    bf16: bool = False  # autocast to bfloat16 (only where the CPU has AVX-512-BF16)
    seed: int = 0
    threads: int = 1
    data_dir: str = "../shared/data"
    out_dir: str = "weights/bert_eltec"


def parse_args() -> TrainConfig:
    return config_from_args(TrainConfig, __doc__)


def arch_config(arch: str) -> BertConfig:
    """A size of `PRESETS` by name, or "LxHxA" such as "2x32x2" (feed-forward 4H, §3)."""
    if arch in PRESETS:
        return PRESETS[arch]
    L, H, A = (int(n) for n in arch.split("x"))
    return BertConfig(L=L, H=H, A=A, d_ff=4 * H)


# ---------------------------------------------------------------------------------------------
# Documents: lists of sentences


SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z])")


def split_sentences(paragraph: str) -> list[str]:
    """A simple rule-based splitter: after . ! ? (and closing quotes), before a capital."""
    return [s for s in SENTENCE_END.split(paragraph.strip()) if s]


class Corpus:
    """Documents as token-id sentences: `docs[d]` is a list of int32 arrays."""

    def __init__(self, tokenizer, documents: list[list[str]]):
        self.docs = []
        for paragraphs in documents:
            sents = [s for p in paragraphs for s in split_sentences(p)]
            enc = tokenizer.encode_batch(sents, add_special_tokens=False)
            self.docs.append([np.array(e.ids, dtype=np.int32) for e in enc if e.ids])
        self.docs = [d for d in self.docs if len(d) >= 2]
        self.weights = np.array([len(d) for d in self.docs], dtype=float)
        self.weights /= self.weights.sum()
        self.n_tokens = sum(len(s) for d in self.docs for s in d)


def _take(doc: list[np.ndarray], start: int, target: int) -> list[np.ndarray]:
    """Sentences from `start` until at least `target` tokens (or the document ends)."""
    out, n = [], 0
    for s in doc[start:]:
        out.append(s)
        n += len(s)
        if n >= target:
            break
    return out


def make_pair(corpus: Corpus, rng: random.Random, target: int) -> tuple[list, list, int]:
    """One NSP example: (A ids, B ids, label 0 = IsNext / 1 = NotNext), len(A) + len(B) <= target."""
    d = rng.choices(range(len(corpus.docs)), weights=corpus.weights)[0]
    doc = corpus.docs[d]
    start = rng.randrange(len(doc) - 1)
    chunk = _take(doc, start, target)
    if len(chunk) < 2:  # the document ended: take the next sentence anyway
        chunk = doc[start : start + 2]
    a_end = rng.randrange(1, len(chunk))
    a = np.concatenate(chunk[:a_end]).tolist()
    if rng.random() < 0.5:
        b, label = np.concatenate(chunk[a_end:]).tolist(), 0
    else:  # NotNext: a random span of another document
        o = rng.randrange(len(corpus.docs) - 1)
        other = corpus.docs[o + (o >= d)]
        b_start = rng.randrange(len(other))
        b, label = np.concatenate(_take(other, b_start, max(1, target - len(a)))).tolist(), 1
    while len(a) + len(b) > target:  # truncate the longer one from a random end
        longer = a if len(a) > len(b) else b
        del longer[0 if rng.random() < 0.5 else -1]
    return a, b, label


def make_batch(corpus, rng, n, seq_len, cls_id, sep_id, pad_id):
    """n examples -> ids, segment ids (n, seq_len) and NSP labels (n,)."""
    ids = torch.full((n, seq_len), pad_id, dtype=torch.long)
    types = torch.zeros((n, seq_len), dtype=torch.long)
    labels = torch.zeros(n, dtype=torch.long)
    for i in range(n):
        a, b, labels[i] = make_pair(corpus, rng, seq_len - 3)
        x = [cls_id, *a, sep_id, *b, sep_id]
        ids[i, : len(x)] = torch.tensor(x)
        types[i, len(a) + 2 : len(x)] = 1
    return ids, types, labels


# ---------------------------------------------------------------------------------------------
# Evaluation: MLM top-1 and perplexity over the chosen positions, NSP accuracy


def fixed_set(corpus, n, cfg: TrainConfig, mcfg, seed: int, batch: int = 64):
    """A deterministic list of corrupted batches (the same masking for every evaluation)."""
    rng, gen = random.Random(seed), torch.Generator().manual_seed(seed)
    out = []
    for s in range(0, n, batch):
        ids, types, nsp = make_batch(
            corpus, rng, min(batch, n - s), cfg.seq_len, mcfg.cls_id, mcfg.sep_id, mcfg.pad_id
        )
        out.append((mask_tokens(ids, mcfg, gen), types, nsp))
    return out


@torch.no_grad()
def evaluate(model: Bert, batches) -> dict:
    model.eval()
    device = next(model.parameters()).device
    nll = correct = n = nsp_correct = nsp_n = 0
    for m, types, nsp in batches:
        m, types, nsp = Masked(*(t.to(device) for t in m)), types.to(device), nsp.to(device)
        out = model(m.input_ids, types, mlm_positions=m.chosen)
        target = m.labels[m.chosen]
        nll += F.cross_entropy(out.mlm_logits.float(), target, reduction="sum").item()
        correct += (out.mlm_logits.argmax(-1) == target).sum().item()
        n += target.numel()
        nsp_correct += (out.nsp_logits.argmax(-1) == nsp).sum().item()
        nsp_n += nsp.numel()
    model.train()
    return {
        "mlm_acc": correct / n,
        "mlm_ppl": math.exp(nll / n),
        "mlm_n": n,
        "nsp_acc": nsp_correct / nsp_n,
        "nsp_n": nsp_n,
    }


def main() -> None:
    cfg = parse_args()
    ddp = setup()  # one process, or one of torchrun's: rank, world_size, device
    master, device = ddp.is_master, ddp.device  # rank 0 prints, evaluates and writes files
    assert cfg.batch_size % ddp.world_size == 0, "batch_size is global: a multiple of the ranks"
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)  # the same on every rank: the same global batches, sliced
    out_dir = Path(cfg.out_dir)
    if master:
        out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.time()

    # 1. Data: held-out novels never reach the tokenizer or the model
    novels = data.eltec(Path(cfg.data_dir, "eltec-eng"))
    names = sorted(novels)
    held = {names[int(i)] for i in cfg.heldout.split(",")}
    train_docs = [novels[k] for k in names if k not in held]
    held_docs = [novels[k] for k in names if k in held]
    state_file = Path(cfg.resume) if cfg.resume else None
    resuming = state_file is not None and state_file.exists()
    if cfg.export and not resuming:
        raise SystemExit("--export true needs --resume with an existing state file")
    assert not cfg.resume or cfg.steps > 0, "--resume needs a budget in steps (--steps)"
    if resuming or cfg.tokenizer:  # the run's own vocabulary, or the given one, not a new one
        from tokenizers import Tokenizer

        tokenizer = (
            Tokenizer.from_str(resume.header(state_file)["meta"]["tokenizer"])
            if resuming
            else Tokenizer.from_file(cfg.tokenizer)
        )
    elif master:  # trained twice on the same text it can differ (huggingface/tokenizers#1794)
        tokenizer = train_tokenizer((p for d in train_docs for p in d), cfg.vocab_size)
    # rank 0's vocabulary on every rank (training it twice can give two vocabularies)
    if ddp.ddp and not (resuming or cfg.tokenizer):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_str(ddp.from_master(tokenizer.to_str() if master else None))
    mcfg = replace(
        arch_config(cfg.arch),
        vocab_size=tokenizer.get_vocab_size(),
        max_position=cfg.seq_len,
        pre_ln=cfg.pre_ln,
        dropout=cfg.dropout,
        attention_dropout=cfg.dropout,
    )
    train, heldout = Corpus(tokenizer, train_docs), Corpus(tokenizer, held_docs)
    wiki = Corpus(tokenizer, data.wikitext(Path(cfg.data_dir, "wikitext-2")))
    if master:
        print(
            f"data: {len(train.docs)} train novels ({train.n_tokens:,} tokens), held out "
            f"{sorted(held)} ({heldout.n_tokens:,}), WikiText-2 valid {len(wiki.docs)} articles "
            f"({wiki.n_tokens:,}); {time.time() - t0:.0f} s; world_size {ddp.world_size}, "
            f"device {device}",
            flush=True,
        )
    eval_small = fixed_set(heldout, cfg.n_eval, cfg, mcfg, seed=1)

    # 2. Model and optimiser
    raw_model = Bert(mcfg).train().to(device)  # for evaluating and saving
    model = ddp.wrap(raw_model)  # DDP under torchrun: gradients averaged over the ranks
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": cfg.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=cfg.lr,
        betas=(0.9, 0.98),
        eps=1e-6,
    )
    gen = torch.Generator().manual_seed(cfg.seed)

    def progress(step: int, elapsed: float) -> float:
        if cfg.anneal_end and step >= cfg.anneal_end:
            return 1.0
        return step / cfg.steps if cfg.steps else elapsed / (cfg.minutes * 60)

    def get_lr(p: float, step: int) -> float:  # 1) linear warm-up, 2) linear decay to 0
        lr = cfg.lr * (p / cfg.warmup if p < cfg.warmup else max(0.0, (1 - p) / (1 - cfg.warmup)))
        if cfg.anneal_end and step >= cfg.anneal_start:  # 3) a cut budget: decay to 0 sooner
            lr *= max(0.0, (cfg.anneal_end - step) / (cfg.anneal_end - cfg.anneal_start))
        return lr

    def clock() -> float:  # rank 0's clock on every rank: one schedule, evaluation and stop
        return ddp.from_master(time.time())

    # 3. Loop (resumable: the state file holds the weights, the optimizer, both random
    # generators, the step and the log, so a restart draws the same batches and masks)
    log, step, seen_tokens, resumed_at, done_minutes = [], 0, 0, None, 0.0
    acc = {"mlm_loss": 0.0, "nsp_loss": 0.0, "mlm_acc": 0.0, "nsp_acc": 0.0, "n": 0}
    state = dict(
        models={"bert": raw_model},
        optimizers={"adamw": opt},
        rngs={"data": rng, "mask": gen, "dropout": "torch"},
    )
    if resuming:
        r = resume.load(state_file, **state)
        cut = ("anneal_start", "anneal_end")  # may be set later, before the cut begins
        old = r.meta["train_config"]
        resume.check_same_run(state_file, old, cfg, ignore=cut)
        if any(old.get(k, 0) != getattr(cfg, k) for k in cut) and r.meta["step"] > cfg.anneal_start:
            raise SystemExit(
                f"--anneal_start must not lie before the state's step {r.meta['step']}"
            )
        step, seen_tokens, log, acc = r.meta["step"], r.meta["tokens"], r.meta["log"], r.meta["acc"]
        done_minutes = r.meta["minutes"]
        resumed_at = None if r.exact else step
        if master:
            print(f"resumed {state_file} at step {step} ({'exact' if r.exact else 'weights only'})")

    def save_state() -> None:
        meta = {
            "train_config": asdict(cfg),
            "step": step,
            "tokens": seen_tokens,
            "log": log,
            "acc": acc,
            "minutes": done_minutes + (time.time() - piece_start) / 60,
            "tokenizer": tokenizer.to_str(),
        }
        exact = resume.save(state_file, **state, meta=meta)
        print(
            f"state saved: step {step} -> {state_file} ({'exact' if exact else 'weights only'})",
            flush=True,
        )

    piece_start = time.time()
    start = last_eval = last_save = clock()
    if not cfg.steps:  # the wall-clock schedule starts now
        done_minutes = 0.0
    while not cfg.export:
        p = progress(step, clock() - start)
        if p >= 1:
            break
        if state_file and (
            (cfg.piece_steps and step >= cfg.piece_steps)
            or stop_requested()
            or (cfg.piece_minutes and clock() - start >= cfg.piece_minutes * 60)
        ):
            if master:
                save_state()
            ddp.cleanup()
            return
        if state_file and master and clock() - last_save >= cfg.save_every * 60:
            save_state()
            last_save = clock()
        for g in opt.param_groups:
            g["lr"] = get_lr(p, step) * resume.rewarm(step, resumed_at)
        ids, types, nsp = make_batch(
            train, rng, cfg.batch_size, cfg.seq_len, mcfg.cls_id, mcfg.sep_id, mcfg.pad_id
        )
        m = mask_tokens(ids, mcfg, gen)
        seen_tokens += int((ids != mcfg.pad_id).sum())  # the global batch
        m = Masked(*(ddp.shard(t).to(device) for t in m))  # this rank's slice, on the device
        types, nsp = ddp.shard(types).to(device), ddp.shard(nsp).to(device)
        with torch.autocast(ddp.device_type, dtype=torch.bfloat16, enabled=cfg.bf16):
            out = model(m.input_ids, types, mlm_positions=m.chosen)
        target = m.labels[m.chosen]
        mlm_loss = F.cross_entropy(out.mlm_logits.float(), target)
        nsp_loss = F.cross_entropy(out.nsp_logits.float(), nsp)
        opt.zero_grad(set_to_none=True)
        (mlm_loss + nsp_loss).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        acc["mlm_loss"] += mlm_loss.item()
        acc["nsp_loss"] += nsp_loss.item()
        acc["mlm_acc"] += (out.mlm_logits.argmax(-1) == target).float().mean().item()
        acc["nsp_acc"] += (out.nsp_logits.argmax(-1) == nsp).float().mean().item()
        acc["n"] += 1
        now = clock()
        due = (
            step % cfg.eval_steps == 0 if cfg.eval_steps else now - last_eval >= cfg.eval_every * 60
        )
        if due or progress(step, now - start) >= 1:
            sums = {k: v / ddp.world_size for k, v in acc.items() if k != "n"}  # mean of ranks
            sums = dict(zip(sums, ddp.all_reduce(*sums.values())))
            if master:
                heldout_eval = evaluate(raw_model, eval_small)
                minutes = done_minutes + (time.time() - piece_start) / 60
                rate = (
                    (seen_tokens - log[-1]["tokens"])
                    / max(1e-9, 60 * (minutes - log[-1]["minutes"]))
                    if log
                    else 0.0
                )
                row = {
                    "step": step,
                    "minutes": round(minutes, 2),
                    "tokens": seen_tokens,
                    "tokens_per_s": round(rate),
                    "lr": opt.param_groups[0]["lr"],
                    **{f"train_{k}": round(v / acc["n"], 4) for k, v in sums.items()},
                    **{
                        f"heldout_{k}": round(v, 4)
                        for k, v in heldout_eval.items()
                        if not k.endswith("_n")
                    },
                }
                log.append(row)
                print(json.dumps(row), flush=True)
                (out_dir / "training_log.json").write_text(json.dumps({"evals": log}, indent=1))
            acc = dict.fromkeys(acc, 0.0)
            acc["n"] = 0
            last_eval = clock()
    train_minutes = done_minutes + (time.time() - piece_start) / 60
    ddp.cleanup()  # from here on rank 0 alone: save, score, files
    if not master:
        return

    # 4. Save fp16, then score what was saved
    model = raw_model
    model.eval()
    save_fp16(model, tokenizer, out_dir)
    fp16_roundtrip(model)
    final = {
        "heldout_novels": evaluate(model, fixed_set(heldout, cfg.n_final, cfg, mcfg, seed=2)),
        "wikitext2_valid": evaluate(model, fixed_set(wiki, cfg.n_final, cfg, mcfg, seed=3)),
    }
    summary = {
        "recipe": ddp.launcher("OMP_NUM_THREADS=1 .venv/bin/python")
        + " training/bert.py "
        + " ".join(
            f"--{k} {shlex.quote(str(v))}"
            for k, v in asdict(cfg).items()
            if v != getattr(TrainConfig, k)
        ),
        "train_config": asdict(cfg),
        "model_config": asdict(mcfg),
        "params": count_params(mcfg),
        "params_with_heads": count_params(mcfg, heads=True),
        "steps": step,
        "train_minutes": round(train_minutes, 1),
        "tokens_seen": seen_tokens,
        "train_tokens": train.n_tokens,
        "heldout_novels": sorted(held),
        "final": final,
        "machine": f"{platform.processor() or platform.machine()}, torch {torch.__version__}, "
        f"{cfg.threads} thread(s)" + (f" x {ddp.world_size} processes" if ddp.ddp else ""),
        "evals": log,
    }
    if ddp.device_type == "cuda":
        gpu = torch.cuda.get_device_name()
        summary["machine"] = f"{ddp.world_size} x {gpu}, torch {torch.__version__}"
    (out_dir / "training_log.json").write_text(json.dumps(summary, indent=1))
    write_card(out_dir, summary)
    if cfg.catalogue:
        update_catalogue(out_dir, summary)
    print(json.dumps({k: v for k, v in summary.items() if k != "evals"}, indent=1))


def update_catalogue(out_dir: Path, s: dict, name: str = "bert_small.eltec") -> None:
    """Ship the weights in `out_dir`: their row of weights/catalogue.json gets their hashes and
    the measured scores."""
    nov, wiki = s["final"]["heldout_novels"], s["final"]["wikitext2_valid"]
    meta = {
        "heldout_mlm_acc": round(nov["mlm_acc"], 4),
        "heldout_mlm_ppl": round(nov["mlm_ppl"], 2),
        "nsp_acc": round(nov["nsp_acc"], 4),
        "wikitext2_mlm_acc": round(wiki["mlm_acc"], 4),
        "wikitext2_mlm_ppl": round(wiki["mlm_ppl"], 2),
        "wikitext2_nsp_acc": round(wiki["nsp_acc"], 4),
        "params": s["params"],
        "steps": s["steps"],
        "train_minutes": s["train_minutes"],
        "recipe": s["recipe"],
    }
    update_catalogue_row(name, out_dir, meta)


def write_card(out_dir: Path, s: dict) -> None:
    """README.md beside the weights: what it is, the measured scores, the recipe and the curves."""
    tc, mc, f = s["train_config"], s["model_config"], s["final"]
    nov, wiki = f["heldout_novels"], f["wikitext2_valid"]
    rows = "\n".join(
        f"| {r['step']} | {r['minutes']} | {r['tokens'] / 1e6:.2f} | {r['train_mlm_loss']:.3f} "
        f"| {100 * r['heldout_mlm_acc']:.1f} | {r['heldout_mlm_ppl']:.1f} | {100 * r['heldout_nsp_acc']:.1f} |"
        for r in s["evals"]
    )
    ok = {True: "met", False: "**missed**"}
    if tc.get("steps"):
        schedule = (
            f"The schedule runs on steps ({tc['steps']:,} planned; restartable from its state "
            "file, `training/resume.py`)."
        )
    else:
        schedule = (
            f"The schedule runs on the wall clock ({tc['minutes']} min); `--steps "
            f"{s['steps']}` repeats it step for step."
        )
    intermediate = ""
    if tc.get("anneal_end") and s["steps"] >= tc["anneal_end"]:
        intermediate = (
            f"\n\n**A budget cut short:** {tc['steps']:,} steps were planned. To finish within the "
            f"budget, the learning rate was decayed linearly to 0 from step {tc['anneal_start']:,} "
            f"to step {tc['anneal_end']:,}, where the run ended (`--anneal_start`, `--anneal_end`).\n"
        )
    elif tc.get("steps") and s["steps"] < tc["steps"]:
        intermediate = (
            f"\n\n**An intermediate checkpoint:** step {s['steps']:,} of the {tc['steps']:,} planned, "
            "exported from the run's state file (`--export true`) while the run goes on; the "
            "learning rate had not decayed yet. The curve below shows where the run was heading.\n"
        )
    speed = s["tokens_seen"] / max(1e-9, 60 * s["train_minutes"])
    card = f"""---
library_name: paper-gallery
license: apache-2.0
pipeline_tag: fill-mask
language: [en]
tags: [bert, arxiv:1810.04805, fill-mask, pytorch_model_hub_mixin]
---

# A small BERT pre-trained on English novels (Devlin et al. 2018, §3.1)

BERT's encoder and pre-training heads (https://arxiv.org/abs/1810.04805), post-LN with GELU as in the
paper, L={mc["L"]}, H={mc["H"]}, A={mc["A"]}, feed-forward {mc["d_ff"]}, {mc["max_position"]}
positions, a lowercased {mc["vocab_size"]:,}-piece WordPiece vocabulary (HF `tokenizers`,
`tokenizer.json`): {s["params"]:,} parameters in BertModel (embeddings + encoder + pooler),
{s["params_with_heads"]:,} with the MLM and NSP heads (the MLM output is tied to the token
embeddings). Stored in fp16; the scores below were measured on the fp16 weights, in fp32.
Code: `models/bert.py`.

## Results (measured by the training script)

| evaluation set | MLM top-1 | MLM perplexity | NSP accuracy | masked tokens / pairs |
|---|---|---|---|---|
| 5 held-out novels ({", ".join(s["heldout_novels"])}) | **{100 * nov["mlm_acc"]:.1f}%** | {nov["mlm_ppl"]:.1f} | **{100 * nov["nsp_acc"]:.1f}%** | {nov["mlm_n"]:,} / {nov["nsp_n"]:,} |
| WikiText-2 validation (out of domain) | {100 * wiki["mlm_acc"]:.1f}% | {wiki["mlm_ppl"]:.1f} | {100 * wiki["nsp_acc"]:.1f}% | {wiki["mlm_n"]:,} / {wiki["nsp_n"]:,} |

Targets (issue #14): held-out MLM top-1 ≥ 35% ({ok[nov["mlm_acc"] >= 0.35]}), NSP ≥ 80% ({ok[nov["nsp_acc"] >= 0.80]}).{intermediate}
MLM is scored as in pre-training: 15% of the tokens chosen, 80% of them shown as [MASK], 10% as a
random piece, 10% unchanged, the model's top-1 piece compared with the original at every chosen
position (a fixed draw, seed 2 / 3). NSP pairs are 50% IsNext, 50% NotNext (B from another
novel/article). WikiText-2's `<unk>` became `[UNK]` (never chosen for prediction) and its ` @-@ `
splits were joined back.

## Use

```python
from models.bert import load, fill_mask
model, tokenizer = load("weights/bert_eltec")
fill_mask(model, tokenizer, "she opened the [MASK] and walked into the room.").predictions[0].tokens
```

## Recipe

```
{s["recipe"]}
```

ELTeC-eng (99 English novels 1840–1920, public domain; ELTeC markup CC BY 4.0): {len(s["heldout_novels"])}
novels held out whole (never seen by the tokenizer or the model), the other 94 ({s["train_tokens"]:,}
tokens) for training. Sequences of {tc["seq_len"]} tokens "[CLS] A [SEP] B [SEP]", batch
{tc["batch_size"]}, AdamW β=(0.9, 0.98), weight decay {tc["weight_decay"]}, peak lr {tc["lr"]},
linear warm-up over {100 * tc["warmup"]:.0f}% of the budget then linear decay, gradient clipping 1.0,
dropout {tc.get("dropout", 0.1)}, {"bf16 autocast" if tc.get("bf16") else "fp32"}. {schedule} This run made
**{s["steps"]:,} steps** and saw {s["tokens_seen"] / 1e6:.1f} M tokens in {s["train_minutes"]} min
({speed:,.0f} tokens/s on average) on {s["machine"]}, sharing the two cores with other work
(BERT-BASE: 1 M steps of 256 × 512 tokens).

| step | minutes | tokens (M) | train MLM loss | held-out MLM top-1 % | held-out MLM ppl | held-out NSP % |
|---|---|---|---|---|---|---|
{rows}

(The periodic evaluation uses {tc["n_eval"]} held-out sequences; the table above the recipe, {tc["n_final"]:,}.)
{s.get("notes", "")}"""
    (out_dir / "README.md").write_text(card, encoding="utf-8")


if __name__ == "__main__":
    main()
