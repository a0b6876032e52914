"""Local preview: build in memory, serve on loopback, rebuild and reload the browser on every save.

The server answers from the last good build (or an error page listing every diagnostic) while the
next build runs in a worker thread, so a request never waits on a build and a broken save never
kills the server. Saves are reported by the operating system (inotify on Linux, through watchdog),
so an idle preview does no work at all; a burst of saves (a `git checkout`) is one build, started
once the files have been quiet for 25 ms. Where notifications are unavailable (a full inotify
watch table, an unusual file system), livereload's watcher looks at the files' times every 25 ms
instead (not while a build runs: it looks once the build ends). Browsers are told to refresh once
the page of a report just saved is made, and again once the whole build has finished: a small
livereload.js plugin then swaps the page's body in place, keeping the scroll position.

The server answers only requests addressed to itself by its loopback name and port, so a web page
that rebinds its own domain name to 127.0.0.1 can neither read the preview nor open its reload
socket. A build that fails right after a save is not shown at once: an editor may still be writing
the file, so the build is tried again on the next save or after a short settle interval, and only
then is the error page shown. Builds run in a daemon thread, so Ctrl-C stops the server at once.
"""

from __future__ import annotations

import contextlib
import gc
import html
import ipaddress
import mimetypes
import os
import signal
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher
from tornado import ioloop, web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from builder.diagnostics import Diagnostics, shown_lines, summary
from builder.load.load import Project, display_path
from builder.memo import Memo
from builder.pipeline import build
from builder.publish.hooks import Hooks
from builder.sitefiles import SiteFiles, stored

POLL_MS = 25  # how long saves must be quiet before a build; the fallback's polling interval
# What a save can look like to watchdog; reads (opened, closed without writing) are not saves,
# and a build reads every file.
SAVES = frozenset({"created", "modified", "deleted", "moved", "closed"})
SETTLE_S = 0.3  # how long a failed build waits for the rest of a save before it is shown
# Builds between full garbage collections in the preview (`Preview.settle_memory`).
FULL_COLLECTION_EVERY = 25
CLIENT = (Path(__file__).parent.parent / "preview_client.js").read_text(encoding="utf-8")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Preview:
    """The state the server answers from: the last good files and the current problems."""

    project: Project
    files: Mapping[str, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    base_path: str = "/"
    cache: Memo = field(default_factory=Memo)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""  # --base-url: preview under the sub-path the site will be published at
    # What the builds ask of the preview (`PreviewHooks`): the memo holds these very hooks.
    hooks: Hooks = field(default_factory=Hooks)
    builds: int = 0  # the good builds so far

    def __post_init__(self) -> None:
        self.hooks.search_later = self.swap_search
        self.cache.preview = self.hooks

    def swap_search(self, index: dict[str, bytes]) -> None:
        """Serve a search index made in the background since the last build."""
        with self.lock:
            self.files = _with_search(self.files, index)
        print("search index updated", file=sys.stderr)

    def rebuild(self, show_failure: bool = True) -> tuple[float, bool]:
        """Build once; keep the last good files if it fails. Returns (seconds, succeeded).

        With `show_failure` False a failed build leaves the page as it was and prints nothing but
        its time: the save may be half written, and the caller will try again.
        """
        started = time.perf_counter()
        diagnostics = Diagnostics()
        try:
            files = build(
                self.project, diagnostics, write=False, cache=self.cache, base_url=self.base_url
            )
        except Exception as exc:  # noqa: BLE001 - the preview must outlive any failure
            diagnostics.error("builder", 0, f"internal error: {type(exc).__name__}: {exc}")
            files = None
        lines = shown_lines(diagnostics)
        elapsed = time.perf_counter() - started
        if files is None and not show_failure:
            print(f"build failed in {elapsed * 1000:.0f} ms; trying again", file=sys.stderr)
            return elapsed, False
        with self.lock:
            if files is not None:
                latest = self.cache.search  # an index finished while this build ran is newer
                self.files = _with_search(files, latest[1]) if latest else files
                self.base_path = self.cache.base_path
                self.problems = []
            else:
                self.problems = lines + [
                    summary(diagnostics, written=False).replace(
                        "site not written", "showing this page instead"
                    )
                ]
        for line in lines if files is not None else self.problems:
            print(line, file=sys.stderr)
        state = "rebuilt" if files is not None else "build failed"
        print(f"{state} in {elapsed * 1000:.0f} ms", file=sys.stderr)
        if files is not None:
            self.settle_memory()
        return elapsed, files is not None

    def settle_memory(self) -> None:
        """After a good build, its garbage is collected and what it keeps is set aside from
        collection. The preview holds a whole site's model, views and pages, a million objects on
        a national site, kept from build to build: Python's collector would look through all of
        them again every few builds, half a second at a time on the next save. Each build now
        collects among its own new objects only, and every so many builds look through all."""
        self.builds += 1
        if self.builds % FULL_COLLECTION_EVERY == 1:
            gc.unfreeze()
            gc.collect()
        else:
            gc.collect(1)
        gc.freeze()

    def show_first(self, pages: dict[str, bytes]) -> list[str]:
        """Serve these pages of a build still under way in place of the last build's; return
        their addresses. Nothing changes while the error page is shown: it stays until a whole
        build succeeds."""
        with self.lock:
            if self.problems or not pages:
                return []
            files = SiteFiles({n: stored(self.files, n) for n in self.files})
            files.update(pages)
            self.files = files
            base = self.base_path
        return [base + name.removesuffix("index.html") for name in pages]

    def lookup(self, path: str) -> tuple[int, bytes, str]:
        """Answer a request path from memory: (status, body, content type)."""
        with self.lock:
            files, problems, base = self.files, self.problems, self.base_path
        if not path.startswith(base):
            if path == "/" and base != "/":
                return 302, base.encode(), ""
            return 404, files.get("404.html", b"Not found"), "text/html; charset=utf-8"
        name = path[len(base) :]
        if name == "" or name.endswith("/"):
            name += "index.html"
        elif name not in files and name + "/index.html" in files:
            return 301, (path + "/").encode(), ""
        if problems and name.endswith(".html"):
            return 500, error_page(problems).encode("utf-8"), "text/html; charset=utf-8"
        if name not in files:
            return 404, files.get("404.html", b"Not found"), "text/html; charset=utf-8"
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in (
            "application/json",
            "application/xml",
            "image/svg+xml",
        ):
            kind += "; charset=utf-8"
        return 200, files[name], kind


def _with_search(files: Mapping[str, bytes], index: dict[str, bytes]) -> Mapping[str, bytes]:
    """The files with this search index in place of theirs (pages stay as they are held)."""
    if not any(n.startswith("pagefind/") for n in files):
        return files
    out = SiteFiles({n: stored(files, n) for n in files if not n.startswith("pagefind/")})
    out.update(index)
    return out


def error_page(problems: list[str]) -> str:
    """A plain page listing every diagnostic, shown in place of the site while it is broken."""
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in problems)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Build failed</title>\n<style>body{font:1rem/1.5 system-ui,sans-serif;margin:2rem;"
        "max-width:60rem}h1{color:#8f1d1d}code{white-space:pre-wrap}li{margin:.4rem 0}</style>\n"
        "</head>\n<body>\n<main>\n<h1>The site could not be built</h1>\n"
        "<p>Fix the problems below and save: this page reloads by itself.</p>\n"
        f'<ul class="diagnostics">\n{items}\n</ul>\n</main>\n</body>\n</html>\n'
    )


@dataclass(frozen=True, slots=True)
class Authorities:
    """The `host:port` names by which a browser may address this server, and nothing else."""

    port: int
    listening: str = "127.0.0.1"

    def allows(self, authority: str) -> bool:
        """Whether a Host header (or an origin's host) names this server."""
        try:
            parts = urlsplit("//" + authority)
            port, name = parts.port, parts.hostname
        except ValueError:
            return False
        if port != self.port or not name or parts.username is not None or parts.password:
            return False
        if name in ("localhost", self.listening.lower()):
            return True  # loopback, or the name the server was told to listen on
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            return False  # any other name may be a rebinding attacker's own domain
        try:
            listening = ipaddress.ip_address(self.listening)
        except ValueError:
            listening = None
        if listening is not None and listening.is_unspecified:
            return True  # listening everywhere: any literal address reaches this server
        return address.is_loopback or address == listening

    def allows_origin(self, origin: str) -> bool:
        """Whether a websocket's Origin is a page this server itself served."""
        parts = urlsplit(origin)
        return parts.scheme == "http" and parts.path == "" and self.allows(parts.netloc)


