"""`init` makes a repository that publishes: from the wheel, its workflow validates and runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import make_examples_own
from installs import Release, clean_env, fresh_venv, git, run_job
from test_workflow import tool

from builder.editing.scaffold import requirements_text, tool_requirement

PAGES = "https://someone.github.io/history"  # what actions/configure-pages would say


def installed(release: Release, where: Path) -> Path:
    """A fresh venv with the released wheel installed, offline; its bin folder."""
    bin_folder = fresh_venv(where, release.deps)
    done = subprocess.run(
        [str(bin_folder / "python"), "-m", "pip", "install", "-q", str(release.wheel)],
        env=clean_env(PIP_NO_INDEX="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return bin_folder


def pages_job(history: Path, work: Path, release: Release) -> list[subprocess.CompletedProcess]:
    """The workflow's build job on a fresh clone of the history, with a fresh Python."""
    work.mkdir()
    workspace = work / "workspace"
    git("clone", "-q", str(history), str(workspace), cwd=work)  # actions/checkout
    python = fresh_venv(work / "python", release.deps)  # actions/setup-python
    uploaded = []

    def upload(step, outputs) -> dict[str, str]:  # actions/upload-pages-artifact
        uploaded.append(workspace / step.with_["path"])
        return {}

    ran = run_job(
        history / ".github" / "workflows" / "publish.yml",
        "build",
        workspace,
        clean_env(PATH=f"{python}:/usr/bin:/bin", PIP_NO_INDEX="1"),
        {
            "actions/checkout": lambda step, outputs: {},
            "actions/setup-python": lambda step, outputs: {},
            "actions/configure-pages": lambda step, outputs: {"base_url": PAGES},
            "actions/upload-pages-artifact": upload,
        },
    )
    if uploaded:
        assert (uploaded[0] / "index.html").is_file()
        feed = (uploaded[0] / "feed.xml").read_text()
        assert f"<id>{PAGES}/</id>" in feed or f'href="{PAGES}/' in feed
    return ran


def test_init_from_the_wheel_makes_a_repository_that_validates_and_publishes(
    release: Release, tmp_path: Path
):
    tool_bin = installed(release, tmp_path / "tool")
    made = subprocess.run(
        [str(tool_bin / "inspection-history"), "init", "history", "--gitlab"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    # Installed from a local file: CI could not install that, and init says so.
    assert made.stderr.startswith("history/requirements.txt: warning: this inspection-history")
    history = tmp_path / "history"
    git("init", "-q", "-b", "main", cwd=history)
    # The editor's own first report and tracked recommendation take the place of init's examples,
    # which a strict build refuses to publish.
    make_examples_own(history)

    # What a build, the cache and a virtual environment leave is never committed.
    for made_later in ("_site/index.html", ".cache/inspection-history/x", ".venv/bin/python"):
        (history / made_later).parent.mkdir(parents=True, exist_ok=True)
        (history / made_later).write_text("")
    ignored = git("check-ignore", "_site/index.html", ".cache/x", ".venv/bin/python", cwd=history)
    assert ignored.split() == ["_site/index.html", ".cache/x", ".venv/bin/python"]

    workflows = history / ".github" / "workflows"
    for schema, path in (
        ("vendor.github-workflows", workflows / "publish.yml"),
        ("vendor.gitlab-ci", history / ".gitlab-ci.yml"),
    ):
        checked = subprocess.run(
            [tool("check-jsonschema"), "--builtin-schema", schema, str(path)],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    audited = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", str(workflows)],
        capture_output=True,
        text=True,
    )
    assert audited.returncode == 0 and "No findings to report" in audited.stdout, audited.stdout

    # As written, the workflow stops at the install step and says why.
    git("add", "-A", cwd=history)
    git("commit", "-q", "-m", "A new history", cwd=history)
    assert set(git("ls-files", cwd=history).split()) >= {".gitignore", "README.md"}
    assert not any(
        n.startswith(("_site/", ".cache/", ".venv/")) for n in git("ls-files", cwd=history).split()
    )
    unpinned = pages_job(history, tmp_path / "unpinned", release)
    assert unpinned[-1].returncode == 1
    assert (
        "::error file=requirements.txt::requirements.txt does not say where" in unpinned[-1].stdout
    )

    # Pinned to the release's wheel (here by its file address, as a release's download address
    # would be), the job installs it, builds with --strict for the Pages address and uploads.
    (history / "requirements.txt").write_text(
        requirements_text(f"inspection-history @ {release.wheel.as_uri()}")
    )
    git("commit", "-q", "-am", "Pin the builder", cwd=history)
    ran = pages_job(history, tmp_path / "pinned", release)
    assert [r.returncode for r in ran] == [0, 0], [r.stdout + r.stderr for r in ran]
    assert "--strict" in ran[-1].args[-1]

    # GitLab's job, line by line, as its runner does in the python image.
    workspace = tmp_path / "gitlab"
    git("clone", "-q", str(history), str(workspace), cwd=tmp_path)
    python = fresh_venv(tmp_path / "gitlab-python", release.deps)
    import yaml

    for line in yaml.safe_load((history / ".gitlab-ci.yml").read_text())["pages"]["script"]:
        done = subprocess.run(
            ["bash", "-ec", line],
            cwd=workspace,
            env=clean_env(
                PATH=f"{python}:/usr/bin:/bin",
                PIP_NO_INDEX="1",
                CI_PAGES_URL="https://group.gitlab.io/history",
            ),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, line + done.stdout + done.stderr
    assert (workspace / "public" / "index.html").is_file()


@pytest.mark.parametrize(
    ("direct_url", "version", "repository", "expected"),
    [
        (  # pip install git+https://…@v1.2.0: the very commit
            {
                "url": "https://git.example.org/o/inspection-history.git",
                "vcs_info": {"vcs": "git", "commit_id": "a" * 40, "requested_revision": "v1.2.0"},
            },
            "1.2.0",
            None,
            f"inspection-history @ git+https://git.example.org/o/inspection-history.git@{'a' * 40}",
        ),
        (  # pip install https://…/inspection_history-1.2.0-py3-none-any.whl: that file, by hash
            {
                "url": "https://git.example.org/r/inspection_history-1.2.0-py3-none-any.whl",
                "archive_info": {"hashes": {"sha256": "b" * 64}},
            },
            "1.2.0",
            None,
            "inspection-history @ https://git.example.org/r/inspection_history-1.2.0-py3-none-any.whl"
            f"#sha256={'b' * 64}",
        ),
        (
            {"url": "file:///tmp/inspection_history-1.2.0.whl", "archive_info": {}},
            "1.2.0",
            None,
            None,
        ),
        ({"url": "file:///home/me/src", "dir_info": {"editable": True}}, "1.2.0", None, None),
        (
            None,
            "1.2.0",
            "https://git.example.org/o/ih",
            "inspection-history @ git+https://git.example.org/o/ih@v1.2.0",
        ),
        (None, "1.2.1.dev3+gabc", "https://git.example.org/o/ih", None),  # not a release
        (None, "1.2.0", None, None),
    ],
)
def test_the_pin_names_where_this_builder_came_from(direct_url, version, repository, expected):
    text = json.dumps(direct_url) if direct_url is not None else None
    assert tool_requirement(text, version, repository) == expected
