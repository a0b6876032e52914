"""The data behind the site, machine-readable: JSON, CSV and W3C Web Annotation JSON-LD."""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from builder.model.organisations import NONE
from builder.parse.records import slug
from builder.urls import Urls
from builder.views.dictionary import JOINED, ORGANISATION_FILES, dictionary
from builder.views.organisations import recommendations_by_organisation, standing_of

if TYPE_CHECKING:
    from builder.model.site import Site
    from builder.model.views import Passage, ReportView, TimelineItem
    from builder.parse.records import DateFact, Framework, Grade, PartialDate

# The data files, in the order they are written (the data page lists them before they are made).
DATA_NAMES = (
    "reports.json",
    "reports.csv",
    "judgements.json",
    "judgements.csv",
    "frameworks.json",
    "themes.json",
    "recommendations.json",
    "recommendations.csv",
    "annotations.json",
    "annotations.csv",
    "annotations.jsonld",
    "dictionary.csv",
)


def data_names(several: bool) -> tuple[str, ...]:
    """The data files of a site: DATA_NAMES, after the organisations' own on a site of several."""
    return (*ORGANISATION_FILES, *DATA_NAMES) if several else DATA_NAMES


def data_files(
    site: Site, urls: Urls, rows: dict[Any, Any] | None = None
) -> Iterator[tuple[str, Iterator[str]]]:
    """Every data file as (its name under /data/, its text in pieces), in the order of
    `data_names`, one at a time: a large history's files are never held whole, nor the records
    behind one file while the next is made.

    `rows` keeps each passage's line in the annotation files, by the passage itself, for the
    next build in this process: a passage that is the very one of the last build keeps its lines.
    """
    titles = {view.report.id: view.report.title for view in site.reports}
    several = site.groups.several
    # Each report's organisation columns (none on a site of one organisation).
    whose = {v.report.id: _whose(site, site.groups.of_report(v.report.id)) for v in site.reports}
    drafts = frozenset(view.report.id for view in site.reports if view.report.draft)
    lines = _PassageLines(rows, urls, titles, whose, drafts, several)
    if several:
        views = {v.report.id: v for v in site.reports}
        tracked = recommendations_by_organisation(site)
        organisations = [
            _organisation(site, urls, o, views, tracked) for o in site.groups.organisations
        ]
        yield "organisations.json", _json(organisations)
        columns = [k for k, _ in ORGANISATION_FILES["organisations.csv"][1]]
        yield "organisations.csv", _csv(organisations, columns)
    reports = [_report(view, site, urls, whose[view.report.id]) for view in site.reports]
    yield "reports.json", _json(reports)
    yield (
        "reports.csv",
        _csv(
            reports,
            [k for k, _ in dictionary(several)["reports.csv"][1]],
        ),
    )
    del reports
    # The headline as every page and reports' headline_grade take it: the one the report marks,
    # else the one its framework marks (`Framework.headline`).
    headlines = {
        item.id: (
            f.headline(item.judgements) if (f := site.frameworks.get(item.framework)) else None
        )
        for item in site.timeline
    }
    judgements = [
        {
            "item": item.id,
            "item_title": item.title,
            **_whose(site, _item_organisations(site, item)),
            "in_collection": item.report is not None,
            "date": item.sort_key[0].iso,
            "date_precision": _precision(item.sort_key[0]),
            "framework": item.framework,
            "scope": _scope(site, item.framework, j.scope),
            "area": j.area,
            "series": site.frameworks[item.framework].series(j),
            "grade": j.grade,
            "grade_label": _known_grade(site, item.framework, j.grade).label,
            "ordinal": _known_grade(site, item.framework, j.grade).ordinal,
            "headline": j is headlines[item.id],
            "basis": j.basis,
            "draft": item.report is not None and item.report.draft,
            "note": j.note,
        }
        for item in site.timeline
        for j in item.judgements
        if _grade(site, item.framework, j.grade)
    ]
    yield "judgements.json", _json(judgements)
    yield "judgements.csv", _csv(judgements, list(judgements[0]) if judgements else ["item"])
    del judgements
    yield "frameworks.json", _json([_framework(f) for f in site.frameworks.values()])
    themes = [
        {
            "id": t.id,
            "title": t.title,
            "description": t.description,
            "url": urls.absolute("theme", t.id),
            "passages": site.theme_count(t.id),
        }
        for t in site.themes.values()
    ]
    yield "themes.json", _json(themes)
    recommendations = [
        {
            "id": h.recommendation.id,
            "title": h.recommendation.title,
            **_whose(site, (site.groups.of_recommendation(h.recommendation.id),)),
            "description": h.recommendation.description,
            "themes": list(h.recommendation.themes),
            "url": urls.absolute("recommendation", h.recommendation.id),
            "latest_status": h.latest_status,
            "open": h.is_open,
            "standing": h.standing.standing,
            "first_raised": h.standing.first_raised,
            "last_assessed": h.standing.last_assessed,
            "later_reports_silent": h.standing.silent_since,
            "recurring": h.recurring,
            "times_raised": h.times_raised,
            "statuses": {e.report: e.status for e in h.entries},
        }
        for h in site.histories.values()
    ]
    yield "recommendations.json", _json(recommendations)
    # A recommendation is raised by a report, or by an earlier inspection a report reports.
    raised_by = {**{e.id: e.title for e in site.content.events}, **titles}
    status_rows = [
        {
            "recommendation": h.recommendation.id,
            "title": h.recommendation.title,
            **_whose(site, (site.groups.of_recommendation(h.recommendation.id),)),
            "open": h.is_open,
            "first_raised": h.standing.first_raised,
            "first_raised_title": raised_by.get(h.standing.first_raised or "", ""),
            "latest_status": h.latest_status,
            "report": e.report,
            "report_title": titles.get(e.report, ""),
            "status": e.status,
            "own_recommendations": len(e.own),
            "evidence": len(e.evidence),
        }
        for h in site.histories.values()
        for e in h.entries
    ]
    status_columns = [k for k, _ in dictionary(several)["recommendations.csv"][1]]
    yield "recommendations.csv", _csv(status_rows, status_columns)
    del status_rows

    passages = [p for view in site.reports for p in view.passages]
    yield "annotations.json", _json(lines.json(p) for p in passages)
    columns = _annotation_columns(several)
    if rows is None:  # nothing kept: the rows in batches
        records = (
            _passage(p, urls, titles.get(p.report, ""), whose.get(p.report, {}), p.report in drafts)
            for p in passages
        )
        yield "annotations.csv", _csv(records, columns)
    else:
        header = next(_csv([], columns))
        yield "annotations.csv", itertools.chain([header], (lines.csv(p) for p in passages))
    yield (
        "annotations.jsonld",
        _json(
            {
                "@context": "http://www.w3.org/ns/anno.jsonld",
                "id": urls.absolute("data_file", "annotations.jsonld"),
                "type": "AnnotationCollection",
                "label": site.settings.title,
                "total": len(passages),
                # The collection's one page, embedded, as the Web Annotation model has it.
                "first": {
                    "id": urls.absolute("data_file", "annotations.jsonld") + "#page-1",
                    "type": "AnnotationPage",
                    "startIndex": 0,
                    "items": (lines.web(p) for p in passages),  # made as the file is written
                },
            }
        ),
    )
    lines.done()
    yield (
        "dictionary.csv",
        _csv(
            (
                {"file": name, "key": key, "meaning": meaning}
                for name, (_, keys) in dictionary(several).items()
                for key, meaning in keys
            ),
            ["file", "key", "meaning"],
        ),
    )


