"""The views templates are given: passages, report views, histories and timeline items.

Frozen records derived once by the model (`site.py`), so templates never walk back-pointers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from builder.model.derive import SILENCES, Standing
from builder.model.outline import EMPTY, BodyOutline
from builder.parse.records import (
    Event,
    Framework,
    Judgement,
    Report,
    TrackedRecommendation,
    Where,
)
from builder.sitefiles import Packed, text_of


@dataclass(frozen=True, slots=True)
class Passage:
    """An anchored annotation or own recommendation, resolved to its place in the text."""

    key: str
    report: str
    kind: str  # "annotation" or "recommendation"
    block_id: str
    number: str
    quote: str
    before: str  # a sentence or so of context either side of the quote
    after: str
    whole: bool  # the annotation covers the whole paragraph
    themes: tuple[str, ...]
    tracks: str
    status: str
    note_html: str
    timescale: str
    wording: str  # an own recommendation's full wording
    where: Where
    status_basis: str = "stated"  # the status: stated by the passage, or inferred by the editors
    mentions: str = ""  # for a passage that speaks of another report: that report's id
    year: int = 0  # its report's year, for citations such as `2013 ¶27`
    # An earlier inspection outside the collection (an event id) whose finding this passage
    # reports: `status` is that inspection's, as its report reports it.
    inspection: str = ""
    scope: str = ""  # an own recommendation's scope of the framework ("" for the first or only)


@dataclass(frozen=True, slots=True)
class ReportView:
    report: Report
    framework: Framework | None
    body_html: str
    passages: tuple[Passage, ...]
    headline: Judgement | None
    statuses: dict[str, str]  # tracked recommendation id -> this report's status
    previous: str  # report ids, or ""
    next: str
    unmentioned: tuple[str, ...] = ()  # raised by the previous report, not mentioned by this one
    # A joint report's previous and next on each of its organisations: (organisation, previous,
    # next); () for a report on one (`previous` and `next` are its organisation's)
    each: tuple[tuple[str, str, str], ...] = ()
    body_key: str = ""  # a content hash of the text and targets `body_html` was made from
    # tracked recommendation id -> how this report's status is known: "inferred" where every
    # passage that gives it is the editors' inference; absent where it is stated
    inferred: frozenset[str] = frozenset()
    outline: BodyOutline = EMPTY  # `body_html` as read once: its headings and blocks
    # `body_html` packed, in its place once a one-off build lets the texts go (`without_texts`)
    body_packed: Packed | None = None

    @property
    def body(self) -> str | Packed:
        """The body's HTML, as it is held: packed in a one-off build (`without_texts`)."""
        return self.body_packed if self.body_packed is not None else self.body_html

    @property
    def body_text(self) -> str:
        """The body's HTML as text, unpacked where it is held packed."""
        return text_of(self.body)

    @property
    def body_size(self) -> int:
        """The size of the body's HTML in UTF-8 bytes, without unpacking it."""
        packed = self.body_packed
        return len(self.body_html.encode("utf-8")) if packed is None else packed.size

    @property
    def own(self) -> tuple[Passage, ...]:
        return tuple(p for p in self.passages if p.kind == "recommendation")

    @property
    def annotations(self) -> tuple[Passage, ...]:
        return tuple(p for p in self.passages if p.kind == "annotation")


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    report: str  # a report id, or an earlier inspection's (event) id
    status: str  # a status, or a silence (derive.SILENCES)
    own: tuple[Passage, ...]
    evidence: tuple[Passage, ...]
    basis: str = "stated"  # how the status is known: stated, inferred, or reported (by `by`)
    by: str = ""  # for an earlier inspection: the report that reports what it found


@dataclass(frozen=True, slots=True)
class History:
    """A tracked recommendation's entries, one per report in date order, and its derived standing."""

    recommendation: TrackedRecommendation
    entries: tuple[HistoryEntry, ...]  # one per report, in date order
    standing: Standing  # derived once, in `derive.py`: every page, count and export reads it
    # Earlier inspections outside the collection, as later reports report them, in date order.
    reported: tuple[HistoryEntry, ...] = ()

    @property
    def mentioned(self) -> tuple[HistoryEntry, ...]:
        return tuple(e for e in self.entries if e.status not in SILENCES)

    @property
    def first_raised(self) -> HistoryEntry | None:
        return next((e for e in self.entries if e.report == self.standing.first_raised), None)

    @property
    def times_raised(self) -> int:
        return self.standing.times_raised

    @property
    def latest(self) -> HistoryEntry | None:
        """The latest report that speaks of the recommendation."""
        return next((e for e in self.entries if e.report == self.standing.last_assessed), None)

    @property
    def latest_status(self) -> str:
        return self.standing.latest_status

    @property
    def is_open(self) -> bool:
        return self.standing.is_open

    @property
    def recurring(self) -> bool:
        return self.standing.recurring


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """A report in the collection, or an inspection the reports mention."""

    id: str
    title: str
    kind: str
    framework: str
    date_label: str
    sort_key: tuple[Any, ...]
    position: float  # years, for the chart
    judgements: tuple[Judgement, ...]
    report: Report | None
    event: Event | None
