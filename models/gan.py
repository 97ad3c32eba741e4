"""Generative Adversarial Nets (Goodfellow et al. 2014): the paper's models, losses and measure.

Paper: https://arxiv.org/abs/1406.2661 (NIPS 2014). Implemented: the minimax game (§3, Eq. 1) with
the saturating generator loss log(1 - D(G(z))) and the non-saturating -log D(G(z)) that §3
recommends; the optimal discriminator D* = p_data / (p_data + p_g) (§4.1, Prop. 1) and the value
of the game at the optimum C(G*) = -log 4 (Thm. 1); one step of Algorithm 1 with k discriminator
steps per generator step; the MNIST nets of §5 (generator: rectifier hidden units and a sigmoid
output; discriminator: maxout units with dropout); the Gaussian Parzen-window log-likelihood of
§5/Table 1. Also the convolutional generator of DCGAN (Radford et al. 2015, arXiv:1511.06434) for
28x28 images. The MNIST classifier that judges samples is not the paper's: it lives in
`models/digit_classifier.py`, and what it measures in `lab/gan.py`, with the latent paths and the
1-D and 2-D games.

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
from dataclasses import dataclass
from typing import Callable, NamedTuple

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
        assert self.d_convs in (2, 3), f"d_convs {self.d_convs}: 2 or 3"
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
            layers += [
                nn.Conv2d(c, 2 * c, 4, stride=2, padding=1, bias=False),  # (B, 2c, 7, 7)
                nn.BatchNorm2d(2 * c),
                nn.LeakyReLU(0.2),
            ]
            side, width = 7, 2 * c
            if cfg.d_convs == 3:  # (B, 4c, 4, 4)
                layers += [
                    nn.Conv2d(2 * c, 4 * c, 3, stride=2, padding=1, bias=False),
                    nn.BatchNorm2d(4 * c),
                    nn.LeakyReLU(0.2),
                ]
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
        integrand = torch.where(
            p > 0, p * (torch.log(p.clamp_min(1e-300)) - torch.log(m.clamp_min(1e-300))), 0.0
        )
        return torch.trapezoid(integrand, x)

    return -LOG4 + kl(p_data) + kl(p_g)  # 2 JSD = KL(p_data || m) + KL(p_g || m)


def train_step(
    G: nn.Module,
    D: nn.Module,
    opt_d: torch.optim.Optimizer,
    opt_g: torch.optim.Optimizer,
    sample_data: Callable[[int], Tensor],
    sample_z: Callable[[int], Tensor],
    batch_size: int,
    k: int = 1,
    saturating: bool = False,
    reduce_grads: Callable[[nn.Module], None] | None = None,
) -> "AlgorithmStep":
    """One iteration of Algorithm 1: k steps of D on fresh minibatches, then one step of G.

    Args:
        sample_data, sample_z: n -> a minibatch of n examples of p_data and of noise of p_z.
        k: discriminator steps per generator step ("we used k = 1").
        saturating: G descends log(1 - D(G(z))) (Eq. 1) instead of -log D(G(z)) (§3's advice).
        reduce_grads: called on D, then on G, between backward and the optimizer's step (data
            parallel training averages the gradients of its ranks there); None on one process.
    Returns:
        D's last loss, G's loss, and the mean D(x) and D(G(z)) of D's last step.
    """
    for _ in range(k):
        with torch.no_grad():
            fake = G(sample_z(batch_size))  # D's step does not reach G
        real_logits, fake_logits = D(sample_data(batch_size)), D(fake)
        loss_d = discriminator_loss(real_logits, fake_logits)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        if reduce_grads:
            reduce_grads(D)
        opt_d.step()
    loss_g = generator_loss(D(G(sample_z(batch_size))), saturating)
    opt_g.zero_grad(set_to_none=True)
    loss_g.backward()
    if reduce_grads:
        reduce_grads(G)
    opt_g.step()
    return AlgorithmStep(
        loss_d.item(),
        loss_g.item(),
        torch.sigmoid(real_logits).mean().item(),
        torch.sigmoid(fake_logits).mean().item(),
    )


class AlgorithmStep(NamedTuple):
    loss_d: float
    loss_g: float
    d_real: float  # mean D(x) on the data minibatch
    d_fake: float  # mean D(G(z)) on the noise minibatch


# ---------------------------------------------------------------------------------------------
# Latent space: the z of a seed, and G's images
# ---------------------------------------------------------------------------------------------


def latent(seed: int, z_dim: int = 100) -> Tensor:
    """The z of a seed: N(0, I) drawn from its own generator, so a seed always names one z."""
    g = torch.Generator().manual_seed(int(seed))
    return torch.randn(z_dim, generator=g)  # (z_dim,)


def latents(seeds, z_dim: int = 100) -> Tensor:
    return torch.stack([latent(s, z_dim) for s in seeds])  # (N, z_dim)


@torch.inference_mode()
def generate(model: Generator, z: Tensor, batch_size: int = 1000) -> Tensor:
    """Images for a batch of z: (N, z_dim) -> (N, 28, 28) float in [0, 1]."""
    model.eval()
    out = [model(z[i : i + batch_size]) for i in range(0, len(z), batch_size)]
    return torch.cat(out)[:, 0]


# ---------------------------------------------------------------------------------------------
# Measuring samples: the Parzen window (§5, Table 1)
# ---------------------------------------------------------------------------------------------


def parzen_log_likelihood(x: Tensor, samples: Tensor, sigmas, batch_size: int = 500) -> Tensor:
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
    return ParzenResult(
        best, ll.mean().item(), (ll.std() / math.sqrt(len(ll))).item(), sigmas, curve.tolist()
    )


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
