"""The preview server: live reload in a real browser, error pages, and what it refuses."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT, THEME

from builder.load.load import Project
from builder.publish.serve import Authorities, Preview, Reloader, error_page


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


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_preview_outlives_its_test():
    """A test that fails before its preview stops must not leave the process running."""
    yield
    while _STARTED:
        process = _STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def start_preview(
    site: Path, *args: str, program: list[str] | None = None
) -> tuple[subprocess.Popen, int]:
    """`python -m builder serve` on a port the system chooses, in the site's folder, once ready.

    Returns the process, its output readable as text after the ready line, and the port.
    """
    process = subprocess.Popen(
        [*(program or [sys.executable, "-m", "builder"]), "serve", "--port", "0", *args],
        cwd=site,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    _STARTED.append(process)
    seen = []
    for line in process.stdout:
        seen.append(line)
        found = re.search(r"at http://[^ ]*:(\d+)/.* \(Ctrl-C to stop\)$", line)
        if found:
            process.before_ready = seen  # type: ignore[attr-defined]
            return process, int(found.group(1))
    process.wait(timeout=10)
    pytest.fail("the preview server did not start: " + "".join(seen))


def rest_of_output(process: subprocess.Popen, timeout: float = 10) -> str:
    """What the process prints until it ends, including what reading the ready line buffered.

    (`communicate` with a timeout reads the pipe itself and would miss that buffered text.)
    A process still running at the timeout fails the test with what it printed and each of its
    threads' signal masks and handlers, then is killed.
    """
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        state = _signal_state(process.pid)
        process.kill()
        process.wait(timeout=10)
        raise AssertionError(
            f"still running {timeout} s later; threads: {state}; output: {process.stdout.read()!r}"
        ) from None
    return process.stdout.read()


def _signal_state(pid: int) -> list[str]:
    """Each thread's name and signal lines from /proc, for a process that will not stop."""
    out = []
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        try:
            lines = (task / "status").read_text().splitlines()
        except OSError:
            continue
        out.append(" ".join(line for line in lines if line.startswith(("Name", "State", "Sig"))))
    return out


@pytest.fixture
def server(site: Path):
    process, port = start_preview(site)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def test_a_good_build_collects_its_own_garbage_and_sets_the_rest_aside(site: Path):
    """The preview holds a whole site from build to build; Python's collector looked through all
    of it every few builds, half a second on a national site, in the middle of a save. A build's
    own garbage is collected at its end, and what it keeps is set aside from collection."""
    import gc
    import weakref

    class Cycle:
        pass

    preview = Preview(Project.at(site, site / "_site"))
    try:
        preview.rebuild()
        assert gc.get_freeze_count() > 0  # the first build's objects, set aside
        cycle = Cycle()
        cycle.me = cycle  # type: ignore[attr-defined]
        gone = weakref.ref(cycle)
        del cycle
        edit(site / "content" / "site.yml", "title: ", "title: The ")
        elapsed, ok = preview.rebuild()
        assert ok
        assert gone() is None  # garbage made since the last build is collected, not set aside
    finally:
        gc.unfreeze()


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
    process.terminate()
    process.wait(timeout=10)
    assert process.before_ready[0].startswith("warning: listening on 0.0.0.0")


def test_ctrl_c_stops_cleanly(site: Path):
    process, _ = start_preview(site)
    assert "rebuilt in" in process.before_ready[0]
    process.send_signal(signal.SIGINT)
    output = rest_of_output(process)
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


