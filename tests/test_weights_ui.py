"""The weights picker of the ResNet, Transformer and BERT tabs (issue 15, sections 1, 3 and 5; issue
19, items 4 and 11), through the tabs' own callbacks: a fake Hugging Face cache holds tiny random
checkpoints under the real repo ids and pinned revisions (tests/_fakehub.py), and every tab opens on
them with no connection, says which weights and why, marks each choice by availability in words
for a student, refuses a choice that is not at hand (a damaged file by name) and goes back to the
model in use; the download button fetches from a loopback stand-in of the Hub with progress and
switches the tab. The Chinese models: examples, the NSP head, the labels of Chinese targets."""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

import pytest

from demos import bert, transformer
from demos import resnet_classify as rn
from demos import weights as W
from models import hub
from tests import _fakehub as F

pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")

ROOT = Path(__file__).resolve().parent.parent
HUB_NAMES = [
    "bert_base.uncased",
    "bert_base.chinese",
    "transformer_base.opus_mt_ende",
    "transformer_base.opus_mt_enzh",
    "resnet50.tv_in1k",
]
TABS = {"resnet": rn, "transformer": transformer, "bert": bert}
EXPECTED = {  # (tab, page language) -> what it opens on when every paper-scale checkpoint is cached
    ("resnet", "en"): "resnet50.tv_in1k", ("resnet", "zh"): "resnet50.tv_in1k",
    ("bert", "en"): "bert_base.uncased", ("bert", "zh"): "bert_base.chinese",
    ("transformer", "en"): "transformer_base.opus_mt_ende", ("transformer", "zh"): "transformer_base.opus_mt_enzh",
}  # fmt: skip
CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
CAT_PHOTO = next(p for p in rn.example_images() if p.endswith("chelsea.png"))


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    root = tmp_path_factory.mktemp("fakehub")
    standins = F.build_standins(root / "src", HUB_NAMES)
    cat = F.fake_catalogue(standins)
    for name in HUB_NAMES:
        F.install(root / "cache", cat[name], root / "src" / name)
    F.age_tree(root / "cache")
    return root / "cache", cat, root / "src"


def _reset():
    hub._cache.clear()
    hub._jobs.clear()
    hub._verdicts.clear()
    hub._verdicts_read.clear()
    transformer.run.cache_clear()


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # the rule holds without offline mode
    monkeypatch.setenv("HF_ENDPOINT", F.closed_port_url())  # a request that slipped out fails fast
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    _reset()
    yield
    _reset()


def use(monkeypatch, cache: Path, cat: dict) -> None:
    """The app reads this cache and this catalogue (the stand-ins' sha256 in place of the pins)."""
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(hub, "read_catalogue", lambda *a, **k: cat)


@pytest.fixture
def no_network(monkeypatch):
    """Every connect and DNS lookup is recorded and refused."""
    seen = []

    def refuse(*a):
        seen.append(a)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", lambda self, addr: refuse(addr))
    monkeypatch.setattr(socket.socket, "connect_ex", lambda self, addr: refuse(addr))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: refuse(a[0]))
    return seen


def opening(paper: str, lang: str):
    m = TABS[paper]
    return W.opening(paper, m.WEIGHTS, m.DEFAULT_WEIGHTS, lang)


def choose(paper: str, name: str, current: str, lang: str = "en"):
    m = TABS[paper]
    return W.choose(paper, m.WEIGHTS, m.DEFAULT_WEIGHTS, name, current, lang)


def label_of(dropdown, name: str) -> str:
    return dict((v, k) for k, v in dropdown.choices)[name]


def student_part(md: str) -> str:
    """A notice without the folded technical details."""
    return md.split("<details>")[0]


# --- every tab opens on the cached paper-scale checkpoint, with no connection ---------------------


