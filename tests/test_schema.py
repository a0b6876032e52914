"""The schema layer: one table per record, read by one walk into a record and exact diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from builder.diagnostics import Diagnostics
from builder.load.yamlread import load_yaml
from builder.parse.fields import Fields
from builder.parse.records import DateFact, PartialDate, Where
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


@dataclass(frozen=True)
class Part:
    name: str
    size: int


@dataclass(frozen=True)
class Span:
    start: str
    end: str


@dataclass(frozen=True)
class Thing:
    id: str
    title: str
    note: str
    tags: tuple[str, ...]
    draft: bool
    count: int | None
    when: DateFact | None
    day: PartialDate | None
    link: str
    level: str
    mood: str
    paragraph: str
    parts: tuple[Part, ...]
    owner: Part | None
    span: Span | None
    upper: str
    where: Where


def _span_check(f: Fields, v: Values) -> None:
    if v["start"] and v["end"] and v["end"] < v["start"]:
        f.error(f.line_of("end"), f"{f.what} ends before it starts")


def _upper(f: Fields, key: str) -> str:
    return str(f.raw(key) or "").upper()


PART = Schema(
    "part", Part, (Field("name", Text(), required=True), Field("size", Number(), default=1))
)
SPAN = Schema(
    "span",
    Span,
    (Field("start", Text()), Field("end", Text())),
    check=_span_check,
    keep=lambda f, v: bool(v["start"]),
)
THING = Schema(
    "thing",
    Thing,
    (
        Field("id", Ident(), required=True),
        Field("title", Text(), required=True),
        Field("note", Text(lines=True)),
        Field("tags", Idents()),
        Field("draft", Flag()),
        Field("count", Number()),
        Field("when", Date()),
        Field("day", Date(start_only=True)),
        Field("link", Url("thing url")),
        Field("level", Choice(("low", "high"), "unknown level '{value}'{hint} ({choices})", "low")),
        Field("mood", Choice(("calm", "busy"), "mood is '{value}', not calm or busy")),
        Field("paragraph", Paragraph()),
        Field("parts", Items(PART)),
        Field("owner", Nested(Schema("'owner'", Part, PART.fields, keep=always))),
        Field("span", Inline(SPAN)),
        Field("upper", Custom(_upper)),
    ),
    where=item_where,
)
GOOD = """\
id: a-thing
title: ' A thing '
note: |
  Two
  lines
tags: [x, y-2]
draft: true
count: 3
when: {start: 2019-06, end: 2019-07-02}
day: 2015
link: https://example.org/a
level: high
mood: busy
paragraph: 14
parts:
  - {name: wheel, size: 4}
  - {name: seat}
