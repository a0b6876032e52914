"""The search index: one Pagefind record per report, in shards of bounded size.

Pagefind's cost in time and memory grows with the number of records it holds, and its memory with
the words. So each report is one record, an HTML document in which every anchored block (a numbered
paragraph, a list item) and every editors' note follows a heading whose id is the block's anchor:
Pagefind makes a sub-result of each heading, with the URL of its paragraph and an excerpt of its
own. What each heading stands for (paragraph or note, its number, themes, tracked recommendation,
quote) goes with the record as one piece of metadata, so the search page names every hit and keeps
only those that carry a chosen theme or recommendation.

A large site's reports are split into shards by a stable hash of their id, each a bundle of its own
made by its own Pagefind process and merged in the reader's browser (`mergeIndex`): each process's
memory stays bounded, and an edit makes only its own shard again. The shard count is the smallest
power of two that keeps the shards under SHARD_BYTES on average, so a report changes shard only when
the count doubles. The files join the build's file dict, so the atomic publish and the
reproducibility of the output cover them too; `canonical` puts right what Pagefind writes in a
random order.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import importlib.metadata
import json
import re
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from html.parser import HTMLParser
from typing import Any

from builder.diagnostics import Diagnostics
from builder.incremental.codec import key_of
from builder.memo import Memo
from builder.model.organisations import names_of
from builder.model.outline import BLOCKS, TextBlock
from builder.model.site import Site
from builder.model.views import ReportView
from builder.urls import Urls

# The parts of Pagefind's output the site's own search script uses; its ready-made UIs are left out.
BUNDLE_FILES = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
BUNDLE_SUFFIXES = (".pagefind", ".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")
# A shard other than the first holds its index only: the merging script and its WebAssembly are
# the first bundle's.
SHARD_SUFFIXES = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")
SHARDS_FILE = "shards.json"  # in the first bundle: the folders of the others, for the search page
# In each shard's folder: its reports' dates and paragraph anchors, and the words of its text with
# their counts, for the search page's paragraph lookup, date order and "did you mean".
LOOKUP_FILE = "lookup.json"
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
SIGNATURE = b"pagefind_dcd"
# Report text and notes (as HTML) per shard, on average. Pagefind's memory grows with the words it
# holds, and its time too: about 20 ms a synthetic report, so a one-report edit, which indexes its
# report's shard again, waits for a shard of at most about 45 reports (0.1 s at 100 reports, 4
# shards, where one shard of 100 took 0.8 s). At 1,000 synthetic reports there are 32 shards; a
# first search merges each (a few small files apiece).
SHARD_BYTES = 2_000_000
PARALLEL = 2  # Pagefind processes at once: the machine's cores are shared with the rendering
MARK = "¶"  # a heading's text: Pagefind needs some to make a sub-result, and this is not a word


class SearchUnavailable(Exception):
    """Pagefind could not be run: its binary is missing or it failed."""


@dataclass(frozen=True, slots=True)
class Block:
    """One place a hit can lead to: an anchored block of the text, or an editors' note on one."""

    id: str  # the anchor in the report page
    kind: str  # "paragraph" or "note"
    number: str  # the paragraph's number, or ""
    text: str
    themes: tuple[str, ...]  # theme titles
    recommendation: str = ""  # a note's tracked recommendation, by title
    quote: str = ""  # the words a note is anchored to


@dataclass(frozen=True, slots=True)
class Record:
    """One report as Pagefind stores it: its anchored blocks, then its editors' notes."""

    report: str  # the report's id
    url: str  # the report page's URL, base path included
    title: str
    year: str
    date: str  # the report's date, ISO, as precise as it is known
    filters: tuple[tuple[str, tuple[str, ...]], ...]
    blocks: tuple[Block, ...]

    def meta(self) -> dict[str, str]:
        """Pagefind metadata: the title, the year, and what each heading stands for, as JSON.

        `blocks` lists, in the order of the headings, `[kind, number, theme indexes, recommendation
        indexes, quote]`, the indexes into the record's own `themes` and `recommendations`.
        """
        themes = sorted({t for b in self.blocks for t in b.themes})
        tracked = sorted({b.recommendation for b in self.blocks if b.recommendation})
        blocks = [
            [
                b.kind,
                b.number,
                [themes.index(t) for t in b.themes],
                [tracked.index(b.recommendation)] if b.recommendation else [],
                b.quote,
            ]
            for b in self.blocks
        ]
        data = {"themes": themes, "recommendations": tracked, "blocks": blocks}
        return {
            "title": self.title,
            "year": self.year,
            "blocks": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        }

    def html(self, language: str) -> str:
        """The document Pagefind indexes: each block's text after a heading with its anchor."""
        head = [f'<meta charset="utf-8"><title>{escape(self.title)}</title>']
        for name, value in self.meta().items():
            head.append(f'<meta data-pagefind-meta="{name}[content]" content="{escape(value)}">')
        for name, values in self.filters:
            for value in values:
                head.append(
                    f'<meta data-pagefind-filter="{name}[content]" content="{escape(value)}">'
                )
        body = "".join(
            f'<h2 id="{escape(b.id)}">{MARK}</h2><p>{escape(b.text)}</p>' for b in self.blocks
        )
        return (
            f'<!doctype html><html lang="{escape(language)}"><head>{"".join(head)}</head>'
            f"<body>{body}</body></html>"
        )


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []

    def handle_data(self, data: str) -> None:
        self.words.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS or tag in ("div", "ul", "ol"):
            self.words.append(" ")  # so that the last word of one paragraph and the next stay apart


