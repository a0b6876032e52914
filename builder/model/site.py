"""Build the site model from content: resolve every reference, anchor every passage, derive histories.

Pure: content records in, one Site out, with problems reported to diagnostics. Templates get the
views made here and never walk back-pointers of their own.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from builder.diagnostics import Diagnostic, Diagnostics
from builder.incremental.codec import key_of
from builder.model.anchoring import Anchor, Target
from builder.model.blocks import Block, fold
from builder.model.derive import CONCERNS, Column, Standing, derive_all
from builder.model.hints import closest_ids
from builder.model.organisations import (
    Membership,
    check_tracking,
    examples_left,
    membership,
    tracking,
)
from builder.model.paragraphs import slugify
from builder.model.references import check_references
from builder.model.text import RenderedNote, RenderedText, render_body, rendered_note
from builder.model.views import History, HistoryEntry, Passage, ReportView, TimelineItem
from builder.parse.records import (
    STATUS_SEVERITY,
    STATUSES,
    Annotation,
    Content,
    Event,
    Framework,
    Judgement,
    Mention,
    OwnRecommendation,
    Report,
    Selector,
    Settings,
    Theme,
    TrackedRecommendation,
    Where,
)
from builder.sitefiles import Packed


@dataclass(frozen=True)
class Site:
    content: Content
    frameworks: dict[str, Framework]
    themes: dict[str, Theme]
    recommendations: dict[str, TrackedRecommendation]
    reports: list[ReportView]  # in date order
    histories: dict[str, History]
    timeline: list[TimelineItem]
    event_mentions: dict[str, list[Passage]] = field(default_factory=dict)
    rendered: dict[str, RenderedText] = field(default_factory=dict)
    # Each theme's passages, report by report in date order: an edit to one report makes its own
    # share anew and leaves every other share the very same tuple.
    theme_reports: dict[str, dict[str, tuple[Passage, ...]]] = field(default_factory=dict)
    links: tuple[SourceLink, ...] = ()  # links written in content, each where it was written
    groups: Membership = field(default_factory=Membership)  # whose each document is
    # Each organisation's reports in date order (one group, NONE, on a site that declares none):
    # a history's entries and a standing's cells run over its organisation's reports only.
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return self.content.settings

    def report(self, report_id: str) -> ReportView:
        return next(r for r in self.reports if r.report.id == report_id)

    def entry(self, rid: str, report_id: str) -> HistoryEntry | None:
        """What one report says of one tracked recommendation: its entry in the history, or None
        when the report is not about the recommendation's organisation."""
        at = self._place.get(self.groups.of_recommendation(rid), {}).get(report_id)
        return None if at is None else self.histories[rid].entries[at]

    @functools.cached_property
    def _place(self) -> dict[str, dict[str, int]]:
        """Each organisation's reports' places among its reports."""
        return {group: {r: i for i, r in enumerate(ids)} for group, ids in self.places.items()}

    def theme_count(self, theme_id: str) -> int:
        """How many passages a theme has."""
        return sum(map(len, self.theme_reports.get(theme_id, {}).values()))

    def without_texts(self) -> Site:
        """This site with each report's Markdown let go, once its body is rendered: no stage
        after the model reads it (on a national site of 500 reports it is 80 MB). Each body's
        HTML is held packed, for its page only (70 MB, packed to 12). Everything else is as it
        was, so the pages made from it are the same."""
        light = {r.id: dataclasses.replace(r, body="") for r in self.content.reports}
        return dataclasses.replace(
            self,
            content=dataclasses.replace(self.content, reports=tuple(light.values())),
            reports=[
                dataclasses.replace(
                    v,
                    report=light[v.report.id],
                    body_html="",
                    body_packed=v.body_packed or Packed.of(v.body_html.encode("utf-8")),
                )
                for v in self.reports
            ],
            timeline=[
                dataclasses.replace(t, report=light[t.report.id]) if t.report is not None else t
                for t in self.timeline
            ],
            rendered={},
        )


def tally(passages: tuple[Passage, ...]) -> tuple[int, int]:
    """How many of a report's passages record a concern raised, and how many progress, a concern
    met or a strength."""
    # An earlier inspection's word, as this report reports it, is not this report's.
    own = [p for p in passages if not p.inspection]
    concerns = sum(1 for p in own if p.status in ("raised", "raised-again"))
    strengths = sum(1 for p in own if p.status in ("progress", "met", "positive"))
    return concerns, strengths


@dataclass(frozen=True, slots=True)
class SourceLink:
    """A link the Markdown stage made from content, with the file and line it was written on."""

    href: str
    where: Where


