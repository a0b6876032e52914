"""`init` starts a history that builds at once, `new report` adds one, and both work from the wheel."""

from __future__ import annotations

import datetime
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, make_examples_own

from builder.editing.scaffold import ScaffoldProblem, init_project, new_report, report_id

PROGRESS = re.compile(r"building: .+ done \(\d+\.\d s\)")
ADDRESS = "https://history.example-council.gov.uk/"  # where a real history would publish


def run(args: list[str], cwd: Path, python: str = sys.executable) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [python, "-m", "builder", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def said(stderr: str) -> list[str]:
    """The lines of a command's output, less the progress lines of a build over a second long."""
    return [line for line in stderr.splitlines() if not PROGRESS.fullmatch(line)]


def test_init_writes_a_history_that_builds_and_publishes_once_its_examples_are_its_own(
    tmp_path: Path,
):
    result = run(["init", "history"], tmp_path)
    assert result.returncode == 0, result.stderr
    # Run from a source tree, requirements.txt can pin no builder yet: the next steps preview
    # with the very builder that wrote it, not with an install that would install nothing.
    assert result.stderr.endswith(
        f"next:\n  cd history && git init\n  {shlex.quote(sys.executable)} -m builder serve\n"
    ), result.stderr
    site = tmp_path / "history"
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        ".github/workflows/publish.yml",
        ".gitignore",
        "README.md",
        "content/events.yml",
        "content/frameworks.yml",
        "content/recommendations.yml",
        "content/reports/2019-06-example-inspection.md",
        "content/site.yml",
        "content/themes.yml",
        "requirements.txt",
    ]
    # A strict build, what the workflow publishes with, refuses init's examples by name.
    refused = run(["build", "--strict", "--base-url", ADDRESS], site)
    assert refused.returncode == 1
    # (A build that takes over a second, on a slow machine, says so as it goes: not asked here.)
    assert said(refused.stderr) == [
        "content/recommendations.yml:14: warning: init's example tracked recommendation "
        "'regular-supervision': a strict build will not publish it (hint: delete it once your "
        "own are in; if it is the last in its file, leave [] for none)",
        "content/reports/2019-06-example-inspection.md:5: warning: init's example report "
        "'2019-06-example-inspection': a strict build will not publish it (hint: delete it once "
        "your own are in)",
        "content/site.yml:5: warning: 'title' is init's example, of Example Council: a strict "
        "build will not publish it (hint: say whose history this is, and what it holds)",
        "content/site.yml:9: warning: 'description' is init's example, of Example Council: a "
        "strict build will not publish it (hint: say whose history this is, and what it holds)",
        "4 warnings; site not written",
    ]
    assert not (site / "_site").exists()
    # Made an editor's own (here, given titles of their own), they publish.
    make_examples_own(site)
    built = run(["build", "--strict", "--base-url", ADDRESS], site)
    assert built.returncode == 0, built.stderr
    page = (site / "_site" / "reports" / "2019-06-example-inspection" / "index.html").read_text()
    assert 'id="p1"' in page and 'id="p2"' in page  # numbered paragraphs
    assert "Requires improvement to be good" in page  # a judgement on the ILACS scale
    assert "Within three months" in page  # the report's own recommendation
    assert "Recorded supervision is what the inspectors could check." in page  # a note
    assert (site / "_site" / "recommendations" / "regular-supervision" / "index.html").exists()


def test_init_starts_with_the_frameworks_of_english_childrens_services(tmp_path: Path):
    init_project(tmp_path / "h")
    text = (tmp_path / "h" / "content" / "frameworks.yml").read_text()
    for framework in ("safeguarding-lac", "child-protection", "sif", "ilacs"):
        assert f"- id: {framework}\n" in text
    assert "{grade: adequate, label: Adequate, ordinal: 2}" in text
    assert (
        "{grade: requires-improvement, label: Requires improvement to be good, ordinal: 2}" in text
    )
    focused = text.split("- id: ilacs-focused-visit")[1].split("- id: ")[0]
    monitoring = text.split("- id: monitoring-visit")[1]
    assert "scale" not in focused and "scale" not in monitoring  # ungraded visits


