"""Search: paragraph-level Pagefind records, a reproducible index, and the search page in a browser."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import threading
from pathlib import Path

import pytest
from conftest import FIXTURE, build_files, fixture_project, serve_folder

from builder.diagnostics import Diagnostics
from builder.pipeline import build
from builder.render import search


@pytest.fixture(scope="module")
def sub_path_site(tmp_path_factory) -> Path:
    """The fixture site built for https://history.example.org/history/, in ROOT/history."""
    root = tmp_path_factory.mktemp("served")
    diagnostics = Diagnostics()
    files = build(
        fixture_project(root / "history"),
        diagnostics,
        base_url="https://history.example.org/history/",
    )
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return root


def fixture_site():
    from builder.load.load import read_sources
    from builder.model.site import build_model
    from builder.parse.content import parse_content

    diagnostics = Diagnostics()
    content = parse_content(
        read_sources(FIXTURE / "content", diagnostics), diagnostics, "content", {}
    )
    return build_model(content, diagnostics, {})


def test_each_report_is_one_record_whose_headings_are_its_paragraphs_and_notes():
    from builder.urls import Urls

    site = fixture_site()
    items = {r.url: r for r in search.records(site, Urls("/history/"))}
    assert len(items) == len(site.reports) == 3  # one record per report, not one per paragraph
    record = items["/history/reports/2013-07-first/"]
    blocks = {(b.kind, b.id): b for b in record.blocks}
    paragraph = blocks[("paragraph", "p4")]
    assert paragraph.text == "Some records are up to date. Most records are up to date and clear."
    assert (paragraph.number, paragraph.themes) == ("4", ("Records",))
    note = [b for b in record.blocks if b.kind == "note" and b.text == "Supervision was praised."]
    assert [(n.id, n.quote, n.recommendation) for n in note] == [
        ("p2", "Supervision is regular", "Regular supervision")
    ]
    assert dict(record.filters) == {
        "kind": ("Inspection report",),
        "recommendation": ("Regular supervision",),
        # The report filter names a report by its short title, as the strips and tables do; the
        # result keeps the title.
        "report": ("2013 · First inspection",),
        "theme": ("Private fostering", "Records", "Supervision"),
        "year": ("2013",),
    }
    assert record.title == "Inspection of arrangements for the protection of children"
    # Each block follows a heading whose id is its anchor: Pagefind's sub-result of that heading
    # is the report's URL with the anchor, `/history/reports/2013-07-first/#p4`.
    page = record.html("en")
    assert '<h2 id="p4">¶</h2><p>Some records are up to date.' in page
    assert page.count("<h2 ") == len(record.blocks)
    meta = json.loads(record.meta()["blocks"])
    assert meta["blocks"][[b.id for b in record.blocks].index("p4")] == [
        "paragraph",
        "4",
        [meta["themes"].index("Records")],
        [],
        "",
    ]


def test_each_heading_becomes_a_sub_result_at_its_paragraph(sub_path_site):
    """What Pagefind itself makes of a record: sub-results with the paragraph's URL and excerpt."""
    fragments = [
        json.loads(search._unpack(blob))
        for name, blob in sorted(_files(sub_path_site).items())
        if name.endswith(".pf_fragment")
    ]
    (fragment,) = [f for f in fragments if f["url"] == "/history/reports/2013-07-first/"]
    anchors = [(a["element"], a["id"], a["text"]) for a in fragment["anchors"]]
    assert ("h2", "p4", "¶") in anchors
    assert len(anchors) == len(json.loads(fragment["meta"]["blocks"])["blocks"])


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _sources(site, edit: str = ""):
    sources = [search.source_of(view, site) for view in site.reports]
    if edit:
        sources = [(*s[:5], _edited(s[5]), s[6]) if s[0] == edit else s for s in sources]
    return sources


def _edited(blocks):
    return tuple(
        dataclasses.replace(b, text=b.text.replace("regular", "regular, and recorded"))
        for b in blocks
    )


