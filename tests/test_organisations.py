"""Organisations: whose each document is, histories derived per organisation, and a site of one
organisation unchanged by declaring it."""

from __future__ import annotations

import re
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
def national_build() -> tuple[dict[str, bytes], Diagnostics]:
    files, diagnostics = build_files(national_project(Path("/nonexistent")))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files, diagnostics


@pytest.fixture(scope="module")
def national_files(national_build) -> dict[str, bytes]:
    return national_build[0]


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


def test_a_joint_reports_page_says_each_organisations_own_earlier_word_and_neighbours(
    national_files,
):
    """The Beta and Gamma visit said Gamma's concern was raised in 2019, linking to Beta's
    report (Gamma's was raised in 2013), beside Beta's line of the same title, neither named;
    its previous report was Beta's alone."""
    joint = page(national_files, "reports/2022-03-joint-visit/index.html")
    silent = joint[joint.index('id="report-unmentioned"') :].split("</ul>")[0]
    assert "on each organisation" in silent.split("</h3>")[0]
    rows = re.findall(
        r'href="/recommendations/([\w-]+)/">[^<]*</a> <span class="meta">\((\w+)\)</span> '
        r'\(raised in <a href="/reports/([\w-]+)/">(\d+)</a>\)',
        silent,
    )
    assert rows == [
        ("beta-private-fostering", "Beta", "2019-03-beta", "2019"),
        ("gamma-private-fostering", "Gamma", "2013-05-gamma", "2013"),
    ]
    tracked = joint[joint.index('id="report-tracked"') :].split("</ul>")[0]
    assert '">Regular supervision</a> <span class="meta">(Beta)</span>' in tracked
    nav = joint[joint.index('<nav class="prev-next') :].split("</nav>")[0]
    assert re.findall(r'whose">(\w+):</span> <a rel="prev" href="/reports/([\w-]+)/"', nav) == [
        ("Beta", "2019-03-beta"),
        ("Gamma", "2013-05-gamma"),
    ]
    # A report on one organisation says neither: its page is as on a site of one.
    beta = page(national_files, "reports/2019-03-beta/index.html")
    assert "prev-next-each" not in beta and '<span class="meta">(Beta)</span>' not in beta


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


# ---- The pages of a site of several organisations ----------------------------------------------


def page(files: dict[str, bytes], name: str) -> str:
    return files[name].decode("utf-8")


def rows_of(html: str) -> list[str]:
    """The organisations a list page shows, in order."""
    body = html[html.index('<table class="organisations">') :]
    return re.findall(r'<th scope="row"><a href="/organisations/([a-z-]+)/">', body)


def test_the_list_shows_each_organisations_latest_grade_and_what_is_open(
    national_files, national_site
):
    html = page(national_files, "organisations/index.html")
    assert rows_of(html) == ["alpha", "beta", "gamma"]
    beta = html[html.index('href="/organisations/beta/"') :].split("</tr>")[0]
    assert "grade-1" in beta and "Inadequate" in beta and "March 2019" in beta
    open_beta = sum(
        1
        for rid, h in national_site.histories.items()
        if h.standing.is_open and national_site.groups.of_recommendation(rid) == "beta"
    )
    assert re.findall(r"<td>(\d+)</td>", beta) == ["2", str(open_beta)]  # reports, still open


def test_the_list_narrows_by_region_and_by_latest_grade_without_script(national_files):
    south_west = page(national_files, "organisations/region/south-west/index.html")
    assert rows_of(south_west) == ["alpha", "beta"]
    assert 'aria-current="page">South West</a>' in south_west
    inadequate = page(national_files, "organisations/grade/inadequate/index.html")
    assert rows_of(inadequate) == ["beta"]
    assert rows_of(page(national_files, "organisations/grade/good/index.html")) == [
        "alpha",
        "gamma",
    ]


