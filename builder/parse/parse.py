"""Turn the text of content files into typed records: pure functions, strings in, records out.

Each record is declared once as a schema (`schema.py`): the table of its keys, their kinds and
defaults. What a table cannot say is a short rule beside it: checks across fields, the split of a
report into front matter and body, the site's address and base path.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from builder.diagnostics import Diagnostic, Diagnostics, did_you_mean
from builder.incremental.pool import received
from builder.load.yamlread import LineDict, LineList, YamlProblem, load_yaml, short
from builder.parse.fields import Fields
from builder.parse.hazards import body_problem
from builder.parse.records import (
    BASES,
    RULES,
    Annotation,
    Area,
    Contact,
    DateFact,
    Event,
    Framework,
    Grade,
    Judgement,
    Licence,
    Mention,
    Organisation,
    OwnRecommendation,
    PartialDate,
    Person,
    Repair,
    Report,
    Scope,
    Selector,
    Settings,
    Source,
    Theme,
    TrackedRecommendation,
    Where,
)
from builder.parse.schema import (
    Choice,
    Custom,
    Date,
    Field,
    Flag,
    Ident,
    Idents,
    Inline,
    Items,
    LanguageTag,
    Nested,
    Number,
    Paragraph,
    Schema,
    Text,
    Url,
    Values,
    always,
    item_where,
    read,
    values,
)
from builder.urlpolicy import check_base_path, check_site_url, url_message
from builder.urls import split_address


class _Record(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def where(self) -> Where: ...


T = TypeVar("T", bound=_Record)
# Stands in for a required date that is missing; the record holding it is then dropped.
_NO_DATE = DateFact(PartialDate(0))
DRAFT_DATE_NOTE = (
    "The document prints no date of its own: the inspection's last day stands in until an "
    "editor fills in the date of publication."
)
EDITIONS = ("full", "summary")

# The kinds of value, shared by every schema below.
TEXT = Text()  # one line: a title, a name, an address
LINES = Text(lines=True)  # may run over several lines: a note, a description, a quote
ID, IDS, FLAG, NUMBER, PARAGRAPH = Ident(), Idents(), Flag(), Number(), Paragraph()
DATE = Date()  # a date fact: a date, a partial date or a range, with its basis
DATE_START = Date(start_only=True)
BASIS = Field(
    "basis",
    Choice(BASES, "unknown basis '{value}'{hint} (use one of: {choices})", fallback="stated"),
    default="stated",
)


# A passage of a report's text: the quote, narrowed by prefix, suffix or paragraph. Its keys are
# written among the keys of the record it anchors, and its messages name that record.
def _check_anchor(f: Fields, v: Values) -> None:
    if not v["quote"] and not v["paragraph"]:
        f.error(f.line, f"{f.what} needs a 'quote' or a 'paragraph' to anchor it to the text")
    elif not v["quote"] and (f.has("prefix") or f.has("suffix")):
        f.error(
            f.line_of("prefix" if f.has("prefix") else "suffix"),
            f"{f.what} has a 'prefix' or 'suffix' but no 'quote'",
        )


SELECTOR = Schema(
    "selector",
    Selector,
    (
        Field("quote", LINES),
        Field("prefix", LINES),
        Field("suffix", LINES),
        Field("paragraph", PARAGRAPH),
    ),
    check=_check_anchor,
    keep=lambda f, v: bool(v["quote"] or v["paragraph"]),
)
ANCHOR = Field("selector", Inline(SELECTOR))


def _anchored(f: Fields, v: Values) -> bool:
    return v["selector"] is not None


# site.yml
def _base_path(f: Fields, key: str) -> str:
    base_path = f.text(key, default="/")
    if not base_path.startswith("/"):
        f.error(f.line_of(key), f"'base_path' must start with '/', not '{base_path}'")
        base_path = "/"
    if not base_path.endswith("/"):
        base_path += "/"
    verdict = check_base_path(base_path)
    if not verdict.ok:
        f.error(f.line_of(key), url_message("base_path", base_path, verdict))
        base_path = "/"
    return base_path


def _site_url(f: Fields, key: str) -> str:
    """The site's origin, ending in '/'; its sub-path is base_path's alone, never written twice."""
    url = f.text(key, default="")
    verdict = check_site_url(url) if url else None
    if verdict is not None and not verdict.ok:
        f.error(f.line_of(key), url_message("site url", url, verdict))
        url = ""
    elif url:
        try:
            origin, sub_path = split_address(url)
        except ValueError as exc:
            f.error(f.line_of(key), f"'url': {exc}")
        else:
            if sub_path != "/":
                f.error(
                    f.line_of(key),
                    f"'url' is the site's origin only, without a path (hint: write 'url: {origin}' and 'base_path: {sub_path}')",
                )
            url = origin
    return url.rstrip("/") + "/" if url else ""


def _kinds(f: Fields, key: str) -> tuple[tuple[str, str], ...]:
    """`kinds:` maps each kind of report's id to its label; required even when nothing else is read."""
    kinds: list[tuple[str, str]] = []
    raw = f.raw(key)
    if raw is None:
        f.error(f.line, f"site settings is missing required key '{key}'")
    elif not isinstance(raw, LineDict):
        f.error(f.line_of(key), f"'{key}' must map each kind id to its label")
    else:
        for kind, label in raw.items():
            if not isinstance(label, str):
                f.error(raw.line_of(kind), f"the label of kind '{kind}' must be text")
            else:
                kinds.append((kind, label))
    return tuple(kinds)


