"""A Python-Markdown extension for citable reports: numbered paragraphs and stable block ids.

A block that begins `14. ` is paragraph 14 of the document, rendered as `<p id="p14">` with a
visible link, never as an ordered list that renumbers from 1. Every other paragraph, list item,
heading and table gets an id made from its own words, so inserting a paragraph elsewhere never
moves it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.treeprocessors import Treeprocessor

NUMBERED = re.compile(r"^(\d{1,4})\.[ \t]+")  # up to paragraph 9999
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


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


def is_leaf_block(element: etree.Element) -> bool:
    """A block whose text is quoted and cited as a unit: a paragraph, heading, cell or tight item."""
    if element.tag in ("p", "td", "th") or element.tag in HEADINGS:
        return True
    if element.tag == "li":
        return not any(
            child.tag in ("p", "ul", "ol", "table", "blockquote") for child in element
        ) or bool((element.text or "").strip())
    return False


class NumberedParagraphProcessor(BlockProcessor):
    """Turn a block that starts with `N. ` into paragraph N."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(NUMBERED.match(block)) and parent.tag not in ("ol", "ul", "li")

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        match = NUMBERED.match(block)
        assert match is not None
        paragraph = etree.SubElement(parent, "p")
        paragraph.set("id", f"p{match.group(1)}")
        paragraph.set("data-number", match.group(1))
        paragraph.text = block[match.end() :].strip()


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


class ParagraphAnchors(Extension):
    """Register the numbered-paragraph processor and the block-id treeprocessor."""

    def extendMarkdown(self, md: Markdown) -> None:
        # Above the ordered-list processor (40) so `14. ` is never a list item.
        md.parser.blockprocessors.register(
            NumberedParagraphProcessor(md.parser), "numbered_paragraph", 45
        )
        # After inline processing (20) and unescaping (0), so ids are made from the final text.
        md.treeprocessors.register(BlockIdTreeprocessor(md), "block_ids", -1)
