"""The weights layer: one catalogue of checkpoints, one loader.

Every checkpoint the gallery can use is a `WeightsEntry` in `weights/catalogue.json` (data, as in
torchvision's `Weights` enum and timm's pretrained configs): its Hub repo id, a pinned revision, the
files with their sha256, and, where the project ships it, its embedded folder under `weights/`.

Loading order (`load`): embedded folder -> local Hugging Face cache -> `huggingface_hub` download.
- safetensors, with one exception: a `pytorch_model.bin` (the OPUS-MT revisions hold nothing else)
  is read only when the catalogue pins its sha256 and the file matches, and then with
  `torch.load(weights_only=True)`, which builds tensors and plain containers and never runs code
  (`read_weights`). An unpinned `.bin` is refused with a message. A file whose sha256 differs from
  the catalogue is refused by name.
- `HF_HUB_OFFLINE=1` is honoured (read at call time, so tests and the UI can change it).
- Without a network the Hub client retries for tens of seconds or hangs on a stalled server
  (../shared/STACK-NOTES.md), so a short reachability probe with a hard deadline (`HUB_DEADLINE_S`)
  runs before any download; an unreachable Hub costs at most that.
- Models load lazily, once per process (`get`), and are shared between users; every load says in
  plain words where the weights came from and why (`Loaded.notice`), for the UI to show.

The best weights at hand (`best_available`, `availability`) are decided from the disk alone, with
no network request: a pinned Hub checkpoint already in the local cache, whose files match their
sha256, beats the embedded one. Hashing a 440 MB file takes seconds, so each verdict is kept per
(file, size, mtime, inode), in memory and in a small JSON file in the Hub cache folder
(`sha256_cached`): page loads stay fast and so does the next start. `download` fetches a pinned
checkpoint into the cache with a progress callback (`start_download`: the same in a thread, shared
by every user who asks), and `python -m models.hub --download` fetches them all, the night before.
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
from typing import Any, Callable, NamedTuple

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


# ---------------------------------------------------------------------------------------------
# sha256 verdicts, kept per (file, size, mtime, inode)

VERDICTS_FILE = ".paper-gallery-sha256.json"  # in the Hub cache folder
RACY_S = 2.0  # a file changed this recently is hashed again (mtime has a coarse clock: racy git)
_verdicts: dict[str, tuple[int, int, int, str]] = {}  # real path -> (size, mtime_ns, inode, sha256)
_verdicts_read: set[str] = set()  # verdict files already merged into _verdicts
_verdicts_lock = threading.Lock()


def _verdicts_path() -> Path:
    return Path(hub_cache_root()) / VERDICTS_FILE


def _read_verdicts(path: Path) -> None:
    if str(path) in _verdicts_read:
        return
    _verdicts_read.add(str(path))
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        for real, (size, mtime_ns, ino, digest) in rows.items():
            _verdicts.setdefault(real, (int(size), int(mtime_ns), int(ino), str(digest)))
    except (OSError, ValueError, TypeError):
        pass  # no file yet, or an unreadable one: hash again


def _write_verdicts(path: Path) -> None:
    try:
        root = str(path.parent.resolve())
        rows = {k: list(v) for k, v in _verdicts.items() if k.startswith(root + os.sep)}
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(rows, indent=0), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache: the verdicts stay in memory


def sha256_cached(path: Path) -> str:
    """sha256 of a file (symlinks resolved, as in the Hub cache), hashed once per (size, mtime,
    inode); a file modified less than RACY_S ago is always hashed again."""
    real = os.path.realpath(path)
    st = os.stat(real)
    key = (st.st_size, st.st_mtime_ns, st.st_ino)
    store = _verdicts_path()
    with _verdicts_lock:
        _read_verdicts(store)
        hit = _verdicts.get(real)
    if hit is not None and hit[:3] == key:
        return hit[3]
    digest = sha256(Path(real))
    if time.time_ns() - st.st_mtime_ns > RACY_S * 1e9:
        with _verdicts_lock:
            _verdicts[real] = (*key, digest)
            if real.startswith(str(store.parent.resolve()) + os.sep):
                _write_verdicts(store)
    return digest


def _weights_file(entry: WeightsEntry) -> str:
    """The file that holds the tensors: a .safetensors, else a .bin the catalogue pins."""
    for f in entry.files:
        if f.endswith(".safetensors"):
            return f
    bins = [f for f in entry.files if f.endswith((".bin", ".pt", ".pth"))]
    if bins and entry.files[bins[0]]:
        return bins[0]
    if bins:
        raise WeightsError(
            f"{entry.name}: refused '{bins[0]}': a pickled checkpoint is read only when "
            f"weights/catalogue.json pins its sha256, and this one has no pin. Use a revision with "
            f"model.safetensors, or pin the file's sha256 from a public source."
        )
    raise WeightsError(
        f"{entry.name}: no .safetensors file in the catalogue entry (safetensors only)."
    )


def check_file(folder: Path, fname: str, expected: str | None, entry_name: str) -> None:
    """Refuse one file that is missing or whose sha256 differs from the catalogue's."""
    path = folder / fname
    if not path.is_file():
        raise WeightsError(f"{entry_name}: file '{fname}' is missing from {folder}.")
    if expected is None:  # no sha256 known (catalogue says why): the pinned revision pins it
        return
    got = sha256_cached(path)
    if got != expected:
        shipped = os.path.realpath(path).startswith(str(WEIGHTS_DIR.resolve()) + os.sep)
        fix = (
            "restore it (git checkout weights/)"
            if shipped
            else "download it again (python -m models.hub --download)"
        )
        raise WeightsError(
            f"{entry_name}: refused '{path}': its sha256 is {got[:12]}…, the catalogue expects "
            f"{expected[:12]}…. The file is corrupt or was changed; {fix}."
        )


