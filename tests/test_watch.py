"""The preview learns of saves from the operating system, and polls only where it cannot."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT

from builder.load.load import Project
from builder.publish.serve import Notifications, Preview, watch


class Loop:
    """Records what the reloader schedules; add_callback may come from watchdog's thread."""

    def __init__(self) -> None:
        self.callbacks: list = []
        self.timers: list = []
        self.called = threading.Event()

    def add_callback(self, callback, *args) -> None:
        self.callbacks.append((callback, args))
        self.called.set()

    def call_later(self, delay: float, callback) -> object:
        self.timers.append(callback)
        return callback

    def remove_timeout(self, handle) -> None:
        self.timers.remove(handle)


def saved(folder: Path, wanted: str) -> set[str]:
    """Wait for `wanted` (a path under `folder`) among the saves the system reports."""
    seen: set[str] = set()
    arrived = threading.Event()

    def wake() -> None:
        arrived.set()

    notifications = Notifications([folder], wake)
    try:
        (folder / "read.md").read_text()  # a read is not a save
        (folder / wanted).write_text("saved\n")
        while wanted not in {Path(p).name for p in seen}:
            assert arrived.wait(10), f"no notification of {wanted}; saw {seen}"
            arrived.clear()
            while (path := notifications.examine()[0]) is not None:
                seen.add(path)
    finally:
        notifications.stop()
    return seen


def test_a_save_is_reported_by_the_system_and_a_read_is_not(tmp_path: Path):
    (tmp_path / "read.md").write_text("only read\n")
    seen = saved(tmp_path, "new.md")
    assert {Path(p).name for p in seen} == {"new.md"}
    assert str(tmp_path / "read.md") not in seen


def test_the_preview_is_fed_by_notifications_and_schedules_nothing_while_idle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", content)
    preview = Preview(Project.at(tmp_path))
    loop = Loop()
    reloader = watch(preview, [content], loop)
    try:
        assert isinstance(reloader.watcher, Notifications)
        assert loop.callbacks == [] and loop.timers == []  # idle: nothing to run, no polling
        started: list = []
        reloader.run = lambda work: started.append(work) or Future()  # type: ignore[method-assign]
        now = [100.0]
        reloader.clock = lambda: now[0]
        report = content / "reports" / "2022-01-visit.md"
        report.write_text(report.read_text() + "\nOne more line.\n")
        assert loop.called.wait(10), "the save was not reported"
        callback, args = loop.callbacks[0]
        callback(*args)  # on the loop: look once the files have been quiet for a moment
        assert len(loop.timers) == 1
        now[0] += 0.010
        reloader.notice()  # the system reports more of the save: the quiet starts again
        now[0] += 0.020
        loop.timers.pop()()  # 20 ms since the last report: look again later
        assert len(loop.timers) == 1 and started == [] and reloader.pending == set()
        now[0] += 0.010
        loop.timers.pop()()  # quiet for 30 ms: the save is whole, and built at once
        assert len(started) == 1 and loop.timers == []
    finally:
        reloader.watcher.stop()


REFUSED = """
import sys
import builder.publish.serve as serve

class Refused:
    def __init__(self, paths, wake):
        raise OSError(28, "No space left on device")  # what a full inotify watch table says

serve.Notifications = Refused
from builder.cli import main
sys.exit(main())
"""


def test_without_notifications_the_preview_polls_and_says_so(tmp_path: Path):
    shutil.copytree(FIXTURE / "content", tmp_path / "content")
    process = subprocess.Popen(
        [sys.executable, "-c", REFUSED, "serve", "--port", "0"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.endswith("(Ctrl-C to stop)\n"):
                break
        assert (
            "warning: no file notifications (No space left on device): looking for saves every"
            " 25 ms instead\n"
        ) in lines
        report = tmp_path / "content" / "reports" / "2022-01-visit.md"
        report.write_text(report.read_text() + "\nOne more line.\n")
        for line in process.stdout:  # the poll finds the save
            if re.match(r"rebuilt in \d+ ms", line):
                break
        else:
            pytest.fail("no rebuild after the save: " + "".join(lines))
    finally:
        process.terminate()
        process.wait(timeout=10)
