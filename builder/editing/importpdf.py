"""Turn a published report PDF into a draft edition: Markdown body and pre-filled front matter.

The text is read with pdfminer.six, which gives every line's position, font and size: enough to
drop running headers, footers and page numbers (lines repeated at the top or foot of pages), to
read two-column pages column by column, to tell headings from body text, and to rejoin words
broken across lines. Every value the draft's front matter takes from the document carries a
`# confirm:` comment saying where it was found; `unconfirmed()` lists them for the editor.
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import functools
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from builder.editing.importfindings import (
    GRADE_WORDS,
    Block,
    Document,
    Grid,
    Judged,
    Line,
    OwnRecommendation,
    Page,
    board_scope,
    find_judgements,
    find_recommendations,
    find_table,
)
from builder.editing.importtables import find_grids
from builder.editing.suggest import ThemeTerms, annotation_lines, project_themes, suggestions

# The packages the `import` extra brings, named as pip finds them today (the tool is not on PyPI).
HINT_INSTALL = (
    "reading PDFs needs pdfminer.six "
    "(hint: pip install 'pdfminer.six>=20231228' 'pypdfium2>=4.30' 'pyspellchecker>=0.8')"
)

BULLETS = "•\uf0b7▪◦‣●■∙·\uf0a7\uf076\uf0d8◼\uf06e\uf06c\uf0fc\uf0a8"
# Glyphs of a second-level item: a dash (Symbol's private-use dash, a minus, an en dash).
SUB_BULLETS = "\uf02d−–-"
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
# A gap between two characters of a line wider than this many type sizes sets two cells apart.
WIDE_GAP = 0.7
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


# -- reading ---------------------------------------------------------------------------------


def _pdfminer() -> tuple[Any, Any] | None:
    try:
        from pdfminer import high_level, layout
    except ImportError:
        return None
    return high_level, layout


def _marked_text(layout_line: Any, size: float) -> tuple[str, str | None]:
    """The line's text with footnote marks (small raised digits after a word) as '[^N]', and the
    number a footnote's own text begins with (None for any other line)."""
    from pdfminer.layout import LTChar

    pieces: list[str] = []
    marks: list[str] = []  # the digits of the mark being read
    base = layout_line.y0
    leading = 0.0  # the size of the raised digits before the line's first word, if any
    first = True  # nothing but spaces read yet

    def flush() -> None:
        nonlocal first
        if marks:
            pieces.append(f"[^{''.join(marks)}]")
            marks.clear()
            first = False

    for item in layout_line:
        ch = item.get_text()
        # Raised digits: smaller than the text, or any size before its first word (a
        # footnote's number may be set in its text's own size).
        raised = (
            isinstance(item, LTChar)
            and ch.isdigit()
            and item.y0 > base + size * 0.2
            and (item.size <= size * 0.8 or first)
        )
        if raised:
            marks.append(ch)
            if first:
                leading = max(leading, item.size)
            continue
        flush()
        pieces.append(ch)
        first = first and not ch.strip()
    flush()
    text = " ".join("".join(pieces).translate(_LIGATURES).split())
    if m := re.match(r"^\[\^(\d+)\]\s*(?=\S)", text):
        if leading <= size * 0.4:
            # Far smaller than the words it stands before (3 pt before a 14 pt heading): a mark
            # on the line, not a footnote's number. It goes after the words, as marks do.
            return f"{text[m.end() :]}{m.group(0).strip()}", None
        return text[m.end() :], m.group(1)
    # A mark must follow a word or punctuation: one standing alone is a number set small.
    text = re.sub(r"(?:(?<=^)|(?<=\s))\[\^(\d+)\]", r"\1", text)
    return text, None


def _spans(layout_line: Any, size: float, text: str) -> list[tuple[float, float, str]]:
    """The parts of one line set apart by a gap wider than a word space (a table's cells), or
    none when the line is one run of words or its parts do not spell its text exactly."""
    from pdfminer.layout import LTChar

    parts: list[tuple[float, float, list[str]]] = []
    for item in layout_line:
        ch = item.get_text()
        if not (isinstance(item, LTChar) and ch.strip()):
            if parts:
                parts[-1][2].append(ch)
            continue
        if parts and item.x0 - parts[-1][1] <= WIDE_GAP * size:
            parts[-1] = (parts[-1][0], item.x1, [*parts[-1][2], ch])
        else:
            parts.append((item.x0, item.x1, [ch]))
    if len(parts) < 2:
        return []
    spans = [(x0, x1, " ".join("".join(t).translate(_LIGATURES).split())) for x0, x1, t in parts]
    if " ".join(span[2] for span in spans) != text:
        return []  # a footnote mark set apart: the line is read whole
    return spans


def _line_from(layout_line: Any, page_number: int, height: float) -> Line | None:
    from pdfminer.layout import LTChar

    if not layout_line.get_text().strip():
        return None
    chars = [c for c in layout_line if isinstance(c, LTChar) and c.get_text().strip()]
    sizes = [round(c.size, 1) for c in chars] or [round(layout_line.height, 1)]
    size = statistics.median(sizes)
    text, footnote = _marked_text(layout_line, max(sizes))
    if not text:
        return None
    bold = bool(chars) and all(
        re.search(r"bold|black|heavy|semibold|,b$", c.fontname, re.I) for c in chars
    )
    return Line(
        spans=_spans(layout_line, size, text),
        text=text,
        x0=layout_line.x0,
        x1=layout_line.x1,
        top=height - layout_line.y1,
        bottom=height - layout_line.y0,
        size=size,
        bold=bold,
        page=page_number,
        footnote=footnote,
    )


def _text_lines(item: Any, page_number: int, height: float) -> list[Line]:
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
            if number > MAX_PAGES:
                raise PdfError(
                    name, f"the PDF has more than {MAX_PAGES} pages: not a report to import"
                )
            if (deadline := _DEADLINE.get()) is not None and time.monotonic() > deadline:
                raise _TimeUp  # no timer could be set: the time is looked at page by page
            page = Page(number, lt_page.width, lt_page.height)
            page.lines = _text_lines(lt_page, number, lt_page.height)
            pages.append(page)
    except (PdfError, MemoryError, _TimeUp):
        raise  # MemoryError: a stream that expands past the worker's cap, said by the command
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
    for page in pages:
        if table := find_table(page.clean_lines, page.width, page.number):
            page.tables.append(table)
        taken = {id(line) for table in page.tables for line in table.lines}
        page.grids = find_grids(page.clean_lines, taken, _starts_item)
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


def _running(text: str) -> str:
    """A margin line without its numbers: a running footer set '3 Title' on even pages and
    'Title 3' on odd ones is one line."""
    return " ".join(re.sub(r"\d+", " ", text.lower()).split())


def _remove_furniture(pages: list[Page]) -> None:
    """Drop running headers, footers and page numbers: lines repeated in the margins of pages,
    of the whole document or of one part of it (a combined report's second part has a running
    footer of its own, on most of its pages)."""
    seen: Counter[tuple[str, str]] = Counter()
    where: dict[tuple[str, str], list[int]] = {}
    for number, page in enumerate(pages):
        keys = {(z, _key(line.text)) for line in page.lines if (z := _zone(line, page))}
        seen.update(keys)
        for z, text in {
            (z, _running(line.text)) for line in page.lines if (z := _zone(line, page))
        }:
            where.setdefault((z, text), []).append(number)
    least = max(2, round(len(pages) * 0.4))

    def in_a_run(zone: str, text: str) -> bool:
        found = where.get((zone, _running(text)), [])
        return len(found) >= 4 and len(found) >= 0.6 * (found[-1] - found[0] + 1)

    for page in pages:
        kept = []
        for line in page.lines:
            zone = _zone(line, page)
            key = _key(line.text)
            if zone and (
                seen[(zone, key)] >= least or _PAGE_NUMBER.match(key) or in_a_run(zone, line.text)
            ):
                continue
            kept.append(line)
        page.lines = kept


_CONTENTS_ENTRY = re.compile(r"\S.*?(\s*\.{3,}\s*|\s+)\d{1,3}$")


def _remove_contents(pages: list[Page]) -> None:
    """Drop each contents list (a combined report has one per part): a 'Contents' line and the
    entries after it that end in page numbers."""
    for page in pages:
        lines = page.clean_lines
        start = next(
            (i for i, line in enumerate(lines) if line.text.strip().lower() == "contents"), None
        )
        if start is None:
            continue
        end = start + 1
        # An entry may wrap, and a section's parts may be listed without page numbers: up to
        # two lines without a number are kept in when an entry with one follows. A footnote at
        # the page's foot is never an entry.
        while end < len(lines) and not lines[end].footnote:
            ahead = next(
                (
                    n
                    for n in range(1, 4)
                    if end + n <= len(lines)
                    and not any(line.footnote for line in lines[end : end + n])
                    and _CONTENTS_ENTRY.fullmatch(lines[end + n - 1].text)
                ),
                None,
            )
            if ahead is None:
                break
            end += ahead
        if end - start > 2:  # a heading and at least two entries
            del lines[start:end]


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
                pieces=[(line.x0, line.x1, line.text) for line in group],
                spans=[
                    span for line in group for span in line.spans or [(line.x0, line.x1, line.text)]
                ],
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
    if text[:1] in SUB_BULLETS and text[1:2] == " ":
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
    if re.search(r"[A-Za-z0-9][-‐]$", text) and more[:1].isdigit():
        return text + more  # '2012-' '13', 'mid-' '2012': a range, or a compound with a number
    if re.search(r"\d[-‐]$", text) and more[:1].isalpha():
        if re.match(r"(and|or|to)\b", more):
            return f"{text} {more}"  # '16-' 'and 17-year-olds': a hyphen left hanging
        return text + more  # '17-' 'year-olds': a number's compound keeps its hyphen
    m = re.search(r"([A-Za-z]+)[-‐]$", text)
    if m is None or not more[:1].isalpha():
        return f"{text} {more}"
    head = m.group(1).lower()
    tail = re.match(r"[^\W\d_]*", more).group(0).lower()  # type: ignore[union-attr]
    if more[:1].isupper():
        # 'Multi-' 'Agency', 'Wi-' 'Fi': a compound the document writes elsewhere, or one of
        # a common prefix, keeps its hyphen; any other may be a dash set close ('Years- Early').
        if head in COMPOUND_PREFIXES or f"{head}-{tail}" in vocabulary:
            return text + more
        return f"{text} {more}"
    if f"{head}-{tail}" in vocabulary or re.search(r"[-‐][A-Za-z]+[-‐]$", text):
        return text + more  # as written elsewhere, or a chain: 'day-to-' 'day'
    if f"{head}{tail}" in vocabulary:
        return text[:-1] + more
    if head in COMPOUND_PREFIXES or (head.endswith("ly") and len(head) > 4):
        return text + more
    if head in ("re", "de") and tail[:1] == "e":
        return text + more  # 're-' 'establish', 'de-' 'escalate': the two e's kept apart
    if len(head) > 1 and len(tail) > 1 and head in vocabulary and tail in vocabulary:
        return text + more  # both halves are words of the document: 'awareness-raising'
    words = _dictionary()
    if words is not None and len(head) > 1 and len(tail) > 1:
        if f"{head}{tail}" not in words and head in words and tail in words:
            return text + more  # both halves are words, the two together are not
    return text[:-1] + more


