"""The whole check, as CI runs it: lint, formatting, types and every test, setting up what it needs.

Usage: `python3 scripts/check.py [pytest options, such as -x or -k search]`.
"""

from __future__ import annotations

import subprocess
import sys

from devenv import ROOT, environment

NO_TESTS = 5  # pytest's exit status when it collected nothing


def steps(python: str, pytest_args: list[str]) -> list[tuple[str, list[str]]]:
    """Each step's name and command, in the order they run."""
    return [
        ("ruff check", [python, "-m", "ruff", "check", "."]),
        ("ruff format --check", [python, "-m", "ruff", "format", "--check", "."]),
        ("mypy", [python, "-m", "mypy"]),  # on builder/, at the level set in pyproject.toml
        ("pytest", [python, "-m", "pytest", *pytest_args]),
    ]


def verdict(name: str, status: int) -> int:
    """The exit status a step's status means for the whole check; no tests collected is a failure."""
    if name == "pytest" and status == NO_TESTS:
        print("error: pytest collected no tests, so nothing was checked", file=sys.stderr)
        return 1
    return status


def main(argv: list[str]) -> int:
    python = str(environment("test"))
    failed = []
    for name, command in steps(python, argv):
        print(f"== {name}", file=sys.stderr, flush=True)
        if verdict(name, subprocess.run(command, cwd=ROOT).returncode):
            failed.append(name)
    print(
        f"== {'failed: ' + ', '.join(failed) if failed else 'all checks passed'}", file=sys.stderr
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