def parse_rules(f: Fields, key: str = "rules") -> frozenset[str]:
    """The content rules a site turns on: `rules: {every_numbered_paragraph_themed: true}`."""
    raw = f.raw(key)
    if raw is None:
        return frozenset()
    if not isinstance(raw, LineDict):
        f.error(f.line_of(key), "'rules' must map each rule's name to true or false")
        return frozenset()
    on = set()
    for name, value in raw.items():
        if name not in RULES:
            f.error(
                raw.line_of(name),
                f"unknown rule '{name}'{did_you_mean(name, RULES)} (rules: {', '.join(RULES)})",
            )
        elif not isinstance(value, bool):
            f.error(raw.line_of(name), f"rule '{name}' must be true or false")
        elif value:
            on.add(name)
    return frozenset(on)


def _check_contact(f: Fields, v: Values) -> None:
    email = v["email"]
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        f.error(f.line_of("email"), f"'email' is not an e-mail address: '{email}'")
    for key in ("corrections", "accessibility"):
        address = v[key]
        if address and not re.match(r"^(mailto:[^@\s]+@[^@\s]+|https?://\S+)$", address):
            f.error(
                f.line_of(key),
                f"'{key}' must be an address starting with mailto:, http:// or https://, "
                f"not '{address}'",
            )


def _file_where(f: Fields) -> Where:
    return Where(f.path, 1, tuple(f.mapping.key_lines.items()))


CONTACT = Schema(
    "'contact'",
    Contact,
    (
        Field("email", TEXT),
        Field("corrections", Url("corrections address")),
        Field("accessibility", Url("accessibility contact")),
    ),
    check=_check_contact,
    keep=always,
)
DATA_LICENCE = Schema(
    "'data_licence'",
    Licence,
    (
        Field("name", TEXT, required=True),
        Field("url", Url("data licence url")),
        Field("text", LINES),
    ),
    keep=always,
)
SETTINGS = Schema(
    "site settings",
    Settings,
    (
        Field("title", TEXT, required=True),
        Field("organisation", TEXT, required=True),
        Field("description", LINES),
        Field("url", Custom(_site_url)),
        Field("base_path", Custom(_base_path)),
        Field("language", LanguageTag(), default="en"),
        Field("footer", LINES),
        Field("kinds", Custom(_kinds)),
        Field("rules", Custom(parse_rules)),
        Field("method", LINES),
        Field("contact", Nested(CONTACT), default=Contact()),
        Field("updated", DATE_START),
        Field("data_licence", Nested(DATA_LICENCE)),
    ),
)

