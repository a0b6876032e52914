"""The URL policy: every URL from content is an http(s) address, a mailto: address or a site path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build_files, fixture_project

from builder.model.text import render_body, render_note
from builder.urlpolicy import check_base_path, check_site_url, check_url

REFUSED = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "java&#x09;script:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "%6Aavascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "http:/evil.example",
    "https:///nowhere",
    "https://example.org/\u202egpj.exe",
    "https://example.org/a\u200bb",
    "https://[evil",
    "//[evil/x",
]


@pytest.mark.parametrize("url", REFUSED)
def test_refused(url: str):
    assert not check_url(url).ok


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://example.org/report.pdf", "external"),
        ("http://example.org", "external"),
        ("HTTPS://EXAMPLE.ORG/", "external"),
        ("//example.org/x", "external"),
        ("mailto:editor@example.org", "mailto"),
        ("/reports/2013-07-first/#p1", "internal"),
        ("../themes/", "internal"),
        ("#p14", "internal"),
    ],
)
def test_allowed(url: str, kind: str):
    assert check_url(url).kind == kind


def test_an_image_cannot_be_a_mailto_address():
    assert check_url("mailto:a@example.org").ok
    assert not check_url("mailto:a@example.org", image=True).ok


def test_site_url_is_an_absolute_address_on_one_line():
    assert check_site_url("https://history.example.org/").ok
    for url in ("https://a.example/\nDisallow: /", "/history/", "//a.example/", "javascript:x"):
        assert not check_site_url(url).ok, url


@pytest.mark.parametrize(
    "markdown",
    [
        "[x](javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "![i](data:image/svg+xml;base64,PHN2Zy8+)",
        "![i](javascript:alert(1))",
        "[x](/\\evil.example)",
        "[x][r]\n\n[r]: vbscript:msgbox(1)",
        "[x](<javascript:alert(1)>)",
    ],
)
def test_markdown_never_writes_a_refused_url(markdown: str):
    html = render_note(markdown)
    assert "href" not in html and "src" not in html, html
    body = render_body(markdown, [])
    # The only link left is the paragraph's own self-link.
    assert all(u.startswith("#") for u in re.findall(r'(?:href|src)="([^"]*)"', body.html))
    assert len(body.refused_links) == 1


def test_markdown_keeps_allowed_links():
    html = render_note(
        "[a](https://example.org/) [b](/themes/) [c](mailto:e@example.org) <x@y.org>"
    )
    assert html.count("href=") == 4


def report_with(fixture_copy: Path, old: str, new: str) -> None:
    path = fixture_copy / "reports" / "2019-06-second.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def messages(fixture_copy: Path, tmp_path: Path) -> list[str]:
    files, diagnostics = build_files(fixture_project(tmp_path / "out", fixture_copy))
    assert files is None
    return [d.format().split(": ", 1)[1] for d in diagnostics.sorted()]


def test_a_javascript_source_url_is_an_error(fixture_copy: Path, tmp_path: Path):
    report_with(fixture_copy, '"https://example.org/report.pdf"', '"javascript:alert(1)"')
    assert messages(fixture_copy, tmp_path) == [
        "error: source url 'javascript:alert(1)' uses the scheme 'javascript:', which is not"
        " allowed (hint: a link may be an http:// or https:// address, a mailto: address or a"
        " path on this site)"
    ]


def test_a_link_to_another_host_spelt_as_a_path_is_an_error(fixture_copy: Path, tmp_path: Path):
    report_with(
        fixture_copy,
        "## Findings\n",
        "## Findings\n\nSee [the other site](/\\evil.example/page).\n",
    )
    assert messages(fixture_copy, tmp_path) == [
        "error: link '/\\evil.example/page' leads to another host but is written with a"
        " backslash (hint: write the full address, such as https://evil.example/)"
    ]


def test_base_path_stays_on_the_sites_own_host():
    assert check_base_path("/").ok and check_base_path("/history/").ok
    assert check_base_path('/a"<b&/').ok  # escaped wherever it is written
    for path in ("//evil.example/", "/\\evil.example/", "/a b/", "/a?x/", "/a#b/"):
        assert not check_base_path(path).ok, path
