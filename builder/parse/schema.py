"""Declarative field schemas: each record is a table of its fields, read by one generic walk.

A `Schema` names a record, the keys it may have and, for each key, a `Field`: the kind of value
(text, an id, a choice from a vocabulary, a date, a URL, a list of records, a nested record...),
whether it is required and its default. `read` checks one YAML mapping against a schema, with every
problem a diagnostic on its line (unknown keys with a "did you mean" hint, wrong kinds, missing
keys), and builds the record. What a table cannot say (a rule across fields, whether a record with a
problem is still kept) is a small function the schema names: `check` and `keep`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from builder.diagnostics import Diagnostics, did_you_mean
from builder.load.yamlread import LineList
from builder.parse.fields import Fields
from builder.parse.records import Where, slug

R = TypeVar("R")
Values = dict[str, Any]  # a record's values by attribute name, as the walk has read them


class Kind:
    """How the value of one key is read; a field's `default` stands in when it is absent."""

    empty: Any = None  # the default of a field of this kind that declares none
    # Whether an absent key that is not required reads as the field's default with nothing to say,
    # so the walk can skip reading it (most keys of most records are absent).
    plain = True

    def keys(self, field: Field) -> tuple[str, ...]:
        """The keys a field of this kind reads from its mapping."""
        return (field.key,)

    def read(self, f: Fields, field: Field) -> Any:
        raise NotImplementedError

    def reader(self, field: Field) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        """A function and its arguments after the mapping that give the value: the walk calls it.

        By default `read`; a kind whose value is one method of `Fields` names that method, which
        spares the walk a call per key (it is on the hot path of a large build).
        """
        return self.read, (field,)


class Text(Kind):
    """Text stripped of surrounding space; one line unless `lines`, never a Markdown hazard."""

    empty = ""

    def __init__(self, lines: bool = False) -> None:
        self.lines = lines

    def read(self, f: Fields, field: Field) -> Any:
        return f.text(field.key, field.required, field.default, self.lines)

    def reader(self, field: Field) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return Fields.text, (field.key, field.required, field.default, self.lines)


class Ident(Kind):
    """An id: lower-case words joined by hyphens."""

    empty = ""

    def read(self, f: Fields, field: Field) -> Any:
        return f.ident(field.key, field.required) or field.default

    def reader(self, field: Field) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        if field.default:
            return super().reader(field)
        return Fields.ident, (field.key, field.required)


class Idents(Kind):
    """A list of ids; a single id is a list of one."""

    empty: tuple[str, ...] = ()

    def read(self, f: Fields, field: Field) -> Any:
        return f.idents(field.key)

    def reader(self, field: Field) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return Fields.idents, (field.key,)


class Flag(Kind):
    """True or false."""

    empty = False

    def read(self, f: Fields, field: Field) -> Any:
        return f.flag(field.key, field.default)


class Number(Kind):
    """A whole number."""

    def read(self, f: Fields, field: Field) -> Any:
        value = f.whole_number(field.key, field.required)
        return field.default if value is None else value


class Date(Kind):
    """A date fact (a date, a partial date or a range with its basis), or only its start."""

    def __init__(self, start_only: bool = False) -> None:
        self.start_only = start_only

    def read(self, f: Fields, field: Field) -> Any:
        fact = f.date_fact(field.key, field.required)
        if fact is None:
            return field.default
        return fact.start if self.start_only else fact


class Url(Kind):
    """A URL a reader may follow, checked by the URL policy; `label` names it in messages."""

    empty = ""

    def __init__(self, label: str) -> None:
        self.label = label

    def read(self, f: Fields, field: Field) -> Any:
        return f.url(field.key, self.label)


class LanguageTag(Kind):
    """A language tag (`en`, `en-GB`), checked by the one rule for every value that names a file."""

    empty = "en"

    def read(self, f: Fields, field: Field) -> Any:
        return f.language_tag(field.key, field.default or self.empty)


class Choice(Kind):
    """An id from a fixed vocabulary.

    `message` is said of any other value, with `{value}`, `{hint}` (did you mean) and `{choices}`
    filled in; the value is then replaced by `fallback`, or kept as written when there is none.
    A field's default must be one of the choices: an absent key is not read at all.
    """

    empty = ""

    def __init__(self, choices: Sequence[str], message: str, fallback: str | None = None) -> None:
        self.choices = tuple(choices)
        self.message = message
        self.fallback = fallback

    def read(self, f: Fields, field: Field) -> Any:
        value = f.ident(field.key) or field.default
        if value and value not in self.choices:
            f.error(
                f.line_of(field.key),
                self.message.format(
                    value=value,
                    hint=did_you_mean(value, self.choices),
                    choices=", ".join(self.choices),
                ),
            )
            return value if self.fallback is None else self.fallback
        return value


class Paragraph(Kind):
    """A paragraph of the text: its number (`14` is the block `p14`; `LSCB 3`, of a numbering that
    starts again, is `lscb-p3`) or a block id."""

    empty = ""

    def read(self, f: Fields, field: Field) -> Any:
        value = f.raw(field.key)
        if isinstance(value, int) and not isinstance(value, bool):
            return f"p{value}"
        text = f.text(field.key)
        restarted = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9 ]*?) +(\d{1,4})", text or "")
        if restarted and not restarted.group(1).isdigit():
            return f"{slug(restarted.group(1))}-p{restarted.group(2)}"
        return text


