"""A report's headline: the judgement lists, counts and the overview take for the whole report.

A framework may give none (the reformed ILACS of 2026 gives four judgements and no overall
effectiveness): then no judgement stands for the report, and nothing counts one as if it did.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from builder.parse.records import Area, Framework, Judgement, Scope, Where
from tests.conftest import build_files
from tests.test_organisations import NATIONAL, national_project, rows_of


def judgement(area: str, headline: bool = False) -> Judgement:
    return Judgement(area, "good", "", headline, "", "", Where("r.md", 1))


def framework(*areas: Area) -> Framework:
    scopes = (Scope("council", "Council"),)
    return Framework("f", "F", "", "", (), Where("frameworks.yml", 1), scopes, areas)


def test_the_headline_is_the_one_marked_else_the_frameworks_else_none_where_it_names_none():
    leaders, overall = judgement("Leaders"), judgement("The overall effectiveness")
    # The one a report marks wins.
    marked = judgement("Leaders", headline=True)
    assert framework(Area("Overall effectiveness", headline=True)).headline((marked, overall)) == (
        marked
    )
    # Else the one whose area the framework marks, wherever it stands (words matched loosely).
    assert framework(Area("Leaders"), Area("Overall effectiveness", headline=True)).headline(
        (leaders, overall)
    ) == (overall)
    # A framework that lists its areas and marks none gives no headline: the first is no summary.
    assert (
        framework(Area("Leaders"), Area("Overall effectiveness")).headline((leaders, overall))
        is None
    )
    # A framework that lists no areas leaves it to the reports: the first stands for it.
    assert framework().headline((leaders, overall)) == leaders
    assert framework().headline(()) is None


def with_reformed_framework(content: Path) -> None:
    """A framework that gives no headline, and beta's last inspection (2026) under it: two
    judgements, good and outstanding."""
    with (content / "frameworks.yml").open("a") as frameworks:
        frameworks.write(
            "- id: reformed\n"
            "  title: Reformed framework\n"
            "  years: 2026 onwards\n"
            "  scale:\n"
            "    - {grade: outstanding, label: Outstanding, ordinal: 4}\n"
            "    - {grade: good, label: Good, ordinal: 3}\n"
            "    - {grade: inadequate, label: Inadequate, ordinal: 1}\n"
            "  areas:\n"
            "    - {area: Leadership}\n"
            "    - {area: Children in care}\n"
        )
    beta = (content / "reports" / "2019-03-beta.md").read_text()
    later = (
        beta.replace("id: 2019-03-beta", "id: 2026-05-beta")
        .replace("framework: new", "framework: reformed")
        .replace('start: "2019-03"', 'start: "2026-05"')
        .replace("published: 2019-07-26", "published: 2026-07-20")
        .replace(
            "  - {area: Overall effectiveness, grade: inadequate, headline: true}\n"
            "  - {area: Leadership, grade: good}\n",
            "  - {area: Leadership, grade: outstanding}\n"
            "  - {area: Children in care, grade: good}\n",
        )
    )
    later = re.sub(r"recommendations:\n(?:  .*\n)+", "", later)
    (content / "reports" / "2026-05-beta.md").write_text(later)


@pytest.fixture(scope="module")
def reformed(tmp_path_factory) -> dict[str, bytes]:
    """The national fixture, with_reformed_framework."""
    content = tmp_path_factory.mktemp("headline") / "content"
    shutil.copytree(NATIONAL, content)
    with_reformed_framework(content)
    files, diagnostics = build_files(national_project(Path("/nonexistent"), content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def text(files: dict[str, bytes], name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", files[name].decode()))


def test_a_list_never_shows_a_first_judgement_as_the_organisations_latest_grade(reformed):
    html = reformed["organisations/index.html"].decode()
    beta = html[html.index('href="/organisations/beta/"') :].split("</tr>")[0]
    cell = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", beta))
    assert "No headline grade 2 judgements, May 2026" in cell
    assert "Outstanding" not in cell and "Inadequate" not in cell  # nor its 2019 grade
    assert 'href="/reports/2026-05-beta/"' in beta
    # No grade's list holds beta, and only grades some organisation's latest gives are offered;
    # a list of its own, after every grade, holds those whose latest gave none.
    assert "organisations/grade/outstanding/index.html" not in reformed
    assert "organisations/grade/inadequate/index.html" not in reformed
    assert rows_of(reformed["organisations/grade/good/index.html"].decode()) == ["alpha", "gamma"]
    facets = html[html.index('id="by-grade"') :].split("</ul>")[0]
    assert re.findall(r">([\w ]+)</a>", facets) == ["Any grade", "Good", "No headline grade"]
    none = reformed["organisations/grade/no-headline/index.html"].decode()
    assert rows_of(none) == ["beta"]
    assert "<h1>Organisations whose latest inspection gave no headline grade</h1>" in none
    assert rows_of(
        reformed["organisations/region/south-west/grade/no-headline/index.html"].decode()
    ) == ["beta"]


def test_the_overview_counts_latest_headlines_only_and_names_whom_it_leaves_out(reformed):
    html = reformed["organisations/overview/index.html"].decode()
    latest = html[html.index('id="latest-grades"') : html.index('id="by-year"')]
    row = latest[latest.index("<tbody>") : latest.index("</tbody>")]
    assert re.findall(r"<td>(\d+)</td>", row)[-1] == "2"  # alpha's and gamma's
    # It counts organisations, and says so; the charts by year count judgements.
    assert "Latest headline grade: the number of organisations at each grade</caption>" in latest
    assert "Overall effectiveness (" in html and "the number of judgements at each grade" in html
    assert "for the 6 judgements given most often, by the year of the inspection (" in html
    said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", latest))
    assert (
        "Not counted above: Beta (2026), whose latest inspection gave judgements but no headline "
        "grade." in said
    )
    # A grade given years before others is counted beside them: the note says what each was
    # given under, and when.
    assert (
        "Each organisation’s latest headline grade is counted, however long ago it was given: "
        "1 was given under ‘New framework’ in 2019; 1 was given under ‘Old framework’ in 2013."
        in said
    )
    # Its judgements are counted, each as what it is.
    by_year = text(reformed, "organisations/overview/index.html")
    assert "Leadership" in by_year
    # Side by side, its 2026 inspection is there, with no grade made up for it.
    compare = html[html.index('<table class="compare">') :]
    beta = compare[compare.index('data-organisation="beta"') :].split("</tr>")[0]
    assert re.findall(r">([\w ]+)</a></td>", beta) == ["Inadequate", "No headline grade"]
    assert '<a href="/reports/2026-05-beta/">No headline grade</a>' in beta


def test_the_report_and_its_lists_say_it_gives_judgements_and_no_headline(reformed):
    page = reformed["reports/2026-05-beta/index.html"].decode()
    meta = page[page.index('class="report-meta"') :].split("</p>")[0]
    assert '<a href="#report-judgements">2 judgements</a>, no headline grade' in meta
    assert 'id="report-judgements"' in page
    listed = text(reformed, "organisations/beta/index.html")
    assert "Inspection report · Ofsted · 2 judgements, no headline grade" in listed
    rows = reformed["data/reports.csv"].decode("utf-8-sig").splitlines()
    header = rows[0].split(",")
    beta = next(r for r in rows if r.startswith("2026-05-beta,"))
    assert beta.split(",")[header.index("headline_grade")] == ""


def test_the_overview_counts_a_services_own_headline_apart_from_whole_service_ones(tmp_path):
    """A looked-after-children inspection's overall effectiveness judges that service alone:
    when it is an organisation's latest, the overview counts it on a row of its own and says
    whose it is, never among the whole service's grades."""
    content = tmp_path / "content"
    shutil.copytree(NATIONAL, content)
    with (content / "frameworks.yml").open("a") as frameworks:
        frameworks.write(
            "- id: children-in-care\n"
            "  title: Inspection of services for children in care\n"
            "  years: 2012 to 2013\n"
            "  scopes:\n"
            "    - {id: children-in-care, title: Services for children in care}\n"
            "  scale:\n"
            "    - {grade: good, label: Good, ordinal: 3}\n"
            "    - {grade: inadequate, label: Inadequate, ordinal: 1}\n"
            "  areas:\n"
            "    - {area: Overall effectiveness of services for children in care, headline: true}\n"
        )
    gamma = (content / "reports" / "2013-05-gamma.md").read_text()
    later = (
        gamma.replace("id: 2013-05-gamma", "id: 2013-11-gamma")
        .replace("framework: old", "framework: children-in-care")
        .replace("{start: 2013-05-06, end: 2013-05-15}", "{start: 2013-11-04, end: 2013-11-15}")
        .replace(
            "  - {area: Overall effectiveness, grade: good, paragraph: 2, series: "
            "overall-effectiveness}\n  - {area: Quality of practice, grade: good}\n",
            "  - {area: Overall effectiveness of services for children in care, "
            "grade: inadequate}\n",
        )
    )
    later = re.sub(r"recommendations:\n(?:  .*\n)+", "", later)
    later = re.sub(r"annotations:\n(?:  .*\n)+", "", later)
    (content / "reports" / "2013-11-gamma.md").write_text(later)
    files, diagnostics = build_files(national_project(Path("/nonexistent"), content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    html = files["organisations/overview/index.html"].decode()
    latest = html[html.index('id="latest-grades"') : html.index('id="by-year"')]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td>\d+</td>)+)</tr>', latest)
    counts = {label: re.findall(r"<td>(\d+)</td>", cells) for label, cells in rows}
    assert counts["Services for children in care"][-2:] == ["1", "1"]  # gamma alone, inadequate
    assert len(counts) == 2 and sum(int(c[-1]) for c in counts.values()) == 3
    said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", latest))
    assert (
        "Counted apart by what their latest headline grade judged: Gamma (2013) "
        "(services for children in care)." in said
    )


def test_the_overview_says_how_many_of_the_reports_it_counts_are_drafts(tmp_path):
    """A national site of 45 imported drafts counted their grades on the overview without a word
    that none was confirmed yet."""
    content = tmp_path / "content"
    shutil.copytree(NATIONAL, content)
    files, diagnostics = build_files(national_project(Path("/nonexistent"), content))
    assert (
        files is not None
        and "unconfirmed draft" not in files["organisations/overview/index.html"].decode()
    )
    beta = content / "reports" / "2019-03-beta.md"
    beta.write_text(
        beta.read_text().replace("id: 2019-03-beta\n", "id: 2019-03-beta\ndraft: true\n", 1)
    )
    files, diagnostics = build_files(national_project(Path("/nonexistent"), content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    said = text(files, "organisations/overview/index.html")
    assert re.search(
        r"1 of the \d+ reports is an unconfirmed draft: its grades are counted as imported, before "
        r"an editor has checked them against the document\.",
        said,
    ), said[:2000]
