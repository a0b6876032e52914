"""Anchor annotations to a report's text by quote, highlight them, and mark where notes go.

Quotes are matched the way the W3C Web Annotation text-quote selector matches: exact text, made
unique where needed by a prefix, a suffix or the paragraph it is in. Straight and curly quotes and
runs of white space count as equal, so an editor can type a quote from the keyboard.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from .model import Selector, Where
from .paragraphs import is_leaf_block

_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "\u00a0": " "})


@dataclass(frozen=True)
class Target:
    """Something to anchor: a key to find it again, its selector, and what to draw."""

    key: str
    selector: Selector
    where: Where
    highlight: bool = True  # wrap the quote in <mark>
    aside: bool = True  # leave a placeholder for a note beside the passage


@dataclass(frozen=True)
class Block:
    """A citable block of the rendered text."""

    id: str  # the anchor readers link to (a cell's is its table's)
    number: str  # the document's paragraph number, or ""
    text: str


@dataclass(frozen=True)
class Anchor:
    """Where a target landed: the block, and the quote's span in the block's text."""

    key: str
    block: Block
    start: int
    end: int


@dataclass(frozen=True)
class AnchorProblem:
    where: Where
    message: str


# White space to fold: a run of two or more, or one character other than a plain space (a lone
# space is already folded). `\s` is exactly `str.isspace`.
_FOLDED_CHARS = re.compile("[" + "".join(chr(c) for c in _FOLD) + "]")
_SPACES = re.compile(r"\s{2,}|[^\S ]")


class FoldIndex:
    """Each folded character's index in the source text, kept as one shift per folded run of
    white space, so folding a long text costs C loops rather than a Python step per character."""

    def __init__(self, length: int, starts: list[int], shifts: list[int]) -> None:
        self.length, self.starts, self.shifts = length, starts, shifts

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i: int) -> int:
        if i < 0:
            i += self.length
        if not 0 <= i < self.length:
            raise IndexError(i)
        return i + self.shifts[bisect_right(self.starts, i) - 1]


@lru_cache(maxsize=8192)
def fold(text: str) -> tuple[str, FoldIndex]:
    """Normalise quotes and white space; return the folded text and each folded char's source index."""
    if _FOLDED_CHARS.search(text):  # str.translate costs a lookup per character: only when needed
        text = text.translate(_FOLD)
    words = text.split()  # C speed; splits where `\s` matches
    folded = (" " if text[:1].isspace() else "") + " ".join(words)
    if words and text[-1].isspace():
        folded += " "
    starts, shifts = [0], [0]
    if len(folded) != len(text):  # some run of white space was shortened: note each shift
        removed = 0
        for run in _SPACES.finditer(text):
            start, end = run.span()
            folded_at = start - removed  # where the run's one space lands in the folded text
            removed += end - start - 1
            starts.append(folded_at + 1)
            shifts.append(removed)
    return folded, FoldIndex(len(folded), starts, shifts)


def _folded(text: str) -> str:
    return fold(text)[0].strip()


def find_quote(blocks: list[Block], selector: Selector) -> tuple[list[tuple[Block, int, int]], str]:
    """Every place the selector matches, as (block, start, end); and a hint when there is none."""
    pool = [b for b in blocks if not selector.paragraph or b.id == selector.paragraph]
    if selector.paragraph and not pool:
        return [], "paragraph"
    if not selector.quote:
        # A whole-paragraph annotation: the first block with that id (a table's first cell).
        return [(pool[0], 0, len(pool[0].text))], ""
    quote, prefix, suffix = (
        _folded(selector.quote),
        _folded(selector.prefix),
        _folded(selector.suffix),
    )
    hits: list[tuple[Block, int, int]] = []
    for block in pool:
        folded, index = fold(block.text)
        at = folded.find(quote)
        while at != -1:
            end_at = at + len(quote)
            before, after = folded[:at].rstrip(), folded[end_at:].lstrip()
            if (not prefix or before.endswith(prefix)) and (not suffix or after.startswith(suffix)):
                hits.append((block, index[at], index[end_at - 1] + 1))
            at = folded.find(quote, at + 1)
    if hits:
        return hits, ""
    lowered = quote.lower()
    exact = any(quote in fold(b.text)[0] for b in pool)  # then the prefix or suffix is at fault
    if not exact and any(lowered in fold(b.text)[0].lower() for b in pool):
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
            owner = element
            while owner is not None and not owner.get("id"):
                owner = parents.get(owner)
            block_id = owner.get("id") if owner is not None else ""
            number = owner.get("data-number", "") if owner is not None else ""
            elements.append((element, Block(block_id, number, "".join(element.itertext()))))
        ext.blocks = [b for _, b in elements]
        by_block = {id(b): el for el, b in elements}
        for target in ext.targets:
            hits, hint = find_quote(ext.blocks, target.selector)
            problem = self._problem(target, hits, hint)
            if problem:
                ext.problems.append(AnchorProblem(target.where, problem))
                continue
            block, start, end = hits[0]
            ext.anchors[target.key] = Anchor(target.key, block, start, end)
            element = by_block[id(block)]
            if target.highlight and target.selector.quote:
                wrap_range(element, start, end, target.key)
            if target.aside:
                place_aside(element, parents, target.key)

    def _problem(self, target: Target, hits: list, hint: str) -> str:
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
    from .hints import closest_ids

    close = closest_ids(wanted, [b.id for b in blocks])
    return f" (closest: {', '.join(close)})" if close else ""


def _closest_passage(blocks: list[Block], selector: Selector) -> str:
    from .hints import closest_passage

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
        value = node.text if kind == "text" else node.tail
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


def place_aside(element: etree.Element, parents: dict, key: str) -> None:
    """Leave `<!--aside:key-->` where the note belongs: after a paragraph or heading, inside an item or cell."""
    comment = etree.Comment(f"aside:{key}")
    if element.tag in ("li", "td", "th"):
        element.append(comment)
        return
    parent = parents[element]
    siblings = list(parent)
    position = siblings.index(element) + 1
    # Keep several notes on one paragraph in the order they were written.
    while position < len(siblings) and siblings[position].tag is etree.Comment:
        position += 1
    parent.insert(position, comment)


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
                link.text = number
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
                # Before any note placeholder inside an item, so the link stays with the text.
                position = len(element)
                while position and element[position - 1].tag is etree.Comment:
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