_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"')


def links_in(html: str, where: Where) -> list[SourceLink]:
    """The links in one piece of rendered Markdown, each placed where its text was written."""
    return [SourceLink(unescape(href), where) for href in _HREF.findall(html)]


def _content_links(
    content: Content, parts: list[KeptReport], render_note: Callable[[str], str]
) -> tuple[SourceLink, ...]:
    """Every link made from content Markdown, once each: notes, descriptions, summaries, footer."""
    out: list[SourceLink] = []
    s = content.settings
    out += links_in(render_note(s.description), s.where.of("description"))
    out += links_in(render_note(s.footer), s.where.of("footer"))
    records: tuple[Theme | TrackedRecommendation, ...] = (*content.themes, *content.recommendations)
    for record in records:
        out += links_in(render_note(record.description), record.where.of("description"))
    for event in content.events:
        out += links_in(render_note(event.note), event.where.of("note"))
    for part in parts:
        out += part.links
    return tuple(out)


def _report_links(
    report: Report, passages: tuple[Passage, ...], render_note: Callable[[str], str]
) -> tuple[SourceLink, ...]:
    """The links made from one report's summary and notes."""
    out = links_in(render_note(report.summary), report.where.of("summary"))
    for p in passages:
        out += links_in(p.note_html, p.where.of("note"))
    return tuple(out)


def note_texts(content: Content) -> list[str]:
    """Every Markdown note, description and summary the model renders, once each."""
    texts = [content.settings.description, content.settings.footer]
    texts += [t.description for t in content.themes]
    texts += [r.description for r in content.recommendations]
    texts += [e.note for e in content.events]
    for report in content.reports:
        texts.append(report.summary)
        texts += [a.note for a in report.annotations]
    return [t for t in dict.fromkeys(texts) if t]


def _theme_index(
    views: list[ReportView], themes: Iterable[str], memo: ModelMemo | None = None
) -> dict[str, dict[str, tuple[Passage, ...]]]:
    """Every theme's passages, report by report in date order; a report's shares are kept while
    its passages are."""
    last = memo.themes if memo is not None else {}
    kept: dict[str, tuple[Any, ...]] = {}
    out: dict[str, dict[str, tuple[Passage, ...]]] = {t: {} for t in themes}
    for view in views:
        was = last.get(view.report.id)
        if was is not None and was[0] is view.passages:
            mine = was[1]
        else:
            grouped: dict[str, list[Passage]] = {}
            for p in view.passages:
                for t in p.themes:
                    grouped.setdefault(t, []).append(p)
            mine = {}
            for t, passages in grouped.items():
                quoted = {p.block_id for p in passages if not p.whole}
                mine[t] = tuple(p for p in passages if not (p.whole and p.block_id in quoted))
        kept[view.report.id] = (view.passages, mine)
        for t, share in mine.items():
            out.setdefault(t, {})[view.report.id] = share
    if memo is not None:
        memo.themes = kept
    return out


@dataclass(frozen=True, slots=True)
class KeptReport:
    """One report's part of the model, with what it was made from."""

    report: Report
    targets: tuple[Target, ...]  # its own, then the events' mentions of it
    own_targets: int
    body_key: str
    result: RenderedText
    passages: tuple[Passage, ...]  # as recorded; the model's views carry them as derived
    statuses: dict[str, tuple[str, str]]  # as recorded: recommendation -> (status, basis)
    links: tuple[SourceLink, ...]  # made from its summary and notes
    problems: tuple[Diagnostic, ...]  # with its anchors and paragraph numbers
    # what it reports of earlier inspections outside the collection: (event, recommendation) ->
    # that inspection's status, as this report reports it
    reported: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class ModelMemo:
    """What one build's model hands the next in the same process (the preview's).

    A report whose record and rendered body are the very ones of the last build keeps its very
    passages and links; the standings of the recommendations whose recorded statuses are unchanged
    are kept, and with them each report's view and each history, patched where a report's
    passages changed. A step reuses only the very objects it made from the very same inputs, so
    the model equals one made afresh.
    """

    shared: tuple[Any, ...] = ()  # what every report's part reads besides its own record and body
    reports: dict[str, KeptReport] = field(default_factory=dict)
    order: tuple[Any, ...] = ()  # the reports in date order, the summaries, the recommendations
    standings: dict[str, Standing] = field(default_factory=dict)
    derived: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # each report's part and view
    histories: dict[str, History] = field(default_factory=dict)
    themes: dict[str, tuple[Any, ...]] = field(
        default_factory=dict
    )  # each report's passages by theme
    tracking: dict[str, tuple[Any, ...]] = field(
        default_factory=dict
    )  # each report's passages that track a recommendation
    references: dict[str, Any] = field(
        default_factory=dict
    )  # each report's unknown ids, and what it names
    content_links: dict[str, Any] = field(default_factory=dict)  # each report's refused links


