"""Folding quotes and white space: the fast fold equals the plain per-character definition."""

from __future__ import annotations

import random

from builder.model.anchoring import _FOLD, fold


def reference(text: str) -> tuple[str, tuple[int, ...]]:
    """The definition: curly quotes straightened, each run of white space one space at its start."""
    out, index, in_space = [], [], False
    for i, ch in enumerate(text.translate(_FOLD)):
        if ch.isspace():
            if in_space:
                continue
            in_space, ch = True, " "
        else:
            in_space = False
        out.append(ch)
        index.append(i)
    return "".join(out), tuple(index)


def test_fold_equals_its_definition_on_random_text():
    rng = random.Random(7)
    alphabet = "ab .’‘“”–\u00a0\n\t\u2003\u2028\x1c"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        folded, index = fold(text)
        expected = reference(text)
        assert (folded, tuple(index[i] for i in range(len(index)))) == expected, repr(text)
