"""The bundled editions: faithful to their sources, fully themed, and clean under --strict."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from builder.diagnostics import Diagnostics
from builder.load import Project
from builder.pipeline import build

SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def site():
    from builder.content import parse_content
    from builder.load import read_sources
    from builder.site import build_model

    diagnostics = Diagnostics()
    content = parse_content(read_sources(ROOT / "content", diagnostics), diagnostics)
    model = build_model(content, diagnostics)
    assert not diagnostics.items, [d.format() for d in diagnostics.sorted()]
    return model


def test_bundled_site_builds_strict_with_no_warnings(tmp_path):
    diagnostics = Diagnostics()
    files = build(
        Project.at(ROOT, tmp_path / "out"),
        diagnostics,
        strict=True,
        write=False,
        base_url="https://inspection-history.github.io/wiltshire/",  # as the CI build gives it
    )
    assert files is not None and not diagnostics.items, [d.format() for d in diagnostics.sorted()]


def test_all_five_documents_are_published(site):
    assert len(site.reports) == 5
    assert [v.report.date.year for v in site.reports] == [2011, 2012, 2013, 2019, 2022]


@pytest.mark.skipif(
    not (SHARED / "tools" / "fidelity.py").exists(),
    reason="../shared/tools/fidelity.py not present",
)
def test_editions_are_faithful_to_their_sources():
    result = subprocess.run(
        [
            sys.executable,
            str(SHARED / "tools" / "fidelity.py"),
            str(SHARED / "seeds"),
            str(ROOT / "content" / "reports"),
            "--min",
            "0.98",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout


def test_every_numbered_paragraph_and_listed_finding_has_a_theme(site):
    missing = []
    for view in site.reports:
        themed = {p.block_id for p in view.passages if p.themes}
        rendered = site.rendered[view.report.id]
        for block in rendered.blocks:
            is_item = block.id in _list_item_ids(view.body_html)
            if (block.number or is_item) and block.id not in themed:
                missing.append(f"{view.report.id}#{block.id}")
    assert not missing, missing


def _list_item_ids(html: str) -> set[str]:
    import re

    return set(re.findall(r'<li id="([^"]+)"', html))


def test_every_report_names_its_source_and_terms(site):
    for view in site.reports:
        assert view.report.source.title and view.report.licence.name, view.report.id


def test_recurring_concerns_span_the_years(site):
    supervision = site.histories["supervision"]
    years = [site.report(e.report).report.date.year for e in supervision.mentioned]
    assert len(years) >= 3, years
    fostering = site.histories["private-fostering"]
    assert fostering.recurring
