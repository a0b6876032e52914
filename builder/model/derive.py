"""Derive what a tracked recommendation's history says, in one place, from the reports in date order.

Editors record what each report says of a concern (raised, progress, met, positive). Everything a
reader is told beyond that is derived here and nowhere else: whether a report raised it again, when
it was first raised, whether it recurs, the latest word on it, whether it is still open, and how
long the reports have been silent about it. Every page, count and export reads this one result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# What an editor may record for one report, from the most to the least serious.
RECORDED = ("raised", "progress", "met", "positive")
CONCERNS = ("raised", "raised-again")

# The standing of a recommendation after its latest assessment.
STANDINGS = {
    "open": "Open",
    "progress": "Progress reported",
    "met": "Met",
    "strength": "A strength",
}
STANDING_RULES = {
    "open": "the latest report that speaks of it raised it",
    "progress": "the latest report that speaks of it found progress, but not that it was met: still open",
    "met": "the latest report that speaks of it found it met",
    "strength": "no report raised it as a concern; reports speak of it as a strength",
}


@dataclass(frozen=True)
class ReportWord:
    """What the editors recorded of one report for one recommendation: the input to the derivation."""

    report: str
    recorded: str  # one of RECORDED, or "" when the report does not speak of it
    summary: bool = False  # the report's body is an editors' summary, so its silence is unknown


@dataclass(frozen=True)
class Cell:
    """One report's derived status for one recommendation."""

    report: str
    status: str  # raised, raised-again, progress, met, positive, not-mentioned or not-known

    @property
    def assessed(self) -> bool:
        return self.status not in ("not-mentioned", "not-known")


@dataclass(frozen=True)
class Standing:
    """A recommendation's whole derived history."""

    cells: tuple[Cell, ...]  # one per report, in date order
    first_raised: str  # report id, or ""
    times_raised: int
    last_assessed: str  # the latest report that speaks of it, or ""
    latest_status: str  # that report's status, or "not-mentioned"
    standing: str  # a key of STANDINGS, or "" when no report speaks of it
    silent_since: int  # reports after the last assessment that do not mention it
    unknown_since: int  # of those, editors' summaries, whose silence says nothing

    @property
    def recurring(self) -> bool:
        return self.times_raised >= 2

    @property
    def is_open(self) -> bool:
        """Open: the latest report that speaks of it raised it, or found only progress."""
        return self.standing in ("open", "progress")

    def cell(self, report: str) -> Cell | None:
        return next((c for c in self.cells if c.report == report), None)

    def earlier(self, report: str) -> Cell | None:
        """The last report before `report` that speaks of the recommendation."""
        found = None
        for cell in self.cells:
            if cell.report == report:
                return found
            if cell.assessed:
                found = cell
        return None

    def later(self, report: str) -> Cell | None:
        """The first report after `report` that speaks of the recommendation."""
        seen = False
        for cell in self.cells:
            if seen and cell.assessed:
                return cell
            seen = seen or cell.report == report
        return None


def derive_standing(words: Sequence[ReportWord]) -> Standing:
    """Derive one recommendation's history from what each report, in date order, recorded."""
    cells = []
    raised_before = False
    for word in words:
        if _recorded(word.recorded) == "raised":
            status = "raised-again" if raised_before else "raised"
            raised_before = True
        elif word.recorded:
            status = word.recorded
        else:
            status = "not-known" if word.summary else "not-mentioned"
        cells.append(Cell(word.report, status))
    raised = [c for c in cells if c.status in CONCERNS]
    assessed = [i for i, c in enumerate(cells) if c.assessed]
    last = assessed[-1] if assessed else -1
    latest = cells[last].status if assessed else "not-mentioned"
    after = cells[last + 1 :] if assessed else []
    return Standing(
        cells=tuple(cells),
        first_raised=raised[0].report if raised else "",
        times_raised=len(raised),
        last_assessed=cells[last].report if assessed else "",
        latest_status=latest,
        standing=_standing(latest, bool(raised)),
        silent_since=len(after),
        unknown_since=sum(1 for c in after if c.status == "not-known"),
    )


def _standing(latest: str, ever_raised: bool) -> str:
    if latest in CONCERNS:
        return "open"
    if latest == "progress":
        return "progress"
    if latest == "met":
        return "met"
    if latest == "positive":
        return "met" if ever_raised else "strength"
    return ""


def derive_all(
    order: Sequence[str],
    recorded: Mapping[str, Mapping[str, str]],
    summaries: frozenset[str] = frozenset(),
    recommendations: Sequence[str] = (),
) -> dict[str, Standing]:
    """Every recommendation's standing: `recorded[report][recommendation]` is what editors recorded."""
    return {
        rec: derive_standing(
            [
                ReportWord(report, recorded.get(report, {}).get(rec, ""), report in summaries)
                for report in order
            ]
        )
        for rec in recommendations
    }


def _recorded(status: str) -> str:
    # "raised-again" is derived, never typed; content that still types it means "raised".
    return "raised" if status == "raised-again" else status
