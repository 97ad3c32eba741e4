"""Stop and go on: a training run's whole state in one safetensors file, overwritten in place.

A long run is trained in pieces (a session of a few hours each, see the README). Between pieces
its state is committed to git, so it must be small and safe to load:

- one file per model, safetensors (tensors + a JSON string in the header; never pickle);
- at most `MAX_BYTES` (30 MiB). When the weights plus the optimizer state fit, everything is kept
  in full precision and a restart is *exact*: the same weights step for step as a run that never
  stopped (tests/test_resume.py). When they do not fit, the file keeps the weights alone (fp32 if
  they fit, else fp16) and the caller re-warms the learning rate over a few hundred steps while
  the optimizer's moments are rebuilt (`Resumed.exact` is False).

What it holds: named modules, named optimizers, named random number generators (Python
`random.Random`, `torch.Generator`, numpy `Generator`, or the string "torch" for torch's global
generators: the CPU's and every GPU's) and a JSON-able `meta` dict (step counters, the config, the evaluation log...).
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

MAX_BYTES = 30 * 2**20  # a file committed between pieces stays small


def _rng_tensors_and_meta(name: str, rng) -> tuple[dict, object]:
    if rng == "torch":  # the CPU's global generator, and each GPU's where there are GPUs
        gpus = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []
        return {
            f"rng/{name}": torch.get_rng_state(),
            **{f"rng/{name}/cuda{i}": g for i, g in enumerate(gpus)},
        }, None
    if isinstance(rng, torch.Generator):
        return {f"rng/{name}": rng.get_state()}, None
    if isinstance(rng, random.Random):
        version, internal, gauss = rng.getstate()
        return {f"rng/{name}": torch.tensor(internal, dtype=torch.int64)}, [version, gauss]
    if isinstance(rng, np.random.Generator):
        return {}, rng.bit_generator.state  # a dict of (big) ints: JSON keeps them exact
    raise TypeError(f"cannot save a random generator of type {type(rng).__name__}")


def _restore_rng(name: str, rng, tensors: dict, meta) -> None:
    if rng == "torch":
        torch.set_rng_state(tensors[f"rng/{name}"])
        gpus = [tensors[k] for k in sorted(tensors) if k.startswith(f"rng/{name}/cuda")]
        if gpus and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(gpus)
    elif isinstance(rng, torch.Generator):
        rng.set_state(tensors[f"rng/{name}"])
    elif isinstance(rng, random.Random):
        version, gauss = meta
        rng.setstate((version, tuple(tensors[f"rng/{name}"].tolist()), gauss))
    elif isinstance(rng, np.random.Generator):
        rng.bit_generator.state = meta


def _optimizer_tensors(name: str, opt: torch.optim.Optimizer) -> tuple[dict, list]:
    sd = opt.state_dict()
    tensors = {f"optim/{name}/{i}/{k}": v for i, s in sd["state"].items() for k, v in s.items()}
    return tensors, sd["param_groups"]


def _nbytes(tensors: dict) -> int:
    return sum(t.numel() * t.element_size() for t in tensors.values())


def save(
    path,
    *,
    models: dict,
    optimizers: dict,
    rngs: dict,
    meta: dict,
    tensors: dict | None = None,
    max_bytes: int = MAX_BYTES,
) -> bool:
    """Write the state to `path` (atomically: a temporary file, then a rename). `tensors` are
    other named tensors of the run (e.g. the current epoch's permutation). Returns whether the
    file is exact (optimizer state kept); compact files hold the weights only."""
    weights = {
        f"model/{m}/{k}": v.detach().cpu().contiguous()
        for m, net in models.items()
        for k, v in net.state_dict().items()
    }
    rng_tensors, rng_meta = {}, {}
    rng_tensors.update(
        {f"tensor/{k}": v.detach().cpu().contiguous() for k, v in (tensors or {}).items()}
    )
    for name, rng in rngs.items():
        t, m = _rng_tensors_and_meta(name, rng)
        rng_tensors.update(t)
        rng_meta[name] = m
    optim, groups = {}, {}
    for name, opt in optimizers.items():
        t, groups[name] = _optimizer_tensors(name, opt)
        optim.update({k: v.detach().cpu().contiguous() for k, v in t.items()})
    exact = _nbytes(weights) + _nbytes(optim) + _nbytes(rng_tensors) <= max_bytes - 2**20
    if not exact:  # weights alone, in fp32 where they fit, else fp16
        optim, groups = {}, {}
        if _nbytes(weights) + _nbytes(rng_tensors) > max_bytes - 2**20:
            weights = {k: v.half() if v.is_floating_point() else v for k, v in weights.items()}
    header = {"meta": meta, "rngs": rng_meta, "param_groups": groups, "exact": exact}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    save_file({**weights, **optim, **rng_tensors}, str(tmp), metadata={"state": json.dumps(header)})
    os.replace(tmp, path)
    return exact


# Config fields that may differ between the pieces of one run: where and how a piece runs,
# not what is trained. `tokenizer` names the vocabulary file a *new* run starts from; a resumed
# run reads its own vocabulary from the state file.
PIECE_FIELDS = {
    "tokenizer",
    "export",
    "catalogue",
    "resume",
    "save_every",
    "piece_minutes",
    "piece_steps",
    "threads",
    "out_dir",
    "data_dir",
    "eval_every",
    "n_final",
    "minutes",
}


def run_fields(config: dict) -> dict:
    """The fields of a training config that define the run (checked on every restart)."""
    return {k: v for k, v in config.items() if k not in PIECE_FIELDS}


def check_same_run(path, saved: dict, config, ignore=()) -> None:
    """Refuse (SystemExit) a state file saved by another run than `config`'s: the fields that
    define the run (`run_fields`, less `ignore`) must agree. A field added to the config after the
    state was saved is missing from it: that run had the field's default, the behaviour from before
    the field existed."""
    old = {**asdict(type(config)()), **saved}

    def fields(c: dict) -> dict:
        return {k: v for k, v in run_fields(c).items() if k not in set(ignore)}

    if fields(old) != fields(asdict(config)):
        raise SystemExit(f"{path} belongs to another run: {saved}")


def header(path) -> dict:
    """The JSON header of a state file (its `meta` and bookkeeping), without reading tensors."""
    from safetensors import safe_open

    with safe_open(str(path), "pt") as f:
        return json.loads(f.metadata()["state"])


@dataclass
class Resumed:
    meta: dict
    exact: bool  # False: the optimizer starts afresh; re-warm the learning rate
    tensors: dict  # the other named tensors given to `save`


def load(path, *, models: dict, optimizers: dict, rngs: dict) -> Resumed:
    """Restore what `save` wrote into the given (freshly built) modules, optimizers and
    generators; modules load with strict=True."""
    head = header(path)
    tensors = load_file(str(path))
    for m, net in models.items():
        prefix = f"model/{m}/"
        sd = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
        ref = net.state_dict()
        net.load_state_dict(
            {k: v.to(ref[k].dtype) for k, v in sd.items() if k in ref}
            | {k: v for k, v in sd.items() if k not in ref},
            strict=True,
        )
    if head["exact"]:
        for name, opt in optimizers.items():
            prefix = f"optim/{name}/"
            state: dict[int, dict] = {}
            for k, v in tensors.items():
                if k.startswith(prefix):
                    i, key = k[len(prefix) :].split("/")
                    state.setdefault(int(i), {})[key] = v
            opt.load_state_dict({"state": state, "param_groups": head["param_groups"][name]})
    for name, rng in rngs.items():
        _restore_rng(name, rng, tensors, head["rngs"][name])
    extra = {k[len("tensor/") :]: v for k, v in tensors.items() if k.startswith("tensor/")}
    return Resumed(head["meta"], head["exact"], extra)


def rewarm(step: int, resumed_at: int | None, steps: int = 300) -> float:
    """Learning-rate factor after a compact restart: a linear ramp over `steps` steps while
    Adam's moments are rebuilt (1.0 for exact restarts and fresh runs)."""
    if resumed_at is None:
        return 1.0
    return min(1.0, (step - resumed_at + 1) / steps)
