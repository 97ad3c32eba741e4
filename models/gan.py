"""Generative Adversarial Nets (Goodfellow et al. 2014), all of it in this file.

Paper: https://arxiv.org/abs/1406.2661 (NIPS 2014). Implemented: the minimax game (§3, Eq. 1) with
the saturating generator loss log(1 - D(G(z))) and the non-saturating -log D(G(z)) that §3
recommends; the optimal discriminator D* = p_data / (p_data + p_g) (§4.1, Prop. 1) and the value
of the game at the optimum C(G*) = -log 4 (Thm. 1); Algorithm 1 with k discriminator steps per
generator step; the MNIST nets of §5 (generator: rectifier hidden units and a sigmoid output;
discriminator: maxout units with dropout); the Gaussian Parzen-window log-likelihood of §5/Table 1.
Also the convolutional generator of DCGAN (Radford et al. 2015, arXiv:1511.06434) for 28x28
images, a small MNIST classifier (used only to measure samples: mode coverage and a Fréchet
distance on its features), latent paths (lerp, slerp, a norm-keeping random walk), and the 1-D
(Fig. 1) and 2-D games as generators that yield their state (the tab draws them).

Deviations from the paper:
- Adam (lr 2e-4, beta1 0.5, DCGAN's settings) instead of SGD with momentum and a decaying lr.
- z ~ N(0, I) with z_dim = 100 for both generators (the paper only names a prior p_z); a Gaussian
  prior makes the norm of z and spherical interpolation meaningful.
- The DCGAN generator also ends in a sigmoid (Radford et al. use tanh on [-1, 1] images), so both
  generators emit pixel intensities in [0, 1], the scale the Parzen window is measured on.
- The DCGAN discriminator has no batch norm in its first layer and no final sigmoid: every
  discriminator returns logits; D(x) = sigmoid(logit), and the losses use the stable
  `binary_cross_entropy_with_logits` forms of the same expressions.

Names, d2l (§20.1-20.2) -> ours: `net_G` -> `Generator`; `net_D` -> `Discriminator`; `update_D` ->
`discriminator_loss`; `update_G` -> `generator_loss`; `latent_dim` -> `z_dim`; `G_block` -> the
ConvTranspose/BN/ReLU triples of `Generator._dcgan`.
"""


import math
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Iterator, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin
from torch import Tensor, nn

IMAGE_SIZE = 28  # MNIST
LOG4 = math.log(4.0)  # Thm. 1: C(G*) = -log 4 when p_g = p_data
PAPER_PARZEN_MNIST = (225.0, 2.0)  # Table 1: adversarial nets, MNIST, mean +- standard error
# The same estimate with 10,000 real training images as the "samples" (training/gan_eval.py protocol,
# measured here: 243.1 +- 1.9, sigma 0.178; Theis et al. 2016 report 243 for "true distribution")
REAL_DATA_PARZEN_MNIST = (243.1, 1.9)


@dataclass
class GANConfig:
    """One of the two MNIST GANs: the paper's MLPs (§5) or a DCGAN; `PRESETS` holds both."""

    arch: str = "mlp"  # "mlp": the paper's §5 nets; "dcgan": Radford et al. 2015
    z_dim: int = 100  # noise dimension (the paper's code used 100 for MNIST)
    # mlp (pylearn2 mnist.yaml of the paper's code): G 1200-1200 ReLU, D 240-240 maxout x5
    g_hidden: int = 1200
    d_hidden: int = 240
    maxout_pieces: int = 5
    d_dropout_input: float = 0.2  # dropout on D's input (the code's include prob 0.8)
    d_dropout: float = 0.5  # dropout on D's maxout layers
    # dcgan: feature maps of the last G layer and first D layer (x2 per resolution step)
    ngf: int = 64
    ndf: int = 64
    d_convs: int = 2  # dcgan: D's strided convolutions, 28 -> 14 -> 7 (3: -> 4, a wider view)
    image_size: int = IMAGE_SIZE

    def __post_init__(self) -> None:
        assert self.arch in ("mlp", "dcgan"), f"unknown arch {self.arch!r}"
        assert self.image_size == 28, "both architectures are laid out for 28x28 images"