class OwnHostOnly(web.RequestHandler):
    """Answer 403 to any request whose Host is not this server's own name (DNS rebinding)."""

    def prepare(self) -> None:
        authorities: Authorities = self.application.settings["authorities"]
        if not authorities.allows(self.request.headers.get("Host", "")):
            raise web.HTTPError(403, reason="Unknown Host")


class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]  # livereload is untyped
    """livereload's websocket, for pages this server served and no other origin."""

    def prepare(self) -> None:
        OwnHostOnly.prepare(self)

    def check_origin(self, origin: str) -> bool:
        # Compared with the server's own names, never with the request's Host, which a page
        # on a rebound domain chooses itself.
        allowed: bool = self.application.settings["authorities"].allows_origin(origin)
        return allowed


class ReloadScript(OwnHostOnly, LiveReloadJSHandler):  # type: ignore[misc]  # untyped
    """livereload.js, for requests addressed to this server."""


class SiteHandler(OwnHostOnly):
    """Serve the in-memory site, with the reload script added to every HTML page."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def get(self, path: str) -> None:
        status, body, kind = self.preview.lookup("/" + path)
        if status in (301, 302):
            self.redirect(body.decode(), permanent=status == 301)
            return
        self.set_status(status)
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "no-store")
        if kind.startswith("text/html"):
            port = self.request.host.rsplit(":", 1)[-1] if ":" in self.request.host else "80"
            script = (
                f"<script>{CLIENT}</script>\n"
                f'<script src="/livereload.js?port={port}"></script>\n</body>'
            ).encode()
            body = body.replace(b"</body>", script, 1)
        self.write(body)

    head = get


class Notifications:
    """The saves under some folders, as the operating system reports them (watchdog).

    Watchdog's thread collects the paths and calls `wake` (which must be safe to call from any
    thread); `examine` hands them out one at a time, as livereload's polling watcher does.
    Raises OSError where notifications cannot be had (the caller then polls).
    """

    filepath = None  # what livereload's reload logging asks of a watcher

    def __init__(self, paths: list[Path], wake: Callable[[], None]) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        self.changed: list[str] = []
        self.lock = threading.Lock()
        notifications = self

        class Saves(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type not in SAVES or (
                    event.is_directory and event.event_type == "modified"
                ):
                    return  # a folder is "modified" whenever a file in it is: the file is the save
                paths = [event.src_path, getattr(event, "dest_path", "")]
                with notifications.lock:
                    notifications.changed.extend(os.fsdecode(p) for p in paths if p)
                wake()

        self.observer = Observer()
        try:
            for path in paths:
                if path.is_dir():
                    self.observer.schedule(Saves(), str(path), recursive=True)
            self.observer.start()
        except BaseException:
            self.stop()
            raise

    def examine(self) -> tuple[str | None, None]:
        """The next path saved since the last look, or None."""
        with self.lock:
            return (self.changed.pop(0) if self.changed else None), None

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):  # never started
            self.observer.stop()
            self.observer.join(timeout=5)


class Reloader:
    """Take saves, coalesce a burst into one build, and reload browsers when it is done.

    Saves come from `watcher`: `Notifications` in the preview, whose wake-ups arrive as `notice`;
    by default livereload's watcher, which compares the files' times each time `tick` looks (the
    fallback, polled). `loop` schedules callbacks (the running IOLoop), `run` runs a build off
    the loop and `reload` tells browsers; tests pass their own to drive every step without
    waiting on a clock.
    """

    def __init__(
        self,
        preview: Preview,
        paths: list[Path],
        *,
        loop: Any = None,
        run: Callable[[Callable[[], Any]], Future[Any]] | None = None,
        reload: Callable[[str], None] | None = None,
        watcher: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.preview = preview
        if watcher is None:
            watcher = Watcher()
            for path in paths:
                if path.exists():
                    watcher.watch(str(path))
            watcher.examine()  # take the first snapshot of modification times
        self.watcher = watcher
        self.loop = loop or ioloop.IOLoop.current()
        self.looking: Any = None  # the timer of the next look after a notification
        self.clock = clock
        self.noticed = 0.0  # when the system last reported a save (`clock`)
        self.run = run or run_in_daemon_thread
        self.reload = reload or ReloadSocket.reload_waiters
        self.building = False
        self.pending: set[str] = set()
        self.quiet_ticks = 0
        self.retry: Any = None  # the settle timer of a failed build, while one waits
        self.retry_paths: set[str] = set()
        preview.hooks.show_first = self._show_first

    def _show_first(self, pages: dict[str, bytes]) -> None:
        """From the build's thread: the pages of the reports just saved are served and browsers
        reloaded at once; the rest of the site follows when the build ends."""
        for address in self.preview.show_first(pages):
            self.loop.add_callback(self.reload, address)

    def notice(self) -> None:
        """On the loop: the system reported a save. Look once the files have been quiet a while."""
        self.noticed = self.clock()
        if self.looking is None:
            self.looking = self.loop.call_later(POLL_MS / 1000, self._look)

    def _look(self) -> None:
        self.looking = None
        if self.building:
            return  # saves made meanwhile are found when it ends
        quiet = self.clock() - self.noticed
        if quiet < POLL_MS / 1000:  # saved again since the look was set: wait for the quiet
            self.looking = self.loop.call_later(POLL_MS / 1000 - quiet, self._look)
            return
        # The system has reported nothing for a while: the saves it reported are whole.
        self.pending |= self._changed_paths()
        if self.pending:
            self._start_build(show_failure=False)

    def tick(self) -> None:
        if self.building:
            # Saves made meanwhile are found when it ends. Looking at every file's time now would
            # take the interpreter from the build (6 ms in every 25 at 1,000 reports).
            return
        changed = self._changed_paths()
        if changed:
            self.pending |= changed
            self.quiet_ticks = 0
            return
        self.quiet_ticks += 1
        if self.pending and not self.building:
            self._start_build(show_failure=False)

    def _changed_paths(self) -> set[str]:
        changed = set()
        for _ in range(100):  # a folder check stops at its first change: drain them all
            path, _delay = self.watcher.examine()
            if not path:
                break
            changed.add(path)
        return changed

    def _start_build(self, show_failure: bool) -> None:
        paths, self.pending = self.pending | self.retry_paths, set()
        self.retry_paths = set()
        if self.retry is not None:  # a new save replaces the wait for the last one to finish
            self.loop.remove_timeout(self.retry)
            self.retry = None
        self.building = True
        future = self.run(lambda: self.preview.rebuild(show_failure=show_failure))
        future.add_done_callback(
            lambda f: self.loop.add_callback(self._finished, paths, f, show_failure)
        )

    def _finished(self, paths: set[str], future: Future[Any], shown: bool) -> None:
        self.building = False
        self.pending |= self._changed_paths()
        if self.pending:  # saved again while building: build again before reloading
            self.retry_paths |= paths
            self._start_build(show_failure=False)
            return
        succeeded = future.result()[1] if future.exception() is None else False
        if not succeeded and not shown:
            # Perhaps a save still being written: try again once the files settle.
            self.retry_paths |= paths
            self.retry = self.loop.call_later(SETTLE_S, self._settled)
            return
        css_only = all(p.endswith(".css") for p in paths) and not self.preview.problems
        target = (
            "/" + "assets/" + Path(next(iter(paths))).name if css_only and len(paths) == 1 else "*"
        )
        self.reload(target)

    def _settled(self) -> None:
        self.retry = None
        if self.building or self.pending:
            return  # a build for a newer save is under way or about to start
        self._start_build(show_failure=True)


def run_in_daemon_thread(work: Callable[[], Any]) -> Future[Any]:
    """Run one build in a daemon thread: Ctrl-C need not wait for it to end."""
    future: Future[Any] = Future()

    def target() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as exc:  # noqa: BLE001 - handed to the loop, which reports it
            future.set_exception(exc)

    threading.Thread(target=target, name="preview-build", daemon=True).start()
    return future


def make_app(preview: Preview, authorities: Authorities) -> web.Application:
    """The preview's routes: the reload socket, its script, and the site itself."""
    ReloadSocket.live_css = True
    return web.Application(
        [
            (r"/livereload", ReloadSocket),
            (r"/livereload.js", ReloadScript),
            (r"/(.*)", SiteHandler, {"preview": preview}),
        ],
        authorities=authorities,
    )