def _annotation_columns(several: bool) -> list[str]:
    return [k for k, _ in dictionary(several)["annotations.csv"][1]]


def _whose(site: Site, ids: tuple[str, ...]) -> dict[str, str]:
    """The organisation columns of a record about these organisations: none on a site of one."""
    if not site.groups.several:
        return {}
    found = [site.groups.organisations.get(i) for i in ids if i != NONE]
    return {
        "organisation": JOINED.join(i for i in ids if i != NONE),
        "organisation_name": JOINED.join(o.name for o in found if o),
        "region": JOINED.join(o.region for o in found if o),
    }


def _item_organisations(site: Site, item: TimelineItem) -> tuple[str, ...]:
    """Whose a timeline item is: its report's organisations, or its earlier inspection's."""
    if item.report is not None:
        return site.groups.of_report(item.report.id)
    return (site.groups.of_event(item.event.id),) if item.event is not None else ()


def _organisation(
    site: Site,
    urls: Urls,
    organisation_id: str,
    views: dict[str, ReportView],
    tracked: dict[str, list[str]],
) -> dict[str, Any]:
    o = site.groups.organisations[organisation_id]
    reports = site.places.get(o.id, ())
    mine = tracked.get(o.id, [])
    latest, last, still_open = standing_of(site, o.id, views, mine)
    head = latest.headline if latest else None
    grade = _grade(site, latest.report.framework, head.grade) if latest and head else None
    return {
        "id": o.id,
        "name": o.name,
        "short_name": o.short_name,
        "kind": o.kind,
        "region": o.region,
        "codes": JOINED.join(f"{scheme}={value}" for scheme, value in o.codes),
        "reports": len(reports),
        "latest_report": reports[-1] if reports else "",
        "last_inspected": views[last].report.date.iso if last else "",
        "latest_graded_report": latest.report.id if latest else "",
        "latest_headline_area": head.area if head else "",
        "latest_headline_grade": grade.label if grade else "",
        "latest_headline_ordinal": grade.ordinal if grade else "",
        "tracked_recommendations": len(mine),
        "open_recommendations": still_open,
        "url": urls.absolute("organisation", o.id),
        "feed": urls.absolute("organisation_feed", o.id),
    }


