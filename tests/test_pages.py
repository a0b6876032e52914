"""The cross-linked history on the fixture site: every page type, in order, consistent with the data."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import yaml
from conftest import build_files, fixture_project

from builder.check.linkcheck import check_links
from builder.diagnostics import Diagnostics


class Text(HTMLParser):
    """The visible text of a page, one string, white space folded."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text(html: bytes) -> str:
    parser = Text()
    parser.feed(html.decode())
    return " ".join("".join(parser.parts).split())


def page(files: dict[str, bytes], name: str) -> str:
    return files[name].decode()


def test_every_page_type_exists(fixture_files):
    for name in [
        "index.html",
        "timeline/index.html",
        "reports/index.html",
        "themes/index.html",
        "themes/supervision/index.html",
        "recommendations/index.html",
        "recommendations/supervision/index.html",
        "about/index.html",
        "data/index.html",
        "reports/2013-07-first/index.html",
        "feed.xml",
        "sitemap.xml",
        "404.html",
        "robots.txt",
    ]:
        assert name in fixture_files, name


def test_every_link_and_anchor_resolves(fixture_files):
    diagnostics = Diagnostics()
    assert check_links(fixture_files, "/", {}, diagnostics, strict=True) == 0
    assert not diagnostics.items


def test_link_checker_names_a_broken_anchor():
    files = {
        "a/index.html": b'<a href="/b/#p9">x</a><a href="/c/">y</a>',
        "b/index.html": b'<p id="p1">',
    }
    diagnostics = Diagnostics()
    assert (
        check_links(files, "/", {"a/index.html": "content/reports/a.md"}, diagnostics, strict=True)
        == 2
    )
    assert [d.format() for d in diagnostics.sorted()] == [
        "content/reports/a.md: error: broken link on /a/index.html: /b/#p9 (no element with id 'p9')",
        "content/reports/a.md: error: broken link on /a/index.html: /c/ (no such page)",
    ]


def test_the_link_check_rechecks_only_what_an_edit_can_have_broken(monkeypatch):
    import builder.check.linkcheck as linkcheck

    resolve, resolved = linkcheck._resolve, []

    def counting(link, page, *rest):
        resolved.append(page)
        return resolve(link, page, *rest)

    monkeypatch.setattr(linkcheck, "_resolve", counting)
    scans: dict = {}
    kept: dict = {}
    pages = {
        "a/index.html": b'<a href="/b/#p9">x</a><a href="/c/">y</a>',
        "b/index.html": b'<p id="p1">',
    }
    steps = [
        ({}, 2),
        ({"b/index.html": b'<p id="p9">'}, 1),  # an id came: every page is checked again
        ({"c/index.html": b"<p>"}, 0),  # a page came: so too
        ({"a/index.html": b'<a href="/b/#p9">x</a><a href="/d/">y</a>'}, 1),  # a's own links
        ({"b/index.html": b'<p id="p9">more</p>'}, 1),  # b's text, not its ids
    ]
    for change, broken in steps:
        pages.update(change)
        resolved.clear()
        memo_said, fresh_said = Diagnostics(), Diagnostics()
        assert check_links(pages, "/", {}, memo_said, True, scans, None, (), kept) == broken
        checked = sorted(set(resolved))
        assert check_links(pages, "/", {}, fresh_said, True) == broken
        assert memo_said.sorted() == fresh_said.sorted()
        if change and "a/index.html" in change:
            assert checked == ["a/index.html"]
        elif change and b"more" in change.get("b/index.html", b""):
            assert checked == []  # b links nowhere; a's links to b resolve as before


def test_timeline_lists_reports_and_mentioned_inspections_in_date_order(fixture_files):
    timeline = page(fixture_files, "timeline/index.html")
    order = re.findall(r'<li id="([^"]+)" class="(in-collection|referenced)"', timeline)
    assert order == [
        ("2013-07-first", "in-collection"),
        ("2015-inspection", "referenced"),
        ("2019-06-second", "in-collection"),
        ("2022-01-visit", "in-collection"),
    ]
    # The 2015 inspection links to the passage that mentions it.
    assert (
        'href="/reports/2019-06-second/#there-have-been-significant-improvements-since"' in timeline
    )