def facets(html: str, heading: str) -> dict[str, tuple[str | None, int, bool]]:
    """A facet list's choices: label -> (the page it links to or None, its count, current)."""
    body = html[html.index(f'<ul aria-labelledby="{heading}">') :].split("</ul>")[0]
    found = {}
    for item in re.findall(r"<li>(.*?)</li>", body):
        link = re.match(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', item)
        count = int(re.search(r"\((\d+)\)</span>$", item).group(1))  # type: ignore[union-attr]
        if link:
            found[link.group(3)] = (link.group(1), count, bool(link.group(2)))
        else:
            found[re.sub(r"<[^>]+>", "", item).rsplit(" (", 1)[0]] = (None, count, False)
    return found


def test_the_list_narrows_by_region_and_grade_at_once_without_script(national_files):
    # From a region page the reader narrows by grade, and from a grade page by region.
    south_west = page(national_files, "organisations/region/south-west/index.html")
    assert facets(south_west, "by-grade") == {
        "Any grade": ("/organisations/region/south-west/", 2, True),
        "Good": ("/organisations/region/south-west/grade/good/", 1, False),
        "Inadequate": ("/organisations/region/south-west/grade/inadequate/", 1, False),
    }
    good = page(national_files, "organisations/grade/good/index.html")
    assert facets(good, "by-region") == {
        "Any region": ("/organisations/grade/good/", 2, True),
        "North East": ("/organisations/region/north-east/grade/good/", 1, False),
        "South West": ("/organisations/region/south-west/grade/good/", 1, False),
    }
    both = page(national_files, "organisations/region/south-west/grade/good/index.html")
    assert rows_of(both) == ["alpha"]
    assert rows_of(
        page(national_files, "organisations/region/south-west/grade/inadequate/index.html")
    ) == ["beta"]
    assert rows_of(
        page(national_files, "organisations/region/north-east/grade/good/index.html")
    ) == ["gamma"]
    # The page says what it shows, marks both choices and clears each on its own.
    said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", both))
    assert "Showing 1 of the 3 organisations: region South West, latest headline grade Good" in said
    assert facets(both, "by-region")["South West"][2] and facets(both, "by-grade")["Good"][2]
    showing = both[both.index('class="showing"') :].split("</div>")[0]
    assert 'href="/organisations/grade/good/">Clear the region' in showing
    assert 'href="/organisations/region/south-west/">Clear the grade' in showing
    # A combination no organisation holds is counted, never linked, and has no page.
    north_east = page(national_files, "organisations/region/north-east/index.html")
    assert facets(north_east, "by-grade")["Inadequate"] == (None, 0, False)
    assert "organisations/region/north-east/grade/inadequate/index.html" not in national_files


def test_every_facet_link_resolves_and_counts_what_its_page_lists(national_build):
    files, diagnostics = national_build
    assert not [d.format() for d in diagnostics.items if "broken link" in d.message]
    lists = [
        name
        for name in files
        if name == "organisations/index.html"
        or re.fullmatch(r"organisations/(region|grade)/.+/index\.html", name)
    ]
    assert len(lists) == 1 + 2 + 2 + 3  # all, 2 regions, 2 grades, 3 combinations held
    for name in lists:
        html = page(files, name)
        for heading in ("by-region", "by-grade"):
            for label, (href, count, _) in facets(html, heading).items():
                if href is None:
                    assert count == 0, (name, label)
                    continue
                assert count > 0, (name, label)
                target = href.lstrip("/") + "index.html"
                assert len(rows_of(page(files, target))) == count, (name, label, href)


def test_an_organisations_page_holds_its_own_history(national_files):
    html = page(national_files, "organisations/beta/index.html")
    assert "<h1>Beta Borough Council children&#39;s services</h1>" in html
    reports = html[html.index('id="reports-list"') :]
    assert re.findall(r'<p><a href="/reports/([^/]+)/">', reports) == [
        "2022-03-joint-visit",
        "2019-03-beta",
    ]
    still_open = html[html.index('id="open"') : html.index('id="themes"')]
    assert "/recommendations/beta-supervision/" in still_open
    assert "/recommendations/supervision/" not in still_open  # alpha's
    assert 'href="/organisations/beta/feed.xml"' in html
    feed = page(national_files, "organisations/beta/feed.xml")
    title = re.search(r"<title>([^<]*)</title>", feed).group(1)  # type: ignore[union-attr]
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="{title}" '
        'href="/organisations/beta/feed.xml">' in html
    )
    # Its chart draws its own grades only: beta's inadequate, never alpha's or gamma's.
    chart = html[html.index('id="grades-over-time"') : html.index('id="open"')]
    assert "/reports/2019-03-beta/" in chart and "/reports/2019-06-second/" not in chart


