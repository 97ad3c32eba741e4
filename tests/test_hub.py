"""The weights layer: embedded folder, local cache, offline, unreachable or stalled Hub, bad checksum."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from models import hub
from tests._timing import within
from tests._tiny import TinyConfig, TinyNet

REPO = "paper-gallery-test/tiny"
SHA = "0123456789abcdef0123456789abcdef01234567"  # a pinned revision, as the catalogue has


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, TinyNet]:
    torch.manual_seed(0)
    model = TinyNet(TinyConfig(d_in=4, d_out=3))
    folder = tmp_path / "tiny"
    model.save_pretrained(folder)
    return folder, model


def entry_for(folder: Path | None, files_from: Path, **kw) -> hub.WeightsEntry:
    files = {f: hub.sha256(files_from / f) for f in ("config.json", "model.safetensors")}
    return hub.WeightsEntry(
        name="tiny.test",
        model="tests._tiny:TinyNet",
        repo_id=REPO,
        revision=SHA,
        files=files,
        embedded=str(folder) if folder else None,
        paper="test",
        **kw,
    )


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    hub._cache.clear()
    yield
    hub._cache.clear()


def same_logits(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    x = torch.randn(2, 4)
    with torch.no_grad():
        return torch.equal(a(x), b(x))


def test_embedded_folder_loads_strict_and_in_eval(saved):
    folder, model = saved
    loaded = hub.load(entry_for(folder, folder))
    assert loaded.source == "embedded"
    assert "shipped with the app" in loaded.notice and "tiny.test" in loaded.notice
    assert not loaded.model.training
    assert loaded.model.config == TinyConfig(d_in=4, d_out=3)  # the dataclass round-trips
    assert same_logits(loaded.model, model)


def test_bad_checksum_is_refused_naming_the_file(saved):
    folder, _ = saved
    entry = entry_for(folder, folder)
    data = bytearray((folder / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF  # flip one byte of a weight
    (folder / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(hub.WeightsError, match=r"refused '.*model\.safetensors'.*sha256"):
        hub.load(entry)


def test_missing_file_is_refused(saved):
    folder, _ = saved
    entry = entry_for(folder, folder)
    (folder / "config.json").unlink()
    with pytest.raises(hub.WeightsError, match="'config.json' is missing"):
        hub.load(entry)


def test_pickle_files_are_never_read(saved):
    """A folder with only a pickled checkpoint is refused: the layer reads safetensors only."""
    folder, model = saved
    entry = replace(
        entry_for(folder, folder), files={"config.json": hub.sha256(folder / "config.json")}
    )
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(b"not to be unpickled")
    with pytest.raises(hub.WeightsError, match="no .safetensors file"):
        hub.load(entry)


def make_cache(cache: Path, src: Path) -> None:
    """A fake-but-real Hugging Face cache: refs/main and snapshots/<sha>/ as the client writes them."""
    repo_dir = cache / ("models--" + REPO.replace("/", "--"))
    snap = repo_dir / "snapshots" / SHA
    snap.mkdir(parents=True)
    for f in ("config.json", "model.safetensors"):
        shutil.copy(src / f, snap / f)
    (repo_dir / "refs").mkdir()
    (repo_dir / "refs" / "main").write_text(SHA)


def test_local_cache_offline(saved, tmp_path, monkeypatch):
    folder, model = saved
    cache = tmp_path / "hf-cache"
    make_cache(cache, folder)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    loaded = hub.load(entry_for(None, folder))
    assert time.perf_counter() - t0 < within(3)  # from disk: no Hub client retrying for 23 s
    assert loaded.source == "cache"
    assert str(cache) in str(loaded.folder)
    assert "local Hugging Face cache" in loaded.notice
    assert same_logits(loaded.model, model)


def test_offline_without_cache_says_so_at_once(saved, monkeypatch):
    folder, _ = saved
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    with pytest.raises(hub.WeightsError, match="HF_HUB_OFFLINE=1 forbids downloading"):
        hub.load(entry_for(None, folder))
    assert time.perf_counter() - t0 < within(1)


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    return port


def test_unreachable_hub_gives_up_within_3s(saved, monkeypatch):
    folder, _ = saved
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    t0 = time.perf_counter()
    with pytest.raises(hub.WeightsError, match="Hub .* is unreachable"):
        hub.load(entry_for(None, folder))
    assert time.perf_counter() - t0 < within(0.5, deadline_s=3)  # not the client's 23 s of retries


@pytest.fixture
def stalled_server():
    """A loopback server that accepts connections and never answers (lives at most 30 s)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.2)
    conns, stop = [], threading.Event()

    def serve():
        deadline = time.monotonic() + 30
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                conns.append(srv.accept()[0])
            except OSError:
                pass

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}"
    stop.set()
    th.join(2)
    for c in conns:
        c.close()
    srv.close()