def test_one_chart_on_one_time_axis_never_joins_scopes(fixture_files):
    html = page(fixture_files, "timeline/index.html")
    svgs = re.findall(r'<svg class="grade-chart".*?</svg>', html, re.S)
    assert len(svgs) == 1  # every inspection on one time axis
    svg = svgs[0]
    ET.fromstring(svg)  # well-formed
    # A group, not an image: its points are links (axe nested-interactive).
    assert "<desc" in svg and 'role="group"' in svg
    titles = re.findall(r"<title>([^<]+)</title>", svg)
    assert "8 to 17 July 2013: Overall effectiveness: Adequate" in titles
    assert "2015: Overall effectiveness: Requires improvement to be good" in titles
    assert "June 2019: Overall effectiveness: Good" in titles
    # The 2013 overall grade (old framework) is never joined to the 2015 and 2019 ones (new):
    # one line only, of two points.
    lines = re.findall(r'<polyline class="series" points="([^"]+)"', svg)
    assert len(lines) == 1 and len(lines[0].split()) == 2
    # The visit that gave no grade is marked on the axis, on a row of its own.
    assert "24 to 25 January 2022: Focused visit: no grade given" in titles
    axis = re.search(r'<svg class="chart-axis".*?</svg>', html, re.S).group()
    assert ">No grade</text>" in axis and ">given</text>" in axis
    # A line that reaches the latest inspections is labelled directly, in its own colour beside
    # a marker of its shape; the key under the chart names every line.
    labels = re.findall(r'<text class="line-label"[^>]*>([^<]+)</text>', svg)
    assert " ".join(labels) == "Overall effectiveness (new framework) Leadership"
    key = re.search(r'<ul class="chart-legend">.*?</ul>', html, re.S).group()
    assert "Overall effectiveness (old framework)" in key
    assert "Overall effectiveness (new framework)" in key
    # A leader runs straight from its line's last point to the label, never along a grade's row.
    for leader in re.findall(r'<polyline class="leader" points="([^"]+)"', svg):
        assert len(leader.split()) == 2
    assert "2 = Adequate / Requires improvement to be good" in html


def test_an_earlier_area_judged_once_is_in_the_table_not_drawn(fixture_files):
    """The 2013 report's 'Quality of practice' is given once: no line to draw. The chart drew it
    as a point with a label and a leader across the chart. 2019's 'Leadership', given once too,
    is the latest inspection's: it is drawn, as where things stand."""
    html = page(fixture_files, "timeline/index.html")
    svg = re.search(r'<svg class="grade-chart".*?</svg>', html, re.S).group()
    titles = re.findall(r"<title>([^<]+)</title>", svg)
    assert not [t for t in titles if "Quality of practice" in t]
    assert "June 2019: Leadership: Good" in titles
    table = re.search(r'<details class="chart-data".*?</details>', html, re.S).group()
    assert "Quality of practice" in table and ">Leadership<" in table
    note = re.search(r'<p class="chart-note">(.*?)</p>', html, re.S).group(1)
    assert (
        "The 1 earlier judgement given only once, other than an inspection’s headline, is not "
        "drawn" in note
    )
    # Above the chart, on a narrow screen, it says the chart scrolls.
    assert '<p class="chart-cue grade-cue" aria-hidden="true">The chart scrolls sideways' in html


def test_the_grades_table_names_each_report_as_the_strips_do(fixture_files):
    """The table's rows name a report by its short title at every width: the strips and the
    search filter name it so, and a document's own title can mislead out of its place (the
    bundled site's committee report is titled 'Ofsted Inspection of …')."""
    html = page(fixture_files, "timeline/index.html")
    table = re.search(r'<details class="chart-data".*?</details>', html, re.S).group()
    reports = set(re.findall(r'<td><a href="/reports/[^"]+/">([^<]*)</a></td>', table))
    assert reports == {"First inspection", "Inspection of children&#39;s services"}
    assert "Inspection of arrangements" not in table


