"""A small MNIST classifier that judges a generator's samples (not from a paper).

The GAN tab's "judge": which digit a sample shows and how sure it is, and the penultimate-layer
features of the Fréchet distance (`lab/gan.py` measures with it; `training/gan_classifier.py`
trains it; its weights are `weights/mnist_classifier`).
"""

from dataclasses import dataclass

from huggingface_hub import PyTorchModelHubMixin
from torch import Tensor, nn


@dataclass
class ClassifierConfig:
    """A small MNIST CNN that only measures samples (not from the paper): 2 conv, 2 fc."""

    channels: tuple[int, ...] = (16, 32)
    d_features: int = 128  # the penultimate layer: the features of the Fréchet distance
    num_classes: int = 10

    def __post_init__(self) -> None:
        self.channels = tuple(self.channels)


class DigitClassifier(
    nn.Module,
    PyTorchModelHubMixin,
    library_name="paper-gallery",
    pipeline_tag="image-classification",
    license="apache-2.0",
    tags=["mnist", "image-classification", "gan-evaluation"],
):
    """conv-relu-pool x2, fc-relu (features), fc (logits); input (B, 1, 28, 28) in [0, 1]."""

    def __init__(self, config: ClassifierConfig):
        super().__init__()
        self.config = cfg = config
        c1, c2 = cfg.channels
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (B, c1, 14, 14)
            nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (B, c2, 7, 7)
            nn.Flatten(), nn.Linear(c2 * 7 * 7, cfg.d_features), nn.ReLU(),  # (B, d_features)
        )  # fmt: skip
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(cfg.d_features, cfg.num_classes)

    def forward_features(self, x: Tensor) -> Tensor:
        return self.features((x - 0.1307) / 0.3081)  # MNIST mean/std

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.dropout(self.forward_features(x)))  # (B, 10)
