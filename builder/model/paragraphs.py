"""A Python-Markdown extension for citable reports: numbered paragraphs and stable block ids.

A block that begins `14. ` is paragraph 14 of the document, rendered as `<p id="p14">` with a
visible link, never as an ordered list that renumbers from 1. Every other paragraph, list item,
heading and table gets an id made from its own words, so inserting a paragraph elsewhere never
moves it.

A document that numbers its paragraphs from 1 again (a second report bound into one PDF) marks
the heading where that happens: `## The Safeguarding Children Board {: numbering=LSCB }`. Its
paragraphs are then `LSCB 1`, `LSCB 2`…, anchored `#lscb-p1`, and show the number as printed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.treeprocessors import Treeprocessor

NUMBERED = re.compile(r"^(\d{1,4})\.[ \t]+")  # up to paragraph 9999
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# The end of a heading where the document's paragraph numbers start again, and their label.
RESTART = re.compile(
    r"[ \t]*\{:[ \t]*numbering=\"?([A-Za-z0-9][A-Za-z0-9 ]{0,29}?)\"?[ \t]*\}[ \t]*$"
)
HEADING_LINE = re.compile(r"^#{1,6}[ \t]")


def slugify(text: str, words: int | None = None) -> str:
    """Lower-case words joined by hyphens, apostrophes dropped: the rule editors can apply by hand."""
    text = re.sub(r"['’‘]", "", text.lower())
    parts = [p for p in re.split(r"[^a-z0-9]+", text) if p]
    if words is not None:
        parts = parts[:words]
    return "-".join(parts)


def element_text(element: etree.Element) -> str:
    """The text a reader sees in an element, as one string."""
    return "".join(element.itertext())


def block_text(element: etree.Element) -> str:
    """A block's text as it is quoted and cited: an item's own sub-items, when it has them, each
    after a bullet, so they do not run together ('monitoring of: • the pre-proceedings process
    • permanence for children')."""
    if element.tag != "li" or not any(child.tag in ("ul", "ol") for child in element):
        return "".join(element.itertext())
    parts = [element.text or ""]
    for child in element:
        if child.tag in ("ul", "ol"):
            parts += [" • " + block_text(item).strip() for item in child if item.tag == "li"]
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def is_leaf_block(element: etree.Element) -> bool:
    """A block whose text is quoted and cited as a unit: a paragraph, heading, cell or tight item."""
    if element.tag in ("p", "td", "th") or element.tag in HEADINGS:
        return True
    if element.tag == "li":
        return not any(
            child.tag in ("p", "ul", "ol", "table", "blockquote") for child in element
        ) or bool((element.text or "").strip())
    return False


def numbered_lines(body: str) -> list[tuple[str, int]]:
    """Each numbered paragraph's number, as it is cited (`14`, `LSCB 3`), and the line (from 0) of
    the body it starts on, in order."""
    out = []
    label = ""
    previous_blank = True
    for index, line in enumerate(body.split("\n")):
        if HEADING_LINE.match(line) and (restart := RESTART.search(line)):
            label = restart.group(1)
        elif previous_blank and (match := NUMBERED.match(line)):
            out.append((f"{label} {match.group(1)}" if label else match.group(1), index))
        previous_blank = not line.strip()
    return out


def restart_of(heading: etree.Element) -> str:
    """The label a heading starts the paragraph numbers again under, or ""."""
    found = RESTART.search(heading.text or "") if heading.tag in HEADINGS else None
    return found.group(1) if found else ""


class NumberedParagraphProcessor(BlockProcessor):
    """Turn a block that starts with `N. ` into paragraph N (of the numbering it is under)."""

    def __init__(self, parser: Any) -> None:
        super().__init__(parser)
        self.reset()

    def reset(self) -> None:
        # The element whose children were last read for restarts, how many, and the label then.
        self.seen: tuple[etree.Element | None, int, str] = (None, 0, "")

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(NUMBERED.match(block)) and parent.tag not in ("ol", "ul", "li")

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        match = NUMBERED.match(block)
        assert match is not None
        label = self._label(parent)
        number = match.group(1)
        paragraph = etree.SubElement(parent, "p")
        if label:
            paragraph.set("id", f"{slugify(label)}-p{number}")
            paragraph.set("data-number", f"{label} {number}")
            paragraph.set("data-printed", number)
        else:
            paragraph.set("id", f"p{number}")
            paragraph.set("data-number", number)
        paragraph.text = block[match.end() :].strip()

    def _label(self, parent: etree.Element) -> str:
        """The numbering the next paragraph of `parent` is in: read from the headings added since
        the last paragraph, so a body's restarts cost one pass over it."""
        element, read, label = self.seen
        if element is not parent:
            read = 0
        count = len(parent)
        for index in range(read, count):
            label = restart_of(parent[index]) or label
        self.seen = (parent, count, label)
        return label


class BlockIdTreeprocessor(Treeprocessor):
    """Give every paragraph, tight list item, heading and table a stable id."""

    def run(self, root: etree.Element) -> None:
        taken = {i for el in root.iter() if (i := el.get("id"))}
        # The next number to try for each base, so many identical paragraphs cost linear time.
        tried: dict[str, int] = {}
        for element in root.iter():
            if element.get("id"):
                continue
            if element.tag in HEADINGS:
                base = slugify(element_text(element)) or "section"
            elif element.tag == "table" or (element.tag in ("p", "li") and is_leaf_block(element)):
                base = slugify(element_text(element), 6) or element.tag
            else:
                continue
            if re.fullmatch(r"p\d+", base):
                base += "-text"
            element.set("id", free_id(base, taken, tried))


def free_id(base: str, taken: set[str], tried: dict[str, int]) -> str:
    """`base`, or `base-2`, `base-3`…: the first not taken, which is then taken.

    `tried` remembers where each base's search ended, so n identical paragraphs cost O(n).
    """
    n = tried.get(base, 1)
    candidate = base if n == 1 else f"{base}-{n}"
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    tried[base] = n
    taken.add(candidate)
    return candidate


class _RestartMarks(Treeprocessor):
    """Take the numbering mark off the headings that carry one: it is no word of the document."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in HEADINGS and element.text and restart_of(element):
                element.text = RESTART.sub("", element.text)


class ParagraphAnchors(Extension):
    """Register the numbered-paragraph processor and the block-id treeprocessor."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.numbered = NumberedParagraphProcessor(md.parser)
        # Above the ordered-list processor (40) so `14. ` is never a list item.
        md.parser.blockprocessors.register(self.numbered, "numbered_paragraph", 45)
        # Before inline processing (20), so a heading's id and words never hold the mark.
        md.treeprocessors.register(_RestartMarks(md), "restart_marks", 25)
        # After inline processing (20) and unescaping (0), so ids are made from the final text.
        md.treeprocessors.register(BlockIdTreeprocessor(md), "block_ids", -1)

    def reset(self) -> None:
        self.numbered.reset()
