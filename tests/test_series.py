"""Series: one measure that a later framework words anew stays one line of the grade chart, one
row of the overview and one series in the data, when frameworks.yml says so."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from builder.parse.records import Area, Framework, Judgement, Scope, Where
from tests.conftest import build_files
from tests.test_organisations import NATIONAL, national_project

SCOPES = "  scopes:\n    - {id: whole-service, title: The whole service}\n"


def judgement(area: str, series: str = "", scope: str = "") -> Judgement:
    return Judgement(area, "good", series, False, "", "", Where("r.md", 1), scope)


def test_a_judgement_takes_its_line_from_what_it_names_then_its_framework_then_its_words():
    framework = Framework(
        "f",
        "F",
        "",
        "",
        (),
        Where("frameworks.yml", 1),
        (Scope("council", "Council"), Scope("board", "Board")),
        (
            Area("Children who need help and protection", "council", series="help"),
            Area("Overall effectiveness", "board", series="board-overall"),
        ),
    )
    # Matched loosely: case, a leading 'the' and punctuation aside.
    assert (
        framework.series(judgement("The children who need help, and protection", scope="council"))
        == "help"
    )
    # What the report names wins.
    assert (
        framework.series(judgement("Children who need help and protection", "mine", "council"))
        == "mine"
    )
    # An area of the same words in another scope is another measure.
    assert (
        framework.series(judgement("Overall effectiveness", scope="council"))
        == "overall-effectiveness"
    )
    assert framework.series(judgement("Overall effectiveness", scope="board")) == "board-overall"
    # Any other area is a line of its own words.
    assert framework.series(judgement("Children’s services in Wiltshire", scope="council")) == (
        "children-s-services-in-wiltshire"
    )


@pytest.fixture(scope="module")
def joined(tmp_path_factory) -> dict[str, bytes]:
    """The national fixture with its two frameworks judging one scope, and 'Quality of practice'
    (the old framework's words) and 'Quality of social work practice' (the new one's) declared one
    series; alpha's 2019 report judges the latter."""
    content = tmp_path_factory.mktemp("series") / "content"
    shutil.copytree(NATIONAL, content)
    frameworks = (content / "frameworks.yml").read_text()
    frameworks = frameworks.replace(
        "  years: 2010 to 2013\n",
        "  years: 2010 to 2013\n"
        + SCOPES
        + "  areas:\n    - {area: Quality of practice, series: practice}\n",
    ).replace(
        "  years: 2014 onwards\n",
        "  years: 2014 onwards\n"
        + SCOPES
        + "  areas:\n    - {area: Quality of social work practice, series: practice}\n",
    )
    (content / "frameworks.yml").write_text(frameworks)
    report = content / "reports" / "2019-06-second.md"
    report.write_text(
        report.read_text().replace(
            "  - {area: Leadership, grade: good}\n",
            "  - {area: Leadership, grade: good}\n"
            "  - {area: The quality of social work practice, grade: outstanding}\n",
        )
    )
    files, diagnostics = build_files(national_project(Path("/nonexistent"), content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def test_areas_a_framework_declares_one_series_are_one_line_of_the_chart(joined):
    html = joined["organisations/alpha/index.html"].decode()
    svg = re.search(r'<svg class="grade-chart".*?</svg>', html, re.S)
    assert svg is not None
    titles = re.findall(r"<title>([^<]+)</title>", svg.group())
    # Each point keeps the words its own report printed.
    assert "8 to 17 July 2013: Quality of practice: Good" in titles
    assert "June 2019: The quality of social work practice: Outstanding" in titles
    legend = re.findall(r'<text class="line-label"[^>]*>([^<]+)</text>', svg.group())
    # One line, named once, as its latest inspection words it.
    assert "The quality of social work practice" in " ".join(legend)
    assert "Quality of practice" not in " ".join(legend)
    # The practice line joins its two inspections (and overall effectiveness its three).
    lines = re.findall(r'<polyline class="series" points="([^"]+)"', svg.group())
    assert sorted(len(points.split()) for points in lines) == [2, 3]


def test_the_data_and_the_overview_count_one_series(joined):
    rows = list(csv.DictReader(io.StringIO(joined["data/judgements.csv"].decode("utf-8-sig"))))
    practice = {(r["item"], r["area"]) for r in rows if r["series"] == "practice"}
    assert ("2013-07-first", "Quality of practice") in practice
    assert ("2019-06-second", "The quality of social work practice") in practice
    assert ("2013-05-gamma", "Quality of practice") in practice
    overview = joined["organisations/overview/index.html"].decode()
    assert 'id="grades-whole-service-practice-caption"' in overview
    assert "quality-of-social-work-practice" not in overview
    table = re.search(r'id="grades-whole-service-practice-caption".*?</table>', overview, re.S)
    assert table is not None and ">2013<" in table.group() and ">2019<" in table.group()


def test_the_about_page_states_which_areas_are_joined(joined, fixture_files):
    about = joined["about/index.html"].decode()
    joins = re.search(r'<p id="series">.*?</ul>', about, re.S)
    assert joins is not None
    assert (
        "‘Quality of practice’ (2010 to 2013); ‘Quality of social work practice’ (2014 onwards)."
        in joins.group()
    )
    # A site whose frameworks join nothing says nothing of it.
    assert 'id="series"' not in fixture_files["about/index.html"].decode()


def test_the_overview_names_each_wording_it_counts_as_one_judgement(joined):
    overview = joined["organisations/overview/index.html"].decode()
    assert (
        "Counted as one judgement, as the frameworks of the time worded it: "
        "‘Quality of practice’ (2013); ‘The quality of social work practice’ (2019).</p>"
    ) in overview
    # A judgement worded one way says nothing of it.
    assert overview.count("Counted as one judgement") == 1


def test_a_wording_two_frameworks_share_is_named_once_with_both_their_years():
    from builder.views.pages import _joined

    def framework(id: str, years: str, area: str) -> Framework:
        scopes = (Scope("council", "Council"),)
        areas = (Area(area, series="help"),)
        return Framework(id, id.upper(), years, "", (), Where("f.yml", 1), scopes, areas)

    frameworks = (
        framework("sif", "2013 to 2018", "Children who need help and protection"),
        framework("ilacs", "2018 to 2026", "The experiences of children who need help"),
        framework("ilacs-2026", "2026 onwards", "The experiences of children who need help"),
    )
    assert _joined(frameworks) == (
        (
            ("Children who need help and protection", "2013 to 2018"),
            ("The experiences of children who need help", "2018 to 2026, 2026 onwards"),
        ),
    )
    assert _joined(frameworks[1:]) == ()  # one wording: nothing to say
