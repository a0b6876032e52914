"""Plan every page once: its template, output path, source file and the frozen view it shows.

A page's view is its template's only input (with pure helpers such as `url_for`), so rendering is a
pure function of the view and the templates, and a page is rendered again exactly when its view or
the templates change. Rules such as which recommendations are open live here and in `views.py`,
never in templates.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup

from builder.incremental.codec import key_of
from builder.model.organisations import names_of, region_id
from builder.model.outline import BodyOutline, Heading
from builder.model.site import Site, tally
from builder.model.views import History, HistoryEntry, Passage, ReportView, TimelineItem
from builder.parse.records import (
    DateFact,
    Framework,
    Grade,
    Licence,
    Organisation,
    PartialDate,
    Settings,
    Source,
    loose,
)
from builder.parse.records import Judgement as JudgementRecord
from builder.parse.records import Report as ReportRecord
from builder.parse.records import Theme as ThemeRecord
from builder.parse.records import TrackedRecommendation as RecRecord
from builder.sitefiles import Packed, text_of
from builder.urls import Urls, facets_id
from builder.views.chart import Chart, grade_chart, marker_path
from builder.views.dictionary import dictionary
from builder.views.kept import Kept
from builder.views.organisations import organisation_pages
from builder.views.overview import Distribution, distribution_chart

_ASIDE = re.compile(r"<!--aside:([^>]*?)-->")
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_MARK_KEY = re.compile(r'data-annotation="([^"]+)"')
_TEXT_LEVEL = 3  # the report's top headings sit under the page's "The report" (an h2)


# ---- Pieces several pages show -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Judgement:
    """A graded judgement with its grade resolved on its framework's scale."""

    area: str
    grade: Grade | None
    paragraph: str
    note: str
    scope: str  # the title of what it covers
    basis: str  # stated, inferred or elsewhere


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """What lists, strips and headings show of a report: never its text or annotations."""

    id: str
    title: str
    kind: str
    publisher: str
    date: PartialDate
    published: DateFact
    summary: str
    source: Source
    licence: Licence
    headline: Judgement | None
    edition: str  # "full", or "summary" when the words shown are the editors'
    short_title: str  # the title where no short title is given
    # Whom it is about, on a site of several organisations: (id, name), else ().
    organisations: tuple[Link, ...] = ()
    draft: bool = False  # not yet confirmed by an editor: lists say so
    judged: int = 0  # its judgements: a report may give some and no headline


@dataclass(frozen=True, slots=True)
class Link:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class StripCell:
    report: str  # a report id, or an earlier inspection's (event) id
    year: int
    status: str
    short_title: str = ""  # the report's, for the year link's accessible name
    basis: str = "stated"  # stated, inferred, or reported (an earlier inspection's word)
    inspection: bool = False  # an earlier inspection outside the collection: links to the timeline
    by_year: int = 0  # for a reported inspection: the year of the report that reports it


@dataclass(frozen=True, slots=True)
class HistorySummary:
    """One tracked recommendation as lists show it: its standing and its status strip."""

    id: str
    title: str
    latest_status: str
    first_raised_year: int  # 0 when never raised
    times_raised: int
    recurring: bool
    strip: tuple[StripCell, ...]
    standing: str  # a key of derive.STANDINGS, or "" when no report speaks of it
    is_open: bool
    last_assessed_year: int  # 0 when no report speaks of it
    silent_since: int  # later reports that do not mention it
    unknown_since: int  # of those, editors' summaries, whose silence says nothing
    # "" or, when no document or reported inspection raised it but one found progress or met it:
    # the concern was raised before the documents in the collection
    before_collection: bool = False
    last_met_year: int = 0  # the latest report that found it met, when its standing is not met
    latest_basis: str = "stated"  # how the latest word is known: stated, inferred or reported
    # Whose concern it is, on a site of several organisations: its id and name, and its region's id.
    organisation: Link | None = None
    region: str = ""
    uncovered_since: int = 0  # of the later reports, those whose inspection's remit leaves it out


@dataclass(frozen=True, slots=True)
class LegendEntry:
    title: str
    colour: str
    dash: str
    marker: str
    path: str = ""  # the marker's outline in the legend's sample


@dataclass(frozen=True, slots=True)
class ChartPanel:
    """One scope's small chart and its legend."""

    scope: str
    title: str
    svg: Markup
    legend: tuple[LegendEntry, ...]
    hollow: bool  # some grade in it is not stated in its own document
    axis: Markup = Markup("")  # its grade words, beside the drawing that scrolls


@dataclass(frozen=True, slots=True)
class ChartView:
    panels: tuple[ChartPanel, ...]
    summary: str
    levels: tuple[tuple[int, str], ...]
    ungraded: int = 0  # visits and letters that gave no grade, marked on the chart's bottom row
    omitted: int = 0  # judgements given once and not a headline: in the table, not drawn


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    id: str
    title: str
    kind: str
    framework_title: str
    date_label: str
    in_collection: bool
    judgements: tuple[Judgement, ...]
    summary: str  # a report's
    note: str  # an event's
    mentions: tuple[Passage, ...]  # an event's, in the reports
    # an event's findings as later reports report them: (recommendation title, status, passage)
    reported: tuple[tuple[str, str, Passage], ...] = ()
    organisations: tuple[Link, ...] = ()  # whom it is about, on a site of several
    short_title: str = ""  # a report's, where space is tight (a phone); else the title


# ---- The views, one per template ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HomeView:
    settings: Settings
    latest: ReportHeader | None  # the latest graded report
    latest_judgements: tuple[Judgement, ...]
    chart: ChartView
    timeline: tuple[TimelineEntry, ...]
    open: tuple[HistorySummary, ...]  # exactly the recommendations index's "still open" group
    report_list: tuple[ReportHeader, ...]
    # On a site of several organisations, instead of one organisation's chart and lists: how many
    # organisations, their latest headline grades, and the newest reports.
    organisations: int = 0
    national: Any = None


@dataclass(frozen=True, slots=True)
class TimelineView:
    settings: Settings
    chart: ChartView
    timeline: tuple[TimelineEntry, ...]


@dataclass(frozen=True, slots=True)
class ReportsView:
    settings: Settings
    report_list: tuple[ReportHeader, ...]


@dataclass(frozen=True, slots=True)
class Neighbour:
    """The first passage of the nearest earlier or later report that speaks of a recommendation."""

    report: str
    block_id: str
    cite: str


@dataclass(frozen=True, slots=True)
class AsideView:
    """What sits beside one passage: its note, its tracked recommendation and its themes."""

    passage: Passage
    tracks_title: str
    themes: tuple[Link, ...]  # those no earlier note on the same block shows
    earlier: Neighbour | None
    later: Neighbour | None
    mentions: ReportHeader | None = None  # the report a mention speaks of
    id: str = ""  # the note's element id, which the highlighted words point to
    label: str = ""  # its accessible name, unique on the page: "Editors’ note on paragraph 14"
    number: int = 0  # its number among the notes of its block, shown with it and its highlight
    whole: str = ""  # "paragraph", "item"…: on the whole block, said where the block has several


@dataclass(frozen=True, slots=True)
class BodyPart:
    """A run of the report's HTML, then the notes on the block it ends with (none after the last).

    The notes of one block stay together in one margin group, so each sits beside its passage.
    """

    html: str
    asides: tuple[AsideView, ...] = ()
    block_id: str = ""
    inline: bool = False  # the notes sit inside their list item or table cell