def verify(folder: Path, entry: WeightsEntry) -> None:
    """Refuse a folder whose files are missing or differ from the catalogue's sha256, and an entry
    whose tensors would come from an unpinned pickle."""
    for fname, expected in entry.files.items():
        check_file(folder, fname, expected, entry.name)
    if not any(f.endswith(".safetensors") for f in entry.files):
        try:
            _weights_file(entry)
        except WeightsError as e:
            raise WeightsError(f"{e} (in {folder})") from None


def read_weights(folder: Path | str, entry: WeightsEntry | None = None) -> dict:
    """The tensors of a checkpoint folder, for converters: `model.safetensors` when there is one;
    otherwise the entry's pinned `.bin`, checked against its sha256 and read with
    `torch.load(weights_only=True)`. Anything else is refused; nothing else is unpickled."""
    folder = Path(folder)
    if entry is None:
        if (folder / "model.safetensors").is_file():
            from safetensors.torch import load_file

            return load_file(folder / "model.safetensors")
        bins = sorted(p.name for p in folder.glob("*.bin"))
        raise WeightsError(
            f"{folder}: no model.safetensors"
            + (
                f"; refused '{bins[0]}': a pickled checkpoint is read only with a catalogue entry "
                "that pins its sha256."
                if bins
                else "."
            )
        )
    fname = _weights_file(entry)
    if fname.endswith(".safetensors"):
        from safetensors.torch import load_file

        return load_file(folder / fname)
    check_file(folder, fname, entry.files[fname], entry.name)  # again: the pin is the only licence
    import torch

    try:
        state = torch.load(folder / fname, map_location="cpu", weights_only=True)
    except Exception as e:  # weights_only refuses anything but tensors and plain containers
        raise WeightsError(
            f"{entry.name}: refused '{folder / fname}': {type(e).__name__}: {e}"
        ) from e
    if not isinstance(state, dict):
        raise WeightsError(
            f"{entry.name}: '{folder / fname}' holds a {type(state).__name__}, not a state dict."
        )
    return state


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


def hub_cache_root() -> str:
    """`cache_dir()`, or huggingface_hub's default (~/.cache/huggingface/hub)."""
    if cache_dir():
        return cache_dir()
    from huggingface_hub import constants

    return constants.HF_HUB_CACHE


def snapshot_dir(entry: WeightsEntry) -> Path | None:
    """Where the Hub client keeps this pinned revision: <cache>/models--org--name/snapshots/<sha>."""
    if entry.revision is None:
        return None
    repo = "models--" + entry.repo_id.replace("/", "--")
    return Path(hub_cache_root()) / repo / "snapshots" / entry.revision


def _from_cache(entry: WeightsEntry) -> Path | None:
    """The cached snapshot folder when every pinned file is there (disk only: no request)."""
    folder = snapshot_dir(entry)
    if folder is None or not all((folder / f).is_file() for f in entry.files):
        return None
    return folder


