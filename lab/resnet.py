"""The ResNet lecture's experiments (He et al. 2015), run on the models of `models/resnet.py`.

- Table 1 for any configuration: each stage's output size, blocks and channels (on the meta device).
- Grad-CAM (Selvaraju et al. 2017): what a trained network looked at for its top class.
- Fig. 7: the std of every 3x3 layer's response.
- Live mini-experiments, small enough for two CPU cores: the 8x8 digits of scikit-learn (the UCI
  handwritten digits, bundled, offline) and the CIFAR family of §4.2 at a quarter of the width:
  gradient norms of plain and residual nets, and the degradation run of §4.1/§4.2.
"""

import functools
from dataclasses import replace
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from models.hub import WEIGHTS_DIR
from models.resnet import ResNet, ResNetConfig, cifar_config

LIVE_RECORD = WEIGHTS_DIR / "resnet_live" / "default.json"

# ---------------------------------------------------------------------------------------------
# Table 1 for any configuration
# ---------------------------------------------------------------------------------------------


def meta_model(config: ResNetConfig) -> ResNet:
    """The network on PyTorch's meta device: shapes, parameter counts and FLOPs, no memory."""
    with torch.device("meta"):
        return ResNet(config)


def stage_table(config: ResNetConfig) -> list[dict]:
    """Table 1 for any config: each stage's output size, blocks and output channels."""
    model = meta_model(config)
    s = config.image_size
    x = torch.empty(1, 3, s, s, device="meta")
    out = model.forward_intermediates(x)
    stem = model.conv1(x)  # Table 1 lists conv1 before the max pool (which opens conv2_x)
    rows = [
        {
            "stage": "conv1",
            "output": f"{stem.shape[-2]}×{stem.shape[-1]}",
            "blocks": "-",
            "channels": stem.shape[1],
        }
    ]
    for i, n in enumerate(config.layers, start=1):
        y = out.blocks[f"layer{i}.{n - 1}"]
        rows.append(
            {
                "stage": f"conv{i + 1}_x",
                "output": f"{y.shape[-2]}×{y.shape[-1]}",
                "blocks": n,
                "channels": y.shape[1],
            }
        )
    rows.append(
        {"stage": "pool, fc", "output": "1×1", "blocks": "-", "channels": config.num_classes}
    )
    return rows


# ---------------------------------------------------------------------------------------------
# Using a trained network: Grad-CAM, and the layer responses of Fig. 7
# ---------------------------------------------------------------------------------------------


class Prediction(NamedTuple):
    probs: Tensor  # (num_classes,) softmax probabilities
    cam: Tensor  # (S, S) Grad-CAM of the top class, in [0, 1]


def predict(model: ResNet, x: Tensor) -> Prediction:
    """Class probabilities and a Grad-CAM map of the top class (Selvaraju et al. 2017,
    arXiv:1610.02391): the last stage's feature maps weighted by their pooled gradients."""
    with torch.enable_grad():
        feats = model.forward_features(x)  # (1, C, h, w): 7x7 (ImageNet) or 8x8 (CIFAR)
        logits = model.forward_head(feats)  # (1, num_classes)
        top = int(logits[0].argmax())
        (grad,) = torch.autograd.grad(logits[0, top], feats)  # (1, C, h, w)
    alpha = grad.mean(dim=(2, 3), keepdim=True)  # (1, C, 1, 1): importance of each channel
    cam = F.relu((alpha * feats.detach()).sum(1, keepdim=True))  # (1, 1, h, w)
    cam = F.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[0, 0]
    return Prediction(logits.detach()[0].softmax(-1), cam / cam.max().clamp_min(1e-12))


def layer_response_std(model: ResNet, x: Tensor) -> list[float]:
    """Fig. 7: the std of every 3x3 layer's response (after BN, before ReLU/addition), in depth
    order. Each layer's std is taken over the batch and positions of each channel, then averaged
    over its channels."""
    with torch.no_grad():
        responses = model.forward_intermediates(x).responses
    return [r.float().std(dim=(0, 2, 3)).mean().item() for r in responses.values()]


# ---------------------------------------------------------------------------------------------
# The lecture's mini-experiments, small enough to run live on two CPU cores: 8x8 digits
# (scikit-learn's bundled copy of the UCI handwritten digits, offline), the CIFAR family of §4.2
# with a quarter of the width.
# ---------------------------------------------------------------------------------------------

DIGITS_MEAN, DIGITS_STD = 0.30, 0.40  # of load_digits() pixels scaled to [0, 1]


def digits(split: str = "train") -> tuple[Tensor, Tensor]:
    """The 1,797 8x8 digits of scikit-learn: (N, 3, 8, 8) normalized, (N,) labels; the last 297
    (about one in six) are the "test" split."""
    x, y = _digits()
    return (x[:1500], y[:1500]) if split == "train" else (x[1500:], y[1500:])


