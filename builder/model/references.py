"""Check that every id an editor writes names something defined in content."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from builder.diagnostics import Diagnostics, did_you_mean
from builder.parse.records import (
    STATUSES,
    Annotation,
    Content,
    Event,
    Framework,
    Judgement,
    OwnRecommendation,
    PartialDate,
    Report,
    Theme,
    TrackedRecommendation,
    Where,
)

# How the checks ask whether an id is known: (problems, the id, its choices, what, where).
Known = Callable[[Diagnostics, str, Collection[str], str, Where], bool]


def check_references(
    content: Content,
    frameworks: dict[str, Framework],
    themes: dict[str, Theme],
    recs: dict[str, TrackedRecommendation],
    diagnostics: Diagnostics,
    kept: dict[str, Any] | None = None,
) -> None:
    """Every id an editor writes must name something defined in content.

    `kept` holds each report's problems from the last build (and what they were checked
    against): a report whose record is the very same, checked against the same ids, has the same.
    """
    kinds = dict(content.settings.kinds)
    report_ids = {r.id for r in content.reports}
    vocabulary = {
        "kind": "settings",
        "framework": "frameworks",
        "theme": "themes",
        "tracked recommendation": "recommendations",
        "report": "reports",
    }

    def known(
        into: Diagnostics, value: str, choices: Collection[str], what: str, where: Where
    ) -> bool:
        kind = vocabulary.get(what)
        if kind in content.partial or (kind, value) in content.lost:
            return True  # defined where an error was reported: not unknown, only unreadable
        if value and value not in choices:
            hint = did_you_mean(value, choices) or _where_defined(what, choices)
            into.error(where.path, where.line, f"unknown {what} '{value}'{hint}")
            return False
        return True

    scopes = {s.id for f in content.frameworks for s in f.scopes}
    for rec in content.recommendations:
        lines = dict(rec.where.keys)
        for i, theme in enumerate(rec.themes):
            known(diagnostics, theme, themes, "theme", _item(rec.where, lines, "themes", i))
        if rec.scope and rec.scope not in scopes and "frameworks" not in content.partial:
            diagnostics.error(
                rec.where.path,
                rec.where.of("scope").line,
                f"unknown scope '{rec.scope}'{did_you_mean(rec.scope, scopes)} (hint: a scope a "
                f"framework declares in frameworks.yml"
                + (f", one of: {', '.join(sorted(scopes))})" if scopes else ")"),
            )
    for event in content.events:
        _check_kind_and_framework(event, kinds, frameworks, known, diagnostics)
        for mention in event.mentions:
            known(diagnostics, mention.report, report_ids, "report", mention.where.of("report"))
    against = (
        content.themes,
        content.recommendations,
        content.frameworks,
        kinds,
        content.partial,
        content.lost,
        report_ids,
        content.events,
    )
    last = kept if kept is not None and kept.get("") == against else {}
    now: dict[str, Any] = {"": against}
    for report in content.reports:
        was = last.get(report.id)
        if was is None or was[0] is not report:
            mine = Diagnostics()
            _check_kind_and_framework(report, kinds, frameworks, known, mine)
            _check_report(report, themes, recs, report_ids, known, mine)
            _check_reported_inspections(report, content.events, mine)
            was = (report, tuple(mine.items))
        now[report.id] = was
        diagnostics.items.extend(was[1])
    if kept is not None:
        kept.clear()
        kept.update(now)  # this build's reports only: memory stays flat
    _events_that_are_reports(content, diagnostics)


def _check_kind_and_framework(
    item: Report | Event,
    kinds: dict[str, str],
    frameworks: dict[str, Framework],
    known: Known,
    into: Diagnostics,
) -> None:
    known(into, item.kind, kinds, "kind", item.where.of("kind"))
    framework = frameworks.get(item.framework)
    known(into, item.framework, frameworks, "framework", item.where.of("framework"))
    _check_judgements(item.judgements, framework, item.framework, into)
    if isinstance(item, Report):
        _check_recommendation_scopes(item, framework, into)


def _check_recommendation_scopes(
    report: Report, framework: Framework | None, into: Diagnostics
) -> None:
    """An own recommendation's scope, where it names one, is a scope of the report's framework."""
    for r in report.recommendations:
        if not r.scope:
            continue
        where = r.where.of("scope")
        if framework is None:
            if not report.framework:
                into.error(
                    where.path,
                    where.line,
                    "a recommendation's 'scope' is one of the framework's scopes: "
                    "name the report's 'framework'",
                )
            continue
        if framework.scope(r.scope) is None:
            declared = [s.id for s in framework.scopes]
            into.error(
                where.path,
                where.line,
                f"unknown scope '{r.scope}' for framework '{framework.id}'"
                f"{did_you_mean(r.scope, declared)} "
                f"(use one of: {', '.join(declared) or framework.id})",
            )


def _check_report(
    report: Report,
    themes: dict[str, Theme],
    recs: dict[str, TrackedRecommendation],
    report_ids: set[str],
    known: Known,
    into: Diagnostics,
) -> None:
    passages: tuple[Annotation | OwnRecommendation, ...] = (
        *report.annotations,
        *report.recommendations,
    )
    for passage in passages:
        lines = dict(passage.where.keys)  # once per passage: a lookup per theme stays linear
        for i, theme in enumerate(passage.themes):
            known(into, theme, themes, "theme", _item(passage.where, lines, "themes", i))
        known(into, passage.tracks, recs, "tracked recommendation", passage.where.of("tracks"))
        if passage.status and passage.status not in STATUSES:
            into.error(
                passage.where.path,
                passage.where.of("status").line,
                f"unknown status '{passage.status}'{did_you_mean(passage.status, STATUSES)}"
                f" (use one of: {', '.join(STATUSES)})",
            )
    for mention in report.mentions:
        where = mention.where.of("report")
        if mention.report == report.id:
            into.error(
                where.path, where.line, "a report cannot mention itself: name another report"
            )
        else:
            known(into, mention.report, report_ids, "report", where)


def _check_reported_inspections(
    report: Report, events: tuple[Event, ...], into: Diagnostics
) -> None:
    """An annotation's `inspection` names an earlier inspection outside the collection (an event)
    that took place before the report that reports it."""
    dates = {e.id: e.date.start for e in events}
    for annotation in report.annotations:
        if not annotation.inspection:
            continue
        where = annotation.where.of("inspection")
        date = dates.get(annotation.inspection)
        if date is None:
            into.error(
                where.path,
                where.line,
                f"unknown inspection '{annotation.inspection}'"
                f"{did_you_mean(annotation.inspection, list(dates))} (hint: 'inspection' names "
                "an earlier inspection outside the collection, defined in events.yml)",
            )
        elif not _before(date, report.date):
            into.error(
                where.path,
                where.line,
                f"inspection '{annotation.inspection}' ({date.iso}) is not earlier than this "
                f"report ({report.date.iso}): a report can only report what an earlier "
                "inspection found",
            )


def _before(date: PartialDate, than: PartialDate) -> bool:
    """`date` is known to be before `than`, by the parts of the dates both give."""
    if date.year != than.year:
        return date.year < than.year
    if not (date.month and than.month) or date.month != than.month:
        return bool(date.month and than.month) and date.month < than.month
    return bool(date.day and than.day) and date.day < than.day


def _events_that_are_reports(content: Content, diagnostics: Diagnostics) -> None:
    """An event describes an inspection whose document is not in the collection: once the
    document is added as a report, the event repeats it, and its mentions belong to the report."""
    for event in content.events:
        for report in content.reports:
            if event.organisation and event.organisation not in report.organisations:
                continue  # another organisation's inspection of the same kind and month
            same_time = report.date.year == event.date.start.year and (
                not event.date.start.month
                or not report.date.month
                or report.date.month == event.date.start.month
            )
            if same_time and report.kind == event.kind and report.framework == event.framework:
                diagnostics.warning(
                    event.where.path,
                    event.where.line,
                    f"event '{event.id}' looks like the inspection of report '{report.id}' (same "
                    "kind, framework and date) (hint: remove the event, and move its mentions to "
                    "the reports that mention it, as 'mentions' naming the report)",
                )


def _item(where: Where, lines: dict[str, int], key: str, index: int) -> Where:
    """Where item `index` of a list was written (`lines`: the item's key lines, as a dict); the
    key's own line for a one-line list."""
    return Where(where.path, lines.get(f"{key}.{index}", lines.get(key, where.line)))


def _check_judgements(
    judgements: tuple[Judgement, ...],
    framework: Framework | None,
    framework_id: str,
    diagnostics: Diagnostics,
) -> None:
    if judgements and sum(j.headline for j in judgements) > 1:
        j = [j for j in judgements if j.headline][1]
        diagnostics.error(
            j.where.path, j.where.of("headline").line, "only one judgement can be the headline"
        )
    for j in judgements:
        if framework is None:
            if not framework_id:
                diagnostics.error(
                    j.where.path,
                    j.where.line,
                    "a judgement needs the report's 'framework' "
                    "so that its grade can be read on that framework's scale",
                )
            continue
        if not framework.scale:
            diagnostics.error(
                j.where.path,
                j.where.line,
                f"framework '{framework.id}' has no grade scale, so it cannot grade '{j.area}'",
            )
        if framework.scope(j.scope) is None:
            declared = [s.id for s in framework.scopes]
            if j.scope:
                message = (
                    f"unknown scope '{j.scope}' for framework '{framework.id}'"
                    f"{did_you_mean(j.scope, declared)} (use one of: {', '.join(declared) or framework.id})"
                )
            else:
                message = (
                    f"framework '{framework.id}' judges more than one scope: say which this "
                    f"judgement covers with 'scope' (one of: {', '.join(declared)})"
                )
            diagnostics.error(j.where.path, j.where.line, message)
        if framework.scale and j.grade and not framework.grade(j.grade):
            grades = [g.grade for g in framework.scale]
            diagnostics.error(
                j.where.path,
                j.where.line,
                f"unknown grade '{j.grade}' for framework '{framework.id}'"
                f"{did_you_mean(j.grade, grades)} (use one of: {', '.join(grades)})",
            )


# Where each vocabulary is defined, for a value that is close to none of its ids.
_DEFINED = {
    "kind": "content/site.yml's 'kinds'",
    "framework": "content/frameworks.yml",
    "theme": "content/themes.yml",
    "tracked recommendation": "content/recommendations.yml",
    "report": "content/reports/ (each report's id)",
}


def _where_defined(what: str, choices: Collection[str]) -> str:
    """A hint for an id close to none: the ids, when they are few, and where they are defined."""
    where = _DEFINED.get(what)
    if where is None:
        return ""
    if not choices:
        return f" (hint: there are none yet: add it to {where})"
    if len(choices) <= 12:
        return f" (use one of: {', '.join(sorted(choices))}; or add it to {where})"
    return f" (hint: add it to {where}, or use one of the {len(choices)} defined there)"
