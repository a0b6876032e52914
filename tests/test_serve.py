"""The preview server: live reload in a real browser, error pages, and what it refuses."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT, THEME

from builder.load import Project
from builder.serve import Preview, error_page


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A private copy of the fixture site to edit."""
    for sub, source in (
        ("content", FIXTURE / "content"),
        ("templates", THEME / "templates"),
        ("assets", THEME / "assets"),
    ):
        shutil.copytree(source, tmp_path / sub)
    return tmp_path


def start_preview(site: Path, *args: str) -> tuple[subprocess.Popen, int]:
    """`python -m builder serve` on a free port in the site's folder, its output readable as text."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "serve", "--port", str(port), *args],
        cwd=site,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, port


@pytest.fixture
def server(site: Path):
    process, port = start_preview(site)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail(
            "the preview server did not start: " + (process.stdout.read() if process.stdout else "")
        )
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def test_lookup_serves_only_what_was_built():
    preview = Preview(Project.at(Path("/nonexistent")))
    preview.files = {"index.html": b"home", "assets/site.css": b"css", "404.html": b"missing"}
    assert preview.lookup("/") == (200, b"home", "text/html; charset=utf-8")
    assert preview.lookup("/assets/site.css")[2] == "text/css; charset=utf-8"
    assert preview.lookup("/../../etc/passwd")[0] == 404
    assert preview.lookup("/assets/../../content/site.yml")[0] == 404


def test_lookup_honours_the_base_path():
    preview = Preview(Project.at(Path("/nonexistent")))
    preview.files = {"index.html": b"home", "reports/a/index.html": b"a"}
    preview.base_path = "/history/"
    assert preview.lookup("/") == (302, b"/history/", "")
    assert preview.lookup("/history/reports/a/")[1] == b"a"
    assert preview.lookup("/history/reports/a") == (301, b"/history/reports/a/", "")


def test_lookup_shows_the_error_page_while_broken():
    preview = Preview(Project.at(Path("/nonexistent")))
    preview.files = {"index.html": b"home", "assets/site.css": b"css"}
    preview.problems = ["content/reports/x.md:3: error: invalid YAML"]
    status, body, _ = preview.lookup("/")
    assert status == 500 and b"content/reports/x.md:3: error: invalid YAML" in body
    assert preview.lookup("/assets/site.css")[1] == b"css"  # the last good stylesheet still serves


def test_error_page_escapes_what_it_shows():
    assert "&lt;script&gt;" in error_page(["a.md:1: error: unknown theme '<script>'"])


def websocket_status(server: str, origin: str) -> str:
    """The status line the server answers a websocket upgrade from `origin` with."""
    host, port = server.removeprefix("http://").split(":")
    request = (
        f"GET /livereload HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(request.encode())
        return connection.recv(1024).decode().split("\r\n", 1)[0]


def test_foreign_origin_websocket_is_refused(server: str):
    assert websocket_status(server, "http://evil.example") == "HTTP/1.1 403 Forbidden"
    assert websocket_status(server, server) == "HTTP/1.1 101 Switching Protocols"


def test_listening_beyond_loopback_warns(site: Path):
    process, _ = start_preview(site, "--host", "0.0.0.0")
    try:
        line = process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert line.startswith("warning: listening on 0.0.0.0")


def test_ctrl_c_stops_cleanly(site: Path):
    process, _ = start_preview(site)
    assert "rebuilt in" in process.stdout.readline()
    assert "(Ctrl-C to stop)" in process.stdout.readline()
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=10)[0]
    assert process.returncode == 0
    assert "stopped" in output and "Traceback" not in output


def wait_for_text(page, text: str, timeout: float = 10.0) -> None:
    page.wait_for_function(
        "t => document.body && document.body.innerText.includes(t)",
        arg=text,
        timeout=timeout * 1000,
    )


def test_edit_shows_in_the_browser_without_touching_it(browser, server: str, site: Path):
    page = browser.new_page()
    page.goto(f"{server}/reports/2022-01-visit/")
    page.wait_for_function("() => window.LiveReload !== undefined")
    edit(
        site / "content/reports/2022-01-visit.md",
        "gaps in the frequency",
        "gaps in the regularity and frequency",
    )
    wait_for_text(page, "gaps in the regularity and frequency")
    page.close()


def test_broken_front_matter_shows_an_error_page_then_recovers(browser, server: str, site: Path):
    page = browser.new_page()
    page.goto(f"{server}/reports/2013-07-first/")
    page.wait_for_function("() => window.LiveReload !== undefined")
    report = site / "content/reports/2013-07-first.md"
    good = report.read_text()
    report.write_text(
        good.replace("title: Inspection of arrangements", "title: Inspection: of arrangements")
    )
    wait_for_text(page, "content/reports/2013-07-first.md:3: error: invalid YAML")
    page.wait_for_function("() => window.LiveReload !== undefined")
    report.write_text(good)
    wait_for_text(page, "Inspection of arrangements for the protection of children")
    page.close()


def test_two_quick_saves_both_show(browser, server: str, site: Path):
    page = browser.new_page()
    page.goto(f"{server}/reports/2022-01-visit/")
    page.wait_for_function("() => window.LiveReload !== undefined")
    report = site / "content/reports/2022-01-visit.md"
    edit(report, "gaps in the frequency", "gaps (first save) in the frequency")
    time.sleep(0.15)
    edit(report, "## Main findings", "## Main findings, second save")
    wait_for_text(page, "Main findings, second save")
    wait_for_text(page, "gaps (first save) in the frequency")
    page.close()


def test_stylesheet_change_applies(browser, server: str, site: Path):
    page = browser.new_page()
    page.goto(f"{server}/")
    page.wait_for_function("() => window.LiveReload !== undefined")
    with (site / "assets/site.css").open("a") as css:
        css.write("\nbody { border-top: 7px solid rgb(1, 2, 3); }\n")
    page.wait_for_function(
        "() => getComputedStyle(document.body).borderTopWidth === '7px'", timeout=10000
    )
    page.close()


def test_a_burst_of_saves_gives_one_rebuild(site: Path):
    process, _ = start_preview(site)
    try:
        assert "rebuilt in" in process.stdout.readline()
        process.stdout.readline()  # "serving ... at http://..."
        time.sleep(0.3)
        for report in sorted((site / "content" / "reports").glob("*.md")):  # like a `git checkout`
            report.write_text(report.read_text() + "\nAdded in a burst.\n")
        time.sleep(2)
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert output.count("rebuilt in") == 1, output


def test_preview_serves_under_the_configured_base_path(site: Path):
    import urllib.request

    settings = site / "content" / "site.yml"
    settings.write_text(settings.read_text().replace("base_path: /", "base_path: /history/"))
    process, port = start_preview(site)
    try:
        process.stdout.readline()
        assert f"http://127.0.0.1:{port}/history/" in process.stdout.readline()
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/"
        ) as response:  # follows the redirect
            assert response.url.endswith("/history/")
            assert b'href="/history/assets/site.css"' in response.read()
    finally:
        process.terminate()
        process.wait(timeout=10)
