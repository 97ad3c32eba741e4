"""The GAN model file, the lab's experiments on it and the tab's callbacks: values, not "it ran"."""

from __future__ import annotations

import json
import math

import gradio as gr
import numpy as np
import PIL.Image
import pytest
import torch

from demos import gan as tab
from demos import gan_games as games
from demos.plots import gan as figures
from demos.runtime import stepwise
from lab import gan as L
from lab import tab_defaults
from models import gan as M
from models import hub
from tests.figures import is_figure
from training import data

torch.set_num_threads(1)  # a busy two-core machine: one thread is faster than fighting


@pytest.fixture(autouse=True)
def fresh_hub_cache(isolated_hub):
    """Every test here starts with an empty Hub cache and no model loaded (tests/conftest.py)."""


# --- the modules -----------------------------------------------------------------------------


@pytest.mark.parametrize("arch", list(M.PRESETS))
def test_generator_and_discriminator_shapes_and_ranges(arch):
    torch.manual_seed(0)
    G, D = M.Generator(M.PRESETS[arch]).eval(), M.Discriminator(M.PRESETS[arch]).eval()
    x = G(torch.randn(5, 100) * 10)  # large z: the sigmoid still bounds the pixels
    assert x.shape == (5, 1, 28, 28) and not torch.isnan(x).any()
    assert x.min() >= 0 and x.max() <= 1
    assert D(x).shape == (5,)


def test_paper_mlp_sizes():
    """§5 / the paper's pylearn2 config: G 100-1200-1200-784, D maxout 240x5 - 240x5 - 1."""
    G, D = M.Generator(M.PRESETS["mlp"]), M.Discriminator(M.PRESETS["mlp"])
    assert M.count_params(G) == 100 * 1200 + 1200 + 1200 * 1200 + 1200 + 1200 * 784 + 784
    assert M.count_params(D) == 784 * 1200 + 1200 + 240 * 1200 + 1200 + 241
    maxout = M.Maxout(3, 2, pieces=4)
    h = torch.randn(7, 3)
    pieces = maxout.linear(h).view(7, 2, 4)
    assert torch.equal(maxout(h), pieces.max(-1).values)


def test_save_and_load_round_trip_in_fp16(tmp_path):
    torch.manual_seed(0)
    G = M.Generator(M.PRESETS["dcgan"]).eval()
    G.half().save_pretrained(tmp_path / "g")
    loaded = M.Generator.from_pretrained(str(tmp_path / "g"), strict=True)
    assert loaded.config == M.PRESETS["dcgan"] and not loaded.training
    assert next(loaded.parameters()).dtype == torch.float32
    z = torch.randn(4, 100)
    assert torch.allclose(loaded(z), G.float()(z), atol=1e-6)


# --- the game: losses, D*, C(G) ----------------------------------------------------------------


def test_losses_are_the_papers_expressions_and_saturation():
    real, fake = torch.tensor([2.0, -1.0]), torch.tensor([0.5, -3.0])
    d_real, d_fake = torch.sigmoid(real), torch.sigmoid(fake)
    v = torch.log(d_real).mean() + torch.log(1 - d_fake).mean()
    assert torch.allclose(M.value(real, fake), v)
    assert torch.allclose(M.generator_loss(fake, saturating=True), torch.log(1 - d_fake).mean())
    assert torch.allclose(M.generator_loss(fake), -torch.log(d_fake).mean())
    # §3: when D confidently rejects G's samples, log(1 - D(G(z))) saturates, -log D(G(z)) does not
    logit = torch.tensor([-8.0], requires_grad=True)
    (g_sat,) = torch.autograd.grad(M.generator_loss(logit, saturating=True), logit)
    (g_ns,) = torch.autograd.grad(M.generator_loss(logit), logit)
    assert abs(g_sat.item()) < 1e-3 and abs(g_ns.item()) > 0.99


def test_optimal_discriminator_formula_maximizes_the_value_pointwise():
    """Prop. 1: a log(y) + b log(1 - y) is maximal at y = a / (a + b)."""
    p_data, p_g = torch.tensor([0.3, 1.0, 0.0, 0.2, 0.0]), torch.tensor([0.1, 1.0, 0.4, 0.0, 0.0])
    d_star = M.optimal_discriminator(p_data, p_g)
    assert torch.allclose(d_star, torch.tensor([0.75, 0.5, 0.0, 1.0, 0.5]))
    y = torch.linspace(1e-4, 1 - 1e-4, 100001)
    for a, b, ds in zip(p_data[:2], p_g[:2], d_star[:2]):
        best = y[torch.argmax(a * torch.log(y) + b * torch.log(1 - y))]
        assert abs(best - ds) < 1e-3


