"""Deep Residual Learning for Image Recognition (He, Zhang, Ren, Sun 2015), all of it in this file.

Paper: https://arxiv.org/abs/1512.03385 (CVPR 2016). Implemented: the residual block (§3.1-3.2,
Eq. 1-2, Fig. 2), basic and bottleneck blocks (§4.1, Fig. 5), the identity/projection shortcut
options A/B/C (§3.3, §4.1 Table 3), the ImageNet networks (§3.4, Table 1), the CIFAR-10 networks
with 6n+2 layers (§4.2, Table 6) and the "plain" nets: the same layers without shortcuts (§4.1).
Layer names follow torchvision's `torchvision/models/resnet.py` (BSD-3-Clause), so a torchvision
state dict loads with `strict=True` and no converter.

Deviations from the paper (all switchable in `ResNetConfig`):
- `stride_in_3x3=True` (default): the bottleneck downsamples in its 3x3 conv, as torchvision does
  ("ResNet V1.5", the layout of every torchvision checkpoint). The paper strides the first 1x1 conv
  (`stride_in_3x3=False`). V1.5 is slightly more accurate and costs more: ResNet-50 has 4.09
  G multiply-adds instead of the paper's 3.8 (Table 1); the parameter count is the same.
- Option A pads the new channels at the end (channels C..2C-1 are 0); the paper doesn't say where.
- CIFAR inputs are normalized per channel (mean and std); §4.2 subtracts the per-pixel mean.
- `zero_init_residual` (off by default) starts every residual branch's last BN at gamma=0
  (Goyal et al. 2017, https://arxiv.org/abs/1706.02677 §5.1), not in the paper.

Names, d2l → ours: `Residual` → `BasicBlock`; `num_channels` → `widths`; `use_1x1conv` →
`shortcut="B"`; `b1` (the 7x7 stem) → `conv1, bn1, maxpool`; `b2..b5` → `layer1..layer4`;
`arch` → `layers`.
"""

import math
from dataclasses import dataclass, replace
from typing import NamedTuple

import torch
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin
from torch import Tensor, nn

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
# CIFAR-10 training-set channel statistics. §4.2 subtracts the per-pixel mean image instead.
CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)  # fmt: skip


@dataclass
class ResNetConfig:
    """One network of Table 1 (ImageNet) or §4.2 (CIFAR-10); `PRESETS` holds the paper's sizes."""

    block: str = "bottleneck"  # "basic": two 3x3 convs; "bottleneck": 1x1-3x3-1x1 (Fig. 5)
    layers: tuple[int, ...] = (3, 4, 6, 3)  # blocks per stage (Table 1 brackets; CIFAR: (n, n, n))
    widths: tuple[int, ...] = (64, 128, 256, 512)  # 3x3 channels per stage; bottleneck out 4x
    stem: str = "imagenet"  # "imagenet": 7x7/2 conv + 3x3/2 max pool; "cifar": one 3x3 conv (§4.2)
    shortcut: str = "B"  # §3.3: "A" zero-pad identity, "B" projection if shape changes, "C" always
    residual: bool = True  # False = the plain net: the same layers with every shortcut removed
    stride_in_3x3: bool = True  # bottleneck only: True = torchvision "V1.5"; paper strides the 1x1
    zero_init_residual: bool = False  # last BN of each branch at gamma=0 (Goyal et al. 2017)
    num_classes: int = 1000
    # Preprocessing travels with the weights: resize shorter side to `resize_size`, center-crop
    # `image_size`, scale to [0, 1], then (x - mean) / std.
    image_size: int = 224  # §3.4: 224x224 crops
    resize_size: int = 256  # §3.4 trains on sides in [256, 480]; test: resize 256, crop 224
    mean: tuple[float, ...] = IMAGENET_MEAN
    std: tuple[float, ...] = IMAGENET_STD
    categories: tuple[str, ...] = ()  # class names; empty = unnamed (architecture-only presets)

    def __post_init__(self) -> None:
        # config.json stores tuples as lists: turn them back so configs compare equal after a reload
        for name in ("layers", "widths", "mean", "std", "categories"):
            setattr(self, name, tuple(getattr(self, name)))
        assert self.block in ("basic", "bottleneck"), f"unknown block {self.block!r}"
        assert self.stem in ("imagenet", "cifar"), f"unknown stem {self.stem!r}"
        assert self.shortcut in ("A", "B", "C"), f"unknown shortcut option {self.shortcut!r}"
        assert len(self.layers) == len(self.widths), "one width per stage"
        assert not self.categories or len(self.categories) == self.num_classes, (
            f"{len(self.categories)} categories for {self.num_classes} classes"
        )

    @property
    def depth(self) -> int:
        """Weighted layers: convs on the main path plus the classifier (the paper's "20", "50")."""
        convs_per_block = 2 if self.block == "basic" else 3
        return 1 + convs_per_block * sum(self.layers) + 1