# frameworks.yml, themes.yml, recommendations.yml
SCOPE = Schema(
    "scope", Scope, (Field("id", ID, required=True), Field("title", TEXT, required=True))
)
AREA = Schema(
    "area",
    Area,
    (
        Field("area", TEXT, required=True),
        Field("scope", ID),
        Field("headline", FLAG),
        Field("series", ID),
    ),
)
GRADE = Schema(
    "grade",
    Grade,
    (
        Field("grade", ID, required=True),
        Field("label", TEXT, required=True),
        Field("ordinal", NUMBER, required=True),
    ),
)
FRAMEWORK = Schema(
    "framework",
    Framework,
    (
        Field("id", ID, required=True),
        Field("title", TEXT, required=True),
        Field("years", TEXT),
        Field("description", LINES),
        Field("scale", Items(GRADE)),
        Field("scopes", Items(SCOPE)),
        Field("areas", Items(AREA)),
    ),
    where=item_where,
    keep=always,  # its problems are reported, and the reports that name it still find it
    strict=True,
)
MAX_TERM = 100  # characters in one term: a word or a phrase, never a passage
MAX_TERMS = 200  # terms of one theme
# What a term may hold besides letters and digits: enough for 'multi-agency', 'children's',
# 'S.47', 'and/or', 'A&E', 'education, employment or training', and nothing Markdown or a
# pattern would read as syntax.
TERM_PUNCTUATION = frozenset(" -'’./&,")


def _terms(f: Fields, key: str) -> tuple[str, ...]:
    """`terms:` lists the words and phrases that mark a passage on the theme, each written once.

    A term is matched whole and whatever its case, so 'Thresholds' and 'thresholds' are one term
    and a term without a letter or digit could never match: both are errors on the term's line.
    """
    raw = f.raw(key)
    if raw is None:
        return ()
    if not isinstance(raw, LineList):
        f.error(
            f.line_of(key),
            f"'{key}' must be a list of words or phrases (hint: terms: [thresholds, front door])",
        )
        return ()
    if len(raw) > MAX_TERMS:
        f.error(f.line_of(key), f"'{key}' lists {len(raw)} terms; a theme may have {MAX_TERMS}")
        return ()
    out: list[str] = []
    first: dict[str, int] = {}  # each term's case-folded form -> the line it is first on
    for index, item in enumerate(raw):
        line = raw.line_of(index)
        if isinstance(item, (list, dict)):
            shown = "a list" if isinstance(item, list) else "a mapping"
            f.error(line, f"'{key}' has {shown} where a word or phrase belongs")
            continue
        if isinstance(item, bool):
            f.error(line, f"'{key}' has a yes/no value where a word belongs (hint: quote the word)")
            continue
        if item is not None and not isinstance(item, str):
            f.error(
                line, f"the term {item} is read as a number, not text (hint: quote it: '{item}')"
            )
            continue
        term = " ".join((item or "").split())
        folded = term.casefold()
        if not term:
            f.error(line, f"'{key}' has an empty term")
        elif not any(ch.isalnum() for ch in term):
            f.error(line, f"the term '{short(term)}' has no letter or digit: it can never match")
        elif odd := sorted({ch for ch in term if not (ch.isalnum() or ch in TERM_PUNCTUATION)}):
            f.error(
                line,
                f"the term '{short(term)}' has {' '.join(repr(ch) for ch in odd)}: a term is "
                "words (letters, digits, spaces, and - ' ’ . / & ,)",
            )
        elif len(term) > MAX_TERM:
            f.error(line, f"the term '{short(term)}' is longer than {MAX_TERM} characters")
        elif folded in first:
            f.error(
                line,
                f"the term '{term}' is listed twice (first on line {first[folded]}; terms match "
                "whatever their case)",
            )
        else:
            first[folded] = line
            out.append(term)
    return tuple(out)


THEME = Schema(
    "theme",
    Theme,
    (
        Field("id", ID, required=True),
        Field("title", TEXT, required=True),
        Field("description", LINES, required=True),
        Field("terms", Custom(_terms)),
    ),
    where=item_where,
    strict=True,
)
TRACKED = Schema(
    "tracked recommendation",
    TrackedRecommendation,
    (
        Field("id", ID, required=True),
        Field("title", TEXT, required=True),
        Field("themes", IDS),
        Field("description", LINES, required=True),
        Field("organisation", ID),
        Field("scope", ID),
    ),
    where=item_where,
    strict=True,
)