@dataclass(frozen=True, slots=True)
class ContentsEntry:
    """A heading of the report, with the headings under it."""

    id: str
    text: str
    children: tuple[ContentsEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class TrackedRow:
    id: str
    title: str
    status: str
    evidence: tuple[Passage, ...]  # one per paragraph
    basis: str = (
        "stated"  # "inferred" where every passage giving the status is the editors' reading
    )
    whose: str = ""  # its organisation, on a report about several


@dataclass(frozen=True, slots=True)
class UnmentionedRow:
    id: str
    title: str
    previous_status: str
    earlier: ReportHeader | None = None  # the report that said it: its organisation's previous
    whose: str = ""  # its organisation, on a report about several


@dataclass(frozen=True, slots=True)
class Neighbours:
    """A joint report's previous and next report on one of its organisations."""

    organisation: Link
    previous: ReportHeader | None
    next: ReportHeader | None


@dataclass(frozen=True, slots=True)
class ReportPageView:
    settings: Settings
    report: ReportRecord
    framework_title: str
    judgements: tuple[Judgement, ...]
    own: tuple[tuple[Passage, str], ...]  # the report's recommendations, with the tracked title
    tracked: tuple[TrackedRow, ...]
    unmentioned: tuple[UnmentionedRow, ...]
    previous: ReportHeader | None
    next: ReportHeader | None
    body: tuple[BodyPart, ...]
    mentioned_by: tuple[Passage, ...] = ()  # passages of other reports that speak of this one
    contents: tuple[ContentsEntry, ...] = ()
    cite_example: str = ""  # the id of the first numbered paragraph, to show how to cite one
    headline: Judgement | None = None
    organisations: tuple[Link, ...] = ()  # whom it is about, on a site of several
    # The report's recommendations by whose they are (a scope's title, "" when all are one's):
    # the council's, then the safeguarding board's, each with its tracked titles as in `own`.
    own_groups: tuple[tuple[str, tuple[tuple[Passage, str], ...]], ...] = ()
    each: tuple[Neighbours, ...] = ()  # a joint report's previous and next on each organisation


@dataclass(frozen=True, slots=True)
class ThemeRow:
    id: str
    title: str
    description: str
    passages: int
    reports: int
    years: str  # "2011–2019", "2013" or "–"
    line: str = ""  # the description's first sentence, as plain text, for the index


@dataclass(frozen=True, slots=True)
class ThemesView:
    settings: Settings
    rows: tuple[ThemeRow, ...]


@dataclass(frozen=True, slots=True)
class ThemeEntry:
    report: ReportHeader
    passages: tuple[Passage, ...]
    concerns: int
    strengths: int

    @property
    def tone(self) -> str:
        """The strip cell's colour: concerns, strengths, both (mixed), or passages only."""
        if self.concerns and self.strengths:
            return "mixed"
        return "concerns" if self.concerns else "strengths" if self.strengths else "passages"


@dataclass(frozen=True, slots=True)
class ThemeOrganisation:
    """One organisation's reports with passages on a theme, on a site of several organisations."""

    id: str
    name: str
    region: str
    region_id: str
    entries: tuple[ThemeEntry, ...]  # its reports with passages on the theme, in date order
    passages: int
    reports: int = 0  # how many of its reports have passages on the theme
    brief_name: str = ""  # as lists show it: its short name, else its name
    # The first of its latest report's passages on the theme, as the theme's list shows it.
    latest: Passage | None = None
    # That report's passages on the theme: how many, and of them concerns and strengths
    latest_counts: tuple[int, int, int] = (0, 0, 0)

    @property
    def title(self) -> str:
        """Its name, as a filter lists it."""
        return self.brief_name or self.name


@dataclass(frozen=True, slots=True)
class ThemePageView:
    settings: Settings
    theme: ThemeRecord
    entries: tuple[ThemeEntry, ...]
    related: tuple[Link, ...]
    titles: dict[str, str]  # tracked recommendation id -> title, for those its passages track
    # On a site of several organisations: the entries by organisation, A to Z (each report under
    # each organisation it is about), and the regions they are in, to filter by.
    organisations: tuple[ThemeOrganisation, ...] = ()
    regions: tuple[Link, ...] = ()
    drafted: bool = False  # some passage is from a draft: its theme may be a suggestion
    # On a site of several: whose each of `related` is, (organisation id, region id), to filter by
    related_owners: tuple[tuple[str, str], ...] = ()
    # Where joint reports count under each of their organisations: the organisations' passages
    # added up, and the theme's own passages and reports
    whole: tuple[int, int, int] | None = None


# A theme across organisations: each one's entries; the list of them, without; their regions;
# whether a draft is among them (`_Planner._national_theme`).
NationalTheme = tuple[
    tuple["ThemeOrganisation", ...], tuple["ThemeOrganisation", ...], tuple["Link", ...], bool
]


@dataclass(frozen=True, slots=True)
class ThemeOrganisationPageView:
    """One organisation's passages on a theme, on a site of several organisations: the theme's
    page lists the organisations, and each one's evidence is on a page of its own."""

    settings: Settings
    theme: ThemeRecord
    organisation: ThemeOrganisation
    related: tuple[Link, ...]  # its tracked recommendations on the theme
    titles: dict[str, str]  # tracked recommendation id -> title, for those its passages track
    drafted: bool = False


@dataclass(frozen=True, slots=True)
class RecommendationGroup:
    id: str  # "open", "closed" or "never"
    title: str
    members: tuple[HistorySummary, ...]  # by title


@dataclass(frozen=True, slots=True)
class RecommendationsView:
    settings: Settings
    groups: tuple[RecommendationGroup, ...]
    # On a site of several organisations, what the list can be narrowed to.
    organisations: tuple[Link, ...] = ()
    regions: tuple[Link, ...] = ()


@dataclass(frozen=True, slots=True)
class HistoryEntryView:
    report: ReportHeader
    status: str
    own: tuple[Passage, ...]
    evidence: tuple[Passage, ...]
    basis: str = "stated"


@dataclass(frozen=True, slots=True)
class ReportedEntryView:
    """An earlier inspection outside the collection, as a later report reports what it found."""

    id: str  # the event's
    title: str
    date_label: str
    status: str
    by: ReportHeader  # the report that reports it
    evidence: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class RecommendationPageView:
    settings: Settings
    rec: RecRecord
    summary: HistorySummary
    first_raised_label: str
    latest_year: int  # 0 when never mentioned
    themes: tuple[Link, ...]
    entries: tuple[HistoryEntryView, ...]
    reported: tuple[ReportedEntryView, ...] = ()
    scope_title: str = ""  # what it is a concern of, where it has a scope ('The Local … Board')


@dataclass(frozen=True, slots=True)
class AboutView:
    settings: Settings
    frameworks: tuple[Framework, ...]
    report_list: tuple[ReportHeader, ...]

    # The lines of the grade chart that frameworks.yml joins across wordings: for each, the areas
    # it joins, as (area, the years of the frameworks that word it so).
    joined: tuple[tuple[tuple[str, str], ...], ...] = ()


def scope_title(frameworks: Iterable[Framework], scope: str) -> str:
    """What a scope's id names, as the first framework that declares it says: '' for none."""
    return next((s.title for f in frameworks for s in f.scopes if scope and s.id == scope), "")


def _joined(frameworks: tuple[Framework, ...]) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Areas of one scope that frameworks.yml gives one series though they are worded apart, in
    the frameworks' order, each wording once with the years of the frameworks that use it: the
    basis for drawing them as one line."""
    lines: dict[tuple[str, str], dict[str, tuple[str, list[str]]]] = {}
    for f in frameworks:
        for a in f.areas:
            scope = f.scope(a.scope)
            if a.series and scope is not None:
                worded = lines.setdefault((scope.id, a.series), {})
                _, when = worded.setdefault(loose(a.area), (a.area, []))
                when.append(f.years or f.title)
    return tuple(
        tuple((area, ", ".join(when)) for area, when in worded.values())
        for worded in lines.values()
        if len(worded) > 1
    )


@dataclass(frozen=True, slots=True)
class DataFile:
    """A data file as the data page describes it: what it holds and what each column means."""

    name: str
    holds: str
    fields: tuple[tuple[str, str], ...]
    empty: bool = False  # it holds no record yet (no recommendation is tracked, say)


@dataclass(frozen=True, slots=True)
class DataView:
    settings: Settings
    data_names: tuple[str, ...]
    files: tuple[DataFile, ...] = ()


@dataclass(frozen=True, slots=True)
class PlainView:
    settings: Settings


@dataclass(frozen=True, slots=True)
class Page:
    """One page to render: its kind and id, template, output file, editor's source file and view.

    A page may come with `inputs` instead of its view: a small record its view is a pure function
    of (`inputs.view()`). The record is then the page's key, so a page whose record is unchanged
    since the last build is neither planned nor rendered again.
    """

    kind: str
    id: str
    template: str
    output: str
    source: str
    view: Any = field(repr=False)
    inputs: Any = field(default=None, repr=False)
    # Pages of a group show many of the same records (an organisation's pages, its passages):
    # they are rendered together. "" for a page of its own.
    group: str = ""

    def made(self) -> Page:
        """The page with its view."""
        if self.view is not None:
            return self
        return replace(self, view=self.inputs.view(), inputs=None)

    def context(self) -> dict[str, Any]:
        """The template's variables: the view's fields, and which page this is."""
        names = self.view.__dataclass_fields__
        return {"page_kind": self.kind, "page_id": self.id} | {
            n: getattr(self.view, n) for n in names
        }


# ---- Planning ----------------------------------------------------------------------------------


def plan_pages(
    site: Site,
    urls: Urls,
    template_path: Callable[[str], str],
    data_names: tuple[str, ...],
    kept: Kept | None = None,
) -> Iterator[Page]:
    """Every HTML page of the site, each with the view its template shows, one at a time in the
    order they are written (so rendering can start while the rest are planned). `kept` keeps
    views made from what an edit leaves unchanged, for the next build (`Kept`)."""
    p = _Planner(site, urls, kept)
    p.settings = settings = _settings(site)

    def page(
        kind: str, id: str, view: Any, template: str = "", source: str = "", group: str = ""
    ) -> Page:
        template = template or f"{kind}.html"
        return Page(
            kind,
            id,
            template,
            urls.output_file(kind, id),
            source or template_path(template),
            p.kept.same(
                f"view {kind} {id}", view
            ),  # the last build's, when equal: its key is known
            group=group,
        )

    timeline = p.timeline()
    if site.groups.several:
        yield page("home", "", _national_home(site, p))
        chart = ChartView((), "", ())  # one chart of every organisation's grades says nothing
    else:
        chart = p.chart()
        graded = [v for v in site.reports if v.report.judgements]
        latest = graded[-1] if graded else None
        yield page(
            "home",
            "",
            HomeView(
                settings,
                p.header(latest.report.id) if latest else None,
                p.judgements(latest.report.framework, latest.report.judgements) if latest else (),
                chart,
                timeline,
                # The home page lists them without their strips: a strip's change is not its change.
                tuple(replace(h, strip=()) for h in p.open_group().members),
                p.report_list,
            ),
        )
    yield page("timeline", "", TimelineView(settings, chart, timeline))
    yield page("reports", "", ReportsView(settings, p.report_list))
    if site.groups.several:
        yield page("themes", "", ThemesView(settings, p.theme_rows()))
        for theme in site.themes.values():
            yield page("theme", theme.id, p.theme_page(theme))
        yield from _by_organisation(site, p, urls, page)
    else:
        for view in site.reports:
            yield _report_page(p, urls, view)
        yield page("themes", "", ThemesView(settings, p.theme_rows()))
        for theme in site.themes.values():
            yield page("theme", theme.id, p.theme_page(theme))
    yield page("recommendations", "", RecommendationsView(settings, p.groups(), *p.filters()))
    for rid in site.histories:
        yield page("recommendation", rid, p.recommendation_page(rid))
    if site.groups.several:
        yield from organisation_pages(site, p, page)
    frameworks = tuple(site.frameworks.values())
    yield page("about", "", AboutView(settings, frameworks, p.report_list, _joined(frameworks)))
    documented = dictionary(site.groups.several)
    empty: set[str] = set()
    if not site.histories:
        empty |= {"recommendations.json", "recommendations.csv"}
    if not any(v.passages for v in site.reports):
        empty |= {"annotations.json", "annotations.csv", "annotations.jsonld"}
    files = tuple(DataFile(n, *documented.get(n, ("", ())), empty=n in empty) for n in data_names)
    yield page("data", "", DataView(settings, data_names, files))
    yield page("accessibility", "", PlainView(settings))
    yield page("search", "", PlainView(settings))
    yield page("not_found", "", PlainView(settings), template="404.html")


def plan_report_pages(
    site: Site,
    urls: Urls,
    template_path: Callable[[str], str],
    report_ids: Collection[str],
    kept: Kept | None = None,
) -> Iterator[Page]:
    """The pages of these reports alone, as `plan_pages` plans them (from the views `kept` by the
    last build, when given, which it does not change)."""
    p = _Planner(site, urls, kept)
    p.settings = _settings(site)
    for rid in report_ids:
        view = p.views.get(rid)
        if view is not None:
            yield _report_page(p, urls, view)


# The newest reports a national home page lists.
NEWEST = 12


def _national_home(site: Site, p: _Planner) -> HomeView:
    """The home page of a site of several organisations: the organisations' latest grades and
    the newest reports; each organisation's own history is on its page."""
    _, latest, _ = p.distribution
    newest = tuple(reversed(p.report_list[-NEWEST:]))
    return HomeView(
        p.settings,
        None,
        (),
        ChartView((), "", ()),
        (),
        (),
        newest,
        len(site.groups.organisations),
        latest,
    )


def _settings(site: Site) -> Settings:
    """The site's settings, with the date it was last updated (from the content, never the clock)
    and whether it holds several organisations."""
    settings = site.settings
    if settings.updated is None and site.reports:
        settings = replace(settings, updated=max(v.report.changed for v in site.reports))
    if site.groups.several:
        settings = replace(settings, several=True)
    return settings


def _by_organisation(
    site: Site, p: _Planner, urls: Urls, page: Callable[..., Page]
) -> Iterator[Page]:
    """A national site's report pages and its pages of an organisation on a theme, one
    organisation after another (a joint inspection's under the first it names), each page
    `group`ed by it: an organisation's pages show the same passages, so they are rendered
    together, and each passage is sent to the workers once, not once for each page."""
    pages: dict[str, list[Page]] = {}
    for view in site.reports:
        planned = _report_page(p, urls, view)
        pages.setdefault(planned.group, []).append(planned)
    for theme in site.themes.values():
        for planned in p.theme_organisation_pages(theme, page):
            pages.setdefault(planned.group, []).append(planned)
    for owner in sorted(pages):
        yield from pages.pop(owner)


def _report_page(p: _Planner, urls: Urls, view: ReportView) -> Page:
    """A report's page, planned from its inputs; on a national site, of its organisation's
    group (the first it names): the preview's page shown first has the key of the whole build's."""
    rid = view.report.id
    owners = view.report.organisations if p.site.groups.several else ()
    return Page(
        "report",
        rid,
        "report.html",
        urls.output_file("report", rid),
        view.report.where.path,
        None,
        p.kept.same(f"inputs report {rid}", p.report_page_inputs(view)),
        owners[0] if owners else "",
    )


def _theme_row(theme: ThemeRecord, shares: dict[str, tuple[Passage, ...]]) -> ThemeRow:
    years = sorted({p.year for passages in shares.values() for p in passages})
    span = (
        (f"{years[0]}–{years[-1]}" if years and years[0] != years[-1] else str(years[0]))
        if years
        else "–"
    )
    line = _first_sentence(theme.description)
    count = sum(map(len, shares.values()))
    return ThemeRow(theme.id, theme.title, theme.description, count, len(shares), span, line)


def _named(passages: tuple[Passage, ...]) -> tuple[list[str], list[str], list[str]]:
    """The themes, tracked recommendations and earlier inspections a report's passages name."""
    return (
        sorted({t for p in passages for t in p.themes}),
        sorted({p.tracks for p in passages if p.tracks}),
        sorted({p.mentions for p in passages if p.mentions}),
    )


def _mentioning(passages: tuple[Passage, ...]) -> tuple[Passage, ...]:
    """A report's passages that mention an earlier inspection."""
    return tuple(p for p in passages if p.mentions)


def _tracked(o: ThemeOrganisation) -> frozenset[str]:
    """The recommendations an organisation's passages on a theme track."""
    return frozenset(p.tracks for e in o.entries for p in e.passages if p.tracks)


def _theme_organisation(record: Organisation, entries: tuple[ThemeEntry, ...]) -> ThemeOrganisation:
    return ThemeOrganisation(
        record.id,
        record.name,
        record.region,
        region_id(record.region),
        entries,
        sum(len(e.passages) for e in entries),
        len(entries),
        record.brief_name,
    )


class _Planner:
    """Builds the views, deriving each shared piece once, when a view first needs it: the pages of
    one report need a few headers and neighbours, not every recommendation's summary."""

    def __init__(self, site: Site, urls: Urls, kept: Kept | None = None) -> None:
        self.site, self.urls = site, urls
        self.kept = kept if kept is not None else Kept()
        self._entries: dict[int, TimelineEntry] = {}  # by timeline item, this build's
        self._theme_entries: dict[str, tuple[ThemeEntry, ...]] = {}  # by theme, this build's
        self._theme_groups: dict[str, NationalTheme] = {}
        self._on_theme: dict[str, dict[str, tuple[Link, ...]]] | None = None
        # A report's judgements as shown, by framework and record (held, so its id stays its own).
        self._judgements: dict[tuple[str, int], tuple[Any, tuple[Judgement, ...]]] = {}
        self.settings = site.settings
        self.views = {v.report.id: v for v in site.reports}
        # A header equal to the last build's is that very record: its digest is known.
        self.headers = _Made(
            lambda rid: self.kept.same(f"header {rid}", self._header(self.views[rid])), self.views
        )
        self.standing = {rid: h.standing for rid, h in site.histories.items()}
        self.events = {e.id: e for e in site.content.events}
        self.summaries = _Made(self._summary, site.histories)
        self.neighbours = _Made(lambda rid: _neighbour_map(site.histories[rid]), site.histories)
        self.cells = _Cells(self.headers)  # one strip cell for each report and status

    @functools.cached_property
    def report_list(self) -> tuple[ReportHeader, ...]:
        return tuple(self.headers[rid] for rid in self.views)

    @functools.cached_property
    def mentioned_by(self) -> dict[str, tuple[Passage, ...]]:
        out: dict[str, tuple[Passage, ...]] = {}
        for v in self.site.reports:
            for p in self.kept.of("mentioning", v.passages, _mentioning):
                out[p.mentions] = (*out.get(p.mentions, ()), p)
        return out

    def grade(self, framework_id: str, grade_id: str) -> Grade | None:
        framework = self.site.frameworks.get(framework_id)
        return framework.grade(grade_id) if framework else None

    def judgements(
        self, framework_id: str, judgements: tuple[JudgementRecord, ...]
    ) -> tuple[Judgement, ...]:
        """A report's judgements as pages show them; made once a build for each report (its
        timeline entry, page, header and organisation page show the same)."""
        made = self._judgements.get((framework_id, id(judgements)))
        if made is None or made[0] is not judgements:
            made = (judgements, self._made_judgements(framework_id, judgements))
            self._judgements[(framework_id, id(judgements))] = made
        return made[1]

    def _made_judgements(
        self, framework_id: str, judgements: tuple[JudgementRecord, ...]
    ) -> tuple[Judgement, ...]:
        framework = self.site.frameworks.get(framework_id)
        out = []
        for j in judgements:
            scope = framework.scope(j.scope) if framework else None
            out.append(
                Judgement(
                    j.area,
                    self.grade(framework_id, j.grade),
                    j.paragraph,
                    j.note,
                    scope.title if scope else "",
                    j.basis,
                )
            )
        return tuple(out)

    def _header(self, view: ReportView) -> ReportHeader:
        r = view.report
        head = view.headline
        return ReportHeader(
            r.id,
            r.title,
            r.kind,
            r.publisher,
            r.date,
            r.published,
            r.summary,
            r.source,
            r.licence,
            self.judgements(r.framework, (head,))[0] if head else None,
            r.edition,
            r.brief_title,
            self.organisations_of(r.id),
            r.draft,
            len(r.judgements),
        )

    def _whose(self, item: TimelineItem) -> tuple[Link, ...]:
        """Whom a report or an earlier inspection is about, on a site of several."""
        if item.report is not None:
            return self.organisations_of(item.id)
        groups = self.site.groups
        found = groups.organisations.get(groups.of_event(item.id)) if groups.several else None
        return (Link(found.id, found.name),) if found else ()

    def organisations_of(self, report_id: str) -> tuple[Link, ...]:
        groups = self.site.groups
        if not groups.several:
            return ()
        found = (groups.organisations.get(o) for o in groups.of_report(report_id))
        return tuple(Link(o.id, o.name) for o in found if o is not None)

    def header(self, report_id: str) -> ReportHeader:
        header: ReportHeader = self.headers[report_id]
        return header

    def year_of(self, id: str) -> int:
        """The year of a report or of an earlier inspection outside the collection."""
        if id in self.events:
            return self.events[id].date.start.year
        return self.headers[id].date.year if id else 0

    def _summary(self, rid: str) -> HistorySummary:
        history, s = self.site.histories[rid], self.standing[rid]
        reported = tuple(
            StripCell(
                e.report,
                self.year_of(e.report),
                e.status,
                self.events[e.report].title,
                "reported",
                True,
                self.year_of(e.by),
            )
            for e in history.reported
        )
        return HistorySummary(
            rid,
            history.recommendation.title,
            s.latest_status,
            self.year_of(s.first_raised),
            s.times_raised,
            s.recurring,
            reported + tuple(self.cells[(e.report, e.status, e.basis)] for e in history.entries),
            s.standing,
            s.is_open,
            self.year_of(s.last_assessed),
            s.silent_since,
            s.unknown_since,
            s.before_collection,
            self.year_of(s.last_met) if s.standing != "met" else 0,
            s.latest_basis,
            *self._owner(rid),
            uncovered_since=s.uncovered_since,
        )

    def _owner(self, rid: str) -> tuple[Link | None, str]:
        """Whose a tracked recommendation is, and its region's id, on a site of several."""
        groups = self.site.groups
        found = groups.organisations.get(groups.of_recommendation(rid)) if groups.several else None
        return (Link(found.id, found.name), region_id(found.region)) if found else (None, "")

    def summary(self, rid: str) -> HistorySummary:
        made: HistorySummary = self.summaries[rid]
        return made

    def chart(self) -> ChartView:
        return self.chart_view(grade_chart(self.site, self.urls))

    @functools.cached_property
    def distribution(self) -> tuple[tuple[Distribution, ...], Distribution | None, tuple[int, ...]]:
        """The national grade distributions: the home page's and the overview's, made once, and
        kept from the last build while the grades they count are the same."""
        site = self.site
        counted = tuple(
            (v.report.framework, v.report.date.year, v.report.judgements, v.headline)
            + (site.groups.of_report(v.report.id),)
            for v in site.reports
        )
        return self.kept.made_from(
            "distribution", (self.frameworks_key, counted), lambda: distribution_chart(site)
        )

    @functools.cached_property
    def frameworks_key(self) -> str:
        return key_of(sorted(self.site.frameworks.items()))

    def items_chart(self, items: list[TimelineItem]) -> ChartView:
        """The chart of these timeline items (one organisation's), drawn again only when what it
        is drawn from changed since the last build: the items' dates, kinds and judgements, the
        frameworks and the base path its links start with."""
        # What it is drawn from is compared with what the last build's was drawn from, in this
        # process only: plain values and records, equal (mostly the very same objects) when the
        # organisation's reports are unchanged. Every organisation's chart is asked for on every edit.
        drawn_from = (
            self.frameworks_key,
            self.site.settings.base_path,
            tuple(
                (i.id, i.title, i.framework, i.position, i.date_label, i.judgements)
                + (i.report is not None, i.event is not None and i.event.graded)
                for i in items
            ),
        )

        def draw() -> ChartView:
            own = dataclasses.replace(self.site, timeline=items)
            return self.chart_view(grade_chart(own, Urls(self.site.settings.base_path)))

        return self.kept.made_from(("chart", tuple(i.id for i in items)), drawn_from, draw)

    def chart_view(self, chart: Chart) -> ChartView:
        panels = tuple(
            ChartPanel(
                p.scope,
                p.title,
                p.svg,
                tuple(
                    LegendEntry(s.title, *style, marker_path(style[2], 17, 7))
                    for s, style in zip(p.series, p.styles, strict=True)
                ),
                any(pt.basis != "stated" for s in p.series for pt in s.points),
                p.axis,
            )
            for p in chart.panels
        )
        return ChartView(panels, chart.summary, chart.levels, len(chart.ungraded), chart.omitted)

    def timeline(self) -> tuple[TimelineEntry, ...]:
        return self.timeline_entries(self.site.timeline)

    def timeline_entries(self, items: list[TimelineItem]) -> tuple[TimelineEntry, ...]:
        """The entries of these items; each item's is made once a build, for the site's timeline
        and its organisation's page alike (the site holds the items while the build lasts)."""
        site, made = self.site, self._entries
        out = []
        for item in items:
            entry = made.get(id(item))
            if entry is None:
                framework = site.frameworks.get(item.framework)
                # All an entry shows is made from these: the last build's is kept while they are
                # the very same (a site's every report, on every edit).
                inputs = (
                    item.report or item.event,
                    framework,
                    site.content.organisations,
                    tuple(site.event_mentions.get(item.id, ())) if item.event else (),
                    self.reported_by_event.get(item.id, ()),
                )
                entry = made[id(item)] = self.kept.made_from(
                    f"timeline {item.id}",
                    inputs,
                    functools.partial(self._timeline_entry, item, framework, inputs[3]),
                )
            out.append(entry)
        return tuple(out)

    def _timeline_entry(
        self, item: TimelineItem, framework: Framework | None, mentions: tuple[Passage, ...]
    ) -> TimelineEntry:
        return TimelineEntry(
            item.id,
            item.title,
            item.kind,
            framework.title if item.framework and framework else "",
            item.date_label,
            item.report is not None,
            self.judgements(item.framework, item.judgements),
            item.report.summary if item.report else "",
            item.event.note if item.event else "",
            mentions,
            self.reported_by_event.get(item.id, ()),
            self._whose(item),
            item.report.short_title if item.report else item.title,
        )

    @functools.cached_property
    def reported_by_event(self) -> dict[str, tuple[tuple[str, str, Passage], ...]]:
        """Each earlier inspection's findings, as later reports report them."""
        out: dict[str, list[tuple[str, str, Passage]]] = {}
        for history in self.site.histories.values():
            for entry in history.reported:
                for p in entry.evidence[:1]:
                    out.setdefault(entry.report, []).append(
                        (history.recommendation.title, entry.status, p)
                    )
        return {k: tuple(sorted(v, key=lambda t: t[0])) for k, v in out.items()}

    def report_page_inputs(self, view: ReportView) -> ReportPageInputs:
        """What a report's page shows, gathered from the whole site."""
        site, r = self.site, view.report
        recs, groups = site.recommendations, site.groups
        joint = len(groups.of_report(r.id)) > 1 if groups.several else False

        def whose(rid: str) -> str:
            """A recommendation's organisation, said on a report about several."""
            return names_of(groups, (groups.of_recommendation(rid),)) if joint else ""

        tracked = []
        for rid, status in view.statuses.items():
            entry = site.entry(rid, r.id)
            if entry is None:
                continue
            seen: set[str] = set()
            evidence = []
            for p in entry.own + entry.evidence:
                if p.block_id not in seen:
                    seen.add(p.block_id)
                    evidence.append(p)
            basis = "inferred" if rid in view.inferred else "stated"
            tracked.append(
                TrackedRow(rid, recs[rid].title, status, tuple(evidence), basis, whose(rid))
            )
        # What the previous report on the recommendation's organisation said, and this one does not.
        unmentioned = tuple(
            UnmentionedRow(
                rid,
                recs[rid].title,
                cell.status,
                self.headers[cell.report] if cell.report in self.views else None,
                whose(rid),
            )
            for rid in view.unmentioned
            if (cell := self.standing[rid].earlier(r.id)) is not None
        )
        each = tuple(
            Neighbours(
                Link(group, names_of(groups, (group,))),
                self.headers[previous] if previous else None,
                self.headers[following] if following else None,
            )
            for group, previous, following in view.each
        )
        named_themes, named_recs, mentions = self.kept.of("named", view.passages, _named)
        return ReportPageInputs(
            self.settings,
            # The page shows the header; its text comes in `body`, its annotations in the asides.
            self.kept.of("header", r, _without_text),
            view.framework.title if view.framework else "",
            self.judgements(r.framework, r.judgements),
            self.headers[r.id].headline,
            # Its page shows the headings; the blocks' words are the search index's.
            ReportBody(
                view.body_key or key_of(view.body_text),
                view.body,
                replace(view.outline, blocks=()),
            ),
            view.passages,
            tuple(tracked),
            unmentioned,
            self.headers[view.previous] if view.previous else None,
            self.headers[view.next] if view.next else None,
            self.mentioned_by.get(r.id, ()),
            tuple((t, site.themes[t].title) for t in named_themes),
            tuple((rid, recs[rid].title) for rid in named_recs),
            tuple((rid, *self.neighbours[rid](r.id)) for rid in named_recs),
            tuple((m, self.headers[m]) for m in mentions if m in self.views),
            self.headers[r.id].organisations,
            tuple((s.id, s.title) for s in view.framework.scopes) if view.framework else (),
            each,
        )

    def theme_rows(self) -> tuple[ThemeRow, ...]:
        rows = []
        for theme in self.site.themes.values():
            shares = self.site.theme_reports.get(theme.id, {})
            # Kept while each report's share is the very same (on a national site, thousands of
            # passages a theme).
            rows.append(
                self.kept.made_from(
                    ("theme row", theme.id),
                    (theme, tuple(shares.values())),
                    functools.partial(_theme_row, theme, shares),
                )
            )
        # In the order of the alphabet, whatever order themes.yml gives them in.
        return tuple(sorted(rows, key=lambda r: (r.title.casefold(), r.id)))

    def theme_entries(self, theme_id: str) -> tuple[ThemeEntry, ...]:
        """Each report's passages on a theme, in date order; made once a build. A report's entry
        is the last build's while its header is the very same and its share equal."""
        made = self._theme_entries.get(theme_id)
        if made is None:
            shares = self.site.theme_reports.get(theme_id, {})
            # On a site of several organisations no page shows a report without passages.
            ids = shares if self.site.groups.several else self.views
            last: dict[str, ThemeEntry] = self.kept.previous(("theme entries", theme_id)) or {}
            now = {}
            for rid in ids:
                passages = shares.get(rid, ())
                header = self.headers[rid]
                entry = last.get(rid)
                if entry is None or entry.report is not header or entry.passages != passages:
                    entry = ThemeEntry(header, passages, *tally(passages))
                now[rid] = entry
            self.kept.keep(("theme entries", theme_id), now)
            made = self._theme_entries[theme_id] = tuple(now.values())
        return made

    def theme_organisations(self, theme_id: str) -> tuple[ThemeOrganisation, ...]:
        """The organisations with passages on a theme, A to Z, each with its entries."""
        return self._national_theme(theme_id)[0]

    def _national_theme(self, theme_id: str) -> NationalTheme:
        """A theme across organisations: each one's entries, the list of them (without), the
        regions they are in and whether a draft is among them. Kept from the last build while the
        theme's passages, their reports' headers and the organisations are those it was made from
        (the very same objects, after an edit elsewhere): on a national site a theme holds
        thousands of passages, and every theme is asked for on every edit."""
        made = self._theme_groups.get(theme_id)
        if made is not None:
            return made
        entries = self.theme_entries(theme_id)
        # Kept while its entries and the organisations are the very same: an edit to a report
        # leaves most themes alone.
        full = self.kept.made_from(
            ("theme organisations", theme_id),
            (entries, self.site.content.organisations),
            lambda: self._theme_organisations(theme_id, entries),
        )

        def make() -> NationalTheme:
            listed = tuple(
                dataclasses.replace(
                    o,
                    entries=(),
                    latest=o.entries[-1].passages[0] if o.entries else None,
                    latest_counts=(
                        len(o.entries[-1].passages),
                        o.entries[-1].concerns,
                        o.entries[-1].strengths,
                    )
                    if o.entries
                    else (0, 0, 0),
                )
                for o in full
            )
            regions = tuple(
                sorted(
                    {Link(o.region_id, o.region) for o in full if o.region_id},
                    key=lambda r: r.title.casefold(),
                )
            )
            return full, listed, regions, any(e.report.draft for e in entries if e.passages)

        made = self._theme_groups[theme_id] = self.kept.made_from(("theme", theme_id), full, make)
        return made

    def theme_page(self, theme: ThemeRecord) -> ThemePageView:
        site = self.site
        organisations: tuple[ThemeOrganisation, ...] = ()
        regions: tuple[Link, ...] = ()
        whole: tuple[int, int, int] | None = None
        if site.groups.several:
            # Each organisation's passages are on a page of their own (`theme_organisation_page`):
            # on a national site most paragraphs are on a theme, and one page of them all would
            # run to megabytes, and be made again on every edit.
            full, organisations, regions, drafted = self._national_theme(theme.id)
            entries: tuple[ThemeEntry, ...] = ()  # by organisation, not one strip of every report
            tracked: set[str] = set()
            # A joint report's passages count under each of its organisations.
            shares = {e.report.id: len(e.passages) for o in full for e in o.entries if e.passages}
            if sum(o.passages for o in organisations) > sum(shares.values()):
                whole = (sum(o.passages for o in organisations), sum(shares.values()), len(shares))
        else:
            entries = self.theme_entries(theme.id)
            tracked = {p.tracks for e in entries for p in e.passages if p.tracks}
            drafted = any(e.report.draft for e in entries if e.passages)
        on = [r for r in site.recommendations.values() if theme.id in r.themes]
        owners = [self._owner(r.id) for r in on] if site.groups.several else []
        return ThemePageView(
            self.settings,
            theme,
            entries,
            tuple(Link(r.id, self._titled(r.id, r.title)) for r in on),
            {rid: site.recommendations[rid].title for rid in sorted(tracked)},
            organisations,
            regions,
            drafted,
            tuple((owner.id if owner else "", region) for owner, region in owners),
            whole,
        )

    def theme_organisation_pages(
        self, theme: ThemeRecord, page: Callable[..., Page]
    ) -> tuple[Page, ...]:
        """A theme's pages, one for each organisation with passages on it. On a national site
        these are thousands, and an edit to one report changes a few themes' pages of one
        organisation. A page whose organisation's passages, recommendations and settings are the
        very same is the last build's, not planned again; and the pages of a theme all of whose
        organisations are are taken up at once."""
        on = self._recommendations_on(theme.id)
        shared = (self.settings, theme, self.site.content.recommendations)
        full = self.theme_organisations(theme.id)

        def plan() -> tuple[Page, ...]:
            return tuple(
                self.kept.made_from(
                    ("theme organisation page", theme.id, o.id),
                    (*shared, o, on.get(o.id)),
                    functools.partial(self._theme_organisation_planned, theme, o, page),
                )
                for o in full
            )

        made = self.kept.made_from(
            ("theme organisation pages", theme.id), (*shared, full, on), plan
        )
        # Each page's view and record, held for the next build as planning one would hold them.
        self.kept.carry((f"view {p.kind} {p.id}", p.view) for p in made)
        self.kept.carry_last(("theme organisation page", theme.id, o.id) for o in full)
        return made

    def _theme_organisation_planned(
        self, theme: ThemeRecord, o: ThemeOrganisation, page: Callable[..., Page]
    ) -> Page:
        view = self.theme_organisation_page(theme, o)
        return page(
            "theme_organisation",
            facets_id(theme.id, o.id),
            view,
            "theme_organisation.html",
            group=o.id,
        )

    def theme_organisation_page(
        self, theme: ThemeRecord, o: ThemeOrganisation
    ) -> ThemeOrganisationPageView:
        site = self.site
        tracked = self.kept.of("tracked", o, _tracked)
        return ThemeOrganisationPageView(
            self.settings,
            theme,
            o,
            self._recommendations_on(theme.id).get(o.id, ()),
            {rid: site.recommendations[rid].title for rid in sorted(tracked)},
            any(e.report.draft for e in o.entries),
        )

    def _recommendations_on(self, theme_id: str) -> dict[str, tuple[Link, ...]]:
        """A theme's tracked recommendations by organisation, found once a build: each of a
        theme's organisations' pages reads its own, not every recommendation of the site."""
        if self._on_theme is None:
            by: dict[tuple[str, str], list[Link]] = {}
            for r in self.site.recommendations.values():
                owner = self.site.groups.of_recommendation(r.id)
                for t in dict.fromkeys(r.themes):
                    by.setdefault((t, owner), []).append(Link(r.id, r.title))
            self._on_theme = {}
            for (t, owner), links in by.items():
                self._on_theme.setdefault(t, {})[owner] = tuple(links)
        return self._on_theme.get(theme_id, {})

    def _titled(self, rid: str, title: str) -> str:
        """A recommendation's title, with whose it is on a site of several organisations."""
        owner, _ = self._owner(rid)
        return f"{title} ({owner.title})" if owner else title

    def _theme_organisations(
        self, theme_id: str, entries: tuple[ThemeEntry, ...]
    ) -> tuple[ThemeOrganisation, ...]:
        """The organisations with passages on a theme, A to Z. Each is kept while its record and
        its entries are the very same: an edit to one report makes its organisation's anew."""
        groups = self.site.groups
        mine: dict[str, list[ThemeEntry]] = {}
        for e in entries:
            if e.passages:
                for o in groups.of_report(e.report.id):
                    mine.setdefault(o, []).append(e)
        out = []
        for o, found in mine.items():
            record = groups.organisations.get(o)
            if record is not None:
                out.append(
                    (
                        record.sort_key,
                        self.kept.made_from(
                            ("theme organisation", theme_id, o),
                            (record, tuple(found)),
                            functools.partial(_theme_organisation, record, tuple(found)),
                        ),
                    )
                )
        return tuple(t for _, t in sorted(out, key=lambda pair: pair[0]))

    def groups(self) -> tuple[RecommendationGroup, ...]:
        """The recommendations index's groups, by the one derived standing of each."""
        titles = (
            ("open", "Still open", ("open", "progress")),
            ("met", "Met", ("met",)),
            ("positive", "Spoken of well since, not found met", ("positive",)),
            ("strength", "Never raised as a concern", ("strength",)),
            ("unassessed", "Not yet spoken of by any report", ("",)),
        )
        return tuple(
            RecommendationGroup(
                group,
                title,
                tuple(
                    sorted(
                        (
                            self.summaries[rid]
                            for rid, s in self.standing.items()
                            if s.standing in standings
                        ),
                        key=lambda h: h.title,
                    )
                ),
            )
            for group, title, standings in titles
        )

    def filters(self) -> tuple[tuple[Link, ...], tuple[Link, ...]]:
        """The organisations and regions a list may be narrowed to, on a site of several."""
        groups = self.site.groups
        if not groups.several:
            return (), ()
        named = sorted(groups.organisations.values(), key=lambda o: o.sort_key)
        regions = {region_id(o.region): o.region for o in named if o.region}
        return (
            tuple(Link(o.id, o.brief_name) for o in named),
            tuple(Link(r, t) for r, t in sorted(regions.items(), key=lambda kv: kv[1].casefold())),
        )

    def open_group(self) -> RecommendationGroup:
        return self.groups()[0]

    def recommendation_page(self, rid: str) -> RecommendationPageView:
        site = self.site
        history, s = site.histories[rid], self.standing[rid]
        rec = history.recommendation
        return RecommendationPageView(
            self.settings,
            rec,
            self.summaries[rid],
            self.first_raised_label(s.first_raised, history),
            self.year_of(s.last_assessed),
            tuple(Link(t, site.themes[t].title) for t in rec.themes),
            tuple(
                HistoryEntryView(self.headers[e.report], e.status, e.own, e.evidence, e.basis)
                for e in history.entries
            ),
            tuple(
                ReportedEntryView(
                    e.report,
                    self.events[e.report].title,
                    self.events[e.report].date.label,
                    e.status,
                    self.headers[e.by],
                    e.evidence,
                )
                for e in history.reported
            ),
            scope_title(site.frameworks.values(), rec.scope),
        )

    def first_raised_label(self, first: str, history: History) -> str:
        """When a concern was first raised: a report's date, or an earlier inspection's as the
        report that reports it says."""
        if first in self.events:
            by = next(e.by for e in history.reported if e.report == first)
            header = self.headers[by]
            kind = dict(self.settings.kinds).get(header.kind, "document").lower()
            return (
                f"{self.events[first].date.label}, at an inspection outside this collection, "
                f"as reported by the {header.date.year} {kind}"
            )
        return self.headers[first].date.label if first else ""


@dataclass(frozen=True, slots=True)
class ReportBody:
    """A report's body as its page shows it: its HTML, and its outline as the model read it.
    Pages name it by `key` (a content hash of the text and targets it was made from), so a
    page's key never hashes the body's bytes."""

    key: str
    html: str | Packed  # packed where the build holds every body at once (`Site.without_texts`)
    outline: BodyOutline  # its headings: the words of its blocks are the search index's

    @property
    def shared_name(self) -> str:
        return f"body-{self.key}"

    @property
    def text(self) -> str:
        """The HTML, unpacked where it was held packed."""
        return text_of(self.html)


@dataclass(frozen=True, slots=True)
class ReportPageInputs:
    """Everything a report's page shows, gathered from the site: the page's view is a pure
    function of this record (`view`), so an edit elsewhere that leaves it equal leaves the page."""

    settings: Settings
    report: ReportRecord  # without its text and annotations
    framework_title: str
    judgements: tuple[Judgement, ...]
    headline: Judgement | None
    body: ReportBody
    passages: tuple[Passage, ...]
    tracked: tuple[TrackedRow, ...]
    unmentioned: tuple[UnmentionedRow, ...]
    previous: ReportHeader | None
    next: ReportHeader | None
    mentioned_by: tuple[Passage, ...]
    theme_titles: tuple[tuple[str, str], ...]  # of the themes its passages name
    rec_titles: tuple[tuple[str, str], ...]  # of the recommendations its passages track
    # For each of those: the first passage of the nearest earlier and later report on it.
    neighbours: tuple[tuple[str, Neighbour | None, Neighbour | None], ...]
    mention_headers: tuple[tuple[str, ReportHeader], ...]  # the reports its passages speak of
    organisations: tuple[Link, ...] = ()  # whom it is about, on a site of several
    scope_titles: tuple[tuple[str, str], ...] = ()  # its framework's scopes: (id, title)
    each: tuple[Neighbours, ...] = ()  # a joint report's previous and next on each organisation

    def view(self) -> ReportPageView:
        rec_titles = dict(self.rec_titles)
        body, contents, cite_example = _body_and_contents(self)
        own = tuple(
            (p, rec_titles[p.tracks] if p.tracks else "")
            for p in self.passages
            if p.kind == "recommendation"
        )
        return ReportPageView(
            self.settings,
            self.report,
            self.framework_title,
            self.judgements,
            own,
            self.tracked,
            self.unmentioned,
            self.previous,
            self.next,
            body,
            self.mentioned_by,
            contents,
            cite_example,
            self.headline,
            self.organisations,
            _own_groups(own, self.scope_titles),
            self.each,
        )


def _without_text(report: ReportRecord) -> ReportRecord:
    return dataclasses.replace(report, body="", annotations=(), recommendations=())


def _own_groups(
    own: tuple[tuple[Passage, str], ...], scope_titles: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, tuple[tuple[Passage, str], ...]], ...]:
    """The report's recommendations by scope, the first scope's (those naming none) first; one
    group without a title when they are all one scope's."""
    order = [scope for scope, _ in scope_titles]
    first = order[0] if order else ""
    groups: dict[str, list[tuple[Passage, str]]] = {}
    for item in own:
        groups.setdefault(item[0].scope or first, []).append(item)
    if len(groups) <= 1:
        return (("", own),) if own else ()
    titles = dict(scope_titles)
    ranked = sorted(groups, key=lambda s: order.index(s) if s in order else len(order))
    return tuple((titles.get(s, s), tuple(groups[s])) for s in ranked)


