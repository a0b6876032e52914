"""Local preview: build in memory, serve on loopback, rebuild and reload the browser on every save.

The server answers from the last good build (or an error page listing every diagnostic) while the
next build runs in a worker thread, so a request never waits on a build and a broken save never
kills the server. Changes are found by livereload's watcher, polled every 25 ms rather than
livereload's 800 ms, and the browser is told to refresh only once a build has finished: a small
livereload.js plugin then swaps the page's body in place, keeping the reader's scroll position.
"""

from __future__ import annotations

import html
import mimetypes
import sys
import threading
import time
import webbrowser
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher
from tornado import ioloop, web

from .diagnostics import Diagnostics, summary
from .load import Project, display_path
from .pipeline import Cache, build

POLL_MS = 25
CLIENT = (Path(__file__).parent / "preview_client.js").read_text(encoding="utf-8")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Preview:
    """The state the server answers from: the last good files and the current problems."""

    project: Project
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    base_path: str = "/"
    cache: Cache = field(default_factory=Cache)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""  # --base-url: preview under the sub-path the site will be published at

    def __post_init__(self) -> None:
        self.cache.search_later = self.swap_search

    def swap_search(self, index: dict[str, bytes]) -> None:
        """Serve a search index made in the background since the last build."""
        with self.lock:
            self.files = _with_search(self.files, index)

    def rebuild(self) -> tuple[float, bool]:
        """Build once; keep the last good files if it fails. Returns (seconds, succeeded)."""
        started = time.perf_counter()
        diagnostics = Diagnostics()
        try:
            files = build(
                self.project, diagnostics, write=False, cache=self.cache, base_url=self.base_url
            )
        except Exception as exc:  # noqa: BLE001 - the preview must outlive any failure
            diagnostics.error("builder", 0, f"internal error: {type(exc).__name__}: {exc}")
            files = None
        lines = [d.format() for d in diagnostics.sorted()]
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
        elapsed = time.perf_counter() - started
        state = "rebuilt" if files is not None else "build failed"
        print(f"{state} in {elapsed * 1000:.0f} ms", file=sys.stderr)
        return elapsed, files is not None

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


def _with_search(files: dict[str, bytes], index: dict[str, bytes]) -> dict[str, bytes]:
    kept = {n: b for n, b in files.items() if not n.startswith("pagefind/")}
    return {**kept, **index} if any(n.startswith("pagefind/") for n in files) else files


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


class ReloadSocket(LiveReloadHandler):
    """livereload's websocket, refusing pages from any origin but the preview's own."""

    def check_origin(self, origin: str) -> bool:
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc == self.request.host


class SiteHandler(web.RequestHandler):
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


class Reloader:
    """Poll for saves, coalesce a burst into one build, and reload browsers when it is done."""

    def __init__(self, preview: Preview, paths: list[Path]) -> None:
        self.preview = preview
        self.watcher = Watcher()
        for path in paths:
            if path.exists():
                self.watcher.watch(str(path))
        self.watcher.examine()  # take the first snapshot of modification times
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.building = False
        self.pending: set[str] = set()
        self.quiet_ticks = 0

    def tick(self) -> None:
        changed = self._changed_paths()
        if changed:
            self.pending |= changed
            self.quiet_ticks = 0
            return
        self.quiet_ticks += 1
        if self.pending and not self.building:
            self._start_build()

    def _changed_paths(self) -> set[str]:
        changed = set()
        for _ in range(100):  # a folder check stops at its first change: drain them all
            path, _delay = self.watcher.examine()
            if not path:
                break
            changed.add(path)
        return changed

    def _start_build(self) -> None:
        paths, self.pending = self.pending, set()
        self.building = True
        loop = ioloop.IOLoop.current()
        future = self.pool.submit(self.preview.rebuild)
        future.add_done_callback(lambda f: loop.add_callback(self._finished, paths, f))

    def _finished(self, paths: set[str], future) -> None:
        self.building = False
        if self.pending:  # saved again while building: build again before reloading
            self._start_build()
            return
        css_only = all(p.endswith(".css") for p in paths) and not self.preview.problems
        target = (
            "/" + "assets/" + Path(next(iter(paths))).name if css_only and len(paths) == 1 else "*"
        )
        ReloadSocket.reload_waiters(target)


def make_app(preview: Preview) -> web.Application:
    ReloadSocket.live_css = True
    return web.Application(
        [
            (r"/livereload", ReloadSocket),
            (r"/livereload.js", LiveReloadJSHandler),
            (r"/(.*)", SiteHandler, {"preview": preview}),
        ]
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
    preview = Preview(project, base_url=base_url)
    preview.rebuild()
    app = make_app(preview)
    try:
        server = app.listen(port, address=host)
    except OSError as exc:
        print(
            f"error: cannot listen on {host}:{port}: {exc.strerror} (hint: try --port {port + 1})",
            file=sys.stderr,
        )
        return 1
    watched = [project.content, project.templates, project.assets]
    reloader = Reloader(preview, watched)
    ReloadSocket.watcher = reloader.watcher
    ioloop.PeriodicCallback(reloader.tick, POLL_MS).start()
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}{preview.base_path}"
    try:  # from the line that invites Ctrl-C on, Ctrl-C stops cleanly
        print(f"serving {display_path(project.content)} at {url} (Ctrl-C to stop)", file=sys.stderr)
        if open_browser:
            webbrowser.open(url)
        ioloop.IOLoop.current().start()
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
    finally:
        server.stop()
        reloader.pool.shutdown(wait=False, cancel_futures=True)
    return 0
