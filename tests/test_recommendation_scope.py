"""A report's own recommendations by scope: the safeguarding board's apart from the council's."""

from __future__ import annotations

from pathlib import Path

from conftest import build_files, fixture_project

SCOPES = """  scopes:
    - {id: council, title: "The council's children's services"}
    - {id: lscb, title: The Local Safeguarding Children Board}
"""
BOARD_RECOMMENDATION = """  - quote: Records are kept in one system
    scope: lscb
"""


def _with_scopes(content: Path, scope: str = "lscb") -> None:
    frameworks = content / "frameworks.yml"
    text = frameworks.read_text(encoding="utf-8")
    frameworks.write_text(
        text.replace("  years: 2010 to 2013\n", "  years: 2010 to 2013\n" + SCOPES, 1),
        encoding="utf-8",
    )
    report = content / "reports" / "2013-07-first.md"
    text = report.read_text(encoding="utf-8")
    text = text.replace(
        "series: overall-effectiveness}", "series: overall-effectiveness, scope: council}"
    )
    text = text.replace(
        "grade: good}\nrecommendations:", "grade: good, scope: council}\nrecommendations:"
    )
    text = text.replace(
        "    tracks: private-fostering\nannotations:",
        "    tracks: private-fostering\n"
        + BOARD_RECOMMENDATION.replace("lscb", scope)
        + "annotations:",
        1,
    )
    report.write_text(text, encoding="utf-8")


def test_the_boards_recommendations_are_shown_apart_from_the_councils(fixture_copy):
    _with_scopes(fixture_copy)
    files, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    html = files["reports/2013-07-first/index.html"].decode("utf-8")
    section = html[html.index('<h2 id="report-recommendations">') :]
    section = section[: section.index("</section>")]
    council = section.index("For the council’s children’s services</h3>".replace("’", "&#39;"))
    board = section.index("For the Local Safeguarding Children Board</h3>")
    assert council < section.index("improve private fostering arrangements") < board
    assert board < section.index("Records are kept in one system")
    assert section.count('<ol class="own-recommendations">') == 2


def test_recommendations_of_one_scope_are_one_list_without_a_heading(fixture_files):
    html = fixture_files["reports/2013-07-first/index.html"].decode("utf-8")
    section = html[html.index('<h2 id="report-recommendations">') :]
    section = section[: section.index("</section>")]
    assert "<h3" not in section and section.count('<ol class="own-recommendations">') == 1


def test_a_scope_the_framework_does_not_declare_is_refused(fixture_copy):
    _with_scopes(fixture_copy, scope="board")
    files, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    messages = [d.format() for d in diagnostics.sorted()]
    assert files is None
    assert any(
        "2013-07-first.md" in m
        and "unknown scope 'board' for framework 'old'" in m
        and "use one of: council, lscb" in m
        for m in messages
    ), messages
