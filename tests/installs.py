"""Helpers for the tests that install the tool: a release built from a tagged copy, fresh
virtual environments that find its dependencies offline, and a runner for CI files' steps.

A fresh environment sees the test environment's packages (Jinja, pdfminer.six, …) through a
folder of links named in a `.pth` file, without this checkout's own `builder` or its metadata,
and pip runs with PIP_NO_INDEX: every install command is then the documented one, run offline,
and the tool itself can only come from what the command names.
"""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import venv
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from conftest import ROOT

TAG = "v9.8.7"  # the release the tests make: the version must come from this tag
VERSION = TAG[1:]
OWN = re.compile(
    r"^(builder|inspection_history[-.].*|__editable__.*|_inspection_history.*|.*\.pth)$"
)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a command in a fresh venv: nothing of this checkout on the path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV", "VIRTUAL_ENV")
    }
    env.update(GIT_CONFIG_GLOBAL=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.update(extra)
    return env


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env=clean_env(),
    ).stdout


def source_copy(target: Path, edit: Callable[[Path], None] | None = None) -> Path:
    """The checkout's files as they are now (tracked, and new ones not ignored), changed by
    `edit`, in a new git repository with one commit tagged TAG."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    if edit:
        edit(target)
    git("init", "-q", "-b", "main", cwd=target)
    git("add", "-A", cwd=target)
    git("commit", "-q", "-m", "release", cwd=target)
    git("tag", TAG, cwd=target)
    return target


def dependencies(folder: Path) -> Path:
    """A folder of links to every package of the test environment but this project's own."""
    folder.mkdir(parents=True, exist_ok=True)
    for packages in [*site.getsitepackages(), site.getusersitepackages()]:
        if not Path(packages).is_dir():
            continue
        for entry in Path(packages).iterdir():
            if OWN.match(entry.name) or (folder / entry.name).exists():
                continue
            (folder / entry.name).symlink_to(entry)
    return folder


def fresh_venv(where: Path, deps: Path) -> Path:
    """A new virtual environment that finds `deps` but not this checkout; its bin folder."""
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(where)
    purelib = subprocess.run(
        [
            str(where / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
    ).stdout.strip()
    (Path(purelib) / "test-dependencies.pth").write_text(f"{deps}\n")
    # pip itself comes with the dependencies (a venv's own pip would need the network).
    return where / "bin"


@dataclass
class Step:
    name: str
    run: str | None
    uses: str | None
    env: dict[str, str]
    with_: dict[str, Any]
    id: str | None


def steps(workflow: Path, job: str) -> list[Step]:
    data = yaml.safe_load(workflow.read_text())
    return [
        Step(
            s.get("name", ""),
            s.get("run"),
            s.get("uses"),
            {k: str(v) for k, v in (s.get("env") or {}).items()},
            s.get("with") or {},
            s.get("id"),
        )
        for s in data["jobs"][job]["steps"]
    ]


EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def run_job(
    workflow: Path,
    job: str,
    workspace: Path,
    env: Mapping[str, str],
    actions: Mapping[str, Callable[[Step, dict[str, dict[str, str]]], dict[str, str]]],
    context: Mapping[str, str] | None = None,
) -> list[subprocess.CompletedProcess]:
    """Run a GitHub Actions job's steps in order, as the runner would: each `run:` in bash with
    `-eo pipefail` in the workspace, with its `env:` (expressions `steps.ID.outputs.NAME`
    and the `context` values such as `github.ref_name` replaced); each `uses:` by the stand-in
    given for that action, which returns its outputs.
    Stops at the first step that fails; returns what each `run:` did."""
    outputs: dict[str, dict[str, str]] = {}
    done = []

    def value(match: re.Match[str]) -> str:
        if context and match.group(1) in context:
            return context[match.group(1)]
        parts = match.group(1).split(".")
        if len(parts) == 4 and parts[0] == "steps" and parts[2] == "outputs":
            return outputs[parts[1]][parts[3]]
        raise AssertionError(f"the simulation does not know {match.group(0)}")

    for step in steps(workflow, job):
        if step.uses:
            action = step.uses.split("@")[0]
            outputs[step.id or action] = actions[action](step, outputs)
            continue
        assert step.run is not None
        step_env = {k: EXPRESSION.sub(value, v) for k, v in step.env.items()}
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.run],
            cwd=workspace,
            env={**env, **step_env},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )
        done.append(result)
        if result.returncode:
            break
    return done


@dataclass
class Release:
    wheel: Path
    sdist: Path
    published: list[str]  # the arguments `gh` was given
    notes: str
    deps: Path  # the test environment's packages, for fresh venvs
    source: Path  # the tagged repository the release was made from


GH = """#!/bin/sh
# A stand-in for GitHub's CLI: records what it was asked to publish.
printf '%s\\n' "$@" > "$GH_RECORD"
cp notes.md "$GH_RECORD.notes"
"""


def make_release(work: Path) -> Release:
    """Run the release workflow's job on a copy of this checkout tagged TAG."""
    source = work / "source"
    source.mkdir()

    def with_notes(tree: Path) -> None:
        changelog = tree / "CHANGELOG.md"
        text = changelog.read_text()
        head = "## [Unreleased]"
        assert head in text
        # As a maintainer does on releasing: what was unreleased is now this version's.
        changelog.write_text(text.replace(head, f"{head}\n\n## [{VERSION}] - 2026-12-06", 1))

    source_copy(source, with_notes)
    workspace = work / "workspace"  # actions/checkout, with fetch-depth 0: history and tags
    git("clone", "-q", str(source), str(workspace), cwd=work)
    git("checkout", "-q", TAG, cwd=workspace)
    deps = dependencies(work / "deps")
    python_bin = fresh_venv(work / "python", deps)  # actions/setup-python
    tools = work / "tools"
    tools.mkdir()
    (tools / "gh").write_text(GH)
    (tools / "gh").chmod(0o755)
    record = work / "gh-record"
    env = clean_env(
        PATH=f"{tools}:{python_bin}:{os.environ['PATH']}",
        GITHUB_REPOSITORY="someone/inspection-history",
        GH_RECORD=str(record),
    )
    ran = run_job(
        ROOT / ".github" / "workflows" / "release.yml",
        "release",
        workspace,
        env,
        {"actions/checkout": lambda step, out: {}, "actions/setup-python": lambda step, out: {}},
        {"github.ref_name": TAG, "github.token": "not-a-token"},
    )
    failed = [r for r in ran if r.returncode]
    assert not failed and len(ran) == 4, [(r.args[-1], r.stdout, r.stderr) for r in ran]
    return Release(
        workspace / "dist" / f"inspection_history-{VERSION}-py3-none-any.whl",
        workspace / "dist" / f"inspection_history-{VERSION}.tar.gz",
        record.read_text().splitlines(),
        Path(f"{record}.notes").read_text(),
        deps,
        source,
    )
