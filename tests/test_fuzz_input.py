"""Property-based tests: random and structured bad documents end in diagnostics, never in an exception.

About 5,600 examples per run, derandomized so that a failure is reproducible, with no deadline
because the machine is shared. Every outcome must be the builder's own: a value, or messages of the
form `path:line: error: ...` on one line each.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.diagnostics import Diagnostics
from builder.load.load import Project
from builder.load.yamlread import YamlProblem, load_yaml
from builder.memo import Memo
from builder.parse.parse import parse_list, parse_report, parse_theme
from builder.pipeline import build

FAST = settings(
    max_examples=1500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Characters that matter to YAML and Markdown, and a few that must never get through.
SIGNIFICANT = list(":-?[]{},#&*!|>'\"%@`\n\t \\[]()<>_=+.0123456789abcdeyntruflsTF") + [
    "\x00",
    "\x07",
    "\x1b",
    "\r",
    "\ufeff",
    "\u2028",
    "\x85",
    "é",
    "’",
]
yaml_text = st.text(alphabet=st.sampled_from(SIGNIFICANT), max_size=200)

SCALARS = [
    "plain",
    "'single'",
    '"double \\x07"',
    '"\\u0000"',
    "!!float abc",
    "!!int four",
    "!!bool maybe",
    "!!python/object:os.system x",
    "!!binary aGk=",
    "!!set {a}",
    "!custom x",
    "9" * 30,
    "0x",
    "0o9",
    "1:2:3",
    "-",
    "~",
    ".inf",
    "2013-02-30",
    "2022-00",
    "0000",
    "|\n  block\n  ---\n  more",
    ">-\n  folded",
    "*undefined",
    "[" * 50,
    "{a: " * 50,
    "yes",
    "null",
    "''",
    "a: b: c",
]


def _tree(depth: int) -> st.SearchStrategy[str]:
    """YAML text built from nested mappings, lists, anchors and aliases with odd scalars."""
    scalar = st.sampled_from(SCALARS)
    if depth == 0:
        return scalar
    child = _tree(depth - 1)
    key = st.sampled_from(["id", "title", "a", "b", "<<", "? x", "1", "'k'", "[k]", "&k k"])
    mapping = st.lists(st.tuples(key, child), max_size=4).map(
        lambda items: "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    )
    sequence = st.lists(child, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
    anchored = st.tuples(st.sampled_from(["a", "b"]), child).map(lambda p: f"&{p[0]} {p[1]}")
    alias = st.sampled_from(["*a", "*b", "[*a, *a, *a]"])
    return st.one_of(scalar, mapping, sequence, anchored, alias)


structured_yaml = st.lists(st.tuples(st.sampled_from(["a", "b", "id", "x"]), _tree(3)), max_size=5)


def _only_own_problems(run) -> None:
    try:
        run()
    except YamlProblem as problem:
        assert problem.line >= 1 and "\n" not in problem.message and len(problem.message) < 300


def _one_line_each(diagnostics: Diagnostics, path: str) -> None:
    for item in diagnostics.sorted():
        text = item.format()
        assert text.startswith(f"{path}") and "\n" not in text and len(text) < 600, text


@settings(FAST, max_examples=2300)
@given(yaml_text)
def test_random_text_through_the_loader(text: str):
    _only_own_problems(lambda: load_yaml(text, first_line=2))


@settings(FAST, max_examples=1000)
@given(structured_yaml)
def test_structured_yaml_through_the_loader(items: list[tuple[str, str]]):
    text = "\n".join(f"{k}: {v}" for k, v in items)
    _only_own_problems(lambda: load_yaml(text))


VISIT = (FIXTURE / "content" / "reports" / "2022-01-visit.md").read_text()
VISIT_LINES = VISIT.split("\n")
THEMES = (FIXTURE / "content" / "themes.yml").read_text()

hostile_line = st.one_of(
    st.sampled_from(SCALARS).map(lambda v: f"title: {v}"),
    st.sampled_from(SCALARS).map(lambda v: f"  - quote: {v}"),
    st.sampled_from(
        [
            "---",
            "  ---",
            "published: 2022-01",
            "inspected: {start: 2022-01-24, end: 2022-01}",
            "inspected: {start: 2022-01-24, end: 2021}",
            "annotations: &x [*x]",
            "id: " + "a" * 300,
            "1000. A paragraph.",
            "    " * 20 + "- deep",
            "> " * 20 + "deep",
            "[" * 3000,
            "\x00",
            "\ufeff",
            "judgements: [{area: A, grade: good, paragraph: 9999}]",
            "themes: [" + "x, " * 20 + "]",
        ]
    ),
    yaml_text,
)


@FAST
@given(st.integers(0, len(VISIT_LINES)), hostile_line, st.booleans())
def test_report_files_with_a_hostile_line(position: int, line: str, replace: bool):
    lines = list(VISIT_LINES)
    lines[position : position + int(replace)] = [line]
    diagnostics = Diagnostics()
    parse_report("\n".join(lines), "reports/2022-01-visit.md", diagnostics)
    _one_line_each(diagnostics, "reports/2022-01-visit.md")


@settings(max_examples=500, deadline=None, derandomize=True)
@given(structured_yaml)
def test_list_files_with_structured_items(items: list[tuple[str, str]]):
    text = "\n".join(f"- {{{k}: {v}}}" for k, v in items) or "[]"
    diagnostics = Diagnostics()
    parse_list(text, "themes.yml", diagnostics, "theme", parse_theme)
    _one_line_each(diagnostics, "themes.yml")


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory) -> tuple[Path, Memo]:
    """A copy of the fixture site, and one cache shared by its builds (keyed by exact inputs)."""
    site = tmp_path_factory.mktemp("fuzz-site")
    shutil.copytree(FIXTURE / "content", site / "content")
    return site, Memo()


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.integers(0, len(VISIT_LINES)),
    hostile_line,
    st.booleans(),
    st.sampled_from(["report", "themes"]),
)
def test_whole_build_of_a_small_site_with_a_hostile_line(
    fuzz_site: tuple[Path, Memo], position: int, line: str, replace: bool, target: str
):
    site, cache = fuzz_site
    source = VISIT if target == "report" else THEMES
    lines = source.split("\n")
    position = min(position, len(lines))
    lines[position : position + int(replace)] = [line]
    name = "reports/2022-01-visit.md" if target == "report" else "themes.yml"
    (site / "content" / "reports" / "2022-01-visit.md").write_text(VISIT)
    (site / "content" / "themes.yml").write_text(THEMES)
    (site / "content" / name).write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    project = Project(site / "content", ROOT / "templates", ROOT / "assets", site / "out")
    diagnostics = Diagnostics()
    files = build(project, diagnostics, write=False, cache=cache)
    assert files is not None or diagnostics.has_errors()
    for item in diagnostics.sorted():
        assert "\n" not in item.format()


# Words, white space and every character an inline pattern may begin with.
PROSE = st.lists(
    st.sampled_from(
        ["word", "text", " ", "  ", "\n", "\n\n", "1. ", "- ", "| a | b |\n|---|---|\n| c | d |\n"]
        + list("`\\[]()!<>&;*_#:/.@x")
        + ["http://a.b", "&amp;", "&#1;", "<a@b.c>", "    code\n"]
    ),
    max_size=40,
).map("".join)


@FAST
@given(PROSE)
def test_skipping_plain_text_in_the_inline_stage_changes_nothing(text: str):
    """The plain-text shortcut gives the same HTML as running every inline pattern on every text."""
    from builder.model import text as markdown_text

    fast, _ = markdown_text._markdown()
    full, _ = markdown_text._markdown()
    full.treeprocessors.deregister("plain_text")
    assert fast.convert(text) == full.convert(text)


# Lines of Markdown with what the budgets count: brackets, ticks, quote marks, deep indentation.
BUDGETED_TEXT = st.lists(
    st.sampled_from(
        ["word ", "[", "]", "`", "``", ">", "> > ", "\n", "\n\n", " " * 17, "\t" * 16, "\t" * 17]
        + ["*", "_", "\\", "<", "&", "!", " " * 65, "- ", "x" * 3000, "> " * 17, "\n" + ">" * 17]
    ),
    max_size=60,
).map("".join)


@FAST
@given(BUDGETED_TEXT)
def test_the_markdown_budget_shortcut_agrees_with_the_full_scan(text: str):
    from builder.parse import hazards

    assert hazards.markdown_problem(text) == hazards._scan_for_problem(text)
