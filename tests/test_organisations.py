"""Organisations: whose each document is, histories derived per organisation, and a site of one
organisation unchanged by declaring it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.diagnostics import Diagnostics
from builder.load.load import Project, display_path, read_sources
from builder.model.site import build_model
from builder.parse.content import parse_content
from builder.pipeline import build
from tests.conftest import FIXTURE, build_files, fixture_project

NATIONAL = Path(__file__).parent / "fixtures" / "national" / "content"


def national_project(out: Path, content: Path | None = None) -> Project:
    return Project(content or NATIONAL, FIXTURE / "templates", FIXTURE / "assets", out)


@pytest.fixture(scope="module")
def national_site():
    diagnostics = Diagnostics()
    content = parse_content(
        read_sources(NATIONAL, diagnostics), diagnostics, display_path(NATIONAL)
    )
    site = build_model(content, diagnostics)
    assert not diagnostics.errors, [d.format() for d in diagnostics.errors]
    return site


@pytest.fixture(scope="module")
def national_files() -> dict[str, bytes]:
    files, diagnostics = build_files(national_project(Path("/nonexistent")))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def statuses(site, rid: str) -> list[tuple[str, str]]:
    return [(e.report, e.status) for e in site.histories[rid].entries]


def test_a_history_runs_over_its_own_organisations_reports_only(national_site):
    site = national_site
    assert site.groups.several
    assert site.groups.of_report("2022-03-joint-visit") == ("beta", "gamma")
    # Another organisation's reports are never this one's silence.
    assert statuses(site, "beta-supervision") == [
        ("2019-03-beta", "raised"),
        ("2022-03-joint-visit", "raised-again"),
    ]
    assert statuses(site, "gamma-private-fostering") == [
        ("2013-05-gamma", "raised"),
        ("2022-03-joint-visit", "not-mentioned"),
    ]
    # Alpha's history is the one-organisation fixture's, with its earlier inspection.
    assert [e.report for e in site.histories["supervision"].entries] == [
        "2013-07-first",
        "2019-06-second",
        "2022-01-visit",
    ]
    assert site.histories["supervision"].standing.times_raised == 2


def test_a_joint_inspection_is_silent_on_what_it_does_not_mention_for_each_organisation(
    national_site,
):
    view = next(v for v in national_site.reports if v.report.id == "2022-03-joint-visit")
    assert view.statuses == {"beta-supervision": "raised-again"}
    assert "gamma-private-fostering" in view.unmentioned
    assert "private-fostering" not in view.unmentioned  # alpha's: not this report's concern
    # Previous and next run over the report's own organisation.
    second = next(v for v in national_site.reports if v.report.id == "2019-06-second")
    assert (second.previous, second.next) == ("2013-07-first", "2022-01-visit")


def test_declaring_the_one_organisation_changes_nothing(tmp_path: Path, fixture_files):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", content)
    (content / "organisations.yml").write_text(
        "- id: example\n  name: Example Council\n  region: South West\n"
    )
    first = content / "reports" / "2013-07-first.md"
    first.write_text(first.read_text().replace("---\n", "---\norganisation: example\n", 1))
    files, diagnostics = build_files(fixture_project(Path("/nonexistent"), content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    assert files.keys() == fixture_files.keys()
    changed = [name for name in files if files[name] != fixture_files[name]]
    assert changed == []


def check(content: Path) -> list[str]:
    diagnostics = Diagnostics()
    build(national_project(content.parent / "_site", content), diagnostics, write=False)
    return [d.format() for d in diagnostics.errors]


def test_every_document_on_a_site_of_several_says_whose_it_is(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(NATIONAL, content)
    beta = content / "reports" / "2019-03-beta.md"
    beta.write_text(beta.read_text().replace("organisation: beta\n", ""))
    recs = content / "recommendations.yml"
    recs.write_text(recs.read_text().replace("organisation: gamma", "organisation: gama", 1))
    errors = check(content)
    assert any(
        "2019-03-beta.md:" in e
        and "this site has 3 organisations: say whom this report is about" in e
        for e in errors
    ), errors
    assert any(
        "recommendations.yml:" in e and "unknown organisation 'gama'" in e and "gamma" in e
        for e in errors
    ), errors


def test_a_report_cannot_track_another_organisations_recommendation(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(NATIONAL, content)
    visit = content / "reports" / "2022-03-joint-visit.md"
    visit.write_text(visit.read_text().replace("tracks: beta-supervision", "tracks: supervision"))
    errors = check(content)
    assert any(
        "2022-03-joint-visit.md:" in e
        and "'supervision' is Alpha Council children's services's" in e
        for e in errors
    ), errors


def test_an_organisation_on_a_site_that_declares_none_is_unknown(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", content)
    first = content / "reports" / "2013-07-first.md"
    first.write_text(first.read_text().replace("---\n", "---\norganisation: example\n", 1))
    diagnostics = Diagnostics()
    build(fixture_project(tmp_path / "_site", content), diagnostics, write=False)
    assert [d.format().split("/content/", 1)[1] for d in diagnostics.errors] == [
        "reports/2013-07-first.md:2: error: unknown organisation 'example' (hint: "
        "declare it in content/organisations.yml, or remove 'organisation')"
    ]