@functools.cache
def _digits() -> tuple[Tensor, Tensor]:  # read once per process (~1.4 s with sklearn's import)
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.images, dtype=torch.float32) / 16.0  # (1797, 8, 8) in [0, 1]
    x = ((x - DIGITS_MEAN) / DIGITS_STD)[:, None].expand(-1, 3, -1, -1).contiguous()
    return x, torch.tensor(d.target)


def mini_config(depth: int, residual: bool) -> ResNetConfig:
    """A 6n+2-layer CIFAR-style net (option A) for 8x8 inputs with widths 8/16/32."""
    assert (depth - 2) % 6 == 0 and depth >= 8, "depth must be 6n+2 (8, 14, 20, ..., 110)"
    return replace(
        cifar_config((depth - 2) // 6, residual),
        widths=(8, 16, 32),
        image_size=8,
        resize_size=8,
        categories=tuple(str(i) for i in range(10)),
    )


def gradient_norms(
    depth: int, steps: int = 0, seed: int = 0, lr: float = 0.05
) -> dict[str, list[float]]:
    """‖∂L/∂W‖ of each main-path conv (input to output) for a plain and a residual net of
    `depth` layers, at initialization (steps=0) or after `steps` SGD steps on the digits."""
    x, y = digits("train")
    g = torch.Generator().manual_seed(seed)
    out = {}
    for residual in (False, True):
        torch.manual_seed(seed)
        model = ResNet(mini_config(depth, residual)).train()
        convs = [
            m.weight
            for n, m in model.named_modules()
            if isinstance(m, nn.Conv2d) and "downsample" not in n
        ]
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        for _ in range(steps):
            idx = torch.randint(0, len(x), (64,), generator=g)
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
        idx = torch.arange(256)  # one fixed batch for the measurement
        grads = torch.autograd.grad(F.cross_entropy(model(x[idx]), y[idx]), convs)
        out[f"{'ResNet' if residual else 'plain'}-{depth}"] = [gr.norm().item() for gr in grads]
    return out


class LiveStep(NamedTuple):
    step: int
    loss: dict[str, float]  # smoothed training loss of each net
    test_accuracy: dict[str, float] | None  # filled in at the last step only


def degradation_run(
    depth: int = 56,
    steps: int = 400,
    reference: int | None = 20,
    lr: float = 0.05,
    batch: int = 64,
    seed: int = 0,
    every: int = 10,
    initial: bool = False,
):
    """Train plain-`depth`, ResNet-`depth` (and plain-`reference`) side by side on the digits,
    same batches and schedule (SGD, momentum 0.9, wd 1e-4 as §4.2); yields a `LiveStep` every
    `every` steps (and, with `initial`, one at step 0: each net's loss on the first batch before any
    update). The paper's finding (§4.1/§4.2): the deep plain net trains worse than the shallow one,
    the residual net of the same depth does not."""
    x, y = digits("train")
    nets = {
        f"plain-{depth}": mini_config(depth, False),
        f"ResNet-{depth}": mini_config(depth, True),
    }
    if reference:
        nets[f"plain-{reference}"] = mini_config(reference, False)
    models, opts = {}, {}
    for name, cfg in nets.items():
        torch.manual_seed(seed)
        models[name] = ResNet(cfg).train()
        opts[name] = torch.optim.SGD(
            models[name].parameters(), lr=lr, momentum=0.9, weight_decay=1e-4
        )
    g = torch.Generator().manual_seed(seed)
    ema: dict[str, float] = {}
    if initial:  # the loss at initialization, on the first batch (the generator is not advanced)
        idx = torch.randint(0, len(x), (batch,), generator=torch.Generator().manual_seed(seed))
        with (
            torch.no_grad()
        ):  # closed before the yield: grad mode belongs to the thread (demos/runtime.py)
            first = LiveStep(
                0, {n: F.cross_entropy(m(x[idx]), y[idx]).item() for n, m in models.items()}, None
            )
        yield first
    for step in range(1, steps + 1):
        idx = torch.randint(0, len(x), (batch,), generator=g)  # the same batch for every net
        for name, model in models.items():
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opts[name].zero_grad()
            loss.backward()
            opts[name].step()
            ema[name] = loss.item() if name not in ema else 0.9 * ema[name] + 0.1 * loss.item()
        if step % every == 0 or step == steps:
            acc = None
            if step == steps:
                xt, yt = digits("test")
                with torch.no_grad():
                    acc = {
                        n: (m.eval()(xt).argmax(-1) == yt).float().mean().item()
                        for n, m in models.items()
                    }
            yield LiveStep(step, dict(ema), acc)