def _body_and_contents(
    inputs: ReportPageInputs,
) -> tuple[tuple[BodyPart, ...], tuple[ContentsEntry, ...], str]:
    """The report's body and its contents list (linear in its length and its asides).

    Headings move down under the page's own, empty table headers become cells, each
    highlighted passage points to its note, and the notes of one block form one group.
    """
    outline = inputs.body.outline  # the body as the model read it: never parsed again here
    text = inputs.body.text
    shift = _TEXT_LEVEL - outline.top_level if outline.top_level else 0
    if shift:
        text = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + shift, 6)}", text)
    text = _headless_tables(text).replace("<th></th>", "<td></td>")
    contents = _contents(outline.headings, shift)
    passages = {p.key: p for p in inputs.passages}
    reading = {key: i for i, key in enumerate(passages)}  # the passages come in reading order
    pieces = _ASIDE.split(text)
    groups: list[tuple[str, list[Passage]]] = []  # a run of HTML, then the notes after it
    for i in range(0, len(pieces) - 1, 2):
        run, key = pieces[i], pieces[i + 1]
        passage = passages.pop(key, None)  # a key's first placeholder takes its aside
        if passage is None:  # kept as written
            groups.append((run + f"<!--aside:{key}-->", []))
        elif groups and groups[-1][1] and not run.strip():
            groups[-1][1].append(passage)  # another note on the same block
        else:
            groups.append((run, [passage]))
    groups.append((pieces[-1], []))
    aside = _Asides(inputs)
    labels: dict[str, int] = {}
    groups_of: dict[str, int] = {}
    targets: dict[str, str] = {}
    numbers: dict[str, int] = {}
    parts = []
    for run, members in groups:
        members.sort(key=lambda p: reading[p.key])  # numbered as read, not as written
        asides: list[AsideView] = []
        shown: set[str] = set()
        for p in members:
            view = aside(p, shown)
            if p.kind == "annotation" and not (view.themes or p.note_html or p.tracks):
                targets[p.key] = ""  # its themes are shown by another note: point to the group
                continue
            targets[p.key] = view.id
            number, whole = 0, ""
            if p.kind != "mention" and (p.kind != "annotation" or bool(p.note_html or p.tracks)):
                if p.whole:  # no highlight to number: said to be on the whole block instead
                    whole = _block_word(run, p.block_id)
                else:
                    number = numbers[p.key] = sum(1 for a in asides if a.number) + 1
            asides.append(replace(view, number=number, whole=whole))
        if sum(1 for a in asides if a.number or a.whole) == 1:  # a block's one note needs neither
            asides = [replace(a, number=0, whole="") for a in asides]
            for p in members:
                numbers.pop(p.key, None)
        # Each note's name says what its badge shows ("Editors’ note 2 on paragraph 17", "… on
        # the whole of paragraph 17"), and is unique on the page.
        named = []
        for a in asides:
            label = a.label
            if a.number:
                label = label.replace(" on ", f" {a.number} on ", 1)
            elif a.whole:
                label = label.replace(" on ", " on the whole of ", 1)
            labels[label] = labels.get(label, 0) + 1
            if labels[label] > 1:
                label += f" ({labels[label]})"
            named.append(replace(a, label=label))
        asides = named
        block = members[0].block_id if members else ""
        if block:  # one group per block, but a table may have notes in several cells
            groups_of[block] = groups_of.get(block, 0) + 1
            if groups_of[block] > 1:
                block += f"-{groups_of[block]}"
        for p in members:
            if targets.get(p.key) == "":
                targets[p.key] = f"notes-{block}"
            if not asides:
                targets.pop(p.key, None)
        inline = bool(members) and not re.search(r"</(p|h[1-6]|table|ul|ol|blockquote)>\s*$", run)
        if inline and asides:
            run = _wrap_item_text(run)
        elif asides:  # the block itself points to its notes, for notes on the whole block
            own = f' id="{members[0].block_id}"'
            at = run.rfind(own)
            if at >= 0:
                at += len(own)
                run = f'{run[:at]} aria-details="notes-{block}"{run[at:]}'
        parts.append(BodyPart(run, tuple(asides), block, inline))
    return (
        tuple(_point_to_notes(part, targets, numbers) for part in parts),
        contents,
        _cite_example(text),
    )