def test_an_edit_changes_the_key_of_its_own_shard_only():
    site = fixture_site()
    limit = sum(search._size(s) for s in _sources(site)) // 200  # 256 shards: 3 are not empty
    before = search.plan_shards(_sources(site), "en", "/", limit)
    after = search.plan_shards(_sources(site, "2013-07-first"), "en", "/", limit)
    assert len(before) == 3 and [s.number for s in before] == [s.number for s in after]
    changed = [
        [src[0] for src in b.sources] for b, a in zip(before, after, strict=True) if b.key != a.key
    ]
    assert changed == [["2013-07-first"]]


def test_a_report_changes_shard_only_when_the_count_doubles():
    ids = [f"2009-01-01-r{n:05}" for n in range(1000)]
    for count in (1, 2, 4, 8, 16):
        for report in ids:
            old, new = search.shard_of(report, count), search.shard_of(report, 2 * count)
            assert new in (old, old + count)
    assert search.shard_count([100] * 1000, 30_000) == 4  # 100,000 bytes: under 30,000 on average
    assert search.shard_count([100] * 3, 1_000) == 1
    per_shard = [0] * 16
    for report in ids:
        per_shard[search.shard_of(report, 16)] += 1
    assert min(per_shard) > 40 and max(per_shard) < 90  # the hash spreads reports evenly


def test_the_index_is_part_of_the_build_and_reproducible(tmp_path: Path):
    first, _ = build_files(fixture_project(tmp_path / "a"))
    second, _ = build_files(fixture_project(tmp_path / "b"))
    assert first is not None and second is not None
    index = sorted(n for n in first if n.startswith("pagefind/"))
    assert "pagefind/pagefind.js" in index
    assert any(n.startswith("pagefind/filter/") for n in index)
    assert not any("-ui." in n for n in index)  # Pagefind's ready-made UIs are not shipped
    assert {n: first[n] for n in index} == {n: second[n] for n in index}


def test_a_sharded_index_is_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(search, "SHARD_BYTES", 1)  # the smallest shards: one report in each
    first, _ = build_files(fixture_project(tmp_path / "a"))
    second, _ = build_files(fixture_project(tmp_path / "b"))
    assert first is not None and second is not None
    index = {n: b for n, b in first.items() if n.startswith("pagefind/")}
    folders = json.loads(index["pagefind/shards.json"])
    assert len(folders) == 2 and all(f.startswith("shard-") for f in folders)
    for folder in folders:  # a shard holds its index only, merged into the first one's
        names = [n.split("/")[-1] for n in index if n.startswith(f"pagefind/{folder}")]
        assert "pagefind-entry.json" in names and "pagefind.js" not in names
        assert any(n.endswith(".pf_filter") for n in names)
    assert index == {n: b for n, b in second.items() if n.startswith("pagefind/")}


