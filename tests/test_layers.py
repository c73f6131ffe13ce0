"""The package's parts depend on each other one way only (DESIGN.md, "Layout").

Every import inside fieldgrad, at module level or inside a function, is read
from the source; the parts (``grids``, ``discretization``, ``engines``, ...)
must form no circle, and the core layers may import only the layers below them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import fieldgrad

ROOT = Path(fieldgrad.__file__).parent

#: What each core layer may import (besides itself): the layers below it.
ALLOWED = {
    "_checks": set(),
    "units": set(),
    "grids": {"_checks", "units"},
    "discretization": {"grids", "_checks", "units"},
    "engines": {"discretization", "grids", "_checks", "units"},
    "fields": {"grids", "_checks", "units"},
}


def part_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0].removesuffix(".py")


def imported_parts(path: Path) -> set[str]:
    """The fieldgrad parts a module imports, anywhere in its source."""
    tree = ast.parse(path.read_text())
    package = path.relative_to(ROOT.parent).with_suffix("").parts[:-1]
    if path.name == "__init__.py":
        package = path.relative_to(ROOT.parent).parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ((node.module,) if node.module else ()))
            else:
                name = node.module or ""
            names = (
                [name]
                if node.module or not node.level
                else [f"{name}.{a.name}" for a in node.names]
            )
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "fieldgrad" and len(parts) > 1:
                found.add(parts[1])
    return found


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        part = part_of(path)
        if part in ("__init__", "__main__"):
            continue
        edges.setdefault(part, set()).update(imported_parts(path) - {part})
    return edges


def test_core_layers_import_only_the_layers_below():
    edges = graph()
    for part, allowed in ALLOWED.items():
        assert edges.get(part, set()) <= allowed, (part, edges[part] - allowed)


def test_no_circle_between_parts():
    edges = graph()
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in edges.get(node, ()):
            assert state.get(nxt) != 1, f"import circle: {' -> '.join([*trail, node, nxt])}"
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in edges:
        if node not in state:
            visit(node, [])