def _codes(f: Fields, key: str) -> tuple[tuple[str, str], ...]:
    """`codes:` maps each scheme (la_code, urn, gss...) to the organisation's code in it."""
    raw = f.raw(key)
    if raw is None:
        return ()
    if not isinstance(raw, LineDict):
        f.error(f.line_of(key), f"'{key}' must map each scheme to a code, e.g. 'la_code: 865'")
        return ()
    out: list[tuple[str, str]] = []
    for scheme, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            f.error(raw.line_of(scheme), f"the code for '{scheme}' must be text or a number")
        elif not re.fullmatch(r"[a-z][a-z0-9_]*", str(scheme)):
            f.error(
                raw.line_of(scheme),
                f"code scheme '{scheme}' must be lower-case letters, digits and '_' (e.g. la_code)",
            )
        else:
            out.append((str(scheme), str(value)))
    return tuple(out)


ORGANISATION = Schema(
    "organisation",
    Organisation,
    (
        Field("id", ID, required=True),
        Field("name", TEXT, required=True),
        Field("short_name", TEXT),
        Field("kind", ID, default="local-authority"),
        Field("region", TEXT),
        Field("codes", Custom(_codes)),
    ),
    where=item_where,
    strict=True,
)


# What reports and events say: judgements and the passages that mention another report.
JUDGEMENT = Schema(
    "judgement",
    Judgement,
    (
        Field("area", TEXT, required=True),
        Field("grade", ID, required=True),
        Field("series", ID),
        Field("headline", FLAG),
        Field("paragraph", PARAGRAPH),
        Field("note", LINES),
        Field("scope", ID),
        BASIS,
    ),
    where=lambda f: Where(f.path, f.line_of("grade"), tuple(f.mapping.key_lines.items())),
    # One that names its area is still checked against its framework (headline, scope, grade).
    keep=lambda f, v: f.ok or bool(v["area"]),
)
MENTION = Schema(
    "mention",
    Mention,
    (Field("report", ID, required=True), ANCHOR),
    where=item_where,
    keep=lambda f, v: f.ok and v["selector"] is not None,
)
EVENT = Schema(
    "event",
    Event,
    (
        Field("id", ID, required=True),
        Field("title", TEXT, required=True),
        Field("date", DATE, required=True),
        Field("kind", ID, required=True),
        Field("framework", ID),
        Field("judgements", Items(JUDGEMENT)),
        Field("mentions", Items(MENTION)),
        Field("note", LINES),
        Field("organisation", ID),
        Field("graded", FLAG),
    ),
    where=item_where,
    keep=lambda f, v: f.ok and v["date"] is not None,
    strict=True,
)


# A report's front matter
def _check_source(f: Fields, v: Values) -> None:
    if v["original"] and not re.match(r"^https?://", v["original"]):
        f.error(
            f.line_of("original"),
            f"'original' must start with http:// or https://, not '{v['original']}'",
        )


def _check_annotation(f: Fields, v: Values) -> None:
    themes, tracks, status = v["themes"], v["tracks"], v["status"]
    if tracks and not status:
        f.error(
            f.line_of("tracks"),
            "an annotation with 'tracks' needs a 'status' "
            "(raised, raised-again, progress, met or positive)",
        )
    if status and not tracks:
        f.error(
            f.line_of("status"),
            "an annotation with a 'status' needs 'tracks' naming the "
            "tracked recommendation it is evidence for",
        )
    if not themes and not tracks and not f.has("note"):
        f.error(f.line, "an annotation needs at least one of 'themes', 'tracks' or 'note'")
    if f.has("basis") and not status:
        f.error(f.line_of("basis"), "'basis' says where a status comes from: add a 'status'")
    if v["inspection"] and not status:
        f.error(
            f.line_of("inspection"),
            "an annotation with 'inspection' records what that earlier inspection found: "
            "add 'tracks' and 'status' (raised, progress, met or positive)",
        )
    if v["inspection"] and f.has("basis"):
        f.error(
            f.line_of("basis"),
            "an earlier inspection's status has the basis 'as reported by' this report: "
            "remove 'basis'",
        )


