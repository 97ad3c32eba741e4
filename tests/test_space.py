"""The repository as a Hugging Face Space (issue 15, section 2): the README front matter's
`preload_from_hub` lists exactly the catalogue's pinned Hub files, and every tracked file a Space's
git would refuse (over 10 MB, or binary) is covered by an LFS rule in .gitattributes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from models import hub

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 10 * 1024 * 1024  # a Space's git refuses larger files that are not in LFS


def front_matter() -> dict:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n"), "the README must open with the Space's YAML front matter"
    return yaml.safe_load(text[4 : text.index("\n---\n", 4)])


def test_front_matter_is_a_gradio_space():
    fm = front_matter()
    assert fm["sdk"] == "gradio" and fm["app_file"] == "app.py"
    assert fm["sdk_version"] == next(
        ln.split("==")[1].strip()
        for ln in (ROOT / "requirements.txt").read_text().splitlines()
        if ln.startswith("gradio==")
    )


def test_a_space_installs_the_cjk_font_the_figures_use():
    """#19.14: a Space installs packages.txt with apt; the figures' Chinese needs one of the fonts
    demos/plots looks for (scripts/setup.sh --dev installs the same package)."""
    from demos import plots

    packages = (ROOT / "packages.txt").read_text().split()
    assert "fonts-wqy-zenhei" in packages and "WenQuanYi Zen Hei" in plots.CJK_FONTS
    assert "fonts-wqy-zenhei" in (ROOT / "scripts" / "setup.sh").read_text()


def test_preload_from_hub_matches_the_catalogue_exactly():
    """One line per pinned Hub checkpoint, `repo file1,file2 revision` (the format Spaces read):
    the same repos, the same files and the same revisions as weights/catalogue.json."""
    lines = front_matter()["preload_from_hub"]
    parsed = []
    for line in lines:
        parts = line.split()
        assert len(parts) == 3, f"'{line}': repo, files and the pinned revision"
        repo, files, revision = parts
        parsed.append((repo, sorted(files.split(",")), revision))
    assert len(parsed) == len({p[0] for p in parsed}), "one line per repo"
    want = hub.pinned_hub_files()
    assert sorted(parsed) == sorted(want)
    # and every one of them is something a tab can use: no embedded-only row, no unpinned revision
    cat = hub.read_catalogue()
    by_repo = {e.repo_id: e for e in cat.values() if e.revision}
    for repo, files, revision in parsed:
        assert (
            len(revision) == 40
            and by_repo[repo].revision == revision
            and set(files) == set(by_repo[repo].files)
        )


def test_preload_parser_fails_on_a_drift():
    """The check can fail: a catalogue with one more pinned file does not match the README."""
    import dataclasses

    cat = hub.read_catalogue()
    e = cat["bert_base.chinese"]
    cat["bert_base.chinese"] = dataclasses.replace(e, files={**e.files, "tokenizer.json": None})
    parsed = sorted(
        (ln.split()[0], sorted(ln.split()[1].split(",")), ln.split()[2])
        for ln in front_matter()["preload_from_hub"]
    )
    assert parsed != sorted(hub.pinned_hub_files(cat))


def _tracked() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [p for p in out.stdout.decode().split("\0") if p]


def _is_binary(path: Path) -> bool:
    with open(path, "rb") as f:
        return b"\0" in f.read(8000)  # git's own test


def _lfs(paths: list[str]) -> dict[str, bool]:
    out = subprocess.run(
        ["git", "check-attr", "--stdin", "-z", "filter"],
        cwd=ROOT,
        input="\0".join(paths).encode(),
        capture_output=True,
        check=True,
    )
    fields = out.stdout.decode().split("\0")
    return {fields[i]: fields[i + 2] == "lfs" for i in range(0, len(fields) - 2, 3)}


def test_every_tracked_file_a_space_would_refuse_is_in_lfs():
    paths = [p for p in _tracked() if (ROOT / p).is_file()]
    must = [p for p in paths if (ROOT / p).stat().st_size > LIMIT or _is_binary(ROOT / p)]
    assert any(p.endswith(".safetensors") for p in must)  # the embedded weights are among them
    covered = _lfs(must)
    missing = [p for p in must if not covered.get(p)]
    assert not missing, f"not covered by an LFS rule in .gitattributes: {missing}"
    # and the rule is not a blanket one: source code stays plain text
    assert not any(
        _lfs(["app.py", "models/hub.py", "README.md", "weights/catalogue.json"]).values()
    )


def test_the_lfs_check_can_fail(tmp_path):
    """A large file no rule covers is reported (the check reads .gitattributes, not the names)."""
    covered = _lfs(["weights/x/model.safetensors", "weights/x/big.json", "weights/x/model.ckpt2"])
    assert covered == {
        "weights/x/model.safetensors": True,
        "weights/x/big.json": False,
        "weights/x/model.ckpt2": False,
    }
