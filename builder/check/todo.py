"""What is left to do (`check --todo`): the editor's list, each item with the file and line to open.

Pure: the site model and the check's diagnostics in, items out. Nothing here is an error; the
site's own rules (rules.py) decide what `--strict` refuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from builder.diagnostics import Diagnostic, Diagnostics
from builder.model.rules import unthemed_blocks
from builder.model.site import Site

_BROKEN_ANCHOR = re.compile(r"^broken link(?: on /\S+)?: (\S+) \((no element with id '[^']*')\)$")
# The marks an imported draft leaves in a report's front matter for the editor: a value found in
# the document, to check against it ("# confirm: page 1, …"), and one to fill in ("# to do: …").
MARKS = ("# confirm:", "# to do:")


def todo_items(
    site: Site, checked: Diagnostics, texts: Mapping[str, str] | None = None
) -> list[tuple[str, list[Diagnostic]]]:
    """The open items, grouped under a heading each, in file and line order within a group.

    `texts` are the content files' texts by path, for the marks an import leaves to confirm.
    """
    groups = [
        ("drafts not yet confirmed (a strict build does not publish them)", _drafts(site)),
        ("imported values to confirm or fill in", _marked_values(texts or {})),
        ("the reports' own recommendations not linked to a tracked one", _unlinked(site)),
        ("numbered paragraphs and listed findings without a theme", _unthemed(site)),
        ("themes never used", _unused_themes(site)),
        ("tracked recommendations never used", _unused_recommendations(site)),
        ("events that may now have a report of their own", _events_with_reports(site)),
        ("notes whose links point at anchors that no longer exist", _stale_links(checked)),
    ]
    return [(title, sorted(set(items))) for title, items in groups if items]


def _item(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, "todo", message)


def _drafts(site: Site) -> list[Diagnostic]:
    return [
        _item(
            view.report.where.path,
            view.report.where.of("draft").line,
            f"report '{view.report.id}' is a draft: confirm it, then delete 'draft: true'",
        )
        for view in site.reports
        if view.report.draft
    ]


def _unlinked(site: Site) -> list[Diagnostic]:
    return [
        _item(
            r.where.path,
            r.where.line,
            f"recommendation {i} of '{view.report.id}' is not linked: give it 'tracks'",
        )
        for view in site.reports
        for i, r in enumerate(view.report.recommendations, 1)
        if not r.tracks
    ]


def _unthemed(site: Site) -> list[Diagnostic]:
    return [
        _item(
            u.path,
            u.line,
            f"{u.label} has no theme" + (f" (annotate it as '{u.anchor}')" if u.anchor else ""),
        )
        for u in unthemed_blocks(site)
    ]


def _unused_themes(site: Site) -> list[Diagnostic]:
    used = {t for view in site.reports for p in view.passages for t in p.themes}
    return [
        _item(t.where.path, t.where.line, f"theme '{t.id}' is not given to any passage")
        for t in site.themes.values()
        if t.id not in used
    ]


def _unused_recommendations(site: Site) -> list[Diagnostic]:
    used = {p.tracks for view in site.reports for p in view.passages if p.tracks}
    return [
        _item(
            r.where.path,
            r.where.line,
            f"tracked recommendation '{r.id}' is not tracked by any report",
        )
        for r in site.recommendations.values()
        if r.id not in used
    ]


def _events_with_reports(site: Site) -> list[Diagnostic]:
    out = []
    for event in site.content.events:
        when = event.date.start
        for view in site.reports:
            report = view.report
            if report.kind != event.kind:
                continue
            # An event known only to the year (or month) matches any report in that year (month).
            dates = [d.start for d in (report.inspected, report.published) if d]
            if any(
                d.year == when.year
                and (not when.month or d.month == when.month)
                and (not when.day or d.day == when.day)
                for d in dates
            ):
                out.append(
                    _item(
                        event.where.path,
                        event.where.line,
                        f"event '{event.id}' ({when.iso}, {event.kind}) may now be the report"
                        f" '{report.id}': if so, remove the event and point its mentions at the report",
                    )
                )
    return out


def _marked_values(texts: Mapping[str, str]) -> list[Diagnostic]:
    out = []
    for path, text in texts.items():
        lines = text.split("\n")
        if not path.endswith(".md") or not lines or lines[0].strip() != "---":
            continue
        key = ""  # the top-level key the lines so far belong to
        for number, line in enumerate(lines[1:], 2):
            if line.strip() == "---":
                break  # the end of the front matter
            if (written := re.match(r"([A-Za-z_]\w*):", line)) is not None:
                key = written.group(1)
            for mark in MARKS:
                at = line.find(mark)
                # A mark quoted in an explanatory comment ('# confirm:') is not itself a mark.
                if at != -1 and line[at - 1 : at] != "'":
                    out.append(_item(path, number, _what(mark, line, at, key)))
                    break
    return out


def _what(mark: str, line: str, at: int, key: str) -> str:
    """What a marked line asks, naming its key: 'confirm title: page 1, …', 'fill in url: …'."""
    verb = "confirm" if mark == "# confirm:" else "fill in"
    said = line[at + len(mark) :].strip()
    if not line[:at].strip() or said.startswith(f"{key}:"):
        return f"{verb} {said}"  # the mark names it itself: '# to do: url: where it is published'
    return f"{verb} {key}: {said}"


def _stale_links(checked: Diagnostics) -> list[Diagnostic]:
    out = []
    for item in checked.items:
        match = _BROKEN_ANCHOR.match(item.message)
        if match and item.path.endswith(".md"):
            link, problem = match.groups()
            out.append(_item(item.path, item.line, f"a note links to {link} ({problem})"))
    return out


def format_todo(groups: list[tuple[str, list[Diagnostic]]]) -> list[str]:
    """The list as printed: a heading per group, one `path:line: todo: …` line per item, a count."""
    lines = []
    for title, items in groups:
        lines.append(f"{title} ({len(items)}):")
        lines += [item.format() for item in items]
    count = sum(len(items) for _, items in groups)
    lines.append(
        "nothing left to do"
        if not count
        else f"{count} thing{'s' if count != 1 else ''} left to do"
    )
    return lines
