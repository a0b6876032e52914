"""Every edition discloses its repairs of spelling and hyphens on its page, checked against its text."""

from __future__ import annotations

from pathlib import Path

from conftest import build_files, fixture_project

from builder.diagnostics import Diagnostics
from builder.load.load import display_path, read_sources
from builder.model.site import build_model
from builder.parse.content import parse_content

REPAIRS = """repairs:
  - {printed: uptodate, shown: up to date, paragraph: 4, note: Words run together.}
  - {printed: Supervison, shown: Supervision is regular, note: A misspelling repaired.}
  - {printed: judged, shown: judged, paragraph: 2}
"""


def _with(fixture_copy: Path, block: str) -> Path:
    report = fixture_copy / "reports" / "2013-07-first.md"
    text = report.read_text()
    report.write_text(text.replace("judgements:\n", block + "judgements:\n", 1))
    return report


def test_a_reports_repairs_are_listed_on_its_page(fixture_copy: Path, tmp_path: Path):
    _with(fixture_copy, REPAIRS)
    files, diagnostics = build_files(fixture_project(tmp_path / "out", fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    page = files["reports/2013-07-first/index.html"].decode()
    assert '<a href="#report-repairs">repairs to the text</a>' in page
    assert (
        '<li><a href="#p4">Paragraph 4</a>: “uptodate” in the source, “up to date” here. '
        "Words run together.</li>"
    ) in page
    assert "<li>“Supervison” in the source, “Supervision is regular” here." in page
    assert '<li><a href="#p2">Paragraph 2</a>: “judged” kept as printed</li>' in page
    other = files["reports/2019-06-second/index.html"].decode()
    assert "report-repairs" not in other


def test_a_repair_must_name_words_the_text_gives(fixture_copy: Path):
    report = _with(
        fixture_copy,
        "repairs:\n  - {printed: uptodate, shown: up-to-date, paragraph: 4}\n"
        "  - {printed: x, shown: y, paragraph: 99}\n  - {shown: z}\n",
    )
    lines = report.read_text().split("\n")
    first = lines.index("repairs:") + 2
    diagnostics = Diagnostics()
    records = parse_content(
        read_sources(fixture_copy, diagnostics), diagnostics, display_path(fixture_copy)
    )
    build_model(records, diagnostics)
    path = display_path(fixture_copy) + "/reports/2013-07-first.md"
    found = [d.format() for d in diagnostics.sorted() if d.severity == "error"]
    assert found == [
        f"{path}:{first}: error: repair: 'up-to-date' is not in paragraph 'p4' (hint: 'shown' is "
        "the words as the edition's text now gives them, 'printed' as the source gave them)",
        f"{path}:{first + 1}: error: paragraph 'p99' not found in this report",
        f"{path}:{first + 2}: error: repair is missing required key 'printed'",
    ], found