def _cite_example(text: str) -> str:
    """The passage the cite box shows how to cite: the first numbered paragraph, else (a letter
    numbers none) the first paragraph with an address of its own that is a sentence, not the
    lines of a letterhead."""
    numbered = re.search(r'<p id="(p\d+)"', text)
    if numbered:
        return numbered.group(1)
    for m in re.finditer(r'<p id="([\w-]+)"[^>]*>(.*?)</p>', text, re.S):
        if 'class="selflink"' not in m.group(2):
            continue
        words = re.sub(r'<a [^>]*class="selflink".*?</a>|<[^>]+>', "", m.group(2)).split()
        if len(words) >= 15 and words[-1].endswith("."):
            return m.group(1)
    return ""


class _Asides:
    """The note on a passage of one report, from what its page's inputs say of the site."""

    def __init__(self, inputs: ReportPageInputs) -> None:
        self.themes = dict(inputs.theme_titles)
        self.recs = dict(inputs.rec_titles)
        self.neighbours = {rid: (earlier, later) for rid, earlier, later in inputs.neighbours}
        self.headers = dict(inputs.mention_headers)

    def __call__(self, passage: Passage, shown: set[str]) -> AsideView:
        """The note; themes already in `shown` (by the block's other notes) left out."""
        earlier = later = None
        if passage.tracks:
            earlier, later = self.neighbours[passage.tracks]
        themes = tuple(Link(t, self.themes[t]) for t in passage.themes if t not in shown)
        shown.update(passage.themes)
        kind = (
            "The report’s recommendation" if passage.kind == "recommendation" else "Editors’ note"
        )
        if passage.kind == "annotation" and not passage.note_html and not passage.tracks:
            kind = "Themes"
        elif passage.kind == "mention":
            kind = "Another document"
        where = (
            f"paragraph {passage.number}"
            if passage.number
            else f"“{_truncate(passage.quote or passage.before + passage.after, 40)}”"
        )
        return AsideView(
            passage,
            self.recs[passage.tracks] if passage.tracks else "",
            themes,
            earlier,
            later,
            self.headers.get(passage.mentions) if passage.mentions else None,
            f"aside-{passage.key}",
            f"{kind} on {where}",
        )


