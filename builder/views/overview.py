"""Draw the national overview's charts at build time: how grades are distributed, per judgement
and year, and across the organisations' latest grades.

A chart is a stack of horizontal bars, one per year (or one for the latest grades), each split by
grade from the best to the worst, always in that order. Each part carries its count as text, the
legend names the grades, and the same figures stand in a table beside the chart: the colour is
never the only cue, and no script is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from html import escape
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from builder.parse.records import Framework, loose

if TYPE_CHECKING:
    from builder.model.site import Site

WIDTH = 760
LEFT = 120  # the bars' labels
BAR, GAP = 26, 8
LABEL = 24  # the height of a label set above its bar
# One colour per level of the shared scale, each dark enough for white text (4.5:1 or more).
FILLS = {4: "#2e7d32", 3: "#1d4e89", 2: "#795500", 1: "#8a1c1c"}
OTHER = "#4a4a4a"
# And one texture each, in white over the colour, so no grade is told by colour alone (WCAG
# 1.4.1): the best solid, then stripes, dots, a cross-hatch; a level off the scale, lines.
TEXTURES = {
    4: "",
    3: '<path d="M-1 1l2 -2M0 6l6 -6M5 7l2 -2" stroke="#fff" stroke-width="1.6"/>',
    2: '<circle cx="3" cy="3" r="1.3" fill="#fff"/>',
    1: '<path d="M0 0l6 6M6 0l-6 6" stroke="#fff" stroke-width="1.2"/>',
}
OTHER_TEXTURE = '<path d="M0 3h6" stroke="#fff" stroke-width="1.2"/>'
MOST = 6  # judgements drawn: the most often given


@dataclass(frozen=True, slots=True)
class Distribution:
    """One judgement's grades counted by year (or, for the latest grades, in one row)."""

    id: str  # an anchor
    title: str
    levels: tuple[tuple[int, str], ...]  # (ordinal, words), the best first
    rows: tuple[tuple[str, tuple[int, ...]], ...]  # (year, count per level)
    svg: Markup
    summary: str
    total: int
    # The areas counted under it when frameworks word it differently: (words, years), the
    # earliest first; empty when it is worded one way.
    wordings: tuple[tuple[str, str], ...] = ()
    # For the latest grades: the organisations not counted, since their latest inspection gave
    # judgements and no headline, each with that inspection's year, A to Z.
    uncounted: tuple[tuple[str, int], ...] = ()
    counted: str = "judgements"  # what its figures count: judgements, or organisations
    # For the latest grades, when headlines judge different scopes (a service's own inspection
    # beside whole-service ones): each row after the first, with the organisations it counts and
    # the year of that inspection, A to Z.
    apart: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    # For the latest grades: what they were given under, however long ago: each framework's
    # title, how many are counted from it and the span of those inspections' years, the latest
    # framework first.
    given_under: tuple[tuple[str, int, str], ...] = ()
    # The years, beside the bars that scroll; none when the labels stand above their bars.
    axis: Markup = Markup("")

    @property
    def legend(self) -> tuple[tuple[int, str, str], ...]:
        """Each level with its words and the paint of its part of a bar, the best first."""
        return tuple((o, words, _paint(self.id, o)) for o, words in self.levels)


