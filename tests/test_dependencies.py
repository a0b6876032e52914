"""Every package the builder imports is one pyproject.toml declares.

The wheel test installs the release beside the test environment's packages, so it cannot see a
dependency the wheel forgets to declare; this test reads every import in `builder/` (at the top
of a module or inside a function) and finds the distribution each third-party module comes from.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from importlib.metadata import packages_distributions

from conftest import ROOT


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(requirements: list[str]) -> set[str]:
    return {_normal(re.split(r"[\[<>=!~;\s]", r, maxsplit=1)[0]) for r in requirements}


def imported_modules(sources: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Each top-level module the sources import, at the top or inside a function, by file."""
    found: dict[str, set[str]] = {}
    for name, text in sources:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                found.setdefault(module.split(".")[0], set()).add(name)
    return found


def undeclared(
    sources: Iterable[tuple[str, str]], declared: set[str], owners: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """The third-party modules the sources import whose distribution is not declared."""
    missing = {}
    for module, files in imported_modules(sources).items():
        if module in ("builder", "__future__") or module in sys.stdlib_module_names:
            continue
        if not {_normal(d) for d in owners.get(module, [])} & declared:
            missing[module] = sorted(files)
    return missing


def _builder_sources() -> list[tuple[str, str]]:
    return [
        (p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "builder").rglob("*.py"))
    ]


def test_every_third_party_import_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = _declared(project["dependencies"])
    # What `import` and `compare` need comes with the extra of that name.
    declared |= _declared(project["optional-dependencies"]["import"])
    assert undeclared(_builder_sources(), declared, packages_distributions()) == {}


def test_an_undeclared_import_inside_a_function_is_found():
    source = ("builder/x.py", "import jinja2\n\ndef f():\n    from tqdm import tqdm\n")
    owners = {"jinja2": ["Jinja2"], "tqdm": ["tqdm"]}
    assert undeclared([source], {"jinja2"}, owners) == {"tqdm": ["builder/x.py"]}
    assert undeclared([source], {"jinja2", "tqdm"}, owners) == {}