def cifar_config(n: int, residual: bool = True) -> ResNetConfig:
    """§4.2: 6n+2 layers, three stages of 2n 3x3 convs on 32/16/8 maps with 16/32/64 filters."""
    return ResNetConfig(
        block="basic",
        layers=(n, n, n),
        widths=(16, 32, 64),
        stem="cifar",
        shortcut="A",
        residual=residual,
        num_classes=10,
        image_size=32,
        resize_size=32,
        mean=CIFAR10_MEAN,
        std=CIFAR10_STD,
        categories=CIFAR10_CLASSES,
    )


# Table 1 (ImageNet, option B as in Table 2-4) and §4.2 / Table 6 (CIFAR-10, option A).
PRESETS: dict[str, ResNetConfig] = {
    "resnet18": ResNetConfig(block="basic", layers=(2, 2, 2, 2)),  # 1.8 GFLOPs, 11.7 M params
    "resnet34": ResNetConfig(block="basic", layers=(3, 4, 6, 3)),  # 3.6 GFLOPs, 21.8 M
    "resnet50": ResNetConfig(block="bottleneck", layers=(3, 4, 6, 3)),  # 3.8 GFLOPs, 25.6 M
    "resnet101": ResNetConfig(block="bottleneck", layers=(3, 4, 23, 3)),  # 7.6 GFLOPs, 44.5 M
    "resnet152": ResNetConfig(block="bottleneck", layers=(3, 8, 36, 3)),  # 11.3 GFLOPs, 60.2 M
    "plain18": ResNetConfig(block="basic", layers=(2, 2, 2, 2), residual=False),  # Table 2
    "plain34": ResNetConfig(block="basic", layers=(3, 4, 6, 3), residual=False),
    **{
        f"resnet{6 * n + 2}": cifar_config(n) for n in (3, 5, 7, 9, 18)
    },  # 0.27/0.46/0.66/0.85/1.7 M
    **{
        f"plain{6 * n + 2}": cifar_config(n, residual=False) for n in (3, 5, 7, 9, 18)
    },  # Fig. 6 left
}


def conv3x3(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    """3x3 convolution with padding 1 and no bias (BN follows, §3.4)."""
    return nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=1, stride=stride, bias=False)


class ZeroPadShortcut(nn.Module):
    """Option A shortcut, §3.3/§4.2: identity, subsampled by `stride`, new channels zero-padded."""

    def __init__(self, c_out: int, stride: int):
        super().__init__()
        self.c_out, self.stride = c_out, stride

    def forward(self, x: Tensor) -> Tensor:
        x = x[:, :, :: self.stride, :: self.stride]  # (B, C_in, H/s, W/s), parameter-free
        return F.pad(x, (0, 0, 0, 0, 0, self.c_out - x.shape[1]))  # (B, C_out, H/s, W/s)


def make_shortcut(option: str, c_in: int, c_out: int, stride: int) -> nn.Module | None:
    """The shortcut of one block, §3.3: None means the identity x itself (Eq. 1).

    Args:
        option: "A" zero-padding, "B" projection where the shape changes, "C" always projection.
        c_in, c_out: channels into the block and out of it.
        stride: the block's spatial stride (2 at the first block of stages 2..4).
    """
    changes_shape = stride != 1 or c_in != c_out
    if option == "C" or (option == "B" and changes_shape):
        # Eq. (2): y = F(x) + W_s x, with W_s a 1x1 conv (+ BN, as after every conv, §3.4)
        return nn.Sequential(conv1x1(c_in, c_out, stride), nn.BatchNorm2d(c_out))
    if option == "A" and changes_shape:
        return ZeroPadShortcut(c_out, stride)
    return None


