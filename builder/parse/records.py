"""The content model: typed, frozen records for everything an editor writes."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, field

STATUSES = ("raised", "raised-again", "progress", "met", "positive")
STATUS_LABELS = {
    "raised": "Raised",
    "raised-again": "Raised again",
    "progress": "Progress",
    "met": "Met",
    "positive": "Positive mention",
    "not-mentioned": "Not mentioned",
    "not-known": "Not known",
    "not-covered": "Outside its remit",
}
# When one report has several annotations for one recommendation, the most serious wins.
STATUS_SEVERITY = {"raised-again": 5, "raised": 4, "progress": 3, "met": 2, "positive": 1}
BASES = ("stated", "inferred", "elsewhere")
# Content rules a site may turn on in site.yml (`rules:`), enforced by `check --strict`.
RULES = {
    "every_numbered_paragraph_themed": "every numbered paragraph carries a theme",
    "every_listed_finding_themed": "every listed finding (a bullet in the text) carries a theme",
    "every_tracked_recommendation_followed": (
        "every tracked recommendation is one of a report's own recommendations, or two or more "
        "documents speak of it"
    ),
}


@functools.lru_cache(maxsize=4096)
def slug(text: str) -> str:
    """An id made of a text's words: 'Children who need help' -> 'children-who-need-help'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@functools.lru_cache(maxsize=4096)
def loose(text: str) -> str:
    """A text's words, compared loosely: case, apostrophes, punctuation and a leading 'the' aside."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower().replace("’", "'").replace("'", "")).split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


@dataclass(frozen=True, slots=True)
class Where:
    """The file and line an item was written on, and the lines of its keys."""

    path: str
    line: int
    keys: tuple[tuple[str, int], ...] = ()

    def of(self, key: str) -> Where:
        """Where one key of the item was written."""
        return Where(self.path, dict(self.keys).get(key, self.line))


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A date known to the day, the month or only the year."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def iso(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @property
    def label(self) -> str:
        """Human form: `8 July 2013`, `June 2019` or `2015`."""
        if self.day:
            return f"{self.day} {calendar.month_name[self.month]} {self.year}"
        if self.month:
            return f"{calendar.month_name[self.month]} {self.year}"
        return str(self.year)

    @property
    def fraction(self) -> float:
        """Position in years, for placing the date on a chart axis."""
        month = self.month or 7
        day = self.day or (15 if self.month else 1)
        return self.year + (month - 1) / 12 + (day - 1) / 365


@dataclass(frozen=True, slots=True)
class DateFact:
    """A date or date range, with where the editors got it from."""

    start: PartialDate
    end: PartialDate | None = None
    basis: str = "stated"
    note: str = ""

    @property
    def label(self) -> str:
        if not self.end or self.end == self.start:
            return self.start.label
        s, e = self.start, self.end
        if s.day and e.day and s.year == e.year and s.month == e.month:
            return f"{s.day} to {e.label}"
        if s.day and e.day and s.year == e.year:
            return f"{s.day} {calendar.month_name[s.month]} to {e.label}"
        return f"{s.label} to {e.label}"


@dataclass(frozen=True, slots=True)
class Grade:
    grade: str
    label: str
    ordinal: int


@dataclass(frozen=True, slots=True)
class Scope:
    """What a framework's judgements cover: only judgements of one scope are joined as a series."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Area:
    """A judgement a framework gives: its area as printed, its scope, and whether it is the headline."""

    area: str
    scope: str = ""
    headline: bool = False
    series: str = ""  # the chart's line for it, shared with another framework's area of that id


