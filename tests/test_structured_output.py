"""The feed, sitemap, robots.txt and CSV files: made from templates, valid for any content."""

from __future__ import annotations

import csv
import io
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import THEME, build_files

from builder.load.load import Project, Templates
from builder.parse.records import PartialDate
from builder.render.data import spreadsheet_safe
from builder.render.feeds import Feed, FeedEntry, feed_date, xml_environment

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def build_copy(content: Path, tmp_path: Path, templates: Path | None = None) -> dict[str, bytes]:
    project = Project(content, templates or THEME / "templates", THEME / "assets", tmp_path / "out")
    files, diagnostics = build_files(project)
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def test_quotes_angle_brackets_and_ampersands_never_break_the_xml(
    fixture_copy: Path, tmp_path: Path
):
    title = 'Tom & Jerry\'s "<history>" ]]> <!-- x -->'
    edit(
        fixture_copy / "site.yml",
        "title: Example history",
        f"title: '{title.replace(chr(39), 2 * chr(39))}'",
    )
    # The address is an origin only (a query would be refused), so the awkward characters go in
    # the base path, which every absolute URL carries.
    edit(fixture_copy / "site.yml", "base_path: /", "base_path: '/a&b\"<c>/'")
    edit(
        fixture_copy / "reports" / "2019-06-second.md",
        "title: Inspection of children's services",
        "title: 'Inspection </title><script>alert(1)</script> & \"more\"'",
    )
    files = build_copy(fixture_copy, tmp_path)
    feed = ET.fromstring(files["feed.xml"])
    assert feed.find(f"{ATOM}title").text == title
    titles = [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")]
    assert 'Inspection </title><script>alert(1)</script> & "more" (26 July 2019)' in titles
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == 'https://history.example.org/a&b"<c>/feed.xml'
    locs = [loc.text for loc in ET.fromstring(files["sitemap.xml"]).iter(f"{SITEMAP}loc")]
    assert 'https://history.example.org/a&b"<c>/about/' in locs
    assert files["robots.txt"].decode().count("\n") == 3


def test_the_feed_template_can_be_overridden(fixture_copy: Path, tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(THEME / "templates", templates)
    edit(
        templates / "feed.xml",
        "<title>{{ feed.title }}</title>",
        "<title>{{ feed.title }} (news)</title>",
    )
    edit(templates / "robots.txt", "Allow: /", "Disallow: /drafts/")
    files = build_copy(fixture_copy, tmp_path, templates)
    assert ET.fromstring(files["feed.xml"]).find(f"{ATOM}title").text == "Example history (news)"
    assert b"Disallow: /drafts/\n" in files["robots.txt"]


def test_feed_dates_come_from_the_content_and_never_invent_a_first_of_january(
    fixture_copy: Path, tmp_path: Path
):
    # The fixture's 2013 report is dated only by its year; make the 2019 one known to the month.
    edit(
        fixture_copy / "reports" / "2019-06-second.md",
        "published: 2019-07-26",
        'published: "2019-07"',
    )
    files = build_copy(fixture_copy, tmp_path)
    feed = ET.fromstring(files["feed.xml"])
    dates = {
        e.find(f"{ATOM}link").get("href").rsplit("/", 2)[1]: (
            e.findtext(f"{ATOM}published"),
            e.findtext(f"{ATOM}updated"),
        )
        for e in feed.iter(f"{ATOM}entry")
    }
    assert dates == {
        "2022-01-visit": ("2022-02-28T00:00:00Z", "2022-02-28T00:00:00Z"),
        "2019-06-second": (None, "2019-07-31T00:00:00Z"),
        "2013-07-first": (None, "2013-12-31T00:00:00Z"),
    }
    assert feed.findtext(f"{ATOM}updated") == "2022-02-28T00:00:00Z"


def test_feed_date_of_a_partial_date_is_the_last_day_it_can_be():
    assert feed_date(PartialDate(2013, 7, 8)) == "2013-07-08T00:00:00Z"
    assert feed_date(PartialDate(2024, 2)) == "2024-02-29T00:00:00Z"
    assert feed_date(PartialDate(2013)) == "2013-12-31T00:00:00Z"


def test_characters_xml_cannot_hold_are_left_out_of_the_feed():
    templates = Templates(
        str(THEME / "templates"), {"feed.xml": (THEME / "templates" / "feed.xml").read_text()}
    )
    entry = FeedEntry(
        "A\x01B\x1b\ufffe", "2013", "https://x.example/", "", "2013-12-31T00:00:00Z", "O\x08", "S"
    )
    feed = Feed(
        "T\x00", "https://x.example/feed.xml", "https://x.example/", entry.updated, (entry,)
    )
    xml = xml_environment(templates).get_template("feed.xml").render(feed=feed)
    parsed = ET.fromstring(xml.encode())
    assert parsed.findtext(f"{ATOM}entry/{ATOM}title") == "AB (2013)"


def test_csv_cells_that_would_run_as_formulas_are_neutralised(fixture_copy: Path, tmp_path: Path):
    edit(
        fixture_copy / "reports" / "2019-06-second.md",
        "publisher: Ofsted",
        'publisher: \'=HYPERLINK("https://evil.example","click")\'',
    )
    edit(
        fixture_copy / "reports" / "2019-06-second.md",
        "title: Inspection of children's services",
        "title: '@SUM(1+1)*cmd|'' /C calc''!A0'",
    )
    files = build_copy(fixture_copy, tmp_path)
    rows = list(csv.DictReader(io.StringIO(files["data/reports.csv"].decode("utf-8-sig"))))
    row = next(r for r in rows if r["id"] == "2019-06-second")
    assert row["publisher"] == '\'=HYPERLINK("https://evil.example","click")'
    assert row["title"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    for value in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert spreadsheet_safe(value) == "'" + value
    assert spreadsheet_safe("2013-07") == "2013-07" and spreadsheet_safe(3) == 3


def test_a_report_added_later_is_new_in_the_feed(fixture_copy: Path, tmp_path: Path):
    # An old report added to the collection today must reach feed readers as new: its entry is
    # dated by the day it was added (from the content, never the clock), and comes first.
    report = fixture_copy / "reports" / "2013-07-first.md"
    text = report.read_text()
    assert "\nkind:" in text
    report.write_text(text.replace("\nkind:", "\nadded: 2026-11-01\nkind:", 1))
    files = build_copy(fixture_copy, tmp_path)
    feed = ET.fromstring(files["feed.xml"])
    entries = list(feed.iter(f"{ATOM}entry"))
    assert entries[0].find(f"{ATOM}link").get("href").endswith("/reports/2013-07-first/")
    assert entries[0].find(f"{ATOM}updated").text == "2026-11-01T00:00:00Z"
    assert feed.find(f"{ATOM}updated").text == "2026-11-01T00:00:00Z"


def test_the_data_page_names_exactly_the_data_files_the_build_makes(fixture_files):
    """The data page is planned before the data files are made, from the list of their names."""
    from builder.render.data import DATA_NAMES

    made = [n.removeprefix("data/") for n in fixture_files if n.startswith("data/")]
    assert tuple(n for n in made if n != "index.html") == DATA_NAMES
    page = fixture_files["data/index.html"].decode()
    assert [page.index(f'href="/data/{n}"') for n in DATA_NAMES] == sorted(
        page.index(f'href="/data/{n}"') for n in DATA_NAMES
    )
