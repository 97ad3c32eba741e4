"""Train the MNIST classifier that measures GAN samples (mode coverage, Fréchet distance).

    .venv/bin/python training/gan_classifier.py                 # -> weights/mnist_classifier

Not from the paper: the GAN tab's "judge". A small CNN (models.digit_classifier.DigitClassifier) trained on
train[:50000] with light augmentation (random shifts of up to 2 px), Adam with a cosine schedule;
train[50000:] is the validation set, the 10,000 test images are measured at the end.

Stop and go on (training/resume.py): `--resume FILE` keeps the weights, Adam's moments, torch's
random generator (permutations, shifts), the epoch, the iteration, that epoch's permutation and the
log; written every `save_every` minutes, at the end of a piece and on SIGTERM/SIGINT, and a
restart continues step for step (tests/test_resume.py).
"""

import json
import math
import platform
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from lab.gan import classify  # noqa: E402
from models.digit_classifier import ClassifierConfig, DigitClassifier  # noqa: E402
from models.gan import count_params  # noqa: E402
from training import resume  # noqa: E402
from training.common import config_from_args, stop_requested  # noqa: E402
from training.data import mnist  # noqa: E402


@dataclass
class TrainConfig:
    epochs: int = 3
    batch_size: int = 128
    lr: float = 2e-3
    shift: int = 2  # random translation in pixels
    threads: int = 1
    seed: int = 1337
    n_train: int = 50000  # the first n of train[:50000] (fewer: quick runs and tests)
    resume: str = ""  # a state file (training/resume.py): continued if it exists, kept up to date
    save_every: float = 10.0  # minutes between writes of the state file
    piece_minutes: float = 0.0  # > 0: stop this piece after so many minutes (the state is saved)
    piece_steps: int = 0  # > 0: stop this piece at this step (tests)
    out_dir: str = "weights/mnist_classifier"


cfg = config_from_args(TrainConfig, __doc__)
command = ".venv/bin/python training/gan_classifier.py " + " ".join(sys.argv[1:])
print(cfg)
torch.manual_seed(cfg.seed)
torch.set_num_threads(cfg.threads)
out_dir = Path(cfg.out_dir)
out_dir.mkdir(parents=True, exist_ok=True)

x_train, y_train = mnist("train")
x_train, y_train = x_train[: cfg.n_train], y_train[: cfg.n_train]
x_val, y_val = mnist("val")
x_test, y_test = mnist("test")
model = DigitClassifier(ClassifierConfig())
print(f"{count_params(model):,} parameters")
opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
steps_per_epoch = len(x_train) // cfg.batch_size
total = cfg.epochs * steps_per_epoch


def shift(x: torch.Tensor) -> torch.Tensor:
    """Translate each (B, 1, 28, 28) image by up to `cfg.shift` pixels (zero fill)."""
    p = cfg.shift
    x = F.pad(x, (p, p, p, p))
    dy, dx = torch.randint(0, 2 * p + 1, (2,))
    return x[:, :, dy : dy + 28, dx : dx + 28]


def accuracy(x: torch.Tensor, y: torch.Tensor) -> float:
    preds, _ = classify(model, x)
    model.train()
    return (preds == y).double().mean().item()


log = {"config": asdict(cfg), "command": command, "epochs": []}
epoch, it, step, perm, done_minutes = 0, 0, 0, None, 0.0
resumed_at = None  # the step of a restart from weights alone: the lr re-warms from there
state_file = Path(cfg.resume) if cfg.resume else None
state = dict(models={"classifier": model}, optimizers={"adam": opt}, rngs={"torch": "torch"})
if state_file and state_file.exists():
    r = resume.load(state_file, **state)
    resume.check_same_run(state_file, r.meta["config"], cfg)
    epoch, it, step, log, done_minutes = (
        r.meta[k] for k in ("epoch", "it", "step", "log", "minutes")
    )
    perm = r.tensors.get("perm")
    resumed_at = None if r.exact else step
    print(
        f"resumed {state_file} at epoch {epoch}, iteration {it} ({'exact' if r.exact else 'weights only'})"
    )


def save_state() -> None:
    meta = {
        "config": asdict(cfg),
        "epoch": epoch,
        "it": it,
        "step": step,
        "log": log,
        "minutes": done_minutes + (time.time() - t_start) / 60,
    }
    resume.save(state_file, **state, meta=meta, tensors={} if perm is None else {"perm": perm})
    print(f"state saved: epoch {epoch} iteration {it} step {step} -> {state_file}", flush=True)


t_start = last_save = time.time()
model.train()
while epoch < cfg.epochs:
    if perm is None:
        perm = torch.randperm(len(x_train))
    while it < steps_per_epoch:
        if state_file:
            if (
                (cfg.piece_steps and step >= cfg.piece_steps)
                or stop_requested()
                or (cfg.piece_minutes and time.time() - t_start >= cfg.piece_minutes * 60)
            ):
                save_state()
                sys.exit(0)
            if time.time() - last_save >= cfg.save_every * 60:
                save_state()
                last_save = time.time()
        idx = perm[it * cfg.batch_size : (it + 1) * cfg.batch_size]
        lr = cfg.lr * 0.5 * (1 + math.cos(math.pi * step / total)) * resume.rewarm(step, resumed_at)
        for g in opt.param_groups:
            g["lr"] = lr
        loss = F.cross_entropy(model(shift(x_train[idx, None])), y_train[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        it += 1
    row = {
        "epoch": epoch + 1,
        "loss": loss.item(),
        "val_accuracy": accuracy(x_val, y_val),
        "minutes": done_minutes + (time.time() - t_start) / 60,
    }
    log["epochs"].append(row)
    print(json.dumps(row), flush=True)
    epoch, it, perm = epoch + 1, 0, None

log["test_accuracy"] = accuracy(x_test, y_test)
log["train_minutes"] = done_minutes + (time.time() - t_start) / 60
log["hardware"] = (
    f"{platform.processor() or platform.machine()}, torch {torch.__version__}, {cfg.threads} thread(s)"
)
model.eval()
model.save_pretrained(out_dir)
(out_dir / "training_log.json").write_text(json.dumps(log, indent=1))
acc = log["test_accuracy"]
(out_dir / "README.md").write_text(f"""---
library_name: paper-gallery
license: apache-2.0
pipeline_tag: image-classification
tags: [mnist, image-classification, gan-evaluation]
datasets: [mnist]
---

# MNIST digit classifier (the GAN tab's judge)

A small CNN (`models.digit_classifier.DigitClassifier`: two 3x3 conv + max-pool layers, a 128-unit feature
layer, a 10-way output; {count_params(model):,} parameters). The Paper Gallery uses it only to
measure generated digits: the class histogram of samples (mode coverage) and a Fréchet distance on
its 128-d features. Input: (B, 1, 28, 28) pixels in [0, 1].

**Test accuracy (10,000 MNIST test images): {acc * 100:.2f}%.**

Recipe: `{command}` — train[:50000], {cfg.epochs} epochs, Adam lr {cfg.lr} with cosine decay,
batch {cfg.batch_size}, random shifts of up to {cfg.shift} px, seed {cfg.seed};
{log["train_minutes"]:.1f} minutes on {log["hardware"]}.
""")
print(f"test accuracy {acc:.4f}; saved {out_dir} in {log['train_minutes']:.1f} min")
