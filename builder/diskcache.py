"""The on-disk cache: what a build made, kept for the next build in a new process.

It lives in `.cache/inspection-history/` under the project folder, is safe to delete at any time,
and is versioned by the builder's version and a hash of the builder's own source, so a changed
builder never reads what an older one wrote. Every entry is keyed by a content hash of what it was
made from, so a warm build writes the same bytes as a cold one.

It holds data only: JSON written by `builder.incremental.codec` (which can make nothing but plain
values and the builder's own records) and packed page bytes, each file and row sealed with this
machine's key (`builder.incremental.store`). An entry that is missing, damaged, foreign or
tampered with is a miss: it is made again and written anew, never an error and never output.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sqlite3
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from builder import __version__
from builder.incremental import codec, store
from builder.incremental.pool import received
from builder.sitefiles import Packed, SiteFiles

if TYPE_CHECKING:
    from builder.model.text import RenderedText

K = TypeVar("K")
V = TypeVar("V")
FOLDER = Path(".cache") / "inspection-history"
_LEVEL = 1  # zlib's fastest level: the cache is read far more than its size matters


@lru_cache(maxsize=1)
def builder_fingerprint() -> str:
    """The builder's version and a hash of its source files."""
    digest = hashlib.blake2b(digest_size=8)
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")) + sorted(package.glob("*.js")):
        name = path.relative_to(package).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return f"{__version__}-{digest.hexdigest()}"


def cache_file(root: Path) -> Path:
    """Where the cache of the project at `root` is kept."""
    return root / FOLDER / builder_fingerprint() / "memo.data"


def build_file(root: Path) -> Path:
    """Where the last good build's output is kept, with the hash of every input it was made from."""
    return cache_file(root).with_name("build.data")


def may_hold(path: Path, inputs: str) -> bool:
    """Whether the last build's file at `path` may be of these inputs: its first bytes, unsealed,
    name them. A file that does not is a miss without being read (it holds the whole site's
    files); one that does is then read and its seal checked as any other."""
    head = f'["d","inputs","{inputs}",'.encode()
    try:
        with path.open("rb") as f:
            return f.read(store.SEAL_BYTES + len(head))[store.SEAL_BYTES :] == head
    except OSError:
        return False


def _entries_file(path: Path) -> Path:
    return path.with_name("entries.sqlite")


def _key(path: Path) -> bytes:
    """This machine's key for the cache file `path`; OSError when there is none to trust."""
    folder = path.parent.parent
    project = folder.parent.parent if folder.name == FOLDER.name else None
    key = store.machine_key(project)
    if key is None:
        raise OSError("no key to seal the cache with")
    return key


def _encode(value: Any) -> bytes:
    return zlib.compress(codec.to_bytes(value), _LEVEL)


def render_bodies_stored(
    batch: list[tuple[str | bytes, tuple[Any, ...]]],
) -> list[tuple[RenderedText, str, bytes]]:
    """`render_bodies`, each body with the name of its entry and the bytes the cache keeps of it:
    a task for the workers, so a build that keeps its work on disk encodes it on every core, not
    after, on one. The entry is named by the model's key: a hash of the text and targets."""
    from builder.model.text import render_bodies

    bodies = [(received(body), targets) for body, targets in batch]
    made = render_bodies(bodies)
    # The cache keeps each body's HTML as text; the build that made it holds it packed (a
    # national site's bodies are 70 MB of HTML, held at the model's peak, packed 12 MB).
    return [
        (_packed(m), _entry("bodies", codec.key_of(*item), m)[0], _encode(m))
        for m, item in zip(made, bodies, strict=True)
    ]


def _packed(rendered: RenderedText) -> RenderedText:
    return replace(rendered, html=Packed.of(rendered.html_text.encode("utf-8")))


def parse_reports_stored(batch: list[tuple[str, str | bytes]]) -> list[tuple[Any, str, bytes]]:
    """`parse_reports`, each file's result with the name of its entry and the bytes the cache
    keeps of it: a task for the workers, as `render_bodies_stored` is."""
    from builder.parse.parse import parse_reports

    texts = [(path, received(text)) for path, text in batch]
    made = parse_reports(texts)
    return [
        (m, _entry("parsed", (path, text_key(text)), m)[0], _encode(m))
        for m, (path, text) in zip(made, texts, strict=True)
    ]


def store_entries(path: Path, made: Iterable[tuple[str, bytes]]) -> None:
    """Write entries made and encoded already (by the workers), by name: `store_now` and the
    memo's save then find them written. A failure to cache never fails a build."""
    try:
        rows = _rows(path)
        try:
            rows.write(made)
        finally:
            rows.close()
    except (OSError, sqlite3.Error):
        return  # written at the end as usual, or not at all: only a slower next build


