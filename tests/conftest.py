"""Shared fixtures: the repository's paths, fixture-site builds and a Chromium browser."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site"
THEME = ROOT  # the default theme: the repository's top-level templates/ and assets/
sys.path.insert(0, str(ROOT))
# The key that seals on-disk caches is kept outside every project (in XDG_CACHE_HOME): the tests'
# builds, and the builds they start in new processes, keep theirs in a folder of their own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="inspection-history-tests-")

from builder.diagnostics import Diagnostics
from builder.load.load import Project
from builder.pipeline import build


def fixture_project(out: Path, content: Path | None = None) -> Project:
    """The fixture site's content with the package's default templates and assets."""
    return Project(content or FIXTURE / "content", FIXTURE / "templates", FIXTURE / "assets", out)


def build_files(project: Project) -> tuple[dict[str, bytes] | None, Diagnostics]:
    diagnostics = Diagnostics()
    return build(project, diagnostics, write=False), diagnostics


def make_examples_own(site: Path) -> None:
    """What an editor does to init's examples before publishing: gives them titles of their own
    and says whose history it is (a strict build refuses them as init wrote them)."""
    for path, was, now in (
        ("content/reports/2019-06-example-inspection.md", "Example Council children", "children"),
        ("content/recommendations.yml", "Regular, recorded supervision", "Supervision"),
        ("content/site.yml", "Example Council", "Wiltshire Council"),
    ):
        text = (site / path).read_text()
        assert was in text
        (site / path).write_text(text.replace(was, now))


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture site's content folder."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", target)
    return target


@pytest.fixture(scope="session")
def fixture_files() -> dict[str, bytes]:
    files, diagnostics = build_files(fixture_project(Path("/nonexistent")))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


@pytest.fixture(scope="session")
def real_files() -> dict[str, bytes]:
    files, diagnostics = build_files(Project.at(ROOT))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skipped without it, except under CI where it must exist."""
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if path is None or sync_playwright is None:
        reason = "Chromium not found on PATH" if path is None else "playwright is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(
            f"{reason}: install Debian's chromium and `pip install playwright` to run browser tests"
        )
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def fixture_site_url(tmp_path_factory):
    """The fixture site built to a folder and served over HTTP on loopback."""
    out = tmp_path_factory.mktemp("fixture-site")
    diagnostics = Diagnostics()
    assert build(fixture_project(out), diagnostics) is not None
    with serve_folder(out) as url:
        yield url


NATIONAL = ROOT / "tests" / "fixtures" / "national" / "content"


@pytest.fixture(scope="session")
def national_site_url(tmp_path_factory):
    """The three-organisation fixture site built and served over HTTP on loopback."""
    out = tmp_path_factory.mktemp("national-site")
    diagnostics = Diagnostics()
    assert build(fixture_project(out, NATIONAL), diagnostics) is not None, [
        d.format() for d in diagnostics.sorted()
    ]
    with serve_folder(out) as url:
        yield url


@pytest.fixture(scope="session")
def real_site_url(tmp_path_factory):
    """The bundled site built and served over HTTP on loopback."""
    out = tmp_path_factory.mktemp("real-site")
    diagnostics = Diagnostics()
    assert build(Project.at(ROOT, out), diagnostics) is not None, [
        d.format() for d in diagnostics.sorted()
    ]
    with serve_folder(out) as url:
        yield url


def serve_folder(folder: Path):
    """A static HTTP server for a folder, on a free loopback port, for the length of a with-block."""
    import contextlib
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    @contextlib.contextmanager
    def running():
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()

    return running()


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory):
    """The tool released as .github/workflows/release.yml does it, from a copy of this checkout
    tagged installs.TAG (see tests/installs.py): its wheel, its sdist and what it published."""
    import installs

    return installs.make_release(tmp_path_factory.mktemp("release"))
