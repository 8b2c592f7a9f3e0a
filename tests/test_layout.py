"""The shape of the code: declared lists, no import cycles, one answer from any entry point."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from canus.metrics import catalogue
from canus.pillars import DATA_PILLARS, PILLARS
from canus.web.page import sections
from canus.web.page.builders import CHART_BUILDERS, PILLAR_BUILDERS, SECTION_BUILDERS

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "canus"


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _top_level_imports(path: Path, name: str) -> set[str]:
    """canus modules imported when ``path`` is imported (not inside functions or TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    is_pkg = path.name == "__init__.py"
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        stmts = node.body if isinstance(node, ast.Try) else [node]
        for s in stmts:
            if isinstance(s, ast.Import):
                out |= {a.name for a in s.names if a.name.startswith("canus")}
            elif isinstance(s, ast.ImportFrom):
                base = s.module or ""
                if s.level:
                    pkg = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = ".".join(pkg[: len(pkg) - s.level + 1] + ([s.module] if s.module else []))
                if not base.startswith("canus"):
                    continue
                for a in s.names:
                    out.add(f"{base}.{a.name}")
                out.add(base)
    return out


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps = set()
        for imp in _top_level_imports(path, name):
            # "from canus.x import y": y is a module or a name in canus.x.
            target = imp if imp in modules else imp.rsplit(".", 1)[0]
            if target in modules and target != name:
                deps.add(target)
        graph[name] = deps
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for d in sorted(graph.get(n, ())):
            # A package importing its own submodules is how packages work, not a cycle.
            if n == d.rsplit(".", 1)[0] and n in graph and d.startswith(n + "."):
                continue
            if state.get(d) == 1:
                found.append([*stack[stack.index(d) :], d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)
    return found


def test_no_import_cycles() -> None:
    graph = _graph()
    assert len(graph) > 60  # the walk reads the real tree
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_every_pillar_has_a_section_a_page_and_metrics() -> None:
    section_ids = {s.id for s in sections.SECTIONS}
    assert set(PILLARS) <= section_ids
    assert tuple(PILLAR_BUILDERS) == PILLARS
    assert set(SECTION_BUILDERS) == {"overview", *PILLARS}
    for pillar in PILLARS:
        assert catalogue.for_pillar(pillar), pillar
    for pillar in DATA_PILLARS:
        assert (PKG / "pillars" / pillar / "page.py").exists()
        assert (PKG / "pillars" / pillar / "catalogue.py").exists()


SNAPSHOT = """
import json, sys
import {module}
from canus.metrics.catalogue import CATALOGUE
from canus.web.page.builders import CHART_BUILDERS, SECTION_BUILDERS
from canus.web.app import ROUTERS, WARMERS
from canus.cli import app
print(json.dumps({{
    "metrics": [m.id for m in CATALOGUE],
    "sections": list(SECTION_BUILDERS),
    "charts": sorted(CHART_BUILDERS),
    "routers": len(ROUTERS), "warmers": len(WARMERS),
    "commands": sorted(c.name or c.callback.__name__ for c in app.registered_commands)
    + sorted(g.name for g in app.registered_groups),
}}))
"""


def _snapshot(module: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", SNAPSHOT.format(module=module)],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    return json.loads(out.stdout)


def test_any_entry_point_sees_the_same_lists() -> None:
    first = _snapshot("canus.web.app")
    assert first["metrics"] == [m.id for m in catalogue.CATALOGUE]
    assert first["charts"] == sorted(CHART_BUILDERS)
    for module in (
        "canus.claims.checker",
        "canus.metrics.catalogue",
        "canus.cli",
        "canus.web.routes.portal",
        "canus.pillars.trade.page",
    ):
        assert _snapshot(module) == first, module
