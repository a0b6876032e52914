"""Bytes kept on disk that prove, when read back, that this builder wrote them on this machine.

Every file and row of the on-disk cache is sealed with a keyed hash (BLAKE2b, 32 bytes) over its
name and its bytes. The key is 32 random bytes kept outside every project, in
`$XDG_CACHE_HOME/inspection-history/key` (`~/.cache/...` when that is not set), made on first use
with mode 0600. A `.cache/` folder committed to git, restored from CI, copied from another machine
or changed by hand therefore holds nothing this builder trusts: each entry's seal fails, and the
entry is a miss, made again and written anew. What is sealed is data only (see `codec`), so even
a sealed entry could not run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import sqlite3
import stat
import tempfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

KEY_BYTES = 32
SEAL_BYTES = 32


def key_path() -> Path:
    """Where the key that seals every project's cache on this machine is kept."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    folder = Path(base) if Path(base).is_absolute() else Path.home() / ".cache"
    return folder / "inspection-history" / "key"


@lru_cache(maxsize=4)
def _key_at(path: Path) -> bytes | None:
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # made 0600
        try:
            os.write(fd, secrets.token_bytes(KEY_BYTES))
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # never replaces a key another build made meanwhile
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        return _read_key(path)
    except OSError:
        return None


def _read_key(path: Path) -> bytes | None:
    """The key, if it is a regular file of the right size that only its owner, this user, can
    read or write; otherwise None (and no cache is trusted)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077:
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return None
        key = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    return key if len(key) == KEY_BYTES else None


def machine_key(project: Path | None = None) -> bytes | None:
    """This machine's key, made on first use; None when it cannot be kept, or when it would be
    inside the project itself (then nothing on disk is trusted, and no cache is used)."""
    path = key_path()
    if project is not None:
        with contextlib.suppress(OSError):
            if path.resolve().is_relative_to(project.resolve()):
                return None
    return _key_at(path)


def seal(key: bytes, name: str, data: bytes) -> bytes:
    """The seal of `data` stored under `name`."""
    hasher = hashlib.blake2b(key=key, digest_size=SEAL_BYTES)
    hasher.update(len(name).to_bytes(8, "little"))
    hasher.update(name.encode("utf-8"))
    hasher.update(data)
    return hasher.digest()


def sealed(key: bytes, name: str, data: bytes, mac: object) -> bool:
    """Whether `mac` is the seal of `data` under `name` (compared in constant time)."""
    return isinstance(mac, bytes) and hmac.compare_digest(seal(key, name, data), mac)


# ---- Sealed files -------------------------------------------------------------------------------


def write_file(key: bytes, path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, sealed under the file's name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(seal(key, path.name, data))
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_file(key: bytes, path: Path) -> bytes | None:
    """The bytes `write_file` wrote to `path` with this key; None for anything else."""
    try:
        with path.open("rb") as f:
            blob = f.read()
    except OSError:
        return None
    mac, data = blob[:SEAL_BYTES], blob[SEAL_BYTES:]
    return data if len(mac) == SEAL_BYTES and sealed(key, path.name, data, mac) else None


# ---- Sealed rows --------------------------------------------------------------------------------

_SCHEMA = "CREATE TABLE entry (name TEXT PRIMARY KEY, data BLOB NOT NULL, mac BLOB NOT NULL)"


class Rows:
    """Named, sealed rows in one SQLite file. A file that is not such a database (random bytes,
    another schema, triggers or views planted in it) is replaced by an empty one; a row whose seal
    fails reads as absent, and a later write replaces it."""

    def __init__(self, key: bytes, path: Path) -> None:
        self.key, self.path = key, path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = self._open()
        except sqlite3.OperationalError:
            raise  # busy, locked or unwritable: left alone, and this build keeps nothing
        except sqlite3.DatabaseError:  # not a database, or not the cache's
            with contextlib.suppress(OSError):
                path.unlink()
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            db.execute("PRAGMA trusted_schema = OFF")  # nothing in a file's schema runs as SQL
            # Made if absent; another build making it at the same moment is no error.
            db.execute(_SCHEMA.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
            schema = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
            if schema != [
                ("table", "entry", _SCHEMA),
                ("index", "sqlite_autoindex_entry_1", None),
            ]:
                raise sqlite3.DatabaseError("not the cache's schema")
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self.db.close()

    def names(self, prefix: str = "") -> set[str]:
        rows = self.db.execute(
            "SELECT name FROM entry WHERE substr(name, 1, ?) = ?", (len(prefix), prefix)
        )
        return {name for (name,) in rows}

    def items(self, prefix: str = "") -> Iterator[tuple[str, bytes]]:
        """Each row whose name starts with `prefix` and whose seal holds, one at a time. The rows
        whose seal fails are deleted once all are read: they are made again and written anew."""
        rows = self.db.execute(
            "SELECT name, data, mac FROM entry WHERE substr(name, 1, ?) = ?", (len(prefix), prefix)
        )
        bad = []
        for name, data, mac in rows:
            if isinstance(data, bytes) and sealed(self.key, str(name), data, mac):
                yield name, data
            else:
                bad.append(name)
        if bad:
            self.write((), bad)

    def write(self, rows: Iterable[tuple[str, bytes]], delete: Iterable[str] = ()) -> None:
        """Add or replace these rows and delete those, in one transaction."""
        key = self.key
        self.db.execute("BEGIN")
        try:
            self.db.executemany(
                "INSERT OR REPLACE INTO entry VALUES (?, ?, ?)",
                ((name, data, seal(key, name, data)) for name, data in rows),
            )
            self.db.executemany("DELETE FROM entry WHERE name = ?", ((n,) for n in delete))
            self.db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise
