"""Read typed values out of one YAML mapping, reporting every problem with its line."""

from __future__ import annotations

import datetime
import re
from typing import Any

from builder.diagnostics import Diagnostics, did_you_mean
from builder.load.yamlread import LineDict, LineList, short
from builder.parse.hazards import markdown_problem
from builder.parse.records import BASES, DateFact, PartialDate
from builder.urlpolicy import check_url, url_message

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Keys whose text may run over several lines; every other text is a single line (a title, a name,
# an address), where a line break would only ever be a mistake. A schema says so per field
# (`Text(lines=True)`); this serves the readers that name no schema (a date's 'note').
MULTILINE_KEYS = frozenset(
    {"note", "description", "summary", "text", "footer", "method", "quote", "prefix", "suffix"}
)
MAX_ID = 80  # ids name files and folders of the site: well under any file system's limit
MAX_IDS = 100  # ids in one list (a passage's themes, say): checked pairwise, shown on pages
# Names Windows reserves for devices, in any case and with any extension: a folder of the site (or
# a content file) named so cannot be made or checked out there.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{name}{n}" for name in ("com", "lpt") for n in range(1, 10)}
)
# A language tag as BCP 47 writes one (`en`, `en-GB`, `cy`, `zh-Hant-TW`): letters, digits and
# hyphens in short subtags. It names files of the search index and goes into every page's `lang`.
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,7}$")

_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
}


