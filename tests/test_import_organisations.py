"""`import` and the organisations: a draft names its organisation by id, and an organisation the
project does not know yet gets an entry at the end of content/organisations.yml.

The report schema gains `organisation` with the organisation model; until then the importer
writes the name as a comment, and the end-to-end test here is skipped. The functions the
importer uses are tested directly either way.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from pdfgen import make_pdf

import builder
from builder import cli
from builder.editing.importpdf import (
    Found,
    Metadata,
    Outcome,
    add_organisations,
    core_name,
    find_organisation,
    front_matter,
    in_order,
    match_organisation,
    organisation_ids,
    read_metadata,
    read_pdf,
    short_name,
)
from builder.model.organisations import EXAMPLES
from builder.parse.parse import REPORT

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "import" / "real"
WILTSHIRE = Metadata(
    "wiltshire",
    "Wiltshire Council",
    "",
    "",
    organisation_kind="local-authority",
    region="South West",
    codes={"la_code": "865"},
)


def test_the_metadata_files_columns_give_the_organisation(tmp_path):
    csv = tmp_path / "m.csv"
    csv.write_text(
        "file,organisation,organisation_name,organisation_kind,region,la_code,urn,published\n"
        "a.pdf,wiltshire,Wiltshire Council,local-authority,South West,865,,2019-07-22\n",
        encoding="utf-8",
    )
    meta = read_metadata(csv)["a.pdf"]
    assert meta.organisation == "wiltshire" and meta.organisation_name == "Wiltshire Council"
    assert meta.organisation_kind == "local-authority" and meta.region == "South West"
    assert meta.codes == {"la_code": "865"}  # an empty code is no code
    assert meta.published == "2019-07-22"


def test_the_id_is_the_metadata_files_and_the_entry_holds_what_it_says():
    printed = {"organisation": Found("Wiltshire Council", 1, "the cover names it")}
    found, entries = organisation_ids(printed, WILTSHIRE, "m.csv", {})
    assert found is not None and found.value == ["wiltshire"] and found.page == 0
    assert entries == [
        {
            "id": "wiltshire",
            "name": "Wiltshire Council",
            "short_name": "Wiltshire",  # as lists show it
            "kind": "local-authority",
            "region": "South West",
            "codes": {"la_code": "865"},
        }
    ]


def test_without_metadata_a_printed_name_finds_the_projects_organisation():
    printed = {"organisation": Found("Wiltshire  Council", 1, "the cover names it")}
    found, entries = organisation_ids(printed, None, "", {"wilts": "Wiltshire Council"})
    assert found is not None and found.value == ["wilts"]
    assert entries == [{"id": "wilts", "name": "Wiltshire  Council", "short_name": "Wiltshire"}]
    found, entries = organisation_ids(printed, None, "", {})
    assert found is not None and found.value == ["wiltshire"]  # made from the name's core
    assert organisation_ids({}, None, "", {}) == (None, [])


def test_a_joint_inspection_names_each_organisation():
    meta = Metadata("cheshire-east; cheshire-west", "Cheshire East Council; Cheshire West", "", "")
    found, entries = organisation_ids({}, meta, "m.csv", {})
    assert found is not None and found.value == ["cheshire-east", "cheshire-west"]
    assert [e["name"] for e in entries] == ["Cheshire East Council", "Cheshire West"]


def test_the_front_matter_names_the_organisation_by_id_once_reports_have_the_key():
    facts = {"organisation": Found(["wiltshire"], 0, "from elsewhere: m.csv")}
    text = front_matter(facts, "2019-06-inspection", "a.pdf", 1, organisation_key=True)
    assert "\norganisation: wiltshire  # confirm: from elsewhere: m.csv\n" in text
    facts = {"organisation": Found(["a", "b"], 0, "from elsewhere: m.csv")}
    text = front_matter(facts, "2019-06-inspection", "a.pdf", 1, organisation_key=True)
    assert "\norganisation: [a, b]  # confirm" in text


def test_a_new_organisation_is_appended_and_existing_entries_are_never_rewritten(tmp_path):
    path = tmp_path / "content" / "organisations.yml"
    assert add_organisations(path, [{"id": "wiltshire", "name": "Wiltshire Council"}]) == (
        ["wiltshire"],
        "",
    )
    first = path.read_text(encoding="utf-8")
    assert first.startswith("# The organisations the reports are about")
    assert yaml.safe_load(first) == [{"id": "wiltshire", "name": "Wiltshire Council"}]
    # An editor's own entry and comment, without a final newline, stay as they are.
    path.write_text(first + "- id: bath  # checked\n  name: Bath and North East Somerset", "utf-8")
    before = path.read_text(encoding="utf-8")
    added = add_organisations(
        path,
        [
            {"id": "wiltshire", "name": "Another name"},
            {"id": "kent", "name": 'Kent "County" Council', "codes": {"la_code": "886"}},
            {"id": "kent", "name": "Kent again"},
        ],
    )
    assert added == (["kent"], "")
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before + "\n")
    assert yaml.safe_load(after)[-1] == {
        "id": "kent",
        "name": 'Kent "County" Council',
        "codes": {"la_code": "886"},
    }
    assert add_organisations(path, [{"id": "kent", "name": "x"}]) == ([], "")
    assert path.read_text(encoding="utf-8") == after


def test_an_organisations_file_that_cannot_be_read_or_is_a_link_is_left_alone(tmp_path):
    path = tmp_path / "organisations.yml"
    path.write_text("id: not a list\n", encoding="utf-8")
    added, problem = add_organisations(path, [{"id": "kent", "name": "Kent"}])
    assert added == [] and "not a list" in problem
    assert path.read_text(encoding="utf-8") == "id: not a list\n"
    path.write_text("- [unclosed\n", encoding="utf-8")
    assert add_organisations(path, [{"id": "kent", "name": "Kent"}])[1].startswith("cannot be read")
    link = tmp_path / "linked.yml"
    link.symlink_to(tmp_path / "elsewhere.yml")
    assert "symbolic link" in add_organisations(link, [{"id": "kent", "name": "Kent"}])[1]
    assert not (tmp_path / "elsewhere.yml").exists()


@pytest.mark.skipif(
    "organisation" not in REPORT.keys,
    reason="reports name no organisation by id yet: the report schema has no 'organisation' key",
)
def test_import_writes_the_id_and_adds_the_organisation(tmp_path, capsys):
    assert cli.main(["init", str(tmp_path / "h")]) == 0
    name = "ilacs-2019-oldham-p1.pdf"
    csv = tmp_path / "m.csv"
    csv.write_text(
        "file,organisation,organisation_name,organisation_kind,region,la_code\n"
        f"{name},oldham,Oldham Council,local-authority,North West,353\n",
        encoding="utf-8",
    )
    organisations = tmp_path / "h" / "content" / "organisations.yml"
    before = organisations.read_text(encoding="utf-8") if organisations.exists() else ""
    capsys.readouterr()
    status = cli.main(
        ["import", str(REAL / name), "--root", str(tmp_path / "h"), "--metadata", str(csv)]
    )
    err = capsys.readouterr().err
    assert status == 0, err
    assert "added organisation 'oldham' to " in err
    after = organisations.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert {
        "id": "oldham",
        "name": "Oldham Council",
        "short_name": "Oldham",
        "kind": "local-authority",
        "region": "North West",
        "codes": {"la_code": "353"},
    } in yaml.safe_load(after)
    (draft,) = (tmp_path / "h" / "content" / "reports").glob("2019-01-*.md")
    assert "\norganisation: oldham  # confirm: from elsewhere: " in draft.read_text("utf-8")


def cover(path: Path, *blocks: str) -> Path:
    return make_pdf("\n\n".join(blocks), path, "Ofsted", "Page")


def test_a_cover_that_prints_the_area_above_the_title_names_the_organisation(tmp_path):
    # 2014-2019 covers print the area in the largest type, some without "Council".
    hull = REAL / "sif-2015-hull-p1-39.pdf"
    found = find_organisation(read_pdf(hull, hull.name))
    assert found is not None and found.value == "Kingston upon Hull" and found.page == 1
    stockton = cover(
        tmp_path / "s.pdf",
        "# Stockton-on-Tees",
        "## Inspection of children’s social care services",
        "Inspection dates: 20 May 2019 to 24 May 2019",
    )
    found = find_organisation(read_pdf(stockton, "s.pdf"))
    assert found is not None and found.value == "Stockton-on-Tees"


def test_a_sentence_about_an_earlier_inspection_is_not_a_title(tmp_path):
    pdf = cover(
        tmp_path / "h.pdf",
        "# Halton Borough Council",
        "## Inspection of local authority children’s services",
        "Since the last inspection of the local authority children’s services under the single "
        "inspection framework in November 2014, the local authority has made improvements.",
    )
    found = find_organisation(read_pdf(pdf, "h.pdf"))
    assert found is not None and found.value == "Halton Borough Council"
    # Nor does a title name "the" (nothing but words that say what kind of council).
    pdf = cover(tmp_path / "t.pdf", "# Inspection of the local authority children’s services")
    assert find_organisation(read_pdf(pdf, "t.pdf")) is None


def test_a_name_without_what_kind_of_council_it_is_finds_the_known_organisation():
    assert core_name("Lancashire County Council") == core_name("Lancashire") == "lancashire"
    assert core_name("London Borough of Merton Council") == "merton"
    assert core_name("Durham County Council") == core_name("County Durham") == "durham"
    assert core_name("Brighton & Hove City Council") == core_name("Brighton and Hove")
    assert core_name("the") == ""
    known = {"lancs": "Lancashire County Council", "hull": "Kingston upon Hull City Council"}
    assert match_organisation("Lancashire", known) == "lancs"
    assert match_organisation("Kingston upon Hull", known) == "hull"
    assert match_organisation("Kingston upon Thames", known) is None
    assert match_organisation("North Lincolnshire", {"l": "Lincolnshire County Council"}) is None
    # The short name lists show: without what kind of council it is.
    assert short_name("London Borough of Bexley") == "Bexley"
    assert short_name("Kingston upon Hull City Council") == "Kingston upon Hull"
    assert short_name("Stockton-on-Tees") == "Stockton-on-Tees"
    # The same name wins over the same core: a metropolitan borough and its county namesake.
    both = {"a": "Lancashire", "b": "Lancashire County Council"}
    assert match_organisation("Lancashire County Council", both) == "b"
    printed = {"organisation": Found("Lancashire", 1, "the title names it")}
    found, _ = organisation_ids(printed, None, "", known)
    assert found is not None and found.value == ["lancs"]


def test_outcomes_are_taken_in_the_pdfs_order_whichever_finishes_first():
    pending = [0, 1, 2, 3]
    done = {2: Outcome("c"), 1: Outcome("b")}
    assert list(in_order(pending, done)) == []  # the first is not done yet
    done[0] = Outcome("a")
    assert [i for i, _ in in_order(pending, done)] == [0, 1, 2]
    assert pending == [3] and done == {}


@pytest.mark.skipif("organisation" not in REPORT.keys, reason="no 'organisation' key yet")
def test_one_run_gives_each_authority_one_id_and_names_it_in_every_report_id(tmp_path, capsys):
    """Without a metadata file: a name printed two ways is one organisation, the drafts are
    written in the PDFs' order, and once the run meets two organisations every id names its
    own, the first draft's too."""
    assert cli.main(["init", str(tmp_path / "h")]) == 0
    for example in (tmp_path / "h" / "content" / "reports").glob("*.md"):
        example.unlink()
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    (pdfs / "1-hull.pdf").write_bytes((REAL / "sif-2015-hull-p1-39.pdf").read_bytes())
    cover(
        pdfs / "2-hull.pdf",
        "# Inspection of Kingston upon Hull City Council local authority children’s services",
        "Inspection dates: 11 to 22 March 2024",
        "Lead inspector: A Person, His Majesty’s Inspector",
    )
    (pdfs / "3-wiltshire.pdf").write_bytes((REAL / "ilacs-2023-wiltshire-p1-2.pdf").read_bytes())
    capsys.readouterr()
    status = cli.main(["import", str(pdfs), "--root", str(tmp_path / "h"), "--jobs", "2"])
    err = capsys.readouterr().err
    assert status == 0, err
    content = tmp_path / "h" / "content"
    organisations = yaml.safe_load((content / "organisations.yml").read_text("utf-8"))
    assert [(o["id"], o["name"]) for o in organisations] == [
        ("kingston-upon-hull", "Kingston upon Hull"),
        ("wiltshire", "Wiltshire Council"),
    ]
    drafts = {p.name: p.read_text("utf-8") for p in (content / "reports").glob("*.md")}
    assert sorted(drafts) == [
        "2014-11-kingston-upon-hull-inspection-report.md",
        "2023-09-wiltshire-inspection-report.md",
        "2024-03-kingston-upon-hull-inspection-report.md",
    ]
    second = drafts["2024-03-kingston-upon-hull-inspection-report.md"]
    assert "\norganisation: kingston-upon-hull  # confirm: page 1, the title " in second
    lines = [line for line in err.splitlines() if "draft written from" in line]
    assert [line.split(" from ")[1].split(" ")[0] for line in lines] == [
        str(pdfs / name) for name in ("1-hull.pdf", "2-hull.pdf", "3-wiltshire.pdf")
    ]
    # A metadata file that names the first with an id of its own: the second, which it does
    # not name, finds that id by the name the file gave.
    shutil.rmtree(content / "reports")
    (content / "organisations.yml").unlink()
    csv = tmp_path / "m.csv"
    csv.write_text(
        "file,organisation,organisation_name\n1-hull.pdf,hull,Kingston upon Hull City Council\n",
        encoding="utf-8",
    )
    status = cli.main(["import", str(pdfs), "--root", str(tmp_path / "h"), "--metadata", str(csv)])
    err = capsys.readouterr().err
    assert status == 0, err
    organisations = yaml.safe_load((content / "organisations.yml").read_text("utf-8"))
    assert [o["id"] for o in organisations] == ["hull", "wiltshire"]
    second = (content / "reports" / "2024-03-hull-inspection-report.md").read_text("utf-8")
    assert "\norganisation: hull  # confirm: page 1, the title " in second


