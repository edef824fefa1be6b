"""The shape of the code: features are layered, and none imports a feature above it.

A feature is a package under portal/ (models, services, views of one thing people do). The
shared modules beside them (the unit of work, signals, web, i18n, …) import no feature at all.
Features talk upwards only through signals and registries that create_app connects; the app
itself (portal/__init__.py), the CLI and the demo data sit on top and may import anything.
Imports only a type checker sees (`if TYPE_CHECKING:`) are not imports at run time and do not
count. A new feature package gets its place in LAYERS, where what it imports is below it.
"""

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[1] / "portal"

# Bottom to top: each feature may import the ones before it, never one after it.
LAYERS = ["audit", "notify", "push", "accounts", "privacy", "activities", "dialogues", "goals",
          "competences", "meetings", "employment", "certificates", "voice", "calendar",
          "feedback", "home", "reports"]
ON_TOP = {"__init__", "cli", "demo"}


def imports_of(path: Path) -> set[str]:
    """The top-level portal modules or packages a file imports, at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
              and ast.unparse(block.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
              for statement in block.body for node in ast.walk(statement)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "portal":
                continue
            found |= {alias.name for alias in node.names} if len(parts) == 1 else {parts[1]}
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".")[1] for alias in node.names
                      if alias.name.startswith("portal.")}
    return found


def unit_of(path: Path) -> str:
    relative = path.relative_to(PORTAL)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in PORTAL.rglob("*.py"):
        unit = unit_of(path)
        edges.setdefault(unit, set()).update(imports_of(path) - {unit})
    return edges


GRAPH = graph()
FEATURES = {path.name for path in PORTAL.iterdir()
            if path.is_dir() and any(path.glob("*.py"))}


def test_every_feature_has_its_place_in_the_layers():
    assert FEATURES == set(LAYERS), "add the new package to LAYERS, above what it imports"


@pytest.mark.parametrize("feature", LAYERS)
def test_no_feature_imports_a_feature_above_it(feature):
    above = set(LAYERS[LAYERS.index(feature) + 1:])
    assert GRAPH.get(feature, set()) & above == set()


@pytest.mark.parametrize("module", sorted(set(GRAPH) - FEATURES - ON_TOP))
def test_shared_modules_import_no_feature(module):
    assert GRAPH[module] & FEATURES == set()


def test_the_modules_import_each_other_without_a_cycle():
    done, path = set(), []

    def visit(unit):
        if unit in path:
            raise AssertionError("import cycle: " + " → ".join([*path[path.index(unit):], unit]))
        if unit in done:
            return
        path.append(unit)
        for other in sorted(GRAPH.get(unit, ())):
            visit(other)
        path.pop()
        done.add(unit)

    for unit in sorted(GRAPH):
        visit(unit)


def test_the_checker_sees_a_forbidden_import(tmp_path):
    """The rule is not vacuous: an import of a feature above is found, a type-only one is not."""
    module = tmp_path / "module.py"
    module.write_text("from typing import TYPE_CHECKING\n"
                      "from portal.reports import services\n"
                      "if TYPE_CHECKING:\n    from portal.home.models import Page\n"
                      "def later():\n    from portal import calendar\n", encoding="utf-8")
    assert imports_of(module) == {"reports", "calendar"}
