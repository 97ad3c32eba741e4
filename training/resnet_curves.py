"""He et al. 2015, Fig. 6 on a budget: plain vs residual nets of 20/32/44/56 layers on CIFAR-10.

    OMP_NUM_THREADS=1 .venv/bin/python training/resnet_curves.py

The paper (§4.2, Fig. 6) trains each net 64k iterations on all 50k images and finds that the deep
*plain* nets have higher training error than the shallow ones (the degradation problem, §4.1), while
the deep *residual* nets have lower. Here all eight nets get one short recipe, the same for all:
a fixed class-balanced subset of the training split, a few epochs, the paper's SGD hyper-parameters
(lr 0.1, momentum 0.9, weight decay 1e-4, batch 128, 4-px pad + crop + flip) with a one-epoch
warm-up and a cosine decay in place of the step schedule. Training error is measured on the
augmented batches while training (as the paper's thin curves); test error on a fixed shuffled
subset of the (JPEG) test set after every epoch.

One deviation is needed at this budget: the last BN of every residual branch starts at gamma=0
(`zero_init_residual`, Goyal et al. 2017), so each ResNet starts as its shortcut path (§3.1: "the
solvers may simply drive the weights of the multiple nonlinear layers toward zero"). A plain net has
no branch to zero, so for it the flag does nothing. With the paper's He init and only 780
iterations, ResNet-56 was still behind ResNet-20 (training error 40.7% vs 29.6% after 10 epochs,
plain-56 69.6% vs plain-20 45.6%): deeper nets need more iterations to get going, and the paper's
64k iterations are out of reach here.

Writes weights/resnet_curves/curves.json and fp16 checkpoints of plain20/plain56/resnet20/resnet56
(`save_pretrained(<out_dir>/<arch>)`) for the layer-response plot (Fig. 7).

On a GPU (training/gpu_all.sh) the eight nets train as eight processes, `--archs` one net each, into
one `out_dir`: each adds its run to curves.json under a file lock. `--minutes M` fits the epoch
budget to the clock: after the warm-up each process writes the epochs it fits in M minutes into
`sync_dir`, waits for the other `sync_n - 1`, and all take the fewest (the slowest net's): one
recipe for all eight nets, and `--epochs E --minutes 0` repeats it.

Stop and go on (training/resume.py): `--resume FILE` holds the whole run: the finished nets' curves
and fp16 checkpoints, and the net in training (weights, momentum, random generators, epoch,
iteration, that epoch's permutation, running sums). Written every `save_every` minutes, at the end
of a piece and on SIGTERM/SIGINT; a restart continues step for step (tests/test_resume.py).
"""

import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from lab.degradation import fig6_checks  # noqa: E402
from models.resnet import PRESETS, ResNet, count_flops, count_params
from training import resume  # noqa: E402
from training.common import config_from_args, stop_requested  # noqa: E402
from training.data import DATA_DIR, cifar10  # noqa: E402
from training.distributed import setup  # noqa: E402


@dataclass
class CurvesConfig:
    # the order puts the four nets of the headline comparison first
    archs: str = "resnet20,resnet56,plain20,plain56,resnet32,resnet44,plain32,plain44"
    save: str = "plain20,plain56,resnet20,resnet56"  # checkpoints kept (fp16) for Fig. 7
    train_subset: int = 10_000  # images from the training split, 1,000 per class
    test_subset: int = 2_000  # a fixed shuffled subset of the test split (sorted by class on disk)
    epochs: int = 10  # x 78 steps = 780 iterations per net (the paper: 64k)
    minutes: float = 0.0  # > 0: the budget is the epochs (at most `epochs`) that fit in M minutes
    sync_dir: str = ""  # --minutes with several processes: where they agree on the epochs
    sync_n: int = 1  # how many processes share `sync_dir`
    resume: str = ""  # a state file (training/resume.py): continued if it exists, kept up to date
    save_every: float = 10.0  # minutes between writes of the state file
    piece_minutes: float = 0.0  # > 0: stop this piece after so many minutes (the state is saved)
    piece_steps: int = 0  # > 0: stop this piece at this step, counted over all nets (tests)
    batch_size: int = 128  # §4.2
    lr: float = 0.1  # §4.2
    warmup_epochs: float = 1.0
    momentum: float = 0.9  # §4.2
    weight_decay: float = 1e-4  # §4.2
    zero_init_residual: bool = True  # gamma=0 in each branch's last BN; no-op for plain nets
    pad: int = 4  # §4.2 augmentation
    log_every: int = 13  # steps between points of the running training-error curve (6 per epoch)
    bf16: bool = True
    channels_last: bool = True
    threads: int = 1
    seed: int = 1337
    data_dir: str = str(DATA_DIR / "cifar10")
    out_dir: str = "weights/resnet_curves"