@functools.cache
def _dictionary() -> Any:
    """English words (pyspellchecker's word list), to tell 'awareness-' 'raising' (two words,
    one compound) from 'arrange-' 'ments' (one word broken); None when it is not installed."""
    try:
        from spellchecker import SpellChecker
    except ImportError:
        return None
    return SpellChecker(language="en", distance=1)


def _vocabulary(pages: list[Page]) -> frozenset[str]:
    """Every word of the document as written whole within a line, hyphenated compounds included.

    The pieces of a word broken at a line's end (the word before the hyphen, the first word of
    the next line) do not count: they are what the vocabulary is asked about.
    """
    found: set[str] = set()
    broken = False  # whether the line before ended in a hyphen
    for page in pages:
        for line in page.clean_lines:
            text = line.text.lower().replace("‐", "-")
            words = re.findall(r"[a-z]+(?:-[a-z]+)*", text)
            ends_broken = bool(re.search(r"[a-z]-$", text))
            if ends_broken and words:
                words = words[:-1]
            if broken and words:
                words = words[1:]
            found.update(words)
            broken = ends_broken
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
    body: tuple[int, Line] | None = None  # the last block and line of the text, not a footnote
    tabled, headed, beside = _tables(pages)
    written: set[int] = set()
    last_number = 0  # the last numbered paragraph's number
    for page in pages:
        for at, line in enumerate(page.clean_lines):
            if (heading := headed.get(id(line))) is not None:
                # A heading with its grade set beside it: the heading whole, then the grade.
                first, *others = heading.rows[0]
                block = _new_block(Line(**{**line.__dict__, "text": first}), body_size)
                blocks.append(block)
                rows.append([line])
                for text in filter(None, others):
                    blocks.append(Block("paragraph", text, line.page, line.size, line.bold))
                    rows.append([line])
                previous = None
                continue
            if id(line) in beside:
                continue
            if (table := tabled.get(id(line))) is not None:
                if id(table) not in written:
                    written.add(id(table))
                    blocks.append(Block("table", "", line.page, line.size, False, rows=table))
                    rows.append([line])
                previous = None
                continue
            index = len(blocks) - 1
            if blocks and blocks[-1].kind == "footnote" and body is not None and not line.footnote:
                if previous is body[1]:
                    # The text resumed past the notes goes on where it resumed, line after line.
                    index = body[0]
                elif not (previous is not None and _same_style(previous, line, body_size)):
                    # Past the notes at a page's foot, the text runs on from where it stopped.
                    index, previous = body
            last = blocks[index] if blocks else None
            same_style = previous is not None and _same_style(previous, line, body_size)
            if (
                previous is None
                or (last is not None and last.kind == "table")
                or last is None
                or not same_style
                or (_starts_item(line.text) and not _wrapped_number(line, previous, last_number))
                or line.footnote
                # A cover's lines in large type: a date's label starts its own line ('Report
                # published: …'), and a lone 'and' between two titles stands apart from both.
                or _DATE_LABEL.match(line.text)
                or (previous.text == "and" and previous.bold != line.bold)
            ):
                starts = True
            elif previous.page != line.page or (
                previous.column != line.column and line.top < previous.bottom
            ):
                # A paragraph runs on over a page or column break unless it had ended: its last
                # line ends a sentence and stops short of the margin.
                left, right = edges[(previous.page, previous.column)]
                short = previous.x1 < right - 0.1 * (right - left)
                starts = last.kind == "heading" or (
                    short
                    and bool(re.search(r"[.!?:]$", last.text))
                    and not line.text[:1].islower()
                    and not (last.kind == "numbered" and _hangs_on(rows[index], line, edges))
                )
            else:
                # Larger type has larger leading: scale the paragraph gap with the type size.
                step = leading * max(1.0, line.size / body_size) * 1.3
                gap = line.bottom - previous.bottom
                # A sentence of the text that has not ended goes on in lower case in line with
                # it, over a gap a little wider than a line's (a PDF sometimes sets one
                # mid-paragraph). Not so a title's lines ('…care leavers' / 'and').
                runs_on = (
                    gap < 2 * step
                    and line.size < body_size * 1.15
                    and line.text[:1].islower()
                    and not re.search(r"[.!?:;]$", previous.text)
                    and abs(line.x0 - previous.x0) < 0.5 * line.size
                )
                # A gap well wider than the block's own spacing so far ends it too: a cover's
                # title in large type is set closer than the body's usual distance.
                own = rows[index][-2:] if len(rows[index]) > 1 else []
                wider = (
                    len(own) == 2
                    and own[0].page == own[1].page == line.page
                    and gap > 1.2 * (own[1].bottom - own[0].bottom) + 0.1 * line.size
                )
                starts = (gap > step or wider) and not runs_on
            if (
                starts
                and last is not None
                and last.kind == "bullet"
                and _lead_in(line, page.clean_lines[at + 1 : at + 2], rows[index])
            ):
                starts = False  # 'Of this number:' over an item's sub-list is the item's
            if starts:
                block = _new_block(line, body_size)
                if block.kind == "bullet" and last is not None and last.kind == "bullet":
                    # A dash under a top-level item, or an item set in from the level before,
                    # opens a level; an item set out closes levels until it is in line with
                    # one (a dash never closes the first sub-level). A list of dashes alone
                    # is one level.
                    dash = line.text[:1] in SUB_BULLETS
                    under = dash and rows[index][0].text[:1] not in SUB_BULLETS
                    levels = list(last.levels or (last.x0,))
                    if block.x0 > levels[-1] + 0.8 * body_size or (under and len(levels) == 1):
                        levels.append(block.x0)
                    else:
                        while len(levels) > (2 if dash else 1) and block.x0 < levels[-1] - 1:
                            levels.pop()
                    block.levels = tuple(levels)
                    block.depth = len(levels) - 1
                blocks.append(block)
                rows.append([line])
                index = len(blocks) - 1
            else:
                assert last is not None  # a line joins a block only once one has started
                last.text = _join(last.text, line.text, vocabulary)
                rows[index].append(line)
            if blocks[index].kind != "footnote":
                body = (index, line)
            if blocks[index].kind == "numbered" and (m := _NUMBERED.match(blocks[index].text)):
                last_number = int(m.group(1))
            previous = line
    for block, following in zip(blocks, [*blocks[1:], None], strict=True):
        if _verdict_heading(block, following, body_size, blocks[0].page):
            block.kind = "heading"
        # Bold body text that runs on or ends a sentence is a paragraph, not a heading.
        elif block.kind == "heading" and block.size < body_size * 1.15:
            if len(block.text.split()) > 20 or re.search(r"[.;,]$", block.text):
                block.kind = "paragraph"
            # Bold alone does not make a heading of a label and its value ('Lead inspector:
            # Ian Young', 'Inspection dates: 8 July 2013'), nor of a lone word ('and').
            elif (
                re.search(r"\w:\s+[A-Z0-9]", block.text)
                or len(block.text.split()) == 1
                and block.text.islower()
            ):
                block.kind = "paragraph"
        # A cover sets its dates in large type: a label and its value ('Inspection date: 18
        # November – 10 December 2014'), a sentence other than its verdict, or a lone 'and'
        # between two titles is no heading. So is a date line on the cover of a combined
        # report's second part. Its verdict heads the report, full stop or none ('The
        # effectiveness of the LSCB is good.', 'Children's services in Sutton are good').
        elif block.kind == "heading" and (
            _DATE_LABEL.match(block.text)
            or block.page == blocks[0].page
            and (
                re.search(r"\w:\s+[A-Z0-9]", block.text)
                or (
                    re.search(r"\.$", block.text)
                    and len(block.text.split()) >= 3
                    and not _one_verdict(block.text)
                )
                or block.text.strip() == "and"
            )
        ):
            block.kind = "paragraph"
    _heading_levels(blocks)
    _keep_short_lines(edges, blocks, rows)
    return blocks


def _lead_in(line: Line, after: list[Line], item: list[Line]) -> bool:
    """Whether a line of plain text that ends in a colon, after a list item and before a bullet
    set in deeper than that item, leads the item's sub-list in ('Of this number:'): the item's
    words, so that its sub-items stay under it."""
    size = line.size
    return (
        line.text.endswith(":")
        and not line.bold
        and not line.footnote
        and not _starts_item(line.text)
        and item[-1].page == line.page
        and line.bottom - item[-1].bottom < 3 * size
        and line.x0 > item[0].x0 - 0.5 * size
        and bool(after)
        and _bullet(after[0].text) is not None
        and after[0].x0 > item[0].x0 + 0.8 * size
    )


