"""Citations a reference manager takes: the page's metadata read by Zotero's rules, RIS, BibTeX.

Zotero's "Embedded Metadata" translator reads Highwire Press tags: a page with
`citation_technical_report_institution` is a report (with `citation_journal_title` a journal
article, and a page with only `citation_title` is guessed to be one); each `citation_author` is
split at semicolons, and a name with a comma is read as "surname, forenames", one without as
forenames then a surname. The tests apply those rules to what the builder writes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

# The translator's own map from tag to Zotero field, for the tags a report page carries.
HIGHWIRE_FIELDS = {
    "citation_title": "title",
    "citation_publication_date": "date",
    "citation_date": "date",
    "citation_technical_report_institution": "institution",
    "citation_technical_report_number": "number",
    "citation_publisher": "publisher",
    "citation_public_url": "url",
    "citation_language": "language",
}
# Tags that decide the item type, in the translator's order; the last one met wins.
TYPE_TAGS = {
    "citation_journal_title": "journalArticle",
    "citation_technical_report_institution": "report",
    "citation_conference_title": "conferencePaper",
    "citation_book_title": "bookSection",
    "citation_dissertation_institution": "thesis",
}


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name", "").startswith("citation_"):
            self.tags.append((a["name"], a.get("content") or ""))


def zotero_item(html: str) -> dict:
    """The item Zotero's Embedded Metadata translator makes of a page's Highwire tags."""
    parser = _Meta()
    parser.feed(html)
    item: dict = {"itemType": None, "creators": []}
    guess = None
    for name, value in parser.tags:
        if name in TYPE_TAGS:
            item["itemType"] = TYPE_TAGS[name]
        elif name == "citation_title":
            guess = guess or "journalArticle"
        if name in HIGHWIRE_FIELDS and value.strip():
            item[HIGHWIRE_FIELDS[name]] = " ".join(value.split())
        if name == "citation_author":
            for author in (a.strip() for a in value.split(";")):
                if "," in author:
                    last, _, first = author.partition(",")
                    item["creators"].append({"lastName": last.strip(), "firstName": first.strip()})
                else:
                    first, _, last = author.rpartition(" ")
                    item["creators"].append({"lastName": last, "firstName": first})
    item["itemType"] = item["itemType"] or guess
    return item


def test_zotero_reads_a_report_with_its_institution_and_an_organisation_author(fixture_files):
    html = fixture_files["reports/2013-07-first/index.html"].decode()
    item = zotero_item(html)
    assert item["itemType"] == "report"
    assert item["institution"] == "Ofsted" and item["publisher"] == "Ofsted"
    assert item["number"] == "123456"
    assert item["creators"] == [{"lastName": "Ofsted", "firstName": ""}]
    assert item["url"] == "https://history.example.org/reports/2013-07-first/"
    assert item["title"] == "Inspection of arrangements for the protection of children"


def test_no_report_page_gives_zotero_a_person_who_is_a_team(real_files):
    for name in [n for n in real_files if re.fullmatch(r"reports/[^/]+/index\.html", n)]:
        item = zotero_item(real_files[name].decode())
        assert item["itemType"] == "report", name
        for creator in item["creators"]:
            assert creator["firstName"] == "", (name, creator)  # an organisation, whole


def test_ris_and_bibtex_files_beside_each_report(fixture_files):
    ris = fixture_files["reports/2013-07-first/cite.ris"].decode()
    lines = ris.split("\r\n")
    assert lines[0] == "TY  - RPRT" and lines[-2] == "ER  - " and lines[-1] == ""
    fields = dict(line.split("  - ", 1) for line in lines[:-2])
    assert fields["AU"] == "Ofsted" and "," not in fields["AU"]
    assert fields["PB"] == "Ofsted" and fields["SN"] == "123456" and fields["PY"] == "2013"
    assert fields["UR"] == "https://history.example.org/reports/2013-07-first/"
    assert fields["N1"] == "Original: https://example.org/first.pdf"
    bib = fixture_files["reports/2013-07-first/cite.bib"].decode()
    assert bib.startswith("@techreport{ofsted2013-2013-07-first,\n")
    assert "  author = {{Ofsted}},\n" in bib and "  institution = {Ofsted},\n" in bib
    visit = fixture_files["reports/2019-06-second/cite.ris"].decode()
    assert "DA  - 2019/07/26/\r\n" in visit
    page = fixture_files["reports/2013-07-first/index.html"].decode()
    assert '<a href="/reports/2013-07-first/cite.ris" download>RIS file</a>' in page
    assert '<a href="/reports/2013-07-first/cite.bib" download>BibTeX file</a>' in page


def test_on_a_site_of_several_organisations_a_citation_names_whom_the_report_is_about(tmp_path):
    from conftest import build_files
    from test_organisations import national_project

    files, diagnostics = build_files(national_project(tmp_path / "out"))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    page = files["reports/2019-03-beta/index.html"].decode()
    cited = re.sub(r"<[^>]+>", "", page[page.index('id="citation-report"') :].split("</p>")[0])
    assert (
        "Inspection of children&#39;s services. Beta Borough Council children&#39;s services."
        in cited
    )
    paragraph = page[page.index('id="citation-paragraph"') :].split("</p>")[0]
    assert "</cite>. Beta Borough Council children&#39;s services. " in paragraph
    ris = files["reports/2019-03-beta/cite.ris"].decode()
    assert "N1  - About: Beta Borough Council children's services\r\n" in ris
    bib = files["reports/2019-03-beta/cite.bib"].decode()
    assert "note = {About: Beta Borough Council children's services}" in bib
    # A joint inspection names each organisation it is about.
    joint = files["reports/2022-03-joint-visit/cite.ris"].decode()
    assert re.search(r"N1  - About: .+ and .+\r\n", joint), joint


def test_a_paragraph_is_cited_with_its_number_and_address(fixture_files):
    page = fixture_files["reports/2013-07-first/index.html"].decode()
    cite = page[page.index('id="citation-paragraph"') :]
    cite = cite[: cite.index("</p>")]
    assert "Ofsted (2013), paragraph 2. <cite>" in cite
    assert "https://history.example.org/reports/2013-07-first/#p2</span>" in cite


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


def test_copy_buttons_and_the_paragraph_the_address_points_to(page, fixture_site_url):
    page.goto(f"{fixture_site_url}/reports/2013-07-first/#p4")
    paragraph = page.locator("#citation-paragraph")
    paragraph.filter(has_text="paragraph 4").wait_for()
    assert paragraph.inner_text().endswith("/reports/2013-07-first/#p4")
    page.get_by_role("button", name="Copy the paragraph citation").click()
    page.get_by_text("Copied.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Ofsted (2013), paragraph 4. Inspection of arrangements")
    page.evaluate("location.hash = '#p2'")
    paragraph.filter(has_text="paragraph 2").wait_for()


def test_without_javascript_the_citations_are_text(browser, fixture_site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    assert page.locator(".cite-copy").count() == 0
    assert "paragraph 2" in page.locator("#citation-paragraph").inner_text()
    context.close()


def test_the_paragraph_citation_follows_any_passage_it_is_pointed_at(
    page, fixture_site_url, tmp_path
):
    # An unnumbered passage is cited as the passage at its own address, never as paragraph 2.
    page.goto(f"{fixture_site_url}/reports/2013-07-first/#within-three-months")
    paragraph = page.locator("#citation-paragraph")
    paragraph.filter(has_text="passage").wait_for()
    assert paragraph.inner_text().startswith("Ofsted (2013), passage. Inspection of arrangements")
    assert paragraph.inner_text().endswith("/reports/2013-07-first/#within-three-months")
    assert page.locator("#citation-paragraph-lead").inner_text() == (
        "For the passage this address points to:"
    )
    # A part numbered from 1 again is cited by its label: 'LSCB 1', not the council's 1.
    import shutil

    from conftest import FIXTURE, build_files, fixture_project, serve_folder

    content = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", content)
    first = content / "reports" / "2013-07-first.md"
    first.write_text(
        first.read_text()
        + "\n## Review of the board {: numbering=LSCB }\n\n2. The board's second paragraph.\n"
    )
    files, diagnostics = build_files(fixture_project(tmp_path / "out", content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    for name, data in files.items():
        (tmp_path / "site" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "site" / name).write_bytes(data)
    with serve_folder(tmp_path / "site") as url:
        page.goto(f"{url}/reports/2013-07-first/#lscb-p2")
        paragraph.filter(has_text="LSCB 2").wait_for()
        assert paragraph.inner_text().startswith("Ofsted (2013), paragraph LSCB 2. ")
        assert page.locator("#citation-paragraph-lead").inner_text() == "For paragraph LSCB 2:"


def test_a_site_built_without_its_address_still_cites_whole_addresses(
    page, fixture_site_url, tmp_path
):
    """A reader pasted a citation into a briefing: '…history: /reports/2023-09-ilacs/#p21', no
    site. Built without 'url', the page writes addresses from its root; the browser completes
    them (without script they stay as written)."""
    import shutil

    from conftest import FIXTURE, build_files, fixture_project, serve_folder

    content = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", content)
    settings = content / "site.yml"
    settings.write_text(re.sub(r"(?m)^url: .*\n", "", settings.read_text()))
    files, diagnostics = build_files(fixture_project(tmp_path / "out", content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    assert (
        '<span class="address">/reports/2013-07-first/</span>'
        in files["reports/2013-07-first/index.html"].decode()
    )
    for name, data in files.items():
        (tmp_path / "site" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "site" / name).write_bytes(data)
    with serve_folder(tmp_path / "site") as url:
        page.goto(f"{url}/reports/2013-07-first/#p4")
        paragraph = page.locator("#citation-paragraph")
        paragraph.filter(has_text="paragraph 4").wait_for()
        assert paragraph.inner_text().endswith(f" {url}/reports/2013-07-first/#p4")
        report = page.locator("#citation-report .address").inner_text()
        assert report == f"{url}/reports/2013-07-first/"


def test_a_letter_that_numbers_no_paragraphs_shows_how_to_cite_a_passage(tmp_path):
    """A focused visit's letter numbers no paragraphs: its cite box offered no example to copy."""
    import shutil

    from conftest import FIXTURE, build_files, fixture_project

    content = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", content)
    visit = content / "reports" / "2022-01-visit.md"
    visit.write_text(
        visit.read_text().replace(
            "## Main findings\n",
            "Ofsted\nPiccadilly Gate\nStore Street\nManchester M1 2WD and some other lines here\n\n"
            "## Main findings\n\nThis letter summarises the findings of the focused visit to the "
            "children's services of the council in January 2022.\n",
        )
    )
    files, diagnostics = build_files(fixture_project(tmp_path / "out", content))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    html = files["reports/2022-01-visit/index.html"].decode()
    cite = html[html.index('id="citation-paragraph"') :].split("</p>")[0]
    assert "Ofsted (2022), passage. <cite>Focused visit</cite>." in cite
    # The first sentence of the letter's text, not its letterhead.
    assert cite.endswith("/reports/2022-01-visit/#this-letter-summarises-the-findings-of</span>")
    assert "This document numbers no paragraphs" in html
