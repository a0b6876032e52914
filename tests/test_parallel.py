"""A build over several processes, and a build from the on-disk cache, equal a serial cold build."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from conftest import fixture_project

from builder import diskcache
from builder.diagnostics import Diagnostics
from builder.memo import Memo, load_shared
from builder.pipeline import build
from builder.workers import Workers


def run(content: Path, **options) -> dict[str, bytes]:
    diagnostics = Diagnostics()
    files = build(
        fixture_project(Path("/nonexistent"), content), diagnostics, write=False, **options
    )
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


class Inline(Workers):
    """A running pool that shows `seen` each chunk of pages it is sent (the pages, decoded, and
    the bytes of the shared records they name) and renders the chunk here."""

    def __init__(self, seen: Callable[[list[Any], dict[str, bytes]], None]) -> None:
        super().__init__(2)
        self.seen = seen

    @property
    def started(self) -> bool:
        return True

    def submit(self, function, items):  # type: ignore[no-untyped-def]
        for *_, blobs, records in items:
            self.seen([load_shared(blob, records, {}) for blob in blobs], records)
        future: Future = Future()
        future.set_result(function(items))
        return future


def test_serial_equals_parallel_byte_for_byte(fixture_copy: Path):
    serial = run(fixture_copy, jobs=1)
    workers = Workers(2, min_tasks=0)  # use the pool even for the small fixture site
    try:
        parallel = run(fixture_copy, workers=workers)
        assert workers._pool is not None  # the pool really did the work
    finally:
        workers.close()
    assert sorted(parallel) == sorted(serial)
    assert [n for n in serial if serial[n] != parallel[n]] == []


def test_a_warm_build_from_the_disk_cache_renders_nothing_and_equals_a_cold_one(
    fixture_copy: Path, tmp_path: Path
):
    root = tmp_path / "project"
    cold = run(fixture_copy, cache_root=root, jobs=1)
    assert diskcache.cache_file(root).is_file()
    assert diskcache.cache_file(root).is_relative_to(root / ".cache" / "inspection-history")
    assert run(fixture_copy, cache_root=root, jobs=1) == cold  # nothing changed: the last output
    diskcache.build_file(root).unlink()  # so the build goes through the memo
    memo = Memo()  # as in a new process: nothing in memory, all from disk
    warm = run(fixture_copy, cache_root=root, cache=memo, jobs=1)
    assert memo.rendered == []
    assert warm == cold
    report = fixture_copy / "reports" / "2013-07-first.md"
    report.write_text(report.read_text().replace("3. The council should", "3. The council must"))
    memo = Memo()
    edited = run(fixture_copy, cache_root=root, cache=memo, jobs=1)
    assert memo.rendered == ["reports/2013-07-first/index.html"]
    assert edited == run(fixture_copy, jobs=1)


def test_a_build_from_the_disk_cache_checks_the_links_of_the_changed_pages_only(
    fixture_copy: Path, tmp_path: Path, monkeypatch
):
    import builder.check.linkcheck as linkcheck

    resolve, checked = linkcheck._resolve, set()

    def counting(link, page, *rest):
        checked.add(page)
        return resolve(link, page, *rest)

    monkeypatch.setattr(linkcheck, "_resolve", counting)
    root = tmp_path / "project"
    run(fixture_copy, cache_root=root, cache=Memo(handed_on=False), jobs=1)
    assert len(checked) > 10
    report = fixture_copy / "reports" / "2013-07-first.md"
    report.write_text(report.read_text().replace("3. The council should", "3. The council must"))
    checked.clear()
    said = Diagnostics()
    files = build(
        fixture_project(Path("/nonexistent"), fixture_copy),
        said,
        write=False,
        cache=Memo(handed_on=False),  # as in a new process: the last check comes from disk
        cache_root=root,
        jobs=1,
    )
    assert files is not None and said.items == []
    assert checked <= {"", "reports/2013-07-first/index.html"}  # "": links written in content
    broken = report.read_text().replace("3. The council must", "3. The council [must](/nowhere/)")
    report.write_text(broken)
    said = Diagnostics()
    build(
        fixture_project(Path("/nonexistent"), fixture_copy),
        said,
        write=False,
        cache=Memo(handed_on=False),
        cache_root=root,
        jobs=1,
    )
    assert [d.message for d in said.items] == [
        "broken link on /reports/2013-07-first/index.html: /nowhere/ (no such page)"
    ]


def test_an_unreadable_disk_cache_is_rebuilt(fixture_copy: Path, tmp_path: Path):
    root = tmp_path / "project"
    cold = run(fixture_copy, cache_root=root, jobs=1)
    diskcache.cache_file(root).write_bytes(b"not a pickle")
    diskcache.build_file(root).write_bytes(b"")
    assert run(fixture_copy, cache_root=root, cache=Memo(), jobs=1) == cold


def test_an_unchanged_build_replays_its_warnings(fixture_copy: Path, tmp_path: Path):
    report = fixture_copy / "reports" / "2022-01-visit.md"
    report.write_text(
        report.read_text().replace(
            "status: raised-again", "status: raised-again\n    note: See [it](/nowhere/)."
        )
    )
    first, second = Diagnostics(), Diagnostics()
    project = fixture_project(Path("/nonexistent"), fixture_copy)
    a = build(project, first, write=False, cache_root=tmp_path, jobs=1)
    b = build(project, second, write=False, cache_root=tmp_path, jobs=1)
    assert a == b
    assert [d.format() for d in second.items] == [d.format() for d in first.items]
    assert any("broken link: /nowhere/" in d.message for d in second.items)


def test_a_build_collects_garbage_less_often_and_then_as_before(monkeypatch, tmp_path):
    import gc

    from builder import pipeline
    from builder.model import rules
    from builder.workers import GC_THRESHOLD

    seen = []
    real = rules.check_rules
    monkeypatch.setattr(
        rules, "check_rules", lambda *a: seen.append(gc.get_threshold()) or real(*a)
    )
    before = gc.get_threshold()
    assert before[0] != GC_THRESHOLD
    files = pipeline.build(fixture_project(tmp_path / "out"), Diagnostics(), write=False)
    assert files is not None
    assert seen == [(GC_THRESHOLD, *before[1:])]
    assert gc.get_threshold() == before


def test_pages_rendered_by_the_pool_come_back_with_their_link_scans(
    fixture_copy: Path, monkeypatch
):
    """The workers scan each page they render for ids and links; the main process scans none."""
    from builder.check import linkcheck

    scanned_here = []
    real = linkcheck.scan
    monkeypatch.setattr(linkcheck, "scan", lambda page: scanned_here.append(page) or real(page))
    memo = Memo()
    workers = Workers(2, min_tasks=0)
    try:
        files = run(fixture_copy, workers=workers, cache=memo)
    finally:
        workers.close()
    pages = sorted(n for n in files if n.endswith(".html"))
    assert scanned_here == []
    assert sorted(memo.links) == pages
    assert all(memo.links[n] == (files.stored(n), real(files[n].decode())) for n in pages)


def test_the_disk_cache_writes_only_new_entries_and_drops_those_no_longer_used(
    fixture_copy: Path, tmp_path: Path
):
    import sqlite3

    root = tmp_path / "project"
    cold = run(fixture_copy, cache_root=root, jobs=1)
    database = diskcache.cache_file(root).with_name("entries.sqlite")

    def entries() -> dict[str, int]:
        with sqlite3.connect(database) as db:
            return dict(db.execute("SELECT name, rowid FROM entry"))

    before = entries()
    # Parsed files, bodies, pages and the search index's files.
    assert {name[:2] for name in before} == {"p-", "b-", "h-", "f-"}
    # The last output keeps each page as a reference to its entry, never its bytes twice.
    last = diskcache.load(diskcache.build_file(root))
    assert last is not None
    pages = [n for n in cold if n.endswith(".html")]
    assert all(not isinstance(last["files"][n], bytes) for n in pages)
    report = fixture_copy / "reports" / "2013-07-first.md"
    report.write_text(report.read_text().replace("3. The council should", "3. The council must"))
    edited = run(fixture_copy, cache_root=root, jobs=1)
    after = entries()
    new, gone = set(after) - set(before), set(before) - set(after)
    # The report's own, the pages it is on, and its shard's changed search files.
    assert {n[:2] for n in new} == {"p-", "b-", "h-", "f-"}
    assert {n[:2] for n in gone} == {"p-", "b-", "h-", "f-"}  # their old versions
    assert all(after[n] == before[n] for n in set(after) & set(before))  # the rest not rewritten
    assert len(new) < len(before) / 3
    # An entry lost: the build makes what it held again, and equals a fresh build.
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM entry WHERE name = ?", (next(n for n in after if n[:2] == "h-"),))
    assert run(fixture_copy, cache_root=root, jobs=1) == edited == run(fixture_copy, jobs=1)
    assert edited != cold


def test_a_running_pool_takes_pages_from_the_first_chunk():
    """Pages held back until hundreds wait keep every view and its bytes in memory at once (at
    500 reports, 100 MB of a build's peak): once the pool runs, each chunk goes as it fills."""
    from builder.render.render import _CHUNK_PAGES, _Renderer
    from builder.views.pages import Page, PlainView

    class Running(Workers):
        def __init__(self) -> None:
            super().__init__(2)
            self.submitted: list[object] = []

        @property
        def started(self) -> bool:
            return True

        def submit(self, function, items):  # type: ignore[no-untyped-def]
            self.submitted.append(items)
            return None  # type: ignore[return-value]

    workers = Running()
    renderer = _Renderer(None, ("key", None, "/", ""), workers)  # type: ignore[arg-type]
    for n in range(_CHUNK_PAGES):
        page = Page(
            "about", str(n), "about.html", f"p{n}/index.html", "about.html", PlainView(None)
        )  # type: ignore[arg-type]
        renderer.add(page, b"{}", set())
    assert len(workers.submitted) == 1 and renderer.waiting == []


def test_a_shared_record_is_encoded_once_however_many_chunks_name_it(monkeypatch):
    """On a themed national site a passage is named by its report's page and each of its themes'
    pages: every chunk sent to the workers encoded it again (250,000 times for 58,000)."""
    from dataclasses import dataclass

    import builder.memo as memo_module
    from builder.memo import SharedRecords

    @dataclass(frozen=True)
    class Shown:
        text: str

    encoded: list[object] = []
    serialise = memo_module.serialise

    def counting(value):  # type: ignore[no-untyped-def]
        encoded.append(value)
        return serialise(value)

    monkeypatch.setattr(memo_module, "serialise", counting)
    shared = SharedRecords([Shown])
    record = Shown("Children are seen alone.")
    digest = shared.digest(record)
    first, second = shared.blobs([digest]), shared.blobs([digest])
    assert first == second == {digest: serialise(record)}
    assert encoded == [record]


def test_a_report_page_goes_to_the_workers_with_its_inputs_not_its_view(tmp_path: Path):
    """Making each report's view (its text cut into blocks beside their notes) on the main
    process, and encoding it a second time, was the main process's work while the workers
    waited: the workers are sent the very bytes that keyed the page, and make its view."""
    sent: list[tuple[str, bool]] = []

    def seen(pages: list[Any], records: dict[str, bytes]) -> None:
        sent.extend((p.kind, p.view is None and p.inputs is not None) for p in pages)

    files = build(
        fixture_project(tmp_path / "out"), Diagnostics(), write=False, workers=Inline(seen)
    )
    assert files is not None
    assert files == build(fixture_project(tmp_path / "out"), Diagnostics(), write=False, jobs=1)
    reports = [with_inputs for kind, with_inputs in sent if kind == "report"]
    assert reports and all(reports)


def test_a_few_large_reports_are_parsed_by_the_pool(fixture_copy: Path, monkeypatch):
    """Parsing went to the pool only for hundreds of files: 500 imported reports (40 MB, with
    front matter thousands of lines long) were parsed on one core, five seconds of a cold build.
    Their size counts too."""
    import builder.pipeline as pipeline
    from builder.parse.parse import parse_reports

    class Counting(Workers):
        def __init__(self) -> None:
            super().__init__(2)  # the default threshold: dozens of tasks' worth
            self.mapped: list[object] = []

        def map(self, function, items, chunk=0):  # type: ignore[no-untyped-def]
            self.mapped.append(function)
            return function(list(items))  # the work is the same; where it runs is the question

    # The fixture's few reports, as if each were as large as an imported draft.
    monkeypatch.setattr(pipeline, "PARSE_PIECE", 64)
    workers = Counting()
    run(fixture_copy, workers=workers)
    assert parse_reports in workers.mapped


def test_an_organisations_pages_go_to_the_workers_together(tmp_path: Path):
    """On a national site a passage is shown on its report's page and on its organisation's page
    of each of its themes. Sent in chunks of a few pages in site order, each passage went to the
    workers, and was read there, once for each (58,000 passages, 170,000 times at 500 reports):
    an organisation's pages go together, and a passage once."""
    from collections import Counter

    from conftest import NATIONAL

    from builder.incremental import codec
    from builder.model.views import Passage

    # The passages each chunk of report pages and theme pages of an organisation carries.
    sent: Counter[str] = Counter()
    owners: dict[str, str] = {}  # each passage's report, by digest

    def seen(pages: list[Any], records: dict[str, bytes]) -> None:
        if not {p.kind for p in pages} & {"report", "theme_organisation"}:
            return
        for digest, blob in records.items():
            record = codec.from_bytes(blob, package="")
            if isinstance(record, Passage):
                sent[digest] += 1
                owners[digest] = record.report

    project = fixture_project(tmp_path / "out", NATIONAL)
    files = build(project, Diagnostics(), write=False, workers=Inline(seen))
    assert files is not None
    assert files == build(project, Diagnostics(), write=False, jobs=1)
    assert any(name.startswith("themes/") and name.count("/") == 3 for name in files)
    # A joint inspection's passages are shown on each of its organisations' theme pages.
    single = {d: n for d, n in sent.items() if "joint" not in owners[d]}
    assert single and set(single.values()) == {1}


def test_a_report_page_is_sent_without_the_words_of_its_blocks(tmp_path: Path):
    """A body's outline holds the words of each block for the search index, and its headings for
    its page's contents: the page is sent its headings alone (at 500 reports, the words were
    most of the 46 MB of bodies the workers were sent and read)."""
    bodies = []

    def seen(pages: list[Any], records: dict[str, bytes]) -> None:
        bodies.extend(p.inputs.body for p in pages if p.kind == "report")

    files = build(
        fixture_project(tmp_path / "out"), Diagnostics(), write=False, workers=Inline(seen)
    )
    assert files is not None
    assert files == build(fixture_project(tmp_path / "out"), Diagnostics(), write=False, jobs=1)
    assert bodies and all(body.outline.blocks == () for body in bodies)
    assert any(body.outline.headings for body in bodies)


def test_texts_go_to_the_workers_as_utf8_and_are_held_once(fixture_copy: Path):
    """Pickled as a str, a text with a character beyond ASCII (a curly quote) gets a UTF-8 copy
    that CPython keeps with it for as long as it lives: the reports' texts and bodies the model
    and the preview hold were held half again (65 MB of a national preview's peak)."""
    import pickle
    import sys
    from multiprocessing.reduction import ForkingPickler

    class Pickling(Workers):
        """A pool that sends each task's items as a process pool does, and runs it here."""

        def map(self, function, items, chunk=0):  # type: ignore[no-untyped-def]
            return function(pickle.loads(ForkingPickler.dumps(list(items))))

    def held_once(text: str) -> bool:
        return sys.getsizeof(text) == sys.getsizeof(text.encode().decode())

    report = fixture_copy / "reports" / "2013-07-first.md"
    report.write_text(
        report.read_text().replace("3. The council should", "3. The council’s board should")
    )
    memo = Memo()
    run(fixture_copy, cache=memo, workers=Pickling(2, min_tasks=0))
    texts = [text for (path, text) in memo.parsed if path.endswith(".md")]
    bodies = [kept.report.body for kept in memo.model.reports.values()]
    assert any(not t.isascii() for t in texts) and any(not b.isascii() for b in bodies)
    assert all(map(held_once, texts)) and all(map(held_once, bodies))


def test_a_one_off_builds_workers_hand_back_each_body_packed():
    """A one-off build holds every report's rendered body while the model is made, and lets
    the HTML go but for a packed copy afterwards: its workers pack it as they render it (a
    national site's 70 MB of HTML, 12 MB packed), and the cache keeps it as text."""
    from builder.incremental import codec
    from builder.incremental.pool import to_send
    from builder.model.text import render_body
    from builder.sitefiles import Packed

    body = "1. Children’s plans are **reviewed** on time.\n"
    [(made, name, blob)] = diskcache.render_bodies_stored([(to_send(body), ())])
    assert isinstance(made.html, Packed)
    assert made.html_text == render_body(body, []).html
    assert name == "b-" + codec.key_of(body, ())
    assert diskcache._decode(blob) == render_body(body, [])  # kept as text


def test_an_edits_pages_are_spread_over_the_workers(tmp_path: Path, monkeypatch):
    """An organisation's pages go to one worker together when every page is rendered; after an
    edit, the few pages it changed (its report's page, its organisation's theme pages) go as they
    come, so that both workers render them and the preview shows them sooner."""
    import shutil

    from conftest import NATIONAL

    import builder.render.render as render_module

    chunks: list[list[str]] = []

    def seen(pages: list[Any], records: dict[str, bytes]) -> None:
        chunks.append([p.output for p in pages])

    monkeypatch.setattr(render_module, "_CHUNK_PAGES", 1)
    content = tmp_path / "content"
    shutil.copytree(NATIONAL, content)
    project = fixture_project(tmp_path / "out", content)
    memo = Memo()
    assert build(project, Diagnostics(), write=False, cache=memo, workers=Inline(seen))
    assert any(len(chunk) > 1 for chunk in chunks)  # a first build: an organisation's together
    report = content / "reports" / "2019-06-second.md"
    report.write_text(report.read_text().replace("not yet effective.", "not yet effective here."))
    chunks.clear()
    assert build(project, Diagnostics(), write=False, cache=memo, workers=Inline(seen))
    assert len(chunks) > 1 and all(len(chunk) == 1 for chunk in chunks)