def _text(html: str) -> str:
    """The words of an HTML fragment, without its tags."""
    parser = _Words()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.words).split())


# What a report's record is made from, as plain values: its key is cheap to compute, and the record
# itself is made only when its shard must be indexed again. The body's blocks are those the model
# read from its HTML once (`BodyOutline`): search never parses a body itself.
# (id, title, date, kind, size of the body's HTML, its blocks,
#  ((block id, number, quote, note HTML, themes, tracked), ...),
#  whose: (its organisations in words, their names, their regions), empty on a site of one,
#  its short title, by which the report filter names it as strips and tables do)
Passages = tuple[tuple[str, str, str, str, tuple[str, ...], str], ...]
Whose = tuple[str, tuple[str, ...], tuple[str, ...]]
Source = tuple[str, str, str, str, int, tuple[TextBlock, ...], Passages, Whose, str]
NOBODY: Whose = ("", (), ())


def source_of(view: ReportView, site: Site) -> Source:
    """What the search record of a report is made from.

    On a site of several organisations a report's title names whose it is, and a tracked
    recommendation's title whose it is (several organisations' may share a title); the report's
    organisations and their regions are filters of its paragraphs and notes.
    """
    report, themes, tracked, groups = view.report, site.themes, site.recommendations, site.groups

    def recommendation(rid: str) -> str:
        if rid not in tracked:
            return ""
        if not groups.several:
            return tracked[rid].title
        return f"{tracked[rid].title} ({names_of(groups, (groups.of_recommendation(rid),))})"

    passages = tuple(
        (
            p.block_id,
            p.number,
            p.quote,
            p.note_html,
            tuple(sorted(themes[t].title for t in p.themes if t in themes)),
            recommendation(p.tracks),
        )
        for p in view.passages
    )
    kind = site.settings.kind_label(report.kind)
    whose = NOBODY
    if groups.several:
        ids = groups.of_report(report.id)
        found = [groups.organisations[i] for i in ids if i in groups.organisations]
        whose = (
            names_of(groups, ids),
            tuple(o.brief_name for o in found),
            tuple(dict.fromkeys(o.region for o in found if o.region)),
        )
    body = (view.body_size, view.outline.blocks)
    return (
        report.id,
        report.title,
        report.date.iso,
        kind,
        *body,
        passages,
        whose,
        report.brief_title,
    )


def record_of(source: Source, urls: Urls) -> Record:
    """The search record of one report."""
    report, title, date, kind, _, body_blocks, passages, whose, brief = source
    names, organisations, regions = whose
    title = f"{title}, {names}" if names else title
    brief = f"{brief}, {names}" if names else brief
    year = date[:4]
    block_themes: dict[str, set[str]] = {}
    for block_id, _, _, _, themes, _ in passages:
        block_themes.setdefault(block_id, set()).update(themes)
    blocks = [
        Block(b.id, "paragraph", b.number, b.text, tuple(sorted(block_themes.get(b.id, ()))))
        for b in body_blocks
    ]
    for block_id, number, quote, note_html, themes, recommendation in passages:
        note = _text(note_html) if note_html else ""
        if note:
            blocks.append(Block(block_id, "note", number, note, themes, recommendation, quote))
    filters = {
        "organisation": tuple(sorted(organisations)),
        "region": tuple(sorted(regions)),
        "kind": (kind,),
        "recommendation": tuple(sorted({b.recommendation for b in blocks} - {""})),
        "report": (f"{year} · {brief}",),
        "theme": tuple(sorted({t for b in blocks for t in b.themes})),
        "year": (year,),
    }
    return Record(
        report=report,
        url=urls("report", report),
        title=title,
        year=year,
        date=date,
        filters=tuple((k, v) for k, v in sorted(filters.items()) if v),
        blocks=tuple(blocks),
    )


