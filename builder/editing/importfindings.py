"""What a report finds, read from its imported text: judgements and its own recommendations.

Ofsted's reports print their judgements in a few ways, and every way is read here from the
layout and wording alone, never from a particular report:

- a judgement table: rows of an area on the left and a grade set apart on the right, the area
  wrapping onto lines that begin in lower case (ILACS, and the single inspection's cover);
- a sentence or heading that states a grade: "The overall judgement is good", "Children's
  services in X require improvement", "The Local Safeguarding Children Board is good";
- a section heading followed by "Grade 3 (Adequate)" (2012-13 inspections);
- a heading "AREA: grade" (ILACS sections), used for an area the table did not give.

Each printed judgement is then matched to the areas and the grade scale of the project's
frameworks (frameworks.yml). A printed area or grade the framework does not know is kept as it
is printed, for the editor to decide: never dropped, never guessed.

The report's own recommendations are the items (list items, else numbered paragraphs) under the
headings "What needs to improve", "Areas for improvement", "Priority and immediate action" and
"Recommendations", with the timescale ("Immediately:", "Within three months:") they sit under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# The layout of a PDF as the importer reads it: lines on pages, then the draft's blocks.


@dataclass
class Line:
    """One line of text as laid out on the page (top and bottom measured from the page's top)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int
    column: int = 0
    # The pieces set apart on one baseline, left to right (x0, x1, text): a table's cells.
    pieces: list[tuple[float, float, str]] = field(default_factory=list)
    footnote: str | None = None  # the number a footnote's text begins with
    # The parts of the line set apart by a gap wider than a word space (x0, x1, text).
    spans: list[tuple[float, float, str]] = field(default_factory=list)


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)  # as extracted, then without furniture
    clean_lines: list[Line] = field(default_factory=list)  # furniture removed, reading order
    tables: list[Table] = field(default_factory=list)  # judgement tables, read by position
    grids: list[Grid] = field(default_factory=list)  # other tables: cells in aligned columns


@dataclass
class Block:
    """A paragraph, heading or list item of the draft."""

    kind: str  # "heading", "numbered", "bullet" or "paragraph"
    text: str
    page: int
    size: float
    bold: bool
    level: int = 2
    lines: list[str] = field(default_factory=list)  # set when the lines are kept as they are
    depth: int = 0  # a list item's nesting: 0 at the top level, 1 for a sub-item, and so on
    levels: tuple[float, ...] = ()  # a list item's: where each level open at it starts (x)
    note: str = ""  # a footnote's number as printed
    rows: list[list[str]] = field(default_factory=list)  # a table's, the first its header
    x0: float = 0.0


@dataclass
class Document:
    path: str
    pages: list[Page]
    blocks: list[Block]
    body_size: float
    imageonly: list[int] = field(default_factory=list)  # pages without any text


GRADE_WORDS = r"outstanding|good|adequate|inadequate|requires? improvement(?: to be good)?"
_GRADE = re.compile(rf"(?i)({GRADE_WORDS})")
_GRADE_ONLY = re.compile(rf"(?i)^({GRADE_WORDS})$")
_GRADE_START = re.compile(r"(?i)^requires?$")
_GRADE_NUMBER = re.compile(r"(?i)^grade\s+([1-4])\s*\(\s*([a-z ]+?)\s*\)\.?$")
_NUMBERING = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_OVERALL = re.compile(
    rf"(?i)^(?:the overall judgement is (?:that )?(?:children['’]s services (?:are |is )?)?"
    rf"|children['’]s services in [^.]{{1,80}}? (?:are |is )?)({GRADE_WORDS})\.?$"
)
_BOARD = re.compile(
    rf"(?i)^(?:the judgement for )?(?:the effectiveness of )?the (?:local )?safeguarding children "
    rf"board(?: \(lscb\))?(?: in [^.]{{1,40}}?)? (?:is |are )?({GRADE_WORDS})\.?$"
)
_HEADED = re.compile(rf"(?i)^(.{{10,200}}?)\s*:\s*({GRADE_WORDS})\.?$")
_BOARD_WORDS = re.compile(r"(?i)safeguarding children board|\bLSCB\b")