def test_every_tab_opens_on_the_cached_checkpoints_and_uses_them(fake, monkeypatch, no_network):
    cache, cat, _ = fake
    use(monkeypatch, cache, cat)
    for (paper, lang), want in EXPECTED.items():
        dropdown, md, button, offer, in_use = opening(paper, lang)
        assert (dropdown.value, in_use) == (want, want), (paper, lang)
        assert want in md and cat[want].repo_id in md and cat[want].revision[:8] in md
        assert ("本机" if lang == "zh" else "on this computer") in md
        assert label_of(dropdown, want) == f"{want} · " + (
            "已在本机" if lang == "zh" else "on this computer"
        )
        embedded = TABS[paper].DEFAULT_WEIGHTS
        assert label_of(dropdown, embedded).endswith(
            "应用自带" if lang == "zh" else "shipped with the app"
        )
        assert button.visible is False and offer is None  # nothing better to download
    # the callbacks answer with those models
    _, md, preds = bert.fill_mask("The [MASK] sat on the mat.", 3, "bert_base.uncased", "en")
    assert "Using **bert_base.uncased**" in md and "local Hugging Face cache" in md and preds
    _, md, preds = bert.fill_mask("今天天气很[MASK]。", 3, "bert_base.chinese", "zh")
    assert "bert_base.chinese" in md and preds[0]["position"] == 6
    assert "今天天气很**" in md  # Chinese characters are written without spaces
    for name in ("transformer_base.opus_mt_ende", "transformer_base.opus_mt_enzh"):
        out, _, notice = transformer.translate("A man is riding a bike.", name, 2, "en")
        assert f"Using **{name}**" in notice and "Falling back" not in notice
    labels, _, notice = rn.classify(CAT_PHOTO, "resnet50.tv_in1k")
    assert (
        "resnet50.tv_in1k" in notice
        and len(hub._cache["resnet50.tv_in1k"].model.config.categories) == 1000
    )
    assert set(labels) <= set(hub._cache["resnet50.tv_in1k"].model.config.categories)
    assert "Why" not in notice  # the out-of-class note is for the 10-class model only
    assert no_network == []


def test_the_app_in_a_fresh_process_opens_on_them_with_no_connection(fake, tmp_path):
    """As the app runs: a new process with tests/netlog logging every connect and DNS lookup,
    HF_HUB_OFFLINE unset, builds the whole page (every picker decides its default at build) and
    opens each tab in both languages: the dropdowns' values, 0 connections."""
    cache, cat, _ = fake
    weights = F.weights_dir_with(tmp_path, cat)
    netlog = tmp_path / "netlog.txt"
    script = (
        "import app\n"
        "from demos import weights as W, resnet_classify as resnet, transformer, bert\n"
        "for paper, m in (('resnet', resnet), ('transformer', transformer), ('bert', bert)):\n"
        "    for lang in ('en', 'zh'):\n"
        "        d, md, b, offer, in_use = W.opening(paper, m.WEIGHTS, m.DEFAULT_WEIGHTS, lang)\n"
        "        print(paper, lang, d.value, in_use, b.visible)\n"
        "print('built', sorted(c.value for c in app.demo.blocks.values()\n"
        "      if getattr(c, 'elem_id', None) in ('bert-weights', 'transformer-weights', 'resnet-weights')))\n"
    )
    out = F.run_without_network(script, cache, weights, netlog)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = {
        tuple(ln.split()[:2]): ln.split()[2:]
        for ln in out.stdout.splitlines()
        if ln.split()[1:2] in (["en"], ["zh"])
    }
    for (paper, lang), want in EXPECTED.items():
        assert rows[(paper, lang)] == [want, want, "False"], (paper, lang, rows)
    built = next(ln for ln in out.stdout.splitlines() if ln.startswith("built"))
    assert built == "built " + str(
        sorted([EXPECTED[(p, "en")] for p in ("bert", "transformer", "resnet")])
    )
    assert not netlog.exists() or netlog.read_text() == "", netlog.read_text()


# --- a damaged cached file ---------------------------------------------------------------------------