Progress = Callable[[int, int], None]  # (bytes done, bytes in all), called as the bytes arrive


def _progress_class(report: Callable[[int], None]) -> type:
    """A `tqdm_class` for `hf_hub_download` that hands each chunk's size to `report`. It is not a
    tqdm (so huggingface_hub's "progress bars disabled" cannot silence it) and takes whatever the
    client passes. Xet downloads open a second bar for the network bytes ("...: downloading bytes"),
    which would count twice: only the bytes written to disk are reported."""

    class Bar:
        def __init__(self, *args, desc: str = "", total: int | None = None, initial: int = 0, **kw):
            self.n, self.total = initial, total
            self.counts = not str(desc).endswith("downloading bytes")
            if initial and self.counts:
                report(initial)

        def update(self, n: int | float | None = 1) -> None:
            n = int(n or 0)
            self.n += n
            if self.counts and n:
                report(n)

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            return None

        def close(self) -> None: ...

        def refresh(self, *a, **k) -> None: ...

        def set_postfix_str(self, *a, **k) -> None: ...

        def set_description(self, *a, **k) -> None: ...

    return Bar


_download_locks: dict[str, threading.Lock] = {}


def _fetch(entry: WeightsEntry, progress: Progress | None = None) -> Path:
    """Download the entry's pinned files into the Hub cache (the caller has probed the Hub), check
    each against its sha256, return the snapshot folder. A cached file that fails its check is
    fetched again (force_download); one download per entry at a time, the others wait for it."""
    from huggingface_hub import hf_hub_download

    with _guard:
        lock = _download_locks.setdefault(entry.name, threading.Lock())
    with lock:
        folder = snapshot_dir(entry)
        todo, force = [], set()
        for f, pin in entry.files.items():
            path = folder / f
            if path.is_file():
                if pin is None or sha256_cached(path) == pin:
                    continue
                force.add(f)  # corrupt: the client would return the cached copy as it is
                path.unlink()  # and would keep this link to the bad blob: it makes a new one
            todo.append(f)
        kw = dict(
            revision=entry.revision,
            cache_dir=cache_dir(),
            endpoint=endpoint(),
            etag_timeout=HUB_DEADLINE_S,
        )
        sizes = {}
        for f in todo:  # HEAD requests: the sizes, for an honest progress bar
            info = hf_hub_download(entry.repo_id, f, dry_run=True, **kw)
            sizes[f] = int(getattr(info, "file_size", 0) or 0)
        total, done = sum(sizes.values()), [0]
        bar_lock = threading.Lock()

        def report(n: int) -> None:
            with bar_lock:
                done[0] += n
                now = min(done[0], total) if total else done[0]
            if progress is not None:
                progress(now, total)

        if progress is not None:
            progress(0, total)
        for f in todo:
            before = done[0]
            path = hf_hub_download(
                entry.repo_id,
                f,
                force_download=f in force,
                tqdm_class=_progress_class(report),
                **kw,
            )
            if done[0] - before < sizes[f]:  # a client path that reported nothing (or less)
                report(sizes[f] - (done[0] - before))
            folder = Path(path).parent if "/" not in f else folder
            check_file(folder, f, entry.files[f], entry.name)
        if progress is not None:
            progress(total, total)
        return folder


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
        raise WeightsError(
            f"{entry.name}: the Hugging Face Hub ({endpoint()}) is unreachable: {why_not}."
        )
    return _fetch(entry), "hub", f"downloaded from the Hub ({entry.repo_id}@{entry.revision[:8]})"


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


def get(
    name: str, fallback: str | None = None, catalogue: dict[str, WeightsEntry] | None = None
) -> Loaded:
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


# ---------------------------------------------------------------------------------------------
# The best weights at hand, decided from the disk alone (no network request), and downloads

