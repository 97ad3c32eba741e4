"""What every training script shares: its config dataclass, filled from the command line."""

from __future__ import annotations

import argparse
from dataclasses import fields
from pathlib import Path


def _parse_bool(s: str) -> bool:
    return s.lower() in ("1", "true", "yes")


def config_from_args(cls, description: str | None = None, argv: list[str] | None = None):
    """Every field of the dataclass `cls` becomes a --flag with the field's default."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawTextHelpFormatter
    )
    for f in fields(cls):
        if f.type in (bool, "bool"):
            kind = _parse_bool
        else:  # the annotation, or the default's type where annotations are strings
            kind = f.type if isinstance(f.type, type) else type(f.default)
        parser.add_argument(f"--{f.name}", type=kind, default=f.default)
    return cls(**vars(parser.parse_args(argv)))


_STOP = []


def stop_requested() -> bool:
    """True once the process got SIGTERM or SIGINT (the first call installs the handlers): a
    resumable run then saves its state and exits at the end of the current step."""
    import signal

    if not _STOP:
        _STOP.append(False)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: _STOP.__setitem__(0, True))
    return _STOP[0]


def fp16_roundtrip(model) -> None:
    """Round the weights to fp16 in place: what `save_fp16` writes, so the scores we report are
    those of the shipped file."""
    import torch

    with torch.no_grad():
        for p in model.state_dict().values():
            if p.is_floating_point():
                p.copy_(p.half().float())


def save_fp16(model, tokenizer, out_dir: Path) -> None:
    """save_pretrained in fp16 (half the size; a fp32 model loads it with strict=True), and the
    tokenizer beside it."""
    half = type(model)(model.config)
    half.load_state_dict(model.state_dict())
    half.half().save_pretrained(out_dir)
    tokenizer.save(str(Path(out_dir) / "tokenizer.json"))
