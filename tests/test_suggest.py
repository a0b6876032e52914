"""Themes that say how to recognise them, and the annotations an import suggests from them.

A theme's `terms` are checked where they are written; each paragraph and listed finding of a
draft that uses a term gets an annotation naming the themes, with a comment saying which words.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build_files, fixture_project

from builder.diagnostics import Diagnostics
from builder.editing.suggest import (
    SUGGESTED,
    Suggestion,
    TermMatcher,
    ThemeTerms,
    annotation_lines,
    project_themes,
    suggestions,
)
from builder.parse.parse import parse_list, parse_report, parse_theme

FRONT = ThemeTerms(
    "front-door", "Contact, referral and thresholds", ("thresholds", "referrals", "MASH")
)
PROTECTION = ThemeTerms(
    "child-protection", "Child protection", ("child protection", "strategy meetings")
)
PLANNING = ThemeTerms("planning", "Planning and review", ("child protection plans", "core groups"))
VOICE = ThemeTerms("voice-of-the-child", "The voice of the child", ("children's views",))
CARE = ThemeTerms("care-leavers", "Care leavers", ("care leavers", "pathway plans", "multi-agency"))
THEMES = (FRONT, PROTECTION, PLANNING, VOICE, CARE)


def matched(text: str, themes: tuple[ThemeTerms, ...] = THEMES) -> dict[str, tuple[str, ...]]:
    return {theme.id: terms for theme, terms in TermMatcher(themes).match(text)}


def themes_file(terms: str) -> tuple[list[str], tuple]:
    text = f"- id: front-door\n  title: Front door\n  description: The front door.\n{terms}"
    diagnostics = Diagnostics()
    themes = parse_list(text, "content/themes.yml", diagnostics, "theme", parse_theme)
    return [d.format() for d in diagnostics.sorted()], themes


# -- the schema ------------------------------------------------------------------------------


def test_a_theme_lists_its_terms_as_written():
    messages, themes = themes_file("  terms: [thresholds, Front  door, children's views]\n")
    assert messages == []
    assert themes[0].terms == ("thresholds", "Front door", "children's views")


def test_a_theme_without_terms_has_none():
    messages, themes = themes_file("")
    assert messages == [] and themes[0].terms == ()


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("  terms:\n    - thresholds\n    - ''\n", "6: error: 'terms' has an empty term"),
        ("  terms:\n    - thresholds\n    -\n", "6: error: 'terms' has an empty term"),
        (
            "  terms:\n    - Thresholds\n    - thresholds\n",
            "6: error: the term 'thresholds' is listed twice (first on line 5; terms match "
            "whatever their case)",
        ),
        (
            "  terms:\n    - thresholds\n    - 2004\n",
            "6: error: the term 2004 is read as a number, not text (hint: quote it: '2004')",
        ),
        (
            "  terms:\n    - thresholds\n    - yes\n",
            "6: error: 'terms' has a yes/no value where a word belongs (hint: quote the word)",
        ),
        (
            "  terms:\n    - thresholds\n    - [a, b]\n",
            "6: error: 'terms' has a list where a word or phrase belongs",
        ),
        (
            "  terms:\n    - thresholds\n    - '!!'\n",
            "6: error: the term '!!' has no letter or digit: it can never match",
        ),
        (
            "  terms:\n    - thresholds\n    - 'front *door*'\n",
            "6: error: the term 'front *door*' has '*': a term is words (letters, digits, "
            "spaces, and - ' ’ . / & ,)",
        ),
        (
            "  terms: thresholds\n",
            "4: error: 'terms' must be a list of words or phrases (hint: terms: [thresholds, "
            "front door])",
        ),
    ],
)
def test_a_bad_term_is_one_message_on_its_line(terms, message):
    messages, themes = themes_file(terms)
    assert messages == [f"content/themes.yml:{message}"]
    assert themes == ()  # a theme with a problem is left out, as any theme with one is


def test_every_bad_term_is_reported_in_one_run():
    messages, _ = themes_file("  terms:\n    - ''\n    - 7\n    - referrals\n    - REFERRALS\n")
    assert [m.split(": error: ")[0] for m in messages] == [
        "content/themes.yml:5",
        "content/themes.yml:6",
        "content/themes.yml:8",
    ]


# -- matching --------------------------------------------------------------------------------


def test_a_term_matches_whole_words_only():
    assert matched("Partners understand the thresholds.") == {"front-door": ("thresholds",)}
    assert matched("The threshold is clear, and thresholdsx is no word.") == {}
    assert matched("The MASHED potatoes; children’s viewsx.") == {}
    # A hyphen parts words, as in an editor's whole-word search.
    assert matched("A re-referrals rate.") == {"front-door": ("referrals",)}


def test_a_term_matches_whatever_its_case():
    assert matched("THRESHOLDS and the mash and Child Protection") == {
        "front-door": ("thresholds", "MASH"),
        "child-protection": ("child protection",),
    }


def test_a_phrase_matches_across_a_line_break_and_a_typeset_apostrophe():
    assert matched("Child\nprotection, and children’s  views") == {
        "child-protection": ("child protection",),
        "voice-of-the-child": ("children's views",),
    }


def test_a_term_inside_a_longer_one_is_found_too():
    # 'child protection plans' holds 'child protection': both themes are suggested.
    assert matched("Child protection plans are reviewed.") == {
        "child-protection": ("child protection",),
        "planning": ("child protection plans",),
    }


def test_a_hyphenated_term_and_the_same_word_in_two_themes():
    both = ThemeTerms("partnership-working", "Partnership working", ("multi-agency",))
    found = matched("Strong multi‑agency work.", (CARE, both))
    assert found == {"care-leavers": ("multi-agency",), "partnership-working": ("multi-agency",)}


def test_themes_come_in_their_order_and_terms_in_the_themes_order():
    text = "Pathway plans for care leavers; strategy meetings; referrals and thresholds."
    assert list(TermMatcher(THEMES).match(text)) == [
        (FRONT, ("thresholds", "referrals")),
        (PROTECTION, ("strategy meetings",)),
        (CARE, ("care leavers", "pathway plans")),
    ]


def test_no_terms_match_nothing():
    assert matched("thresholds", (ThemeTerms("a", "A", ()),)) == {}


# -- the basis ---------------------------------------------------------------------------------


def test_the_basis_says_which_words_suggested_the_theme():
    one = Suggestion("p14", "paragraph", ((FRONT, ("thresholds",)),))
    assert one.basis == "suggested: the paragraph mentions 'thresholds'"
    two = Suggestion("p14", "paragraph", ((FRONT, ("thresholds", "referrals", "MASH")),))
    assert two.basis == "suggested: the paragraph mentions 'thresholds', 'referrals' and 'MASH'"
    several = Suggestion(
        "the-quality-of", "finding", ((FRONT, ("thresholds",)), (VOICE, ("children's views",)))
    )
    assert several.basis == (
        "suggested: the listed finding mentions 'thresholds' (Contact, referral and "
        "thresholds); 'children's views' (The voice of the child)"
    )


# -- a draft's annotations -------------------------------------------------------------------

BODY = """\
## Strategy meetings are timely

