"""Values as data: canonical bytes for keys, and a reader that can only ever make data.

A value made of strings, numbers, booleans, None, bytes, tuples, lists, dicts, sets and the
builder's own dataclass records becomes JSON: each container a list whose first item says what it
is, each record its class's name and its fields in order, each set sorted. The bytes depend only
on the values, never on the hash seed, on which objects happen to be shared, or on pickle, so they
serve as keys across processes. Reading them back makes only those containers and records: a
record is one of the builder's dataclasses already loaded in this process, filled field by field
without calling any of its code, so no bytes, however made, can run anything.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import operator
import sys
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from markupsafe import Markup

from builder.sitefiles import Packed

JSON = Any  # what `json` reads and writes: str, int, float, bool, None, lists of them
PACKAGE = "builder."


class DecodeError(ValueError):
    """Bytes that are not a value this codec wrote."""


# The tags of the containers, each the first item of the list that holds it.
_TUPLE, _LIST, _DICT, _FROZENSET, _SET, _BYTES, _MARKUP, _RECORD, _SHARED, _PACKED = (
    "t",
    "l",
    "d",
    "f",
    "s",
    "b",
    "m",
    "c",
    "r",
    "p",
)

# A record class -> its name, and a function giving its fields' values in order (one C call).
_FIELDS: dict[type, tuple[str, Callable[[Any], tuple[Any, ...]]]] = {}


def _record_fields(cls: type) -> tuple[str, Callable[[Any], tuple[Any, ...]]]:
    known = _FIELDS.get(cls)
    if known is None:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"not a value the cache keeps: {cls.__module__}.{cls.__qualname__}")
        names = [f.name for f in dataclasses.fields(cls)]
        getter: Callable[[Any], Any] = operator.attrgetter(*names) if names else lambda _: ()
        values = getter if len(names) != 1 else (lambda value: (getter(value),))
        known = _FIELDS[cls] = (f"{cls.__module__}:{cls.__qualname__}", values)
    return known


# The values written as they are: JSON's own strings, numbers, booleans and null.
_PLAIN = frozenset({str, int, bool, type(None)})


class Encoder:
    """Turns values into JSON-ready data; instances of `shared` types become references to their
    digest (given by `name_shared`), so a record many values hold is written once."""

    def __init__(
        self,
        shared: Iterable[type] = (),
        name_shared: Callable[[Any], str] | None = None,
    ) -> None:
        self.shared = frozenset(shared)
        self.name_shared = name_shared
        self.named: set[str] = set()

    def encode(self, value: Any) -> JSON:  # noqa: C901 - one branch per kind of value, in one place
        kind = type(value)
        if kind in _PLAIN:
            return value
        # Most items of a tuple or a record are strings and numbers: they are taken as they are
        # here rather than in a call each (a site's pages hold millions of them).
        encode = self.encode
        if kind is tuple:
            return [_TUPLE, *[v if type(v) in _PLAIN else encode(v) for v in value]]
        if kind in self.shared and self.name_shared is not None:
            digest = self.name_shared(value)
            self.named.add(digest)
            return [_SHARED, digest]
        record = _FIELDS.get(kind)
        if record is not None:
            return [
                _RECORD,
                record[0],
                *[v if type(v) in _PLAIN else encode(v) for v in record[1](value)],
            ]
        if kind is list:
            return [_LIST, *[v if type(v) in _PLAIN else encode(v) for v in value]]
        if kind is dict:
            out: list[JSON] = [_DICT]
            for key, item in value.items():
                out.append(self.encode(key))
                out.append(self.encode(item))
            return out
        if kind is float:
            if value != value or value in (float("inf"), float("-inf")):
                raise TypeError("not a finite number")
            return value
        if kind is frozenset or kind is set:
            items = [self.encode(item) for item in value]
            items.sort(key=_sort_key)  # the hash seed never shows in the bytes
            return [_FROZENSET if kind is frozenset else _SET, *items]
        if kind is bytes:
            return [_BYTES, base64.b64encode(value).decode("ascii")]
        if kind is Markup:
            return [_MARKUP, str(value)]
        if kind is Packed:
            return [_PACKED, base64.b64encode(value.to_bytes()).decode("ascii")]
        name, values = _record_fields(kind)
        return [_RECORD, name, *map(self.encode, values(value))]


def _sort_key(item: JSON) -> str:
    return item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)


def encode(value: Any) -> JSON:
    """A value as JSON-ready data."""
    return Encoder().encode(value)


def dumps(data: JSON) -> bytes:
    """Encoded data as canonical bytes."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def to_bytes(value: Any) -> bytes:
    """A value as canonical bytes."""
    return dumps(encode(value))


