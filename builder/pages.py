"""Plan every page once: its template, output path, source file and the frozen view it shows.

A page's view is its template's only input (with pure helpers such as `url_for`), so rendering is a
pure function of the view and the templates, and a page is rendered again exactly when its view or
the templates change. Rules such as which recommendations are open live here and in `views.py`,
never in templates.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from .chart import grade_chart
from .model import DateFact, Framework, Grade, Licence, PartialDate, Settings, Source
from .model import Judgement as JudgementRecord
from .model import Report as ReportRecord
from .model import Theme as ThemeRecord
from .model import TrackedRecommendation as RecRecord
from .site import Site
from .urls import Urls
from .views import History, Passage, ReportView

_ASIDE = re.compile(r"<!--aside:([^>]*?)-->")


# ---- Pieces several pages show -------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    """A graded judgement with its grade resolved on its framework's scale."""

    area: str
    grade: Grade | None
    paragraph: str
    note: str
    scope: str  # the title of what it covers
    basis: str  # stated, inferred or elsewhere


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Link:
    id: str
    title: str


@dataclass(frozen=True)
class StripCell:
    report: str
    year: int
    status: str


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class LegendEntry:
    title: str
    colour: str
    dash: str
    marker: str


@dataclass(frozen=True)
class ChartPanel:
    """One scope's small chart and its legend."""

    scope: str
    title: str
    svg: Markup
    legend: tuple[LegendEntry, ...]
    hollow: bool  # some grade in it is not stated in its own document


@dataclass(frozen=True)
class ChartView:
    panels: tuple[ChartPanel, ...]
    summary: str
    levels: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
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


# ---- The views, one per template ---------------------------------------------------------------


@dataclass(frozen=True)
class HomeView:
    settings: Settings
    latest: ReportHeader | None  # the latest graded report
    latest_judgements: tuple[Judgement, ...]
    chart: ChartView
    timeline: tuple[TimelineEntry, ...]
    open: tuple[HistorySummary, ...]  # exactly the recommendations index's "still open" group
    report_list: tuple[ReportHeader, ...]


@dataclass(frozen=True)
class TimelineView:
    settings: Settings
    chart: ChartView
    timeline: tuple[TimelineEntry, ...]


@dataclass(frozen=True)
class ReportsView:
    settings: Settings
    report_list: tuple[ReportHeader, ...]


@dataclass(frozen=True)
class Neighbour:
    """The first passage of the nearest earlier or later report that speaks of a recommendation."""

    report: str
    block_id: str
    cite: str


@dataclass(frozen=True)
class AsideView:
    """What sits beside one passage: its note, its tracked recommendation and its themes."""

    passage: Passage
    tracks_title: str
    themes: tuple[Link, ...]
    earlier: Neighbour | None
    later: Neighbour | None
    mentions: ReportHeader | None = None  # the report a mention speaks of


@dataclass(frozen=True)
class BodyPart:
    """A run of the report's HTML, then the aside that follows it (None after the last run)."""

    html: str
    aside: AsideView | None
    placeholder: str = ""  # kept as written when no passage claims it


@dataclass(frozen=True)
class TrackedRow:
    id: str
    title: str
    status: str
    evidence: tuple[Passage, ...]  # one per paragraph


@dataclass(frozen=True)
class UnmentionedRow:
    id: str
    title: str
    previous_status: str


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class ThemeRow:
    id: str
    title: str
    passages: int
    reports: int
    years: str  # "2011–2019", "2013" or "–"


@dataclass(frozen=True)
class ThemesView:
    settings: Settings
    rows: tuple[ThemeRow, ...]


@dataclass(frozen=True)
class ThemeEntry:
    report: ReportHeader
    passages: tuple[Passage, ...]
    concerns: int
    strengths: int


@dataclass(frozen=True)
class ThemePageView:
    settings: Settings
    theme: ThemeRecord
    entries: tuple[ThemeEntry, ...]
    related: tuple[Link, ...]
    titles: dict[str, str]  # tracked recommendation id -> title, for those its passages track