def _verdict_heading(block: Block, following: Block | None, body_size: float, cover: int) -> bool:
    """Whether a bold sentence of body type that gives a grade, standing alone over numbered
    paragraphs or a list, heads its section: a 2013-18 single inspection names each judgement's
    section with its verdict ('The graded judgement for adoption performance is good.'). Not so
    on the cover, whose verdicts are paragraphs, nor a sentence among others, nor a bold
    sentence without a grade ('Ofsted will take the findings … into account')."""
    return (
        block.kind in ("heading", "paragraph")
        and block.bold
        and abs(block.size - body_size) < 0.1 * body_size
        and block.page != cover
        and block.text.endswith(".")
        and _one_verdict(block.text)
        and following is not None
        and following.kind in ("numbered", "bullet")
        and not following.bold
    )


_VERDICT = re.compile(rf"(?i)\b({GRADE_WORDS})\b")


def _one_verdict(text: str) -> bool:
    """Whether a text is one short sentence that gives a grade ('The overall judgement is good.')."""
    return (
        len(text.split()) <= 25
        and not re.search(r"[.!?]\s+[A-Z]", text)
        and bool(_VERDICT.search(text))
    )


# The labels of a cover's date lines.
_DATE_LABEL = re.compile(
    r"(?i)(inspection dates?|report published|dates? of (the )?(inspection|visit)|visit dates?)"
    r"\s*:\s*\S"
)


def _tables(
    pages: list[Page],
) -> tuple[dict[int, list[list[str]]], dict[int, Grid], set[int]]:
    """The tables by the id of each of their lines; the headings with a grade beside them by
    the id of their first line; the ids of those headings' other lines."""
    tabled: dict[int, list[list[str]]] = {}
    for page in pages:
        for table in page.tables:
            cells = [list(row) for row in [table.header or ("", "")] + table.rows]
            tabled.update((id(line), cells) for line in table.lines)
        for grid in page.grids:
            if not grid.heading:
                rows = grid.rows if grid.headed else [[""] * len(grid.rows[0]), *grid.rows]
                tabled.update((id(line), rows) for line in grid.lines)
    headed = {id(grid.lines[0]): grid for page in pages for grid in page.grids if grid.heading}
    beside = {id(line) for grid in headed.values() for line in grid.lines[1:]}
    return tabled, headed, beside


def _hangs_on(
    lines: list[Line], line: Line, edges: dict[tuple[int, int], tuple[float, float]]
) -> bool:
    """Whether a line on a new page or column is set at the hanging indent of a numbered
    paragraph's lines (the paragraph's number stands out to the left of them): the paragraph
    runs on, though the page before it ended on a sentence."""
    first, *rest = lines
    if not rest:
        return False

    def indent(x: Line) -> float:
        return x.x0 - edges[(x.page, x.column)][0]

    hang = indent(rest[-1])
    return indent(first) < hang - first.size and abs(indent(line) - hang) < 0.5 * first.size


def _wrapped_number(line: Line, previous: Line | None, last_number: int) -> bool:
    """Whether a line that begins 'N. ' is a sentence's end wrapped onto it ('children aged' /
    '16. This…'), not a paragraph: the line before stops mid-sentence and N is not the next."""
    m = _NUMBERED.match(line.text)
    if not m or previous is None or int(m.group(1)) == last_number + 1:
        return False
    return not re.search(r"[.!?:;)’”]$", previous.text)


def _same_style(a: Line, b: Line, body_size: float) -> bool:
    """Lines of one paragraph or heading: one size, and one weight unless the type is large
    (a title in large type may set a word in another weight and is still one title)."""
    if abs(a.size - b.size) >= 0.1 * body_size:
        return False
    return a.bold == b.bold or a.size >= body_size * 1.15


def _heading_levels(blocks: list[Block]) -> None:
    """Number heading levels by type size, largest '##'; a cover title's size does not count, and
    no heading is more than one level below the heading before it."""
    headings = [b for b in blocks if b.kind == "heading"]
    uses = Counter(b.size for b in headings)
    title = next(iter(headings), None)
    sizes = sorted(
        {b.size for b in headings if not (b is title and uses[b.size] == 1 and b.page == 1)},
        reverse=True,
    )
    # A combined report's parts each open with a cover title in the largest type, first on its
    # page: that size does not count either, when it is far larger than any other.
    if len(sizes) > 1 and sizes[0] >= 1.5 * sizes[1]:
        firsts: dict[int, Block] = {}
        for b in blocks:
            firsts.setdefault(b.page, b)
        if all(firsts[b.page] is b for b in headings if b.size == sizes[0]):
            sizes.pop(0)
    previous = 1  # the page's title; the report's own headings start at '##'
    for block in headings:
        level = min(2 + sizes.index(block.size), 4) if block.size in sizes else 2
        # A heading is at most one level below the one before it: a size used only on the
        # cover must not leave the body's first headings a level short (h2, then h4).
        block.level = previous = min(level, previous + 1)


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
    if line.footnote:
        return Block("footnote", text, line.page, line.size, line.bold, note=line.footnote)
    if (rest := _bullet(text)) is not None:
        return Block("bullet", rest, line.page, line.size, line.bold, x0=line.x0)
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


_MARK = re.compile(r"\[\^(\d+)\]")
_BOARD = re.compile(r"\bLSCB\b|safeguarding children board", re.I)


def _footnote_labels(blocks: list[Block]) -> tuple[dict[int, list[str]], dict[int, str]]:
    """Labels for the footnote marks of each block, and for each footnote block, pairing the
    k-th mark N with the k-th footnote N (numbering may start again in a later section)."""
    marks: dict[str, int] = Counter()
    notes: dict[str, int] = Counter()
    defined: Counter[str] = Counter(b.note for b in blocks if b.kind == "footnote")
    mark_labels: dict[int, list[str]] = {}
    note_labels: dict[int, str] = {}
    for i, block in enumerate(blocks):
        if block.kind == "footnote":
            notes[block.note] += 1
            k = notes[block.note]
            note_labels[i] = block.note if k == 1 else f"{block.note}-{k}"
            continue
        labels = []
        for number in _MARK.findall(block.text):
            marks[number] += 1
            k = marks[number]
            labels.append("" if k > defined[number] else number if k == 1 else f"{number}-{k}")
        mark_labels[i] = labels
    return mark_labels, note_labels


def _with_labels(text: str, labels: list[str]) -> str:
    """A block's text with each footnote mark labelled, or its number as printed without a note."""
    queue = iter(labels)

    def label(m: re.Match[str]) -> str:
        name = next(queue, "")
        return f"[^{name}]" if name else m.group(1)

    return _MARK.sub(label, text)


def _markdown_table(rows: list[list[str]]) -> str:
    """A Markdown table; its first row is the header: the printed one, else one of empty cells
    (which the site renders as no header, each row named by its first cell)."""

    def cell(text: str) -> str:
        return " ".join(text.replace("|", "\\|").split())

    lines = ["| " + " | ".join(cell(text) for text in row) + " |" for row in rows]
    rule = "| " + " | ".join("---" for _ in rows[0]) + " |"
    return "\n".join([lines[0], rule, *lines[1:]])


def markdown_body(blocks: list[Block]) -> str:
    """The draft's Markdown: headings, numbered paragraphs, lists, paragraphs and footnotes."""
    out: list[str] = []
    mark_labels, note_labels = _footnote_labels(blocks)
    referenced = {label for labels in mark_labels.values() for label in labels if label}
    notes: list[str] = []
    numbers: set[str] = set()
    runs = 1  # how many times the numbering has started
    since: list[int] = []  # where the headings since the last numbered paragraph are in `out`
    previous: Block | None = None
    for i, block in enumerate(blocks):
        if block.kind == "footnote":
            if note_labels[i] in referenced:
                notes.append(f"[^{note_labels[i]}]: {block.text}")
                continue
            chunk = _escape(f"{block.note} {block.text}")  # a note no mark points to: as printed
        else:
            text = _with_labels(block.text, mark_labels.get(i, []))
            if block.kind == "table":
                chunk = _markdown_table(block.rows)
            elif block.kind == "heading":
                chunk = "#" * block.level + " " + text
                since.append(len(out) + (1 if out else 0))
            elif block.kind == "bullet":
                chunk = "    " * block.depth + "- " + text
            elif block.kind == "numbered":
                number = _NUMBERED.match(text)
                chunk = text
                if number and number.group(1) in numbers:
                    if number.group(1) == "1" and since:
                        # Numbering starts again (a second report bound in): the heading over it
                        # says so, and its paragraphs are cited under a label of their own.
                        runs += 1
                        named = " ".join(out[at] for at in since)
                        label = "LSCB" if _BOARD.search(named) else f"Part {runs}"
                        out[since[-1]] += " {: numbering=" + label + " }"
                        numbers = set()
                    else:
                        chunk = "\\" + text  # a number printed twice stays printed text
                numbers.add(number.group(1) if number else "")
                since = []
            elif block.lines:
                chunk = "  \n".join(_escape(line) for line in block.lines)
            else:
                chunk = _escape(text)
        continuing_list = (
            block.kind == "bullet" and previous is not None and previous.kind == "bullet"
        )
        if out and not continuing_list:
            out.append("")
        out.append(chunk)
        previous = block
    if notes:
        out.append("")
        out.extend(notes)
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


