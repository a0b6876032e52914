"""The annotated report reads right: notes with their passages, a way through, WCAG 2.2 AA, citable.

The browser tests run over every page a build writes (found from its sitemap), on the fixture site
and on the bundled site, reusing one browser page per width.
"""

from __future__ import annotations

import csv
import io
import json
import re
from itertools import pairwise

import pytest
from reading_checks import (
    TEXT_SPACING,
    axe_result,
    axe_script,
    blank_text_column,
    contrast,
    contrast_everywhere,
    focus_changes,
    focus_rows,
    note_placement,
    overflow,
    run_axe,
    site_pages,
    split_words,
    start_axe,
    tabs_before,
)

from builder.diagnostics import Diagnostics
from builder.parse.parse import parse_settings
from builder.views.dictionary import DICTIONARY

SITES = ["fixture_site_url", "real_site_url", "national_site_url"]


def text(files: dict[str, bytes], name: str) -> str:
    return files[name].decode("utf-8")


# ---- What the builder writes -------------------------------------------------------------------


def test_report_headings_sit_under_the_page_heading_and_fill_the_contents(fixture_files):
    html = text(fixture_files, "reports/2013-07-first/index.html")
    body = html[html.index('class="report-body"') :]
    assert '<h3 id="overall-effectiveness">' in body and '<h4 id="records-in-detail">' in body
    assert "<h2" not in body.split("</section>")[0]
    contents = html[html.index('<nav class="report-contents"') : html.index("</nav>\n</div>")]
    assert re.findall(r'href="#([^"]+)"', contents) == [
        "overall-effectiveness",
        "records",
        "records-in-detail",
        "report-judgements",
        "report-recommendations",
        "report-tracked",
        "cite",
    ]
    assert '<li><a href="#records">Records</a><ol>' in contents  # nested under its section
    assert '<a class="skip-link" href="#report-text">Skip to the report text</a>' in html


def test_notes_of_one_block_form_one_group_after_it(fixture_files):
    html = text(fixture_files, "reports/2013-07-first/index.html")
    assert '<p id="p2" aria-details="notes-p2">' in html  # for notes on the whole paragraph
    group = re.search(r'</p>\n<div class="notes[^"]*" id="notes-p2">(.*?)\n</div>', html, re.S)
    assert group is not None
    assert re.findall(r'id="(aside-[^"]+)"', group.group(1)) == [  # as their passages are read
        "aside-note-p2",
        "aside-note-judged-to-be",
        "aside-note-supervision-is-regular",
    ]
    # A note in a list item or a table cell stays inside it, after its words; a list item's
    # words are wrapped so that a wide screen can set its notes beside them.
    assert re.search(
        r'<li id="improve-private[^>]*><div class="item-text"><mark[^¶]*¶</a></div>'
        r'<div class="notes notes-inline" id="notes-improve-private',
        html,
    )
    assert re.search(r'in one system<div class="notes notes-inline" id="notes-area-case', html)


def test_every_highlight_points_to_a_note_with_a_unique_name(fixture_files, real_files):
    for files in (fixture_files, real_files):
        for name in [n for n in files if re.fullmatch(r"reports/[^/]+/index\.html", n)]:
            html = text(files, name)
            ids = set(re.findall(r' id="([^"]+)"', html))
            details = re.findall(
                r'data-annotation="(?!mention-)[^"]+" aria-details="([^"]+)"', html
            )
            assert details and set(details) <= ids, name
            marks = re.findall(r'data-annotation="((?!mention-)[^"]+)"(?! aria-details)', html)
            assert marks == [], (name, marks)
            labels = re.findall(r'role="note" aria-label="([^"]+)"', html)
            assert len(labels) == len(set(labels)), name
            assert "<aside" not in html or "<aside class=" in html
            assert not re.search(r"<aside(?![^>]*role=\"note\")", html), name  # no landmarks
            assert "<th></th>" not in html, name


def test_a_table_without_column_headings_has_row_headings(fixture_files):
    """Written with an empty header row: no empty heading row, each row named by its first cell."""
    html = text(fixture_files, "reports/2019-06-second/index.html")
    table = re.search(r"<table[^>]*>.*?</table>", html[html.index("The grades used") :], re.S)
    assert table is not None
    assert "<thead>" not in table.group(0)
    assert re.findall(r'<th scope="row">([^<]+)</th>', table.group(0)) == ["Good", "Inadequate"]


