"""Suggest a draft's themes from the words of its paragraphs, each suggestion with its basis.

A theme in `themes.yml` may list `terms:`, the words and phrases that mark a passage on it. Each
paragraph and listed finding of an imported draft that uses a term, matched whole and whatever
its case, gets an annotation naming the themes whose terms it uses, with a comment saying which
words they were (the theme's page states the basis of every suggestion: its terms). Nothing else is inferred: a paragraph that uses no term gets no annotation, and an
editor confirms, changes or deletes each suggestion as they confirm the rest of the draft.

Pure but for `project_themes`, which reads `themes.yml`: the themes and a draft's Markdown body
in, the annotations' YAML lines out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from builder.model.terms import atoms as _atoms
from builder.model.terms import pattern as _pattern

_LIST_ITEM = re.compile(r'<li id="([^"]+)"')
_PARAGRAPH = re.compile(r'<p id="([^"]+)"')
_FOOTNOTES = '<div class="footnote">'


@dataclass(frozen=True, slots=True)
class ThemeTerms:
    """A theme as the suggestions need it: its id, its title for the note, and its terms."""

    id: str
    title: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The themes suggested for one block of the text, with the terms that suggested each."""

    block_id: str  # the block's id: "p14" for numbered paragraph 14
    kind: str  # "paragraph" or "finding" (a list item)
    themes: tuple[tuple[ThemeTerms, tuple[str, ...]], ...]  # in themes.yml order

    @property
    def basis(self) -> str:
        """What the suggestion rests on, for the editor who confirms it (a comment in the draft:
        the theme page states the basis of every suggestion, the theme's terms, once)."""
        what = "paragraph" if self.kind == "paragraph" else "listed finding"
        if len(self.themes) == 1:
            said = _listed(self.themes[0][1])
        else:
            said = "; ".join(f"{_listed(terms)} ({theme.title})" for theme, terms in self.themes)
        return f"suggested: the {what} mentions {said}"


def _listed(terms: tuple[str, ...]) -> str:
    quoted = [f"'{term}'" for term in terms]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


class _Node:
    __slots__ = ("children", "term")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.term: int | None = None  # the index of the term that ends here


def _trie_pattern(node: _Node) -> str:
    """The pattern of a trie of terms: shared beginnings written once, so each word of a text
    costs one step per character it shares with some term, not one attempt per term. Where a
    term ends, an empty group named for it says which term matched; longer terms are tried
    before a shorter one that ends at the same place."""
    branches = [
        (r"\s+" if atom == re.escape(" ") else atom) + _trie_pattern(child)
        for atom, child in sorted(node.children.items())
    ]
    if node.term is not None:
        branches.append(f"(?P<t{node.term}>)(?!\\w)")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


class TermMatcher:
    """Every theme's terms in one compiled pattern, and the themes each term suggests.

    The pattern looks ahead at each word's start for the longest term that begins there, so
    terms that overlap ('child protection', 'protection plan') are each found; a shorter term
    inside a longer one ('child protection' in 'child protection plan') is known from the longer
    one, worked out once here.
    """

    def __init__(self, themes: tuple[ThemeTerms, ...]) -> None:
        self.themes = themes
        terms: dict[str, str] = {}  # lower-case term, white space folded -> as first written
        for theme in themes:
            for term in theme.terms:
                terms.setdefault(_key(term), term)
        ordered = sorted(terms)
        self.terms = ordered  # the group `t{i}` marks the term ordered[i]
        root = _Node()
        for index, key in enumerate(ordered):
            node = root
            for atom in _atoms(key):
                node = node.children.setdefault(atom, _Node())
            node.term = index
        self.pattern = (
            re.compile(r"(?<!\w)(?=" + _trie_pattern(root) + ")", re.IGNORECASE)
            if ordered
            else None
        )
        # The terms found wherever a term is: itself, and each term it holds as whole words.
        alone = {
            key: re.compile(rf"(?<!\w){_pattern(_atoms(key))}(?!\w)", re.IGNORECASE)
            for key in ordered
        }
        self.within: dict[str, tuple[str, ...]] = {
            key: tuple(
                other
                for other in ordered
                if other == key or (len(other) < len(key) and alone[other].search(key))
            )
            for key in ordered
        }
        # Which themes list each term, as each writes it.
        self.by_term: dict[str, list[tuple[int, str]]] = {}
        for index, theme in enumerate(themes):
            for term in theme.terms:
                self.by_term.setdefault(_key(term), []).append((index, term))

    def match(self, text: str) -> tuple[tuple[ThemeTerms, tuple[str, ...]], ...]:
        """The themes whose terms the text uses, in the themes' order, each with those terms in
        the order the theme lists them."""
        if self.pattern is None:
            return ()
        found: set[str] = set()
        for m in self.pattern.finditer(text):
            group = m.lastgroup
            if group is not None:
                found.update(self.within[self.terms[int(group[1:])]])
        if not found:
            return ()
        used: dict[int, set[str]] = {}
        for key in found:
            for index, term in self.by_term[key]:
                used.setdefault(index, set()).add(term)
        return tuple(
            (self.themes[i], tuple(t for t in self.themes[i].terms if t in used[i]))
            for i in sorted(used)
        )


