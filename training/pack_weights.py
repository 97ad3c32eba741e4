"""Pack trained model folders into a checkpoint drop: at most 8 files of at most 16 MiB each.

    .venv/bin/python training/pack_weights.py --out OUT --work WORK NAME ...   # pack, then check
    .venv/bin/python training/pack_weights.py --out OUT                        # check only

training/gpu_all.sh trains every model into WORK/<NAME>/ (the layout of weights/<NAME>/) and calls
this: each folder becomes one uncompressed OUT/<NAME>.tar (its members start with <NAME>/, so
`tar -xf OUT/<NAME>.tar -C weights/` installs it), the job logs and a summary (exit status and
minutes of every job, from WORK/logs/*.status) go into OUT/logs.tar. Then OUT is checked: at most
`MAX_FILES` files, none over `MAX_BYTES`, every tar readable; what it holds is printed with each
model's headline number from its training_log.json. Hidden files (locks) are left out.
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
from pathlib import Path

MAX_FILES = 8
MAX_BYTES = 16 * 2**20  # 16 MiB


def pack(work: Path, out: Path, name: str) -> Path:
    """WORK/<name>/ -> OUT/<name>.tar (uncompressed; safetensors do not compress)."""
    folder = work / name
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(work).parts)
    )
    if not files:
        raise FileNotFoundError(f"{folder}: nothing to pack (did its job fail? see logs.tar)")
    path = out / f"{name}.tar"
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for f in files:
            tar.add(f, arcname=str(f.relative_to(work)), recursive=False)
    return path


def pack_logs(work: Path, out: Path, names: list[str]) -> Path:
    """WORK/logs/*.log and a summary.json of the jobs' *.status files -> OUT/logs.tar."""
    logs = work / "logs"
    jobs = {}
    for status in sorted(logs.glob("*.status")):
        rc, seconds = status.read_text().split()
        jobs[status.stem] = {"exit_status": int(rc), "minutes": round(int(seconds) / 60, 2)}
    summary = {"jobs": jobs, "models": {name: headline(work / name) for name in names}}
    (logs / "summary.json").write_text(json.dumps(summary, indent=1))
    path = out / "logs.tar"
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for f in sorted(logs.iterdir()):
            if f.suffix in (".log", ".json"):
                tar.add(f, arcname=f"logs/{f.name}", recursive=False)
    return path


def headline(folder: Path) -> str:
    """The number each model is judged by, from its training_log.json (or curves.json)."""
    try:
        if (folder / "curves.json").exists():
            c = json.loads((folder / "curves.json").read_text())
            epochs = sorted({len(r["epoch"]) for r in c["runs"].values()})
            return f"{len(c['runs'])} nets, {epochs} epochs, checks {c['checks']}"
        log = json.loads((folder / "training_log.json").read_text())
        if "final" in log and "test_error_lossless1k" in log["final"]:  # ResNet
            f = log["final"]
            return (
                f"{len(log['epochs'])} epochs, test error {f['test_error_jpeg10k']:.2f}% (JPEG 10k), "
                f"{f['test_error_lossless1k']:.2f}% (lossless 1k)"
            )
        if "final" in log:  # BERT
            n = log["final"]["heldout_novels"]
            return f"{log['steps']} steps, held-out MLM top-1 {100 * n['mlm_acc']:.1f}%, NSP {100 * n['nsp_acc']:.1f}%"
        if "bleu" in log:  # Transformer
            b = log["bleu"]
            tests = ", ".join(
                f"{k[: -len('_bleu')]} {v:.2f}"
                for k, v in b.items()
                if k.startswith("test") and k.endswith("_bleu")
            )
            return f"{len(log['epochs'])} epochs, {b['selected']}, BLEU {tests}"
        if "best_epoch" in log:  # GAN
            best = max(log["epochs"], key=lambda r: r["val_parzen"])
            return f"{len(log['epochs'])} epochs, best epoch {log['best_epoch']}, val Parzen {best['val_parzen']:.1f}"
    except (OSError, KeyError, ValueError, TypeError) as e:
        return f"(no headline: {type(e).__name__} {e})"
    return ""


def check(out: Path) -> list[str]:
    """The problems of a checkpoint drop (empty: it obeys the limits); prints what it holds."""
    problems = []
    files = sorted(out.iterdir())
    if len(files) > MAX_FILES:
        problems.append(f"{len(files)} files in {out} (at most {MAX_FILES})")
    for f in files:
        if not f.is_file():
            problems.append(f"{f.name}: not a plain file")
            continue
        size = f.stat().st_size
        if size > MAX_BYTES:
            problems.append(f"{f.name}: {size:,} bytes (at most {MAX_BYTES:,})")
        members = ""
        if f.suffix == ".tar":
            try:
                with tarfile.open(f) as tar:
                    names = tar.getnames()
                members = f"{len(names)} files: " + ", ".join(
                    n.split("/", 1)[-1] for n in names[:8]
                )
                members += ", ..." if len(names) > 8 else ""
            except tarfile.TarError as e:
                problems.append(f"{f.name}: not a readable tar ({e})")
        print(f"  {f.name:28s} {size / 2**20:7.2f} MiB  {members}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", required=True, type=Path, help="the checkpoint drop (created)")
    ap.add_argument("--work", type=Path, help="where the model folders are (pack them first)")
    ap.add_argument("names", nargs="*", help="model folders under --work, one tar each")
    args = ap.parse_args(argv)
    failed = []
    if args.work:
        args.out.mkdir(parents=True, exist_ok=True)
        for name in args.names:
            try:
                pack(args.work, args.out, name)
            except FileNotFoundError as e:
                failed.append(str(e))
        if (args.work / "logs").is_dir():
            pack_logs(args.work, args.out, args.names)
        for name in args.names:
            print(f"{name}: {headline(args.work / name)}")
    print(f"{args.out}:")
    problems = failed + check(args.out)
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    if not problems:
        print(f"ok: {len(list(args.out.iterdir()))} files, each at most {MAX_BYTES // 2**20} MiB")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