# Per tab and page language, the Hub checkpoints in order of preference; when none of them is at
# hand, the embedded default. Classify prefers ImageNet (real photos are not 32x32 CIFAR images);
# the Chinese page prefers the Chinese models, then the English paper-scale ones.
PREFERRED: dict[tuple[str, str], tuple[str, ...]] = {
    ("resnet", "en"): ("resnet50.tv_in1k", "resnet18.tv_in1k"),
    ("resnet", "zh"): ("resnet50.tv_in1k", "resnet18.tv_in1k"),
    ("bert", "en"): ("bert_base.uncased",),
    ("bert", "zh"): ("bert_base.chinese", "bert_base.uncased"),
    ("transformer", "en"): ("transformer_base.opus_mt_ende",),
    ("transformer", "zh"): ("transformer_base.opus_mt_enzh", "transformer_base.opus_mt_ende"),
    ("gan", "en"): (),
    ("gan", "zh"): (),
}
EMBEDDED_DEFAULT = {
    "resnet": "resnet56.cifar10",
    "bert": "bert_small.eltec",
    "transformer": "transformer_small.multi30k_ende",
    "gan": "dcgan.mnist",
}


class Availability(NamedTuple):
    name: str
    state: str  # "embedded" | "cached" | "download" | "unavailable"
    at_hand: bool  # embedded, or cached with every pinned sha256 matching: no network needed
    folder: Path | None  # where the files are when at hand
    problem: str  # why it is not at hand ("" when it is), in English, naming any refused file
    size_bytes: int | None  # what a download costs, where the catalogue knows it


def availability(name: str, catalogue: dict[str, WeightsEntry] | None = None) -> Availability:
    """Whether a checkpoint is at hand (embedded, or in the local Hub cache and verified), needs a
    download, or cannot be had here; from the disk alone: no network request. The first check of
    a cached file hashes it (about a second per 400 MB); later ones reuse the verdict."""
    catalogue = read_catalogue() if catalogue is None else catalogue
    if name not in catalogue:
        raise WeightsError(f"Unknown weights '{name}'. Known: {', '.join(sorted(catalogue))}.")
    entry = catalogue[name]
    size = entry.meta.get("size_bytes")
    if entry.embedded_dir is not None and entry.embedded_dir.is_dir():
        return Availability(name, "embedded", True, entry.embedded_dir.resolve(), "", size)
    if entry.revision is None:
        return Availability(
            name,
            "unavailable",
            False,
            None,
            f"{name}: not shipped here and not yet published on the Hub.",
            size,
        )
    folder, problem = snapshot_dir(entry), ""
    if _from_cache(entry) is not None:
        try:
            verify(folder, entry)
            return Availability(name, "cached", True, folder, "", size)
        except WeightsError as e:
            problem = str(e)
    if offline():
        why = (
            problem
            or f"{name}: not in the local Hugging Face cache, and HF_HUB_OFFLINE=1 forbids downloading it."
        )
        return Availability(name, "unavailable", False, None, why, size)
    return Availability(
        name,
        "download",
        False,
        None,
        problem or f"{name}: not in the local Hugging Face cache.",
        size,
    )


class Best(NamedTuple):
    """The checkpoint a tab should open on, and why, in words for a student."""

    name: str
    reason: str


def _mb(n: int | None) -> str:
    return f"{n / 1e6:,.0f} MB" if n else ""


def refused_file(problem: str) -> str:
    """The file a refusal names (for the short version of the reason)."""
    import re

    m = re.search(r"refused '([^']+)'", problem)
    return Path(m.group(1)).name if m else ""


REASONS = {
    "en": {
        "cached": "**{name}** ({repo}@{rev}): the paper-scale checkpoint is already on this computer "
        "(local Hugging Face cache) and its files match their pinned sha256, so it is used "
        "instead of the small model shipped with the app.",
        "cached_not_first": " (Not at hand: {others}.)",
        "embedded": "**{name}**: the small model shipped with the app.",
        "none_cached": " No paper-scale checkpoint is on this computer yet ({others}).",
        "can_download": " “Download the paper-scale model” fetches it{size}.",
        "offline": " This copy of the app does not download models (it runs offline).",
        "refused": " Refused {name}: its file '{file}' in the local cache does not match the pinned "
        "sha256 (corrupt or changed); download it again to repair it.",
        "gan": "**{name}**: the model shipped with the app (no paper-scale checkpoint exists for this tab).",
    },
    "zh": {
        "cached": "**{name}**（{repo}@{rev}）：论文规模的检查点已在本机（本地 Hugging Face 缓存）中，"
        "各文件与固定的 sha256 一致，因此代替应用自带的小模型使用。",
        "cached_not_first": "（本机尚无：{others}。）",
        "embedded": "**{name}**：应用自带的小模型。",
        "none_cached": "本机还没有论文规模的检查点（{others}）。",
        "can_download": "“下载论文规模的模型”可以获取它{size}。",
        "offline": "这份应用不下载模型（离线运行）。",
        "refused": "已拒绝 {name}：本地缓存中的文件 '{file}' 与固定的 sha256 不符（已损坏或被改动）；"
        "重新下载即可修复。",
        "gan": "**{name}**：应用自带的模型（此页没有论文规模的检查点）。",
    },
}


