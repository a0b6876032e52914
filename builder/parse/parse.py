"""Turn the text of content files into typed records: pure functions, strings in, records out."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from builder.diagnostics import Diagnostics, did_you_mean
from builder.load.yamlread import LineDict, LineList, YamlProblem, load_yaml
from builder.model.text import body_problem
from builder.parse.fields import Fields
from builder.parse.records import (
    BASES,
    RULES,
    Annotation,
    Contact,
    DateFact,
    Event,
    Framework,
    Grade,
    Judgement,
    Licence,
    Mention,
    OwnRecommendation,
    PartialDate,
    Person,
    Report,
    Scope,
    Selector,
    Settings,
    Source,
    Theme,
    TrackedRecommendation,
    Where,
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

REPORT_KEYS = (
    "id",
    "title",
    "kind",
    "framework",
    "inspected",
    "published",
    "presented",
    "authors",
    "publisher",
    "source",
    "licence",
    "summary",
    "short_title",
    "judgements",
    "recommendations",
    "annotations",
    "edition",
    "mentions",
    "added",
)
EDITIONS = ("full", "summary")
SELECTOR_KEYS = ("quote", "prefix", "suffix", "paragraph")


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
        (
            "title",
            "organisation",
            "description",
            "url",
            "base_path",
            "language",
            "footer",
            "kinds",
            "rules",
            "method",
            "contact",
            "updated",
            "data_licence",
        ),
        1,
    )
    base_path = f.text("base_path", default="/")
    if not base_path.startswith("/"):
        f.error(f.line_of("base_path"), f"'base_path' must start with '/', not '{base_path}'")
        base_path = "/"
    if not base_path.endswith("/"):
        base_path += "/"
    base_verdict = check_base_path(base_path)
    if not base_verdict.ok:
        f.error(f.line_of("base_path"), url_message("base_path", base_path, base_verdict))
        base_path = "/"
    url = f.text("url", default="")
    verdict = check_site_url(url) if url else None
    if verdict is not None and not verdict.ok:
        f.error(f.line_of("url"), url_message("site url", url, verdict))
        url = ""
    elif url:
        try:
            origin, sub_path = split_address(url)
        except ValueError as exc:
            f.error(f.line_of("url"), f"'url': {exc}")
        else:
            if sub_path != "/":  # the sub-path is base_path's alone, so it is never written twice
                f.error(
                    f.line_of("url"),
                    f"'url' is the site's origin only, without a path (hint: write 'url: {origin}' and 'base_path: {sub_path}')",
                )
            url = origin
    kinds: list[tuple[str, str]] = []
    raw_kinds = f.raw("kinds")
    if raw_kinds is None:
        f.error(f.line, "site settings is missing required key 'kinds'")
    elif not isinstance(raw_kinds, LineDict):
        f.error(f.line_of("kinds"), "'kinds' must map each kind id to its label")
    else:
        for kind, label in raw_kinds.items():
            if not isinstance(label, str):
                f.error(raw_kinds.line_of(kind), f"the label of kind '{kind}' must be text")
            else:
                kinds.append((kind, label))
    contact = f.sub("contact", "'contact'", ("email", "corrections"))
    if contact:
        email, corrections = contact.text("email"), contact.text("corrections")
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            contact.error(contact.line_of("email"), f"'email' is not an e-mail address: '{email}'")
        if corrections and not re.match(r"^(mailto:|https?://)", corrections):
            contact.error(
                contact.line_of("corrections"),
                f"'corrections' must be an address starting with mailto:, http:// or https://, "
                f"not '{corrections}'",
            )
    updated = f.date_fact("updated")
    data_licence = f.sub("data_licence", "'data_licence'", ("name", "url", "text"))
    return Settings(
        title=f.text("title", required=True),
        organisation=f.text("organisation", required=True),
        description=f.text("description"),
        url=url.rstrip("/") + "/" if url else "",
        base_path=base_path,
        language=f.text("language", default="en"),
        footer=f.text("footer"),
        kinds=tuple(kinds),
        where=Where(path, 1, tuple(f.mapping.key_lines.items())),
        rules=parse_rules(f),
        method=f.text("method"),
        contact=Contact(contact.text("email"), contact.text("corrections"))
        if contact
        else Contact(),
        updated=updated.start if updated else None,
        data_licence=Licence(
            data_licence.text("name", required=True),
            data_licence.text("url"),
            data_licence.text("text"),
        )
        if data_licence
        else None,
    )


def parse_rules(f: Fields) -> frozenset[str]:
    """The content rules a site turns on: `rules: {every_numbered_paragraph_themed: true}`."""
    raw = f.raw("rules")
    if raw is None:
        return frozenset()
    if not isinstance(raw, LineDict):
        f.error(f.line_of("rules"), "'rules' must map each rule's name to true or false")
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


def parse_framework(item: Any, path: str, diagnostics: Diagnostics, line: int) -> Framework | None:
    f = Fields(
        item,
        path,
        diagnostics,
        "framework",
        ("id", "title", "years", "description", "scale", "scopes"),
        line,
    )
    if not f.ok:
        return None
    scopes: list[Scope] = []
    for entry, entry_line in f.items("scopes"):
        s = Fields(entry, path, diagnostics, "scope", ("id", "title"), entry_line)
        scope_id, title = s.ident("id", required=True), s.text("title", required=True)
        if s.ok:
            scopes.append(Scope(scope_id, title))
    scale: list[Grade] = []
    for entry, entry_line in f.items("scale"):
        g = Fields(entry, path, diagnostics, "grade", ("grade", "label", "ordinal"), entry_line)
        grade, label = g.ident("grade", required=True), g.text("label", required=True)
        ordinal = g.whole_number("ordinal", required=True)
        if g.ok and ordinal is not None:
            scale.append(Grade(grade, label, ordinal))
    return Framework(
        f.ident("id", required=True),
        f.text("title", required=True),
        f.text("years"),
        f.text("description"),
        tuple(scale),
        _where(f),
        tuple(scopes),
    )


def parse_theme(item: Any, path: str, diagnostics: Diagnostics, line: int) -> Theme | None:
    f = Fields(item, path, diagnostics, "theme", ("id", "title", "description"), line)
    if not f.ok:
        return None
    record = Theme(
        f.ident("id", required=True),
        f.text("title", required=True),
        f.text("description", required=True),
        _where(f),
    )
    return record if f.ok else None


def parse_tracked(
    item: Any, path: str, diagnostics: Diagnostics, line: int
) -> TrackedRecommendation | None:
    f = Fields(
        item,
        path,
        diagnostics,
        "tracked recommendation",
        ("id", "title", "themes", "description"),
        line,
    )
    if not f.ok:
        return None
    record = TrackedRecommendation(
        f.ident("id", required=True),
        f.text("title", required=True),
        f.idents("themes"),
        f.text("description", required=True),
        _where(f),
    )
    return record if f.ok else None


def parse_event(item: Any, path: str, diagnostics: Diagnostics, line: int) -> Event | None:
    f = Fields(
        item,
        path,
        diagnostics,
        "event",
        ("id", "title", "date", "kind", "framework", "judgements", "mentions", "note"),
        line,
    )
    if not f.ok:
        return None
    mentions = []
    for entry, entry_line in f.items("mentions"):
        m = Fields(entry, path, diagnostics, "mention", ("report",) + SELECTOR_KEYS, entry_line)
        selector = _selector(m)
        report = m.ident("report", required=True)
        if m.ok and selector:
            mentions.append(Mention(report, selector, _where(m)))
    date = f.date_fact("date", required=True)
    record = Event(
        f.ident("id", required=True),
        f.text("title", required=True),
        date or _NO_DATE,
        f.ident("kind", required=True),
        f.ident("framework"),
        _judgements(f),
        tuple(mentions),
        f.text("note"),
        _where(f),
    )
    return record if f.ok and date else None  # never with _NO_DATE


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
    data = read_yaml(front, path, diagnostics, first_line=2)
    if data is None:
        if not _failed(diagnostics, path):
            diagnostics.error(
                path,
                1,
                "the front matter is empty (hint: a report needs its id, title, kind, "
                "published, authors, publisher, source and licence between the '---' lines)",
            )
        return None
    problem = body_problem(body)  # reported here, before Markdown ever sees the text
    if problem:
        diagnostics.error(path, body_line + problem[0], problem[1])
    f = Fields(data, path, diagnostics, "report front matter", REPORT_KEYS, 2)
    if not f.ok and not isinstance(data, LineDict):
        return None
    source = f.sub("source", "'source'", ("title", "reference", "url", "note", "original"))
    licence = f.sub("licence", "'licence'", ("name", "url", "text"))
    if source is None:
        f.error(f.line, "report front matter is missing required key 'source'")
    elif source.text("original") and not re.match(r"^https?://", source.text("original")):
        source.error(
            source.line_of("original"),
            f"'original' must start with http:// or https://, not '{source.text('original')}'",
        )
    if licence is None:
        f.error(f.line, "report front matter is missing required key 'licence'")
    authors = []
    for entry, line in f.items("authors"):
        a = Fields(entry, path, diagnostics, "author", ("name", "role"), line)
        authors.append(Person(a.text("name", required=True), a.text("role")))
    if not authors and isinstance(
        f.raw("authors"), (list, type(None))
    ):  # not after "must be a list"
        f.error(f.line_of("authors"), "a report needs at least one entry under 'authors'")
    report = Report(
        id=f.ident("id", required=True),
        title=f.text("title", required=True),
        kind=f.ident("kind", required=True),
        framework=f.ident("framework"),
        inspected=f.date_fact("inspected"),
        published=f.date_fact("published", required=True) or _NO_DATE,
        presented=f.date_fact("presented"),
        authors=tuple(authors),
        publisher=f.text("publisher", required=True),
        source=Source(
            source.text("title", required=True),
            source.text("reference"),
            source.url("url", "source url"),
            source.text("note"),
            source.text("original"),
        )
        if source
        else Source("", "", "", ""),
        licence=Licence(
            licence.text("name", required=True),
            licence.url("url", "licence url"),
            licence.text("text"),
        )
        if licence
        else Licence("", "", ""),
        summary=f.text("summary"),
        judgements=_judgements(f),
        recommendations=_own_recommendations(f),
        annotations=_annotations(f),
        body=body,
        body_line=body_line,
        where=Where(path, 1, tuple(f.mapping.key_lines.items())),
        edition=f.ident("edition") or "full",
        mentions=_report_mentions(f),
        short_title=f.text("short_title"),
        added=added.start if (added := f.date_fact("added")) else None,
    )
    if report.edition not in EDITIONS:
        f.error(
            f.line_of("edition"),
            f"unknown edition '{report.edition}' (hint: 'full', or 'summary' when the body is the "
            "editors' summary of a document that cannot be reproduced in full)",
        )
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    if report.id and report.id != stem:
        f.error(
            f.line_of("id"),
            f"id '{report.id}' does not match the file name '{stem}.md'"
            f" (hint: rename the file to '{report.id}.md' or change the id)",
        )
    if report.id and not re.match(r"^\d{4}-\d{2}-", report.id):
        f.error(
            f.line_of("id"),
            f"a report id must begin with its year and month, like '2013-07-{report.id}'",
        )
    return report if f.ok and report.published is not _NO_DATE and not problem else None


def _where(f: Fields) -> Where:
    """Where a record was written, with the line of each key and of each item of a list (`themes.1`)."""
    items = [
        (f"{key}.{i}", line)
        for key, value in f.mapping.items()
        if isinstance(value, LineList)
        for i, line in enumerate(value.item_lines)
    ]
    return Where(f.path, f.line, tuple(f.mapping.key_lines.items()) + tuple(items))


def _selector(f: Fields) -> Selector | None:
    paragraph = f.raw("paragraph")
    if isinstance(paragraph, int) and not isinstance(paragraph, bool):
        paragraph_id = f"p{paragraph}"
    else:
        paragraph_id = f.text("paragraph")
    quote, prefix, suffix = f.text("quote"), f.text("prefix"), f.text("suffix")
    if not quote and not paragraph_id:
        f.error(f.line, f"{f.what} needs a 'quote' or a 'paragraph' to anchor it to the text")
        return None
    if not quote and (f.has("prefix") or f.has("suffix")):
        f.error(
            f.line_of("prefix" if f.has("prefix") else "suffix"),
            f"{f.what} has a 'prefix' or 'suffix' but no 'quote'",
        )
    return Selector(quote, prefix, suffix, paragraph_id)


def _report_mentions(f: Fields) -> tuple[Mention, ...]:
    """Passages of this report that speak of another report in the collection."""
    out = []
    for entry, line in f.items("mentions"):
        m = Fields(entry, f.path, f.diagnostics, "mention", ("report",) + SELECTOR_KEYS, line)
        selector = _selector(m)
        report = m.ident("report", required=True)
        if m.ok and selector:
            out.append(Mention(report, selector, _where(m)))
    return tuple(out)


def _basis(f: Fields) -> str:
    """Where a value comes from: stated in the document (the default), inferred, or elsewhere."""
    basis = f.ident("basis") or "stated"
    if basis not in BASES:
        f.error(
            f.line_of("basis"),
            f"unknown basis '{basis}'{did_you_mean(basis, BASES)} (use one of: {', '.join(BASES)})",
        )
        return "stated"
    return basis


def _judgements(f: Fields) -> tuple[Judgement, ...]:
    out = []
    for entry, line in f.items("judgements"):
        j = Fields(
            entry,
            f.path,
            f.diagnostics,
            "judgement",
            ("area", "grade", "series", "headline", "paragraph", "note", "scope", "basis"),
            line,
        )
        area = j.text("area", required=True)
        paragraph = j.raw("paragraph")
        numbered = isinstance(paragraph, int) and not isinstance(paragraph, bool)
        paragraph_id = f"p{paragraph}" if numbered else j.text("paragraph")
        series = j.ident("series") or re.sub(r"[^a-z0-9]+", "-", area.lower()).strip("-")
        judgement = Judgement(
            area,
            j.ident("grade", required=True),
            series,
            j.flag("headline"),
            paragraph_id,
            j.text("note"),
            Where(f.path, j.line_of("grade"), tuple(j.mapping.key_lines.items())),
            j.ident("scope"),
            _basis(j),
        )
        if j.ok or area:
            out.append(judgement)
    return tuple(out)


def _own_recommendations(f: Fields) -> tuple[OwnRecommendation, ...]:
    out = []
    for entry, line in f.items("recommendations"):
        r = Fields(
            entry,
            f.path,
            f.diagnostics,
            "recommendation",
            SELECTOR_KEYS + ("timescale", "tracks", "status", "themes"),
            line,
        )
        selector = _selector(r)
        tracks = r.ident("tracks", required=True)
        status = r.ident("status") or "raised"
        if status not in ("raised", "raised-again"):
            r.error(
                r.line_of("status"),
                f"a report's own recommendation has status 'raised' or "
                f"'raised-again', not '{status}'",
            )
        timescale, themes = r.text("timescale"), r.idents("themes")
        if selector:
            out.append(OwnRecommendation(selector, timescale, tracks, status, themes, _where(r)))
    return tuple(out)


def _annotations(f: Fields) -> tuple[Annotation, ...]:
    out = []
    for entry, line in f.items("annotations"):
        a = Fields(
            entry,
            f.path,
            f.diagnostics,
            "annotation",
            SELECTOR_KEYS + ("themes", "tracks", "status", "note", "basis"),
            line,
        )
        selector = _selector(a)
        themes, tracks = a.idents("themes"), a.ident("tracks")
        status = a.ident("status")
        if tracks and not status:
            a.error(
                a.line_of("tracks"),
                "an annotation with 'tracks' needs a 'status' "
                "(raised, raised-again, progress, met or positive)",
            )
        if status and not tracks:
            a.error(
                a.line_of("status"),
                "an annotation with a 'status' needs 'tracks' naming the "
                "tracked recommendation it is evidence for",
            )
        if not themes and not tracks and not a.has("note"):
            a.error(a.line, "an annotation needs at least one of 'themes', 'tracks' or 'note'")
        basis, note = _basis(a), a.text("note")
        if a.has("basis") and not status:
            a.error(a.line_of("basis"), "'basis' says where a status comes from: add a 'status'")
        if selector:
            out.append(Annotation(selector, themes, tracks, status, note, _where(a), basis))
    return tuple(out)