class BasicBlock(nn.Module):
    """The two-layer residual block, Fig. 2 / Fig. 5 left: y = relu(F(x) + x), F = two 3x3 convs."""

    expansion = 1

    def __init__(self, c_in: int, width: int, stride: int, cfg: ResNetConfig):
        """
        Args:
            c_in: input channels; width: channels of both 3x3 convs; stride: of the first 3x3 conv.
            cfg: supplies `shortcut` (option A/B/C) and `residual` (False builds the plain block).
        """
        super().__init__()
        c_out = width * self.expansion
        self.residual = cfg.residual
        self.conv1 = conv3x3(c_in, width, stride)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, c_out)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.downsample = make_shortcut(cfg.shortcut, c_in, c_out, stride) if cfg.residual else None

    def forward(self, x: Tensor, return_responses: bool = False):
        shortcut = x if self.downsample is None else self.downsample(x)  # (B, C_out, H/s, W/s)
        r1 = self.bn1(self.conv1(x))  # (B, width, H/s, W/s): "responses" = after BN, before ReLU
        # In place (as torchvision) unless the pre-ReLU responses are returned for Fig. 7
        r2 = self.bn2(
            self.conv2(F.relu(r1, inplace=not return_responses))
        )  # F(x), (B, C_out, H/s, W/s)
        # Eq. (1): y = F(x, {W_i}) + x, then the second nonlinearity (Fig. 2); plain: y = F(x)
        out = F.relu(
            r2 + shortcut if self.residual else r2, inplace=self.residual or not return_responses
        )
        return (out, (r1, r2)) if return_responses else out


class Bottleneck(nn.Module):
    """The bottleneck block, Fig. 5 right (§4.1): 1x1 reduces, 3x3, 1x1 restores (4x) the width."""

    expansion = 4

    def __init__(self, c_in: int, width: int, stride: int, cfg: ResNetConfig):
        """
        Args:
            c_in: input channels; width: channels of the 1x1-reduced 3x3 conv; output is 4 * width.
            stride: downsampling of this block; on the 3x3 conv if `cfg.stride_in_3x3` (V1.5),
                on the first 1x1 conv otherwise (the paper: "performed by conv3_1, conv4_1, ...").
            cfg: supplies `shortcut`, `residual` and `stride_in_3x3`.
        """
        super().__init__()
        c_out = width * self.expansion
        s1, s3 = (1, stride) if cfg.stride_in_3x3 else (stride, 1)
        self.residual = cfg.residual
        self.conv1 = conv1x1(c_in, width, s1)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, s3)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, c_out)
        self.bn3 = nn.BatchNorm2d(c_out)
        self.downsample = make_shortcut(cfg.shortcut, c_in, c_out, stride) if cfg.residual else None

    def forward(self, x: Tensor, return_responses: bool = False):
        shortcut = x if self.downsample is None else self.downsample(x)  # (B, 4w, H/s, W/s)
        r1 = self.bn1(self.conv1(x))  # (B, w, H/s1, W/s1): 1x1 reduces the width
        r2 = self.bn2(self.conv2(F.relu(r1, inplace=not return_responses)))  # (B, w, H/s, W/s)
        r3 = self.bn3(
            self.conv3(F.relu(r2, inplace=not return_responses))
        )  # F(x), (B, 4w, H/s, W/s)
        out = F.relu(
            r3 + shortcut if self.residual else r3, inplace=self.residual or not return_responses
        )  # Eq. (1) / plain
        return (out, (r1, r2, r3)) if return_responses else out


class Intermediates(NamedTuple):
    """What `ResNet.forward_intermediates` returns; keys are module names like "layer3.8"."""

    logits: Tensor  # (B, num_classes)
    blocks: dict[str, Tensor]  # each residual block's output, after the addition and ReLU
    responses: dict[str, Tensor]  # each conv's output after BN, before ReLU/addition (Fig. 7)


