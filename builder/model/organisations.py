"""Whose each report, tracked recommendation and earlier inspection is: worked out once, here.

A site may declare its organisations in `organisations.yml`. With none declared, every document is
about the one organisation the settings name; with one, a report that does not say whose it is is
that one's. With several, every report, tracked recommendation and earlier inspection says whose
it is. The history is derived per organisation: a concern is raised again only by a later report on
the same organisation, and another organisation's reports are never its silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builder.diagnostics import Diagnostics, did_you_mean
from builder.parse.records import (
    Annotation,
    Content,
    Organisation,
    OwnRecommendation,
    Report,
    Where,
)

# The group of every document on a site that declares no organisations.
NONE = ""
# Pages under /organisations/ that are not an organisation's: no organisation may take these ids.
RESERVED = ("overview", "region", "grade")
# What `init` writes as examples, by id and title: until an editor deletes them (or makes them
# their own, with a title of their own) a build says so, and a strict build will not publish them.
EXAMPLES = {
    "report": ("2019-06-example-inspection", "Inspection of Example Council children's services"),
    "tracked recommendation": ("regular-supervision", "Regular, recorded supervision"),
}


# What init's site.yml says of the site, which names no real organisation.
EXAMPLE_SETTINGS = {
    "title": "Example Council children's services: an annotated inspection history",
    "description": "Every inspection of Example Council's children's services, in full and "
    "annotated: the grades over time, what inspectors kept saying about each subject, and what "
    "became of every recommendation they made.",
}


def is_example(what: str, id: str, title: str) -> bool:
    """Whether a report or tracked recommendation is init's example, as init wrote it."""
    return EXAMPLES.get(what) == (id, title)


def examples_left(content: Content, diagnostics: Diagnostics) -> None:
    """A warning for each of init's examples still in the content: a strict build, which is what
    a site publishes with, refuses them, so 'Example Council' is never published as anyone's."""
    settings = content.settings
    for key, example in EXAMPLE_SETTINGS.items():
        if " ".join(getattr(settings, key).split()) == example:
            diagnostics.warning(
                settings.where.path,
                settings.where.of(key).line,
                f"'{key}' is init's example, of Example Council: a strict build will not publish "
                "it (hint: say whose history this is, and what it holds)",
            )
    found = [("report", r.id, r.title, r.where) for r in content.reports]
    found += [("tracked recommendation", r.id, r.title, r.where) for r in content.recommendations]
    for what, id, title, where in found:
        if is_example(what, id, title):
            diagnostics.warning(
                where.path,
                where.of("id").line,
                f"init's example {what} '{id}': a strict build will not publish it (hint: "
                f"delete it once your own are in{LAST_OF_LIST if what != 'report' else ''})",
            )


# A list file left with comments only is refused as empty: deleting its last example leaves `[]`.
LAST_OF_LIST = "; if it is the last in its file, leave [] for none"

KIND_LABELS = {
    "local-authority": "Local authority",
    "trust": "Children's services trust",
    "partnership": "Safeguarding partnership",
}


def kind_label(kind: str) -> str:
    """An organisation's kind in words: a known kind's label, else its id as words."""
    return KIND_LABELS.get(kind) or kind.replace("-", " ").capitalize()


