"""Anchor annotations to a report's text by quote, highlight them, and mark where notes go.

Quotes are matched the way the W3C Web Annotation text-quote selector matches: exact text, made
unique where needed by a prefix, a suffix or the paragraph it is in. Straight and curly quotes and
runs of white space count as equal, so an editor can type a quote from the keyboard.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from builder.model.blocks import _FOLD as _FOLD
from builder.model.blocks import Block as Block
from builder.model.blocks import FoldIndex as FoldIndex
from builder.model.blocks import fold as fold
from builder.model.hints import closest_ids, closest_passage
from builder.model.paragraphs import block_text, is_leaf_block
from builder.parse.records import Selector, Where

MAX_HIGHLIGHTS = 200  # per paragraph; the most in the bundled reports is 6


@dataclass(frozen=True, slots=True)
class Target:
    """Something to anchor: a key to find it again, its selector, and what to draw."""

    key: str
    selector: Selector
    where: Where
    highlight: bool = True  # wrap the quote in <mark>
    aside: bool = True  # leave a placeholder for a note beside the passage


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a target landed: the block, and the quote's span in the block's text."""

    key: str
    block: Block
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class AnchorProblem:
    where: Where
    message: str


def _folded(text: str) -> str:
    return fold(text)[0].strip()


_WORD = re.compile(r"\w+")


class BlockIndex:
    """The blocks of one text, folded once and indexed by id and by word.

    Finding a quote then looks only at the blocks that contain its rarest whole word, so anchoring
    many annotations costs time in proportion to their number, not to their number times the text.
    """

    # Below this many quotes, looking through every block costs less than indexing every word.
    SCAN = 32

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.folded = [fold(b.text) for b in blocks]
        self.by_id: dict[str, list[int]] = {}
        for i, block in enumerate(blocks):
            self.by_id.setdefault(block.id, []).append(i)
        self._by_word: dict[str, list[int]] | None = None
        self._asked = 0

    def _words(self) -> dict[str, list[int]]:
        if self._by_word is None:
            self._by_word = {}
            for i, (folded, _) in enumerate(self.folded):
                for word in set(_WORD.findall(folded)):
                    self._by_word.setdefault(word, []).append(i)
        return self._by_word

    def candidates(self, quote: str, paragraph: str) -> list[int]:
        """Indexes of the blocks that may hold the quote, in document order."""
        if paragraph:
            return self.by_id.get(paragraph, [])
        self._asked += 1
        # A word touching either end of the quote may be part of a longer word in the text.
        inner = [m.group() for m in _WORD.finditer(quote) if 0 < m.start() and m.end() < len(quote)]
        if not inner or self._asked <= self.SCAN:
            return list(range(len(self.blocks)))
        by_word = self._words()
        return min((by_word.get(w, []) for w in inner), key=len)


def find_quote(
    blocks: list[Block], selector: Selector, index: BlockIndex | None = None
) -> tuple[list[tuple[Block, int, int]], str]:
    """Every place the selector matches, as (block, start, end); and a hint when there is none."""
    index = index or BlockIndex(blocks)
    if selector.paragraph and selector.paragraph not in index.by_id:
        return [], "paragraph"
    if not selector.quote:
        # A whole-paragraph annotation: the first block with that id (a table's first cell).
        first = index.blocks[index.by_id[selector.paragraph][0]]
        return [(first, 0, len(first.text))], ""
    quote, prefix, suffix = (
        _folded(selector.quote),
        _folded(selector.prefix),
        _folded(selector.suffix),
    )
    hits: list[tuple[Block, int, int]] = []
    for i in index.candidates(quote, selector.paragraph):
        block = index.blocks[i]
        folded, positions = index.folded[i]
        at = folded.find(quote)
        while at != -1:
            end_at = at + len(quote)
            if (not prefix or folded[:at].rstrip().endswith(prefix)) and (
                not suffix or folded[end_at:].lstrip().startswith(suffix)
            ):
                hits.append((block, positions[at], positions[end_at - 1] + 1))
            at = folded.find(quote, at + 1)
    if hits:
        return hits, ""
    lowered = quote.lower()
    pool = index.by_id.get(selector.paragraph, []) if selector.paragraph else range(len(blocks))
    exact = any(quote in index.folded[i][0] for i in pool)  # then the prefix or suffix is at fault
    if not exact and any(lowered in index.folded[i][0].lower() for i in pool):
        return [], "case"
    return [], ""


