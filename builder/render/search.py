"""The search index: every report's blocks and editors' notes as Pagefind records.

Pagefind splits a page only at its headings, so a hit on a whole report page could not say which
paragraph it came from. Each numbered paragraph (and every other block that has an anchor) and each
editors' note is therefore given to Pagefind as a record of its own, with the URL of its paragraph.
The index files join the build's file dict, so the atomic publish and the reproducibility of the
output cover them too; `canonical` puts right the parts Pagefind writes in a random order.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import json
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from builder.diagnostics import Diagnostics
from builder.memo import Memo
from builder.model.site import Site
from builder.urls import Urls

# The parts of Pagefind's output the site's own search script uses; its ready-made UIs are left out.
BUNDLE_FILES = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
BUNDLE_SUFFIXES = (".pagefind", ".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")
SIGNATURE = b"pagefind_dcd"
VOID = {"br", "img", "hr", "wbr", "input"}
BLOCKS = {"p", "li", "blockquote", "dd", "td", "th"}  # headings stay out: they only name sections


class SearchUnavailable(Exception):
    """Pagefind could not be run: its binary is missing or it failed."""


@dataclass(frozen=True)
class Record:
    """One search result as Pagefind stores it."""

    url: str
    content: str
    meta: tuple[tuple[str, str], ...]
    filters: tuple[tuple[str, tuple[str, ...]], ...]


class _Blocks(HTMLParser):
    """Collect the text of each block with an id (a paragraph, a list item) in a report body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str, str]] = []  # (block id, paragraph number, text)
        self._stack: list[str] = []  # open tags of the current block
        self._id = ""
        self._number = ""
        self._text: list[str] = []
        self._skip_at = 0  # depth of a paragraph-number link or self-link, whose text is not words

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if not self._id:
            if tag in BLOCKS and a.get("id"):
                self._id, self._number, self._text, self._stack = a["id"] or "", "", [], [tag]
            return
        if tag in VOID:
            return
        self._stack.append(tag)
        if not self._skip_at and tag == "a" and a.get("class") in ("pnum", "selflink"):
            if a.get("class") == "pnum":
                self._number = (a.get("aria-label") or "").removeprefix("Paragraph ").strip()
            self._skip_at = len(self._stack)

    def handle_endtag(self, tag: str) -> None:
        if not self._id or tag not in self._stack:
            return
        while self._stack.pop() != tag:
            pass
        if len(self._stack) < self._skip_at:
            self._skip_at = 0
        if not self._stack:
            text = " ".join("".join(self._text).split())
            if text:
                self.blocks.append((self._id, self._number, text))
            self._id = ""

    def handle_data(self, data: str) -> None:
        if self._id and not self._skip_at:
            self._text.append(data)


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []

    def handle_data(self, data: str) -> None:
        self.words.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS or tag in ("div", "ul", "ol"):
            self.words.append(" ")  # so that the last word of one paragraph and the next stay apart


@lru_cache(maxsize=256)
def _blocks_of(body_html: str) -> tuple[tuple[str, str, str], ...]:
    """(block id, paragraph number, text) of each anchored block; kept, as the preview asks often."""
    parser = _Blocks()
    parser.feed(body_html)
    parser.close()
    return tuple(parser.blocks)


def _text(html: str) -> str:
    """The words of an HTML fragment, without its tags."""
    parser = _Words()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.words).split())


def records(site: Site, urls: Urls) -> tuple[Record, ...]:
    """The search records of every report: its anchored blocks, then its editors' notes."""
    out: list[Record] = []
    themes = site.themes
    recommendations = site.recommendations
    for view in site.reports:
        report = view.report
        year = str(report.date.year)
        common = {
            "report": (f"{year} · {report.title}",),
            "year": (year,),
            "kind": (site.settings.kind_label(report.kind),),
        }
        block_themes: dict[str, set[str]] = {}
        for passage in view.passages:
            block_themes.setdefault(passage.block_id, set()).update(passage.themes)
        for block_id, number, text in _blocks_of(view.body_html):
            titles = sorted(themes[t].title for t in block_themes.get(block_id, ()) if t in themes)
            out.append(
                Record(
                    url=urls("report", report.id, block_id),
                    content=text,
                    meta=(
                        ("title", report.title),
                        ("year", year),
                        ("number", number),
                        ("type", "paragraph"),
                    ),
                    filters=tuple(sorted({**common, "theme": tuple(titles)}.items())),
                )
            )
        for passage in view.passages:
            note = _text(passage.note_html) if passage.note_html else ""
            if not note:
                continue
            titles = sorted(themes[t].title for t in passage.themes if t in themes)
            tracked = recommendations.get(passage.tracks)
            out.append(
                Record(
                    url=urls("report", report.id, passage.block_id),
                    content=note,
                    meta=(
                        ("title", report.title),
                        ("year", year),
                        ("number", passage.number),
                        ("type", "note"),
                        ("quote", passage.quote),
                    ),
                    filters=tuple(
                        sorted(
                            {
                                **common,
                                "theme": tuple(titles),
                                "recommendation": (tracked.title,) if tracked else (),
                            }.items()
                        )
                    ),
                )
            )
    return tuple(out)


