"""What every training script shares: its config dataclass, filled from the command line."""

from __future__ import annotations

import argparse
from dataclasses import fields


def _parse_bool(s: str) -> bool:
    return s.lower() in ("1", "true", "yes")


def config_from_args(cls, description: str | None = None, argv: list[str] | None = None):
    """Every field of the dataclass `cls` becomes a --flag with the field's default."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawTextHelpFormatter)
    for f in fields(cls):
        if f.type in (bool, "bool"):
            kind = _parse_bool
        else:  # the annotation, or the default's type where annotations are strings
            kind = f.type if isinstance(f.type, type) else type(f.default)
        parser.add_argument(f"--{f.name}", type=kind, default=f.default)
    return cls(**vars(parser.parse_args(argv)))