def test_theme_tags_are_shown_once_for_a_list_item(fixture_files):
    html = text(fixture_files, "reports/2013-07-first/index.html")
    item = re.search(r'<li id="improve-private-fostering.*?</li>\n</ul>', html, re.S).group(0)
    assert item.count(">Private fostering</a>") == 1
    # The tags-only annotation points to the group that shows its theme.
    assert (
        'data-annotation="note-so-that-all-children-are" aria-details="notes-improve-private-fostering'
        in item
    )


def test_report_page_is_citable(fixture_files):
    html = text(fixture_files, "reports/2013-07-first/index.html")
    for tag in (
        '<meta name="citation_title" content="Inspection of arrangements for the protection of children">',
        '<meta name="citation_author" content="Ofsted,">',
        '<meta name="citation_technical_report_institution" content="Ofsted">',
        '<meta name="citation_publication_date" content="2013">',
        '<meta name="citation_publisher" content="Ofsted">',
        '<meta name="citation_public_url" content="https://history.example.org/reports/2013-07-first/">',
        '<meta name="citation_pdf_url" content="https://example.org/first.pdf">',
        '<p class="print-only page-address">This page: https://history.example.org/reports/2013-07-first/</p>',
    ):
        assert tag in html
    cite = html[html.index('<section aria-labelledby="cite"') :]
    assert (
        "Ofsted (2013). <cite>Inspection of arrangements for the protection of children</cite>"
        in cite
    )
    assert "Ofsted (2013), paragraph 2. <cite>" in cite
    assert 'Original document: <a href="https://example.org/first.pdf">' in cite
    other = text(fixture_files, "reports/2019-06-second/index.html")  # only where it is published
    assert "citation_pdf_url" not in other
    assert 'Original document: <a href="https://example.org/report.pdf">where the original' in other
    unknown = text(fixture_files, "reports/2022-01-visit/index.html")
    assert "Original document: address of the original not known." in unknown


def test_short_titles_where_space_is_tight(fixture_files):
    theme = text(fixture_files, "themes/supervision/index.html")
    assert (
        '<span class="title-long">Inspection of arrangements for the protection of children</span><span class="title-short">First inspection</span>'
        in theme
    )
    nxt = text(fixture_files, "reports/2019-06-second/index.html")
    assert "← Previous: First inspection (2013)" in nxt
    strip = text(fixture_files, "recommendations/supervision/index.html")
    assert '2013<span class="visually-hidden">: First inspection</span></a>' in strip


def test_public_sector_basics(fixture_files):
    statement = text(fixture_files, "accessibility/index.html")
    for words in (
        "Web Content Accessibility Guidelines (WCAG) version 2.2</a> at level AA",
        "axe-core",
        "320 CSS pixels",
        "Known limits",
        '<a href="mailto:editors@example.org">editors@example.org</a>',
        "Enforcement procedure",
    ):
        assert words in statement
    assert "https://history.example.org/accessibility/" in text(fixture_files, "sitemap.xml")
    for name in ("index.html", "about/index.html", "accessibility/index.html"):
        page = text(fixture_files, name)
        assert '<a href="/accessibility/">Accessibility</a>' in page
        assert '<a href="mailto:corrections@example.org">' in page
        # No `updated:` in the fixture's settings: the latest document's date, never the clock.
        assert 'Last updated: <time datetime="2022-02-28">28 February 2022</time>' in page


def test_accessibility_statement_says_what_the_tests_prove_and_whom_to_tell(fixture_files):
    statement = text(fixture_files, "accessibility/index.html")
    assert "there is none" not in statement
    assert "Only two things use it: search" in statement
    assert "the search page with results included" in statement
    assert '<a href="https://example.org/accessibility-problem">tell the editors</a>' in statement


def test_contact_addresses_are_checked():
    """An accessibility contact is an address: absolute, and through the URL policy."""
    diagnostics = Diagnostics()
    parse_settings(
        "title: T\norganisation: O\nkinds: {a: A}\n"
        "contact: {email: e@example.org, accessibility: 'call us'}\n",
        "site.yml",
        diagnostics,
    )
    parse_settings(
        "title: T\norganisation: O\nkinds: {a: A}\n"
        "contact: {email: e@example.org, accessibility: '/contact/'}\n",
        "site.yml",
        diagnostics,
    )
    parse_settings(
        "title: T\norganisation: O\nkinds: {a: A}\n"
        "contact: {email: e@example.org, accessibility: 'javascript:alert(1)'}\n",
        "site.yml",
        diagnostics,
    )
    messages = [d.format() for d in diagnostics.sorted()]
    assert messages == [
        "site.yml:4: error: 'accessibility' must be an address starting with mailto:, http:// "
        "or https://, not '/contact/'",
        "site.yml:4: error: accessibility contact 'call us' contains a space, a line break or an "
        "invisible character (hint: remove it; a space inside an address is written %20)",
        "site.yml:4: error: accessibility contact 'javascript:alert(1)' uses the scheme "
        "'javascript:', which is not allowed (hint: a link may be an http:// or https:// "
        "address, a mailto: address or a path on this site)",
    ]