def best_available(
    paper: str, lang: str = "en", catalogue: dict[str, WeightsEntry] | None = None
) -> Best:
    """The checkpoint a tab opens on: the first of `PREFERRED[(paper, lang)]` that is at hand (in the
    local Hub cache, every pinned sha256 matching), else the embedded default; with the reason in
    `lang` ("en" or "zh"). Reads the disk only: no network request, whatever HF_HUB_OFFLINE says."""
    catalogue = read_catalogue() if catalogue is None else catalogue
    lang = "zh" if lang == "zh" else "en"
    words = REASONS[lang]
    if paper not in EMBEDDED_DEFAULT:
        raise WeightsError(f"Unknown tab '{paper}'. Known: {', '.join(sorted(EMBEDDED_DEFAULT))}.")
    missing, refused = [], []
    for name in PREFERRED.get((paper, lang), ()):
        if name not in catalogue:
            continue
        a = availability(name, catalogue)
        if a.at_hand:
            e = catalogue[name]
            reason = words["cached"].format(name=name, repo=e.repo_id, rev=(e.revision or "")[:8])
            if missing:
                reason += words["cached_not_first"].format(others=", ".join(missing))
            for r in refused:
                reason += r
            return Best(name, reason)
        missing.append(name)
        if refused_file(a.problem):
            refused.append(words["refused"].format(name=name, file=refused_file(a.problem)))
    name = EMBEDDED_DEFAULT[paper]
    if not PREFERRED.get((paper, lang)):
        return Best(name, words["gan"].format(name=name))
    reason = words["embedded"].format(name=name)
    if missing:
        reason += words["none_cached"].format(others=", ".join(missing))
        if offline():
            reason += words["offline"]
        else:
            size = catalogue[missing[0]].meta.get("size_bytes")
            reason += words["can_download"].format(size=f" ({_mb(size)})" if size else "")
    reason += "".join(refused)
    return Best(name, reason)


def download(
    name: str, progress: Progress | None = None, catalogue: dict[str, WeightsEntry] | None = None
) -> Path:
    """Fetch a pinned Hub checkpoint into the local cache and verify it; returns its folder.

    `progress(bytes_done, bytes_total)` is called as the bytes arrive. Safe beside users being
    served: the work happens in the caller's thread, and two calls for one checkpoint share one
    download. Raises WeightsError, in plain words, when the Hub is off (HF_HUB_OFFLINE=1),
    unreachable within HUB_DEADLINE_S, or serves a file whose sha256 differs from the pin."""
    catalogue = read_catalogue() if catalogue is None else catalogue
    if name not in catalogue:
        raise WeightsError(f"Unknown weights '{name}'. Known: {', '.join(sorted(catalogue))}.")
    entry = catalogue[name]
    a = availability(name, catalogue)
    if a.at_hand:
        if progress is not None:
            progress(a.size_bytes or 1, a.size_bytes or 1)
        return a.folder
    if a.state == "unavailable":
        raise WeightsError(a.problem)
    why_not = hub_reachable(entry)
    if why_not is not None:
        raise WeightsError(
            f"{name}: the Hugging Face Hub ({endpoint()}) is unreachable: {why_not}."
        )
    try:
        return _fetch(entry, progress)
    except WeightsError:
        raise
    except Exception as e:  # the client's errors (HTTP 404, a dropped connection), in one sentence
        raise WeightsError(
            f"{name}: the download from {endpoint()} failed: {type(e).__name__}: {e}"
        ) from e