def build_model(
    content: Content,
    diagnostics: Diagnostics,
    cache: dict[str, Any] | None = None,
    render_many: Callable[[list[tuple[str, tuple[Target, ...]]]], list[RenderedText]] | None = None,
    notes: dict[tuple[str, str], RenderedNote] | None = None,
    kept: ModelMemo | None = None,
) -> Site:
    """Check every cross-reference, render and anchor every report, and derive the history.

    `cache` keeps rendered bodies by their text and targets; `render_many` renders the bodies
    not found there (all at once, so a caller can spread them over processes); `notes` keeps
    rendered notes and descriptions by their text; `kept` is what the last build's model made,
    reused where its inputs are the very same (and updated to this build's).
    """
    notes = notes if notes is not None else {}
    base_path = content.settings.base_path

    def note(text: str) -> str:
        made = notes.get((base_path, text))
        if made is None:
            made = notes[(base_path, text)] = rendered_note(text, base_path)
        return made[0]

    frameworks = {f.id: f for f in content.frameworks}
    themes = {t.id: t for t in content.themes}
    recs = {r.id: r for r in content.recommendations}
    memo = kept if kept is not None else ModelMemo()
    check_references(content, frameworks, themes, recs, diagnostics, memo.references)
    groups = membership(content, diagnostics)
    examples_left(content, diagnostics)
    # Each report's passages that track a recommendation, kept while its record is the very same.
    tracked = {}
    for report in content.reports:
        found = memo.tracking.get(report.id)
        if found is None or found[0] is not report:
            found = (report, tracking(report))
        tracked[report.id] = found
        check_tracking(report, groups, diagnostics, found[1])
    memo.tracking = tracked
    ordered = sorted(content.reports, key=lambda r: (r.date, r.id))
    # What a report's part reads besides its record and body: the same as last time?
    shared = (content.recommendations, content.themes, base_path)
    if memo.shared != shared:
        memo.reports.clear()
    memo.shared = shared
    parts = _report_parts(
        ordered,
        _mention_targets(content, diagnostics),
        memo,
        cache if cache is not None else {},
        render_many or _render_each,
        lambda report, result: _passages(report, result, recs, themes, note),
        note,
    )
    for part in parts:
        diagnostics.items.extend(part.problems)
    places = _places(ordered, groups)
    views, histories = _derived_history(
        memo, parts, ordered, recs, frameworks, content.events, groups, places
    )
    return Site(
        content,
        frameworks,
        themes,
        recs,
        views,
        histories,
        _timeline(ordered, content.events),
        event_mentions=_event_passages(content, {p.report.id: p.result for p in parts}),
        rendered={p.report.id: p.result for p in parts},
        theme_reports=_theme_index(views, themes, memo),
        links=_content_links(content, parts, note),
        groups=groups,
        places=places,
    )


def _places(ordered: list[Report], groups: Membership) -> dict[str, tuple[str, ...]]:
    """Each organisation's reports in date order; a joint inspection is in each of its own."""
    out: dict[str, list[str]] = {}
    for r in ordered:
        for group in groups.of_report(r.id):
            out.setdefault(group, []).append(r.id)
    return {group: tuple(ids) for group, ids in out.items()}