1. Partners understand the thresholds, and children's views are sought.[^1]

2. Nothing here speaks of any theme.

3. Child protection plans are reviewed in core groups.

Care leavers have pathway plans.

- The quality of strategy meetings.
- Something else entirely.

| Thresholds | Good |
| --- | --- |
| a | b |

[^1]: Referrals to the MASH.
"""


def test_each_paragraph_and_listed_finding_that_uses_a_term_gets_an_annotation():
    assert annotation_lines(suggestions(BODY, THEMES)) == [
        SUGGESTED,
        "  - paragraph: 1  # suggested: the paragraph mentions 'thresholds' (Contact, referral "
        "and thresholds); 'children's views' (The voice of the child)",
        "    themes: [front-door, voice-of-the-child]",
        "  - paragraph: 3  # suggested: the paragraph mentions 'child protection' (Child "
        "protection); 'child protection plans' and 'core groups' (Planning and review)",
        "    themes: [child-protection, planning]",
        "  - paragraph: care-leavers-have-pathway-plans  # suggested: the paragraph mentions "
        "'care leavers' and 'pathway plans'",
        "    themes: [care-leavers]",
        "  - paragraph: the-quality-of-strategy-meetings  # suggested: the listed finding "
        "mentions 'strategy meetings'",
        "    themes: [child-protection]",
    ]
    # Headings, tables and footnotes are not passages to theme: they are left alone.


def test_no_match_and_no_terms_give_no_annotations():
    assert annotation_lines(suggestions("1. Nothing to see.\n", THEMES)) == []
    assert annotation_lines(suggestions(BODY, (ThemeTerms("a", "A", ()),))) == []


def test_an_id_yaml_would_misread_is_quoted():
    found = suggestions("2019\n\nyes\n\nthresholds\n", (ThemeTerms("a", "A", ("2019", "yes")),))
    lines = annotation_lines(found)
    assert lines[1].startswith('  - paragraph: "2019"  # suggested:')
    assert lines[3].startswith('  - paragraph: "yes"  # suggested:')


def test_the_suggested_annotations_check_as_a_drafts_annotations():
    front = [
        "---",
        "draft: true",
        "id: 2023-09-inspection-report",
        "title: A report",
        "kind: inspection-report",
        "published: 2023-10-01",
        "publisher: Ofsted",
        "source: {title: A report}",
        "licence: {name: Crown copyright}",
        "authors: [{name: A. Inspector}]",
        *annotation_lines(suggestions(BODY, THEMES)),
        "---",
    ]
    diagnostics = Diagnostics()
    path = "content/reports/2023-09-inspection-report.md"
    report = parse_report("\n".join(front) + "\n" + BODY, path, diagnostics)
    assert report is not None
    assert [d.severity for d in diagnostics.items] == ["warning"]  # the draft's own
    assert [(a.selector.paragraph, a.themes) for a in report.annotations] == [
        ("p1", ("front-door", "voice-of-the-child")),
        ("p3", ("child-protection", "planning")),
        ("care-leavers-have-pathway-plans", ("care-leavers",)),
        ("the-quality-of-strategy-meetings", ("child-protection",)),
    ]


def test_suggestions_are_the_same_under_any_hash_seed():
    script = (
        "from builder.editing.suggest import annotation_lines, suggestions\n"
        "from test_suggest import BODY, THEMES\n"
        "print('\\n'.join(annotation_lines(suggestions(BODY, THEMES))))\n"
    )
    outputs = set()
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"},
        )
        outputs.add(done.stdout)
    assert outputs == {"\n".join(annotation_lines(suggestions(BODY, THEMES))) + "\n"}


def test_the_projects_themes_with_terms_and_its_problems(tmp_path: Path):
    (tmp_path / "themes.yml").write_text(
        "- {id: a, title: A, description: d, terms: [thresholds]}\n"
        "- {id: b, title: B, description: d}\n"
        "- {id: c, title: C, description: d, terms: ['']}\n",
        encoding="utf-8",
    )
    assert project_themes(tmp_path) == ((ThemeTerms("a", "A", ("thresholds",)),), 1)
    assert project_themes(tmp_path / "missing") == ((), 0)


def test_the_starter_themes_all_have_terms_that_check():
    themes, problems = project_themes(ROOT / "builder" / "starter" / "content")
    assert problems == 0
    assert len(themes) >= 20 and all(theme.terms for theme in themes)


# -- the theme rules and drafts --------------------------------------------------------------


def test_the_theme_rules_hold_confirmed_reports_not_drafts(fixture_copy: Path):
    site = fixture_copy / "site.yml"
    site.write_text(site.read_text() + "rules:\n  every_listed_finding_themed: true\n")
    visit = fixture_copy / "reports" / "2022-01-visit.md"
    confirmed = visit.read_text() + "\n- **Audits** are not yet used well.\n"
    visit.write_text(
        confirmed.replace("\nid: 2022-01-visit\n", "\ndraft: true\nid: 2022-01-visit\n")
    )
    _, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    assert [d.message.split(":")[0] for d in diagnostics.sorted()] == [
        "a draft, not yet confirmed by an editor"
    ]
    visit.write_text(confirmed)  # confirmed: the rule holds it
    _, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    assert [d.message.split(" (rule")[0] for d in diagnostics.sorted()] == [
        "finding 'Audits are not yet used well.' has no theme"
    ]


def test_the_national_recipe_lists_the_starter_themes_as_init_writes_them():
    starter = yaml.safe_load((ROOT / "builder/starter/content/themes.yml").read_text("utf-8"))
    recipe = (ROOT / "docs" / "national.md").read_text(encoding="utf-8")
    listed = re.findall(r"(?m)^\| `([a-z-]+)` \| ([^|]+) \| ([^|]+) \((\d+) in all\) \|$", recipe)
    assert [(i, title.strip(), first.strip(), int(n)) for i, title, first, n in listed] == [
        (t["id"], t["title"], ", ".join(t["terms"][:3]), len(t["terms"])) for t in starter
    ]


def test_a_theme_page_marks_the_passages_of_a_draft(fixture_copy: Path):
    visit = fixture_copy / "reports" / "2022-01-visit.md"
    text = visit.read_text(encoding="utf-8")
    mark = '<span class="draft-mark">from a draft, not yet confirmed</span>'
    files, _ = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    assert files is not None and mark not in files["themes/supervision/index.html"].decode()
    visit.write_text(text.replace("\nid: 2022-01-visit\n", "\ndraft: true\nid: 2022-01-visit\n"))
    files, _ = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    assert files is not None
    page = files["themes/supervision/index.html"].decode()
    assert page.count(mark) == 1
    assert f"Focused visit</a>{mark}</h2>" in page.replace("</a> <span", "</a><span")