def test_a_line_breaks_at_an_inspection_whose_grades_the_history_lacks(
    fixture_copy: Path, tmp_path: Path
):
    """An editor added the 2017 inspection a report speaks of, its grades unknown: the line still
    joined 2015's grade to 2019's as if nothing had happened between them, as the authoring guide
    says an event prevents."""
    with (fixture_copy / "events.yml").open("a") as events:
        events.write(
            '- id: 2017-inspection\n  title: Inspection of services\n  date: "2017"\n'
            "  kind: inspection-report\n  framework: new\n  graded: true\n"
        )
    files, diagnostics = build_files(fixture_project(tmp_path, fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    svg = re.search(r'<svg class="grade-chart".*?</svg>', page(files, "timeline/index.html"), re.S)
    assert "2017: Inspection of services: grades not known to this history" in svg.group()
    # The new framework's line (2015 to 2019) is not drawn across 2017: no line at all now.
    assert '<polyline class="series"' not in svg.group()
    # A visit that gives no grades, and an event not said to be graded, join as before.
    assert "24 to 25 January 2022: Focused visit: no grade given" in svg.group()


def test_the_keyboard_reaches_the_charts_points_in_date_order(fixture_files):
    """Each point is a link; drawn line by line, Tab went through one line's years, then back to
    2013 for the next line, and the visits with no grade came first."""
    html = page(fixture_files, "timeline/index.html")
    svg = re.search(r'<svg class="grade-chart".*?</svg>', html, re.S).group()
    links = re.findall(r"<a href=[^>]*>.*?<title>([^<]+)</title></a>", svg)
    years = [int(re.search(r"\b(20\d\d)\b", title).group(1)) for title in links]
    assert len(links) >= 4 and years == sorted(years), links
    # At one date, top to bottom (a better grade is higher), then in the key's order.
    assert links.index("June 2019: Overall effectiveness: Good") + 1 == links.index(
        "June 2019: Leadership: Good"
    )
    # The lines are drawn first, so no line is drawn over a point.
    assert svg.rindex('<polyline class="series"') < svg.index("<a href=")


def test_six_or_more_lines_are_told_apart_by_shape_dash_and_label():
    from builder.views.chart import STYLES

    first = STYLES[:14]
    assert len({shape for _, _, shape in first[:7]}) == 7
    assert len({dash for _, dash, _ in first[:7]}) == 7
    assert len(set(first)) == 14 and len({(d, s) for _, d, s in first}) == 14


def test_chart_text_is_drawn_large_enough_for_a_phone(fixture_files):
    # The chart is drawn at its own size (760 px) with 13 px text, and scrolls in its box.
    html = page(fixture_files, "timeline/index.html")
    drawn = re.findall(r'class="grade-chart" viewBox="\d+ 0 (\d+) \d+" width="(\d+)"', html)
    assert drawn and all(shown == width for shown, width in drawn)
    css = fixture_files["assets/site.css"].decode()
    assert ".grade-chart text { font-size: 13px;" in css
    assert ".chart-scroll { overflow-x: auto;" in css
    # On a narrow screen it is cut to its lines (the lines' names at the right left to the key),
    # at its own size still: cut, not shrunk.
    from builder.views.chart import NARROW, PLOT, RIGHT, WIDTH

    assert f"@media screen and (max-width: 51rem) {{ .grade-chart {{ width: {NARROW}px; }}" in css
    assert f".grade-chart {{ display: block; width: {PLOT}px;" in css
    assert 'preserveAspectRatio="xMinYMin slice"' in html and NARROW < WIDTH - RIGHT < PLOT


def test_recommendation_strip_matches_the_content(fixture_files):
    html = page(fixture_files, "recommendations/supervision/index.html")
    strip = re.search(r'<table class="strip">.*?</table>', html, re.DOTALL).group(0)
    cells = re.findall(r'<td class="cell status-([a-z-]+)">', strip)
    assert cells == ["positive", "raised", "raised-again"]
    assert "First raised: June 2019" in text(
        fixture_files["recommendations/supervision/index.html"]
    )
    assert "recurring" in html


def test_recommendation_index_puts_open_ones_first(fixture_files):
    html = text(fixture_files["recommendations/index.html"])
    assert html.index("Still open") < html.index("Identify privately fostered children")
    assert html.index("Identify privately fostered children") < html.index(
        "Never raised as a concern"
    )
    assert html.index("Never raised as a concern") < html.index("Clear records")


def test_theme_page_groups_passages_by_report_in_date_order(fixture_files):
    html = page(fixture_files, "themes/supervision/index.html")
    sections = re.findall(r'<section class="theme-report" aria-labelledby="r-([^"]+)"', html)
    assert sections == ["2013-07-first", "2019-06-second", "2022-01-visit"]
    assert "<mark>Supervision is regular</mark>" in html
    assert 'href="/reports/2013-07-first/#p2">Paragraph 2</a>' in html
    # The strip over them leads down to each year's passages: the page runs oldest first, and a
    # reader after the latest had twenty screens to scroll on a phone.
    strip = html[html.index('class="strip theme-strip"') : html.index("</table>")]
    assert re.findall(r'<a href="#r-([^"]+)">', strip) == sections


def test_report_page_links_neighbouring_evidence_and_what_it_left_unmentioned(fixture_files):
    html = page(fixture_files, "reports/2019-06-second/index.html")
    assert 'earlier: <a href="/reports/2013-07-first/#p2">2013 ¶2</a>' in html
    assert 'later: <a href="/reports/2022-01-visit/#for-a-small-number-of-staff">2022</a>' in html
    visit = text(fixture_files["reports/2022-01-visit/index.html"])
    assert "Raised by the previous report but not mentioned here" in visit
    assert "Identify privately fostered children (raised again in 2019)" in visit


def test_data_files_parse_and_match_the_pages(fixture_files):
    recs = json.loads(fixture_files["data/recommendations.json"])
    supervision = next(r for r in recs if r["id"] == "supervision")
    assert supervision["statuses"] == {
        "2013-07-first": "positive",
        "2019-06-second": "raised",
        "2022-01-visit": "raised-again",
    }
    rows = list(
        csv.DictReader(io.StringIO(fixture_files["data/annotations.csv"].decode("utf-8-sig")))
    )
    assert len(rows) == len(json.loads(fixture_files["data/annotations.json"]))
    annotations = json.loads(fixture_files["data/annotations.jsonld"])
    assert annotations["@context"] == "http://www.w3.org/ns/anno.jsonld"
    # A collection's annotations are on its pages (here one, embedded), never on the collection.
    assert (annotations["type"], annotations["first"]["type"]) == (
        "AnnotationCollection",
        "AnnotationPage",
    )
    assert "items" not in annotations
    assert annotations["total"] == len(annotations["first"]["items"])
    assert annotations["id"] == "https://history.example.org/data/annotations.jsonld"
    quote = next(
        i
        for i in annotations["first"]["items"]
        if i["target"]["selector"].get("refinedBy", {}).get("exact") == "Supervision is regular"
    )
    assert quote["target"]["source"] == "https://history.example.org/reports/2013-07-first/"
    judgements = list(
        csv.DictReader(io.StringIO(fixture_files["data/judgements.csv"].decode("utf-8-sig")))
    )
    assert [
        (j["item"], j["grade"]) for j in judgements if j["series"] == "overall-effectiveness"
    ] == [
        ("2013-07-first", "adequate"),
        ("2015-inspection", "requires-improvement"),
        ("2019-06-second", "good"),
    ]
    ET.fromstring(fixture_files["feed.xml"])
    ET.fromstring(fixture_files["sitemap.xml"])


NEW_REPORT = """---
id: 2024-03-third
title: A third inspection
kind: inspection-report
framework: new
inspected: {start: 2024-03-04, end: 2024-03-15}
published: 2024-04-20
authors: [{name: Sam Example, role: Lead inspector}]
publisher: Ofsted
source: {title: Inspection report}
licence: {name: Open Government Licence v3.0}
judgements:
  - {area: Overall effectiveness, grade: outstanding}
annotations:
  - quote: Supervision is now frequent and reflective
    themes: [supervision]
    tracks: supervision
    status: met
---
## Findings

1. Supervision is now frequent and reflective.
"""


def test_a_report_added_in_content_appears_everywhere_without_code(
    fixture_copy: Path, tmp_path: Path
):
    (fixture_copy / "reports" / "2024-03-third.md").write_text(NEW_REPORT)
    files, diagnostics = build_files(fixture_project(tmp_path, fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    assert "2024-03-third" in re.findall(r'<li id="([^"]+)"', page(files, "timeline/index.html"))
    assert "4 to 15 March 2024: Overall effectiveness: Outstanding" in page(
        files, "timeline/index.html"
    )
    assert '<section class="theme-report" aria-labelledby="r-2024-03-third">' in page(
        files, "themes/supervision/index.html"
    )
    strip = re.search(
        r'<table class="strip">.*?</table>',
        page(files, "recommendations/supervision/index.html"),
        re.DOTALL,
    ).group(0)
    assert re.findall(r'<td class="cell status-([a-z-]+)">', strip)[-1] == "met"
    assert "Met (1)" in text(files["recommendations/index.html"])
    assert 'rel="next" href="/reports/2024-03-third/"' in page(
        files, "reports/2022-01-visit/index.html"
    )


def test_a_part_numbered_from_1_again_is_cited_under_its_label(fixture_copy: Path, tmp_path: Path):
    restarted = NEW_REPORT.replace(
        "annotations:\n  - quote: Supervision is now frequent and reflective\n",
        "annotations:\n  - paragraph: LSCB 1\n",
    ) + (
        "\n## Review of the safeguarding board {: numbering=LSCB }\n\n"
        "1. The board's own first paragraph.\n"
    )
    (fixture_copy / "reports" / "2024-03-third.md").write_text(restarted)
    files, diagnostics = build_files(fixture_project(tmp_path, fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    report = page(files, "reports/2024-03-third/index.html")
    assert (
        '<h3 id="review-of-the-safeguarding-board">Review of the safeguarding board</h3>' in report
    )
    assert 'id="lscb-p1"' in report and 'id="p1"' in report
    # The annotation's evidence is cited by the label and the number as printed.
    theme = text(files["themes/supervision/index.html"])
    assert "Paragraph LSCB 1" in theme
    assert 'href="/reports/2024-03-third/#lscb-p1"' in page(files, "themes/supervision/index.html")
    history = text(files["recommendations/supervision/index.html"])
    assert "The board's own first paragraph. Paragraph LSCB 1 · Met" in history


def test_paragraph_numbers_used_twice_name_the_mark_that_starts_them_again(
    fixture_copy: Path, tmp_path: Path
):
    (fixture_copy / "reports" / "2024-03-third.md").write_text(
        NEW_REPORT + "\n## Review of the board\n\n1. The board's own first paragraph.\n"
    )
    files, diagnostics = build_files(fixture_project(tmp_path, fixture_copy))
    assert files is None
    said = [d.format() for d in diagnostics.errors]
    assert any(
        "paragraph number 1 is used twice" in line and "{: numbering=LABEL }" in line
        for line in said
    ), said


def test_theme_page_shows_a_paragraph_once(fixture_copy: Path, tmp_path: Path):
    report = fixture_copy / "reports" / "2019-06-second.md"
    report.write_text(
        report.read_text().replace(
            "  - paragraph: 1\n",
            "  - quote: not yet effective\n    themes: [private-fostering]\n  - paragraph: 1\n",
        )
    )
    files, _ = build_files(fixture_project(tmp_path, fixture_copy))
    html = page(files, "themes/private-fostering/index.html")
    assert html.count("Private fostering arrangements are") == 1
    assert "<mark>not yet effective</mark>" in html


def test_notes_are_numbered_only_where_a_block_holds_several(fixture_files):
    """A number tells a block's notes apart; on a block with one note it would only repeat '1'
    beside every list item and paragraph, read as one note spread over them."""
    report = page(fixture_files, "reports/2013-07-first/index.html")
    numbers = dict(
        re.findall(r'<mark [^>]*?data-annotation="([\w-]+)"[^>]*?data-note="(\d+)"', report)
    )
    # Paragraph 2 holds two notes, numbered as they are read: 'judged to be' comes first (they
    # were numbered as written in the front matter, which a reader never sees).
    assert numbers == {"note-judged-to-be": "1", "note-supervision-is-regular": "2"}
    rec = r'<aside [^>]*id="aside-rec-improve-private-fostering-arrangements"[^>]*>'
    assert re.search(rec, report)
    assert 'data-note="1"' not in re.search(rec, report).group(0)
    assert report.count('class="note-number"') == 2


def test_a_note_on_a_whole_paragraph_says_so_and_leaves_the_numbers_to_the_highlights(
    fixture_copy: Path, tmp_path: Path
):
    """A note on a whole paragraph has no highlight to carry its number: numbering it among the
    block's notes left a paragraph whose only highlights read 2 and 3. The highlights are numbered
    from 1; the whole paragraph's note says what it is on."""
    first = fixture_copy / "reports" / "2013-07-first.md"
    was = "  - {paragraph: 2, themes: [records]}\n"
    text = first.read_text()
    assert was in text
    first.write_text(text.replace(was, was.replace("}", ", note: On the whole paragraph.}")))
    files, diagnostics = build_files(fixture_project(tmp_path / "out", fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    report = page(files, "reports/2013-07-first/index.html")
    numbers = dict(
        re.findall(r'<mark [^>]*?data-annotation="([\w-]+)"[^>]*?data-note="(\d+)"', report)
    )
    assert numbers == {"note-judged-to-be": "1", "note-supervision-is-regular": "2"}
    whole = re.search(
        r'<aside [^>]*aria-label="Editors’ note on the whole of paragraph 2"[^>]*>(.*?)</aside>',
        report,
        re.S,
    )
    assert whole and "data-note" not in whole.group(0)
    assert '<p class="note-kind">Editors’ note on the whole paragraph</p>' in whole.group(1)
    numbered = re.findall(r'<aside [^>]*data-note="(\d+)"', report)
    assert numbered == ["1", "2"]
    # A screen reader hears the numbers the badges show, and what the whole-paragraph note is on.
    assert re.findall(r'<aside [^>]*aria-label="(Editors’ note[^"]*)"', report)[:3] == [
        "Editors’ note on the whole of paragraph 2",
        "Editors’ note 1 on paragraph 2",
        "Editors’ note 2 on paragraph 2",
    ]
    # A paragraph whose one note is on it whole needs no such words, as a lone note needs no number.
    assert report.count("on the whole") == 2  # its words, and its name


def built_with_second_report_edited(
    content: Path, out: Path, old: str, new: str
) -> dict[str, bytes]:
    """The fixture site built with these words of its 2019 report replaced."""
    second = content / "reports" / "2019-06-second.md"
    text = second.read_text()
    assert old in text
    second.write_text(text.replace(old, new, 1))
    files, diagnostics = build_files(fixture_project(out, content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def test_the_data_says_which_records_are_from_an_unconfirmed_draft(
    fixture_copy: Path, tmp_path: Path
):
    """A draft's pages say it is one; its records in the data said nothing of it, and its
    stand-in date of publication read as the date the document bears."""
    files = built_with_second_report_edited(
        fixture_copy, tmp_path, "\nid: 2019-06-second\n", "\nid: 2019-06-second\ndraft: true\n"
    )

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(files[f"data/{name}"].decode("utf-8-sig"))))

    reports = {r["id"]: r for r in rows("reports.csv")}
    assert reports["2019-06-second"]["draft"] == "true"
    assert reports["2013-07-first"]["draft"] == "false"
    assert reports["2013-07-first"]["published_basis"] == "inferred"  # as its front matter says
    assert {j["item"] for j in rows("judgements.csv") if j["draft"] == "true"} == {"2019-06-second"}
    drafted = {a["report"] for a in rows("annotations.csv") if a["draft"] == "true"}
    assert drafted == {"2019-06-second"}
    as_json = json.loads(files["data/annotations.json"])
    assert {a["report"] for a in as_json if a["draft"]} == {"2019-06-second"}
    assert [r["id"] for r in json.loads(files["data/reports.json"]) if r["draft"]] == [
        "2019-06-second"
    ]


def test_every_framework_scope_and_grade_id_in_the_data_is_explained_by_frameworks_json(
    fixture_files,
):
    frameworks = {f["id"]: f for f in json.loads(fixture_files["data/frameworks.json"])}
    judgements = json.loads(fixture_files["data/judgements.json"])
    assert judgements
    for j in judgements:
        framework = frameworks[j["framework"]]
        assert j["scope"] in {s["id"] for s in framework["scopes"]}
        grade = {g["grade"]: g for g in framework["scale"]}[j["grade"]]
        assert (grade["label"], grade["ordinal"]) == (j["grade_label"], j["ordinal"])
    for report in json.loads(fixture_files["data/reports.json"]):
        assert not report["framework"] or report["framework"] in frameworks


def test_last_updated_and_the_feed_agree_when_an_old_report_is_added_late(
    fixture_copy: Path, tmp_path: Path
):
    """A report of 2019 added to the collection in 2024: the feed called the site updated in
    2024, every page's 'Last updated' said 2022 (its newest document's date)."""
    files = built_with_second_report_edited(
        fixture_copy,
        tmp_path,
        "published: 2019-07-26\n",
        "published: 2019-07-26\nadded: 2024-05-01\n",
    )
    feed = ET.fromstring(files["feed.xml"])
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.find(f"{atom}updated").text == "2024-05-01T00:00:00Z"
    for name in ("index.html", "reports/2013-07-first/index.html", "about/index.html"):
        assert '<time datetime="2024-05-01">1 May 2024</time>' in page(files, name), name


def test_the_data_page_says_which_files_hold_nothing_yet(fixture_copy: Path, tmp_path: Path):
    """A freshly imported history tracks no recommendation: its recommendation files were
    described as 'every tracked recommendation' and held a header row alone."""
    (fixture_copy / "recommendations.yml").write_text("[]\n")
    for report in (fixture_copy / "reports").glob("*.md"):
        _, head, body = report.read_text().split("---\n", 2)
        meta = yaml.safe_load(head)
        untracked = ("tracks", "status", "basis", "inspection")
        for key in ("annotations", "recommendations"):
            items = [{k: v for k, v in a.items() if k not in untracked} for a in meta.get(key, [])]
            # An annotation that was only evidence on a recommendation goes with it.
            meta[key] = [
                a for a in items if key == "recommendations" or {"themes", "note"} & set(a)
            ]
        report.write_text(f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n{body}")
    files, diagnostics = build_files(fixture_project(tmp_path, fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    listed = dict(
        re.findall(r'<li><a href="/data/([^"]+)">.*?</a>: (.*?) <a', page(files, "data/index.html"))
    )
    assert listed["recommendations.json"].endswith("<strong>None yet.</strong>")
    assert listed["recommendations.csv"].endswith("<strong>None yet.</strong>")
    assert "None yet" not in listed["reports.json"] + listed["annotations.json"]
    assert json.loads(files["data/recommendations.json"]) == []


def test_a_strip_too_wide_for_a_phone_says_it_scrolls(
    fixture_copy: Path, tmp_path: Path, fixture_files
):
    """On a phone a strip of seven reports showed four: its last cell seen, 'Raised again', was
    read as the latest word when the latest was 'Met'."""
    for year in ("2024", "2025"):
        (fixture_copy / "reports" / f"{year}-03-third.md").write_text(
            NEW_REPORT.replace("2024", year)
        )
    files, diagnostics = build_files(fixture_project(tmp_path, fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    supervision = page(files, "recommendations/supervision/index.html")
    assert (
        len(
            re.findall(
                r'<td class="cell', supervision.split('class="strip"')[1].split("</table>")[0]
            )
        )
        == 5
    )
    assert (
        '<p class="strip-cue" aria-hidden="true">The row scrolls sideways: 5 reports, the latest '
        "last →</p>" in supervision
    )
    css = files["assets/site.css"].decode()
    assert ".strip-cue { display: none;" in css
    assert re.search(r"@media \(max-width: 30rem\) \{\s*\.strip-cue \{ display: block; \}", css)
    # A strip of a few reports fits: it says nothing.
    assert "strip-cue" not in page(fixture_files, "recommendations/supervision/index.html")


def test_a_strip_shows_the_reports_before_the_first_that_speaks_of_it_as_one_cell_on_a_phone(
    fixture_copy: Path, tmp_path: Path
):
    """A concern first raised by the latest of four reports showed three 'Not mentioned' cells
    first on a phone, the one that matters off the screen: there they are one cell."""
    with (fixture_copy / "recommendations.yml").open("a") as recs:
        recs.write("- id: visits\n  title: Timely visits\n  description: Visits on time.\n")
    (fixture_copy / "reports" / "2024-03-third.md").write_text(
        NEW_REPORT.replace(
            "tracks: supervision\n    status: met", "tracks: visits\n    status: raised"
        )
    )
    files, diagnostics = build_files(fixture_project(tmp_path, fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    for name in ("recommendations/visits/index.html", "recommendations/index.html"):
        html = page(files, name)
        after = html.split(">Timely visits<")[-1]  # the page, or its heading on the index
        strip = re.search(r'<table class="strip">.*?</table>', after, re.S)
        cells = re.findall(r'<td class="cell ([^"]*)">([^<]*)', strip.group())
        assert cells == [
            ("status-not-mentioned strip-quiet-sum", "Not mentioned"),
            ("status-not-mentioned strip-quiet", "Not mentioned"),
            ("status-not-mentioned strip-quiet", "Not mentioned"),
            ("status-not-mentioned strip-quiet", "Not mentioned"),
            ("status-raised", "Raised"),
        ], name
        assert (
            '<th scope="col" class="strip-quiet-sum">2013–2022<span class="visually-hidden">: 3 reports</span></th>'
            in strip.group()
        )
    # A strip that speaks of it from its first report keeps its cells; the wide screen shows
    # every report, the narrow one the sum in their place.
    assert "strip-quiet" not in page(files, "recommendations/supervision/index.html")
    css = files["assets/site.css"].decode()
    assert ".strip .strip-quiet-sum { display: none; }" in css
    for rule in (
        ".strip .strip-quiet { display: none; }",
        ".strip .strip-quiet-sum { display: table-cell; }",
    ):
        media = css[: css.index(f"  {rule}")].rsplit("@media", 1)[1]
        assert media.startswith(" (max-width: 40rem) {\n") and "\n}" not in media, rule


def test_a_recommendation_no_history_follows_says_so_in_its_note(
    fixture_copy: Path, tmp_path: Path
):
    """An imported draft's own recommendations, linked to nothing yet, each had a note saying
    only 'The report's recommendation' (an accessibility audit: a note with nothing in it)."""
    files = built_with_second_report_edited(
        fixture_copy,
        tmp_path,
        "  - quote: The quality of social work supervision\n    tracks: supervision\n",
        "  - quote: The quality of social work supervision\n",
    )
    report = page(files, "reports/2019-06-second/index.html")
    aside = re.search(
        r'<aside [^>]*id="aside-rec-the-quality-of-social-work".*?</aside>', report, re.S
    ).group()
    assert "Not yet linked to a tracked recommendation" in aside
    tracked = re.search(
        r'<aside [^>]*id="aside-rec-raising-awareness-of-private-fostering".*?</aside>',
        report,
        re.S,
    ).group()
    assert "Not yet linked" not in tracked


def test_a_folded_groups_toggle_counts_its_notes_not_its_themes_lines(fixture_files):
    """Beside 2013 ¶2: two notes and a line of themes. The toggle said 'these 3 notes'."""
    report = page(fixture_files, "reports/2013-07-first/index.html")
    group = re.search(r'<div class="notes[^"]*notes-folded" id="notes-p2">.*?</div>', report, re.S)
    assert group is not None
    notes = len(re.findall(r"<aside ", group.group()))
    themes = len(re.findall(r'<p class="tags-inline"', group.group()))
    assert (notes, themes) == (2, 1)
    assert "Show all of these 2 notes and the themes</span>" in group.group()


def test_a_notes_address_stays_when_another_note_is_added_before_it(
    fixture_copy: Path, tmp_path: Path, fixture_files
):
    """Notes were numbered in the order written: adding one renumbered every later note, and
    '2023-09-ilacs#note-117', cited in the data, became another note."""
    before = json.loads(fixture_files["data/annotations.json"])
    first = fixture_copy / "reports" / "2013-07-first.md"
    first.write_text(
        first.read_text().replace(
            "annotations:\n",
            "annotations:\n  - quote: Some records are up to date\n    themes: [records]\n",
            1,
        )
    )
    files, diagnostics = build_files(fixture_project(tmp_path, first.parent.parent))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    after = {a["id"]: a for a in json.loads(files["data/annotations.json"])}
    for a in before:  # every note there was keeps its id, and its words
        assert after[a["id"]]["quote"] == a["quote"], a["id"]
    assert "2013-07-first#note-some-records-are-up-to" in after
    report = page(files, "reports/2013-07-first/index.html")
    assert 'id="aside-note-judged-to-be"' in report


def test_points_on_one_spot_stay_near_their_date_and_their_grade():
    """The 2015 inspection's six grades were spread over two years of the chart's axis."""
    from builder.views.chart import DODGE, ROW, dodge

    for sharing in range(1, 10):
        places = [dodge(at, sharing) for at in range(sharing)]
        assert len(set(places)) == sharing  # none hides another
        assert all(abs(dx) <= 1.5 * DODGE for dx, _ in places)  # a few units, not years
        assert all(abs(dy) <= ROW / 4 for _, dy in places)  # well within the grade's band
    assert dodge(0, 3)[1] == dodge(2, 3)[1] == 0  # up to four: one row, on the grade's line


def test_a_recommendations_strip_links_to_what_its_statuses_mean(fixture_files):
    """A councillor met 'Positive mention' and 'Met' in a strip with no key near it."""
    history = page(fixture_files, "recommendations/supervision/index.html")
    strip_end = history.index("</table>", history.index('class="strip"'))
    after = history[strip_end : strip_end + 300]
    assert (
        '<a href="/about/#statuses">What each status means, and how the latest is found</a>'
        in after
    )


def test_the_charts_years_are_each_labelled_over_fourteen_years(fixture_copy: Path, tmp_path: Path):
    """Wiltshire's chart, 2010 to 2023, labelled every other year and stopped at '22' while the
    2023 grades stood further right."""
    events = fixture_copy / "events.yml"
    events.write_text(
        events.read_text() + '\n- id: 2008-05-visit\n  title: An early visit\n  date: "2008-05"\n'
        "  kind: inspection-report\n  framework: old\n"
    )
    files, diagnostics = build_files(fixture_project(tmp_path, fixture_copy))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    svg = re.search(r'<svg class="grade-chart".*?</svg>', page(files, "timeline/index.html"), re.S)
    labels = re.findall(r'<text class="year"[^>]*>(\d+)</text>', svg.group())
    assert labels == [f"{y:02d}" for y in range(8, 23)]  # 2008 to 2022, every one


def test_a_date_the_document_does_not_state_says_where_it_is_from_in_words(fixture_files):
    """The header and the report's facts say how a date not printed in the document is known,
    in words a reader can follow on a phone (no tooltip), not the content's field value."""
    second = text(fixture_files["reports/2019-06-second/index.html"])
    first = text(fixture_files["reports/2013-07-first/index.html"])
    said = "June 2019 (taken from another source: the document does not state it)"
    assert second.count(said) == 2  # the header, and the facts under it
    assert "(elsewhere" not in second and "not stated in the document)" not in second
    assert first.count("2013 (inferred by the editors)") == 2
    assert "(inferred)" not in first
    assert 'title="The report' not in page(fixture_files, "reports/2013-07-first/index.html")
