"""One memo for every step, keyed by a hash of exactly what the step read.

Parsing and Markdown are pure functions of their text; rendering a page is a pure function of its
view and the templates. So a result found under its key is the result a fresh build would make,
and a build with the memo writes the same bytes as one without.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import jinja2


def key_of(*parts: Any) -> str:
    """A content hash of values made of records, tuples, dicts and strings (computed once per use).

    The pickler runs in fast mode (no memo of shared objects), so equal values always serialise
    alike, whichever objects they happen to share.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # identity must not change the bytes
    pickler.dump(parts)
    return hashlib.blake2b(buffer.getvalue(), digest_size=20).hexdigest()


@dataclass
class Memo:
    """What one build hands the next in the same process.

    `parsed`: content files by (path, text); `bodies`: rendered report bodies by their text and
    anchoring targets; `pages`: each output file's key and bytes; `links`: each page's scanned links.
    """

    parsed: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    data: tuple[str, dict[str, bytes]] | None = None
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
