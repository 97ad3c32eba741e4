"""One process on a CPU or a GPU, or many under `torchrun` with DistributedDataParallel: the same
training script (nanoGPT's train.py pattern, in one place for every script here).

    OMP_NUM_THREADS=1 .venv/bin/python training/resnet.py               # one process (CPU or GPU 0)
    torchrun --standalone --nproc_per_node 8 training/resnet.py        # 8 GPUs on one machine
    torchrun --nnodes 2 --nproc_per_node 8 --rdzv_backend c10d \
        --rdzv_endpoint HOST:29500 training/resnet.py                   # on each of 2 machines

torchrun sets RANK, LOCAL_RANK and WORLD_SIZE; without them `setup()` returns a single process and
every helper below does nothing, so a plain `python training/x.py` runs exactly as before. The
batch size a script is given is the global one (what one optimizer step sees); each rank takes a
disjoint slice of it (`shard`) and DDP averages the gradients, so a recipe means the same step on
1 or 8 devices. BatchNorm statistics stay per device, as in the paper's CIFAR runs ("a
mini-batch size of 128 on two GPUs", He et al. §4.2); `sync_buffers` copies rank 0's running
statistics to the others before an evaluation, so every rank ends with identical weights.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP


@dataclass
class Dist:
    ddp: bool  # True under torchrun
    rank: int  # 0 .. world_size-1 over all machines
    local_rank: int  # the GPU index on this machine
    world_size: int
    device: str  # "cuda:<local_rank>", "cuda" or "cpu"

    @property
    def is_master(self) -> bool:
        """Rank 0 logs, evaluates for the record and writes files."""
        return self.rank == 0

    @property
    def device_type(self) -> str:  # for torch.autocast
        return "cuda" if self.device.startswith("cuda") else "cpu"

    def launcher(self, single: str) -> str:
        """How this process was started, for the recipe in logs and model cards."""
        if not self.ddp:
            return single
        per_node = int(os.environ.get("LOCAL_WORLD_SIZE", self.world_size))
        nodes = f"--nnodes {self.world_size // per_node} " if self.world_size > per_node else ""
        return f"torchrun {nodes}--nproc_per_node {per_node}"

    def shard(self, x):
        """This rank's contiguous slice of a batch (indices, tensor, array or list). Every rank
        holds the same batch (the same seeded permutation): the slices are disjoint and cover it."""
        n = len(x)
        return x[self.rank * n // self.world_size : (self.rank + 1) * n // self.world_size]

    def wrap(self, model: nn.Module) -> nn.Module:
        """The model moved to the device, in DDP under torchrun (DDP copies rank 0's weights to
        every rank when it is built, and averages the gradients in backward)."""
        model = model.to(self.device)
        if not self.ddp:
            return model
        return DDP(model, device_ids=[self.local_rank] if self.device_type == "cuda" else None)

    def all_reduce(self, *values: float) -> list[float]:
        """Sums of per-rank numbers (losses, counts) over all ranks, for logging."""
        if not self.ddp:
            return list(values)
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return t.tolist()

    def average_gradients(self, model: nn.Module) -> None:
        """What DDP does in backward, by hand: for loops DDP does not fit (a GAN's discriminator
        runs forward on real and on fake images before one backward)."""
        if not self.ddp:
            return
        for p in model.parameters():
            if p.grad is not None:
                dist.all_reduce(p.grad)
                p.grad /= self.world_size

    def sync_buffers(self, *models: nn.Module) -> None:
        """Copy rank 0's buffers (BatchNorm running statistics) to every rank."""
        if not self.ddp:
            return
        for model in models:
            for b in model.buffers():
                dist.broadcast(b, src=0)

    def sync_weights(self, *models: nn.Module) -> None:
        """Copy rank 0's parameters and buffers to every rank (for models not wrapped in DDP)."""
        if not self.ddp:
            return
        for model in models:
            for t in [*model.parameters(), *model.buffers()]:
                dist.broadcast(t.data, src=0)

    def from_master(self, obj):
        """Rank 0's value of any picklable object on every rank: decisions that must agree
        (stop on the wall clock, keep a checkpoint) and state built once (a tokenizer)."""
        if not self.ddp:
            return obj
        box = [obj]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def barrier(self) -> None:
        if self.ddp:
            dist.barrier()

    def cleanup(self) -> None:
        if self.ddp and dist.is_initialized():
            dist.destroy_process_group()


def setup() -> Dist:
    """Read torchrun's environment; join the process group (NCCL on GPUs, gloo on CPUs)."""
    ddp = int(os.environ.get("RANK", -1)) != -1  # is this a torchrun run?
    cuda = torch.cuda.is_available()
    if not ddp:
        return Dist(False, 0, 0, 1, "cuda" if cuda else "cpu")
    rank, local_rank = int(os.environ["RANK"]), int(os.environ["LOCAL_RANK"])
    world_size = int(os.environ["WORLD_SIZE"])
    device = f"cuda:{local_rank}" if cuda else "cpu"
    if cuda:
        torch.cuda.set_device(device)
    dist.init_process_group(backend="nccl" if cuda else "gloo")
    return Dist(True, rank, local_rank, world_size, device)


def unwrap(model: nn.Module) -> nn.Module:
    """The plain module inside DDP (for saving, evaluating without collectives, counting)."""
    return model.module if isinstance(model, DDP) else model


def state_sha256(model: nn.Module) -> str:
    """A fingerprint of every parameter and buffer: equal on all ranks after a correct DDP run."""
    h = hashlib.sha256()
    for k, v in unwrap(model).state_dict().items():
        h.update(k.encode())
        h.update(v.detach().cpu().contiguous().view(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()
