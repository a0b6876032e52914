"""One memo for every step, keyed by a hash of exactly what the step read.

Parsing and Markdown are pure functions of their text; rendering a page is a pure function of its
view and the templates. So a result found under its key is the result a fresh build would make,
and a build with the memo writes the same bytes as one without.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from builder.incremental import codec
from builder.publish.hooks import Hooks, Pages, PreviewHooks

if TYPE_CHECKING:
    import jinja2

    from builder.diagnostics import Diagnostic
    from builder.diskcache import Stored
    from builder.load.load import Stamp
    from builder.model.site import ModelMemo
    from builder.model.text import RenderedNote, RenderedText
    from builder.parse.records import Report, Settings
    from builder.sitefiles import Packed

# A content file parsed: its record (a report, the settings, or a list file's records; None when
# it could not be read) and the problems found in it, replayed whenever its text is unchanged.
ParsedFile = tuple["Report | Settings | tuple[Any, ...] | None", "list[Diagnostic]"]


class PageScan(Protocol):
    """A page's ids and links as the link check reads them (made by `builder.render.scan`)."""

    @property
    def ids(self) -> str: ...

    @property
    def links(self) -> tuple[str, ...]: ...

    def has_id(self, name: str) -> bool: ...


def serialise(value: Any) -> bytes:
    """A value as canonical bytes: they depend only on the values, never on the hash seed or on
    which objects happen to be shared (see `builder.incremental.codec`)."""
    return codec.to_bytes(value)


hash_of = codec.digest
key_of = codec.key_of
key_of_each = codec.key_of_each


class SharedRecords:
    """Records that many pages show (a passage, a report's header, the settings), encoded once
    per build and named in each page's bytes by the hash of their own.

    At 1,000 reports a passage is shown on its report's page, its themes' pages and its
    recommendation's history: encoding pages whole repeated every one of them, and the
    recommendation pages alone came to 57 MB. A page's bytes stay a pure function of its values.
    A record with a `shared_name` (a content hash it carries, such as a body's key) is named by it.
    """

    def __init__(
        self, types: Iterable[type], last: dict[int, tuple[Any, str]] | None = None
    ) -> None:
        self.types = frozenset(types)
        # id -> (the record, kept alive so its id is not reused; its digest)
        self.known: dict[int, tuple[Any, str]] = {}
        self._last = last or {}  # the last build's `known`: records it shares with this one
        self._records: dict[str, Any] = {}  # digest -> a record with those bytes
        # digest -> the record's bytes, once made: every chunk of pages sent to the workers
        # carries the records it names, and on a themed national site a passage is named by its
        # report's page and each of its themes' pages (58,000 passages, 250,000 times). Held
        # while the pages render, never from one build to the next.
        self._bytes: dict[str, bytes] = {}

    def digest(self, record: Any) -> str:
        known = self.known.get(id(record))
        if known is None:
            known = self._last.get(id(record))
            if known is None or known[0] is not record:
                # A record that carries a content hash of what it was made from (a report's
                # body, by its text and targets) is named by it, never serialised to be hashed.
                name = getattr(record, "shared_name", None)
                if isinstance(name, str):
                    known = (record, name)
                else:
                    blob = serialise(record)
                    known = (record, hash_of(blob))
                    self._bytes[known[1]] = blob
            self.known[id(record)] = known
            self._records.setdefault(known[1], record)
        return known[1]

    def serialise(self, value: Any) -> tuple[bytes, set[str]]:
        """A value's bytes with its shared records named by digest, and the digests it names."""
        encoder = codec.Encoder(self.types, self.digest)
        blob = codec.dumps(encoder.encode(value))
        return blob, encoder.named

    def blobs(self, digests: Iterable[str]) -> dict[str, bytes]:
        """The bytes of these shared records, for a process that has only their names."""
        # A record named by its own content hash (a report's body) is named by one page only:
        # its bytes are made when sent, not held.
        return {d: self._bytes.get(d) or serialise(self._records[d]) for d in digests}