def test_init_refuses_a_folder_that_holds_anything(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine")
    result = run(["init", str(tmp_path)], tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: {tmp_path} is not empty; choose a new folder"
        " (init never writes over existing files)\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_new_report_takes_the_month_from_the_given_date(tmp_path: Path):
    init_project(tmp_path)
    result = run(
        ["new", "report", "--title", "Focused visit: care leavers", "--date", "2024-03-15"],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    path = tmp_path / "content" / "reports" / "2024-03-focused-visit-care-leavers.md"
    assert (
        result.stderr
        == f"{path.relative_to(tmp_path).as_posix()} written: fill in its front matter and paste the text\n"
    )
    text = path.read_text()
    for key in ("id", "title", "kind", "published", "authors", "publisher", "source", "licence"):
        assert f"\n{key}:" in text
    assert 'title: "Focused visit: care leavers"' in text
    assert "published: 2024-03-15" in text
    # As written, the new report passes the site's checks and rules, as a draft: a strict
    # check (as a strict build) refuses to publish it until it is filled in.
    checked = run(["check", "--base-url", ADDRESS], tmp_path)
    assert checked.returncode == 0, checked.stderr
    checked = run(["check", "--strict", "--base-url", ADDRESS], tmp_path)
    assert checked.returncode == 1
    assert f"{path.relative_to(tmp_path).as_posix()}:5: warning: a draft" in checked.stderr


def test_new_report_takes_the_next_free_id_and_never_overwrites(tmp_path: Path):
    reports = tmp_path / "content" / "reports"
    reports.mkdir(parents=True)
    day = datetime.date(2024, 3, 15)
    first = new_report(tmp_path / "content", day, title="Monitoring visit")
    second = new_report(tmp_path / "content", day, title="Monitoring visit")
    assert [first.name, second.name] == [
        "2024-03-monitoring-visit.md",
        "2024-03-monitoring-visit-2.md",
    ]
    assert report_id(reports, day) == "2024-03-report"
    assert report_id(reports, day, "ilacs") == "2024-03-ilacs"
    assert report_id(reports, day, "2023-11-ilacs") == "2023-11-ilacs"
    first.write_text("edited")
    with pytest.raises(ScaffoldProblem) as problem:
        new_report(tmp_path / "content", day, wanted_id="monitoring-visit")
    assert str(problem.value) == (
        f"{reports / '2024-03-monitoring-visit.md'} already exists; choose another --id"
    )
    assert first.read_text() == "edited"


def test_new_report_refuses_a_bad_date(tmp_path: Path):
    result = run(["new", "report", "--date", "2024-02-30"], tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: --date must be a date such as 2024-03-15, not '2024-02-30'\n"


def test_the_installed_wheel_starts_and_builds_a_history(release, tmp_path: Path):
    """The wheel, not the source tree, carries the theme and the starter history."""
    from installs import clean_env
    from test_init_publish import installed as install_release

    python = str(install_release(release, tmp_path / "venv") / "python")
    clean = clean_env()
    where = subprocess.run(
        [python, "-c", "import builder; print(builder.__file__)"],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(tmp_path / "venv")), where

    def installed(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [python, "-m", "builder", *args],
            cwd=cwd,
            env=clean,
            capture_output=True,
            text=True,
            timeout=300,
        )

    made = installed("init", "history", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    built = installed("build", "--base-url", ADDRESS, cwd=tmp_path / "history")
    assert built.returncode == 0, built.stderr
    out = tmp_path / "history" / "_site"
    assert (out / "assets" / "site.css").read_bytes() == (ROOT / "assets" / "site.css").read_bytes()
    home = (out / "index.html").read_text()
    assert "Example Council children&#39;s services" in home
    assert "2019-06-example-inspection" in home


def test_new_report_on_a_site_of_several_organisations_says_whose_it_is(tmp_path: Path):
    init_project(tmp_path)
    (tmp_path / "content" / "organisations.yml").write_text(
        "- {id: alpha, name: Alpha Council}\n- {id: beta, name: Beta Council}\n"
    )
    result = run(["new", "report", "--date", "2024-03-15", "--organisation", "beta"], tmp_path)
    assert result.returncode == 0, result.stderr
    written = sorted((tmp_path / "content" / "reports").glob("2024-03-*.md"))
    assert "\norganisation: beta\n" in written[-1].read_text()
    result = run(["new", "report", "--date", "2024-04-15"], tmp_path)
    assert result.returncode == 0, result.stderr
    text = sorted((tmp_path / "content" / "reports").glob("2024-04-*.md"))[-1].read_text()
    assert "\norganisation: alpha   # whom the report is about: one of alpha, beta\n" in text


def test_the_examples_init_leaves_in_comments_check_as_they_are_once_uncommented(tmp_path: Path):
    """An editor copies a commented example to start from: events.yml's named no scope on a
    framework of two, and quoted the example report with the wrong capital."""
    assert run(["init", "history"], tmp_path).returncode == 0
    content = tmp_path / "history" / "content"
    for name in ("events.yml", "recommendations.yml"):
        path = content / name
        lines = path.read_text(encoding="utf-8").splitlines()
        example = [i for i, line in enumerate(lines) if line.startswith("# - id: ")]
        assert len(example) == 1, name
        start = example[0]
        end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("#   "))
        kept = [line for line in lines[end:] if line.strip() != "[]"]
        path.write_text(
            "\n".join([*lines[:start], *(line[2:] for line in lines[start:end]), *kept]) + "\n",
            encoding="utf-8",
        )
    checked = run(["check"], tmp_path / "history")
    assert checked.returncode == 0, checked.stderr
    # Only what a fresh history says: its examples are init's.
    assert re.fullmatch(
        r"content is valid: \d+ files would be written, 4 warnings", said(checked.stderr)[-1]
    )
    assert "error" not in checked.stderr