class Fields:
    """A checked view of one mapping: unknown keys are reported as soon as it is made."""

    def __init__(
        self,
        mapping: Any,
        path: str,
        diagnostics: Diagnostics,
        what: str,
        allowed: tuple[str, ...],
        line: int = 0,
    ) -> None:
        self.path = path
        self.diagnostics = diagnostics
        self.what = what
        self.ok = isinstance(mapping, LineDict)
        self.readable = self.ok  # stays True after later errors: keys can be looked for
        self.mapping: LineDict = mapping if self.ok else LineDict()
        self.line = (self.mapping.line if self.ok else 0) or line
        if not self.ok:
            self.error(0, f"{what} must be a mapping of keys to values, not {_describe(mapping)}")
            return
        for key in mapping:
            if key not in allowed:
                # A stricter cutoff for keys than for ids: keys are few and long, and a loose match
                # answers `organisation` with 'annotations' (0.61 alike).
                hint = did_you_mean(key, allowed, cutoff=0.7)
                if not hint and " " in key.strip():
                    hint = " (hint: inside { }, a value that contains a comma must be in quotes)"
                self.error(mapping.line_of(key), f"unknown key '{short(key)}' in {what}{hint}")

    def error(self, line: int, message: str) -> None:
        self.diagnostics.error(self.path, line or self.line, message)
        self.ok = False

    def line_of(self, key: str) -> int:
        return self.mapping.line_of(key)

    def has(self, key: str) -> bool:
        return key in self.mapping and self.mapping[key] is not None

    def raw(self, key: str) -> Any:
        return self.mapping.get(key)

    def _typed(self, key: str, kind: type, required: bool) -> Any:
        value = self.mapping.get(key)  # absent and empty (`key:`) alike: see `has`
        if value is None:
            if required and self.readable:  # keys of a value that is not a mapping are unknown
                self.error(self.line, f"{self.what} is missing required key '{key}'")
            return None
        if type(value) is str and kind is str:  # by far the most common case, checked first
            return value
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.error(
                self.line_of(key),
                f"'{key}' must be {_TYPE_NAMES[kind]}, not {_describe(value)}",
            )
            return None
        return value

    def text(
        self, key: str, required: bool = False, default: str = "", lines: bool | None = None
    ) -> str:
        """A string value, stripped of surrounding white space; one line unless `lines` (by default, MULTILINE_KEYS)."""
        value = self._typed(key, str, required)
        if value is None:
            return default
        value = value.strip()
        if required and not value:
            self.error(self.line_of(key), f"'{key}' must not be empty")
        if lines is None:
            lines = key in MULTILINE_KEYS
        if "\n" in value and not lines:
            self.error(self.line_of(key), f"'{key}' must be one line of text")
            return default
        problem = markdown_problem(value)
        if problem:
            self.error(self.line_of(key), f"'{key}': {problem[1]}")
            return default
        return str(value)

    def url(self, key: str, label: str) -> str:
        """A URL a reader may follow, checked by the URL policy; `label` names it in messages."""
        value = self.text(key)
        verdict = check_url(value) if value else None
        if verdict is not None and not verdict.ok:
            self.error(self.line_of(key), url_message(label, value, verdict))
            return ""
        return value

    def whole_number(self, key: str, required: bool = False) -> int | None:
        """An integer value."""
        found: int | None = self._typed(key, int, required)
        return found

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._typed(key, bool, False)
        return default if value is None else value

    def ident(self, key: str, required: bool = False) -> str:
        """An id: lower-case words joined by hyphens."""
        value = self.mapping.get(key)
        if (
            type(value) is str
            and len(value) <= MAX_ID
            and _ID.fullmatch(value)
            and value not in WINDOWS_RESERVED
        ):
            # The common case, taken as it is: letters, digits and hyphens on one line hold no
            # space to strip and nothing Markdown could trip on, so `text` has nothing to say.
            return value
        value = self.text(key, required)
        if value and not _ID.match(value):
            self.error(
                self.line_of(key),
                f"'{key}' must be lower-case letters, digits and hyphens, not '{short(value)}'",
            )
            return ""
        if len(value) > MAX_ID:
            self.error(
                self.line_of(key),
                f"'{key}' is too long ({len(value)} characters; at most {MAX_ID})",
            )
            return ""
        if value in WINDOWS_RESERVED:
            self.error(
                self.line_of(key),
                f"'{key}' '{value}' is a name Windows reserves for a device, so no file or folder "
                "can take it there (hint: add a word to it)",
            )
            return ""
        return value

    def language_tag(self, key: str, default: str) -> str:
        """A language tag such as `en-GB`, which the site writes into file names and markup."""
        value = self.text(key) or default
        if not _LANGUAGE_TAG.fullmatch(value):
            self.error(
                self.line_of(key),
                f"'{key}' must be a language tag such as 'en' or 'en-GB', not '{short(value)}'",
            )
            return default
        return value

    def idents(self, key: str) -> tuple[str, ...]:
        """A list of ids; a single id is accepted as a list of one."""
        value = self.mapping.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(self.line_of(key), f"'{key}' must be a list of ids, not {_describe(value)}")
            return ()
        if len(value) > MAX_IDS:
            self.error(
                self.line_of(key),
                f"'{key}' names {len(value):,} ids; a list may name at most {MAX_IDS} "
                "(hint: a passage about that many subjects is better split)",
            )
            return ()
        out: list[str] = []
        lines = value.item_lines if isinstance(value, LineList) else []
        for index, item in enumerate(value):
            line = lines[index] if index < len(lines) else self.line_of(key)
            if isinstance(item, (dict, list)):
                self.error(line, f"'{key}' has {_describe(item)} where an id belongs")
            elif not isinstance(item, str) or not _ID.match(item):
                self.error(line, f"'{key}' has an invalid id '{short(item)}'")
            elif len(item) > MAX_ID:
                self.error(line, f"'{key}' has an id that is too long ({len(item)} characters)")
            elif item in out:
                self.error(line, f"'{key}' names '{item}' twice")
            else:
                out.append(item)
        return tuple(out)

    def items(self, key: str) -> list[tuple[Any, int]]:
        """The items of a list value, each with its line."""
        value = self.mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList):
            self.error(self.line_of(key), f"'{key}' must be a list, not {_describe(value)}")
            return []
        return [(item, value.line_of(i)) for i, item in enumerate(value)]

    def sub(self, key: str, what: str, allowed: tuple[str, ...]) -> Fields | None:
        if not self.has(key):
            return None
        return Fields(
            self.mapping[key], self.path, self.diagnostics, what, allowed, self.line_of(key)
        )

    def date_fact(self, key: str, required: bool = False) -> DateFact | None:
        """A date, a partial date, or `{start|date, end, basis, note}`."""
        if not self.has(key):
            if required and self.readable:
                self.error(self.line, f"{self.what} is missing required key '{key}'")
            return None
        value = self.mapping[key]
        line = self.line_of(key)
        if isinstance(value, (str, int)):
            start = parse_date(value, key, line, self)
            return DateFact(start) if start else None
        sub = Fields(
            value,
            self.path,
            self.diagnostics,
            f"'{key}'",
            ("start", "end", "date", "basis", "note"),
            line,
        )
        if not sub.ok:
            return None
        first = "date" if sub.has("date") else "start"
        if not sub.has(first):
            sub.error(line, f"'{key}' needs a 'start' (or 'date')")
            return None
        start = parse_date(sub.raw(first), first, sub.line_of(first), sub)
        end = parse_date(sub.raw("end"), "end", sub.line_of("end"), sub) if sub.has("end") else None
        basis = sub.text("basis", default="stated")
        if basis not in BASES:
            sub.error(
                sub.line_of("basis"),
                f"'basis' must be one of {', '.join(BASES)}, not '{short(basis)}'{did_you_mean(basis, BASES)}",
            )
        if start and end and _before(end, start):
            sub.error(
                sub.line_of("end"), f"'{key}' ends ({end.iso}) before it starts ({start.iso})"
            )
        if basis != "stated" and not sub.has("note"):
            sub.error(
                line,
                f"'{key}' has basis '{short(basis)}' but no 'note' saying where the date comes from",
            )
        if not start:
            return None
        return DateFact(start, end, basis, sub.text("note"))


def parse_date(value: Any, key: str, line: int, fields: Fields) -> PartialDate | None:
    """`2013-07-08`, `2019-06` or `2015`, checked against the calendar."""
    match = _DATE.match(str(value).strip())
    if not match:
        fields.error(
            line, f"'{key}' must be a date like 2013-07-08, 2019-06 or 2015, not '{short(value)}'"
        )
        return None
    year, month, day = (int(g) if g else 0 for g in match.groups())
    try:
        datetime.date(year, month or 1, day or 1)  # year 0000 and month or day 00 fail here too
        if (match.group(2) and not month) or (match.group(3) and not day):
            raise ValueError("month or day 00")
    except ValueError:
        fields.error(line, f"'{key}' is not a real date: '{short(value)}'")
        return None
    return PartialDate(year, month, day)


def _before(end: PartialDate, start: PartialDate) -> bool:
    """Whether `end` is before `start`, at the precision of the less precise of the two.

    A partial end contains every day in it, so `{start: 2022-01-24, end: 2022-01}` is fine.
    """
    precision = min(2 if d.day else 1 if d.month else 0 for d in (start, end)) + 1
    key = (end.year, end.month, end.day)[:precision]
    return key < (start.year, start.month, start.day)[:precision]


def _describe(value: Any) -> str:
    """A value as a message may show it: a kind for structures, a short quote for the rest."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{short(value)}'"
