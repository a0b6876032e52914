"""The output files of a build, with its pages kept compressed while the build holds them.

A site's HTML is most of its bytes (140 MB at 1,000 reports) and compresses about six times, so
pages travel from the workers, stay in the memo and the on-disk cache, and wait to be published
as `Packed` values; a page is unpacked only when it is written, compared or served.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Mapping, MutableMapping

_LEVEL = 1  # the fastest level: a sixth of the size, at several hundred megabytes a second


class Packed:
    """A file's bytes, compressed, and its size unpacked."""

    __slots__ = ("data", "size")

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size = data, size

    @classmethod
    def of(cls, raw: bytes) -> Packed:
        return cls(zlib.compress(raw, _LEVEL), len(raw))

    @classmethod
    def of_text(cls, pieces: Iterable[str]) -> Packed:
        """A text given in pieces, encoded as UTF-8 and packed as it comes."""
        packer = zlib.compressobj(_LEVEL)
        out, size = [], 0
        for piece in pieces:
            raw = piece.encode("utf-8")
            size += len(raw)
            out.append(packer.compress(raw))
        out.append(packer.flush())
        return cls(b"".join(out), size)

    def unpack(self) -> bytes:
        # Told its size, zlib makes the bytes in one buffer: grown piece by piece and then joined,
        # a data file of tens of megabytes was held twice while it was unpacked.
        return zlib.decompress(self.data, bufsize=max(self.size, 1))

    def to_bytes(self) -> bytes:
        """Size and compressed bytes, as the on-disk cache keeps them."""
        return self.size.to_bytes(8, "little") + self.data

    @classmethod
    def from_bytes(cls, blob: bytes) -> Packed:
        return cls(blob[8:], int.from_bytes(blob[:8], "little"))

    def __eq__(self, other: object) -> bool:
        # The same compressor makes the same bytes of the same page; a difference only costs a rescan.
        return isinstance(other, Packed) and self.size == other.size and self.data == other.data

    def __hash__(self) -> int:
        return hash(self.data)

    def __reduce__(self) -> tuple[type[Packed], tuple[bytes, int]]:
        return (Packed, (self.data, self.size))


class SiteFiles(MutableMapping[str, bytes]):
    """Output path -> bytes, in the order the files were added; packed files are unpacked on read."""

    def __init__(self, items: Mapping[str, bytes | Packed] | None = None) -> None:
        self._items: dict[str, bytes | Packed] = dict(items or {})

    def __getitem__(self, name: str) -> bytes:
        value = self._items[name]
        return value.unpack() if isinstance(value, Packed) else value

    def __setitem__(self, name: str, value: bytes | Packed) -> None:
        self._items[name] = value

    def __delitem__(self, name: str) -> None:
        del self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __repr__(self) -> str:
        return f"SiteFiles({len(self._items)} files)"

    def stored(self, name: str) -> bytes | Packed:
        """The file as held: bytes, or packed."""
        return self._items[name]

    def stored_items(self) -> Iterator[tuple[str, bytes | Packed]]:
        return iter(self._items.items())


def text_of(held: str | Packed) -> str:
    """A text as it is held: as it is, or packed (UTF-8) and unpacked here."""
    return held if isinstance(held, str) else held.unpack().decode("utf-8")


def stored(files: Mapping[str, bytes], name: str) -> bytes | Packed:
    """A file of any mapping as it is held, without unpacking it."""
    return files.stored(name) if isinstance(files, SiteFiles) else files[name]


def size_of(files: Mapping[str, bytes], name: str) -> int:
    """A file's size in bytes, without unpacking it."""
    value = stored(files, name)
    return value.size if isinstance(value, Packed) else len(value)
