"""What the page planner keeps from one build to the next in a process (the preview's): the
views an edit leaves unchanged are taken up again instead of being made and keyed anew."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


class Kept:
    """Values by a key of what each is made from (`get`), and values made from one immutable
    record by the record's identity (`of`). A record an edit left alone is the same object in
    the next build, so what is made from it is the same object too, and the page memo knows its
    digest without encoding it. Each build keeps only what it asked for: memory stays flat."""

    def __init__(self, last: Kept | None = None, next_build: bool = True) -> None:
        self._last: dict[Any, Any] = last._now if last is not None else {}
        self._now: dict[Any, Any] = {}
        self.next_build = next_build  # whether a later build will ask: else `same` keeps nothing

    def get(self, key: str, make: Callable[[], T]) -> T:
        found = self._now.get(key)
        if found is None:
            found = self._last.get(key)
            if found is None:
                found = make()
            self._now[key] = found
        return found

    def of(self, kind: str, record: Any, make: Callable[[Any], T]) -> T:
        """What `make` makes of `record`; the entry holds the record, so no other object can
        take its id while the entry lasts."""
        key = (kind, id(record))
        found = self._now.get(key) or self._last.get(key)
        if found is None or found[0] is not record:
            found = (record, make(record))
        self._now[key] = found
        return found[1]

    def previous(self, key: Any) -> Any:
        """What this build or, failing that, the last one holds under this key, or None."""
        found = self._now.get(key)
        return self._last.get(key) if found is None else found

    def keep(self, key: Any, value: Any) -> None:
        """Hold this value under this key for the next build (`previous`)."""
        if self.next_build:
            self._now[key] = value

    def made_from(self, key: Any, inputs: Any, make: Callable[[], T]) -> T:
        """The last build's value under this key when it was made from inputs equal to these
        (plain values and records, compared field by field); else what `make` makes now."""
        last = self._now.get(key) or self._last.get(key)
        if last is None or last[0] != inputs:
            last = (inputs, make())
        self._now[key] = last
        return last[1]

    def same(self, key: str, value: T) -> T:
        """The last build's value under this key when it equals `value` (a record of plain values,
        compared field by field): the page memo knows its digest by its identity. Else `value`."""
        last = self._last.get(key)
        if last is not None and type(last) is type(value) and last == value:
            value = last
        if self.next_build:
            self._now[key] = value
        return value

    def carry(self, items: Iterable[tuple[str, Any]]) -> None:
        """Hold these values under their keys for the next build, as `same` would: the values of
        a group taken up whole from the last build, each of which `same` is not asked about."""
        if self.next_build:
            self._now.update(items)

    def carry_last(self, keys: Iterable[Any]) -> None:
        """Hold the last build's values under these keys for the next build, where this one has
        not asked for them: the parts of a whole taken up from the last build."""
        if self.next_build:
            for key in keys:
                if key not in self._now and key in self._last:
                    self._now[key] = self._last[key]
