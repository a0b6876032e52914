"""Content rules from site.yml: off unless turned on, warnings with the paragraph's file and line."""

from __future__ import annotations

from pathlib import Path

from conftest import build_files, fixture_project

from builder.model.anchoring import Block
from builder.model.rules import block_lines


def test_rules_are_off_unless_the_site_turns_them_on(fixture_copy: Path):
    files, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    assert files is not None and not diagnostics.items  # the fixture has an un-themed paragraph


def test_an_unthemed_finding_is_named_with_its_line(fixture_copy: Path):
    site = fixture_copy / "site.yml"
    site.write_text(site.read_text() + "rules:\n  every_listed_finding_themed: true\n")
    visit = fixture_copy / "reports" / "2022-01-visit.md"
    visit.write_text(visit.read_text() + "\n- **Audits** are not yet used well.\n")
    files, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    line = visit.read_text().split("\n").index("- **Audits** are not yet used well.") + 1
    assert [d.format() for d in diagnostics.sorted()] == [
        f"{fixture_copy}/reports/2022-01-visit.md:{line}: warning: finding 'Audits are not yet"
        " used well.' has no theme (rule 'every_listed_finding_themed' in site.yml; hint:"
        " annotate it as 'paragraph: audits-are-not-yet-used-well' with themes: [...])"
    ]
    assert files is not None  # a warning: only --strict refuses it


def test_block_lines_find_items_written_with_emphasis():
    body = "## A\n\n- **Strengths**: many things\n- _Weak_ areas remain\n\n3. A paragraph.\n"
    blocks = (
        Block("a", "", "Strengths: many things"),
        Block("b", "", "Weak areas remain"),
        Block("p3", "3", "A paragraph."),
    )
    assert block_lines(body, 10, blocks, {"a", "b"}) == {"a": 12, "b": 13, "p3": 15}


def test_a_tracked_recommendation_one_document_speaks_of_is_named(fixture_copy: Path):
    # "records" is praised by the first report only, and is no report's own recommendation.
    site = fixture_copy / "site.yml"
    site.write_text(site.read_text() + "rules:\n  every_tracked_recommendation_followed: true\n")
    files, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    line = (fixture_copy / "recommendations.yml").read_text().split("\n").index("- id: records") + 1
    assert [d.format() for d in diagnostics.sorted()] == [
        f"{fixture_copy}/recommendations.yml:{line}: warning: tracked recommendation 'records' is"
        " spoken of by one document only (2013-07-first) and is no report's own recommendation"
        " (rule 'every_tracked_recommendation_followed' in site.yml; hint: track it where another"
        " document speaks of it, or fold it into the concern it belongs to)"
    ]
    assert files is not None


def test_a_report_lost_to_an_error_makes_no_concern_look_unfollowed(fixture_copy: Path):
    """An editor broke a report's indentation: besides its error, a warning sent them to
    recommendations.yml, a file they had not edited, as if a concern the lost report speaks of
    were followed by one document only."""
    site = fixture_copy / "site.yml"
    site.write_text(site.read_text() + "rules:\n  every_tracked_recommendation_followed: true\n")
    recs = fixture_copy / "recommendations.yml"
    recs.write_text(
        recs.read_text() + "\n- id: audits\n  title: Audits\n  themes: [supervision]\n"
        "  description: Audits that improve practice.\n"
    )
    for name, quote in (
        ("2013-07-first.md", "Supervision is regular"),
        ("2022-01-visit.md", "gaps in the frequency of supervision"),
    ):
        report = fixture_copy / "reports" / name
        report.write_text(
            report.read_text().replace(
                "annotations:\n",
                f"annotations:\n  - quote: {quote}\n    tracks: audits\n    status: raised\n",
                1,
            )
        )
    _, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    assert not [d for d in diagnostics.items if "'audits'" in d.message]  # two documents
    visit = fixture_copy / "reports" / "2022-01-visit.md"
    visit.write_text(visit.read_text().replace("    tracks: audits\n", "   tracks: audits\n", 1))
    _, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    said = [d.format() for d in diagnostics.sorted()]
    assert said and all("2022-01-visit.md" in line for line in said), said
