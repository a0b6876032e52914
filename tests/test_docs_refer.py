"""Every document refers only to what the repository holds: its links and the files it names."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import ROOT

# Files named in code spans: under these folders, with these endings (examples of content files,
# such as `content/reports/2024-03-ilacs.md`, are not references).
NAMED = re.compile(
    r"`((?:\.\./)*(?:scripts|benchmarks|tests|builder|docs|\.github|\.ci)/[\w./-]+\.(?:py|md|yml|js|css|html|sh))`"
)
# Scripts a command runs: `python3 ../shared/tools/fidelity.py` named one outside the repository.
SCRIPT = re.compile(r"\bpython3? ((?:\.\./)*[\w./-]+\.py)\b")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def markdown() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    # The project's documents; content files and test fixtures are data, not documents.
    return [
        ROOT / n
        for n in listed
        if (ROOT / n).is_file() and not n.startswith(("tests/", "content/", "builder/"))
    ]


def test_every_link_and_named_file_is_in_the_repository():
    missing = []
    for path in markdown():
        text = path.read_text(encoding="utf-8")
        for target in LINK.findall(text):
            if re.match(r"^[a-z]+:", target) or target.startswith("/"):
                continue  # another site, or a path on the built site
            if not (path.parent / target).exists():
                missing.append(f"{path.relative_to(ROOT)}: link to {target}")
        for script in SCRIPT.findall(text):
            if not (ROOT / script).is_file():
                missing.append(f"{path.relative_to(ROOT)}: runs {script}")
        for name in NAMED.findall(text):
            if not ((ROOT / name).exists() or (path.parent / name).exists()):
                missing.append(f"{path.relative_to(ROOT)}: names {name}")
    assert missing == []