def test_virtual_training_criterion_is_minus_log4_at_the_optimum():
    x = torch.linspace(-10, 10, 4001, dtype=torch.float64)

    def normal(mu, sd):
        return torch.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))

    assert (
        abs(M.virtual_training_criterion(x, normal(0, 1), normal(0, 1)).item() + math.log(4)) < 1e-9
    )
    # disjoint supports: JSD = log 2, so C(G) = -log 4 + 2 log 2 = 0
    assert abs(M.virtual_training_criterion(x, normal(-6, 0.3), normal(6, 0.3)).item()) < 1e-6
    near, far = (
        M.virtual_training_criterion(x, normal(0, 1), normal(m, 1)).item() for m in (0.5, 2)
    )
    assert -math.log(4) < near < far < 0


def test_game_1d_reaches_d_one_half():
    """Fig. 1 (d): with the tab's defaults the live run ends with D close to 1/2 on both sides."""
    s = tab.default_1d_final()  # L.game_1d with the defaults (shared with the paper check)
    assert s.step == games.GAME1D_DEFAULT["steps"]
    assert abs(s.d_data - 0.5) < 0.07 and abs(s.d_fake - 0.5) < 0.07, (s.d_data, s.d_fake)
    # measured over seeds 0-3: C(G) + log 4 = 0.017 .. 0.122 (the 1-D game keeps oscillating a little)
    assert abs(s.c_g + math.log(4)) < 0.15, s.c_g
    assert abs(s.d_star_data - 0.5) < 0.07


# --- latent paths --------------------------------------------------------------------------------


def test_slerp_keeps_norms_and_lerp_does_not():
    z0, z1 = M.latent(3), M.latent(11)
    z1 = z1 * z0.norm() / z1.norm()  # equal norms
    t = torch.linspace(0, 1, 17)
    s, line = L.slerp(z0, z1, t), L.lerp(z0, z1, t)
    assert torch.allclose(s[0], z0, atol=1e-5) and torch.allclose(s[-1], z1, atol=1e-5)
    assert torch.allclose(s.norm(dim=1), z0.norm().expand(17), rtol=1e-5)
    cos = (z0 @ z1 / z0.norm() ** 2).item()
    assert abs(line[8].norm().item() - z0.norm().item() * math.sqrt((1 + cos) / 2)) < 1e-4
    # the angle is split evenly: consecutive slerp points are equally far apart
    steps = (s[1:] - s[:-1]).norm(dim=1)
    assert torch.allclose(steps, steps.mean().expand(16), rtol=1e-4)


def test_seed_names_one_z_and_random_walk_stays_on_the_shell():
    assert torch.equal(M.latent(42), M.latent(42)) and not torch.equal(M.latent(42), M.latent(43))
    walk = L.random_walk(5, 400, angle=0.25)
    assert torch.equal(walk[0], M.latent(5))
    norms = walk.norm(dim=1)
    assert abs(norms.mean().item() - math.sqrt(99.5)) < 0.5 and norms.std() < 1.5
    cos = torch.nn.functional.cosine_similarity(walk[1:], walk[:-1]).mean().item()
    assert abs(cos - math.cos(0.25)) < 0.02


# --- measurements ---------------------------------------------------------------------------------


def test_parzen_is_the_exact_log_density_of_the_mixture():
    x, s = torch.tensor([[0.3, -0.2]]), torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    sigma = 0.5
    dens = sum(math.exp(-((x[0] - si) ** 2).sum().item() / (2 * sigma**2)) for si in s) / (
        2 * math.pi * sigma**2
    )
    got = M.parzen_log_likelihood(x, s, [sigma])[0, 0].item()
    assert abs(got - math.log(dens / 2)) < 1e-7


