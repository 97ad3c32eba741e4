"""Downloads (issue 15, sections 1, 2 and 5) against a loopback stand-in of the Hub: the pinned
files arrive in the local cache with progress, are checked against their sha256, other users are
served meanwhile, two users share one download, and the tab's default switches when it ends;
`python -m models.hub --download` fetches every pinned checkpoint, `--status` and the bare
command (refresh) keep working."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models import hub
from tests import _fakehub as F

pytest.importorskip("transformers")

ROOT = Path(__file__).resolve().parent.parent
NAME = "bert_base.chinese"


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    root = tmp_path_factory.mktemp("dl")
    standins = F.build_standins(root, [NAME])
    return root / NAME, F.fake_catalogue(standins)


@pytest.fixture
def fake_hub(standin):
    folder, cat = standin
    e = cat[NAME]
    h = F.FakeHub({(e.repo_id, e.revision): {f: folder / f for f in e.files}}, life_s=120)
    yield h
    h.close()


@pytest.fixture(autouse=True)
def clean(monkeypatch, tmp_path):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    hub._cache.clear()
    hub._jobs.clear()
    yield
    hub._cache.clear()


def test_download_fetches_with_progress_verifies_and_the_tab_switches(
    standin, fake_hub, monkeypatch
):
    folder, cat = standin
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    before = hub.best_available("bert", "zh", catalogue=cat)
    assert (
        before.name == "bert_small.eltec" and "Download the paper-scale model" not in before.reason
    )  # zh page
    assert "“下载论文规模的模型”" in before.reason and NAME in before.reason
    assert hub.availability(NAME, catalogue=cat).state == "download"
    seen = []
    got = hub.download(NAME, progress=lambda done, total: seen.append((done, total)), catalogue=cat)
    total = sum((folder / f).stat().st_size for f in cat[NAME].files)
    assert got == hub.snapshot_dir(cat[NAME])
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:])) and len(seen) >= 1 + len(
        cat[NAME].files
    )
    for f in cat[NAME].files:
        assert fake_hub.gets(f"/resolve/{cat[NAME].revision}/{f}") == 1
        assert hub.sha256(got / f) == hub.sha256(folder / f)
    after = hub.best_available("bert", "zh", catalogue=cat)
    assert after.name == NAME and "sha256" in after.reason
    loaded = hub.get(NAME, catalogue=cat)
    assert loaded.source == "cache" and NAME in loaded.notice
    # already there: no second request
    n = len(fake_hub.hits)
    assert hub.download(NAME, catalogue=cat) == got and len(fake_hub.hits) == n


def test_a_download_runs_beside_users_and_two_users_share_it(standin, fake_hub, monkeypatch):
    """The stand-in sends each file slowly (~1.5 s); meanwhile another user's best_available and
    embedded model answer at once, and a second start_download gets the same job."""
    folder, cat = standin
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    from models import bert as B

    small = hub.get("bert_small.eltec", catalogue=cat)  # a user is on the tab already
    tok = B.load_tokenizer(small.folder)
    fake_hub.delay_s = 1.5
    job = hub.start_download(NAME, catalogue=cat)
    assert hub.start_download(NAME, catalogue=cat) is job and hub.download_job(NAME) is job
    t0 = time.perf_counter()
    served = hub.best_available("bert", "en", catalogue=cat)
    model = hub.get("bert_small.eltec", catalogue=cat)
    fm = B.fill_mask(model.model, tok, "the [MASK] sat on the mat.", top_k=3)
    assert served.name == "bert_small.eltec" and model.source == "embedded" and fm.predictions
    assert (
        time.perf_counter() - t0 < 1.0 and not job.finished.is_set()
    )  # not queued behind the download
    fractions = []
    while not job.finished.wait(0.1):
        fractions.append(job.fraction)
    assert job.error is None, job.error
    assert job.fraction == 1.0 and job.folder == hub.snapshot_dir(cat[NAME])
    assert any(0 < f < 1 for f in fractions) or len(fractions) > 3  # progress moved while it ran
    model_file = f"/resolve/{cat[NAME].revision}/model.safetensors"
    assert fake_hub.gets(model_file) == 1  # one download for both users
    assert hub.best_available("bert", "zh", catalogue=cat).name == NAME


def test_a_served_file_that_differs_from_its_pin_is_refused_by_name(standin, fake_hub, monkeypatch):
    folder, cat = standin
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    fake_hub.corrupt.add("vocab.txt")
    job = hub.start_download(NAME, catalogue=cat)
    assert job.finished.wait(60)
    assert job.error and "refused" in job.error and "vocab.txt" in job.error
    assert hub.best_available("bert", "zh", catalogue=cat).name == "bert_small.eltec"
    # the Hub serves the right bytes again: the next download repairs the cached file
    fake_hub.corrupt.clear()
    hub.download(NAME, catalogue=cat)
    assert hub.best_available("bert", "zh", catalogue=cat).name == NAME


def test_download_says_why_it_cannot(standin, monkeypatch):
    _, cat = standin
    monkeypatch.setenv("HF_ENDPOINT", F.closed_port_url())
    t0 = time.perf_counter()
    with pytest.raises(hub.WeightsError, match="unreachable"):
        hub.download(NAME, catalogue=cat)
    assert time.perf_counter() - t0 < hub.HUB_DEADLINE_S + 1.5
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(hub.WeightsError, match="HF_HUB_OFFLINE=1"):
        hub.download(NAME, catalogue=cat)
    job = hub.start_download(NAME, catalogue=cat)
    assert job.finished.wait(10) and "HF_HUB_OFFLINE=1" in job.error
    with pytest.raises(hub.WeightsError, match="Unknown weights"):
        hub.download("nope", catalogue=cat)


def _run_cli(args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PAPER_GALLERY_"))}
    env.update(env_extra, HF_HUB_DISABLE_TELEMETRY="1")
    return subprocess.run(
        [sys.executable, "-m", "models.hub", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_download_the_night_before_then_offline(standin, fake_hub, tmp_path):
    """`python -m models.hub --download` fetches every pinned Hub checkpoint (here: the one the
    stand-in serves; the others fail, named, and the exit status says so); the next morning,
    offline, `--status` finds it at hand."""
    folder, cat = standin
    only = {n: e for n, e in cat.items() if n == NAME or e.revision is None}
    weights = F.weights_dir_with(tmp_path, only)
    cache = tmp_path / "night-cache"
    env = dict(
        HF_ENDPOINT=fake_hub.url, HF_HUB_CACHE=str(cache), PAPER_GALLERY_WEIGHTS=str(weights)
    )
    out = _run_cli(["--download"], env, tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"ok   {NAME}" in out.stdout and "(100%)" in out.stdout
    snap = (
        cache
        / ("models--" + cat[NAME].repo_id.replace("/", "--"))
        / "snapshots"
        / cat[NAME].revision
    )
    assert sorted(p.name for p in snap.iterdir()) == sorted(cat[NAME].files)
    status = _run_cli(
        ["--status"], dict(env, HF_HUB_OFFLINE="1", HF_ENDPOINT=F.closed_port_url()), tmp_path
    )
    assert status.returncode == 0
    line = next(ln for ln in status.stdout.splitlines() if ln.startswith(NAME))
    assert line.split()[1] == "cached"
    # with the whole real catalogue, the unreachable ones are named and the status is 1
    (tmp_path / "all").mkdir()
    weights_all = F.weights_dir_with(tmp_path / "all", cat)
    bad = _run_cli(["--download"], dict(env, PAPER_GALLERY_WEIGHTS=str(weights_all)), tmp_path)
    assert (
        bad.returncode == 1
        and "FAIL transformer_base.opus_mt_enzh" in bad.stdout
        and f"ok   {NAME}" in bad.stdout
    )


def test_cli_refresh_keeps_working(tmp_path):
    """The bare command, as documented after training, and --refresh: the embedded sha256 are
    recomputed (a changed file gets its new sha256), the Hub rows are left as they are."""
    cat = hub.read_catalogue()
    weights = F.weights_dir_with(tmp_path, cat)
    before = json.loads((weights / "catalogue.json").read_text())
    for args in ([], ["--refresh"]):
        out = _run_cli(args, dict(PAPER_GALLERY_WEIGHTS=str(weights)), tmp_path)
        assert out.returncode == 0 and "updated" in out.stdout, out.stderr
        after = json.loads((weights / "catalogue.json").read_text())
        assert after == before
    # a file that changed gets its new sha256
    row = before["bert_small.eltec"]
    tok = weights / "bert_eltec"
    real = tok.resolve()
    os.unlink(tok)
    F.copy_tree(real, tok)
    (tok / "tokenizer.json").write_text((tok / "tokenizer.json").read_text() + " ")
    _run_cli(["--refresh"], dict(PAPER_GALLERY_WEIGHTS=str(weights)), tmp_path)
    again = json.loads((weights / "catalogue.json").read_text())
    assert again["bert_small.eltec"]["files"]["tokenizer.json"] == hub.sha256(
        tok / "tokenizer.json"
    )
    assert (
        again["bert_small.eltec"]["files"]["model.safetensors"] == row["files"]["model.safetensors"]
    )