def distribution_chart(
    site: Site,
) -> tuple[tuple[Distribution, ...], Distribution | None, tuple[int, ...]]:
    """Each judgement's grades per year, the latest headline grade of each organisation, and the
    years with a grade."""
    counts: dict[str, dict[int, dict[int, int]]] = {}
    titles: dict[str, str] = {}
    # The frameworks counted under each judgement, whose scales' words head its columns.
    scales: dict[str, dict[str, Framework]] = {}
    given: dict[str, int] = {}
    # An organisation's latest headline: its grade's ordinal, the scope it judges, the year and
    # the framework; or the year of an inspection that gave judgements and no headline.
    latest: dict[str, tuple[int, str, int, str] | int] = {}
    worded: dict[str, dict[str, list[Any]]] = {}  # key -> loose words -> [words, years]
    for view in site.reports:
        report = view.report
        framework = site.frameworks.get(report.framework)
        if framework is None:
            continue
        for j in report.judgements:
            grade = framework.grade(j.grade)
            scope = framework.scope(j.scope)
            if grade is None or scope is None:
                continue
            key = f"{scope.id}/{framework.series(j)}"
            titles.setdefault(key, f"{j.area} ({scope.title.lower()})")
            years = worded.setdefault(key, {}).setdefault(loose(j.area), [j.area, set()])[1]
            years.add(report.date.year)
            by_year = counts.setdefault(key, {}).setdefault(report.date.year, {})
            by_year[grade.ordinal] = by_year.get(grade.ordinal, 0) + 1
            given[key] = given.get(key, 0) + 1
            scales.setdefault(key, {}).setdefault(framework.id, framework)
        if report.judgements:
            headline = view.headline
            grade = framework.grade(headline.grade) if headline else None
            # A framework that declares no scopes says nothing of what it judges apart.
            scope = framework.scope(headline.scope) if headline and framework.scopes else None
            for owner in site.groups.of_report(report.id):
                # In date order: the last wins.
                latest[owner] = (
                    (grade.ordinal, scope.title if scope else "", report.date.year, framework.id)
                    if grade
                    else report.date.year
                )
    chosen = sorted(given, key=lambda k: (-given[k], titles[k]))[:MOST]
    years = tuple(sorted({y for k in chosen for y in counts[k]}))
    out = []
    for key in chosen:
        levels = _levels(scales[key].values())
        rows = tuple(
            (str(year), tuple(counts[key].get(year, {}).get(o, 0) for o, _ in levels))
            for year in years
            if year in counts[key]
        )
        made = _distribution(_anchor(key), titles[key], levels, rows)
        if len(worded[key]) > 1:
            spans = sorted((min(y), max(y), words) for words, y in worded[key].values())
            made = replace(
                made, wordings=tuple((w, _span(first, last)) for first, last, w in spans)
            )
        out.append(made)
    names = site.groups.organisations
    by_scope: dict[str, list[tuple[int, str, int]]] = {}
    under: dict[str, list[int]] = {}  # framework -> the years of the latest headlines it gave
    for owner, got in latest.items():
        if isinstance(got, tuple):
            ordinal, scope_title, year, framework_id = got
            under.setdefault(framework_id, []).append(year)
            name = names[owner].brief_name if owner in names else owner
            by_scope.setdefault(scope_title, []).append((ordinal, name, year))
    last = None
    # The latest headlines' columns: the words of each framework that gave one.
    levels = _levels(f for f in site.frameworks.values() if f.id in under)
    if by_scope:
        # The scope most organisations' headlines judge first; a service's own inspection is
        # counted on a row of its own, never among whole-service grades.
        scopes = sorted(by_scope, key=lambda t: (-len(by_scope[t]), t))
        rows = tuple(
            (
                (t or "Scope not stated") if len(scopes) > 1 else "Latest",
                tuple(sum(1 for o, _, _ in by_scope[t] if o == level) for level, _ in levels),
            )
            for t in scopes
        )
        last = _distribution("latest-grades", "Latest headline grade", levels, rows)
        apart = tuple(
            (t or "Scope not stated", tuple(sorted((n, y) for _, n, y in by_scope[t])))
            for t in scopes[1:]
        )
        given_under = tuple(
            (site.frameworks[f].title, len(years), _span(min(years), max(years)))
            for f, years in sorted(under.items(), key=lambda item: (-max(item[1]), item[0]))
        )
        last = replace(last, counted="organisations", apart=apart, given_under=given_under)
    uncounted = sorted(
        (names[o].brief_name, year)
        for o, year in latest.items()
        if isinstance(year, int) and o in names
    )
    if uncounted:
        if last is None:
            last = _distribution("latest-grades", "Latest headline grade", levels, ())
            last = replace(last, counted="organisations")
        last = replace(last, uncounted=tuple(uncounted))
    return tuple(out), last, years


