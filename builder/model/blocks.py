"""The citable blocks of a rendered text, and the folding that lets a typed quote match them.

Straight and curly quotes and runs of white space count as equal, so an editor can type a quote
from the keyboard. Anchoring finds quotes in blocks; hints suggest the closest one when it fails.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "\u00a0": " "})


@dataclass(frozen=True, slots=True)
class Block:
    """A citable block of the rendered text."""

    id: str  # the anchor readers link to (a cell's is its table's)
    number: str  # the document's paragraph number, or ""
    text: str


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
