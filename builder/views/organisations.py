"""The organisations section of a site of several organisations: the list, each one's history,
the pages that filter the list by region, by latest grade and by both, and the national overview.

Every figure here is counted from the one derivation (`site.histories`, `site.places`) and the
reports' own judgements; nothing is typed. Each page costs what its organisation holds, so the
section grows in step with the reports, never with the square of the organisations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from builder.model.organisations import NONE, kind_label, region_id
from builder.model.site import Site
from builder.model.views import ReportView
from builder.parse.records import Grade, Organisation, Settings
from builder.parse.records import Judgement as JudgementRecord
from builder.urls import facets_id
from builder.views.overview import Distribution

# The theme's assets only the organisations section uses: not published on a site of one.
SECTION_ASSETS = frozenset({"organisations.js", "organisations.css"})
# The schemes of codes readers know by another name.
CODE_LABELS = {"la_code": "LA code", "urn": "Ofsted URN", "gss": "GSS code", "ons": "ONS code"}


class Planner(Protocol):
    """What the organisation pages read from the page planner (builder/views/pages.py)."""

    settings: Settings

    @property
    def distribution(self) -> tuple[tuple[Distribution, ...], Distribution | None, tuple[int, ...]]:
        """Each judgement's grades per year, the latest grades and the years: made once."""

    def header(self, report_id: str) -> Any: ...

    def judgements(self, framework_id: str, judgements: tuple[JudgementRecord, ...]) -> Any: ...

    def summary(self, rid: str) -> Any: ...

    def items_chart(self, items: list[Any]) -> Any: ...

    def timeline_entries(self, items: list[Any]) -> tuple[Any, ...]: ...

    def theme_organisations(self, theme_id: str) -> tuple[Any, ...]:
        """The organisations with passages on a theme, each with how many (`passages`)."""


@dataclass(frozen=True, slots=True)
class Facet:
    """One choice of a facet list (a region, a latest grade, or any) on one list page: the page
    it leads to, which keeps the other facet's choice, and how many organisations that page lists.

    A choice no organisation holds leads nowhere: its count is 0 and it has no page.
    """

    id: str  # the region's or the grade's id; "" for any
    label: str
    count: int
    kind: str  # the route of the page it leads to; "" when the count is 0
    page: str  # that page's id
    current: bool  # the choice this page shows


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    """One organisation as the list shows it."""

    id: str
    name: str
    kind: str  # in words
    region: str
    region_id: str
    latest: Any  # the latest graded report's header, or None
    latest_grade: Any  # that report's headline judgement, or None if it gives none
    last_report: Any  # the latest report's header (graded or not), or None
    reports: int
    open: int  # tracked recommendations still open
    tracked: int = 0  # its tracked recommendations: with none, 0 open says nothing


@dataclass(frozen=True, slots=True)
class OrganisationsView:
    settings: Settings
    rows: tuple[OrganisationRow, ...]
    regions: tuple[Facet, ...]  # "any region" first, then each region A to Z
    grades: tuple[Facet, ...]  # "any grade" first, then each grade given, the best first
    region: Facet | None = None  # the region this page lists, or None for any
    grade: Facet | None = None  # the latest grade this page lists, or None for any
    total: int = 0  # organisations on the site


@dataclass(frozen=True, slots=True)
class ThemeCount:
    id: str
    title: str
    passages: int


@dataclass(frozen=True, slots=True)
class OrganisationPageView:
    settings: Settings
    organisation: Organisation
    kind: str  # in words
    region_id: str
    codes: tuple[tuple[str, str], ...]  # (the scheme in words, the code)
    chart: Any  # its own grade chart (ChartView)
    timeline: tuple[
        Any, ...
    ]  # its reports and earlier inspections, as the chart's table lists them
    reports: tuple[Any, ...]  # headers, newest first
    open: tuple[Any, ...]  # summaries of its tracked recommendations still open
    closed: int  # its tracked recommendations that are not open
    themes: tuple[ThemeCount, ...]
    feed_title: str  # its feed's, as the feed itself gives it
    # Those not open, by their standing as the recommendations list groups them: (words, count)
    others: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class CompareRow:
    """One organisation's headline grades by year, for the side-by-side comparison."""

    id: str
    name: str
    region: str
    # (year, grade label, ordinal as text, report id); ordinal "0" for a report that gives
    # judgements and no headline
    cells: tuple[tuple[int, str, str, str], ...]


@dataclass(frozen=True, slots=True)
class OverviewView:
    settings: Settings
    distributions: tuple[Distribution, ...]  # one per judgement, by year
    latest: Distribution | None  # the organisations' latest headline grades
    years: tuple[int, ...]
    compare: tuple[CompareRow, ...]
    organisations: int
    reports: int
    drafts: int = 0  # of those, unconfirmed drafts: their grades counted as imported


def _latest(ids: tuple[str, ...], views: dict[str, ReportView]) -> ReportView | None:
    graded = [views[r] for r in ids if views[r].report.judgements]
    return graded[-1] if graded else None


