"""Train the CIFAR-10 ResNet-20 of He et al. 2015 (§4.2, Table 6: 8.75% error) on one CPU thread.

    OMP_NUM_THREADS=1 .venv/bin/python training/resnet.py            # the recipe in TrainConfig
    OMP_NUM_THREADS=1 .venv/bin/python training/resnet.py --epochs 1 --limit_train 2048 \
        --out_dir /tmp/smoke                                            # a one-minute smoke run
    OMP_NUM_THREADS=2 .venv/bin/python training/resnet.py --arch resnet56 --epochs 60 \
        --resume training/state/resnet56.safetensors --piece_minutes 170   # one piece of a long run
    torchrun --standalone --nproc_per_node 2 training/resnet.py --schedule step --lr 0.1 \
        --epochs 164 --warmup_epochs 0 --nesterov false --weight_decay 1e-4 \
        --label_smoothing 0 --jpeg_p 0 --bf16 false      # the paper's recipe, 2 GPUs (README)

Uses a GPU when there is one; under torchrun, DistributedDataParallel (training/distributed.py):
`batch_size` is the global batch, each rank trains on its slice of it.

Trains on the 50k training images only, evaluates on the 10k test images after every epoch and
writes `model.safetensors` + `config.json` (save_pretrained), `training_log.json` and a model card.

Recipe vs the paper (§4.2: SGD, batch 128, lr 0.1 divided by 10 at 32k and 48k iterations, 64k
iterations = 164 epochs, weight decay 1e-4, momentum 0.9, 4-px pad + random 32x32 crop + flip):
- far fewer epochs, so a one-cycle schedule (linear warm-up, then cosine to zero), Nesterov
  momentum, weight decay 5e-4, label smoothing 0.1: the usual short-schedule choices;
- bf16 autocast and channels_last, which make the CPU about 2x faster (weights stay fp32);
- the test set available here is JPEG quality 75 (lossy), the training set lossless. Half of the
  training images are shown JPEG-compressed at that quality (re-encoded once, before training) so
  the net has seen the compression artefacts; the lossless 1k test subset is reported as well.

Budget: `epochs`. `--minutes M` (GPU runs of training/gpu_all.sh) instead fits the budget to the
clock: at the end of the warm-up (which does not depend on the budget) the epochs that fit in M
minutes at the measured speed become the budget, so `--epochs E --minutes 0` repeats the schedule.
Stop and go on (training/resume.py): `--resume FILE` keeps the weights, SGD's momentum, both random
generators, the epoch, the iteration, that epoch's permutation and the log in FILE (written every
`save_every` minutes, at the end of a piece and on SIGTERM/SIGINT); a restart continues the same
run where it stopped, step for step (tests/test_resume.py).
"""

import copy
import io
import json
import math
import platform
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from models.resnet import PAPER_CIFAR_TEST_ERROR, PRESETS, ResNet, count_params
from training import resume  # noqa: E402
from training.common import (  # noqa: E402
    config_from_args,
    counted_flops,
    speed_sentence,
    stop_requested,
)
from training.data import DATA_DIR, cifar10  # noqa: E402
from training.distributed import setup, state_sha256  # noqa: E402


