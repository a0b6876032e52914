"""A site of several organisations: search filters by organisation and region, data files that
say whose each record is, and a feed for each organisation."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import build_files, serve_folder

from builder.diagnostics import Diagnostics
from builder.load.load import display_path, read_sources
from builder.model.site import build_model
from builder.parse.content import parse_content
from builder.pipeline import build
from builder.render import search
from builder.urls import Urls
from builder.views.dictionary import DICTIONARY, dictionary
from tests.test_organisations import NATIONAL, national_project

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def national_files() -> dict[str, bytes]:
    files, diagnostics = build_files(national_project(Path("/nonexistent")))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[f"data/{name}"].decode("utf-8-sig"))))


def records(files: dict[str, bytes], name: str) -> list[dict]:
    return json.loads(files[f"data/{name}"])


# ---- Data -------------------------------------------------------------------------------------


def test_every_data_file_says_whose_each_record_is(national_files):
    reports = {r["id"]: r for r in rows(national_files, "reports.csv")}
    assert (
        reports["2019-03-beta"]["organisation"],
        reports["2019-03-beta"]["organisation_name"],
        reports["2019-03-beta"]["region"],
    ) == ("beta", "Beta Borough Council children's services", "South West")
    # A joint inspection keeps one row, its organisations joined in the order it names them.
    joint = reports["2022-03-joint-visit"]
    assert joint["organisation"] == "beta;gamma"
    assert joint["organisation_name"] == (
        "Beta Borough Council children's services;Gamma County Council children's services"
    )
    assert joint["region"] == "South West;North East"
    assert {r["id"]: r["organisation"] for r in records(national_files, "reports.json")}[
        "2022-03-joint-visit"
    ] == "beta;gamma"
    # Judgements, of reports and of the earlier inspections they mention.
    judged = {(j["item"], j["organisation"]) for j in rows(national_files, "judgements.csv")}
    assert ("2013-05-gamma", "gamma") in judged and ("2015-alpha-inspection", "alpha") in judged
    assert {j["item"]: j["organisation"] for j in records(national_files, "judgements.json")}[
        "2019-06-second"
    ] == "alpha"
    # A tracked recommendation is one organisation's, in both its files.
    tracked = {r["id"]: r for r in records(national_files, "recommendations.json")}
    assert (tracked["beta-supervision"]["organisation"], tracked["supervision"]["region"]) == (
        "beta",
        "South West",
    )
    statuses = rows(national_files, "recommendations.csv")
    assert {(s["recommendation"], s["organisation"]) for s in statuses} >= {
        ("gamma-records", "gamma"),
        ("supervision", "alpha"),
    }
    assert all(s["organisation_name"] for s in statuses)
    # A passage is its report's organisations'.
    notes = {n["id"]: n for n in rows(national_files, "annotations.csv")}
    assert (
        notes["2022-03-joint-visit#note-gaps-in-the-frequency-of"]["organisation"] == "beta;gamma"
    )
    assert notes["2013-05-gamma#note-supervision-is-regular"]["region"] == "North East"
    assert {n["id"]: n["organisation"] for n in records(national_files, "annotations.json")}[
        "2019-03-beta#note-since-the-last-inspection-in"
    ] == "beta"


def test_the_organisations_have_data_files_of_their_own(national_files):
    listed = {o["id"]: o for o in rows(national_files, "organisations.csv")}
    assert list(listed) == ["alpha", "beta", "gamma"]
    assert listed["alpha"]["codes"] == "la_code=801;urn=80001"
    assert (listed["beta"]["reports"], listed["beta"]["latest_report"]) == (
        "2",
        "2022-03-joint-visit",
    )
    assert listed["gamma"]["feed"] == "https://national.example.org/organisations/gamma/feed.xml"
    assert [o["id"] for o in records(national_files, "organisations.json")] == list(listed)


def test_the_dictionary_documents_every_column_of_a_site_of_several(national_files):
    documented = dictionary(True)
    page = national_files["data/index.html"].decode()
    written = [n[5:] for n in national_files if n.startswith("data/") and n != "data/index.html"]
    assert sorted(written) == sorted(documented)
    assert re.findall(r'<li><a href="/data/([^"]+)">', page) == list(documented)
    for name in written:
        keys = {key for key, _ in documented[name][1]}
        blob = national_files[f"data/{name}"].decode("utf-8-sig")
        if name.endswith(".csv"):
            assert set(next(csv.reader(io.StringIO(blob)))) == keys, name
        elif name.endswith(".json"):
            assert all(set(record) <= keys for record in json.loads(blob)), name
        for key in keys:
            assert f"<code>{key}</code>" in page.replace("<wbr>", ""), (name, key)
    assert {d["file"] for d in rows(national_files, "dictionary.csv")} == set(documented)
    # A site of one organisation documents the files it has always had.
    assert dictionary(False) is DICTIONARY
    assert "organisation" not in {k for _, keys in DICTIONARY.values() for k, _ in keys}


# ---- Feeds ------------------------------------------------------------------------------------


def feed(files: dict[str, bytes], name: str) -> ET.Element:
    return ET.fromstring(files[name])


def test_each_organisation_has_a_feed_of_its_own_reports_newest_first(national_files):
    beta = feed(national_files, "organisations/beta/feed.xml")
    assert beta.tag == f"{ATOM}feed"
    assert beta.findtext(f"{ATOM}title") == (
        "Beta Borough Council children's services · Example national history"
    )
    base = "https://national.example.org"
    assert beta.findtext(f"{ATOM}id") == f"{base}/organisations/beta/"
    links = {link.get("rel", "alternate"): link.get("href") for link in beta.findall(f"{ATOM}link")}
    assert links == {
        "self": f"{base}/organisations/beta/feed.xml",
        "alternate": f"{base}/organisations/beta/",
    }
    entries = beta.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"{base}/reports/2022-03-joint-visit/",
        f"{base}/reports/2019-03-beta/",
    ]
    assert entries[0].findtext(f"{ATOM}title") == "Focused visit, Beta and Gamma (4 April 2022)"
    assert beta.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    for entry in entries:  # what Atom requires of an entry
        assert entry.findtext(f"{ATOM}updated") and entry.find(f"{ATOM}author") is not None
    # The joint inspection is in each of its organisations' feeds; alpha's holds alpha's alone.
    gamma = feed(national_files, "organisations/gamma/feed.xml")
    assert f"{base}/reports/2022-03-joint-visit/" in [
        e.findtext(f"{ATOM}id") for e in gamma.findall(f"{ATOM}entry")
    ]
    alpha = feed(national_files, "organisations/alpha/feed.xml")
    assert [e.findtext(f"{ATOM}id") for e in alpha.findall(f"{ATOM}entry")] == [
        f"{base}/reports/2022-01-visit/",
        f"{base}/reports/2019-06-second/",
        f"{base}/reports/2013-07-first/",
    ]
    # The site's feed says whose each report is; no feed is in the sitemap.
    site = feed(national_files, "feed.xml")
    titles = [e.findtext(f"{ATOM}title") for e in site.findall(f"{ATOM}entry")]
    assert "Inspection of children's services, Alpha (26 July 2019)" in titles
    assert b"feed.xml" not in national_files["sitemap.xml"]


def test_a_site_of_one_organisation_has_no_organisation_feeds(fixture_files):
    assert not [n for n in fixture_files if n.startswith("organisations/")]


# ---- Search -----------------------------------------------------------------------------------


def test_each_reports_passages_are_filtered_by_its_organisations_and_their_regions(
    national_site,
):
    found = {r.report: r for r in search.records(national_site, Urls("/"))}
    joint = dict(found["2022-03-joint-visit"].filters)
    assert joint["organisation"] == ("Beta", "Gamma")
    assert joint["region"] == ("North East", "South West")
    # Two organisations' reports may share a title, and their recommendations too: each says whose.
    assert joint["report"] == ("2022 · Focused visit, Beta and Gamma",)
    gamma = dict(found["2013-05-gamma"].filters)
    assert gamma["recommendation"] == ("Regular supervision (Gamma)",)
    assert dict(found["2013-07-first"].filters)["recommendation"] == (
        "Regular supervision (Alpha)",
    )
    alpha = dict(found["2019-06-second"].filters)
    assert (alpha["organisation"], alpha["region"]) == (("Alpha",), ("South West",))
    assert found["2019-06-second"].title == "Inspection of children's services, Alpha"


@pytest.fixture(scope="module")
def national_site():
    diagnostics = Diagnostics()
    content = parse_content(
        read_sources(NATIONAL, diagnostics), diagnostics, display_path(NATIONAL)
    )
    return build_model(content, diagnostics)


@pytest.fixture(scope="module")
def national_served(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("national")
    diagnostics = Diagnostics()
    assert build(national_project(root / "site"), diagnostics), [
        d.format() for d in diagnostics.sorted()
    ]
    return root / "site"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def hits(page) -> list[str]:
    links = page.locator("#search-results .search-place a")
    return [h.split("/reports/", 1)[1] for h in links.evaluate_all("as => as.map(a => a.href)")]


def test_a_search_filtered_by_organisation_or_region_finds_its_passages_alone(
    page, national_served
):
    with serve_folder(national_served) as base:
        page.goto(f"{base}/search/?q=supervision")
        page.wait_for_selector("body[data-search-ready]")
        every = {h.split("/")[0] for h in hits(page)}
        assert {"2019-03-beta", "2013-05-gamma", "2019-06-second"} <= every
        assert not page.get_by_label("Organisation").is_visible()  # folded, as the others are
        page.locator("#search-options > summary").click()
        organisations = page.get_by_label("Organisation").locator("option").all_text_contents()
        assert organisations == ["Any", "Alpha", "Beta", "Gamma"]
        page.get_by_label("Organisation").select_option("Beta")
        page.wait_for_url("**/search/?q=supervision&organisation=Beta")
        page.wait_for_function(
            "document.getElementById('search-status').textContent.includes(' in 2 reports ')"
        )
        assert {h.split("/")[0] for h in hits(page)} == {"2019-03-beta", "2022-03-joint-visit"}
        names = page.locator("#search-results .search-report-name").all_inner_texts()
        assert ", 2022 · Focused visit, Beta and Gamma" in names
        # By region: the North East is gamma's, and the joint visit is gamma's too.
        page.goto(f"{base}/search/?q=supervision&region=North+East")
        page.wait_for_selector("body[data-search-ready]")
        assert page.get_by_label("Region").input_value() == "North East"
        assert {h.split("/")[0] for h in hits(page)} == {"2013-05-gamma", "2022-03-joint-visit"}


@pytest.mark.parametrize("which", ["national", "one organisation"])
def test_the_headline_flag_of_the_judgements_gives_each_reports_headline_grade(
    national_files, fixture_files, which
):
    """Gamma's 2013 report marks no headline: its framework's 'Overall effectiveness' is, and
    reports.csv, the pages and the organisations list give it; judgements.csv said false for
    every judgement of it, so a researcher filtering on headline lost Gamma."""
    files = national_files if which == "national" else fixture_files
    judgements = rows(files, "judgements.csv")
    checked = 0
    for report in rows(files, "reports.csv"):
        flagged = [j for j in judgements if j["item"] == report["id"] and j["headline"] == "true"]
        if report["headline_grade"]:
            assert [j["grade_label"] for j in flagged] == [report["headline_grade"]], report["id"]
            checked += 1
        else:
            assert flagged == [], report["id"]
    assert checked >= 2


def test_the_organisations_export_holds_the_list_as_it_is_shown(national_files):
    """The list shows each organisation's latest headline grade, last inspection and open
    recommendations; its export held none of them, so it could not be downloaded as shown."""
    listed = national_files["organisations/index.html"].decode()
    shown = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", listed, re.S):
        oid = re.search(r'href="/organisations/([\w-]+)/"', row).group(1)
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        grade = re.search(r'<span class="grade grade-(\d)">([^<]+)</span>', cells[1])
        last = re.search(r'<a href="/reports/([\w-]+)/">', cells[2]).group(1)
        shown[oid] = (grade.group(2), grade.group(1), last, cells[4].strip())
    exported = {
        r["id"]: (
            r["latest_headline_grade"],
            r["latest_headline_ordinal"],
            r["latest_report"],
            r["open_recommendations"],
        )
        for r in rows(national_files, "organisations.csv")
    }
    assert exported == shown and len(shown) == 3
    beta = next(r for r in rows(national_files, "organisations.csv") if r["id"] == "beta")
    assert (beta["last_inspected"], beta["latest_graded_report"]) == ("2022-03-07", "2019-03-beta")
    assert json.loads(national_files["data/organisations.json"])[1]["open_recommendations"] == 2


def test_a_feed_entry_without_a_summary_says_the_reports_kind_dates_and_grade(national_files):
    """An imported report has no editors' summary: its entry repeated its title ('Focused
    visit'), with no grade, where its page's header gives the inspection's dates and grade."""
    feed = ET.fromstring(national_files["organisations/beta/feed.xml"])
    atom = "{http://www.w3.org/2005/Atom}"
    said = {
        entry.find(f"{atom}link").get("href"): entry.find(f"{atom}summary").text
        for entry in feed.iter(f"{atom}entry")
    }
    assert said["https://national.example.org/reports/2019-03-beta/"] == (
        "Inspection of children's services. Inspection report; inspected March 2019; "
        "Overall effectiveness: Inadequate."
    )
    assert said["https://national.example.org/reports/2022-03-joint-visit/"] == (
        "Focused visit. Inspected 7 to 8 March 2022."
    )
