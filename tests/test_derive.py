"""The one derivation of a tracked recommendation's history: statuses, first raised, open, silence."""

from __future__ import annotations

from builder.model.derive import ReportWord, derive_all, derive_standing


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
    assert derive_standing(words("raised", "positive")).standing == "met"
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