def search_files(items: tuple[Record, ...], language: str, urls: Urls) -> dict[str, bytes]:
    """Index the records with Pagefind; its files, made reproducible, keyed by output path."""
    return start_search_files(items, language, urls).result()


def start_search_files(
    items: tuple[Record, ...], language: str, urls: Urls
) -> Future[dict[str, bytes]]:
    """`search_files` in a thread of its own, so the caller can render pages meanwhile.

    The result raises SearchUnavailable when Pagefind cannot be run.
    """
    worker = ThreadPoolExecutor(1, thread_name_prefix="search-index")
    # A thread also keeps asyncio.run away from a caller's own event loop (the preview server).
    future = worker.submit(_search_files, items, language, urls)
    worker.shutdown(wait=False)
    return future


def _search_files(items: tuple[Record, ...], language: str, urls: Urls) -> dict[str, bytes]:
    language = language.split("-")[0].lower() or "en"
    try:
        written = asyncio.run(_index(items, language))
    except (TimeoutError, OSError, RuntimeError, ValueError) as exc:
        raise SearchUnavailable(str(exc) or type(exc).__name__) from exc
    bundle = {
        name: blob
        for name, blob in sorted(written.items())
        if name.split("/")[-1] in BUNDLE_FILES or name.endswith(BUNDLE_SUFFIXES)
    }
    return {urls.output_file("search_bundle", n): b for n, b in canonical(bundle).items()}


async def _index(items: tuple[Record, ...], language: str) -> dict[str, bytes]:
    """Run Pagefind's service over the records; the files it makes, by path in its bundle."""
    from pagefind.service import PagefindService

    class Service(PagefindService):
        """Pagefind's service client, reading each answer as soon as it arrives, whatever its size.

        The package's own reader waits a tenth of a second before every answer (a thousand records
        would take minutes) and cannot read an answer larger than two megabytes.
        """

        async def _wait_for_responses(self) -> None:
            assert self._backend.stdout is not None
            pending: list[bytes] = []  # the start of an answer not yet complete
            while chunk := await self._backend.stdout.read(1 << 20):
                # Only the new chunk is searched, and an answer's parts are joined once: a large
                # answer (the index files) is read in time linear in its size.
                *ends, rest = chunk.split(b",")  # base64 never contains a comma
                for end in ends:
                    message = b"".join(pending) + end
                    pending = []
                    if message.strip():
                        self._answer(json.loads(base64.b64decode(message)))
                pending.append(rest)

        async def send_all(self, payloads: Iterable[dict]) -> None:
            """Send many requests in order without waiting between them; then wait for every answer."""
            assert self._backend.stdin is not None
            waiting = []
            for payload in payloads:
                self._message_id += 1
                future = self._loop.create_future()
                self._responses[self._message_id] = future
                waiting.append(future)
                request = {"message_id": self._message_id, "payload": payload}
                self._backend.stdin.write(base64.b64encode(json.dumps(request).encode()) + b",")
                await self._backend.stdin.drain()
            for future in waiting:
                await future

        def _answer(self, response: dict) -> None:
            future = self._responses.pop(int(response.get("message_id") or 0), None)
            if future is None or future.done():
                return
            payload = response["payload"]
            if payload["type"] == "Error":
                future.set_exception(RuntimeError(payload.get("message", "Pagefind failed")))
            else:
                future.set_result(payload)

    try:
        service = Service()
        await service.launch()
    except FileNotFoundError as exc:
        raise OSError("the Pagefind binary is not installed (pip install 'pagefind[bin]')") from exc
    try:
        index = await service.create_index({"force_language": language})
        # Pagefind's service handles its requests one at a time, in the order they arrive, and
        # numbers pages as they come: every record is sent at once, in order, and the answers
        # awaited together, rather than a round trip for each.
        await service.send_all(
            {
                "type": "AddRecord",
                "index_id": index._index_id,
                "url": item.url,
                "content": item.content,
                "language": language,
                "meta": {k: v for k, v in item.meta if v},
                "filters": {k: list(v) for k, v in item.filters if v},
                "sort": None,
            }
            for item in items
        )
        # In memory rather than through write_files(): its answer can come before every file is
        # complete on disk, and a half-written file would make the output differ between builds.
        files = await asyncio.wait_for(index.get_files(), timeout=120)
        return {str(f["path"]).removeprefix("pagefind/"): bytes(f["content"]) for f in files}
    finally:
        await service.close()


# Pagefind writes a filter's values, and the list of filters, in hash-map order, which changes
# from run to run. The files are CBOR behind a signature, gzipped, and named by a hash of their
# content: put the values and the filter list in order, rename what changed, and gzip without a time.


