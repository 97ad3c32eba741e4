"""The GAN lecture's experiments (Goodfellow et al. 2014), run on the models of `models/gan.py`.

- Latent space: straight and spherical paths between the z of two seeds, a norm-keeping walk.
- Fig. 1 live: the 1-D game, Algorithm 1 on p_data = N(1, 0.5^2), with D*, V(D, G) and C(G).
- The 2-D game (GAN Lab-style): a ring of Gaussians, the discriminator's surface, mode coverage.
- Measuring samples (not from the paper): a digit classifier's predictions, the class histogram
  and a Fréchet distance on its features.

The games are plain generators that yield their state: the tab draws them, and runs them through
`demos/runtime.stepwise` (thread count and grad mode per step).
"""

import copy
import math
from typing import Iterator, NamedTuple

import numpy as np
import torch
from torch import Tensor, nn

from models.digit_classifier import DigitClassifier
from models.gan import (
    discriminator_loss,
    latent,
    optimal_discriminator,
    train_step,
    value,
    virtual_training_criterion,
)

# ---------------------------------------------------------------------------------------------
# Latent space: straight and spherical paths, a walk
# ---------------------------------------------------------------------------------------------


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


def latent_path(kind: str, seed_a: int, seed_b: int, steps: int, z_dim: int = 100) -> Tensor:
    """`steps` z vectors: "lerp" or "slerp" from the z of `seed_a` to that of `seed_b`, or a
    norm-keeping "walk" starting at `seed_a` -> (steps, z_dim)."""
    if kind == "walk":
        return random_walk(seed_a, steps, z_dim)
    t = torch.linspace(0, 1, steps)
    path = {"lerp": lerp, "slerp": slerp}[kind]
    return path(latent(seed_a, z_dim), latent(seed_b, z_dim), t)


# ---------------------------------------------------------------------------------------------
# Measuring samples: a digit classifier, a Fréchet distance (not from the paper)
# ---------------------------------------------------------------------------------------------


@torch.inference_mode()
def classify(
    model: DigitClassifier, images: Tensor, batch_size: int = 1000
) -> tuple[Tensor, Tensor]:
    """(N, 28, 28) in [0, 1] -> predicted digits (N,) and features (N, d_features)."""
    model.eval()
    preds, feats = [], []
    for i in range(0, len(images), batch_size):
        f = model.forward_features(images[i : i + batch_size, None])
        feats.append(f)
        preds.append(model.fc(f).argmax(1))
    return torch.cat(preds), torch.cat(feats)


@torch.inference_mode()
def confident_share(model: DigitClassifier, feats: Tensor, p: float = 0.9) -> float:
    """Fraction of images the classifier calls some digit with probability >= p, from their
    features (`classify`): legible digits score like real ones (issue #14: 96% of test digits)."""
    return (model.fc(feats).softmax(-1).amax(-1) >= p).double().mean().item()


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


def _mlp(d_in: int, width: int, d_out: int, act=nn.Tanh) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(d_in, width), act(), nn.Linear(width, width), act(), nn.Linear(width, d_out)
    )