_WHAT_IT_IS = re.compile(
    r"(?i)^((re-)?inspection of|review of|focused visit|monitoring visit|joint targeted area)\b"
)


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
                _MARK.sub("", titles[0].text), titles[0].page, "the largest type on the first page"
            )
        # A cover that names the organisation in its largest type gives the report's title
        # in the heading that says what the document is.
        named = next((b for b in first if b.kind == "heading" and _WHAT_IT_IS.match(b.text)), None)
        if named is not None and named is not (titles[0] if titles else None):
            facts["title"] = Found(
                _MARK.sub("", named.text), named.page, "the heading that says what the report is"
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
            r"((?i:lead|reporting) inspector)\s*:?\s*((?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’-]+?)"
            r"(?=\s+HMI\b|\s+(?:Her|His) Majesty|\s*$|\s*\(|,)",
            text,
        )
        if m:
            name = re.sub(r"\s+HMI$", "", m.group(2))
            facts["lead"] = Found(name, page, _quote(m.group(0)))
            # The role as printed: the 2013 inspections of looked after children had a
            # 'Reporting inspector'.
            facts["lead_role"] = Found(m.group(1).capitalize(), page, _quote(m.group(0)))
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
    if earlier := _earlier_inspections(texts, facts.get("inspected")):
        facts["earlier"] = earlier
    for page, text in texts:
        if "Open Government Licence" in text:
            # The words that name it, not the start of a paragraph that may be about Ofsted.
            naming = re.search(r"(?:[^\s.]+\s+){0,6}Open Government Licence\b(?: v?3\.0)?", text)
            said = naming.group(0) if naming else text
            facts["licence"] = Found("Open Government Licence v3.0", page, _quote(said.strip(), 80))
            if "nationalarchives.gov.uk/doc/open-government-licence" in text:
                facts["licence_url"] = Found(OGL_URL, page, "the address the document gives")
            break
        if m := re.search(r"©\s*Crown copyright\s*\d{4}", text):
            facts["licence"] = Found("Crown copyright", page, _quote(m.group(0)))
            break
    # The terms as the document words them: who may reuse its text, and how.
    for page, text in texts:
        if terms := _REUSE.search(text):
            facts["licence_text"] = Found(terms.group(0), page, "the document's reuse terms")
            break
    return facts


_MONTH = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) )?"
)
# A report speaking of an inspection before it: 'since the last inspection in 2012', 'at its
# previous ILACS inspection in June 2019', 'The last inspection report for the local authority's
# children's services was published in September 2015', 'the 2015 Ofsted inspection'.
_EARLIER = re.compile(
    r"\b(?:[Ss]ince|[Aa]t|[Ii]n) (?:the|its) (?:last|previous) (?:[A-Za-z]+ ){0,3}?inspections?"
    rf"(?: of [^.,;]{{0,60}}?)?(?: in| of)? {_MONTH}((?:19|20)\d{{2}})\b"
    r"|\b(?:[Tt]he|[Ii]ts) (?:last|previous) inspection report\b[^.;]{0,80}? published in "
    rf"{_MONTH}((?:19|20)\d{{2}})\b"
    r"|\b(?:[Tt]he|[Ii]ts) ((?:19|20)\d{2}) (?:Ofsted |[A-Z]{2,5} )?inspection\b"
    r"(?! (?:framework|handbook|guidance|schedule))"
)


def _earlier_inspections(texts: list[tuple[int, str]], inspected: Found | None) -> Found | None:
    """The first words a report uses of an inspection before its own, each year once (three at
    most), with the page of the first: for an editor to see that the collection holds it."""
    own = str(cast("tuple[str, str]", inspected.value)[0])[:4] if inspected else ""
    quotes: list[str] = []
    years: set[str] = set()
    page = 0
    for at, text in texts:
        for m in _EARLIER.finditer(text):
            year = next(y for y in m.groups() if y)
            if year == own or year in years or len(quotes) == 3:
                continue
            years.add(year)
            quotes.append(m.group(0)[0].upper() + m.group(0)[1:])
            page = page or at
    return Found(quotes, page, "") if quotes else None


OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/"
# The sentences that state a document's reuse terms, from their first word to the paragraph's end
# ('You may reuse this information … under the terms of the Open Government Licence. To view…',
# 'You may copy all or parts of this document …', 'This document may be reproduced …').
_REUSE = re.compile(
    r"\b(?:You may (?:reuse|re-use|copy)|This (?:document|publication) may be (?:reproduced|"
    r"copied))\b[^\n]*[.]"
)


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


def default_id(
    facts: dict[str, Found], taken: frozenset[str] = frozenset(), named: bool = False
) -> str:
    """The draft's id: the inspection's (else the document's) year and month, and its kind.

    Never the file's name, whose characters an id may not allow. The organisation's id follows
    the date when `named` (a project of several organisations, where an id without it would say
    nothing of whose report it is) or when the id is taken (another report of that month and
    kind); then a number, if still taken.
    """
    when = facts.get("inspected") or facts.get("published")
    day = when.value[0] if when and isinstance(when.value, tuple) else when.value if when else None
    prefix = str(day)[:7] if day else "0000-00"
    kind = facts.get("kind")
    what = _slug(str(kind.value)) if kind else "report"
    base = f"{prefix}-{what}"
    organisation = facts.get("organisation")
    if base not in taken and not (named and organisation):
        return base
    if organisation:
        # 'oldham', not 'oldham-metropolitan-borough-council'
        whose = _slug(core_name(str(organisation.value)) or str(organisation.value), 60)
        if len(whose) > 30:  # cut at a word's end
            whose = whose[:31].rsplit("-", 1)[0]
        base = f"{prefix}-{whose}-{what}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _judgement_lines(framework: str | None, judged: list[Judged]) -> list[str]:
    out = []
    for j in judged:
        where = f"page {j.printed.page}, {j.printed.evidence}"
        if j.problem:
            out.append(f"  {TODO} {j.problem}: {where} (printed {j.printed.grade!r})")
            continue
        keys = [f"area: {_yaml_string(j.area)}", f"grade: {j.grade}"]
        if j.headline:
            keys.append("headline: true")
        if j.scope:
            keys.append(f"scope: {j.scope}")
        if j.fuller:
            printed = " ".join(j.printed.grade.split())  # as printed, capitals and all
            note = f"The report prints '{printed}'; the framework's full wording is '{j.fuller}'."
            keys.append(f"note: {_yaml_string(note)}")
        out.append(f"  - {{{', '.join(keys)}}}  {CONFIRM} {where}")
    return out


def _recommendation_lines(recommendations: list[OwnRecommendation]) -> list[str]:
    out = []
    for r in recommendations:
        whose = "the safeguarding board's, " if r.board else ""
        heading = re.sub(r"\[\^[^\]]+\]", "", r.heading)  # its words, not its footnote's mark
        out.append(
            f"  - quote: {_yaml_string(r.quote)}  {CONFIRM} {whose}page {r.page}, under {heading!r}"
        )
        if r.timescale:
            out.append(f"    timescale: {_yaml_string(r.timescale)}")
        if r.scope:
            out.append(f"    scope: {r.scope}  # the safeguarding board's, not the council's")
    return out


