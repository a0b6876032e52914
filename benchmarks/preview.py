"""Measure the edit-to-browser loop of `python -m builder serve`, and incremental against full builds.

Usage: python3 benchmarks/preview.py [--edits 20] [--content content]

Prints, for the bundled site (or the content folder given):
  - the median and worst time from a report file being written to its new text showing in an open
    Chromium page, over --edits edits;
  - the time of a full build and of a rebuild after a one-report edit (median of several runs).
This is a benchmark, not a test: it prints figures and never fails on a slow machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.diagnostics import Diagnostics
from builder.load.load import Project
from builder.memo import Memo
from builder.pipeline import build


def copy_site(content: Path, target: Path) -> None:
    shutil.copytree(content, target / "content")
    for sub in ("templates", "assets"):
        if (ROOT / sub).is_dir():  # the bundled site's own overrides of the package's theme
            shutil.copytree(ROOT / sub, target / sub)


def pick_report(content: Path) -> tuple[Path, str]:
    """The largest report, and a sentence of its body to edit."""
    report = max((content / "reports").glob("*.md"), key=lambda p: p.stat().st_size)
    body = report.read_text().split("\n---\n", 1)[1]
    line = next(
        line
        for line in body.splitlines()
        if len(line) > 80 and not line.startswith(("#", "|", "-"))
    )
    return report, line


def build_times(site: Path, runs: int) -> tuple[float, float]:
    project = Project.at(site, site / "_site")
    fulls, incrementals = [], []
    report, line = pick_report(site / "content")
    original = report.read_text()
    for _ in range(runs):
        started = time.perf_counter()
        assert build(project, Diagnostics(), write=False, cache=Memo()) is not None
        fulls.append(time.perf_counter() - started)
    cache = Memo()
    build(project, Diagnostics(), write=False, cache=cache)
    for run in range(runs):
        report.write_text(original.replace(line, f"{line} Benchmark edit {run}.", 1))
        started = time.perf_counter()
        assert build(project, Diagnostics(), write=False, cache=cache) is not None
        incrementals.append(time.perf_counter() - started)
    report.write_text(original)
    return statistics.median(fulls), statistics.median(incrementals)


def browser_latency(site: Path, edits: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "builder", "serve", "--port", str(port)],
        cwd=site,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    said: queue.Queue[str] = queue.Queue()  # the preview's lines: "serving …", "rebuilt in …"
    threading.Thread(target=lambda: [said.put(line) for line in server.stderr], daemon=True).start()

    def wait_for(start: str, timeout: float = 600) -> None:
        while not said.get(timeout=timeout).startswith(start):
            pass

    report, line = pick_report(site / "content")
    original = report.read_text()
    times = []
    try:
        wait_for("serving ")  # the first build can take a while for a large site
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/reports/{report.stem}/")
            page.wait_for_function("() => window.LiveReload !== undefined")
            for n in range(edits):
                marker = f"Benchmark marker {n}."
                report.write_text(original.replace(line, f"{line} {marker}", 1))
                written = time.perf_counter()
                page.wait_for_function(
                    "m => document.body && document.body.innerText.includes(m)",
                    arg=marker,
                    polling="raf",
                    timeout=20000,
                )
                times.append(time.perf_counter() - written)
                wait_for("rebuilt ")  # the whole site, before the next save
                # And its search index, made in the background: an editor's next save comes
                # seconds later, not while the last one's index is still being made.
                with contextlib.suppress(queue.Empty):
                    wait_for("search index updated", timeout=30)
                page.wait_for_function("() => window.LiveReload !== undefined")
            browser.close()
    finally:
        report.write_text(original)
        server.terminate()
        server.wait(timeout=10)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--content", default=str(ROOT / "content"), help="content folder to measure"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        copy_site(Path(args.content), site)
        full, incremental = build_times(site, args.runs)
        print(f"full build (in memory):            {full * 1000:7.0f} ms  (median of {args.runs})")
        print(
            f"rebuild after a one-report edit:   {incremental * 1000:7.0f} ms  "
            f"({incremental / full:.0%} of a full build)"
        )
        if shutil.which("chromium"):
            times = browser_latency(site, args.edits)
            print(
                f"save to new text in the browser:   {statistics.median(times) * 1000:7.0f} ms median, "
                f"{max(times) * 1000:.0f} ms worst over {len(times)} edits"
            )
        else:
            print("save to new text in the browser:   not measured (no chromium on PATH)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