def test_an_edit_indexes_its_own_shard_again_even_in_a_new_process(
    fixture_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from builder.memo import Memo

    monkeypatch.setattr(search, "SHARD_BYTES", 1)
    indexed: list[list[str]] = []
    index = search._index

    async def counted(items, language):
        items = list(items)
        indexed.append([item.report for item in items])
        return await index(items, language)

    monkeypatch.setattr(search, "_index", counted)
    root = tmp_path / "project"
    options = {"write": False, "cache_root": root, "jobs": 1}
    assert build(fixture_project(tmp_path / "out", fixture_copy), Diagnostics(), **options)
    assert sorted(indexed) == [["2013-07-first"], ["2019-06-second"], ["2022-01-visit"]]
    report = fixture_copy / "reports" / "2019-06-second.md"
    report.write_text(report.read_text().replace("significant improvements", "real improvements"))
    indexed.clear()
    memo = Memo()  # as in a new process: the other shards come from the disk cache
    project = fixture_project(tmp_path / "out", fixture_copy)
    edited = build(project, Diagnostics(), cache=memo, **options)
    assert indexed == [["2019-06-second"]]
    fresh, _ = build_files(fixture_project(tmp_path / "fresh", fixture_copy))
    assert edited == {n: b for n, b in (fresh or {}).items()}


def test_filter_files_are_put_in_one_order_whatever_order_pagefind_wrote():
    """Pagefind writes a filter's values in hash-map order; the bundle must not depend on it."""
    values = [["2013", [0, 1]], ["2019", [2]], ["2022", [3, 4]]]

    def bundle(order: list[int]) -> dict[str, bytes]:
        name = search._hashed("en", ["year", [values[i] for i in order]], 7)
        meta = ["1.5.2", [], [], [["year", name], ["kind", "en_1234567"]], [], []]
        kind = ["kind", [["Inspection report", [0, 1, 2, 3, 4]]]]
        return {
            f"filter/{name}.pf_filter": search._pack(["year", [values[i] for i in order]]),
            "filter/en_1234567.pf_filter": search._pack(kind),
            "pagefind.en_0000000000.pf_meta": search._pack(meta),
            "pagefind-entry.json": b'{"version":"1.5.2","languages":{"en":{"hash":"en_0000000000","wasm":"en","page_count":5}}}',
        }

    one, other = search.canonical(bundle([2, 0, 1])), search.canonical(bundle([1, 2, 0]))
    assert one == other
    decoded = {
        n: search._decode(gzip.decompress(b)[len(search.SIGNATURE) :])
        for n, b in one.items()
        if n.endswith((".pf_filter", ".pf_meta"))
    }
    assert ["year", values] in decoded.values()
    (meta,) = [d for n, d in decoded.items() if n.endswith(".pf_meta")]
    assert [name for name, _ in meta[3]] == ["kind", "year"]
    assert all(f"filter/{h}.pf_filter" in one for _, h in meta[3])


def test_a_finished_shards_reader_holds_none_of_its_answers():
    """Each shard's reader of Pagefind's answers is stopped while it waits for more, and its
    frame lives on (in its exception's traceback) until garbage is collected, which a build
    does seldom. It held its last answer, the index files, megabytes a shard: on a national
    site, a tenth of the build's peak memory."""
    import asyncio
    import gc
    from concurrent.futures import ThreadPoolExecutor

    block = search.Block("p1", "paragraph", "1", "Children are seen alone.", ())
    record = search.Record("r", "/reports/r/", "A report", "2020", "2020-01-02", (), (block,))
    gc.collect()
    gc.disable()  # as seldom as a build collects: the frame is still there to look at
    try:
        # In a thread of its own, as a build runs it: away from any event loop of the caller's.
        with ThreadPoolExecutor(1) as thread:
            files = thread.submit(asyncio.run, search._index([record], "en")).result()
        readers = [
            o
            for o in gc.get_objects()
            if type(o).__name__ == "frame" and o.f_code.co_name == "_read_all"
        ]
        held = [v for f in readers for v in f.f_locals.values() if isinstance(v, bytes) and v]
    finally:
        gc.enable()
    assert "pagefind-entry.json" in files
    assert readers and held == []


def test_a_missing_pagefind_binary_is_one_clear_error(
    fixture_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    monkeypatch.chdir(tmp_path)
    files, diagnostics = build_files(fixture_project(tmp_path / "out", fixture_copy))
    assert files is None
    assert [d.format() for d in diagnostics.sorted()] == [
        "content/site.yml: error: search index not made: the Pagefind binary is not installed "
        "(pip install 'pagefind[bin]')"
    ]


def test_the_preview_makes_the_index_and_follows_each_save(
    fixture_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from builder.publish.serve import Preview

    preview = Preview(fixture_project(tmp_path / "out", fixture_copy))
    assert preview.rebuild()[1]
    assert "pagefind/pagefind.js" in preview.files
    swapped = threading.Event()
    swap = preview.swap_search

    def swap_and_tell(index: dict[str, bytes]) -> None:
        swap(index)
        swapped.set()

    preview.cache.search_later = swap_and_tell
    report = fixture_copy / "reports" / "2013-07-first.md"
    text = report.read_text()
    report.write_text(text.replace("should take the following", "should now take the following"))
    assert preview.rebuild()[1]  # the page shows at once; its index follows in the background
    assert swapped.wait(timeout=60)
    # The editor is told: a search made now finds the new words.
    assert capsys.readouterr().err.splitlines()[-1] == "search index updated"
    fresh, _ = build_files(fixture_project(tmp_path / "fresh", fixture_copy))
    assert fresh is not None

    def index(files: dict[str, bytes]) -> dict[str, bytes]:
        return {n: b for n, b in files.items() if n.startswith("pagefind/")}

    assert index(preview.files) == index(fresh)
    assert index(preview.files) != index(build_files(fixture_project(tmp_path / "old"))[0] or {})


def test_every_page_has_a_search_box_that_works_without_javascript(fixture_files):
    form = (
        '<form class="search-box" role="search" aria-label="Site" action="/search/" method="get">'
    )
    for name, blob in fixture_files.items():
        if name.endswith(".html"):
            assert form in blob.decode(), name
            assert '<label for="site-search">Search</label>' in blob.decode()
    page = fixture_files["search/index.html"].decode()
    assert 'href="/themes/">themes</a>' in page and 'href="/reports/">every report</a>' in page
    assert 'role="status" aria-live="polite"' in page
    assert page.count("<script") == 1  # the search page's own script
    # Elsewhere only a report page has one, its citations' copy buttons, and a page with a grade
    # chart or a recommendation's strip, which scrolls a focused link into view in its box.
    scripts = {
        name: blob.decode().count("<script")
        for name, blob in fixture_files.items()
        if blob.startswith(b"<!doc") and b"<script" in blob
    }
    charted = [n for n, blob in fixture_files.items() if b'<svg class="grade-chart"' in blob]
    assert sorted(charted) == ["index.html", "timeline/index.html"]
    stripped = [n for n, blob in fixture_files.items() if b'<table class="strip' in blob]
    assert "recommendations/index.html" in stripped and "themes/records/index.html" in stripped
    assert scripts == {
        "search/index.html": 1,
        **{n: 1 for n in fixture_files if re.fullmatch(r"reports/[^/]+/index\.html", n)},
        **{n: 1 for n in charted},
        **{n: 1 for n in stripped},
    }


def test_the_not_found_page_offers_search(fixture_files):
    page = fixture_files["404.html"].decode()
    assert '<label for="not-found-search">Search</label>' in page
    assert 'aria-label="Search for the missing page" action="/search/"' in page


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory) -> Path:
    """The fixture site under /history/ with each report in a search shard of its own."""
    root = tmp_path_factory.mktemp("sharded")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_BYTES", 1)
        diagnostics = Diagnostics()
        project = fixture_project(root / "history")
        assert build(project, diagnostics, base_url="https://history.example.org/history/")
    assert len(json.loads((root / "history" / "pagefind" / "shards.json").read_text())) == 2
    return root


NOTE = "/history/reports/2019-06-second/#there-have-been-significant-improvements-since"


@pytest.mark.parametrize("sharded", [False, True], ids=["one-bundle", "shards"])
@pytest.mark.parametrize(
    ("phrase", "target", "place", "text"),
    [
        ("records are up to date and clear", "/history/reports/2013-07-first/#p4", "¶4", "Most"),
        ("arrangements are not yet effective", "/history/reports/2019-06-second/#p1", "¶1", "Pri"),
        ("report is not in the collection", NOTE, "Editors’ note", "since the last inspection"),
    ],
    ids=["first-report", "second-report", "note"],
)
def test_reader_types_a_phrase_and_follows_the_first_hit(
    request, page, sharded, phrase, target, place, text
):
    root = request.getfixturevalue("sharded_site" if sharded else "sub_path_site")
    with serve_folder(root) as base:
        page.goto(f"{base}/history/reports/2013-07-first/")
        page.get_by_role("searchbox", name="Search").fill(phrase)
        page.keyboard.press("Enter")
        page.wait_for_url("**/history/search/?q=*")
        page.wait_for_selector("body[data-search-ready]")
        first = page.locator("#search-results .search-hit").first
        assert phrase in first.locator(".search-excerpt").inner_text()  # spaces between marks
        link = first.locator(".search-place a")  # the place, then the report (visually hidden)
        assert (link.text_content() or "").startswith(f"{place},")
        assert first.locator(".search-excerpt mark").count() >= 1
        link.click()
        page.wait_for_load_state()
        assert page.url == base + target
        assert text in page.evaluate("document.querySelector(':target').textContent")


def hits(page) -> list[str]:
    """The hits listed, as the paths of their links."""
    links = page.locator("#search-results .search-place a")
    return [h.split("/history/", 1)[1] for h in links.evaluate_all("as => as.map(a => a.href)")]


def test_results_name_their_report_are_counted_aloud_and_filtered(page, sub_path_site):
    with serve_folder(sub_path_site) as base:
        page.goto(f"{base}/history/search/?q=supervision")
        page.wait_for_selector("body[data-search-ready]")
        status = page.get_by_role("status")
        assert status.inner_text() == "5 passages in 3 reports for “supervision”"
        assert len(hits(page)) == 5
        names = page.locator("#search-results .search-report-name").all_inner_texts()
        assert len(names) == 5 and ", 2022 · Focused visit" in names
        assert not page.get_by_label("Year").is_visible()  # the filters are folded
        page.locator("#search-options > summary").click()
        page.get_by_label("Year").select_option("2022")
        page.wait_for_function("document.querySelectorAll('.search-hit').length == 2")
        assert page.url.endswith("?q=supervision&year=2022")
        assert status.inner_text() == "2 passages in 1 report for “supervision”"
        names = page.locator("#search-results .search-report-name").all_inner_texts()
        assert names == [", 2022 · Focused visit"] * 2
        # A phrase the reader quoted is shown as typed, not quoted twice.
        page.goto(f"{base}/history/search/?q=%22supervision+is+regular%22")
        page.wait_for_selector("body[data-search-ready]")
        page.wait_for_function(
            "document.querySelector('[role=status]').textContent.includes('for')"
        )
        assert status.inner_text().endswith(' for "supervision is regular"'), status.inner_text()


def test_theme_and_recommendation_keep_only_the_passages_that_carry_them(page, sub_path_site):
    with serve_folder(sub_path_site) as base:
        page.goto(f"{base}/history/search/?q=supervision&theme=Supervision")
        page.wait_for_selector("body[data-search-ready]")
        status = page.get_by_role("status")
        # The visit of 2022 has the theme, but only on the first of its two paragraphs that match.
        assert status.inner_text() == "4 passages in 3 reports for “supervision”"
        assert "reports/2022-01-visit/#for-a-small-number-of-staff" in hits(page)
        assert "reports/2022-01-visit/#supervision-was-also-a-concern-at" not in hits(page)
        assert page.locator("#search-options").get_attribute("open") is not None  # a filter is on
        page.get_by_label("Theme").select_option("")
        page.get_by_label("Tracked recommendation (editors’ notes)").select_option(
            "Regular supervision"
        )
        page.wait_for_function("document.querySelectorAll('.search-hit').length == 1")
        assert status.inner_text() == "1 passage in 1 report for “supervision”"
        note = page.locator(".search-hit-note")
        assert note.locator(".search-quote").inner_text() == "On “Supervision is regular”"
        assert hits(page) == ["reports/2013-07-first/#p2"]


def test_hits_from_every_shard_are_merged(page, sharded_site):
    with serve_folder(sharded_site) as base:
        page.goto(f"{base}/history/search/?q=supervision")
        page.wait_for_selector("body[data-search-ready]")
        assert page.get_by_role("status").inner_text() == (
            "5 passages in 3 reports for “supervision”"
        )
        reports = {h.split("#")[0] for h in hits(page)}
        assert reports == {
            "reports/2013-07-first/",
            "reports/2019-06-second/",
            "reports/2022-01-visit/",
        }
        years = page.get_by_label("Year").locator("option").all_text_contents()
        assert years == ["Any", "2013", "2019", "2022"]  # the filters of every shard


def test_markup_in_the_text_reaches_the_results_as_text(page, fixture_copy: Path, tmp_path: Path):
    report = fixture_copy / "reports" / "2013-07-first.md"
    attack = '<img src=x onerror="document.body.dataset.owned=1"> zanzibar'
    report.write_text(report.read_text().replace("and clear.", f"and clear. {attack}"))
    diagnostics = Diagnostics()
    assert build(fixture_project(tmp_path / "out", fixture_copy), diagnostics), messages(
        diagnostics
    )
    with serve_folder(tmp_path / "out") as base:
        page.goto(f"{base}/search/?q=zanzibar")
        page.wait_for_selector("body[data-search-ready]")
        excerpt = page.locator("#search-results .search-excerpt").first
        assert f"and clear. {attack}" in excerpt.inner_text()  # shown as the text it is
        # Pagefind ends a block that has no full stop with one, as part of its last word.
        assert excerpt.locator("mark").inner_text() in ("zanzibar", "zanzibar.")
        assert page.locator("#search-results img").count() == 0
        assert page.evaluate("document.body.dataset.owned") is None


def messages(diagnostics: Diagnostics) -> list[str]:
    return [d.format() for d in diagnostics.sorted()]


def test_search_page_passes_automated_accessibility_checks(page, sub_path_site):
    from axe_playwright_python.sync_playwright import Axe

    with serve_folder(sub_path_site) as base:
        page.goto(f"{base}/history/search/?q=private+fostering")
        page.wait_for_selector("body[data-search-ready]")
        assert page.locator("#search-fallback").is_hidden()
        results = Axe().run(
            page,
            options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}},
        )
        assert results.violations_count == 0, results.generate_report()


