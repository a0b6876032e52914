"""Lay out report text as a PDF the way published reports are: for the import tests.

The layout is read from a small text format: blocks separated by blank lines; `# ` a title,
`## ` a heading, `**…**` a bold line, `- ` list items (one a line), `14. ` a numbered paragraph
set with a hanging number, a block of several lines kept line by line (an address); a line
`=== page ===` starts a new page and `=== columns ===` a new page set in two columns (`=== columns here ===`: from here on the same page); a block
that begins `=== contents ===` is a contents list of `title|page` lines. Every
page carries a running header and a footer with the page number; long words that do not fit
at a line's end are hyphenated, as typesetting does.
"""

from __future__ import annotations

import re
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

WIDTH, HEIGHT = A4
MARGIN = 56
TOP = HEIGHT - 90
BOTTOM = 100
BODY, LEADING = 10.5, 14
GUTTER = 18


def source_text(layout: str) -> str:
    """The text an edition of the layout keeps: markers and the contents list left out."""
    blocks = re.split(r"\n\s*\n", layout.strip())
    return "\n\n".join(b for b in blocks if not b.startswith("=== ")) + "\n"


class Writer:
    def __init__(self, path: Path, header: str, footer: str, **options) -> None:
        self.canvas = Canvas(str(path), pagesize=A4, **options)
        self.header, self.footer = header, footer
        self.page = 0
        self.columns = False
        self.new_page()

    # -- pages and frames --

    def new_page(self, columns: bool = False) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        self.columns = columns
        self.column = 0
        self.frame_top = TOP
        self.y = TOP
        if self.page > 1:
            self.canvas.setFont("Helvetica", 8)
            self.canvas.drawString(MARGIN, HEIGHT - 40, self.header)
        self.canvas.setFont("Helvetica", 8)
        self.canvas.drawString(MARGIN, 36, self.footer)
        self.canvas.drawRightString(WIDTH - MARGIN, 36, str(self.page))

    @property
    def x(self) -> float:
        if not self.columns or self.column <= 0:
            return MARGIN
        return MARGIN + self.width + GUTTER

    @property
    def width(self) -> float:
        full = WIDTH - 2 * MARGIN
        return (full - GUTTER) / 2 if self.columns and self.column >= 0 else full

    def start_columns(self) -> None:
        """From here on the page is set in two columns."""
        self.frame_top = self.y
        self.column = 0

    def need(self, height: float) -> None:
        if self.y - height >= BOTTOM:
            return
        if self.columns and self.column == 0:
            self.column = 1
            self.y = self.frame_top
        else:
            self.new_page(self.columns)

    # -- text --

    def wrap(self, text: str, width: float, font: str, size: float) -> list[str]:
        lines: list[str] = []
        line = ""
        words = text.split()
        while words:
            word = words.pop(0)
            trial = f"{line} {word}" if line else word
            if stringWidth(trial, font, size) <= width:
                line = trial
                continue
            broken = self.hyphenate(line, word, width, font, size)
            if broken:
                head, tail = broken
                lines.append(f"{line} {head}" if line else head)
                line = ""
                words.insert(0, tail)
                continue
            lines.append(line)
            line = word
        if line:
            lines.append(line)
        return lines

    @staticmethod
    def hyphenate(line: str, word: str, width: float, font: str, size: float):
        """Split a long word (or a compound at its hyphen) so that its head fits the line."""
        if "-" in word.strip("-"):
            head, tail = word.split("-", 1)
            if stringWidth(f"{line} {head}-", font, size) <= width and tail:
                return f"{head}-", tail
        if len(word) < 8 or not word.isalpha():
            return None
        for k in range(len(word) - 3, 2, -1):
            if stringWidth(f"{line} {word[:k]}-", font, size) <= width:
                return f"{word[:k]}-", word[k:]
        return None

    def lines(self, text: str, font: str, size: float, leading: float, indent=0.0, hang=None):
        wrapped = self.wrap(text, self.width - indent, font, size)
        for i, line in enumerate(wrapped):
            self.need(leading)
            self.y -= leading
            if i == 0 and hang:
                self.canvas.setFont("Helvetica", BODY)
                self.canvas.drawString(self.x + indent - hang[1], self.y, hang[0])
            self.canvas.setFont(font, size)
            self.canvas.drawString(self.x + indent, self.y, line)

    def block(self, block: str) -> None:
        if block == "=== page ===":
            self.new_page()
            return
        if block == "=== columns ===":
            self.new_page(columns=True)
            self.column = -1  # full width until the first paragraph
            return
        if block == "=== columns here ===":
            self.columns = True
            self.start_columns()
            return
        if block.startswith("=== contents ==="):
            self.lines("Contents", "Helvetica-Bold", 13, 16)
            self.y -= 6
            for entry in block.split("\n")[1:]:
                title, page = entry.rsplit("|", 1)
                self.lines(title, "Helvetica", BODY, LEADING)
                self.canvas.drawRightString(WIDTH - MARGIN, self.y, page)
            return
        if block.startswith("# "):
            self.lines(block[2:], "Helvetica-Bold", 18, 22)
            self.y -= 14
            return
        if block.startswith("## "):
            if self.column == -1:
                self.lines(block[3:], "Helvetica-Bold", 13, 16)
                self.y -= 8
                self.start_columns()
                return
            self.need(50)
            self.y -= 6
            self.lines(block[3:], "Helvetica-Bold", 13, 16)
            self.y -= 8
            return
        if block.startswith("**") and block.endswith("**"):
            self.lines(block[2:-2], "Helvetica-Bold", BODY, LEADING)
            self.y -= 8
            return
        if block.startswith("- "):
            for item in block.split("\n"):
                self.lines(item[2:], "Helvetica", BODY, LEADING, indent=14, hang=("•", 12))
                self.y -= 3
            self.y -= 5
            return
        if m := re.match(r"(\d+)\. ", block):
            self.lines(
                block[m.end() :],
                "Helvetica",
                BODY,
                LEADING,
                indent=28,
                hang=(m.group(0).strip(), 28),
            )
            self.y -= 8
            return
        for line in block.split("\n"):
            self.lines(line, "Helvetica", BODY, LEADING)
        self.y -= 8

    def save(self) -> None:
        self.canvas.save()


