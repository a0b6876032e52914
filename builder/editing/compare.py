"""Measure how faithful an edition is to its source: recall, precision and what differs.

The measure is the project's fidelity measure: both texts become lists of words (lower-cased,
hyphens and apostrophes deleted, every other character a separator, so Markdown syntax and bullet
glyphs are not words), then sets of word 5-grams. Recall is the share of the source's 5-grams
found in the edition (nothing dropped); precision is the share of the edition's 5-grams found in
the source (nothing invented). A word of one text that lies in no 5-gram shared with the other is
reported as dropped (from the source) or added (in the edition), in runs with their place.
"""

from __future__ import annotations

import argparse
import bisect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

N = 5

# Deleted inside words, so that a repaired join ('welltargeted' -> 'well-targeted') still matches.
JOINERS = frozenset("-'‐‑–’‘")

# Markup that is not the document's words: attribute lists, inline HTML, a link's address.
_ATTRIBUTES = re.compile(r"\{[:#.][^}\n]*\}")
_HTML = re.compile(r"<[^>\n]+>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# A footnote's mark and its note's label ('board[^1]', '[^1-2]: These are…'): a PDF prints the
# number, set against the word before it, and the note begins with it.
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\](:?)")


class CompareError(Exception):
    """A file that cannot be compared; the message says why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised word, with the text it came from and where it is."""

    word: str
    text: str
    place: str
    # The text the word was read from and where in it, to quote a run with its punctuation.
    document: str = field(default="", repr=False, compare=False)
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive words of one text that the other text does not have."""

    tokens: tuple[Token, ...]

    @property
    def place(self) -> str:
        return self.tokens[0].place

    def excerpt(self, most: int = 12) -> str:
        """The run's words as written, with their punctuation, shortened to `most` words."""
        pieces: list[str] = []
        shown = self.tokens[:most]
        i = 0
        while i < len(shown):
            j = i
            while j + 1 < len(shown) and shown[j + 1].document is shown[i].document:
                j += 1
            pieces.append(shown[i].document[shown[i].start : shown[j].end] or shown[i].text)
            i = j + 1
        text = " ".join(" ".join(pieces).split())
        return text + (" …" if len(self.tokens) > most else "")


@dataclass
class Comparison:
    """The figures and differences of one edition against one source."""

    recall: float
    precision: float
    shared: int  # 5-grams found in both
    source_grams: int
    edition_grams: int
    source_words: int
    edition_words: int
    dropped: list[Run] = field(default_factory=list)
    added: list[Run] = field(default_factory=list)
    # The edition's declared repairs (`repairs:` in its front matter), as words: (printed, shown).
    repairs: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)


def _is_word_char(ch: str) -> bool:
    return "a" <= ch <= "z" or "0" <= ch <= "9"


def tokenize(text: str, place: Callable[[int], str]) -> list[Token]:
    """Split text into normalised words; `place(offset)` names where a word starts."""
    tokens: list[Token] = []
    word: list[str] = []
    start = -1  # where the current run of word characters and joiners began

    def close(end: int) -> None:
        nonlocal start
        if word:
            tokens.append(Token("".join(word), text[start:end], place(start), text, start, end))
            word.clear()
        start = -1

    for i, ch in enumerate(text):
        if ch in JOINERS:
            if start < 0:
                start = i
            continue
        # Lower-casing one character can give two ('İ' -> 'i' + a combining dot).
        for piece in ch.lower() or " ":
            if _is_word_char(piece):
                if start < 0:
                    start = i
                word.append(piece)
            else:
                close(i)
    close(len(text))
    return tokens


def _everywhere(place: str) -> Callable[[int], str]:
    """A `place` for tokenize that names the same place for every offset."""
    return lambda _offset: place


def words(text: str) -> list[str]:
    """The normalised words of a text, as the fidelity measure counts them."""
    return [t.word for t in tokenize(text, lambda _: "")]


def _line_places(text: str, first_line: int, prefix: str) -> Callable[[int], str]:
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def place(offset: int) -> str:
        return f"{prefix}:{first_line + bisect.bisect_right(starts, offset) - 1}"

    return place