class _Encoded(str):
    """A record already written as JSON."""


class _PassageLines:
    """Each passage's record in annotations.json, its row of annotations.csv and its item of
    annotations.jsonld, made once for a passage object while it lasts (see `data_files`)."""

    def __init__(
        self,
        rows: dict[Any, Any] | None,
        urls: Urls,
        titles: dict[str, str],
        whose: dict[str, dict[str, str]],
        drafts: frozenset[str],
        several: bool,
    ) -> None:
        self.urls, self.titles, self.whose, self.drafts = urls, titles, whose, drafts
        self.columns = _annotation_columns(several)
        self.last = rows if rows is not None and rows.get("") == urls.absolute_base else {}
        self.rows = rows
        self.now: dict[Any, Any] = {"": urls.absolute_base}
        self.row = io.StringIO()
        self.writer = csv.writer(self.row, lineterminator="\n")

    def _make(self, p: Passage, which: int) -> str:
        if which == 2:
            return _Encoded(_ENCODER.encode(_web_annotation(p, self.urls)))
        about = self.titles.get(p.report, ""), self.whose.get(p.report, {}), p.report in self.drafts
        record = _passage(p, self.urls, *about)
        if which == 0:
            return _Encoded(_ENCODER.encode(record))
        self.row.seek(0)
        self.row.truncate()
        self.writer.writerow(_safe_cells(record, self.columns))
        return self.row.getvalue()

    def _line(self, p: Passage, which: int) -> str:
        if self.rows is None:  # nothing to keep for: made when written, and let go
            return self._make(p, which)
        found = self.now.get(id(p))
        if found is None:
            found = self.last.get(id(p))
            title = (
                self.titles.get(p.report, ""),
                self.whose.get(p.report, {}),
                p.report in self.drafts,
            )
            if found is None or found[0] is not p or found[1] != title:
                found = (p, title, *(self._make(p, i) for i in range(3)))
            self.now[id(p)] = found
        line: str = found[2 + which]
        return line

    def json(self, p: Passage) -> str:
        return self._line(p, 0)

    def csv(self, p: Passage) -> str:
        return self._line(p, 1)

    def web(self, p: Passage) -> str:
        return self._line(p, 2)

    def done(self) -> None:
        """Keep this build's lines (only): memory stays flat."""
        if self.rows is not None:
            self.rows.clear()
            self.rows.update(self.now)