def _check_report(f: Fields, v: Values) -> None:
    if v["published"] is _NO_DATE and not f.has("published"):
        if not v["draft"]:
            f.error(f.line, f"{f.what} is missing required key 'published'")
        elif v["inspected"] is not None:
            # A draft whose document prints no date of its own (an ILACS report) stands on its
            # inspection's last day until an editor fills the date in; it is never published so.
            last = v["inspected"].end or v["inspected"].start
            v["published"] = DateFact(last, basis="inferred", note=DRAFT_DATE_NOTE)
    if not v["authors"] and isinstance(f.raw("authors"), (list, type(None))):
        # (not after "must be a list")
        if v["draft"]:
            # An import that found no author: the draft checks, and is never published so.
            f.diagnostics.warning(
                f.path,
                f.line_of("authors") or f.line,
                "no author yet: name the lead inspector or author under 'authors' before the "
                "draft is confirmed",
            )
        else:
            f.error(f.line_of("authors"), "a report needs at least one entry under 'authors'")
    report_id = v["id"]
    stem = f.path.rsplit("/", 1)[-1].removesuffix(".md")
    if report_id and report_id != stem:
        f.error(
            f.line_of("id"),
            f"id '{report_id}' does not match the file name '{stem}.md'"
            f" (hint: rename the file to '{report_id}.md' or change the id)",
        )
    if report_id and not re.match(r"^\d{4}-\d{2}-", report_id):
        f.error(
            f.line_of("id"),
            f"a report id must begin with its year and month, like '2013-07-{report_id}'",
        )


REPAIR = Schema(
    "repair",
    Repair,
    (
        Field("printed", TEXT, required=True),
        Field("shown", TEXT, required=True),
        Field("paragraph", PARAGRAPH),
        Field("note", LINES),
    ),
    where=item_where,
    keep=lambda f, v: f.ok,
)
AUTHOR = Schema(
    "author",
    Person,
    (Field("name", TEXT, required=True), Field("role", TEXT)),
    keep=always,
)
SOURCE = Schema(
    "'source'",
    Source,
    (
        Field("title", TEXT, required=True),
        Field("reference", TEXT),
        Field("url", Url("source url")),
        Field("note", LINES),
        Field("original", TEXT),
    ),
    check=_check_source,
    keep=always,
)
LICENCE = Schema(
    "'licence'",
    Licence,
    (
        Field("name", TEXT, required=True),
        Field("url", Url("licence url")),
        Field("text", LINES),
    ),
    keep=always,
)
OWN_RECOMMENDATION = Schema(
    "recommendation",
    OwnRecommendation,
    (
        ANCHOR,
        Field("timescale", TEXT),
        # Left out, the recommendation is not yet linked to one the history tracks (an import's).
        Field("tracks", ID),
        Field(
            "status",
            Choice(
                ("raised", "raised-again"),
                "a report's own recommendation has status 'raised' or 'raised-again', "
                "not '{value}'",
            ),
            default="raised",
        ),
        Field("themes", IDS),
        # Whose recommendation it is when the framework judges more than one scope.
        Field("scope", ID),
    ),
    where=item_where,
    keep=_anchored,
)
ANNOTATION = Schema(
    "annotation",
    Annotation,
    (
        ANCHOR,
        Field("themes", IDS),
        Field("tracks", ID),
        Field("status", ID),
        Field("note", LINES),
        BASIS,
        Field("inspection", ID),
    ),
    where=item_where,
    check=_check_annotation,
    keep=_anchored,
)
REPORT = Schema(
    "report front matter",
    Report,
    (
        Field("id", ID, required=True),
        Field("title", TEXT, required=True),
        Field("kind", ID, required=True),
        Field("framework", ID),
        Field("inspected", DATE),
        Field("published", DATE, default=_NO_DATE),  # required unless a draft: _check_report
        Field("presented", DATE),
        Field("authors", Items(AUTHOR)),
        Field("publisher", TEXT, required=True),
        Field("source", Nested(SOURCE), required=True, default=Source("", "", "", "")),
        Field("licence", Nested(LICENCE), required=True, default=Licence("", "", "")),
        Field("summary", LINES),
        Field("short_title", TEXT),
        Field("judgements", Items(JUDGEMENT)),
        Field("recommendations", Items(OWN_RECOMMENDATION)),
        Field("annotations", Items(ANNOTATION)),
        Field(
            "edition",
            Choice(
                EDITIONS,
                "unknown edition '{value}' (hint: 'full', or 'summary' when the body is the "
                "editors' summary of a document that cannot be reproduced in full)",
            ),
            default="full",
        ),
        Field("mentions", Items(MENTION)),
        Field("added", DATE_START),
        Field("repairs", Items(REPAIR)),
        Field("draft", FLAG),
        Field("organisation", IDS, name="organisations"),
    ),
    check=_check_report,
)