@pytest.mark.skipif("organisation" not in REPORT.keys, reason="no 'organisation' key yet")
def test_a_run_about_one_organisation_keeps_short_ids(tmp_path, capsys):
    assert cli.main(["init", str(tmp_path / "h")]) == 0
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    for name in ("sif-2015-wiltshire-p1.pdf", "ilacs-2023-wiltshire-p1-2.pdf"):
        (pdfs / name).write_bytes((REAL / name).read_bytes())
    capsys.readouterr()
    status = cli.main(["import", str(pdfs), "--root", str(tmp_path / "h")])
    err = capsys.readouterr().err
    assert status == 0, err
    reports = tmp_path / "h" / "content" / "reports"
    made = {p.name for p in reports.glob("20??-??-inspection-report.md")}
    assert made == {"2015-06-inspection-report.md", "2023-09-inspection-report.md"}, err


@pytest.mark.skipif("organisation" not in REPORT.keys, reason="no 'organisation' key yet")
def test_a_stopped_run_writes_the_drafts_it_held(tmp_path, capsys, monkeypatch):
    """A run about one organisation holds its drafts until it ends (a second organisation would
    rename them); stopped with Ctrl-C, it writes those it has read."""
    import concurrent.futures

    real = concurrent.futures.as_completed

    def stopped_after_one(futures, timeout=None):
        for future in real(futures, timeout):
            yield future
            raise KeyboardInterrupt

    assert cli.main(["init", str(tmp_path / "h")]) == 0
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    for name in ("sif-2015-wiltshire-p1.pdf", "ilacs-2023-wiltshire-p1-2.pdf"):
        (pdfs / name).write_bytes((REAL / name).read_bytes())
    monkeypatch.setattr(concurrent.futures, "as_completed", stopped_after_one)
    capsys.readouterr()
    status = cli.main(["import", str(pdfs), "--root", str(tmp_path / "h"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert status == 130, err
    reports = tmp_path / "h" / "content" / "reports"
    assert [p.name for p in reports.glob("20??-??-inspection-report.md")] == [
        "2023-09-inspection-report.md"
    ], err
    assert "draft written from" in err


def test_init_s_examples_left_in_a_site_made_national_are_named_as_such(tmp_path, capsys):
    assert cli.main(["init", str(tmp_path / "h")]) == 0
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    (pdfs / "1-oldham.pdf").write_bytes((REAL / "ilacs-2019-oldham-p1.pdf").read_bytes())
    (pdfs / "2-wiltshire.pdf").write_bytes((REAL / "ilacs-2023-wiltshire-p1-2.pdf").read_bytes())
    status = cli.main(["import", str(pdfs), "--root", str(tmp_path / "h")])
    assert status == 0, capsys.readouterr().err
    capsys.readouterr()
    assert cli.main(["check", "--root", str(tmp_path / "h")]) == 1
    err = capsys.readouterr().err.splitlines()
    errors = ["content/" + line.split("/content/", 1)[1] for line in err if "whom this" in line]
    assert errors == [
        "content/recommendations.yml:14: error: this site has 2 organisations: say whom this "
        "tracked recommendation is about (hint: it is init's example tracked recommendation: "
        "delete it once your own are in; if it is the last in its file, leave [] for none)",
        "content/reports/2019-06-example-inspection.md:1: error: this site has 2 organisations: "
        "say whom this report is about (hint: it is init's example report: delete it once your "
        "own are in)",
    ]


def test_the_examples_named_are_the_ones_init_writes():
    starter = Path(builder.__file__).parent / "starter" / "content"
    (report,) = (starter / "reports").glob("*.md")
    recommendations = yaml.safe_load((starter / "recommendations.yml").read_text("utf-8"))
    title = yaml.safe_load(report.read_text("utf-8").split("---")[1])["title"]
    assert EXAMPLES == {
        "report": (report.stem, title),
        "tracked recommendation": (recommendations[0]["id"], recommendations[0]["title"]),
    }


def test_a_history_made_national_asks_whose_each_tracked_recommendation_is_and_only_that(
    tmp_path, capsys
):
    # A one-organisation history whose report tracks a recommendation of the editors' own…
    site = tmp_path / "h"
    assert cli.main(["init", str(site)]) == 0
    recommendations = site / "content" / "recommendations.yml"
    recommendations.write_text(
        recommendations.read_text().replace("Regular, recorded supervision", "Supervision")
    )
    (tmp_path / "wiltshire.pdf").write_bytes((REAL / "ilacs-2023-wiltshire-p1-2.pdf").read_bytes())
    assert cli.main(["import", str(tmp_path / "wiltshire.pdf"), "--root", str(site)]) == 0
    (draft,) = (site / "content" / "reports").glob("2023-*.md")
    text = draft.read_text().replace(
        "publisher: # to do: who issued the document", "publisher: Ofsted"
    )
    first = re.search(r"(?m)^  - quote: .*\n", text)
    assert first is not None
    draft.write_text(
        text[: first.end()]
        + "    tracks: regular-supervision\n    status: raised\n"
        + text[first.end() :]
    )
    # …is made national by another authority's report: the tracked recommendation must say
    # whose it is, and that is all that is said of it.
    (tmp_path / "oldham.pdf").write_bytes((REAL / "ilacs-2019-oldham-p1.pdf").read_bytes())
    capsys.readouterr()
    assert cli.main(["import", str(tmp_path / "oldham.pdf"), "--root", str(site)]) == 0
    # The import says so as it adds the second organisation.
    assert (
        "organisations.yml: note: the site now has 2 organisations, so each report, tracked "
        "recommendation and earlier inspection says whose it is with 'organisation: ID'"
    ) in capsys.readouterr().err
    assert cli.main(["check", "--root", str(site)]) == 1
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if "regular-supervision" in line or "whom" in line]
    assert any(
        "recommendations.yml:14: error: this site has 2 organisations: say whom this tracked "
        "recommendation is about (hint: 'organisation: ID', an id from organisations.yml)" in line
        for line in said
    ), err
    assert not any("is 's" in line or "not about" in line for line in said), err
