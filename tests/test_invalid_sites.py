"""Each folder under tests/invalid/ overlays the fixture site with one mistake and lists what must be said.

The messages are the editors' interface, so they are compared exactly, in order, with the count line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT

CASES = sorted(p for p in (ROOT / "tests" / "invalid").iterdir() if p.is_dir())


def prepare(case: Path, tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE / "content", tmp_path / "content")
    for sub in ("content", "templates"):  # a case's templates override the theme's, file by file
        if (case / sub).exists():
            shutil.copytree(case / sub, tmp_path / sub, dirs_exist_ok=True)
    return tmp_path


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_reports_every_problem_exactly(case: Path, tmp_path: Path):
    site = prepare(case, tmp_path)
    extra = (case / "args.txt").read_text().split() if (case / "args.txt").exists() else []
    result = run(["check", *extra], site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == (case / "expected.txt").read_text()


@pytest.mark.parametrize("case", CASES[:3], ids=[c.name for c in CASES[:3]])
def test_failed_build_leaves_last_good_output_untouched(case: Path, tmp_path: Path):
    site = prepare(case, tmp_path / "site")
    good = tmp_path / "good-content"
    shutil.copytree(FIXTURE / "content", good)
    assert run(["build", "--content", str(good), "--out", "out"], site).returncode == 0
    before = {p: p.read_bytes() for p in sorted((site / "out").rglob("*")) if p.is_file()}
    extra = (case / "args.txt").read_text().split() if (case / "args.txt").exists() else []
    result = run(["build", "--out", "out", *extra], site)
    assert result.returncode == 1
    assert result.stderr.endswith("; site not written\n")
    after = {p: p.read_bytes() for p in sorted((site / "out").rglob("*")) if p.is_file()}
    assert after == before
