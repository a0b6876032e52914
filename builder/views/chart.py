"""Draw the grade chart as inline SVG at build time: no script, readable on a phone, in print and
by screen readers.

One chart answers "how did the grade change": the inspections on one time axis, the grades on
the shared scale, and the visits and letters that gave no grade marked on a row of their own.
Judgements of different scope (safeguarding services, child protection arrangements, the whole of
children's services) are different measures, so a line only ever joins judgements of one scope
and one series, inspection to inspection. Each line is told apart by its shape, its dash and its
label, set beside its last point when the line reaches the latest inspections (and by colour,
never alone); the key under the chart names every line. An area judged only once, and not its
inspection's headline, has no line to draw: the table lists it. Points that fall on the same place
are set in a small block around it, so no series hides another. The chart is drawn 760 units wide
with 13-unit text; on a screen narrower than that it scrolls within its own box, so its text never
shrinks below 12 px.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from builder.urls import Urls

if TYPE_CHECKING:
    from builder.model.site import Site
    from builder.model.views import TimelineItem

WIDTH = 760
LEFT, RIGHT, TOP = 96, 300, 16  # the grade words at the left, the lines' labels at the right
ROW = 40  # height of one grade level
# The grade words stand in a drawing of their own, AXIS wide, beside the lines', which shows the
# chart from PLOT_FROM (a marker at the first year's start reaches left of LEFT) and alone
# scrolls on a narrow screen: nothing is ever drawn over a point.
AXIS, PLOT_FROM = LEFT - 4, LEFT - 14
PLOT = WIDTH - PLOT_FROM  # the lines' drawing, with their names at the right
NARROW = WIDTH - RIGHT + 16 - PLOT_FROM  # the lines without their names, as a narrow screen shows
FONT = 13  # the SVG's text size in its own units: drawn at 600 px or more, 13 px
LABEL_CHARS = 32  # characters of a line's label on one line of text
DODGE = 9  # how far apart points on the same spot are set
# Lines differ in dash pattern and marker as well as colour, so colour is never the only cue:
# the i-th line takes the i-th of each list, so no two of a chart's first 56 lines share a dash and shape.
COLOURS = (
    "#1d4e89", "#b3470b", "#2e7d32", "#6a1b9a", "#00695c", "#8a1c1c", "#4a4a4a", "#795500",
)  # fmt: skip
DASHES = ("", "6 4", "2 3", "10 3 2 3", "1 3", "12 4", "4 2 1 2", "8 2 2 2 2 2")
LEADER = "#767676"  # a label's leader: grey, 4.5:1 on white
SHAPES = ("circle", "square", "diamond", "triangle", "triangle-down", "cross", "hexagon")
STYLES = [
    (COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)], SHAPES[i % len(SHAPES)])
    for i in range(len(COLOURS) * len(SHAPES))
]


@dataclass(frozen=True, slots=True)
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
    headline: bool = False  # its inspection's headline judgement of its scope


@dataclass(frozen=True, slots=True)
class Series:
    id: str
    title: str
    points: tuple[Point, ...]  # in date order
    # Where its line breaks: an inspection of its scope whose grades this history does not know,
    # between two of its points (positions on the time axis)
    breaks: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Panel:
    """One scope's grades: its own small chart."""

    scope: str
    title: str
    series: tuple[Series, ...]
    styles: tuple[tuple[str, str, str], ...]  # (colour, dash, marker) for each series
    svg: Markup
    summary: str
    axis: Markup = Markup("")  # the grade words, beside the drawing that scrolls


@dataclass(frozen=True, slots=True)
class Chart:
    panels: tuple[Panel, ...]
    ungraded: tuple[TimelineItem, ...]  # timeline items with no grade
    levels: tuple[tuple[int, str], ...]  # ordinal -> the grade words it stands for
    summary: str
    omitted: int = 0  # judgements given once and not a headline: in the table, not drawn


PanelData = tuple[str, str, list[Series], list[tuple[int, str]]]


