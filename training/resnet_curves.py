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
from training.common import config_from_args  # noqa: E402
from models.resnet import PRESETS, ResNet, count_flops, count_params


@dataclass
class CurvesConfig:
    # the order puts the four nets of the headline comparison first
    archs: str = "resnet20,resnet56,plain20,plain56,resnet32,resnet44,plain32,plain44"
    save: str = "plain20,plain56,resnet20,resnet56"  # checkpoints kept (fp16) for Fig. 7
    train_subset: int = 10_000  # images from the training split, 1,000 per class
    test_subset: int = 2_000  # a fixed shuffled subset of the test split (sorted by class on disk)
    epochs: int = 10  # x 78 steps = 780 iterations per net (the paper: 64k)
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
    data_dir: str = "/work/shared/data/cifar10"
    out_dir: str = "weights/resnet_curves"


# -----------------------------------------------------------------------------
# 1) config
cfg = config_from_args(CurvesConfig, __doc__)
command = "OMP_NUM_THREADS=1 .venv/bin/python training/resnet_curves.py " + " ".join(sys.argv[1:])
print(cfg)
torch.set_num_threads(cfg.threads)
out_dir = Path(cfg.out_dir)
out_dir.mkdir(parents=True, exist_ok=True)
memory_format = torch.channels_last if cfg.channels_last else torch.contiguous_format


# -----------------------------------------------------------------------------
# 2) data: the same subsets for every net
def load(name: str) -> tuple[torch.Tensor, torch.Tensor]:
    with np.load(os.path.join(cfg.data_dir, name)) as z:
        return torch.from_numpy(z["x"]).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(z["y"])


data_rng = np.random.default_rng(cfg.seed)
x_all, y_all = load("cifar10_train.npz")
per_class = cfg.train_subset // 10
train_idx = np.sort(np.concatenate(
    [data_rng.permutation(np.flatnonzero(y_all.numpy() == c))[:per_class] for c in range(10)]
))  # fmt: skip
x_train, y_train = x_all[train_idx], y_all[train_idx]  # (train_subset, 3, 32, 32) uint8
del x_all, y_all
x_test, y_test = load("cifar10_test.npz")
test_idx = data_rng.permutation(len(x_test))[: cfg.test_subset]
x_test, y_test = x_test[test_idx], y_test[test_idx]  # (test_subset, 3, 32, 32), JPEG q75

mean = torch.tensor(PRESETS["resnet20"].mean).view(1, 3, 1, 1) * 255
std = torch.tensor(PRESETS["resnet20"].std).view(1, 3, 1, 1) * 255


def normalize(x: torch.Tensor) -> torch.Tensor:
    return ((x.float() - mean) / std).contiguous(memory_format=memory_format)


def get_batch(idx: np.ndarray, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """§4.2 augmentation: zero-pad 4 px, random 32x32 crop, random horizontal flip."""
    p = cfg.pad
    x = F.pad(x_train[idx], (p, p, p, p))  # (B, 3, 40, 40)
    dy, dx = rng.integers(0, 2 * p + 1, size=(2, len(idx)))
    x = torch.stack([x[i, :, a : a + 32, b : b + 32] for i, (a, b) in enumerate(zip(dy, dx))])
    flip = torch.from_numpy(rng.random(len(idx)) < 0.5).view(-1, 1, 1, 1)
    return normalize(torch.where(flip, x.flip(3), x)), y_train[idx]


steps_per_epoch = len(x_train) // cfg.batch_size
total_steps = cfg.epochs * steps_per_epoch
warmup_steps = int(cfg.warmup_epochs * steps_per_epoch)


def get_lr(step: int) -> float:
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
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg.bf16):
            wrong += (
                model(normalize(x[i : i + batch_size])).argmax(1) != y[i : i + batch_size]
            ).sum()
    model.train()
    return 100.0 * wrong.item() / len(x)


