"""The weights layer: one catalogue of checkpoints, one loader.

Every checkpoint the gallery can use is a `WeightsEntry` in `weights/catalogue.json` (data, as in
torchvision's `Weights` enum and timm's pretrained configs): its Hub repo id, a pinned revision, the
files with their sha256, and, where the project ships it, its embedded folder under `weights/`.

Loading order (`load`): embedded folder -> local Hugging Face cache -> `huggingface_hub` download.
- safetensors only: the model classes use `PyTorchModelHubMixin`, which reads `model.safetensors`;
  nothing is ever unpickled, and a file whose sha256 differs from the catalogue is refused by name.
- `HF_HUB_OFFLINE=1` is honoured (read at call time, so tests and the UI can change it).
- Without a network the Hub client retries for tens of seconds or hangs on a stalled server
  (../shared/STACK-NOTES.md), so a short reachability probe with a hard deadline (`HUB_DEADLINE_S`)
  runs before any download; an unreachable Hub costs at most that.
- Models load lazily, once per process (`get`), and are shared between users; every load says in
  plain words where the weights came from and why (`Loaded.notice`), for the UI to show.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The operator may point the app at another copy of weights/ (tests use it to corrupt a file)
WEIGHTS_DIR = Path(os.environ.get("PAPER_GALLERY_WEIGHTS") or ROOT / "weights")
CATALOGUE_PATH = WEIGHTS_DIR / "catalogue.json"
HUB_DEADLINE_S = 3.0  # the budget for giving up on an unreachable Hub


class WeightsError(RuntimeError):
    """A checkpoint could not be loaded; the message is written for the person using the app."""


@dataclass(frozen=True)
class WeightsEntry:
    """One checkpoint the app can use (a row of weights/catalogue.json)."""

    name: str  # "<arch>.<tag>_<dataset>", e.g. "resnet20.cifar10"
    model: str  # "module:Class" of a PyTorchModelHubMixin model, e.g. "models.resnet:ResNet"
    repo_id: str  # Hub repo id
    revision: str | None  # pinned commit; None only for our own checkpoints not yet published
    files: dict[str, str | None]  # file name -> sha256 (None: not known, the revision pins it)
    embedded: str | None = None  # folder under weights/ when the project ships it
    paper: str = ""  # which tab uses it: resnet, transformer, gan, bert
    description: str = ""
    meta: dict[str, Any] = field(default_factory=dict)  # metrics, recipe, categories source, ...
    # A checkpoint in another library's layout (timm, transformers) names a converter,
    # "module:function", called as f(folder, entry) -> model; None = our own mixin format.
    convert: str | None = None

    @property
    def embedded_dir(self) -> Path | None:
        return WEIGHTS_DIR / self.embedded if self.embedded else None

    def model_class(self) -> type:
        return _resolve(self.model)

    def build(self, folder: Path):
        """The model from a verified folder: our mixin format, or through the entry's converter."""
        if self.convert:
            return _resolve(self.convert)(folder, self)
        # An absolute folder: a missing relative path would be taken for a Hub repo id.
        return self.model_class().from_pretrained(str(folder.resolve()), strict=True)


def _resolve(spec: str):
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass
class Loaded:
    """A loaded model and the plain-words story of where it came from."""

    model: Any
    entry: WeightsEntry
    source: str  # "embedded" | "cache" | "hub"
    folder: Path
    notice: str
    seconds: float


def read_catalogue(path: Path = CATALOGUE_PATH) -> dict[str, WeightsEntry]:
    if not path.exists():
        return {}
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {name: WeightsEntry(name=name, **row) for name, row in rows.items()}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify(folder: Path, entry: WeightsEntry) -> None:
    """Refuse a folder whose files are missing or differ from the catalogue's sha256."""
    for fname, expected in entry.files.items():
        path = folder / fname
        if not path.is_file():
            raise WeightsError(f"{entry.name}: file '{fname}' is missing from {folder}.")
        if expected is None:  # no sha256 known (catalogue says why): the pinned revision pins it
            continue
        got = sha256(path)
        if got != expected:
            raise WeightsError(
                f"{entry.name}: refused '{path}': its sha256 is {got[:12]}…, the catalogue expects "
                f"{expected[:12]}…. The file is corrupt or was changed; restore it "
                f"(git checkout weights/) or re-download it."
            )
    if not any(f.endswith(".safetensors") for f in entry.files):
        raise WeightsError(f"{entry.name}: no .safetensors file in {folder} (safetensors only).")


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def hub_reachable(entry: WeightsEntry, deadline_s: float = HUB_DEADLINE_S) -> str | None:
    """None if the Hub answers for this repo within the deadline, else the reason it does not."""
    import httpx

    url = f"{endpoint()}/api/models/{entry.repo_id}/revision/{entry.revision}"
    result: list[str | None] = ["no answer within %.0f s" % deadline_s]

    def probe() -> None:
        try:
            r = httpx.get(url, timeout=httpx.Timeout(deadline_s), follow_redirects=True)
            result[0] = None if r.status_code < 400 else f"HTTP {r.status_code} for {entry.repo_id}"
        except httpx.HTTPError as e:
            result[0] = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__

    # A thread with a hard join deadline: httpx's timeouts are per phase, not a total.
    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(deadline_s)
    return result[0]