_BLOCK_WORDS = {
    "p": "paragraph",
    "li": "item",
    "td": "cell",
    "th": "cell",
    "blockquote": "quotation",
}


def _block_word(run: str, block_id: str) -> str:
    """What a reader calls the block with this id in the run that ends with it."""
    m = re.search(rf'<(\w+)\b[^>]*\bid="{re.escape(block_id)}"', run)
    tag = m.group(1) if m else ""
    return _BLOCK_WORDS.get(tag, "heading" if re.fullmatch(r"h[1-6]", tag) else "passage")


def _truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap_item_text(run: str) -> str:
    """Wrap a list item's own words, up to its notes, so a wide screen can set the notes beside them.

    Left as it is when the item holds a nested list or the run does not hold the item's start.
    """
    start = run.rfind("<li")
    if start < 0:
        return run
    open_end = run.find(">", start) + 1
    words = run[open_end:]
    if not open_end or re.search(r"</li>|<ul|<ol|<table|<li", words):
        return run
    return f'{run[:open_end]}<div class="item-text">{words}</div>'


_TABLE = re.compile(r"<table(?: [^>]*)?>.*?</table>", re.S)
_EMPTY_HEAD = re.compile(
    r"<thead>\s*<tr>\s*(?:<(t[hd])(?: [^>]*)?>\s*</\1>\s*)+</tr>\s*</thead>\s*"
)
_FIRST_CELL = re.compile(r"(<tr>\s*)<td((?: [^>]*)?)>(.*?)</td>", re.S)


