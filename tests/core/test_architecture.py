"""The house, from its own source: every import between platform/mentorhub modules (function-level
ones included) goes down the layers of DESIGN.md, never in a circle; no module grows past the
size limit; views never touch the database session."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "platform" / "mentorhub"
MAX_LINES = 450

# DESIGN.md "Layers", lowest first. A module may import its own layer or a lower one.
LAYERS = {
    1: {"config", "db", "extensions", "errors", "timeutil", "urls", "validation", "generations", "match_events",
        "pagination", "markdown", "actors", "forms", "schema_migrations", "pagecache", "lazyimport"},
    2: {"accounts", "notifications"},
    3: {"profiles"},
    4: {"projects", "mentoring"},
    5: {"matching", "events", "portfolio", "outcomes"},
    6: {"privacy", "dashboard", "demo", "cli", "web", "models", "core", "scheduler", "operations",
        "api", "webhooks", "stats", "reports", "__init__"},
}
LAYER_OF = {name: n for n, names in LAYERS.items() for name in names}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _room(module: str) -> str:
    """The top-level name under mentorhub: a feature folder or a bottom module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _resolve(module: str, is_pkg: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".") if is_pkg else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported mentorhub module) for every import statement anywhere in the file."""
    is_pkg = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_pkg, node.level, node.module)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        found += [(node.lineno, t) for t in targets if t in MODULES and t != module]
    return found


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def test_every_room_has_a_layer():
    assert {_room(m) for m in MODULES} <= set(LAYER_OF), "add the new folder to LAYERS (and DESIGN.md)"


def test_imports_never_go_up_a_layer():
    upward = [f"{m}:{line} imports {t} (layer {LAYER_OF[_room(t)]} > {LAYER_OF[_room(m)]})"
              for m, edges in GRAPH.items() for line, t in edges
              if LAYER_OF[_room(t)] > LAYER_OF[_room(m)]]
    assert upward == []


def test_no_import_circle():
    edges = {m: {t for _, t in e} for m, e in GRAPH.items()}
    # A package importing its own children is the usual __init__ pattern, not a circle.
    for m in edges:
        edges[m] = {t for t in edges[m] if not t.startswith(m + ".")}
    seen, on_path, circles = set(), [], []

    def visit(m):
        if m in on_path:
            circles.append(on_path[on_path.index(m):] + [m])
            return
        if m in seen:
            return
        seen.add(m)
        on_path.append(m)
        for t in sorted(edges[m]):
            visit(t)
        on_path.pop()

    for m in sorted(edges):
        visit(m)
    assert circles == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_size(module):
    assert len(MODULES[module].read_text().splitlines()) <= MAX_LINES


def test_views_never_touch_the_session():
    offenders = [m for m, p in MODULES.items() if p.name == "views.py" and "db.session" in p.read_text()]
    assert offenders == []


def test_the_checks_can_fail(tmp_path):
    """The graph reader sees a function-level import (so hiding one inside a function does not
    slip past the layer and circle checks)."""
    path = PKG / "urls.py"
    source = path.read_text()
    tree_imports = _imports("mentorhub.urls", path)
    assert all(t != "mentorhub.events" for _, t in tree_imports)
    fake = tmp_path / "urls.py"
    fake.write_text(source + "\n\ndef _x():\n    from .events import rules\n")
    assert ("mentorhub.events.rules" in {t for _, t in _imports("mentorhub.urls", fake)}
            or "mentorhub.events" in {t for _, t in _imports("mentorhub.urls", fake)})