class ResNet(
    nn.Module,
    PyTorchModelHubMixin,
    library_name="paper-gallery",
    paper_url="https://arxiv.org/abs/1512.03385",
    pipeline_tag="image-classification",
    license="apache-2.0",
    tags=["resnet", "arxiv:1512.03385", "image-classification"],
):
    """A residual (or plain) network, §3: stem, stages of blocks, global avg pool, fc (Table 1)."""

    def __init__(self, config: ResNetConfig):
        """
        Args:
            config: the architecture and its preprocessing; saved to config.json by
                `save_pretrained` and rebuilt from it by `from_pretrained` (the dataclass
                annotation is what tells the mixin to do so).
        """
        super().__init__()
        self.config = cfg = config
        block = BasicBlock if cfg.block == "basic" else Bottleneck
        c = cfg.widths[0]
        # Stem. ImageNet (Table 1 conv1): 7x7/2 conv + 3x3/2 max pool, 224 -> 56.
        # CIFAR (§4.2): "The first layer is 3x3 convolutions", 32 -> 32.
        if cfg.stem == "imagenet":
            self.conv1 = nn.Conv2d(3, c, kernel_size=7, stride=2, padding=3, bias=False)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        else:
            self.conv1 = conv3x3(3, c)
            self.maxpool = nn.Identity()
        self.bn1 = nn.BatchNorm2d(c)
        self.relu = nn.ReLU()
        # Stages layer1..layerN (conv2_x..conv5_x): the first block of every stage after the first
        # halves the feature map and the next stage doubles the width (§3.3 design rules).
        for i, (n_blocks, width) in enumerate(zip(cfg.layers, cfg.widths)):
            stride = 1 if i == 0 else 2
            blocks = []
            for j in range(n_blocks):
                blocks.append(block(c, width, stride if j == 0 else 1, cfg))
                c = width * block.expansion
            self.add_module(f"layer{i + 1}", nn.Sequential(*blocks))
        self.num_stages = len(cfg.layers)
        self.num_features = c
        # Head: "global average pooling and a 1000-way fully-connected layer with softmax" (§3.3)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c, cfg.num_classes)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """He init of the convs (§3.4 cites [13]: He et al. 2015); BN gamma 1, beta 0."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        if self.config.zero_init_residual and self.config.residual:
            for m in self.modules():
                if isinstance(m, (BasicBlock, Bottleneck)):
                    nn.init.zeros_((m.bn3 if isinstance(m, Bottleneck) else m.bn2).weight)

    @property
    def stages(self) -> list[nn.Sequential]:
        return [getattr(self, f"layer{i + 1}") for i in range(self.num_stages)]

    def forward_features(self, x: Tensor) -> Tensor:
        """(B, 3, H, W) normalized images -> (B, C, H/32, W/32) (ImageNet) or (B, 64, H/4, W/4)."""
        x = self.maxpool(
            F.relu(self.bn1(self.conv1(x)), inplace=True)
        )  # (B, 64, H/4, W/4) or (B, 16, H, W)
        for stage in self.stages:
            x = stage(x)  # each stage after the first: half the size, double the width
        return x

    def forward_head(self, x: Tensor, pre_logits: bool = False) -> Tensor:
        x = torch.flatten(self.avgpool(x), 1)  # (B, C)
        return x if pre_logits else self.fc(x)  # (B, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.forward_head(self.forward_features(x))

    def forward_intermediates(
        self, x: Tensor, stages: tuple[int, ...] | None = None
    ) -> Intermediates:
        """Logits plus every block's output and every conv's BN response, keyed by module name.

        For the layer-response plot (Fig. 7: std of the BN outputs of each layer) and for feature
        maps / Grad-CAM on the last stage (`blocks[f"layer{N}.{k}"]` keeps its autograd graph).

        Args:
            x: (B, 3, H, W) normalized images.
            stages: stage numbers to record, 0 = the stem, 1.. = layer1..; default all. The logits
                are always computed.
        """
        keep = set(range(self.num_stages + 1) if stages is None else stages)
        blocks: dict[str, Tensor] = {}
        responses: dict[str, Tensor] = {}
        x = self.bn1(self.conv1(x))
        if 0 in keep:
            responses["bn1"] = x
        x = self.maxpool(self.relu(x))
        for i, stage in enumerate(self.stages, start=1):
            for j, blk in enumerate(stage):
                x, rs = blk(x, return_responses=True)
                if i in keep:
                    blocks[f"layer{i}.{j}"] = x  # (B, C_i, H_i, W_i)
                    responses.update({f"layer{i}.{j}.bn{k}": r for k, r in enumerate(rs, start=1)})
        return Intermediates(self.forward_head(x), blocks, responses)


def count_params(model: nn.Module) -> int:
    """Number of parameters (BN running statistics are buffers and not counted, as in Table 6)."""
    return sum(p.numel() for p in model.parameters())