def read_yaml(text: str, path: str, diagnostics: Diagnostics, first_line: int = 1) -> Any:
    """Parse YAML, turning a syntax problem into one diagnostic."""
    try:
        return load_yaml(normalise(text), first_line)
    except YamlProblem as problem:
        diagnostics.error(path, problem.line, problem.message)
        return None


def _failed(diagnostics: Diagnostics, path: str) -> bool:
    return any(d.path == path and d.severity == "error" for d in diagnostics.items)


def normalise(text: str) -> str:
    """One kind of line break and no byte-order mark, whatever the editor saved."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# The most records a list file may hold: each is a page (or many lines of pages) of the site, so a
# runaway file would make a build write and check tens of thousands of files. A national site of
# every English local authority needs a few thousand tracked recommendations and a few hundred
# themes.
MAX_RECORDS = {
    "framework": 200,
    "organisation": 2_000,
    "theme": 2_000,
    "tracked recommendation": 10_000,
    "": 10_000,
}


def parse_list(
    text: str, path: str, diagnostics: Diagnostics, what: str, parse_item: Callable[..., T | None]
) -> tuple[T, ...]:
    """Parse a YAML file that holds a list of records, checking ids are unique."""
    data = read_yaml(text, path, diagnostics)
    if data is None:
        if not _failed(diagnostics, path):
            diagnostics.error(
                path, 1, f"the file is empty (hint: list the {what}s, or write [] for none)"
            )
        return ()
    if not isinstance(data, LineList):
        diagnostics.error(path, getattr(data, "line", 1), f"{path} must hold a list of {what}s")
        return ()
    records: list[T] = []
    seen: dict[str, int] = {}
    most = MAX_RECORDS.get(what, MAX_RECORDS[""])
    if len(data) > most:
        diagnostics.error(
            path,
            data.line_of(most),
            f"the file lists {len(data):,} {what}s; a site may have at most {most:,} "
            f"(the limit is passed on this line)",
        )
        return ()
    for index, item in enumerate(data):
        line = data.line_of(index)
        record = parse_item(item, path, diagnostics, line)
        if record is None:
            continue
        if record.id in seen:
            diagnostics.error(
                path,
                record.where.of("id").line,
                f"duplicate {what} id '{record.id}' (first defined on line {seen[record.id]})",
            )
            continue
        seen[record.id] = record.where.of("id").line
        records.append(record)
    return tuple(records)


def parse_settings(text: str, path: str, diagnostics: Diagnostics) -> Settings:
    """Read `site.yml`."""
    before = len(diagnostics.items)
    data = read_yaml(text, path, diagnostics)
    if data is None and len(diagnostics.items) > before:
        # Unreadable YAML has been reported; its keys are unknown, not missing.
        return Settings("", "", "", "", "/", "en", "", (), Where(path, 1))
    f = Fields(
        data if data is not None else LineDict(),
        path,
        diagnostics,
        "site settings",
        SETTINGS.keys,
        1,
    )
    return Settings(**values(SETTINGS, f), where=_file_where(f))


def parse_framework(item: Any, path: str, diagnostics: Diagnostics, line: int) -> Framework | None:
    """One framework of `frameworks.yml`, with its scale of grades and its scopes."""
    return read(FRAMEWORK, item, path, diagnostics, line)


def parse_theme(item: Any, path: str, diagnostics: Diagnostics, line: int) -> Theme | None:
    """One theme of `themes.yml`."""
    return read(THEME, item, path, diagnostics, line)


def parse_tracked(
    item: Any, path: str, diagnostics: Diagnostics, line: int
) -> TrackedRecommendation | None:
    """One tracked recommendation of `recommendations.yml`."""
    return read(TRACKED, item, path, diagnostics, line)


def parse_organisation(
    item: Any, path: str, diagnostics: Diagnostics, line: int
) -> Organisation | None:
    """One organisation of `organisations.yml`."""
    return read(ORGANISATION, item, path, diagnostics, line)


def parse_event(item: Any, path: str, diagnostics: Diagnostics, line: int) -> Event | None:
    """One event of `events.yml`: an inspection whose document is not in the collection."""
    return read(EVENT, item, path, diagnostics, line)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split a report file into (front matter, body, first body line), or None without `---`.

    As in YAML, only a `---` at the start of a line marks the end: an indented one belongs to a
    block of text such as a note.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return None


def parse_report(text: str, path: str, diagnostics: Diagnostics) -> Report | None:
    """Read one report file: YAML front matter between `---` lines, then Markdown."""
    text = normalise(text)
    parts = split_front_matter(text)
    if parts is None:
        if text.split("\n", 1)[0].rstrip() == "---":
            message = "the front matter that starts on line 1 has no closing '---' line"
        else:
            message = "a report must begin with YAML front matter between two '---' lines"
        diagnostics.error(path, 1, message)
        return None
    front, body, body_line = parts
    read, fielded = _front_matter(front, path)
    diagnostics.items.extend(read.problems)
    if fielded is None:
        return None
    problem = body_problem(body)  # reported here, before Markdown ever sees the text
    if problem:
        diagnostics.error(path, body_line + problem[0], problem[1])
    diagnostics.items.extend(fielded.problems)
    if fielded.fields is None:
        return None
    report = Report(**fielded.fields, body=body, body_line=body_line, where=fielded.where)
    return report if fielded.ok and report.published is not _NO_DATE and not problem else None


@dataclass(frozen=True, slots=True)
class _Read:
    """Front matter read as YAML: its problems."""

    problems: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class _Fielded:
    """Front matter's fields, checked: a report's values but its body, and their problems."""

    problems: tuple[Diagnostic, ...]
    fields: dict[str, Any] | None  # None: no report can be made of them
    where: Where
    ok: bool


@functools.lru_cache(maxsize=16)
def _front_matter(front: str, path: str) -> tuple[_Read, _Fielded | None]:
    """A report's front matter, read and checked; the last few are kept. A save that changes
    only a report's text leaves its front matter as it was: the preview does not read the YAML
    of the report being written (thousands of lines when every paragraph is annotated) again."""
    read = Diagnostics()
    data = read_yaml(front, path, read, first_line=2)
    if data is None:
        if not _failed(read, path):
            written = [i for i, line in enumerate(front.split("\n")) if line.strip()]
            read.error(
                path,
                2 + written[0] if written else 1,  # the first comment, or the opening line
                f"the front matter {'holds only comments' if written else 'is empty'} (hint: a "
                "report needs its id, title, kind, published, authors, publisher, source and "
                "licence between the '---' lines)",
            )
        return _Read(tuple(read.items)), None
    checked = Diagnostics()
    f = Fields(data, path, checked, REPORT.what, REPORT.keys, 2)
    where = _file_where(f)
    if not f.ok and not isinstance(data, LineDict):
        return _Read(tuple(read.items)), _Fielded(tuple(checked.items), None, where, False)
    fields = values(REPORT, f)
    if fields.get("draft") and f.ok:
        checked.warning(
            path,
            f.line_of("draft"),
            "a draft, not yet confirmed by an editor: a strict build will not publish it "
            "(hint: confirm each marked value, then delete 'draft: true')",
        )
    return _Read(tuple(read.items)), _Fielded(tuple(checked.items), fields, where, f.ok)


def parse_reports(
    batch: Sequence[tuple[str, str | bytes]],
) -> list[tuple[Report | None, list[Diagnostic]]]:
    """Parse report files, as a task for the workers: each (path, text) to (record, diagnostics);
    the text as sent (`to_send`)."""
    out = []
    for path, text in batch:
        found = Diagnostics()
        out.append((parse_report(received(text), path, found), found.items))
    return out
