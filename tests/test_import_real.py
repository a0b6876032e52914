"""`import` on pages of real Ofsted reports: each layout the importer must read, pinned on a fixture.

The PDFs in tests/fixtures/import/real are pages cut from published reports (Crown copyright,
Open Government Licence v3.0: see ATTRIBUTION.md there). Drafts are made with the frameworks and
kinds `init` ships, as a new history would have them.
"""

from __future__ import annotations

import itertools
import re
import resource
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import yaml

from builder import cli
from builder.editing.importpdf import draft

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "import" / "real"
STARTER = ROOT / "builder" / "starter" / "content"


def imported(name: str) -> tuple[dict, str]:
    """The draft of a fixture: its front matter as data, and its Markdown body."""
    text, _ = draft(REAL / name, name, None, STARTER)
    head, body = text.split("\n---\n", 1)
    return yaml.safe_load(head.removeprefix("---\n")), body


@pytest.fixture(scope="module")
def wiltshire_2023() -> tuple[dict, str]:
    return imported("ilacs-2023-wiltshire-p1-2.pdf")


def test_an_ilacs_judgement_table_becomes_judgements_and_a_table(wiltshire_2023):
    front, body = wiltshire_2023
    assert front["framework"] == "ilacs"
    assert front["judgements"] == [
        {
            "area": "The impact of leaders on social work practice with children and families",
            "grade": "outstanding",
        },
        {
            "area": "The experiences and progress of children who need help and protection",
            "grade": "good",
        },
        {"area": "The experiences and progress of children in care", "grade": "outstanding"},
        {"area": "The experiences and progress of care leavers", "grade": "outstanding"},
        {"area": "Overall effectiveness", "grade": "outstanding", "headline": True},
    ]
    assert (
        "| Judgement | Grade |\n| --- | --- |\n"
        "| The impact of leaders on social work practice with children and families | Outstanding |"
    ) in body


def test_what_needs_to_improve_becomes_the_reports_own_recommendations(wiltshire_2023):
    front, body = wiltshire_2023
    quotes = [r["quote"] for r in front["recommendations"]]
    assert quotes == [
        "The effectiveness and quality of practice to support and safeguard 16- and "
        "17-year-olds who present as homeless.",
        "The quality and consistency of recording of supervision and frontline management "
        "oversight and direction, including the tracking of actions and completion of tasks.",
    ]
    # The '◼' items are list items, quoted as they stand in the text.
    assert f"\n- {quotes[0]}\n- {quotes[1]}\n" in body
    assert front["draft"] is True
    assert re.fullmatch(r"2023-09-inspection-report", front["id"])


def test_a_section_heading_with_its_grade_stays_one_heading(wiltshire_2023):
    _, body = wiltshire_2023
    assert (
        "\n## The experiences and progress of children who need help and protection: good\n" in body
    )
    assert "\n1. Children and families benefit from effective early support" in body


def test_a_hyphenated_word_broken_at_a_line_end_keeps_its_hyphen():
    # Paragraph 10 of the 2023 report breaks 'awareness-' / 'raising' across two lines.
    _, body = imported("ilacs-2023-wiltshire-p4.pdf")
    assert "awareness-raising" in body
    assert "awarenessraising" not in body


def test_a_judgement_tables_header_set_well_above_its_first_row_is_its_header():
    # Bexley 2018: 'Judgement' / 'Grade' three type sizes above the first row, in larger type.
    front, body = imported("ilacs-2018-bexley-p1.pdf")
    assert len(front["judgements"]) == 4
    assert (
        "| Judgement | Grade |\n| --- | --- |\n"
        "| The impact of leaders on social work practice with children and families | Outstanding |"
    ) in body
    assert "# Judgement" not in body and "|  |  |" not in body


