"""The national recipe of docs/national.md, run as a publisher runs it, on three PDFs.

From a folder of report PDFs and a metadata CSV to a site of several organisations: `init`, the
settings the recipe changes, `import --metadata`, `check`, `build`, and `build --strict` refusing
the unconfirmed drafts. The PDFs are laid out from the import fixtures' text, each made about a
different authority, so the drafts check as real reports' drafts do. The themes `init` writes
say how to recognise them, so the import suggests each draft's themes and the theme pages hold
passages of several organisations before any editor has annotated a paragraph.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from builder.editing.importpdf import read_metadata

pytest.importorskip("reportlab")
pytest.importorskip("pdfminer")

FIXTURES = ROOT / "tests" / "fixtures" / "import"
# (layout, the authority it is made about, its id, region, kind, the PDF's name)
DOCUMENTS = (
    ("protection-2013.txt", "Wiltshire", "wiltshire", "South West", "local-authority"),
    ("focused-visit-2022.txt", "Dorset", "dorset", "South West", "local-authority"),
    ("committee-2012.txt", "Sandwell", "sandwell", "West Midlands", "trust"),
)


def metadata_names_organisations(tmp_path: Path) -> bool:
    """Whether `import --metadata` reads an organisation's region and kind from the CSV."""
    probe = tmp_path / "probe.csv"
    probe.write_text(
        "file,organisation,organisation_name,published,url,organisation_kind,region\n"
        "a.pdf,probe,Probe Council,,,trust,Probe Region\n",
        encoding="utf-8",
    )
    kept = vars(read_metadata(probe)["a.pdf"]).values()
    return "Probe Region" in kept


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


def test_the_recipe_builds_a_site_of_three_organisations_from_pdfs(tmp_path):
    if not metadata_names_organisations(tmp_path):
        pytest.skip(
            "import --metadata does not yet read organisation_kind and region, nor write each "
            "draft's organisation id and content/organisations.yml (issue 23)"
        )
    from pdfgen import make_flowing_pdf, make_pdf

    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    rows = []
    for layout, name, oid, region, kind in DOCUMENTS:
        text = (FIXTURES / layout).read_text(encoding="utf-8").replace("Wiltshire", name)
        pdf = pdfs / f"{oid}-{layout.removesuffix('.txt')}.pdf"
        if layout.startswith("committee"):
            make_flowing_pdf(text, pdf, f"{name} scorecard", "Children's Select Committee")
        else:
            make_pdf(text, pdf, f"Inspection of {name}", "Ofsted")
        rows.append(
            {
                "file": pdf.name,
                "organisation": oid,
                "organisation_name": f"{name} Council",
                "published": "",
                "url": f"https://reports.example.org/{pdf.name}",
                "organisation_kind": kind,
                "region": region,
            }
        )
    with (tmp_path / "reports.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    # 1. A new history, made national as docs/national.md says.
    assert run("init", "national", cwd=tmp_path).returncode == 0
    site = tmp_path / "national"
    for example in (site / "content" / "reports").glob("*.md"):
        example.unlink()
    (site / "content" / "recommendations.yml").write_text("[]\n", encoding="utf-8")
    settings = site / "content" / "site.yml"
    text = settings.read_text(encoding="utf-8")
    # The recipe keeps the theme rules on: they hold a report once its draft is confirmed.
    assert re.search(r"(?m)^  every_numbered_paragraph_themed: true", text)
    # It sets the title, the description and the organisation (init's speak of Example Council):
    # the site is many organisations'.
    text = re.sub(r"(?m)^title: .*$", 'title: "Children\'s services inspections in England"', text)
    text = re.sub(
        r"(?m)^description: >\n(?:  .*\n)+",
        "description: Every inspection of children's services in England, in full.\n",
        text,
    )
    text = re.sub(r"(?m)^organisation: .*$", "organisation: Local authorities in England", text)
    settings.write_text(text, encoding="utf-8")

    # 2. Import: a draft per PDF, each naming its organisation, every organisation declared.
    done = run("import", "--metadata", "../reports.csv", "../pdfs", cwd=site)
    assert done.returncode == 0, done.stderr
    assert "3 drafts written, 0 failed, from 3 PDFs" in done.stderr
    drafts = sorted((site / "content" / "reports").glob("*.md"))
    assert len(drafts) == 3
    named = set()
    for draft in drafts:
        front = yaml.safe_load(draft.read_text(encoding="utf-8").split("\n---\n", 1)[0][4:])
        assert front["draft"] is True
        named.add(front["organisation"])
    assert named == {"wiltshire", "dorset", "sandwell"}
    declared = yaml.safe_load((site / "content" / "organisations.yml").read_text("utf-8"))
    by_id = {o["id"]: o for o in declared}
    assert set(by_id) == named
    assert by_id["sandwell"]["name"] == "Sandwell Council"
    assert by_id["sandwell"]["region"] == "West Midlands"
    assert by_id["sandwell"]["kind"] == "trust"

    # 3. Check: the drafts are warnings, not errors, and one warning each.
    done = run("check", cwd=site)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning: a draft, not yet confirmed by an editor") == 3
    # The theme rules stay on and hold confirmed reports only: a draft's unconfirmed themes, and
    # the paragraphs no term suggested a theme for, are the editors' to do, not warnings.
    assert "has no theme" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if ": warning: " in line]
    assert all("draft" in line for line in warnings), warnings
    # Each draft carries the themes its paragraphs' words suggest, each with its basis.
    suggested = [d.read_text(encoding="utf-8") for d in drafts]
    assert all("  # suggested: the paragraph mentions '" in s for s in suggested)

    # 4. Build: the organisations' pages, and each draft shown as one.
    done = run("build", cwd=site)
    assert done.returncode == 0, done.stderr
    out = site / "_site"
    for oid in named:
        assert (out / "organisations" / oid / "index.html").is_file()
    for draft in drafts:
        page = (out / "reports" / draft.stem / "index.html").read_text(encoding="utf-8")
        assert '<p class="draft-banner" role="note"><strong>Draft.</strong>' in page
    # Theme pages span organisations: some theme holds passages of more than one of them, each
    # marked as coming from an unconfirmed draft.
    spanning = []
    for theme in sorted((out / "themes").glob("*/index.html")):
        page = theme.read_text(encoding="utf-8")
        rows = set(re.findall(r'<tr data-organisation="([a-z-]+)"', page))
        if len(rows) > 1:
            spanning.append(theme.parent.name)
            # The basis of every suggestion, stated once: the theme's words.
            assert "carry this theme because they use one of its words" in page
            for oid in rows:  # each organisation's passages, on a page of their own
                own = (theme.parent / oid / "index.html").read_text(encoding="utf-8")
                assert "from a draft, not yet confirmed" in own
                assert "carry this theme because they use one of its words" in own
    assert len(spanning) >= 2, spanning

    # 5. A strict build, as a publisher's CI may run it, refuses what no editor has confirmed.
    done = run("build", "--strict", "--out", "strict", cwd=site)
    assert done.returncode == 1
    assert done.stderr.count("warning: a draft, not yet confirmed by an editor") == 3
    assert not (site / "strict").exists()