def recommendations_by_organisation(site: Site) -> dict[str, list[str]]:
    """Each organisation's tracked recommendations, in the site's order."""
    out: dict[str, list[str]] = {}
    for rid in site.histories:
        out.setdefault(site.groups.of_recommendation(rid), []).append(rid)
    return out


def standing_of(
    site: Site, organisation: str, views: dict[str, ReportView], tracked: list[str]
) -> tuple[ReportView | None, str, int]:
    """Where an organisation stands, as its list row and its data row both say it: its latest
    report that gives judgements (whose headline is its latest headline grade), its latest
    report of any kind, and how many of its tracked recommendations are still open."""
    ids = site.places.get(organisation, ())
    still_open = sum(1 for rid in tracked if site.histories[rid].standing.is_open)
    return _latest(ids, views), ids[-1] if ids else "", still_open


def organisation_rows(site: Site, p: Planner, index: _Index) -> tuple[OrganisationRow, ...]:
    """Every organisation, A to Z by its short name, with its latest grade and what is still
    open."""
    views = {v.report.id: v for v in site.reports}
    rows = []
    for o in sorted(site.groups.organisations.values(), key=lambda o: o.sort_key):
        ids = site.places.get(o.id, ())
        latest, _, still_open = standing_of(site, o.id, views, index.recommendations.get(o.id, []))
        rows.append(
            OrganisationRow(
                o.id,
                o.brief_name,
                kind_label(o.kind),
                o.region,
                region_id(o.region),
                p.header(latest.report.id) if latest else None,
                p.judgements(latest.report.framework, (latest.headline,))[0]
                if latest and latest.headline
                else None,
                p.header(ids[-1]) if ids else None,
                len(ids),
                still_open,
                len(index.recommendations.get(o.id, ())),
            )
        )
    return tuple(rows)


# The list of the organisations whose latest inspection gave judgements and no headline: after
# every grade, under an id no grade of a scale takes.
NO_HEADLINE = Grade("no-headline", "No headline grade", 0)


def _route(region: str, grade: str) -> tuple[str, str]:
    """The list page of a region and a grade ("" for any): its route and its id."""
    if region and grade:
        return "organisations_region_grade", facets_id(region, grade)
    if region:
        return "organisations_region", region
    if grade:
        return "organisations_grade", grade
    return "organisations", ""


class _Facets:
    """The list's rows grouped by region, by latest grade and by both, in one pass: what each
    list page shows and counts. A page's facet lists cost the regions and grades, never the
    organisations, and there is a page of both only where an organisation is."""

    def __init__(self, rows: tuple[OrganisationRow, ...]) -> None:
        self.regions: dict[str, str] = {}  # id -> words
        grades: dict[str, tuple[str, int]] = {}  # id -> (words, ordinal)
        self.lists: dict[tuple[str, str], list[OrganisationRow]] = {("", ""): list(rows)}
        for row in rows:  # A to Z, so each list is too
            region = row.region_id
            grade: Grade | None = row.latest_grade.grade if row.latest_grade else None
            if grade is None and row.latest is not None:  # graded, with no headline
                grade = NO_HEADLINE
            if region:
                self.regions.setdefault(region, row.region)
                self.lists.setdefault((region, ""), []).append(row)
            if grade is not None:
                grades.setdefault(grade.grade, (grade.label, grade.ordinal))
                self.lists.setdefault(("", grade.grade), []).append(row)
                if region:
                    self.lists.setdefault((region, grade.grade), []).append(row)
        self.regions = dict(sorted(self.regions.items(), key=lambda kv: (kv[1].casefold(), kv[0])))
        self.grades = {
            g: label for g, (label, _) in sorted(grades.items(), key=lambda kv: (-kv[1][1], kv[0]))
        }

    def view(self, whole: OrganisationsView, region: str, grade: str) -> OrganisationsView:
        """The list page of this region and this grade ("" for any)."""
        regions = (
            Facet("", "Any region", *self._link(("", grade)), current=not region),
            *(
                Facet(r, label, *self._link((r, grade)), current=r == region)
                for r, label in self.regions.items()
            ),
        )
        grades = (
            Facet("", "Any grade", *self._link((region, "")), current=not grade),
            *(
                Facet(g, label, *self._link((region, g)), current=g == grade)
                for g, label in self.grades.items()
            ),
        )
        return dataclasses.replace(
            whole,
            rows=tuple(self.lists[(region, grade)]),
            regions=regions,
            grades=grades,
            region=next((f for f in regions[1:] if f.current), None),
            grade=next((f for f in grades[1:] if f.current), None),
        )

    def _link(self, key: tuple[str, str]) -> tuple[int, str, str]:
        """How many organisations the page of this region and grade lists, and its route and id
        (none when it lists none: it is not made)."""
        count = len(self.lists.get(key, ()))
        return (count, *_route(*key)) if count else (0, "", "")

    def pages(self) -> Iterator[tuple[str, str]]:
        """The region and grade of every list page, in the order they are written: the whole
        list, each region, each grade, then each region and grade some organisation holds."""
        yield "", ""
        yield from ((r, "") for r in self.regions)
        yield from (("", g) for g in self.grades)
        yield from ((r, g) for r in self.regions for g in self.grades if (r, g) in self.lists)