def test_a_damaged_cached_file_is_refused_by_name_and_the_tab_falls_back(
    fake, tmp_path, monkeypatch, no_network
):
    cache, cat, _ = fake
    mine = tmp_path / "cache"
    F.copy_tree(cache, mine)
    use(monkeypatch, mine, cat)
    blob = Path(os.path.realpath(hub.snapshot_dir(cat["bert_base.uncased"]) / "model.safetensors"))
    data = bytearray(blob.read_bytes())
    data[-3] ^= 0xFF
    blob.write_bytes(bytes(data))
    F.age(blob)
    dropdown, md, button, offer, in_use = opening("bert", "en")
    assert (dropdown.value, in_use) == ("bert_small.eltec", "bert_small.eltec")
    assert "bert_base.uncased" in md and "'model.safetensors'" in md
    assert "download needed" in label_of(dropdown, "bert_base.uncased")
    # choosing it anyway: refused, the file named, the dropdown back on the model in use
    dropdown, md, button, offer, in_use = choose("bert", "bert_base.uncased", "bert_small.eltec")
    assert dropdown.value == "bert_small.eltec" and in_use == "bert_small.eltec"
    assert "'model.safetensors'" in md and "damaged" in md and "stays on **bert_small.eltec**" in md
    assert button.visible and offer == "bert_base.uncased"  # downloading it again repairs it
    # through the API: the embedded model answers, and says why in a student's words
    _, md, _ = bert.fill_mask("The [MASK] sat.", 3, "bert_base.uncased", "en")
    first = student_part(md)
    assert first.startswith("**Top-1") and "could not be used here" in first
    assert "'model.safetensors' is damaged" in first and "**bert_small.eltec**" in first
    assert "refused" in md.split("<details>")[1]  # the technical reason, folded away
    assert no_network == []


# --- offline, nothing cached: today's behaviour, in a student's words --------------------------------


def test_offline_with_nothing_cached_opens_at_once_on_the_embedded_models(
    tmp_path, monkeypatch, no_network
):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    for paper, m in TABS.items():
        for lang in ("en", "zh"):
            dropdown, md, button, offer, in_use = opening(paper, lang)
            assert dropdown.value == in_use == m.DEFAULT_WEIGHTS
            assert button.visible is False and offer is None
            assert "HF_HUB_OFFLINE" not in md
            for name in m.WEIGHTS:
                if hub.availability(name).state == "unavailable":
                    assert label_of(dropdown, name).endswith(
                        "此处不可用" if lang == "zh" else "not available here"
                    )
    assert time.perf_counter() - t0 < 2.0  # stat calls only: no probe, no hashing
    dropdown, md, button, offer, in_use = choose(
        "transformer", "transformer_base.opus_mt_enzh", transformer.DEFAULT_WEIGHTS
    )
    assert dropdown.value == in_use == transformer.DEFAULT_WEIGHTS
    assert "not on this computer" in md and "HF_HUB_OFFLINE" not in md and button.visible is False
    assert f"stays on **{transformer.DEFAULT_WEIGHTS}**" in md
    _, _, notice = rn.classify(CAT_PHOTO, "resnet50.tv_in1k", "zh")
    assert student_part(notice).startswith("**resnet50.tv_in1k** 在这里无法使用（它不在本机）")
    assert "HF_HUB_OFFLINE" not in student_part(notice)
    assert no_network == []


def test_a_choice_that_is_not_a_weight_goes_back_to_the_model_in_use():
    dropdown, md, button, offer, in_use = choose("resnet", "../../etc/passwd", "resnet20.cifar10")
    assert dropdown.value == in_use == "resnet20.cifar10"
    dropdown, md, *_ = choose("resnet", "resnet20.cifar10", "resnet56.cifar10")
    assert "Using **resnet20.cifar10**, the small model shipped with the app." == md


# --- the download button, against a loopback Hub stand-in --------------------------------------------


