"""One memo for every step, keyed by a hash of exactly what the step read.

Parsing and Markdown are pure functions of their text; rendering a page is a pure function of its
view and the templates. So a result found under its key is the result a fresh build would make,
and a build with the memo writes the same bytes as one without.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

    from builder.model.text import RenderedNote
    from builder.sitefiles import Packed


def serialise(value: Any) -> bytes:
    """Values made of records, tuples, dicts and strings as bytes that depend only on the values.

    The pickler runs in fast mode (no memo of shared objects), so equal values always serialise
    alike, whichever objects they happen to share.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # identity must not change the bytes
    pickler.dump(value)
    return buffer.getvalue()


def hash_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def key_of(*parts: Any) -> str:
    """A content hash of values (computed once per use, never per nested record)."""
    return hash_of(serialise(parts))


def key_of_each(*groups: Iterable[Any]) -> str:
    """A content hash of many values, serialised one at a time (never all in one buffer)."""
    digest = hashlib.blake2b(digest_size=20)
    for group in groups:
        for part in group:
            blob = serialise(part)
            digest.update(len(blob).to_bytes(8, "little"))
            digest.update(blob)
        digest.update(b"\xff" * 8)  # the end of a group: no length is ever this
    return digest.hexdigest()


@dataclass
class Memo:
    """What one build hands the next in the same process.

    `parsed`: content files by (path, text); `bodies`: rendered report bodies by a hash of their
    text and anchoring targets; `pages`: each output file's key and packed bytes; `links`: each page's
    scanned links. `save` and `restore` carry it to a new process through the on-disk cache.
    """

    parsed: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)
    # HTML and refused links by (base path, text)
    notes: dict[tuple[str, str], RenderedNote] = field(default_factory=dict)
    pages: dict[str, tuple[str, Packed]] = field(default_factory=dict)
    data: tuple[str, dict[str, Packed]] | None = None
    links: dict = field(default_factory=dict)
    env: jinja2.Environment | None = None
    templates_key: str = ""
    rendered: list[str] = field(default_factory=list)  # the pages the last build had to render
    base_path: str = "/"  # the last good build's, for the preview server
    search: tuple[object, dict[str, bytes]] | None = None  # the search records and their index
    # Set by the preview: a changed index is then made in the background and handed to this, while
    # the build goes on with the previous one, so a save shows at once. Builds that write never defer.
    search_later: Callable[[dict[str, bytes]], None] | None = None
    search_worker: ThreadPoolExecutor | None = None
    search_wanted: object = None

    def save(self) -> dict:
        """What the on-disk cache keeps: every entry by a content hash of what it was made from."""
        from builder.diskcache import text_key

        return {
            "parsed": {(path, text_key(text)): v for (path, text), v in self.parsed.items()},
            "bodies": self.bodies,
            "notes": self.notes,
            "pages": self.pages,
            "data": self.data,
            # A page's scanned links, kept only where they were scanned from the page kept here.
            "links": {
                name: scanned
                for name, (blob, scanned) in self.links.items()
                if name in self.pages and self.pages[name][1] is blob
            },
            "templates_key": self.templates_key,
            "search": self.search,  # the search index, by the key of each of its shards
        }

    def restore(self, state: dict, files: dict[str, str]) -> None:
        """Take up a saved state, for the content files as they are now."""
        from builder.diskcache import text_key

        parsed = state.get("parsed", {})
        for path, text in files.items():
            found = parsed.get((path, text_key(text)))
            if found is not None:
                self.parsed[(path, text)] = found
        self.bodies.update(state.get("bodies", {}))
        self.notes.update(state.get("notes", {}))
        self.pages.update(state.get("pages", {}))
        self.data = state.get("data")
        for name, scanned in state.get("links", {}).items():
            if name in self.pages:
                self.links[name] = (self.pages[name][1], scanned)
        self.templates_key = state.get("templates_key", "")
        self.search = self.search or state.get("search")