# -----------------------------------------------------------------------------
# 1) config
cfg = config_from_args(CurvesConfig, __doc__)
command = "OMP_NUM_THREADS=1 .venv/bin/python training/resnet_curves.py " + " ".join(sys.argv[1:])
print(cfg)
ARCHS = cfg.archs.split(",")
assert not cfg.minutes or len(ARCHS) == 1, "--minutes: one net a process (--archs NAME)"
ddp = setup()  # the first GPU when there is one, else the CPU (one process; no torchrun here)
assert not ddp.ddp, "resnet_curves.py runs one process a net: start several, not torchrun"
device = ddp.device
torch.set_num_threads(cfg.threads)
out_dir = Path(cfg.out_dir)
out_dir.mkdir(parents=True, exist_ok=True)
memory_format = torch.channels_last if cfg.channels_last else torch.contiguous_format


# -----------------------------------------------------------------------------
# 2) data: the same subsets for every net
data_rng = np.random.default_rng(cfg.seed)
x_all, y_all = cifar10("train", cfg.data_dir)
per_class = cfg.train_subset // 10
train_idx = np.sort(
    np.concatenate(
        [data_rng.permutation(np.flatnonzero(y_all.numpy() == c))[:per_class] for c in range(10)]
    )
)
x_train, y_train = x_all[train_idx], y_all[train_idx]  # (train_subset, 3, 32, 32) uint8
del x_all, y_all
x_test, y_test = cifar10("test", cfg.data_dir)
test_idx = data_rng.permutation(len(x_test))[: cfg.test_subset]
x_test, y_test = x_test[test_idx], y_test[test_idx]  # (test_subset, 3, 32, 32), JPEG q75
x_test1k, y_test1k = cifar10("test_lossless1k", cfg.data_dir)  # the lossless test[:1000]

mean = torch.tensor(PRESETS["resnet20"].mean, device=device).view(1, 3, 1, 1) * 255
std = torch.tensor(PRESETS["resnet20"].std, device=device).view(1, 3, 1, 1) * 255


def normalize(x: torch.Tensor) -> torch.Tensor:
    return ((x.float() - mean) / std).contiguous(memory_format=memory_format)


