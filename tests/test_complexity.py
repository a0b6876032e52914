"""`build()` reads as the list of its stages: its cyclomatic complexity stays at 10 or less."""

from __future__ import annotations

import ast

from conftest import ROOT

MOST = 10


def complexity(function: ast.FunctionDef) -> int:
    """McCabe's number: one, plus one for each branch, loop, handler and boolean operand."""
    count = 1
    for node in ast.walk(function):
        if isinstance(node, ast.If | ast.IfExp | ast.For | ast.While | ast.ExceptHandler):
            count += 1
        elif isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
        elif isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
        elif isinstance(node, ast.match_case | ast.Assert):
            count += 1
    return count


def function(path: str, name: str) -> ast.FunctionDef:
    tree = ast.parse((ROOT / path).read_text())
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)


def test_the_measure_counts_each_branch():
    source = "def f(a):\n    if a and a > 1:\n        return [x for x in a if x]\n    while a:\n        a -= 1\n"
    parsed = ast.parse(source).body[0]
    assert isinstance(parsed, ast.FunctionDef)
    assert complexity(parsed) == 1 + 1 + 1 + 2 + 1


def test_build_reads_as_its_stages():
    assert complexity(function("builder/pipeline.py", "build")) <= MOST
