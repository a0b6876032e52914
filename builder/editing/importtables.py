"""Tables other than the judgement table, read from a page's layout: cells in aligned columns.

A table is found from a line whose parts are set apart by a gap wider than a word space (two
cells on one baseline). Its columns start where those parts start. The lines above and below
belong to the table while every part of them starts at one of those columns and stops short of
the next, close under the line before. Within a column, lines close together are one cell (a
cell's text may wrap); cells of different columns that overlap from top to bottom are one row,
so a cell set beside the middle of a wrapped one ('Requires improvement' beside an area printed
on two lines) is in its row. The first row is the table's header only when it is set in bold
over rows that are not; a table without one is written with an empty header row, which the site
renders as none. Rows at the table's edges with a single cell are text beside the
table, not part of it, and go back to the text.

What is not a table, though its columns align: a label and its value ('Published:' '2 August
2013'), a contents list (titles and page numbers), and a single row. A single row whose first
cell is bold is a heading with its grade set beside it (the sections of a 2014-18 single
inspection): the heading is read whole, and the grade after it, not amid its words. So is a
grade set half a line off the lines of a heading printed on two or more (its own lines between
theirs), which no baseline joins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from builder.editing.importfindings import _GRADE_ONLY, Grid, Line

# How far, in type sizes, a part may start from its column's start and still be in it.
ALIGN = 0.6
# The vertical gap, in type sizes, under which lines of one column are one cell.
CELL_GAP = 0.6
# The vertical gap, in type sizes, over which a line is no longer next to the table.
NEAR = 1.5

_PAGE_NUMBER = re.compile(r"^\d{1,3}$")


@dataclass
class _Cell:
    column: int
    top: float
    bottom: float
    texts: list[str]
    lines: list[Line]


def _parts(line: Line) -> list[tuple[float, float, str]]:
    return line.spans or [(line.x0, line.x1, line.text)]


def _column(x0: float, columns: list[float], size: float) -> int | None:
    for i, start in enumerate(columns):
        if abs(x0 - start) <= ALIGN * size:
            return i
    return None


def _fits(line: Line, columns: list[float]) -> bool:
    """Whether each part of the line starts at a column and stops short of the next one."""
    for x0, x1, _ in _parts(line):
        i = _column(x0, columns, line.size)
        if i is None:
            return False
        if i + 1 < len(columns) and x1 > columns[i + 1] - ALIGN * line.size:
            return False
    return True


def _near(a: Line, b: Line) -> bool:
    """Lines of one page and column, one close above the other."""
    if a.page != b.page or a.column != b.column:
        return False
    upper, lower = (a, b) if a.top <= b.top else (b, a)
    return lower.top - upper.bottom <= NEAR * max(a.size, b.size)


def _rows(lines: list[Line], columns: list[float]) -> list[list[_Cell]]:
    """The table's rows, top to bottom, each its cells left to right."""
    cells: list[_Cell] = []
    for line in sorted(lines, key=lambda line: line.top):
        for x0, _, text in _parts(line):
            column = _column(x0, columns, line.size)
            assert column is not None  # every line of the table fits its columns
            above = next((c for c in reversed(cells) if c.column == column), None)
            if above is not None and 0 <= line.top - above.bottom < CELL_GAP * line.size:
                above.texts.append(text)
                above.bottom = max(above.bottom, line.bottom)
                if all(other is not line for other in above.lines):
                    above.lines.append(line)
            else:
                cells.append(_Cell(column, line.top, line.bottom, [text], [line]))
    rows: list[list[_Cell]] = []
    bottom = float("-inf")
    for cell in sorted(cells, key=lambda cell: (cell.top, cell.column)):
        if rows and cell.top < bottom:
            rows[-1].append(cell)
            bottom = max(bottom, cell.bottom)
        else:
            rows.append([cell])
            bottom = cell.bottom
    return rows


