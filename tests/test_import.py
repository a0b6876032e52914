"""`import FILE.pdf`: a draft edition from PDFs laid out from real report text, measured by compare."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pdfgen import layout_html, make_flowing_pdf, make_pdf, source_text
from pdfminer.high_level import extract_pages, extract_text
from reportlab.pdfgen.canvas import Canvas

from builder import cli
from builder.editing import importpdf
from builder.editing.compare import edition_tokens, measure, text_tokens
from builder.editing.importpdf import Line, _bullet, _join, _rows, unconfirmed

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"  # its kinds and frameworks, for the drafts
REPORT_HEADER = (
    "Inspection of local authority arrangements for the protection of children: Wiltshire"
)
REPORT_FOOTER = "Ofsted inspection report, July 2013"
COMMITTEE_HEADER = "Ofsted inspection and adoption scorecard"
COMMITTEE_FOOTER = "Children’s Select Committee, 31 May 2012"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """Two published documents laid out as PDFs: a report (with a two-column page) and a letter."""
    folder = tmp_path_factory.mktemp("pdfs")
    report = (FIXTURES / "protection-2013.txt").read_text(encoding="utf-8")
    letter = (FIXTURES / "focused-visit-2022.txt").read_text(encoding="utf-8")
    committee = (FIXTURES / "committee-2012.txt").read_text(encoding="utf-8")
    return {
        "report": make_pdf(report, folder / "protection.pdf", REPORT_HEADER, REPORT_FOOTER),
        "letter": make_pdf(letter, folder / "visit.pdf", "Focused visit to Wiltshire", "Ofsted"),
        "committee": make_flowing_pdf(
            committee, folder / "committee.pdf", COMMITTEE_HEADER, COMMITTEE_FOOTER
        ),
    }


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def site_copy(where: Path) -> Path:
    """A copy of the fixture site to import into: an import may add to its organisations.yml,
    and the fixture itself is never written."""
    target = where / "fixture-site"
    if not target.exists():
        shutil.copytree(FIXTURE_SITE, target)
    return target


def imported(pdf: Path, out: Path, capsys, root: Path | None = None) -> str:
    root = root or site_copy(out.parent)
    status, _, err = run(["import", str(pdf), "--out", str(out), "--root", str(root)], capsys)
    assert status == 0, err
    return out.read_text(encoding="utf-8")


def fidelity(draft: str, layout: Path) -> tuple[float, float]:
    source = source_text(layout.read_text(encoding="utf-8"))
    result = measure(text_tokens(source, "source"), edition_tokens(draft, "draft"))
    return result.recall, result.precision


def body(draft: str) -> str:
    return draft.split("\n---\n", 1)[1]


def test_the_generated_report_pdf_has_what_the_import_must_undo(pdfs):
    # Without these the tests below would prove nothing.
    raw = extract_text(str(pdfs["report"]))
    assert raw.count(REPORT_HEADER) == 5
    assert raw.count(REPORT_FOOTER) == 6
    assert len(re.findall(r"[a-z]-\n[a-z]", raw)) >= 10  # words broken across lines
    assert "(cid:127)" in raw  # bullets, as a PDF without a character map gives them
    assert "Contents\n" in raw
    # Page 4 is set in two columns side by side, and page 5 too.
    for page in list(extract_pages(str(pdfs["report"])))[3:5]:
        lines = [line for box in page if hasattr(box, "get_text") for line in box]
        left = [line for line in lines if line.x1 < page.width / 2]
        right = [line for line in lines if line.x0 > page.width / 2]
        assert len(left) > 20 and len(right) > 5
        assert min(line.y0 for line in right) < max(line.y0 for line in left)


def test_report_draft_is_faithful_to_the_source(pdfs, tmp_path, capsys):
    draft = imported(pdfs["report"], tmp_path / "2013-07-protection.md", capsys)
    recall, precision = fidelity(draft, FIXTURES / "protection-2013.txt")
    # Measured: recall 1.000, precision 1.000.
    assert recall >= 0.99
    assert precision >= 0.99


def test_report_draft_structure(pdfs, tmp_path, capsys):
    text = body(imported(pdfs["report"], tmp_path / "2013-07-protection.md", capsys))
    lines = text.splitlines()
    # Numbered paragraphs keep their numbers, set as the product's numbered paragraphs.
    numbers = [int(m.group(1)) for line in lines if (m := re.match(r"(\d+)\. \S", line))]
    assert numbers == [*range(1, 19), 26, 27]
    assert "## Overall effectiveness" in lines
    assert "## Inspection of local authority arrangements for the protection of children" in lines
    assert "Immediately:" in lines
    assert (
        "- Strengthen planning arrangements for children assessed by social workers as being in "
        "need, so that a detailed plan is in place for each eligible child, with clear measurable "
        "outcomes." in lines
    )
    assert sum(line.startswith("- ") for line in lines) == 5
    # Running headers, footers and page numbers are gone.
    assert REPORT_HEADER not in text
    assert REPORT_FOOTER not in text
    assert not any(re.fullmatch(r"\d+", line) for line in lines)
    # The two-column page reads column by column: every paragraph whole, in order.
    source = (FIXTURES / "protection-2013.txt").read_text(encoding="utf-8")
    for number in range(9, 19):
        paragraph = next(b for b in source.split("\n\n") if b.startswith(f"{number}. "))
        assert paragraph in lines
    # The contents list with its page numbers is left out.
    assert "Contents" not in lines
    assert "Areas for improvement 2" not in text
    # Words broken at line ends are whole again; compounds keep their hyphen.
    assert not re.search(r"[a-z]- [a-z]", text)
    assert "multi-agency arrangements" in text


def test_a_page_that_turns_to_two_columns_halfway(tmp_path, capsys):
    layout = (FIXTURES / "protection-2013.txt").read_text(encoding="utf-8")
    blocks = layout.split("\n\n")
    about = blocks.index("## About this inspection")
    service = blocks.index("## Service information")
    # A long introduction runs full width, then paragraphs 9 to 12 in two columns below it.
    part = blocks[about : about + 6] + ["=== columns here ==="] + blocks[service + 1 : service + 5]
    # Two more pages, so that the running header and footer repeat.
    part += ["=== page ===", blocks[service + 5], "=== page ===", blocks[service + 6]]
    pdf = make_pdf("\n\n".join(part), tmp_path / "mixed.pdf", REPORT_HEADER, REPORT_FOOTER)
    first = list(extract_pages(str(pdf)))[0]
    lines = [line for box in first if hasattr(box, "get_text") for line in box]
    assert sum(line.x0 > first.width / 2 for line in lines) >= 3  # the right column is used
    draft = imported(pdf, tmp_path / "2013-07-mixed.md", capsys)
    source = source_text("\n\n".join(part))
    result = measure(text_tokens(source, "s"), edition_tokens(draft, "d"))
    assert (result.recall, result.precision) == (1.0, 1.0)
    assert re.findall(r"^(\d+)\. ", body(draft), re.M) == [
        *"45678",
        "9",
        "10",
        "11",
        "12",
        "13",
        "14",
    ]


def test_report_front_matter_is_prefilled_and_marked(pdfs, tmp_path, capsys):
    draft = imported(pdfs["report"], tmp_path / "2013-07-protection.md", capsys)
    head = draft.split("\n---\n", 1)[0] + "\n"
    data = yaml.safe_load(head.removeprefix("---\n"))
    assert data["id"] == "2013-07-protection"
    assert data["title"] == (
        "Inspection of local authority arrangements for the protection of children"
    )
    assert str(data["inspected"]["start"]) == "2013-07-08"
    assert str(data["inspected"]["end"]) == "2013-07-17"
    assert data["authors"] == [{"name": "Ian Young", "role": "Lead inspector"}]
    assert data["publisher"] == "Ofsted"
    assert data["licence"] == {
        "name": "Crown copyright",
        "text": "This document may be reproduced in whole or in part for non-commercial purposes, "
        "provided that the information quoted is reproduced without adaptation and the source and "
        "date of publication are stated.",
    }
    assert "published" not in data  # the document states none: a to-do, not a guess
    assert data["draft"] is True
    assert data["kind"] == "inspection-report"
    assert (
        "inspected: {start: 2013-07-08, end: 2013-07-17}  "
        "# confirm: page 1, 'Inspection dates: 8 – 17 July 2013'" in head
    )
    assert (
        '  - {name: "Ian Young", role: Lead inspector}  '
        "# confirm: page 1, 'Lead inspector: Ian Young HMI'" in head
    )
    assert unconfirmed(draft)[:11] == [
        (8, "confirm: page 1, the largest type on the first page"),
        (9, "confirm: page 1, the document says 'Inspection of'"),
        (10, "confirm: page 1, the cover names 'Wiltshire Council'"),
        (11, "to do: framework: an id from content/frameworks.yml, if the report has one"),
        (12, "confirm: page 1, 'Inspection dates: 8 – 17 July 2013'"),
        (
            13,
            "to do: events: page 5 speaks of an earlier inspection ('Since the last Ofsted "
            "inspection in 2012'): add each the collection lacks to content/events.yml, so its "
            "history shows it (with 'graded: true' where its grades are not known)",
        ),
        (14, "to do: published: the document's date (the document does not print it)"),
        (16, "confirm: page 1, 'Lead inspector: Ian Young HMI'"),
        (17, "confirm: page 4, the document names Ofsted"),
        (19, "to do: the title the publisher gives the document"),
        (20, "to do: url: where the document is published"),
    ]
    # The areas for improvement are the report's own recommendations, with their timescale.
    assert data["recommendations"][0] == {
        "quote": "Strengthen planning arrangements for children assessed by social workers as "
        "being in need, so that a detailed plan is in place for each eligible child, with clear "
        "measurable outcomes.",
        "timescale": "Immediately",
    }


def test_a_draft_passes_check_and_a_strict_build_refuses_it(pdfs, tmp_path, capfd, fixture_copy):
    draft = fixture_copy / "reports" / "2013-07-protection.md"
    assert (
        cli.main(
            ["import", str(pdfs["report"]), "--out", str(draft), "--root", str(fixture_copy.parent)]
        )
        == 0
    )
    capfd.readouterr()
    status = cli.main(["check", "--content", str(fixture_copy)])
    err = capfd.readouterr().err
    assert status == 0, err
    assert "2013-07-protection.md:6: warning: a draft, not yet confirmed by an editor" in err
    site = tmp_path / "site"
    # Built as it is, the draft shows its banner, and its unlinked recommendations link nowhere.
    preview = tmp_path / "preview"
    assert cli.main(["build", "--content", str(fixture_copy), "--out", str(preview)]) == 0
    warnings = [line for line in capfd.readouterr().err.splitlines() if ": warning: " in line]
    assert len(warnings) == 1 and ":6: warning: a draft" in warnings[0], warnings
    page = (preview / "reports" / "2013-07-protection" / "index.html").read_text(encoding="utf-8")
    assert '<p class="draft-banner" role="note"><strong>Draft.</strong>' in page
    assert "Not yet linked to a tracked recommendation." in page
    status = cli.main(["build", "--content", str(fixture_copy), "--out", str(site), "--strict"])
    err = capfd.readouterr().err
    assert status == 1
    assert "2013-07-protection.md:6: warning: a draft" in err
    assert not site.exists()
    out = subprocess.run(
        [sys.executable, "-m", "builder", "check", "--content", str(fixture_copy), "--todo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    assert "report '2013-07-protection' is a draft: confirm it, then delete 'draft: true'" in out
    assert "recommendation 1 of '2013-07-protection' is not linked: give it 'tracks'" in out


def test_letter_draft(pdfs, tmp_path, capsys):
    draft = imported(pdfs["letter"], tmp_path / "2022-01-visit.md", capsys)
    recall, precision = fidelity(draft, FIXTURES / "focused-visit-2022.txt")
    # Measured: recall 1.000, precision 1.000.
    assert recall >= 0.99
    assert precision >= 0.99
    head, text = draft.split("\n---\n", 1)
    data = yaml.safe_load(head.removeprefix("---\n"))
    assert data["title"] == "Focused visit to Wiltshire children's services"
    assert str(data["published"]) == "2022-02-28"
    assert str(data["inspected"]["start"]) == "2022-01-24"
    assert str(data["inspected"]["end"]) == "2022-01-25"
    assert data["authors"] == [{"name": "Kendra Bell", "role": "Lead inspector"}]
    assert "kind: focused-visit  # confirm: page 1, the title says 'Focused visit'" in head
    assert "published: 2022-02-28  # confirm: page 1, the date line '28 February 2022'" in head
    # An address keeps its lines.
    assert "Lucy Townsend  \nCorporate Director of People  \nWiltshire Council  \n" in text
    assert "## What needs to improve in this area of social work practice?" in text
    # A bold sentence over two lines is a paragraph; a bold line on its own is a heading.
    assert (
        "\nOfsted will take the findings from this focused visit into account when planning the "
        "next inspection or visit.\n" in text
    )
    assert text.endswith("\nKendra Bell\n\n### Her Majesty's Inspector\n")


def test_word_processor_layout_draft(pdfs, tmp_path, capsys):
    # Justified text in a serif face, numbers hung in the margin, three sizes of heading, a
    # right-aligned header and a 'Page N' footer: the council report as a word processor sets it.
    raw = extract_text(str(pdfs["committee"]))
    assert raw.count(COMMITTEE_HEADER) == 2 and "Page 2" in raw
    draft = imported(pdfs["committee"], tmp_path / "2012-05-committee.md", capsys)
    recall, precision = fidelity(draft, FIXTURES / "committee-2012.txt")
    # Measured: recall 1.000, precision 1.000.
    assert recall >= 0.99
    assert precision >= 0.99
    text = body(draft)
    layout = (FIXTURES / "committee-2012.txt").read_text(encoding="utf-8")
    headings = [line for line in layout.splitlines() if line.startswith("#")]
    assert [line for line in text.splitlines() if line.startswith("#")] == headings
    assert re.findall(r"^(\d+)\. ", text, re.M) == [str(n) for n in range(1, 19)]
    assert COMMITTEE_HEADER not in text and COMMITTEE_FOOTER not in text
    assert "Page " not in text
    assert text.startswith("\nWiltshire Council  \nChildren’s Select Committee  \n31st May 2012\n")
    assert "published: 2012-05-31  # confirm: page 1, the date line '31st May 2012'" in draft


def test_browser_printed_draft(browser, tmp_path, capsys):
    # Another producer: Chromium prints the report with CSS columns, a running header and a
    # 'Page N of M' footer, subset TrueType fonts and justified text.
    layout = (FIXTURES / "protection-2013.txt").read_text(encoding="utf-8")
    page = browser.new_page()
    page.set_content(layout_html(layout))
    pdf = tmp_path / "printed.pdf"
    page.pdf(
        path=str(pdf),
        format="A4",
        display_header_footer=True,
        header_template=f'<div style="font-size:8pt;width:100%;text-align:center">{REPORT_HEADER}</div>',
        footer_template='<div style="font-size:8pt;width:100%;text-align:right;margin-right:2cm">'
        'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>',
        margin={"top": "2cm", "bottom": "2cm", "left": "2cm", "right": "2cm"},
    )
    page.close()
    raw = extract_text(str(pdf))
    assert REPORT_HEADER in raw and "Page 2 of 5" in raw
    draft = imported(pdf, tmp_path / "2013-07-printed.md", capsys)
    recall, precision = fidelity(draft, FIXTURES / "protection-2013.txt")
    # Measured: recall 1.000, precision 1.000.
    assert recall >= 0.99
    assert precision >= 0.99
    text = body(draft)
    assert REPORT_HEADER not in text and "Page " not in text
    assert re.findall(r"^(\d+)\. ", text, re.M) == [str(n) for n in [*range(1, 19), 26, 27]]
    assert len(re.findall(r"^- ", text, re.M)) == 5
    assert (
        'title: "Inspection of local authority arrangements for the protection of children"'
        in draft
    )


def test_framework_named_in_the_text_is_proposed(pdfs, tmp_path, capsys):
    content = tmp_path / "project" / "content"
    content.mkdir(parents=True)
    (content / "frameworks.yml").write_text(
        "- id: cra\n  title: Annual unannounced inspection of contact and referral\n"
        "- id: ilacs\n  title: Inspection of local authority children's services (ILACS)\n",
        encoding="utf-8",
    )
    (content / "site.yml").write_text("kinds: [not, a, mapping]\n", encoding="utf-8")
    draft = imported(pdfs["letter"], tmp_path / "2022-01-visit.md", capsys, root=content.parent)
    assert (
        "\nframework: ilacs  # confirm: page 1, the text names "
        '"inspection of local authority children\'s services"\n' in draft
    )
    assert "\nkind: # to do: one of the kinds in content/site.yml\n" in draft


def test_compare_reads_a_pdf_source_without_its_furniture(pdfs, tmp_path, capsys):
    draft = tmp_path / "2013-07-protection.md"
    imported(pdfs["report"], draft, capsys)
    status, out, _ = run(["compare", str(draft), str(pdfs["report"])], capsys)
    assert status == 0
    assert ": recall 1.000 precision 1.000 (word 5-grams; source 1578 words" in out
    # A paragraph left out is named by its page in the PDF.
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("4. This inspection was unannounced.\n", ""), encoding="utf-8")
    status, out, _ = run(["compare", str(draft), str(pdfs["report"]), "--show", "1"], capsys)
    assert status == 0
    assert out.splitlines()[1:3] == [
        "dropped: 5 words in 1 run (in the source, not in the edition):",
        f"  {pdfs['report']} (page 2): 5 words: 4. This inspection was unannounced",
    ]


def test_default_path_and_no_overwrite(pdfs, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(pdfs["letter"], tmp_path / "Wiltshire focused visit.pdf")
    # Outside a history (an editor who forgot to cd into it) nothing is written: a draft there
    # would name no kind or framework, in a content folder nobody meant to start.
    status, _, err = run(["import", "Wiltshire focused visit.pdf"], capsys)
    assert status == 1
    assert err == (
        "error: no history here: no content folder (content/ not found) (hint: run in a "
        "history's folder, name it with --root, start one with `inspection-history init DIR`, "
        "or give one draft's path with --out)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Wiltshire focused visit.pdf"]
    (tmp_path / "content").mkdir()
    status, _, err = run(["import", "Wiltshire focused visit.pdf"], capsys)
    assert status == 0
    # The id is the date and kind, never the file's name (no kind here: no site.yml).
    assert err.startswith(
        "content/reports/2022-01-report.md: draft written from Wiltshire focused visit.pdf "
        "(3 pages): 0 numbered paragraphs, 5 headings, 2 list items, 0 judgements, "
    )
    target = tmp_path / "content" / "reports" / "2022-01-report.md"
    # Edited by the editor: importing the same PDF again finds its draft and leaves it alone,
    # unread: a run over the whole folder writes only the PDFs not imported before.
    edited = target.read_text(encoding="utf-8").replace("draft: true\n", "")
    target.write_text(edited, encoding="utf-8")
    status, _, err = run(["import", "Wiltshire focused visit.pdf"], capsys)
    assert status == 0
    assert err == (
        "Wiltshire focused visit.pdf: already imported to content/reports/2022-01-report.md; "
        "skipped (hint: add --force to import it again, and lose what was edited in it)\n"
    )
    assert target.read_text(encoding="utf-8") == edited
    # With the draft's header gone too (which said which PDF it came from), the inspection's
    # dates still find it: no second copy is written beside it.
    confirmed = re.sub(r"(?m)^# .*\n", "", edited)
    target.write_text(confirmed, encoding="utf-8")
    status, _, err = run(["import", "Wiltshire focused visit.pdf"], capsys)
    assert status == 1
    assert err.startswith(
        "Wiltshire focused visit.pdf: error: content/reports/2022-01-report.md already holds this "
        "inspection (the organisation, inspected 2022-01-24 to 2022-01-25); no draft written "
        "(hint: to replace it, import into it with '--out content/reports/2022-01-report.md "
        "--force', and lose what was edited in it)\n"
    ), err
    assert sorted(p.name for p in target.parent.iterdir()) == ["2022-01-report.md"]
    assert target.read_text(encoding="utf-8") == confirmed
    status, _, _ = run(
        ["import", "Wiltshire focused visit.pdf", "--out", str(target), "--force"], capsys
    )
    assert status == 0
    assert target.read_text(encoding="utf-8").startswith("---\n# Draft imported from")


def test_unreadable_pdfs_are_one_error_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.pdf").write_text("Inspection report, as text", encoding="utf-8")
    secret = Canvas("secret.pdf", encrypt="password")
    secret.drawString(100, 700, "Inspection report")
    secret.save()
    scan = Canvas("scan.pdf")
    scan.rect(100, 100, 300, 500, fill=1)
    scan.save()
    expected = {
        "report.pdf": "report.pdf: error: not a PDF file (it does not begin with '%PDF'; hint: "
        "for a text extraction, paste it under a report's front matter and measure it with "
        "'compare')",
        "secret.pdf": "secret.pdf: error: the PDF is encrypted and cannot be read without its "
        "password (hint: open it and save or print an unprotected copy)",
        "scan.pdf": "scan.pdf: error: the PDF has no text layer: its pages are images (hint: run "
        "it through OCR first, for example 'ocrmypdf IN.pdf OUT.pdf')",
        "missing.pdf": "missing.pdf: error: no such file",
    }
    for name, message in expected.items():
        status, out, err = run(["import", name, "--out", "draft.md"], capsys)
        assert (status, out, err) == (1, "", message + "\n")
    assert not (tmp_path / "draft.md").exists()


def test_pages_without_text_are_named(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mixed = Canvas("mixed.pdf")
    for page in range(3):
        if page == 1:
            mixed.rect(100, 100, 300, 500, fill=1)  # a scanned page: an image, no text
        else:
            mixed.drawString(100, 700, f"This inspection was unannounced, page {page + 1}.")
        mixed.showPage()
    mixed.save()
    status, _, err = run(["import", "mixed.pdf", "--out", "2013-07-x.md"], capsys)
    assert status == 0
    assert err.splitlines()[0] == (
        "mixed.pdf: warning: no text on page 2 (scanned images?): the draft lacks their words"
    )


def test_a_pdf_restricted_only_by_its_owner_password_is_read(tmp_path, capsys):
    # Published reports often forbid editing with an owner password but open without one.
    from reportlab.lib.pdfencrypt import StandardEncryption

    layout = (FIXTURES / "focused-visit-2022.txt").read_text(encoding="utf-8")
    locked = StandardEncryption("", ownerPassword="owner", canModify=0, canCopy=0)
    pdf = make_pdf(layout, tmp_path / "locked.pdf", "Focused visit", "Ofsted", encrypt=locked)
    assert b"/Encrypt" in pdf.read_bytes()
    draft = imported(pdf, tmp_path / "2022-01-visit.md", capsys)
    assert fidelity(draft, FIXTURES / "focused-visit-2022.txt") == (1.0, 1.0)


def test_without_pdfminer_the_command_says_what_to_install(pdfs, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(importpdf, "_pdfminer", lambda: None)
    status, _, err = run(["import", str(pdfs["letter"]), "--out", str(tmp_path / "d.md")], capsys)
    assert status == 1
    assert err.endswith(
        "visit.pdf: error: reading PDFs needs pdfminer.six "
        "(hint: pip install 'pdfminer.six>=20231228' 'pypdfium2>=4.30' 'pyspellchecker>=0.8')\n"
    )


def test_pieces_of_one_line_join_left_to_right():
    # A hanging number sits a hair lower than its text, so it sorts after it.
    text = Line("The inspection was unannounced.", 84, 300, 110, 120.9, 10.5, False, 1)
    number = Line("4.", 56, 66, 110, 121.1, 10.5, False, 1)
    following = Line("It looked at", 84, 300, 124, 134.9, 10.5, False, 1)
    rows = _rows([text, number, following])
    assert [row.text for row in rows] == ["4. The inspection was unannounced.", "It looked at"]
    assert (rows[0].x0, rows[0].x1) == (56, 300)
    # A Courier 'o' or a Wingdings glyph set apart before its text is a bullet.
    sub = Line("o", 84, 90, 140, 148.9, 10.5, False, 1)
    item = Line("improve private fostering", 102, 300, 138, 148.9, 10.5, False, 1)
    word = Line("o", 84, 90, 160, 168.9, 10.5, False, 1)
    assert [row.text for row in _rows([sub, item, word])] == ["• improve private fostering", "o"]


def test_line_joining_and_bullet_glyphs():
    assert _join("the arrange-", "ments made") == "the arrangements made"
    assert _join("a multi-", "agency team") == "a multi-agency team"
    assert _join("ends with a hyphen -", "and more") == "ends with a hyphen - and more"
    assert _join("Early Years-", "Foundation") == "Early Years- Foundation"
    assert _join("the arrange\u2010", "ments made") == "the arrangements made"
    assert _join("soft hyph\xad", "enation") == "soft hyphenation"
    assert _join("a jointly-", "owned plan") == "a jointly-owned plan"
    # A prefix's compound before a capital; a chain of hyphens; a hyphen left hanging.
    assert _join("the Multi-", "Agency Safeguarding Hub") == "the Multi-Agency Safeguarding Hub"
    assert _join("free Wi-", "Fi", frozenset({"wi-fi"})) == "free Wi-Fi"
    assert _join("their day-to-", "day work") == "their day-to-day work"
    assert _join("aged 16-", "and 17-year-olds") == "aged 16- and 17-year-olds"
    assert _join("aged 16-", "year-olds") == "aged 16-year-olds"
    assert _join("in 2012-", "13 the") == "in 2012-13 the"  # a range
    assert _join("(mid-", "2012 estimates)") == "(mid-2012 estimates)"
    assert _join("been re-", "established") == "been re-established"
    assert _join("to de-", "escalate") == "to de-escalate"
    assert _join("been re-", "viewed") == "been reviewed"
    assert _join("the caf-", "é opened") == "the café opened"
    # The document's own spelling elsewhere decides.
    assert _join("child-", "centred", frozenset({"child-centred"})) == "child-centred"
    assert _join("co-", "ordinate", frozenset({"coordinate"})) == "coordinate"
    assert _bullet("\uf0b7 Strengthen planning") == "Strengthen planning"
    assert _bullet("• Strengthen planning") == "Strengthen planning"
    assert _bullet("(cid:127) Strengthen planning") == "Strengthen planning"
    assert _bullet("- Strengthen planning") == "Strengthen planning"
    assert _bullet("-2 degrees") is None
    assert "ﬁnding ﬂows".translate(importpdf._LIGATURES) == "finding flows"


@pytest.mark.parametrize(
    "text, key, value",
    [
        (
            "Inspection dates: 8 – 17 July 2013 Lead inspector Ian Young HMI",
            "inspected",
            ("2013-07-08", "2013-07-17"),
        ),
        (
            "Inspection dates: 8 – 17 July 2013 Lead inspector Ian Young HMI",
            "lead",
            "Ian Young",
        ),
        ("Inspection dates: 28 June – 2 July 2021", "inspected", ("2021-06-28", "2021-07-02")),
        (
            "Dates of inspection: 5 March 2012 to 16 March 2012",
            "inspected",
            ("2012-03-05", "2012-03-16"),
        ),
        ("Publication date: 24 April 2012", "published", "2012-04-24"),
        ("Lead inspector: Jane Smith, Her Majesty's Inspector", "lead", "Jane Smith"),
        ("Lead inspector: Jane Smith, Her Majesty's Inspector", "lead_role", "Lead inspector"),
        # The role as printed: the 2013 inspections of looked after children name theirs so.
        ("Reporting inspector Christopher Sands HMI", "lead", "Christopher Sands"),
        ("Reporting inspector Christopher Sands HMI", "lead_role", "Reporting inspector"),
        # An inspection before the report's own, as it speaks of it, each year once.
        (
            "Since the last ILACS inspection in 2022, leaders have acted; at its previous "
            "inspection in March 2018 and since the last inspection in 2022 again.",
            "earlier",
            ["Since the last ILACS inspection in 2022", "At its previous inspection in March 2018"],
        ),
        # The reuse terms as the document words them, and the licence's address where it gives it.
        (
            "You may reuse this information (not including logos) free of charge in any format or "
            "medium, under the terms of the Open Government Licence. To view this licence, visit "
            "www.nationalarchives.gov.uk/doc/open-government-licence, or email: psi@example.org.",
            "licence_url",
            "https://www.nationalarchives.gov.uk/doc/open-government-licence/",
        ),
        (
            "Website: www.ofsted.gov.uk This document may be reproduced in whole or in part for "
            "non-commercial purposes, provided that the source and date of publication are stated.",
            "licence_text",
            "This document may be reproduced in whole or in part for non-commercial purposes, "
            "provided that the source and date of publication are stated.",
        ),
        ("Inspection dates: 31 February 2013", "inspected", None),  # not a real date
    ],
)
def test_facts_stated_in_the_text(text, key, value):
    block = importpdf.Block("paragraph", text, 1, 10.0, False)
    document = importpdf.Document("x.pdf", [], [block], 10.0)
    found = importpdf.find_facts(document).get(key)
    assert (found.value if found else None) == value


def test_a_draft_without_author_or_licence_checks_and_says_what_is_left(tmp_path, capfd):
    """A document that prints neither (a council's committee report) still gives a draft that
    checks; what is missing is said, and a report that is not a draft must have both."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    report = content / "reports" / "2022-01-visit.md"
    text = report.read_text(encoding="utf-8")
    text = re.sub(r"authors:\n  - \{[^\n]*\}\n", "authors:\n", text)
    text = text.replace(
        "licence: {name: Crown copyright}", "licence:\n  name: Not stated in the document"
    )
    report.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    assert cli.main(["check", "--root", str(tmp_path)]) == 0
    err = capfd.readouterr().err
    assert "warning: no author yet: name the lead inspector or author under 'authors'" in err
    report.write_text(text, encoding="utf-8")
    assert cli.main(["check", "--root", str(tmp_path)]) == 1
    assert "error: a report needs at least one entry under 'authors'" in capfd.readouterr().err


def test_the_title_says_what_the_report_is_not_a_visit_it_mentions(tmp_path, capsys):
    # Real ILACS reports open by telling of earlier visits ("since the focused visit in July
    # 2018"): the title, "Inspection of ...", says what this one is.
    layout = "\n\n".join(
        [
            "# Halton Borough Council",
            "## Inspection of local authority children’s services",
            "Inspection dates: 2 March 2020 to 13 March 2020",
            "Since the last inspection in November 2014, the focused visit in July 2018 and the "
            "monitoring visit in 2019, the local authority has made positive improvements.",
        ]
    )
    pdf = make_pdf(layout, tmp_path / "halton.pdf", "Halton", "Ofsted")
    draft = imported(pdf, tmp_path / "2020-03-inspection.md", capsys)
    assert "\nkind: inspection-report  # confirm: page 1, the document says 'Inspection of'" in (
        draft
    )


def _page(number: int, *texts: tuple[str, float]) -> importpdf.Page:
    """A page of 800 pt with a line of each text at its top (from the page's top)."""
    lines = [Line(t, 72, 500, top, top + 10, 10.5, False, number) for t, top in texts]
    page = importpdf.Page(number, 600, 800, lines)
    page.clean_lines = list(lines)
    return page


def test_a_running_footer_of_one_part_of_a_combined_report_is_furniture():
    # Ten pages of the council's report, then four of the safeguarding board's with a footer
    # of their own, its page number before it on even pages and after it on odd ones: 4 pages
    # of 14 is less than the share a whole document's footer needs.
    pages = [
        _page(n, (f"Text of page {n}.", 300), ("Inspection report: Hull", 760))
        for n in range(1, 11)
    ]
    pages += [
        _page(
            n,
            (f"Board text {n}.", 300),
            (
                f"{n - 10} Review of the board: Hull"
                if n % 2
                else f"Review of the board: Hull {n - 10}",
                760,
            ),
        )
        for n in range(11, 15)
    ]
    # A heading that tops a page now and then is not furniture.
    for n in (2, 6, 12):
        pages[n - 1].lines.insert(0, Line("Inspection findings", 72, 300, 40, 52, 14, True, n))
    importpdf._remove_furniture(pages)
    texts = [line.text for page in pages for line in page.lines]
    assert not any("Hull" in t for t in texts), texts
    assert texts.count("Inspection findings") == 3


def test_a_contents_list_with_parts_listed_without_page_numbers_goes_whole():
    # Merton 2017: a section's parts are listed under it without page numbers.
    entries = [
        "Contents",
        "Executive summary 2",
        "The local authority 5",
        "Information about this local authority area",
        "Recommendations",
        "Summary for children and young people 5",
        "The experiences and progress of children who need help and",
        "protection 10",
        "Leadership, management and governance 25",
        "The Local Safeguarding Children Board (LSCB) 31",
        "Executive summary",
        "Inspection findings – the Local Safeguarding Children Board 31",
        "Information about this inspection 37",
        "The inspection found that services are good.",
    ]
    page = _page(4, *((text, 100 + 20 * i) for i, text in enumerate(entries)))
    importpdf._remove_contents([page])
    assert [line.text for line in page.clean_lines] == [
        "The inspection found that services are good."
    ]


def test_earlier_inspections_are_found_however_the_report_words_them():
    """Lancashire's 2018 report says 'The last inspection report … was published in September
    2015' and 'the 2015 Ofsted inspection', and its draft asked nothing of that inspection;
    Wiltshire's 2015 report speaks of 'The 2012 inspection'."""
    from builder.editing.importpdf import Found, _earlier_inspections

    texts = [
        (3, "Inspection dates: 4 June 2018 to 28 June 2018"),
        (
            5,
            "The last inspection report for the local authority’s children’s services was "
            "published in September 2015.",
        ),
        (6, "It has acted on key recommendations made at the time of the 2015 Ofsted inspection."),
        (7, "The 2018 inspection found … under the 2017 inspection framework."),
        (9, "The 2012 inspection judged safeguarding inadequate."),
    ]
    found = _earlier_inspections(texts, Found(("2018-06-04", "2018-06-28"), 3, ""))
    assert found is not None and found.page == 5
    assert found.value == [
        "The last inspection report for the local authority’s children’s services was published "
        "in September 2015",
        "The 2012 inspection",
    ]


def test_the_licence_is_quoted_by_the_words_that_name_it():
    """Lancashire 2018's draft quoted, as where its licence is named, the start of a paragraph
    about Ofsted: 'The Office for Standards in Education, Children’s Services a…'."""
    text = (
        "The Office for Standards in Education, Children’s Services and Skills (Ofsted) regulates "
        "and inspects to achieve excellence. You may reuse this information (not including logos) "
        "free of charge in any format or medium, under the terms of the Open Government Licence."
    )
    block = importpdf.Block("paragraph", text, 29, 10.0, False)
    found = importpdf.find_facts(importpdf.Document("x.pdf", [], [block], 10.0))["licence"]
    assert found.value == "Open Government Licence v3.0"
    assert found.evidence == "'medium, under the terms of the Open Government Licence'"


def test_import_with_out_outside_a_history_adds_to_no_organisations_list(tmp_path, capsys):
    """With --out, import ran outside any history and still made ROOT/content/organisations.yml
    (with the default root, a content folder where the editor stood)."""
    out = tmp_path / "draft.md"
    oldham = FIXTURES / "real" / "ilacs-2019-oldham-p1.pdf"  # it names its council
    status, _, err = run(
        ["import", str(oldham), "--out", str(out), "--root", str(tmp_path / "none")], capsys
    )
    assert status == 0, err
    assert out.exists() and "added organisation" not in err
    assert not (tmp_path / "none").exists()