def test_an_edit_shows_on_other_pages_once_the_whole_site_is_made(browser, server: str, site: Path):
    # The edited report's page is served first and browsers are told at once, while this page is
    # still the last build's: the second word, once the whole site is made, must still show here.
    page = browser.new_page()
    page.goto(f"{server}/themes/supervision/")
    page.wait_for_function("() => window.LiveReload !== undefined")
    edit(
        site / "content/reports/2022-01-visit.md",
        "gaps in the frequency of supervision.",
        "gaps in the frequency of supervision, they found.",
    )
    wait_for_text(page, "they found")
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
    """Every report saved at once, as a `git checkout` does, is one rebuild. A save after it
    adds a broken link, whose warning marks the next build: the output shows no build between."""
    process, _ = start_preview(site)
    output = OutputLines(process)
    try:
        for report in sorted((site / "content" / "reports").glob("*.md")):
            report.write_text(report.read_text() + "\nAdded in a burst.\n")
        output.wait_for("rebuilt in")
        marker = site / "content" / "reports" / "2022-01-visit.md"
        marker.write_text(marker.read_text() + "\nSee [after the burst](/after-the-burst/).\n")
        output.wait_for("/after-the-burst/")
        output.wait_for("rebuilt in")
    finally:
        process.terminate()
        process.wait(timeout=10)
    builds = "".join(output.lines).split("rebuilt in")
    assert len(builds) == 3, output.lines  # the burst's build, then the marked one
    assert "/after-the-burst/" in builds[1], output.lines


class OutputLines:
    """A preview's output, line by line as it comes, read on a thread of its own so a test can
    wait for a line (an event) rather than for a while."""

    def __init__(self, process: subprocess.Popen) -> None:
        import queue
        import threading

        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            self._queue.put(line)

    def wait_for(self, text: str, timeout: float = 20) -> None:
        """Read lines until one holds `text`; fail with what came when it does not come."""
        import queue

        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no line with {text!r} in {timeout} s: {''.join(self.lines)}")
            self.lines.append(line)
            if text in line:
                return


def test_preview_serves_under_the_configured_base_path(site: Path):
    import urllib.request

    settings = site / "content" / "site.yml"
    settings.write_text(settings.read_text().replace("base_path: /", "base_path: /history/"))
    process, port = start_preview(site)
    try:
        assert f"http://127.0.0.1:{port}/history/" in process.before_ready[-1]
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/"
        ) as response:  # follows the redirect
            assert response.url.endswith("/history/")
            assert b'href="/history/assets/site.css"' in response.read()
    finally:
        process.terminate()
        process.wait(timeout=10)


# Only this server's own names: a DNS-rebinding page gets nothing.