def _is_table(rows: list[list[str]]) -> bool:
    if len(rows) < 2:
        return False  # one row: a heading with a grade set beside it, say
    if any(row[0].endswith(":") for row in rows):
        return False  # labels and their values
    last = [row[-1] for row in rows]
    return not all(_PAGE_NUMBER.match(text) for text in last)  # a contents list


def _headed(rows: list[list[_Cell]]) -> bool:
    """Whether a table's first row is its header: set in bold, over rows that are not."""

    def bold(row: list[_Cell]) -> bool:
        return all(line.bold for cell in row for line in cell.lines)

    return bold(rows[0]) and not all(bold(row) for row in rows[1:])


def _between(lines: list[Line], used: set[int]) -> list[Grid]:
    """Headings printed on two or more lines with their grade set beside them half a line off
    the lines, so that its lines come between the heading's in reading order ('The experiences
    and progress of' / 'Requires improvement' / 'children who need help and' / 'to be good' /
    'protection'): each a heading grid, read whole and then its grade."""
    found: list[Grid] = []
    i = 0
    while i + 2 < len(lines):
        chain = [lines[i]]  # heading line, grade line, heading line, …
        while i + len(chain) + 1 < len(lines):
            before, grade, after = chain[-1], lines[i + len(chain)], lines[i + len(chain) + 1]
            if (
                not (before.bold and after.bold and before.size == after.size)
                or not max(before.x1, after.x1) < grade.x0
                or not (before.top < grade.top < after.top)
                or not (grade.top < before.bottom and after.top < grade.bottom)
                or {id(before), id(grade), id(after)} & used
            ):
                break
            chain += [grade, after]
        heading, grades = chain[0::2], chain[1::2]
        grade_text = " ".join(g.text for g in grades)
        if grades and _GRADE_ONLY.match(grade_text):
            used.update(id(line) for line in chain)
            texts = [[" ".join(h.text for h in heading), grade_text]]
            found.append(Grid(grades[0].page, texts, chain, True))
            i += len(chain)
        else:
            i += 1
    return found


def find_grids(lines: list[Line], taken: set[int], is_item: Callable[[str], bool]) -> list[Grid]:
    """The tables among a page's lines in reading order; `taken` holds the ids of lines already
    read as part of a judgement table, `is_item` tells a numbered paragraph's or list item's
    first line (a number or bullet set apart from its text is not a table)."""
    grids: list[Grid] = []
    used: set[int] = set(taken)
    grids.extend(_between(lines, used))
    i = 0
    while i < len(lines):
        seed = lines[i]
        if id(seed) in used or len(seed.spans) < 2 or is_item(seed.text):
            i += 1
            continue
        columns = [x0 for x0, _, _ in seed.spans]

        def joins(line: Line, neighbour: Line, columns: list[float] = columns) -> bool:
            return (
                id(line) not in used
                and not is_item(line.text)
                and _near(line, neighbour)
                and _fits(line, columns)
            )

        start, end = i, i + 1
        while start > 0 and joins(lines[start - 1], lines[start]):
            start -= 1
        while end < len(lines) and joins(lines[end], lines[end - 1]):
            end += 1
        rows = _rows(lines[start:end], columns)
        while rows and len(rows[0]) < 2:
            rows.pop(0)
        while rows and len(rows[-1]) < 2:
            rows.pop()
        texts = [
            [
                " ".join(" ".join(c.texts) for c in row if c.column == column)
                for column in range(len(columns))
            ]
            for row in rows
        ]
        heading = (
            len(rows) == 1
            and len(rows[0]) > 1
            and rows[0][0].column == 0
            and all(line.bold for line in rows[0][0].lines)
            and all(_GRADE_ONLY.match(text) for text in texts[0][1:])
        )
        if not heading and not _is_table(texts):
            i += 1
            continue
        members = {id(line) for row in rows for cell in row for line in cell.lines}
        used.update(members)
        ordered = [line for line in lines[start:end] if id(line) in members]
        grids.append(Grid(seed.page, texts, ordered, heading, heading or _headed(rows)))
        i = end
    return grids
