"""Numbered paragraphs, stable ids and quote anchoring: Markdown in, HTML and findings out."""

from __future__ import annotations

from builder.model.anchoring import Target
from builder.model.paragraphs import slugify
from builder.model.text import render_body
from builder.parse.records import Selector, Where

BODY = """## Overall effectiveness

14. Arrangements to respond to **concerns** are adequate. Supervision is regular.

15. Supervision is regular and recorded.

- Contacts and referrals are undertaken in a consistent manner.
- The children’s views are recorded.
"""


def anchor(*selectors: Selector, body: str = BODY):
    targets = [Target(f"note-{i + 1}", s, Where("r.md", 10 + i)) for i, s in enumerate(selectors)]
    return render_body(body, targets)


def test_numbered_paragraph_keeps_its_number_and_is_not_a_list():
    html = anchor().html
    assert (
        '<p id="p14"><a aria-label="Paragraph 14" class="pnum" href="#p14">14</a> Arrangements'
        in html
    )
    assert "<ol" not in html


def test_unnumbered_blocks_get_ids_from_their_words():
    html = anchor().html
    assert '<h2 id="overall-effectiveness">' in html
    assert '<li id="contacts-and-referrals-are-undertaken-in">' in html
    assert '<li id="the-childrens-views-are-recorded">' in html


def test_ids_do_not_shift_when_a_paragraph_is_inserted():
    before = anchor().html
    after = anchor(body="A new opening paragraph.\n\n" + BODY).html
    for block_id in (
        "p14",
        "p15",
        "contacts-and-referrals-are-undertaken-in",
        "overall-effectiveness",
    ):
        assert f'id="{block_id}"' in before and f'id="{block_id}"' in after


def test_slug_rule():
    assert slugify("The children’s views: 24.6% of them", 6) == "the-childrens-views-24-6-of"


def test_quote_is_highlighted_across_inline_markup():
    result = anchor(Selector("respond to concerns are"))
    assert not result.problems
    assert (
        '<mark class="annotated" data-annotation="note-1" id="note-1">respond to </mark><strong>'
        '<mark class="annotated" data-annotation="note-1">concerns</mark></strong>'
        '<mark class="annotated" data-annotation="note-1"> are</mark>'
    ) in result.html
    assert result.anchors["note-1"].block.number == "14"


def test_curly_and_straight_apostrophes_match():
    result = anchor(Selector("children's views"))
    assert not result.problems
    assert result.anchors["note-1"].block.id == "the-childrens-views-are-recorded"


def test_quote_not_unique_names_the_places():
    result = anchor(Selector("Supervision is regular"))
    assert [(p.where.line, p.message) for p in result.problems] == [
        (
            10,
            "quote is not unique: 'Supervision is regular' appears 2 times (¶14, ¶15); "
            "add 'prefix', 'suffix' or 'paragraph' to choose one",
        )
    ]


def test_prefix_suffix_and_paragraph_disambiguate():
    result = anchor(
        Selector("Supervision is regular", suffix="and recorded"),
        Selector("Supervision is regular", prefix="adequate."),
        Selector("Supervision is regular", paragraph="p15"),
    )
    assert not result.problems
    assert [result.anchors[k].block.id for k in ("note-1", "note-2", "note-3")] == [
        "p15",
        "p14",
        "p15",
    ]


def test_quote_not_found_and_case_hint():
    result = anchor(Selector("supervision is regular."), Selector("nowhere at all"))
    assert [p.message for p in result.problems] == [
        "quote not found: 'supervision is regular.' (it appears with different capitals: quotes are case-sensitive)",
        "quote not found: 'nowhere at all'",
    ]


def test_unknown_paragraph():
    result = anchor(Selector("Supervision", paragraph="p99"))
    assert [p.message for p in result.problems] == ["paragraph 'p99' not found in this report"]


def test_whole_paragraph_annotation_places_a_note_without_highlight():
    result = anchor(Selector(paragraph="p15"))
    assert not result.problems
    assert "<mark" not in result.html
    assert "</p>\n<!--aside:note-1-->" in result.html


def test_note_placeholder_sits_inside_a_list_item():
    result = anchor(Selector("consistent manner"))
    assert "<!--aside:note-1--></li>" in result.html