def _headless_tables(text: str) -> str:
    """A table written with an empty header row has no column headings: its first column names
    each row, so the header row goes and each row's first cell becomes its header."""

    def fix(m: re.Match[str]) -> str:
        table: str = m.group(0)
        if not _EMPTY_HEAD.search(table):
            return table
        table = _EMPTY_HEAD.sub("", table, count=1)
        return _FIRST_CELL.sub(r'\1<th scope="row"\2>\3</th>', table)

    return _TABLE.sub(fix, text) if "<thead>" in text else text


def _first_sentence(markdown_text: str) -> str:
    """A description's first sentence as plain text: Markdown's marks and links taken out."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text or "")
    text = " ".join(re.sub(r"[*_`]", "", text).split())
    m = re.search(r"(?<=[.!?])\s+(?=[A-Z(“\"'])", text)
    return text[: m.start()] if m else text


def _point_to_notes(part: BodyPart, targets: dict[str, str], numbers: dict[str, int]) -> BodyPart:
    """Give each highlighted passage an `aria-details` pointing to its note, and the note's
    number among its block's notes where the block has several (shown beside both)."""

    def point(m: re.Match[str]) -> str:
        target = targets.get(m.group(1))
        if not target:
            return m.group(0)
        number = numbers.get(m.group(1))
        shown = f' data-note="{number}"' if number and target.startswith("aside-") else ""
        return f'{m.group(0)} aria-details="{target}"{shown}'

    return replace(part, html=_MARK_KEY.sub(point, part.html))


