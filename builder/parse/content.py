"""Parse every content file into one Content record (pure: texts in, records out)."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from typing import Any

from builder.diagnostics import Diagnostics
from builder.load.load import Sources
from builder.load.yamlread import YamlProblem, load_yaml
from builder.parse.parse import (
    parse_event,
    parse_framework,
    parse_list,
    parse_organisation,
    parse_report,
    parse_settings,
    parse_theme,
    parse_tracked,
)
from builder.parse.records import Content, Settings, Where

LIST_FILES = (
    ("frameworks.yml", "framework", parse_framework),
    ("themes.yml", "theme", parse_theme),
    ("recommendations.yml", "tracked recommendation", parse_tracked),
    ("events.yml", "event", parse_event),
    ("organisations.yml", "organisation", parse_organisation),
)
# In LIST_FILES' order.
VOCABULARIES = ("frameworks", "themes", "recommendations", "events", "organisations")
OPTIONAL = ("events.yml", "organisations.yml")  # a site may have none of these


def parse_content(
    sources: Sources,
    diagnostics: Diagnostics,
    content_dir: str = "content",
    cache: dict[tuple[str, str], Any] | None = None,
) -> Content:
    """Parse site settings, vocabularies and reports; every problem goes to diagnostics.

    With a cache, a report file whose text is unchanged is not parsed again: its record and its
    diagnostics are replayed from the last time.
    """
    partial: set[str] = set()
    lost: set[tuple[str, str]] = set()
    errors = len(diagnostics.errors)

    def had_errors(kind: str) -> bool:
        nonlocal errors
        found, errors = len(diagnostics.errors) > errors, len(diagnostics.errors)
        return found

    # The folder itself already reported (not found, a link, unreadable): every file in it is
    # missing for that one reason, said once.
    no_folder = any(d.path == content_dir and d.line == 0 for d in diagnostics.errors)

    def refused(name: str) -> bool:  # already reported: a link, unreadable, not UTF-8
        return no_folder or any(d.path == f"{content_dir}/{name}" for d in diagnostics.items)

    site = sources.get("site.yml")
    if site is None:
        if not refused("site.yml"):
            diagnostics.error(f"{content_dir}/site.yml", 0, "site settings file is missing")
        settings = Settings("", "", "", "", "/", "en", "", (), Where(f"{content_dir}/site.yml", 0))
    else:
        settings = parse_settings(site[1], site[0], diagnostics)
    if had_errors("settings") and not settings.kinds:
        partial.add("settings")  # no kinds were read, so no kind id can be checked
    # One tuple of records per list file; each file has its own record type (see Content).
    lists: list[tuple[Any, ...]] = []
    for (name, what, parse_item), kind in zip(LIST_FILES, VOCABULARIES, strict=True):
        found = sources.get(name)
        if found is None:
            if name not in OPTIONAL and not refused(name):
                diagnostics.error(f"{content_dir}/{name}", 0, f"{what} file is missing")
            if name not in OPTIONAL:
                partial.add(kind)  # missing or unreadable: its ids cannot be checked
            lists.append(())
        else:
            lists.append(
                _cached(
                    cache,
                    found,
                    diagnostics,
                    functools.partial(_parse_list, what=what, parse_item=parse_item),
                )
            )
            if had_errors(kind):
                written = _written_ids(found[1])
                if written is None:
                    partial.add(kind)  # unreadable: any id of this kind may be defined there
                else:
                    lost.update((kind, i) for i in written - {r.id for r in lists[-1]})
    _unexpected_files(sources, diagnostics, content_dir)
    reports = []
    seen: dict[str, str] = {}
    for path, text in sources.reports():
        report = _cached(cache, (path, text), diagnostics, parse_report)
        if report is None:
            lost.add(("reports", path.rsplit("/", 1)[-1].removesuffix(".md")))
            continue
        if report.id in seen:
            diagnostics.error(
                path,
                report.where.of("id").line,
                f"duplicate report id '{report.id}' (also in {seen[report.id]})",
            )
            continue
        seen[report.id] = path
        reports.append(report)
    if not sources.reports() and not no_folder:
        diagnostics.error(
            f"{content_dir}/reports",
            0,
            "no reports found (hint: add a Markdown file "
            "such as content/reports/2013-07-child-protection.md)",
        )
    if cache is not None:  # forget versions of files that no longer exist, so memory stays flat
        current = set(sources.files.items())
        for key in [k for k in cache if k not in current]:
            del cache[key]
    frameworks, themes, recommendations, events, organisations = lists
    return Content(
        settings,
        frameworks,
        themes,
        recommendations,
        events,
        tuple(reports),
        frozenset(partial),
        frozenset(lost),
        organisations,
    )


def _written_ids(text: str) -> set[str] | None:
    """The ids a list file defines, as written, even those whose records had errors; None if the
    file is not a readable list."""
    try:
        data = load_yaml(text)
    except YamlProblem:
        return None
    if not isinstance(data, list):
        return None
    return {
        item["id"] for item in data if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


SETTINGS_FILES = ("site.yml",) + tuple(name for name, _, _ in LIST_FILES)


def _unexpected_files(sources: Sources, diagnostics: Diagnostics, content_dir: str) -> None:
    """Report files the builder would not read, so an editor's work is never silently ignored."""
    expected = {f"{content_dir}/{name}" for name in SETTINGS_FILES}
    for path in sorted(sources.files):
        if path in expected or path.startswith(f"{content_dir}/reports/"):
            continue
        if path.endswith(".md"):
            diagnostics.error(
                path, 0, f"unexpected Markdown file: reports go in {content_dir}/reports/"
            )
            continue
        name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        nested = "/" in path[len(content_dir) + 1 :]
        close = difflib.get_close_matches(name, [n[:-4] for n in SETTINGS_FILES], 1, 0.8)
        close = [] if nested else close
        hint = f" (did you mean '{close[0]}.yml'?)" if close else ""
        diagnostics.error(
            path,
            0,
            f"unexpected YAML file: the builder reads only {', '.join(SETTINGS_FILES)} "
            f"at the top of {content_dir}/, and reports in {content_dir}/reports/{hint}",
        )


def _cached(
    cache: dict[tuple[str, str], Any] | None,
    source: tuple[str, str],
    diagnostics: Diagnostics,
    parse: Callable[[str, str, Diagnostics], Any],
) -> Any:
    """Parse a file once per distinct text, replaying its diagnostics on every later build."""
    path, text = source
    if cache is None:
        return parse(text, path, diagnostics)
    if source not in cache:
        found = Diagnostics()
        cache[source] = (parse(text, path, found), found.items)
    record, items = cache[source]
    diagnostics.items.extend(items)
    return record


def _parse_list(text: str, path: str, diagnostics: Diagnostics, what: str, parse_item: Any) -> Any:
    """A list file's records, as `_cached` calls its parser."""
    return parse_list(text, path, diagnostics, what, parse_item)