def _strip_markup(text: str, lines: list[int]) -> tuple[str, list[int]]:
    """Remove markup as the fidelity measure does, keeping each character's line number; a
    footnote's mark becomes the number the document prints."""
    for pattern in (_FOOTNOTE, _ATTRIBUTES, _HTML, _LINK):
        out: list[str] = []
        where: list[int] = []
        pos = 0
        for m in pattern.finditer(text):
            out.append(text[pos : m.start()])
            where.extend(lines[pos : m.start()])
            if pattern is _LINK:
                out.append(m.group(1))
                where.extend(lines[m.start(1) : m.end(1)])
            elif pattern is _FOOTNOTE:
                # The label's number as printed ('1-2', the second note 1, is printed '1').
                number = m.group(1).split("-")[0] + (" " if m.group(2) else "")
                out.append(number)
                where.extend([lines[m.start()]] * len(number))
            else:
                out.append(" ")
                where.append(lines[m.start()])
            pos = m.end()
        out.append(text[pos:])
        where.extend(lines[pos:])
        text, lines = "".join(out), where
    return text, lines


def declared_repairs(markdown: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The repairs an edition declares in its front matter, each as the printed and the shown
    words, normalised as the measure reads them; none when the front matter does not read."""
    import yaml

    if not markdown.startswith("---"):
        return []
    end = markdown.find("\n---", 3)
    try:
        front = yaml.safe_load(markdown[3:end]) if end != -1 else None
    except yaml.YAMLError:
        return []
    found = front.get("repairs") if isinstance(front, dict) else None

    def words_of(text: Any) -> tuple[str, ...]:
        return tuple(t.text for t in tokenize(str(text or ""), lambda _: ""))

    return [
        (words_of(r.get("printed")), words_of(r.get("shown")))
        for r in (found if isinstance(found, list) else [])
        if isinstance(r, dict) and r.get("printed") != r.get("shown")
    ]


def _holds(run: Run, words: tuple[str, ...]) -> bool:
    """Whether a run's words hold these words, one after another."""
    seen = [t.text for t in run.tokens]
    n = len(words)
    return n > 0 and any(tuple(seen[i : i + n]) == words for i in range(len(seen) - n + 1))


def edition_tokens(markdown: str, path: str) -> list[Token]:
    """The words of an edition's body: front matter skipped, markup not counted."""
    body, first_line = markdown, 1
    if markdown.startswith("---"):
        end = markdown.find("\n---", 3)
        if end != -1:
            body = markdown[end + 4 :]
            first_line = markdown[: end + 4].count("\n") + 1
    lines: list[int] = []
    line = first_line
    for ch in body:
        lines.append(line)
        if ch == "\n":
            line += 1
    body, lines = _strip_markup(body, lines)
    return tokenize(body, lambda offset: f"{path}:{lines[offset]}")


def text_tokens(text: str, path: str) -> list[Token]:
    """The words of a plain-text source, each placed at its line."""
    return tokenize(text, _line_places(text, 1, path))


HINT_PDFIUM = (
    "measuring against a PDF needs pypdfium2, a second text extractor independent of the "
    "importer's (hint: pip install 'pypdfium2>=4.30')"
)
_NUMBERS = re.compile(r"\d+")


def _furniture_key(line: str) -> str:
    return _NUMBERS.sub("#", " ".join(line.lower().split()))


def independent_pages(pdf: Path, path: str) -> list[list[str]]:
    """Each page's text lines as PDFium reads them: an extraction independent of the importer's.

    The draft comes from pdfminer.six; measuring it against pdfminer.six again would hide every
    fault the two share. PDFium (Chrome's PDF engine) reads the same file by code of its own.
    """
    try:
        import pypdfium2 as pdfium  # type: ignore[import-untyped]
    except ImportError:
        raise CompareError(path, HINT_PDFIUM) from None
    pages: list[list[str]] = []
    try:
        document = pdfium.PdfDocument(str(pdf))
    except Exception as error:  # PdfiumError on a damaged, encrypted or non-PDF file
        raise CompareError(path, f"the PDF cannot be read: {error}") from None
    try:
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            # PDFium marks a hyphen it judges a line-end break with U+0002: a joiner, not a word.
            text = textpage.get_text_bounded().replace("\x02", "").replace("\ufffe", "")
            pages.append([line.strip() for line in text.splitlines() if line.strip()])
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages


def _without_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop running headers and footers: lines near a page's top or foot found on many pages,
    and lone page numbers there."""
    edge = 3
    seen: dict[str, int] = {}
    for lines in pages:
        for key in {_furniture_key(x) for x in lines[:edge] + lines[-edge:]}:
            seen[key] = seen.get(key, 0) + 1
    least = max(2, round(len(pages) * 0.4))
    out = []
    for lines in pages:
        kept = []
        for i, line in enumerate(lines):
            key = _furniture_key(line)
            near_edge = i < edge or i >= len(lines) - edge
            if near_edge and (seen.get(key, 0) >= least or re.fullmatch(r"(page )?#( of #)?", key)):
                continue
            kept.append(line)
        out.append(_without_contents(kept))
    return out


def _without_contents(lines: list[str]) -> list[str]:
    """A page without its contents list: a 'Contents' line and the entries ending in page numbers."""
    if "contents" not in (x.lower() for x in lines):
        return lines
    start = [x.lower() for x in lines].index("contents")
    end = start + 1
    while end < len(lines):
        if re.search(r"\s\.*\s*\d{1,3}$", lines[end]):
            end += 1
        elif end + 1 < len(lines) and re.search(r"\s\.*\s*\d{1,3}$", lines[end + 1]):
            end += 2
        else:
            break
    return lines[:start] + lines[end:] if end - start > 2 else lines


def pdf_text(pdf: Path, path: str) -> list[tuple[int, str]]:
    """Each page's text by the independent extractor, furniture left out, broken words rejoined."""
    texts = []
    for number, lines in enumerate(_without_furniture(independent_pages(pdf, path)), 1):
        text = ""
        for line in lines:
            # A word broken at a line's end: the normalised words delete hyphens, so join.
            text = text + line if re.search(r"[A-Za-z][-‐\xad]$", text) else f"{text}\n{line}"
        texts.append((number, text.strip()))
    return texts


def pdf_tokens(pdf: Path, path: str) -> list[Token]:
    """The words of a PDF source by the independent extractor, page furniture left out."""
    tokens: list[Token] = []
    for number, text in pdf_text(pdf, path):
        tokens.extend(tokenize(text, _everywhere(f"{path} (page {number})")))
    return tokens


def source_tokens(source: Path, path: str) -> list[Token]:
    """The words of a source document: a PDF, or a plain-text file."""
    try:
        head = source.read_bytes()[:5]
    except OSError as error:
        raise CompareError(path, f"cannot read the source: {error.strerror or error}") from None
    if head.startswith(b"%PDF"):
        return pdf_tokens(source, path)
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CompareError(
            path, "the source is neither a PDF nor UTF-8 text (hint: save it as UTF-8 text)"
        ) from None
    return text_tokens(text, path)


def _grams(ws: list[str]) -> set[tuple[str, ...]]:
    return {tuple(ws[i : i + N]) for i in range(len(ws) - N + 1)}


def _missing_runs(tokens: list[Token], other: set[tuple[str, ...]]) -> list[Run]:
    """Runs of words that lie in no 5-gram the other text shares."""
    ws = [t.word for t in tokens]
    covered = [False] * len(ws)
    for i in range(len(ws) - N + 1):
        if tuple(ws[i : i + N]) in other:
            covered[i : i + N] = [True] * N
    runs: list[Run] = []
    start = None
    for i, ok in enumerate([*covered, True]):
        if not ok and start is None:
            start = i
        elif ok and start is not None:
            runs.append(Run(tuple(tokens[start:i])))
            start = None
    # Longest first; ties in reading order.
    return sorted(runs, key=lambda r: -len(r.tokens))


def measure(source: list[Token], edition: list[Token]) -> Comparison:
    """Recall and precision of the edition's word 5-grams against the source's, and the runs."""
    src = _grams([t.word for t in source])
    ed = _grams([t.word for t in edition])
    shared = len(src & ed)
    return Comparison(
        recall=shared / len(src) if src else 0.0,
        precision=shared / len(ed) if ed else 0.0,
        shared=shared,
        source_grams=len(src),
        edition_grams=len(ed),
        source_words=len(source),
        edition_words=len(edition),
        dropped=_missing_runs(source, ed),
        added=_missing_runs(edition, src),
    )


def compare_files(edition: Path, source: Path, edition_name: str, source_name: str) -> Comparison:
    """Compare an edition file with its source file; raise CompareError on unreadable input."""
    try:
        markdown = edition.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CompareError(edition_name, "no such file") from None
    except UnicodeDecodeError as error:
        hint = (
            " (hint: the edition comes first, then its source: compare EDITION.md SOURCE.pdf)"
            if edition.suffix.lower() == ".pdf"
            else ""
        )
        raise CompareError(edition_name, f"cannot read the edition: {error}{hint}") from None
    except OSError as error:
        raise CompareError(edition_name, f"cannot read the edition: {error}") from None
    if not source.is_file():
        raise CompareError(source_name, "no such file")
    ed_tokens = edition_tokens(markdown, edition_name)
    src_tokens = source_tokens(source, source_name)
    if len(src_tokens) < N:
        raise CompareError(source_name, f"the source has fewer than {N} words to compare")
    if len(ed_tokens) < N:
        raise CompareError(edition_name, f"the edition has fewer than {N} words to compare")
    result = measure(src_tokens, ed_tokens)
    result.repairs = declared_repairs(markdown)
    return result


def format_comparison(result: Comparison, edition_name: str, show: int = 10) -> list[str]:
    """The command's report: the figures, then the longest dropped and added runs."""
    lines = [
        f"{edition_name}: recall {result.recall:.3f} precision {result.precision:.3f} "
        f"(word {N}-grams; source {result.source_words} words, edition {result.edition_words} words)"
    ]
    for label, runs, where in (
        ("dropped", result.dropped, "in the source, not in the edition"),
        ("added", result.added, "in the edition, not in the source"),
    ):
        count = sum(len(r.tokens) for r in runs)
        if not runs:
            lines.append(f"{label}: nothing ({where})")
            continue
        plural = "s" if count != 1 else ""
        shown = "" if show == 0 else ":" if show >= len(runs) else f"; the longest {show}:"
        lines.append(
            f"{label}: {count} word{plural} in {len(runs)} run{'s' if len(runs) != 1 else ''} ({where}){shown}"
        )
        side = 0 if label == "dropped" else 1  # a repair's printed words, or its shown ones
        for run in runs[:show]:
            n = len(run.tokens)
            listed = any(_holds(run, repair[side]) for repair in result.repairs)
            lines.append(
                f"  {run.place}: {n} word{'s' if n != 1 else ''}: {run.excerpt()}"
                + (" (a repair the edition lists)" if listed else "")
            )
    return lines


def run(args: argparse.Namespace) -> int:
    """The `compare` command: print the figures and runs; exit 1 under a threshold or on error."""
    from builder.load.load import display_path

    edition_name, source_name = display_path(Path(args.edition)), display_path(Path(args.source))
    try:
        result = compare_files(Path(args.edition), Path(args.source), edition_name, source_name)
    except CompareError as error:
        print(f"{error.path}: error: {error.message}", file=sys.stderr)
        return 1
    print("\n".join(format_comparison(result, edition_name, show=args.show)))
    if result.recall < 0.5 and result.precision < 0.5:
        # Less than half of either in the other: not an edition of this source at all.
        print(
            f"{edition_name}: warning: the edition and {source_name} share few passages: is "
            "this the edition of that document?",
            file=sys.stderr,
        )
    status = 0
    for name, value, least in (
        ("recall", result.recall, args.min_recall),
        ("precision", result.precision, args.min_precision),
    ):
        if least is not None and value < least:
            # Enough decimals that the figure visibly differs from the minimum.
            digits = next(d for d in range(3, 10) if round(value, d) < least or d == 9)
            print(
                f"{edition_name}: error: {name} {value:.{digits}f} is under the minimum {least:g}",
                file=sys.stderr,
            )
            status = 1
    return status


def register(commands: Any) -> None:
    """Add the `compare` subcommand to the command line."""

    def share(text: str) -> float:
        value = float(text)
        if not 0 <= value <= 1:
            raise ValueError(text)
        return value

    share.__name__ = "share between 0 and 1"
    c = commands.add_parser(
        "compare",
        help="measure how faithful an edition is to its source (a PDF or a text file)",
        description="Recall (nothing dropped) and precision (nothing invented) of the edition's "
        f"words against the source's, as word {N}-grams, and the longest runs of words that differ.",
    )
    c.add_argument("edition", metavar="EDITION", help="the report's Markdown file")
    c.add_argument("source", metavar="SOURCE", help="the source document: a PDF or a text file")
    c.add_argument("--min-recall", type=share, metavar="R", help="exit 1 when recall is under R")
    c.add_argument(
        "--min-precision", type=share, metavar="P", help="exit 1 when precision is under P"
    )

    def count(text: str) -> int:
        value = int(text)
        if value < 0:
            raise ValueError(text)
        return value

    count.__name__ = "count of 0 or more"
    c.add_argument(
        "--show", type=count, default=10, metavar="N", help="runs to list each way (default: 10)"
    )
    c.set_defaults(run=run)
