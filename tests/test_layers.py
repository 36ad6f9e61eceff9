"""The layers: each module imports only from the layers below it, and what must stay pure does."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Each layer, bottom up, and the project's top-level modules or packages it may import.
LAYERS = {
    "contract": set(),
    "metrics": {"contract", "metrics"},
    "queries": {"metrics", "queries"},
    "settings": {"metrics"},
    "access": {"settings"},
    "store": {"contract", "metrics", "settings", "store"},
    "community": {"metrics", "community"},
    "lens": {"community", "metrics", "queries", "settings", "store"},
    "charts": {"charts", "community", "contract", "lens", "metrics", "settings"},
    "exports": {"charts", "community", "contract", "lens"},
    "reports": {"charts", "community", "contract", "exports", "lens", "metrics", "reports", "settings", "store"},
    "samples": {"contract", "samples", "store"},
    "delivery": {"community", "delivery", "lens", "metrics", "reports", "settings", "store"},
}
PROJECT = {p.stem for p in ROOT.glob("*.py")} | {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
PURE = (
    "contract",
    "metrics",
    "queries",
    "settings",
    "access",
    "store",
    "community",
    "lens",
    "charts",
    "exports",
    "reports",
    "delivery",
)


def sources(layer: str) -> list[Path]:
    folder = ROOT / layer
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [ROOT / f"{layer}.py"]


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """The top-level names a file imports: (name, line, whether the import sits inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    nested = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(n.split(".")[0], node.lineno, id(node) in nested) for n in names]
    return found


@pytest.mark.parametrize("layer", list(LAYERS))
def test_each_layer_imports_only_from_the_layers_below_it(layer):
    bad = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sources(layer)
        for name, line, _ in imports(path)
        if name in PROJECT and name != layer and name not in LAYERS[layer]
    ]
    assert bad == []


@pytest.mark.parametrize("layer", PURE)
def test_no_layer_below_the_pages_imports_streamlit(layer):
    assert [p.name for p in sources(layer) if any(n == "streamlit" for n, _, _ in imports(p))] == []


def test_settings_hides_no_import_inside_a_function():
    assert [line for _, line, inside in imports(ROOT / "settings.py") if inside] == []


def test_pages_open_no_database():
    for page in sorted((ROOT / "pages").glob("*.py")):
        names = {n for n, _, _ in imports(page)}
        assert not names & {"duckdb", "store", "queries"}, page.name
