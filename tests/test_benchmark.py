"""The scale benchmark runs end to end at a small size, so it never rots (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_the_scale_benchmark_runs_at_three_reports(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "scale.py"),
            "--sizes",
            "3",
            "--keep",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 3 |")]
    assert len(rows) == 1, result.stdout
    # The stages of the largest size's builds, as each build printed them with --timings.
    stage_rows = {line.split(" | ")[0][2:]: line for line in result.stdout.splitlines()}
    assert "Stages at 3 reports" in result.stdout
    for stage in ("parse", "model", "views and render", "publish"):
        assert stage in stage_rows, result.stdout
    assert (tmp_path / "n3" / "site" / "content" / "reports").is_dir()
    assert len(list((tmp_path / "n3" / "site" / "content" / "reports").glob("*.md"))) == 3


def test_generated_reports_have_the_product_shape():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import scale

    ids = scale.report_ids(5)
    front, body = scale.generate_report(2, ids)
    assert (front, body) == scale.generate_report(2, ids)  # deterministic
    paragraphs = [b for b in body.split("\n\n") if b[:1].isdigit()]
    assert 40 <= len(paragraphs) <= 60
    assert 10 <= front.count("  - quote:") <= 20
    assert 30_000 < len(body) < 60_000


def test_the_import_benchmark_refuses_a_folder_to_keep_that_holds_something(tmp_path: Path):
    """A second run with the first's --keep said nothing useful: a traceback from init."""
    (tmp_path / "kept" / "content").mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "import.py"), "--keep", str(tmp_path / "kept")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].endswith("the folder is not empty; name a new one")
    assert "Traceback" not in result.stderr