def test_a_single_inspection_cover_gives_its_table_and_stated_judgement():
    front, body = imported("sif-2015-wiltshire-p1.pdf")
    assert front["framework"] == "sif"
    grades = [(j["area"], j["grade"], j.get("headline", False)) for j in front["judgements"]]
    assert grades == [
        ("Overall effectiveness", "requires-improvement", True),
        ("Children who need help and protection", "requires-improvement", False),
        # Printed on two lines with its grade between them.
        ("Children looked after and achieving permanence", "requires-improvement", False),
        ("Adoption performance", "requires-improvement", False),
        ("Experiences and progress of care leavers", "requires-improvement", False),
        ("Leadership, management and governance", "requires-improvement", False),
    ]
    # The table prints its scale's grade in fewer words than the framework: each says so (the
    # cover's sentence, 'require improvement', words no grade).
    assert [j.get("note") for j in front["judgements"]] == [None] + 5 * [
        "The report prints 'Requires improvement'; the framework's full wording is "
        "'Requires improvement to be good'."
    ]
    # The table's numbered rows are cells, not numbered paragraphs; it prints no header, so its
    # first row is no header either (an empty one renders as none).
    assert (
        "|  |  |\n| --- | --- |\n| 1. Children who need help and protection | Requires improvement |\n"
        "| 2. Children looked after and achieving permanence | Requires improvement |"
    ) in body
    assert "\n1. Children who need" not in body


def test_a_list_of_dashes_alone_is_one_level():
    # Ealing 2016, page 6: after the lead-in 'Of this number:', six dash items in line with each
    # other, set in under the item before (pages 7 and 8 give the usual distance between lines,
    # as the whole report does). They are one level: none nests under the first.
    _, body = imported("sif-2016-ealing-p6-8.pdf")
    assert (
        "at 31 March 2015. Of this number:\n    - 219 (or 58.9%) live outside the local authority "
        "area\n    - 27 live in residential children’s homes"
    ) in body
    assert "\n        - 27 live" not in body


def test_a_footnote_mark_and_its_note_become_a_markdown_footnote():
    _, body = imported("sif-2015-wiltshire-p1.pdf")
    assert "safeguarding children board[^1]" in body.lower()
    assert "\n[^1]: Ofsted produces this report under its power to combine reports" in body
    assert "board1" not in body.lower()


def test_a_footnotes_number_set_in_its_texts_own_size_is_still_its_number():
    # Manchester 2017: the note's number is as large as its words, raised.
    _, body = imported("sif-2017-manchester-p7.pdf")
    assert "live in residential special schools[^1], all of whom" in body
    assert "\n[^1]: These are residential special schools that look after children" in body
    assert "schools1" not in body


def test_a_recommendations_heading_is_quoted_without_its_footnotes_mark():
    # North Lincolnshire 2026 marks 'What needs to improve?' with note 1.
    text, _ = draft(REAL / "ilacs-2026-north-lincolnshire-p2-3.pdf", "n.pdf", None, STARTER)
    said = [line for line in text.split("\n") if line.startswith("  - quote: ")]
    assert said and all(line.endswith(", under 'What needs to improve?'") for line in said), said


def test_an_earlier_inspection_the_report_speaks_of_is_an_editors_to_do():
    # Oldham 2019 speaks of its 2015 inspection, which a history of Oldham needs as an event if no
    # report of it is in the collection: else the grade chart joins across it unseen.
    text, _ = draft(REAL / "ilacs-2019-oldham-p1.pdf", "o.pdf", None, STARTER)
    assert (
        "\n# to do: events: page 1 speaks of an earlier inspection ('Since the last inspection in "
        "2015'): add each the collection lacks to content/events.yml, so its history shows it "
        "(with 'graded: true' where its grades are not known)\n"
    ) in text
    # A report that speaks of none has no such line.
    text, _ = draft(REAL / "ilacs-2023-wiltshire-p1-2.pdf", "w.pdf", None, STARTER)
    assert "to do: events" not in text


def test_a_paragraph_runs_on_past_a_footnote_at_the_page_foot_line_after_line():
    # North Lincolnshire 2026: paragraph 5 breaks over pages 2 and 3, a note at page 2's foot.
    _, body = imported("ilacs-2026-north-lincolnshire-p2-3.pdf")
    paragraph = re.search(r"\n5\. For children who need statutory help.*", body)
    assert paragraph is not None
    assert paragraph.group().endswith(
        "result in plans that are designed to help families make lasting changes."
    )
    note = re.search(r"\n\[\^1\]: .*", body)
    assert note is not None
    assert note.group().endswith("expected outcomes of children’s social care.")