PRESETS: dict[str, GANConfig] = {
    "mlp": GANConfig(arch="mlp"),  # §5: 2.5 M (G) + 1.2 M (D) parameters
    "dcgan": GANConfig(arch="dcgan"),  # 0.8 M (G) + 0.1 M (D)
    # twice as wide a G and one more conv in D: at equal steps (750 of batch 64) 47% of samples
    # are classified with p >= 0.9 against 35% for "dcgan" (Fréchet distance 116 vs 157)
    "dcgan_wide": GANConfig(arch="dcgan", ngf=128, d_convs=3),  # 1.8 M (G) + 0.4 M (D)
}


class Maxout(nn.Module):
    """Maxout units (Goodfellow et al. 2013): the max over `pieces` linear pieces, §5's D."""

    def __init__(self, d_in: int, d_out: int, pieces: int):
        super().__init__()
        self.d_out, self.pieces = d_out, pieces
        self.linear = nn.Linear(d_in, d_out * pieces)

    def forward(self, x: Tensor) -> Tensor:
        h = self.linear(x).view(x.shape[0], self.d_out, self.pieces)  # (B, d_out, pieces)
        return h.max(dim=-1).values  # (B, d_out)


class Generator(
    nn.Module,
    PyTorchModelHubMixin,
    library_name="paper-gallery",
    paper_url="https://arxiv.org/abs/1406.2661",
    pipeline_tag="unconditional-image-generation",
    license="apache-2.0",
    tags=["gan", "arxiv:1406.2661", "mnist", "unconditional-image-generation"],
):
    """G(z; theta_g), §3: noise z ~ p_z mapped to a 28x28 image with pixels in [0, 1]."""

    def __init__(self, config: GANConfig):
        """
        Args:
            config: architecture ("mlp" or "dcgan") and z_dim; saved to config.json by
                `save_pretrained`, rebuilt from it by `from_pretrained`.
        """
        super().__init__()
        self.config = cfg = config
        self.net = self._mlp(cfg) if cfg.arch == "mlp" else self._dcgan(cfg)

    @staticmethod
    def _mlp(cfg: GANConfig) -> nn.Sequential:
        # §5: "a mixture of rectifier linear activations and sigmoid activations"
        return nn.Sequential(
            nn.Linear(cfg.z_dim, cfg.g_hidden), nn.ReLU(),
            nn.Linear(cfg.g_hidden, cfg.g_hidden), nn.ReLU(),
            nn.Linear(cfg.g_hidden, 28 * 28), nn.Sigmoid(),
            nn.Unflatten(1, (1, 28, 28)),
        )  # fmt: skip

    @staticmethod
    def _dcgan(cfg: GANConfig) -> nn.Sequential:
        c = cfg.ngf
        return nn.Sequential(
            nn.Linear(cfg.z_dim, 2 * c * 7 * 7, bias=False), nn.BatchNorm1d(2 * c * 7 * 7), nn.ReLU(),
            nn.Unflatten(1, (2 * c, 7, 7)),  # (B, 2c, 7, 7)
            nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1, bias=False),  # (B, c, 14, 14)
            nn.BatchNorm2d(c), nn.ReLU(),
            nn.ConvTranspose2d(c, 1, 4, stride=2, padding=1),  # (B, 1, 28, 28)
            nn.Sigmoid(),
        )  # fmt: skip

    def forward(self, z: Tensor) -> Tensor:
        return self.net(z)  # (B, z_dim) -> (B, 1, 28, 28) in [0, 1]