def test_parzen_on_a_known_gaussian():
    """Samples from N(0, I_2): the window converges to N(0, (1 + sigma^2) I); the expected log
    density of N(0, I) points under it is known in closed form. sigma is chosen on validation."""
    g = torch.Generator().manual_seed(0)
    samples, val, test = (torch.randn(n, 2, generator=g) for n in (8000, 1000, 3000))
    sigma = 0.3
    ll = M.parzen_log_likelihood(test, samples, [sigma])[0].mean().item()
    v = 1 + sigma**2
    expected = -math.log(2 * math.pi * v) - 1 / v  # d = 2: -d/2 log(2 pi v) - d / (2 v)
    assert abs(ll - expected) < 0.05, (ll, expected)
    res = M.parzen_evaluate(samples, val, test, sigmas=[0.01, 0.03, 0.1, 0.3, 1.0, 3.0])
    assert res.sigma in (0.1, 0.3) and abs(res.mean - (-math.log(2 * math.pi) - 1)) < 0.1
    assert 0 < res.stderr < 0.05


def test_frechet_distance_of_known_gaussians():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(20000, 4, generator=g)
    b = 2 * torch.randn(20000, 4, generator=g) + torch.tensor([1.0, 0, 0, 0])
    # |mu|^2 + tr(I + 4I - 2 * 2I) = 1 + 4
    assert abs(L.frechet_distance(a, b) - 5.0) < 0.15
    assert L.frechet_distance(a, a) < 1e-6


def test_class_histogram():
    assert L.class_histogram(torch.tensor([0, 0, 3, 9])) == [0.5, 0, 0, 0.25, 0, 0, 0, 0, 0, 0.25]


# --- the shipped weights and their measurements ------------------------------------------------


def test_catalogue_rows_match_the_measured_logs():
    cat = hub.read_catalogue()
    for name in tab.WEIGHTS:
        entry = cat[name]
        log = json.loads((entry.embedded_dir / "training_log.json").read_text())
        assert entry.meta["parzen_ll"] == log["metrics"]["parzen_ll"]
        assert entry.meta["class_histogram"] == log["metrics"]["class_histogram"]
        assert abs(sum(entry.meta["class_histogram"]) - 1) < 1e-3
        for f in entry.files:
            assert (entry.embedded_dir / f).stat().st_size < 20e6
    # Measured on the shipped files (training/gan_eval.py): every digit is drawn by both, each >= 3.6%
    # (issue #14's target is 7%: the DCGAN's smallest share is 9.0%, the MLP's 5.9%); the Parzen
    # estimates are below the paper's 225 (DCGAN 211.4, MLP 207.7; real data: 243.1); the DCGAN's
    # Frechet distance 6.2 meets the target of 10, its legible share 79.9% misses 0.9 x 96.1%.
    for name in tab.WEIGHTS:
        assert min(cat[name].meta["class_histogram"]) > 0.035, name
    dc = cat["dcgan.mnist"].meta
    assert 225 > dc["parzen_ll"] > cat["gan_mlp.mnist"].meta["parzen_ll"] > 100
    assert min(dc["class_histogram"]) >= 0.07 and dc["frechet"] <= 10
    assert 0.7 < dc["confident_share"] < 0.9 * dc["confident_share_test"]
    clf = cat["mnist_classifier.mnist"]
    assert clf.meta["test_accuracy"] > 0.985


def test_confident_share_counts_samples_called_a_digit_with_p_at_least_0_9():
    """gan_eval's legibility measure (issue #14): the share of images whose top class has p >= 0.9."""
    clf = hub.get("mnist_classifier.mnist").model
    G = hub.get("dcgan.mnist").model
    _, feats = L.classify(clf, M.generate(G, M.latents(range(300), G.config.z_dim)))
    with torch.inference_mode():
        top = clf.fc(feats).softmax(-1).amax(-1)
    share = L.confident_share(clf, feats)
    assert share == pytest.approx((top >= 0.9).double().mean().item())
    assert 0.0 < share < 1.0  # some samples legible, some not (the shipped DCGAN: 62.7%)
    assert (
        L.confident_share(clf, feats, p=0.0) == 1.0 and L.confident_share(clf, feats, p=1.01) == 0
    )


@pytest.mark.skipif(
    not (data.DATA_DIR / "mnist").exists(), reason="needs the MNIST test images (the data bundle)"
)
def test_classifier_reads_real_digits():
    loaded = hub.get("mnist_classifier.mnist")
    x, y = data.mnist("test")
    preds, feats = L.classify(loaded.model, x[:2000])
    assert (preds == y[:2000]).float().mean() > 0.98 and feats.shape == (2000, 128)


# --- the tab's callbacks ----------------------------------------------------------------------------