def test_stalled_hub_gives_up_within_3s_and_falls_back(saved, monkeypatch, stalled_server):
    folder, model = saved
    monkeypatch.setenv("HF_ENDPOINT", stalled_server)
    hub_only = entry_for(None, folder)
    embedded = replace(entry_for(folder, folder), name="tiny.embedded")
    catalogue = {hub_only.name: hub_only, embedded.name: embedded}
    t0 = time.perf_counter()
    loaded = hub.get("tiny.test", fallback="tiny.embedded", catalogue=catalogue)
    elapsed = time.perf_counter() - t0
    assert elapsed < within(0.5, deadline_s=3), (
        elapsed
    )  # not the ~400 s a stalled Hub takes without it
    assert loaded.entry.name == "tiny.embedded"
    assert "unreachable: no answer within 3 s" in loaded.notice
    assert "Falling back: Using **tiny.embedded**" in loaded.notice
    assert same_logits(loaded.model, model)


def test_get_loads_once_and_shares(saved, monkeypatch):
    folder, _ = saved
    entry = entry_for(folder, folder)
    calls = []
    real_load = hub.load
    monkeypatch.setattr(hub, "load", lambda e: calls.append(e.name) or real_load(e))
    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(hub.get("tiny.test", catalogue={"tiny.test": entry}))
        )
        for _ in range(4)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert calls == ["tiny.test"]
    assert len({id(r.model) for r in results}) == 1


def test_unknown_name_is_a_clear_error():
    with pytest.raises(hub.WeightsError, match="Unknown weights 'nope'"):
        hub.get("nope", catalogue={})


def test_catalogue_is_consistent():
    """Every catalogue row is well formed and every embedded checkpoint matches its sha256."""
    raw = json.loads(hub.CATALOGUE_PATH.read_text(encoding="utf-8"))
    for name, entry in hub.read_catalogue().items():
        assert set(raw[name]) <= {f.name for f in hub.WeightsEntry.__dataclass_fields__.values()}
        # safetensors, or a pickle only with a pinned sha256 (the OPUS-MT revisions hold nothing else)
        assert any(f.endswith(".safetensors") for f in entry.files) or any(
            f.endswith(".bin") and pin for f, pin in entry.files.items()
        ), name
        assert entry.convert or "config.json" in entry.files, name
        assert entry.revision is None or len(entry.revision) == 40, f"{name}: pin a commit sha"
        if entry.embedded:
            hub.verify(entry.embedded_dir, entry)  # raises on any mismatch
            assert entry.build(entry.embedded_dir) is not None


@pytest.fixture
def fake_hub(saved):
    """A loopback stand-in for the Hub's file API, serving the saved folder (lives at most 60 s)."""
    import http.server

    folder, _ = saved
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def _send(self, body: bytes | None, head_only: bool):
            self.send_response(200 if body is not None else 404)
            if body is not None:
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", '"%s"' % hashlib.sha256(body).hexdigest())
                self.send_header("X-Repo-Commit", SHA)
            self.end_headers()
            if body is not None and not head_only:
                self.wfile.write(body)

        def _route(self, head_only: bool):
            hits.append(self.path)
            if self.path == f"/api/models/{REPO}/revision/{SHA}":
                return self._send(json.dumps({"id": REPO, "sha": SHA}).encode(), head_only)
            prefix = f"/{REPO}/resolve/{SHA}/"
            if self.path.startswith(prefix) and (folder / self.path[len(prefix) :]).is_file():
                return self._send((folder / self.path[len(prefix) :]).read_bytes(), head_only)
            return self._send(None, head_only)

        def do_HEAD(self):
            self._route(True)

        def do_GET(self):
            self._route(False)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    timer = threading.Timer(60, srv.shutdown)
    timer.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    timer.cancel()
    srv.shutdown()
    srv.server_close()


def test_download_from_the_hub_then_offline_from_cache(saved, fake_hub, tmp_path, monkeypatch):
    folder, model = saved
    url, hits = fake_hub
    monkeypatch.setenv("HF_ENDPOINT", url)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    entry = entry_for(None, folder)
    loaded = hub.load(entry)
    assert loaded.source == "hub"
    assert f"downloaded from the Hub ({REPO}@{SHA[:8]})" in loaded.notice
    assert any(h.endswith("/model.safetensors") for h in hits)
    assert same_logits(loaded.model, model)
    # The download landed in the cache: the next start finds it there, offline.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    again = hub.load(entry)
    assert again.source == "cache"
    assert same_logits(again.model, model)