class Discriminator(nn.Module):
    """D(x; theta_d), §3: the logit of the probability that x came from the data, not from G."""

    def __init__(self, config: GANConfig):
        super().__init__()
        self.config = cfg = config
        if cfg.arch == "mlp":
            # §5: "The discriminator net used maxout activations. Dropout was applied in training"
            self.net = nn.Sequential(
                nn.Flatten(), nn.Dropout(cfg.d_dropout_input),
                Maxout(28 * 28, cfg.d_hidden, cfg.maxout_pieces), nn.Dropout(cfg.d_dropout),
                Maxout(cfg.d_hidden, cfg.d_hidden, cfg.maxout_pieces), nn.Dropout(cfg.d_dropout),
                nn.Linear(cfg.d_hidden, 1),
            )  # fmt: skip
        else:
            c = cfg.ndf
            layers = [nn.Conv2d(1, c, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]  # (B, c, 14, 14)
            layers += [nn.Conv2d(c, 2 * c, 4, stride=2, padding=1, bias=False),  # (B, 2c, 7, 7)
                       nn.BatchNorm2d(2 * c), nn.LeakyReLU(0.2)]  # fmt: skip
            side, width = 7, 2 * c
            if cfg.d_convs == 3:  # (B, 4c, 4, 4)
                layers += [nn.Conv2d(2 * c, 4 * c, 3, stride=2, padding=1, bias=False),
                           nn.BatchNorm2d(4 * c), nn.LeakyReLU(0.2)]  # fmt: skip
                side, width = 4, 4 * c
            self.net = nn.Sequential(*layers, nn.Flatten(), nn.Linear(width * side * side, 1))

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x).squeeze(-1)  # (B,) logits; D(x) = sigmoid(logit)


def init_weights(m: nn.Module) -> None:
    """DCGAN's init (Radford et al. §4): N(0, 0.02) weights, BN gamma N(1, 0.02)."""
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


# ---------------------------------------------------------------------------------------------
# The game (§3, Algorithm 1): losses as plain functions, on logits
# ---------------------------------------------------------------------------------------------


def discriminator_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """-(log D(x) + log(1 - D(G(z)))): D ascends V(D, G) of Eq. 1, written as a loss to descend."""
    real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real + fake


