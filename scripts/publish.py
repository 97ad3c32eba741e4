"""Publish the embedded checkpoints to Hugging Face Hub repos of your choice, and pin them.

    python scripts/publish.py --namespace YOUR_USER_OR_ORG [--only resnet20.cifar10] [--private]
    PAPER_GALLERY_HUB_NAMESPACE=YOUR_ORG python scripts/publish.py

Each embedded folder (config.json, model.safetensors, model card, training log) is uploaded as it is,
so the sha256 in weights/catalogue.json stay valid; the catalogue row then gets the new repo id and the
commit the upload created as its pinned revision. Needs a write token (`hf auth login` or HF_TOKEN).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import hub  # noqa: E402


def publish(
    namespace: str, only: list[str] | None = None, private: bool = False, api=None
) -> dict[str, str]:
    """Upload every embedded checkpoint (or `only` these) and pin the catalogue; returns name -> sha."""
    from huggingface_hub import HfApi

    api = api or HfApi()
    rows = json.loads(hub.CATALOGUE_PATH.read_text(encoding="utf-8"))
    pinned = {}
    for name, row in rows.items():
        if not row.get("embedded") or (only and name not in only):
            continue
        folder = hub.WEIGHTS_DIR / row["embedded"]
        hub.verify(folder, hub.WeightsEntry(name=name, **row))  # never publish a corrupt file
        repo_id = f"{namespace}/{row['embedded'].replace('_', '-')}"
        api.create_repo(repo_id, private=private, exist_ok=True)
        info = api.upload_folder(
            repo_id=repo_id, folder_path=str(folder), commit_message=f"Paper Gallery: {name}"
        )
        row["repo_id"], row["revision"] = repo_id, info.oid
        pinned[name] = info.oid
        print(f"{name}: {repo_id}@{info.oid}")
    hub.CATALOGUE_PATH.write_text(
        json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return pinned


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--namespace", default=os.environ.get("PAPER_GALLERY_HUB_NAMESPACE"))
    ap.add_argument("--only", nargs="*", help="catalogue names to publish (default: all embedded)")
    ap.add_argument("--private", action="store_true")
    args = ap.parse_args()
    if not args.namespace:
        ap.error("give --namespace or set PAPER_GALLERY_HUB_NAMESPACE")
    publish(args.namespace, args.only, args.private)


if __name__ == "__main__":
    main()
