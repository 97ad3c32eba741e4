"""Tiny random stand-ins for the catalogue's Hub checkpoints, a Hugging Face cache that holds them
under the real repo ids and pinned revisions, and a loopback stand-in of the Hub that serves them.

The stand-ins have the real files (names and formats: safetensors or the pinned pytorch_model.bin,
tokenizer.json or vocab.txt, SentencePiece models, vocab.json), tiny shapes and random weights, so
their sha256 differ from the real pins: `fake_catalogue` is the real catalogue with each pinned
sha256 replaced by the stand-in's (null stays null), which is what the app would read if the real
files were there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import torch

from models import hub
from training.convert_transformer import sentencepiece_model, write_opus_mt

# --- the stand-ins ----------------------------------------------------------------------------------

ZH_CHARS = list(
    "今天气很好。我们是中国人北京的首都喜欢吃苹果，一个男在骑自行车两只狗雪地里玩女孩读书"
)
EN_WORDS = [
    "hello",
    "Hello",
    "world",
    "the",
    "cat",
    "sat",
    "on",
    "mat",
    "bert",
    "BERT",
    "##s",
    "1",
    "2",
    "##3",
    ",",
    "!",
    ".",
]


def write_bert_zh(folder: Path, seed: int = 0, masked_lm: bool = False):
    """A tiny bert-base-chinese: config.json, model.safetensors and a character-level vocab.txt with
    the real special ids ([PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103). BertForPreTraining
    (the real checkpoint's heads), or BertForMaskedLM (no pooler, no NSP) when `masked_lm`."""
    import transformers

    folder.mkdir(parents=True, exist_ok=True)
    vocab = (
        ["[PAD]"] + [f"[unused{i}]" for i in range(1, 100)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    )
    vocab += ZH_CHARS + EN_WORDS
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(seed)
    cfg = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=0,
    )
    cls = transformers.BertForMaskedLM if masked_lm else transformers.BertForPreTraining
    hf = cls(cfg).eval()
    with torch.no_grad():  # random, not zero, biases and LayerNorms so that every tensor matters
        for n, p in hf.named_parameters():
            if n.endswith("bias") or "LayerNorm" in n:
                p.add_(torch.randn_like(p) * 0.1)
    hf.save_pretrained(folder, safe_serialization=True)
    return hf, vocab


EN_SENTENCES = [
    "A man is riding a bike.", "Two dogs are playing in the snow.", "The girl is reading a book.",
    "People are walking in the park.", "We are Chinese.", "The weather is very good today.",
    "Beijing is the capital of China.", "I like to eat apples.",
]  # fmt: skip
ZH_SENTENCES = [
    "一个男人在骑自行车。", "两只狗在雪地里玩。", "女孩在读书。", "人们在公园里散步。", "我们是中国人。",
    "今天天气很好。", "北京是中国的首都。", "我喜欢吃苹果。",
]  # fmt: skip


DE_SENTENCES = [  # English and German: one SentencePiece model for both sides
    "A man is riding a bike down the street.", "Two dogs are playing in the snow.",
    "Ein Mann fährt Fahrrad.", "Zwei Hunde spielen im Schnee.", "The girl is reading a book.",
    "Das Mädchen liest ein Buch.", "People are walking in the park.", "Leute gehen im Park spazieren.",
]  # fmt: skip
TINY_MARIAN = dict(d_model=32, layers=2, heads=4, d_ff=64, max_positions=128)


def write_marian_zh(folder: Path, seed: int = 0, bin_only: bool = True):
    """A tiny opus-mt-en-zh: an English source.spm, a Chinese target.spm, one vocab.json over both
    with the target-language tokens (>>cmn_Hans<< ...), a random MarianMTModel saved as
    pytorch_model.bin (the pinned revision holds nothing else) or model.safetensors."""
    return write_opus_mt(
        folder,
        sentencepiece_model(EN_SENTENCES, 70),
        sentencepiece_model(ZH_SENTENCES, 60),
        lang_tokens=(">>cmn_Hans<<", ">>cmn_Hant<<", ">>yue<<"),
        weights="bin" if bin_only else "safetensors",
        seed=seed,
        perturb=True,
        **TINY_MARIAN,
    )


def write_marian_de(folder: Path, seed: int = 0):
    """A tiny opus-mt-en-de with pytorch_model.bin (tests/test_transformer_app.py's stand-in:
    one SentencePiece model, English and German, as source.spm and target.spm)."""
    spm = sentencepiece_model(DE_SENTENCES, 60)
    return write_opus_mt(folder, spm, spm, weights="bin", seed=seed, **TINY_MARIAN)


def write_bert_en(folder: Path, seed: int = 0):
    from tests.test_bert import write_tiny_hf

    folder.mkdir(parents=True, exist_ok=True)
    return write_tiny_hf(folder, seed)


def write_resnet(folder: Path, arch: str, seed: int = 0):
    """torchvision's ResNet, random, in timm's layout (model.safetensors, torchvision key names):
    the real shapes (the converter builds the architecture from the catalogue's preset)."""
    import torchvision
    from safetensors.torch import save_file

    torch.manual_seed(seed)
    ref = getattr(torchvision.models, arch)().eval()
    folder.mkdir(parents=True, exist_ok=True)
    save_file(
        {k: v.contiguous() for k, v in ref.state_dict().items()}, folder / "model.safetensors"
    )
    return ref, None


WRITERS = {
    "bert_base.uncased": write_bert_en,
    "bert_base.chinese": write_bert_zh,
    "transformer_base.opus_mt_ende": write_marian_de,
    "transformer_base.opus_mt_enzh": write_marian_zh,
    "resnet50.tv_in1k": lambda f, seed=0: write_resnet(f, "resnet50", seed),
    "resnet18.tv_in1k": lambda f, seed=0: write_resnet(f, "resnet18", seed),
}


def build_standins(root: Path, names) -> dict[str, tuple[Path, object]]:
    """name -> (folder with the stand-in's files, the transformers/torchvision reference model)."""
    out = {}
    for name in names:
        ref, _ = WRITERS[name](root / name)
        out[name] = (root / name, ref)
    return out


def fake_catalogue(
    standins: dict[str, tuple[Path, object]], base=None
) -> dict[str, hub.WeightsEntry]:
    """The real catalogue, each stand-in's pinned sha256 replaced by its own (null stays null)."""
    cat = dict(hub.read_catalogue() if base is None else base)
    for name, (folder, _) in standins.items():
        e = cat[name]
        cat[name] = dataclasses.replace(
            e, files={f: (hub.sha256(folder / f) if pin else None) for f, pin in e.files.items()}
        )
    return cat


def install(cache: Path, entry: hub.WeightsEntry, folder: Path) -> Path:
    """Put a stand-in where the Hub client keeps the pinned revision, as it does: blobs named by
    their ETag, snapshots/<revision>/<file> symlinks to them, refs/main. Returns the snapshot."""
    repo = cache / ("models--" + entry.repo_id.replace("/", "--"))
    snap = repo / "snapshots" / entry.revision
    snap.mkdir(parents=True, exist_ok=True)
    (repo / "blobs").mkdir(exist_ok=True)
    for f in entry.files:
        data = (folder / f).read_bytes()
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        link = snap / f
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(os.path.relpath(blob, link.parent), link)
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(entry.revision)
    return snap


def age(path: Path, seconds: float = 60) -> None:
    """Date a file (and its symlink target) back, past the racy window of the sha256 verdicts."""
    t = time.time() - seconds
    os.utime(os.path.realpath(path), (t, t))


def age_tree(root: Path, seconds: float = 60) -> None:
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            age(p, seconds)


def run_without_network(script: str, cache: Path, weights: Path, netlog: Path):
    """`python -c script` as the app runs: a new process in the checkout with HF_HUB_OFFLINE
    unset, the given Hub cache and weights folder, and tests/netlog logging every connect and DNS
    lookup to `netlog` (empty or absent: no connection was tried)."""
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PAPER_GALLERY_"))}
    env.update(
        PYTHONPATH=str(root / "tests" / "netlog"),
        NETLOG_FILE=str(netlog),
        HF_HUB_CACHE=str(cache),
        PAPER_GALLERY_WEIGHTS=str(weights),
        HF_HUB_DISABLE_TELEMETRY="1",
        GRADIO_ANALYTICS_ENABLED="False",
        OMP_NUM_THREADS="1",
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def weights_dir_with(tmp: Path, catalogue: dict[str, hub.WeightsEntry]) -> Path:
    """A copy of weights/ for another process (PAPER_GALLERY_WEIGHTS): the embedded folders
    symlinked, catalogue.json written from `catalogue`."""
    out = tmp / "weights"
    out.mkdir()
    for p in hub.WEIGHTS_DIR.iterdir():
        if p.is_dir():
            os.symlink(p.resolve(), out / p.name)
    rows = {}
    for name, e in catalogue.items():
        row = dataclasses.asdict(e)
        row.pop("name")
        rows[name] = row
    (out / "catalogue.json").write_text(
        json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return out


# --- a loopback stand-in of the Hub ----------------------------------------------------------------


class FakeHub:
    """Serves the stand-ins as the Hub does for a pinned revision: the probe
    /api/models/<repo>/revision/<rev>, and /<repo>/resolve/<rev>/<file> (HEAD and GET) with
    X-Repo-Commit, ETag and Content-Length. `delay_s` slows each file's body down (sent in 8
    pieces), `corrupt` names files whose served bytes are altered. Lives at most `life_s`."""

    def __init__(
        self,
        files: dict[tuple[str, str], dict[str, Path]],
        delay_s: float = 0.0,
        life_s: float = 120,
    ):
        import http.server

        self.files, self.delay_s, self.corrupt, self.hits = files, delay_s, set(), []
        hub_ = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _body(self) -> tuple[int, bytes, str | None]:
                path = self.path.split("?")[0]
                for (repo, rev), served in hub_.files.items():
                    if path == f"/api/models/{repo}/revision/{rev}":
                        return 200, json.dumps({"id": repo, "sha": rev}).encode(), rev
                    prefix = f"/{repo}/resolve/{rev}/"
                    if path.startswith(prefix) and path[len(prefix) :] in served:
                        name = path[len(prefix) :]
                        data = served[name].read_bytes()
                        if name in hub_.corrupt:
                            data = data[:-1] + bytes([data[-1] ^ 0xFF])
                        return 200, data, rev
                return 404, b'{"error": "not found"}', None

            def _answer(self, head_only: bool) -> None:
                hub_.hits.append((self.command, self.path))
                status, body, rev = self._body()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                if rev:
                    self.send_header("X-Repo-Commit", rev)
                    self.send_header("ETag", '"%s"' % hashlib.sha256(body).hexdigest())
                else:
                    self.send_header("X-Error-Code", "EntryNotFound")
                self.end_headers()
                if head_only:
                    return
                if hub_.delay_s and status == 200 and "/resolve/" in self.path:
                    step = max(1, len(body) // 8)
                    for i in range(0, len(body), step):
                        self.wfile.write(body[i : i + step])
                        self.wfile.flush()
                        time.sleep(hub_.delay_s / 8)
                else:
                    self.wfile.write(body)

            def do_HEAD(self):
                self._answer(True)

            def do_GET(self):
                self._answer(False)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.timer = threading.Timer(life_s, self.server.shutdown)
        self.timer.daemon = True
        self.timer.start()

    def gets(self, suffix: str) -> int:
        return sum(1 for m, p in self.hits if m == "GET" and p.endswith(suffix))

    def close(self) -> None:
        self.timer.cancel()
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> str:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True)
