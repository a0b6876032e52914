"""One reading of a report body's HTML, made once when the body is rendered and shared downstream.

A report page shows the body with its headings moved under the page's own and a list of its
contents; the search index holds the words of each anchored block. Both come from this one parse
(`outline_of`), kept with the rendered body (`RenderedText.outline`) in the model's table and the
on-disk cache, so an unchanged body is never parsed again, in this build or the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser

VOID = frozenset({"br", "img", "hr", "wbr", "input"})
# The blocks search finds words in; headings stay out: they only name sections.
BLOCKS = frozenset({"p", "li", "blockquote", "dd", "td", "th"})
HEADINGS = {f"h{n}": n for n in range(1, 7)}


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of the body with an id: its level as written (1-6), its id and its text."""

    level: int
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class TextBlock:
    """An anchored block of the body (a paragraph, a list item): its id, paragraph number and
    words, without the paragraph-number and self links."""

    id: str
    number: str
    text: str


@dataclass(frozen=True, slots=True)
class BodyOutline:
    """What the stages after the model read of a body's HTML."""

    top_level: int  # the highest level of any heading (1 is highest), 0 when there is none
    headings: tuple[Heading, ...]  # those with an id, in order: the page's contents
    blocks: tuple[TextBlock, ...]  # the anchored blocks, in order: the search index's text


EMPTY = BodyOutline(0, (), ())


def outline_of(html: str, known: Mapping[str, str] | None = None) -> BodyOutline:
    """The outline of a body's HTML, in one pass of an HTML parser.

    `known` gives the text of blocks by id as the body's anchoring read them: a block whose words
    are the same shares that very string, so a site's text is held once, not twice.
    """
    parser = _Outliner(known or {})
    parser.feed(html)
    parser.close()
    return BodyOutline(parser.top_level, tuple(parser.headings), tuple(parser.blocks))


class _Outliner(HTMLParser):
    def __init__(self, known: Mapping[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.known = known
        self.top_level = 0
        self.headings: list[Heading] = []
        self.blocks: list[TextBlock] = []
        # The heading being read: its level, id and text so far (only one with an id, alone).
        self._heading: tuple[int, str, list[str]] | None = None
        # The block being read.
        self._stack: list[str] = []  # open tags of the current block
        self._id = ""
        self._number = ""
        self._text: list[str] = []
        self._skip_at = 0  # depth of a paragraph-number link or self-link, whose text is not words
        # Inside a footnote's mark ('Board<sup id="fnref:1">…1…</sup>'): its number is not a word
        # of the heading or block ('Board1').
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "sup" and (dict(attrs).get("id") or "").startswith("fnref"):
            self._in_mark = True
        level = HEADINGS.get(tag)
        if level is not None:
            if not self.top_level or level < self.top_level:
                self.top_level = level
            if len(attrs) == 1 and attrs[0][0] == "id" and attrs[0][1]:
                self._heading = (level, attrs[0][1], [])
        a = dict(attrs)
        if not self._id:
            if tag in BLOCKS and a.get("id"):
                self._id, self._number, self._text, self._stack = a["id"] or "", "", [], [tag]
            return
        if tag in VOID:
            return
        self._stack.append(tag)
        if not self._skip_at and tag == "a" and a.get("class") in ("pnum", "selflink"):
            if a.get("class") == "pnum":
                self._number = (a.get("aria-label") or "").removeprefix("Paragraph ").strip()
            self._skip_at = len(self._stack)

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup":
            self._in_mark = False
        heading = self._heading
        if heading is not None and HEADINGS.get(tag) == heading[0]:
            self.headings.append(Heading(heading[0], heading[1], "".join(heading[2]).strip()))
            self._heading = None
        if not self._id or tag not in self._stack:
            return
        while self._stack.pop() != tag:
            pass
        if len(self._stack) < self._skip_at:
            self._skip_at = 0
        if not self._stack:
            text = " ".join("".join(self._text).split())
            if text == self.known.get(self._id):
                text = self.known[self._id]
            if text:
                self.blocks.append(TextBlock(self._id, self._number, text))
            self._id = ""

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            return
        if self._heading is not None:
            self._heading[2].append(data)
        if self._id and not self._skip_at:
            self._text.append(data)
