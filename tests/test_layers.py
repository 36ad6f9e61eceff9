"""The layers: each module imports only from the layers below it, and what must stay pure does."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
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


# The tools that test and measure the app, apart from it: bench/pandas_metrics.py keeps its process free of the
# project's stack on purpose, and bench/run.py loads the test's browser only when it drives one.
TOOLS = {"tests", "bench"}
# The only functions that may import, by file, and why the import waits for the call.
LATE = {
    "cli.py": "each command imports what it runs, so `cli.py --help` answers in 0.1 s, not after the 1 s that "
    "DuckDB, pandas and the metrics take to load",
    "store/readers.py": "openpyxl takes a third of a second to load and only an .xlsx file needs it",
}


def project_files() -> dict[str, Path]:
    """Every Python module of the project outside .venv and the tests, by its dotted name."""
    found = {}
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")) and d != "tests" and d != "node_modules")
        for name in names:
            if name.endswith(".py"):
                parts = (Path(folder) / name).relative_to(ROOT).with_suffix("").parts
                found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = Path(folder) / name
    return found


def module_imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """The project's modules a module imports, anywhere in it (at the top or inside a function), with the line."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            wanted = [[a.name] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            wanted = [[f"{module}.{a.name}", module] for a in node.names]  # a module of a package, else a name in it
        else:
            continue
        for candidates in wanted:
            for dotted in candidates:
                parts = dotted.split(".")
                prefixes = (".".join(parts[:n]) for n in range(len(parts), 0, -1))
                target = next((m for m in prefixes if m in known), None)
                if target:
                    break
            if target and target != name:
                found.append((target, node.lineno))
    return sorted(set(found), key=lambda edge: (edge[1], edge[0]))


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, each sorted (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def described(group: list[str], edges: dict[str, list[tuple[str, int]]], known: dict[str, Path]) -> str:
    lines = [f"{known[a].relative_to(ROOT)}:{line} imports {b}" for a in group for b, line in edges[a] if b in group]
    return " ⇄ ".join(group) + ": " + ", ".join(lines)


def test_no_modules_of_the_project_import_one_another_in_a_circle():
    known = project_files()
    edges = {name: module_imports(name, path, known) for name, path in known.items()}
    found = circles({name: {target for target, _ in found} for name, found in edges.items()})
    assert [described(group, edges, known) for group in found] == [], (
        "break each circle with a hook registered from above (store/history.py: BEFORE_WRITE) or a lower module "
        "both import (store/sources/base.py)"
    )


def test_the_circle_finder_sees_an_import_inside_a_function(tmp_path):
    (tmp_path / "low.py").write_text("import high\n")
    (tmp_path / "high.py").write_text("def late():\n    from low import thing\n")
    (tmp_path / "apart.py").write_text("import low\n")
    known = {p.stem: p for p in tmp_path.glob("*.py")}
    graph = {name: {target for target, _ in module_imports(name, path, known)} for name, path in known.items()}
    assert circles(graph) == [["high", "low"]]


def late_imports(path: Path) -> list[int]:
    """The lines of the imports a function of the file makes when it is called."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]
    return sorted({n.lineno for f in functions for n in ast.walk(f) if isinstance(n, ast.Import | ast.ImportFrom)})


def test_no_function_of_the_app_imports_but_those_listed_with_their_reason():
    files = {str(p.relative_to(ROOT)): p for p in project_files().values() if p.relative_to(ROOT).parts[0] not in TOOLS}
    found = {name: late_imports(path) for name, path in sorted(files.items()) if name not in LATE}
    assert {name: lines for name, lines in found.items() if lines} == {}, "import at the top of the module"
    stale = [name for name in LATE if not late_imports(files[name])]
    assert stale == [], "LATE names a file whose functions import nothing now"


def test_importing_any_module_of_the_store_registers_the_targets_seeding_on_every_write():
    # In a process of its own: whichever store module is imported first, the write hook is in place.
    shown = subprocess.run(
        [sys.executable, "-c", "from store import notes; print([f.__qualname__ for f in notes.history.BEFORE_WRITE])"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert shown.strip() == "['seed']"