def test_download_button_fetches_with_progress_and_switches_the_tab(fake, tmp_path, monkeypatch):
    _, cat, src = fake
    name = "bert_base.chinese"
    e = cat[name]
    fake_hub = F.FakeHub({(e.repo_id, e.revision): {f: src / name / f for f in e.files}}, 1.5, 120)
    try:
        use(monkeypatch, tmp_path / "cache", cat)
        monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
        dropdown, md, button, offer, in_use = opening("bert", "zh")
        assert dropdown.value == "bert_small.eltec" and offer == name and button.visible
        assert name in button.value and "下载论文规模的模型" in button.value
        assert label_of(dropdown, name) == f"{name} · 需要下载"
        assert "“下载论文规模的模型”" in md
        seen = []
        steps = W.fetch(
            "bert", bert.WEIGHTS, offer, in_use, "zh", lambda f, desc="": seen.append((f, desc))
        )
        first = next(steps)
        assert "正在下载" in first[1] and first[2].interactive is False
        t0 = time.perf_counter()  # another user meanwhile: the embedded model answers at once
        _, md_other, _ = bert.fill_mask("The [MASK] sat.", 3, "bert_small.eltec", "en")
        assert time.perf_counter() - t0 < 2.0 and "bert_small.eltec" in md_other
        rest = list(steps)
    finally:
        fake_hub.close()
    texts = [s[1] for s in rest if isinstance(s[1], str)]
    pct = [f for f, _ in seen]
    assert any(0 < f < 1 for f in pct) and pct == sorted(pct) and pct[-1] == 1.0
    assert any("%" in t and "正在下载" in t for t in texts)
    dropdown, md, button, offer, in_use = rest[-1]
    assert dropdown.value == in_use == name and label_of(dropdown, name) == f"{name} · 已在本机"
    assert "已下载并载入" in md and name in md and button.visible is False
    assert hub._cache[name].source == "cache"  # loaded: the switch is real
    assert fake_hub.gets(f"/resolve/{e.revision}/model.safetensors") == 1
    # and the next page load opens on it
    assert opening("bert", "zh")[0].value == name


def test_download_that_cannot_reach_the_hub_says_so_and_stays(fake, tmp_path, monkeypatch):
    _, cat, _ = fake
    use(monkeypatch, tmp_path / "cache", cat)  # HF_ENDPOINT: a closed port
    steps = list(W.fetch("resnet", rn.WEIGHTS, "resnet50.tv_in1k", "resnet56.cifar10", "en"))
    dropdown, md, button, offer, in_use = steps[-1]
    first = student_part(md)
    assert "cannot reach the Hugging Face Hub" in first and "stays on **resnet56.cifar10**" in first
    assert button.visible and offer == "resnet50.tv_in1k" and dropdown is not None


# --- the Chinese models in the tabs ------------------------------------------------------------------


def test_chinese_bert_examples_and_its_nsp_head(fake, monkeypatch):
    cache, cat, _ = fake
    use(monkeypatch, cache, cat)
    en, zh, sentence = bert.examples_for("bert_base.chinese", bert.EXAMPLES[0])
    assert (en.visible, zh.visible) == (False, True) and sentence == "今天天气很[MASK]。"
    assert zh.choices == [(e, e) for e in cat["bert_base.chinese"].meta["examples_zh"]]
    assert bert.EXAMPLES_ZH == cat["bert_base.chinese"].meta["examples_zh"]
    en, zh, sentence = bert.examples_for("bert_small.eltec", "今天天气很[MASK]。")
    assert (en.visible, zh.visible) == (True, False) and sentence == bert.EXAMPLES[0]
    assert zh.choices == []
    label, md = bert.next_sentence(
        "我们是中国人。", "北京是中国的首都。", "bert_base.chinese", "zh"
    )
    assert len(label) == 2 and abs(sum(label.values()) - 1) < 1e-6 and "P(IsNext)" in md
    model = hub.get("bert_base.chinese").model
    monkeypatch.setattr(model, "missing_heads", ("pooler", "nsp"), raising=False)
    label, md = bert.next_sentence(
        "我们是中国人。", "北京是中国的首都。", "bert_base.chinese", "en"
    )
    assert (
        label is None
        and "without a trained next-sentence head" in md
        and "%" not in md.split("\n")[0]
    )