def test_a_numbered_paragraph_runs_on_at_its_indent_after_a_sentence_ends_a_page():
    # Wiltshire 2019: paragraph 10’s page 4 ends on a sentence; page 5 goes on at its indent.
    _, body = imported("ilacs-2019-wiltshire-p4-5.pdf")
    paragraph = re.search(r"\n10\. The use of the pre-proceedings aspect.*", body)
    assert paragraph is not None
    assert "need to improve. Experienced managers monitor the progression" in paragraph.group()
    assert "\n\nExperienced managers" not in body
    assert "\n11. Responses to children who go missing" in body


def test_an_unended_sentence_goes_on_in_lower_case_over_a_wider_gap():
    # Bexley 2014, paragraph 155: 'gained through user' / 'feedback, analysis…', set a little
    # further apart than the paragraph's other lines.
    _, body = imported("sif-2014-bexley-p28.pdf")
    assert "gained through user feedback, analysis of complaints" in body
    assert "\n\nfeedback, analysis" not in body


def test_a_tiny_mark_before_a_headings_words_is_a_mark_not_a_footnote():
    # Lancashire 2018: a 3 pt mark stands before a 14 pt heading's first word.
    _, body = imported("sif-2018-lancashire-p5.pdf")
    assert re.search(r"\n#+ Information about this local authority area\[\^1\]\n", body)
    assert "\n[^1]: The local authority was given the opportunity to review this section" in body


def test_a_list_three_levels_deep_keeps_each_items_level():
    # Lancashire 2018: judgements set in under an item, two sub-judgements set in further, and
    # the last judgement back at the judgements' level.
    _, body = imported("sif-2018-lancashire-p5.pdf")
    assert (
        "\n    - Children looked after and achieving permanence: Requires improvement"
        "\n        - adoption performance: Requires improvement"
        "\n        - experiences and progress of care leavers: Inadequate"
        "\n    - Leadership, management and governance: Inadequate.\n"
    ) in body


def test_each_contents_list_of_a_combined_report_goes_and_a_footnote_below_stays():
    # Hull 2015: the report's contents (page 2), then the safeguarding board's review with
    # contents of its own above a footnote (page 37).
    _, body = imported("sif-2015-hull-p2-37.pdf")
    assert "Contents" not in body
    assert "What does the LSCB need to improve?" not in body
    assert "What the local authority inspection judgements mean" not in body
    assert "welfare of children require improvement.[^1]" in body
    assert "\n[^1]: A full description of what the inspection judgements mean" in body


def test_a_covers_dates_in_large_type_are_no_headings():
    _, body = imported("sif-2015-wiltshire-p1.pdf")
    assert "\n\nInspection date: 22 June 2015 – 16 July 2015\n\n" in body
    assert "\n\nReport published: 1 September 2015\n\n" in body
    assert "\n\nand\n\n## Review of the effectiveness" in body
    assert "## Children’s services in Wiltshire require improvement\n" in body  # a heading


def test_a_covers_verdicts_head_it_with_a_full_stop_or_without():
    # East Sussex 2014 prints its council's verdict without a full stop, its board's with one.
    _, body = imported("sif-2014-east-sussex-p1.pdf")
    assert "\n## The overall judgement is good\n" in body
    assert (
        "\n## The effectiveness of the Local Safeguarding Children Board (LSCB) is good.\n" in body
    )
    # The sentences that follow them are paragraphs.
    assert "\n\nThe LSCB coordinates the activity of statutory partners" in body


def test_a_grade_set_between_a_headings_two_lines_follows_the_heading():
    # Wiltshire 2015: 'Requires improvement' stands beside the section heading half a line below
    # its first line and half above its second.
    _, body = imported("sif-2015-wiltshire-p10.pdf")
    assert body.startswith(
        "\n## The experiences and progress of children who need help and protection\n\n"
        "Requires improvement\n\n## Summary\n"
    ), body[:200]


def test_a_grade_wrapped_in_its_cell_is_read_whole():
    front, _ = imported("ilacs-2019-oldham-p1.pdf")
    assert [j["grade"] for j in front["judgements"]] == ["requires-improvement"] * 4
    assert front["judgements"][-1] == {
        "area": "Overall effectiveness",
        "grade": "requires-improvement",
        "headline": True,
    }
    assert front["authors"] == [{"name": "Paula Thomson-Jones", "role": "Lead inspector"}]


def test_a_grade_stated_under_a_section_heading():
    front, _ = imported("lac-2013-sandwell-p7.pdf")
    assert front["framework"] == "looked-after-children"
    assert front["judgements"] == [
        {
            "area": "Overall effectiveness of services for looked after children and young people",
            "grade": "inadequate",
            "headline": True,
        }
    ]