def _report_parts(
    ordered: list[Report],
    mentions: dict[str, list[Target]],
    memo: ModelMemo,
    cache: dict[str, Any],
    render_many: Callable[[list[tuple[str, tuple[Target, ...]]]], list[RenderedText]],
    passages: Callable[[Report, RenderedText], tuple[Passage, ...]],
    note: Callable[[str], str],
) -> list[KeptReport]:
    """Each report's body rendered and anchored (found in `cache` by the hash of its text and
    targets, or rendered by `render_many`), with its passages, statuses, links and problems; a
    report whose record and body are the very ones of the last build keeps its very part."""
    last = memo.reports
    inputs = []
    for r in ordered:
        was = last.get(r.id)
        own = was.targets[: was.own_targets] if was is not None and was.report is r else _targets(r)
        inputs.append((r.body, (*own, *mentions.get(r.id, ()))))
    keys = []  # a content hash: cheap to keep, and on disk
    for report, (body, targets) in zip(ordered, inputs, strict=True):
        was = last.get(report.id)
        same = was is not None and was.report is report and was.targets == targets
        keys.append(was.body_key if was is not None and same else key_of(body, targets))
    missing = {k: i for k, i in zip(keys, inputs, strict=True) if k not in cache}
    if missing:
        cache.update(zip(missing, render_many(list(missing.values())), strict=True))
    current = set(keys)
    for stale in [k for k in cache if k not in current]:
        del cache[stale]  # forget old versions, so memory stays flat
    parts: list[KeptReport] = []
    for index, report in enumerate(ordered):
        result = cache[keys[index]]
        was = last.get(report.id)
        if was is None or was.report is not report or was.result is not result:
            passages_of = passages(report, result)
            problems = Diagnostics()
            _report_anchor_problems(report, result, problems)
            was = KeptReport(
                report,
                inputs[index][1],
                len(report.recommendations) + len(report.annotations) + len(report.mentions),
                keys[index],
                result,
                passages_of,
                _statuses(passages_of),
                _report_links(report, passages_of, note),
                tuple(problems.items),
                _reported(passages_of),
            )
        parts.append(was)
    memo.reports = {part.report.id: part for part in parts}  # this build's only: memory stays flat
    return parts


def _derived_history(
    memo: ModelMemo,
    parts: list[KeptReport],
    ordered: list[Report],
    recs: dict[str, TrackedRecommendation],
    frameworks: dict[str, Framework],
    events: tuple[Event, ...],
    groups: Membership,
    places: dict[str, tuple[str, ...]],
) -> tuple[list[ReportView], dict[str, History]]:
    """Each report's view with its statuses as derived, and each recommendation's history.

    Derived again only where what they are made of changed since the last build: the standings
    of recommendations whose recorded statuses changed, the views of reports whose parts changed
    (all of them when a standing changed), the histories at the reports whose passages changed.
    """
    order = (
        _columns(ordered, events, groups, frameworks),
        frozenset(r.id for r in ordered if r.edition == "summary"),
        tuple((rid, groups.of_recommendation(rid)) for rid in recs),
        tuple((rid, r.scope) for rid, r in recs.items() if r.scope),
    )
    steady = memo.order == order  # the same reports in the same order: positions mean the same
    last_standings = memo.standings
    standings = _standings(memo, parts, order)
    kept_standings = steady and standings.keys() == last_standings.keys()
    kept_standings = kept_standings and all(s is last_standings[r] for r, s in standings.items())
    views = _views(
        memo.derived if kept_standings else {},
        parts,
        standings,
        frameworks,
        order[2],
        groups,
        places,
    )
    changed = None
    if steady:  # the reports whose passages, as derived, are not the last build's
        before = memo.derived
        changed = [
            i for i, v in enumerate(views) if v.passages is not before[v.report.id][1].passages
        ]
    histories = _histories(recs, views, standings, memo.histories, changed, groups, places)
    memo.order, memo.standings, memo.histories = order, standings, histories
    memo.derived = {v.report.id: (part, v) for part, v in zip(parts, views, strict=True)}
    return views, histories


def _standings(
    memo: ModelMemo, parts: list[KeptReport], order: tuple[Any, ...]
) -> dict[str, Standing]:
    """Every recommendation's standing; derived again only for those whose recorded statuses
    changed in some report, when the reports are the same and in the same order as last time."""
    columns, summaries, recs, scoped = order
    scopes = dict(scoped)
    recorded = {part.report.id: part.statuses for part in parts}
    reported: dict[str, dict[str, tuple[str, str]]] = {}
    for part in parts:  # in date order: the first report to report an inspection's word keeps it
        for (inspection, rid), status in part.reported.items():
            reported.setdefault(inspection, {}).setdefault(rid, (status, part.report.id))
    if memo.order != order:
        return _derive(columns, recorded, summaries, recs, reported, scopes)
    affected: set[str] = set()
    for part in parts:
        was = memo.derived[part.report.id][0]
        for old, new in ((was.statuses, part.statuses), (was.reported, part.reported)):
            if old is not new and old != new:
                affected |= {
                    key if isinstance(key, str) else key[1]
                    for key in old.keys() | new.keys()
                    if old.get(key) != new.get(key)
                }
    standings = dict(memo.standings)
    standings.update(
        _derive(
            columns,
            recorded,
            summaries,
            [r for r in recs if r[0] in affected],
            reported,
            scopes,
        )
    )
    return standings


