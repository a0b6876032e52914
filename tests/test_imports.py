"""The builder's modules import one another without a circle, counting every import: at the top of
a module, inside a function, or only for type checking."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "builder"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> set[str]:
    """The builder's modules this file imports anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # `from builder.x import y`: y may be a module of its own.
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in paths}
    graph = {module_name(p): imports(p, known) for p in paths}
    for name in graph:  # a package's __init__ is not what a submodule's import means
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_check_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_of_the_builder_is_in_an_import_circle():
    assert cycles(import_graph()) == []


# The layers, lowest first: a module imports only from its own layer and those below.
LAYERS = (
    "builder",  # the package itself: its version
    "builder.diagnostics",
    "builder.urls",
    "builder.urlpolicy",
    "builder.sitefiles",
    "builder.publish.hooks",  # the preview's protocol, named by the memo: it imports nothing
    "builder.incremental",
    "builder.workers",
    "builder.load",
    "builder.parse",
    "builder.model",
    "builder.views",
    "builder.diskcache",
    "builder.memo",
    "builder.render",
    "builder.check",
    "builder.publish.publish",
    "builder.pipeline",
    "builder.publish.serve",
    "builder.editing",  # the editing tools: scaffold, import, compare
    "builder.cli",
    "builder.__main__",
)
# Upward imports that remain, each to be moved down: none may be added.
KNOWN_UPWARD: set[tuple[str, str]] = set()  # none left: every import points down the layers


def layer(module: str) -> int:
    return max(
        i for i, name in enumerate(LAYERS) if module == name or module.startswith(name + ".")
    )


def test_no_module_imports_from_a_layer_above_its_own():
    graph = import_graph()
    upward = {(m, t) for m, targets in graph.items() for t in targets if layer(t) > layer(m)}
    assert upward == KNOWN_UPWARD