def chart_panels(site: Site) -> tuple[list[PanelData], list[Any], list[tuple[int, str]]]:
    """Group every judgement on the timeline by scope, then by series within the scope; each
    scope's grade words are those of the frameworks that judged it."""
    scopes: dict[str, tuple[str, dict[str, list[Point]]]] = {}
    scope_words: dict[str, dict[int, list[str]]] = {}
    titles: dict[str, str] = {}
    ungraded = []
    # Each scope's inspections whose grades the history does not know: its lines break there.
    unknown: dict[str, list[float]] = {}
    words: dict[int, list[str]] = {}
    for each in site.frameworks.values():
        for g in each.scale:
            if g.label not in words.setdefault(g.ordinal, []):
                words[g.ordinal].append(g.label)
    for item in site.timeline:
        framework = site.frameworks.get(item.framework)
        graded = False
        # Each scope's headline: the judgement marked, else the one whose area the framework marks.
        headlines: set[int] = set()
        if framework is not None:
            by_scope: dict[str, list[Any]] = {}
            for j in item.judgements:
                found = framework.scope(j.scope)
                by_scope.setdefault(found.id if found else "", []).append(j)
            for judged in by_scope.values():
                headline = framework.headline(tuple(judged))
                if headline is not None:
                    headlines.add(id(headline))
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
            line = framework.series(j)
            series.setdefault(line, []).append(
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
                    id(j) in headlines,
                )
            )
            titles[f"{scope.id}/{line}"] = j.area  # named as its latest inspection words it
        if not graded:
            ungraded.append(item)
            if framework is not None and _unknown(item):
                for scope in framework.scopes or (framework.scope(""),):
                    if scope is not None:
                        unknown.setdefault(scope.id, []).append(item.position)
    panels = []
    for scope_id, (title, grouped) in scopes.items():
        lines = []
        for sid, pts in grouped.items():
            ordered = tuple(sorted(pts, key=lambda p: p.position))
            first, last = ordered[0].position, ordered[-1].position
            breaks = tuple(sorted(x for x in unknown.get(scope_id, ()) if first < x < last))
            lines.append(Series(sid, titles[f"{scope_id}/{sid}"], ordered, breaks))
        # The overall judgement first, then the longest series.
        lines.sort(key=lambda s: (s.id != "overall-effectiveness", -len(s.points), s.id))
        own = sorted(((o, " / ".join(w)) for o, w in scope_words[scope_id].items()), reverse=True)
        panels.append((scope_id, title, lines, own))
    panels.sort(key=lambda p: min(pt.position for s in p[2] for pt in s.points))
    levels = sorted(((o, " / ".join(w)) for o, w in words.items()), reverse=True)
    return panels, ungraded, levels


def grade_chart(site: Site, urls: Urls) -> Chart:
    """The one chart of every grade on a shared time axis, with its text alternative."""
    grouped, ungraded, levels = chart_panels(site)
    every = [(scope, title, s) for scope, title, series, _ in grouped for s in series]
    # A line shows how a grade changed: an area judged once, and not its inspection's headline,
    # has no line to draw and would only crowd the chart; the table lists it with every grade.
    # The latest inspection's every grade is drawn, though: it is where things stand.
    newest = max((p.position for _, _, s in every for p in s.points), default=0.0)
    lines = [
        e
        for e in every
        if len(e[2].points) > 1 or any(p.headline or p.position == newest for p in e[2].points)
    ]
    omitted = sum(len(s.points) for _, _, s in every) - sum(len(s.points) for _, _, s in lines)
    if not lines:
        summary = "No graded inspections yet."
        if ungraded:
            summary += " Visits and letters with no grade: " + ", ".join(
                i.date_label for i in ungraded
            )
        return Chart((), tuple(ungraded), tuple(levels), summary)
    panel = _chart(lines, ungraded, levels, urls)
    summary = panel.summary
    if ungraded:
        summary += (
            " Visits and letters with no grade: " + ", ".join(i.date_label for i in ungraded) + "."
        )
    if omitted:
        summary += f" Not drawn: {omitted} judgement{'' if omitted == 1 else 's'} given only once."
    return Chart((panel,), tuple(ungraded), tuple(levels), summary.strip(), omitted)