def _derive(
    columns: dict[str, tuple[Column, ...]],
    recorded: dict[str, dict[str, tuple[str, str]]],
    summaries: frozenset[str],
    recs: Iterable[tuple[str, str]],
    reported: dict[str, dict[str, tuple[str, str]]],
    scopes: dict[str, str],
) -> dict[str, Standing]:
    """The standings of `recs` (id, organisation), each over its own organisation's columns only,
    in the order given."""
    by_group: dict[str, list[str]] = {}
    order = []
    for rid, group in recs:
        by_group.setdefault(group, []).append(rid)
        order.append(rid)
    out: dict[str, Standing] = {}
    for group, rids in by_group.items():
        out.update(derive_all(columns.get(group, ()), recorded, summaries, rids, reported, scopes))
    return {rid: out[rid] for rid in order}


def _columns(
    ordered: list[Report],
    events: tuple[Event, ...],
    groups: Membership,
    frameworks: dict[str, Framework],
) -> dict[str, tuple[Column, ...]]:
    """Each organisation's reports and earlier inspections outside the collection, in date order,
    each report with the scopes its inspection covers: its framework's, where it declares them
    (one that declares none is not limited to any)."""
    places: dict[str, list[tuple[Any, Column]]] = {}
    for r in ordered:
        framework = frameworks.get(r.framework)
        covers = frozenset(s.id for s in framework.scopes) if framework else None
        for group in groups.of_report(r.id):
            column = Column(r.id, r.edition == "summary", scopes=covers or None)
            places.setdefault(group, []).append(((r.date, r.id), column))
    for e in events:
        column = Column(e.id, inspection=True)
        places.setdefault(groups.of_event(e.id), []).append(((e.date.start, e.id), column))
    return {
        group: tuple(column for _, column in sorted(found, key=lambda place: place[0]))
        for group, found in places.items()
    }


def _views(
    last: dict[str, tuple[Any, ...]],
    parts: list[KeptReport],
    standings: dict[str, Standing],
    frameworks: dict[str, Framework],
    recs: tuple[tuple[str, str], ...],
    groups: Membership,
    places: dict[str, tuple[str, ...]],
) -> list[ReportView]:
    """Each report's view: its passages and statuses as derived (a concern an earlier report on
    the same organisation raised is raised again), and what the previous report on it raised that
    it is silent on. `last` holds the last build's views, when the standings are the very same: a
    report whose part is the very same keeps its very view."""
    in_group: dict[str, list[str]] = {}
    for rid, group in recs:
        in_group.setdefault(group, []).append(rid)
    place = {group: {r: i for i, r in enumerate(ids)} for group, ids in places.items()}
    out = []
    for part in parts:
        report = part.report
        framework = frameworks.get(report.framework)
        was = last.get(report.id)
        if was is not None and was[0] is part and was[1].framework is framework:
            out.append(was[1])
            continue
        rid_status: dict[str, str] = {}
        inferred: set[str] = set()
        unmentioned: list[str] = []
        mine = groups.of_report(report.id)
        for group in mine:
            index = place[group][report.id]
            for rid in in_group.get(group, ()):
                cells = standings[rid].cells
                if cells[index].assessed:
                    rid_status[rid] = cells[index].status
                elif (
                    index
                    and cells[index - 1].status in CONCERNS
                    and cells[index].status != "not-covered"  # silent by its remit
                ):
                    unmentioned.append(rid)
                if cells[index].basis == "inferred":
                    inferred.add(rid)
        passages = tuple(
            p if status == p.status else dataclasses.replace(p, status=status)
            for p in part.passages
            for status in [_derived(p, rid_status)]
        )
        # Previous and next: on the report's (first) organisation, and a joint report's on each.
        each = []
        for group in mine:
            ids, at = places[group], place[group][report.id]
            each.append(
                (group, ids[at - 1] if at else "", ids[at + 1] if at + 1 < len(ids) else "")
            )
        own = places[mine[0]]
        index = place[mine[0]][report.id]
        out.append(
            ReportView(
                report=report,
                framework=framework,
                body_html=html if isinstance(html := part.result.html, str) else "",
                body_packed=html if isinstance(html, Packed) else None,
                passages=passages,
                headline=headline(report.judgements, framework),
                statuses=rid_status,
                previous=own[index - 1] if index else "",
                next=own[index + 1] if index + 1 < len(own) else "",
                unmentioned=tuple(sorted(unmentioned)),
                each=tuple(each) if len(each) > 1 else (),
                body_key=part.body_key,
                outline=part.result.outline,
                inferred=frozenset(inferred),
            )
        )
    return out