def organisation_feed_title(site: Site, organisation: str) -> str:
    """The title of an organisation's feed: its name, then the site's title.

    The organisation page's `<link rel="alternate">` gives the same title.
    """
    return f"{site.groups.organisations[organisation].name} · {site.settings.title}"


class _Index:
    """What every organisation's page reads, gathered in one pass over the site."""

    def __init__(self, site: Site, p: Planner) -> None:
        self.recommendations = recommendations_by_organisation(site)
        self.timeline: dict[str, list[Any]] = {}
        for item in site.timeline:
            if item.report is not None:
                owners = site.groups.of_report(item.id)
            else:
                owners = (site.groups.of_event(item.id),)
            for owner in owners:
                self.timeline.setdefault(owner, []).append(item)
        # Each organisation's passages on each theme, as the theme's pages count them.
        self.themes: dict[str, dict[str, int]] = {}
        for theme in site.themes:
            for o in p.theme_organisations(theme):
                self.themes.setdefault(o.id, {})[theme] = o.passages


def organisation_pages(
    site: Site, p: Planner, page: Callable[[str, str, Any, str], Any]
) -> Iterator[Any]:
    """The organisations section's pages, in the order they are written."""
    index = _Index(site, p)
    rows = organisation_rows(site, p, index)
    facets = _Facets(rows)
    whole = OrganisationsView(p.settings, rows, (), (), None, None, len(rows))
    for region, grade in facets.pages():
        yield page(*_route(region, grade), facets.view(whole, region, grade), "organisations.html")
    yield page("organisations_overview", "", overview(site, p), "overview.html")
    for o in site.groups.organisations.values():
        yield page("organisation", o.id, organisation_page(site, p, o, index), "organisation.html")


def organisation_page(
    site: Site, p: Planner, o: Organisation, index: _Index
) -> OrganisationPageView:
    ids = site.places.get(o.id, ())
    items = index.timeline.get(o.id, [])
    chart = p.items_chart(items)
    rids = index.recommendations.get(o.id, [])
    open_ = [rid for rid in rids if site.histories[rid].standing.is_open]
    counts = index.themes.get(o.id, {})
    themes = tuple(
        ThemeCount(t, site.themes[t].title, n)
        for t, n in sorted(counts.items(), key=lambda kv: site.themes[kv[0]].title.casefold())
        if t in site.themes
    )
    return OrganisationPageView(
        p.settings,
        o,
        kind_label(o.kind),
        region_id(o.region),
        tuple((CODE_LABELS.get(s) or s.replace("_", " ").capitalize(), c) for s, c in o.codes),
        chart,
        p.timeline_entries(items),
        tuple(p.header(r) for r in reversed(ids)),
        tuple(sorted((p.summary(rid) for rid in open_), key=lambda s: s.title)),
        len(rids) - len(open_),
        themes,
        organisation_feed_title(site, o.id),
        tuple(
            (words[n != 1], n)
            for standing, words in OTHER_STANDINGS
            if (n := sum(1 for rid in rids if site.histories[rid].standing.standing == standing))
        ),
    )


# The standings of a recommendation not open, in the words of the recommendations list's groups.
OTHER_STANDINGS = (
    ("met", ("is met", "are met")),
    (
        "positive",
        ("is spoken of well since, not found met", "are spoken of well since, not found met"),
    ),
    ("strength", ("was never raised as a concern", "were never raised as a concern")),
    ("", ("is not yet spoken of by any report", "are not yet spoken of by any report")),
)


def overview(site: Site, p: Planner) -> OverviewView:
    """Grades across the organisations: by judgement and year, the latest, and side by side."""
    views = {v.report.id: v for v in site.reports}
    distributions, latest, years = p.distribution
    compare = []
    for o in sorted(site.groups.organisations.values(), key=lambda o: o.sort_key):
        cells = []
        for rid in site.places.get(o.id, ()):
            head = views[rid].headline
            if head is None:
                if views[rid].report.judgements:  # graded, with no headline: said so, not skipped
                    cells.append((views[rid].report.date.year, "No headline grade", "0", rid))
                continue
            framework = site.frameworks.get(views[rid].report.framework)
            grade = framework.grade(head.grade) if framework else None
            if grade is not None:
                year = views[rid].report.date.year
                cells.append((year, grade.label, str(grade.ordinal), rid))
        compare.append(CompareRow(o.id, o.brief_name, o.region, tuple(cells)))
    organisations = len(site.groups.organisations)
    counted = [v for v in site.reports if NONE not in site.groups.of_report(v.report.id)]
    drafts = sum(1 for v in counted if v.report.draft)
    return OverviewView(
        p.settings,
        distributions,
        latest,
        years,
        tuple(compare),
        organisations,
        len(counted),
        drafts,
    )