def game_1d(
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
            p_g = torch.exp(-0.5 * ((xs_f[:, None] - fake[None]) / h) ** 2).mean(1).double() / (
                h * math.sqrt(2 * math.pi)
            )
            d = torch.sigmoid(D(xs_f.view(-1, 1))).double().flatten()
            real_l, fake_l = D(sample_data(2048, gen_frame)), D(fake.view(-1, 1))
            d_star = optimal_discriminator(p_data, p_g)
            return Game1DState(
                step,
                xs.numpy(),
                p_data.numpy(),
                p_g.numpy(),
                d.numpy(),
                d_star.numpy(),
                z_lines.flatten().numpy(),
                G(z_lines).flatten().numpy(),
                value(real_l, fake_l).item(),
                virtual_training_criterion(xs, p_data, p_g).item(),
                torch.sigmoid(real_l).mean().item(),
                torch.sigmoid(fake_l).mean().item(),
                torch.trapezoid(p_data * d_star, xs).item(),
                loss_d,
                loss_g,
            )

    loss_d = loss_g = float("nan")
    yield frame(0, loss_d, loss_g)
    for step in range(1, steps + 1):
        loss_d, loss_g, *_ = train_step(
            G, D, opt_d, opt_g, sample_data, sample_z, batch_size, k, saturating
        )
        if step % every == 0 or step == steps:
            yield frame(step, loss_d, loss_g)


class SaturationRun(NamedTuple):
    """The two generator losses of §3 from one start, step by step (index i = G update i + 1)."""

    optimizer: str  # G's optimizer: "sgd" (with momentum, as in the paper) or "adam"
    steps: np.ndarray  # (S,) 1 .. S
    grad_norm: dict[str, np.ndarray]  # loss -> (S,) ||grad_theta_G of G's loss|| at each update
    d_fake: dict[str, np.ndarray]  # loss -> (S,) mean D(G(z)) on the minibatch of D's last step
    g_mean: dict[str, np.ndarray]  # loss -> (S,) mean G(z) after the update (p_data's mean: 1)
    g_start: float  # mean G(z) at the shared start


# §3's situation: G far left of the data (p_data = N(1, 0.5^2)) and D trained first until it
# rejects G's samples confidently (mean D(G(z)) ~ 1e-4); then G learns with SGD + momentum, as the
# paper's experiments did. Adam divides each step by the gradient's running size, so it hides the
# saturation: `optimizer="adam"` shows that too.
SATURATION_PRESET = dict(
    steps=1000, optimizer="sgd", lr_g=0.01, lr_d=3e-3, k=1, g_bias=-3.0, d_warmup=300
)
SATURATION_LOSSES = ("non-saturating", "saturating")


def saturation_run(
    steps: int = 1000,
    optimizer: str = "sgd",
    lr_g: float = 0.01,
    lr_d: float = 3e-3,
    k: int = 1,
    g_bias: float = -3.0,
    d_warmup: int = 300,
    batch_size: int = 256,
    seed: int = 0,
) -> SaturationRun:
    """§3: "Early in learning, when G is poor, D can reject samples with high confidence because
    they are clearly different from the training data. In this case, log(1 - D(G(z))) saturates."

    The 1-D game's G and D, with G's output shifted to `g_bias` and D trained alone for
    `d_warmup` steps (Adam, `lr_d`) so that it rejects G's samples; from that one state, Algorithm 1
    (`models.gan.train_step`) with each generator loss on the same minibatches. G's gradient norm is
    read at every update, between backward and the optimizer's step.

    Args:
        optimizer: G's optimizer, "sgd" (momentum 0.9) or "adam" (betas 0.5, 0.999, as the game).
        lr_g, lr_d: learning rates of G and D (D: Adam, as in the game); k: D steps per G step.
    """
    mu, sd = GAME1D_DATA
    torch.manual_seed(seed)
    G0, D0 = _mlp(1, 16, 1), _mlp(1, 32, 1, nn.LeakyReLU)
    with torch.no_grad():
        G0[-1].bias.fill_(g_bias)

    def sampler(g: torch.Generator):
        return (
            lambda n: mu + sd * torch.randn(n, 1, generator=g),
            lambda n: 2 * torch.rand(n, 1, generator=g) - 1,
        )

    data, noise = sampler(torch.Generator().manual_seed(seed))
    opt_d0 = torch.optim.Adam(D0.parameters(), lr=lr_d, betas=(0.5, 0.999))
    for _ in range(d_warmup):  # D alone: it learns to reject G's samples
        with torch.no_grad():
            fake = G0(noise(batch_size))
        loss = discriminator_loss(D0(data(batch_size)), D0(fake))
        opt_d0.zero_grad(set_to_none=True)
        loss.backward()
        opt_d0.step()
    probe = 2 * torch.rand(2048, 1, generator=torch.Generator().manual_seed(seed + 2)) - 1
    with torch.no_grad():
        g_start = G0(probe).mean().item()
    out = {name: ([], [], []) for name in SATURATION_LOSSES}
    for name in SATURATION_LOSSES:
        G, D = copy.deepcopy(G0), copy.deepcopy(D0)
        opt_d = torch.optim.Adam(D.parameters(), lr=lr_d, betas=(0.5, 0.999))
        opt_d.load_state_dict(opt_d0.state_dict())  # D goes on as it was
        if optimizer == "sgd":
            opt_g = torch.optim.SGD(G.parameters(), lr=lr_g, momentum=0.9)
        elif optimizer == "adam":
            opt_g = torch.optim.Adam(G.parameters(), lr=lr_g, betas=(0.5, 0.999))
        else:
            raise ValueError(f"optimizer must be 'sgd' or 'adam', not {optimizer!r}")
        data, noise = sampler(torch.Generator().manual_seed(seed + 1))  # the same for both losses
        norms, d_fake, g_mean = out[name]

        def read_grad(m: nn.Module, G=G, norms=norms) -> None:
            if m is G:
                norms.append(torch.cat([p.grad.flatten() for p in G.parameters()]).norm().item())

        for _ in range(steps):
            s = train_step(
                G, D, opt_d, opt_g, data, noise, batch_size, k, name == "saturating", read_grad
            )
            d_fake.append(s.d_fake)
            with torch.no_grad():
                g_mean.append(G(probe).mean().item())
    return SaturationRun(
        optimizer,
        np.arange(1, steps + 1),
        {n: np.array(v[0]) for n, v in out.items()},
        {n: np.array(v[1]) for n, v in out.items()},
        {n: np.array(v[2]) for n, v in out.items()},
        g_start,
    )


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


def game_2d(
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
    real_show = modes[torch.randint(0, n_modes, (1024,), generator=gen)] + std * torch.randn(
        1024, 2, generator=gen
    )

    def sample_data(n: int) -> Tensor:
        return modes[torch.randint(0, n_modes, (n,), generator=gen)] + std * torch.randn(
            n, 2, generator=gen
        )

    def frame(step: int, loss_d: float, loss_g: float) -> Game2DState:
        with torch.no_grad():
            fake = G(z_show)
            d = torch.sigmoid(D(grid_points)).view(len(grid), len(grid))
        covered, hq = mode_coverage(fake, modes, std)
        return Game2DState(
            step,
            real_show.numpy(),
            fake.numpy(),
            grid.numpy(),
            d.numpy(),
            modes.numpy(),
            covered,
            hq,
            loss_d,
            loss_g,
        )

    loss_d = loss_g = float("nan")
    yield frame(0, loss_d, loss_g)

    def sample_z(n: int) -> Tensor:
        return torch.randn(n, 2, generator=gen)

    for step in range(1, steps + 1):
        loss_d, loss_g, *_ = train_step(
            G, D, opt_d, opt_g, sample_data, sample_z, batch_size, k, saturating
        )
        if step % every == 0 or step == steps:
            yield frame(step, loss_d, loss_g)
