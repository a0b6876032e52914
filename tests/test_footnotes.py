"""A report's footnotes ('[^1]' and '[^1]: text', as an import writes them) render and anchor."""

from __future__ import annotations

from builder.model.text import render_body


def test_footnotes_render_with_ids_made_from_their_words():
    rendered = render_body("1. Text with a note[^1] here.\n\n[^1]: The note's own words.\n", [])
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in rendered.html
    assert '<li id="fn:1">' in rendered.html
    assert 'title="Back to the text of note 1">↩</a>' in rendered.html
    # Named by its words, not the arrow it shows (a screen reader said 'leftwards arrow').
    assert 'aria-label="Back to the text of note 1"' in rendered.html
    # The note is a block of its own, quotable, with an id from its words, no placeholders.
    note = rendered.blocks[-1]
    assert note.id == "the-notes-own-words"
    assert note.text.startswith("The note's own words.")
    assert "\x02" not in rendered.html and "zz" not in note.id