def get_batch(idx: np.ndarray, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """§4.2 augmentation: zero-pad 4 px, random 32x32 crop, random horizontal flip."""
    p = cfg.pad
    x = F.pad(x_train[idx], (p, p, p, p))  # (B, 3, 40, 40)
    dy, dx = rng.integers(0, 2 * p + 1, size=(2, len(idx)))
    x = torch.stack([x[i, :, a : a + 32, b : b + 32] for i, (a, b) in enumerate(zip(dy, dx))])
    flip = torch.from_numpy(rng.random(len(idx)) < 0.5).view(-1, 1, 1, 1)
    return normalize(torch.where(flip, x.flip(3), x).to(device)), y_train[idx].to(device)


steps_per_epoch = len(x_train) // cfg.batch_size
warmup_steps = int(cfg.warmup_epochs * steps_per_epoch)


def get_lr(step: int, total_steps: int) -> float:
    # 1) linear warm-up from lr/10, 2) cosine decay to 0 at the last step
    if step < warmup_steps:
        return cfg.lr * (0.1 + 0.9 * step / warmup_steps)
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return cfg.lr * 0.5 * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def error(model: ResNet, x: torch.Tensor, y: torch.Tensor, batch_size: int = 500) -> float:
    """Top-1 error in %, eval-mode BN, no augmentation."""
    model.eval()
    wrong = 0
    for i in range(0, len(x), batch_size):
        with torch.autocast(ddp.device_type, dtype=torch.bfloat16, enabled=cfg.bf16):
            logits = model(normalize(x[i : i + batch_size].to(device)))
        wrong += (logits.argmax(1).cpu() != y[i : i + batch_size]).sum()
    model.train()
    return 100.0 * wrong.item() / len(x)


# -----------------------------------------------------------------------------
# 3) train every net with the same recipe, the same data order and the same augmentations
ORDER = CurvesConfig.archs.split(",")
PIECE_ONLY = {"archs", "save", "sync_dir", "sync_n"}  # differ between processes of one parallel run


def same_run(config: dict) -> bool:
    def fields(c: dict) -> dict:
        return {k: v for k, v in resume.run_fields(c).items() if k not in PIECE_ONLY}

    return fields(config) == fields(asdict(cfg))


def describe(runs: dict) -> dict:
    """curves.json: what was run (budget, recipe in words), the curves and the checks."""
    epochs = sorted({len(r["epoch"]) for r in runs.values()}) or [cfg.epochs]
    n_epochs = " / ".join(map(str, epochs))
    iters = " / ".join(f"{e * steps_per_epoch:,}" for e in epochs)
    where = f"on {runs[next(iter(runs))]['hardware']}" if runs else ""
    final = {a: r["train_error"][-1] for a, r in runs.items()}
    checks = fig6_checks(runs)  # None: the run lacks the nets or the epochs to check it
    return {
        "figure": "He et al. 2015 (arXiv 1512.03385) Fig. 6 left/middle, reduced budget",
        "command": command,
        "config": asdict(cfg),
        "budget": (
            f"{len(x_train):,} training images ({per_class:,} per class, seed {cfg.seed}), {n_epochs} "
            f"epochs = {iters} iterations of batch {cfg.batch_size} per net (the paper: 50,000 "
            f"images, 64,000 iterations); test error on {len(x_test):,} shuffled images of the "
            f"JPEG-q75 test set, and on the 1,000 lossless test images (test[:1000])"
            + (f"; the epochs are what fit in {cfg.minutes} minutes per net" if cfg.minutes else "")
        ),
        "recipe": (
            f"SGD momentum {cfg.momentum}, weight decay {cfg.weight_decay}, lr {cfg.lr} with a "
            f"{cfg.warmup_epochs}-epoch linear warm-up and cosine decay to 0; 4-px pad + random crop + "
            f"flip; zero_init_residual={cfg.zero_init_residual} (the last BN of each residual branch "
            f"starts at gamma=0; plain nets have no branch, so it does not change them); "
            f"{'bf16 autocast' if cfg.bf16 else 'fp32'} {where}; one recipe for all nets"
        ),
        "train_error_note": "train_error: on the augmented batches during each epoch (as the paper's "
        "curves); final_train_error_eval: the whole training subset in eval mode, no augmentation",
        "runs": runs,
        "total_minutes": sum(r["minutes"] for r in runs.values()),  # parallel processes overlap
        "final_train_error": final,
        "checks": checks,
    }


def write_curves(done: dict) -> dict:
    """Add this process's finished nets to out_dir/curves.json. The other processes of a parallel
    run (the same config but --archs) add theirs; a lock keeps the file whole."""
    import fcntl

    with open(out_dir / ".curves.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = out_dir / "curves.json"
        old = json.loads(path.read_text()) if path.exists() else {}
        runs = {**(old.get("runs", {}) if same_run(old.get("config", {})) else {}), **done}
        runs = {
            a: runs[a]
            for a in sorted(
                runs, key=lambda a: (a not in ORDER, ORDER.index(a) if a in ORDER else a)
            )
        }
        results = describe(runs)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(results, indent=1))
        os.replace(tmp, path)
    return results


def save_checkpoint(arch: str, weights: dict) -> None:
    """fp16 keeps each file under 2 MB; from_pretrained casts back to the model's fp32."""
    net = ResNet(replace(PRESETS[arch], zero_init_residual=cfg.zero_init_residual))
    net.load_state_dict(weights)
    net.half().save_pretrained(out_dir / arch)


def agree_on_epochs(arch: str, fit: int, elapsed: float) -> int:
    """--minutes with `sync_n` processes: each says how many epochs it fits; all take the fewest.
    A net 3x slower than this one arrives within 3x the `elapsed` seconds this one took; one that
    has not arrived by then (or by a minute) is taken for dead, and the others go on without it."""
    if not cfg.sync_dir:
        return fit
    sync = Path(cfg.sync_dir)
    sync.mkdir(parents=True, exist_ok=True)
    (sync / f"{arch}.tmp").write_text(json.dumps({"fit": fit}))
    os.replace(sync / f"{arch}.tmp", sync / f"{arch}.json")
    deadline = time.time() + max(60.0, 3 * elapsed)
    while len(files := sorted(sync.glob("*.json"))) < cfg.sync_n and time.time() < deadline:
        time.sleep(0.5)
    fits = {f.stem: json.loads(f.read_text())["fit"] for f in files}
    print(f"{arch}: epochs that fit per net {fits}", flush=True)
    return min(fits.values())


def hardware() -> str:
    if ddp.device_type == "cuda":
        return f"{torch.cuda.get_device_name()}, torch {torch.__version__}"
    return f"{cfg.threads} CPU thread(s), torch {torch.__version__}"


# where the run is; a state file holds all of it (training/resume.py)
state_file = Path(cfg.resume) if cfg.resume else None
resuming = bool(state_file and state_file.exists())
done: dict[str, dict] = {}  # arch -> its finished run (curves)
kept: dict[str, dict] = {}  # arch -> fp16 weights of a finished net of `save` (Fig. 7)
start = 0
if resuming:
    meta = resume.header(state_file)["meta"]
    resume.check_same_run(state_file, meta["config"], cfg)
    start = meta["net"]
zeros = {"loss_sum": 0.0, "wrong": 0, "seen": 0, "chunk_wrong": 0, "chunk_seen": 0}
t_all = last_save = time.time()
for ai in range(start, len(ARCHS)):
    arch = ARCHS[ai]
    torch.manual_seed(cfg.seed)  # same initialisation stream for every net
    rng = np.random.default_rng(cfg.seed)  # same batches and crops for every net
    arch_cfg = replace(PRESETS[arch], zero_init_residual=cfg.zero_init_residual)
    model = ResNet(arch_cfg).to(device, memory_format=memory_format)
    optimizer = torch.optim.SGD(
        model.parameters(), lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay
    )
    run = {
        "depth": PRESETS[arch].depth,
        "residual": PRESETS[arch].residual,
        "params": count_params(model),
        "flops": count_flops(model),
        "epoch": [],
        "train_loss": [],
        "train_error": [],
        "test_error": [],
        "test_error_lossless1k": [],
        "seconds": [],
        "step_curve": {"step": [], "train_error": []},  # running error over `log_every` steps
        "command": command,
        "hardware": hardware(),
    }
    epoch, it, step, perm, sums, done_seconds = 0, 0, 0, None, dict(zeros), 0.0
    epochs, budget_fixed, resumed_at = cfg.epochs, not cfg.minutes, None
    state = dict(
        models={"net": model}, optimizers={"sgd": optimizer}, rngs={"data": rng, "torch": "torch"}
    )
    if resuming and ai == start:
        r = resume.load(state_file, **state)
        m = r.meta
        done, epoch, it, step, sums, run = (
            m["done"],
            m["epoch"],
            m["it"],
            m["step"],
            m["sums"],
            m["run"],
        )
        epochs, budget_fixed, done_seconds = m["epochs"], m["budget_fixed"], m["seconds"]
        perm = r.tensors["perm"].numpy() if "perm" in r.tensors else None
        for k, v in r.tensors.items():
            if k.startswith("kept/"):
                _, name, key = k.split("/", 2)
                kept.setdefault(name, {})[key] = v
        resumed_at = None if r.exact else step
        print(
            f"resumed {state_file} at {arch}, epoch {epoch}, iteration {it} "
            f"({'exact' if r.exact else 'weights only'})",
            flush=True,
        )
    steps_done = sum(len(r["epoch"]) * steps_per_epoch for r in done.values())  # finished nets
    t0 = time.time()

    def seconds() -> float:  # this net's training time over every piece
        return done_seconds + time.time() - t0

    def save_state() -> None:
        meta = {
            "config": asdict(cfg),
            "net": ai,
            "done": done,
            "epoch": epoch,
            "it": it,
            "step": step,
            "sums": sums,
            "run": run,
            "epochs": epochs,
            "budget_fixed": budget_fixed,
            "seconds": seconds(),
        }
        tensors = {f"kept/{a}/{k}": v for a, w in kept.items() for k, v in w.items()}
        if perm is not None:
            tensors["perm"] = torch.from_numpy(perm)
        exact = resume.save(state_file, **state, meta=meta, tensors=tensors)
        print(
            f"state saved: {arch} epoch {epoch} iteration {it} step {step} -> {state_file} "
            f"({'exact' if exact else 'weights only'})",
            flush=True,
        )

    model.train()
    while epoch < epochs:
        if perm is None:
            perm = rng.permutation(len(x_train))
        while it < steps_per_epoch:
            if state_file:
                if (
                    (cfg.piece_steps and steps_done + step >= cfg.piece_steps)
                    or stop_requested()
                    or (cfg.piece_minutes and time.time() - t_all >= cfg.piece_minutes * 60)
                ):
                    save_state()
                    sys.exit(0)
                if time.time() - last_save >= cfg.save_every * 60:
                    save_state()
                    last_save = time.time()
            xb, yb = get_batch(perm[it * cfg.batch_size : (it + 1) * cfg.batch_size], rng)
            for group in optimizer.param_groups:
                group["lr"] = get_lr(step, epochs * steps_per_epoch) * resume.rewarm(
                    step, resumed_at
                )
            with torch.autocast(ddp.device_type, dtype=torch.bfloat16, enabled=cfg.bf16):
                logits = model(xb)  # (B, 10)
            loss = F.cross_entropy(logits.float(), yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            it += 1
            n_wrong = (logits.argmax(1) != yb).sum().item()
            sums["loss_sum"] += loss.item() * len(yb)
            sums["wrong"] += n_wrong
            sums["seen"] += len(yb)
            sums["chunk_wrong"] += n_wrong
            sums["chunk_seen"] += len(yb)
            if step % cfg.log_every == 0:
                run["step_curve"]["step"].append(step)
                run["step_curve"]["train_error"].append(
                    100.0 * sums["chunk_wrong"] / sums["chunk_seen"]
                )
                sums["chunk_wrong"], sums["chunk_seen"] = 0, 0
        run["epoch"].append(epoch + 1)
        run["train_loss"].append(sums["loss_sum"] / sums["seen"])
        run["train_error"].append(100.0 * sums["wrong"] / sums["seen"])
        run["test_error"].append(error(model, x_test, y_test))
        run.setdefault("test_error_lossless1k", []).append(error(model, x_test1k, y_test1k))
        run["seconds"].append(seconds())
        epoch, it, perm = epoch + 1, 0, None
        sums = dict(zeros)
        tr, te = run["train_error"][-1], run["test_error"][-1]
        print(
            f"{arch} epoch {epoch}: train err {tr:.2f} test err {te:.2f} ({seconds():.0f}s)",
            flush=True,
        )
        if not budget_fixed and epoch >= max(1, warmup_steps // steps_per_epoch):
            # before the warm-up ends (the lr so far does not depend on the budget): fix it
            per_epoch = (
                seconds() / epoch if epoch == 1 else (seconds() - run["seconds"][0]) / (epoch - 1)
            )
            fit = max(
                epoch, min(cfg.epochs, epoch + int((cfg.minutes * 60 - seconds()) / per_epoch))
            )
            epochs, budget_fixed = agree_on_epochs(arch, fit, seconds()), True
            run["epochs_budget"] = epochs
            print(f"{arch}: --minutes {cfg.minutes}: the budget is {epochs} epochs", flush=True)
        if cfg.minutes and seconds() >= cfg.minutes * 60 and epoch < epochs:  # the safety net
            run["stopped_by_clock"] = f"after epoch {epoch} of {epochs}"
            print(f"{arch}: stopped by the clock after epoch {epoch} of {epochs}", flush=True)
            break
    run["final_train_error_eval"] = error(model, x_train, y_train)
    run["minutes"] = seconds() / 60
    done[arch] = run
    if arch in cfg.save.split(","):
        kept[arch] = {
            k: (v.half() if v.is_floating_point() else v).cpu()
            for k, v in model.state_dict().items()
        }
        save_checkpoint(arch, kept[arch])
    write_curves(done)
    tr, tr_eval, te = run["train_error"][-1], run["final_train_error_eval"], run["test_error"][-1]
    print(
        f"{arch}: final train err {tr:.2f} (eval {tr_eval:.2f}) test err {te:.2f} "
        f"in {run['minutes']:.1f} min",
        flush=True,
    )

# -----------------------------------------------------------------------------
# 4) the finding of Fig. 6, checked on the numbers (printed and stored, not asserted); every
# checkpoint of this run again (a run continued on another machine has them in its state file)
for arch, weights in kept.items():
    save_checkpoint(arch, weights)
results = write_curves(done)
print(
    json.dumps(
        {"final_train_error": results["final_train_error"], "checks": results["checks"]}, indent=1
    )
)
print(f"done in {(time.time() - t_all) / 60:.1f} min")
