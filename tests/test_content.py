"""The bundled site's own correctness: its rules (site.yml) hold under --strict, and it is faithful.

Nothing here counts or names the bundled reports, so adding, removing or editing a report is
checked by the site's own rules and never breaks a test about something else. The builder's
behaviour is tested on the fixture site.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from builder.diagnostics import Diagnostics
from builder.load.load import Project
from builder.pipeline import build

SHARED = ROOT.parent / "shared"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


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


def test_bundled_site_turns_its_content_rules_on():
    from builder.load.load import read_sources
    from builder.parse.content import parse_content

    diagnostics = Diagnostics()
    content = parse_content(read_sources(ROOT / "content", diagnostics), diagnostics)
    assert {"every_numbered_paragraph_themed", "every_listed_finding_themed"} <= set(
        content.settings.rules
    )


def test_a_report_added_to_the_bundled_content_is_held_to_its_rules(tmp_path: Path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    made = run(["new", "report", "--id", "2024-03-monitoring", "--date", "2024-03-15"], tmp_path)
    assert made.returncode == 0, made.stderr
    path = tmp_path / "content" / "reports" / "2024-03-monitoring.md"
    # Filled in: no longer a draft (a draft is refused by a strict check of its own).
    filled = path.read_text().replace("draft: true\n", "")
    path.write_text(filled + "## Findings\n\n1. Supervision is now regular.\n")
    result = run(["check", "--strict", "--base-url", "https://history.example.gov.uk/"], tmp_path)
    assert result.returncode == 1
    line = path.read_text().splitlines().index("1. Supervision is now regular.") + 1
    assert result.stderr.splitlines()[0] == (
        f"content/reports/2024-03-monitoring.md:{line}: warning: paragraph 1 has no theme"
        " (rule 'every_numbered_paragraph_themed' in site.yml; hint: annotate it with themes: [...])"
    )
    theme = re.search(r"^- id: (\S+)", (tmp_path / "content" / "themes.yml").read_text(), re.M)
    text = path.read_text().replace(
        "# annotations:\n", f"annotations:\n  - {{paragraph: 1, themes: [{theme[1]}]}}\n"
    )
    path.write_text(text)
    result = run(["check", "--strict", "--base-url", "https://history.example.gov.uk/"], tmp_path)
    assert result.returncode == 0, result.stderr


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