@dataclass
class TrainConfig:
    arch: str = "resnet20"  # a key of models.resnet.PRESETS
    epochs: int = 36  # ~710 img/s on 1 thread (bf16, channels_last): ~46 min + eval
    minutes: float = 0.0  # > 0: the budget is the epochs (at most `epochs`) that fit in M minutes
    resume: str = ""  # a state file (training/resume.py): continued if it exists, kept up to date
    save_every: float = 10.0  # minutes between writes of the state file
    piece_minutes: float = 0.0  # > 0: stop this piece after so many minutes (the state is saved)
    piece_steps: int = 0  # > 0: stop this piece at this step (tests)
    batch_size: int = 128  # the paper's
    lr: float = 0.2  # one-cycle peak (the paper: 0.1 constant, then step decay)
    schedule: str = "onecycle"  # or "step": lr divided by 10 at each of `milestones` (§4.2)
    milestones: str = "32000,48000"  # "step": iterations (the paper's; 64k = 164 epochs of 390)
    warmup_epochs: float = 3.0  # linear warm-up from lr/10 (the paper warms ResNet-110 at 0.01)
    momentum: float = 0.9  # §3.4 / §4.2
    nesterov: bool = True
    weight_decay: float = 5e-4  # the paper's 1e-4 suits 164 epochs; short runs like more
    label_smoothing: float = 0.1  # Szegedy et al. 2016; not in the paper
    pad: int = 4  # §4.2: "4 pixels are padded on each side, and a 32x32 crop is randomly sampled"
    jpeg_p: float = 0.5  # fraction of training images shown as their JPEG re-encoding
    jpeg_quality: int = 75  # the quality of cifar10_test.npz
    bf16: bool = True  # autocast matmuls/convs to bfloat16 (CPU AVX-512-BF16)
    channels_last: bool = True
    threads: int = 1
    seed: int = 1337
    limit_train: int = 0  # >0: use only the first N training images (smoke runs)
    limit_eval: int = 0  # >0: only N test images, spread over the classes (smoke runs)
    ddp_check: bool = False  # print each rank's first loss and final weights' sha256 (a test)
    data_dir: str = str(DATA_DIR / "cifar10")
    out_dir: str = "weights/resnet20_cifar10"


# -----------------------------------------------------------------------------
# 1) config from the command line: every TrainConfig field is a --flag
cfg = config_from_args(TrainConfig, __doc__)
ddp = setup()  # one process, or one of torchrun's: rank, world_size, device
master = ddp.is_master  # rank 0 prints, evaluates for the record and writes files
device = ddp.device
launcher = ddp.launcher("OMP_NUM_THREADS=1 .venv/bin/python")  # or "torchrun --nproc_per_node N"
command = launcher + " training/resnet.py " + " ".join(sys.argv[1:])
assert cfg.batch_size % ddp.world_size == 0, "batch_size is global: a multiple of the ranks"
if master:
    print(cfg, f"world_size {ddp.world_size}, device {device}")

torch.manual_seed(cfg.seed)
rng = np.random.default_rng(cfg.seed)  # the same on every rank: one permutation, sliced by rank
torch.set_num_threads(cfg.threads)
out_dir = Path(cfg.out_dir)
if master:
    out_dir.mkdir(parents=True, exist_ok=True)


# -----------------------------------------------------------------------------
# 2) data: uint8 NCHW tensors in memory; augmentation is done per batch in torch
def jpeg(x: torch.Tensor, quality: int) -> torch.Tensor:
    """Re-encode (N, 3, 32, 32) uint8 images as JPEG (PIL defaults: 4:2:0 chroma subsampling)."""
    out = torch.empty_like(x)
    for i, img in enumerate(x.permute(0, 2, 3, 1).numpy()):
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, format="JPEG", quality=quality)
        out[i] = torch.from_numpy(np.asarray(Image.open(buf).convert("RGB"))).permute(2, 0, 1)
    return out


x_train, y_train = cifar10("train", cfg.data_dir)  # (50000, 3, 32, 32) uint8, lossless
if cfg.limit_train:
    x_train, y_train = x_train[: cfg.limit_train], y_train[: cfg.limit_train]
