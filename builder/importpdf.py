"""Turn a published report PDF into a draft edition: Markdown body and pre-filled front matter.

The text is read with pdfminer.six, which gives every line's position, font and size: enough to
drop running headers, footers and page numbers (lines repeated at the top or foot of pages), to
read two-column pages column by column, to tell headings from body text, and to rejoin words
broken across lines. Every value the draft's front matter takes from the document carries a
`# confirm:` comment saying where it was found; `unconfirmed()` lists them for the editor.
"""

from __future__ import annotations

import re
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

# The package the `import` extra brings, named as pip finds it today (the tool is not on PyPI).
HINT_INSTALL = "reading PDFs needs pdfminer.six (hint: pip install 'pdfminer.six>=20231228')"

BULLETS = "•\uf0b7▪◦‣●■∙·\uf0a7\uf076\uf0d8"
# Glyphs that are bullets only when they stand apart, before the text of their line.
STANDALONE_BULLETS = frozenset({"o", "§", "Ø", "ü", "➢", "✓"})
# A hyphen at a line's end after one of these is part of a compound (multi-agency), not a break.
COMPOUND_PREFIXES = frozenset(
    "multi self well non cross co pre post full part ex anti semi inter intra".split()
)
MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(),
        1,
    )
}
CONFIRM = "# confirm:"
TODO = "# to do:"

# Typeset ligatures (U+FB00-FB06) back to their letters, so that 'ﬁnding' is a word again.
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_NUMBERED = re.compile(r"^(\d{1,3})\.\s+(?=\S)")
_CID = re.compile(r"^\(cid:\d+\)\s*")
_PAGE_NUMBER = re.compile(r"^(page\s*)?#+(\s*(of|/)\s*#+)?$")


class PdfError(Exception):
    """A PDF that cannot be read; the message says why and what to do."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


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


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)  # as extracted, then without furniture
    clean_lines: list[Line] = field(default_factory=list)  # furniture removed, reading order


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


@dataclass
class Document:
    path: str
    pages: list[Page]
    blocks: list[Block]
    body_size: float
    imageonly: list[int] = field(default_factory=list)  # pages without any text


# -- reading ---------------------------------------------------------------------------------


def _pdfminer():
    try:
        from pdfminer import high_level, layout
    except ImportError:
        return None
    return high_level, layout


def _line_from(layout_line, page_number: int, height: float) -> Line | None:
    from pdfminer.layout import LTChar

    text = " ".join(layout_line.get_text().translate(_LIGATURES).split())
    if not text:
        return None
    chars = [c for c in layout_line if isinstance(c, LTChar) and c.get_text().strip()]
    sizes = [round(c.size, 1) for c in chars] or [round(layout_line.height, 1)]
    bold = bool(chars) and all(
        re.search(r"bold|black|heavy|semibold|,b$", c.fontname, re.I) for c in chars
    )
    return Line(
        text=text,
        x0=layout_line.x0,
        x1=layout_line.x1,
        top=height - layout_line.y1,
        bottom=height - layout_line.y0,
        size=statistics.median(sizes),
        bold=bold,
        page=page_number,
    )


def _text_lines(item, page_number: int, height: float) -> list[Line]:
    from pdfminer.layout import LTTextLineHorizontal

    if isinstance(item, LTTextLineHorizontal):
        line = _line_from(item, page_number, height)
        return [line] if line else []
    found: list[Line] = []
    if hasattr(item, "__iter__"):
        for child in item:
            found.extend(_text_lines(child, page_number, height))
    return found


def read_pdf(pdf: Path, name: str) -> Document:
    """Read a PDF's text lines and lay them out as blocks; raise PdfError when it cannot."""
    try:
        head = pdf.read_bytes()[:1024]
    except FileNotFoundError:
        raise PdfError(name, "no such file") from None
    except OSError as error:
        raise PdfError(name, f"cannot read the file: {error.strerror or error}") from None
    if b"%PDF" not in head:
        raise PdfError(
            name,
            "not a PDF file (it does not begin with '%PDF'; hint: for a text extraction, paste "
            "it under a report's front matter and measure it with 'compare')",
        )
    modules = _pdfminer()
    if modules is None:
        raise PdfError(name, HINT_INSTALL)
    high_level, layout = modules
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    pages: list[Page] = []
    try:
        for number, lt_page in enumerate(
            high_level.extract_pages(str(pdf), laparams=layout.LAParams(all_texts=True)), 1
        ):
            page = Page(number, lt_page.width, lt_page.height)
            page.lines = _text_lines(lt_page, number, lt_page.height)
            pages.append(page)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise PdfError(
            name,
            "the PDF is encrypted and cannot be read without its password "
            "(hint: open it and save or print an unprotected copy)",
        ) from None
    except PDFSyntaxError as error:
        raise PdfError(name, f"the PDF is damaged and cannot be read: {error}") from None
    except Exception as error:  # pdfminer raises many kinds on broken files
        raise PdfError(name, f"the PDF cannot be read: {type(error).__name__}: {error}") from None
    if not any(page.lines for page in pages):
        raise PdfError(
            name,
            "the PDF has no text layer: its pages are images "
            "(hint: run it through OCR first, for example 'ocrmypdf IN.pdf OUT.pdf')",
        )
    imageonly = [page.number for page in pages if not page.lines]
    _remove_furniture(pages)
    for page in pages:
        page.clean_lines = _reading_order(page)
    _remove_contents(pages)
    body_size = _body_size(pages)
    return Document(name, pages, _blocks(pages, body_size), body_size, imageonly)


