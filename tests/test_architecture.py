"""The layers of docs/architecture.md, checked on the source: imports point down, never in a cycle,
and no private name crosses a package boundary. Imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "sqlrl"

# Lowest first. A module may import its own unit and any unit of a lower layer.
LAYERS = [
    {"errors", "paths", "jsonl", "envfile", "__init__"},
    {"sql"},
    {"data", "prompts", "models", "config", "stopping", "trl_compat", "shared_prefill", "shared_prompt"},
    {"rewards"},
    {"eval"},
    {"envs"},
    {"train"},
    {"cli"},
]
RANK = {unit: i for i, units in enumerate(LAYERS) for unit in units}


def _module_name(path: Path) -> str:
    parts = ["sqlrl", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in SRC.rglob("*.py")}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every sqlrl import in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names if a.name.split(".")[0] == "sqlrl"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            if base.split(".")[0] != "sqlrl":
                continue
            names = [a.name for a in node.names]
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in MODULES]
            out += [(m, [], node.lineno) for m in submodules]
            rest = [n for n in names if f"{base}.{n}" not in MODULES]
            if rest or not submodules:
                out.append((base, rest, node.lineno))
    return out


EDGES = {m: _imports(p) for m, p in MODULES.items()}


def test_layers_point_down():
    upward = []
    for module, imports in EDGES.items():
        for target, _, line in imports:
            if RANK[_unit(target)] > RANK[_unit(module)]:
                upward.append(f"{MODULES[module].relative_to(SRC.parent)}:{line} {module} -> {target}")
    assert not upward, "imports pointing up a layer:\n" + "\n".join(upward)


def test_every_unit_has_a_layer():
    assert {_unit(m) for m in MODULES} <= set(RANK)


def test_no_private_names_across_units():
    private = []
    for module, imports in EDGES.items():
        for target, names, line in imports:
            if _unit(target) != _unit(module):
                bad = [n for n in [*names, *target.split(".")] if n.startswith("_") and not n.endswith("__")]
                if bad:
                    private.append(f"{MODULES[module].relative_to(SRC.parent)}:{line} {target}: {', '.join(bad)}")
    assert not private, "private names imported from another package:\n" + "\n".join(private)


def test_no_import_cycles():
    graph = {m: {t for t, _, _ in imps if t in MODULES and t != m} for m, imps in EDGES.items()}
    # A package's __init__ is imported whenever one of its modules is: count that edge too.
    for m in MODULES:
        parent = m.rsplit(".", 1)[0]
        for m2 in list(graph[m]):
            pkg = m2.rsplit(".", 1)[0]
            if pkg in MODULES and pkg != m and not m.startswith(pkg + ".") and pkg != "sqlrl":
                graph[m].add(pkg)
        del parent
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_nothing_cites_files_outside_the_repository():
    """A user has only the repository: no pointer to the team's notes, their data folder or issue numbers."""
    import re

    root = SRC.parents[1]
    files = [*SRC.rglob("*.py"), *SRC.rglob("*.yaml"), *root.glob("*.md"), *(root / "docs").glob("*.md"),
             *(root / "benchmarks").glob("*.py"), root / "Makefile"]
    pattern = re.compile(r"FACTS\.md|DESIGN\.md|\.\./shared|SQLRL_SHARED_DATA|\b[Ii]ssue \d+|\bissue #\d+")
    hits = [f"{p.relative_to(root)}: {m.group(0)}" for p in files for m in pattern.finditer(p.read_text())]
    assert not hits, "citations of things outside the repository:\n" + "\n".join(hits)