@dataclass
class Printed:
    """A judgement as the document prints it."""

    area: str
    grade: str
    page: int
    evidence: str
    role: str = ""  # "overall" or "board" when the wording says so rather than the area


@dataclass
class Judged:
    """A printed judgement placed in a framework: an area and grade it knows, or a to-do."""

    printed: Printed
    area: str = ""
    grade: str = ""
    scope: str = ""
    headline: bool = False
    problem: str = ""  # why it could not be placed: the editor decides
    # The scale's words for the grade, where the document prints only their first words
    # ('Requires improvement' for 'Requires improvement to be good'): its note says so.
    fuller: str = ""


def plain(text: str) -> str:
    """Text compared loosely: lower case, straight apostrophes, no numbering or parentheses."""
    text = _NUMBERING.sub("", text.strip())
    text = re.sub(r"\([^)]*\)", " ", text.lower().replace("’", "'"))
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    words = text.split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def _grade_key(text: str) -> str:
    text = re.sub(r"(?i)\brequire\b", "requires", " ".join(text.lower().split()))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# -- reading the judgements ------------------------------------------------------------------


@dataclass
class Cell:
    """A piece of text on a page: a line, or one of the pieces set apart on its baseline."""

    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    text: str
    line: Line


@dataclass
class Table:
    """A judgement table: rows of an area and a grade, and the header printed above them."""

    page: int
    rows: list[tuple[str, str]]
    header: tuple[str, str] | None
    lines: list[Line]  # every line the table is made of


@dataclass
class Grid:
    """Another table, read from aligned columns: its rows of cells (the first its header, where
    it has one) and the lines it is made of, in reading order."""

    page: int
    rows: list[list[str]]
    lines: list[Line]
    heading: bool = False  # one row: a heading (its first cell) and what is set beside it
    headed: bool = True  # whether its first row is a printed header, not a row of its cells


def _cells(lines: list[Line]) -> list[Cell]:
    cells = []
    for line in lines:
        for x0, x1, text in line.pieces or [(line.x0, line.x1, line.text)]:
            cells.append(Cell(x0, x1, line.top, line.bottom, line.size, text.strip(), line))
    return cells


def find_table(lines: list[Line], width: float, page: int) -> Table | None:
    """The judgement table among a page's lines, read by position, whatever the reading order:
    grades set apart on the right (a grade may wrap: 'Requires improvement' / 'to be good'),
    each beside an area on the left that may wrap onto lines beginning in lower case."""
    cells = _cells(lines)
    right = sorted((c for c in cells if c.x0 >= width * 0.4), key=lambda c: c.top)
    grades: list[list[Cell]] = []
    for cell in right:
        if _GRADE_ONLY.match(cell.text) or _GRADE_START.match(cell.text):
            grades.append([cell])
        elif (
            grades
            and abs(cell.x0 - grades[-1][0].x0) < cell.size
            and 0 <= cell.top - grades[-1][-1].bottom < cell.size
            and _GRADE_ONLY.match(" ".join(c.text for c in [*grades[-1], cell]))
        ):
            grades[-1].append(cell)
    # A grade's first word alone ('Requires' / 'improvement') is a grade only once completed.
    grades = [g for g in grades if _GRADE_ONLY.match(" ".join(c.text for c in g))]
    if len(grades) < 2:  # one grade on the right is a sentence's end, not a table
        return None
    column = min(g[0].x0 for g in grades)
    top = min(g[0].top for g in grades) - 3 * grades[0][0].size
    bottom = max(g[-1].bottom for g in grades) + 2 * grades[0][0].size
    left = sorted(
        (c for c in cells if c.x1 <= column and top <= c.top and c.bottom <= bottom),
        key=lambda c: c.top,
    )
    areas: list[list[Cell]] = []
    for cell in left:
        close = areas and 0 <= cell.top - areas[-1][-1].bottom < cell.size
        if cell.text[:1].islower() and close:
            areas[-1].append(cell)
        elif cell.text[:1].isupper() or cell.text[:1].isdigit():
            areas.append([cell])
    rows: list[tuple[str, str]] = []
    used: list[Line] = []
    taken: set[int] = set()
    for grade in grades:
        g_top, g_bottom = grade[0].top, grade[-1].bottom
        middle = (g_top + g_bottom) / 2
        best = None
        for i, area in enumerate(areas):
            if i in taken:
                continue
            a_top, a_bottom = area[0].top, area[-1].bottom
            distance = (
                0.0
                if a_top <= middle <= a_bottom
                else min(abs(middle - a_top), abs(middle - a_bottom))
            )
            if distance <= grade[0].size and (best is None or distance < best[0]):
                best = (distance, i)
        if best is None:
            continue
        taken.add(best[1])
        area = areas[best[1]]
        rows.append((" ".join(c.text for c in area), " ".join(c.text for c in grade)))
        used.extend(c.line for c in (*area, *grade))
    if len(rows) < 2:
        return None
    # A header: a left and a right cell on one band above the first row, neither a grade.
    first = min(min(g[0].top for g in grades), *(areas[i][0].top for i in taken))
    header = None
    above = [c for c in cells if first - 4 * grades[0][0].size <= c.top < first - 1]
    heads = [
        c for c in above if c.x0 >= column - grades[0][0].size and not _GRADE_ONLY.match(c.text)
    ]
    labels = [c for c in above if c.x1 <= column and len(c.text.split()) <= 3]
    if heads and labels and len(heads[0].text.split()) <= 3:
        header = (labels[0].text, heads[0].text)
        used.extend([labels[0].line, heads[0].line])
    order = sorted(range(len(rows)), key=lambda i: i)  # rows in the order of their grades
    return Table(page, [rows[i] for i in order], header, list({id(x): x for x in used}.values()))


