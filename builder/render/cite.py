"""Each report's citation for reference managers: an RIS file and a BibTeX file beside its page.

The report is cited as the site's own citation reads: its publisher, an organisation, as author
("Ofsted (2013)"), the publisher again as the institution of a technical report, the report's
reference as its number, and the page's address (with the original document's where known).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from builder.model.organisations import names_of
from builder.urls import Urls

if TYPE_CHECKING:
    from builder.model.site import Site
    from builder.parse.records import Report

CITE_FILES = ("cite.ris", "cite.bib")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def ris(report: Report, urls: Urls, language: str, about: str = "") -> str:
    """The report as an RIS record (a technical report; the organisation has no comma, so a
    reference manager keeps it whole rather than as a surname and forenames). `about` names whom
    it is about, on a site of several organisations."""
    date = report.published.start
    lines = [
        ("TY", "RPRT"),
        ("TI", report.title),
        ("AU", report.publisher),
        ("PY", f"{date.year:04d}"),
        (
            "DA",
            "/".join(
                [
                    f"{date.year:04d}",
                    f"{date.month:02d}" if date.month else "",
                    f"{date.day:02d}" if date.day else "",
                    "",
                ]
            ),
        ),
        ("PB", report.publisher),
        ("SN", report.source.reference),
        ("UR", _address(urls, report)),
        ("LA", language),
        ("N1", f"About: {about}" if about else ""),
        ("N1", f"Original: {report.source.original}" if report.source.original else ""),
    ]
    body = "".join(f"{tag}  - {_line(value)}\r\n" for tag, value in lines if value)
    return body + "ER  - \r\n"


def bibtex(report: Report, urls: Urls, language: str, about: str = "") -> str:
    """The report as a BibTeX @techreport; the organisation in double braces, as one name."""
    notes = [f"About: {_tex(about)}"] if about else []
    if report.source.original:
        notes.append("Original: \\url{" + report.source.original + "}")
    date = report.published.start
    fields = [
        ("title", "{" + _tex(report.title) + "}"),
        ("author", "{" + _tex(report.publisher) + "}"),
        ("institution", _tex(report.publisher)),
        ("year", f"{date.year:04d}"),
        ("month", _MONTHS[date.month - 1] if date.month else ""),
        ("number", _tex(report.source.reference)),
        ("url", _address(urls, report)),
        ("language", language),
        ("note", ". ".join(notes)),
    ]
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
        if value
    )
    return f"@techreport{{{_key(report)},\n{body}\n}}\n"


def cite_files(site: Site, urls: Urls) -> Iterator[tuple[str, bytes]]:
    """Each report's citation files, by output path: beside its page."""
    language = site.settings.language
    for view in site.reports:
        yield from report_cite_files(view.report, urls, language, about(site, view.report.id))


def about(site: Site, report_id: str) -> str:
    """Whom a report is about, in words, on a site of several organisations: "" on a site of one."""
    return (
        names_of(site.groups, site.groups.of_report(report_id), brief=False)
        if site.groups.several
        else ""
    )


def report_cite_files(
    report: Report, urls: Urls, language: str, about: str = ""
) -> list[tuple[str, bytes]]:
    """One report's citation files, by output path."""
    folder = urls.path("report", report.id)
    return [
        (folder + "cite.ris", ris(report, urls, language, about).encode("utf-8")),
        (folder + "cite.bib", bibtex(report, urls, language, about).encode("utf-8")),
    ]


def _address(urls: Urls, report: Report) -> str:
    """The page's full address; "" when the site has no public address to give."""
    address = urls.absolute("report", report.id)
    return address if address.startswith(("http://", "https://")) else ""


def _line(value: str) -> str:
    return " ".join(value.split())


def _key(report: Report) -> str:
    """A BibTeX key: the publisher's first word, the year, and the report's id."""
    first = unicodedata.normalize("NFKD", report.publisher).encode("ascii", "ignore").decode()
    word = re.sub(r"[^A-Za-z0-9]", "", (first.split() or ["report"])[0]) or "report"
    return f"{word.lower()}{report.published.start.year}-{re.sub(r'[^A-Za-z0-9-]', '', report.id)}"


_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex(value: str) -> str:
    return "".join(_TEX.get(c, c) for c in _line(value))