def _unknown(item: TimelineItem) -> bool:
    """An earlier inspection that gave grades this history does not know."""
    return bool(item.event is not None and item.event.graded and not item.judgements)


def _labels(lines: list[tuple[str, str, Series]]) -> list[str]:
    """Each line's label: its area, with its scope where two scopes judge an area of that name."""
    areas: dict[str, set[str]] = {}
    for scope, _, s in lines:
        areas.setdefault(s.title, set()).add(scope)
    return [
        f"{s.title} ({title.lower()})" if len(areas[s.title]) > 1 else s.title
        for _, title, s in lines
    ]


def _chart(
    lines: list[tuple[str, str, Series]],
    ungraded: list[TimelineItem],
    levels: list[tuple[int, str]],
    urls: Urls,
) -> Panel:
    series = [s for _, _, s in lines]
    labels = _labels(lines)
    positions = [p.position for s in series for p in s.points] + [i.position for i in ungraded]
    latest = max(p.position for s in series for p in s.points)
    first, last = int(min(positions)), int(max(positions))
    low, high = min(o for o, _ in levels), max(o for o, _ in levels)
    plot_w = WIDTH - LEFT - RIGHT
    none_row = TOP + (high - low + 1) * ROW  # the row of visits with no grade
    # Lines that reach the latest inspections are named at their right. A leader from a line that
    # ended years before would cross the chart to its label: the key below names every line.
    named = [i for i, s in enumerate(series) if s.points[-1].position >= latest - 1]
    label_height = sum(len(_wrap(labels[i], LABEL_CHARS)) * (FONT + 2) + 4 for i in named)
    height = max(none_row + 56, label_height + 8)
    styles = tuple(STYLES[i % len(STYLES)] for i in range(len(series)))

    def x(position: float) -> float:
        # Each year spans from its tick to the next, so a June inspection sits mid-year.
        return round(LEFT + (position - first) / (last - first + 1) * plot_w, 1)

    def y(ordinal: int) -> float:
        return round(TOP + (high - ordinal) * ROW, 1)

    spot: dict[tuple[float, int], list[int]] = {}
    for index, s in enumerate(series):
        for p in s.points:
            spot.setdefault((p.position, p.ordinal), []).append(index)

    def place(index: int, p: Point) -> tuple[float, float]:
        sharing = spot[(p.position, p.ordinal)]
        dx, dy = dodge(sharing.index(index), len(sharing))
        return round(x(p.position) + dx, 1), round(y(p.ordinal) + dy, 1)

    summary = _summary("Grades over time", series)
    label_id = "chart-grades"
    out = [
        # Drawn at its full size whatever the width it is given: where the stylesheet gives it
        # NARROW px, the lines' names at the right are cut off.
        f'<svg class="grade-chart" viewBox="{PLOT_FROM} 0 {PLOT} {height}" width="{PLOT}" '
        f'height="{height}" '
        'preserveAspectRatio="xMinYMin slice" '
        f'role="group" aria-labelledby="{label_id}-title {label_id}-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{label_id}-title">Grades over time, on one time axis</title>',
        f'<desc id="{label_id}-desc">{escape(summary)}</desc>',
    ]
    words: list[str] = []  # the grade words at the left, in a drawing of their own
    for ordinal, label in levels:
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(ordinal)}" y2="{y(ordinal)}"/>'
        )
        words.extend(_text_lines(label.replace(" to be good", ""), LEFT - 6, y(ordinal), 13, "end"))
    out.append(
        f'<line class="grid none-row" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{none_row}" '
        f'y2="{none_row}" stroke-dasharray="2 4"/>'
    )
    words.extend(_text_lines("No grade given", LEFT - 6, none_row, 13, "end"))
    axis = none_row + 16
    # Every year is labelled (two digits, 26 units apart at sixteen years) up to sixteen years.
    years = range(first, last + 1) if last - first <= 16 else range(first, last + 1, 2)
    for year in years:
        out.append(
            f'<line class="tick" x1="{x(year)}" x2="{x(year)}" y1="{axis - 6}" y2="{axis}"/>'
            f'<text class="year" x="{x(year) + (x(year + 1) - x(year)) / 2:.1f}" '
            f'y="{axis + FONT + 2}" text-anchor="middle">{str(year)[2:] if last - first > 8 else year}</text>'
        )
    if last - first > 8:
        words.append(
            f'<text class="year" x="{LEFT - 6}" y="{axis + FONT + 2}" text-anchor="end">Year (20..)</text>'
        )
    # The points, each a link, are drawn after every line, in date order and top to bottom at a
    # date: the keyboard reaches them through time, not line by line. (position, -ordinal, line)
    points: list[tuple[float, int, int, str]] = []
    # Visits and letters with no grade, on their own row at their date.
    for item in ungraded:
        href = (
            urls("report", item.id) if item.report is not None else urls("timeline", anchor=item.id)
        )
        points.append(
            (
                item.position,
                1,
                -1,
                f'<a href="{escape(href)}">'
                f'<rect class="marker ungraded" x="{x(item.position) - 5}" y="{none_row - 5}" width="10" '
                f'height="10" fill="#ffffff" stroke="#4a4a4a" stroke-width="2" transform="rotate(45 '
                f'{x(item.position)} {none_row})"/>'
                f"<title>{escape(item.date_label)}: {escape(item.title)}: "
                f"{'grades not known to this history' if _unknown(item) else 'no grade given'}"
                "</title></a>",
            )
        )
    ends = []
    for index, s in enumerate(series):
        colour, dash, marker = styles[index]
        placed = [place(index, p) for p in s.points]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        # One polyline per run of points with no inspection of unknown grades between them.
        runs: list[list[tuple[float, float]]] = [[]]
        for at, (p, xy) in enumerate(zip(s.points, placed, strict=True)):
            if at and any(s.points[at - 1].position < b < p.position for b in s.breaks):
                runs.append([])
            runs[-1].append(xy)
        for run in runs:
            if len(run) > 1:
                coords = " ".join(f"{px},{py}" for px, py in run)
                out.append(
                    f'<polyline class="series" points="{coords}" stroke="{colour}"{dash_attr} '
                    'fill="none"/>'
                )
        for p, (px, py) in zip(s.points, placed, strict=True):
            href = urls("report", p.item_id) if p.is_report else urls("timeline", anchor=p.item_id)
            label = f"{p.year_label}: {p.area}: {p.grade_label}{_basis_words(p)}"
            link = (
                f'<a href="{escape(href)}">{_marker(marker, px, py, colour, p.basis != "stated")}'
                f"<title>{escape(label)}</title></a>"
            )
            points.append((p.position, -p.ordinal, index, link))
        if index in named:
            ends.append((placed[-1], index))
    out.extend(link for *_, link in sorted(points, key=lambda point: point[:3]))
    out.extend(_direct_labels(ends, labels, styles, height))
    out.append("</svg>")
    # Hidden from assistive technology: each point says its grade, and the table lists them.
    beside = [
        f'<svg class="chart-axis" viewBox="0 0 {AXIS} {height}" width="{AXIS}" height="{height}" '
        'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">',
        *words,
        "</svg>",
    ]
    panel_series = tuple(replace(s, title=label) for s, label in zip(series, labels, strict=True))
    return Panel(
        "all",
        "Grades over time",
        panel_series,
        styles,
        Markup("\n".join(out)),
        summary,
        Markup("\n".join(beside)),
    )