def serve(
    project: Project,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    base_url: str = "",
) -> int:
    """Build, serve and watch until Ctrl-C."""
    if host not in LOOPBACK:
        print(
            f"warning: listening on {host}: anyone who can reach this machine can see the preview",
            file=sys.stderr,
        )
    # The server answers between a build's steps: a thread waiting for the interpreter gets it
    # within a millisecond rather than five, so a page is served at once while the site builds.
    sys.setswitchinterval(0.001)
    # The port first: a port another program holds is said at once, not after a whole build.
    try:
        sockets = bind_sockets(port, address=host)
    except OSError as exc:
        print(
            f"error: cannot listen on {host}:{port}: {exc.strerror} (hint: try --port {port + 1})",
            file=sys.stderr,
        )
        return 1
    port = sockets[0].getsockname()[1]  # the one the system chose, for --port 0
    preview = Preview(project, base_url=base_url)
    try:
        preview.rebuild()
    except BaseException:
        for bound in sockets:
            bound.close()
        raise
    server = HTTPServer(make_app(preview, Authorities(port, host)))
    server.add_sockets(sockets)
    # Everything from here on is inside the try, so a Ctrl-C the instant the ready line is out
    # still stops cleanly.
    notifications = None
    try:
        theme = [project.theme / "templates", project.theme / "assets"]  # not all of its folder
        watched = [project.content, project.templates, project.assets, *theme]
        loop = ioloop.IOLoop.current()
        reloader = watch(preview, watched, loop)
        notifications = reloader.watcher if isinstance(reloader.watcher, Notifications) else None
        ReloadSocket.watcher = reloader.watcher
        stop_on_ctrl_c(loop)
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}{preview.base_path}"
        print(f"serving {display_path(project.content)} at {url} (Ctrl-C to stop)", file=sys.stderr)
        if open_browser:
            webbrowser.open(url)
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if notifications is not None:
            notifications.stop()
        with contextlib.suppress(NotImplementedError, RuntimeError, AttributeError, ValueError):
            ioloop.IOLoop.current().asyncio_loop.remove_signal_handler(signal.SIGINT)  # type: ignore[attr-defined]
    print("\nstopped", file=sys.stderr)
    return 0