def generator_loss(fake_logits: Tensor, saturating: bool = False) -> Tensor:
    """G's loss, §3. saturating: log(1 - D(G(z))), as in Eq. 1, which "saturates" when D rejects
    G's samples early on; non-saturating (the paper's advice): -log D(G(z))."""
    if saturating:
        # log(1 - sigmoid(l)) = -softplus(l)
        return -F.softplus(fake_logits).mean()
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def value(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """V(D, G) of Eq. 1 estimated on a batch: E log D(x) + E log(1 - D(G(z)))."""
    return -discriminator_loss(real_logits, fake_logits)


def optimal_discriminator(p_data: Tensor, p_g: Tensor) -> Tensor:
    """Prop. 1: D*_G(x) = p_data(x) / (p_data(x) + p_g(x)) (1/2 where both densities vanish)."""
    total = p_data + p_g
    return torch.where(total > 0, p_data / total.clamp_min(1e-300), torch.full_like(total, 0.5))


def virtual_training_criterion(x: Tensor, p_data: Tensor, p_g: Tensor) -> Tensor:
    """Thm. 1: C(G) = max_D V(G, D) = -log 4 + 2 JSD(p_data || p_g), by the trapezoid rule on a
    1-D grid `x` where both densities are tabulated."""
    m = 0.5 * (p_data + p_g)

    def kl(p: Tensor) -> Tensor:
        integrand = torch.where(p > 0, p * (torch.log(p.clamp_min(1e-300)) - torch.log(m.clamp_min(1e-300))), 0.0)
        return torch.trapezoid(integrand, x)

    return -LOG4 + kl(p_data) + kl(p_g)  # 2 JSD = KL(p_data || m) + KL(p_g || m)


# ---------------------------------------------------------------------------------------------
# Latent space: seeds, straight and spherical paths
# ---------------------------------------------------------------------------------------------


def latent(seed: int, z_dim: int = 100) -> Tensor:
    """The z of a seed: N(0, I) drawn from its own generator, so a seed always names one z."""
    g = torch.Generator().manual_seed(int(seed))
    return torch.randn(z_dim, generator=g)  # (z_dim,)


def latents(seeds, z_dim: int = 100) -> Tensor:
    return torch.stack([latent(s, z_dim) for s in seeds])  # (N, z_dim)


def lerp(z0: Tensor, z1: Tensor, t: Tensor) -> Tensor:
    """Straight line: (1 - t) z0 + t z1, for each t in `t` -> (T, z_dim). Its norm dips midway
    (for independent Gaussian ends, by ~1/sqrt(2)), where p_z has almost no mass."""
    t = t.view(-1, 1)
    return (1 - t) * z0 + t * z1


def slerp(z0: Tensor, z1: Tensor, t: Tensor) -> Tensor:
    """Spherical interpolation (Shoemake 1985; White 2016 for GANs): the great-circle arc between
    the directions of z0 and z1, with the norm interpolated linearly. Equal-norm ends keep it."""
    t = t.view(-1, 1)
    n0, n1 = z0.norm(), z1.norm()
    u0, u1 = z0 / n0, z1 / n1
    omega = torch.arccos((u0 @ u1).clamp(-1.0, 1.0))
    if omega.abs() < 1e-6:  # (anti)parallel ends: the arc is ill-defined, fall back to a line
        return lerp(z0, z1, t.flatten())
    direction = (torch.sin((1 - t) * omega) * u0 + torch.sin(t * omega) * u1) / torch.sin(omega)
    return direction * ((1 - t) * n0 + t * n1)  # (T, z_dim)


def random_walk(seed: int, steps: int, z_dim: int = 100, angle: float = 0.25) -> Tensor:
    """z_{t+1} = cos(a) z_t + sin(a) e_t with fresh e_t ~ N(0, I): every z_t is again N(0, I)
    (an AR(1) walk that stays where p_z has its mass), `angle` a in radians sets the step."""
    g = torch.Generator().manual_seed(int(seed) + 7919)
    z = [latent(seed, z_dim)]
    for _ in range(steps - 1):
        z.append(math.cos(angle) * z[-1] + math.sin(angle) * torch.randn(z_dim, generator=g))
    return torch.stack(z)  # (steps, z_dim)


@torch.inference_mode()
def generate(model: Generator, z: Tensor, batch_size: int = 1000) -> Tensor:
    """Images for a batch of z: (N, z_dim) -> (N, 28, 28) float in [0, 1]."""
    model.eval()
    out = [model(z[i : i + batch_size]) for i in range(0, len(z), batch_size)]
    return torch.cat(out)[:, 0]


def image_grid(images: Tensor, ncols: int, pad: int = 2, scale: int = 1) -> np.ndarray:
    """(N, H, W) in [0, 1] -> a uint8 mosaic (rows x ncols cells, `pad` px gaps, upscaled)."""
    n, h, w = images.shape
    nrows = math.ceil(n / ncols)
    cell_h, cell_w = h + pad, w + pad
    grid = np.full((nrows * cell_h + pad, ncols * cell_w + pad), 255, np.uint8)
    pix = (images.clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    for i in range(n):
        r, c = divmod(i, ncols)
        grid[pad + r * cell_h : pad + r * cell_h + h, pad + c * cell_w : pad + c * cell_w + w] = 255 - pix[i]
    if scale > 1:
        grid = grid.repeat(scale, 0).repeat(scale, 1)
    return grid


# ---------------------------------------------------------------------------------------------
# Measuring samples: Parzen window (§5, Table 1), a digit classifier, a Fréchet distance
# ---------------------------------------------------------------------------------------------


def parzen_log_likelihood(
    x: Tensor, samples: Tensor, sigmas, batch_size: int = 500
) -> Tensor:
    """log p(x) under a Gaussian Parzen window on `samples`, for every sigma: (S, N).

    p(x) = 1/M sum_i N(x; s_i, sigma^2 I), so log p(x) = logsumexp_i(-|x - s_i|^2 / (2 sigma^2))
    - log M - d/2 log(2 pi sigma^2). The squared distances are computed once per batch (float64)
    and shared by all sigmas.
    """
    x, samples = x.flatten(1).double(), samples.flatten(1).double()  # (N, d), (M, d)
    sigmas = torch.as_tensor(sigmas, dtype=torch.float64).view(-1, 1, 1)  # (S, 1, 1)
    m, d = samples.shape
    s2 = (samples**2).sum(1)  # (M,)
    out = []
    for i in range(0, len(x), batch_size):
        xb = x[i : i + batch_size]
        dist2 = ((xb**2).sum(1, keepdim=True) + s2 - 2 * xb @ samples.T).clamp_min(0)  # (b, M)
        lse = torch.logsumexp(-dist2 / (2 * sigmas**2), dim=-1)  # (S, b)
        out.append(lse - math.log(m) - 0.5 * d * torch.log(2 * math.pi * sigmas[:, :, 0] ** 2))
    return torch.cat(out, dim=1)  # (S, N)


class ParzenResult(NamedTuple):
    sigma: float  # chosen on the validation images
    mean: float  # mean log-likelihood of the test images (nats)
    stderr: float  # standard error of that mean, as Table 1 reports
    sigmas: list[float]  # the grid searched
    val_curve: list[float]  # mean validation log-likelihood per sigma


def parzen_evaluate(samples: Tensor, val: Tensor, test: Tensor, sigmas=None) -> ParzenResult:
    """§5: "fitting a Gaussian Parzen window to the samples generated with G and reporting the
    log-likelihood under this distribution. The sigma parameter of the Gaussians was obtained by
    cross validation on the validation set." Images in [0, 1], flattened."""
    sigmas = np.logspace(-1, 0, 21).tolist() if sigmas is None else list(sigmas)  # 0.1 .. 1
    curve = parzen_log_likelihood(val, samples, sigmas).mean(1)
    best = sigmas[int(curve.argmax())]
    ll = parzen_log_likelihood(test, samples, [best])[0]
    return ParzenResult(best, ll.mean().item(), (ll.std() / math.sqrt(len(ll))).item(), sigmas,
                        curve.tolist())  # fmt: skip


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


@torch.inference_mode()
def classify(model: DigitClassifier, images: Tensor, batch_size: int = 1000) -> tuple[Tensor, Tensor]:
    """(N, 28, 28) in [0, 1] -> predicted digits (N,) and features (N, d_features)."""
    model.eval()
    preds, feats = [], []
    for i in range(0, len(images), batch_size):
        f = model.forward_features(images[i : i + batch_size, None])
        feats.append(f)
        preds.append(model.fc(f).argmax(1))
    return torch.cat(preds), torch.cat(feats)


def class_histogram(preds: Tensor, num_classes: int = 10) -> list[float]:
    """Fraction of samples per class (sums to 1)."""
    return (torch.bincount(preds, minlength=num_classes).double() / len(preds)).tolist()


def _sqrtm_psd(a: Tensor) -> Tensor:
    w, v = torch.linalg.eigh(a)
    return (v * w.clamp_min(0).sqrt()) @ v.T


def frechet_distance(f1: Tensor, f2: Tensor) -> float:
    """|mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)) between Gaussians fitted to two feature sets
    (Heusel et al. 2017, on our classifier's features instead of Inception's)."""
    f1, f2 = f1.double(), f2.double()
    mu1, mu2 = f1.mean(0), f2.mean(0)
    s1, s2 = torch.cov(f1.T), torch.cov(f2.T)
    r1 = _sqrtm_psd(s1)
    # Tr (S1 S2)^(1/2) = Tr (S1^(1/2) S2 S1^(1/2))^(1/2), the latter symmetric PSD
    tr_cross = torch.linalg.eigvalsh(r1 @ s2 @ r1).clamp_min(0).sqrt().sum()
    return ((mu1 - mu2) @ (mu1 - mu2) + s1.trace() + s2.trace() - 2 * tr_cross).item()


# ---------------------------------------------------------------------------------------------
# MNIST from the IDX files (../shared/data/mnist)
# ---------------------------------------------------------------------------------------------

MNIST_DIR = "/work/shared/data/mnist"


def read_idx(path: str) -> np.ndarray:
    import gzip

    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[:3] != b"\x00\x00\x08":
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", count=ndim, offset=4))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def mnist(split: str, root: str = MNIST_DIR) -> tuple[Tensor, Tensor]:
    """(N, 28, 28) float images in [0, 1] and (N,) labels. Splits as the paper's: "train" =
    train[:50000], "val" = train[50000:], "test" = the 10,000 test images."""
    prefix = "t10k" if split == "test" else "train"
    x = torch.from_numpy(read_idx(f"{root}/{prefix}-images-idx3-ubyte.gz").copy()).float() / 255
    y = torch.from_numpy(read_idx(f"{root}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64))
    if split == "train":
        return x[:50000], y[:50000]
    if split == "val":
        return x[50000:], y[50000:]
    return x, y


# ---------------------------------------------------------------------------------------------
# Fig. 1, live: the 1-D game
# ---------------------------------------------------------------------------------------------


class Game1DState(NamedTuple):
    """One frame of the 1-D game: every curve on the grid `x`, the z -> x map, and the check."""

    step: int
    x: np.ndarray  # (X,) grid
    p_data: np.ndarray  # (X,) data density (exact)
    p_g: np.ndarray  # (X,) generator density (Gaussian KDE of 2048 samples)
    d: np.ndarray  # (X,) D(x)
    d_star: np.ndarray  # (X,) D*(x) = p_data / (p_data + p_g)
    z_lines: np.ndarray  # (L,) z positions on [-1, 1] drawn at the bottom of Fig. 1
    x_lines: np.ndarray  # (L,) G(z) of those z
    v_measured: float  # V(D, G) on a fresh batch: E log D(x) + E log(1 - D(G(z)))
    c_g: float  # C(G) = max_D V = -log 4 + 2 JSD(p_data || p_g), integrated on the grid
    d_data: float  # mean D over data samples
    d_fake: float  # mean D over generated samples
    d_star_data: float  # E_{x ~ p_data} D*(x): 1/2 at the optimum, 1 when p_g is far away
    loss_d: float
    loss_g: float


GAME1D_DATA = (1.0, 0.5)  # p_data = N(mean, std)
GAME1D_RANGE = (-4.0, 4.0)


@contextmanager
def torch_threads(n: int):
    """Run torch ops on `n` threads, then restore the count. The live games' tiny ops gain
    nothing from a second thread and lose ~6x to it on a busy two-core machine (measured)."""
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def _mlp(d_in: int, width: int, d_out: int, act=nn.Tanh) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_in, width), act(), nn.Linear(width, width), act(), nn.Linear(width, d_out))


def stepwise(frames: Iterator, threads: int | None = 1) -> Iterator:
    """Yield `frames`' items, computing each on `threads` torch threads (None: as many as the
    thread has) with autograd on.

    A server resumes a generator on whichever worker thread is free, and both the thread count and
    the grad mode belong to a thread: a context held across a `yield` is entered on one thread and
    left on another, and a `no_grad` left open leaves its thread unable to train. So every step is
    computed inside the contexts, and the contexts are closed before the step is yielded."""
    while True:
        with (torch_threads(threads) if threads else nullcontext()), torch.enable_grad():
            try:
                item = next(frames)
            except StopIteration:
                return
        yield item


def game_1d(**kwargs) -> Iterator["Game1DState"]:
    """`_game_1d` step by step on one torch thread (see `stepwise`); same arguments."""
    yield from stepwise(_game_1d(**kwargs))


def _game_1d(
    k: int = 3,
    lr_d: float = 3e-3,
    lr_g: float = 3e-3,
    saturating: bool = False,
    steps: int = 1000,
    every: int = 25,
    batch_size: int = 256,
    seed: int = 0,
) -> Iterator[Game1DState]:
    """Algorithm 1 on a 1-D problem, Fig. 1: p_data = N(1, 0.5^2), z ~ U(-1, 1) mapped by a small
    MLP G (started left of the data), D a small MLP. Yields a `Game1DState` every `every` steps.

    Args:
        k: discriminator steps per generator step (Algorithm 1; the paper used k = 1).
        lr_d, lr_g: Adam learning rates of D and G.
        saturating: G minimizes log(1 - D(G(z))) (Eq. 1) instead of -log D(G(z)) (§3's advice).
    """
    torch.manual_seed(seed)
    mu, sd = GAME1D_DATA
    G = _mlp(1, 16, 1)
    D = _mlp(1, 32, 1, nn.LeakyReLU)
    with torch.no_grad():
        G[-1].bias.fill_(-1.5)  # start p_g to the left of p_data, as in Fig. 1 (a)
    opt_d = torch.optim.Adam(D.parameters(), lr=lr_d, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(G.parameters(), lr=lr_g, betas=(0.5, 0.999))
    gen = torch.Generator().manual_seed(seed)
    xs = torch.linspace(*GAME1D_RANGE, 401, dtype=torch.float64)
    xs_f = xs.float()
    p_data = torch.exp(-0.5 * ((xs - mu) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
    z_lines = torch.linspace(-1, 1, 21).view(-1, 1)

    gen_frame = torch.Generator().manual_seed(seed + 1)  # frames draw their own samples: the
    # training stream (and so the run) is the same however often a frame is taken

    def sample_data(n: int, g: torch.Generator = gen) -> Tensor:
        return mu + sd * torch.randn(n, 1, generator=g)

    def sample_z(n: int, g: torch.Generator = gen) -> Tensor:
        return 2 * torch.rand(n, 1, generator=g) - 1

    def frame(step: int, loss_d: float, loss_g: float) -> Game1DState:
        with torch.no_grad():
            fake = G(sample_z(2048, gen_frame)).flatten()
            # Gaussian KDE of p_g with Silverman's bandwidth (kept >= 0.02 against a collapsed G)
            h = max(1.06 * fake.std().item() * len(fake) ** -0.2, 0.02)
            p_g = torch.exp(-0.5 * ((xs_f[:, None] - fake[None]) / h) ** 2).mean(1).double() / (h * math.sqrt(2 * math.pi))
            d = torch.sigmoid(D(xs_f.view(-1, 1))).double().flatten()
            real_l, fake_l = D(sample_data(2048, gen_frame)), D(fake.view(-1, 1))
            d_star = optimal_discriminator(p_data, p_g)
            return Game1DState(
                step, xs.numpy(), p_data.numpy(), p_g.numpy(), d.numpy(), d_star.numpy(),
                z_lines.flatten().numpy(), G(z_lines).flatten().numpy(), value(real_l, fake_l).item(),
                virtual_training_criterion(xs, p_data, p_g).item(),
                torch.sigmoid(real_l).mean().item(), torch.sigmoid(fake_l).mean().item(),
                torch.trapezoid(p_data * d_star, xs).item(), loss_d, loss_g,
            )  # fmt: skip

    loss_d = loss_g = float("nan")
    yield frame(0, loss_d, loss_g)
    for step in range(1, steps + 1):
        # Algorithm 1: k steps of D on fresh minibatches, then one step of G
        for _ in range(k):
            with torch.no_grad():
                fake = G(sample_z(batch_size))
            loss = discriminator_loss(D(sample_data(batch_size)), D(fake))
            opt_d.zero_grad()
            loss.backward()
            opt_d.step()
        loss_d = loss.item()
        loss = generator_loss(D(G(sample_z(batch_size))), saturating)
        opt_g.zero_grad()
        loss.backward()
        opt_g.step()
        loss_g = loss.item()
        if step % every == 0 or step == steps:
            yield frame(step, loss_d, loss_g)


# ---------------------------------------------------------------------------------------------
# The 2-D game (GAN Lab-style): a ring of Gaussians, the discriminator's surface
# ---------------------------------------------------------------------------------------------


class Game2DState(NamedTuple):
    step: int
    real: np.ndarray  # (N, 2) data samples
    fake: np.ndarray  # (N, 2) generated samples
    grid: np.ndarray  # (R,) coordinates of the square grid of the surface
    d: np.ndarray  # (R, R) D on the grid, [row = y, col = x]
    modes: np.ndarray  # (n_modes, 2)
    modes_covered: int  # modes holding >= 1/4 of their fair share of high-quality samples
    high_quality: float  # fraction of samples within 3 std of some mode
    loss_d: float
    loss_g: float


GAME2D_PRESETS = {
    # a discriminator far ahead of G (k = 5 steps at 10x G's learning rate): G's samples gather on
    # one or two modes where D is least sure, and stay there (measured: 2 of 8 modes, 500-2000 steps)
    "collapse": dict(k=5, lr_d=1e-2, lr_g=1e-3, saturating=False, std=0.05),
    # Algorithm 1 as in the paper, k = 1, equal learning rates: all 8 modes by ~1,500 steps
    "cover": dict(k=1, lr_d=1e-3, lr_g=1e-3, saturating=False, std=0.05),
}


def ring_modes(n_modes: int = 8, radius: float = 2.0) -> Tensor:
    angles = torch.arange(n_modes) * 2 * math.pi / n_modes
    return torch.stack([radius * torch.cos(angles), radius * torch.sin(angles)], 1)  # (n, 2)


def mode_coverage(fake: Tensor, modes: Tensor, std: float) -> tuple[int, float]:
    """(modes covered, fraction of high-quality samples), as in Metz et al. 2016 (Unrolled GANs)."""
    dist = torch.cdist(fake, modes)  # (N, n_modes)
    near, which = dist.min(1)
    good = near < 3 * std
    counts = torch.bincount(which[good], minlength=len(modes))
    covered = int((counts >= 0.25 * len(fake) / len(modes)).sum())
    return covered, good.float().mean().item()


def game_2d(**kwargs) -> Iterator["Game2DState"]:
    """`_game_2d` step by step on one torch thread (see `stepwise`); same arguments."""
    yield from stepwise(_game_2d(**kwargs))


def _game_2d(
    k: int = 1,
    lr_d: float = 1e-3,
    lr_g: float = 1e-3,
    saturating: bool = False,
    std: float = 0.05,
    n_modes: int = 8,
    steps: int = 3000,
    every: int = 100,
    batch_size: int = 256,
    seed: int = 0,
) -> Iterator[Game2DState]:
    """Algorithm 1 on a ring of `n_modes` Gaussians (radius 2, `std` each); z ~ N(0, I_2);
    G and D are 2x64 ReLU MLPs. Yields a `Game2DState` every `every` steps."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    modes = ring_modes(n_modes)
    G = _mlp(2, 64, 2, nn.ReLU)
    D = _mlp(2, 64, 1, nn.ReLU)
    opt_d = torch.optim.Adam(D.parameters(), lr=lr_d, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(G.parameters(), lr=lr_g, betas=(0.5, 0.999))
    lim = 3.0
    grid = torch.linspace(-lim, lim, 61)
    gy, gx = torch.meshgrid(grid, grid, indexing="ij")
    grid_points = torch.stack([gx.flatten(), gy.flatten()], 1)  # (R*R, 2), x varies fastest
    z_show = torch.randn(1024, 2, generator=gen)  # fixed noise: the points move, not re-drawn
    real_show = modes[torch.randint(0, n_modes, (1024,), generator=gen)] + std * torch.randn(1024, 2, generator=gen)

    def sample_data(n: int) -> Tensor:
        return modes[torch.randint(0, n_modes, (n,), generator=gen)] + std * torch.randn(n, 2, generator=gen)

    def frame(step: int, loss_d: float, loss_g: float) -> Game2DState:
        with torch.no_grad():
            fake = G(z_show)
            d = torch.sigmoid(D(grid_points)).view(len(grid), len(grid))
        covered, hq = mode_coverage(fake, modes, std)
        return Game2DState(step, real_show.numpy(), fake.numpy(), grid.numpy(), d.numpy(), modes.numpy(),
                           covered, hq, loss_d, loss_g)  # fmt: skip

    loss_d = loss_g = float("nan")
    yield frame(0, loss_d, loss_g)
    for step in range(1, steps + 1):
        for _ in range(k):
            with torch.no_grad():
                fake = G(torch.randn(batch_size, 2, generator=gen))
            loss = discriminator_loss(D(sample_data(batch_size)), D(fake))
            opt_d.zero_grad()
            loss.backward()
            opt_d.step()
        loss_d = loss.item()
        loss = generator_loss(D(G(torch.randn(batch_size, 2, generator=gen))), saturating)
        opt_g.zero_grad()
        loss.backward()
        opt_g.step()
        loss_g = loss.item()
        if step % every == 0 or step == steps:
            yield frame(step, loss_d, loss_g)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def latent_path(kind: str, seed_a: int, seed_b: int, steps: int, z_dim: int = 100) -> Tensor:
    """`steps` z vectors: "lerp" or "slerp" from the z of `seed_a` to that of `seed_b`, or a
    norm-keeping "walk" starting at `seed_a` -> (steps, z_dim)."""
    if kind == "walk":
        return random_walk(seed_a, steps, z_dim)
    t = torch.linspace(0, 1, steps)
    path = {"lerp": lerp, "slerp": slerp}[kind]
    return path(latent(seed_a, z_dim), latent(seed_b, z_dim), t)