def _grade(site: Site, framework_id: str, grade_id: str) -> Grade | None:
    framework = site.frameworks.get(framework_id)
    return framework.grade(grade_id) if framework else None


def _known_grade(site: Site, framework_id: str, grade_id: str) -> Grade:
    """A grade `_grade` has found."""
    grade = _grade(site, framework_id, grade_id)
    assert grade is not None
    return grade


def _report(view: ReportView, site: Site, urls: Urls, whose: dict[str, str]) -> dict[str, Any]:
    r = view.report
    head = view.headline
    grade = _grade(site, r.framework, head.grade) if head else None
    return {
        "id": r.id,
        "title": r.title,
        **whose,
        "kind": r.kind,
        "framework": r.framework,
        "inspected": _range(r.inspected),
        "inspected_basis": r.inspected.basis if r.inspected else "",
        "inspected_precision": _precision(r.inspected.start) if r.inspected else "",
        "published": r.published.start.iso,
        "published_precision": _precision(r.published.start),
        "published_basis": r.published.basis,
        "edition": r.edition,
        "draft": r.draft,
        "publisher": r.publisher,
        "authors": [{"name": a.name, "role": a.role} for a in r.authors],
        "source": r.source.title,
        "licence": r.licence.name,
        "headline_grade": grade.label if grade else "",
        "url": urls.absolute("report", r.id),
        "statuses": dict(sorted(view.statuses.items())),
    }


def _framework(f: Framework) -> dict[str, Any]:
    """A framework: what its ids in the other files mean, and how its grades sit on the shared
    scale."""
    return {
        "id": f.id,
        "title": f.title,
        "years": f.years,
        "description": " ".join(f.description.split()),
        "scopes": [{"id": s.id, "title": s.title} for s in f.scopes]
        or ([{"id": f.id, "title": f.title}] if f.scale else []),
        "scale": [{"grade": g.grade, "label": g.label, "ordinal": g.ordinal} for g in f.scale],
        "areas": [
            {
                "area": a.area,
                "scope": a.scope or (f.scopes[0].id if len(f.scopes) == 1 else ""),
                "series": a.series or slug(a.area),
                "headline": a.headline,
            }
            for a in f.areas
        ],
    }


def _range(fact: DateFact | None) -> str:
    if fact is None:
        return ""
    return fact.start.iso + (f"/{fact.end.iso}" if fact.end and fact.end != fact.start else "")


def _precision(date: PartialDate) -> str:
    """How precisely a date is known: day, month or year."""
    return "day" if date.day else "month" if date.month else "year"


def note_text(note_html: str) -> str:
    """An editors' note as plain text: its words without their markup."""
    text = re.sub(r"<[^>]+>", " ", note_html or "")
    return " ".join(html.unescape(text).split()).replace(" ,", ",").replace(" .", ".")


def _passage(
    p: Passage,
    urls: Urls,
    report_title: str = "",
    whose: dict[str, str] | None = None,
    draft: bool = False,
) -> dict[str, Any]:
    return {
        "id": f"{p.report}#{p.key}",
        "report": p.report,
        "report_title": report_title,
        **(whose or {}),
        "kind": p.kind,
        "paragraph": p.number,
        "anchor": p.block_id,
        "quote": "" if p.whole else p.quote,
        "themes": " ".join(p.themes),
        "tracks": p.tracks,
        "status": p.status,
        "status_basis": p.status_basis if p.status else "",
        "inspection": p.inspection,
        "timescale": p.timescale,
        "note": note_text(p.note_html),
        "draft": draft,
        "url": urls.absolute("report", p.report, p.block_id),
    }


