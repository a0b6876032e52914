"""Publication: the site's address, the Pages workflow, and the commands the README gives."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT, fixture_project

from builder.diagnostics import Diagnostics
from builder.pipeline import build

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def tool(name: str) -> str:
    """A command-line tool from the test extra, wherever pip put it (a venv, or the base Python)."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.base_prefix) / "bin")):
        if (Path(folder) / name).is_file():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: install the test extra, pip install -e '.[test]'")
    return found


def test_the_workflow_is_valid_for_github_actions():
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_passes_zizmors_security_audit():
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", str(WORKFLOW.parent)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_the_workflow_tests_then_builds_strict_for_the_pages_address_and_deploys():
    text = WORKFLOW.read_text()
    assert "\npermissions: {}\n" in text  # nothing by default; each job asks for what it uses
    assert "run: .ci/run" in text
    assert "BASE_URL: ${{ steps.pages.outputs.base_url }}" in text
    assert 'python -m builder build --strict --base-url "$BASE_URL/" --out _site' in text
    uses = re.findall(r"uses: (\S+)", text)
    assert [u.split("@")[0] for u in uses] == [
        "actions/checkout",
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    assert all(re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", u) for u in uses), uses


def test_ci_runs_exactly_the_readmes_check_command():
    readme = (ROOT / "README.md").read_text()
    command = "python3 scripts/check.py"
    assert f"\n    {command}\n" in readme
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith(f"\n{command}")


def test_a_run_that_collects_no_tests_fails_the_check():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import check
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert check.verdict("pytest", 5) == 1
    assert check.verdict("pytest", 0) == 0
    assert [name for name, _ in check.steps("python", [])] == [
        "ruff check",
        "ruff format --check",
        "mypy",
        "pytest",
    ]


def settings_with(content: Path, old: str, new: str) -> None:
    site = content / "site.yml"
    text = site.read_text()
    assert old in text
    site.write_text(text.replace(old, new))


def messages(diagnostics: Diagnostics) -> list[str]:
    return [d.format() for d in diagnostics.sorted()]


def test_a_url_with_a_path_is_an_error_so_the_sub_path_is_never_doubled(
    fixture_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    settings_with(
        fixture_copy, "url: https://history.example.org/", "url: https://history.example.org/h/"
    )
    diagnostics = Diagnostics()
    assert build(fixture_project(tmp_path / "out", fixture_copy), diagnostics) is None
    assert messages(diagnostics) == [
        "content/site.yml:4: error: 'url' is the site's origin only, without a path "
        "(hint: write 'url: https://history.example.org' and 'base_path: /h/')"
    ]


def test_base_url_sets_the_origin_and_the_sub_path_once(fixture_copy: Path, tmp_path: Path):
    diagnostics = Diagnostics()
    files = build(
        fixture_project(tmp_path / "out", fixture_copy),
        diagnostics,
        strict=True,
        write=False,
        base_url="https://someone.github.io/history",
    )
    assert files is not None, messages(diagnostics)
    feed = files["feed.xml"].decode()
    assert '<link href="https://someone.github.io/history/reports/2013-07-first/"/>' in feed
    sitemap = files["sitemap.xml"].decode()
    assert "<loc>https://someone.github.io/history/search/</loc>" in sitemap
    page = files["reports/2013-07-first/index.html"].decode()
    assert 'action="/history/search/"' in page and 'href="/history/themes/"' in page
    assert not any(b"/history/history/" in blob for blob in files.values())


@pytest.mark.parametrize(
    ("url_line", "state"),
    [
        ("url: https://example.org/", "is a placeholder (https://example.org)"),
        ("url: https://www.example.com", "is a placeholder (https://www.example.com)"),
        ("", "is not set"),
    ],
)
def test_strict_needs_a_real_address(
    fixture_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url_line: str, state: str
):
    monkeypatch.chdir(tmp_path)
    settings_with(fixture_copy, "url: https://history.example.org/", url_line)
    assert build(fixture_project(tmp_path / "a", fixture_copy), Diagnostics(), write=False)
    diagnostics = Diagnostics()
    project = fixture_project(tmp_path / "b", fixture_copy)
    assert build(project, diagnostics, strict=True, write=False) is None
    line = 4 if url_line else 1
    assert messages(diagnostics) == [
        f"content/site.yml:{line}: error: the site's address {state}: the feed, sitemap and data "
        "need its public address (hint: set 'url' in site.yml, or build with --base-url https://…/)"
    ]
    assert build(project, Diagnostics(), strict=True, write=False, base_url="https://a.test/")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_version():
    result = cli("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"inspection-history \d+(\.\d+)+\S*\n", result.stdout)


@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_every_command_takes_base_url(command: str):
    assert "--base-url URL" in cli(command, "--help").stdout


def test_a_bad_base_url_is_one_clear_error(tmp_path: Path):
    result = cli("check", "--base-url", "ftp://example.net/")
    assert result.returncode == 1
    assert result.stderr == (
        "--base-url: error: the site address must start with http:// or https://, "
        "not 'ftp://example.net/'\n1 error\n"
    )


def _names(requirements: str) -> set[str]:
    """The distribution names a requirements text pins or asks for, normalised."""
    found = set()
    for line in requirements.splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("--"):
            name = re.split(r"[\[<>=!~;\s]", line, maxsplit=1)[0]
            found.add(re.sub(r"[-_.]+", "-", name).lower())
    return found


def test_the_workflow_installs_only_pinned_packages_on_a_pinned_image():
    text = WORKFLOW.read_text()
    assert re.search(r"container: debian:bookworm@sha256:[0-9a-f]{64}\n", text)
    installs = [line.strip() for line in text.splitlines() if "pip install" in line]
    assert installs == [
        "python -m pip install --require-hashes --no-deps -r requirements/publish.txt",
        "python -m pip install --no-deps --no-build-isolation .",
    ]
    lock = (ROOT / "requirements" / "publish.txt").read_text()
    pins = re.findall(
        r"^([\w.-]+)==([\w.]+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", lock, re.M
    )
    assert pins and len(pins) == len(_names(lock))  # every package pinned, each with its hashes


def test_the_lock_holds_every_dependency_the_builder_declares():
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    wanted = (ROOT / "requirements" / "publish.in").read_text()
    assert _names("\n".join(declared)) | {"setuptools", "setuptools-scm"} == _names(wanted)
    assert _names(wanted) <= _names((ROOT / "requirements" / "publish.txt").read_text())