def front_matter(
    facts: dict[str, Found],
    report_id: str,
    pdf_name: str,
    pages: int,
    judged: list[Judged] = [],  # noqa: B006 - read only
    recommendations: list[OwnRecommendation] = [],  # noqa: B006 - read only
    organisation_key: bool = False,
    annotations: list[str] = [],  # noqa: B006 - read only
) -> str:
    """The draft's front matter: found values marked to confirm, missing ones marked to do, and
    the annotations suggested for its text (`annotation_lines`)."""

    def confirm(found: Found) -> str:
        if found.page == 0:  # from the --metadata file
            return f"  {CONFIRM} {found.evidence}"
        return f"  {CONFIRM} page {found.page}, {found.evidence}"

    out = [
        "---",
        f"# Draft imported from {pdf_name} ({pages} page{'s' if pages != 1 else ''}) "
        "by 'python -m builder import'.",
        f"# Check each value marked '{CONFIRM}' against the document and delete the mark;",
        f"# fill in each '{TODO}'. 'python -m builder compare' measures the text against the PDF.",
        "# When every value is confirmed, delete 'draft: true' to publish the report.",
        "draft: true",
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
    if organisation := facts.get("organisation"):
        if organisation_key:
            ids = organisation.value if isinstance(organisation.value, list) else []
            value = ids[0] if len(ids) == 1 else f"[{', '.join(ids)}]"
            out.append(f"organisation: {value}{confirm(organisation)}")
        else:
            out.append(
                f"# organisation: {_yaml_string(str(organisation.value))}{confirm(organisation)}"
            )
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
    if earlier := facts.get("earlier"):
        # The history shows what the collection holds: an inspection the report speaks of and
        # the collection lacks reads as no inspection at all, unless an event records it.
        said = "; ".join(f"'{quote}'" for quote in cast("list[str]", earlier.value))
        out.append(
            f"{TODO} events: page {earlier.page} speaks of an earlier inspection ({said}): add each "
            "the collection lacks to content/events.yml, so its history shows it (with "
            "'graded: true' where its grades are not known)"
        )
    if published := facts.get("published"):
        if published.page == 0:
            value = f"{{date: {published.value}, basis: elsewhere, note: {_yaml_string(published.evidence)}}}"
            out.append(f"published: {value}")
        else:
            out.append(f"published: {published.value}{confirm(published)}")
    else:
        out.append(f"{TODO} published: the document's date (the document does not print it)")
    out.append("authors:")
    if lead := facts.get("lead"):
        role = facts["lead_role"].value if "lead_role" in facts else "Lead inspector"
        out.append(f"  - {{name: {_yaml_string(str(lead.value))}, role: {role}}}{confirm(lead)}")
    else:
        out.append(f"  {TODO} '- {{name: …, role: …}}' for each author (not found in the document)")
    if publisher := facts.get("publisher"):
        out.append(f"publisher: {publisher.value}{confirm(publisher)}")
    else:
        out.append(f"publisher: {TODO} who issued the document")
    out.append("source:")
    source_title = facts.get("title")
    out.append(
        f"  title: {_yaml_string(str(source_title.value) if source_title else pdf_name)}  "
        f"{TODO} the title the publisher gives the document"
    )
    if url := facts.get("url"):
        out.append(f"  url: {url.value}{confirm(url)}")
    else:
        out.append(f"  {TODO} url: where the document is published")
    out.append("licence:")
    if licence := facts.get("licence"):
        out.append(f"  name: {_yaml_string(str(licence.value))}{confirm(licence)}")
    else:
        # Said as it stands, so the draft checks; an editor confirms the document's own terms.
        out.append(f"  name: Not stated in the document  {TODO} the document's reuse terms")
    for key in ("url", "text"):
        if found := facts.get(f"licence_{key}"):
            out.append(f"  {key}: {_yaml_string(str(found.value))}{confirm(found)}")
    if judged:
        fid = str(framework.value) if framework else None
        out.append("judgements:")
        out.extend(_judgement_lines(fid, judged))
        if all(j.problem for j in judged):
            out[-len(judged) - 1] = "# judgements:"
    if recommendations:
        out.append(
            "recommendations:  # the report's own: link each to a tracked recommendation ('tracks')"
        )
        out.extend(_recommendation_lines(recommendations))
    out.extend(annotations)
    out.append("---")
    return "\n".join(out) + "\n"


@dataclass
class Vocabulary:
    """What the project's content offers a draft: kinds, frameworks, and the report keys."""

    kinds: dict[str, str] = field(default_factory=dict)  # id -> label
    frameworks: list[dict[str, Any]] = field(default_factory=list)  # as frameworks.yml writes them
    taken: frozenset[str] = frozenset()  # the ids of the project's reports
    organisations: dict[str, str] = field(default_factory=dict)  # id -> name

    @property
    def titles(self) -> dict[str, str]:
        return {
            str(f["id"]): str(f["title"]) for f in self.frameworks if f.get("id") and f.get("title")
        }


def project_vocabulary(content: Path) -> Vocabulary:
    """The project's report kinds and frameworks, where readable, and the report ids taken."""
    import yaml

    def load(name: str) -> Any:
        try:
            return yaml.safe_load((content / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return None

    site = load("site.yml")
    kinds = site.get("kinds") if isinstance(site, dict) else None
    frameworks = load("frameworks.yml")
    organisations = load("organisations.yml")
    try:
        taken = frozenset(p.stem for p in (content / "reports").glob("*.md"))
    except OSError:
        taken = frozenset()
    return Vocabulary(
        {str(k): str(v) for k, v in kinds.items()} if isinstance(kinds, dict) else {},
        [f for f in frameworks if isinstance(f, dict)] if isinstance(frameworks, list) else [],
        taken,
        {
            str(o["id"]): str(o.get("name") or "")
            for o in (organisations if isinstance(organisations, list) else [])
            if isinstance(o, dict) and o.get("id")
        },
    )


def _plain(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


# Words of a document's title or first page that say which kind of report it is, most telling first.
_KIND_WORDS = (
    (r"focused visit", ("focused",)),
    (r"monitoring visit", ("monitoring",)),
    (r"joint targeted area inspection", ("joint",)),
    (r"\b(re-)?inspection of\b|\binspection report\b", ("inspection-report", "inspection report")),
)


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
    if "kind" not in found:
        # The title's words first: a report's first page often tells of an earlier visit
        # ("since the focused visit in July 2018"), and that is not what the report is.
        first = [b for b in document.blocks if b.page <= 2][:12]
        titles = [b for b in first if b.kind == "heading" and _WHAT_IT_IS.match(b.text)][:1]
        if titles and any(re.search(p, titles[0].text, re.I) for p, _ in _KIND_WORDS):
            first = titles
        for pattern, hints in _KIND_WORDS:
            block = next((b for b in first if re.search(pattern, b.text, re.I)), None)
            kind_id = next(
                (k for k, label in kinds.items() for h in hints if h in k or h in _plain(label)),
                None,
            )
            if block and kind_id:
                said = re.search(pattern, block.text, re.I).group(0)  # type: ignore[union-attr]
                found["kind"] = Found(kind_id, block.page, f"the document says {said!r}")
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


_ORGANISATION = re.compile(
    r"(?:^|\b)(?:re-)?inspection of (?:the )?(.+?) local authority children", re.I
)
_COUNCIL = re.compile(
    r"^((?:the )?(?:[A-Z][\w'’.-]*,? (?:and |upon |on |of |the )*){1,6}"
    r"(?:Council|Borough|County|City|Metropolitan|District)[\w ]*)$"
)
# A cover's line that can be a name: a capital first, no figures, no colon, not a sentence.
_NAME_LIKE = re.compile(r"^[A-Z][^\d:;.!?]{1,68}$")
# The words around an English local authority's name that say what kind of council it is.
_DESIGNATION = re.compile(
    r"^(?:the |london borough of |royal borough of |metropolitan borough of |borough of |"
    r"city and county of |city of |county of |county |council of the )+|"
    r"(?: metropolitan| borough| district| county| city| council| corporation)+$"
)

_DESIGNATION_AS_PRINTED = re.compile(_DESIGNATION.pattern, re.I)  # on a name in its own case


def core_name(name: str) -> str:
    """A council's name without the words that say what kind of council it is, for telling
    whether two names are one authority: 'Lancashire County Council' and 'Lancashire',
    'London Borough of Bexley' and 'Bexley'. Empty for a name that is only such words."""
    text = _plain(name).replace("'", "").replace("&", " and ")
    text = " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
    return "" if text == "the" else _DESIGNATION.sub("", text).strip()


def short_name(name: str) -> str:
    """The name as lists show it and readers look for it: 'Bexley' for 'London Borough of
    Bexley', 'Kingston upon Hull' for 'Kingston upon Hull City Council'; the name itself where
    nothing says what kind of council it is."""
    name = " ".join(name.split())
    short = _DESIGNATION_AS_PRINTED.sub("", name).strip(" ,")
    return short if short and short[0].isupper() else name


def _organisation_id(name: str) -> str:
    """An id made from a printed name: its core ('bexley' for 'London Borough of Bexley'), so
    that the names one authority's reports print give one id."""
    return _slug(core_name(name) or name, 60)


def match_organisation(name: str, known: dict[str, str]) -> str | None:
    """The id of the known organisation (id -> name) a printed name is: one of the same name,
    else one whose name is the same without the words that say what kind of council it is."""
    key, core = _plain(name), core_name(name)
    return next((i for i, n in known.items() if _plain(n) == key), None) or next(
        (i for i, n in known.items() if core and core_name(n) == core), None
    )


def find_organisation(document: Document) -> Found | None:
    """Who the report is about: named in an ILACS title, else on the cover beside the heading
    that says what the report is (above it from 2014, below it in 2013), else a council's name
    near the start."""
    first = [b for b in document.blocks if b.page <= 2][:15]
    for block in first:
        if block.kind != "heading":
            continue
        if (m := _ORGANISATION.search(" ".join(block.text.split()))) and core_name(m.group(1)):
            return Found(m.group(1), block.page, f"the title {block.text!r}")
    cover = [b for b in first if b.page == first[0].page] if first else []
    for i, block in enumerate(cover):
        if block.kind != "heading" or not _WHAT_IT_IS.match(block.text):
            continue
        for near in (cover[i - 1] if i else None, cover[i + 1] if i + 1 < len(cover) else None):
            if near is None or near.kind != "heading":
                continue
            text = " ".join(near.text.split())
            if _NAME_LIKE.match(text) and not _WHAT_IT_IS.match(text) and core_name(text):
                return Found(text, near.page, f"the cover names {text!r}")
        break
    for block in first:
        text = " ".join(block.text.split())
        if len(text) < 70 and _COUNCIL.match(text) and core_name(text):
            return Found(text, block.page, f"the cover names {text!r}")
    return None


@dataclass
class Metadata:
    """What a `--metadata` file says of one PDF: what the document does not print."""

    organisation: str = ""  # the organisation's id (ids, separated by ';', for a joint one)
    organisation_name: str = ""  # its name (names, by ';')
    published: str = ""
    url: str = ""
    organisation_kind: str = ""  # optional: what kind of organisation ('local-authority')
    region: str = ""  # optional
    codes: dict[str, str] = field(default_factory=dict)  # optional: la_code, urn


# The optional columns of a metadata file that give an organisation's codes, by scheme.
CODE_COLUMNS = ("la_code", "urn")
METADATA_COLUMNS = (
    "file",
    "organisation",
    "organisation_name",
    "published",
    "url",
    "organisation_kind",
    "region",
    *CODE_COLUMNS,
)


def metadata_warnings(path: Path) -> list[str]:
    """What a metadata file holds that the import will not read, said before it runs: columns of
    another tool's list, and no 'organisation' (each draft's then comes from its PDF)."""
    import csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []  # read_metadata says why
    columns = [c.strip() for c in header if c.strip()]
    out = []
    if unread := [c for c in columns if c not in METADATA_COLUMNS]:
        out.append(
            f"columns not read: {', '.join(unread)} (hint: the import reads "
            f"{', '.join(METADATA_COLUMNS)})"
        )
    if columns and "organisation" not in columns:
        out.append(
            "no 'organisation' column: each draft's organisation is the one its PDF names "
            "(hint: give each file's organisation id, as docs/national.md shows)"
        )
    return out


def read_metadata(path: Path) -> dict[str, Metadata]:
    """The rows of a metadata CSV by file name; raise PdfError on a file that cannot be read."""
    import csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise PdfError(str(path), f"cannot read the metadata file: {error}") from None
    if rows and "file" not in rows[0]:
        raise PdfError(
            str(path),
            "the metadata file has no 'file' column "
            "(hint: columns file, organisation, organisation_name, published, url)",
        )
    out = {}
    for row in rows:
        name = Path(str(row.get("file") or "")).name
        if name:
            values = {k: str(row.get(k) or "").strip() for k in row if k}
            out[name] = Metadata(
                organisation=values.get("organisation", ""),
                organisation_name=values.get("organisation_name", ""),
                published=values.get("published", ""),
                url=values.get("url", ""),
                organisation_kind=values.get("organisation_kind", ""),
                region=values.get("region", ""),
                codes={k: values[k] for k in CODE_COLUMNS if values.get(k)},
            )
    return out


def _metadata_date(text: str) -> str | None:
    from datetime import date, datetime

    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _from_elsewhere(source: str) -> str:
    """Where a value the document does not print came from: the metadata file, by its name only
    (a note can reach a page, and the publisher's own folders are not the reader's business)."""
    return f"from elsewhere: {Path(source).name}" if source else "from elsewhere"


def _apply_metadata(facts: dict[str, Found], meta: Metadata, source: str) -> None:
    """Fill in from the metadata file what the document does not print; never over it."""
    said = _from_elsewhere(source)
    if meta.published and "published" not in facts and (day := _metadata_date(meta.published)):
        facts["published"] = Found(day, 0, said)
    if meta.url and re.match(r"^https?://", meta.url):
        facts["url"] = Found(meta.url, 0, said)
    name = meta.organisation_name or meta.organisation
    if name and "organisation" not in facts:
        facts["organisation"] = Found(name, 0, said)


_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def organisation_ids(
    facts: dict[str, Found],
    meta: Metadata | None,
    source: str,
    known: dict[str, str],
) -> tuple[Found | None, list[dict[str, Any]]]:
    """The ids the draft's `organisation` names, and an entry of organisations.yml for each.

    The ids are the metadata file's (its `organisation` column); else the id of the project's
    organisation whose name the document prints; else one made from that name. Each entry
    holds what is known of the organisation: its name (the file's, else the document's), and
    the file's kind, region and codes.
    """
    printed = facts.get("organisation")
    ids = [_slug(i, 60) for i in _names(meta.organisation)] if meta else []
    names = _names(meta.organisation_name) if meta else []
    if ids:
        found = Found(ids, 0, _from_elsewhere(source))
    elif printed is not None:
        ids = [
            match_organisation(str(printed.value), known) or _organisation_id(str(printed.value))
        ]
        names = names or [str(printed.value)]
        found = Found(ids, printed.page, printed.evidence)
    else:
        return None, []
    if printed is not None and len(ids) == 1 and not names:
        names = [str(printed.value)]
    entries = []
    for i, organisation in enumerate(ids):
        entry: dict[str, Any] = {"id": organisation, "name": names[i] if i < len(names) else ""}
        if (short := short_name(entry["name"])) != entry["name"]:
            entry["short_name"] = short
        if meta and meta.organisation_kind:
            entry["kind"] = _slug(meta.organisation_kind, 60)
        if meta and meta.region:
            entry["region"] = meta.region
        if meta and meta.codes and len(ids) == 1:
            entry["codes"] = dict(meta.codes)
        entries.append(entry)
    return found, entries


ORGANISATIONS_HEADER = """\
# The organisations the reports are about: each report names its own by id ('organisation').
# Each entry: id, name, kind, region, and codes by scheme (la_code, urn). 'import' adds an
# entry for an organisation it meets that is not here yet: check its name, kind and region.
"""


def _organisation_entry(entry: dict[str, Any]) -> str:
    lines = [f"- id: {entry['id']}"]
    lines.append(
        f"  name: {_yaml_string(entry['name'])}"
        if entry.get("name")
        else f"  name: {_yaml_string(entry['id'])}  {TODO} the organisation's name"
    )
    for key in ("short_name", "kind", "region"):
        if entry.get(key):
            lines.append(f"  {key}: {_yaml_string(str(entry[key]))}")
    if codes := entry.get("codes"):
        inner = ", ".join(f"{k}: {_yaml_string(str(v))}" for k, v in codes.items())
        lines.append(f"  codes: {{{inner}}}")
    return "\n".join(lines) + "\n"


def add_organisations(path: Path, entries: list[dict[str, Any]]) -> tuple[list[str], str]:
    """Append to organisations.yml an entry for each organisation it lacks, at its end; create
    it, with a header, when absent. Entries already there are never rewritten. The ids added,
    and what went wrong ("" when nothing did): the file is then left as it was."""
    import os

    import yaml

    if not entries:
        return [], ""
    if path.is_symlink():
        return [], "is a symbolic link: not changed (hint: make it a plain file)"
    text = ""
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
            existing = yaml.safe_load(text) or []
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            return (
                [],
                f"cannot be read, so not changed: {getattr(error, 'strerror', None) or error}",
            )
        if not isinstance(existing, list):
            return [], "is not a list of organisations, so not changed"
    else:
        existing = []
    have = {str(e.get("id")) for e in existing if isinstance(e, dict)}
    new = [e for e in entries if e["id"] not in have]
    new = [e for i, e in enumerate(new) if e["id"] not in {o["id"] for o in new[:i]}]
    if not new:
        return [], ""
    addition = "".join(_organisation_entry(e) for e in new)
    if not text:
        addition = ORGANISATIONS_HEADER + addition
    elif not text.endswith("\n"):
        addition = "\n" + addition
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags, 0o644)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(addition)
    except OSError as error:
        return [], f"cannot be written: {error.strerror or error}"
    return [e["id"] for e in new], ""


def _many(count: int, thing: str) -> str:
    """'1 heading', '2 headings'."""
    return f"{count} {thing}{'' if count == 1 else 's'}"


def _declared(path: Path) -> int:
    """How many organisations organisations.yml declares (0 when it cannot be read)."""
    import yaml

    try:
        found = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return 0
    return sum(1 for e in found if isinstance(e, dict)) if isinstance(found, list) else 0


def draft(
    pdf: Path,
    name: str,
    report_id: str | None = None,
    content: Path | None = None,
    metadata: Metadata | None = None,
    metadata_name: str = "",
    taken: frozenset[str] = frozenset(),
    themes: tuple[ThemeTerms, ...] | None = None,
) -> tuple[str, Document]:
    """The draft edition of a PDF as text, and the document read from it."""
    text, document, _ = draft_and_organisations(
        pdf, name, report_id, content, metadata, metadata_name, taken, themes
    )
    return text, document


def draft_and_organisations(
    pdf: Path,
    name: str,
    report_id: str | None = None,
    content: Path | None = None,
    metadata: Metadata | None = None,
    metadata_name: str = "",
    taken: frozenset[str] = frozenset(),
    themes: tuple[ThemeTerms, ...] | None = None,
    known: dict[str, str] | None = None,
) -> tuple[str, Document, list[dict[str, Any]]]:
    """The draft, the document, and an organisations.yml entry for each organisation the draft
    names (none while reports name no organisation by id).

    The draft's annotations are the themes its paragraphs' words suggest: `themes`' terms, or
    when None the terms of the project's own themes. A printed name is looked for among the
    `known` organisations (id -> name), or when None the project's.
    """
    from builder.parse.parse import REPORT

    organisation_key = "organisation" in REPORT.keys
    document = read_pdf(pdf, name)
    facts = find_facts(document)
    vocabulary = project_vocabulary(content) if content is not None else Vocabulary()
    facts.update(match_vocabulary(document, facts, vocabulary.kinds, vocabulary.titles))
    if organisation := find_organisation(document):
        facts["organisation"] = organisation
    if metadata is not None:
        _apply_metadata(facts, metadata, metadata_name)
    entries: list[dict[str, Any]] = []
    if organisation_key:
        ids, entries = organisation_ids(
            facts,
            metadata,
            metadata_name,
            vocabulary.organisations if known is None else known,
        )
        if ids is not None:
            facts["organisation"] = ids
    when = facts.get("inspected") or facts.get("published")
    year = (
        int(str(when.value[0] if isinstance(when.value, tuple) else when.value)[:4])
        if when
        else None
    )
    framework, judged = find_judgements(document, vocabulary.frameworks, year)
    if framework is not None:
        page = min(j.printed.page for j in judged)
        facts["framework"] = Found(
            str(framework["id"]), page, "the judgements it prints are this framework's"
        )
    recommendations = find_recommendations(document.blocks)
    if scope := board_scope(framework):
        for r in recommendations:
            r.scope = scope if r.board else ""
    if themes is None:
        themes = project_themes(content)[0] if content is not None else ()
    body = markdown_body(document.blocks)
    head = front_matter(
        facts,
        report_id or default_id(facts, taken | vocabulary.taken),
        Path(name).name,
        len(document.pages),
        judged,
        recommendations,
        organisation_key,
        annotation_lines(suggestions(body, themes)),
    )
    return head + "\n" + body, document, entries


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
        "(hint: add --force to replace it, and lose what was edited in it)",
        file=sys.stderr,
    )
    return 1


# Limits on one file: what a hostile or broken PDF may cost before it is given up.
MAX_SECONDS = 60  # reading one file
MAX_MEMORY = 512 * 1024 * 1024  # a worker's address space, decompressed streams included
MAX_PAGES = 2000


class _TimeUp(Exception):
    pass


# When reading one file must end (time.monotonic()), where no timer can interrupt it.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _TimeUp in the block once `seconds` have passed: by a Unix interval timer where
    there is one; else by a watchdog thread that interrupts the main thread (Windows); else,
    off the main thread, by the reading's own look at the time between pages."""
    import _thread
    import signal
    import threading

    main = threading.current_thread() is threading.main_thread()
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        if main and hasattr(signal, "setitimer"):

            def time_up(signum: int, frame: Any) -> None:
                raise _TimeUp

            previous = signal.signal(signal.SIGALRM, time_up)
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                yield
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        elif main:
            lock = threading.Lock()
            state = {"done": False, "fired": False}

            def fire() -> None:
                with lock:
                    if not state["done"]:
                        state["fired"] = True
                        _thread.interrupt_main()

            watchdog = threading.Timer(seconds, fire)
            watchdog.daemon = True
            watchdog.start()
            try:
                yield
                with lock:
                    state["done"] = True
            except KeyboardInterrupt:
                if state["fired"]:
                    raise _TimeUp from None
                raise
            finally:
                with lock:
                    state["done"] = True
                watchdog.cancel()
        else:
            yield
    finally:
        _DEADLINE.reset(token)


def _limit_worker() -> None:
    """Cap a worker's memory: a decompression bomb fails as MemoryError, not the machine."""
    import contextlib
    import resource

    with contextlib.suppress(ValueError, OSError, AttributeError):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = MAX_MEMORY if hard == resource.RLIM_INFINITY else min(MAX_MEMORY, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


@dataclass
class Outcome:
    """What importing one file gave: the draft's text and figures, or the error."""

    name: str
    text: str = ""
    facts: dict[str, Found] = field(default_factory=dict)
    pages: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    imageonly: list[int] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    organisations: list[dict[str, Any]] = field(default_factory=list)  # entries it needs
    # The organisation's name as the document prints it, where the draft's id was made from it
    # (not given by the metadata file): settled again once the PDFs before it are written.
    printed_organisation: str = ""


def import_one(
    pdf: str,
    name: str,
    content: str | None,
    metadata: Metadata | None,
    metadata_name: str,
    seconds: float = MAX_SECONDS,
    themes: tuple[ThemeTerms, ...] | None = None,
    known: dict[str, str] | None = None,
) -> Outcome:
    """Import one PDF within the limits; every failure is an Outcome with its one-line error."""
    began = time.perf_counter()
    try:
        with _time_limit(seconds):
            text, document, organisations = draft_and_organisations(
                Path(pdf),
                name,
                None,
                Path(content) if content else None,
                metadata,
                metadata_name,
                themes=themes,
                known=known,
            )
    except PdfError as error:
        return Outcome(name, error=error.message, seconds=time.perf_counter() - began)
    except _TimeUp:
        return Outcome(
            name,
            error=f"gave up after {seconds:g} s: the PDF is too slow to read (too many pages "
            "or text operators?)",
            seconds=time.perf_counter() - began,
        )
    except MemoryError:
        return Outcome(
            name,
            error=f"gave up: reading the PDF needs more than {MAX_MEMORY // 2**20} MB "
            "(a compressed stream that expands too far?)",
            seconds=time.perf_counter() - began,
        )
    except RecursionError:
        return Outcome(name, error="the PDF's objects nest too deeply to read")
    facts = find_facts(document)
    keep = {k: v for k, v in facts.items() if k in ("inspected", "published")}
    printed = ""
    if not (metadata and metadata.organisation) and (found := find_organisation(document)):
        printed = str(found.value)
    for line in text.split("\n"):
        if line.startswith("kind: ") and not line.startswith(f"kind: {TODO}"):
            keep["kind"] = Found(line[6:].split("#")[0].strip(), 1, "")
        if line.startswith(("organisation: ", "# organisation: ")):
            value = line.split("organisation: ", 1)[1].split("  # confirm")[0]
            keep["organisation"] = Found(value.strip('"'), 1, "")
    return Outcome(
        name,
        text,
        keep,
        len(document.pages),
        dict(Counter(block.kind for block in document.blocks)),
        document.imageonly,
        seconds=time.perf_counter() - began,
        organisations=organisations,
        printed_organisation=printed if "organisation" in keep else "",
    )


def _pdfs(paths: list[str]) -> tuple[list[Path], list[str]]:
    """The PDFs named: files as given, and each folder's *.pdf files in name order."""
    files: list[Path] = []
    problems: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf" and p.is_file())
            if not found:
                problems.append(f"{given}: error: the folder holds no .pdf files")
            files.extend(found)
        else:
            files.append(path)
    return files, problems


def _write(out: Path, text: str, force: bool) -> str | None:
    """Write the draft, never through a symbolic link; the error message, or None."""
    import os

    if out.is_symlink():
        return "is a symbolic link: not written (hint: write the draft to a plain file)"
    if out.exists() and not force:
        return (
            "the file already exists; not overwritten (hint: add --force to replace it, and lose "
            "what was edited in it)"
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        if not force:
            flags |= os.O_EXCL
        fd = os.open(out, flags, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        return f"cannot write the draft: {error.strerror or error}"
    return None


def _with_id(text: str, report_id: str) -> str:
    return re.sub(r"(?m)^id: .*$", f"id: {report_id}", text, count=1)


def _progress(total: int) -> Any:
    """A progress bar on a terminal (tqdm), nothing otherwise: the lines are the record."""
    if not sys.stderr.isatty() or total < 2:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="file", file=sys.stderr, leave=False)


def run(args: argparse.Namespace) -> int:
    """The `import` command: a draft per PDF, one line each, then a summary; exit 1 if any failed."""
    import os
    import time
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    from builder.load.load import display_path

    files, problems = _pdfs(args.pdf)
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.out and len(files) != 1:
        print("--out: error: --out names one draft: give one PDF with it", file=sys.stderr)
        return 1
    if _pdfminer() is None:
        for pdf in files:
            print(f"{display_path(pdf)}: error: {HINT_INSTALL}", file=sys.stderr)
        return 1
    metadata: dict[str, Metadata] = {}
    metadata_name = ""
    if args.metadata:
        metadata_name = display_path(Path(args.metadata))
        try:
            metadata = read_metadata(Path(args.metadata))
        except PdfError as error:
            print(f"{metadata_name}: error: {error.message}", file=sys.stderr)
            return 1
        for warning in metadata_warnings(Path(args.metadata)):
            print(f"{metadata_name}: warning: {warning}", file=sys.stderr)
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not args.force and not out.is_symlink():
        return _exists(out)
    content = Path(args.root) / "content"
    if out is None and not content.is_dir():
        # Not a history's folder: a draft written here would name no kind or framework, and
        # would start a content folder where the editor did not mean one.
        print(
            f"error: no history here: no content folder ({display_path(content)}/ not found) "
            "(hint: run in a history's folder, name it with --root, start one with "
            "`inspection-history init DIR`, or give one draft's path with --out)",
            file=sys.stderr,
        )
        return 1
    reports = content / "reports"
    vocabulary = project_vocabulary(content)
    taken = set(vocabulary.taken)
    # The organisations known so far: the project's, then each draft's as it is written, in the
    # PDFs' order, so that a printed name finds the id an earlier PDF of the run gave it.
    known = dict(vocabulary.organisations)
    # Every organisation the run is known to involve: a draft's id names its organisation once
    # there are several (with a metadata file, from the first draft on).
    involved = set(known) | {
        _slug(i, 60)
        for pdf in files
        if (meta := metadata.get(pdf.name))
        for i in _names(meta.organisation)
    }
    earlier, held_already = _already_there(reports)
    began = time.perf_counter()
    # A PDF whose draft is there already is not read again unless --force says to replace it: a
    # run over the whole folder when new PDFs arrive writes the new ones only.
    asked = len(files)
    skipped = 0
    if out is None and not args.force:
        fresh = []
        for pdf in files:
            target = earlier.get(pdf.name)
            if target is None or not target.exists():
                fresh.append(pdf)
                continue
            skipped += 1
            print(
                f"{display_path(pdf)}: already imported to {display_path(target)}; skipped "
                "(hint: add --force to import it again, and lose what was edited in it)",
                file=sys.stderr,
            )
        files = fresh
    jobs = max(1, min(args.jobs or os.cpu_count() or 1, len(files) or 1))
    # The themes' terms are read once here, for every worker: each draft's suggested themes.
    themes, problems_in_themes = project_themes(content)
    if problems_in_themes:
        print(
            f"{display_path(content / 'themes.yml')}: warning: {problems_in_themes} "
            f"problem{'s' if problems_in_themes != 1 else ''}: a theme with one is not suggested "
            "(hint: run 'python -m builder check')",
            file=sys.stderr,
        )
    tasks = [
        (
            str(pdf),
            display_path(pdf),
            str(content),
            metadata.get(pdf.name),
            metadata_name,
            MAX_SECONDS,
            themes,
            dict(known),
        )
        for pdf in files
    ]
    outcomes: dict[int, Outcome] = {}
    bar = _progress(len(tasks))
    written = failed = 0

    def finish(index: int, outcome: Outcome) -> None:
        nonlocal written, failed
        outcomes[index] = outcome
        target = out or earlier.get(Path(tasks[index][0]).name)
        inspection = _inspection_of(outcome)
        holder = _holder(held_already, inspection) if target is None else None
        if holder is not None and inspection is not None and not outcome.error:
            # An edition of this inspection is there already, one that no longer says which PDF
            # it came from (an editor deletes the draft's header): never a second copy of it.
            message = (
                f"{outcome.name}: error: {display_path(holder)} already holds this inspection "
                f"({inspection[0] or 'the organisation'}, inspected {inspection[1]} to "
                f"{inspection[2]}); no draft written (hint: to replace it, import into it with "
                f"'--out {display_path(holder)} --force', and lose what was edited in it)"
            )
        else:
            message, path = _report(
                outcome, target, reports, taken, args.force, display_path, len(involved) > 1
            )
            if inspection is not None and path is not None:
                held_already.setdefault(inspection, path)
        if bar is not None:
            bar.clear()
        print(message, file=sys.stderr)
        if bar is not None:
            bar.refresh()
        if message.split(": ", 2)[1:2] == ["error"] or outcome.error:
            failed += 1
        else:
            written += 1

    # The drafts are written in the PDFs' order, whichever worker finishes first: their ids and
    # organisations do not depend on timing. While the run has met one organisation only, its
    # drafts wait: a second one (a national import) names the organisation in every id.
    pending = list(range(len(tasks)))
    done: dict[int, Outcome] = {}
    held: list[tuple[int, Outcome]] = []

    def arrive(index: int, outcome: Outcome) -> None:
        outcome = settled(outcome, known)
        for entry in outcome.organisations:
            known.setdefault(str(entry["id"]), str(entry.get("name") or ""))
        involved.update(organisations_named(outcome))
        held.append((index, outcome))
        if bar is not None:
            bar.update(1)
        if len(involved) > 1 or not pending:
            for waiting in held:
                finish(*waiting)
            held.clear()

    import multiprocessing

    try:
        while pending:
            context = multiprocessing.get_context("spawn")
            try:
                with ProcessPoolExecutor(
                    jobs, mp_context=context, initializer=_limit_worker
                ) as pool:
                    futures = {
                        pool.submit(import_one, *tasks[i]): i for i in pending if i not in done
                    }
                    for future in as_completed(futures):
                        done[futures[future]] = future.result()
                        for index, outcome in in_order(pending, done):
                            arrive(index, outcome)
            except BrokenProcessPool:
                # A worker died (killed for its memory?): the files it held are retried one by one,
                # and the one that kills its worker alone is named.
                if jobs == 1:
                    index = next(i for i in pending if i not in done)
                    done[index] = Outcome(
                        tasks[index][1], error="reading the PDF stopped its worker"
                    )
                    for index, outcome in in_order(pending, done):
                        arrive(index, outcome)
                jobs = 1
    except KeyboardInterrupt:
        # Stopped: the drafts read so far are written, as they would have been had the run
        # met no other organisation, before the command stops.
        for waiting in held:
            finish(*waiting)
        raise
    if bar is not None:
        bar.close()
    if written and out is None:
        _example_left(reports)
    if asked > 1 or problems:
        seconds = time.perf_counter() - began
        print(
            f"{written} draft{'s' if written != 1 else ''} written, "
            + (f"{skipped} already imported, " if skipped else "")
            + f"{failed} failed, from {asked} PDF{'s' if asked != 1 else ''} in {seconds:.1f} s",
            file=sys.stderr,
        )
    return 1 if failed or problems else 0


def _example_left(reports: Path) -> None:
    """Say, once drafts of real reports are in, that init's example report is still there: it
    would stand in the history beside them (on a site of one organisation, as that one's)."""
    from builder.load.load import display_path
    from builder.model.organisations import EXAMPLES

    example_id, example_title = EXAMPLES["report"]
    example = reports / f"{example_id}.md"
    try:
        head = example.read_text(encoding="utf-8")[:2000]
    except OSError:
        return
    if f"id: {example_id}" in head and example_title in head:
        print(
            f"{display_path(example)}: note: init's example report is still here: delete it "
            "(and the example tracked recommendation in recommendations.yml) now that your own "
            "reports are in, or its grades join theirs in the history",
            file=sys.stderr,
        )


def in_order(pending: list[int], done: dict[int, Outcome]) -> Iterator[tuple[int, Outcome]]:
    """The outcomes that can be written now: those at the head of `pending` (ascending) that
    are `done`, each taken from both as it is yielded."""
    while pending and pending[0] in done:
        index = pending.pop(0)
        yield index, done.pop(index)


def organisations_named(outcome: Outcome) -> set[str]:
    """The ids of the organisations a draft names."""
    if entries := outcome.organisations:
        return {str(e["id"]) for e in entries}
    value = outcome.facts["organisation"].value if "organisation" in outcome.facts else ""
    return {_slug(i, 60) for i in str(value).strip("[]").split(",") if i.strip()}


def settled(outcome: Outcome, known: dict[str, str]) -> Outcome:
    """The outcome with the id of its organisation settled against the organisations known so
    far: a name an earlier PDF of the run printed otherwise ('Lancashire County Council', then
    'Lancashire') gives the id that PDF's draft has. An id the metadata file gave is kept."""
    if not outcome.printed_organisation or len(outcome.organisations) != 1:
        return outcome
    made = outcome.organisations[0]["id"]
    match = match_organisation(outcome.printed_organisation, known)
    if match is None or match == made:
        return outcome
    text = re.sub(
        rf"(?m)^organisation: {re.escape(made)}(?=\s|$)",
        f"organisation: {match}",
        outcome.text,
        count=1,
    )
    facts = {**outcome.facts, "organisation": Found(match, 1, "")}
    return replace(outcome, text=text, facts=facts, organisations=[])


def _inspection_of(outcome: Outcome) -> tuple[str, str, str] | None:
    """The organisation and dates of the inspection a draft is of, when it states them."""
    found = outcome.facts.get("inspected")
    if found is None or not isinstance(found.value, tuple):
        return None
    owner = re.search(r"(?m)^organisation: ([\w-]+)", outcome.text)
    return (owner.group(1) if owner else "", str(found.value[0]), str(found.value[1]))


def _already_there(
    reports: Path,
) -> tuple[dict[str, Path], dict[tuple[str, str, str], Path]]:
    """The reports there already, each file read once: by the PDF an import drafted it from (its
    header says; importing that PDF again goes there), and by the organisation and dates of their
    inspection (so a second import of one is refused even once its draft's header is gone)."""
    import yaml

    drafted: dict[str, Path] = {}
    held: dict[tuple[str, str, str], Path] = {}
    try:
        paths = sorted(reports.glob("*.md"))
    except OSError:
        return drafted, held
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if m := re.search(r"^# Draft imported from (.+?) \(\d+ pages?\)", text[:400], re.M):
            drafted.setdefault(m.group(1), path)
        try:
            front = yaml.safe_load(_keys(text.split("\n---", 1)[0], ("organisation", "inspected")))
        except yaml.YAMLError:
            continue
        if not isinstance(front, dict) or not isinstance(front.get("inspected"), dict):
            continue
        start, end = front["inspected"].get("start"), front["inspected"].get("end")
        if not start:
            continue
        owners = front.get("organisation") or ""
        for owner in owners if isinstance(owners, list) else [owners]:
            held.setdefault((str(owner), str(start), str(end or start)), path)
    return drafted, held


def _keys(front: str, keys: tuple[str, ...]) -> str:
    """The lines of front matter that give these top-level keys: a few lines of a report's
    thousands to read, whatever order its keys are in."""
    out, keep = [], False
    for line in front.split("\n"):
        if line[:1] not in (" ", "\t", "#", ""):
            keep = line.split(":", 1)[0] in keys
        if keep:
            out.append(line)
    return "\n".join(out)


def _holder(
    held: dict[tuple[str, str, str], Path], inspection: tuple[str, str, str] | None
) -> Path | None:
    """The report that holds an inspection already: of its organisation, or of no organisation
    said (a history of one, whose reports need not say whose they are)."""
    if inspection is None:
        return None
    return held.get(inspection) or held.get(("", *inspection[1:]))


def _report(
    outcome: Outcome,
    out: Path | None,
    reports: Path,
    taken: set[str],
    force: bool,
    shown: Callable[[Path], str],
    named: bool = False,
) -> tuple[str, Path | None]:
    """Write one outcome's draft; its one line, and the file written (None when none was). A new
    draft's id names its organisation when `named` (the project or the run has several)."""
    if outcome.error:
        return f"{outcome.name}: error: {outcome.error}", None
    if out is not None:
        report_id = out.stem
        target = out
    else:
        report_id = default_id(outcome.facts, frozenset(taken), named)
        target = reports / f"{report_id}.md"
    taken.add(report_id)
    problem = _write(target, _with_id(outcome.text, report_id), force)
    if problem:
        return f"{shown(target)}: error: {problem}", None
    lines = []
    if outcome.imageonly:
        numbers = ", ".join(str(n) for n in outcome.imageonly)
        lines.append(
            f"{outcome.name}: warning: no text on page{'s' if len(outcome.imageonly) > 1 else ''} "
            f"{numbers} (scanned images?): the draft lacks their words"
        )
    text = _with_id(outcome.text, report_id)
    marks = len(unconfirmed(text))
    counts = outcome.counts
    judgements = sum(1 for line in text.split("\n") if re.match(r"  - \{area: ", line))
    recommendations = sum(1 for line in text.split("\n") if line.startswith("  - quote: "))
    themed = sum(1 for line in text.split("\n") if line.startswith("  - paragraph: "))
    organisations = reports.parent / "organisations.yml"
    added: list[str] = []
    problem = ""
    if reports.parent.is_dir():  # with --out outside any history, there is no list to add to
        added, problem = add_organisations(organisations, outcome.organisations)
    if problem:
        lines.append(f"{shown(organisations)}: warning: {problem}")
    if added and (declared := _declared(organisations)) > 1 >= declared - len(added):
        lines.append(
            f"{shown(organisations)}: note: the site now has {declared} organisations, so each "
            "report, tracked recommendation and earlier inspection says whose it is with "
            "'organisation: ID' (see the national guide, docs/national.md)"
        )
    lines.append(
        f"{shown(target)}: draft written from {outcome.name} ({outcome.pages} "
        f"page{'s' if outcome.pages != 1 else ''}): "
        f"{_many(counts.get('numbered', 0), 'numbered paragraph')}, "
        f"{_many(counts.get('heading', 0), 'heading')}, {_many(counts.get('bullet', 0), 'list item')}, "
        f"{_many(judgements, 'judgement')}, {_many(recommendations, 'recommendation')}; "
        f"{_many(marks, 'front-matter value')} to confirm or fill in"
        + (f"; themes suggested for {_many(themed, 'passage')}" if themed else "")
        + (
            f"; added organisation{'s' if len(added) > 1 else ''} "
            f"{', '.join(repr(i) for i in added)} to {shown(organisations)}"
            if added
            else ""
        )
    )
    return "\n".join(lines), target


def register(commands: Any) -> None:
    """Add the `import` subcommand to the command line."""
    i = commands.add_parser(
        "import",
        help="turn published report PDFs into draft editions",
        description="Read report PDFs and write a draft edition of each: the text as Markdown "
        "with its paragraph numbers, headings, lists and footnotes, page furniture removed, and "
        "front matter pre-filled from the document (judgements, the report's own "
        "recommendations, dates, lead inspector), each value marked for the editor to confirm. "
        "Files are read in parallel on every core; one line per file, then a summary.",
    )
    i.add_argument(
        "pdf", metavar="FILE.pdf", nargs="+", help="published reports, or folders of them"
    )
    i.add_argument(
        "--out",
        help="the draft's path, for one PDF (default: ROOT/content/reports/ID.md, the id made "
        "from the inspection's year and month and the report's kind)",
    )
    i.add_argument(
        "--root",
        default=".",
        help="project folder holding content/, whose report kinds and frameworks the draft "
        "may name (default: .)",
    )
    i.add_argument(
        "--metadata",
        metavar="FILE.csv",
        help="what the PDFs do not print: a CSV with columns file, organisation (its id), "
        "organisation_name, published, url, and optionally organisation_kind, region, la_code, "
        "urn (each value marked as from elsewhere)",
    )
    i.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="files read at once (default: every core)"
    )
    i.add_argument("--force", action="store_true", help="replace a draft that exists")
    i.set_defaults(run=run)
