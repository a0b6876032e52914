"""A build holds its pages packed, in memory and in the on-disk cache, and unpacks them only to use them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from conftest import fixture_project

from builder import diskcache
from builder.diagnostics import Diagnostics
from builder.memo import Memo
from builder.pipeline import build
from builder.publish.publish import write_site_atomically
from builder.sitefiles import Packed, SiteFiles, size_of, stored


def test_a_packed_file_unpacks_to_its_bytes_and_is_smaller():
    page = b"<p>Inspectors found that children were seen promptly.</p>\n" * 200
    packed = Packed.of(page)
    assert packed.unpack() == page
    assert packed.size == len(page)
    assert len(packed.data) < len(page) // 10
    assert Packed.from_bytes(packed.to_bytes()) == packed
    assert Packed.of(page + b"x") != packed


def test_site_files_read_as_bytes_whatever_way_they_are_held():
    files = SiteFiles({"a.html": Packed.of(b"<p>a</p>"), "b.css": b"p{}"})
    files["c.html"] = Packed.of(b"<p>c</p>")
    assert list(files) == ["a.html", "b.css", "c.html"]
    assert files["a.html"] == b"<p>a</p>" and files.get("b.css") == b"p{}"
    assert dict(files) == {"a.html": b"<p>a</p>", "b.css": b"p{}", "c.html": b"<p>c</p>"}
    assert files == {"a.html": b"<p>a</p>", "b.css": b"p{}", "c.html": b"<p>c</p>"}
    assert isinstance(stored(files, "a.html"), Packed) and stored(files, "b.css") == b"p{}"
    assert size_of(files, "a.html") == 8 and size_of({"x": b"abc"}, "x") == 3


def test_a_build_holds_its_pages_packed_and_writes_them_unpacked(
    fixture_copy: Path, tmp_path: Path
):
    memo = Memo()
    files = build(fixture_project(tmp_path / "out", fixture_copy), Diagnostics(), cache=memo)
    assert isinstance(files, SiteFiles)
    pages = [n for n in files if n.endswith(".html")]
    assert pages and all(isinstance(files.stored(n), Packed) for n in pages)
    assert all(memo.pages[n][1] is files.stored(n) for n in pages)  # one copy, shared
    assert all((tmp_path / "out" / n).read_bytes() == files[n] for n in files)
    assert files["index.html"].startswith(b"<!doctype html>")
    # An identical site is recognised from packed pages without writing anything again.
    before = (tmp_path / "out" / "index.html").stat().st_ino
    write_site_atomically(files, tmp_path / "out")
    assert (tmp_path / "out" / "index.html").stat().st_ino == before


def test_the_disk_cache_keeps_pages_packed(fixture_copy: Path, tmp_path: Path):
    root = tmp_path / "project"
    first = build(fixture_project(tmp_path / "out", fixture_copy), Diagnostics(), cache_root=root)
    assert first is not None
    db = sqlite3.connect(diskcache.cache_file(root).with_name("entries.sqlite"))
    pages = dict(db.execute("SELECT name, data FROM entry WHERE name LIKE 'h-%'"))
    db.close()
    assert pages
    total = sum(diskcache.Packed.from_bytes(b).size for b in pages.values())
    assert sum(map(len, pages.values())) < total // 3
    restored = diskcache.load_memo(diskcache.cache_file(root))
    assert restored is not None
    for output, (_, packed) in restored["pages"].items():
        assert packed.unpack() == first[output]


def test_link_scans_from_many_pages_share_one_copy_of_each_string():
    from builder.check.linkcheck import scan, share_strings

    strings: dict[str, str] = {}
    first = share_strings(scan('<a href="/reports/a/#p1">a</a><p id="p1">'), strings)
    # Built from a new string each time, as unpickling a worker's answer does.
    second = share_strings(scan('<a href="/reports/a/#p' + str(1) + '">a</a>'), strings)
    assert first.links == second.links == ("/reports/a/#p1",)
    assert first.links[0] is second.links[0]
    assert first.has_id("p1") and not first.has_id("p") and not second.has_id("p1")
    both = scan('<p id="a"></p><p id="b"></p>')
    assert both.has_id("a") and both.has_id("b") and not both.has_id("a\0b")


def test_a_key_of_many_values_depends_on_each_value_and_on_where_groups_end():
    from builder.memo import key_of_each

    assert key_of_each(["a", "b"], ["c"]) == key_of_each(["a", "b"], iter(["c"]))
    assert key_of_each(["a", "b"], ["c"]) != key_of_each(["a"], ["b", "c"])
    assert key_of_each(["a", "b"], ["c"]) != key_of_each(["a", "b"], ["d"])
    assert key_of_each(["ab"]) != key_of_each(["a", "b"])


def test_shared_records_are_named_by_their_content_and_load_back_equal():
    from builder.memo import SharedRecords, load_shared

    shared_row = Row("r1", ("a", "b"))
    page = Holder("page", (shared_row, shared_row, Row("r2", ())))
    twin = Holder("page", (Row("r1", ("a", "b")), Row("r1", ("a", "b")), Row("r2", ())))
    records = SharedRecords([Row])
    blob, named = records.serialise(page)
    assert len(named) == 2
    # Equal values give equal bytes, whichever objects they share.
    assert SharedRecords([Row]).serialise(twin)[0] == blob
    assert SharedRecords([Row]).serialise(Holder("page", (Row("r1", ("a",)),)))[0] != blob
    loaded = load_shared(blob, records.blobs(named), {})
    assert loaded == page
    assert loaded.rows[0] is loaded.rows[1]  # loaded once for every page that names it


@dataclass(frozen=True)
class Row:
    id: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Holder:
    name: str
    rows: tuple[Row, ...]


def test_entries_written_early_are_let_go_and_read_back_by_the_next_build(tmp_path: Path):
    path = diskcache.cache_file(tmp_path)
    bodies = {"k1": ("body", 1), "k2": ("other", 2)}
    kept = diskcache.store_now(path, "bodies", bodies)
    assert kept == {"k1": diskcache.STORED, "k2": diskcache.STORED}
    diskcache.save_memo(path, {"bodies": kept, "parsed": {}, "pages": {}})
    state = diskcache.load_memo(path)
    assert state is not None and state["bodies"] == bodies
    # An entry let go whose row has gone since is left out, never saved as a placeholder.
    kept["k3"] = diskcache.STORED
    diskcache.save_memo(path, {"bodies": kept, "parsed": {}, "pages": {}})
    assert diskcache.load_memo(path)["bodies"] == bodies


def test_entries_that_cannot_be_written_early_are_kept(tmp_path: Path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    bodies = {"k1": ("body", 1)}
    assert diskcache.store_now(blocked / "memo.pickle", "bodies", bodies) is bodies


def test_a_single_build_with_a_disk_cache_equals_one_with_a_memo(
    fixture_copy: Path, tmp_path: Path
):
    once = build(
        fixture_project(tmp_path / "a", fixture_copy), Diagnostics(), cache_root=tmp_path / "p"
    )
    memo = build(fixture_project(tmp_path / "b", fixture_copy), Diagnostics(), cache=Memo())
    again = build(
        fixture_project(tmp_path / "c", fixture_copy), Diagnostics(), cache_root=tmp_path / "p"
    )
    assert once is not None and once == memo == again


def test_bodies_go_to_disk_as_the_workers_encoded_them(
    fixture_copy: Path, tmp_path: Path, monkeypatch
):
    """Encoding every rendered body for the disk cache was seconds of one core after the model
    at 500 reports: the workers encode each body as they make it, and nothing is encoded again."""
    from builder.model.text import RenderedText

    encoded_then: list[int] = []
    encode, store_now = diskcache._encode, diskcache.store_now
    storing = [False]

    def counting(value):  # type: ignore[no-untyped-def]
        if storing[0] and isinstance(value, RenderedText):
            encoded_then.append(1)
        return encode(value)

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        storing[0] = True
        try:
            return store_now(*args, **kwargs)
        finally:
            storing[0] = False

    monkeypatch.setattr(diskcache, "_encode", counting)
    monkeypatch.setattr(diskcache, "store_now", watched)
    once = build(
        fixture_project(tmp_path / "a", fixture_copy),
        Diagnostics(),
        cache_root=tmp_path / "p",
        jobs=1,
    )
    assert once is not None and encoded_then == []
    state = diskcache.load_memo(diskcache.cache_file(tmp_path / "p"))
    assert state is not None and state["bodies"]
    assert all(isinstance(v, RenderedText) for v in state["bodies"].values())
    again = build(fixture_project(tmp_path / "b", fixture_copy), Diagnostics(), cache=Memo())
    assert once == again


def test_a_large_file_is_unpacked_and_compared_without_a_second_copy(tmp_path: Path):
    """A national site's data files run to tens of megabytes. Unpacking one held it twice (zlib
    grows its output piece by piece, then joins), and publishing compared the last output's copy
    read whole beside it: both doubled the build's peak memory at its end."""
    import random
    import tracemalloc

    from builder.publish.publish import holds
    from builder.sitefiles import Packed

    raw = random.Random(0).randbytes(1000) * 8000  # 8 MB that packs small
    packed = Packed.of(raw)
    written = tmp_path / "annotations.json"
    written.write_bytes(raw)
    changed, longer = raw[:-1] + bytes([raw[-1] ^ 1]), raw + b"x"
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        unpacked = packed.unpack()
        assert unpacked == raw
        assert tracemalloc.get_traced_memory()[1] - before < 1.2 * len(raw)  # one copy, not two
        del unpacked
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        assert holds(written, raw)
        assert not holds(written, changed)
        assert not holds(written, longer)
        assert tracemalloc.get_traced_memory()[1] - before < len(raw) / 2  # a piece at a time
    finally:
        tracemalloc.stop()
