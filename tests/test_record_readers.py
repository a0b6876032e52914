"""The record readers report every problem of a record in one run, whatever else is wrong with it."""

from __future__ import annotations

from builder.diagnostics import Diagnostics
from builder.parse.parse import parse_report

REPORT = """---
id: 2013-07-visit
title: A visit
kind: visit
published: 2013-07-08
authors: [{{name: Ofsted}}]
publisher: Ofsted
source: {{title: Letter}}
licence: {{name: OGL}}
{extra}
---
Text.
"""


def _messages(extra: str) -> list[str]:
    diagnostics = Diagnostics()
    parse_report(REPORT.format(extra=extra), "content/reports/2013-07-visit.md", diagnostics)
    return [d.format() for d in diagnostics.sorted()]


def test_a_judgement_without_an_area_still_has_its_other_keys_checked():
    assert _messages("judgements:\n  - {headline: maybe}") == [
        "content/reports/2013-07-visit.md:11: error: 'headline' must be true or false, not 'maybe'",
        "content/reports/2013-07-visit.md:11: error: judgement is missing required key 'area'",
        "content/reports/2013-07-visit.md:11: error: judgement is missing required key 'grade'",
    ]


def test_an_unanchored_annotation_still_has_its_other_keys_checked():
    assert _messages("annotations:\n  - {note: x, basis: guessed, prefix: [a]}") == [
        "content/reports/2013-07-visit.md:11: error: 'basis' says where a status comes from: add a 'status'",
        "content/reports/2013-07-visit.md:11: error: 'prefix' must be text, not a list",
        "content/reports/2013-07-visit.md:11: error: annotation needs a 'quote' or a 'paragraph' to anchor it to the text",
        "content/reports/2013-07-visit.md:11: error: unknown basis 'guessed' (use one of: stated, inferred, elsewhere)",
    ]


def test_an_unanchored_recommendation_still_has_its_other_keys_checked():
    assert _messages("recommendations:\n  - {tracks: r, themes: [Bad]}") == [
        "content/reports/2013-07-visit.md:11: error: 'themes' has an invalid id 'Bad'",
        "content/reports/2013-07-visit.md:11: error: recommendation needs a 'quote' or a 'paragraph' to anchor it to the text",
    ]
