"""Draw the grade charts as inline SVG at build time: no script, readable on a phone, in print and
by screen readers.

Judgements of different scope (safeguarding services, child protection arrangements, the whole of
children's services) are different measures, so each scope gets a small chart of its own, and a
line only ever joins judgements of one scope and one series, inspection to inspection. Points that
fall on the same place are set side by side, so no series hides another. Each chart is drawn
narrow (360 units wide) so that its text stays at 12 px or more on a 375 px phone screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from builder.urls import Urls

if TYPE_CHECKING:
    from builder.model.site import Site
    from builder.model.views import TimelineItem

WIDTH = 360
LEFT, RIGHT, TOP = 100, 30, 14
ROW = 34  # height of one grade level
FONT = 13  # the SVG's text size in its own units: about 12.4 px at a 343 px wide chart
DODGE = 11  # how far apart points on the same spot are set
# Lines differ in dash pattern and marker as well as colour, so colour is never the only cue.
STYLES = [
    ("#1d4e89", "", "circle"),
    ("#b3470b", "6 4", "square"),
    ("#2e7d32", "2 3", "diamond"),
    ("#6a1b9a", "10 3 2 3", "triangle"),
    ("#00695c", "1 2", "square"),
]


@dataclass(frozen=True)
class Point:
    item_id: str
    is_report: bool
    position: float
    year_label: str
    ordinal: int
    grade_label: str
    area: str
    basis: str  # stated, inferred or elsewhere
    note: str


@dataclass(frozen=True)
class Series:
    id: str
    title: str
    points: tuple[Point, ...]  # in date order


@dataclass(frozen=True)
class Panel:
    """One scope's grades: its own small chart."""

    scope: str
    title: str
    series: tuple[Series, ...]
    styles: tuple[tuple[str, str, str], ...]  # (colour, dash, marker) for each series
    svg: Markup
    summary: str


@dataclass(frozen=True)
class Chart:
    panels: tuple[Panel, ...]
    ungraded: tuple[TimelineItem, ...]  # timeline items with no grade
    levels: tuple[tuple[int, str], ...]  # ordinal -> the grade words it stands for
    summary: str


PanelData = tuple[str, str, list[Series], list[tuple[int, str]]]


def chart_panels(site: Site) -> tuple[list[PanelData], list[Any], list[tuple[int, str]]]:
    """Group every judgement on the timeline by scope, then by series within the scope; each
    scope's grade words are those of the frameworks that judged it."""
    scopes: dict[str, tuple[str, dict[str, list[Point]]]] = {}
    scope_words: dict[str, dict[int, list[str]]] = {}
    titles: dict[str, str] = {}
    ungraded = []
    words: dict[int, list[str]] = {}
    for each in site.frameworks.values():
        for g in each.scale:
            if g.label not in words.setdefault(g.ordinal, []):
                words[g.ordinal].append(g.label)
    for item in site.timeline:
        framework = site.frameworks.get(item.framework)
        graded = False
        for j in item.judgements:
            grade = framework.grade(j.grade) if framework else None
            scope = framework.scope(j.scope) if framework else None
            if framework is None or grade is None or scope is None:
                continue
            graded = True
            _, series = scopes.setdefault(scope.id, (scope.title, {}))
            mine = scope_words.setdefault(scope.id, {})
            for g in framework.scale:
                if g.label not in mine.setdefault(g.ordinal, []):
                    mine[g.ordinal].append(g.label)
            series.setdefault(j.series, []).append(
                Point(
                    item.id,
                    item.report is not None,
                    item.position,
                    item.date_label,
                    grade.ordinal,
                    grade.label,
                    j.area,
                    j.basis,
                    j.note,
                )
            )
            titles.setdefault(f"{scope.id}/{j.series}", j.area)
        if not graded:
            ungraded.append(item)
    panels = []
    for scope_id, (title, grouped) in scopes.items():
        lines = [
            Series(sid, titles[f"{scope_id}/{sid}"], tuple(sorted(pts, key=lambda p: p.position)))
            for sid, pts in grouped.items()
        ]
        # The overall judgement first, then the longest series.
        lines.sort(key=lambda s: (s.id != "overall-effectiveness", -len(s.points), s.id))
        own = sorted(((o, " / ".join(w)) for o, w in scope_words[scope_id].items()), reverse=True)
        panels.append((scope_id, title, lines, own))
    panels.sort(key=lambda p: min(pt.position for s in p[2] for pt in s.points))
    levels = sorted(((o, " / ".join(w)) for o, w in words.items()), reverse=True)
    return panels, ungraded, levels


def grade_chart(site: Site, urls: Urls) -> Chart:
    """One small chart per scope of judgement, with their text alternatives."""
    grouped, ungraded, levels = chart_panels(site)
    panels = tuple(_panel(scope, title, series, own, urls) for scope, title, series, own in grouped)
    summary = " ".join(p.summary for p in panels)
    if ungraded:
        summary += (
            " Visits and letters with no grade: " + ", ".join(i.date_label for i in ungraded) + "."
        )
    if not panels:
        summary = "No graded inspections yet."
    return Chart(panels, tuple(ungraded), tuple(levels), summary.strip())


