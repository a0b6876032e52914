"""Render Markdown: report bodies with anchors, and the editors' short notes."""

from __future__ import annotations

import html
import re
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import markdown
from markdown.extensions.footnotes import FootnoteExtension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE, AtomicString

from builder.diagnostics import Diagnostics
from builder.model.anchoring import Anchor, AnchorProblem, AnnotationAnchors, Target
from builder.model.blocks import Block
from builder.model.paragraphs import NUMBERED, ParagraphAnchors
from builder.parse.records import Content, Where
from builder.urlpolicy import check_url, url_message


@dataclass(frozen=True)
class RefusedLink:
    """A link or image the URL policy refused: its URL as written, the line it is on, and why."""

    url: str
    line: int  # within the Markdown text, counting from 0
    message: str


@dataclass(frozen=True)
class RenderedText:
    """A report body as HTML, with its citable blocks and where each target landed."""

    html: str
    blocks: tuple[Block, ...]
    anchors: dict[str, Anchor]
    problems: tuple[AnchorProblem, ...]
    duplicate_numbers: tuple[tuple[str, int], ...]  # (number, line within the body)
    refused_links: tuple[RefusedLink, ...] = ()


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
    previous_blank = True
    for line_number, line in enumerate(body.split("\n")):
        match = NUMBERED.match(line)
        if match and previous_blank:
            if match.group(1) in seen:
                duplicates.append((match.group(1), line_number))
            seen.add(match.group(1))
        previous_blank = not line.strip()
    return duplicates


def check_content_links(
    content: Content,
    rendered: dict[str, RenderedText],
    files: dict[str, str],
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


# Budgets for what Python-Markdown cannot bound itself. Its link and code-span patterns scan on from
# every '[' and every run of '`' they cannot close to the end of the paragraph, so unclosed ones
# cost (count x paragraph length); nested lists and quotes recurse once per level.
MAX_BRACKET_WORK = 2_000_000  # about a fifth of a second of scanning, per file or text
# Every inline match rebuilds the rest of its paragraph's text: (marks x length) in C, so cheap
# per mark but quadratic for a long paragraph thick with markup.
MAX_INLINE_WORK = 2_500_000_000  # about half a second
_INLINE_MARKS = "*_`[]\\<&!"
MAX_INDENT = 64  # columns: sixteen list levels
MAX_QUOTE_LEVELS = 16
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_BRACKET_OR_CLOSE = re.compile(r"(?<!\\)[\[\]]")
_TICKS = re.compile(r"(?<!\\)`+")  # a code span's pattern scans on from every run it cannot close
_BLOCK = re.compile(r"\n[ \t]*\n")  # a blank line; separators are kept out of the blocks
_QUOTE_MARKS = re.compile(r"[> \t]*")


# Text shorter than this cannot pass the inline-markup budget: (marks x length) <= length squared.
_SHORT = 50_000
# What the budgets below count: brackets, code-span ticks, quote marks, and indentation deep
# enough to pass MAX_INDENT (seventeen spaces or tabs; sixteen tabs are exactly 64 columns).
_BUDGETED = re.compile(r"[\[\]`>]|(?:^|\n)[ \t]{17}")


def markdown_problem(text: str) -> tuple[int, str] | None:
    """The first thing in Markdown text that would make rendering slow or deep, as (line index, message).

    The line index counts from 0; the message says how to write the text instead.
    """
    if len(text) < _SHORT and not _BUDGETED.search(text):
        return None  # nothing the budgets count: most notes and plain paragraphs
    return _scan_for_problem(text)


def _scan_for_problem(text: str) -> tuple[int, str] | None:
    work = 0
    line_index = 0
    for line in text.split("\n"):
        stripped = line.lstrip(" \t")
        indent = len(line[: len(line) - len(stripped)].expandtabs(4))
        if indent > MAX_INDENT:
            return line_index, (
                f"line indented by {indent} columns (at most {MAX_INDENT}): "
                "lists cannot nest that deep"
            )
        quote = _QUOTE_MARKS.match(stripped)
        levels = quote.group().count(">") if quote else 0
        if levels > MAX_QUOTE_LEVELS:
            return line_index, (
                f"quotes nested {levels} levels deep with '>' (at most {MAX_QUOTE_LEVELS})"
            )
        line_index += 1
    line_index = 0
    inline_work = 0
    for block in _BLOCK.split(text):
        brackets, ticks = _unclosed_brackets(block), _unclosed_ticks(block)
        work += (brackets + ticks) * len(block)
        if work > MAX_BRACKET_WORK and ticks > brackets:
            return line_index, (
                f"too many unclosed code spans in one paragraph ({ticks:,} in {len(block):,} "
                "characters) for the Markdown renderer (hint: close each '`' run with one of the "
                "same length, or write \\` for a backtick that is not code)"
            )
        if work > MAX_BRACKET_WORK:
            return line_index, (
                f"too many unclosed links in one paragraph ({brackets:,} in {len(block):,} "
                "characters) for the Markdown renderer (hint: close each '[' with ']' and each "
                "'](' with ')', or write \\[ for a bracket that is not a link)"
            )
        marks = sum(block.count(c) for c in _INLINE_MARKS)
        inline_work += marks * len(block)
        if inline_work > MAX_INLINE_WORK:
            return line_index, (
                f"too much inline markup in one paragraph ({marks:,} marks in {len(block):,} "
                "characters) for the Markdown renderer (hint: split the paragraph, or remove "
                "stray '*', '_' or '\\' characters)"
            )
        line_index += block.count("\n") + 2
    return None


def _unclosed_brackets(block: str) -> int:
    """Brackets the link pattern scans on from to the end: an unmatched `[`, or `](` with no `)` after."""
    if "[" not in block:
        return 0
    open_brackets = 0
    for match in _BRACKET_OR_CLOSE.finditer(block):
        if match.group() == "]":
            open_brackets = max(open_brackets - 1, 0)
        else:
            open_brackets += 1
    last_close = block.rfind(")")
    unclosed_links = sum(1 for m in re.finditer(r"\]\(", block) if m.start() > last_close)
    return open_brackets + unclosed_links


def _unclosed_ticks(block: str) -> int:
    """Runs of backticks with no later run of the same length: each scans to the end."""
    if "`" not in block:
        return 0
    lengths: dict[int, int] = {}
    for run in _TICKS.findall(block):
        lengths[len(run)] = lengths.get(len(run), 0) + 1
    return sum(count % 2 for count in lengths.values())


def body_problem(body: str) -> tuple[int, str] | None:
    """The first control character or rendering hazard in a report body, as (line index, message)."""
    control = _CONTROL.search(body)
    if control:
        code = ord(control.group())
        kind = "non-character" if code > 0x9F else "control character"
        return body.count("\n", 0, control.start()), (
            f"{kind} U+{code:04X} in the text (hint: remove it; it is invisible in most editors)"
        )
    return markdown_problem(body)


def render_bodies(batch: list[tuple[str, tuple[Target, ...]]]) -> list[RenderedText]:
    """Render and anchor report bodies, as a task for the workers: each (body, targets) to its
    RenderedText."""
    return [render_body(body, list(targets)) for body, targets in batch]


def render_notes(batch: list[tuple[str, str]]) -> list[RenderedNote]:
    """Render Markdown notes, as a task for the workers: each (base path, text) to its HTML and
    refused links."""
    return [rendered_note(text, base_path) for base_path, text in batch]
