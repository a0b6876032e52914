"""How the command line speaks: quiet or verbose, colour on a terminal, progress for long work.

Messages go to standard error; standard output is left for what a command is asked to print
(`check --todo`'s list). On a terminal, `error` and `warning` are coloured and a build that takes
more than a second shows a progress line (tqdm) that ticks while it works; when the output is a
file or a pipe (CI's log), there is no colour and the progress comes as plain lines. A stream that
is neither (a program's own, in memory) gets no progress at all. `NO_COLOR`
(https://no-color.org) and `TERM=dumb` turn colour off.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

QUIET, NORMAL, VERBOSE = 0, 1, 2
AFTER_S = 1.0  # work shorter than this shows no progress
TICK_S = 0.2  # how often the progress line's clock moves on a terminal

_RED, _YELLOW, _GREEN, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[32m", "\033[1m", "\033[0m"
_SEVERITY = re.compile(r"(^|: )(error|warning)(: |$)")
_COUNT = re.compile(r"^(\d+ errors?)")


def wants_colour(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and never under NO_COLOR (any non-empty value) or TERM=dumb."""
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


def is_piped(stream: TextIO) -> bool:
    """Whether the stream is a file or a pipe of the system's: one with a descriptor, not a tty."""
    try:
        return not os.isatty(stream.fileno())
    except (AttributeError, ValueError, OSError):  # in memory, or closed
        return False


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return False


@dataclass
class Console:
    """Where a command's messages go, and how much of them: pass it to what prints."""

    stream: TextIO
    level: int = NORMAL
    colour: bool = False
    terminal: bool = False
    piped: bool = False  # a file or a pipe: progress as plain lines

    @classmethod
    def on(
        cls, stream: TextIO, level: int = NORMAL, environ: Mapping[str, str] | None = None
    ) -> Console:
        environ = os.environ if environ is None else environ
        return cls(
            stream, level, wants_colour(stream, environ), is_terminal(stream), is_piped(stream)
        )

    def problem(self, line: str) -> None:
        """A diagnostic or a failure: printed at every level."""
        print(self.paint(line), file=self.stream, flush=True)

    def say(self, line: str) -> None:
        """What a command did, or what to do next: not under --quiet."""
        if self.level >= NORMAL:
            print(self.paint(line), file=self.stream, flush=True)

    def detail(self, line: str) -> None:
        """What only --verbose shows."""
        if self.level >= VERBOSE:
            print(line, file=self.stream, flush=True)

    def paint(self, line: str) -> str:
        """The line with its severity (and a failure's count) in colour, on a terminal."""
        if not self.colour:
            return line

        def severity(match: re.Match[str]) -> str:
            tone = _RED if match.group(2) == "error" else _YELLOW
            return f"{match.group(1)}{_BOLD}{tone}{match.group(2)}{_RESET}{match.group(3)}"

        painted = _SEVERITY.sub(severity, line, count=1)
        if painted == line:
            painted = _COUNT.sub(lambda m: f"{_BOLD}{_RED}{m.group(1)}{_RESET}", line, count=1)
        return painted

    def ok(self, line: str) -> None:
        """A success line: green on a terminal, not under --quiet."""
        if self.level >= NORMAL:
            print(f"{_GREEN}{line}{_RESET}" if self.colour else line, file=self.stream, flush=True)

    def progress(self, what: str, lines: bool = True) -> Progress:
        """Progress of long work; with `lines` False, none where the output is not a terminal."""
        return Progress(self, what, lines)


class Progress(dict[str, float]):
    """A build's stage timings, shown as each stage ends: hand it to `build(timings=...)`.

    Nothing shows for the first second. Then on a terminal a tqdm line counts the stages done and
    the time so far (its clock ticking between them); elsewhere each stage that ends is a plain
    line. With --verbose every stage's seconds are printed as it ends, from the start.
    Use as a context manager: the line is cleared at the end.
    """

    def __init__(self, console: Console, what: str, lines: bool = True) -> None:
        super().__init__()
        self.console, self.what, self.lines = console, what, lines
        self.started = time.perf_counter()
        self.bar: Any = None
        self.stop = threading.Event()
        self.ticker: threading.Thread | None = None
        self.lock = threading.Lock()

    def __enter__(self) -> Progress:
        if self.console.terminal and self.console.level == NORMAL:
            self.ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
            self.ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.ticker is not None:
            self.ticker.join()
        with self.lock:
            if self.bar is not None:
                self.bar.close()
                self.bar = None

    def __setitem__(self, stage: str, seconds: float) -> None:
        first = stage not in self
        super().__setitem__(stage, seconds)
        elapsed = time.perf_counter() - self.started
        if self.console.level >= VERBOSE:
            print(
                f"{self.what}: {stage} done in {seconds:.2f} s ({elapsed:.1f} s in all)",
                file=self.console.stream,
                flush=True,
            )
        elif self.console.level < NORMAL:
            return
        elif self.console.terminal:
            with self.lock:
                if self.bar is None:
                    if elapsed >= AFTER_S:
                        self._open()  # counting the stages done so far, this one included
                    return
                self.bar.set_postfix_str(f"last: {stage}", refresh=False)
                if first:
                    self.bar.update(1)
                self.bar.refresh()
        elif self.lines and self.console.piped and elapsed >= AFTER_S:
            print(f"{self.what}: {stage} done ({elapsed:.1f} s)", file=self.console.stream)

    def _open(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=None,
            initial=len(self),
            desc=self.what,
            file=self.console.stream,
            leave=False,
            # The terminal's size, or 80 by 24 where it reports none (tqdm would then show nothing).
            ncols=self._size()[0],
            nrows=self._size()[1],
            mininterval=0,
            bar_format="{desc} [{elapsed}]: stages done {n_fmt}{postfix}",
            postfix=f"last: {next(reversed(self))}" if len(self) else None,
            delay=AFTER_S,  # shown by the refresh below, once its clock is set
        )
        # The clock counts from the start of the work (tqdm's clock is time.time).
        self.bar.start_t = time.time() - (time.perf_counter() - self.started)
        self.bar.refresh()

    def _size(self) -> tuple[int, int]:
        try:
            size = os.get_terminal_size(self.console.stream.fileno())
        except (AttributeError, ValueError, OSError):
            return 80, 24
        return size.columns or 80, size.lines or 24

    def _tick(self) -> None:
        if self.stop.wait(AFTER_S):
            return
        while True:
            with self.lock:
                if self.bar is None:
                    self._open()
                self.bar.refresh()
            if self.stop.wait(TICK_S):
                return