def load_shared(blob: bytes, records: dict[str, bytes], loaded: dict[str, Any]) -> Any:
    """A value encoded by `SharedRecords.serialise`, its shared records taken from `records`
    (bytes by digest), each decoded once into `loaded` however many values name it. They come
    from this build's own process, so a record may be of any module's dataclasses."""

    def record(digest: str) -> Any:
        found = loaded.get(digest)
        if found is None:
            found = loaded[digest] = codec.from_bytes(records[digest], package="")
        return found

    return codec.Decoder(record, package="").decode(codec.loads(blob))


@dataclass
class Memo:
    """What one build hands the next in the same process.

    `parsed`: content files by (path, text); `bodies`: rendered report bodies by a hash of their
    text and anchoring targets; `pages`: each output file's key and packed bytes; `links`: each page's
    scanned links. `save` and `restore` carry it to a new process through the on-disk cache.
    """

    parsed: dict[tuple[str, str], ParsedFile] = field(default_factory=dict)
    # Content files parsed, by (path, a hash of their text), once the texts are let go; or, once
    # written to disk early, STORED.
    parsed_keyed: dict[tuple[str, str], ParsedFile | Stored] = field(default_factory=dict)
    # Each content file's stamp and text as last read: an unchanged file is not read again.
    read: dict[str, tuple[Stamp, str]] = field(default_factory=dict)
    # A body's HTML, blocks, anchors and outline; or, once written to disk early, STORED.
    bodies: dict[str, RenderedText | Stored] = field(default_factory=dict)
    # HTML and refused links by (base path, text)
    notes: dict[tuple[str, str], RenderedNote] = field(default_factory=dict)
    pages: dict[str, tuple[str, Packed]] = field(default_factory=dict)
    # Each page's view (or inputs), where it comes from and its key, for the next build in this
    # process: a page planned from the very same view has the same key, not encoded again.
    page_keys: dict[str, tuple[Any, tuple[str, ...], str]] = field(default_factory=dict)
    data: tuple[str, dict[str, Packed]] | None = None
    links: dict[str, tuple[bytes | Packed, PageScan]] = field(default_factory=dict)  # as scanned
    link_problems: dict[str, Any] = field(
        default_factory=dict
    )  # the last link check's, page by page
    env: jinja2.Environment | None = None
    templates_key: str = ""
    rendered: list[str] = field(default_factory=list)  # the pages the last build had to render
    first: list[str] = field(default_factory=list)  # those of them rendered before the rest
    # What the model made, with what it was made from (`ModelMemo`), and the digests of the
    # records pages share (by id, with the record): an unchanged report keeps both.
    kept_model: ModelMemo | None = None  # made when first asked for, as `model`
    shared: dict[int, tuple[Any, str]] = field(default_factory=dict)
    kept_views: Any = None  # the views the page planner kept (`builder.views.kept.Kept`)
    # The keys of the content records the data files are made from, by the records' identity.
    data_keys: dict[int, tuple[Any, str]] = field(default_factory=dict)
    # Each report's citation files, by its record's identity; the feeds, sitemap and robots.txt
    # with a key of what their templates were given.
    cites: dict[int, tuple[Any, str, Any]] = field(default_factory=dict)
    xml_files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    data_rows: dict[Any, Any] = field(
        default_factory=dict
    )  # each passage's lines in the data files
    # Whether a later build in this process reads this memo (the preview's does; the CLI's only
    # goes to disk): what only such a build could use is kept only then.
    handed_on: bool = True
    base_path: str = "/"  # the last good build's, for the preview server
    search: tuple[object, dict[str, bytes]] | None = None  # the search records and their index
    search_keys: dict[str, Any] = field(default_factory=dict)  # each report's source and its key
    # Each report's search source, with the view and records it was made from.
    search_sources: dict[str, Any] = field(default_factory=dict)
    # The preview's side (`PreviewHooks`, which the preview owns and sets); a build calls only
    # what is set. The search index made in the background: its worker, and the index wanted.
    preview: PreviewHooks = field(default_factory=Hooks)
    search_worker: ThreadPoolExecutor | None = None
    search_wanted: object = None

    # The preview's hooks, where callers set them before the preview owned them.
    @property
    def show_first(self) -> Pages | None:
        return self.preview.show_first

    @show_first.setter
    def show_first(self, hook: Pages | None) -> None:
        self.preview.show_first = hook

    @property
    def search_later(self) -> Pages | None:
        return self.preview.search_later

    @search_later.setter
    def search_later(self, hook: Pages | None) -> None:
        self.preview.search_later = hook

    @property
    def model(self) -> ModelMemo:
        """The model stage's own table (its type is the model's, loaded only once it is used)."""
        if self.kept_model is None:
            self.kept_model = _model_memo()()
        return self.kept_model

    @model.setter
    def model(self, value: ModelMemo) -> None:
        self.kept_model = value

    def save(self) -> dict[str, Any]:
        """What the on-disk cache keeps: every entry by a content hash of what it was made from."""
        from builder.diskcache import text_key

        return {
            "parsed": {
                **self.parsed_keyed,
                **{(path, text_key(text)): v for (path, text), v in self.parsed.items()},
            },
            "bodies": self.bodies,
            "notes": self.notes,
            "pages": self.pages,
            # The data files are kept as entries, each by a hash of its packed bytes.
            "data_key": self.data[0] if self.data is not None else None,
            "data_files": self.data[1] if self.data is not None else {},
            # A page's scanned links, kept only where they were scanned from the page kept here.
            "links": {
                name: scanned
                for name, (blob, scanned) in self.links.items()
                if name in self.pages and self.pages[name][1] is blob
            },
            "templates_key": self.templates_key,
            # The search index: the key of each of its shards, and its files (kept as entries).
            "search": self.search[0] if self.search is not None else None,
            "search_files": self.search[1] if self.search is not None else {},
            # The last link check's problems, page by page, with what they were checked against.
            "link_problems": (
                self.link_problems.get(""),
                {name: found for name, (_, found) in self.link_problems.get("pages", {}).items()},
            ),
        }

    def forget_texts(self) -> None:
        """Key the files parsed by a hash of their text, not the text: a build that hands nothing
        on lets the texts go once they are parsed, and saves only the hash."""
        from builder.diskcache import text_key

        self.parsed_keyed.update(
            {(path, text_key(text)): v for (path, text), v in self.parsed.items()}
        )
        self.parsed = {}

    def restore(self, state: dict[str, Any], files: Mapping[str, str]) -> None:
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
        data_key, data_files = state.get("data_key"), state.get("data_files")
        self.data = (data_key, data_files) if data_key is not None and data_files else None
        for name, scanned in state.get("links", {}).items():
            if name in self.pages:
                self.links[name] = (self.pages[name][1], scanned)
        world, problems = state.get("link_problems", (None, {}))
        if world is not None:  # with the very scan restored for each page, as `check_links` wants
            pages = {
                n: (self.links[n][1], found) for n, found in problems.items() if n in self.links
            }
            self.link_problems = {"": world, "pages": pages}
        self.templates_key = state.get("templates_key", "")
        key, shard_files = state.get("search"), state.get("search_files")
        if self.search is None and key is not None and shard_files:
            self.search = (key, shard_files)


def _model_memo() -> type[ModelMemo]:
    """The model's own table (the model stage owns its type; loaded only when a memo is made)."""
    from builder.model.site import ModelMemo

    return ModelMemo


def __getattr__(name: str) -> object:
    if name == "ModelMemo":  # where callers found it before the model stage owned it
        return _model_memo()
    raise AttributeError(name)
