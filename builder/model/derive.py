"""Derive what a tracked recommendation's history says, in one place, from the reports in date order.

Editors record what each report says of a concern (raised, progress, met, positive), and what a
report says an earlier inspection outside the collection found. Everything a reader is told beyond
that is derived here and nowhere else: whether a report raised it again, when it was first raised,
whether it recurs, the latest word on it, whether it is still open, and how long the reports have
been silent about it. Every page, count and export reads this one result.

The rules, as the about page and the legend state them:

- A concern is *raised again* where an earlier report, or an earlier inspection as a report
  reports it, raised it.
- It is *first raised* by the earliest report or reported inspection that raised it. A history
  whose first word is progress or met has a concern raised before the documents in the collection:
  it is never "never raised".
- Its standing follows the latest word on it: *open* when that word raises it, *progress* (still
  open) when it finds progress, *met* only when it finds the concern met. A positive mention is not
  a finding that a concern is met: after a concern, the latest word "positive" stands as
  *spoken of well since*, neither open nor met. A history with no concern in it at all (only
  positive mentions) stands as *a strength*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# What an editor may record for one report, from the most to the least serious.
RECORDED = ("raised", "progress", "met", "positive")
CONCERNS = ("raised", "raised-again")
# A word that says a concern existed: raised, found progressing, or found met.
ABOUT_A_CONCERN = ("raised", "raised-again", "progress", "met")

# The standing of a recommendation after its latest assessment.
STANDINGS = {
    "open": "Open",
    "progress": "Progress reported",
    "met": "Met",
    "positive": "Spoken of well since, not found met",
    "strength": "A strength",
}
STANDING_RULES = {
    "open": "the latest report that speaks of it raised it",
    "progress": "the latest report that speaks of it found progress, but not that it was met: still open",
    "met": "the latest report that speaks of it found it met",
    "positive": (
        "the latest report that speaks of it praised practice on the subject without finding the "
        "concern met: neither still open nor met"
    ),
    "strength": "no report speaks of it as a concern (raised, progress or met); reports praise it",
}
# How a status is known: stated by its passage, inferred by the editors, or reported by a later
# document of an inspection outside the collection.
CELL_BASES = ("stated", "inferred", "reported")
# A report that says nothing of a concern: it does not mention it, its text is an editors'
# summary (so its silence is not known), or its inspection's remit does not cover the concern.
SILENCES = ("not-mentioned", "not-known", "not-covered")


@dataclass(frozen=True, slots=True)
class ReportWord:
    """What the editors recorded of one report for one recommendation: the input to the derivation.

    With `by`, the word is an earlier inspection's (outside the collection), as report `by`
    reports it: it places the concern in time, and is not one of the reports' own cells.
    """

    report: str
    recorded: str  # one of RECORDED, or "" when the report does not speak of it
    summary: bool = False  # the report's body is an editors' summary, so its silence is unknown
    basis: str = "stated"  # stated or inferred; a reported inspection's is "reported"
    by: str = ""  # for an earlier inspection: the report that reports what it found
    # Whether the report's inspection covers the concern's scope: one that does not (a later
    # framework that reviews no safeguarding board) is silent on it by its remit.
    covered: bool = True


@dataclass(frozen=True, slots=True)
class Cell:
    """One report's (or reported inspection's) derived status for one recommendation."""

    report: str  # a report id, or an earlier inspection's (event) id
    # raised, raised-again, progress, met, positive; or a silence: not-mentioned, not-known (an
    # editors' summary) or not-covered (outside the remit of the report's inspection)
    status: str
    basis: str = "stated"  # a key of CELL_BASES; "stated" for silence
    by: str = ""  # for a reported inspection: the report that reports it

    @property
    def assessed(self) -> bool:
        return self.status not in SILENCES


@dataclass(frozen=True, slots=True)
class Standing:
    """A recommendation's whole derived history."""

    cells: tuple[Cell, ...]  # one per report, in date order
    first_raised: str  # report or reported inspection id, or ""
    times_raised: int
    last_assessed: str  # the latest report that speaks of it, or ""
    latest_status: str  # that report's status, or "not-mentioned"
    standing: str  # a key of STANDINGS, or "" when no report speaks of it
    silent_since: int  # reports after the last assessment that do not mention it
    unknown_since: int  # of those, editors' summaries, whose silence says nothing
    uncovered_since: int = 0  # of those, inspections whose remit does not cover it
    reported: tuple[Cell, ...] = ()  # earlier inspections' words, as later reports report them
    concern: bool = False  # some report or reported inspection raised it, found progress or met
    last_met: str = ""  # the latest report that found it met, or ""
    latest_basis: str = "stated"  # how the latest word is known: stated, inferred or reported

    @property
    def recurring(self) -> bool:
        return self.times_raised >= 2

    @property
    def is_open(self) -> bool:
        """Open: the latest report that speaks of it raised it, or found only progress."""
        return self.standing in ("open", "progress")

    @property
    def before_collection(self) -> bool:
        """A concern spoken of (progress or met) that no document or reported inspection raised."""
        return self.concern and not self.first_raised

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
    """Derive one recommendation's history from what each report, and each earlier inspection as
    a report reports it, recorded, in date order."""
    cells: list[Cell] = []
    raised_before = False
    for word in words:
        if _recorded(word.recorded) == "raised":
            status = "raised-again" if raised_before else "raised"
            raised_before = True
        elif word.recorded:
            status = word.recorded
        elif not word.covered:
            status = "not-covered"
        else:
            status = "not-known" if word.summary else "not-mentioned"
        basis = ("reported" if word.by else word.basis) if word.recorded else "stated"
        cells.append(Cell(word.report, status, basis, word.by))
    assessed = [c for c in cells if c.assessed]
    raised = [c for c in assessed if c.status in CONCERNS]
    own = [c for c in cells if not c.by]
    latest = assessed[-1] if assessed else None
    # The latest document that speaks of it: a reported inspection is spoken of by its reporter.
    speaker = (latest.by or latest.report) if latest else ""
    after = own[[c.report for c in own].index(speaker) + 1 :] if speaker else []
    met = [c for c in assessed if c.status == "met"]
    return Standing(
        cells=tuple(own),
        first_raised=raised[0].report if raised else "",
        times_raised=len(raised),
        last_assessed=speaker,
        latest_status=latest.status if latest else "not-mentioned",
        standing=_standing(
            latest.status if latest else "", any(c.status in ABOUT_A_CONCERN for c in assessed)
        ),
        silent_since=len(after),
        unknown_since=sum(1 for c in after if c.status == "not-known"),
        uncovered_since=sum(1 for c in after if c.status == "not-covered"),
        reported=tuple(c for c in cells if c.by and c.assessed),
        concern=any(c.status in ABOUT_A_CONCERN for c in assessed),
        last_met=(met[-1].by or met[-1].report) if met else "",
        latest_basis=latest.basis if latest else "stated",
    )