@dataclass(frozen=True, slots=True)
class Framework:
    id: str
    title: str
    years: str
    description: str
    scale: tuple[Grade, ...]
    where: Where
    scopes: tuple[Scope, ...] = ()
    areas: tuple[Area, ...] = ()  # the judgements it gives, for an import to recognise

    def grade(self, grade_id: str) -> Grade | None:
        return next((g for g in self.scale if g.grade == grade_id), None)

    def scope(self, scope_id: str) -> Scope | None:
        """A scope this framework declares; a framework that declares none covers one scope of its own."""
        if not self.scopes:
            return Scope(self.id, self.title) if scope_id in ("", self.id) else None
        if not scope_id and len(self.scopes) == 1:
            return self.scopes[0]
        return next((s for s in self.scopes if s.id == scope_id), None)

    def headline(self, judgements: tuple[Judgement, ...]) -> Judgement | None:
        """The judgement a report leads with: the one it marks, else the one whose area this
        framework marks. A framework that lists its areas and marks none (the reformed ILACS gives
        no overall effectiveness) gives a report no headline: its first judgement is no summary."""
        marked = next((j for j in judgements if j.headline), None)
        if marked is not None or not self.areas:
            return marked or (judgements[0] if judgements else None)
        for a in self.areas:
            if a.headline:
                for j in judgements:
                    if self._is(j, a):
                        return j
        return None

    def _is(self, judgement: Judgement, area: Area) -> bool:
        """Whether a judgement gives this framework's area: its words, loosely, in its scope."""
        if loose(area.area) != loose(judgement.area):
            return False
        mine = self.scope(judgement.scope)
        return mine is not None and mine == self.scope(area.scope)

    def series(self, judgement: Judgement) -> str:
        """The line of the grade chart a judgement belongs to: the one it names, else the one this
        framework gives its area (so one measure worded anew by a later framework stays one line),
        else one named after its area."""
        if judgement.series:
            return judgement.series
        for a in self.areas:
            if a.series and self._is(judgement, a):
                return a.series
        return slug(judgement.area)


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    title: str
    description: str
    where: Where
    # Words and phrases that mark a passage on the theme, matched whole and in any case: the
    # import suggests the theme for each paragraph that uses one.
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TrackedRecommendation:
    id: str
    title: str
    themes: tuple[str, ...]
    description: str
    where: Where
    organisation: str = ""  # whose concern it is; "" on a site of one organisation
    # What it is a concern of: a scope some framework declares (the safeguarding board's, 'lscb').
    # A report whose inspection does not cover that scope is silent on it by its remit, not by
    # choice. "" for a concern of the service as a whole.
    scope: str = ""


@dataclass(frozen=True, slots=True)
class Organisation:
    """Who reports are about: a council's children's services, a trust, a partnership.

    A site that declares no organisations, or one, looks and links as if there were none.
    """

    id: str
    name: str
    kind: str  # an id such as local-authority, shown as words ("Local authority")
    region: str  # as written, e.g. "South West"; "" when not given
    codes: tuple[tuple[str, str], ...]  # (scheme, value): the codes others know it by
    where: Where
    short_name: str = ""  # for strips, charts and filters where space is tight

    @property
    def brief_name(self) -> str:
        return self.short_name or self.name

    @property
    def sort_key(self) -> tuple[str, str]:
        """Lists of organisations go A to Z by the name they show: the short one."""
        return (self.brief_name.casefold(), self.id)


@dataclass(frozen=True, slots=True)
class Selector:
    """A W3C-style text-quote selector: the quote, narrowed by prefix, suffix or paragraph."""

    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    paragraph: str = ""  # a block id: "p14" or "contacts-and-referrals-are-undertaken-in"


@dataclass(frozen=True, slots=True)
class Judgement:
    area: str
    grade: str
    series: str  # as the report names it, or "": `Framework.series` says which line it is on
    headline: bool
    paragraph: str
    note: str
    where: Where
    scope: str = ""  # a scope of the framework; "" when it declares one or none
    basis: str = "stated"  # where the grade comes from: stated, inferred or elsewhere (see `note`)


@dataclass(frozen=True, slots=True)
class OwnRecommendation:
    """A report's own recommendation or area for improvement, anchored to its wording."""

    selector: Selector
    timescale: str
    tracks: str
    status: str
    themes: tuple[str, ...]
    where: Where
    # Whose recommendation it is: a scope of the report's framework (the safeguarding board's,
    # 'lscb', beside the council's); "" for the framework's first or only scope.
    scope: str = ""


@dataclass(frozen=True, slots=True)
class Annotation:
    selector: Selector
    themes: tuple[str, ...]
    tracks: str
    status: str
    note: str
    where: Where
    basis: str = (
        "stated"  # the status: stated by the passage, or inferred by the editors (see note)
    )
    # An earlier inspection outside the collection (an event id): the status is what that
    # inspection found, as this report reports it, not this report's own finding.
    inspection: str = ""


@dataclass(frozen=True, slots=True)
class Repair:
    """A word the edition gives otherwise than the source it was transcribed from: a joined or
    broken word, a lost hyphen, a misspelling. Where `shown` is `printed`, it is kept as printed."""

    printed: str  # as the source gives it
    shown: str  # as the edition's text gives it
    paragraph: str  # the block it is in ("p14" or an unnumbered paragraph's id), or ""
    note: str
    where: Where

    @property
    def kept(self) -> bool:
        return self.printed == self.shown


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    reference: str
    url: str
    note: str
    original: str = ""  # the address of the original document (a PDF), where known