def test_the_overview_counts_the_latest_grades_and_sets_organisations_side_by_side(
    national_files,
):
    html = page(national_files, "organisations/overview/index.html")
    latest = html[html.index('id="latest-grades"') : html.index('id="by-year"')]
    table = latest[latest.index("<tbody>") : latest.index("</tbody>")]
    header = latest[latest.index("<thead>") : latest.index("</thead>")]
    levels = re.findall(r'<th scope="col">([^<]+)</th>', header)[1:-1]
    counts = re.findall(r"<td>(\d+)</td>", table)
    # Levels are every point of the scales of the frameworks that gave the latest grades, in
    # each one's words, the best first: never one framework's words for another's grade.
    assert dict(zip(levels, counts[:-1], strict=True)) == {
        "Outstanding": "0",
        "Good": "2",
        "Adequate / Requires improvement to be good": "0",
        "Inadequate": "1",
    }
    assert counts[-1] == "3"
    compare = html[html.index('<table class="compare">') :]
    alpha = compare[compare.index('data-organisation="alpha"') :].split("</tr>")[0]
    assert re.findall(r">(\w[\w ]*)</a></td>", alpha) == ["Adequate", "Good"]


def test_report_pages_and_lists_name_whom_a_report_is_about(national_files, fixture_files):
    joint = page(national_files, "reports/2022-03-joint-visit/index.html")
    kicker = joint[joint.index('<p class="kicker">') :].split("</p>")[0]
    assert re.findall(r'href="/organisations/([a-z]+)/"', kicker) == ["beta", "gamma"]
    assert 'href="/organisations/"' in page(national_files, "index.html")
    # A site of one has no organisations section at all.
    assert not [name for name in fixture_files if name.startswith("organisations/")]
    assert "organisations.js" not in " ".join(fixture_files)


def test_a_theme_page_follows_its_subject_across_organisations(national_files):
    html = page(national_files, "themes/supervision/index.html")
    assert 'class="strip theme-strip"' not in html  # one strip over every report says nothing
    # Its filter comes before the list it narrows (after it, the keyboard reached it 77 stops on).
    assert html.index('class="filter-form"') < html.index('<table class="theme-organisations">')
    rows = re.findall(
        r'<tr data-organisation="([a-z]+)" data-region="([a-z-]+)"><th scope="row">'
        r'<a href="/themes/supervision/([a-z]+)/">',
        html,
    )
    assert rows == [
        ("alpha", "south-west", "alpha"),
        ("beta", "south-west", "beta"),
        ("gamma", "north-east", "gamma"),
    ]
    # The passage-level evidence is kept, each organisation's on a page of its own: on a
    # national site one page of every passage ran to megabytes. The list shows the first of
    # each one's latest report's passages, to read what each was told side by side.
    latest = re.findall(r'<td class="latest-passage"><a href="/reports/([\w-]+)/#[\w-]+">', html)
    # (beta's and gamma's joint visit of 2022 is beta's latest, and gamma's too)
    assert latest == ["2022-01-visit", "2022-03-joint-visit", "2022-03-joint-visit"]
    assert len(re.findall(r'href="/reports/[\w-]+/#', html)) == 3
    assert (
        '">2022</a>: “gaps in the frequency of supervision” <span class="meta">(1 passage in '
        "that report: 1 concern)</span></td>" in html
    )
    gamma = page(national_files, "themes/supervision/gamma/index.html")
    assert "/reports/2013-05-gamma/#" in gamma
    assert "/reports/2019-03-beta/" not in gamma
    assert '<a href="/themes/supervision/">Every organisation on this theme</a>' in gamma
    # Its organisation's page links there.
    assert 'href="/themes/supervision/gamma/"' in page(
        national_files, "organisations/gamma/index.html"
    )
    # The tracked recommendations on the theme it names are its organisation's only.
    named = re.findall(r'<a href="/recommendations/([a-z-]+)/">', gamma.split("<section")[0])
    assert named == ["gamma-supervision"]