def test_without_javascript_the_search_page_explains_and_links(browser, sub_path_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    with serve_folder(sub_path_site) as base:
        page.goto(f"{base}/history/")
        page.get_by_role("searchbox", name="Search").fill("fostering")
        page.keyboard.press("Enter")
        page.wait_for_url("**/history/search/?q=fostering")
        assert page.locator("#search-fallback").is_visible()
        page.locator("#search-fallback").get_by_role("link", name="themes").click()
        assert page.url == f"{base}/history/themes/"
    context.close()


def test_a_memoised_build_keys_an_edited_reports_shard_anew(fixture_copy: Path):
    """The memo keeps each report's source key while its source is equal; an edit to its text
    (its body's blocks) makes a new key, so its shard is indexed again."""
    from builder.memo import Memo

    memo = Memo()
    project = fixture_project(Path("/nonexistent"), fixture_copy)
    assert build(project, Diagnostics(), write=False, cache=memo) is not None
    assert memo.search is not None
    first = memo.search[0]
    assert build(project, Diagnostics(), write=False, cache=memo) is not None
    assert memo.search[0] == first
    report = fixture_copy / "reports" / "2013-07-first.md"
    report.write_text(report.read_text().replace("3. The council should", "3. The council must"))
    assert build(project, Diagnostics(), write=False, cache=memo) is not None
    assert memo.search[0] != first


def test_a_search_source_is_kept_while_what_it_shows_stands(fixture_copy: Path, tmp_path: Path):
    """Every report's source was made again on every save (58,000 passages at 500 themed
    reports): one made from the very same view and records is the last build's, and a change
    to a title it shows makes it again."""
    from builder.memo import Memo
    from builder.pipeline import build

    memo = Memo()
    project = fixture_project(tmp_path / "out", fixture_copy)
    assert build(project, Diagnostics(), write=False, cache=memo) is not None
    before = {rid: found[3] for rid, found in memo.search_sources.items()}
    assert build(project, Diagnostics(), write=False, cache=memo) is not None
    assert all(memo.search_sources[rid][3] is source for rid, source in before.items())
    themes = fixture_copy / "themes.yml"
    themes.write_text(themes.read_text().replace("title: Supervision", "title: Oversight"))
    assert build(project, Diagnostics(), write=False, cache=memo) is not None
    shown = {t for _, found in memo.search_sources.items() for p in found[3][6] for t in p[4]}
    assert "Oversight" in shown and "Supervision" not in shown
