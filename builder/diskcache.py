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
import tempfile
from functools import lru_cache
from pathlib import Path

from builder import __version__

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
                for stale in old.iterdir():
                    stale.unlink()
                old.rmdir()
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