@torch.no_grad()
def count_flops(model: nn.Module, image_size: int | None = None) -> int:
    """Multiply-adds of every conv and linear layer for one image, counted with forward hooks.

    This is what Table 1 calls "FLOPs" (e.g. 3.6 x 10^9 for ResNet-34): BN, ReLU, pooling and the
    shortcut additions are not counted.

    Args:
        model: any module; it is run once on a zero image in eval mode (its mode is restored).
        image_size: input side; default `model.config.image_size`.
    """
    image_size = image_size or model.config.image_size
    total = 0

    def hook(m: nn.Module, inputs: tuple[Tensor], out: Tensor) -> None:
        nonlocal total
        if isinstance(m, nn.Conv2d):  # each output value costs C_in/groups * k_h * k_w MACs
            total += out[0].numel() * (m.in_channels // m.groups) * math.prod(m.kernel_size)
        else:  # nn.Linear
            total += out[0].numel() * m.in_features

    handles = [
        m.register_forward_hook(hook)
        for m in model.modules()
        if isinstance(m, (nn.Conv2d, nn.Linear))
    ]
    was_training = model.training
    model.eval()
    try:
        param = next(model.parameters())
        model(torch.zeros(1, 3, image_size, image_size, dtype=param.dtype, device=param.device))
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    return total


def resnet(name: str, **overrides) -> ResNet:
    """Build a preset with fresh weights, e.g. `resnet("resnet50", stride_in_3x3=False)`."""
    return ResNet(replace(PRESETS[name], **overrides))


# ---------------------------------------------------------------------------------------------
# The paper's own numbers, for the tab to check the model against (never shown as measured).
# ---------------------------------------------------------------------------------------------

PAPER_GFLOPS = {
    "resnet18": 1.8,
    "resnet34": 3.6,
    "resnet50": 3.8,
    "resnet101": 7.6,
    "resnet152": 11.3,
}
PAPER_CIFAR_PARAMS_M = {
    "resnet20": 0.27,
    "resnet32": 0.46,
    "resnet44": 0.66,
    "resnet56": 0.85,
    "resnet110": 1.7,
}  # Table 6
PAPER_CIFAR_TEST_ERROR = {
    "resnet20": 8.75,
    "resnet32": 7.51,
    "resnet44": 7.17,
    "resnet56": 6.97,
    "resnet110": 6.43,
}  # Table 6 (best of 5 runs for 110)
# Table 3: ImageNet val error (%), 10-crop testing: (top-1, top-5).
PAPER_TABLE3 = {
    "plain-34": (28.54, 10.02), "ResNet-34 A": (25.03, 7.76), "ResNet-34 B": (24.52, 7.46),
    "ResNet-34 C": (24.19, 7.40), "ResNet-50": (22.85, 6.71), "ResNet-101": (21.75, 6.05),
    "ResNet-152": (21.43, 5.71),
}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The preprocessing that travels with the weights
# ---------------------------------------------------------------------------------------------


def preprocess(image, config: ResNetConfig) -> Tensor:
    """An RGB PIL image -> (1, 3, S, S): resize the shorter side to `resize_size`, center-crop
    `image_size`, scale to [0, 1], subtract `mean` and divide by `std` (the weights' own recipe)."""
    import torchvision.transforms.functional as TF

    x = TF.pil_to_tensor(image.convert("RGB"))  # (3, H, W) uint8
    x = TF.resize(x, config.resize_size, antialias=True)  # shorter side = resize_size
    x = TF.center_crop(x, config.image_size)  # (3, S, S)
    x = TF.normalize(x.float() / 255, config.mean, config.std)
    return x[None]  # (1, 3, S, S)


def unnormalize(x: Tensor, config: ResNetConfig) -> Tensor:
    """(1, 3, S, S) normalized -> (S, S, 3) uint8: the crop the network actually sees."""
    mean = torch.tensor(config.mean).view(3, 1, 1)
    std = torch.tensor(config.std).view(3, 1, 1)
    return ((x[0] * std + mean).clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0)


__all__ = [
    "PAPER_CIFAR_PARAMS_M",
    "PAPER_CIFAR_TEST_ERROR",
    "PAPER_GFLOPS",
    "PAPER_TABLE3",
    "preprocess",
    "unnormalize",
    "CIFAR10_CLASSES",
    "CIFAR10_MEAN",
    "CIFAR10_STD",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "PRESETS",
    "BasicBlock",
    "Bottleneck",
    "Intermediates",
    "ResNet",
    "ResNetConfig",
    "ZeroPadShortcut",
    "cifar_config",
    "count_flops",
    "count_params",
    "make_shortcut",
    "resnet",
]