def test_areas_for_improvement_keep_their_timescales():
    front, _ = imported("lac-2013-sandwell-p10-11.pdf")
    timescales = [r.get("timescale", "") for r in front["recommendations"]]
    assert timescales[0] == "Immediately"
    assert "Within three months" in timescales
    assert timescales == sorted(
        timescales, key=["Immediately", "Within three months", "Within six months"].index
    )


def test_sub_bullets_nest_under_their_item():
    _, body = imported("sif-2014-east-sussex-p8.pdf")
    nested = re.findall(r"(?m)^    - \S", body)
    assert nested, body
    # Each nested item follows a list item, so Markdown nests it.
    for match in re.finditer(r"(?m)^    - .*$", body):
        before = body[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        assert re.match(r"(    )?- ", before), before


def test_a_number_ending_a_wrapped_sentence_is_no_paragraph():
    _, body = imported("ilacs-2023-isle-of-wight-p6.pdf")
    numbers = [int(n) for n in re.findall(r"(?m)^(\d+)\. ", body)]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers)), numbers


def test_a_lead_in_set_under_an_item_keeps_its_sub_list_under_the_item():
    # Sutton 2016: 'Of this number:' set in under the item, then six dashes deeper still.
    _, body = imported("sif-2017-sutton-p6.pdf")
    assert "at 31 March 2016. Of this number:\n    - 152 (or 68%) live outside" in body
    assert "\n    - 18 are unaccompanied asylum-seeking children.\n- In the last 12 months:" in body
    assert "\nOf this number:" not in body


def test_paragraph_numbers_that_start_again_in_a_bound_in_report_are_its_own():
    from builder.model.text import render_body

    # Hull 2015: the council's paragraphs 1-140, then the board's review numbered from 1 again.
    front, body = imported("sif-2015-hull-p4-33-37-41.pdf")
    assert "\n## Inspection judgement about the LSCB {: numbering=LSCB }\n" in body
    assert "\n1. Governance arrangements between the LSCB" in body  # a paragraph, not text
    rendered = render_body(body, [])
    assert not rendered.duplicate_numbers
    numbers = [b.number for b in rendered.blocks if b.number]
    assert numbers[:5] == ["1", "2", "3", "4", "5"] and "140" in numbers
    assert numbers[-7:] == [f"LSCB {n}" for n in range(1, 8)]
    # The themes it suggests point at the board's paragraphs, not the council's.
    assert {"paragraph": "lscb-p6", "themes": ["early-help", "partnership-working"]} in front[
        "annotations"
    ]


