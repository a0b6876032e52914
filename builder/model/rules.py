"""Content rules a site chooses in `site.yml`, checked on the model (pure: site in, warnings out).

A rule is the site's editorial standard, not the builder's: it is off unless `site.yml` turns it
on, and a broken rule is a warning, so `check --strict` and `build --strict` enforce it while the
preview still shows the page being worked on. The theme rules hold confirmed reports: a draft is
the importer's text, warned of as a draft, until an editor confirms it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.diagnostics import Diagnostics
from builder.model.blocks import Block, fold
from builder.model.paragraphs import numbered_lines
from builder.model.site import Site
from builder.parse.records import RULES, TrackedRecommendation  # noqa: F401 - RULES re-exported

_LIST_ITEM = re.compile(r'<li id="([^"]+)"')
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"[*_`]")  # Markdown's marks, which the rendered text no longer has


@dataclass(frozen=True, slots=True)
class Unthemed:
    """A numbered paragraph or listed finding that no annotation or recommendation gives a theme."""

    report: str
    path: str
    line: int
    kind: str  # "paragraph" or "finding"
    block: Block

    @property
    def label(self) -> str:
        if self.kind == "paragraph":
            return f"paragraph {self.block.number}"
        words = " ".join(self.block.text.split())
        return f"finding '{words if len(words) <= 50 else words[:49] + '…'}'"

    @property
    def anchor(self) -> str:
        """How an annotation names it: a listed finding has no number, only its block's id."""
        return "" if self.kind == "paragraph" else f"paragraph: {self.block.id}"


def unthemed_blocks(site: Site, drafts: bool = True) -> list[Unthemed]:
    """Every numbered paragraph and listed finding without a theme, in report and text order;
    those of drafts too unless `drafts` is false."""
    out = []
    for view in site.reports:
        rendered = site.rendered.get(view.report.id)
        if rendered is None or (view.report.draft and not drafts):
            continue
        themed = {p.block_id for p in view.passages if p.themes}
        items = set(_LIST_ITEM.findall(view.body_text))
        lines = block_lines(view.report.body, view.report.body_line, rendered.blocks, items)
        seen = set()
        for block in rendered.blocks:
            kind = "paragraph" if block.number else "finding" if block.id in items else ""
            if not kind or block.id in themed or block.id in seen:
                continue
            seen.add(block.id)
            line = lines.get(block.id, view.report.where.line)
            out.append(Unthemed(view.report.id, view.report.where.path, line, kind, block))
    return out


def block_lines(
    body: str, body_line: int, blocks: tuple[Block, ...], items: set[str]
) -> dict[str, int]:
    """The file line each numbered paragraph and list item starts on, found in the body's text."""
    source = body.split("\n")
    out: dict[str, int] = {}
    numbered: dict[str, int] = {}
    for number, index in numbered_lines(body):
        numbered.setdefault(number, body_line + index)
    start = 0
    for block in blocks:
        if block.number:
            if block.number in numbered:
                out.setdefault(block.id, numbered[block.number])
            continue
        if block.id not in items:
            continue
        # A list item: the next bullet line, in order, that begins with the item's first words.
        head = fold(" ".join(block.text.split()[:4]))[0]
        for index in range(start, len(source)):
            bullet = _BULLET.match(source[index])
            if not bullet:
                continue
            written = _EMPHASIS.sub("", source[index][bullet.end() :])
            if fold(written)[0].startswith(head):
                out[block.id] = body_line + index
                start = index + 1
                break
    return out


def unfollowed_recommendations(site: Site) -> list[tuple[TrackedRecommendation, list[str]]]:
    """Tracked recommendations that are no report's own recommendation and that fewer than two
    documents speak of, each with the documents that do."""
    documents: dict[str, set[str]] = {}
    own: set[str] = set()
    for view in site.reports:  # one pass over every passage, however many recommendations
        for p in view.passages:
            if p.tracks:
                documents.setdefault(p.tracks, set()).add(p.report)
                if p.kind == "recommendation":
                    own.add(p.tracks)
    return [
        (rec, sorted(documents.get(rid, ())))
        for rid, rec in site.recommendations.items()
        if rid not in own and len(documents.get(rid, ())) < 2
    ]


def check_rules(site: Site, diagnostics: Diagnostics) -> None:
    """Warn, with file and line, wherever the content breaks a rule the site turned on."""
    rules = site.settings.rules
    lost = {kind for kind, _ in site.content.lost} | site.content.partial
    if not rules or {"themes", "recommendations"} & lost:
        return  # a theme lost to an error in its file would make false "no theme" warnings
    wanted = {
        "paragraph": "every_numbered_paragraph_themed" in rules,
        "finding": "every_listed_finding_themed" in rules,
    }
    # A report lost to an error in its file would make a concern it speaks of look followed by
    # fewer documents than it is: the warning would send the editor to a file they never edited.
    if "every_tracked_recommendation_followed" in rules and "reports" not in lost:
        for rec, documents in unfollowed_recommendations(site):
            diagnostics.warning(
                rec.where.path,
                rec.where.line,
                f"tracked recommendation '{rec.id}' is spoken of by "
                f"{'no document' if not documents else f'one document only ({documents[0]})'} "
                "and is no report's own recommendation (rule "
                "'every_tracked_recommendation_followed' in site.yml; hint: track it where "
                "another document speaks of it, or fold it into the concern it belongs to)",
            )
    # A draft is not yet the editors' text: its themes are suggestions to confirm, and it is
    # warned of as a draft already. The rules hold it once 'draft: true' is deleted; until then
    # `check --todo` lists what it lacks. (Nor is a draft read for them: a national site of
    # drafts would read every report's text again on every edit.)
    for item in unthemed_blocks(site, drafts=False) if any(wanted.values()) else ():
        if wanted[item.kind]:
            rule = (
                "every_numbered_paragraph_themed"
                if item.kind == "paragraph"
                else "every_listed_finding_themed"
            )
            diagnostics.warning(
                item.path,
                item.line,
                f"{item.label} has no theme (rule '{rule}' in site.yml; hint: annotate it"
                + (f" as '{item.anchor}'" if item.anchor else "")
                + " with themes: [...])",
            )