def table_judgements(document: Document, pages: int = 3) -> list[Printed]:
    """The rows of the judgement tables on the first pages."""
    found = []
    for page in document.pages[:pages]:
        for table in page.tables:
            for area, grade in table.rows:
                found.append(
                    Printed(area, grade, table.page, f"the judgement table: {area!r} {grade!r}")
                )
    return found


def stated_judgements(blocks: list[Block], first_pages: int = 3) -> list[Printed]:
    """Judgements stated in words: an overall or board sentence, a 'Grade N (word)' line."""
    found: list[Printed] = []
    board_seen = False
    for i, block in enumerate(blocks):
        text = " ".join(block.text.split())
        if block.page <= first_pages and (m := _OVERALL.match(text)):
            found.append(Printed(text, m.group(1), block.page, f"{text!r}", role="overall"))
        elif not board_seen and (m := _BOARD.match(text)):
            found.append(Printed(text, m.group(1), block.page, f"{text!r}", role="board"))
            board_seen = True
        elif (m := _GRADE_NUMBER.match(text)) and i and blocks[i - 1].kind == "heading":
            area = blocks[i - 1].text
            found.append(Printed(area, m.group(2), block.page, f"{area!r}, {text!r}"))
    return found


def headed_judgements(blocks: list[Block]) -> list[Printed]:
    """Headings of the form 'AREA: grade' (the sections of an ILACS report)."""
    found = []
    for block in blocks:
        if block.kind == "heading" and (m := _HEADED.match(" ".join(block.text.split()))):
            found.append(Printed(m.group(1), m.group(2), block.page, f"the heading {block.text!r}"))
    return found


# -- placing them in a framework -------------------------------------------------------------


def _areas(framework: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in framework.get("areas") or [] if isinstance(a, dict) and a.get("area")]


def _known_area(framework: dict[str, Any], printed: Printed) -> dict[str, Any] | None:
    areas = _areas(framework)
    if printed.role == "overall":
        scopes = [s.get("id") for s in framework.get("scopes") or [] if isinstance(s, dict)]
        first = scopes[0] if scopes else ""
        return next(
            (a for a in areas if a.get("headline") and a.get("scope", first) in (first, "")),
            None,
        )
    if printed.role == "board":
        return next((a for a in areas if _BOARD_WORDS.search(str(a["area"]))), None)
    key = plain(printed.area)
    return next((a for a in areas if plain(str(a["area"])) == key), None)


