"""`import` and the organisations: a draft names its organisation by id, and an organisation the
project does not know yet gets an entry at the end of content/organisations.yml.

The report schema gains `organisation` with the organisation model; until then the importer
writes the name as a comment, and the end-to-end test here is skipped. The functions the
importer uses are tested directly either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from builder import cli
from builder.editing.importpdf import (
    Found,
    Metadata,
    add_organisations,
    front_matter,
    organisation_ids,
    read_metadata,
)
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
            "kind": "local-authority",
            "region": "South West",
            "codes": {"la_code": "865"},
        }
    ]


def test_without_metadata_a_printed_name_finds_the_projects_organisation():
    printed = {"organisation": Found("Wiltshire  Council", 1, "the cover names it")}
    found, entries = organisation_ids(printed, None, "", {"wilts": "Wiltshire Council"})
    assert found is not None and found.value == ["wilts"]
    assert entries == [{"id": "wilts", "name": "Wiltshire  Council"}]
    found, entries = organisation_ids(printed, None, "", {})
    assert found is not None and found.value == ["wiltshire-council"]  # made from the name
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
        "kind": "local-authority",
        "region": "North West",
        "codes": {"la_code": "353"},
    } in yaml.safe_load(after)
    (draft,) = (tmp_path / "h" / "content" / "reports").glob("2019-01-*.md")
    assert "\norganisation: oldham  # confirm: from elsewhere: " in draft.read_text("utf-8")
