"""Render Markdown: report bodies with anchors, and the editors' short notes."""

from __future__ import annotations

import html
import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import markdown
from markdown.extensions.footnotes import FootnoteExtension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE, AtomicString

from builder.diagnostics import Diagnostics
from builder.incremental.pool import received
from builder.model.anchoring import Anchor, AnchorProblem, AnnotationAnchors, Target
from builder.model.blocks import Block
from builder.model.outline import EMPTY, BodyOutline, outline_of
from builder.model.paragraphs import ParagraphAnchors, numbered_lines
from builder.parse.records import Content, Where
from builder.sitefiles import Packed, text_of
from builder.urlpolicy import check_url, url_message


@dataclass(frozen=True, slots=True)
class RefusedLink:
    """A link or image the URL policy refused: its URL as written, the line it is on, and why."""

    url: str
    line: int  # within the Markdown text, counting from 0
    message: str


@dataclass(frozen=True, slots=True)
class RenderedText:
    """A report body as HTML, with its citable blocks and where each target landed. The HTML is
    packed where a one-off build's workers made it (`diskcache.render_bodies_stored`): only the
    report's own page shows it, and the model is made with every body at hand."""

    html: str | Packed
    blocks: tuple[Block, ...]
    anchors: dict[str, Anchor]
    problems: tuple[AnchorProblem, ...]
    duplicate_numbers: tuple[tuple[str, int], ...]  # (number, line within the body)
    refused_links: tuple[RefusedLink, ...] = ()
    outline: BodyOutline = EMPTY  # its headings and blocks, read once for the stages after

    @property
    def html_text(self) -> str:
        """The HTML as text, unpacked where it is held packed."""
        return text_of(self.html)


class _LinkPolicy(Treeprocessor):
    """Apply the URL policy to every link and image: a refused URL is removed and recorded; a link
    to the site's own pages, written from its root (`/reports/…`), gets the base path in front."""

    def __init__(self, md: markdown.Markdown, base_path: str = "/", shared: bool = False) -> None:
        super().__init__(md)
        self.refused: list[tuple[str, str]] = []  # (url as written, message)
        self.base_path = base_path
        self.shared = shared  # the text shows on several pages (a note, a description)

    def run(self, root: etree.Element) -> None:
        self.refused = []
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute is None or attribute not in element.attrib:
                continue
            # Entities in a link stay entities in the page, where the browser decodes them: judge
            # the URL with them decoded, as the browser will.
            url = element.attrib[attribute].replace(AMP_SUBSTITUTE, "&")
            image = element.tag == "img"
            verdict = check_url(url, image=image)
            if not verdict.ok:
                del element.attrib[attribute]
                self.refused.append((url, url_message("image" if image else "link", url, verdict)))
            elif self.shared and (problem := _page_relative(url)):
                del element.attrib[attribute]
                self.refused.append((url, problem))
            elif url.startswith("/") and not url.startswith("//") and self.base_path != "/":
                element.set(attribute, self.base_path + url[1:])


def _page_relative(url: str) -> str:
    """Why a link in a note or description cannot be relative to the page, or "" when it is not.

    A note shows on its report's page, on theme pages and on recommendation histories: a link
    written relative to one of those pages leads somewhere else from the others.
    """
    url = html.unescape(url)  # an e-mail autolink's address comes entity-encoded
    if url.startswith(("/", "http://", "https://", "mailto:")) or "://" in url:
        return ""
    example = "/reports/2019-06-ilacs/#p48"
    if url.startswith("#"):
        return (
            f"link '{url}' points into whichever page shows the note (hint: link to a paragraph "
            f"from the site's root, with its report's id, like {example})"
        )
    return (
        f"link '{url}' is relative to the page, and a note shows on several pages (hint: write "
        f"it from the site's root, like {example}; the builder adds the base path and checks it)"
    )


# Every inline pattern Python-Markdown has here begins at one of these (a code span, an escape,
# a link or image, an autolink, an entity, emphasis, a line break) or at a placeholder it stashed.
_INLINE_START = re.compile(r"[`\\\[!<&*_\x02\x03]|  \n")