def describe_blocks(hits: list[tuple[Block, int, int]]) -> str:
    """`¶14, ¶15` or `¶4 twice`: where the hits are."""
    counts: dict[str, int] = {}
    for block, _, _ in hits:
        name = f"¶{block.number}" if block.number else f"#{block.id}"
        counts[name] = counts.get(name, 0) + 1
    names = [
        name + ("" if n == 1 else " twice" if n == 2 else f" {n} times")
        for name, n in counts.items()
    ]
    return ", ".join(names[:6]) + (", …" if len(names) > 6 else "")


class _Anchorer(Treeprocessor):
    def __init__(self, md: Markdown, extension: AnnotationAnchors) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        ext = self.extension
        parents = {child: parent for parent in root.iter() for child in parent}
        elements: list[tuple[etree.Element, Block]] = []
        for element in root.iter():
            if not is_leaf_block(element):
                continue
            owner: etree.Element | None = element
            while owner is not None and not owner.get("id"):
                owner = parents.get(owner)
            block_id = owner.get("id", "") if owner is not None else ""
            number = owner.get("data-number", "") if owner is not None else ""
            elements.append((element, Block(block_id, number, block_text(element))))
        ext.blocks = [b for _, b in elements]
        by_block = {id(b): el for el, b in elements}
        index = BlockIndex(ext.blocks)
        asides: dict[etree.Element, list[str]] = {}  # element -> keys of the notes after it
        marks: dict[int, int] = {}  # id(block) -> highlights in it
        for target in ext.targets:
            hits, hint = find_quote(ext.blocks, target.selector, index)
            problem = self._problem(target, hits, hint)
            if problem:
                key = "paragraph" if hint == "paragraph" or not target.selector.quote else "quote"
                ext.problems.append(AnchorProblem(target.where.of(key), problem))
                continue
            block, start, end = hits[0]
            element = by_block[id(block)]
            if target.highlight and target.selector.quote:
                # Highlights may nest, and each one walks its block: a bound keeps both in check.
                count = marks[id(block)] = marks.get(id(block), 0) + 1
                if count > MAX_HIGHLIGHTS:
                    if count == MAX_HIGHLIGHTS + 1:
                        ext.problems.append(
                            AnchorProblem(
                                target.where.of("quote"),
                                f"more than {MAX_HIGHLIGHTS} quotes are highlighted in one "
                                "paragraph (hint: annotate the whole paragraph with 'paragraph' "
                                "and no 'quote')",
                            )
                        )
                    continue
                wrap_range(element, start, end, target.key)
            ext.anchors[target.key] = Anchor(target.key, block, start, end)
            if target.aside:
                asides.setdefault(element, []).append(target.key)
        place_asides(asides, parents)

    def _problem(self, target: Target, hits: list[Any], hint: str) -> str:
        sel = target.selector
        if hint == "paragraph":
            return f"paragraph '{sel.paragraph}' not found in this report" + _closest_ids(
                sel.paragraph, self.extension.blocks
            )
        if not hits:
            where = f" in paragraph '{sel.paragraph}'" if sel.paragraph else ""
            narrowed = " with the given prefix/suffix" if sel.prefix or sel.suffix else ""
            extra = (
                " (it appears with different capitals: quotes are case-sensitive)"
                if hint == "case"
                else _closest_passage(self.extension.blocks, sel)
            )
            return f"quote not found{where}{narrowed}: '{_short(sel.quote)}'{extra}"
        if len(hits) > 1:
            return (
                f"quote is not unique: '{_short(sel.quote)}' appears {len(hits)} times "
                f"({describe_blocks(hits)}); add 'prefix', 'suffix' or 'paragraph' to choose one"
            )
        return ""


def _closest_ids(wanted: str, blocks: list[Block]) -> str:
    close = closest_ids(wanted, [b.id for b in blocks])
    return f" (closest: {', '.join(close)})" if close else ""


