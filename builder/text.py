"""Render Markdown: report bodies with anchors, and the editors' short notes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache

import markdown
from markdown.treeprocessors import Treeprocessor

from .anchoring import Anchor, AnchorProblem, AnnotationAnchors, Block, Target
from .paragraphs import NUMBERED, ParagraphAnchors

_SAFE_URL = re.compile(r"^(https?://|mailto:|/|#)", re.IGNORECASE)


@dataclass(frozen=True)
class RenderedText:
    """A report body as HTML, with its citable blocks and where each target landed."""

    html: str
    blocks: tuple[Block, ...]
    anchors: dict[str, Anchor]
    problems: tuple[AnchorProblem, ...]
    duplicate_numbers: tuple[tuple[str, int], ...]  # (number, line within the body)


class _SafeLinks(Treeprocessor):
    """Drop link targets that could run script (`javascript:` and friends)."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter("a"):
            href = element.get("href", "")
            if href and not _SAFE_URL.match(href):
                del element.attrib["href"]


def _markdown(*extensions: object) -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", *extensions], output_format="html")
    # Content is text, never markup: raw HTML is shown as written rather than passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "safe_links", -10)
    return md


def render_body(body: str, targets: list[Target]) -> RenderedText:
    """Render a report body, anchoring every target; pure: text in, HTML and findings out."""
    anchors = AnnotationAnchors(targets)
    html = _markdown(ParagraphAnchors(), anchors).convert(body)
    return RenderedText(
        html,
        tuple(anchors.blocks),
        dict(anchors.anchors),
        tuple(anchors.problems),
        tuple(_duplicate_numbers(body)),
    )


@lru_cache(maxsize=4096)
def render_note(text: str) -> str:
    """Render an editor's note or description (Markdown, no raw HTML)."""
    if not text:
        return ""
    md = _note_markdown()  # building a Markdown converter costs far more than a short note
    md.reset()
    return md.convert(text)


@lru_cache(maxsize=1)
def _note_markdown() -> markdown.Markdown:
    return _markdown()


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