class _PlainText(Treeprocessor):
    """Mark text in which no inline pattern can begin as final, so the inline stage skips it.

    Trying each of a dozen patterns on every paragraph is most of the time Markdown takes on plain
    prose; text without any character a pattern starts with comes out of that stage unchanged.
    """

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            text = element.text
            if text and not isinstance(text, AtomicString) and not _INLINE_START.search(text):
                element.text = AtomicString(text)


class _FootnoteMarks(Treeprocessor):
    """Put the footnote extension's own characters in place of its placeholders at once.

    It writes its back links with placeholders that only its postprocessor replaces, after the
    blocks are given ids and anchored: ids and quotable text would hold the placeholders.
    """

    def run(self, root: etree.Element) -> None:
        from markdown.extensions import footnotes

        marks = {
            footnotes.FN_BACKLINK_TEXT: "\u21a9",
            footnotes.NBSP_PLACEHOLDER: "\xa0",
        }
        for element in root.iter():
            for attribute in ("text", "tail"):
                value = getattr(element, attribute)
                if value and "\x02" in value:
                    for mark, character in marks.items():
                        value = value.replace(mark, character)
                    setattr(element, attribute, value)
            # A back link's name is its title, not the arrow it shows ('leftwards arrow with hook').
            if element.tag == "a" and element.get("class") == "footnote-backref":
                element.set("aria-label", element.get("title", "Back to the text"))


class _Footnotes(FootnoteExtension):
    """Footnotes whose back links are written before the blocks get their ids."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        super().extendMarkdown(md)
        md.treeprocessors.register(_FootnoteMarks(md), "footnote_marks", 45)


def _markdown(
    *extensions: markdown.Extension, base_path: str = "/", shared: bool = False
) -> tuple[markdown.Markdown, _LinkPolicy]:
    md = markdown.Markdown(extensions=["tables", *extensions], output_format="html")
    # Content is text, never markup: raw HTML is shown as written rather than passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_PlainText(md), "plain_text", 30)  # before "inline" (20)
    policy = _LinkPolicy(md, base_path, shared)
    md.treeprocessors.register(policy, "link_policy", -10)
    return md, policy


def render_body(body: str, targets: list[Target]) -> RenderedText:
    """Render a report body, anchoring every target; pure: text in, HTML and findings out."""
    anchors = AnnotationAnchors(targets)
    # A document's footnotes ('[^1]' and '[^1]: text', as an import writes them) are its words:
    # they render as a list at the end of the text, where they can be quoted and annotated.
    md, policy = _markdown(
        ParagraphAnchors(), anchors, _Footnotes(BACKLINK_TITLE="Back to the text of note %d")
    )
    html = md.convert(body)
    return RenderedText(
        html,
        tuple(anchors.blocks),
        dict(anchors.anchors),
        tuple(anchors.problems),
        tuple(_duplicate_numbers(body)),
        _located(policy.refused, body),
        outline_of(html, {block.id: block.text for block in anchors.blocks}),
    )


# A note's HTML and the links in it that the URL policy refused (which do not depend on the
# base path): made in one rendering, so a build renders each note once.
RenderedNote = tuple[str, tuple[RefusedLink, ...]]


def render_note(text: str, base_path: str = "/") -> str:
    """Render an editor's note or description (Markdown, no raw HTML); links to the site's own
    pages are written from its root (`/reports/2019-06-ilacs/#p48`) and get the base path."""
    return rendered_note(text, base_path)[0]


def refused_links(text: str) -> tuple[RefusedLink, ...]:
    """The links and images in a note or description that the URL policy refuses."""
    return rendered_note(text)[1]


@lru_cache(maxsize=4096)
def rendered_note(text: str, base_path: str = "/") -> RenderedNote:
    """A note's HTML and its refused links, from one rendering."""
    if not text:
        return "", ()
    md, policy = _note_markdown(base_path)
    try:
        return md.convert(text), _located(policy.refused, text)
    finally:
        md.reset()


_local = threading.local()


def _note_markdown(base_path: str) -> tuple[markdown.Markdown, _LinkPolicy]:
    """This thread's Markdown converter for notes under a base path, made once and reused.

    Making a converter costs more than converting a short note; `reset` after each note leaves
    nothing of one note in the next.
    """
    made: dict[str, tuple[markdown.Markdown, _LinkPolicy]] = _local.__dict__.setdefault("md", {})
    if base_path not in made:
        made[base_path] = _markdown(base_path=base_path, shared=True)
    return made[base_path]