owner: {name: Ann}
start: b
end: c
upper: shout
"""


def _read(text: str, schema: Schema[Any] = THING) -> tuple[Any, list[str]]:
    diagnostics = Diagnostics()
    record = read(schema, load_yaml(text), "x.yml", diagnostics, 1)
    return record, [d.format() for d in diagnostics.sorted()]


def _replace(key: str, value: str) -> str:
    """The good text without one key (and the indented lines of its value), then `key: value` last."""
    lines, skipping = [], False
    for line in GOOD.splitlines():
        skipping = line.startswith(f"{key}:") or (skipping and line.startswith("  "))
        if not skipping:
            lines.append(line)
    if value:
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def test_every_kind_reads_a_good_value():
    record, messages = _read(GOOD)
    assert messages == []
    assert record == Thing(
        id="a-thing",
        title="A thing",
        note="Two\nlines",
        tags=("x", "y-2"),
        draft=True,
        count=3,
        when=DateFact(PartialDate(2019, 6), PartialDate(2019, 7, 2)),
        day=PartialDate(2015),
        link="https://example.org/a",
        level="high",
        mood="busy",
        paragraph="p14",
        parts=(Part("wheel", 4), Part("seat", 1)),
        owner=Part("Ann", 1),
        span=Span("b", "c"),
        upper="SHOUT",
        where=record.where,
    )
    assert record.where.of("mood") == Where("x.yml", 13)
    assert record.where.of("parts.1") == Where("x.yml", 17)


def test_absent_optional_keys_take_their_defaults():
    record, messages = _read("id: a\ntitle: t\n")
    assert messages == []
    assert (record.note, record.tags, record.draft, record.count, record.when) == (
        "",
        (),
        False,
        None,
        None,
    )
    assert (record.link, record.level, record.mood, record.paragraph) == ("", "", "", "")
    assert (record.parts, record.owner, record.span, record.upper) == ((), None, None, "")


@pytest.mark.parametrize(
    "key, value, message, kept",
    [
        (
            "id",
            "A Thing",
            "'id' must be lower-case letters, digits and hyphens, not 'A Thing'",
            False,
        ),
        ("id", "a" * 81, "'id' is too long (81 characters; at most 80)", False),
        ("title", "[t]", "'title' must be text, not a list", False),
        ("title", "''", "'title' must not be empty", False),
        ("title", '"a\\nb"', "'title' must be one line of text", False),
        ("tags", "[x, Y]", "'tags' has an invalid id 'Y'", False),
        ("tags", "{a: 1}", "'tags' must be a list of ids, not a mapping", False),
        ("draft", "maybe", "'draft' must be true or false, not 'maybe'", False),
        ("count", "three", "'count' must be a whole number, not 'three'", False),
        ("count", "true", "'count' must be a whole number, not 'true'", False),
        ("when", "2013-02-30", "'when' is not a real date: '2013-02-30'", False),
        ("day", "June", "'day' must be a date like 2013-07-08, 2019-06 or 2015, not 'June'", False),
        ("level", "hihg", "unknown level 'hihg' (did you mean 'high'?) (low, high)", False),
        ("mood", "sad", "mood is 'sad', not calm or busy", False),
        ("parts", "x", "'parts' must be a list, not 'x'", False),
        ("parts", "[{size: 2}]", "part is missing required key 'name'", True),
        ("owner", "Ann", "'owner' must be a mapping of keys to values, not 'Ann'", True),
        ("end", "a", "thing ends before it starts", False),
    ],
)
def test_each_bad_value_has_its_exact_message(key, value, message, kept):
    text = _replace(key, value)
    record, messages = _read(text)
    assert messages == [f"x.yml:{text.count(chr(10))}: error: {message}"]
    # A problem of the record's own leaves it out; one of a nested or listed record does not.
    assert (record is not None) == kept


def test_a_bad_url_is_refused_by_the_url_policy():
    _, messages = _read(_replace("link", "javascript:alert(1)"))
    assert len(messages) == 1
    assert messages[0].startswith("x.yml:21: error: thing url ")


def test_a_choice_keeps_or_replaces_a_value_outside_its_vocabulary():
    diagnostics = Diagnostics()
    f = Fields(load_yaml("level: odd\nmood: odd\n"), "x.yml", diagnostics, "thing", THING.keys)
    found = values(THING, f)
    assert (found["level"], found["mood"]) == ("low", "odd")


def test_unknown_key_with_hint_and_missing_required_keys():
    record, messages = _read("titel: t\nsize: 2\n")
    assert messages == [
        "x.yml:1: error: thing is missing required key 'id'",
        "x.yml:1: error: thing is missing required key 'title'",
        "x.yml:1: error: unknown key 'titel' in thing (did you mean 'title'?)",
        "x.yml:2: error: unknown key 'size' in thing",
    ]
    assert record is None


def test_inline_keys_belong_to_the_record_and_nested_problems_are_their_own():
    assert {"start", "end"} <= set(THING.keys) and "span" not in THING.keys
    record, messages = _read(_replace("owner", "{name: Ann, size: big}"))
    assert messages == ["x.yml:21: error: 'size' must be a whole number, not 'big'"]
    assert record is not None and record.owner == Part("Ann", 1)  # kept: `keep=always`
    record, messages = _read(_replace("start", ""))
    assert messages == [] and record.span is None  # the inline schema's `keep` says no value


def test_a_strict_schema_reads_nothing_after_an_unknown_key():
    strict = Schema("part", Part, PART.fields, strict=True)
    record, messages = _read("nmae: x\nsize: big\n", strict)
    assert messages == ["x.yml:1: error: unknown key 'nmae' in part (did you mean 'name'?)"]
    assert record is None
    record, messages = _read("nmae: x\nsize: big\n", PART)
    assert messages == [
        "x.yml:1: error: part is missing required key 'name'",
        "x.yml:1: error: unknown key 'nmae' in part (did you mean 'name'?)",
        "x.yml:2: error: 'size' must be a whole number, not 'big'",
    ]


def test_a_value_that_is_not_a_mapping_has_no_missing_keys():
    record, messages = _read("[a, b]\n")
    assert messages == ["x.yml:1: error: thing must be a mapping of keys to values, not a list"]
    assert record is None


@dataclass(frozen=True)
class Letter:
    body: str
    note: str
    owner: Part | None


LETTER = Schema(
    "letter",
    Letter,
    (
        Field("body", Text(lines=True)),  # the schema says which texts run over lines, not the key
        Field("note", Text()),
        Field("owner", Nested(Schema("'owner'", Part, PART.fields, keep=always)), required=True),
    ),
    keep=always,
)


def test_the_schema_says_which_texts_may_run_over_lines():
    record, messages = _read("body: |\n  a\n  b\nnote: |\n  c\n  d\nowner: {name: n}\n", LETTER)
    assert messages == ["x.yml:4: error: 'note' must be one line of text"]
    assert record == Letter("a\nb", "", Part("n", 1))


def test_a_required_nested_record_that_is_missing():
    record, messages = _read("body: b\n", LETTER)
    assert messages == ["x.yml:1: error: letter is missing required key 'owner'"]
    assert record == Letter("b", "", None)


def test_an_id_is_taken_as_text_first_so_space_around_it_goes():
    record, messages = _read('id: "a-thing\\n"\ntitle: t\ntags: a\n')
    assert messages == []
    assert (record.id, record.tags) == ("a-thing", ("a",))
