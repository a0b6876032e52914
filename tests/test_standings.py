"""Standings follow the reports' words, on every recommendation of a fixture site.

The fixture site is given the histories the Wiltshire content once got wrong: a concern praised
after it was raised (shown as "met"), a concern found progressing that no document raised (shown
beside "never raised as a concern"), a concern an earlier inspection outside the collection raised
as a later report reports it (first raised too late), and a status the editors inferred (shown
without its basis).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import build_files, fixture_project

from builder.diagnostics import Diagnostics
from builder.load.load import display_path, read_sources
from builder.model.site import build_model
from builder.parse.content import parse_content

EVENT = """
- id: 2010-07-earlier
  title: Earlier inspection
  date: "2010-07"
  kind: inspection-report
  framework: old
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def histories(fixture_copy: Path) -> Path:
    reports = fixture_copy / "reports"
    # Raised in 2019, praised in 2022: a positive mention, never found met.
    _edit(
        reports / "2022-01-visit.md",
        "    status: raised-again\n",
        "    status: positive\n",
    )
    # Found progressing in 2019 (the editors' inference), praised in 2013: no document raises it.
    _edit(
        reports / "2019-06-second.md",
        "  - paragraph: 1\n",
        "  - quote: Private fostering arrangements are not yet effective\n"
        "    tracks: records\n    status: progress\n    basis: inferred\n"
        "    note: Read as progress on records.\n"
        "  - paragraph: 1\n",
    )
    # The 2013 report says the earlier 2010 inspection raised private fostering.
    (fixture_copy / "events.yml").write_text((fixture_copy / "events.yml").read_text() + EVENT)
    _edit(
        reports / "2013-07-first.md",
        "annotations:\n",
        "annotations:\n"
        "  - quote: improve private fostering arrangements\n"
        "    inspection: 2010-07-earlier\n"
        "    tracks: private-fostering\n    status: raised\n"
        "    note: The earlier inspection raised it, as this report says.\n",
    )
    return fixture_copy


def _model(content: Path):
    diagnostics = Diagnostics()
    records = parse_content(read_sources(content, diagnostics), diagnostics, display_path(content))
    site = build_model(records, diagnostics)
    assert not [d for d in diagnostics.items if d.severity == "error"], [
        d.format() for d in diagnostics.sorted()
    ]
    return records, site


def _words(records, rid: str) -> list[tuple[tuple, str, str]]:
    """Every word recorded on `rid`, independently of the derivation: (date order, who, status)."""
    events = {e.id: e for e in records.events}
    out = []
    for report in records.reports:
        for item in (*report.recommendations, *report.annotations):
            if item.tracks != rid or not item.status:
                continue
            status = "raised" if item.status == "raised-again" else item.status
            inspection = getattr(item, "inspection", "")
            if inspection:
                out.append(((events[inspection].date.start, inspection), inspection, status))
            else:
                out.append(((report.date, report.id), report.id, status))
    return out


SEVERITY = {"raised": 4, "progress": 3, "met": 2, "positive": 1}


def test_every_recommendation_stands_where_the_reports_words_put_it(histories: Path):
    records, site = _model(histories)
    assert site.histories
    for rid, history in site.histories.items():
        words = _words(records, rid)
        by_place: dict[tuple, str] = {}
        for place, _, status in words:  # one word per report: the most serious
            if SEVERITY[status] > SEVERITY.get(by_place.get(place, ""), 0):
                by_place[place] = status
        ordered = sorted(by_place.items())
        standing = history.standing
        latest = ordered[-1][1] if ordered else ""
        # "Met" only where the latest report that speaks of it found it met.
        assert (standing.standing == "met") == (latest == "met"), rid
        # "First raised" at the earliest document or reported inspection that raised it.
        raised = [place[1] for place, status in ordered if status == "raised"]
        assert standing.first_raised == (raised[0] if raised else ""), rid
        # "Never raised as a concern" never stands beside a concern.
        concern = any(status in ("raised", "progress", "met") for _, status in ordered)
        assert (standing.standing == "strength") == (bool(ordered) and not concern), rid


def test_the_fixture_reproduces_each_contradiction(histories: Path):
    _, site = _model(histories)
    supervision = site.histories["supervision"].standing
    assert (supervision.latest_status, supervision.standing) == ("positive", "positive")
    records = site.histories["records"].standing
    assert records.standing != "strength" and records.before_collection
    fostering = site.histories["private-fostering"].standing
    assert fostering.first_raised == "2010-07-earlier"
    assert [c.status for c in fostering.cells][0] == "raised-again"