def raw_request(port: int, request: str) -> str:
    """Send one raw HTTP request to the preview; return its status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request.encode())
        return connection.recv(4096).decode().split("\r\n", 1)[0]


def get_status(port: int, path: str, host: str | None) -> str:
    header = f"Host: {host}\r\n" if host is not None else ""
    return raw_request(port, f"GET {path} HTTP/1.1\r\n{header}Connection: close\r\n\r\n")


def test_only_requests_addressed_to_the_preview_itself_are_answered(server: str):
    port = int(server.rsplit(":", 1)[1])
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert get_status(port, "/", host) == "HTTP/1.1 200 OK", host
    for host in (
        f"attacker.example:{port}",  # a page whose domain now resolves to 127.0.0.1
        f"127.0.0.1.attacker.example:{port}",
        "127.0.0.1",
        f"127.0.0.1:{port + 1}",
        "",
    ):
        for path in ("/", "/reports/2013-07-first/", "/livereload.js", "/data/reports.json"):
            assert get_status(port, path, host) == "HTTP/1.1 403 Unknown Host", (host, path)
    assert raw_request(port, "GET / HTTP/1.0\r\n\r\n") == "HTTP/1.1 403 Unknown Host"
    assert get_status(port, "/", f"user@127.0.0.1:{port}") == "HTTP/1.1 400 Bad Request"


def websocket_from(port: int, host: str, origin: str) -> str:
    return raw_request(
        port,
        f"GET /livereload HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n",
    )


def test_a_rebinding_page_cannot_open_the_reload_socket(server: str):
    port = int(server.rsplit(":", 1)[1])
    rebound = f"attacker.example:{port}"
    assert websocket_from(port, rebound, f"http://{rebound}") == "HTTP/1.1 403 Unknown Host"
    own = f"127.0.0.1:{port}"
    assert websocket_from(port, own, f"http://{rebound}") == "HTTP/1.1 403 Forbidden"
    assert websocket_from(port, own, "null") == "HTTP/1.1 403 Forbidden"
    # Its own page under its other loopback name is the same server.
    assert websocket_from(port, own, f"http://localhost:{port}") == (
        "HTTP/1.1 101 Switching Protocols"
    )


def test_the_origin_is_compared_with_the_servers_own_names_not_the_request():
    on_loopback = Authorities(8000, "127.0.0.1")
    assert on_loopback.allows_origin("http://127.0.0.1:8000")
    assert on_loopback.allows_origin("http://localhost:8000")
    assert on_loopback.allows_origin("http://[::1]:8000")
    for origin in (
        "http://attacker.example:8000",
        "https://127.0.0.1:8000",
        "http://127.0.0.1:8001",
        "http://127.0.0.1",
        "http://10.0.0.5:8000",
        "null",
        "",
    ):
        assert not on_loopback.allows_origin(origin), origin
    on_lan = Authorities(8000, "192.168.1.20")
    assert on_lan.allows("192.168.1.20:8000") and on_lan.allows("127.0.0.1:8000")
    assert not on_lan.allows("192.168.1.21:8000") and not on_lan.allows("lan.example:8000")
    named = Authorities(8000, "preview.lan")
    assert named.allows("preview.lan:8000") and named.allows("localhost:8000")
    assert not named.allows("attacker.example:8000")
    everywhere = Authorities(8000, "0.0.0.0")
    assert everywhere.allows("192.168.1.21:8000") and not everywhere.allows("lan.example:8000")


# A save still being written: tried again before the error page shows.


class ManualLoop:
    """The three IOLoop calls the reloader makes, run only when the test says so."""

    def __init__(self) -> None:
        self.callbacks: list = []
        self.timers: dict[object, object] = {}

    def add_callback(self, callback, *args) -> None:
        self.callbacks.append((callback, args))

    def call_later(self, delay: float, callback) -> object:
        handle = object()
        self.timers[handle] = callback
        return handle

    def remove_timeout(self, handle: object) -> None:
        del self.timers[handle]

    def run_callbacks(self) -> None:
        while self.callbacks:
            callback, args = self.callbacks.pop(0)
            callback(*args)

    def settle(self) -> None:
        """The settle interval passes with no further save."""
        timers, self.timers = list(self.timers.values()), {}
        for callback in timers:
            callback()
        self.run_callbacks()


def run_now(work) -> Future:
    future: Future = Future()
    future.set_result(work())
    return future


class Editor:
    """Saves a file with a distinct modification time each time, as a real save would have."""

    def __init__(self, path: Path) -> None:
        self.path, self.stamp = path, path.stat().st_mtime

    def save(self, text: str) -> None:
        self.path.write_text(text)
        self.stamp += 1
        os.utime(self.path, (self.stamp, self.stamp))


@pytest.fixture
def watched(site: Path, monkeypatch: pytest.MonkeyPatch):
    """A preview of the site with a reloader driven by hand: (preview, reloader, loop, reloads)."""
    monkeypatch.chdir(site)  # messages name files as an editor there would type them
    preview = Preview(Project.at(site))
    assert preview.rebuild()[1]
    loop, reloads = ManualLoop(), []
    reloader = Reloader(preview, [site / "content"], loop=loop, run=run_now, reload=reloads.append)
    return preview, reloader, loop, reloads


def notice_saves(reloader: Reloader, loop: ManualLoop) -> None:
    reloader.tick()  # sees the save
    reloader.tick()  # a quiet tick: builds
    loop.run_callbacks()


def test_a_half_saved_file_is_retried_on_the_next_save(watched, site: Path):
    preview, reloader, loop, reloads = watched
    report = site / "content" / "reports" / "2022-01-visit.md"
    whole = report.read_text().replace("gaps in the frequency", "gaps in the regularity")
    editor = Editor(report)
    editor.save(whole[: whole.index("\n", 20)])  # the editor has written its first line only
    notice_saves(reloader, loop)
    assert preview.problems == [] and reloads == [] and len(loop.timers) == 1
    assert b"gaps in the frequency" in preview.lookup("/reports/2022-01-visit/")[1]
    editor.save(whole)
    notice_saves(reloader, loop)
    # The edited report's page first, then the whole site.
    assert loop.timers == {} and reloads == ["/reports/2022-01-visit/", "*"]
    assert preview.problems == []
    assert b"gaps in the regularity" in preview.lookup("/reports/2022-01-visit/")[1]


def test_the_page_being_edited_is_shown_before_the_rest_of_the_site(watched, site: Path):
    preview, reloader, loop, reloads = watched
    seen = []
    show = preview.show_first

    def show_and_look(pages):
        addresses = show(pages)
        page = preview.lookup("/reports/2022-01-visit/")[1]
        theme = preview.lookup("/themes/supervision/")[1]  # quotes the edited passage too
        seen.append((addresses, page, theme))
        return addresses

    preview.show_first = show_and_look  # type: ignore[method-assign]
    report = site / "content" / "reports" / "2022-01-visit.md"
    Editor(report).save(
        report.read_text().replace(
            "frequency of supervision.", "frequency of supervision, they found."
        )
    )
    notice_saves(reloader, loop)
    [(addresses, page, theme)] = seen
    assert addresses == ["/reports/2022-01-visit/"]
    assert b"they found" in page and b"they found" not in theme  # the rest is still being made
    assert reloads == ["/reports/2022-01-visit/", "*"]
    assert b"they found" in preview.lookup("/themes/supervision/")[1]  # and now it is made


def test_a_save_during_a_build_is_found_when_it_ends_and_built_before_any_reload(
    site: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(site)
    preview = Preview(Project.at(site))
    assert preview.rebuild()[1]
    builds: list[tuple[Future, object]] = []

    def run_later(work) -> Future:  # a build that ends when the test says
        builds.append((Future(), work))
        return builds[-1][0]

    loop, reloads = ManualLoop(), []
    reloader = Reloader(
        preview, [site / "content"], loop=loop, run=run_later, reload=reloads.append
    )
    looked = []
    examine = reloader.watcher.examine
    monkeypatch.setattr(reloader.watcher, "examine", lambda: looked.append(1) or examine())
    first = site / "content" / "reports" / "2022-01-visit.md"
    Editor(first).save(first.read_text().replace("gaps in the frequency", "gaps in the rate"))
    reloader.tick()
    reloader.tick()
    assert len(builds) == 1
    second = site / "content" / "reports" / "2013-07-first.md"
    Editor(second).save(second.read_text().replace("3. The council should", "3. It should"))
    looked.clear()
    for _ in range(5):
        reloader.tick()  # the build runs: the files are left alone
    assert looked == [] and len(builds) == 1
    future, work = builds[0]
    future.set_result((0.0, True))
    loop.run_callbacks()
    assert len(builds) == 2 and "*" not in reloads  # the save made meanwhile: built, then shown
    future, work = builds[1]
    future.set_result(work())
    loop.run_callbacks()
    assert reloads[-1] == "*"
    assert b"It should" in preview.lookup("/reports/2013-07-first/")[1]


def test_a_broken_save_shows_its_error_page_once_the_files_settle(watched, site: Path):
    preview, reloader, loop, reloads = watched
    report = site / "content" / "reports" / "2013-07-first.md"
    Editor(report).save(
        report.read_text().replace(
            "title: Inspection of arrangements", "title: Inspection: of arrangements"
        )
    )
    notice_saves(reloader, loop)
    assert preview.problems == [] and reloads == []
    loop.settle()
    assert reloads == ["*"] and loop.timers == {}
    assert preview.problems[0].startswith("content/reports/2013-07-first.md:3: error: invalid YAML")
    assert preview.lookup("/reports/2013-07-first/")[0] == 500


def test_a_save_during_the_settle_interval_replaces_the_retry(watched, site: Path):
    preview, reloader, loop, reloads = watched
    report = site / "content" / "reports" / "2022-01-visit.md"
    whole, editor = report.read_text(), Editor(report)
    editor.save(whole[:30])
    notice_saves(reloader, loop)
    editor.save(whole[:60])  # still half written: a new wait begins, the old one is dropped
    notice_saves(reloader, loop)
    assert len(loop.timers) == 1 and reloads == [] and preview.problems == []
    loop.settle()
    assert reloads == ["*"] and preview.problems


# Ctrl-C stops at once, whenever it comes.

SLOW_BUILDS = """
import sys, threading
import builder.publish.serve
real_build, builds = builder.publish.serve.build, []