def records(site: Site, urls: Urls) -> tuple[Record, ...]:
    """The search record of every report, in the site's order."""
    return tuple(record_of(source_of(view, site), urls) for view in site.reports)


# ---- Shards ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shard:
    """A group of reports indexed together into one Pagefind bundle."""

    number: int
    key: str  # a content hash of everything its bundle is made from
    sources: tuple[Source, ...]
    first: bool  # the first shard's bundle is the search bundle itself, with Pagefind's script

    @property
    def folder(self) -> str:
        """Its folder in the search bundle: the first shard's is the bundle's own."""
        return "" if self.first else f"shard-{self.number}/"


def _size(source: Source) -> int:
    return source[4] + sum(len(p[3]) for p in source[6])


def shard_count(sizes: Iterable[int], limit: int) -> int:
    """The number of shards: the smallest power of two that keeps them under `limit` on average."""
    total, count = sum(sizes), 1
    while total > count * limit:
        count *= 2
    return count


def shard_of(report: str, count: int) -> int:
    """A report's shard: a stable hash of its id, so it moves only when the count doubles.

    Doubling the count splits each shard in two (shard i into i and i + the old count).
    """
    digest = hashlib.blake2b(report.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def source_key(source: Source, body_key: str = "") -> str:
    """A content hash of a report's search source. Its body's blocks are read from its HTML, so
    the key of the text and targets that HTML was made from (`body_key`) stands for them: the
    report's whole text is not encoded again to be hashed on every build."""
    if not body_key:
        return key_of(source)
    return key_of(*source[:5], ("body", body_key), *source[6:])


def plan_shards(
    sources: Iterable[Source],
    language: str,
    base_path: str,
    limit: int | None = None,
    keys: Iterable[str] | None = None,
    sizes: Iterable[int] | None = None,
) -> tuple[Shard, ...]:
    """The shards of a site's reports, each with the key of what its bundle is made from.

    `keys` are the sources' own keys (`source_key`) and `sizes` their sizes, in their order, when
    the caller has them."""
    sources = tuple(sources)
    own = tuple(keys) if keys is not None else tuple(source_key(s) for s in sources)
    sizes = sizes if sizes is not None else (_size(s) for s in sources)
    count = shard_count(sizes, limit or SHARD_BYTES)
    groups: list[list[Source]] = [[] for _ in range(count)]
    group_keys: list[list[str]] = [[] for _ in range(count)]
    for source, key in zip(sources, own, strict=True):
        number = shard_of(source[0], count)
        groups[number].append(source)
        group_keys[number].append(key)
    # Shards no report hashes to are left out; the first of the others holds Pagefind's script.
    numbers = [number for number, group in enumerate(groups) if group] or [0]
    version = _pagefind_version()
    return tuple(
        Shard(
            number,
            key_of(version, language, base_path, count, number, i == 0, group_keys[number]),
            tuple(groups[number]),
            first=i == 0,
        )
        for i, number in enumerate(numbers)
    )


@lru_cache(maxsize=1)
def _pagefind_version() -> str:
    """The Pagefind package's version: a shard kept from another version is made again."""
    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        return ""


def search_files(
    shards: tuple[Shard, ...],
    language: str,
    urls: Urls,
    known: dict[str, dict[str, bytes]] | None = None,
) -> dict[str, bytes]:
    """Index the shards with Pagefind (those not `known` already); the files, by output path."""
    return start_search_files(shards, language, urls, known).result()


def start_search_files(
    shards: tuple[Shard, ...],
    language: str,
    urls: Urls,
    known: dict[str, dict[str, bytes]] | None = None,
) -> Future[dict[str, bytes]]:
    """`search_files` in a thread of its own, so the caller can render pages meanwhile.

    The result raises SearchUnavailable when Pagefind cannot be run.
    """
    worker = ThreadPoolExecutor(1, thread_name_prefix="search-index")
    # A thread also keeps asyncio.run away from a caller's own event loop (the preview server).
    future = worker.submit(_search_files, shards, language, urls, known or {})
    worker.shutdown(wait=False)
    return future


def _search_files(
    shards: tuple[Shard, ...], language: str, urls: Urls, known: dict[str, dict[str, bytes]]
) -> dict[str, bytes]:
    language = language.split("-")[0].lower() or "en"
    todo = [shard for shard in shards if shard.key not in known]
    try:
        made = asyncio.run(_index_shards(todo, language, urls)) if todo else []
    except (TimeoutError, OSError, RuntimeError, ValueError) as exc:
        raise SearchUnavailable(str(exc) or type(exc).__name__) from exc
    files = dict(known)
    for shard, written in zip(todo, made, strict=True):
        suffixes = BUNDLE_SUFFIXES if shard.first else SHARD_SUFFIXES
        bundle = {
            name: blob
            for name, blob in sorted(written.items())
            if (name.split("/")[-1] in BUNDLE_FILES and shard.first)
            or name in ("pagefind-entry.json", LOOKUP_FILE)
            or name.endswith(suffixes)
        }
        files[shard.key] = {
            urls.output_file("search_bundle", shard.folder + n): b
            for n, b in canonical(bundle).items()
        }
    folders = [shard.folder for shard in shards if not shard.first]
    out = {urls.output_file("search_bundle", SHARDS_FILE): json.dumps(folders).encode()}
    for shard in shards:
        out.update(files[shard.key])
    return dict(sorted(out.items()))


def lookup(items: Iterable[Record]) -> bytes:
    """The search page's lookup file for a shard's records.

    `reports`: `[url, date, title, {paragraph number: anchor}]` of each report; `words`: each word
    of the text and notes (lower case) with how often it occurs, most frequent first.
    """
    reports: list[list[Any]] = []
    counts: Counter[str] = Counter()
    for item in items:
        numbers = {}
        for b in item.blocks:
            if b.kind == "paragraph" and b.number and b.number not in numbers:
                numbers[b.number] = b.id
        reports.append([item.url, item.date, item.title, numbers])
        for b in item.blocks:
            counts.update(WORD.findall(b.text.lower()))  # counted in C
    words = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    data = {"reports": reports, "words": words}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


async def _index_shards(shards: list[Shard], language: str, urls: Urls) -> list[dict[str, bytes]]:
    """Each shard's files from a Pagefind process of its own, at most PARALLEL at a time."""
    gate = asyncio.Semaphore(PARALLEL)

    async def one(shard: Shard) -> dict[str, bytes]:
        async with gate:
            # Made here, one shard at a time: only the shards indexed again are parsed at all.
            items = [record_of(source, urls) for source in shard.sources]
            files = await _index(items, language)
            files[LOOKUP_FILE] = lookup(items)
            return files

    return list(await asyncio.gather(*(one(shard) for shard in shards)))


async def _index(items: Iterable[Record], language: str) -> dict[str, bytes]:
    """Run Pagefind's service over the records; the files it makes, by path in its bundle."""
    from pagefind.service import PagefindService

    class Service(PagefindService):
        """Pagefind's service client, reading each answer as soon as it arrives, whatever its size.

        The package's own reader waits a tenth of a second before every answer (a thousand records
        would take minutes) and cannot read an answer larger than two megabytes.
        """

        async def _wait_for_responses(self) -> None:
            try:
                await self._read_all()
            finally:  # Pagefind has stopped, or its answers cannot be read: nothing more comes
                for future in self._responses.values():
                    if not future.done():
                        future.set_exception(RuntimeError("Pagefind stopped before it answered"))

        async def _read_all(self) -> None:
            assert self._backend.stdout is not None
            pending: list[bytes] = []  # the start of an answer not yet complete
            # While the next chunk is awaited, nothing but that start is held: the reader of a
            # finished shard is stopped there, and its frame lives on in its exception's
            # traceback until the garbage is collected (it held the index files' answer).
            while self._take(await self._backend.stdout.read(1 << 20), pending):
                continue

        def _take(self, chunk: bytes, pending: list[bytes]) -> bool:
            """Read the answers a chunk completes; keep the start of the next in `pending`."""
            # Only the new chunk is searched, and an answer's parts are joined once: a large
            # answer (the index files) is read in time linear in its size.
            *ends, rest = chunk.split(b",")  # base64 never contains a comma
            for end in ends:
                self._read(b"".join((*pending, end)))
                pending.clear()
            pending.append(rest)
            return bool(chunk)

        def _read(self, message: bytes) -> None:
            # Pagefind's warnings come on the same stream (its stderr is joined to its stdout):
            # an answer is the base64 after the last line of other text, and what cannot be
            # read as an answer is such text.
            answer = message[message.rfind(b"\n") + 1 :].strip()
            if not answer:
                return
            try:
                response = json.loads(base64.b64decode(answer, validate=True))
            except ValueError:
                return
            if isinstance(response, dict):
                self._answer(response)

        async def send_all(self, payloads: Iterable[dict[str, Any]]) -> None:
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

        def _answer(self, response: dict[str, Any]) -> None:
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
                "type": "AddFile",
                "index_id": index._index_id,
                "url": item.url,
                "file_contents": item.html(language),
                "file_path": None,
            }
            for item in items
        )
        # In memory rather than through write_files(): its answer can come before every file is
        # complete on disk, and a half-written file would make the output differ between builds.
        files = await asyncio.wait_for(index.get_files(), timeout=300)
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

    key: tuple[tuple[str, str], ...]  # each shard's folder and key
    ready: dict[str, bytes] | None = None
    future: Future[dict[str, bytes]] | None = None


