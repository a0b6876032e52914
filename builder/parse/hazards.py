"""Hazards in content text, found before Python-Markdown ever sees it.

Python-Markdown cannot bound some of its own work: its link and code-span patterns scan on from
every bracket and tick they cannot close, and nested lists and quotes recurse once per level. The
parse stage refuses such text, and control characters, with one message at its line; pure:
strings in, findings out.
"""

from __future__ import annotations

import re

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