def _web_annotation(p: Passage, urls: Urls) -> dict[str, Any]:
    """A passage as a W3C Web Annotation."""
    selector: dict[str, Any] = {
        "type": "FragmentSelector",
        "value": p.block_id,
        "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
    }
    if not p.whole:
        selector["refinedBy"] = {
            "type": "TextQuoteSelector",
            "exact": p.quote,
            "prefix": p.before[-32:],
            "suffix": p.after[:32],
        }
    bodies: list[dict[str, Any]] = [
        {
            "type": "SpecificResource",
            "purpose": "tagging",
            "source": urls.absolute("theme", t),
        }
        for t in p.themes
    ]
    if p.note_html:
        bodies.insert(
            0,
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": note_text(p.note_html),
                "format": "text/plain",
            },
        )
    if p.tracks:
        bodies.append(
            {
                "type": "SpecificResource",
                "purpose": "classifying",
                "source": urls.absolute("recommendation", p.tracks),
                "value": p.status,
            }
        )
    return {
        "id": urls.absolute("report", p.report, p.key),
        "type": "Annotation",
        "motivation": "assessing"
        if p.kind == "recommendation"
        else "commenting"
        if p.note_html
        else "tagging",
        "body": bodies,
        "target": {"source": urls.absolute("report", p.report), "selector": selector},
    }


def _json(value: Any) -> Iterator[str]:
    """JSON with one record per line: a list's items, or a collection's keys and its items; as
    pieces of text, so a large file is never held whole (a list may be given as an iterator).

    Readable and line-by-line diffable, and written by the json module's C encoder (which
    indenting every level would forgo: it is several times slower on a large history).
    """
    for line in _json_lines(value, ""):
        yield line + "\n"


# One encoder for every record: `json.dumps` with options makes a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def _is_list(value: Any) -> bool:
    return isinstance(value, list | Iterator)


def _holds_list(value: Any) -> bool:
    """A record some of whose values are written a line each: a list, or such a record."""
    return isinstance(value, dict) and any(_is_list(v) or _holds_list(v) for v in value.values())


def _json_lines(value: Any, indent: str) -> Iterator[str]:
    def flat(item: Any) -> str:
        return item if type(item) is _Encoded else _ENCODER.encode(item)

    inner = indent + "  "
    if isinstance(value, Iterator) or (isinstance(value, list) and value):
        rows = (inner + flat(item) for item in value)
        first = next(rows, None)
        if first is None:
            yield "[]"
            return
        yield "["
        yield from _commas_between(first, rows)
        yield indent + "]"
    elif _holds_list(value):
        yield "{"
        last = len(value) - 1
        for i, (key, item) in enumerate(value.items()):
            lines = (
                _json_lines(item, inner)
                if _is_list(item) or _holds_list(item)
                else iter([flat(item)])
            )
            previous = f"{inner}{flat(key)}: {next(lines)}"
            for line in lines:  # the value's last line ends in a comma if more keys follow
                yield previous
                previous = line
            yield previous + ("," if i < last else "")
        yield indent + "}"
    else:
        yield flat(value)


def _commas_between(first: str, rest: Iterator[str]) -> Iterator[str]:
    """The lines, each but the last ending in a comma."""
    previous = first
    for line in rest:
        yield previous + ","
        previous = line
    yield previous


# A cell a spreadsheet would run as a formula begins with one of these (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each is one character
BOM = "\ufeff"


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula: text that begins like one gets a `'`.
    A yes or no is written `true` or `false`, as in the JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "'" + value if isinstance(value, str) and value[:1] in _FORMULA_FIRST else value


def _safe_cells(row: dict[str, Any], columns: list[str]) -> list[Any]:
    """A row's values in these columns (a missing one empty), every cell spreadsheet-safe."""
    return [spreadsheet_safe(row.get(column, "")) for column in columns]


def _csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    """The rows' values in these columns (a missing one empty), every cell spreadsheet-safe; as
    pieces of text of a thousand rows each."""
    buffer = io.StringIO()
    # A byte order mark first: a spreadsheet then reads the file as UTF-8 (’ stays ’).
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    rows = iter(rows)
    while batch := list(itertools.islice(rows, 1000)):
        writer.writerows(_safe_cells(row, columns) for row in batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _scope(site: Site, framework_id: str, scope_id: str) -> str:
    framework = site.frameworks.get(framework_id)
    scope = framework.scope(scope_id) if framework else None
    return scope.id if scope else ""