def test_sample_grid_cells_are_the_seeds_digits():
    grid, md = tab.sample_grid("dcgan.mnist", seed=100, n=10)
    cols = tab.grid_cols(10)  # 4
    cell = tab.CELL * tab.GRID_SCALE
    assert grid.shape == (3 * cell + 2 * tab.GRID_SCALE, cols * cell + 2 * tab.GRID_SCALE)
    # the digit in row 1, column 2 is seed 100 + 1 * 4 + 2, and a click there names that seed
    x, y = 2 * cell + cell // 2, 1 * cell + cell // 2
    assert tab.seed_at(x, y, 100, 10) == 106
    assert tab.seed_at(3 * cell + 5, 2 * cell + 5, 100, 10) is None  # past the last digit
    G = hub.get("dcgan.mnist").model
    alone = figures.image_grid(M.generate(G, M.latent(106)[None]), 1, scale=tab.GRID_SCALE)
    p = 2 * tab.GRID_SCALE
    r0, c0 = cell, 2 * cell
    assert np.array_equal(
        grid[r0 + p : r0 + p + 28 * 3, c0 + p : c0 + p + 28 * 3], alone[p:-p, p:-p]
    )
    norms = M.latents(range(100, 110)).norm(dim=1)
    assert f"mean {norms.mean():.2f}" in md and "seeds **100–109**" in md


def test_interpolation_ends_are_the_two_seeds_and_the_gif_plays(tmp_path):
    strip, gif, gif_file, fig, md = tab.interpolate("dcgan.mnist", 3, 11, 8, "paths")
    G = hub.get("dcgan.mnist").model
    ends = figures.image_grid(M.generate(G, M.latents([3, 11])), 2, scale=2)
    cell = 30 * 2
    row = strip[: ends.shape[0]]  # the lerp row
    assert np.array_equal(row[:, :cell], ends[:, :cell])  # first lerp frame = seed 3
    assert np.array_equal(row[:, 7 * cell : 8 * cell], ends[:, cell : 2 * cell])  # last = seed 11
    with PIL.Image.open(gif) as im:
        assert im.n_frames == 2 * 8 - 2 and im.is_animated
    assert gif == gif_file and gif.endswith(".gif")
    lerp_mid = L.lerp(M.latent(3), M.latent(11), torch.linspace(0, 1, 8))[4].norm().item()
    assert f"**lerp {lerp_mid:.2f}**" in md
    strip, *_, md = tab.interpolate("gan_mlp.mnist", 7, 0, 20, "walk")
    assert strip.shape[1] == (16 * 30 + 2) * 2 and "Random walk from seed 7, 20 steps" in md


@pytest.mark.parametrize("call,msg", [
    (lambda: tab.sample_grid(seed=-1), "Seeds must be whole numbers from 0"),
    (lambda: tab.sample_grid(seed=2**40), "Seeds must be whole numbers"),
    (lambda: tab.sample_grid(seed=1.5), "Seeds must be whole numbers"),
    (lambda: tab.sample_grid(seed="abc"), "Seeds must be whole numbers"),
    (lambda: tab.sample_grid(n=0), "The grid holds 1 to 100"),
    (lambda: tab.sample_grid(n=10_000), "The grid holds 1 to 100"),
    (lambda: tab.sample_grid(weights="../../etc/passwd"), "Unknown generator"),
    (lambda: tab.interpolate(steps=1), "Steps must be whole numbers from 2 to 64"),
    (lambda: tab.interpolate(steps=10**6), "Steps must be"),
    (lambda: tab.interpolate(mode="spiral"), "Unknown option 'spiral'"),
    (lambda: next(games.game_1d(lr_d=0, progress=None)), "Learning rates must be between 1e-05 and 0.1"),
    (lambda: next(games.game_1d(lr_g=float("nan"), progress=None)), "Learning rates must be"),
    (lambda: next(games.game_1d(k=0, progress=None)), "k \\(D steps per G step\\)"),
    (lambda: next(games.game_1d(steps=10**7, progress=None)), "Steps must be whole numbers from 50 to 5000"),
    (lambda: next(games.game_1d(loss="wasserstein", progress=None)), "Unknown option"),
    (lambda: next(games.game_2d(std=5, progress=None)), "std of each Gaussian"),
    (lambda: next(games.game_2d(steps=1, progress=None)), "Steps must be whole numbers from 100"),
])  # fmt: skip
def test_bad_input_is_refused_with_a_message(call, msg):
    with pytest.raises(gr.Error, match=msg):
        call()