def _standing(latest: str, concern: bool) -> str:
    if latest in CONCERNS:
        return "open"
    if latest in ("progress", "met"):
        return latest
    if latest == "positive":
        return "positive" if concern else "strength"
    return ""


@dataclass(frozen=True, slots=True)
class Column:
    """A place in the history's date order: a report, or an earlier inspection some report reports."""

    id: str
    summary: bool = False  # a report shown as an editors' summary
    inspection: bool = False  # an earlier inspection outside the collection
    # The scopes the report's inspection covers (its framework's); None when not limited to any.
    scopes: frozenset[str] | None = None


def derive_all(
    order: Sequence[str | Column],
    recorded: Mapping[str, Mapping[str, str | tuple[str, str]]],
    summaries: frozenset[str] = frozenset(),
    recommendations: Sequence[str] = (),
    reported: Mapping[str, Mapping[str, tuple[str, str]]] | None = None,
    scopes: Mapping[str, str] | None = None,
) -> dict[str, Standing]:
    """Every recommendation's standing.

    `order` is the reports (ids or `Column`s) and earlier inspections in date order;
    `recorded[report][recommendation]` is what editors recorded, a status or `(status, basis)`;
    `reported[inspection][recommendation]` is `(status, reporting report)` for an earlier
    inspection, as a report reports it; `scopes[recommendation]` is the scope it is a concern of,
    where it has one.
    """
    scopes = scopes or {}
    columns = [c if isinstance(c, Column) else Column(c, c in summaries) for c in order]
    reported = reported or {}
    out = {}
    for rec in recommendations:
        words = []
        for column in columns:
            if column.inspection:
                status, by = reported.get(column.id, {}).get(rec, ("", ""))
                if status:
                    words.append(ReportWord(column.id, status, by=by))
                continue
            value = recorded.get(column.id, {}).get(rec, "")
            status, basis = value if isinstance(value, tuple) else (value, "stated")
            scope = scopes.get(rec, "")
            covered = not scope or column.scopes is None or scope in column.scopes
            words.append(
                ReportWord(column.id, status, column.summary, basis or "stated", covered=covered)
            )
        out[rec] = derive_standing(words)
    return out


def _recorded(status: str) -> str:
    # "raised-again" is derived, never typed; content that still types it means "raised".
    return "raised" if status == "raised-again" else status