def _contents(headings: tuple[Heading, ...], shift: int) -> tuple[ContentsEntry, ...]:
    """The report's headings as a nested list, each at its level on the page (moved by `shift`)."""
    Node = tuple[str, str, list[Any]]  # (id, title, children)
    root: list[Node] = []
    stack: list[tuple[int, list[Node]]] = [(0, root)]
    for heading in headings:
        level = min(heading.level + shift, 6)
        while stack[-1][0] >= level:
            stack.pop()
        node: Node = (heading.id, heading.title, [])
        stack[-1][1].append(node)
        stack.append((level, node[2]))

    def freeze(nodes: list[Node]) -> tuple[ContentsEntry, ...]:
        return tuple(ContentsEntry(i, t, freeze(c)) for i, t, c in nodes)

    return freeze(root)


class _Cells(dict[tuple[str, str, str], StripCell]):
    """A recommendation strip's cell for (report, status), made once for every strip showing it."""

    def __init__(self, headers: dict[str, ReportHeader]) -> None:
        super().__init__()
        self.headers = headers

    def __missing__(self, key: tuple[str, str, str]) -> StripCell:
        report, status, basis = key
        header = self.headers[report]
        made = self[key] = StripCell(report, header.date.year, status, header.short_title, basis)
        return made


class _Made(dict[str, Any]):
    """A value for each of `keys`, made by `make` the first time it is asked for."""

    def __init__(self, make: Callable[[str], Any], keys: Collection[str]) -> None:
        super().__init__()
        self.make, self.keys_known = make, keys

    def __missing__(self, key: str) -> Any:
        if key not in self.keys_known:
            raise KeyError(key)
        made = self[key] = self.make(key)
        return made


def _neighbour_map(
    history: History,
) -> Callable[[str], tuple[Neighbour | None, Neighbour | None]]:
    """For a passage in a report: the nearest earlier and later reports that speak of the
    recommendation, each by its first passage."""
    mentioned = history.mentioned
    index = {e.report: i for i, e in enumerate(mentioned)}

    def cite(entry: HistoryEntry) -> Neighbour:
        p = entry.own[0] if entry.own else entry.evidence[0]  # without joining long tuples
        return Neighbour(p.report, p.block_id, f"{p.year} ¶{p.number}" if p.number else str(p.year))

    def find(report: str) -> tuple[Neighbour | None, Neighbour | None]:
        at = index.get(report)
        if at is None:  # the report speaks of it without a status: every mention counts as earlier
            return (cite(mentioned[-1]) if mentioned else None), None
        earlier = cite(mentioned[at - 1]) if at > 0 else None
        later = cite(mentioned[at + 1]) if at + 1 < len(mentioned) else None
        return earlier, later

    return find