# -- page furniture --------------------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _zone(line: Line, page: Page) -> str | None:
    """'top' or 'foot' when the line lies in the page's top or bottom margin band."""
    if line.bottom <= page.height * 0.12:
        return "top"
    if line.top >= page.height * 0.88:
        return "foot"
    return None


def _remove_furniture(pages: list[Page]) -> None:
    """Drop running headers, footers and page numbers: lines repeated in the margins of pages."""
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        keys = {(z, _key(line.text)) for line in page.lines if (z := _zone(line, page))}
        seen.update(keys)
    least = max(2, round(len(pages) * 0.4))
    for page in pages:
        kept = []
        for line in page.lines:
            zone = _zone(line, page)
            key = _key(line.text)
            if zone and (seen[(zone, key)] >= least or _PAGE_NUMBER.match(key)):
                continue
            kept.append(line)
        page.lines = kept


_CONTENTS_ENTRY = re.compile(r"\S.*?(\s*\.{3,}\s*|\s+)\d{1,3}$")


def _remove_contents(pages: list[Page]) -> None:
    """Drop a contents list: a 'Contents' line and the entries after it that end in page numbers."""
    for page in pages:
        lines = page.clean_lines
        start = next(
            (i for i, line in enumerate(lines) if line.text.strip().lower() == "contents"), None
        )
        if start is None:
            continue
        end = start + 1
        # An entry may wrap: a line without a number is kept in only when the next one has one.
        while end < len(lines):
            if _CONTENTS_ENTRY.fullmatch(lines[end].text):
                end += 1
            elif end + 1 < len(lines) and _CONTENTS_ENTRY.fullmatch(lines[end + 1].text):
                end += 2
            else:
                break
        if end - start > 2:  # a heading and at least two entries
            del lines[start:end]
            return


# -- reading order ---------------------------------------------------------------------------


def _gutter(lines: list[Line], width: float) -> float | None:
    """The x of a gap between two columns of text, or None for a single-column page."""
    if len(lines) < 6:
        return None
    best: tuple[int, float, float] | None = None
    x = width * 0.3
    while x <= width * 0.7:
        crossing = sum(1 for line in lines if line.x0 < x < line.x1)
        rank = (crossing, abs(x - width / 2))
        if best is None or rank < best[:2]:
            best = (crossing, abs(x - width / 2), x)
        x += 1.0
    assert best is not None
    gutter = best[2]
    left = [line for line in lines if line.x1 <= gutter]
    right = [line for line in lines if line.x0 >= gutter]
    spanning = len(lines) - len(left) - len(right)
    if len(left) < 3 or len(right) < 3 or spanning >= len(left) + len(right):
        return None
    # Columns of prose fill their width: most left lines run up to the gutter, and right lines
    # share one left margin. A table's short labels do not.
    left_margin = min(line.x0 for line in left)
    if statistics.median(line.x1 for line in left) < gutter - 0.25 * (gutter - left_margin):
        return None
    right_margin = min(line.x0 for line in right)
    if statistics.median(line.x0 for line in right) - right_margin > width * 0.05:
        return None
    return gutter


