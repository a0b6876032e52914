"""The one derivation of a tracked recommendation's history: statuses, first raised, open, silence."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from builder.model.derive import RECORDED, Cell, Column, ReportWord, derive_all, derive_standing


def words(*recorded: str, summaries: tuple[int, ...] = ()) -> list[ReportWord]:
    return [ReportWord(f"r{i}", status, i in summaries) for i, status in enumerate(recorded)]


def statuses(*recorded: str, **kwargs) -> list[str]:
    return [c.status for c in derive_standing(words(*recorded, **kwargs)).cells]


def test_a_concern_raised_by_a_later_report_is_raised_again():
    assert statuses("raised", "", "raised", "raised") == [
        "raised",
        "not-mentioned",
        "raised-again",
        "raised-again",
    ]


def test_first_raised_is_the_first_report_that_raised_it_not_the_first_that_spoke():
    standing = derive_standing(words("positive", "raised", "progress"))
    assert standing.first_raised == "r1"
    assert standing.times_raised == 1
    assert not standing.recurring


def test_typed_raised_again_means_raised_and_is_derived_again():
    assert statuses("raised-again", "raised") == ["raised", "raised-again"]


def test_open_means_the_latest_word_is_a_concern():
    assert derive_standing(words("raised", "", "")).standing == "open"
    assert derive_standing(words("raised", "progress", "")).standing == "progress"
    assert derive_standing(words("raised", "met")).standing == "met"
    assert derive_standing(words("raised", "positive")).standing == "positive"
    assert derive_standing(words("positive", "")).standing == "strength"
    assert derive_standing(words("", "")).standing == ""


def test_progress_last_is_still_open_and_says_how_long_the_reports_were_silent():
    standing = derive_standing(words("raised", "progress", "", ""))
    assert standing.is_open
    assert not derive_standing(words("raised", "met", "")).is_open
    assert standing.last_assessed == "r1"
    assert standing.silent_since == 2


def test_silence_in_an_editors_summary_is_not_known():
    standing = derive_standing(words("raised", "", "", summaries=(1,)))
    assert [c.status for c in standing.cells] == ["raised", "not-known", "not-mentioned"]
    assert standing.silent_since == 2
    assert standing.unknown_since == 1


def test_silence_outside_a_reports_remit_is_said_apart_and_a_word_there_still_counts():
    columns = [
        Column("a", scopes=frozenset({"council", "lscb"})),
        Column("b", scopes=frozenset({"council"})),  # a framework that reviews no board
        Column("c"),  # one limited to no scope
        Column("d", scopes=frozenset({"council"})),
    ]
    result = derive_all(
        columns,
        {"a": {"board": "raised", "council": "raised"}, "d": {"council": "met"}},
        recommendations=["board", "council"],
        scopes={"board": "lscb"},
    )
    board = result["board"]
    assert [c.status for c in board.cells] == [
        "raised",
        "not-covered",
        "not-mentioned",
        "not-covered",
    ]
    assert (board.silent_since, board.uncovered_since, board.standing) == (3, 2, "open")
    # A concern without a scope is the whole service's: every report's silence is its own.
    assert [c.status for c in result["council"].cells] == [
        "raised",
        "not-mentioned",
        "not-mentioned",
        "met",
    ]
    # What a report outside the remit does say of it still counts.
    spoken = derive_all(
        columns,
        {"a": {"board": "raised"}, "b": {"board": "met"}},
        recommendations=["board"],
        scopes={"board": "lscb"},
    )
    assert spoken["board"].standing == "met"


def test_earlier_and_later_skip_reports_that_are_silent():
    standing = derive_standing(words("raised", "", "progress", "", "met"))
    assert standing.earlier("r2").report == "r0"
    assert standing.later("r2").report == "r4"
    assert standing.earlier("r0") is None
    assert standing.later("r4") is None


def test_derive_all_reads_each_reports_record():
    result = derive_all(
        ["a", "b"],
        {"a": {"x": "raised"}, "b": {"x": "raised", "y": "met"}},
        recommendations=["x", "y"],
    )
    assert [c.status for c in result["x"].cells] == ["raised", "raised-again"]
    assert result["y"].standing == "met"
    assert result["y"].first_raised == ""


# ---- Standings that follow the reports' words ----------------------------------------------------


def test_a_positive_mention_after_a_concern_is_not_met():
    # The domestic abuse history: raised in 2013, responses praised in 2019, never found met.
    standing = derive_standing(words("raised", "positive"))
    assert standing.standing == "positive"
    assert not standing.is_open
    assert standing.last_met == ""


def test_met_then_praised_is_not_met_but_says_when_it_was_last_found_met():
    standing = derive_standing(words("raised", "met", "positive"))
    assert standing.standing == "positive"
    assert standing.last_met == "r1"


def test_met_needs_the_latest_word_to_find_it_met():
    assert derive_standing(words("raised", "met", "")).standing == "met"
    assert derive_standing(words("raised", "met", "raised")).standing == "open"


def test_progress_without_a_raise_is_a_concern_raised_before_the_collection():
    # The safeguarding board: progress in 2013, praised in 2019; no document raises it.
    standing = derive_standing(words("", "progress", "positive"))
    assert standing.standing != "strength"
    assert standing.concern
    assert standing.before_collection
    assert standing.first_raised == ""


def test_only_praise_is_a_strength():
    standing = derive_standing(words("positive", "", "positive"))
    assert standing.standing == "strength"
    assert not standing.concern
    assert not standing.before_collection


def test_an_earlier_inspection_as_a_report_reports_it_is_first_raised():
    # The 2011 letter says its finding was an area for development at the July 2010 inspection.
    history = [
        ReportWord("2010-inspection", "raised", by="r0"),
        ReportWord("r0", "raised"),
        ReportWord("r1", ""),
    ]
    standing = derive_standing(history)
    assert standing.first_raised == "2010-inspection"
    assert [c.status for c in standing.cells] == ["raised-again", "not-mentioned"]
    assert standing.times_raised == 2
    assert standing.recurring
    assert standing.reported == (Cell("2010-inspection", "raised", "reported", "r0"),)
    assert standing.last_assessed == "r0"
    assert standing.silent_since == 1


def test_a_report_that_only_reports_an_earlier_concern_is_its_latest_word():
    history = [ReportWord("2010-inspection", "raised", by="r0"), ReportWord("r0", "")]
    standing = derive_standing(history)
    assert standing.standing == "open"
    assert standing.last_assessed == "r0"
    assert standing.silent_since == 0


def test_an_inferred_status_keeps_its_basis_in_its_cell():
    standing = derive_standing(
        [ReportWord("r0", "raised"), ReportWord("r1", "met", basis="inferred")]
    )
    assert [c.basis for c in standing.cells] == ["stated", "inferred"]


def test_derive_all_places_reported_inspections_in_date_order():
    result = derive_all(
        [Column("a"), Column("old", inspection=True), Column("b")],
        {"a": {"x": "positive"}, "b": {"x": ("raised", "inferred")}},
        recommendations=["x"],
        reported={"old": {"x": ("raised", "b")}},
    )
    standing = result["x"]
    assert standing.first_raised == "old"
    assert [(c.status, c.basis) for c in standing.cells] == [
        ("positive", "stated"),
        ("raised-again", "inferred"),
    ]


_WORDS = st.lists(st.sampled_from(["", "raised", "progress", "met", "positive"]), max_size=7)


@given(_WORDS, st.lists(st.tuples(st.integers(0, 6), st.sampled_from(RECORDED)), max_size=3))
def test_the_rules_hold_for_any_history(recorded, earlier):
    """Met only where the latest word found it met; first raised at the earliest concern; a
    concern in the history is never "a strength"."""
    history = [ReportWord(f"r{i}", s) for i, s in enumerate(recorded)]
    for position, status in sorted(earlier, reverse=True):
        if position < len(history):
            by = history[position].report
            history.insert(position, ReportWord(f"e{position}-{status}", status, by=by))
    standing = derive_standing(history)
    spoken = [w for w in history if w.recorded]
    latest = spoken[-1].recorded if spoken else ""
    assert (standing.standing == "met") == (latest == "met")
    raised = [w.report for w in history if w.recorded == "raised"]
    assert standing.first_raised == (raised[0] if raised else "")
    concern = any(w.recorded in ("raised", "progress", "met") for w in history)
    assert (standing.standing == "strength") == (bool(spoken) and not concern)
    assert standing.is_open == (latest in ("raised", "progress"))
    assert len(standing.cells) == len(recorded)