def test_messages_follow_the_page_language():
    with pytest.raises(gr.Error, match="种子必须是"):
        tab.sample_grid(seed=-5, lang="zh")


def test_a_1d_run_does_not_depend_on_how_often_it_is_drawn():
    *_, a = L.game_1d(steps=60, every=60)
    *_, b = L.game_1d(steps=60, every=10)
    assert np.array_equal(a.x_lines, b.x_lines) and np.array_equal(a.d, b.d)


def test_live_games_stream_frames_and_the_check():
    outs = list(games.game_1d(steps=100, progress=lambda *a, **k: None))
    assert len(outs) == 11  # step 0, then every 10 steps (at least 10 steps a frame)
    fig, status, rows = outs[-1]
    assert "Step 100 of 100" in status and rows[0][1] == -1.386
    assert is_figure(fig) and outs[0][0] != fig  # a new PNG per frame
    outs = list(games.game_2d(steps=200, progress=lambda *a, **k: None))
    assert "Step 200 of 200" in outs[-1][1] and "modes" in outs[-1][1]


def test_game_2d_presets_show_collapse_and_coverage():
    """Measured: "collapse" holds 2 of 8 modes from 250 to 2,000 steps; "cover" has 7 by 1,000."""
    runs = {}
    for name, p in tab_defaults.GAME2D_PRESETS.items():
        steps = 500 if name == "collapse" else 1000  # k = 5 makes a collapse step 3x as costly
        *_, s = L.game_2d(**p, steps=steps, every=steps)
        runs[name] = (s.modes_covered, s.high_quality)
    assert runs["cover"][0] >= 6 and runs["collapse"][0] <= 3, runs
    assert runs["collapse"][1] > 0.4  # collapsed, not lost: the points sit on the modes they hold


def test_quality_and_paper_check():
    fig, md = tab.quality()
    cat = hub.read_catalogue()
    assert f"{cat['dcgan.mnist'].meta['parzen_ll']:.1f}" in md and "225 ± 2" in md
    assert is_figure(fig) and tab.quality() == (fig, md)  # drawn once, then the same file
    hists = {n: cat[n].meta["class_histogram"] for n in tab.WEIGHTS}
    assert (
        len(figures.digit_histogram(hists, "t").axes[0].patches) == 20
    )  # 10 digits x 2 generators
    rows = tab.paper_check()
    assert rows[0][1] == "225 ± 2" and any("−log 4" in r[0] for r in rows)
    theory = {r[0].split(" [")[0]: r for r in rows}
    assert theory[tab.text("gan_chk_c")][1] == "-1.386"


def test_live_games_resume_on_any_worker_thread_and_leave_each_thread_as_found():
    """A server resumes a streamed run on whichever worker thread is free. Grad mode and torch's
    thread count belong to a thread: the run must train on a thread another request left without
    autograd, and must not leave a thread changed (the load test's "does not require grad")."""
    from concurrent.futures import ThreadPoolExecutor

    from lab import resnet as RL

    def poisoned_step(it):
        torch.set_grad_enabled(False)  # what a request that yielded inside `no_grad` leaves behind
        torch.set_num_threads(2)
        item = next(it)
        return item, torch.is_grad_enabled(), torch.get_num_threads()

    runs = [
        stepwise(L.game_1d(steps=30, every=10)),
        stepwise(L.game_2d(steps=20, every=10)),
        stepwise(
            RL.degradation_run(depth=8, steps=20, reference=None, every=10, initial=True),
            threads=None,
        ),
    ]  # as demos/gan.py and demos/resnet.py run them
    with ThreadPoolExecutor(3) as pool:
        for it in runs:
            steps = [pool.submit(poisoned_step, it).result() for _ in range(3)]
            assert all(
                grad is False and threads == 2 for _, grad, threads in steps
            )  # left as found
            assert [s.step for s, _, _ in steps] == [0, 10, 20]  # it trained on every thread

    def raw_first(depth):  # the model's own generator: its first yield must not hold `no_grad` open
        torch.set_grad_enabled(True)
        it = RL.degradation_run(depth=depth, steps=10, reference=None, initial=True)
        next(it)
        enabled = torch.is_grad_enabled()  # while the run is suspended, as a worker thread is
        it.close()
        return enabled

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(raw_first, 8).result() is True