def _folder_of(name: str, urls: Urls) -> str | None:
    """The shard folder an index file is in ("" for the first); None for the list of shards."""
    rest = name.removeprefix(urls.path("search_bundle", ""))
    if rest == SHARDS_FILE:
        return None
    folder = rest.split("/")[0]
    return folder + "/" if folder.startswith("shard-") else ""


def known_shards(memo: Memo, urls: Urls) -> dict[str, dict[str, bytes]]:
    """The files of each shard the memo's index was made of, by the shard's key."""
    if memo.search is None:
        return {}
    key, files = memo.search
    if not isinstance(key, tuple):
        return {}
    folders = dict(key)
    out: dict[str, dict[str, bytes]] = {k: {} for k in folders.values()}
    for name, blob in files.items():
        folder = _folder_of(name, urls)
        if folder in folders:
            out[folders[folder]][name] = blob
    return out


def start_search_index(site: Site, memo: Memo, shard_bytes: int | None = None) -> SearchJob:
    """Start making the search index; only the shards whose reports changed are made again.

    `shard_bytes` sets the size of a shard (SHARD_BYTES when None).
    """
    settings = site.settings
    urls = Urls(settings.base_path, settings.url)
    sources = _sources(site, memo)
    # A source equal to the last build's keeps its key: comparing is cheaper than encoding.
    last = memo.search_keys if memo.handed_on else {}
    kept: dict[str, tuple[Source, str, int]] = {}
    for source, view in zip(sources, site.reports, strict=True):
        found = last.get(source[0])
        if found is None or found[0] != source:
            found = (source, source_key(source, view.body_key), _size(source))
        kept[source[0]] = found
    memo.search_keys = kept if memo.handed_on else {}
    keys = [kept[source[0]][1] for source in sources]
    sizes = [kept[source[0]][2] for source in sources]
    shards = plan_shards(sources, settings.language, settings.base_path, shard_bytes, keys, sizes)
    key = tuple((shard.folder, shard.key) for shard in shards)
    if memo.search is not None and memo.search[0] == key:
        return SearchJob(key, ready=memo.search[1])
    known = known_shards(memo, urls)
    if memo.preview.search_later is not None and memo.search is not None:
        memo.search_wanted = key
        memo.search_worker = memo.search_worker or ThreadPoolExecutor(1)
        memo.search_worker.submit(
            _search_in_background, shards, settings.language, urls, known, key, memo
        )
        return SearchJob(key, ready=memo.search[1])
    return SearchJob(key, future=start_search_files(shards, settings.language, urls, known))