@dataclass(frozen=True)
class RecommendationGroup:
    id: str  # "open", "closed" or "never"
    title: str
    members: tuple[HistorySummary, ...]  # by title


@dataclass(frozen=True)
class RecommendationsView:
    settings: Settings
    groups: tuple[RecommendationGroup, ...]


@dataclass(frozen=True)
class HistoryEntryView:
    report: ReportHeader
    status: str
    own: tuple[Passage, ...]
    evidence: tuple[Passage, ...]


@dataclass(frozen=True)
class RecommendationPageView:
    settings: Settings
    rec: RecRecord
    summary: HistorySummary
    first_raised_label: str
    latest_year: int  # 0 when never mentioned
    themes: tuple[Link, ...]
    entries: tuple[HistoryEntryView, ...]


@dataclass(frozen=True)
class AboutView:
    settings: Settings
    frameworks: tuple[Framework, ...]
    report_list: tuple[ReportHeader, ...]


@dataclass(frozen=True)
class DataView:
    settings: Settings
    data_names: tuple[str, ...]


@dataclass(frozen=True)
class PlainView:
    settings: Settings


@dataclass(frozen=True)
class Page:
    """One page to render: its kind and id, template, output file, editor's source file and view."""

    kind: str
    id: str
    template: str
    output: str
    source: str
    view: Any = field(repr=False)

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
) -> list[Page]:
    """Every HTML page of the site, each with the view its template shows."""
    p = _Planner(site, urls)
    settings = site.settings

    def page(kind: str, id: str, view: Any, template: str = "", source: str = "") -> Page:
        template = template or f"{kind}.html"
        return Page(
            kind,
            id,
            template,
            urls.output_file(kind, id),
            source or template_path(template),
            view,
        )

    chart, timeline = p.chart(), p.timeline()
    graded = [v for v in site.reports if v.headline]
    latest = graded[-1] if graded else None
    pages = [
        page(
            "home",
            "",
            HomeView(
                settings,
                p.header(latest.report.id) if latest else None,
                p.judgements(latest.report.framework, latest.report.judgements) if latest else (),
                chart,
                timeline,
                p.open_group().members,
                p.report_list,
            ),
        ),
        page("timeline", "", TimelineView(settings, chart, timeline)),
        page("reports", "", ReportsView(settings, p.report_list)),
    ]
    for view in site.reports:
        pages.append(
            page(
                "report",
                view.report.id,
                p.report_page(view),
                template="report.html",
                source=view.report.where.path,
            )
        )
    pages.append(page("themes", "", ThemesView(settings, p.theme_rows())))
    for theme in site.themes.values():
        pages.append(page("theme", theme.id, p.theme_page(theme)))
    pages.append(page("recommendations", "", RecommendationsView(settings, p.groups())))
    for rid in site.histories:
        pages.append(page("recommendation", rid, p.recommendation_page(rid)))
    pages.append(
        page("about", "", AboutView(settings, tuple(site.frameworks.values()), p.report_list))
    )
    pages.append(page("data", "", DataView(settings, data_names)))
    pages.append(page("search", "", PlainView(settings)))
    pages.append(page("not_found", "", PlainView(settings), template="404.html"))
    return pages