def test_raw_html_in_content_is_shown_not_run():
    result = anchor(body="5. A <script>alert(1)</script> [link](javascript:alert(1)).\n")
    assert "<script>" not in result.html
    assert "&lt;script&gt;" in result.html
    assert "javascript:" not in result.html


def test_duplicate_paragraph_numbers_are_found():
    result = anchor(body="3. One.\n\n4. Two.\n\n3. Three.\n")
    assert result.duplicate_numbers == (("3", 4),)


RESTARTED = """## The council

1. The council's first paragraph.

2. Its second.

## The safeguarding board {: numbering=LSCB }

### Findings

1. The board's first paragraph.

2. The board's second.

2. A number printed twice in one part.
"""


def test_numbers_that_start_again_under_a_marked_heading_are_that_parts():
    result = anchor(Selector("second", paragraph="lscb-p2"), body=RESTARTED)
    html = result.html_text
    # The council's paragraphs keep their ids; the board's are its own, showing the printed number.
    assert '<p id="p1"><a aria-label="Paragraph 1" class="pnum" href="#p1">1</a>' in html
    assert (
        '<p id="lscb-p1"><a aria-label="Paragraph LSCB 1" class="pnum" href="#lscb-p1">1</a> '
        "The board" in html
    )
    # The mark is no word of the heading, nor of its id.
    assert '<h2 id="the-safeguarding-board">The safeguarding board</h2>' in html
    assert "numbering" not in html
    assert [b.number for b in result.blocks if b.number] == [
        "1",
        "2",
        "LSCB 1",
        "LSCB 2",
        "LSCB 2",
    ]
    assert result.anchors["note-1"].block.id == "lscb-p2"
    # Numbers are unique within their part: only the board's second 2 is a duplicate.
    assert result.duplicate_numbers == (("LSCB 2", 14),)


def test_an_imported_table_renders_and_its_cells_are_quotable_text():
    body = (
        "3. All inspection judgements are made using the following four point scale:\n\n"
        "| Outstanding (Grade 1) | A service that significantly exceeds minimum requirements |\n"
        "| --- | --- |\n"
        "| Good (Grade 2) | A service that exceeds minimum requirements |\n"
    )
    result = anchor(Selector("exceeds minimum requirements |"), body=body)
    assert "<table" in result.html and "<td>Good (Grade 2)</td>" in result.html
    assert result.problems  # the pipe is markup, not the table's words
    result = anchor(Selector("Good (Grade 2)"), body=body)
    assert not result.problems
    assert (
        '<td><mark class="annotated" data-annotation="note-1" id="note-1">Good (Grade 2)</mark>'
        in result.html
    )


def test_an_items_link_and_notes_stay_with_its_words_before_its_own_list():
    body = (
        "- The proportion of children entitled to free school meals:\n"
        "    - in primary schools is 9.4%\n"
        "    - in secondary schools is 6.8%.\n"
    )
    result = anchor(Selector("entitled to free school meals"), body=body)
    assert not result.problems
    item = result.html[result.html.index("<li") : result.html.index("<ul>", 5)]
    assert item.endswith(
        'meals</mark>: <a aria-label="Link to this passage" class="selflink" '
        'href="#the-proportion-of-children-entitled-to">¶</a><!--aside:note-1-->'
    ), item
    # The sub-items keep theirs, after their own words.
    assert '9.4% <a aria-label="Link to this passage" class="selflink"' in result.html


def test_an_item_with_sub_items_is_quoted_with_each_set_apart():
    """Isle of Wight 2023: 'The quality of oversight and monitoring of:' and three sub-items, one
    recommendation. Its wording ran the items together ('(PLO) permanence for children private
    fostering')."""
    body = (
        "- The quality of oversight and monitoring of:\n"
        "    - the pre-proceedings process in the Public Law Outline (PLO)\n"
        "    - permanence for children\n"
        "    - private fostering.\n"
        "- Caseloads in the teams.\n"
    )
    result = anchor(Selector("The quality of oversight and monitoring of:"), body=body)
    assert not result.problems
    block = result.anchors["note-1"].block
    assert " ".join(block.text.split()) == (
        "The quality of oversight and monitoring of: • the pre-proceedings process in the Public "
        "Law Outline (PLO) • permanence for children • private fostering."
    )
    # Each sub-item is a block of its own, quoted as written.
    assert "permanence for children" in [b.text for b in result.blocks]