def test_last_updated_from_settings():
    settings = parse_settings(
        "title: T\norganisation: O\nupdated: 2024-03-01\nkinds: {a: A}\n"
        "contact: {email: e@example.org}\n",
        "site.yml",
        Diagnostics(),
    )
    assert settings.updated is not None and settings.updated.iso == "2024-03-01"
    assert settings.contact.email == "e@example.org"


def test_themes_index_describes_each_theme(fixture_files):
    html = text(fixture_files, "themes/index.html")
    assert (
        '<h2 id="theme-supervision"><a href="/themes/supervision/">Supervision</a></h2>\n'
        '    <p class="theme-description">Supervision of social workers.</p>\n'
        '    <p class="meta">4 passages in 3 reports, 2013–2022</p>' in html
    )
    # A to Z, whatever order themes.yml gives (it lists supervision first).
    titles = re.findall(r'<h2 id="theme-[^"]+"><a href="[^"]+">([^<]+)</a>', html)
    assert titles == ["Private fostering", "Records", "Supervision"]


def test_data_dictionary_covers_every_file_and_column_in_order(fixture_files):
    html = text(fixture_files, "data/index.html")
    written = [n[5:] for n in fixture_files if n.startswith("data/") and n != "data/index.html"]
    listed = re.findall(r'<li><a href="/data/([^"]+)">', html)
    assert listed == [n for n in DICTIONARY if n in written] and sorted(listed) == sorted(written)
    assert listed.index("annotations.json") < listed.index("annotations.csv")
    assert 'href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in html
    for name in listed:
        documented = {key for key, _ in DICTIONARY[name][1]}
        blob = fixture_files[f"data/{name}"].decode("utf-8-sig")
        if name.endswith(".csv"):
            keys = set(next(csv.reader(io.StringIO(blob))))
        elif name.endswith(".jsonld"):
            collection = json.loads(blob)
            items = collection["first"]["items"]
            keys = {*collection, *(f"first.items[].{k}" for k in items[0])} - {"first.items[].type"}
        else:
            keys = set(json.loads(blob)[0])
        assert keys <= documented, (name, keys - documented)
        if name.endswith(".csv"):
            assert keys == documented, (name, documented - keys)
        for key in documented:
            assert f"<code>{key}</code>" in html.replace("<wbr>", "")


def test_csv_files_open_in_a_spreadsheet(fixture_files):
    """A byte order mark, titles beside ids, dates with their precision, true and false."""
    for name in [n for n in fixture_files if n.startswith("data/") and n.endswith(".csv")]:
        assert fixture_files[name].startswith("\ufeff".encode()), name
        assert b",True," not in fixture_files[name] and b",False," not in fixture_files[name]

    def rows(name: str) -> list[dict]:
        return list(csv.DictReader(io.StringIO(fixture_files[f"data/{name}"].decode("utf-8-sig"))))

    reports = {r["id"]: r for r in rows("reports.csv")}
    assert reports["2013-07-first"]["published"] == "2013"
    assert reports["2013-07-first"]["published_precision"] == "year"
    assert reports["2019-06-second"]["published_precision"] == "day"
    assert reports["2019-06-second"]["inspected_precision"] == "month"
    judgement = rows("judgements.csv")[0]
    assert judgement["item_title"] and judgement["in_collection"] in ("true", "false")
    recs = rows("recommendations.csv")
    supervision = [r for r in recs if r["recommendation"] == "supervision"][0]
    assert supervision["title"] == "Regular supervision"
    assert supervision["open"] in ("true", "false")
    assert supervision["report_title"] and "first_raised" in supervision
    notes = {r["id"]: r for r in rows("annotations.csv")}
    assert notes["2013-07-first#note-supervision-is-regular"]["note"] == "Supervision was praised."
    assert notes["2013-07-first#note-supervision-is-regular"]["report_title"].startswith(
        "Inspection of arrangements"
    )
    records = json.loads(fixture_files["data/annotations.json"])
    assert {r["id"]: r for r in records}["2013-07-first#note-supervision-is-regular"]["note"] == (
        "Supervision was praised."
    )
    items = json.loads(fixture_files["data/annotations.jsonld"])["first"]["items"]
    praised = [i for i in items if i["id"].endswith("#note-supervision-is-regular")][0]
    assert praised["body"][0] == {
        "type": "TextualBody",
        "purpose": "commenting",
        "value": "Supervision was praised.",
        "format": "text/plain",
    }
    dictionary = rows("dictionary.csv")
    assert {"file": "recommendations.csv", "key": "open"} in [
        {"file": d["file"], "key": d["key"]} for d in dictionary
    ]
    assert {d["file"] for d in dictionary} == set(DICTIONARY)