class _Planner:
    """Builds the views, deriving each shared piece once."""

    def __init__(self, site: Site, urls: Urls) -> None:
        self.site, self.urls = site, urls
        self.views = {v.report.id: v for v in site.reports}
        self.headers = {rid: self._header(v) for rid, v in self.views.items()}
        self.report_list = tuple(self.headers.values())
        self.standing = {rid: h.standing for rid, h in site.histories.items()}
        self.summaries = {rid: self._summary(rid) for rid in site.histories}
        self.entry_of = {rid: {e.report: e for e in h.entries} for rid, h in site.histories.items()}
        self.neighbours = {rid: _neighbour_map(h, self.views) for rid, h in site.histories.items()}
        self.mentioned_by: dict[str, tuple[Passage, ...]] = {}
        for v in site.reports:
            for p in v.passages:
                if p.mentions:
                    self.mentioned_by[p.mentions] = (*self.mentioned_by.get(p.mentions, ()), p)

    def grade(self, framework_id: str, grade_id: str) -> Grade | None:
        framework = self.site.frameworks.get(framework_id)
        return framework.grade(grade_id) if framework else None

    def judgements(
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
        )

    def header(self, report_id: str) -> ReportHeader:
        return self.headers[report_id]

    def _summary(self, rid: str) -> HistorySummary:
        history, s = self.site.histories[rid], self.standing[rid]
        first = self.headers[s.first_raised].date.year if s.first_raised else 0
        return HistorySummary(
            rid,
            history.recommendation.title,
            s.latest_status,
            first,
            s.times_raised,
            s.recurring,
            tuple(
                StripCell(e.report, self.headers[e.report].date.year, e.status)
                for e in history.entries
            ),
            s.standing,
            s.is_open,
            self.headers[s.last_assessed].date.year if s.last_assessed else 0,
            s.silent_since,
            s.unknown_since,
        )

    def summary(self, rid: str) -> HistorySummary:
        return self.summaries[rid]

    def chart(self) -> ChartView:
        chart = grade_chart(self.site, self.urls)
        panels = tuple(
            ChartPanel(
                p.scope,
                p.title,
                p.svg,
                tuple(
                    LegendEntry(s.title, *style)
                    for s, style in zip(p.series, p.styles, strict=True)
                ),
                any(pt.basis != "stated" for s in p.series for pt in s.points),
            )
            for p in chart.panels
        )
        return ChartView(panels, chart.summary, chart.levels)

    def timeline(self) -> tuple[TimelineEntry, ...]:
        site = self.site
        out = []
        for item in site.timeline:
            framework = site.frameworks.get(item.framework)
            out.append(
                TimelineEntry(
                    item.id,
                    item.title,
                    item.kind,
                    framework.title if item.framework and framework else "",
                    item.date_label,
                    item.report is not None,
                    self.judgements(item.framework, item.judgements),
                    item.report.summary if item.report else "",
                    item.event.note if item.event else "",
                    tuple(site.event_mentions.get(item.id, ())) if item.event else (),
                )
            )
        return tuple(out)

    def report_page(self, view: ReportView) -> ReportPageView:
        site, r = self.site, view.report
        recs = site.recommendations
        tracked = []
        for rid in site.histories:
            status = view.statuses.get(rid)
            if not status:
                continue
            entry = self.entry_of[rid][r.id]
            seen: set[str] = set()
            evidence = []
            for p in entry.own + entry.evidence:
                if p.block_id not in seen:
                    seen.add(p.block_id)
                    evidence.append(p)
            tracked.append(TrackedRow(rid, recs[rid].title, status, tuple(evidence)))
        previous = self.views.get(view.previous)
        unmentioned = tuple(
            UnmentionedRow(rid, recs[rid].title, previous.statuses[rid])
            for rid in view.unmentioned
            if previous
        )
        return ReportPageView(
            site.settings,
            # The page shows the header; its text comes in `body`, its annotations in the asides.
            dataclasses.replace(r, body="", annotations=(), recommendations=()),
            view.framework.title if view.framework else "",
            self.judgements(r.framework, r.judgements),
            tuple((p, recs[p.tracks].title if p.tracks else "") for p in view.own),
            tuple(tracked),
            unmentioned,
            self.headers.get(view.previous),
            self.headers.get(view.next),
            self.body(view),
            self.mentioned_by.get(r.id, ()),
        )

    def body(self, view: ReportView) -> tuple[BodyPart, ...]:
        """The report's HTML split at each aside's place, in one pass (linear in the asides)."""
        passages = {p.key: p for p in view.passages}
        pieces = _ASIDE.split(view.body_html)
        parts = []
        for i in range(0, len(pieces) - 1, 2):
            key = pieces[i + 1]
            passage = passages.pop(key, None)  # a key's first placeholder takes its aside
            if passage is None:
                parts.append(BodyPart(pieces[i], None, f"<!--aside:{key}-->"))
            else:
                parts.append(BodyPart(pieces[i], self.aside(passage)))
        parts.append(BodyPart(pieces[-1], None))
        return tuple(parts)

    def aside(self, passage: Passage) -> AsideView:
        site = self.site
        earlier = later = None
        if passage.tracks:
            earlier, later = self.neighbours[passage.tracks](passage.report)
        return AsideView(
            passage,
            site.recommendations[passage.tracks].title if passage.tracks else "",
            tuple(Link(t, site.themes[t].title) for t in passage.themes),
            earlier,
            later,
            self.headers.get(passage.mentions) if passage.mentions else None,
        )

    def theme_rows(self) -> tuple[ThemeRow, ...]:
        rows = []
        for theme in self.site.themes.values():
            passages = self.site.by_theme.get(theme.id, ())
            years = sorted({p.year for p in passages})
            span = (
                (f"{years[0]}–{years[-1]}" if years and years[0] != years[-1] else str(years[0]))
                if years
                else "–"
            )
            reports = len(dict.fromkeys(p.report for p in passages))
            rows.append(ThemeRow(theme.id, theme.title, len(passages), reports, span))
        return tuple(rows)

    def theme_page(self, theme: ThemeRecord) -> ThemePageView:
        site = self.site
        entries = tuple(
            ThemeEntry(self.headers[e.report.id], e.passages, e.concerns, e.strengths)
            for e in site.theme_by_report(theme.id)
        )
        tracked = {p.tracks for e in entries for p in e.passages if p.tracks}
        return ThemePageView(
            site.settings,
            theme,
            entries,
            tuple(
                Link(r.id, r.title) for r in site.recommendations.values() if theme.id in r.themes
            ),
            {rid: site.recommendations[rid].title for rid in sorted(tracked)},
        )

    def groups(self) -> tuple[RecommendationGroup, ...]:
        """The recommendations index's groups, by the one derived standing of each."""
        titles = (
            ("open", "Still open", ("open", "progress")),
            ("met", "Met", ("met",)),
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

    def open_group(self) -> RecommendationGroup:
        return self.groups()[0]

    def recommendation_page(self, rid: str) -> RecommendationPageView:
        site = self.site
        history, s = site.histories[rid], self.standing[rid]
        rec = history.recommendation
        return RecommendationPageView(
            site.settings,
            rec,
            self.summaries[rid],
            self.headers[s.first_raised].date.label if s.first_raised else "",
            self.headers[s.last_assessed].date.year if s.last_assessed else 0,
            tuple(Link(t, site.themes[t].title) for t in rec.themes),
            tuple(
                HistoryEntryView(self.headers[e.report], e.status, e.own, e.evidence)
                for e in history.entries
            ),
        )


def _neighbour_map(history: History, views: dict[str, ReportView]):
    """For a passage in a report: the nearest earlier and later reports that speak of the
    recommendation, each by its first passage."""
    mentioned = history.mentioned
    index = {e.report: i for i, e in enumerate(mentioned)}

    def cite(entry) -> Neighbour:
        p = (entry.own + entry.evidence)[0]
        return Neighbour(p.report, p.block_id, f"{p.year} ¶{p.number}" if p.number else str(p.year))

    def find(report: str) -> tuple[Neighbour | None, Neighbour | None]:
        at = index.get(report)
        if at is None:  # the report speaks of it without a status: every mention counts as earlier
            return (cite(mentioned[-1]) if mentioned else None), None
        earlier = cite(mentioned[at - 1]) if at > 0 else None
        later = cite(mentioned[at + 1]) if at + 1 < len(mentioned) else None
        return earlier, later

    return find
