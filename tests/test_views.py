"""Each page's view, built in Python: what its template shows, derived once and tested here."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import FIXTURE

from builder.diagnostics import Diagnostics
from builder.load.load import display_path, read_sources
from builder.model.site import build_model
from builder.parse.content import parse_content
from builder.urls import Urls
from builder.views.pages import Neighbour, plan_pages


def plan(content: Path = FIXTURE / "content"):
    diagnostics = Diagnostics()
    parsed = parse_content(read_sources(content, diagnostics), diagnostics, display_path(content))
    site = build_model(parsed, diagnostics)
    assert not diagnostics.has_errors()
    return {
        (p.kind, p.id): p.made()
        for p in plan_pages(site, Urls(), lambda name: f"templates/{name}", ("a.json",))
    }


@pytest.fixture(scope="module")
def pages():
    return plan()


def test_every_page_has_its_output_path_and_source(pages):
    report = pages[("report", "2019-06-second")]
    assert report.output == "reports/2019-06-second/index.html"
    assert report.source.endswith("content/reports/2019-06-second.md")
    assert pages[("theme", "records")].output == "themes/records/index.html"
    assert pages[("theme", "records")].source == "templates/theme.html"
    assert pages[("not_found", "")].output == "404.html"
    assert pages[("data", "")].view.data_names == ("a.json",)


def test_recommendations_are_grouped_by_their_derived_standing(pages):
    groups = pages[("recommendations", "")].view.groups
    assert [(g.id, [m.id for m in g.members]) for g in groups] == [
        ("open", ["private-fostering", "supervision"]),  # by title: "Identify…", "Regular…"
        ("met", []),
        ("positive", []),
        ("strength", ["records"]),
        ("unassessed", []),
    ]


def test_home_lists_exactly_the_open_group(pages):
    home = pages[("home", "")].view
    index = pages[("recommendations", "")].view.groups[0]
    assert home.open == tuple(dataclasses.replace(h, strip=()) for h in index.members)
    assert all(h.strip for h in index.members)  # the strips only the index shows
    assert [h.id for h in home.open] == ["private-fostering", "supervision"]
    assert home.latest.id == "2019-06-second"  # the 2022 visit gives no grade
    assert [r.id for r in home.report_list] == ["2013-07-first", "2019-06-second", "2022-01-visit"]


def test_an_aside_links_the_earlier_and_later_evidence(pages):
    body = pages[("report", "2019-06-second")].view.body
    asides = {a.passage.key: a for part in body for a in part.asides}
    supervision = asides["rec-the-quality-of-social-work"]
    assert supervision.tracks_title == "Regular supervision"
    assert supervision.earlier == Neighbour("2013-07-first", "p2", "2013 ¶2")
    assert supervision.later == Neighbour("2022-01-visit", "for-a-small-number-of-staff", "2022")
    assert asides["rec-raising-awareness-of-private-fostering"].later is None
    assert [t.title for t in asides["note-p1"].themes] == ["Private fostering"]


def test_the_body_is_its_runs_and_asides_in_order(pages):
    view = pages[("report", "2019-06-second")].view
    keys = [a.passage.key for part in view.body for a in part.asides]
    assert sorted(keys) == [
        "note-p1",
        "note-since-the-last-inspection-in",
        "rec-raising-awareness-of-private-fostering",
        "rec-the-quality-of-social-work",
    ]
    assert view.body[-1].asides == ()
    assert all("<!--aside:" not in part.html for part in view.body)


def test_a_report_shows_its_own_history_entry(pages):
    view = pages[("report", "2019-06-second")].view
    assert [(row.id, row.status) for row in view.tracked] == [
        ("supervision", "raised"),
        ("private-fostering", "raised-again"),
    ]
    assert [p.key for p in view.tracked[0].evidence] == ["rec-the-quality-of-social-work"]
    assert view.previous.id == "2013-07-first" and view.next.id == "2022-01-visit"


def test_theme_entries_count_concerns_and_strengths(pages):
    entries = pages[("theme", "supervision")].view.entries
    assert [(e.report.id, len(e.passages), e.concerns, e.strengths) for e in entries] == [
        ("2013-07-first", 1, 0, 1),
        ("2019-06-second", 2, 1, 0),
        ("2022-01-visit", 1, 1, 0),
    ]


def test_silence_after_the_last_assessment_is_counted_not_read_as_open(pages):
    fostering = pages[("recommendation", "private-fostering")].view.summary
    assert (fostering.last_assessed_year, fostering.silent_since) == (2019, 1)
    assert [c.status for c in fostering.strip] == ["raised", "raised-again", "not-mentioned"]
    assert fostering.first_raised_year == 2013 and fostering.recurring and fostering.is_open