# ---- In the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def contexts(browser):
    """One page per width, with axe-core loaded into every document it opens."""
    script = axe_script()
    made = {}
    for width, height in ((1280, 800), (375, 667), (320, 640)):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_init_script(script)
        made[width] = context.new_page()
    yield made
    for page in made.values():
        page.context.close()


@pytest.mark.parametrize("site", SITES)
def test_every_page_passes_axe_and_computed_contrast(request, contexts, site):
    """axe-core at 1280 and 375 px; what it leaves for review, checked by computed colours.

    On a phone axe's colour rule (the slow one) gives way to computed contrast of every text.
    """
    base = request.getfixturevalue(site)
    problems = []
    for path in site_pages(base):
        # Both widths at once, each page in a renderer process of its own.
        for width in (1280, 375):
            contexts[width].goto(base + path)
            start_axe(contexts[width], colour=width == 1280)
        for width in (1280, 375):
            page = contexts[width]
            result = axe_result(page)
            for v in result["violations"]:
                problems.append(f"{path} at {width}px: {v['id']} ({v['help']}): {v['nodes'][:3]}")
            computed = (
                contrast(page, result["incomplete"]) if width == 1280 else contrast_everywhere(page)
            )
            for c in computed:
                if c["ratio"] < c["needed"]:
                    problems.append(f"{path} at {width}px: contrast {c}")
    assert problems == []


@pytest.mark.parametrize(
    "site, path",
    [
        ("national_site_url", "/organisations/overview/"),
        ("national_site_url", "/organisations/alpha/"),
        ("national_site_url", "/themes/supervision/"),
        ("fixture_site_url", "/timeline/"),
    ],
)
def test_wide_tables_on_a_phone_scroll_by_keyboard_under_a_caption_in_view(
    request, contexts, site, path
):
    """A table wider than the screen (each chart's figures, opened from its `details`; a theme's
    organisations) scrolls in a box the keyboard can reach, and its caption wraps in view."""
    page = contexts[375]
    page.goto(request.getfixturevalue(site) + path)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    violations = run_axe(page, colour=False)["violations"]
    assert [(v["id"], v["nodes"][:2]) for v in violations] == []
    assert overflow(page) == 0
    captions = page.evaluate(
        "() => [...document.querySelectorAll('table caption:not(.visually-hidden)')]"
        " .map(c => [c.textContent.slice(0, 40), c.getBoundingClientRect().right])"
    )
    assert captions
    assert [text for text, right in captions if right > 375] == []


def test_focus_highlight_contrasts_with_every_background(contexts, fixture_site_url):
    """The focus style's dark bar is 3:1 or more against each background a link sits on."""
    page = contexts[1280]
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    samples = [
        ".site-header a",
        ".report-contents a",
        ".report-body a.pnum",
        ".note a",
        ".note-recommendation a",
        ".tags a",
        ".tags-inline a",
        ".site-footer a",
    ]
    for selector in samples:
        page.focus(selector)
        shown = page.evaluate(
            """s => { const el = document.querySelector(s), st = getComputedStyle(el);
                      return {bg: st.backgroundColor, shadow: st.boxShadow, color: st.color}; }""",
            selector,
        )
        assert shown["bg"] == "rgb(255, 221, 0)", selector
        assert "rgb(11, 12, 12)" in shown["shadow"], selector
        # Text on the fill, and the fill's dark bar against what is around the link.
        assert contrast(page, [selector])[0]["ratio"] >= 4.5, selector
        around = page.evaluate(
            """s => { let e = document.querySelector(s).parentElement;
                      while (e && getComputedStyle(e).backgroundColor === 'rgba(0, 0, 0, 0)')
                        e = e.parentElement;
                      return e ? getComputedStyle(e).backgroundColor : 'rgb(255, 255, 255)'; }""",
            selector,
        )
        assert _ratio(around, "rgb(11, 12, 12)") >= 3, (selector, around)


