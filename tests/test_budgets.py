"""Budgets for the whole input: every resource case is refused with one line, or finishes fast.

Each case is an input an attacker (or a runaway script) could commit; none may make a build run
for minutes, hold gigabytes or print thousands of lines.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import FIXTURE, build_files, fixture_project

from builder.diagnostics import MAX_LINES, MAX_OF_A_KIND, Diagnostics, shown_lines
from builder.load import load
from builder.parse.parse import MAX_RECORDS

VISIT = "reports/2022-01-visit.md"


def _site(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", content)
    return content


def _messages(content: Path) -> list[str]:
    files, diagnostics = build_files(fixture_project(content.parent / "out", content))
    assert files is None
    return [d.format() for d in diagnostics.sorted()]


def test_a_passage_naming_thousands_of_themes_is_one_error(tmp_path: Path):
    content = _site(tmp_path)
    report = content / VISIT
    text = report.read_text()
    # 70,000 references once took minutes: each one looked its line up in a copy of every line.
    many = ", ".join(["supervision"] * 70_000)
    report.write_text(text.replace("themes: [supervision]", f"themes: [{many}]"))
    messages = _messages(content)
    assert len(messages) == 1
    assert messages[0].endswith(
        ":17: error: 'themes' names 70,000 ids; a list may name at most 100 "
        "(hint: a passage about that many subjects is better split)"
    )


def test_a_theme_named_twice_in_one_list_is_an_error(tmp_path: Path):
    content = _site(tmp_path)
    report = content / VISIT
    report.write_text(
        report.read_text().replace("themes: [supervision]", "themes: [supervision, supervision]")
    )
    messages = _messages(content)
    assert len(messages) == 1
    assert messages[0].endswith(":17: error: 'themes' names 'supervision' twice")


def test_a_list_file_past_its_limit_is_refused_at_the_line_that_passes_it(tmp_path: Path):
    content = _site(tmp_path)
    themes = content / "themes.yml"
    most = MAX_RECORDS["theme"]
    before = themes.read_text()
    lines_before = before.count("\n")
    themes.write_text(
        before + "".join(f"- {{id: unused-{i}, title: T, description: D}}\n" for i in range(most))
    )
    messages = [m for m in _messages(content) if "/themes.yml" in m]
    existing = before.count("- id:")
    line = lines_before + (most - existing) + 1
    assert [m.split("/content/", 1)[1] for m in messages] == [
        f"themes.yml:{line}: error: the file lists {most + existing:,} themes; a site "
        f"may have at most {most:,} (the limit is passed on this line)"
    ]


def test_content_past_the_total_limit_is_refused_at_the_file_that_passes_it(
    tmp_path: Path, monkeypatch
):
    content = _site(tmp_path)
    monkeypatch.setattr(load, "MAX_CONTENT_BYTES", 4_000)  # the real limit is 120 MB
    diagnostics = Diagnostics()
    sources = load.read_sources(content, diagnostics)
    assert sum(len(t.encode()) for t in sources.files.values()) <= 4_000
    [problem] = [d.format() for d in diagnostics.sorted()]
    assert re.fullmatch(
        r".*content/\S+: error: the content folder holds more than the limit of 4,000 bytes in "
        r"all; this file passes it, and it and the files after it are not read",
        problem,
    )


def test_thousands_of_problems_of_one_kind_print_a_bounded_count():
    diagnostics = Diagnostics()
    for i in range(20_000):
        diagnostics.error("content/themes.yml", 10 + 3 * i, f"'id' must be an id, not 'Bad_{i}'")
    for i in range(30_000):
        diagnostics.error("content/themes.yml", 11 + 3 * i, f"unknown key 'colour{i}' in theme")
    lines = shown_lines(diagnostics)
    assert len(lines) == 2 * MAX_OF_A_KIND + 2
    assert lines[-2] == (
        "content/themes.yml: error: 19,950 more errors like this one (lines 160, 163, 166, 169, "
        "172, …): 'id' must be an id, not 'Bad_50'"
    )
    assert lines[-1].startswith("content/themes.yml: error: 29,950 more errors like this one")


def test_many_kinds_of_problems_print_at_most_the_line_limit():
    diagnostics = Diagnostics()
    for i in range(1_000):
        diagnostics.error(f"content/reports/r{i:04}.md", 1, "a problem")
    lines = shown_lines(diagnostics)
    assert len(lines) == MAX_LINES
    assert lines[-1] == (
        f"… and {1_000 - MAX_LINES + 1:,} more problems, not shown: fix those above and run again"
    )