class Items(Kind):
    """A list of records of one schema; an item with a problem its schema does not keep is left out."""

    empty: tuple[Any, ...] = ()

    def __init__(self, schema: Schema[Any]) -> None:
        self.schema = schema

    def read(self, f: Fields, field: Field) -> Any:
        out = []
        for entry, line in f.items(field.key):
            record = read(self.schema, entry, f.path, f.diagnostics, line)
            if record is not None:
                out.append(record)
        return tuple(out)


class Nested(Kind):
    """A mapping under one key that is a record of its own: its problems do not drop the record."""

    def __init__(self, schema: Schema[Any]) -> None:
        self.schema = schema

    def read(self, f: Fields, field: Field) -> Any:
        sub = f.sub(field.key, self.schema.what, self.schema.keys)
        if sub is None:
            if field.required and f.readable:
                f.error(f.line, f"{f.what} is missing required key '{field.key}'")
            return field.default
        return walk(self.schema, sub)


class Inline(Kind):
    """Keys of a schema of their own written among the record's keys (a selector's quote, prefix...).

    Its messages name the record, and its `keep` decides whether there is a value (else None).
    """

    plain = False

    def __init__(self, schema: Schema[Any]) -> None:
        self.schema = schema

    def keys(self, field: Field) -> tuple[str, ...]:
        return self.schema.keys

    def read(self, f: Fields, field: Field) -> Any:
        return walk(self.schema, f)


class Custom(Kind):
    """A value with a reading of its own: `function(fields, key)`."""

    plain = False

    def __init__(self, function: Callable[[Fields, str], Any]) -> None:
        self.function = function

    def read(self, f: Fields, field: Field) -> Any:
        return self.function(f, field.key)


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a record: its kind, whether it must be given, and the value when it is not."""

    key: str
    kind: Kind
    required: bool = False
    default: Any = None  # None: the kind's own (empty text, no ids, ...)
    name: str = ""  # the record's attribute; the key by default
    skip_absent: bool = dataclasses.field(init=False, default=False)

    def __post_init__(self) -> None:
        if self.default is None:
            object.__setattr__(self, "default", self.kind.empty)
        if not self.name:
            object.__setattr__(self, "name", self.key)
        object.__setattr__(self, "skip_absent", self.kind.plain and not self.required)


def always(f: Fields, values: Values) -> bool:
    """A `keep` for records that stand in whole even with a problem (it has been reported)."""
    return True


def item_where(f: Fields) -> Where:
    """Where a record was written, with the line of each key and of each item of a list (`themes.1`)."""
    items = [
        (f"{key}.{i}", line)
        for key, value in f.mapping.items()
        if isinstance(value, LineList)
        for i, line in enumerate(value.item_lines)
    ]
    return Where(f.path, f.line, tuple(f.mapping.key_lines.items()) + tuple(items))


@dataclass(frozen=True, slots=True)
class Schema(Generic[R]):
    """A record type declared as its fields.

    `record` is called with the fields' values by name (plus `where` when the schema says where
    records are); `check` runs the rules across fields after every field is read, and may set
    values; `keep` decides whether the record is made at all. With `strict`, a mapping with an
    unknown key (or a value that is not a mapping) is left out at once, its fields unread, so that
    a misspelt key is one message rather than also a missing one.
    """

    what: str
    record: Callable[..., R]
    fields: tuple[Field, ...]
    where: Callable[[Fields], Where] | None = None
    check: Callable[[Fields, Values], None] | None = None
    keep: Callable[[Fields, Values], bool] | None = None  # None: kept if it has no problem
    strict: bool = False

    keys: tuple[str, ...] = dataclasses.field(init=False)  # every key a mapping of it may have
    # Per field, what the walk needs, unpacked once here rather than looked up per record.
    plan: tuple[tuple[str, str, bool, Any, Callable[..., Any], tuple[Any, ...]], ...] = (
        dataclasses.field(init=False, repr=False)
    )

    def __post_init__(self) -> None:
        keys = tuple(key for field in self.fields for key in field.kind.keys(field))
        object.__setattr__(self, "keys", keys)
        plan = tuple(
            (field.name, field.key, field.skip_absent, field.default, *field.kind.reader(field))
            for field in self.fields
        )
        object.__setattr__(self, "plan", plan)


def values(schema: Schema[Any], f: Fields) -> Values:
    """Read every field of a schema from a checked mapping, and run its rules across fields."""
    mapping = f.mapping
    out = {}
    for name, key, skip_absent, default, reader, arguments in schema.plan:
        out[name] = default if skip_absent and key not in mapping else reader(f, *arguments)
    if schema.check is not None:
        schema.check(f, out)
    return out


def walk(schema: Schema[R], f: Fields) -> R | None:
    """The record a checked mapping holds, or None when its schema does not keep it."""
    found = values(schema, f)
    if not (f.ok if schema.keep is None else schema.keep(f, found)):
        return None
    if schema.where is not None:
        found["where"] = schema.where(f)
    return schema.record(**found)


def read(
    schema: Schema[R], mapping: Any, path: str, diagnostics: Diagnostics, line: int = 0
) -> R | None:
    """Check one YAML value against a schema and make its record; every problem is a diagnostic."""
    f = Fields(mapping, path, diagnostics, schema.what, schema.keys, line)
    if schema.strict and not f.ok:
        return None
    return walk(schema, f)