def test_focus_shows_on_every_control_of_every_page_type(contexts, fixture_site_url):
    """Focus every focusable element of every page (and of the search page with results): each
    must look different when focused, and a focus outline is 3:1 or more against what is around."""
    page = contexts[1280]
    paths = ["/search/?q=supervision"] + site_pages(fixture_site_url)
    problems, seen = [], 0
    for path in paths:
        page.goto(fixture_site_url + path)
        if "?q=" in path:
            page.wait_for_selector("body[data-search-ready] .search-hit a")
        for c in focus_changes(page):
            seen += 1
            if not c["focused"] or not c["changed"]:
                problems.append(f"{path}: {c['what']}")
            elif c["outline"] and _ratio(c["outline"], c["around"]) < 3:
                problems.append(f"{path}: outline {c['outline']} on {c['around']}: {c['what']}")
    assert seen > 200
    assert not problems, "\n".join(problems)


def _ratio(a: str, b: str) -> float:
    def lum(c: str) -> float:
        r, g, bl = (int(x) / 255 for x in re.findall(r"\d+", c)[:3])
        f = lambda v: v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4  # noqa: E731
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(bl)

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("site", SITES)
def test_no_page_scrolls_sideways_at_320px_even_with_text_spacing(request, contexts, site):
    base = request.getfixturevalue(site)
    page = contexts[320]
    wide = []
    for path in site_pages(base):
        page.goto(base + path)
        if overflow(page) > 0:
            wide.append(path)
        page.add_style_tag(content=TEXT_SPACING)
        if overflow(page) > 0:
            wide.append(f"{path} with text spacing")
    assert wide == []


@pytest.mark.parametrize("site", SITES)
def test_each_note_sits_with_its_passage(request, contexts, site):
    """Beside it on a wide screen (its top within the passage's box), directly under it on a phone."""
    base = request.getfixturevalue(site)
    reports = [p for p in site_pages(base) if re.fullmatch(r"/reports/[^/]+/", p)]
    assert reports
    problems = []
    for path in reports:
        for width in (1280, 375):
            page = contexts[width]
            page.goto(base + path)
            groups = note_placement(page)
            assert groups, path
            for g in groups:
                if width == 1280 or g["inline"]:
                    ok = g["passageTop"] - 1 <= g["top"] < g["passageBottom"]
                else:
                    ok = g["passageBottom"] - 1 <= g["top"] <= g["passageBottom"] + 32
                if not ok:
                    problems.append(f"{path} at {width}px: {g}")
    assert problems == []


@pytest.mark.parametrize("site", SITES)
def test_notes_never_leave_the_text_column_blank(request, contexts, site):
    """At 1280 px the text never waits for its notes: at most 5% of a report's height is blank."""
    base = request.getfixturevalue(site)
    page = contexts[1280]
    shares = {}
    for path in [p for p in site_pages(base) if re.fullmatch(r"/reports/[^/]+/", p)]:
        page.goto(base + path)
        shares[path] = round(blank_text_column(page)["share"], 3)
    assert shares and max(shares.values()) <= 0.05, shares


def test_folded_notes_show_in_full_when_asked_or_focused(contexts, real_site_url):
    page = contexts[1280]
    page.goto(f"{real_site_url}/reports/2013-07-child-protection/")
    # The group that runs on furthest past its text.
    index = page.evaluate(
        """() => { const gs = Array.from(document.querySelectorAll('.notes-folded'));
                   const over = gs.map(g => g.scrollHeight - g.clientHeight);
                   return over.indexOf(Math.max(...over)); }"""
    )
    group = page.locator(".notes-folded").nth(index)
    assert group.evaluate("g => g.scrollHeight > g.clientHeight + 20")
    group.locator(".notes-more > summary").click()
    assert group.evaluate("g => g.scrollHeight <= g.clientHeight + 1")
    group.locator(".notes-more > summary").click()
    assert group.evaluate("g => g.scrollHeight > g.clientHeight")
    # A link on the group's themes line, reached by the keyboard, unfolds it too: it scrolled
    # the group within itself, the link cut off and the toggle out of sight.
    page.goto(f"{real_site_url}/reports/2013-07-child-protection/")
    for folded in page.locator(".notes-folded:has(> .tags-inline a)").all()[:3]:
        folded.locator(":scope > .tags-inline a").last.focus()
        assert folded.evaluate("g => g.scrollHeight <= g.clientHeight + 1 && g.scrollTop === 0")
    # Without JavaScript it works the same: it is a <details>; and on a phone nothing is folded.
    phone = contexts[375]
    phone.goto(f"{real_site_url}/reports/2013-07-child-protection/")
    assert not phone.locator(".notes-more").first.is_visible()