def _render_each(keys: list[tuple[str, tuple[Target, ...]]]) -> list[RenderedText]:
    return [render_body(body, list(targets)) for body, targets in keys]


def headline(judgements: tuple[Judgement, ...], framework: Framework | None) -> Judgement | None:
    """The judgement a report leads with (`Framework.headline`); without a framework, the one
    marked, else the first."""
    if framework is not None:
        return framework.headline(judgements)
    return next((j for j in judgements if j.headline), judgements[0] if judgements else None)


def passage_keys(prefix: str, selectors: Iterable[Selector]) -> list[str]:
    """Each passage's key (its id on the page and in the data), made from where it is and its
    first words, so that adding, moving or deleting another passage leaves it as it is:
    'note-p14-supervision-is-regular', 'rec-improve-private-fostering-arrangements'. The same
    words twice take '-2' (in the order written)."""
    keys, taken = [], set()
    for selector in selectors:
        words = slugify(selector.quote, 5) if selector.quote else ""
        base = "-".join(part for part in (prefix, selector.paragraph, words) if part)
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        taken.add(key)
        keys.append(key)
    return keys


def _keyed(report: Report) -> list[tuple[str, str, OwnRecommendation | Annotation | Mention]]:
    """The report's passages with their keys and kinds: its own recommendations, the editors'
    annotations, its mentions of other reports."""
    Item = OwnRecommendation | Annotation | Mention
    out: list[tuple[str, str, Item]] = []
    kinds: tuple[tuple[str, str, tuple[Item, ...]], ...] = (
        ("rec", "recommendation", report.recommendations),
        ("note", "annotation", report.annotations),
        ("cites", "mention", report.mentions),
    )
    for prefix, kind, items in kinds:
        keys = passage_keys(prefix, (item.selector for item in items))
        out += [(key, kind, item) for key, item in zip(keys, items, strict=True)]
    return out


def _targets(report: Report) -> tuple[Target, ...]:
    return tuple(Target(key, item.selector, item.where) for key, _, item in _keyed(report))


def _mention_targets(content: Content, diagnostics: Diagnostics) -> dict[str, list[Target]]:
    out: dict[str, list[Target]] = {}
    for event in content.events:
        for i, mention in enumerate(event.mentions):
            out.setdefault(mention.report, []).append(
                Target(f"mention-{event.id}-{i + 1}", mention.selector, mention.where, aside=False)
            )
    return out


def _report_anchor_problems(report: Report, result: RenderedText, diagnostics: Diagnostics) -> None:
    for problem in result.problems:
        diagnostics.error(problem.where.path, problem.where.line, problem.message)
    for number, line in result.duplicate_numbers:
        diagnostics.error(
            report.where.path,
            report.body_line + line,
            f"paragraph number {number} is used twice; each paragraph number must be unique "
            "(hint: where the document numbers its paragraphs from 1 again, end the heading "
            "there with '{: numbering=LABEL }', such as LSCB)",
        )
    ids = {b.id for b in result.blocks}
    _repair_problems(report, result, diagnostics)
    for j in report.judgements:
        if j.paragraph and j.paragraph not in ids:
            close = closest_ids(j.paragraph, [b.id for b in result.blocks])
            hint = f" (closest: {', '.join(close)})" if close else ""
            diagnostics.error(
                j.where.path,
                j.where.of("paragraph").line,
                f"paragraph '{j.paragraph}' not found in this report{hint}",
            )


def _repair_problems(report: Report, result: RenderedText, diagnostics: Diagnostics) -> None:
    """A disclosed repair names words the text gives, in the paragraph it names."""
    for repair in report.repairs:
        blocks = [b for b in result.blocks if not repair.paragraph or b.id == repair.paragraph]
        if repair.paragraph and not blocks:
            close = closest_ids(repair.paragraph, [b.id for b in result.blocks])
            hint = f" (closest: {', '.join(close)})" if close else ""
            diagnostics.error(
                repair.where.path,
                repair.where.of("paragraph").line,
                f"paragraph '{repair.paragraph}' not found in this report{hint}",
            )
            continue
        shown = fold(repair.shown)[0]
        if not any(shown in fold(b.text)[0] for b in blocks):
            place = f"paragraph '{repair.paragraph}'" if repair.paragraph else "the text"
            diagnostics.error(
                repair.where.path,
                repair.where.of("shown").line,
                f"repair: '{repair.shown}' is not in {place} (hint: 'shown' is the words as the "
                "edition's text now gives them, 'printed' as the source gave them)",
            )


