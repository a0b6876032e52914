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


def board_concern(content: Path) -> None:
    """The board's recommendation of 2013 tracked as a concern of the board's ('scope: lscb'); the
    2019 framework judges the council alone, the 2022 visits' framework declares no scopes."""
    _with_scopes(content)
    frameworks = content / "frameworks.yml"
    text = frameworks.read_text(encoding="utf-8")
    frameworks.write_text(
        text.replace(
            "  years: 2014 onwards\n",
            "  years: 2014 onwards\n  scopes:\n"
            "    - {id: council, title: \"The council's children's services\"}\n",
            1,
        ),
        encoding="utf-8",
    )
    second = content / "reports" / "2019-06-second.md"
    second.write_text(
        second.read_text(encoding="utf-8").replace("grade: good}", "grade: good, scope: council}"),
        encoding="utf-8",
    )
    with (content / "recommendations.yml").open("a", encoding="utf-8") as recs:
        recs.write(
            "- id: board-records\n"
            "  title: The board's records\n"
            "  scope: lscb\n"
            "  description: The board should keep its records in one system.\n"
        )
    first = content / "reports" / "2013-07-first.md"
    first.write_text(
        first.read_text(encoding="utf-8").replace(
            BOARD_RECOMMENDATION,
            BOARD_RECOMMENDATION + "    tracks: board-records\n    status: raised\n",
        ),
        encoding="utf-8",
    )


def test_a_later_inspection_whose_remit_leaves_out_a_concerns_scope_is_not_silent_on_it(
    fixture_copy,
):
    import json
    import re

    board_concern(fixture_copy)
    files, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    page = files["recommendations/board-records/index.html"].decode("utf-8")
    said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    # 2019 judges the council alone: outside its remit. The 2022 visit is limited to no scope: it
    # does not mention it.
    assert (
        "Outside its remit: this inspection does not cover the Local Safeguarding Children Board, "
        "whose concern this is, so its silence says nothing." in said
    )
    assert said.count("This report does not mention it.") == 1
    assert (
        "last assessed in 2013; not mentioned by the 1 later report; outside the remit of the 1 "
        "later inspection" in said
    )
    strip = re.search(r'<table class="strip">.*?</table>', page, re.S)
    assert strip is not None
    assert re.findall(r'<td class="cell status-([a-z-]+)">', strip.group()) == [
        "raised",
        "not-covered",
        "not-mentioned",
    ]
    # The 2019 report does not list it among what the report before raised and it leaves unsaid.
    second = files["reports/2019-06-second/index.html"].decode("utf-8")
    assert "/recommendations/board-records/" not in second[second.index('id="report-tracked"') :]
    data = json.loads(files["data/recommendations.json"])
    (board,) = [r for r in data if r["id"] == "board-records"]
    assert board["statuses"] == {
        "2013-07-first": "raised",
        "2019-06-second": "not-covered",
        "2022-01-visit": "not-mentioned",
    }
    assert board["open"] is True  # nothing since has found it met: open, and said why it is quiet


def test_a_tracked_recommendations_scope_is_one_a_framework_declares(fixture_copy):
    board_concern(fixture_copy)
    recs = fixture_copy / "recommendations.yml"
    recs.write_text(recs.read_text(encoding="utf-8").replace("scope: lscb", "scope: lsbc"))
    files, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    assert files is None
    said = [d.format() for d in diagnostics.errors if "scope" in d.message]
    assert len(said) == 1 and said[0].endswith(
        "/recommendations.yml:15: error: unknown scope 'lsbc' (did you mean 'lscb'?) (hint: a "
        "scope a framework declares in frameworks.yml, one of: council, lscb)"
    ), said
