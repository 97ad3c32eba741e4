"""training/gpu_all.sh: every model trained at once into one checkpoint drop of at most 8 files of
at most 16 MiB. The GPU run cannot happen here: `--tiny` runs the same pipeline (13 processes, the
same scripts, packing and checks) with tiny budgets on the CPU, and each packed model must load
as the app loads it (strict=True)."""

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from training import pack_weights

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
MODELS = [
    "bert_eltec",
    "gan_dcgan_mnist",
    "gan_mlp_mnist",
    "resnet56_cifar10",
    "resnet_curves",
    "transformer_multi30k",
]
CURVES = [
    "plain20",
    "plain32",
    "plain44",
    "plain56",
    "resnet20",
    "resnet32",
    "resnet44",
    "resnet56",
]


@pytest.mark.skipif(
    not all(
        (DATA / d).is_dir() for d in ("cifar10", "mnist", "multi30k", "eltec-eng", "wikitext-2")
    ),
    reason=f"needs the data bundle in {DATA}",
)
def test_tiny_run_packs_every_model_within_the_limits_and_each_loads(tmp_path):
    out = tmp_path / "drop"
    env = {**os.environ, "PAPER_GALLERY_PYTHON": sys.executable, "PAPER_GALLERY_DATA": str(DATA)}
    r = subprocess.run(
        ["bash", str(REPO / "training" / "gpu_all.sh"), str(out), "--tiny"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-3000:]
    assert "ok: 7 files, each at most 16 MiB" in r.stdout
    assert not (tmp_path / "drop.work").exists()  # removed after a run without failures

    files = sorted(p.name for p in out.iterdir())
    assert files == sorted([f"{m}.tar" for m in MODELS] + ["logs.tar"])
    assert all((out / f).stat().st_size <= 16 * 2**20 for f in files)

    weights = tmp_path / "weights"  # installed as the README says: tar -xf X.tar -C weights/
    for f in files:
        with tarfile.open(out / f) as tar:
            assert all(not n.startswith(("/", "..")) and "/." not in n for n in tar.getnames())
            tar.extractall(weights, filter="data")
    from models import bert, transformer
    from models.gan import Generator
    from models.resnet import ResNet

    model, tok = bert.load(weights / "bert_eltec")
    assert tok.get_vocab_size() == model.config.vocab_size
    model, tok = transformer.load(weights / "transformer_multi30k")
    assert tok.get_vocab_size() == model.config.vocab_size
    for arch in ("dcgan", "mlp"):
        G = Generator.from_pretrained(str(weights / f"gan_{arch}_mnist"), strict=True)
        assert (
            G.config
            == Generator.from_pretrained(str(REPO / "weights" / f"gan_{arch}_mnist")).config
        )
    assert ResNet.from_pretrained(str(weights / "resnet56_cifar10"), strict=True).config.depth == 56
    for net in ("plain20", "plain56", "resnet20", "resnet56"):  # the Fig. 7 checkpoints
        assert ResNet.from_pretrained(
            str(weights / "resnet_curves" / net), strict=True
        ).config.depth == int(net[-2:])

    # Fig. 6: the eight processes wrote one curves.json, with one epoch budget for all
    curves = json.loads((weights / "resnet_curves" / "curves.json").read_text())
    assert sorted(curves["runs"]) == CURVES
    assert len({len(run["epoch"]) for run in curves["runs"].values()}) == 1
    assert set(curves["checks"]) == {
        "plain56_train_error_above_plain20",
        "plain56_above_plain20_from_epoch_5",
        "resnet56_train_error_below_resnet20",
        "resnet56_test_error_at_most_12",
    }

    with tarfile.open(out / "logs.tar") as tar:
        summary = json.load(tar.extractfile("logs/summary.json"))
    assert sorted(summary["jobs"]) == sorted(
        ["resnet56", "bert", "gan_dcgan", "gan_mlp", "transformer"]
        + [f"curves_{a}" for a in CURVES]
    )
    assert all(job["exit_status"] == 0 for job in summary["jobs"].values())
    assert (
        set(summary["models"]) == set(MODELS)
        and "BLEU" in summary["models"]["transformer_multi30k"]
    )


def test_the_check_refuses_a_file_over_16_mib_and_a_ninth_file(tmp_path, capsys):
    out = tmp_path / "drop"
    out.mkdir()
    (out / "big.tar").write_bytes(b"\0" * (16 * 2**20 + 1))
    problems = pack_weights.check(out)
    assert problems == [f"big.tar: {16 * 2**20 + 1:,} bytes (at most {16 * 2**20:,})"]
    (out / "big.tar").write_bytes(b"\0" * 1024)  # a tar of zero blocks: an empty archive
    for i in range(8):
        (out / f"m{i}.tar").write_bytes(b"x")
    problems = pack_weights.check(out)
    assert problems[0] == f"9 files in {out} (at most 8)" and all(
        "not a readable tar" in p for p in problems[1:]
    )


def test_pack_keeps_the_folder_layout_and_leaves_hidden_files_out(tmp_path):
    work, out = tmp_path / "work", tmp_path / "out"
    (work / "resnet_curves" / "plain20").mkdir(parents=True)
    (work / "resnet_curves" / "curves.json").write_text("{}")
    (work / "resnet_curves" / ".curves.lock").write_text("")
    (work / "resnet_curves" / "plain20" / "config.json").write_text("{}")
    out.mkdir()
    with tarfile.open(pack_weights.pack(work, out, "resnet_curves")) as tar:
        assert sorted(tar.getnames()) == [
            "resnet_curves/curves.json",
            "resnet_curves/plain20/config.json",
        ]
    with pytest.raises(FileNotFoundError, match="nothing to pack"):
        pack_weights.pack(work, out, "bert_eltec")
