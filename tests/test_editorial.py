"""The bundled history's editorial findings stay fixed: statuses, wording and metadata a careful
reading against the source documents corrected. Content-correctness tests of the bundled site."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from builder.diagnostics import Diagnostics
from builder.load.load import Project
from builder.pipeline import build


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    diagnostics = Diagnostics()
    files = build(
        Project.at(ROOT), diagnostics, write=False, base_url="https://history.example.gov.uk/"
    )
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


@pytest.fixture(scope="module")
def statuses(site) -> dict[str, dict[str, str]]:
    return {r["id"]: r["statuses"] for r in json.loads(site["data/recommendations.json"])}


def year(statuses: dict[str, str], prefix: str) -> str:
    return next(status for report, status in statuses.items() if report.startswith(prefix))


def test_out_of_hours_is_not_met_in_2013_its_note_says_the_police_part_is_not_described(statuses):
    assert year(statuses["out-of-hours-police-response"], "2013") != "met"


def test_supervision_is_not_first_raised_by_the_2012_report_on_other_agencies_staff(site):
    record = next(
        r for r in json.loads(site["data/recommendations.json"]) if r["id"] == "supervision"
    )
    assert not record["first_raised"].startswith("2012")


def test_early_help_2019_is_progress_an_awareness_sentence_is_not_met(statuses):
    assert year(statuses["early-help-caf"], "2019") == "progress"


def test_2019_paragraph_5_speaks_of_child_protection_procedures(statuses):
    assert year(statuses["child-protection-procedures"], "2019") != "not-mentioned"


def test_the_2022_care_leavers_visit_is_not_counted_against_children_in_care(statuses):
    assert year(statuses["placement-sufficiency"], "2022") == "not-mentioned"
    assert year(statuses["health-and-education-in-care"], "2022") == "not-mentioned"


def test_original_spellings_are_kept_as_printed():
    reports = ROOT / "content" / "reports"
    assert "guality" in (reports / "2013-07-child-protection.md").read_text()
    assert "multiagency" in (reports / "2011-06-contact-referral-assessment.md").read_text()


def test_the_about_page_says_each_thing_once_and_claims_no_more_than_it_holds(site):
    about = site["about/index.html"].decode()
    assert "Ofsted: Ofsted:" not in about
    assert about.count("Crown copyright. Crown copyright") == 0
    home = site["index.html"].decode()
    assert "Every inspection" not in home
