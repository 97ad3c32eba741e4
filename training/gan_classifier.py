"""Train the MNIST classifier that measures GAN samples (mode coverage, Fréchet distance).

    .venv/bin/python training/gan_classifier.py                 # -> weights/mnist_classifier

Not from the paper: the GAN tab's "judge". A small CNN (models.gan.DigitClassifier) trained on
train[:50000] with light augmentation (random shifts of up to 2 px), Adam with a cosine schedule;
train[50000:] is the validation set, the 10,000 test images are measured at the end.
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
from training.common import config_from_args  # noqa: E402
from models.gan import ClassifierConfig, DigitClassifier, classify, count_params, mnist  # noqa: E402


@dataclass
class TrainConfig:
    epochs: int = 3
    batch_size: int = 128
    lr: float = 2e-3
    shift: int = 2  # random translation in pixels
    threads: int = 1
    seed: int = 1337
    out_dir: str = "weights/mnist_classifier"


cfg = config_from_args(TrainConfig, __doc__)
command = ".venv/bin/python training/gan_classifier.py " + " ".join(sys.argv[1:])
print(cfg)
torch.manual_seed(cfg.seed)
torch.set_num_threads(cfg.threads)
out_dir = Path(cfg.out_dir)
out_dir.mkdir(parents=True, exist_ok=True)

x_train, y_train = mnist("train")
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
t_start = time.time()
step = 0
model.train()
for epoch in range(cfg.epochs):
    perm = torch.randperm(len(x_train))
    for it in range(steps_per_epoch):
        idx = perm[it * cfg.batch_size : (it + 1) * cfg.batch_size]
        lr = cfg.lr * 0.5 * (1 + math.cos(math.pi * step / total))
        for g in opt.param_groups:
            g["lr"] = lr
        loss = F.cross_entropy(model(shift(x_train[idx, None])), y_train[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
    row = {"epoch": epoch + 1, "loss": loss.item(), "val_accuracy": accuracy(x_val, y_val),
           "minutes": (time.time() - t_start) / 60}  # fmt: skip
    log["epochs"].append(row)
    print(json.dumps(row), flush=True)

log["test_accuracy"] = accuracy(x_test, y_test)
log["train_minutes"] = (time.time() - t_start) / 60
log["hardware"] = f"{platform.processor() or platform.machine()}, torch {torch.__version__}, {cfg.threads} thread(s)"
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

A small CNN (`models.gan.DigitClassifier`: two 3x3 conv + max-pool layers, a 128-unit feature
layer, a 10-way output; {count_params(model):,} parameters). The Paper Gallery uses it only to
measure generated digits: the class histogram of samples (mode coverage) and a Fréchet distance on
its 128-d features. Input: (B, 1, 28, 28) pixels in [0, 1].

**Test accuracy (10,000 MNIST test images): {acc * 100:.2f}%.**

Recipe: `{command}` — train[:50000], {cfg.epochs} epochs, Adam lr {cfg.lr} with cosine decay,
batch {cfg.batch_size}, random shifts of up to {cfg.shift} px, seed {cfg.seed};
{log["train_minutes"]:.1f} minutes on {log["hardware"]}.
""")
print(f"test accuracy {acc:.4f}; saved {out_dir} in {log['train_minutes']:.1f} min")
