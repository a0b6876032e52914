"""Collect problems found in a run and report them all at once, sorted by file and line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
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
        self.items.append(Diagnostic(str(path), line or 0, "error", message))

    def warning(self, path: str, line: int, message: str) -> None:
        """Record a warning."""
        self.items.append(Diagnostic(str(path), line or 0, "warning", message))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """Unique diagnostics in file, line order."""
        return sorted(set(self.items), key=lambda d: (d.path, d.line, d.severity, d.message))

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)


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
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""
