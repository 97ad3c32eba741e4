"""scripts/publish.py uploads embedded folders unchanged and pins the commit it made (Hub faked)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import torch

from models import hub
from tests._tiny import TinyConfig, TinyNet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import publish  # noqa: E402


class FakeApi:
    def __init__(self):
        self.calls = []

    def create_repo(self, repo_id, private=False, exist_ok=False):
        self.calls.append(("create_repo", repo_id))

    def upload_folder(self, repo_id, folder_path, commit_message):
        files = sorted(p.name for p in Path(folder_path).iterdir())
        self.calls.append(("upload_folder", repo_id, files))
        return SimpleNamespace(oid="f" * 40)


def test_publish_pins_the_catalogue(tmp_path, monkeypatch):
    torch.manual_seed(0)
    TinyNet(TinyConfig()).save_pretrained(tmp_path / "weights" / "tiny_test")
    folder = tmp_path / "weights" / "tiny_test"
    catalogue = tmp_path / "weights" / "catalogue.json"
    catalogue.write_text(
        json.dumps(
            {
                "tiny.test": {
                    "model": "tests._tiny:TinyNet",
                    "repo_id": "paper-gallery/tiny-test",
                    "revision": None,
                    "files": {
                        f: hub.sha256(folder / f) for f in ("config.json", "model.safetensors")
                    },
                    "embedded": "tiny_test",
                }
            }
        )
    )
    monkeypatch.setattr(hub, "WEIGHTS_DIR", tmp_path / "weights")
    monkeypatch.setattr(hub, "CATALOGUE_PATH", catalogue)
    api = FakeApi()
    assert publish.publish("someone", api=api) == {"tiny.test": "f" * 40}
    assert api.calls == [
        ("create_repo", "someone/tiny-test"),
        ("upload_folder", "someone/tiny-test", ["README.md", "config.json", "model.safetensors"]),
    ]
    row = json.loads(catalogue.read_text())["tiny.test"]
    assert (row["repo_id"], row["revision"]) == ("someone/tiny-test", "f" * 40)
