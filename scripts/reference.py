"""Write the configuration reference and the content-format reference from the builder's schemas.

Usage: python3 scripts/reference.py [--check]

Every key, its kind of value, whether it is required and its default come from the schemas the
builder validates content with (builder/parse/parse.py, read by builder/parse/schema.py), so the
references list exactly the keys the builder accepts. Each key's one-line meaning is written here,
beside the schemas' names for it: a key added to a schema without a meaning here, or a meaning left
for a key the schemas no longer have, stops this script (and tests/test_reference.py). With
`--check` nothing is written; the status is 1 when a committed reference differs from the schemas.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.parse import parse  # noqa: E402
from builder.parse.records import BASES, RULES  # noqa: E402
from builder.parse.schema import (  # noqa: E402
    Choice,
    Custom,
    Date,
    Field,
    Flag,
    Ident,
    Idents,
    Inline,
    Items,
    Kind,
    LanguageTag,
    Nested,
    Number,
    Paragraph,
    Schema,
    Text,
    Url,
)

CONFIGURATION = ROOT / "docs" / "reference" / "configuration.md"
CONTENT = ROOT / "docs" / "reference" / "content-format.md"

# What each key means, by the schema's name for its record and the key.
MEANING = {
    "site settings.title": "The site's name, in every page's header and the browser's tab.",
    "site settings.organisation": "The organisation the reports are about.",
    "site settings.description": "One or two sentences for search engines and the home page.",
    "site settings.url": "The origin the site is published at (`https://host`), never with a path; `--base-url` overrides it.",
    "site settings.base_path": "The folder the site is served from, starting and ending with `/`; `--base-url` overrides it.",
    "site settings.language": "The language of the pages, as a language tag (`en-GB`).",
    "site settings.footer": "Markdown shown at the foot of every page: where the text comes from.",
    "site settings.kinds": "The kinds of document in the history: each kind's id and its label. A report's `kind` is one of these ids.",
    "site settings.rules": "Content rules `check --strict` and `build --strict` enforce, each `true` or `false`.",
    "site settings.method": "Markdown on the about page: how the history was made, and its limits.",
    "site settings.contact": "Where readers write to the editors: shown in the footer, the about and accessibility pages.",
    "site settings.updated": 'The "last updated" date; without it, the latest document\'s date.',
    "site settings.data_licence": "The licence of the editors' data (annotations, statuses), on the data page.",
    "'contact'.email": "The editors' e-mail address.",
    "'contact'.corrections": "Where to send corrections: a `mailto:`, `http://` or `https://` address.",
    "'contact'.accessibility": "Where readers report an accessibility problem or ask for a page in another format: a `mailto:`, `http://` or `https://` address, named in the accessibility statement.",
    "'data_licence'.name": "The licence's name (`CC BY 4.0`).",
    "'data_licence'.url": "The licence's address.",
    "'data_licence'.text": "Markdown shown with the licence.",
    "framework.id": "The framework's id, named by reports' and events' `framework`.",
    "framework.title": "The framework's name.",
    "framework.years": "When the framework was in use (`2009 to 2012`).",
    "framework.description": "What the framework inspected and how it graded.",
    "framework.scale": "Its grades, best first; none for an ungraded framework (letters, visits).",
    "framework.scopes": "What its judgements may be about, when a report judges more than one thing.",
    "framework.areas": "The areas it judges, as its reports print them: `import` places a printed judgement in the framework whose areas fit it.",
    "area.area": "The area's name as the framework's reports print it.",
    "area.scope": "The scope its judgement covers, when the framework has several.",
    "area.headline": "Whether it is the framework's headline judgement (overall effectiveness).",
    "area.series": "The line of the grade chart its judgements are drawn on: areas of one scope and series, in any framework, are one measure worded anew, joined from one inspection to the next, and the About page says so.",
    "grade.grade": "The grade's id, as judgements write it.",
    "grade.label": "The grade's words, as the reports print them.",
    "grade.ordinal": "Its place on the shared ladder of every framework, 4 best and 1 worst.",
    "scope.id": "The scope's id, as judgements' `scope` names it.",
    "scope.title": "What the scope is.",
    "theme.id": "The theme's id, as annotations name it.",
    "theme.title": "The theme's name, on its page and in filters.",
    "theme.description": "Markdown: what the theme follows, on its page.",
    "theme.terms": "Words and phrases that mark a passage on the theme, matched whole and in any case: `import` suggests the theme for each paragraph of a draft that uses one, with a comment saying which.",
    "tracked recommendation.id": "The id annotations' and recommendations' `tracks` name.",
    "tracked recommendation.title": "The concern, in a few words.",
    "tracked recommendation.themes": "The themes it belongs to.",
    "tracked recommendation.description": "Markdown: the concern as the reports put it.",
    "tracked recommendation.organisation": "Whose concern it is: an id from `organisations.yml`; required when the site has several, the only one's otherwise.",
    "tracked recommendation.scope": "What it is a concern of, where that is one part a framework judges (`lscb`, the safeguarding board's): a later report whose framework does not judge that scope is outside its remit, and its silence is said to be.",
    "organisation.id": "The organisation's id: its page is `/organisations/<id>/`, and reports, recommendations and events name it.",
    "organisation.name": "Its full name, as reports print it.",
    "organisation.short_name": "A shorter name for charts, strips and filters.",
    "organisation.kind": "What it is: `local-authority`, `trust`, `partnership`, or an id of your own.",
    "organisation.region": "The region readers filter by, as words (`South West`).",
    "organisation.codes": "The codes others know it by, each scheme to its code (`la_code: 865`, `urn: 80531`); shown on its page and in the data.",
    "event.id": "The event's id.",
    "event.title": "What happened.",
    "event.date": "When it happened.",
    "event.kind": "One of the kinds in `site.yml`.",
    "event.framework": "The framework of an inspection, for its judgements.",
    "event.judgements": "The grades it gave, when a report of its own is not in the history.",
    "event.mentions": "Passages of reports that speak of it.",
    "event.note": "Markdown: the editors' note.",
    "event.organisation": "Whom it inspected: an id from `organisations.yml`; required when the site has several.",
    "event.graded": "It gave grades this history does not know (it lists no judgements): the chart's lines of its framework break at it, not join the grades either side.",
    "judgement.area": "What was judged, as the report words it.",
    "judgement.grade": "One of the framework's grades.",
    "judgement.series": "Which line of the grade chart it joins; by default its framework's series for the area, else one made from the area's words.",
    "judgement.headline": "Whether it is the report's overall judgement.",
    "judgement.paragraph": "The paragraph that gives it (a number, or a block id).",
    "judgement.note": "Markdown: the editors' note on it.",
    "judgement.scope": "One of the framework's scopes.",
    "judgement.basis": "Where it comes from: the document says it (`stated`), the editors read it from the text (`inferred`) or another document says it (`elsewhere`).",
    "mention.report": "The report that speaks of it.",
    "selector.quote": "The exact words of the passage, as in the text.",
    "selector.prefix": "Words just before the quote, when it appears more than once.",
    "selector.suffix": "Words just after the quote, when it appears more than once.",
    "selector.paragraph": "The paragraph (a number, or a block id), alone or to narrow the quote.",
    "report front matter.id": "The report's id: its file name without `.md`, starting with the year and month (`2019-06-…`).",
    "report front matter.title": "The document's title, as printed.",
    "report front matter.kind": "One of the kinds in `site.yml`.",
    "report front matter.framework": "The framework it was made under (`frameworks.yml`); needed for judgements.",
    "report front matter.inspected": "When the inspection or visit took place.",
    "report front matter.published": "The document's date.",
    "report front matter.presented": "When it was presented (a committee report).",
    "report front matter.authors": "Who wrote it: the lead inspector or author first.",
    "report front matter.publisher": "Who published it (`Ofsted`).",
    "report front matter.source": "Where the text comes from.",
    "report front matter.licence": "The document's own reuse terms.",
    "report front matter.summary": "Markdown: one or two sentences by the editors, in lists and the feed.",
    "report front matter.short_title": "A shorter title for lists and charts.",
    "report front matter.judgements": "The grades the report gives.",
    "report front matter.recommendations": "The report's own recommendations, each pointing at a tracked recommendation.",
    "report front matter.annotations": "Themes, statuses and notes on passages of the text.",
    "report front matter.edition": "`full`, or `summary` when the body is the editors' summary of a document that cannot be reproduced in full.",
    "report front matter.mentions": "Passages of other reports that speak of this one.",
    "report front matter.added": "The day this edition joined the collection: the feed shows it as new from then.",
    "report front matter.organisation": "Whom the report is about: an id from `organisations.yml`, or a list of ids for a joint inspection; required when the site has several organisations.",
    "report front matter.draft": "`true` until an editor has confirmed the edition (an import's or a new report's): it checks and previews with a banner, and a strict build will not publish it.",
    "report front matter.repairs": "The words this edition gives otherwise than its source, and the misspellings it keeps as printed; listed on its page.",
    "repair.printed": "The words as the source prints them.",
    "repair.shown": "The words as this edition's text gives them (the same as `printed` for a slip kept as printed); checked to be in the text.",
    "repair.paragraph": "The paragraph they are in.",
    "repair.note": "What kind of repair it is.",
    "author.name": "The person's name.",
    "author.role": "Their role (`Lead inspector`).",
    "'source'.title": "The original document's title.",
    "'source'.reference": "Its reference number, if it has one.",
    "'source'.url": "Where the original can be found.",
    "'source'.note": "Markdown: how this edition was made from it.",
    "'source'.original": "The address of the original file (a PDF), `http://` or `https://`.",
    "'licence'.name": "The licence's name (`Open Government Licence v3.0`).",
    "'licence'.url": "The licence's address.",
    "'licence'.text": "Markdown: the terms, when they have no address.",
    "recommendation.timescale": "When the report asks for it (`Within three months`).",
    "recommendation.scope": "Whose recommendation it is, where the report's framework judges "
    "more than one scope: a scope id (`lscb` for the safeguarding board's). Left out, the "
    "framework's first scope's.",
    "recommendation.tracks": "The tracked recommendation (`recommendations.yml`) it is evidence for.",
    "recommendation.status": "`raised`, or `raised-again` when an earlier report made it already.",
    "recommendation.themes": "Its themes.",
    "annotation.themes": "The themes of the passage.",
    "annotation.tracks": "A tracked recommendation the passage is evidence for.",
    "annotation.status": "What the passage says of it: `raised`, `raised-again`, `progress`, `met` or `positive`.",
    "annotation.note": "Markdown: the editors' note, beside the passage.",
    "annotation.basis": "Where the status comes from (as a judgement's `basis`).",
    "annotation.inspection": "An earlier inspection outside the collection (an event) whose finding this passage reports: the status is that inspection's, as reported by this report.",
}

# The values read by a function of their own, which a schema cannot describe: by function name,
# the kind of value and whether the key is required.
CUSTOM = {
    "_site_url": ("URL: an origin, `https://host`", False),
    "_base_path": ("path starting and ending with `/`", False),
    "_kinds": ("mapping: kind id → label", True),
    "_codes": ("mapping: scheme → code", False),
    "_terms": (
        "list of words or phrases (letters, digits, spaces and `- ' ’ . / & ,`), each once",
        False,
    ),
    "parse_rules": (
        "mapping: rule → `true` or `false`; rules: "
        + ", ".join(f"`{name}` ({meaning})" for name, meaning in RULES.items()),
        False,
    ),
}

FILES = {
    CONFIGURATION: (
        "Configuration reference: `content/site.yml`",
        "The site's settings, one YAML mapping in `content/site.yml`.",
        [("`content/site.yml`", parse.SETTINGS, "One mapping, with these keys:")],
    ),
    CONTENT: (
        "Content-format reference",
        "The files under `content/` besides `site.yml` (see the [configuration reference]"
        "(configuration.md)), and every key each may hold. The [authoring guide](../authoring.md)"
        " explains them with examples.",
        [
            (
                "`content/frameworks.yml`",
                parse.FRAMEWORK,
                "A list of frameworks, each with these keys:",
            ),
            ("`content/themes.yml`", parse.THEME, "A list of themes, each with these keys:"),
            (
                "`content/recommendations.yml`",
                parse.TRACKED,
                "A list of tracked recommendations, each with these keys:",
            ),
            ("`content/events.yml`", parse.EVENT, "A list of events, each with these keys:"),
            (
                "`content/organisations.yml`",
                parse.ORGANISATION,
                "Optional: the organisations the reports are about, when a site holds more than"
                " one. A list, each with these keys:",
            ),
            (
                "`content/reports/<id>.md`: the front matter",
                parse.REPORT,
                "Markdown with YAML front matter between `---` lines (the text: see the authoring"
                " guide). The front matter's keys:",
            ),
        ],
    ),
}


def kind_text(kind: Kind) -> str:
    """The kind of value a key takes, in words."""
    if isinstance(kind, Text):
        return "text, over several lines if need be" if kind.lines else "text, one line"
    if isinstance(kind, Idents):
        return "list of ids (one id is a list of one)"
    if isinstance(kind, Ident):
        return "id: lower-case words joined by hyphens"
    if isinstance(kind, Flag):
        return "`true` or `false`"
    if isinstance(kind, Number):
        return "whole number"
    if isinstance(kind, Date):
        if kind.start_only:
            return "date (`2024-03-15`)"
        return (
            "date, month or year (`2024-03-15`, `2024-03`, `2024`), or "
            "`{start, end, basis, note}` (basis: " + ", ".join(f"`{b}`" for b in BASES) + ")"
        )
    if isinstance(kind, Url):
        return "URL: `https://`, `http://` or `mailto:` (the URL policy)"
    if isinstance(kind, LanguageTag):
        return "language tag (`en`, `en-GB`, `cy`)"
    if isinstance(kind, Choice):
        return "one of " + ", ".join(f"`{c}`" for c in kind.choices)
    if isinstance(kind, Paragraph):
        return "paragraph number (`14` is ¶14) or block id"
    if isinstance(kind, Items):
        return f"list of [{name(kind.schema)}](#{anchor(kind.schema)})"
    if isinstance(kind, Nested):
        return f"mapping: [{name(kind.schema)}](#{anchor(kind.schema)})"
    if isinstance(kind, Custom):
        return CUSTOM[kind.function.__name__][0]
    raise ValueError(
        f"no words for a {type(kind).__name__} value: add them to scripts/reference.py"
    )


def name(schema: Schema[Any]) -> str:
    return schema.what.strip("'")


def anchor(schema: Schema[Any]) -> str:
    return name(schema).replace(" ", "-")


def rows(schema: Schema[Any]) -> Iterator[tuple[Schema[Any], Field]]:
    """The record's keys in order, an inline schema's keys in its place."""
    for field in schema.fields:
        if isinstance(field.kind, Inline):
            for inner in field.kind.schema.fields:
                yield field.kind.schema, inner
        else:
            yield schema, field


def default_text(field: Field) -> str:
    if isinstance(field.kind, Custom) or field.required:
        return ""
    value = field.default
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str) and value:
        return f"`{value}`"
    return ""


def table(schema: Schema[Any], used: set[str]) -> list[str]:
    lines = [
        "| key | value | required | default | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for owner, field in rows(schema):
        key = f"{owner.what}.{field.key}"
        if key not in MEANING:
            raise ValueError(
                f"'{field.key}' of {owner.what} has no meaning: add it to scripts/reference.py"
            )
        used.add(key)
        required = (
            CUSTOM[field.kind.function.__name__][1]
            if isinstance(field.kind, Custom)
            else field.required
        )
        lines.append(
            f"| `{field.key}` | {kind_text(field.kind)} | {'yes' if required else ''} "
            f"| {default_text(field)} | {MEANING[key]} |"
        )
    if schema.strict:
        lines += ["", "A misspelt key leaves the whole entry out, with one message naming it."]
    return lines


def nested(schema: Schema[Any]) -> Iterator[Schema[Any]]:
    for _owner, field in rows(schema):
        if isinstance(field.kind, (Items, Nested)):
            yield field.kind.schema
            yield from nested(field.kind.schema)


def document(path: Path, used: set[str]) -> str:
    title, intro, files = FILES[path]
    out = [
        f"# {title}",
        "",
        "<!-- Generated by scripts/reference.py from the builder's schemas: do not edit by hand. -->",
        "",
        intro,
        "",
        "Unknown keys are errors, with the nearest known key as a hint. A key that is not required",
        "and not given takes its default, or is empty.",
    ]
    shown: set[int] = set()
    for heading, schema, shape in files:
        out += [
            "",
            f"## {heading}",
            "",
            shape,
            "",
        ]
        out += table(schema, used)
        shown.add(id(schema))
    for _heading, schema, _shape in files:
        for inner in nested(schema):
            if id(inner) in shown:
                continue
            shown.add(id(inner))
            out += ["", f"### {name(inner)}", ""]
            out += table(inner, used)
    return "\n".join(out) + "\n"


def documents() -> dict[Path, str]:
    used: set[str] = set()
    made = {path: document(path, used) for path in FILES}
    stale = sorted(set(MEANING) - used)
    if stale:
        raise ValueError(f"meanings for keys no schema has: {', '.join(stale)}")
    return made


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--check", action="store_true", help="compare, write nothing")
    args = options.parse_args(argv)
    status = 0
    for path, text in documents().items():
        shown = path.relative_to(ROOT)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{shown}: differs from the schemas (run python3 scripts/reference.py)")
                status = 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"{shown} written", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