def _decode(blob: bytes) -> Any:
    try:
        return codec.from_bytes(zlib.decompress(blob))
    except zlib.error as exc:
        raise codec.DecodeError("not packed") from exc


def load(path: Path) -> dict[str, Any] | None:
    """The saved state, or None when there is none or it cannot be trusted (then it is rebuilt)."""
    try:
        blob = store.read_file(_key(path), path)
        state = codec.from_bytes(blob) if blob is not None else None
    except (OSError, codec.DecodeError):
        return None
    if not isinstance(state, dict) or not all(isinstance(name, str) for name in state):
        return None
    return state


def save(path: Path, state: dict[str, Any]) -> None:
    """Write the state atomically; a failure to cache never fails a build."""
    with contextlib.suppress(OSError, TypeError, ValueError, RecursionError):
        key = _key(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.parent.iterdir():  # older builders' caches are of no more use
            if old.is_dir() and old.name != path.parent.name:
                shutil.rmtree(old)
        # Not packed: most of its bytes are the search index's, packed already.
        store.write_file(key, path, codec.to_bytes(state))


# The large parts of the memo are kept as rows of one SQLite file, each named by the key it was
# made under (a content hash of what it was made from, so an entry never changes): a save adds only
# the entries not there before and drops those no longer used, so after a one-report edit it writes
# a few entries, not the whole memo again. The memo's own file holds the rest, and which entries
# it uses. (One file per entry cost more to create than to fill.)
# A search index file is named by a hash of its bytes: after an edit only the files of the shard
# made again are new.
ENTRY_PARTS = ("parsed", "bodies", "pages", "search_files", "data_files")
# Used only whole: an entry missing, and the part is left out.
WHOLE_PARTS = ("search_files", "data_files")
_TAG = "in the entries"


def _rows(path: Path) -> store.Rows:
    """The entries beside the memo's file `path`, opened (and made, or made afresh) for use."""
    return store.Rows(_key(path), _entries_file(path))


def _entry(part: str, key: Any, value: Any) -> tuple[str, Callable[[], bytes]]:
    """An entry's name, and how to make its bytes (only called when it is not there yet)."""
    if part == "pages":  # output file -> (page key, packed bytes): kept packed
        return f"h-{value[0]}", value[1].to_bytes
    if part == "search_files":  # output file -> its bytes, kept as they are
        return f"f-{codec.digest(value)}", lambda: value
    if part == "data_files":  # data file -> packed bytes, named by them: tens of megabytes
        return f"h-{codec.digest(value.data)}", value.to_bytes
    name = key if part == "bodies" and isinstance(key, str) else codec.key_of(key)
    return f"{part[0]}-{name}", lambda: _encode(value)


def _read_entry(name: str, data: bytes) -> Any:
    """An entry's value; DecodeError when it is not one this builder wrote."""
    if name.startswith("h-"):
        if len(data) < 8:
            raise codec.DecodeError("a page without its size")
        return Packed.from_bytes(data)
    if name.startswith("f-"):
        return data
    return _decode(data)


class Stored:
    """In place of an entry's value: it is in the entries already, and no longer in memory."""

    def __repr__(self) -> str:
        return "STORED"


STORED = Stored()


def store_now(path: Path, part: str, values: dict[K, V | Stored]) -> dict[K, V | Stored]:
    """Write these entries of one part of a memo now, and return them with each value let go
    (`STORED`), for a process that builds once and need not hold what only a later build reads.
    When they cannot be written the values are kept, to be written at the end as usual.
    """
    try:
        rows = _rows(path)
        try:
            there = rows.names(f"{part[0]}-")
            made = (
                _entry(part, key, value) for key, value in values.items() if value is not STORED
            )
            rows.write((name, make()) for name, make in made if name not in there)
        finally:
            rows.close()
    except (OSError, sqlite3.Error, TypeError, ValueError, RecursionError):
        return values  # a cache that cannot be written is only a slower next build
    return dict.fromkeys(values, STORED)


def save_memo(path: Path, state: dict[str, Any]) -> None:
    """Save a memo's state: its large parts as entries, the rest and the index in `path`. A
    failure to cache never fails a build."""
    index = dict(state)
    try:
        rows = _rows(path)
        try:
            there = rows.names()
            used: dict[str, Callable[[], bytes]] = {}
            for part in ENTRY_PARTS:
                refs = {}
                for key, value in state.get(part, {}).items():
                    name, make = _entry(part, key, value)
                    if value is STORED and name not in there:
                        continue  # written early, and gone since: made again next time
                    refs[key] = name
                    used.setdefault(name, make)
                index[part] = (_TAG, refs)
            rows.write(
                ((name, make()) for name, make in used.items() if name not in there),
                there - set(used),
            )
        finally:
            rows.close()
    except (OSError, sqlite3.Error, TypeError, ValueError, RecursionError):
        return  # a cache that cannot be written is only a slower next build
    save(path, index)


# What each part of a memo's saved state must be; a state with any other shape is not used.
_SHAPES: dict[str, type | tuple[type, ...]] = {
    "notes": dict,
    "data_key": (str, type(None)),
    "links": dict,
    "templates_key": str,
    "search": (tuple, type(None)),  # the key of each shard
    "link_problems": tuple,
}


def load_memo(path: Path) -> dict[str, Any] | None:
    """A memo's saved state with its entries read back; an entry that is gone, damaged or not
    this builder's is left out (it is made again). Entries are decoded as they are read, so their
    stored bytes never all exist at once."""
    state = load(path)
    if state is None:
        return None
    if any(part in state and not isinstance(state[part], shape) for part, shape in _SHAPES.items()):
        return None
    wanted: dict[str, list[tuple[str, Any]]] = {}  # entry name -> the (part, key)s that use it
    for part in ENTRY_PARTS:
        tagged = state.pop(part, None)
        state[part] = {}
        if isinstance(tagged, tuple) and len(tagged) == 2 and tagged[0] == _TAG:
            if not isinstance(tagged[1], dict):
                continue
            for key, name in tagged[1].items():
                if isinstance(name, str):
                    wanted.setdefault(name, []).append((part, key))
    try:
        rows = _rows(path)
        try:
            for name, data in rows.items():
                users = wanted.get(name)
                if not users:
                    continue
                try:
                    value = _read_entry(name, data)
                except codec.DecodeError:
                    continue  # made again
                for part, key in users:
                    state[part][key] = (name[2:], value) if part == "pages" else value
        finally:
            rows.close()
    except (OSError, sqlite3.Error):
        for part in ENTRY_PARTS:
            state[part] = {}
    for part in WHOLE_PARTS:
        if len(state[part]) != sum(1 for users in wanted.values() for p, _ in users if p == part):
            state[part] = {}
    return state


@dataclass(frozen=True, slots=True)
class PageRef:
    """A page of the output, kept in the memo's entries under its key."""

    key: str


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file of the output kept in the memo's entries under a hash of its bytes."""

    digest: str


def page_refs(
    files: SiteFiles,
    pages: dict[str, tuple[str, Packed]],
    kept: dict[str, bytes] | None = None,
) -> dict[str, PageRef | FileRef | bytes | Packed]:
    """The output files with each page the memo keeps (in its entries) given by its key, and
    each file of `kept` (the search index's, in the entries too) by the hash of its bytes."""
    kept = kept or {}
    out: dict[str, PageRef | FileRef | bytes | Packed] = {}
    for name, blob in files.stored_items():
        if name in pages and pages[name][1] is blob:
            out[name] = PageRef(pages[name][0])
        elif isinstance(blob, bytes) and kept.get(name) is blob:
            out[name] = FileRef(codec.digest(blob))
        else:
            out[name] = blob
    return out


def resolve_pages(files: object, root: Path) -> SiteFiles | None:
    """The output files with each page read back from the entries; None if one is missing, or
    anything is not what this builder wrote."""
    if not isinstance(files, dict):
        return None
    try:
        rows = _rows(cache_file(root))
        try:
            pages = dict(rows.items("h-"))
            pages.update(rows.items("f-"))
        finally:
            rows.close()
    except (OSError, sqlite3.Error):
        return None
    out = SiteFiles()
    for name, value in files.items():
        if isinstance(value, PageRef):
            blob = pages.get(f"h-{value.key}")
            if blob is None or len(blob) < 8:
                return None
            value = Packed.from_bytes(blob)
        elif isinstance(value, FileRef):
            found = pages.get(f"f-{value.digest}")
            if found is None:
                return None
            value = found
        if not isinstance(name, str) or not isinstance(value, bytes | Packed):
            return None
        out[name] = value
    return out


def hash_key(text: str) -> str:
    """A short content hash of a key's text, for a file name."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def text_key(text: str) -> str:
    """A short content hash of a file's text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def inputs_key(*parts: object) -> str:
    """A content hash of a whole build's inputs: every file's path and text, and the options."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        if isinstance(part, dict):
            for name in sorted(part):
                value = part[name]
                digest.update(f"\0{name}\0{len(value)}\0".encode())
                digest.update(value if isinstance(value, bytes) else value.encode("utf-8"))
        else:
            digest.update(f"\0{part!r}\0".encode())
    return digest.hexdigest()