def _key(term: str) -> str:
    return " ".join(term.lower().split())


@functools.lru_cache(maxsize=8)
def matcher_for(themes: tuple[ThemeTerms, ...]) -> TermMatcher:
    """The matcher of a theme set, compiled once per process however many drafts it reads."""
    return TermMatcher(themes)


def suggestions(body: str, themes: tuple[ThemeTerms, ...]) -> list[Suggestion]:
    """The themes each numbered paragraph, other paragraph and listed finding of a body's text
    suggests, in text order; a block that uses no term is left out."""
    if not any(theme.terms for theme in themes):
        return []
    from builder.model.text import render_body

    matcher = matcher_for(themes)
    rendered = render_body(body, [])
    text = rendered.html_text.split(_FOOTNOTES, 1)[0]  # a footnote is the document's aside
    kinds = {block_id: "finding" for block_id in _LIST_ITEM.findall(text)}
    for block_id in _PARAGRAPH.findall(text):
        kinds.setdefault(block_id, "paragraph")
    out = []
    seen: set[str] = set()
    for block in rendered.blocks:
        kind = kinds.get(block.id)
        if kind is None or block.id in seen:
            continue
        seen.add(block.id)
        if found := matcher.match(block.text):
            out.append(Suggestion(block.id, kind, found))
    return out


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _comment(text: str) -> str:
    """Text for a YAML comment: on one line, whatever the terms hold."""
    return " ".join(text.split())


def _paragraph_key(block_id: str) -> str:
    import yaml  # here, not above: every command loads this module, and a build may read no YAML

    if m := re.fullmatch(r"p(\d+)", block_id):
        return m.group(1)  # paragraph 14, as editors write it
    # An id YAML would read as something else (a number, a date, 'yes') is quoted.
    return block_id if yaml.safe_load(block_id) == block_id else _yaml_string(block_id)


SUGGESTED = (
    "annotations:  # confirm: themes suggested by the terms in content/themes.yml, each comment "
    "saying which words; keep, change or delete each"
)


def annotation_lines(found: list[Suggestion]) -> list[str]:
    """The draft's `annotations:` key holding each suggestion, or nothing when there is none."""
    if not found:
        return []
    out = [SUGGESTED]
    for s in found:
        out.append(f"  - paragraph: {_paragraph_key(s.block_id)}  # {_comment(s.basis)}")
        out.append(f"    themes: [{', '.join(theme.id for theme, _ in s.themes)}]")
    return out


def project_themes(content: Path) -> tuple[tuple[ThemeTerms, ...], int]:
    """The project's themes that list terms, as `check` reads them; and how many problems
    `themes.yml` has (a theme with a problem is left out, as the builder leaves it out)."""
    from builder.diagnostics import Diagnostics
    from builder.parse.parse import parse_list, parse_theme

    path = content / "themes.yml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return (), 0
    found = Diagnostics()
    themes = parse_list(text, "themes.yml", found, "theme", parse_theme)
    problems = sum(1 for d in found.items if d.severity == "error")
    return tuple(ThemeTerms(t.id, t.title, t.terms) for t in themes if t.terms), problems