def _passages(
    report: Report,
    result: RenderedText,
    recs: dict[str, TrackedRecommendation],
    themes: dict[str, Theme],
    note: Callable[[str], str],
) -> tuple[Passage, ...]:
    anchors: dict[str, Anchor] = result.anchors
    out = []
    for key, kind, item in _keyed(report):
        anchor = anchors.get(key)
        if anchor is None:
            continue
        text = anchor.block.text
        whole = not item.selector.quote
        before, quote, after = (
            context(text, anchor.start, anchor.end) if not whole else ("", text, "")
        )
        tracks = getattr(item, "tracks", "")
        item_themes = tuple(getattr(item, "themes", ())) or (
            recs[tracks].themes if tracks in recs else ()
        )
        out.append(
            Passage(
                key=key,
                report=report.id,
                kind=kind,
                block_id=anchor.block.id,
                number=anchor.block.number,
                quote=quote,
                before=before,
                after=after,
                whole=whole,
                themes=tuple(t for t in item_themes if t in themes),
                tracks=tracks if tracks in recs else "",
                # An unknown status is an error said by the reference check; the history is
                # derived without it (the build goes on to say every problem in one run).
                status=status if (status := getattr(item, "status", "")) in STATUSES else "",
                note_html=note(getattr(item, "note", "")),
                timescale=getattr(item, "timescale", ""),
                scope=getattr(item, "scope", ""),
                wording=text.strip() if kind == "recommendation" else "",
                where=item.where,
                status_basis=getattr(item, "basis", "stated"),
                mentions=item.report if isinstance(item, Mention) else "",
                year=report.date.year,
                inspection=getattr(item, "inspection", ""),
            )
        )
    # Reading order: by place in the text, then as written.
    # By value, not identity: a result read back from the on-disk cache holds equal copies.
    block_order: dict[Block, int] = {}
    for i, b in enumerate(result.blocks):
        block_order.setdefault(b, i)
    position = {key: (block_order.get(a.block, 0), a.start) for key, a in anchors.items()}
    return tuple(sorted(out, key=lambda p: position[p.key]))


def context(text: str, start: int, end: int, limit: int = 220) -> tuple[str, str, str]:
    """The quote with the rest of its sentence either side, trimmed to about `limit` characters."""
    boundaries = [m.end() for m in re.finditer(r"[.!?;:]\s+", text)]
    sentence_start = max([b for b in boundaries if b <= start], default=0)
    sentence_end = min([b for b in boundaries if b >= end], default=len(text))
    before, after = text[sentence_start:start], text[end:sentence_end].rstrip()
    if len(before) > limit:
        before = "…" + before[-limit:].split(" ", 1)[-1]
    if len(after) > limit:
        after = after[:limit].rsplit(" ", 1)[0] + "…"
    return before, text[start:end], after


def _statuses(passages: tuple[Passage, ...]) -> dict[str, tuple[str, str]]:
    """The report's own status for each recommendation, with its basis: the most serious of its
    passages' statuses, stated where any passage with that status states it, else inferred."""
    out: dict[str, tuple[str, str]] = {}
    for p in passages:
        if p.tracks and p.status and not p.inspection:
            current = out.get(p.tracks)
            if current is None or STATUS_SEVERITY[p.status] > STATUS_SEVERITY[current[0]]:
                out[p.tracks] = (p.status, p.status_basis)
            elif STATUS_SEVERITY[p.status] == STATUS_SEVERITY[current[0]] and (
                p.status_basis == "stated"
            ):
                out[p.tracks] = (current[0], "stated")
    return out


def _reported(passages: tuple[Passage, ...]) -> dict[tuple[str, str], str]:
    """What the report says earlier inspections outside the collection found, by inspection and
    recommendation: the most serious of its passages' statuses."""
    out: dict[tuple[str, str], str] = {}
    for p in passages:
        if p.tracks and p.status and p.inspection:
            key = (p.inspection, p.tracks)
            current = out.get(key)
            if current is None or STATUS_SEVERITY[p.status] > STATUS_SEVERITY[current]:
                out[key] = p.status
    return out


def _derived(p: Passage, rid_status: dict[str, str]) -> str:
    """A passage's status as derived: a concern is raised again where its report's is."""
    if p.inspection:  # an earlier inspection's word, as recorded
        return "raised" if p.status == "raised-again" else p.status
    if p.status in CONCERNS and rid_status.get(p.tracks) == "raised-again":
        return "raised-again"
    return "raised" if p.status == "raised-again" else p.status