x_test, y_test = cifar10("test", cfg.data_dir)  # (10000, 3, 32, 32), JPEG q75, sorted by class
x_test1k, y_test1k = cifar10("test_lossless1k", cfg.data_dir)  # (1000, 3, 32, 32), lossless
if cfg.limit_eval:
    every = max(1, len(x_test) // cfg.limit_eval)  # the 10k set is sorted by class
    x_test, y_test = x_test[::every][: cfg.limit_eval], y_test[::every][: cfg.limit_eval]
    x_test1k, y_test1k = x_test1k[: cfg.limit_eval], y_test1k[: cfg.limit_eval]
t0 = time.time()
x_train_jpeg = jpeg(x_train, cfg.jpeg_quality) if cfg.jpeg_p > 0 else x_train
if master:
    print(f"JPEG re-encoded {len(x_train)} training images in {time.time() - t0:.1f}s")

model_cfg = PRESETS[cfg.arch]
mean = torch.tensor(model_cfg.mean, device=device).view(1, 3, 1, 1) * 255
std = torch.tensor(model_cfg.std, device=device).view(1, 3, 1, 1) * 255
memory_format = torch.channels_last if cfg.channels_last else torch.contiguous_format


def normalize(x: torch.Tensor) -> torch.Tensor:
    """uint8 (B, 3, H, W) -> float (B, 3, H, W): (x/255 - mean) / std, as in the config."""
    return ((x.float() - mean) / std).contiguous(memory_format=memory_format)


def get_batch(idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """§4.2 augmentation: zero-pad 4 px, random 32x32 crop, random horizontal flip.

    `idx` is the global batch. The random draws are made for all of it, so every rank's `rng`
    stays in step, and then only this rank's slice (`ddp.shard`) is built and moved to the device.
    """
    use_jpeg = torch.from_numpy(rng.random(len(idx)) < cfg.jpeg_p).view(-1, 1, 1, 1)
    dy, dx = rng.integers(0, 2 * cfg.pad + 1, size=(2, len(idx)))
    flip = torch.from_numpy(rng.random(len(idx)) < 0.5).view(-1, 1, 1, 1)
    idx, use_jpeg, dy, dx, flip = map(ddp.shard, (idx, use_jpeg, dy, dx, flip))
    x = torch.where(use_jpeg, x_train_jpeg[idx], x_train[idx])  # (B, 3, 32, 32) uint8
    p = cfg.pad
    x = F.pad(x, (p, p, p, p))  # (B, 3, 40, 40)
    x = torch.stack([x[i, :, a : a + 32, b : b + 32] for i, (a, b) in enumerate(zip(dy, dx))])
    x = torch.where(flip, x.flip(3), x)
    return normalize(x.to(device)), y_train[idx].to(device)


# -----------------------------------------------------------------------------
# 3) model, optimizer, schedule
raw_model = ResNet(model_cfg).to(device, memory_format=memory_format)
if master:
    print(f"{cfg.arch}: {count_params(raw_model):,} parameters")
init_sha = state_sha256(raw_model) if cfg.ddp_check else ""
model = ddp.wrap(raw_model)  # DDP under torchrun (rank 0's initial weights on every rank)
decay = [p for p in model.parameters() if p.ndim > 1]  # conv/fc weights; no decay on BN and bias
no_decay = [p for p in model.parameters() if p.ndim <= 1]
optimizer = torch.optim.SGD(
    [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0}],
    lr=cfg.lr,
    momentum=cfg.momentum,
    nesterov=cfg.nesterov,
)
steps_per_epoch = len(x_train) // cfg.batch_size  # drop the last partial batch
total_steps = cfg.epochs * steps_per_epoch
warmup_steps = int(cfg.warmup_epochs * steps_per_epoch)
milestones = [int(m) for m in cfg.milestones.split(",")]


def get_lr(step: int) -> float:
    # 1) linear warm-up from lr/10 to lr
    if step < warmup_steps:
        return cfg.lr * (0.1 + 0.9 * step / warmup_steps)
    # 2a) the paper's steps: lr divided by 10 at each milestone
    if cfg.schedule == "step":
        return cfg.lr * 0.1 ** sum(step >= m for m in milestones)
    # 2b) cosine decay from lr to 0 at the last step
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return cfg.lr * 0.5 * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def evaluate(x: torch.Tensor, y: torch.Tensor, bf16: bool, batch_size: int = 500) -> float:
    """Top-1 error in % on uint8 images (no augmentation, eval-mode BN); each rank scores its
    slice of the images with the plain model (no DDP), and the counts are summed."""
    raw_model.eval()
    n, (x, y) = len(x), (ddp.shard(x), ddp.shard(y))
    wrong = 0
    for i in range(0, len(x), batch_size):
        with torch.autocast(ddp.device_type, dtype=torch.bfloat16, enabled=bf16):
            logits = raw_model(normalize(x[i : i + batch_size].to(device)))
        wrong += (logits.argmax(1).cpu() != y[i : i + batch_size]).sum().item()
    raw_model.train()
    (wrong,) = ddp.all_reduce(wrong)
    return 100.0 * wrong / n


# -----------------------------------------------------------------------------
# 4) training loop. Where the run is (epoch, iteration, that epoch's permutation, the running
# sums) and the random generators go into the state file, so a restart draws the same crops.
log = {"config": asdict(cfg), "command": command, "epochs": []}
zeros = {"loss_sum": 0.0, "wrong": 0, "seen": 0}
epoch, it, step, perm, sums, done_epoch_seconds = 0, 0, 0, None, dict(zeros), 0.0
epochs = cfg.epochs  # the budget; `--minutes` may lower it at the end of the warm-up
budget_fixed = not cfg.minutes
resumed_at = None  # the step of a restart from weights alone: the lr re-warms from there
state_file = Path(cfg.resume) if cfg.resume else None
state = dict(
    models={"resnet": raw_model},
    optimizers={"sgd": optimizer},
    rngs={"data": rng, "torch": "torch"},
)
if state_file and state_file.exists():
    r = resume.load(state_file, **state)
    resume.check_same_run(state_file, r.meta["config"], cfg)
    epoch, it, step, sums, log = (r.meta[k] for k in ("epoch", "it", "step", "sums", "log"))
    epochs, budget_fixed, done_epoch_seconds = (
        r.meta["epochs"],
        r.meta["budget_fixed"],
        r.meta["epoch_seconds"],
    )
    perm = r.tensors["perm"].numpy() if "perm" in r.tensors else None
    resumed_at = None if r.exact else step
    if master:
        print(
            f"resumed {state_file} at epoch {epoch}, iteration {it} "
            f"({'exact' if r.exact else 'weights only'})",
            flush=True,
        )
total_steps = epochs * steps_per_epoch


def save_state() -> None:
    meta = {
        "config": asdict(cfg),
        "epoch": epoch,
        "it": it,
        "step": step,
        "sums": sums,
        "log": log,
        "epochs": epochs,
        "budget_fixed": budget_fixed,
        "epoch_seconds": done_epoch_seconds + time.time() - t_epoch,
    }
    tensors = {} if perm is None else {"perm": torch.from_numpy(perm)}
    exact = resume.save(state_file, **state, meta=meta, tensors=tensors)
    print(
        f"state saved: epoch {epoch} iteration {it} step {step} -> {state_file} "
        f"({'exact' if exact else 'weights only'})",
        flush=True,
    )


def fix_budget() -> int:
    """`--minutes`: the epochs that fit in the budget at the speed of the epochs so far (the
    first one, which warms up the device, counts only when it is the only one)."""
    seconds = [row["seconds"] for row in log["epochs"]]
    per_epoch = sum(seconds[1:]) / len(seconds[1:]) if len(seconds) > 1 else seconds[0]
    fit = len(seconds) + int((cfg.minutes * 60 - sum(seconds)) / per_epoch)
    return max(len(seconds), min(cfg.epochs, fit))


t_start = last_save = time.time()
model.train()
while epoch < epochs:
    t_epoch = time.time()
    if perm is None:
        perm = rng.permutation(len(x_train))
    while it < steps_per_epoch:
        if state_file:
            stop = (
                (cfg.piece_steps and step >= cfg.piece_steps)
                or stop_requested()
                or (cfg.piece_minutes and time.time() - t_start >= cfg.piece_minutes * 60)
            )
            if ddp.from_master(bool(stop)):  # rank 0 decides for every rank
                if master:
                    save_state()
                ddp.cleanup()
                sys.exit(0)
            if master and time.time() - last_save >= cfg.save_every * 60:
                save_state()
                last_save = time.time()
        xb, yb = get_batch(perm[it * cfg.batch_size : (it + 1) * cfg.batch_size])  # this rank's
        lr = get_lr(step) * resume.rewarm(step, resumed_at)
        for group in optimizer.param_groups:
            group["lr"] = lr
        with torch.autocast(ddp.device_type, dtype=torch.bfloat16, enabled=cfg.bf16):
            logits = model(xb)  # (B / world_size, 10)
        loss = F.cross_entropy(logits.float(), yb, label_smoothing=cfg.label_smoothing)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if step == 0 and cfg.ddp_check:  # different on each rank: each trains on its own slice
            line = f"ddp_check rank {ddp.rank} first_loss {loss.item():.6f}\n"
            sys.stdout.write(line)  # in one write: the ranks share stdout (print writes "\n" apart)
            sys.stdout.flush()
        step += 1
        it += 1
        # train loss/error on the augmented batches, as the paper's Fig. 6 curves
        sums["loss_sum"] += loss.item() * len(yb)
        sums["wrong"] += (logits.argmax(1) != yb).sum().item()
        sums["seen"] += len(yb)
        if it % 100 == 1 and master:
            rate = sums["seen"] * ddp.world_size / (done_epoch_seconds + time.time() - t_epoch)
            print(
                f"epoch {epoch} it {it - 1}/{steps_per_epoch} loss {loss.item():.3f} lr {lr:.4f} "
                f"{rate:.0f} img/s",
                flush=True,
            )
    t_train = done_epoch_seconds + time.time() - t_epoch
    loss_sum, wrong, seen = ddp.all_reduce(
        sums["loss_sum"], sums["wrong"], sums["seen"]
    )  # all ranks
    ddp.sync_buffers(raw_model)  # rank 0's BatchNorm statistics everywhere, before evaluating
    test_err = evaluate(x_test, y_test, bf16=cfg.bf16)
    row = {
        "epoch": epoch + 1,
        "train_loss": loss_sum / seen,
        "train_error": 100.0 * wrong / seen,
        "test_error": test_err,
        "lr": lr,
        "train_seconds": t_train,
        "seconds": done_epoch_seconds + time.time() - t_epoch,
        "images_per_second": seen / t_train,
    }
    log["epochs"].append(row)
    if master:
        print(json.dumps(row), flush=True)
        (out_dir / "training_log.json").write_text(json.dumps(log, indent=1))
    epoch, it, perm, sums, done_epoch_seconds = epoch + 1, 0, None, dict(zeros), 0.0
    if not budget_fixed and epoch >= max(1, warmup_steps // steps_per_epoch):
        epochs = ddp.from_master(fix_budget())  # before the warm-up ends: the schedule's length
        total_steps, budget_fixed = epochs * steps_per_epoch, True
        log["epochs_budget"] = epochs
        if master:
            print(f"--minutes {cfg.minutes}: the budget is {epochs} epochs", flush=True)
    # the safety net of a clock budget: no epoch starts after it
    if cfg.minutes and ddp.from_master(
        sum(r["seconds"] for r in log["epochs"]) >= cfg.minutes * 60
    ):
        if epoch < epochs:
            log["stopped_by_clock"] = f"after epoch {epoch} of {epochs}"
            if master:
                print(f"stopped by the clock after epoch {epoch} of {epochs}", flush=True)
        break

# -----------------------------------------------------------------------------
# 5) final evaluation in fp32 (how the app runs the model), save, model card
total_minutes = sum(row["seconds"] for row in log["epochs"]) / 60  # over every piece
cpu = platform.processor() or platform.machine()
hardware = f"{cpu}, torch {torch.__version__}, {cfg.threads} thread(s)"
if ddp.device_type == "cuda":
    hardware = f"{ddp.world_size} x {torch.cuda.get_device_name()}, torch {torch.__version__}"
elif ddp.ddp:
    hardware += f" x {ddp.world_size} processes"
final = {
    "test_error_jpeg10k": evaluate(x_test, y_test, bf16=False),
    "test_error_lossless1k": evaluate(x_test1k, y_test1k, bf16=False),
    "test_error_jpeg10k_bf16": evaluate(x_test, y_test, bf16=True),
    "train_minutes": total_minutes,
    "hardware": hardware,
}
log["final"] = final
if cfg.ddp_check:  # identical on every rank, and not the initial weights
    sys.stdout.write(
        f"ddp_check rank {ddp.rank} init_sha256 {init_sha} final_sha256 {state_sha256(raw_model)}\n"
    )
    sys.stdout.flush()
ddp.cleanup()
if not master:
    sys.exit(0)
print(json.dumps(final), flush=True)
(out_dir / "training_log.json").write_text(json.dumps(log, indent=1))


def step_flops_per_image() -> float:
    """FLOPs of one training step (forward and backward) per image, counted on a copy of the
    model (the shipped BatchNorm statistics stay as they are)."""
    probe = copy.deepcopy(raw_model).train()
    xb = torch.randn(cfg.batch_size, 3, 32, 32, device=device).to(memory_format=memory_format)
    yb = torch.zeros(cfg.batch_size, dtype=torch.long, device=device)

    def step():
        with torch.autocast(ddp.device_type, dtype=torch.bfloat16, enabled=cfg.bf16):
            logits = probe(xb)
        F.cross_entropy(logits.float(), yb).backward()

    return counted_flops(step) / cfg.batch_size


speed = speed_sentence(
    [row["images_per_second"] for row in log["epochs"]],
    "images",
    step_flops_per_image() if device == "cpu" and not ddp.ddp else 0.0,
    cfg.bf16,
    cfg.threads,
    ddp.device_type,
    ddp.world_size,
)
model = raw_model.cpu().to(memory_format=torch.contiguous_format)
model.save_pretrained(out_dir)
n_params = count_params(model)
err10k, err1k = final["test_error_jpeg10k"], final["test_error_lossless1k"]
err10k_bf16 = final["test_error_jpeg10k_bf16"]
if cfg.schedule == "step":
    lr_text = f"lr {cfg.lr} divided by 10 at iterations {cfg.milestones}"
    lr_text += f" (linear warm-up {cfg.warmup_epochs} epochs)" if cfg.warmup_epochs else ""
else:
    lr_text = f"one-cycle lr (warm-up {cfg.warmup_epochs} epochs to {cfg.lr}, cosine to 0)"
sgd, precision = "SGD Nesterov" if cfg.nesterov else "SGD", "bf16 autocast" if cfg.bf16 else "fp32"
budget_note = f" (the budget that fit in `--minutes {cfg.minutes}`)" if cfg.minutes else ""
machine_note = " (a shared 2-core machine)" if device == "cpu" and not ddp.ddp else ""
depth = int(
    "".join(filter(str.isdigit, cfg.arch))
)  # a CIFAR net: 6n + 2 layers, n basic blocks a stage
paper_err = PAPER_CIFAR_TEST_ERROR.get(cfg.arch)
paper_text = f"{paper_err}% (lossless)" if paper_err else "not in Table 6"
card = f"""---
library_name: paper-gallery
license: apache-2.0
pipeline_tag: image-classification
tags: [resnet, arxiv:1512.03385, image-classification, cifar10]
datasets: [cifar10]
---

# ResNet-{depth} on CIFAR-10 (He et al. 2015, §4.2)

The {depth}-layer CIFAR-10 residual network of [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)
(3 stages x {(depth - 2) // 6} basic blocks, 16/32/64 channels, option-A zero-padding shortcuts),
{n_params:,} parameters, defined in `models/resnet.py` (`PRESETS["{cfg.arch}"]`). Load with
`ResNet.from_pretrained(<this folder>, strict=True)`; inputs are 32x32 RGB scaled to [0, 1] and
normalized with the `mean`/`std` in `config.json`.

## Results (measured by the training script, fp32 inference)

| test set | error | paper (ResNet-{depth}, Table 6) |
|---|---|---|
| CIFAR-10 test, 10,000 images, **JPEG q75 (lossy copy)** | **{err10k:.2f}%** | {paper_text} |
| CIFAR-10 test[:1000], lossless | {err1k:.2f}% | |

The full test set available offline here is a lossy JPEG (q75, 4:2:0) re-encoding of the official
one, so its error is not exactly comparable with the paper's; the lossless 1,000-image subset is
small (a 1% difference is 10 images). bf16-autocast inference on the 10k set: {err10k_bf16:.2f}%.

## Recipe

```
{command}
```

Training split only (50,000 images), {epochs} epochs{budget_note}, batch {cfg.batch_size}, {sgd}
momentum {cfg.momentum}, {lr_text},
weight decay {cfg.weight_decay} (not on BN/bias), label smoothing {cfg.label_smoothing}, the paper's
4-px pad + random crop + flip, and {cfg.jpeg_p:.0%} of the training images shown
JPEG-q{cfg.jpeg_quality} re-encoded (to match the lossy test copy). {precision}, channels_last,
seed {cfg.seed}. The paper trains 164 epochs with step decay and weight decay 1e-4.
Per-epoch train loss/error, test error, lr and seconds are in `training_log.json`.

Training time: {total_minutes:.1f} minutes on {final["hardware"]}{machine_note} (wall clock,
every piece of the run together). Speed, the median epoch: {speed}.
Weights are stored in fp32 (safetensors).
"""
(out_dir / "README.md").write_text(card)
print(f"saved to {out_dir} in {total_minutes:.1f} min")