def test_pages_show_the_rules_and_every_inferred_or_reported_basis(histories: Path, tmp_path):
    files, diagnostics = build_files(fixture_project(tmp_path / "out", histories))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    page = lambda name: files[name].decode()  # noqa: E731
    records = page("recommendations/records/index.html")
    assert "Never raised as a concern" not in records
    assert "First raised before the documents in this collection" in records
    # The inferred status is marked in the strip, the history entry and the report's panel.
    assert '<span class="cell-basis">inferred</span>' in records
    assert "(inferred by the editors)" in records
    report = page("reports/2019-06-second/index.html")
    panel = re.search(r'class="tracked-panel">(.*?)</ul>', report, re.S).group(1)
    assert "(inferred by the editors)" in panel
    fostering = page("recommendations/private-fostering/index.html")
    assert "First raised: July 2010, at an inspection outside this collection" in fostering
    assert "as reported in 2013" in fostering
    assert "as reported by" in fostering
    index = page("recommendations/index.html")
    positive = re.search(r'id="group-positive">(.*?)</section>', index, re.S).group(1)
    assert "/recommendations/supervision/" in positive
    met = re.search(r'id="group-met">(.*?)</section>', index, re.S)
    assert met is None or "/recommendations/supervision/" not in met.group(1)
    timeline = page("timeline/index.html")
    assert "What it found, as a later document reports it" in timeline
    # The data say which statuses are inferred.
    annotations = json.loads(files["data/annotations.json"])
    assert any(a.get("status_basis") == "inferred" for a in annotations)
    # The about page states the rules the builder applies.
    about = page("about/index.html")
    assert (
        "it is <strong>met</strong> only when the latest report that speaks of it found it met"
        in about
    )
    assert "Praise is not a finding that a concern is met" in about


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "    inspection: 2010-07-earlie\n",
            "unknown inspection '2010-07-earlie' (did you mean '2010-07-earlier'?)",
        ),
        (
            "    inspection: 2015-inspection\n",
            "inspection '2015-inspection' (2015) is not earlier than this report (2013-07-08): a "
            "report can only report what an earlier inspection found",
        ),
        (
            "    inspection: 2010-07-earlier\n    basis: inferred\n",
            "an earlier inspection's status has the basis 'as reported by' this report: remove "
            "'basis'",
        ),
    ],
)
def test_a_reported_inspection_must_be_an_earlier_event(histories: Path, line, message):
    _edit(histories / "reports" / "2013-07-first.md", "    inspection: 2010-07-earlier\n", line)
    diagnostics = Diagnostics()
    records = parse_content(
        read_sources(histories, diagnostics), diagnostics, display_path(histories)
    )
    build_model(records, diagnostics)
    found = [d.format() for d in diagnostics.sorted() if d.severity == "error"]
    assert len(found) == 1 and message in found[0], found
    assert re.match(r".*2013-07-first\.md:\d+: error: ", found[0])


def test_a_theme_strip_cell_with_concerns_and_strengths_is_not_shown_as_concerns_alone(
    histories: Path, tmp_path
):
    # 2022: supervision praised (above) beside a concern on the same subject: neither red nor blue.
    _edit(
        histories / "reports" / "2022-01-visit.md",
        "annotations:\n",
        "annotations:\n  - quote: For a small number of staff\n    themes: [supervision]\n"
        "    tracks: records\n    status: raised\n",
    )
    files, diagnostics = build_files(fixture_project(tmp_path / "out", histories))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    theme = files["themes/supervision/index.html"].decode()
    # (The count of passages links down to them; its words for a screen reader are hidden.)
    shown = re.sub(r'<span class="visually-hidden">[^<]*</span>|</?a\b[^>]*>', "", theme)
    cells = re.findall(r'<td class="cell ([a-z-]+)">([^<]*)<br>([^<]*)<br>([^<]*)</td>', shown)
    assert ("has-mixed", "2 passages", "1 concern", "1 progress or strength") in cells, cells


def test_the_data_says_which_passages_report_an_earlier_inspection(histories: Path, tmp_path: Path):
    """The 2013 report's word on what the 2010 inspection found is the 2010 inspection's: its
    row in the annotation files says so, with its basis, and the recommendation's first raising
    is named by that inspection's title."""
    files, diagnostics = build_files(fixture_project(tmp_path, histories))
    assert files is not None, [d.format() for d in diagnostics.sorted()]

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(files[f"data/{name}"].decode("utf-8-sig"))))

    reported = [a for a in rows("annotations.csv") if a["inspection"]]
    assert [(a["report"], a["inspection"], a["status"]) for a in reported] == [
        ("2013-07-first", "2010-07-earlier", "raised")
    ]
    inferred = [a for a in rows("annotations.csv") if a["status_basis"] == "inferred"]
    assert [a["report"] for a in inferred] == ["2019-06-second"]
    as_json = [a for a in json.loads(files["data/annotations.json"]) if a["inspection"]]
    assert [a["report"] for a in as_json] == ["2013-07-first"]
    fostering = [
        r for r in rows("recommendations.csv") if r["recommendation"] == "private-fostering"
    ]
    assert {(r["first_raised"], r["first_raised_title"]) for r in fostering} == {
        ("2010-07-earlier", "Earlier inspection")
    }