def test_an_unconfirmed_draft_is_shown_as_such_in_the_lists(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(NATIONAL, content)
    gamma = content / "reports" / "2013-05-gamma.md"
    gamma.write_text(
        gamma.read_text().replace("organisation: gamma\n", "organisation: gamma\ndraft: true\n")
    )
    files, diagnostics = build_files(national_project(Path("/nonexistent"), content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    listing = page(files, "organisations/index.html")
    row = listing[listing.index('href="/organisations/gamma/"') :].split("</tr>")[0]
    assert "from a draft, not yet confirmed" in row
    alpha = listing[listing.index('href="/organisations/alpha/"') :].split("</tr>")[0]
    assert "draft" not in alpha
    reports = page(files, "reports/index.html")
    entry = reports[reports.index('href="/reports/2013-05-gamma/"') :].split("</li>")[0]
    assert "Draft, not yet confirmed" in entry


def test_another_organisations_report_of_the_same_month_is_not_taken_for_its_event(
    tmp_path: Path,
):
    content = tmp_path / "content"
    shutil.copytree(NATIONAL, content)
    beta = content / "reports" / "2019-03-beta.md"
    beta.write_text(beta.read_text().replace('start: "2019-03"', 'start: "2015-03"'))
    diagnostics = Diagnostics()
    build(national_project(tmp_path / "_site", content), diagnostics, write=False)
    assert not [d for d in diagnostics.items if "looks like the inspection" in d.message]


def test_the_main_menu_marks_themes_on_an_organisations_page_of_a_theme(national_files):
    html = page(national_files, "themes/supervision/gamma/index.html")
    nav = html[html.index('<nav aria-label="Main">') :].split("</nav>")[0]
    assert re.findall(r'<a href="([^"]+)" aria-current="[a-z]+">', nav) == ["/themes/"]


def test_an_organisations_page_of_a_theme_reads_only_its_own_recommendations(
    national_site, monkeypatch: pytest.MonkeyPatch
):
    """Each of a theme's organisations' pages looked through every recommendation of the site
    for its own: pages (themes × organisations) × recommendations (∝ organisations) grew with the
    square of the organisations. The site's recommendations are sorted by theme and owner once."""
    import builder.views.pages as pages_module
    from builder.model.organisations import Membership
    from builder.urls import Urls

    asked: list[str] = []
    inside = [False]
    of_recommendation = Membership.of_recommendation
    make = pages_module._Planner.theme_organisation_pages

    def counting(self, rid):  # type: ignore[no-untyped-def]
        if inside[0]:
            asked.append(rid)
        return of_recommendation(self, rid)

    def watched(self, theme, page):  # type: ignore[no-untyped-def]
        inside[0] = True
        try:
            return make(self, theme, page)
        finally:
            inside[0] = False

    monkeypatch.setattr(Membership, "of_recommendation", counting)
    monkeypatch.setattr(pages_module._Planner, "theme_organisation_pages", watched)
    planned = list(pages_module.plan_pages(national_site, Urls(), lambda t: t, ()))
    assert sum(1 for p in planned if p.kind == "theme_organisation") > 3
    assert sorted(asked) == sorted(national_site.recommendations)  # each once, in all


def test_lists_name_organisations_by_their_short_names_in_that_order(tmp_path: Path):
    """'London Borough of Beta' is looked for under B: every list of organisations shows the
    short name and goes A to Z by it; an organisation's own page keeps its full name."""
    content = tmp_path / "content"
    shutil.copytree(NATIONAL, content)
    listed = content / "organisations.yml"
    text = listed.read_text(encoding="utf-8")
    for old, new in (
        ("Alpha Council children's services", "Royal Borough of Alpha"),
        ("Beta Borough Council children's services", "London Borough of Beta"),
        ("Gamma County Council children's services", "City of Gamma Council"),
    ):
        text = text.replace(old, new)
    listed.write_text(text, encoding="utf-8")
    files, diagnostics = build_files(national_project(tmp_path / "_site", content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    html = page(files, "organisations/index.html")
    assert rows_of(html) == ["alpha", "beta", "gamma"]
    assert '<a href="/organisations/beta/">Beta</a></th>' in html
    overview = page(files, "organisations/overview/index.html")
    compare = overview[overview.index('<table class="compare">') :]
    assert re.findall(r'data-organisation="(\w+)"', compare) == ["alpha", "beta", "gamma"]
    options = re.findall(r'<option value="(\w+)">(\w+)</option>', overview)
    assert options[:3] == [("alpha", "Alpha"), ("beta", "Beta"), ("gamma", "Gamma")]
    theme = next(
        page(files, name)
        for name in sorted(files)
        if name.startswith("themes/")
        and name.count("/") == 2
        and "data-organisation" in page(files, name)
    )
    shown = re.findall(r'<tr data-organisation="(\w+)"', theme)
    assert shown == sorted(shown, key=["alpha", "beta", "gamma"].index) and len(shown) >= 2
    assert "<h1>London Borough of Beta</h1>" in page(files, "organisations/beta/index.html")


def test_an_organisation_with_nothing_tracked_is_not_shown_with_nothing_open(tmp_path):
    # Gamma's report keeps its own recommendation, linked to no tracked recommendation (as an
    # import leaves it): 0 open would read as 'all met'.
    content = tmp_path / "content"
    shutil.copytree(NATIONAL, content)
    report = content / "reports" / "2013-05-gamma.md"
    text = report.read_text()
    text = re.sub(r"\n    tracks: gamma-[a-z-]+", "", text)
    text = re.sub(r"\n    status: positive", "", text).replace(
        "  - quote: records are up to date\n",
        "  - quote: records are up to date\n    themes: [records]\n",
    )
    report.write_text(text)
    recommendations = content / "recommendations.yml"
    kept = recommendations.read_text().split("\n- id: gamma-supervision")[0]
    recommendations.write_text(kept + "\n")
    files, diagnostics = build_files(national_project(tmp_path / "out", content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    listed = page(files, "organisations/index.html")
    gamma = listed[listed.index('href="/organisations/gamma/"') :].split("</tr>")[0]
    assert gamma.endswith('<td><span class="meta">none tracked</span></td>\n    '), gamma
    alpha = listed[listed.index('href="/organisations/alpha/"') :].split("</tr>")[0]
    assert re.search(r"<td>\d+</td>\s*$", alpha), alpha
    own = page(files, "organisations/gamma/index.html")
    said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", own))
    assert "Recommendations still open None tracked yet: no recommendation of Gamma is " in said


def test_the_about_pages_sources_name_whom_each_document_is_about(national_files, fixture_files):
    """Three 2013 documents share one title: the sources table told them apart by date alone."""
    about = page(national_files, "about/index.html")
    rows = re.findall(
        r'<tr><th scope="row"><a href="/reports/([\w-]+)/">[^<]*</a>([^<]*)</th>', about
    )
    named = dict(rows)
    assert named["2013-05-gamma"].startswith(", Gamma County Council children")
    assert "Beta Borough Council children&#39;s services and Gamma" in named["2022-03-joint-visit"]
    # A site of one names no organisation there.
    single = page(fixture_files, "about/index.html")
    assert re.search(r'<th scope="row"><a href="/reports/2013-07-first/">[^<]*</a> \(', single)


def test_a_report_pages_title_names_whom_it_is_about(national_files, fixture_files):
    """Eleven national report pages shared one title but for the date (WCAG 2.4.2)."""
    joint = page(national_files, "reports/2022-03-joint-visit/index.html")
    title = re.search(r"<title>([^<]+)</title>", joint).group(1)
    assert "Beta Borough Council children&#39;s services and Gamma" in title
    single = page(fixture_files, "reports/2013-07-first/index.html")
    assert re.search(r"<title>Inspection of arrangements[^<,]*\(", single)


def test_each_judgements_counts_are_headed_by_its_own_frameworks_words(national_files):
    """The new framework's judgements were counted under 'Adequate', the old framework's word
    for its second point, because only the old gave that point; its 'Requires improvement to be
    good' and both frameworks' 'Outstanding' had no column at all."""
    html = page(national_files, "organisations/overview/index.html")

    def columns(anchor: str) -> list[str]:
        table = html[html.index(f'<caption id="{anchor}-table">') :].split("</thead>")[0]
        return re.findall(r'<th scope="col">([^<]+)</th>', table)[1:-1]

    new = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]
    assert columns("grades-new-overall-effectiveness") == new
    assert columns("grades-new-leadership") == new
    assert columns("grades-old-overall-effectiveness") == [
        "Outstanding",
        "Good",
        "Adequate",
        "Inadequate",
    ]


def test_a_themes_organisations_say_why_their_passages_add_up_to_more(national_files):
    """The list of themes said Supervision had 8 passages in 6 reports; its organisations' rows
    added up to 9 in 7, the joint visit counted under Beta and Gamma, and nothing said so."""
    html = page(national_files, "themes/supervision/index.html")
    rows = re.findall(r"<td>(\d+)</td><td>(\d+)</td></tr>", html)
    added = sum(int(passages) for _, passages in rows)
    listed = page(national_files, "themes/index.html")
    passages, reports = re.search(
        r'href="/themes/supervision/">.*?(\d+) passages in (\d+) reports', listed, re.S
    ).groups()
    assert added > int(passages)
    assert (
        f"the organisations’ passages add up to {added}; the theme’s own are {passages} "
        f"passages in {reports} reports, as the list of themes counts them." in html
    )
    # A theme no joint report speaks to says nothing of it.
    assert "table-note" not in page(national_files, "themes/private-fostering/index.html")


def test_an_organisations_page_says_how_its_other_recommendations_stand(national_files):
    """Beta's page said '1 other tracked recommendation is met or not open' of one no report had
    yet spoken of: each is said in the words of the recommendations list's groups."""
    said = {
        o: re.sub(
            r"<[^>]+>",
            "",
            re.search(
                r"Of its other tracked recommendations, .*?has them all",
                page(national_files, f"organisations/{o}/index.html"),
            ).group(),
        )
        for o in ("beta", "gamma")
    }
    assert said["beta"] == (
        "Of its other tracked recommendations, 1 is not yet spoken of by any report: the "
        "recommendations list has them all"
    )
    assert "2 were never raised as a concern" in said["gamma"]


def test_a_themes_latest_passage_says_what_else_its_report_says_on_the_theme(national_files):
    """'The latest' showed one passage of an organisation's latest report, praise or criticism,
    with nothing to say whether it stood for the rest."""
    html = page(national_files, "themes/supervision/index.html")
    cells = re.findall(r'<td class="latest-passage">(.*?)</td>', html, re.S)
    assert cells and all(
        "(1 passage in that report: 1 concern)" in re.sub(r"<[^>]+>", "", c) for c in cells
    )


def test_the_overviews_bars_tell_grades_apart_by_texture_as_well_as_colour(national_files):
    """Good and Inadequate differ by 1.11:1 of colour alone (WCAG 1.4.1): each level but the
    best has a texture, in the bars and in their key alike."""
    html = page(national_files, "organisations/overview/index.html")
    chart = re.search(
        r'<figure class="chart" aria-labelledby="latest-grades-caption">.*?</figure>', html, re.S
    ).group()
    patterns = re.findall(r'<pattern id="(latest-grades-level-\d)"', chart)
    assert patterns and "latest-grades-level-4" not in patterns  # the best is solid
    painted = set(
        re.findall(
            r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="\d+" fill="url\(#([\w-]+)\)"', chart
        )
    )
    assert painted and painted <= set(patterns)
    key = re.search(r'<ul class="chart-legend distribution-legend">.*?</ul>', chart, re.S).group()
    assert set(re.findall(r'fill="url\(#([\w-]+)\)"', key)) == set(patterns)