def test_a_note_and_its_highlight_show_each_other(contexts, fixture_site_url):
    """By number, and by pointing: hovering a highlight outlines its note, and the other way."""
    page = contexts[1280]
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    page.locator("#notes-p2 .notes-more > summary").click()  # the group is folded beside ¶2
    assert page.get_attribute("mark#note-judged-to-be", "data-note") == "1"
    # Not by colour alone: a highlight is underlined too (WCAG 1.4.1).
    for mark in ("mark#note-judged-to-be", "mark#rec-improve-private-fostering-arrangements"):
        assert "underline" in page.locator(mark).evaluate(
            "m => getComputedStyle(m).textDecorationLine"
        )
    assert page.locator("#aside-note-judged-to-be .note-number").inner_text() == "1"
    outline = "el => getComputedStyle(el).outlineStyle"
    assert page.locator("#aside-note-judged-to-be").evaluate(outline) == "none"
    page.hover("mark#note-judged-to-be")
    assert page.locator("#aside-note-judged-to-be").evaluate(outline) == "solid"
    assert page.locator("#aside-note-supervision-is-regular").evaluate(outline) == "none"
    page.hover("#aside-note-supervision-is-regular")
    assert page.locator("mark#note-supervision-is-regular").evaluate(outline) == "solid"
    assert page.locator("mark#note-judged-to-be").evaluate(outline) == "none"
    page.mouse.move(0, 0)


def test_notes_are_set_alike_on_every_page_type(contexts, fixture_site_url):
    page = contexts[1280]
    families = set()
    for path, selector in (
        ("/reports/2013-07-first/", "aside.note p"),
        ("/themes/supervision/", ".note-inline p"),
        ("/recommendations/supervision/", ".note-inline p"),
    ):
        page.goto(fixture_site_url + path)
        families.add(page.locator(selector).first.evaluate("e => getComputedStyle(e).fontFamily"))
    assert len(families) == 1, families


def test_notes_sit_under_their_passage_on_paper(contexts, fixture_site_url):
    page = contexts[1280]
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    page.emulate_media(media="print")
    try:
        for g in note_placement(page):
            if not g["inline"]:
                assert g["passageBottom"] - 1 <= g["top"] <= g["passageBottom"] + 32, g
        assert page.locator(".page-address").is_visible()
        # A note's number prints black: its light background is left out on paper.
        number = page.locator("#aside-note-judged-to-be .note-number")
        assert number.evaluate("n => getComputedStyle(n).color") == "rgb(0, 0, 0)"
    finally:
        page.emulate_media(media="screen")


@pytest.mark.parametrize("site", SITES)
def test_focus_never_moves_back_up_a_report_page(request, contexts, site):
    """In Tab order each control is in the same row as the one before or a later one."""
    base = request.getfixturevalue(site)
    page = contexts[1280]
    for path in [p for p in site_pages(base) if re.fullmatch(r"/reports/[^/]+/", p)]:
        page.goto(base + path)
        rows = focus_rows(page)
        back = [(a, b) for a, b in pairwise(rows) if b["rowTop"] < a["rowTop"] - 2]
        assert back == [], path


def test_tab_order_follows_the_page_with_real_key_presses(contexts, fixture_site_url):
    page = contexts[1280]
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    tops = []
    for _ in range(200):
        page.keyboard.press("Tab")
        at = page.evaluate(
            """() => { const el = document.activeElement; if (el === document.body) return null;
                       let row = el.closest('.site-header') || el;
                       for (let e = el; e && e !== document.body; e = e.parentElement)
                         if (e.parentElement && e.parentElement.matches('.report-body, .report-top'))
                           row = e;
                       return row.getBoundingClientRect().top + scrollY; }"""
        )
        if at is None or (tops and at < tops[0] and len(tops) > 3):
            break  # back at the top: the whole page has been walked
        tops.append(at)
    assert len(tops) > 20
    assert all(b >= a - 2 for a, b in pairwise(tops)), tops