def build(*args, **kwargs):
    builds.append(1)
    if len(builds) > 1:
        print("slow build started", flush=True)
        threading.Event().wait()  # a build that does not end by itself
    return real_build(*args, **kwargs)

builder.publish.serve.build = build
from builder.cli import main
sys.exit(main())
"""


def test_ctrl_c_stops_at_once_during_a_slow_build(site: Path):
    process, _ = start_preview(site, program=[sys.executable, "-c", SLOW_BUILDS])
    report = site / "content" / "reports" / "2022-01-visit.md"
    report.write_text(report.read_text() + "\nOne more line.\n")
    for line in process.stdout:
        if line == "slow build started\n":
            break
    process.send_signal(signal.SIGINT)
    output = rest_of_output(process)
    assert process.returncode == 0 and "stopped" in output and "Traceback" not in output


SWALLOWING_TICKS = """
import sys, time
import builder.publish.serve

class Refused:  # no file notifications: the preview polls, so the loop runs this tick again and again
    def __init__(self, paths, wake):
        raise OSError(38, "refused by the test")

builder.publish.serve.Notifications = Refused

def tick(self):
    if not getattr(self, "said", False):
        self.said = True
        print("ticking", flush=True)
    try:
        time.sleep(0.02)  # most of the loop's time, in code that lets no exception out
    except BaseException:
        pass