@dataclass(frozen=True, slots=True)
class Licence:
    name: str
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Report:
    id: str
    title: str
    kind: str
    framework: str
    inspected: DateFact | None
    published: DateFact
    presented: DateFact | None
    authors: tuple[Person, ...]
    publisher: str
    source: Source
    licence: Licence
    summary: str
    judgements: tuple[Judgement, ...]
    recommendations: tuple[OwnRecommendation, ...]
    annotations: tuple[Annotation, ...]
    body: str
    body_line: int  # the file line the body starts on
    where: Where
    # "full", or "summary": the body is the editors' summary, not the document.
    edition: str = "full"
    mentions: tuple[Mention, ...] = ()  # passages of this report that speak of another report
    added: PartialDate | None = None  # when this edition joined the collection (the feed's "new")
    short_title: str = ""  # for headings, strips and links where space is tight
    repairs: tuple[Repair, ...] = ()  # the edition's repairs of spelling and hyphens, disclosed
    # Not yet confirmed by an editor (an import, a new report): checks, previews with a banner,
    # and a strict build refuses to publish it.
    draft: bool = False
    # Whom it is about: one organisation's id, several for a joint inspection; () on a site that
    # declares none.
    organisations: tuple[str, ...] = ()

    @property
    def brief_title(self) -> str:
        """The short title where one is given, else the title."""
        return self.short_title or self.title

    @property
    def date(self) -> PartialDate:
        """The date that places the report in the history: the inspection, else the document."""
        return self.inspected.start if self.inspected else self.published.start

    @property
    def changed(self) -> PartialDate:
        """When the collection last changed for it: the later of the document's date and the day
        its edition joined the collection (`added`). The feed and 'Last updated' both use it."""
        return max(self.published.start, self.added) if self.added else self.published.start


@dataclass(frozen=True, slots=True)
class Mention:
    report: str
    selector: Selector
    where: Where


@dataclass(frozen=True, slots=True)
class Event:
    """An inspection that reports mention but whose document is not in the collection."""

    id: str
    title: str
    date: DateFact
    kind: str
    framework: str
    judgements: tuple[Judgement, ...]
    mentions: tuple[Mention, ...]
    note: str
    where: Where
    organisation: str = ""  # whom it inspected; "" on a site of one organisation
    # It gave grades this history does not know (no judgements listed): the chart's lines of its
    # framework break at it rather than join the grades either side as if it had not happened.
    graded: bool = False


@dataclass(frozen=True, slots=True)
class Contact:
    """How readers reach the editors: an e-mail address and where to ask for corrections."""

    email: str = ""
    corrections: str = ""  # an address (mailto: or https:) for corrections, else the e-mail
    accessibility: str = (
        ""  # an address (mailto: or https:) for accessibility problems, else the e-mail
    )


@dataclass(frozen=True, slots=True)
class Settings:
    title: str
    organisation: str
    description: str
    url: str
    base_path: str
    language: str
    footer: str
    kinds: tuple[tuple[str, str], ...]
    where: Where
    rules: frozenset[str] = frozenset()  # the content rules this site turns on (see rules.py)
    method: str = ""  # Markdown: how this history was made and its limits, on the about page
    contact: Contact = field(default_factory=Contact)
    updated: PartialDate | None = None  # when the site's content last changed, as the editors say
    data_licence: Licence | None = None  # the reuse terms of the editors' own data
    # Derived, never read from site.yml: the site holds several organisations, so its pages show
    # whose each document is and the organisations section.
    several: bool = False

    def kind_label(self, kind: str) -> str:
        return dict(self.kinds).get(kind, kind)


@dataclass(frozen=True, slots=True)
class Content:
    """Everything loaded from content/, before cross-references are resolved."""

    settings: Settings
    frameworks: tuple[Framework, ...]
    themes: tuple[Theme, ...]
    recommendations: tuple[TrackedRecommendation, ...]
    events: tuple[Event, ...]
    reports: tuple[Report, ...]
    # Ids lost to errors already reported, so that a reference to one is not reported again as
    # unknown: whole kinds ("settings" for kinds, "frameworks", "themes", "recommendations",
    # "events", "reports") whose file could not be read, and (kind, id) of records dropped.
    partial: frozenset[str] = frozenset()
    lost: frozenset[tuple[str, str]] = frozenset()
    organisations: tuple[Organisation, ...] = ()  # from organisations.yml, when it exists