def test_a_reader_goes_from_a_paragraph_to_its_note_and_back_by_keyboard(
    contexts, fixture_site_url
):
    page = contexts[1280]
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    # The skip link is the second stop; it lands on the report's text.
    assert tabs_before(page, "a.skip-link[href='#report-text']") == 2
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "report-text"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('#p2 a.pnum')")
    page.keyboard.press("Tab")  # the paragraph's notes come next: folded, their control first
    assert page.evaluate("document.activeElement.closest('.notes').id") == "notes-p2"
    assert page.evaluate("document.activeElement.matches('.notes-more > summary')")
    page.keyboard.press("Tab")  # a link in the folded part shows the notes in full
    assert page.evaluate("document.activeElement.textContent") == "Records"  # the first: ¶2's
    assert page.evaluate(
        "document.querySelector('#notes-p2').scrollHeight "
        "<= document.querySelector('#notes-p2').clientHeight + 1"
    )
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # and back to the paragraph
    assert page.evaluate("document.activeElement.matches('#p2 a.pnum')")
    # The highlighted words name their note for assistive technology.
    details = page.get_attribute("mark#note-judged-to-be", "aria-details")
    # Its name gives the number its badge and highlight show.
    assert (
        page.locator(f"#{details}").get_attribute("aria-label") == "Editors’ note 1 on paragraph 2"
    )
    details = page.get_attribute("mark#note-supervision-is-regular", "aria-details")
    label = page.locator(f"#{details}").get_attribute("aria-label")
    assert label == "Editors’ note 2 on paragraph 2"  # the second, as read


def test_contents_reach_a_section_and_lead_back(contexts, fixture_site_url):
    page = contexts[375]
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    page.locator(".report-contents").get_by_role("link", name="Records in detail").click()
    assert page.url.endswith("#records-in-detail")
    page.locator(".report-text .back a").click()
    assert page.url.endswith("#contents")


def test_targets_are_comfortable_on_a_phone(contexts, fixture_site_url):
    """Contents entries and the facts' summary are at least 24 CSS px tall (SC 2.5.8)."""
    page = contexts[375]
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    heights = page.evaluate(
        """() => Array.from(document.querySelectorAll('.report-contents li a, details > summary'))
                 .filter(el => el.getClientRects().length)
                 .map(el => el.getBoundingClientRect().height)"""
    )
    assert heights and min(heights) >= 24


def test_the_report_text_starts_on_the_first_screen(contexts, real_site_url):
    page = contexts[1280]
    for path in [p for p in site_pages(real_site_url) if re.fullmatch(r"/reports/[^/]+/", p)]:
        page.goto(real_site_url + path)
        top = page.evaluate(
            "document.querySelector('.report-body > *').getBoundingClientRect().top"
        )
        assert top < 800, path


def test_a_long_contents_list_scrolls_and_the_text_still_starts_on_the_first_screen(
    contexts, fixture_copy, tmp_path
):
    # A 40-page report has some thirty headings: beside the header on a wide screen, its contents
    # list once pushed the report's text below the first screen.
    from conftest import fixture_project, serve_folder

    from builder.pipeline import build

    report = fixture_copy / "reports" / "2019-06-second.md"
    sections = "".join(
        f"\n\n## Section {n} of a long report with a long heading\n\n### Its summary {n}\n\nText {n}."
        for n in range(1, 16)
    )
    report.write_text(report.read_text(encoding="utf-8") + sections, encoding="utf-8")
    out = tmp_path / "out"
    diagnostics = Diagnostics()
    assert build(fixture_project(out, fixture_copy), diagnostics) is not None
    page = contexts[1280]
    with serve_folder(out) as url:
        page.goto(url + "/reports/2019-06-second/")
        top = page.evaluate(
            "document.querySelector('.report-body > *').getBoundingClientRect().top"
        )
        nav = page.evaluate(
            """() => { const n = document.querySelector('.report-contents');
                       return [n.scrollHeight, n.clientHeight, n.querySelectorAll('li').length]; }"""
        )
        # Every entry is still there, reached by scrolling the list (or by Tab, which scrolls it).
        last = page.locator(".report-contents li a", has_text="Its summary 15")
        last.focus()
        visible = last.evaluate(
            """a => { const r = a.getBoundingClientRect(),
                       n = a.closest('.report-contents').getBoundingClientRect();
                       return r.top >= n.top && r.bottom <= n.bottom; }"""
        )
    assert top < 800
    assert nav[0] > nav[1] and nav[2] >= 30
    assert visible


@pytest.mark.parametrize("site", SITES)
def test_no_word_is_split_in_a_table_cell(request, contexts, site):
    """Chromium has no hyphenation dictionary: a cell too narrow for a word would cut it anywhere."""
    base = request.getfixturevalue(site)
    split = []
    for width in (320,):
        page = contexts[width]
        for path in site_pages(base):
            page.goto(base + path)
            split += [f"{path} at {width}px: {w}" for w in split_words(page)]
    assert split == []


def _pdf_pages(page) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    blob = page.pdf(format="A4")
    return [
        "".join(e.get_text() for e in p if isinstance(e, LTTextContainer))
        for p in extract_pages(io.BytesIO(blob))
    ]