# -----------------------------------------------------------------------------
# 3) train every net with the same recipe, the same data order and the same augmentations
results = {
    "figure": "He et al. 2015 (arXiv 1512.03385) Fig. 6 left/middle, reduced budget",
    "command": command,
    "config": asdict(cfg),
    "budget": (
        f"{len(x_train)} training images (1,000 per class, seed {cfg.seed}), {cfg.epochs} epochs = "
        f"{total_steps} iterations of batch {cfg.batch_size} per net (the paper: 50,000 images, "
        f"64,000 iterations); test error on {len(x_test)} shuffled images of the JPEG-q75 test set"
    ),
    "recipe": (
        f"SGD momentum {cfg.momentum}, weight decay {cfg.weight_decay}, lr {cfg.lr} with a "
        f"{cfg.warmup_epochs}-epoch linear warm-up and cosine decay to 0; 4-px pad + random crop + "
        f"flip; zero_init_residual={cfg.zero_init_residual} (the last BN of each residual branch "
        f"starts at gamma=0; plain nets have no branch, so it does not change them); bf16 "
        f"autocast, {cfg.threads} CPU thread; one recipe for all nets"
    ),
    "train_error_note": "train_error: on the augmented batches during each epoch (as the paper's "
    "curves); final_train_error_eval: the whole training subset in eval mode, no augmentation",
    "runs": {},
}
t_all = time.time()
for arch in cfg.archs.split(","):
    torch.manual_seed(cfg.seed)  # same initialisation stream for every net
    rng = np.random.default_rng(cfg.seed)  # same batches and crops for every net
    arch_cfg = replace(PRESETS[arch], zero_init_residual=cfg.zero_init_residual)
    model = ResNet(arch_cfg).to(memory_format=memory_format)
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum,
                                weight_decay=cfg.weight_decay)  # fmt: skip
    run = {
        "depth": PRESETS[arch].depth, "residual": PRESETS[arch].residual,
        "params": count_params(model), "flops": count_flops(model),
        "epoch": [], "train_loss": [], "train_error": [], "test_error": [], "seconds": [],
        "step_curve": {"step": [], "train_error": []},  # running error over `log_every` steps
    }  # fmt: skip
    t0 = time.time()
    step = 0
    model.train()
    for epoch in range(cfg.epochs):
        perm = rng.permutation(len(x_train))
        loss_sum, wrong, seen, chunk_wrong, chunk_seen = 0.0, 0, 0, 0, 0
        for it in range(steps_per_epoch):
            xb, yb = get_batch(perm[it * cfg.batch_size : (it + 1) * cfg.batch_size], rng)
            for group in optimizer.param_groups:
                group["lr"] = get_lr(step)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg.bf16):
                logits = model(xb)  # (B, 10)
            loss = F.cross_entropy(logits.float(), yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            n_wrong = (logits.argmax(1) != yb).sum().item()
            loss_sum, wrong, seen = (
                loss_sum + loss.item() * len(yb),
                wrong + n_wrong,
                seen + len(yb),
            )
            chunk_wrong, chunk_seen = chunk_wrong + n_wrong, chunk_seen + len(yb)
            if step % cfg.log_every == 0:
                run["step_curve"]["step"].append(step)
                run["step_curve"]["train_error"].append(100.0 * chunk_wrong / chunk_seen)
                chunk_wrong, chunk_seen = 0, 0
        run["epoch"].append(epoch + 1)
        run["train_loss"].append(loss_sum / seen)
        run["train_error"].append(100.0 * wrong / seen)
        run["test_error"].append(error(model, x_test, y_test))
        run["seconds"].append(time.time() - t0)
        tr, te = run["train_error"][-1], run["test_error"][-1]
        print(f"{arch} epoch {epoch + 1}: train err {tr:.2f} test err {te:.2f} "
              f"({time.time() - t0:.0f}s)", flush=True)  # fmt: skip
    run["final_train_error_eval"] = error(model, x_train, y_train)
    run["minutes"] = (time.time() - t0) / 60
    results["runs"][arch] = run
    results["total_minutes"] = (time.time() - t_all) / 60
    (out_dir / "curves.json").write_text(json.dumps(results, indent=1))
    if arch in cfg.save.split(","):
        # fp16 keeps each file under 2 MB; from_pretrained casts back to the model's fp32
        model.to(memory_format=torch.contiguous_format).half().save_pretrained(out_dir / arch)
    tr, tr_eval, te = run["train_error"][-1], run["final_train_error_eval"], run["test_error"][-1]
    print(f"{arch}: final train err {tr:.2f} (eval {tr_eval:.2f}) test err {te:.2f} "
          f"in {run['minutes']:.1f} min", flush=True)  # fmt: skip

# -----------------------------------------------------------------------------
# 4) the finding of Fig. 6, checked on the numbers (printed and stored, not asserted)
final = {a: r["train_error"][-1] for a, r in results["runs"].items()}
checks = {}
if {"plain20", "plain56"} <= final.keys():
    checks["plain56_train_error_above_plain20"] = final["plain56"] > final["plain20"]
if {"resnet20", "resnet56"} <= final.keys():
    checks["resnet56_train_error_below_resnet20"] = final["resnet56"] < final["resnet20"]
results["final_train_error"] = final
results["checks"] = checks
(out_dir / "curves.json").write_text(json.dumps(results, indent=1))
print(json.dumps({"final_train_error": final, "checks": checks}, indent=1))
print(f"done in {(time.time() - t_all) / 60:.1f} min")