@dataclass
class DownloadJob:
    """A download running in a thread, shared by every user who asks for the same checkpoint."""

    name: str
    done_bytes: int = 0
    total_bytes: int = 0
    finished: threading.Event = field(default_factory=threading.Event)
    error: str | None = None  # set when it failed, in plain words
    folder: Path | None = None  # set when it succeeded

    @property
    def fraction(self) -> float:
        return self.done_bytes / self.total_bytes if self.total_bytes else 0.0

    def _progress(self, done: int, total: int) -> None:
        self.done_bytes, self.total_bytes = done, total


_jobs: dict[str, DownloadJob] = {}


def start_download(name: str, catalogue: dict[str, WeightsEntry] | None = None) -> DownloadJob:
    """`download` in a daemon thread; a second call while it runs returns the same job. Poll
    `job.done_bytes / job.total_bytes`, wait on `job.finished`, then read `job.error`."""
    with _guard:
        job = _jobs.get(name)
        if job is not None and not job.finished.is_set():
            return job
        job = _jobs[name] = DownloadJob(name)

    def run() -> None:
        try:
            job.folder = download(name, job._progress, catalogue)
        except Exception as e:  # noqa: BLE001 - a thread must report, never raise
            job.error = (
                str(e) if isinstance(e, WeightsError) else f"{name}: {type(e).__name__}: {e}"
            )
        finally:
            job.finished.set()

    threading.Thread(target=run, name=f"download {name}", daemon=True).start()
    return job


def download_job(name: str) -> DownloadJob | None:
    """The latest download job for `name` in this process (running or finished), if any."""
    return _jobs.get(name)


def pinned_hub_files(
    catalogue: dict[str, WeightsEntry] | None = None,
) -> list[tuple[str, list[str], str]]:
    """(repo id, files, revision) of every pinned Hub checkpoint: what `--download` fetches and
    what the README's `preload_from_hub` lists."""
    catalogue = read_catalogue() if catalogue is None else catalogue
    return [
        (e.repo_id, sorted(e.files), e.revision) for _, e in sorted(catalogue.items()) if e.revision
    ]


def refresh_catalogue(path: Path = CATALOGUE_PATH) -> None:
    """Recompute the sha256 of every embedded file (run after training: `python -m models.hub`)."""
    rows = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for row in rows.values():
        if row.get("embedded"):
            folder = WEIGHTS_DIR / row["embedded"]
            row["files"] = {f: sha256(folder / f) for f in sorted(row["files"])}
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def download_all(catalogue: dict[str, WeightsEntry] | None = None, out=print) -> int:
    """Fetch every pinned Hub checkpoint into the local cache; the number that failed."""
    catalogue = read_catalogue() if catalogue is None else catalogue
    failed = 0
    for name, entry in sorted(catalogue.items()):
        if not entry.revision or (entry.embedded_dir is not None and entry.embedded_dir.is_dir()):
            continue
        shown = [-1]

        def progress(done: int, total: int, name=name, shown=shown) -> None:
            pct = int(100 * done / total) if total else 100
            if pct >= shown[0] + 10 or done == total:
                shown[0] = pct
                out(f"  {name}: {done / 1e6:,.1f} / {total / 1e6:,.1f} MB ({pct}%)")

        try:
            folder = download(name, progress, catalogue)
            out(f"ok   {name}: {entry.repo_id}@{entry.revision[:8]} in {folder}")
        except WeightsError as e:
            failed += 1
            out(f"FAIL {e}")
    return failed


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m models.hub",
        description=(
            "The weights layer. With no option: --refresh (recompute the embedded files' sha256)."
        ),
    )
    ap.add_argument(
        "--refresh",
        action="store_true",
        help="recompute the sha256 of the embedded files in the catalogue",
    )
    ap.add_argument(
        "--download",
        action="store_true",
        help="fetch every pinned Hub checkpoint into the local Hugging Face cache (the night before)",
    )
    ap.add_argument(
        "--status",
        action="store_true",
        help="say which checkpoints are at hand, without any request",
    )
    args = ap.parse_args(argv)
    if not (args.download or args.status) or args.refresh:
        refresh_catalogue()
        print(f"updated {CATALOGUE_PATH}")
    if args.download:
        failed = download_all()
        print(
            f"cache: {hub_cache_root()}; {failed} failed"
            if failed
            else f"all pinned checkpoints are in {hub_cache_root()}"
        )
        if failed:
            return 1
    if args.status:
        for name in sorted(read_catalogue()):
            a = availability(name)
            print(f"{name:<34} {a.state:<12} {a.problem}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
