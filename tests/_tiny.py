"""A tiny PyTorchModelHubMixin model for testing the weights layer."""

from dataclasses import dataclass

import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn


@dataclass
class TinyConfig:
    d_in: int = 4
    d_out: int = 3


class TinyNet(nn.Module, PyTorchModelHubMixin, library_name="paper-gallery"):
    def __init__(self, config: TinyConfig):
        super().__init__()
        self.config = config
        self.proj = nn.Linear(config.d_in, config.d_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x)