# Pages of the bundled site whose last page held only the footer, and one of each other kind.
PRINTED = [
    "/reports/",
    "/recommendations/child-in-need-planning/",
    "/recommendations/pre-birth-protocol/",
    "/themes/early-help/",
]


@pytest.mark.parametrize("site", SITES)
def test_print_has_no_search_box_and_no_page_with_only_the_footer(request, browser, site):
    base = request.getfixturevalue(site)
    context = browser.new_context()
    page = context.new_page()
    orphans = []
    paths = (
        PRINTED
        if site == "real_site_url"
        else [
            "/recommendations/",
            "/recommendations/supervision/",
            "/themes/supervision/",
            "/reports/2013-07-first/",
        ]
    )
    for path in paths:
        page.goto(base + path)
        page.emulate_media(media="print")
        assert not page.locator(".site-header .search-box").is_visible(), path
        footer = " ".join(page.inner_text(".site-footer").split())
        pages = [" ".join(t.split()) for t in _pdf_pages(page) if t.strip()]
        if len(pages) > 1 and pages[-1] in footer:
            orphans.append(path)
    context.close()
    assert orphans == []


def test_print_gives_full_addresses_only(contexts, fixture_site_url):
    """A link off the site prints its full address; a link within it prints no bare path."""
    page = contexts[1280]
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    page.emulate_media(media="print")
    try:
        after = """s => Array.from(document.querySelectorAll(s))
                     .map(a => getComputedStyle(a, '::after').content)"""
        outside = page.evaluate(after, "main a[href^='https://']")
        inside = page.evaluate(after, "main a[href^='/'], main a[href^='#']")
        assert outside and all(c.startswith('" (https://') for c in outside)
        assert all(c in ("none", "normal") for c in inside)
    finally:
        page.emulate_media(media="screen")


def test_every_page_has_a_favicon_and_asks_for_nothing_missing(browser, fixture_site_url):
    context = browser.new_context()
    page = context.new_page()
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    for path in site_pages(fixture_site_url):
        if path == "/404.html":
            continue
        page.goto(fixture_site_url + path, wait_until="load")
        icon = page.locator("link[rel=icon]").get_attribute("href")
        assert icon == "/assets/favicon.svg", path
    page.goto(fixture_site_url + "/assets/favicon.svg")
    context.close()
    assert missing == []


@pytest.fixture(scope="module")
def states_url(tmp_path_factory):
    """A site of the states the fixture sites never reach, written out and served: organisations
    whose latest inspection gave no headline grade (test_headline), and a concern a later
    inspection's remit leaves out (test_recommendation_scope)."""
    import shutil

    from conftest import FIXTURE, build_files, fixture_project, serve_folder
    from test_headline import with_reformed_framework
    from test_organisations import NATIONAL, national_project
    from test_recommendation_scope import board_concern

    root = tmp_path_factory.mktemp("states")
    national = root / "national" / "content"
    shutil.copytree(NATIONAL, national)
    with_reformed_framework(national)
    scoped = root / "scoped" / "content"
    shutil.copytree(FIXTURE / "content", scoped)
    board_concern(scoped)
    for name, project in (
        ("national", national_project(root / "out", national)),
        ("scoped", fixture_project(root / "out", scoped)),
    ):
        files, diagnostics = build_files(project)
        assert files is not None, [d.format() for d in diagnostics.sorted()]
        for path, data in files.items():
            target = root / "site" / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    with serve_folder(root / "site" / "national") as national_url:
        with serve_folder(root / "site" / "scoped") as scoped_url:
            yield {"national": national_url, "scoped": scoped_url}


@pytest.mark.parametrize(
    "site, path",
    [
        ("national", "/organisations/"),
        ("national", "/organisations/grade/no-headline/"),
        ("national", "/organisations/overview/"),
        ("national", "/reports/2026-05-beta/"),
        ("scoped", "/recommendations/board-records/"),
    ],
)
def test_pages_in_states_the_fixtures_never_reach_pass_axe_and_fit_a_phone(
    contexts, states_url, site, path
):
    problems = []
    for width in (1280, 320):
        page = contexts[width]
        page.goto(states_url[site] + path)
        assert page.locator("h1").count() == 1
        result = run_axe(page, colour=width == 1280)
        problems += [f"{width}px: {v['id']} {v['nodes'][:2]}" for v in result["violations"]]
        problems += [
            f"{width}px: contrast {c}"
            for c in contrast(page, result["incomplete"])
            if c["ratio"] < c["needed"]
        ]
        if width == 320:
            problems += [f"{width}px: {n} px sideways"] if (n := overflow(page)) else []
    assert problems == []
