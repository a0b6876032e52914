"""Every install command the docs give works as written, from a clean virtual environment.

The commands of docs/installing.md run one by one in a new folder, with `REPOSITORY` the address of
a local copy of this checkout (`file://localhost/…`, tagged as a release) and the release's own wheel;
`python3 -m venv .venv` makes an environment that finds the dependencies offline (tests/installs.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from installs import TAG, VERSION, Release, clean_env, fresh_venv

GUIDE = ROOT / "docs" / "installing.md"


def blocks(text: str) -> dict[str, list[str]]:
    """Each section's commands: the indented lines of its code blocks, by heading."""
    out: dict[str, list[str]] = {}
    heading = ""
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:]
        elif line.startswith("    ") and line.strip():
            out.setdefault(heading, []).append(line.strip())
    return out


def run_commands(commands: list[str], folder: Path, release: Release) -> list[str]:
    """Run each command as a reader would, in `folder`; the output of each `--version`."""
    shown = []
    for command in commands:
        # A file address with a host, as a requirement's URL must have (git accepts localhost).
        command = command.replace("REPOSITORY", f"file://localhost{release.source}")
        command = command.replace("v0.1.0", TAG).replace("0.1.0", VERSION)
        if command == "python3 -m venv .venv":
            fresh_venv(folder / ".venv", release.deps)
            continue
        done = subprocess.run(
            ["bash", "-ec", command],
            cwd=folder,
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
        assert "does not provide the extra" not in done.stderr, done.stderr
        if command.endswith("--version"):
            shown.append(done.stdout)
    return shown


@pytest.mark.parametrize(
    "section", ["From the git repository, at a release's tag", "From a release's wheel"]
)
def test_each_way_of_installing_gives_the_release(section: str, release: Release, tmp_path: Path):
    shutil.copy(release.wheel, tmp_path)  # downloaded from the release's page
    shown = run_commands(blocks(GUIDE.read_text())[section], tmp_path, release)
    assert shown == [f"inspection-history {VERSION}\n"]


def test_the_import_extra_installs_from_git_and_from_the_wheel(release: Release, tmp_path: Path):
    shutil.copy(release.wheel, tmp_path)
    commands = blocks(GUIDE.read_text())["With the `import` extra"]
    assert len(commands) == 2 and all("[import]" in c for c in commands)
    run_commands(["python3 -m venv .venv", *commands], tmp_path, release)
    found = subprocess.run(
        [str(tmp_path / ".venv" / "bin" / "python"), "-c", "import pdfminer, builder"],
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert found.returncode == 0, found.stderr


def documents() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.md", "*.py", "*.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / n for n in listed if (ROOT / n).is_file()]


def commands_in(path: Path) -> list[tuple[int, str]]:
    """The lines that may hold a command: in Markdown its code blocks (the prose may name the
    wrong command to warn against it), in code every line."""
    lines = list(enumerate(path.read_text(errors="replace").splitlines(), 1))
    if path.suffix != ".md":
        return lines
    out, fenced = [], False
    for number, line in lines:
        if line.startswith("```"):
            fenced = not fenced
        elif fenced or line.startswith("    "):
            out.append((number, line))
    return out


def test_no_document_installs_the_tool_from_an_index_it_is_not_on():
    """`pip install inspection-history` (with an extra or a version) would take the name from
    PyPI, where it is not this project's: every install names a git URL, a wheel or a folder."""
    name = re.compile(r"""^['"]?inspection-history(\[[\w,]+\])?(==\S*)?['"]?$""")

    def from_index(line: str) -> bool:
        for command in line.split("pip install")[1:]:
            words = re.split(r"\s+|`", command.strip())
            for i, word in enumerate(words):
                if name.match(word) and (i + 1 == len(words) or not words[i + 1].startswith("@")):
                    return True
        return False

    found = []
    for path in documents():
        if path.name == "test_install_docs.py":
            continue
        for number, line in commands_in(path):
            if from_index(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
    assert from_index("pip install 'inspection-history[import]'")
    assert from_index("pip install inspection-history==0.1.0 jinja2")
    assert not from_index('pip install "inspection-history[import] @ git+https://h/o/r@v1"')
    assert not from_index("pip install ./inspection_history-0.1.0-py3-none-any.whl")


def test_the_publishing_guides_gitlab_recipe_runs_the_builder_where_the_check_installed_it():
    """The recipe ran `python3 -m builder` after `scripts/check.py`, which installs the project
    into .venv/, not into the image's Python: ModuleNotFoundError."""
    import sys

    import yaml

    guide = (ROOT / "docs" / "publishing.md").read_text()
    recipe = yaml.safe_load(guide.split("```yaml\n# .gitlab-ci.yml\n")[1].split("```")[0])
    script = [line.split("#")[0].strip() for line in recipe["pages"]["script"]]
    assert script[1] == "python3 scripts/check.py"
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import devenv
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    # Outside a virtual environment (the image's Python) check.py installs into ROOT/.venv.
    assert devenv.VENV == ROOT / ".venv"
    assert script[2].startswith(".venv/bin/python -m builder build --strict")
    assert recipe["pages"]["artifacts"]["paths"] == ["public"]