def _known_grade(framework: dict[str, Any], printed: str) -> str | None:
    key = _grade_key(printed)
    for grade in framework.get("scale") or []:
        if not isinstance(grade, dict):
            continue
        if key in (str(grade.get("grade")), _grade_key(str(grade.get("label", "")))):
            return str(grade.get("grade"))
    return None


def _years(framework: dict[str, Any]) -> tuple[int, int]:
    found = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", str(framework.get("years", "")))]
    if not found:
        return (0, 9999)
    last = (
        found[-1]
        if len(found) > 1
        else (9999 if "onwards" in str(framework.get("years")) else found[0])
    )
    return (found[0], last)


def choose_framework(
    frameworks: list[dict[str, Any]], printed: list[Printed], year: int | None
) -> dict[str, Any] | None:
    """The framework whose areas best fit the printed judgements (and whose years hold the
    inspection's), or None when no framework knows any of them."""
    best: tuple[tuple[int, ...], dict[str, Any]] | None = None
    overall = any(p.role == "overall" for p in printed)
    for framework in frameworks:
        areas = _areas(framework)
        if not areas:
            continue
        known = [p for p in printed if _known_area(framework, p)]
        if not known:
            continue
        headline = any(a.get("headline") and not _BOARD_WORDS.search(str(a["area"])) for a in areas)
        has_overall = overall or any(
            (a := _known_area(framework, p)) and a.get("headline") for p in printed
        )
        start, end = _years(framework)
        score = (
            len(known) - (len(printed) - len(known)),
            -(headline != has_overall),
            int(year is None or start <= year <= end),
        )
        if best is None or score > best[0]:
            best = (score, framework)
    return best[1] if best else None


def place(framework: dict[str, Any] | None, printed: list[Printed]) -> list[Judged]:
    """Each printed judgement with the framework's area and grade, or the reason it has none."""
    out: list[Judged] = []
    seen: set[tuple[str, str]] = set()
    for p in printed:
        if framework is None:
            out.append(Judged(p, problem="no framework of the project is named for the report"))
            continue
        area = _known_area(framework, p)
        grade = _known_grade(framework, p.grade)
        key = (str(area["area"]) + "|" + str(area.get("scope", "")) if area else plain(p.area), "")
        if key in seen:
            continue  # the same judgement printed again (a table and a heading)
        seen.add(key)
        if area is None:
            out.append(Judged(p, problem=f"an area framework '{framework['id']}' does not list"))
        elif grade is None:
            out.append(
                Judged(p, problem=f"a grade not on the scale of framework '{framework['id']}'")
            )
        else:
            scopes = [s.get("id") for s in framework.get("scopes") or [] if isinstance(s, dict)]
            scope = str(area.get("scope", "")) if len(scopes) > 1 else ""
            label = next(
                (
                    str(g.get("label", ""))
                    for g in framework.get("scale") or []
                    if g.get("grade") == grade
                ),
                "",
            )
            printed_words, words = plain(p.grade).split(), plain(label).split()
            shorter = (
                len(printed_words) < len(words) and words[: len(printed_words)] == printed_words
            )
            judged = Judged(p, str(area["area"]), grade, scope, bool(area.get("headline")))
            judged.fuller = label if shorter and printed_words else ""
            out.append(judged)
    return out


def find_judgements(
    document: Document, frameworks: list[dict[str, Any]], year: int | None
) -> tuple[dict[str, Any] | None, list[Judged]]:
    """The framework the judgements fit, and every judgement the document prints."""
    stated = stated_judgements(document.blocks)
    table = table_judgements(document)
    printed = [*[p for p in stated if p.role], *table, *[p for p in stated if not p.role]]
    framework = choose_framework(frameworks, printed, year) if printed else None
    if framework is not None:
        # A section heading 'AREA: grade' gives what the table did not (a judgement table on a
        # page the layout did not read as one).
        placed = {plain(str(a["area"])) for p in printed if (a := _known_area(framework, p))}
        for p in headed_judgements(document.blocks):
            area = _known_area(framework, p)
            if area and plain(str(area["area"])) not in placed:
                printed.append(p)
                placed.add(plain(str(area["area"])))
    return framework, place(framework, printed)


# -- the report's own recommendations --------------------------------------------------------

