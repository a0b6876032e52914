"""The Atom feed of reports, the sitemap and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .urls import Urls


def _stamp(date) -> str:
    return f"{date.year:04d}-{date.month or 1:02d}-{date.day or 1:02d}T00:00:00Z"


def atom_feed(site, urls: Urls) -> bytes:
    """One entry per report, newest first, dated by publication."""
    views = sorted(
        site.reports, key=lambda v: (v.report.published.start, v.report.id), reverse=True
    )
    updated = _stamp(views[0].report.published.start) if views else "1970-01-01T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(site.settings.title)}</title>",
        f'  <link rel="self" href="{escape(urls.absolute("feed"))}"/>',
        f'  <link href="{escape(urls.absolute("home"))}"/>',
        f"  <id>{escape(urls.absolute('home'))}</id>",
        f"  <updated>{updated}</updated>",
    ]
    for view in views:
        r = view.report
        link = urls.absolute("report", r.id)
        summary = r.summary or r.title
        lines += [
            "  <entry>",
            f"    <title>{escape(r.title)} ({escape(r.published.start.label)})</title>",
            f'    <link href="{escape(link)}"/>',
            f"    <id>{escape(link)}</id>",
            f"    <updated>{_stamp(r.published.start)}</updated>",
            f"    <author><name>{escape(r.publisher)}</name></author>",
            f"    <summary>{escape(summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap(site, urls: Urls, files: list[str]) -> bytes:
    """Every HTML page but the not-found page."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for name in files:
        if name.endswith("index.html"):
            path = name[: -len("index.html")]
            lines.append(
                f"  <url><loc>{escape(urls.absolute_base + urls.base_path + path)}</loc></url>"
            )
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(urls: Urls) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {urls.absolute('sitemap')}\n".encode()
