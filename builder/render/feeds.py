"""The Atom feed, the sitemap and robots.txt: views for their templates, and an XML-escaping Jinja.

The files are templates (`feed.xml`, `sitemap.xml`, `robots.txt`) a site can change like any other,
rendered by an environment that escapes every value in an `.xml` template for XML, so no title,
address or base path can break the markup. Pure: the site in, views out.
"""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jinja2

from builder.load.load import Templates
from builder.model.organisations import names_of
from builder.model.text import render_note
from builder.parse.records import PartialDate, Report
from builder.urls import Urls
from builder.views.organisations import organisation_feed_title

if TYPE_CHECKING:
    from builder.model.site import Site
    from builder.model.views import ReportView

STRUCTURED_FILES = ("feed.xml", "sitemap.xml", "robots.txt")

# Characters XML 1.0 cannot hold at all, escaped or not: C0 controls other than tab and line
# breaks, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One report in the feed, with its dates in RFC 3339 form."""

    title: str
    date_label: str
    url: str
    published: str  # the publication day, or "" when only the month or year is known
    updated: str
    author: str
    summary_html: str  # HTML, which the template escapes once more, as Atom's type="html" wants


@dataclass(frozen=True, slots=True)
class Feed:
    title: str
    self_url: str
    home_url: str
    updated: str
    entries: tuple[FeedEntry, ...]


def feed_date(date: PartialDate) -> str:
    """A feed timestamp for a date: the day itself, or the last day of a month or year known only
    that far, the day by which the document certainly existed (never a made-up 1 January)."""
    month = date.month or 12
    day = date.day or calendar.monthrange(date.year, month)[1]
    return f"{date.year:04d}-{month:02d}-{day:02d}T00:00:00Z"


def _said(view: ReportView, site: Site) -> str:
    """What an entry says of a report whose editors wrote no summary: its kind, its inspection's
    dates and its headline grade, as its page's header gives them."""
    report = view.report
    kind = site.settings.kind_label(report.kind)
    parts = [kind] if kind.casefold() != report.title.casefold() else []
    if report.inspected:
        parts.append(f"{'inspected' if parts else 'Inspected'} {report.inspected.label}")
    framework = site.frameworks.get(report.framework)
    head = view.headline
    grade = framework.grade(head.grade) if framework and head else None
    if head and grade:
        parts.append(f"{head.area}: {grade.label}")
    elif report.judgements:
        parts.append(f"{len(report.judgements)} judgements, no headline grade")
    return f"{report.title}. " + "; ".join(parts) + "." if parts else report.title


def feed_entry(report: Report, urls: Urls, whose: str = "", said: str = "") -> FeedEntry:
    """A report's entry, dated by the content alone so builds are reproducible. On a site of
    several organisations, its title names `whose` report it is.

    An entry is as new as the later of its document's date and the day its edition was added to
    the collection (`added`), so a 2013 report added today reaches feed readers as new.
    """
    date = report.published.start
    return FeedEntry(
        title=f"{report.title}, {whose}" if whose else report.title,
        date_label=date.label,
        url=urls.absolute("report", report.id),
        published=feed_date(date) if date.day else "",
        updated=max(feed_date(date), feed_date(report.changed)),
        author=report.publisher,
        summary_html=render_note(report.summary)
        if report.summary
        else html.escape(said or report.title, quote=False),
    )


def _feed(title: str, self_url: str, home_url: str, entries: list[FeedEntry]) -> Feed:
    """A feed of these entries, newest first; its id is `home_url`."""
    entries.sort(key=lambda e: (e.updated, e.url), reverse=True)
    return Feed(
        title=title,
        self_url=self_url,
        home_url=home_url,
        updated=max((e.updated for e in entries), default="1970-01-01T00:00:00Z"),
        entries=tuple(entries),
    )


def _whose(site: Site, report_id: str) -> str:
    """Whose a report is, in words, on a site of several organisations; "" on a site of one."""
    return names_of(site.groups, site.groups.of_report(report_id)) if site.groups.several else ""


def feed_view(site: Site, urls: Urls) -> Feed:
    """The site's feed: one entry per report, newest first."""
    entries = [
        feed_entry(view.report, urls, _whose(site, view.report.id), _said(view, site))
        for view in site.reports
    ]
    return _feed(site.settings.title, urls.absolute("feed"), urls.absolute("home"), entries)


def organisation_feeds(site: Site, urls: Urls) -> list[tuple[str, dict[str, Any]]]:
    """Each organisation's feed on a site of several, made from the `feed.xml` template: its
    output file and what the template is given; none on a site of one.

    An organisation's feed holds the reports about it alone (a joint inspection's is in each of
    its organisations' feeds), titled by it, with its page as the feed's link and id: stable
    while the organisation keeps its id. Each report's entry is made once, whatever the number
    of organisations.
    """
    if not site.groups.several:
        return []
    entries = {
        view.report.id: feed_entry(
            view.report, urls, _whose(site, view.report.id), _said(view, site)
        )
        for view in site.reports
    }
    return [
        (
            urls.output_file("organisation_feed", o),
            {
                "feed": _feed(
                    organisation_feed_title(site, o),
                    urls.absolute("organisation_feed", o),
                    urls.absolute("organisation", o),
                    [entries[r] for r in site.places.get(o, ()) if r in entries],
                )
            },
        )
        for o in site.groups.organisations
    ]


def structured_contexts(site: Site, urls: Urls, files: list[str]) -> dict[str, dict[str, Any]]:
    """What each of the feed, sitemap and robots.txt templates is given, keyed by file name."""
    pages = [
        urls.absolute_base + urls.base_path + name[: -len("index.html")]
        for name in files
        if name.endswith("index.html")
    ]
    return {
        "feed.xml": {"feed": feed_view(site, urls)},
        "sitemap.xml": {"pages": pages},
        # The site address is refused at input if it holds a line break; this makes sure no
        # value can start a line of its own in robots.txt whatever reaches it.
        "robots.txt": {"sitemap_url": "".join(urls.absolute("sitemap").split())},
    }


def xml_environment(templates: Templates) -> jinja2.Environment:
    """A strict Jinja environment that escapes every value in `.xml` templates for XML."""
    texts = tuple(
        sorted(
            (n, t, templates.path(n))
            for n, t in templates.texts.items()
            if n.endswith((".xml", ".txt"))
        )
    )
    return _xml_environment(templates.folder, texts)


# Kept between builds in one process, keyed by the templates' own text, so a rebuild reuses the
# compiled templates (no bytecode files: nothing is written outside the output folder).
@lru_cache(maxsize=8)
def _xml_environment(folder: str, texts: tuple[tuple[str, str, str], ...]) -> jinja2.Environment:
    sources = {name: (text, path) for name, text, path in texts}

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        if name not in sources:
            return None
        text, path = sources[name]
        return text, path, lambda: True

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=jinja2.select_autoescape(enabled_extensions=("xml",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_xml_text,
    )
    env.globals["templates_folder"] = folder
    # Where each template was read from (the project's own file or the theme's), for messages.
    env.globals["template_paths"] = {name: path for name, _, path in texts}
    return env


def _xml_text(value: Any) -> Any:
    # Escaping cannot make a control character legal in XML: leave it out.
    return _NOT_XML.sub("", value) if isinstance(value, str) else value
