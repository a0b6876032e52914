"""Draw the grade chart as inline SVG at build time: no script, readable in print and by screen readers."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from .urls import Urls

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 190, 30, 20, 70
# Lines differ in dash pattern and marker as well as colour, so colour is never the only cue.
STYLES = [
    ("#1d4e89", "", "circle"),
    ("#b3470b", "6 4", "square"),
    ("#2e7d32", "2 3", "diamond"),
    ("#6a1b9a", "10 3 2 3", "circle"),
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


@dataclass(frozen=True)
class Series:
    id: str
    title: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Chart:
    svg: Markup
    series: tuple[Series, ...]
    ungraded: tuple  # timeline items with no grade
    levels: tuple[tuple[int, str], ...]  # ordinal -> the grade words it stands for
    summary: str


def chart_series(site) -> tuple[list[Series], list, list[tuple[int, str]]]:
    """Group every judgement on the timeline into series on the shared ordinal."""
    grouped: dict[str, list[Point]] = {}
    titles: dict[str, str] = {}
    ungraded = []
    words: dict[int, list[str]] = {}
    for framework in site.frameworks.values():
        for g in framework.scale:
            if g.label not in words.setdefault(g.ordinal, []):
                words[g.ordinal].append(g.label)
    for item in site.timeline:
        framework = site.frameworks.get(item.framework)
        graded = False
        for j in item.judgements:
            g = framework.grade(j.grade) if framework else None
            if g is None:
                continue
            graded = True
            grouped.setdefault(j.series, []).append(
                Point(
                    item.id,
                    item.report is not None,
                    item.position,
                    item.date_label,
                    g.ordinal,
                    g.label,
                    j.area,
                )
            )
            titles[j.series] = j.area
        if not graded:
            ungraded.append(item)
    series = [Series(sid, titles[sid], tuple(points)) for sid, points in grouped.items()]
    # The headline series first, then the longest; single points belong in the table, not the chart.
    series.sort(key=lambda s: (s.id != "overall-effectiveness", -len(s.points), s.id))
    shown = [s for s in series if len(s.points) > 1 or s.id == "overall-effectiveness"]
    levels = sorted(((o, " / ".join(w)) for o, w in words.items()), reverse=True)
    return shown, ungraded, levels


def grade_chart(site, urls: Urls) -> Chart:
    """The chart of grades across frameworks, with its text alternative."""
    series, ungraded, levels = chart_series(site)
    positions = [p.position for s in series for p in s.points] + [i.position for i in ungraded]
    if not positions or not levels:
        return Chart(Markup(""), (), tuple(ungraded), tuple(levels), "No graded inspections yet.")
    first, last = int(min(positions)), int(max(positions)) + 1
    low, high = min(o for o, _ in levels), max(o for o, _ in levels)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(position: float) -> float:
        return round(LEFT + (position - first) / max(last - first, 1) * plot_w, 1)

    def y(ordinal: int) -> float:
        return round(TOP + (high - ordinal) / max(high - low, 1) * plot_h, 1)

    out = [
        f'<svg class="grade-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-title">Inspection grades over time</title>',
        f'<desc id="chart-desc">{escape(_summary(series, ungraded))}</desc>',
    ]
    for ordinal, label in levels:
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(ordinal)}" y2="{y(ordinal)}"/>'
        )
        for i, part in enumerate(_wrap(label, 26)):
            out.append(
                f'<text class="level" x="{LEFT - 8}" y="{y(ordinal) + 4 + i * 13 - (len(_wrap(label, 26)) - 1) * 6}" '
                f'text-anchor="end">{escape(part)}</text>'
            )
    for year in range(first, last + 1):
        out.append(
            f'<line class="tick" x1="{x(year)}" x2="{x(year)}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 5}"/>'
        )
        out.append(
            f'<text class="year" x="{x(year)}" y="{TOP + plot_h + 18}" text-anchor="middle">{year}</text>'
        )
    for item in ungraded:
        px = x(item.position)
        href = urls("report", item.id) if item.report else urls("timeline", anchor=item.id)
        out.append(
            f'<a href="{escape(href)}"><path class="ungraded" d="M{px} {TOP + plot_h + 26} l5 9 h-10 z">'
            f"<title>{escape(item.date_label)}: {escape(item.title)} (no grade)</title></path></a>"
        )
    for index, s in enumerate(series):
        colour, dash, marker = STYLES[index % len(STYLES)]
        pts = sorted(s.points, key=lambda p: p.position)
        coords = " ".join(f"{x(p.position)},{y(p.ordinal)}" for p in pts)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<polyline class="series" points="{coords}" stroke="{colour}"{dash_attr} fill="none"/>'
        )
        for n, p in enumerate(pts):
            px, py = x(p.position), y(p.ordinal)
            href = urls("report", p.item_id) if p.is_report else urls("timeline", anchor=p.item_id)
            label = f"{p.year_label}: {p.area}: {p.grade_label}"
            out.append(
                f'<a href="{escape(href)}">{_marker(marker, px, py, colour)}'
                f"<title>{escape(label)}</title></a>"
            )
            if (
                index == 0
            ):  # label the headline series; alternate above and below so neighbours never collide
                label_y = py - 10 if n % 2 == 0 else py + 20
                out.append(
                    f'<text class="point-label" x="{px}" y="{label_y}" text-anchor="middle">'
                    f"{escape(p.grade_label)}</text>"
                )
    # The legend: one row per entry below the axis, so long area names never run off the edge.
    legend_y = HEIGHT - BOTTOM + 62
    for index, s in enumerate(series):
        colour, dash, marker = STYLES[index % len(STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line class="series" x1="{LEFT}" x2="{LEFT + 24}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
            f'stroke="{colour}"{dash_attr}/>{_marker(marker, LEFT + 12, legend_y - 4, colour)}'
        )
        out.append(f'<text class="legend" x="{LEFT + 32}" y="{legend_y}">{escape(s.title)}</text>')
        legend_y += 18
    if ungraded:
        out.append(
            f'<path class="ungraded" d="M{LEFT + 12} {legend_y - 10} l5 9 h-10 z"/>'
            f'<text class="legend" x="{LEFT + 32}" y="{legend_y}">Visit or letter with no grade</text>'
        )
        legend_y += 18
    out[0] = out[0].replace(f'viewBox="0 0 {WIDTH} {HEIGHT}"', f'viewBox="0 0 {WIDTH} {legend_y}"')
    out.append("</svg>")
    return Chart(
        Markup("\n".join(out)),
        tuple(series),
        tuple(ungraded),
        tuple(levels),
        _summary(series, ungraded),
    )


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return (
            f'<rect class="marker" x="{x - 5}" y="{y - 5}" width="10" height="10" fill="{colour}"/>'
        )
    if kind == "diamond":
        return f'<path class="marker" d="M{x} {y - 6} l6 6 l-6 6 l-6 -6 z" fill="{colour}"/>'
    return f'<circle class="marker" cx="{x}" cy="{y}" r="5" fill="{colour}"/>'


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return lines + [current] if current else lines


def _summary(series, ungraded) -> str:
    parts = []
    for s in series:
        steps = ", ".join(
            f"{p.year_label} {p.grade_label.lower()}"
            for p in sorted(s.points, key=lambda p: p.position)
        )
        parts.append(f"{s.title}: {steps}.")
    if ungraded:
        parts.append(
            "Visits and letters with no grade: " + ", ".join(i.date_label for i in ungraded) + "."
        )
    return " ".join(parts)
