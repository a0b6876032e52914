"""Collect problems found in a run and report them all at once, sorted by file and line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, order=True, slots=True)
class Diagnostic:
    """One problem, pinned to a file and line an editor can open."""

    path: str
    line: int
    severity: str  # "error" or "warning"
    message: str

    def format(self) -> str:
        """Render as `path:line: severity: message`."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class Diagnostics:
    """An explicit collector passed through the pipeline; never global."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, message: str) -> None:
        """Record an error."""
        self.items.append(Diagnostic(one_line(str(path)), line or 0, "error", one_line(message)))

    def warning(self, path: str, line: int, message: str) -> None:
        """Record a warning."""
        self.items.append(Diagnostic(one_line(str(path)), line or 0, "warning", one_line(message)))

    @property
    def errors(self) -> list[Diagnostic]:
        """Distinct errors: the same problem found twice is one problem."""
        return [d for d in self.sorted() if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Distinct warnings."""
        return [d for d in self.sorted() if d.severity == "warning"]

    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """Unique diagnostics in file, line order."""
        return sorted(set(self.items), key=lambda d: (d.path, d.line, d.severity, d.message))

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)


MAX_MESSAGE = 400
MAX_OF_A_KIND = 50  # lines shown of one kind of problem; the rest are counted in one line
MAX_LINES = 200  # lines shown in all, so no input can flood a terminal or a CI log
_VALUES = re.compile(r"'[^']*'|\d[\d,]*")


def kind_of(item: Diagnostic) -> tuple[str, str, str]:
    """What makes problems alike: the file, the severity and the message without its values."""
    return item.path, item.severity, _VALUES.sub("…", item.message)


def shown_lines(diagnostics: Diagnostics) -> list[str]:
    """Every problem as a line, in file and line order, but at most `MAX_OF_A_KIND` of one kind
    (the rest counted in one line, with where the first of them are) and `MAX_LINES` in all."""
    kept: list[Diagnostic] = []
    left: dict[tuple[str, str, str], list[Diagnostic]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    everything = diagnostics.sorted()
    for item in everything:
        kind = kind_of(item)
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= MAX_OF_A_KIND:
            kept.append(item)
        else:
            left.setdefault(kind, []).append(item)
    lines = [item.format() for item in kept]
    for (path, severity, _), items in left.items():
        at = ", ".join(str(i.line) for i in items[:5] if i.line)
        at = f" (lines {at}{', …' if len(items) > 5 else ''})" if at else ""
        many = f"{len(items):,} more {severity}{'' if len(items) == 1 else 's'}"
        lines.append(f"{path}: {severity}: {many} like this one{at}: {items[0].message}")
    if len(lines) > MAX_LINES:
        hidden = len(everything) - (MAX_LINES - 1)
        lines = lines[: MAX_LINES - 1]
        lines.append(f"… and {hidden:,} more problems, not shown: fix those above and run again")
    return lines


def one_line(message: str) -> str:
    """A message as one line of bounded length, so no message can carry a chunk of a file to a log."""
    message = _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], message)
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def summary(diagnostics: Diagnostics, written: bool) -> str:
    """The closing count line, e.g. `2 errors, 1 warning; site not written`."""
    parts = []
    for label, n in (("error", len(diagnostics.errors)), ("warning", len(diagnostics.warnings))):
        if n:
            parts.append(f"{n} {label}{'' if n == 1 else 's'}")
    counts = ", ".join(parts) or "no problems"
    return f"{counts}; site {'written' if written else 'not written'}"


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.55) -> str:
    """A ` (did you mean 'x'?)` hint, or an empty string when nothing is close enough."""
    if len(str(word)) > 60:  # nothing that long is a typo of a short word; difflib is slow on it
        return ""
    ordered = sorted(choices)
    close = difflib.get_close_matches(str(word), ordered, n=1, cutoff=cutoff)
    if close:
        return f" (did you mean '{close[0]}'?)"
    # A word of a longer id: 'oversight' for 'supervision-and-oversight'.
    holding = [c for c in ordered if len(str(word)) >= 4 and str(word) in re.split(r"[-_]", c)]
    if 1 <= len(holding) <= 2:
        return f" (did you mean {' or '.join(repr(c) for c in holding)}?)"
    return ""
