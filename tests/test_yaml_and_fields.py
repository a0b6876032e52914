"""The YAML reader keeps line numbers; the field reader turns bad values into exact messages."""

from __future__ import annotations

import pytest

from builder.diagnostics import Diagnostics
from builder.load.yamlread import YamlProblem, load_yaml
from builder.parse.fields import Fields
from builder.parse.records import PartialDate


def test_lines_are_kept_for_keys_and_items():
    data = load_yaml("title: x\nitems:\n  - a\n  - {b: 1}\n", first_line=3)
    assert data.key_lines == {"title": 3, "items": 4}
    assert data["items"].item_lines == [5, 6]
    assert data["items"][1].key_lines == {"b": 6}


def test_dates_stay_text_so_bad_dates_get_a_line():
    assert load_yaml("d: 2013-02-30")["d"] == "2013-02-30"


def test_duplicate_key_is_a_problem_with_both_lines():
    with pytest.raises(YamlProblem) as info:
        load_yaml("a: 1\nb: 2\na: 3\n")
    assert info.value.line == 3
    assert info.value.message == "duplicate key 'a' (first given on line 1)"


def test_syntax_error_has_line_and_hint():
    with pytest.raises(YamlProblem) as info:
        load_yaml("title: ok\nnote: a: b\n")
    assert info.value.line == 2
    assert "hint: put quotes around a value that contains ': '" in info.value.message


def _fields(text: str, allowed: tuple[str, ...]) -> tuple[Fields, Diagnostics]:
    diagnostics = Diagnostics()
    return Fields(load_yaml(text), "x.yml", diagnostics, "theme", allowed), diagnostics


def test_unknown_key_suggests_the_closest():
    _, diagnostics = _fields("id: a\ntitel: b\n", ("id", "title"))
    assert [d.format() for d in diagnostics.sorted()] == [
        "x.yml:2: error: unknown key 'titel' in theme (did you mean 'title'?)"
    ]


def test_missing_and_wrong_types():
    f, diagnostics = _fields("id: [a]\n", ("id", "title"))
    f.text("title", required=True)
    f.text("id")
    assert [d.format() for d in diagnostics.sorted()] == [
        "x.yml:1: error: 'id' must be text, not a list",
        "x.yml:1: error: theme is missing required key 'title'",
    ]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2013-07-08", PartialDate(2013, 7, 8)),
        ("2019-06", PartialDate(2019, 6)),
        ("2015", PartialDate(2015)),
    ],
)
def test_partial_dates(value, expected):
    f, diagnostics = _fields(f"d: '{value}'\n", ("d",))
    assert f.date_fact("d").start == expected
    assert not diagnostics.items


def test_impossible_date_and_range():
    f, diagnostics = _fields("d: 2013-02-30\nr: {start: 2013-07-17, end: 2013-07-08}\n", ("d", "r"))
    f.date_fact("d")
    f.date_fact("r")
    assert [d.format() for d in diagnostics.sorted()] == [
        "x.yml:1: error: 'd' is not a real date: '2013-02-30'",
        "x.yml:2: error: 'r' ends (2013-07-08) before it starts (2013-07-17)",
    ]


def test_inferred_date_needs_a_note():
    f, diagnostics = _fields("d: {start: '2019-06', basis: elsewhere}\n", ("d",))
    f.date_fact("d")
    assert [d.message for d in diagnostics.items] == [
        "'d' has basis 'elsewhere' but no 'note' saying where the date comes from"
    ]


def test_date_labels():
    assert PartialDate(2013, 7, 8).label == "8 July 2013"
    assert PartialDate(2019, 6).label == "June 2019"
    assert PartialDate(2015).label == "2015"


def test_keys_stay_as_written():
    assert list(load_yaml("on: 1\n01: x\n2013-07: z\n")) == ["on", "01", "2013-07"]


def test_more_keys_after_a_quoted_value_are_said_with_their_own_hint():
    """An editor added ', tracks: x' after a block item's quoted value, as braces allow: the
    hint said to check the indentation, which was right."""
    with pytest.raises(YamlProblem) as found:
        load_yaml('annotations:\n  - quote: "Supervision is regular", tracks: x\n')
    assert found.value.line == 2
    assert str(found.value) == (
        "invalid YAML: did not find expected key (hint: a quoted value ends its line here: put "
        'each key on a line of its own, lined up, or the whole item in braces: {quote: "…", '
        "tracks: …})"
    )


def test_a_line_indented_out_of_step_is_said_with_a_hint():
    """'did not find expected '-' indicator' named the right line and said nothing of why."""
    for text in (
        "annotations:\n  - quote: a\n    tracks: b\n   status: raised\n",
        "a:\n  b: 1\n c: 2\n",
    ):
        with pytest.raises(YamlProblem) as found:
            load_yaml(text)
        assert str(found.value).endswith(
            "(hint: check this line's indentation: it should line up with the lines above)"
        )