def test_a_folder_imports_in_parallel_one_line_each_and_a_summary(tmp_path, capsys):
    assert cli.main(["init", str(tmp_path / "h")]) == 0
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for name in ("ilacs-2019-oldham-p1.pdf", "sif-2015-wiltshire-p1.pdf"):
        (folder / name).write_bytes((REAL / name).read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n% not a PDF at all\n")
    capsys.readouterr()
    status = cli.main(["import", str(folder), "--root", str(tmp_path / "h"), "--jobs", "2"])
    err = capsys.readouterr().err
    assert status == 1  # one failed, and the others were still written
    lines = err.strip().splitlines()
    assert len([line for line in lines if "draft written from" in line]) == 2
    assert len([line for line in lines if "broken.pdf: error: " in line]) == 1
    assert lines[-1].startswith("2 drafts written, 1 failed, from 3 PDFs in ")
    # init's example report would stand beside the real ones: said once, before the summary.
    assert lines[-2].endswith(
        "2019-06-example-inspection.md: note: init's example report is still here: delete it "
        "(and the example tracked recommendation in recommendations.yml) now that your own "
        "reports are in, or its grades join theirs in the history"
    )
    reports = sorted(p.name for p in (tmp_path / "h" / "content" / "reports").glob("2*.md"))
    # Two organisations: each id names its own.
    assert "2019-01-oldham-inspection-report.md" in reports
    assert "2015-06-wiltshire-inspection-report.md" in reports
    # When PDFs arrive, the same command over the folder writes the new ones only.
    (folder / "broken.pdf").unlink()
    (folder / "ilacs-2023-wiltshire-p1-2.pdf").write_bytes(
        (REAL / "ilacs-2023-wiltshire-p1-2.pdf").read_bytes()
    )
    status = cli.main(["import", str(folder), "--root", str(tmp_path / "h"), "--jobs", "2"])
    lines = capsys.readouterr().err.strip().splitlines()
    assert status == 0, lines
    assert len([line for line in lines if ": already imported to " in line]) == 2
    assert len([line for line in lines if "draft written from" in line]) == 1
    assert lines[-1].startswith("1 draft written, 2 already imported, 0 failed, from 3 PDFs in ")


def test_import_never_writes_through_a_symbolic_link(tmp_path, capsys):
    outside = tmp_path / "outside.md"
    link = tmp_path / "2019-01-draft.md"
    link.symlink_to(outside)  # dangling: its target does not exist
    capsys.readouterr()
    status = cli.main(["import", str(REAL / "ilacs-2019-oldham-p1.pdf"), "--out", str(link)])
    err = capsys.readouterr().err
    assert status == 1
    assert "is a symbolic link: not written" in err
    assert not outside.exists()


def compressed_bomb(path: Path, size: int = 1 << 30) -> Path:
    """A one-page PDF whose content stream is 4 MB compressed and `size` bytes expanded."""
    zeros = b"\0" * (1 << 20)
    packer = zlib.compressobj(1)
    first = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)  # the same bytes each time
    data = first + again * ((size >> 20) - 1) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def test_a_decompression_bomb_is_one_line_within_the_caps(tmp_path):
    bomb = compressed_bomb(tmp_path / "bomb.pdf")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "builder",
            "import",
            str(bomb),
            "--out",
            str(tmp_path / "2020-01-x.md"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # the largest child
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"{bomb}: error: gave up: reading the PDF needs more than 512 MB "
        "(a compressed stream that expands too far?)"
    ]
    assert peak < 512 * 1024 * 1024
    assert not (tmp_path / "2020-01-x.md").exists()


def test_metadata_fills_what_the_pdf_does_not_print(tmp_path):
    from builder.editing.importpdf import Metadata, read_metadata

    csv = tmp_path / "reports.csv"
    csv.write_text(
        "file,organisation,organisation_name,published,url\n"
        "ilacs-2019-oldham-p1.pdf,oldham,Oldham Council,04/03/2019,"
        "https://example.org/oldham.pdf\n",
        encoding="utf-8",
    )
    rows = read_metadata(csv)
    assert rows["ilacs-2019-oldham-p1.pdf"] == Metadata(
        "oldham", "Oldham Council", "04/03/2019", "https://example.org/oldham.pdf"
    )
    name = "ilacs-2019-oldham-p1.pdf"
    # Named as the publisher ran it; a note that reaches a page names the file alone.
    text, _ = draft(REAL / name, name, None, STARTER, rows[name], "../lists/reports.csv")
    front = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    assert front["published"] == {
        "date": __import__("datetime").date(2019, 3, 4),
        "basis": "elsewhere",
        "note": "from elsewhere: reports.csv",
    }
    assert front["source"]["url"] == "https://example.org/oldham.pdf"
    # The metadata names the organisation by its id, which the printed name cannot give.
    assert front["organisation"] == "oldham"


def test_a_metadata_file_of_another_tools_columns_is_said_to_be_read_in_part(tmp_path, capsys):
    from builder import cli

    assert cli.main(["init", str(tmp_path / "h")]) == 0
    csv = tmp_path / "theirs.csv"
    csv.write_text(
        "file,local_authority,publication_date,urn\nilacs-2019-oldham-p1.pdf,Oldham,04/03/19,1\n",
        encoding="utf-8",
    )
    pdf = tmp_path / "ilacs-2019-oldham-p1.pdf"
    pdf.write_bytes((REAL / "ilacs-2019-oldham-p1.pdf").read_bytes())
    capsys.readouterr()
    status = cli.main(["import", "--metadata", str(csv), str(pdf), "--root", str(tmp_path / "h")])
    err = capsys.readouterr().err.splitlines()
    assert status == 0
    assert err[0].endswith(
        "theirs.csv: warning: columns not read: local_authority, publication_date (hint: the "
        "import reads file, organisation, organisation_name, published, url, organisation_kind, "
        "region, la_code, urn)"
    ), err
    assert err[1].endswith(
        "theirs.csv: warning: no 'organisation' column: each draft's organisation is the one its "
        "PDF names (hint: give each file's organisation id, as docs/national.md shows)"
    ), err
    # Counted in words a reader can read: one of a thing is one, not '1 recommendations'.
    assert "(1 page): 0 numbered paragraphs, 2 headings, 0 list items, 4 judgements, " in err[2]
    from builder.editing.importpdf import _many

    assert (_many(1, "recommendation"), _many(2, "list item")) == (
        "1 recommendation",
        "2 list items",
    )


