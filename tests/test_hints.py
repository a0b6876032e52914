"""The assistant's hints: closest passages and ids, given only when plausible; exact messages."""

from __future__ import annotations

from builder.diagnostics import Diagnostics, did_you_mean
from builder.load.yamlread import load_yaml
from builder.model.anchoring import Block, Target
from builder.model.hints import closest_ids, closest_passage, mark_differences
from builder.model.text import render_body
from builder.parse.fields import Fields
from builder.parse.records import Selector, Where

BLOCKS = [
    Block("p14", "14", "Most children are seen alone, and their wishes and feelings are recorded."),
    Block("p15", "15", "Supervision of social workers is regular and reflective."),
]


def problems(body: str, selector: Selector) -> list[str]:
    rendered = render_body(body, [Target("note-1", selector, Where("r.md", 9))])
    return [p.message for p in rendered.problems]


def test_a_changed_word_is_marked_in_the_closest_passage():
    block, marked = closest_passage(BLOCKS, "their wishes and views are recorded")
    assert block.id == "p14"
    assert marked == "their wishes and [-views-]{+feelings+} are recorded."


def test_added_and_dropped_words_are_marked():
    assert mark_differences(["a", "b", "c"], ["a", "x", "b"]) == "a {+x+} b [-c-]"


def test_no_closest_passage_when_nothing_is_alike():
    assert closest_passage(BLOCKS, "the budget for school transport was overspent") is None


def test_quote_not_found_message_shows_the_closest_passage():
    body = "14. Most children are seen alone, and their wishes and feelings are recorded.\n"
    assert problems(
        body, Selector("children are seen alone, and their wishes and views", "", "", "")
    ) == [
        "quote not found: 'children are seen alone, and their wishes and views' (closest, in ¶14:"
        ' "children are seen alone, and their wishes and [-views-]{+feelings+}")'
    ]


def test_quote_not_found_with_a_prefix_does_not_suggest_the_quote_itself():
    body = "14. Most children are seen alone.\n"
    assert problems(body, Selector("children are seen", "Few", "", "")) == [
        "quote not found with the given prefix/suffix: 'children are seen'"
    ]


def test_unknown_paragraph_names_the_closest_ids():
    body = "## Private fostering\n\nArrangements for private fostering are weak.\n"
    assert problems(body, Selector("", "", "", "arrangement-for-private-fostering-are")) == [
        "paragraph 'arrangement-for-private-fostering-are' not found in this report"
        " (closest: arrangements-for-private-fostering-are-weak)"
    ]
    assert closest_ids("p99", ["p1", "p2"]) == []


def test_a_key_from_another_file_gets_no_misleading_hint():
    diagnostics = Diagnostics()
    data = load_yaml("id: x\norganisation: Example Council\nsumary: short\n")
    Fields(data, "r.md", diagnostics, "report front matter", ("id", "summary", "annotations"))
    assert [d.format() for d in diagnostics.sorted()] == [
        "r.md:2: error: unknown key 'organisation' in report front matter",
        "r.md:3: error: unknown key 'sumary' in report front matter (did you mean 'summary'?)",
    ]
    assert did_you_mean("gud", ["good", "inadequate"]) == " (did you mean 'good'?)"


def test_a_word_of_a_longer_id_is_suggested():
    """'oversight' is no typo of 'supervision-and-oversight', but it is one of its words."""
    themes = ["supervision-and-oversight", "voice-of-the-child", "workforce"]
    assert did_you_mean("oversight", themes) == " (did you mean 'supervision-and-oversight'?)"
    assert did_you_mean("child", themes) == " (did you mean 'voice-of-the-child'?)"
    assert did_you_mean("the", themes) == ""  # too short to mean anything
    assert did_you_mean("budget", themes) == ""


def test_an_id_close_to_none_is_told_where_the_ids_are_defined():
    """'unknown theme 'life-story'' said nothing more: the editor could not tell the ids from a
    misspelling's neighbours, nor where to add one."""
    from builder.model.references import _where_defined

    assert _where_defined("theme", ["records", "supervision"]) == (
        " (use one of: records, supervision; or add it to content/themes.yml)"
    )
    many = [f"theme-{n}" for n in range(30)]
    assert _where_defined("theme", many) == (
        " (hint: add it to content/themes.yml, or use one of the 30 defined there)"
    )
    assert _where_defined("tracked recommendation", []) == (
        " (hint: there are none yet: add it to content/recommendations.yml)"
    )