def make_pdf(layout: str, path: Path, header: str, footer: str, **options) -> Path:
    """Write the layout as a PDF at path (options go to reportlab's Canvas, e.g. encrypt=)."""
    writer = Writer(path, header, footer, **options)
    for block in re.split(r"\n\s*\n", layout.strip()):
        writer.block(block.strip())
    writer.save()
    return path


def make_flowing_pdf(layout: str, path: Path, header: str, footer: str) -> Path:
    """Lay the text out as a word processor would: justified, no hyphenation, numbers hung.

    `## `, `### ` and `#### ` are headings in falling sizes, `14. ` a numbered paragraph, a
    block of several lines keeps them; the header is set right-aligned and the footer carries
    'Page N'.
    """
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    body = ParagraphStyle(
        "body", fontName="Times-Roman", fontSize=11, leading=14, alignment=TA_JUSTIFY, spaceAfter=8
    )
    numbered = ParagraphStyle("numbered", parent=body, leftIndent=28, bulletIndent=0)
    headings = {
        "## ": ParagraphStyle(
            "h2", fontName="Times-Bold", fontSize=14, leading=18, spaceBefore=6, spaceAfter=8
        ),
        "### ": ParagraphStyle("h3", fontName="Times-Bold", fontSize=12, leading=15, spaceAfter=6),
        "#### ": ParagraphStyle("h4", fontName="Times-Bold", fontSize=11, leading=14, spaceAfter=6),
    }

    def furniture(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("Times-Italic", 9)
        canvas.drawRightString(WIDTH - MARGIN, HEIGHT - 40, header)
        canvas.drawString(MARGIN, 36, footer)
        canvas.drawCentredString(WIDTH / 2, 24, f"Page {document.page}")
        canvas.restoreState()

    story = []
    for block in re.split(r"\n\s*\n", layout.strip()):
        block = block.strip()
        prefix = next((p for p in ("#### ", "### ", "## ") if block.startswith(p)), None)
        if prefix:
            story.append(Paragraph(escape(block[len(prefix) :]), headings[prefix]))
        elif m := re.match(r"(\d+)\. ", block):
            story.append(
                Paragraph(escape(block[m.end() :]), numbered, bulletText=m.group(0).strip())
            )
        else:
            story.append(Paragraph("<br/>".join(escape(x) for x in block.split("\n")), body))
    story.append(Spacer(1, 1))
    document = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=80, bottomMargin=80
    )
    document.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return path


def layout_html(layout: str) -> str:
    """The layout as an HTML page to print: `=== columns ===` pages in CSS columns."""
    from html import escape

    out: list[str] = []
    columns = False
    for block in re.split(r"\n\s*\n", layout.strip()):
        block = block.strip()
        if block.startswith("=== contents"):
            continue
        if block in ("=== page ===", "=== columns ==="):
            if columns:
                out.append("</div>")
            columns = block == "=== columns ==="
            out.append('<div class="page"></div>' + ('<div class="columns">' if columns else ""))
            continue
        if m := re.match(r"(#+) ", block):
            level = len(m.group(1))
            out.append(f"<h{level}>{escape(block[m.end() :])}</h{level}>")
        elif block.startswith("- "):
            items = "".join(f"<li>{escape(item[2:])}</li>" for item in block.split("\n"))
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<p>{'<br>'.join(escape(x) for x in block.split(chr(10)))}</p>")
    if columns:
        out.append("</div>")
    style = (
        "body{font:11pt/1.4 serif;text-align:justify}h1{font-size:20pt}h2{font-size:14pt}"
        ".page{break-before:page}.columns{column-count:2;column-gap:1.5em}"
        'ul{list-style-type:"•  "}'
    )
    return (
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><style>{style}</style>'
        f"</head><body>{''.join(out)}</body></html>"
    )