def cache_dir() -> str | None:
    """The Hub cache folder, read at call time (huggingface_hub reads it once, at import)."""
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    if os.environ.get("HF_HOME"):
        return os.path.join(os.environ["HF_HOME"], "hub")
    return None


def _from_cache(entry: WeightsEntry) -> Path | None:
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        paths = [
            hf_hub_download(
                entry.repo_id, f, revision=entry.revision, cache_dir=cache_dir(), local_files_only=True
            )
            for f in entry.files
        ]
    except (LocalEntryNotFoundError, FileNotFoundError, OSError):
        return None
    return Path(paths[0]).parent


def _download(entry: WeightsEntry) -> Path:
    from huggingface_hub import hf_hub_download

    paths = [
        hf_hub_download(
            entry.repo_id, f, revision=entry.revision, cache_dir=cache_dir(), endpoint=endpoint()
        )
        for f in entry.files
    ]
    return Path(paths[0]).parent


def locate(entry: WeightsEntry) -> tuple[Path, str, str]:
    """Find the entry's files: (folder, source, why). Raises WeightsError with the reason."""
    if entry.embedded_dir is not None and entry.embedded_dir.is_dir():
        return entry.embedded_dir.resolve(), "embedded", "shipped with the app"
    if entry.revision is None:
        raise WeightsError(f"{entry.name}: not shipped here and not yet published on the Hub.")
    cached = _from_cache(entry)
    if cached is not None:
        return cached, "cache", f"found in the local Hugging Face cache ({entry.repo_id})"
    if offline():
        raise WeightsError(
            f"{entry.name}: not in the local cache, and HF_HUB_OFFLINE=1 forbids downloading "
            f"{entry.repo_id}."
        )
    why_not = hub_reachable(entry)
    if why_not is not None:
        raise WeightsError(f"{entry.name}: the Hugging Face Hub ({endpoint()}) is unreachable: {why_not}.")
    return _download(entry), "hub", f"downloaded from the Hub ({entry.repo_id}@{entry.revision[:8]})"


def load(entry: WeightsEntry) -> Loaded:
    """Load one checkpoint (no caching: see `get`)."""
    t0 = time.perf_counter()
    folder, source, why = locate(entry)
    verify(folder, entry)
    try:
        model = entry.build(folder)
    except Exception as e:  # a config or tensor that does not fit the module
        raise WeightsError(f"{entry.name}: {folder} does not load into {entry.model}: {e}") from e
    model.eval()
    seconds = time.perf_counter() - t0
    notice = f"Using **{entry.name}**: {why}."
    return Loaded(model, entry, source, folder, notice, seconds)


_cache: dict[str, Loaded] = {}
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def get(name: str, fallback: str | None = None, catalogue: dict[str, WeightsEntry] | None = None) -> Loaded:
    """The shared, once-per-process model for `name`; falls back to `fallback` with a notice.

    A failed load is not cached, so a Hub that comes back is used on the next request.
    """
    catalogue = read_catalogue() if catalogue is None else catalogue
    if name not in catalogue:
        raise WeightsError(f"Unknown weights '{name}'. Known: {', '.join(sorted(catalogue))}.")
    with _guard:
        lock = _locks.setdefault(name, threading.Lock())
    with lock:  # the first user of a tab loads it; the others wait and share it
        if name not in _cache:
            try:
                _cache[name] = load(catalogue[name])
            except WeightsError as e:
                if fallback is None or fallback == name:
                    raise
                used = get(fallback, catalogue=catalogue)
                return Loaded(
                    used.model,
                    used.entry,
                    used.source,
                    used.folder,
                    f"{e} Falling back: {used.notice}",
                    used.seconds,
                )
    return _cache[name]


def loaded_names() -> list[str]:
    return sorted(_cache)


def status(catalogue: dict[str, WeightsEntry] | None = None) -> list[dict[str, str]]:
    """One row per catalogue entry: where its weights would come from now, without loading them."""
    catalogue = read_catalogue() if catalogue is None else catalogue
    rows = []
    for name, entry in sorted(catalogue.items()):
        if name in _cache:
            where = f"loaded ({_cache[name].source})"
        elif entry.embedded_dir is not None and entry.embedded_dir.is_dir():
            where = "embedded"
        elif entry.revision is not None and _from_cache(entry) is not None:
            where = "local cache"
        elif offline():
            where = "not available (HF_HUB_OFFLINE=1)"
        else:
            where = "Hub download on first use"
        rows.append({"weights": name, "paper": entry.paper, "repo": entry.repo_id, "source": where})
    return rows


def refresh_catalogue(path: Path = CATALOGUE_PATH) -> None:
    """Recompute the sha256 of every embedded file (run after training: `python -m models.hub`)."""
    rows = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for row in rows.values():
        if row.get("embedded"):
            folder = WEIGHTS_DIR / row["embedded"]
            row["files"] = {f: sha256(folder / f) for f in sorted(row["files"])}
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    refresh_catalogue()
    print(f"updated {CATALOGUE_PATH}")
