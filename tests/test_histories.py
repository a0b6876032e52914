"""Every page and export tells one story: the statuses, counts and open rule derived once."""

from __future__ import annotations

import csv
import io
import json
import re

from conftest import fixture_project


def build(tmp_path):
    from conftest import build_files

    files, diagnostics = build_files(fixture_project(tmp_path / "out"))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def test_home_index_history_report_pages_and_exports_agree(fixture_files):
    exported = json.loads(fixture_files["data/recommendations.json"])
    open_ids = sorted(r["id"] for r in exported if r["open"])
    home = fixture_files["index.html"].decode()
    index = fixture_files["recommendations/index.html"].decode()
    # The home page's count and list are the index's "still open" group, and the export's open set.
    count = int(re.search(r"Recommendations still open \((\d+)\)", home).group(1))
    assert count == len(open_ids)
    assert f'Still open (<span class="filter-section-count">{len(open_ids)}</span>)' in index
    home_open = re.search(r'<section aria-labelledby="open">(.*?)</section>', home, re.S).group(1)
    assert sorted(re.findall(r'href="/recommendations/([^"/]+)/"', home_open)) == open_ids
    rows = list(
        csv.DictReader(io.StringIO(fixture_files["data/recommendations.csv"].decode("utf-8-sig")))
    )
    for rec in exported:
        page = fixture_files[f"recommendations/{rec['id']}/index.html"].decode()
        strip = re.findall(r'<td class="cell status-([a-z-]+)">', page)
        assert strip == list(rec["statuses"].values()), rec["id"]
        assert [r["status"] for r in rows if r["recommendation"] == rec["id"]] == strip
        for report, status in rec["statuses"].items():
            report_page = fixture_files[f"reports/{report}/index.html"].decode()
            panel = re.search(r'class="tracked-panel">(.*?)</ul>', report_page, re.S).group(1)
            shown = re.findall(
                r'status-([a-z-]+)">[^<]*</span> <a href="/recommendations/' + rec["id"] + "/",
                panel,
            )
            assert shown == ([status] if status not in ("not-mentioned", "not-known") else [])


def test_raised_again_is_derived_from_date_order_not_typed(fixture_copy, tmp_path):
    # The first report that raises a concern shows "raised" even when its editor typed "raised-again".
    first = fixture_copy / "reports" / "2019-06-second.md"
    first.write_text(first.read_text().replace("status: raised-again", "status: raised"))
    later = fixture_copy / "reports" / "2013-07-first.md"
    text = later.read_text()
    assert "status: positive" in text
    from conftest import build_files

    files, diagnostics = build_files(fixture_project(tmp_path / "out", fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    exported = {r["id"]: r for r in json.loads(files["data/recommendations.json"])}
    assert list(exported["private-fostering"]["statuses"].values()) == [
        "raised",
        "raised-again",
        "not-mentioned",
    ]
    assert exported["private-fostering"]["first_raised"] == "2013-07-first"
    assert exported["private-fostering"]["later_reports_silent"] == 1


def test_an_editors_summary_is_silent_as_not_known(fixture_copy, tmp_path):
    visit = fixture_copy / "reports" / "2022-01-visit.md"
    visit.write_text(visit.read_text().replace("\n---\n", "\nedition: summary\n---\n", 1))
    from conftest import build_files

    files, diagnostics = build_files(fixture_project(tmp_path / "out", fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    exported = {r["id"]: r for r in json.loads(files["data/recommendations.json"])}
    assert exported["private-fostering"]["statuses"]["2022-01-visit"] == "not-known"
    page = files["recommendations/private-fostering/index.html"].decode()
    assert "an editors’ summary, whose silence says nothing" in page
    report = files["reports/2022-01-visit/index.html"].decode()
    assert "These are the editors’ words, not the document’s." in report
    theme = files["themes/supervision/index.html"].decode()
    assert "Quoted from the editors’ summary of this report" in theme


def test_a_report_that_speaks_of_another_links_both_ways(fixture_files):
    visit = fixture_files["reports/2022-01-visit/index.html"].decode()
    aside = re.search(r'<p class="tags-inline mention"[^>]*>(.*?)</p>', visit, re.S).group(1)
    assert 'href="/reports/2019-06-second/"' in aside
    mentioned = fixture_files["reports/2019-06-second/index.html"].decode()
    section = re.search(r'id="report-mentioned-by">(.*?)</section>', mentioned, re.S).group(1)
    assert 'href="/reports/2022-01-visit/#' in section
    assert "the inspection in 2019" in section


def test_a_mention_of_an_unknown_report_and_an_event_that_is_a_report(fixture_copy, tmp_path):
    from conftest import build_files

    visit = fixture_copy / "reports" / "2022-01-visit.md"
    visit.write_text(visit.read_text().replace("report: 2019-06-second", "report: 2019-06-secnd"))
    events = fixture_copy / "events.yml"
    events.write_text(
        events.read_text()
        + '\n- id: 2013-again\n  title: Inspection\n  date: "2013-07"\n'
        + "  kind: inspection-report\n  framework: old\n"
    )
    files, diagnostics = build_files(fixture_project(tmp_path / "out", fixture_copy))
    assert files is None
    messages = [d.format() for d in diagnostics.sorted()]
    assert (
        "content/reports/2022-01-visit.md:19: error: unknown report '2019-06-secnd'"
        " (did you mean '2019-06-second'?)"
    ) in [m.replace(str(fixture_copy.parent) + "/", "") for m in messages]
    assert any(
        "warning: event '2013-again' looks like the inspection of report '2013-07-first'" in m
        for m in messages
    )
