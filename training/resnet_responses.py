"""The paper's Fig. 7 from our recorded checkpoints: std of every 3x3 layer's response.

    .venv/bin/python -m training.resnet_responses   # writes weights/resnet_curves/responses.json

Reads the plain/residual 20- and 56-layer checkpoints saved by training/resnet_curves.py and the
1,000 lossless CIFAR-10 test images of ../shared/data (the data is read here, never committed).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from lab.resnet import layer_response_std
from models.hub import WEIGHTS_DIR
from models.resnet import ResNet

DATA = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "data"
    / "cifar10"
    / "cifar10_test_lossless1k.npz"
)
NETS = ["plain20", "resnet20", "plain56", "resnet56"]
OUT = WEIGHTS_DIR / "resnet_curves" / "responses.json"


def main() -> None:
    torch.set_num_threads(2)
    with np.load(DATA) as z:
        x = torch.from_numpy(z["x"]).permute(0, 3, 1, 2).float() / 255  # (1000, 3, 32, 32)
    stds = {}
    for name in NETS:
        model = (
            ResNet.from_pretrained(str(WEIGHTS_DIR / "resnet_curves" / name), strict=True)
            .float()
            .eval()
        )
        mean = torch.tensor(model.config.mean).view(1, 3, 1, 1)
        std = torch.tensor(model.config.std).view(1, 3, 1, 1)
        stds[name] = [round(v, 5) for v in layer_response_std(model, (x - mean) / std)]
        print(name, len(stds[name]), "layers, mean std", round(float(np.mean(stds[name])), 4))
    OUT.write_text(
        json.dumps(
            {
                "std": stds,
                "source": "checkpoints of training/resnet_curves.py (reduced budget), on the 1,000 lossless "
                "CIFAR-10 test images; std over batch and positions per channel, averaged over channels",
                "command": ".venv/bin/python -m training.resnet_responses",
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
