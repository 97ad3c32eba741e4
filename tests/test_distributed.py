"""training/resnet.py under torchrun: two CPU processes (gloo, DistributedDataParallel) train on
different slices of each batch and end with identical weights, the weights rank 0 saves."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CIFAR = REPO.parent / "shared" / "data" / "cifar10"  # as on the CI machine: ../shared/data


@pytest.mark.skipif(not (CIFAR / "cifar10_train.npz").exists(), reason=f"no CIFAR-10 in {CIFAR}")
def test_two_ranks_train_on_different_data_and_end_identical(tmp_path):
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    cmd = [
        *torchrun,
        str(REPO / "training" / "resnet.py"),
        "--epochs",
        "1",
        "--limit_train",
        "256",
        "--batch_size",
        "64",  # 4 steps, 2 x 32 images
        "--limit_eval",
        "100",
        "--jpeg_p",
        "0",
        "--bf16",
        "false",
        "--ddp_check",
        "true",
        "--data_dir",
        str(CIFAR),
        "--out_dir",
        str(tmp_path / "out"),
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    r = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]

    first = dict(re.findall(r"ddp_check rank (\d) first_loss ([\d.]+)\n", r.stdout))
    sha = r"([0-9a-f]{64})"
    pattern = rf"ddp_check rank (\d) init_sha256 {sha} final_sha256 {sha}\n"
    shas = {rank: (init, final) for rank, init, final in re.findall(pattern, r.stdout)}
    assert set(first) == set(shas) == {"0", "1"}, r.stdout[-2000:]
    # each rank trained on its own half of the batch: different losses at the first step
    assert first["0"] != first["1"]
    # identical weights and BatchNorm statistics at the start and at the end; training moved them
    assert shas["0"][0] == shas["1"][0]
    assert shas["0"][1] == shas["1"][1]
    assert shas["0"][1] != shas["0"][0]

    # rank 0 saved exactly those weights
    from models.resnet import ResNet
    from training.distributed import state_sha256

    saved = ResNet.from_pretrained(str(tmp_path / "out"), strict=True)
    assert state_sha256(saved) == shas["0"][1]
    assert r.stdout.count("world_size 2") == 1  # only rank 0 prints (the config line)
