"""A timm/torchvision ImageNet ResNet checkpoint -> our `models.resnet.ResNet`, at load time.

The catalogue rows of the Hub's timm ResNets name `training.convert_resnet:from_timm` as their
converter (`models/hub.py` calls it as f(folder, entry)). torchvision's key names are ours, so the
state dict loads with `strict=True` and no renaming.
"""

from dataclasses import replace
from pathlib import Path

from models.resnet import PRESETS, ResNet


def from_timm(folder, entry) -> ResNet:
    """A timm/torchvision ImageNet ResNet checkpoint (model.safetensors, torchvision's key names)
    -> our module, `strict=True`. The architecture comes from `entry.meta["preset"]`, the class
    names from torchvision's weight metadata (shipped with torchvision, offline)."""
    from safetensors.torch import load_file
    from torchvision.models import ResNet50_Weights

    categories = tuple(ResNet50_Weights.IMAGENET1K_V1.meta["categories"])
    cfg = replace(
        PRESETS[entry.meta["preset"]],
        categories=categories,
        resize_size=entry.meta.get("resize_size", 256),
    )
    model = ResNet(cfg)
    state = load_file(Path(folder) / "model.safetensors")  # tensors only: nothing is unpickled
    model.load_state_dict(state, strict=True)
    return model.eval()