def _paint(chart: str, ordinal: int) -> str:
    """The paint of a level's part of a bar (and of its key): its colour with its texture."""
    if TEXTURES.get(ordinal) == "":  # solid
        return FILLS[ordinal]
    return f"url(#{chart}-level-{ordinal})"


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _anchor(key: str) -> str:
    return "grades-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def _levels(frameworks: Iterable[Framework]) -> tuple[tuple[int, str], ...]:
    """Every point of these frameworks' scales, the best first, each in its words (joined where
    the frameworks word one point differently: 'Adequate / Requires improvement to be good')."""
    words: dict[int, list[str]] = {}
    for framework in frameworks:
        for grade in framework.scale:
            if grade.label not in words.setdefault(grade.ordinal, []):
                words[grade.ordinal].append(grade.label)
    return tuple(sorted(((o, " / ".join(w)) for o, w in words.items()), reverse=True))


def _distribution(
    id: str,
    title: str,
    levels: tuple[tuple[int, str], ...],
    rows: tuple[tuple[str, tuple[int, ...]], ...],
) -> Distribution:
    total = sum(sum(counts) for _, counts in rows)
    most = max((sum(counts) for _, counts in rows), default=1) or 1
    # Labels longer than a year's (a scope's title) stand above their bars, across the width.
    above = LABEL if any(len(label) > 8 for label, _ in rows) else 0
    left = 8 if above else LEFT
    height = len(rows) * (above + BAR + GAP) + GAP
    span = WIDTH - left - 16
    # Years stand in a drawing of their own beside the bars', which alone scrolls on a narrow
    # screen; labels above their bars are the bars' own.
    start = 0 if above else LEFT - 4
    parts = [
        f'<svg class="distribution-chart" viewBox="{start} 0 {WIDTH - start} {height}" '
        f'width="{WIDTH - start}" '
        f'height="{height}" role="img" aria-labelledby="{id}-summary">',
        "<defs>",
        *(
            f'<pattern id="{id}-level-{ordinal}" width="6" height="6" '
            f'patternUnits="userSpaceOnUse"><rect width="6" height="6" '
            f'fill="{FILLS.get(ordinal, OTHER)}"/>{TEXTURES.get(ordinal, OTHER_TEXTURE)}</pattern>'
            for ordinal, _ in levels
            if TEXTURES.get(ordinal) != ""  # the best is solid: painted with its colour alone
        ),
        "</defs>",
    ]
    years: list[str] = []
    for index, (label, counts) in enumerate(rows):
        y = GAP + index * (above + BAR + GAP) + above
        if above:
            parts.append(f'<text class="bar-label" x="{left}" y="{y - 8}">{escape(label)}</text>')
        else:
            years.append(
                f'<text class="bar-label" x="{LEFT - 8}" y="{y + BAR / 2 + 5}" '
                f'text-anchor="end">{escape(label)}</text>'
            )
        x = float(left)
        for (ordinal, words), count in zip(levels, counts, strict=True):
            if not count:
                continue
            width = span * count / most
            fill = _paint(id, ordinal)
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(width - 2, 1):.1f}" height="{BAR}" '
                f'fill="{fill}"><title>{escape(label)}: {count} {escape(words)}</title></rect>'
            )
            if width >= 22:
                parts.append(
                    f'<text class="bar-count" x="{x + width / 2 - 1:.1f}" y="{y + BAR / 2 + 5}" '
                    f'text-anchor="middle">{count}</text>'
                )
            x += width
    parts.append("</svg>")
    # Hidden from assistive technology: the summary and the table say the years.
    axis = (
        f'<svg class="chart-axis" viewBox="0 0 {LEFT} {height}" width="{LEFT}" height="{height}" '
        f'aria-hidden="true" focusable="false">{"".join(years)}</svg>'
        if years
        else ""
    )
    summary = f"{title}: " + "; ".join(
        f"{label}: "
        + ", ".join(f"{c} {w.lower()}" for (_, w), c in zip(levels, counts, strict=True) if c)
        for label, counts in rows
    )
    return Distribution(
        id, title, levels, rows, Markup("".join(parts)), summary + ".", total, axis=Markup(axis)
    )
