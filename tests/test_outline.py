"""A report body's HTML is read once, when it is rendered; views, search and page keys share it."""

from __future__ import annotations

from conftest import FIXTURE

from builder.diagnostics import Diagnostics
from builder.load.load import read_sources
from builder.memo import SharedRecords
from builder.model.outline import Heading, TextBlock, outline_of
from builder.model.site import build_model
from builder.parse.content import parse_content
from builder.render import search
from builder.render.render import SHARED_RECORDS
from builder.urls import Urls
from builder.views.pages import plan_report_pages


def _site():
    diagnostics = Diagnostics()
    content = parse_content(
        read_sources(FIXTURE / "content", diagnostics), diagnostics, "content", {}
    )
    return build_model(content, diagnostics, {})


def test_the_outline_reads_headings_and_anchored_blocks():
    html = (
        '<h2 id="a">One &amp; <em>two</em></h2><p id="p1" data-number="1">'
        '<a class="pnum" href="#p1" aria-label="Paragraph 1">1</a>Some\n  words.</p>'
        '<h3 class="x" id="b">No contents entry</h3><h3 id="c">Three</h3>'
        '<ul><li id="li-1">An <strong>item</strong></li></ul><table><tr><td>cell</td></tr></table>'
    )
    outline = outline_of(html)
    assert outline.top_level == 2
    assert outline.headings == (Heading(2, "a", "One & two"), Heading(3, "c", "Three"))
    assert outline.blocks == (TextBlock("p1", "1", "Some words."), TextBlock("li-1", "", "An item"))


def test_a_footnotes_mark_is_no_word_of_its_heading_or_block():
    from builder.model.text import render_body

    body = (
        "## Review of the safeguarding board[^1]\n\n"
        "The board requires improvement[^2] in two areas.\n\n"
        "[^1]: A combined report.\n[^2]: As the board's chair said.\n"
    )
    outline = outline_of(render_body(body, []).html)
    assert [h.title for h in outline.headings] == ["Review of the safeguarding board"]
    assert outline.blocks[0].text == "The board requires improvement in two areas."


def test_every_rendered_body_carries_its_outline_and_search_reads_it():
    site = _site()
    for view in site.reports:
        assert view.outline == outline_of(view.body_html)
        assert view.outline.blocks
        source = search.source_of(view, site)
        assert view.body_html not in source  # search is given the blocks, never the HTML
        assert search.record_of(source, Urls("/", "")).blocks[0].text == view.outline.blocks[0].text


def test_a_report_page_key_names_its_body_by_key_not_by_its_bytes():
    site = _site()
    urls = Urls(site.settings.base_path, site.settings.url)
    view = site.reports[0]
    pages = list(plan_report_pages(site, urls, lambda name: name, [view.report.id]))
    page = next(p for p in pages if p.inputs is not None)
    blob, named = SharedRecords(SHARED_RECORDS).serialise(page)
    assert f"body-{view.body_key}" in named
    paragraph = view.outline.blocks[0].text
    assert paragraph.encode() not in blob  # the page's key never hashes the body's bytes


def test_a_block_whose_words_anchoring_read_alike_shares_their_very_string():
    """At 500 real reports the text held twice (anchoring's blocks, the outline's) was 40 MB of
    a build's peak memory: equal words are one string."""
    from builder.model.text import render_body

    body = "1. Children are seen *alone* and their wishes recorded.\n\n2. Plans are reviewed.\n"
    rendered = render_body(body, [])
    anchored = {b.id: b.text for b in rendered.blocks}
    assert rendered.outline.blocks
    for block in rendered.outline.blocks:
        assert block.text == anchored[block.id]
        assert block.text is anchored[block.id]
    # Words that differ (a line break the outline folds) keep their own string.
    changed = outline_of('<p id="a">one\ntwo</p>', {"a": "one\ntwo"})
    assert changed.blocks == (TextBlock("a", "", "one two"),)
