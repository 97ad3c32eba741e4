"""The layers, read from the imports of every file (function-level imports included):

    app.py -> demos/ -> lab/ -> models/        training/ and bench/ beside demos/

models/ is the paper (no UI, plots or images), lab/ the experiments on it (no UI either), demos/
the page (no import circle), and training/ and bench/ never import the page.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("models", "lab", "demos", "training", "bench")
UI = ("gradio", "matplotlib", "PIL")  # what the page draws with


def imports(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in the file, as absolute dotted names."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}  # `from demos import gan`
        elif (  # `torch = lazy("torch")`: imported on first use (demos/lazy.py), an import all the same
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "lazy"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(node.args[0].value)
    return found


def files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


def module_of(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top(name: str) -> str:
    return name.split(".")[0]


def test_every_layer_has_files():
    assert all(files(layer) for layer in LAYERS)


@pytest.mark.parametrize("layer, banned", [
    ("models", {*UI, "demos", "lab", "training", "bench"}),
    ("lab", {*UI, "demos", "training", "bench"}),
    ("training", {"gradio", "demos", "bench"}),
    ("bench", {"demos"}),
])  # fmt: skip
def test_a_layer_imports_only_what_is_below_it(layer, banned):
    wrong = {
        f"{p.relative_to(ROOT)}: {name}"
        for p in files(layer)
        for name in imports(p)
        if top(name) in banned
    }
    assert not wrong, sorted(wrong)


def test_no_file_of_the_page_is_over_700_lines():
    """#17: a tab is read in one sitting; a large sub-tab moves to its own module beside it."""
    long = {
        str(p.relative_to(ROOT)): n
        for p in files("demos")
        if (n := len(p.read_text().splitlines())) > 700
    }
    assert not long, long


def test_app_only_composes_the_tabs():
    ours = {top(n) for n in imports(ROOT / "app.py")} & {*LAYERS, "app"}
    assert ours == {"demos"}


def import_graph(root: Path) -> dict[str, set[str]]:
    """demos module -> the demos modules it imports (a submodule's import runs its package too)."""
    modules = {module_of(p, root): p for p in sorted((root / "demos").rglob("*.py"))}
    graph = {}
    for m, p in modules.items():
        names = imports(p)
        names |= {n.rsplit(".", 1)[0] for n in names if "." in n}
        graph[m] = {n for n in names if n in modules and n != m and not m.startswith(n + ".")}
    return graph


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of the graph (its modules, the first repeated at the end), or None."""
    done: set[str] = set()

    def visit(m: str, path: list[str]) -> list[str] | None:
        if m in path:
            return path[path.index(m) :] + [m]
        if m in done:
            return None
        for n in sorted(graph[m]):
            circle = visit(n, path + [m])
            if circle:
                return circle
        done.add(m)
        return None

    for m in sorted(graph):
        circle = visit(m, [])
        if circle:
            return circle
    return None


def test_demos_has_no_import_circle():
    assert find_circle(import_graph(ROOT)) is None


def test_the_circle_check_finds_a_circle_hidden_in_a_function(tmp_path):
    """What the check caught in the old layout: demos/quiz.py imported the tabs inside its
    functions, and each tab imported demos/quiz.py."""
    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / "__init__.py").write_text("")
    (tmp_path / "demos" / "quiz.py").write_text("def measure():\n    from demos import resnet\n")
    (tmp_path / "demos" / "resnet.py").write_text("from demos import quiz\n")
    (tmp_path / "demos" / "plots").mkdir()
    (tmp_path / "demos" / "plots" / "__init__.py").write_text("")
    (tmp_path / "demos" / "plots" / "gan.py").write_text("from demos.plots import figure\n")
    assert find_circle(import_graph(tmp_path)) == ["demos.quiz", "demos.resnet", "demos.quiz"]


def test_lazy_imports_count_as_imports():
    """demos/ names its models with `lazy(...)`: the layering above must still see them."""
    assert "lab.bert" in imports(ROOT / "demos" / "bert.py")
    assert "models.gan" in imports(ROOT / "demos" / "gan.py")


def test_the_tabs_open_values_need_no_torch_and_match_the_models():
    """lab/tab_defaults.py is what the page is built from before torch is imported: it imports
    nothing, and its copies of the models' names match the models."""
    assert imports(ROOT / "lab" / "tab_defaults.py") == set()
    from lab import tab_defaults as D
    from models import bert as B
    from models import resnet as R

    assert D.RESNET_ARCHS == [n for n in R.PRESETS if n.startswith(("resnet", "plain"))]
    assert D.BERT_SMALL_LAYERS == B.PRESETS["small"].L


def test_the_page_is_built_without_torch():
    """app.py builds every tab with torch not imported (issue #16.5: the page is served first)."""
    import subprocess
    import sys

    code = "import sys, app; print(sorted(m for m in ('torch', 'models.bert', 'lab.gan') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=300, env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"})  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip().splitlines()[-1] == "[]"
