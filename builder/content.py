"""Parse every content file into one Content record (pure: texts in, records out)."""

from __future__ import annotations

from .diagnostics import Diagnostics
from .load import Sources
from .model import Content, Report, Settings, Where
from .parse import (
    parse_event,
    parse_framework,
    parse_list,
    parse_report,
    parse_settings,
    parse_theme,
    parse_tracked,
)

LIST_FILES = (
    ("frameworks.yml", "framework", parse_framework),
    ("themes.yml", "theme", parse_theme),
    ("recommendations.yml", "tracked recommendation", parse_tracked),
    ("events.yml", "event", parse_event),
)


def parse_content(sources: Sources, diagnostics: Diagnostics, content_dir: str = "content",
                  cache: dict | None = None) -> Content:
    """Parse site settings, vocabularies and reports; every problem goes to diagnostics.

    With a cache, a report file whose text is unchanged is not parsed again: its record and its
    diagnostics are replayed from the last time.
    """
    site = sources.get("site.yml")
    if site is None:
        diagnostics.error(f"{content_dir}/site.yml", 0, "site settings file is missing")
        settings = Settings("", "", "", "", "/", "en", "", (), Where(f"{content_dir}/site.yml", 0))
    else:
        settings = parse_settings(site[1], site[0], diagnostics)
    lists = []
    for name, what, parse_item in LIST_FILES:
        found = sources.get(name)
        if found is None:
            if name != "events.yml":
                diagnostics.error(f"{content_dir}/{name}", 0, f"{what} file is missing")
            lists.append(())
        else:
            lists.append(parse_list(found[1], found[0], diagnostics, what, parse_item))
    reports = []
    seen: dict[str, str] = {}
    for path, text in sources.reports():
        report = _parse_report_cached(text, path, diagnostics, cache)
        if report is None:
            continue
        if report.id in seen:
            diagnostics.error(path, 2, f"duplicate report id '{report.id}' (also in {seen[report.id]})")
            continue
        seen[report.id] = path
        reports.append(report)
    if not sources.reports():
        diagnostics.error(f"{content_dir}/reports", 0, "no reports found (hint: add a Markdown file "
                          "such as content/reports/2013-07-child-protection.md)")
    if cache is not None:  # forget versions of files that no longer exist, so memory stays flat
        current = set(sources.reports())
        for key in [k for k in cache if k not in current]:
            del cache[key]
    frameworks, themes, recommendations, events = lists
    return Content(settings, frameworks, themes, recommendations, events, tuple(reports))


def _parse_report_cached(text: str, path: str, diagnostics: Diagnostics, cache: dict | None) -> Report | None:
    if cache is None:
        return parse_report(text, path, diagnostics)
    key = (path, text)
    if key not in cache:
        found = Diagnostics()
        cache[key] = (parse_report(text, path, found), found.items)
    report, items = cache[key]
    diagnostics.items.extend(items)
    return report
