"""The on-disk cache: what a build made, kept for the next build in a new process.

It lives in `.cache/inspection-history/` under the project folder, is safe to delete at any time,
and is versioned by the builder's version and a hash of the builder's own source, so a changed
builder never reads what an older one wrote. Every entry is keyed by a content hash of what it was
made from, so a warm build writes the same bytes as a cold one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from builder import __version__
from builder.sitefiles import Packed, SiteFiles

FOLDER = Path(".cache") / "inspection-history"


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
    return root / FOLDER / builder_fingerprint() / "memo.pickle"


def load(path: Path) -> dict | None:
    """The saved state, or None when there is none or it cannot be read (then it is rebuilt)."""
    try:
        with path.open("rb") as f:
            count = pickle.load(f)
            return dict(pickle.load(f) for _ in range(count))
    except Exception:  # noqa: BLE001 - an unreadable cache is rebuilt, never an error
        return None


def save(path: Path, state: dict) -> None:
    """Write the state atomically; a failure to cache never fails a build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.parent.iterdir():  # older builders' caches are of no more use
            if old.is_dir() and old.name != path.parent.name:
                shutil.rmtree(old)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".memo-")
        with os.fdopen(fd, "wb") as f:
            # One pickle per part, so the pickler's table of objects written is never the whole
            # state's at once: memory stays low.
            pickle.dump(len(state), f, protocol=pickle.HIGHEST_PROTOCOL)
            for name, value in state.items():
                pickle.dump((name, value), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only a slower next build
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


# The large parts of the memo are kept as entries of one SQLite file, each named by the key it was
# made under (a content hash of what it was made from, so an entry never changes): a save adds only
# the entries not there before and drops those no longer used, so after a one-report edit it writes
# a few entries, not the whole memo again. The memo's own file holds the rest, and which entries
# it uses. (One file per entry cost more to create than to fill.)
ENTRY_PARTS = ("parsed", "bodies", "pages")
_TAG = "in the entries"


def _entries(path: Path) -> sqlite3.Connection:
    """The entries beside the memo's file `path`, opened (and made) for reading and writing."""
    db = sqlite3.connect(path.with_name("entries.sqlite"), timeout=60, isolation_level=None)
    db.execute("CREATE TABLE IF NOT EXISTS entry (name TEXT PRIMARY KEY, data BLOB NOT NULL)")
    return db


def _entry(part: str, key: Any, value: Any) -> tuple[str, Callable[[], bytes]]:
    """An entry's name, and how to make its bytes (only called when it is not there yet)."""
    if part == "pages":  # output file -> (page key, packed bytes): kept packed
        return f"h-{value[0]}", value[1].to_bytes
    name = key if part == "bodies" else hash_key(repr(key))
    return f"{part[0]}-{name}", lambda: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class _Stored:
    """In place of an entry's value: it is in the entries already, and no longer in memory."""

    def __repr__(self) -> str:
        return "STORED"


STORED = _Stored()


def store_now(path: Path, part: str, values: dict) -> dict:
    """Write these entries of one part of a memo now, and return them with each value let go
    (`STORED`), for a process that builds once and need not hold what only a later build reads.
    When they cannot be written the values are kept, to be written at the end as usual."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = _entries(path)
        try:
            prefix = f"{part[0]}-%"
            there = {
                n for (n,) in db.execute("SELECT name FROM entry WHERE name LIKE ?", (prefix,))
            }
            made = (
                _entry(part, key, value) for key, value in values.items() if value is not STORED
            )
            rows = ((name, make()) for name, make in made if name not in there)  # one at a time
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO entry VALUES (?, ?)", rows)
            db.execute("COMMIT")
        finally:
            db.close()
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only a slower next build
        return values
    return dict.fromkeys(values, STORED)


def save_memo(path: Path, state: dict) -> None:
    """Save a memo's state: its large parts as entries, the rest and the index in `path`. A
    failure to cache never fails a build."""
    index = dict(state)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = _entries(path)
        try:
            there = {name for (name,) in db.execute("SELECT name FROM entry")}
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
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO entry VALUES (?, ?)",
                ((name, make()) for name, make in used.items() if name not in there),
            )
            db.executemany("DELETE FROM entry WHERE name = ?", ((n,) for n in there - set(used)))
            db.execute("COMMIT")
        finally:
            db.close()
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only a slower next build
        return
    save(path, index)


def load_memo(path: Path) -> dict | None:
    """A memo's saved state with its entries read back; an entry that is gone is left out (it is
    made again). Entries are decoded as they are read, so their stored bytes never all exist at once."""
    state = load(path)
    if state is None:
        return None
    wanted: dict[str, list[tuple[str, Any]]] = {}  # entry name -> the (part, key)s that use it
    for part in ENTRY_PARTS:
        tagged = state.pop(part, None)
        state[part] = {}
        if isinstance(tagged, tuple) and len(tagged) == 2 and tagged[0] == _TAG:
            for key, name in tagged[1].items():
                wanted.setdefault(name, []).append((part, key))
    try:
        db = _entries(path)
        try:
            for name, data in db.execute("SELECT name, data FROM entry"):
                users = wanted.get(name)
                if not users:
                    continue
                try:
                    value = Packed.from_bytes(data) if name.startswith("h-") else pickle.loads(data)
                except Exception:  # noqa: BLE001, S112 - a damaged entry is made again
                    continue
                for part, key in users:
                    state[part][key] = (name[2:], value) if part == "pages" else value
        finally:
            db.close()
    except Exception:  # noqa: BLE001 - an unreadable cache is rebuilt, never an error
        for part in ENTRY_PARTS:
            state[part] = {}
    return state


def page_refs(files: SiteFiles, pages: dict[str, tuple[str, Packed]]) -> dict:
    """The output files with each page the memo keeps (in its entries) given by its key."""
    return {
        name: _PageRef(pages[name][0]) if name in pages and pages[name][1] is blob else blob
        for name, blob in files.stored_items()
    }


def resolve_pages(files: dict, root: Path) -> SiteFiles | None:
    """The output files with each page read back from the entries; None if one is missing."""
    try:
        db = _entries(cache_file(root))
        try:
            pages = dict(db.execute("SELECT name, data FROM entry WHERE name LIKE 'h-%'"))
        finally:
            db.close()
    except Exception:  # noqa: BLE001 - an unreadable cache is rebuilt, never an error
        return None
    out = SiteFiles()
    for name, value in files.items():
        if isinstance(value, _PageRef):
            blob = pages.get(f"h-{value.key}")
            if blob is None:
                return None
            value = Packed.from_bytes(blob)
        out[name] = value
    return out


class _PageRef:
    """A page of the output, kept in the memo's entries under its key."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __reduce__(self) -> tuple:
        return (_PageRef, (self.key,))


def hash_key(text: str) -> str:
    """A short content hash of a key's text, for a file name."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def text_key(text: str) -> str:
    """A short content hash of a file's text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def build_file(root: Path) -> Path:
    """Where the last good build's output is kept, with the hash of every input it was made from."""
    return cache_file(root).with_name("build.pickle")


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
