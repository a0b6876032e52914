"""`check --todo`: the editor's list of what is left to do, on a copy of the fixture site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def check_todo(site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "builder", "check", "--todo"],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def test_todo_lists_every_kind_of_open_item(fixture_copy: Path):
    content = fixture_copy
    append(content / "themes.yml", "- id: unused\n  title: Unused\n  description: Never given.\n")
    append(
        content / "recommendations.yml",
        "- id: never-tracked\n  title: Never tracked\n  description: No report speaks of it.\n",
    )
    append(
        content / "events.yml",
        '\n- id: 2022-visit\n  title: A visit\n  date: "2022-01"\n  kind: focused-visit\n',
    )
    visit = content / "reports" / "2022-01-visit.md"
    assert "    themes: [supervision]\n" in visit.read_text()
    visit.write_text(
        visit.read_text().replace(
            "    themes: [supervision]\n",
            "    themes: [supervision]\n    note: See [2019](/reports/2019-06-second/#gone).\n",
            1,
        )
    )
    result = check_todo(content.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "numbered paragraphs and listed findings without a theme (1):",
        "content/reports/2013-07-first.md:51: todo: paragraph 3 has no theme",
        "themes never used (1):",
        "content/themes.yml:10: todo: theme 'unused' is not given to any passage",
        "tracked recommendations never used (1):",
        "content/recommendations.yml:13: todo: tracked recommendation 'never-tracked' is not"
        " tracked by any report",
        "events that may now have a report of their own (1):",
        "content/events.yml:12: todo: event '2022-visit' (2022-01, focused-visit) may now be the"
        " report '2022-01-visit': if so, remove the event and point its mentions at the report",
        "notes whose links point at anchors that no longer exist (1):",
        "content/reports/2022-01-visit.md:18: todo: a note links to /reports/2019-06-second/#gone"
        " (no element with id 'gone')",
        "5 things left to do",
    ]


def test_todo_lists_values_an_import_marked_for_the_editor(fixture_copy: Path):
    visit = fixture_copy / "reports" / "2022-01-visit.md"
    text = visit.read_text()
    text = text.replace(
        "---\nid:",
        "---\n# Check each value marked '# confirm:' against the document; fill in each '# to do:'.\nid:",
        1,
    )
    text = text.replace(
        "published: 2022-02-28\n",
        "published: 2022-02-28  # confirm: page 1, 'Date: 28 February 2022'\n",
    )
    text = text.replace(
        "publisher: Ofsted\n", "publisher: Ofsted\n# to do: framework: an id from frameworks.yml\n"
    )
    visit.write_text(text)
    result = check_todo(fixture_copy.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "imported values to confirm or fill in (2):",
        "content/reports/2022-01-visit.md:8: todo: confirm published: page 1, 'Date: 28 February "
        "2022'",
        "content/reports/2022-01-visit.md:12: todo: fill in framework: an id from frameworks.yml",
    ]


def test_todo_says_when_nothing_is_left(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "builder", "init", "history"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
    )
    # A new history's themes are the inspections' whole set; its example report uses one. Kept
    # to the theme it uses, nothing is left to do.
    themes = tmp_path / "history" / "content" / "themes.yml"
    kept = themes.read_text(encoding="utf-8").split("\n- id: ")
    used = [t for t in kept[1:] if t.startswith("supervision-and-oversight\n")]
    themes.write_text(kept[0] + "\n- id: " + used[0], encoding="utf-8")
    result = check_todo(tmp_path / "history")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "nothing left to do\n"


def test_a_new_historys_todo_names_only_the_themes_it_does_not_use_yet(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "builder", "init", "history"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
    )
    result = check_todo(tmp_path / "history")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("themes never used (")
    assert lines[-1] == "27 things left to do"
    assert all(": todo: theme '" in line for line in lines[1:-1]), lines
    assert not any("supervision-and-oversight" in line for line in lines)


def test_a_listed_finding_without_a_theme_says_how_an_annotation_names_it(fixture_copy: Path):
    visit = fixture_copy / "reports" / "2022-01-visit.md"
    append(visit, "\n- **Audits** are not yet used well.\n")
    result = check_todo(fixture_copy.parent)
    assert result.returncode == 0, result.stderr
    line = visit.read_text().split("\n").index("- **Audits** are not yet used well.") + 1
    assert (
        f"content/reports/2022-01-visit.md:{line}: todo: finding 'Audits are not yet used well.' "
        "has no theme (annotate it as 'paragraph: audits-are-not-yet-used-well')"
    ) in result.stdout.splitlines()


def test_one_warning_is_counted_as_one(fixture_copy: Path):
    visit = fixture_copy / "reports" / "2022-01-visit.md"
    visit.write_text(visit.read_text().replace("---\n", "---\ndraft: true\n", 1))
    result = check_todo(fixture_copy.parent)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1].endswith(" files would be written, 1 warning")