def _rows(lines: list[Line]) -> list[Line]:
    """Join pieces of one line set apart on the same baseline (a paragraph number and its text)."""
    groups: list[list[Line]] = []
    for line in lines:
        first = groups[-1][0] if groups else None
        if first and abs(first.bottom - line.bottom) < 0.4 * min(first.size, line.size):
            groups[-1].append(line)
        else:
            groups.append([line])
    rows = []
    for group in groups:
        group.sort(key=lambda line: line.x0)
        if len(group) > 1 and group[0].text in STANDALONE_BULLETS:
            # A Wingdings or Courier 'o' bullet set apart from its text is a bullet too.
            group[0] = Line(**{**group[0].__dict__, "text": "•"})
        rows.append(
            Line(
                text=" ".join(line.text for line in group),
                x0=group[0].x0,
                x1=max(line.x1 for line in group),
                top=min(line.top for line in group),
                bottom=max(line.bottom for line in group),
                size=max(line.size for line in group),
                bold=all(line.bold for line in group),
                page=group[0].page,
                column=group[0].column,
            )
            if len(group) > 1
            else group[0]
        )
    return rows


def _reading_order(page: Page) -> list[Line]:
    """The page's lines top to bottom, a two-column stretch left column first."""

    def by_position(line: Line) -> tuple[float, float]:
        return (round(line.bottom / 2), line.x0)

    lines = sorted(page.lines, key=by_position)
    gutter = _gutter(lines, page.width)
    if gutter is None:
        return _rows(lines)
    crossing = [line for line in lines if line.x0 < gutter < line.x1]

    def full_width(line: Line) -> bool:
        # A line across the gutter, or a piece on its baseline (the number of its paragraph).
        return line in crossing or any(
            abs(other.bottom - line.bottom) < 0.4 * min(other.size, line.size) for other in crossing
        )

    ordered: list[Line] = []
    stretch: list[Line] = []  # two-column lines since the last full-width one
    full: list[Line] = []  # full-width lines since the last two-column one

    def flush() -> None:
        ordered.extend(_rows(full))
        full.clear()
        for column in (1, 2):
            part = [line for line in stretch if line.column == column]
            ordered.extend(_rows(sorted(part, key=by_position)))
        stretch.clear()

    for line in lines:
        if full_width(line):
            if stretch:
                flush()
            full.append(line)
        else:
            if full:
                flush()
            line.column = 1 if line.x1 <= gutter else 2
            stretch.append(line)
    flush()
    return ordered


# -- blocks ----------------------------------------------------------------------------------


