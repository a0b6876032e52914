"""The data behind the site, machine-readable: JSON, CSV and W3C Web Annotation JSON-LD."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .urls import Urls


def data_files(site, urls: Urls) -> dict[str, bytes]:
    """Every data file, keyed by its name under /data/."""
    reports = [_report(view, site, urls) for view in site.reports]
    judgements = [
        {
            "item": item.id,
            "in_collection": item.report is not None,
            "date": item.sort_key[0].iso,
            "framework": item.framework,
            "scope": _scope(site, item.framework, j.scope),
            "area": j.area,
            "series": j.series,
            "grade": j.grade,
            "grade_label": _grade(site, item.framework, j.grade).label,
            "ordinal": _grade(site, item.framework, j.grade).ordinal,
            "headline": j.headline,
            "basis": j.basis,
            "note": j.note,
        }
        for item in site.timeline
        for j in item.judgements
        if _grade(site, item.framework, j.grade)
    ]
    recommendations = [
        {
            "id": h.recommendation.id,
            "title": h.recommendation.title,
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
    annotations = [_passage(p, urls) for view in site.reports for p in view.passages]
    themes = [
        {
            "id": t.id,
            "title": t.title,
            "description": t.description,
            "url": urls.absolute("theme", t.id),
            "passages": len(site.theme_passages(t.id)),
        }
        for t in site.themes.values()
    ]
    status_rows = [
        {
            "recommendation": h.recommendation.id,
            "report": e.report,
            "status": e.status,
            "own_recommendations": len(e.own),
            "evidence": len(e.evidence),
        }
        for h in site.histories.values()
        for e in h.entries
    ]
    return {
        "reports.json": _json(reports),
        "reports.csv": _csv(
            reports,
            [
                "id",
                "title",
                "kind",
                "framework",
                "inspected",
                "published",
                "publisher",
                "headline_grade",
                "url",
            ],
        ),
        "judgements.json": _json(judgements),
        "judgements.csv": _csv(judgements, list(judgements[0]) if judgements else ["item"]),
        "themes.json": _json(themes),
        "recommendations.json": _json(recommendations),
        "recommendations.csv": _csv(
            status_rows, ["recommendation", "report", "status", "own_recommendations", "evidence"]
        ),
        "annotations.json": _json(annotations),
        "annotations.csv": _csv(
            annotations,
            [
                "id",
                "report",
                "kind",
                "paragraph",
                "anchor",
                "quote",
                "themes",
                "tracks",
                "status",
                "timescale",
                "url",
            ],
        ),
        "annotations.jsonld": _json(_web_annotations(site, urls)),
    }


def _grade(site, framework_id: str, grade_id: str):
    framework = site.frameworks.get(framework_id)
    return framework.grade(grade_id) if framework else None


def _report(view, site, urls: Urls) -> dict[str, Any]:
    r = view.report
    head = view.headline
    grade = _grade(site, r.framework, head.grade) if head else None
    return {
        "id": r.id,
        "title": r.title,
        "kind": r.kind,
        "framework": r.framework,
        "inspected": _range(r.inspected),
        "inspected_basis": r.inspected.basis if r.inspected else "",
        "published": r.published.start.iso,
        "published_basis": r.published.basis,
        "edition": r.edition,
        "publisher": r.publisher,
        "authors": [{"name": a.name, "role": a.role} for a in r.authors],
        "source": r.source.title,
        "licence": r.licence.name,
        "headline_grade": grade.label if grade else "",
        "url": urls.absolute("report", r.id),
        "statuses": dict(sorted(view.statuses.items())),
    }


def _range(fact) -> str:
    if fact is None:
        return ""
    return fact.start.iso + (f"/{fact.end.iso}" if fact.end and fact.end != fact.start else "")


def _passage(p, urls: Urls) -> dict[str, Any]:
    return {
        "id": f"{p.report}#{p.key}",
        "report": p.report,
        "kind": p.kind,
        "paragraph": p.number,
        "anchor": p.block_id,
        "quote": "" if p.whole else p.quote,
        "themes": " ".join(p.themes),
        "tracks": p.tracks,
        "status": p.status,
        "status_basis": p.status_basis if p.status else "",
        "timescale": p.timescale,
        "url": urls.absolute("report", p.report, p.block_id),
    }


def _web_annotations(site, urls: Urls) -> dict[str, Any]:
    items = []
    for view in site.reports:
        for p in view.passages:
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
            if p.tracks:
                bodies.append(
                    {
                        "type": "SpecificResource",
                        "purpose": "classifying",
                        "source": urls.absolute("recommendation", p.tracks),
                        "value": p.status,
                    }
                )
            items.append(
                {
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
            )
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "label": site.settings.title,
        "total": len(items),
        "items": items,
    }


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# A cell a spreadsheet would run as a formula begins with one of these (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula: text that begins like one gets a `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8")


def _scope(site, framework_id: str, scope_id: str) -> str:
    framework = site.frameworks.get(framework_id)
    scope = framework.scope(scope_id) if framework else None
    return scope.id if scope else ""