def test_compare_reads_the_pdf_with_another_extractor(tmp_path, capsys, monkeypatch):
    """A fault of the importer's extraction shows: the source side is read by PDFium."""
    from builder.editing import importpdf

    name = "ilacs-2023-wiltshire-p4.pdf"
    text, _ = draft(REAL / name, name, None, STARTER)
    edition = tmp_path / "2023-09-x.md"
    edition.write_text(text, encoding="utf-8")
    # An importer that lost a paragraph would lose it from both sides if compare used it too.
    monkeypatch.setattr(importpdf, "read_pdf", lambda *a: (_ for _ in ()).throw(AssertionError))
    assert cli.main(["compare", str(edition), str(REAL / name)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    recall, precision = (float(x) for x in re.findall(r"(?:recall|precision) ([\d.]+)", first))
    assert recall >= 0.98 and precision >= 0.98
    lost = re.sub(r"(?m)^7\. .*$", "", text)
    edition.write_text(lost, encoding="utf-8")
    cli.main(["compare", str(edition), str(REAL / name)])
    assert "7. When risk for children remains too high" in capsys.readouterr().out


def test_a_table_beside_the_text_becomes_a_markdown_table():
    # 2013 looked after children inspection, page 4: the grading scale, two aligned columns
    # whose right-hand cells wrap; the first row's gap is narrower than the others'.
    _, body = imported("lac-2013-sandwell-p4.pdf")
    assert (
        "3. All inspection judgements are made using the following four point scale:\n\n"
        "|  |  |\n"  # no header is printed: its first row is in no bold
        "| --- | --- |\n"
        "| Outstanding (Grade 1) | A service that significantly exceeds minimum requirements |\n"
        "| Good (Grade 2) | A service that exceeds minimum requirements |\n"
        "| Adequate (Grade 3) | A service that only meets minimum requirements |\n"
        "| Inadequate (Grade 4) | A service that does not meet minimum requirements |\n"
    ) in body


def test_a_section_judgement_table_keeps_its_header_and_wrapped_area():
    # 2015 single inspection, page 12: 'Key judgement' / 'Judgement grade' over an area on two
    # lines with its grade set beside their middle, not read as one line between them.
    front, body = imported("sif-2015-hull-p12.pdf")
    assert (
        "| Key judgement | Judgement grade |\n| --- | --- |\n"
        "| The experiences and progress of children who need help and protection "
        "| Requires improvement |\n\n## Summary"
    ) in body
    assert "Judgement grade" not in body.replace("| Judgement grade |", "")
    assert "judgements" not in front or not front["judgements"]  # a section's, not the cover's


@pytest.mark.parametrize(
    "name, start",
    [
        # 2015 single inspection, page 17: the section's heading wraps over three lines and its
        # grade sits on the middle one.
        (
            "sif-2015-wiltshire-p17.pdf",
            "## The experiences and progress of children looked after and achieving permanence"
            "\n\nRequires improvement\n\n## Summary\n",
        ),
        # Manchester 2017, page 10: the grade's two lines are set between the heading's three.
        (
            "sif-2017-manchester-p10.pdf",
            "## The experiences and progress of children who need help and protection\n\n"
            "Requires improvement to be good\n\nServices to children in need of help",
        ),
    ],
)
def test_a_heading_with_its_grade_beside_it_stays_one_heading(name, start):
    _, body = imported(name)
    assert body.lstrip().startswith(start)


def test_a_bold_verdict_over_its_section_is_its_heading():
    # 2015 single inspection, pages 22-23: the graded judgement of adoption performance heads its
    # section as one bold sentence, over numbered paragraphs.
    _, body = imported("sif-2015-wiltshire-p22-23.pdf")
    assert re.search(
        r"\n#+ The graded judgement for adoption performance is that it requires improvement\.\n",
        body,
    )


def test_a_cover_title_set_close_ends_where_its_spacing_widens():
    # Thurrock 2016, page 1: the title's two lines 17 pt apart, the next line 23 pt below, in a
    # report whose body text is set 16.7 pt apart.
    front, body = imported("sif-2016-thurrock-p1.pdf")
    assert front["title"] == (
        "Inspection of services for children in need of help and protection, children looked "
        "after and care leavers"
    )
    assert re.search(
        r"\n#+ Inspection of services for children in need of help and protection, children "
        r"looked after and care leavers\n\n",
        body,
    )
    assert re.search(r"\nInspection date: 22 February 2016 to 17 March 2016", body)
    # The lone roman 'and' between the two bold titles stands apart from the second, and each
    # date line is its own.
    assert "\n\nand\n\n## Review of the effectiveness of the Local Safeguarding" in body
    assert "\nInspection date: 22 February 2016 to 17 March 2016\n\nReport published:" in body


def test_the_covers_of_a_combined_reports_parts_leave_its_heading_levels_whole():
    # Hull 2015: each part opens with a cover title in 26 pt, first on its page; the sections
    # below are 16, 14 and 12 pt, and keep three levels.
    _, body = imported("sif-2015-hull-p1-3-4-37.pdf")
    headings = [line for line in body.splitlines() if line.startswith("#")]
    assert headings[3:8] == [
        "## The local authority",
        "### Summary of findings",
        "### Children’s services in Hull require improvement because:",
        "### What does the local authority need to improve?",
        "#### Priority and immediate action",
    ]
    assert headings[8] == "## Kingston upon Hull Safeguarding Children Board"


def test_label_and_value_lines_and_prose_are_not_tables():
    # A cover's labels and values align, but are not a table; neither are numbered paragraphs.
    _, body = imported("sif-2015-wiltshire-p1.pdf")
    assert "| Inspection dates" not in body and "| Lead inspector" not in body
    _, body = imported("lac-2013-sandwell-p7.pdf")
    assert "|" not in body


def test_the_safeguarding_boards_recommendations_are_its_own():
    # 2015 single inspection, pages 1 and 39: 'What does the LSCB need to improve?' over
    # 'Areas for improvement'. The board's recommendations take the framework's board scope.
    front, _ = imported("sif-2015-hull-p1-39.pdf")
    assert front["framework"] == "sif"
    recommendations = front["recommendations"]
    assert len(recommendations) == 7
    assert {r.get("scope") for r in recommendations} == {"lscb"}
    assert recommendations[0]["quote"].startswith("Ensure that sufficient comprehensive")


@pytest.mark.parametrize("where", ["timer", "watchdog", "thread"])
def test_a_file_too_slow_to_read_gives_up_without_a_timer_too(where, monkeypatch):
    # A Unix interval timer where there is one; a watchdog thread where there is none
    # (Windows); off the main thread, a look at the time between pages.
    import signal
    from concurrent.futures import ThreadPoolExecutor

    from builder.editing.importpdf import import_one

    name = "lac-2013-sandwell-p10-11.pdf"
    if where == "watchdog":
        monkeypatch.delattr(signal, "setitimer")
    seconds = 1e-9 if where == "thread" else 0.001
    if where == "thread":
        with ThreadPoolExecutor(1) as pool:
            outcome = pool.submit(import_one, str(REAL / name), name, None, None, "", seconds)
            outcome = outcome.result()
    else:
        outcome = import_one(str(REAL / name), name, None, None, "", seconds)
    assert outcome.error.startswith(f"gave up after {seconds:g} s: the PDF is too slow to read")
    assert not outcome.text
    # Within the time, the same file is read, and no interruption is left pending.
    assert import_one(str(REAL / name), name, None, None, "", 60).text


@pytest.mark.parametrize("name", ["sif-2015-hull-p1-39.pdf", "sif-2015-wiltshire-p1.pdf"])
def test_no_heading_is_more_than_one_level_below_the_one_before(name):
    # Hull 2015: the cover's authority name is the largest type, the body's sections the next
    # but one size: read as sizes alone, '##' was followed by '####' (axe: heading-order).
    _, body = imported(name)
    levels = [len(m.group(1)) for m in re.finditer(r"(?m)^(#{2,6}) ", body)]
    assert levels and levels[0] == 2
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