def _located(refused: list[tuple[str, str]], text: str) -> tuple[RefusedLink, ...]:
    return tuple(RefusedLink(url, line_of(url, text), message) for url, message in refused)


def line_of(url: str, text: str, start: int = 0) -> int:
    """The line (from 0) of `text` where `url` is written as a link, searching from offset `start`.

    Python-Markdown keeps no source lines, so the URL is looked for as Markdown writes a link's
    address, then anywhere (a tab comes out of Markdown as spaces); when it cannot be found, the
    line `start` is on.
    """
    candidates = [f"]({url}", f"](<{url}>", f"]: {url}", f"<{url}>", url]
    candidates += [url.replace("    ", "\t"), url[:12]]
    for candidate in candidates:
        at = text.find(candidate, start) if url else -1
        if at != -1:
            return text.count("\n", 0, at)
    return text.count("\n", 0, start)


def _duplicate_numbers(body: str) -> list[tuple[str, int]]:
    seen: set[str] = set()
    duplicates = []
    for number, line in numbered_lines(body):
        if number in seen:
            duplicates.append((number, line))
        seen.add(number)
    return duplicates


def check_content_links(
    content: Content,
    rendered: dict[str, RenderedText],
    files: Mapping[str, str],
    diagnostics: Diagnostics,
    notes: dict[tuple[str, str], RenderedNote] | None = None,
    kept: dict[str, Any] | None = None,
) -> None:
    """Report, at its file and line, every link or image in content that the URL policy refuses.

    `rendered` holds the report bodies as the model rendered them; notes and descriptions are
    taken from `notes` (the build's rendered notes) or rendered here; `files` are the content
    files' texts. `kept` holds each report's problems from the last build, with the record and
    body they were found in: the very same record and body have the same.
    """
    made = {
        text: found for (_, text), found in (notes or {}).items()
    }  # refused whatever the base path

    def check(fields: list[tuple[str, Where]], into: Diagnostics) -> None:
        for text, where in fields:
            for refused in made[text][1] if text in made else refused_links(text):
                source = files.get(where.path, "")
                start = _offset_of_line(source, where.line)
                line = line_of(refused.url, source, start) + 1 if source else where.line
                into.error(where.path, line, refused.message)

    settings = content.settings
    fields: list[tuple[str, Where]] = [
        (settings.description, settings.where),
        (settings.footer, settings.where),
    ]
    fields += [(t.description, t.where.of("description")) for t in content.themes]
    fields += [(r.description, r.where.of("description")) for r in content.recommendations]
    fields += [(e.note, e.where.of("note")) for e in content.events]
    check(fields, diagnostics)
    last = kept if kept is not None else {}
    now = {}
    for report in content.reports:
        result = rendered.get(report.id)
        was = last.get(report.id)
        if was is None or was[0] is not report or was[1] is not result:
            mine = Diagnostics()
            for refused in result.refused_links if result else ():
                mine.error(report.where.path, report.body_line + refused.line, refused.message)
            fields = [(report.summary, report.where.of("summary"))]
            fields += [(a.note, a.where.of("note")) for a in report.annotations]
            check(fields, mine)
            was = (report, result, tuple(mine.items))
        now[report.id] = was
        diagnostics.items.extend(was[2])
    if kept is not None:
        kept.clear()
        kept.update(now)  # this build's reports only: memory stays flat


def _offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(max(line - 1, 0)):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return 0
    return offset


def render_bodies(batch: Sequence[tuple[str | bytes, tuple[Target, ...]]]) -> list[RenderedText]:
    """Render and anchor report bodies, as a task for the workers: each (body, targets) to its
    RenderedText; the body as sent (`to_send`)."""
    return [render_body(received(body), list(targets)) for body, targets in batch]


def render_notes(batch: list[tuple[str, str]]) -> list[RenderedNote]:
    """Render Markdown notes, as a task for the workers: each (base path, text) to its HTML and
    refused links."""
    return [rendered_note(text, base_path) for base_path, text in batch]