def _sources(site: Site, memo: Memo) -> list[Source]:
    """Each report's search source; in the preview, the last build's for a report whose very view
    it was made from, while the themes, tracked recommendations and organisations whose titles
    and names it shows are the very records they were (an unchanged file's)."""
    content = site.content
    context = (content.themes, content.recommendations, content.organisations)
    kinds = site.settings.kinds
    last = memo.search_sources if memo.handed_on else {}
    now: dict[str, Any] = {}
    sources = []
    for view in site.reports:
        found = last.get(view.report.id)
        if (
            found is None
            or found[0] is not view
            or any(a is not b for a, b in zip(found[1], context, strict=True))
            or found[2] != kinds
        ):
            found = (view, context, kinds, source_of(view, site))
        now[view.report.id] = found
        sources.append(found[3])
    memo.search_sources = now if memo.handed_on else {}
    return sources


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


def _search_in_background(
    shards: tuple[Shard, ...],
    language: str,
    urls: Urls,
    known: dict[str, dict[str, bytes]],
    key: object,
    memo: Memo,
) -> None:
    if memo.search_wanted != key:
        return  # a later save has asked for a newer index already
    try:
        files = search_files(shards, language, urls, known)
    except SearchUnavailable:
        return  # the next build in the foreground reports it
    hand = memo.preview.search_later
    if memo.search_wanted == key and hand is not None:
        memo.search = (key, files)
        hand(files)