def _histories(
    recs: dict[str, TrackedRecommendation],
    views: list[ReportView],
    standings: dict[str, Standing],
    last: dict[str, History],
    changed: list[int] | None,
    groups: Membership,
    places: dict[str, tuple[str, ...]],
) -> dict[str, History]:
    """Every recommendation's history, one entry per report on its organisation. With `changed`
    (the positions of the reports whose passages are not those `last` was made from; None when
    positions moved), a history whose recommendation and standing are the very same is patched
    at those positions."""
    by_index: dict[int, dict[str, list[Passage]]] = {}
    empty: dict[tuple[str, str], HistoryEntry] = {}  # one entry serves every silent report
    position = {v.report.id: i for i, v in enumerate(views)}
    members = {group: [position[r] for r in ids] for group, ids in places.items()}
    at_of = {group: {index: i for i, index in enumerate(m)} for group, m in members.items()}

    def entry(index: int, at: int, rid: str, standing: Standing) -> HistoryEntry:
        """The entry of the report at `index` of the views, the `at`-th of its organisation's."""
        report, cell = views[index].report.id, standing.cells[at]
        status = cell.status
        mine = by_index.get(index)
        if mine is None:
            mine = by_index[index] = {}
            for p in views[index].passages:
                if p.tracks and not p.inspection:
                    mine.setdefault(p.tracks, []).append(p)
        passages = mine.get(rid)
        if not passages:
            made = empty.get((report, status))
            if made is None:
                made = empty[(report, status)] = HistoryEntry(report, status, (), ())
            return made
        return HistoryEntry(
            report=report,
            status=status,
            own=tuple(p for p in passages if p.kind == "recommendation"),
            evidence=tuple(p for p in passages if p.kind == "annotation"),
            basis=cell.basis,
        )

    def reported(rid: str, standing: Standing) -> tuple[HistoryEntry, ...]:
        return tuple(
            HistoryEntry(
                cell.report,
                cell.status,
                (),
                tuple(
                    p
                    for p in views[position[cell.by]].passages
                    if p.inspection == cell.report and p.tracks == rid
                ),
                cell.basis,
                cell.by,
            )
            for cell in standing.reported
        )

    out = {}
    for rid, rec in recs.items():
        standing = standings[rid]
        old = last.get(rid)
        group = groups.of_recommendation(rid)
        mine = members.get(group, [])
        if changed is not None and old and old.standing is standing and old.recommendation is rec:
            if not changed:
                out[rid] = old
                continue
            entries = list(old.entries)
            at = at_of.get(group, {})
            for index in changed:
                if index in at:
                    entries[at[index]] = entry(index, at[index], rid, standing)
        else:
            entries = [entry(index, at, rid, standing) for at, index in enumerate(mine)]
        out[rid] = History(rec, tuple(entries), standing, reported(rid, standing))
    return out


def _timeline(reports: list[Report], events: tuple[Event, ...]) -> list[TimelineItem]:
    items = [
        TimelineItem(
            r.id,
            r.title,
            r.kind,
            r.framework,
            (r.inspected or r.published).label,
            (r.date, r.id),
            r.date.fraction,
            r.judgements,
            r,
            None,
        )
        for r in reports
    ]
    items += [
        TimelineItem(
            e.id,
            e.title,
            e.kind,
            e.framework,
            e.date.label,
            (e.date.start, e.id),
            e.date.start.fraction,
            e.judgements,
            None,
            e,
        )
        for e in events
    ]
    return sorted(items, key=lambda item: item.sort_key)


def _event_passages(
    content: Content, rendered: dict[str, RenderedText]
) -> dict[str, list[Passage]]:
    out: dict[str, list[Passage]] = {}
    years = {r.id: r.date.year for r in content.reports}
    for event in content.events:
        for i, mention in enumerate(event.mentions):
            result = rendered.get(mention.report)
            anchor = result.anchors.get(f"mention-{event.id}-{i + 1}") if result else None
            if anchor is None:
                continue
            before, quote, after = context(anchor.block.text, anchor.start, anchor.end)
            out.setdefault(event.id, []).append(
                Passage(
                    anchor.key,
                    mention.report,
                    "mention",
                    anchor.block.id,
                    anchor.block.number,
                    quote,
                    before,
                    after,
                    not mention.selector.quote,
                    (),
                    "",
                    "",
                    "",
                    "",
                    "",
                    mention.where,
                    year=years[mention.report],
                )
            )
    return out
