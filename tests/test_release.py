"""Releases: a version tag makes a wheel and an sdist of that version, attached to the release."""

from __future__ import annotations

import subprocess
import tarfile
import zipfile

from conftest import ROOT
from installs import TAG, VERSION, Release, clean_env, dependencies, fresh_venv, source_copy

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def test_a_version_tag_releases_a_wheel_and_an_sdist_of_that_version(release: Release):
    assert release.published == [
        "release",
        "create",
        TAG,
        "--repo",
        "someone/inspection-history",
        "--verify-tag",
        "--title",
        TAG,
        "--notes-file",
        "notes.md",
        "dist/" + release.wheel.name,
        "dist/" + release.sdist.name,
    ]
    # The tag's section of CHANGELOG.md, and nothing of the sections around it.
    changelog = (release.source / "CHANGELOG.md").read_text()
    section = changelog.split(f"## [{VERSION}] - 2026-12-06\n")[1].split("\n## ")[0]
    assert release.notes.strip() == section.strip() and "### Added" in release.notes
    with zipfile.ZipFile(release.wheel) as wheel:
        metadata = wheel.read(f"inspection_history-{VERSION}.dist-info/METADATA").decode()
        names = wheel.namelist()
    assert f"\nVersion: {VERSION}\n" in metadata
    # The starter history, its dot files included, and the theme travel in the wheel.
    for name in ("builder/starter/gitignore", "builder/starter/github/workflows/publish.yml"):
        assert name in names
    assert "builder/theme/assets/site.css" in names
    with tarfile.open(release.sdist) as sdist:
        assert f"inspection_history-{VERSION}/pyproject.toml" in sdist.getnames()


def test_the_workflow_runs_on_version_tags_only():
    text = WORKFLOW.read_text()
    assert 'tags: ["v[0-9]*"]' in text and "branches" not in text
    assert "fetch-depth: 0" in text  # the tag must be there for the version


def test_without_git_the_version_falls_back(tmp_path):
    """A copy of the files without git (an archive) still builds, at the fallback version."""
    source = source_copy(tmp_path / "source")
    subprocess.run(["rm", "-rf", str(source / ".git")], check=True)
    deps = dependencies(tmp_path / "deps")
    python = fresh_venv(tmp_path / "venv", deps) / "python"
    built = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "w"),
            str(source),
        ],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    assert [p.name for p in (tmp_path / "w").iterdir()] == [
        "inspection_history-0.1.0-py3-none-any.whl"
    ]