def region_id(region: str) -> str:
    """The id a region is filtered and linked by: its name in lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", region.lower()).strip("-")


@dataclass(frozen=True, slots=True)
class Membership:
    """Each report's, tracked recommendation's and earlier inspection's organisation (a group).

    On a site that declares no organisations there is one group, `NONE`, holding everything.
    """

    organisations: dict[str, Organisation] = field(default_factory=dict)
    reports: dict[str, tuple[str, ...]] = field(default_factory=dict)
    recommendations: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)

    @property
    def several(self) -> bool:
        """More than one organisation: the site shows whose each document is."""
        return len(self.organisations) > 1

    def of_report(self, report_id: str) -> tuple[str, ...]:
        return self.reports.get(report_id, (NONE,))

    def of_recommendation(self, rid: str) -> str:
        return self.recommendations.get(rid, NONE)

    def of_event(self, event_id: str) -> str:
        return self.events.get(event_id, NONE)


def membership(content: Content, diagnostics: Diagnostics) -> Membership:
    """Resolve whose each document is, reporting every organisation id that names none."""
    declared = {o.id: o for o in content.organisations}
    for o in content.organisations:
        if o.id in RESERVED:
            diagnostics.error(
                o.where.path,
                o.where.of("id").line,
                f"'{o.id}' names a page of the organisations section; choose another id "
                f"(hint: {o.id}-council); reserved: {', '.join(RESERVED)}",
            )
    unreadable = "organisations" in content.partial
    only = next(iter(declared)) if len(declared) == 1 else NONE

    def resolve(value: str, where: Where, what: str, id: str, title: str = "") -> str:
        if not value:
            if len(declared) > 1:
                hint = (
                    f"it is init's example {what}: delete it once your own are in"
                    f"{LAST_OF_LIST if what != 'report' else ''}"
                    if is_example(what, id, title)
                    else "'organisation: ID', an id from organisations.yml"
                )
                diagnostics.error(
                    where.path,
                    where.line,
                    f"this site has {len(declared)} organisations: say whom this {what} is about "
                    f"(hint: {hint})",
                )
            return only
        if value in declared or unreadable or ("organisations", value) in content.lost:
            return value
        if not declared:
            hint = " (hint: declare it in content/organisations.yml, or remove 'organisation')"
        else:
            hint = did_you_mean(value, declared) or " (hint: an id from organisations.yml)"
        diagnostics.error(where.path, where.line, f"unknown organisation '{value}'{hint}")
        return only

    reports: dict[str, tuple[str, ...]] = {}
    for report in content.reports:
        where = report.where.of("organisation")
        if report.organisations:
            found = tuple(
                dict.fromkeys(
                    resolve(o, where, "report", report.id, report.title)
                    for o in report.organisations
                )
            )
        else:
            found = (resolve("", where, "report", report.id, report.title),)
        reports[report.id] = found
    recommendations = {
        r.id: resolve(
            r.organisation, r.where.of("organisation"), "tracked recommendation", r.id, r.title
        )
        for r in content.recommendations
    }
    events = {
        e.id: resolve(e.organisation, e.where.of("organisation"), "earlier inspection", e.id)
        for e in content.events
    }
    return Membership(declared, reports, recommendations, events)


def tracking(report: Report) -> tuple[Annotation | OwnRecommendation, ...]:
    """A report's recommendations and annotations that track a recommendation."""
    passages: tuple[Annotation | OwnRecommendation, ...] = (
        *report.recommendations,
        *report.annotations,
    )
    return tuple(p for p in passages if p.tracks)


def check_tracking(
    report: Report,
    groups: Membership,
    diagnostics: Diagnostics,
    passages: tuple[Annotation | OwnRecommendation, ...] | None = None,
) -> None:
    """A report speaks only of its own organisations' tracked recommendations (`passages`, its
    `tracking`, when the caller has them)."""
    if not groups.several:
        return
    mine = groups.of_report(report.id)
    for passage in tracking(report) if passages is None else passages:
        owner = groups.recommendations.get(passage.tracks)
        # One whose organisation is not said has its own error (say whom it is about).
        if owner is None or owner == NONE or owner in mine or NONE in mine:
            continue
        name = groups.organisations[owner].name if owner in groups.organisations else owner
        diagnostics.error(
            passage.where.path,
            passage.where.of("tracks").line,
            f"tracked recommendation '{passage.tracks}' is {name}'s, and this report is not "
            f"about {name} (hint: track a recommendation of {', '.join(mine)})",
        )


def names_of(groups: Membership, ids: tuple[str, ...], brief: bool = True) -> str:
    """The organisations these ids name, in words: "Beta", "Beta and Gamma", "A, B and C".

    Short names by default, for a title or a filter where space is tight; "" for none.
    """
    found = [groups.organisations[i] for i in ids if i in groups.organisations]
    names = [o.brief_name if brief else o.name for o in found]
    return names[0] if len(names) < 2 else f"{', '.join(names[:-1])} and {names[-1]}"