builder.publish.serve.Reloader.tick = tick
from builder.cli import main
sys.exit(main())
"""


def test_ctrl_c_stops_even_when_the_loop_is_in_code_that_swallows_exceptions(site: Path):
    process, _ = start_preview(site, program=[sys.executable, "-c", SWALLOWING_TICKS])
    for line in process.stdout:
        if line == "ticking\n":  # the loop runs
            break
    process.send_signal(signal.SIGINT)
    output = rest_of_output(process)
    assert process.returncode == 0 and "stopped" in output and "Traceback" not in output


INTERRUPTED_AT_READY = """
import os, signal, sys, webbrowser
webbrowser.open = lambda url: os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C right after ready
from builder.cli import main
sys.exit(main())
"""


def test_ctrl_c_the_instant_the_ready_line_is_out_stops_cleanly(site: Path):
    process, _ = start_preview(site, "--open", program=[sys.executable, "-c", INTERRUPTED_AT_READY])
    output = rest_of_output(process)
    assert process.returncode == 0 and "stopped" in output and "Traceback" not in output


def test_a_port_another_program_holds_is_said_before_anything_is_built(site: Path):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "builder", "serve", "--port", str(port)],
            cwd=site,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    # Said at once: no build ran first (it would say what it built, and how long it took).
    assert result.stderr.splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use (hint: try --port "
        f"{port + 1})"
    ]
