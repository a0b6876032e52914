"""A corpus of hostile content: nothing from content reaches a page as script or breaks an output.

Every payload the content model accepts is put where content allows it, all into ONE site, and
every HTML, XML, JSON and CSV file of that site is parsed: no script or event handler that the
templates do not make, no `javascript:`, `data:` or `vbscript:` URL, well-formed XML, valid JSON,
and no CSV cell a spreadsheet would run. Every payload the URL policy refuses is shown, one site
each, to be refused with its `path:line` error.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import html5lib
import pytest
from conftest import FIXTURE, THEME, build_files

from builder.load.load import Project
from builder.urlpolicy import IMAGE_HINT, LINK_HINT

REPORT = "reports/2019-06-second.md"
FINDINGS = "## Findings\n"


def q(text: str) -> str:
    """A YAML double-quoted scalar holding `text` exactly (JSON strings are YAML)."""
    return json.dumps(text)


@dataclass(frozen=True)
class Payload:
    """A hostile value, the edit that puts it into the fixture content, and the text it must show."""

    name: str
    file: str
    old: str
    new: str
    shows: str = ""  # text a reader must see somewhere, proving the payload was built in


ACCEPTED = [
    Payload(
        "script in site title",
        "site.yml",
        "title: Example history",
        "title: " + q('<script>alert("title")</script> history'),
        '<script>alert("title")</script> history',
    ),
    Payload(
        "img onerror in site description",
        "site.yml",
        "description: A small fixture site that uses every feature.",
        "description: " + q("Site <img src=x onerror=alert(1)> description"),
        "<img src=x onerror=alert(1)>",
    ),
    Payload(
        "svg onload and </script> in footer",
        "site.yml",
        "footer: Text from the example reports.",
        "footer: " + q("<svg onload=alert(1)></svg></script><script>alert(2)</script>"),
        "<svg onload=alert(1)></svg></script><script>alert(2)</script>",
    ),
    Payload(
        "script in a kind label",
        "site.yml",
        "focused-visit: Focused visit",
        "focused-visit: " + q("Focused <script>alert(3)</script>"),
        "Focused <script>alert(3)</script>",
    ),
    Payload(
        "attribute breakout in a theme title",
        "themes.yml",
        "title: Supervision",
        "title: " + q('Supervision" onmouseover="alert(4)" x="'),
        'Supervision" onmouseover="alert(4)" x="',
    ),
    Payload(
        "iframe with javascript: in a theme description",
        "themes.yml",
        "description: Supervision of social workers.",
        "description: " + q('<iframe src="javascript:alert(5)"></iframe> supervision'),
        '<iframe src="javascript:alert(5)"></iframe>',
    ),
    Payload(
        "mXSS nesting in a theme description",
        "themes.yml",
        "description: Case records.",
        "description: " + q("<math><mtext><table><mglyph><style><img src=x onerror=alert(6)>"),
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(6)>",
    ),
    Payload(
        "single-quote breakout in a recommendation title",
        "recommendations.yml",
        "title: Regular supervision",
        "title: " + q("Regular ' onmouseover='alert(7)' supervision"),
        "Regular ' onmouseover='alert(7)' supervision",
    ),
    Payload(
        "raw javascript: anchor in a recommendation description",
        "recommendations.yml",
        "description: Records should be clear.",
        "description: " + q('<a href="javascript:alert(8)">clear</a> records'),
        '<a href="javascript:alert(8)">clear</a>',
    ),
    Payload(
        "quote breakout in a link's address",
        "recommendations.yml",
        "description: Every privately fostered child should be identified.",
        "description: " + q('See [the guide](https://example.org/"onmouseover="alert(9)).'),
        "the guide",
    ),
    Payload(
        "</title> and script in a report title",
        REPORT,
        "title: Inspection of children's services",
        "title: " + q("Inspection </title><script>alert(10)</script> of services"),
        "Inspection </title><script>alert(10)</script> of services",
    ),
    Payload(
        "style with javascript: url in a summary",
        REPORT,
        "publisher: Ofsted",
        "publisher: Ofsted\nsummary: "
        + q("<style>body{background:url(javascript:alert(11))}</style> summary"),
        "<style>body{background:url(javascript:alert(11))}</style>",
    ),
    Payload(
        "attribute breakout in a source title",
        REPORT,
        "title: Inspection report,",
        "title: " + q('Report" onclick="alert(12)') + ",",
        'Report" onclick="alert(12)',
    ),
    Payload(
        "CDATA in a licence name",
        REPORT,
        "name: Open Government Licence v3.0,",
        "name: " + q("<![CDATA[<script>alert(13)</script>]]> OGL") + ",",
        "<![CDATA[<script>alert(13)</script>]]> OGL",
    ),
    Payload(
        "</script> in an author name",
        REPORT,
        "name: Jo Example,",
        "name: " + q("Jo </script><script>alert(14)</script>") + ",",
        "Jo </script><script>alert(14)</script>",
    ),
    Payload(
        "attribute breakout in a date note (a title attribute)",
        REPORT,
        "note: The report carries no dates; the inspection took place in June 2019.",
        "note: " + q('June 2019" onfocus="alert(15)" autofocus="'),
        "",
    ),
    Payload(
        "event handler in a judgement area",
        REPORT,
        "area: Leadership,",
        "area: " + q("<b onmouseover=alert(16)>Leadership</b>") + ",",
        "<b onmouseover=alert(16)>Leadership</b>",
    ),
    Payload(
        "img onerror in an annotation note",
        REPORT,
        "note: The 2015 report is not in the collection.",
        "note: " + q("Not in the collection <img src=x onerror=alert(17)>"),
        "<img src=x onerror=alert(17)>",
    ),
    Payload(
        "script in a judgement note",
        "events.yml",
        "grade: requires-improvement, series: overall-effectiveness}",
        "grade: requires-improvement, series: overall-effectiveness, note: "
        + q('"/><script>alert(18)</script>')
        + "}",
        '"/><script>alert(18)</script>',
    ),
    Payload(
        "script in an event title (chart and timeline)",
        "events.yml",
        "title: Inspection of services",
        "title: " + q("Inspection <script>alert(19)</script>"),
        "Inspection <script>alert(19)</script>",
    ),
    Payload(
        "javascript: autolink in an event note",
        "events.yml",
        "  kind: inspection-report",
        "  kind: inspection-report\n  note: " + q("See <javascript:alert(20)> and <x onclick=y>"),
        "<javascript:alert(20)>",
    ),
    Payload(
        "grade label with img onerror (SVG chart)",
        "frameworks.yml",
        "label: Requires improvement to be good",
        "label: " + q("Requires <img src=x onerror=alert(21)> improvement"),
        "Requires <img src=x onerror=alert(21)> improvement",
    ),
    Payload(
        "framework title with SVG breakout (chart legend)",
        "frameworks.yml",
        "title: New framework",
        "title: " + q("New </text><script>alert(22)</script> framework"),
        "New </text><script>alert(22)</script> framework",
    ),
    Payload(
        "raw script block in a report body",
        REPORT,
        FINDINGS,
        FINDINGS + "\n<script>alert(23)</script>\n",
        "<script>alert(23)</script>",
    ),
    Payload(
        "inline img onerror in a report body",
        REPORT,
        FINDINGS,
        FINDINGS + "\nA picture <img src=x onerror=alert(24)> here.\n",
        "<img src=x onerror=alert(24)>",
    ),
    Payload(
        "SVG with script in a report body",
        REPORT,
        FINDINGS,
        FINDINGS + "\n<svg><script>alert(25)</script></svg>\n",
        "<svg><script>alert(25)</script></svg>",
    ),
    Payload(
        "link title attribute breakout in a body",
        REPORT,
        FINDINGS,
        FINDINGS + '\nSee [the index](/reports/ "a\\" onmouseover=\\"alert(26)").\n',
        "the index",
    ),
    Payload(
        "entity-written script in a body",
        REPORT,
        FINDINGS,
        FINDINGS + "\nEntities &lt;script&gt;alert(27)&lt;/script&gt; stay text.\n",
        "<script>alert(27)</script>",
    ),
    Payload(
        "Jinja syntax in a note is text, never run",
        "themes.yml",
        "description: Children living with people who are not their parents.",
        "description: " + q("{{ cycler.__init__.__globals__ }} {% raw %} 7*7={{ 7*7 }}"),
        "{{ cycler.__init__.__globals__ }} {% raw %} 7*7={{ 7*7 }}",
    ),
    Payload(
        "bidi override and zero-width space in a theme title",
        "themes.yml",
        "title: Records",
        "title: " + q("Rec\u202eords\u200b exe.txt"),
        "Rec\u202eords\u200b exe.txt",
    ),
    Payload(
        "CSV formula in a publisher",
        "reports/2022-01-visit.md",
        "publisher: Ofsted",
        "publisher: " + q('=HYPERLINK("https://evil.example","click")'),
        '=HYPERLINK("https://evil.example","click")',
    ),
    Payload(
        "CSV formula in a judgement area",
        "reports/2013-07-first.md",
        "area: Quality of practice,",
        "area: " + q("+cmd|' /C calc'!A0") + ",",
        "+cmd|' /C calc'!A0",
    ),
    Payload(
        "CSV formula in a quote",
        "reports/2022-01-visit.md",
        "  - quote: gaps in the frequency of supervision",
        "  - quote: " + q("@SUM(1+9)*cmd") + "\n    themes: [records]\n"
        "  - quote: gaps in the frequency of supervision",
        "@SUM(1+9)*cmd",
    ),
    Payload(
        "the quoted formula in the body",
        "reports/2022-01-visit.md",
        "## Main findings\n",
        "## Main findings\n\nA cell read @SUM(1+9)*cmd in the spreadsheet.\n",
        "@SUM(1+9)*cmd",
    ),
    Payload(
        "CSV formula with a minus in a report title",
        "reports/2013-07-first.md",
        "title: Inspection of arrangements for the protection of children",
        "title: " + q("-2+3+cmd|' /C notepad'!A0 and ]]> in a title"),
        "-2+3+cmd|' /C notepad'!A0 and ]]> in a title",
    ),
]


def apply(content: Path, payloads: list[Payload]) -> None:
    for p in payloads:
        path = content / p.file
        text = path.read_text(encoding="utf-8")
        assert p.old in text, f"{p.name}: {p.old!r} not in {p.file}"
        path.write_text(text.replace(p.old, p.new, 1), encoding="utf-8")


def copy_fixture(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", content)
    return content


def build(content: Path, tmp_path: Path):
    return build_files(Project(content, THEME / "templates", THEME / "assets", tmp_path / "out"))


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, bytes]:
    tmp_path = tmp_path_factory.mktemp("hostile")
    content = copy_fixture(tmp_path)
    apply(content, ACCEPTED)
    files, diagnostics = build(content, tmp_path)
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def test_the_corpus_is_large_enough():
    assert len(ACCEPTED) + len(REFUSED) >= 30
    assert len(ACCEPTED) >= 30


URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "srcset",
    "xlink:href",
    "cite",
    "longdesc",
    "manifest",
    "ping",
}
BAD_SCHEME = re.compile(r"^(javascript|data|vbscript):")


def _url_is_bad(value: str) -> bool:
    # As a browser reads it: control characters and spaces around it and tabs or line breaks
    # inside it ignored, case folded.
    seen = re.sub(r"[\t\n\r]", "", value.strip("".join(chr(c) for c in range(0x21)))).lower()
    return bool(BAD_SCHEME.match(seen))


def _elements(blob: bytes):
    document = html5lib.parse(blob, namespaceHTMLElements=False)
    return list(document.iter())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def page_problems(page: bytes, baseline: bytes) -> list[str]:
    """Scripts, active elements, event handlers and script URLs in `page` not in `baseline`."""
    elements, before = _elements(page), _elements(baseline)
    problems = []
    for tag in ("script", "iframe", "object", "embed", "style", "math", "form", "base", "meta"):
        made = sum(1 for e in elements if _local(e.tag) == tag)
        expected = sum(1 for e in before if _local(e.tag) == tag)
        if made != expected:
            problems.append(f"{made - expected} <{tag}> element(s) from content")
    for element in elements:
        for attribute, value in element.attrib.items():
            local = _local(attribute)
            if local.lower().startswith("on"):
                problems.append(f"event handler {local}={value!r}")
            if (local in URL_ATTRIBUTES or attribute in URL_ATTRIBUTES) and _url_is_bad(value):
                problems.append(f"script URL {local}={value!r}")
    return problems


def test_the_page_check_finds_what_it_looks_for():
    bad = (
        b'<!DOCTYPE html><p><a href=" JaVa&#x09;script:alert(1)">x</a>'
        b"<img src=x onerror=alert(1)><script>alert(1)</script>"
        b'<svg><a xlink:href="data:text/html,x"><text>y</text></a></svg>'
    )
    assert page_problems(bad, b"<!DOCTYPE html><p>") == [
        "1 <script> element(s) from content",
        "script URL href=' JaVa\\tscript:alert(1)'",
        "event handler onerror='alert(1)'",
        "script URL href='data:text/html,x'",
    ]


def test_no_script_handler_or_script_url_in_any_page(hostile_files, fixture_files):
    pages = [n for n in hostile_files if n.endswith(".html")]
    assert len(pages) > 10
    for name in pages:
        assert page_problems(hostile_files[name], fixture_files[name]) == [], name


def test_every_payload_is_shown_as_text(hostile_files):
    text = []
    for name, blob in hostile_files.items():
        if name.endswith(".html"):
            for element in _elements(blob):
                text.append(element.text or "")
                text.append(element.tail or "")
                text.extend(element.attrib.values())
    shown = "\n".join(text)
    missing = [p.name for p in ACCEPTED if p.shows and p.shows not in shown]
    assert missing == []


def test_xml_is_well_formed_and_keeps_the_payloads_as_text(hostile_files):
    feed = ET.fromstring(hostile_files["feed.xml"])
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.findtext(f"{atom}title") == '<script>alert("title")</script> history'
    titles = [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")]
    assert "Inspection </title><script>alert(10)</script> of services (26 July 2019)" in titles
    assert any(t.startswith("-2+3+cmd|' /C notepad'!A0 and ]]> in a title") for t in titles)
    assert [e for e in feed.iter() if _local(e.tag) == "script"] == []
    # A summary is HTML escaped once for XML (type="html"): what a feed reader renders is safe.
    for summary in feed.iter(f"{atom}summary"):
        assert summary.get("type") == "html"
        assert page_problems(summary.text.encode(), b"") == []
    summaries = [s.text for s in feed.iter(f"{atom}summary")]
    assert any("&lt;style&gt;body{background:url(javascript:alert(11))}" in s for s in summaries)
    sitemap = ET.fromstring(hostile_files["sitemap.xml"])
    assert len(list(sitemap)) > 10


def test_json_is_valid(hostile_files):
    names = [n for n in hostile_files if n.endswith((".json", ".jsonld"))]
    assert names
    for name in names:
        json.loads(hostile_files[name])
    reports = json.loads(hostile_files["data/reports.json"])
    assert "Inspection </title><script>alert(10)</script> of services" in [
        r["title"] for r in reports
    ]


def test_no_csv_cell_runs_as_a_formula(hostile_files):
    names = [n for n in hostile_files if n.endswith(".csv")]
    assert names
    cells = []
    for name in names:
        for row in csv.reader(io.StringIO(hostile_files[name].decode("utf-8-sig"))):
            cells += row
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    # The payloads are there, neutralised.
    for formula in (
        '=HYPERLINK("https://evil.example","click")',
        "+cmd|' /C calc'!A0",
        "@SUM(1+9)*cmd",
        "-2+3+cmd|' /C notepad'!A0 and ]]> in a title",
    ):
        assert "'" + formula in cells, formula


def test_the_robots_file_has_its_three_lines(hostile_files):
    assert hostile_files["robots.txt"].decode().splitlines()[:2] == ["User-agent: *", "Allow: /"]
    assert hostile_files["robots.txt"].count(b"\n") == 3


# Payloads the URL policy refuses: each built on its own, each must be one path:line error.

SCHEME = "uses the scheme '{}:', which is not allowed (hint: " + LINK_HINT + ")"
IMAGE_SCHEME = "uses the scheme '{}:', which is not allowed (hint: " + IMAGE_HINT + ")"
INVISIBLE = (
    "contains a space, a line break or an invisible character"
    " (hint: remove it; a space inside an address is written %20)"
)


@dataclass(frozen=True)
class Refused:
    name: str
    payload: Payload
    needle: str  # text on the line the error must point at
    message: str


def _refused(name, file, old, new, needle, message) -> Refused:
    return Refused(name, Payload(name, file, old, new), needle, message)


SOURCE_URL = 'url: "https://example.org/report.pdf"'
LICENCE_URL = 'url: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"'

REFUSED = [
    _refused(
        "javascript: source url",
        REPORT,
        SOURCE_URL,
        'url: "javascript:alert(1)"',
        "javascript:alert(1)",
        "source url 'javascript:alert(1)' " + SCHEME.format("javascript"),
    ),
    _refused(
        "mixed-case licence url",
        REPORT,
        LICENCE_URL,
        'url: "JaVaScRiPt:alert(1)"',
        "JaVaScRiPt",
        "licence url 'JaVaScRiPt:alert(1)' " + SCHEME.format("javascript"),
    ),
    _refused(
        "entity-written source url",
        REPORT,
        SOURCE_URL,
        'url: "&#106;avascript:alert(1)"',
        "&#106;",
        "source url '&#106;avascript:alert(1)' " + SCHEME.format("javascript"),
    ),
    _refused(
        "tab inside the scheme of a source url",
        REPORT,
        SOURCE_URL,
        'url: "java\\tscript:alert(1)"',
        "java\\tscript",
        "source url 'java\\x09script:alert(1)' " + INVISIBLE,
    ),
    _refused(
        "data: licence url",
        REPORT,
        LICENCE_URL,
        'url: "data:text/html,<script>alert(1)</script>"',
        "data:text",
        "licence url 'data:text/html,<script>alert(1)</script>' " + SCHEME.format("data"),
    ),
    _refused(
        "line break in the site url (robots.txt injection)",
        "site.yml",
        "url: https://history.example.org/",
        'url: "https://history.example.org/\\nDisallow: /"',
        "Disallow",
        "'url' must be one line of text",
    ),
    _refused(
        "javascript: site url",
        "site.yml",
        "url: https://history.example.org/",
        'url: "javascript:alert(1)//"',
        "javascript",
        "site url 'javascript:alert(1)//' " + SCHEME.format("javascript"),
    ),
    _refused(
        "javascript: link in a body",
        REPORT,
        FINDINGS,
        FINDINGS + "\nSee [this](javascript:alert(1)).\n",
        "[this]",
        "link 'javascript:alert(1)' " + SCHEME.format("javascript"),
    ),
    _refused(
        "data: image in a body",
        REPORT,
        FINDINGS,
        FINDINGS + "\n![chart](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)\n",
        "![chart]",
        "image 'data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+' "
        + IMAGE_SCHEME.format("data"),
    ),
    _refused(
        "javascript: image in a body",
        REPORT,
        FINDINGS,
        FINDINGS + "\n![x](javascript:alert(1))\n",
        "![x]",
        "image 'javascript:alert(1)' " + IMAGE_SCHEME.format("javascript"),
    ),
    _refused(
        "vbscript: reference link in a body",
        REPORT,
        FINDINGS,
        FINDINGS + "\nThe [annex][a].\n\n[a]: vbscript:msgbox(1)\n",
        "[a]: vbscript",
        "link 'vbscript:msgbox(1)' " + SCHEME.format("vbscript"),
    ),
    _refused(
        "another host spelt /\\host",
        REPORT,
        FINDINGS,
        FINDINGS + "\nSee [there](/\\evil.example/x).\n",
        "[there]",
        "link '/\\evil.example/x' leads to another host but is written with a backslash"
        " (hint: write the full address, such as https://evil.example/)",
    ),
    _refused(
        "entity-obfuscated link in a note",
        REPORT,
        "note: The 2015 report is not in the collection.",
        "note: See [the letter](java&#x09;script:alert(1)).",
        "[the letter]",
        "link 'java&#x09;script:alert(1)' " + INVISIBLE,
    ),
    _refused(
        "file: link in a theme description",
        "themes.yml",
        "description: Case records.",
        "description: See [it](file:///etc/passwd).",
        "file:///",
        "link 'file:///etc/passwd' " + SCHEME.format("file"),
    ),
    _refused(
        "angle-bracketed javascript: in a recommendation",
        "recommendations.yml",
        "description: Records should be clear.",
        "description: See [it](<JAVASCRIPT:alert(1)>).",
        "JAVASCRIPT",
        "link 'JAVASCRIPT:alert(1)' " + SCHEME.format("javascript"),
    ),
    _refused(
        "hex-entity javascript: in the footer",
        "site.yml",
        "footer: Text from the example reports.",
        "footer: See [it](&#x6A;avascript:alert(1)).",
        "&#x6A;",
        "link '&#x6A;avascript:alert(1)' " + SCHEME.format("javascript"),
    ),
    _refused(
        "https: without // in an event note",
        "events.yml",
        "  kind: inspection-report",
        "  kind: inspection-report\n  note: A [copy](https:evil.example/copy).",
        "https:evil",
        "link 'https:evil.example/copy' has no '//' after 'https:', so browsers disagree"
        " on where it leads (hint: write https://evil.example)",
    ),
    _refused(
        "unclosed IPv6 bracket in a link (once a traceback)",
        REPORT,
        FINDINGS,
        FINDINGS + "\nSee [it](https://[evil.example/x).\n",
        "[it]",
        "link 'https://[evil.example/x' is not a valid address (an unclosed '[') (hint: "
        + LINK_HINT
        + ")",
    ),
    _refused(
        "percent-encoded javascript: in a summary",
        REPORT,
        "publisher: Ofsted",
        "publisher: Ofsted\nsummary: See [it](%6Aavascript:alert(1)).",
        "%6A",
        "link '%6Aavascript:alert(1)' " + SCHEME.format("javascript"),
    ),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_refused_payloads_are_path_line_errors(case: Refused, tmp_path: Path):
    content = copy_fixture(tmp_path)
    apply(content, [case.payload])
    path = content / case.payload.file
    text = path.read_text(encoding="utf-8")
    line = text[: text.index(case.needle)].count("\n") + 1
    files, diagnostics = build(content, tmp_path)
    assert files is None
    assert [d.format() for d in diagnostics.sorted()] == [
        f"{path.as_posix()}:{line}: error: {case.message}"
    ]


def test_no_payload_runs_in_a_browser(hostile_files, browser, tmp_path: Path):
    """Every page of the hostile site opened in Chromium: not one dialog, not one script error."""
    from conftest import serve_folder

    for name, blob in hostile_files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
    dialogs: list[str] = []
    errors: list[str] = []
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    pages = sorted(n for n in hostile_files if n.endswith(".html"))
    with serve_folder(tmp_path) as url:
        for name in pages:
            page.goto(f"{url}/{name}", wait_until="load")
    context.close()
    assert (dialogs, errors) == ([], [])
