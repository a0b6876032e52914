"""Hints for anchors that failed: the closest passage to a quote, and the closest paragraph ids.

Pure functions on text; a hint is given only when it is plausible, so a wrong one never misleads.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter

from builder.model.blocks import Block, fold

# How alike a passage's words must be to a quote's to be offered as "closest" (difflib's ratio).
PASSAGE_CUTOFF = 0.6
ID_CUTOFF = 0.75  # 'private-fostering' is not a plausible 'arrangement-for-private-fostering'
_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")


def _words(text: str) -> list[str]:
    return fold(text)[0].split()


def _key(word: str) -> str:
    """A word as compared: without the punctuation around it, so `regular.` matches `regular`."""
    return _PUNCTUATION.sub("", word) or word


def closest_passage(blocks: list[Block], quote: str) -> tuple[Block, str] | None:
    """The block and marked diff of the passage most like the quote, or None if none is close.

    The diff shows the quote's words that differ as `[-quote's-]` and the text's as `{+text's+}`,
    so the editor sees what to change.
    """
    wanted = _words(quote)
    if not wanted:
        return None
    keys = [_key(w) for w in wanted]
    wanted_counts = Counter(keys)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(keys)
    best: tuple[tuple[float, int], Block, list[str]] | None = None
    for block in blocks:
        words = _words(block.text)
        block_keys = [_key(w) for w in words]
        n = len(keys)
        # A window alike enough shares at least PASSAGE_CUTOFF * n of the quote's words: a block
        # that has fewer in all is passed over without trying its windows.
        if sum((wanted_counts & Counter(block_keys)).values()) < PASSAGE_CUTOFF * n:
            continue
        # Windows no shorter than the quote, since a shorter one scores higher by dropping the
        # very word that differs; the words the text adds at either end are trimmed below.
        for size in (n, n + 1, n + 2):
            for start in range(0, max(1, len(words) - size + 1)):
                matcher.set_seq1(block_keys[start : start + size])
                if matcher.real_quick_ratio() < PASSAGE_CUTOFF:
                    continue
                if matcher.quick_ratio() < PASSAGE_CUTOFF:
                    continue
                ratio = matcher.ratio()
                window = block_keys[start : start + size]
                # Between equally alike windows, the one that starts and ends where the quote does.
                score = (ratio, (window[0] == keys[0]) + (window[-1] == keys[-1]))
                if ratio >= PASSAGE_CUTOFF and (best is None or score > best[0]):
                    best = (score, block, words[start : start + size])
    if best is None:
        return None
    return best[1], mark_differences(wanted, best[2])


def mark_differences(quote: list[str], text: list[str]) -> str:
    """Words of the text, with the quote's differing words as `[-…-]` and the text's as `{+…+}`."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, [_key(w) for w in quote], [_key(w) for w in text])
    opcodes = matcher.get_opcodes()
    while opcodes and opcodes[0][0] == "insert":  # words of the text before the quote's start
        opcodes = opcodes[1:]
    while opcodes and opcodes[-1][0] == "insert":  # and after its end
        opcodes = opcodes[:-1]
    for op, a1, a2, b1, b2 in opcodes:
        if op == "equal":
            run = text[b1:b2]
            out.append(" ".join(run if len(run) <= 12 else run[:5] + ["…"] + run[-5:]))
            continue
        removed = "[-" + " ".join(quote[a1:a2]) + "-]" if a2 > a1 else ""
        added = "{+" + " ".join(text[b1:b2]) + "+}" if b2 > b1 else ""
        out.append(removed + added)
    return " ".join(out)


def closest_ids(wanted: str, ids: list[str]) -> list[str]:
    """Up to three ids like the one asked for, most alike first."""
    unique = list(dict.fromkeys(i for i in ids if i))
    return difflib.get_close_matches(wanted, unique, n=3, cutoff=ID_CUTOFF)