def digest(data: bytes) -> str:
    """A content hash of some bytes."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def key_of(*parts: Any) -> str:
    """A canonical content hash of values: the same in every process, under any hash seed."""
    return digest(to_bytes(parts))


def key_of_each(*groups: Iterable[Any]) -> str:
    """A canonical content hash of many values, encoded one at a time (never all at once)."""
    hasher = hashlib.blake2b(digest_size=20)
    for group in groups:
        for part in group:
            blob = to_bytes(part)
            hasher.update(len(blob).to_bytes(8, "little"))
            hasher.update(blob)
        hasher.update(b"\xff" * 8)  # the end of a group: no length is ever this
    return hasher.hexdigest()


# ---- Reading ------------------------------------------------------------------------------------


# (class name, package) -> the class, its fields, and whether its records keep their fields in
# a `__dict__` (every record but one of `slots=True`).
_CLASSES: dict[tuple[str, str], tuple[type, tuple[str, ...], bool]] = {}


def _record_class(name: JSON, package: str) -> tuple[type, tuple[str, ...], bool]:
    """A record class and its fields, by name (see `_find_class`), looked up once."""
    if not isinstance(name, str):
        raise DecodeError("a record without a class name")
    known = _CLASSES.get((name, package))
    if known is None:
        cls = _find_class(name, package)
        fields = tuple(f.name for f in dataclasses.fields(cls))
        plain = hasattr(object.__new__(cls), "__dict__")
        known = _CLASSES[(name, package)] = (cls, fields, plain)
    return known


def _find_class(name: str, package: str) -> type:
    """A record class by name: a dataclass of a module under `package`, already loaded. Nothing
    is imported and nothing else is ever made, whatever the name says."""
    if not isinstance(name, str) or ":" not in name:
        raise DecodeError("a record without a class name")
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name) if module_name.startswith(package) else None
    found: Any = module
    for part in qualname.split("."):
        found = getattr(found, part, None) if found is not None else None
    if not isinstance(found, type) or not dataclasses.is_dataclass(found):
        raise DecodeError(f"not a record of the builder's: {name}")
    if found.__module__ != module_name:
        raise DecodeError(f"not a record of the builder's: {name}")
    return found


_SCALARS = frozenset({str, int, bool, float, type(None)})


class Decoder:
    """Reads what `Encoder` wrote; `shared` resolves the references to shared records. Records
    are made only of the dataclasses of modules under `package` (the builder's own, by default).

    A cache read back decodes hundreds of thousands of values, so the walk is written for speed:
    one dispatch on the tag, lists built in C, and a record's fields set as one update of its
    `__dict__` (no code of its class runs, as before)."""

    def __init__(self, shared: Callable[[str], Any] | None = None, package: str = PACKAGE) -> None:
        self.shared = shared
        self.package = package
        self._classes: dict[str, tuple[type, tuple[str, ...], bool]] = {}

    def decode(self, data: JSON) -> Any:  # noqa: C901 - one branch per kind of value
        if type(data) in _SCALARS:
            return data
        if type(data) is not list or not data:
            raise DecodeError("not a value this builder wrote")
        decode = self.decode
        tag = data[0]
        if tag == _RECORD:
            return self._record(data)
        if tag == _TUPLE:
            return tuple([decode(item) for item in data[1:]])
        if tag == _DICT:
            if len(data) % 2 != 1:
                raise DecodeError("a dict with a key and no value")
            values = [decode(item) for item in data[1:]]
            keys = values[0::2]
            for key in keys:
                if type(key) is not str:
                    _hashable(key)
            return dict(zip(keys, values[1::2], strict=True))
        if tag == _LIST:
            return [decode(item) for item in data[1:]]
        if tag == _FROZENSET:
            return frozenset([_hashable(decode(item)) for item in data[1:]])
        if tag == _SET:
            return {_hashable(decode(item)) for item in data[1:]}
        if len(data) != 2 or not isinstance(data[1], str):
            raise DecodeError("not a value this builder wrote")
        if tag == _BYTES or tag == _PACKED:
            try:
                raw = base64.b64decode(data[1], validate=True)
            except ValueError as exc:
                raise DecodeError("bytes that are not base64") from exc
            return raw if tag == _BYTES else unpacked_packed(raw)
        if tag == _MARKUP:
            return Markup(data[1])
        if tag == _SHARED and self.shared is not None:
            return self.shared(data[1])
        raise DecodeError(f"an unknown tag: {tag!r}")

    def _record(self, data: list[JSON]) -> Any:
        name = data[1]
        known = self._classes.get(name) if type(name) is str else None
        if known is None:
            known = self._classes[name] = _record_class(name, self.package)
        cls, fields, plain = known
        if len(data) != len(fields) + 2:
            raise DecodeError(f"{name} with the wrong number of fields")
        decode = self.decode
        values = [decode(item) for item in data[2:]]
        record: Any = object.__new__(cls)
        if plain:
            record.__dict__.update(zip(fields, values, strict=True))  # no code of the class runs
        else:
            for field, value in zip(fields, values, strict=True):
                object.__setattr__(record, field, value)
        return record


def unpacked_packed(raw: bytes) -> Packed:
    """A packed file from its stored bytes, checked to unpack to its stated size."""
    if len(raw) < 8:
        raise DecodeError("a packed file without its size")
    packed = Packed.from_bytes(raw)
    try:
        whole = packed.unpack()
    except zlib.error as exc:
        raise DecodeError("a packed file that does not unpack") from exc
    if len(whole) != packed.size:
        raise DecodeError("a packed file of the wrong size")
    return packed


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError as exc:
        raise DecodeError("an unhashable key") from exc
    return value


def loads(blob: bytes) -> JSON:
    """Bytes as JSON data; DecodeError for anything else."""
    try:
        return json.loads(blob)
    except (ValueError, RecursionError) as exc:
        raise DecodeError("not JSON") from exc


def from_bytes(blob: bytes, package: str = PACKAGE) -> Any:
    """A value from the bytes `to_bytes` made; DecodeError for any other bytes."""
    try:
        return Decoder(package=package).decode(loads(blob))
    except DecodeError:
        raise
    except (RecursionError, LookupError, TypeError, ValueError, AttributeError) as exc:
        raise DecodeError(f"not a value this builder wrote: {type(exc).__name__}") from exc