def _closest_passage(blocks: list[Block], selector: Selector) -> str:
    if selector.prefix or selector.suffix:
        found, _ = find_quote(blocks, Selector(selector.quote, "", "", selector.paragraph))
        if found:
            return ""  # the quote is there: it is the prefix or suffix that does not match
    pool = [b for b in blocks if not selector.paragraph or b.id == selector.paragraph]
    close = closest_passage(pool, selector.quote)
    if close is None:
        return ""
    block, marked = close
    name = f"¶{block.number}" if block.number else f"#{block.id}"
    return f' (closest, in {name}: "{marked}")'


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def wrap_range(element: etree.Element, start: int, end: int, key: str) -> None:
    """Wrap characters [start, end) of an element's text in <mark>, splitting across inline tags."""
    segments: list[tuple[str, etree.Element, etree.Element | None, int]] = []
    offset = 0

    def walk(node: etree.Element) -> None:
        nonlocal offset
        if isinstance(node.tag, str) and node.text:
            segments.append(("text", node, None, offset))
            offset += len(node.text)
        for child in list(node):
            walk(child)
            if child.tail:
                segments.append(("tail", child, node, offset))
                offset += len(child.tail)

    walk(element)
    for kind, node, parent, seg_start in reversed(segments):
        value = (node.text if kind == "text" else node.tail) or ""
        seg_end = seg_start + len(value)
        lo, hi = max(start, seg_start), min(end, seg_end)
        if lo >= hi:
            continue
        before, inside, after = (
            value[: lo - seg_start],
            value[lo - seg_start : hi - seg_start],
            value[hi - seg_start :],
        )
        mark = etree.Element("mark", {"class": "annotated", "data-annotation": key})
        mark.text, mark.tail = inside, after
        if kind == "text":
            node.text = before
            node.insert(0, mark)
        else:
            node.tail = before
            assert parent is not None
            parent.insert(list(parent).index(node) + 1, mark)
        if lo == start:
            mark.set("id", key)


def place_asides(
    asides: dict[etree.Element, list[str]], parents: dict[etree.Element, etree.Element]
) -> None:
    """Leave `<!--aside:key-->` where each note belongs: after a paragraph or heading, inside an item or cell.

    Several notes on one passage keep the order they were written in. Each parent's children are
    rebuilt once, so placing many notes costs time in proportion to their number.
    """
    after: dict[etree.Element, dict[etree.Element, list[str]]] = {}
    for element, keys in asides.items():
        if element.tag in ("li", "td", "th"):
            # An item's own words may be followed by a list of its own: its notes go with its
            # words, before that list.
            at = _own_end(element)
            for offset, key in enumerate(keys):
                element.insert(at + offset, etree.Comment(f"aside:{key}"))
        else:
            after.setdefault(parents[element], {})[element] = keys
    for parent, by_child in after.items():
        # Any: the comments are Elements too, whose tag is the Comment factory rather than a str.
        children: list[etree.Element[Any]] = []
        for child in list(parent):
            children.append(child)
            children.extend(etree.Comment(f"aside:{key}") for key in by_child.get(child, ()))
        parent[:] = children


_NESTED = ("ul", "ol", "table", "blockquote", "p")


def _own_end(element: etree.Element) -> int:
    """Where an item's own words end among its children: before its first nested block."""
    return next((i for i, child in enumerate(element) if child.tag in _NESTED), len(element))


class _Furniture(Treeprocessor):
    """Add the visible paragraph numbers and self-links, after anchoring so quotes never include them."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            number = element.get("data-number")
            block_id = element.get("id")
            if number:
                link = etree.Element(
                    "a",
                    {"class": "pnum", "href": f"#{block_id}", "aria-label": f"Paragraph {number}"},
                )
                link.text = element.attrib.pop("data-printed", number)  # as the document prints it
                link.tail = " " + (element.text or "")
                element.text = None
                element.insert(0, link)
                del element.attrib["data-number"]
            elif block_id and element.tag in ("p", "li") and is_leaf_block(element):
                link = etree.Element(
                    "a",
                    {
                        "class": "selflink",
                        "href": f"#{block_id}",
                        "aria-label": "Link to this passage",
                    },
                )
                link.text = "¶"
                # After the item's own words (before a list of its own), and before any note
                # placeholder there, so the link stays with the text.
                position = _own_end(element)
                while position and element[position - 1].tag is etree.Comment:  # type: ignore[comparison-overlap]
                    position -= 1
                if position:
                    previous = element[position - 1]
                    previous.tail = (previous.tail or "") + " "
                else:
                    element.text = (element.text or "") + " "
                element.insert(position, link)


class AnnotationAnchors(Extension):
    """Anchor the given targets; results land in `anchors`, `blocks` and `problems`."""

    def __init__(self, targets: list[Target]) -> None:
        super().__init__()
        self.targets = targets
        self.anchors: dict[str, Anchor] = {}
        self.blocks: list[Block] = []
        self.problems: list[AnchorProblem] = []

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_Anchorer(md, self), "annotation_anchors", -2)
        md.treeprocessors.register(_Furniture(md), "paragraph_furniture", -3)