def _panel(
    scope: str, title: str, series: list[Series], levels: list[tuple[int, str]], urls: Urls
) -> Panel:
    positions = sorted({p.position for s in series for p in s.points})
    first, last = int(min(positions)), int(max(positions))
    low, high = min(o for o, _ in levels), max(o for o, _ in levels)
    plot_w = WIDTH - LEFT - RIGHT
    height = TOP + (high - low) * ROW + 48
    styles = tuple(STYLES[i % len(STYLES)] for i in range(len(series)))

    def x(position: float) -> float:
        if last == first:
            return round(LEFT + plot_w / 2, 1)
        # Each year spans from its tick to the next, so a June inspection sits mid-year.
        return round(LEFT + (position - first) / (last - first + 1) * plot_w, 1)

    def y(ordinal: int) -> float:
        return round(TOP + (high - ordinal) * ROW, 1)

    # Points that share a spot are spread out side by side, in series order.
    spot: dict[tuple[float, int], list[int]] = {}
    for index, s in enumerate(series):
        for p in s.points:
            spot.setdefault((p.position, p.ordinal), []).append(index)

    def place(index: int, p: Point) -> tuple[float, float]:
        sharing = spot[(p.position, p.ordinal)]
        offset = (sharing.index(index) - (len(sharing) - 1) / 2) * DODGE
        return round(x(p.position) + offset, 1), y(p.ordinal)

    summary = _summary(title, series)
    label_id = f"chart-{scope}"
    out = [
        f'<svg class="grade-chart" viewBox="0 0 {WIDTH} {height}" role="group" '
        f'aria-labelledby="{label_id}-title {label_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{label_id}-title">{escape(title)}: grades over time</title>',
        f'<desc id="{label_id}-desc">{escape(summary)}</desc>',
    ]
    for ordinal, label in levels:
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(ordinal)}" y2="{y(ordinal)}"/>'
        )
        lines = _wrap(label.replace(" to be good", ""), 13)
        for i, part in enumerate(lines):
            out.append(
                f'<text class="level" x="{LEFT - 6}" y="{y(ordinal) + 4 + (i - (len(lines) - 1) / 2) * FONT:.1f}" '
                f'text-anchor="end">{escape(part)}</text>'
            )
    axis = y(low) + 14
    years = range(first, last + 1) if last - first <= 6 else range(first, last + 1, 2)
    for year in years:
        if last == first:
            out.append(
                f'<text class="year" x="{x(year)}" y="{axis + FONT + 2}" text-anchor="middle">{year}</text>'
            )
            continue
        out.append(
            f'<line class="tick" x1="{x(year)}" x2="{x(year)}" y1="{axis - 6}" y2="{axis}"/>'
            f'<text class="year" x="{x(year)}" y="{axis + FONT + 2}" text-anchor="middle">{year}</text>'
        )
    for index, s in enumerate(series):
        colour, dash, marker = styles[index]
        placed = [place(index, p) for p in s.points]
        if len(placed) > 1:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            coords = " ".join(f"{px},{py}" for px, py in placed)
            out.append(
                f'<polyline class="series" points="{coords}" stroke="{colour}"{dash_attr} fill="none"/>'
            )
        for p, (px, py) in zip(s.points, placed, strict=True):
            href = urls("report", p.item_id) if p.is_report else urls("timeline", anchor=p.item_id)
            label = f"{p.year_label}: {p.area}: {p.grade_label}{_basis_words(p)}"
            out.append(
                f'<a href="{escape(href)}">{_marker(marker, px, py, colour, p.basis != "stated")}'
                f"<title>{escape(label)}</title></a>"
            )
    out.append("</svg>")
    return Panel(scope, title, tuple(series), styles, Markup("\n".join(out)), summary)


def _basis_words(p: Point) -> str:
    if p.basis == "elsewhere":
        return " (not stated in a document of this collection: taken from another)"
    if p.basis == "inferred":
        return " (inferred by the editors)"
    return ""


def _marker(kind: str, x: float, y: float, colour: str, hollow: bool = False) -> str:
    # A grade that is not stated in its own document is drawn hollow.
    paint = f'fill="#ffffff" stroke="{colour}" stroke-width="2.5"' if hollow else f'fill="{colour}"'
    if kind == "square":
        return f'<rect class="marker" x="{x - 5}" y="{y - 5}" width="10" height="10" {paint}/>'
    if kind == "diamond":
        return f'<path class="marker" d="M{x} {y - 6} l6 6 l-6 6 l-6 -6 z" {paint}/>'
    if kind == "triangle":
        return f'<path class="marker" d="M{x} {y - 6} l6 11 h-12 z" {paint}/>'
    return f'<circle class="marker" cx="{x}" cy="{y}" r="5" {paint}/>'


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return lines + [current] if current else lines


def _summary(title: str, series: list[Series]) -> str:
    parts = []
    for s in series:
        steps = ", ".join(
            f"{p.year_label} {p.grade_label.lower()}{_basis_words(p)}" for p in s.points
        )
        parts.append(f"{s.title}: {steps}.")
    return f"{title}. " + " ".join(parts)