_RECOMMENDATION_HEADING = re.compile(
    r"(?i)^(?:\d+\.\s+)?(?:what (?:does|do) (?:the )?.{0,80}? need to improve"
    r"|what needs to improve|areas? for (?:improvement|development)"
    r"|priority and immediate action|recommendations)\b"
)
_TIMESCALE = re.compile(r"(?i)^(immediately|within \w+ (?:days?|weeks?|months?))\s*:?$")
_NONE = re.compile(
    r"(?i)\b(did not (?:find|identify) any|there (?:are|were) no|no (?:areas|recommendations))\b"
)


@dataclass
class OwnRecommendation:
    quote: str
    page: int
    timescale: str = ""
    board: bool = False
    heading: str = ""
    scope: str = ""  # the framework's scope for the board's own (board_scope), when it has one


@dataclass
class _Section:
    heading: Block
    board: bool
    blocks: list[Block] = field(default_factory=list)


def _heading_text(block: Block) -> str:
    return re.sub(r"[\d?]+$", "", _NUMBERING.sub("", block.text)).strip()


def _is_recommendation_heading(block: Block) -> bool:
    if block.kind == "heading":
        return bool(_RECOMMENDATION_HEADING.match(block.text)) and len(block.text) < 120
    # '28. Areas for improvement' as a numbered paragraph of its own, or a short bold line.
    text = _NUMBERING.sub("", block.text)
    return (
        block.kind in ("numbered", "paragraph")
        and len(text.split()) <= 8
        and bool(_RECOMMENDATION_HEADING.match(text))
        and not text.endswith(".")
        and (block.kind == "numbered" or block.bold)
    )


def board_scope(framework: dict[str, Any] | None) -> str:
    """The scope a framework gives the safeguarding board's review ('lscb' in the single
    inspection's), the scope of the board's recommendations; "" when it has none."""
    if framework is None:
        return ""
    scopes = {
        str(s.get("id")): str(s.get("title", ""))
        for s in framework.get("scopes") or []
        if isinstance(s, dict) and s.get("id")
    }
    for area in _areas(framework):
        if _BOARD_WORDS.search(str(area["area"])) and str(area.get("scope", "")) in scopes:
            return str(area["scope"])
    return next((s for s, title in scopes.items() if _BOARD_WORDS.search(title)), "")


def find_recommendations(blocks: list[Block]) -> list[OwnRecommendation]:
    """The items under the report's recommendation headings, with their timescale."""
    sections: list[_Section] = []
    board = False
    current: _Section | None = None
    for block in blocks:
        if block.kind == "heading" and block.level <= 2 and not _is_recommendation_heading(block):
            if _BOARD_WORDS.search(block.text):
                board = True
            elif re.search(r"(?i)local authority", block.text):
                board = False
        if _is_recommendation_heading(block):
            # 'Areas for improvement' under 'What does the LSCB need to improve?' is the board's.
            within = (
                current is not None
                and current.board
                and block.kind == current.heading.kind == "heading"
                and block.level > current.heading.level
            )
            current = _Section(block, board or within or bool(_BOARD_WORDS.search(block.text)))
            sections.append(current)
            continue
        if (
            current is not None
            and block.kind == "heading"
            and block.level <= current.heading.level
            and not _TIMESCALE.match(" ".join(block.text.split()))
        ):
            current = None
        if current is not None:
            current.blocks.append(block)
    out: list[OwnRecommendation] = []
    for section in sections:
        bullets = [b for b in section.blocks if b.kind == "bullet" and not b.depth]
        kinds = ("bullet",) if bullets else ("numbered",)
        timescale = ""
        for block in section.blocks:
            text = " ".join(block.text.split())
            if block.kind in ("paragraph", "heading") and (m := _TIMESCALE.match(text)):
                timescale = m.group(1)
                continue
            if block.kind not in kinds or block.depth:
                continue
            quote = _NUMBERING.sub("", text) if block.kind == "numbered" else text
            if block.kind == "numbered" and _NONE.search(quote):
                continue
            out.append(
                OwnRecommendation(
                    quote, block.page, timescale, section.board, _heading_text(section.heading)
                )
            )
    return out
