"""Theme terms as the text uses them: whole, in any case, however a typesetter spaced,
hyphenated or put apostrophes in them. The import suggests themes by them; theme pages show the
words of a passage that put it on its theme."""

from __future__ import annotations

import functools
import re

# Characters a term's text may be written with in a document, by the character written in the
# term: a typewriter apostrophe finds a typeset one, a hyphen a non-breaking one.
VARIANTS = {"'": "['’‘]", "’": "['’‘]", "-": "[-‐‑]"}


def atoms(term: str) -> list[str]:
    """A term as the pieces of a pattern, one per character: its words in lower case, any white
    space between them, and each apostrophe or hyphen in any of the forms a typesetter uses."""
    return [VARIANTS.get(ch, re.escape(ch)) for ch in " ".join(term.lower().split())]


def pattern(atoms: list[str]) -> str:
    return "".join(r"\s+" if atom == re.escape(" ") else atom for atom in atoms)


@functools.lru_cache(maxsize=256)
def term_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern that finds any of these terms as the import matches them: whole, in any
    case, however the text spaces, hyphenates or puts apostrophes in them."""
    if not terms:
        return None
    alternatives = sorted((pattern(atoms(t)) for t in terms), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)