def _body_size(pages: list[Page]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.clean_lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _starts_item(text: str) -> bool:
    return bool(_NUMBERED.match(text) or _bullet(text) is not None)


def _bullet(text: str) -> str | None:
    """The text after a bullet glyph, or None when the line does not start with one."""
    if text[:1] in BULLETS:
        return text[1:].strip()
    if m := _CID.match(text):
        return text[m.end() :].strip()
    if text[:2] in ("- ", "– "):
        return text[2:].strip()
    return None


def _join(text: str, more: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """Append a line to a paragraph, rejoining a word broken across the two lines.

    A hyphen at a line's end is either the typesetter's (dropped: 'arrange-' 'ments') or part of
    a compound (kept: 'multi-' 'agency'). The document's own use decides where it can: a form
    that appears whole elsewhere in it wins; otherwise common prefixes and '-ly' adverbs
    ('jointly-owned') keep the hyphen.
    """
    if text.endswith("\xad"):
        return text[:-1] + more
    if re.search(r"[A-Za-z][-‐]$", text) and more[:1].islower():
        head = re.search(r"([A-Za-z]+)[-‐]$", text).group(1).lower()  # type: ignore[union-attr]
        tail = re.match(r"[^\W\d_]*", more).group(0).lower()  # type: ignore[union-attr]
        if f"{head}-{tail}" in vocabulary:
            return text + more
        if f"{head}{tail}" in vocabulary:
            return text[:-1] + more
        if head in COMPOUND_PREFIXES or (head.endswith("ly") and len(head) > 4):
            return text + more
        return text[:-1] + more
    return f"{text} {more}"


def _vocabulary(pages: list[Page]) -> frozenset[str]:
    """Every word of the document as written within a line, hyphenated compounds included."""
    found: set[str] = set()
    for page in pages:
        for line in page.clean_lines:
            found.update(re.findall(r"[a-z]+(?:-[a-z]+)*", line.text.lower().replace("‐", "-")))
    return frozenset(found)


def _leading(pages: list[Page]) -> float:
    """The usual distance between baselines of consecutive lines of one paragraph."""
    steps = []
    for page in pages:
        for a, b in zip(page.clean_lines, page.clean_lines[1:], strict=False):
            if a.column == b.column and a.size == b.size and b.bottom > a.bottom:
                steps.append(round(b.bottom - a.bottom, 1))
    if not steps:
        return 14.0
    return Counter(steps).most_common(1)[0][0]


def _blocks(pages: list[Page], body_size: float) -> list[Block]:
    leading = _leading(pages)
    edges = _edges(pages)
    vocabulary = _vocabulary(pages)
    blocks: list[Block] = []
    rows: list[list[Line]] = []
    previous: Line | None = None
    for page in pages:
        for line in page.clean_lines:
            same_style = previous is not None and (
                abs(previous.size - line.size) < 0.1 * body_size and previous.bold == line.bold
            )
            last = blocks[-1] if blocks else None
            if previous is None or last is None or not same_style or _starts_item(line.text):
                starts = True
            elif previous.page != line.page or previous.column != line.column:
                # A paragraph runs on over a page or column break unless it had ended: its last
                # line ends a sentence and stops short of the margin.
                left, right = edges[(previous.page, previous.column)]
                short = previous.x1 < right - 0.1 * (right - left)
                starts = last.kind == "heading" or (
                    short and bool(re.search(r"[.!?:]$", last.text)) and not line.text[:1].islower()
                )
            else:
                # Larger type has larger leading: scale the paragraph gap with the type size.
                step = leading * max(1.0, line.size / body_size) * 1.3
                starts = line.bottom - previous.bottom > step
            if starts:
                blocks.append(_new_block(line, body_size))
                rows.append([line])
            else:
                assert last is not None  # a line joins a block only once one has started
                last.text = _join(last.text, line.text, vocabulary)
                rows[-1].append(line)
            previous = line
    for block in blocks:
        # Bold body text that runs on or ends a sentence is a paragraph, not a heading.
        if block.kind == "heading" and block.size < body_size * 1.15:
            if len(block.text.split()) > 20 or re.search(r"[.;,]$", block.text):
                block.kind = "paragraph"
    _heading_levels(blocks)
    _keep_short_lines(edges, blocks, rows)
    return blocks


def _heading_levels(blocks: list[Block]) -> None:
    """Number heading levels by type size, largest '##'; a cover title's size does not count."""
    headings = [b for b in blocks if b.kind == "heading"]
    uses = Counter(b.size for b in headings)
    title = next(iter(headings), None)
    sizes = sorted(
        {b.size for b in headings if not (b is title and uses[b.size] == 1 and b.page == 1)},
        reverse=True,
    )
    for block in headings:
        block.level = min(2 + sizes.index(block.size), 4) if block.size in sizes else 2


def _edges(pages: list[Page]) -> dict[tuple[int, int], tuple[float, float]]:
    """The left and right margins of the text on each page and in each column."""
    edges: dict[tuple[int, int], tuple[float, float]] = {}
    for page in pages:
        for line in page.clean_lines:
            x0, x1 = edges.get((line.page, line.column), (line.x0, line.x1))
            edges[(line.page, line.column)] = (min(x0, line.x0), max(x1, line.x1))
    return edges


def _keep_short_lines(
    edges: dict[tuple[int, int], tuple[float, float]],
    blocks: list[Block],
    rows: list[list[Line]],
) -> None:
    """Keep line by line a paragraph whose lines all stop short of the margin (an address)."""
    for block, lines in zip(blocks, rows, strict=True):
        if block.kind != "paragraph" or len(lines) < 2:
            continue
        left, right = edges[(lines[0].page, lines[0].column)]
        if all(line.x1 < right - 0.25 * (right - left) for line in lines[:-1]):
            block.lines = [line.text for line in lines]


def _new_block(line: Line, body_size: float) -> Block:
    text = line.text
    if (rest := _bullet(text)) is not None:
        return Block("bullet", rest, line.page, line.size, line.bold)
    if _NUMBERED.match(text):
        return Block("numbered", text, line.page, line.size, line.bold)
    big = line.size >= body_size * 1.15
    if big or (line.bold and not re.search(r"[.;,]$", text)):
        return Block("heading", text, line.page, line.size, line.bold)
    return Block("paragraph", text, line.page, line.size, line.bold)


# -- the draft -------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """Keep a paragraph's first character from being read as Markdown block syntax."""
    if re.match(r"[#>*+|-]|\d+[.)]\s", text):
        return "\\" + text
    return text


def markdown_body(blocks: list[Block]) -> str:
    """The draft's Markdown: headings, numbered paragraphs, lists and paragraphs."""
    out: list[str] = []
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            chunk = "#" * block.level + " " + block.text
        elif block.kind == "bullet":
            chunk = "- " + block.text
        elif block.kind == "numbered":
            chunk = block.text
        elif block.lines:
            chunk = "  \n".join(_escape(line) for line in block.lines)
        else:
            chunk = _escape(block.text)
        continuing_list = block.kind == "bullet" and i and blocks[i - 1].kind == "bullet"
        if out and not continuing_list:
            out.append("")
        out.append(chunk)
    return "\n".join(out) + "\n"


@dataclass
class Found:
    """A front-matter value read from the document, with where it was found."""

    value: object
    page: int
    evidence: str


_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE = rf"{_DAY}\s+{_MONTH}\s+(\d{{4}})"
_RANGE = re.compile(
    rf"{_DAY}(?:\s+{_MONTH})?(?:\s+(\d{{4}}))?\s*(?:–|-|to|and|until)\s*{_DATE}", re.I
)
_SINGLE = re.compile(_DATE, re.I)


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        from datetime import date

        return date(int(year), MONTHS[month.lower()], int(day)).isoformat()
    except (ValueError, KeyError):
        return None


def _date_range(text: str) -> tuple[str, str] | None:
    if m := _RANGE.search(text):
        d1, m1, y1, d2, m2, y2 = m.groups()
        start, end = _iso(d1, m1 or m2, y1 or y2), _iso(d2, m2, y2)
        if start and end:
            return start, end
    if m := _SINGLE.search(text):
        day = _iso(*m.groups())
        if day:
            return day, day
    return None


def _page_texts(document: Document) -> list[tuple[int, str]]:
    return [(block.page, block.text) for block in document.blocks]


def find_facts(document: Document) -> dict[str, Found]:
    """What the document states of itself: title, dates, lead inspector, publisher, licence."""
    facts: dict[str, Found] = {}
    blocks = document.blocks
    first = [b for b in blocks if b.page == blocks[0].page] if blocks else []
    if first:
        biggest = max(b.size for b in first)
        titles = [b for b in first if b.size == biggest]
        if biggest > document.body_size * 1.05:
            facts["title"] = Found(
                titles[0].text, titles[0].page, "the largest type on the first page"
            )
    texts = _page_texts(document)
    for page, text in texts:
        if "inspected" in facts:
            break
        label = re.search(
            r"(inspection dates?|dates? of (the )?(inspection|visit)|visit dates?)\s*:?\s*(.{0,60})",
            text,
            re.I,
        )
        if label and (found := _date_range(label.group(4))):
            facts["inspected"] = Found(found, page, _quote(label.group(0)))
            continue
        sentence = re.search(
            rf"(inspection|visit)[^.]{{0,160}}?\b(on|between|from)\s+({_DAY}[^.]{{0,40}}?\d{{4}})",
            text,
            re.I,
        )
        if sentence and (found := _date_range(sentence.group(3))):
            facts["inspected"] = Found(found, page, _quote(sentence.group(0)))
    facts.update(_published(blocks, texts))
    for i, (page, text) in enumerate(texts):
        m = re.search(
            r"(?i:lead inspector)\s*:?\s*((?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’-]+?)(?=\s+HMI\b|\s*$|\s*\(|,)",
            text,
        )
        if m:
            name = re.sub(r"\s+HMI$", "", m.group(1))
            facts["lead"] = Found(name, page, _quote(m.group(0)))
            break
        if re.fullmatch(r"Her Majesty['’]s Inspector", text) and i:
            name = texts[i - 1][1]
            if re.fullmatch(r"([A-Z][\w'’.-]+\s+){1,3}[A-Z][\w'’-]+", name):
                facts["lead"] = Found(name, page, f"the signature {name!r}")
                break
        if m := re.fullmatch(
            r"((?:[A-Z][\w'’.-]+\s+){1,3}[A-Z][\w'’-]+)\s+Her Majesty['’]s Inspector", text
        ):
            facts["lead"] = Found(m.group(1), page, f"the signature {text!r}")
            break
    whole = "\n".join(text for _, text in texts)
    if re.search(r"\bOfsted\b", whole):
        page = next(p for p, t in texts if re.search(r"\bOfsted\b", t))
        facts["publisher"] = Found("Ofsted", page, "the document names Ofsted")
    for page, text in texts:
        if "Open Government Licence" in text:
            facts["licence"] = Found("Open Government Licence v3.0", page, _quote(text))
            break
        if m := re.search(r"©\s*Crown copyright\s*\d{4}", text):
            facts["licence"] = Found("Crown copyright", page, _quote(m.group(0)))
            break
    return facts


def _published(blocks: list[Block], texts: list[tuple[int, str]]) -> dict[str, Found]:
    """The document's date: a labelled date, else a date on a line of its own near the top (a
    letter's), else a sentence saying when it was published."""
    for page, text in texts:
        label = re.search(
            rf"(publication date|date of (publication|letter|report)|published)\s*:\s*{_DATE}",
            text,
            re.I,
        )
        if label and (day := _iso(*label.groups()[-3:])):
            return {"published": Found(day, page, _quote(label.group(0)))}
    for block in blocks[:15]:
        for line in block.lines or [block.text]:
            m = re.fullmatch(_DATE, line.strip(), re.I)
            if m and (day := _iso(*m.groups())):
                return {"published": Found(day, block.page, f"the date line {line.strip()!r}")}
    for page, text in texts:
        sentence = re.search(rf"\bpublished\s+(on\s+)?{_DATE}", text, re.I)
        if sentence and (day := _iso(*sentence.groups()[-3:])):
            return {"published": Found(day, page, _quote(sentence.group(0)))}
    return {}


def _quote(text: str, most: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= most else text[:most].rstrip() + "…")


def _yaml_string(text: str) -> str:
    """A YAML scalar for free text: quoted, so that colons and hashes stay text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _slug(text: str, most: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:most].rstrip("-") or "report"


def default_id(facts: dict[str, Found], pdf: Path) -> str:
    """The draft's id: the year and month of the inspection (or publication) and the file's name."""
    when = facts.get("inspected") or facts.get("published")
    day = when.value[0] if when and isinstance(when.value, tuple) else when.value if when else None
    prefix = str(day)[:7] if day else "yyyy-mm"
    return f"{prefix}-{_slug(pdf.stem)}"


def front_matter(facts: dict[str, Found], report_id: str, pdf_name: str, pages: int) -> str:
    """The draft's front matter: found values marked to confirm, missing ones marked to do."""

    def confirm(found: Found) -> str:
        return f"  {CONFIRM} page {found.page}, {found.evidence}"

    out = [
        "---",
        f"# Draft imported from {pdf_name} ({pages} pages) by 'python -m builder import'.",
        f"# Check each value marked '{CONFIRM}' against the document and delete the mark;",
        f"# fill in each '{TODO}'. 'python -m builder compare' measures the text against the PDF.",
        f"id: {report_id}",
    ]
    if title := facts.get("title"):
        out.append(f"title: {_yaml_string(str(title.value))}{confirm(title)}")
    else:
        out.append(f"title: {TODO} the document's own title")
    if kind := facts.get("kind"):
        out.append(f"kind: {kind.value}{confirm(kind)}")
    else:
        out.append(f"kind: {TODO} one of the kinds in content/site.yml")
    if framework := facts.get("framework"):
        out.append(f"framework: {framework.value}{confirm(framework)}")
    else:
        out.append(f"{TODO} framework: an id from content/frameworks.yml, if the report has one")
    if inspected := facts.get("inspected"):
        # cast: find_facts stores the inspection dates as the (start, end) pair of _date_range.
        start, end = cast("tuple[str, str]", inspected.value)
        dates = f"{{start: {start}, end: {end}}}" if start != end else start
        out.append(f"inspected: {dates}{confirm(inspected)}")
    else:
        out.append(f"{TODO} inspected: the inspection or visit dates (not found in the document)")
    if published := facts.get("published"):
        out.append(f"published: {published.value}{confirm(published)}")
    else:
        out.append(f"published: {TODO} the document's date (not found in the document)")
    out.append("authors:")
    if lead := facts.get("lead"):
        out.append(
            f"  - {{name: {_yaml_string(str(lead.value))}, role: Lead inspector}}{confirm(lead)}"
        )
    else:
        out.append(f"  {TODO} '- {{name: …, role: …}}' for each author (not found in the document)")
    if publisher := facts.get("publisher"):
        out.append(f"publisher: {publisher.value}{confirm(publisher)}")
    else:
        out.append(f"publisher: {TODO} who issued the document")
    out.append("source:")
    out.append(
        f"  title: {_yaml_string(pdf_name)}  {TODO} the document's title and where it is published"
    )
    out.append("licence:")
    if licence := facts.get("licence"):
        out.append(f"  name: {_yaml_string(str(licence.value))}{confirm(licence)}")
    else:
        out.append(f"  name: {TODO} the document's reuse terms")
    out.append("---")
    return "\n".join(out) + "\n"


def project_vocabulary(content: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The project's report kinds (id -> label) and frameworks (id -> title), where readable."""
    import yaml

    def load(name: str):
        try:
            return yaml.safe_load((content / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return None

    site = load("site.yml")
    kinds = site.get("kinds") if isinstance(site, dict) else None
    frameworks = load("frameworks.yml")
    return (
        {str(k): str(v) for k, v in kinds.items()} if isinstance(kinds, dict) else {},
        {
            str(f["id"]): str(f["title"])
            for f in frameworks
            if isinstance(f, dict) and f.get("id") and f.get("title")
        }
        if isinstance(frameworks, list)
        else {},
    )


def _plain(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def match_vocabulary(
    document: Document, facts: dict[str, Found], kinds: dict[str, str], frameworks: dict[str, str]
) -> dict[str, Found]:
    """The kind whose label the title holds, and the framework whose title the text names."""
    found: dict[str, Found] = {}
    if title := facts.get("title"):
        for kind, label in kinds.items():
            if label and _plain(label) in _plain(str(title.value)):
                found["kind"] = Found(kind, title.page, f"the title says {label!r}")
                break
    # The longest framework title named in the first pages (without a parenthesised acronym).
    names = sorted(
        ((fid, _plain(re.sub(r"\s*\([^)]*\)", "", t))) for fid, t in frameworks.items()),
        key=lambda item: -len(item[1]),
    )
    for block in document.blocks:
        if block.page > 3:
            break
        text = _plain(block.text)
        hit = next(((fid, n) for fid, n in names if len(n) > 12 and n in text), None)
        if hit:
            found["framework"] = Found(hit[0], block.page, f"the text names {hit[1]!r}")
            break
    return found


def draft(
    pdf: Path, name: str, report_id: str | None = None, content: Path | None = None
) -> tuple[str, Document]:
    """The draft edition of a PDF as text, and the document read from it."""
    document = read_pdf(pdf, name)
    facts = find_facts(document)
    if content is not None:
        facts.update(match_vocabulary(document, facts, *project_vocabulary(content)))
    head = front_matter(
        facts, report_id or default_id(facts, pdf), Path(name).name, len(document.pages)
    )
    return head + "\n" + markdown_body(document.blocks), document


def unconfirmed(text: str) -> list[tuple[int, str]]:
    """Lines of a report's front matter still marked for the editor: (line number, the mark)."""
    marks: list[tuple[int, str]] = []
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return marks
    for number, line in enumerate(lines[1:], 2):
        if line.strip() == "---":
            break
        for mark in (CONFIRM, TODO):
            at = line.find(mark)
            if at != -1 and not line.lstrip().startswith(("# Check", "# fill", "# Draft")):
                marks.append((number, line[at + 2 :].strip()))
                break
    return marks


# -- the command -----------------------------------------------------------------------------


def _exists(out: Path) -> int:
    from builder.load.load import display_path

    print(
        f"{display_path(out)}: error: the file already exists; not overwritten "
        "(hint: add --force to replace it)",
        file=sys.stderr,
    )
    return 1


def run(args) -> int:
    """The `import` command: write the draft; one `path: error: message` line and exit 1 on error."""
    from builder.load.load import display_path

    pdf = Path(args.pdf)
    name = display_path(pdf)
    out = Path(args.out) if args.out else None
    report_id = out.stem if out else None
    if out and out.exists() and not args.force:
        return _exists(out)
    try:
        text, document = draft(pdf, name, report_id, Path(args.root) / "content")
    except PdfError as error:
        print(f"{error.path}: error: {error.message}", file=sys.stderr)
        return 1
    if out is None:
        first = text.split("\n")
        report_id = next(line[4:] for line in first if line.startswith("id: "))
        out = Path(args.root) / "content" / "reports" / f"{report_id}.md"
    shown = display_path(out)
    if out.exists() and not args.force:
        return _exists(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"{shown}: error: cannot write the draft: {error.strerror or error}", file=sys.stderr)
        return 1
    if document.imageonly:
        numbers = ", ".join(str(n) for n in document.imageonly)
        print(
            f"{name}: warning: no text on page{'s' if len(document.imageonly) > 1 else ''} "
            f"{numbers} (scanned images?): the draft lacks their words",
            file=sys.stderr,
        )
    marks = len(unconfirmed(text))
    counts = Counter(block.kind for block in document.blocks)
    print(
        f"{shown}: draft written from {len(document.pages)} pages: {counts['numbered']} numbered "
        f"paragraphs, {counts['heading']} headings, {counts['bullet']} list items; "
        f"{marks} front-matter values to confirm or fill in",
        file=sys.stderr,
    )
    return 0


def register(commands) -> None:
    """Add the `import` subcommand to the command line."""
    i = commands.add_parser(
        "import",
        help="turn a published report PDF into a draft edition",
        description="Read a report PDF and write a draft edition: the text as Markdown with its "
        "paragraph numbers, headings and lists, page furniture removed, and front matter "
        "pre-filled from the document, each value marked for the editor to confirm.",
    )
    i.add_argument("pdf", metavar="FILE.pdf", help="the published report")
    i.add_argument(
        "--out",
        help="the draft's path (default: ROOT/content/reports/ID.md, the id made from the "
        "inspection's year and month and the file's name)",
    )
    i.add_argument(
        "--root",
        default=".",
        help="project folder holding content/, whose report kinds and frameworks the draft "
        "may name (default: .)",
    )
    i.add_argument("--force", action="store_true", help="replace the file at --out if it exists")
    i.set_defaults(run=run)