def dodge(at: int, sharing: int) -> tuple[float, float]:
    """Where the `at`-th of the points sharing one spot is set, from the spot: side by side,
    four at most in a row; more take a second or third row close about the grade's line. None
    hides another, none strays far from its date, and none seems to stand at another grade."""
    rows = min(3, -(-sharing // 4))
    cols = -(-sharing // rows)
    row, col = at // cols, at % cols
    return (col - (cols - 1) / 2) * DODGE, (row - (rows - 1) / 2) * DODGE


def _direct_labels(
    ends: list[tuple[tuple[float, float], int]],
    labels: list[str],
    styles: tuple[tuple[str, str, str], ...],
    height: float,
) -> list[str]:
    """Each line's label in the right margin, level with its last point where room allows (set
    apart from the others when not), with a thin leader in the line's own colour and dash."""
    line_h = FONT + 2
    wanted = sorted(
        ((py, index, _wrap(labels[index], LABEL_CHARS)) for (_, py), index in ends),
        key=lambda e: (e[0], e[1]),
    )
    tops, bottom = [], 4.0
    for py, _, text in wanted:
        block = len(text) * line_h
        top = max(py - line_h / 2, bottom)
        tops.append(top)
        bottom = top + block + 4
    overflow = bottom - (height - 4)
    if overflow > 0:  # pushed past the foot: move the whole stack up
        tops = [t - overflow for t in tops]
    out = []
    ends_at = {index: end for end, index in ends}
    label_x = WIDTH - RIGHT + 34
    for (_, index, text), top in zip(wanted, tops, strict=True):
        colour, _, marker = styles[index]  # the label shows colour and shape
        (ex, ey) = ends_at[index]
        # A leader is grey and dotted, never in the line's own colour and dash, and goes straight
        # to its label: one that ran on along its grade's row read as that grade holding on.
        out.append(
            f'<polyline class="leader" points="{ex + 7},{ey} '
            f'{label_x - 16},{top + line_h / 2:.1f}" stroke="{LEADER}" stroke-width="0.75"'
            ' stroke-dasharray="1 3" fill="none"/>'
        )
        out.append(  # the line's own marker before its label: shape tells it apart too
            f'<path class="label-marker" d="{marker_path(marker, label_x - 8, top + line_h / 2)}" '
            f'fill="{colour}" transform="scale(1)"/>'
        )
        for i, part in enumerate(text):
            out.append(
                f'<text class="line-label" x="{label_x}" y="{top + (i + 1) * line_h - 3:.1f}" '
                f'fill="{colour}">{escape(part)}</text>'
            )
    return out


def _text_lines(text: str, x: float, y: float, width: int, anchor: str) -> list[str]:
    lines = _wrap(text, width)
    return [
        f'<text class="level" x="{x}" y="{y + 4 + (i - (len(lines) - 1) / 2) * FONT:.1f}" '
        f'text-anchor="{anchor}">{escape(part)}</text>'
        for i, part in enumerate(lines)
    ]


def _basis_words(p: Point) -> str:
    if p.basis == "elsewhere":
        return " (not stated in a document of this collection: taken from another)"
    if p.basis == "inferred":
        return " (inferred by the editors)"
    return ""


def _marker(kind: str, x: float, y: float, colour: str, hollow: bool = False) -> str:
    # A grade that is not stated in its own document is drawn hollow.
    paint = f'fill="#ffffff" stroke="{colour}" stroke-width="2.5"' if hollow else f'fill="{colour}"'
    return f'<path class="marker" d="{marker_path(kind, x, y)}" {paint}/>'


def marker_path(kind: str, x: float, y: float) -> str:
    """The outline of a marker of this kind centred on (x, y): about 12 units across."""
    if kind == "square":
        return f"M{x - 5:g} {y - 5:g}h10v10h-10z"
    if kind == "diamond":
        return f"M{x:g} {y - 7:g}l7 7l-7 7l-7 -7z"
    if kind == "triangle":
        return f"M{x:g} {y - 7:g}l6.5 11.5h-13z"
    if kind == "triangle-down":
        return f"M{x:g} {y + 7:g}l6.5 -11.5h-13z"
    if kind == "cross":
        return f"M{x - 6:g} {y - 3:g}l3 -3l3 3l3 -3l3 3l-3 3l3 3l-3 3l-3 -3l-3 3l-3 -3l3 -3z"
    if kind == "hexagon":
        return f"M{x - 6:g} {y:g}l3 -5.5h6l3 5.5l-3 5.5h-6z"
    return f"M{x - 5.5:g} {y:g}a5.5 5.5 0 1 0 11 0a5.5 5.5 0 1 0 -11 0z"


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