def test_en_zh_attention_labels_and_a_long_source(fake, monkeypatch):
    """Mixed-script English through the tab with the en-zh model pushed to write Chinese: the
    target labels of every view are Chinese pieces, the source labels start with >>cmn_Hans<<;
    a source cut to 99 pieces reads back as English (decode_source), not with the language tag."""
    import transformers

    cache, cat, src = fake
    use(monkeypatch, cache, cat)
    name = "transformer_base.opus_mt_enzh"
    rtok = transformers.MarianTokenizer(
        *(str(src / name / f) for f in ("source.spm", "target.spm", "vocab.json"))
    )
    zh_ids = sorted(
        {i for s in F.ZH_SENTENCES for i in rtok(text_target=s)["input_ids"][:-1]}
        - {rtok.unk_token_id}
    )
    model = hub.get(name).model
    import torch

    with torch.no_grad():
        model.logits_bias[zh_ids] += 50.0
    text = "Beijing 北京 is big, Tokyo 東京 too!"
    out, tokens_md, _ = transformer.translate(text, name, 2, "zh")
    r = transformer.run(text, name, 2, "zh")
    assert r.tr.tgt_tokens and all(transformer.html.esc(t) in tokens_md for t in r.tr.tgt_tokens)
    assert all(CJK.search(t) for t in r.tr.tgt_tokens), r.tr.tgt_tokens
    assert r.tr.src_tokens[0] == ">>cmn_Hans<<" and r.tr.src_tokens[-1] == "</s>"
    markup, _, _ = transformer.attention(text, name, 2, "cross", 1, "mean", "zh")
    for t in r.tr.tgt_tokens + [">>cmn_Hans<<"]:
        assert transformer.html.esc(t) in markup
    long = " ".join(["Two dogs are playing in the snow."] * 40)
    r = transformer.run(long, name, 1, "en")
    assert ">>" not in r.source and r.source.startswith("Two dogs")
    assert "only the first 99 were translated" in r.notice


# --- ResNet: examples outside CIFAR-10's classes (#19 item 4) ------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_example_outside_cifar10_says_why_the_model_still_names_a_class(lang):
    photos = rn.example_images()
    assert [Path(p).name for p in photos[:2]] == ["chelsea.png", "horse.png"]  # in-class first
    coffee = next(p for p in photos if p.endswith("coffee.png"))
    labels, _, notice = rn.classify(coffee, "resnet56.cifar10", lang)
    top = max(labels, key=labels.get)
    head = notice.split("\n\n")[0]
    assert f"“{top}”" in head and ("a cup of coffee" if lang == "en" else "一杯咖啡") in head
    assert ("10 classes" if lang == "en" else "10 个类别") in head
    for inside in photos[:2]:
        _, _, notice = rn.classify(inside, "resnet56.cifar10", lang)
        assert "“" not in notice.split("\n\n")[0]
    assert rn.example_subject(coffee) == ("rn_subject_coffee", False)
    assert rn.example_subject(CAT_PHOTO) == ("rn_subject_cat", True)


def test_an_upload_is_recognized_by_its_bytes_not_its_name(tmp_path):
    import shutil

    coffee = next(p for p in rn.example_images() if p.endswith("coffee.png"))
    same = tmp_path / "a" / "upload.png"  # gradio hands the example over under another folder
    same.parent.mkdir()
    shutil.copy(coffee, same)
    assert rn.example_subject(str(same)) == ("rn_subject_coffee", False)
    other = tmp_path / "coffee.png"
    other.write_bytes(Path(CAT_PHOTO).read_bytes()[:-1] + b"\0")
    assert rn.example_subject(str(other)) is None and rn.example_subject(None) is None