def watch(preview: Preview, paths: list[Path], loop: Any) -> Reloader:
    """A reloader fed by the system's notifications, or polling every POLL_MS where there are none."""
    waker: list[Reloader] = []  # the reloader, once made: notifications may come before

    def wake() -> None:  # from watchdog's thread
        if waker:
            loop.add_callback(waker[0].notice)

    try:
        notifications = Notifications(paths, wake)
    except OSError as exc:
        print(
            f"warning: no file notifications ({exc.strerror or exc}): looking for saves every"
            f" {POLL_MS} ms instead",
            file=sys.stderr,
        )
        reloader = Reloader(preview, paths, loop=loop)
        ioloop.PeriodicCallback(reloader.tick, POLL_MS).start()
        return reloader
    reloader = Reloader(preview, paths, loop=loop, watcher=notifications)
    waker.append(reloader)
    return reloader


def stop_on_ctrl_c(loop: Any) -> None:
    """Have Ctrl-C stop the loop through the loop itself.

    The loop wakes at once and stops between callbacks. Without this, Ctrl-C is a KeyboardInterrupt
    raised wherever the main thread happens to be, perhaps inside the loop's own machinery, which
    need not let it out. Where the loop cannot take signals (not Unix), it stays the exception.
    """
    with contextlib.suppress(NotImplementedError, RuntimeError, AttributeError, ValueError):
        loop.asyncio_loop.add_signal_handler(signal.SIGINT, loop.stop)