def canonical(bundle: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle with its filter files and metadata in a fixed order, so equal input gives equal bytes."""
    out = {n: b for n, b in bundle.items() if not n.endswith((".pf_filter", ".pf_meta"))}
    renamed: dict[str, str] = {}
    for name, blob in bundle.items():
        if name.endswith(".pf_filter"):
            filter_name, values = _decode(_unpack(blob))
            data = [filter_name, sorted(values, key=lambda v: v[0])]
            new = _hashed(name.split("/")[-1].split("_")[0], data, 7)
            renamed[name.split("/")[-1].removesuffix(".pf_filter")] = new
            out[f"filter/{new}.pf_filter"] = _pack(data)
    entry = json.loads(bundle["pagefind-entry.json"])
    for language, info in sorted(entry["languages"].items()):
        meta = _decode(_unpack(bundle[f"pagefind.{info['hash']}.pf_meta"]))
        meta[3] = sorted([n, renamed.get(h, h)] for n, h in meta[3])  # the filters
        info["hash"] = _hashed(language, meta, 10)
        out[f"pagefind.{info['hash']}.pf_meta"] = _pack(meta)
    out["pagefind-entry.json"] = json.dumps(entry, separators=(",", ":"), sort_keys=True).encode()
    return dict(sorted(out.items()))


def _hashed(language: str, data: object, length: int) -> str:
    return f"{language}_{hashlib.sha1(_encode(data)).hexdigest()[1 : 1 + length]}"


def _unpack(blob: bytes) -> bytes:
    data = gzip.decompress(blob)
    if not data.startswith(SIGNATURE):
        raise SearchUnavailable("unexpected Pagefind file format")
    return data[len(SIGNATURE) :]


def _pack(data: object) -> bytes:
    return gzip.compress(SIGNATURE + _encode(data), compresslevel=9, mtime=0)


def _decode(data: bytes) -> Any:
    """Decode the CBOR that Pagefind writes: integers, strings, byte strings, arrays and maps."""
    value, end = _item(data, 0)
    if end != len(data):
        raise SearchUnavailable("unexpected Pagefind file format")
    return value


def _item(data: bytes, at: int) -> tuple[Any, int]:
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg, at = int.from_bytes(data[at : at + size], "big"), at + size
    else:
        raise SearchUnavailable("unexpected Pagefind file format")
    if major == 0:
        return arg, at
    if major in (2, 3):
        raw = data[at : at + arg]
        return (raw.decode("utf-8") if major == 3 else raw), at + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, at = _item(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = []
        for _ in range(arg):
            key, at = _item(data, at)
            value, at = _item(data, at)
            pairs.append((key, value))
        return dict(pairs), at
    raise SearchUnavailable("unexpected Pagefind file format")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError(arg)


def _encode(value: object) -> bytes:
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise ValueError(value)


# ---- The index of one build, alongside the rendering ----------------------------------------


@dataclass
class SearchJob:
    """The search index of one build: ready already, or being made while the pages render."""

    key: object
    ready: dict[str, bytes] | None = None
    future: Future[dict[str, bytes]] | None = None


def start_search_index(site: Site, memo: Memo) -> SearchJob:
    """Start making the search index; made again only when the records or the base path change."""
    urls = Urls(site.settings.base_path, site.settings.url)
    items = records(site, urls)
    key = (items, site.settings.base_path, site.settings.language)
    if memo.search is not None and memo.search[0] == key:
        return SearchJob(key, ready=memo.search[1])
    if memo.search_later is not None and memo.search is not None:
        memo.search_wanted = key
        memo.search_worker = memo.search_worker or ThreadPoolExecutor(1)
        memo.search_worker.submit(
            _search_in_background, items, site.settings.language, urls, key, memo
        )
        return SearchJob(key, ready=memo.search[1])
    return SearchJob(key, future=start_search_files(items, site.settings.language, urls))


def finish_search_index(
    job: SearchJob, site: Site, memo: Memo, diagnostics: Diagnostics
) -> dict[str, bytes]:
    """The search index files, once made; a diagnostic when Pagefind could not run."""
    if job.ready is not None or job.future is None:
        return job.ready or {}
    try:
        files = job.future.result()
    except SearchUnavailable as exc:
        diagnostics.error(site.settings.where.path, 0, f"search index not made: {exc}")
        return {}
    memo.search = (job.key, files)
    return files


def _search_in_background(items, language: str, urls: Urls, key: object, memo: Memo) -> None:
    if memo.search_wanted != key:
        return  # a later save has asked for a newer index already
    try:
        files = search_files(items, language, urls)
    except SearchUnavailable:
        return  # the next build in the foreground reports it
    if memo.search_wanted == key and memo.search_later is not None:
        memo.search = (key, files)
        memo.search_later(files)
