"""The memo: an edit re-renders exactly the pages whose views it changes, and the output equals a
fresh build in a new process, byte for byte."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, THEME, fixture_project

import builder.render.render as render_module
import builder.views.organisations as organisations_module
import builder.views.pages as pages_module
from builder.diagnostics import Diagnostics
from builder.load.load import Project, display_path, read_sources
from builder.memo import Memo, ModelMemo
from builder.model.site import build_model
from builder.model.text import check_content_links
from builder.parse.content import parse_content
from builder.pipeline import build
from builder.publish.publish import MARKER
from builder.views.pages import ReportPageInputs


def memo_build(project: Project, memo: Memo) -> dict[str, bytes]:
    diagnostics = Diagnostics()
    files = build(project, diagnostics, write=False, cache=memo)
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def cached_build(content: Path, memo: Memo) -> dict[str, bytes]:
    return memo_build(fixture_project(Path("/nonexistent"), content), memo)


def fresh_build(content: Path) -> dict[str, bytes]:
    return cached_build(content, Memo())


def fresh_build_in_new_process(project: Project, out: Path) -> dict[str, bytes]:
    """Build in a new interpreter, so no module-level cache can hide a stale result."""
    code = (
        "import sys; from pathlib import Path; from builder.load.load import Project;"
        "from builder.diagnostics import Diagnostics; from builder.pipeline import build;"
        "p = Project(*map(Path, sys.argv[1:5]));"
        "sys.exit(0 if build(p, Diagnostics()) is not None else 1)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [str(project.content), str(project.templates), str(project.assets), str(out)]
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env)
    return {
        str(f.relative_to(out)): f.read_bytes()
        for f in sorted(out.rglob("*"))
        if f.is_file() and f.name != MARKER  # the marker is the publisher's, not the site's
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {n for n in after if n.endswith(".html") and before.get(n) != after[n]}


def test_unchanged_rebuild_renders_nothing(fixture_copy: Path):
    memo = Memo()
    cached_build(fixture_copy, memo)
    assert len(memo.rendered) > 10
    cached_build(fixture_copy, memo)
    assert memo.rendered == []


def test_text_edit_rerenders_only_that_report(fixture_copy: Path):
    memo = Memo()
    cached_build(fixture_copy, memo)
    edit(
        fixture_copy / "reports" / "2013-07-first.md",
        "3. The council should",
        "3. The council must",
    )
    files = cached_build(fixture_copy, memo)
    assert memo.rendered == ["reports/2013-07-first/index.html"]
    assert files == fresh_build(fixture_copy)


def test_a_report_page_whose_inputs_are_unchanged_is_not_planned_again(
    fixture_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    memo = Memo()
    cached_build(fixture_copy, memo)
    planned: list[str] = []
    view = ReportPageInputs.view
    monkeypatch.setattr(
        ReportPageInputs, "view", lambda inputs: planned.append(inputs.report.id) or view(inputs)
    )
    cached_build(fixture_copy, memo)
    assert planned == []
    edit(
        fixture_copy / "reports" / "2013-07-first.md",
        "3. The council should",
        "3. The council must",
    )
    cached_build(fixture_copy, memo)
    assert planned == ["2013-07-first"]


def test_the_edited_reports_page_comes_first_and_is_not_rendered_again(fixture_copy: Path):
    memo, shown = Memo(), []
    memo.show_first = shown.append
    cached_build(fixture_copy, memo)
    assert shown == []  # a first build changes every report: nothing comes first
    edit(
        fixture_copy / "reports" / "2022-01-visit.md",
        "frequency of supervision.\n",
        "frequency of supervision, they found.\n",
    )
    files = cached_build(fixture_copy, memo)
    [first] = shown
    assert list(first) == ["reports/2022-01-visit/index.html"]
    assert first["reports/2022-01-visit/index.html"] == files["reports/2022-01-visit/index.html"]
    assert sorted(memo.rendered) == [  # each page rendered once: the first one is not redone
        "recommendations/supervision/index.html",
        "reports/2022-01-visit/index.html",
        "themes/supervision/index.html",
    ]
    assert files == fresh_build(fixture_copy)
    edit(fixture_copy / "themes.yml", "title: ", "title: The ")  # no report changed
    cached_build(fixture_copy, memo)
    assert len(shown) == 1


def test_on_a_national_site_the_page_shown_first_is_not_rendered_again(tmp_path: Path):
    """A national site renders an organisation's pages together (`Page.group`): the page the
    preview shows first must be planned as the whole build plans it, or its key differs and the
    whole build renders it a second time."""
    from conftest import NATIONAL

    content = tmp_path / "content"
    shutil.copytree(NATIONAL, content)
    memo, shown = Memo(), []
    memo.show_first = shown.append
    cached_build(content, memo)
    edit(
        content / "reports" / "2019-06-second.md",
        "are not yet effective.",
        "are not yet effective, they found.",
    )
    files = cached_build(content, memo)
    [first] = shown
    assert list(first) == ["reports/2019-06-second/index.html"]
    assert memo.rendered.count("reports/2019-06-second/index.html") == 1
    assert files == fresh_build(content)


def test_edit_to_an_annotated_passage_rerenders_its_theme_and_history(fixture_copy: Path):
    memo = Memo()
    cached_build(fixture_copy, memo)
    edit(
        fixture_copy / "reports" / "2022-01-visit.md",
        "frequency of supervision.\n",
        "frequency of supervision, they found.\n",
    )
    files = cached_build(fixture_copy, memo)
    assert sorted(memo.rendered) == [
        "recommendations/supervision/index.html",  # its history quotes the passage
        "reports/2022-01-visit/index.html",
        "themes/supervision/index.html",  # so does its theme
    ]
    assert "they found" in files["themes/supervision/index.html"].decode()
    assert files == fresh_build(fixture_copy)


def test_status_edit_rerenders_the_pages_that_show_the_status(fixture_copy: Path):
    memo = Memo()
    cached_build(fixture_copy, memo)
    edit(fixture_copy / "reports" / "2022-01-visit.md", "status: raised-again", "status: progress")
    files = cached_build(fixture_copy, memo)
    assert sorted(memo.rendered) == [
        "index.html",  # the open recommendations
        "recommendations/index.html",
        "recommendations/supervision/index.html",
        "reports/2022-01-visit/index.html",
        "themes/supervision/index.html",
    ]
    assert files == fresh_build(fixture_copy)


def test_header_edit_rerenders_the_pages_that_show_the_header(fixture_copy: Path):
    memo = Memo()
    before = cached_build(fixture_copy, memo)
    edit(
        fixture_copy / "reports" / "2022-01-visit.md",
        "title: Focused visit",
        "title: Focused visit on supervision",
    )
    files = cached_build(fixture_copy, memo)
    assert changed(before, files) <= set(memo.rendered)
    assert "reports/2019-06-second/index.html" in memo.rendered  # its "next" link
    assert "reports/2013-07-first/index.html" not in memo.rendered
    assert files == fresh_build(fixture_copy)


def test_template_edit_rerenders_every_page(fixture_copy: Path, tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(THEME / "templates", templates)
    project = fixture_project(Path("/nonexistent"), fixture_copy)
    project = type(project)(project.content, templates, project.assets, project.out)
    memo = Memo()
    memo_build(project, memo)
    base = templates / "base.html"
    base.write_text(base.read_text().replace("Skip to content", "Skip to the content"))
    files = memo_build(project, memo)
    assert len(memo.rendered) == sum(1 for n in files if n.endswith(".html"))
    assert all(b"Skip to the content" in blob for n, blob in files.items() if n.endswith(".html"))


EDITS = [
    ("report text", "reports/2013-07-first.md", "3. The council should", "3. The council must"),
    ("status", "reports/2022-01-visit.md", "status: raised-again", "status: met"),
    ("report header", "reports/2022-01-visit.md", "title: Focused visit", "title: A visit"),
    ("theme", "themes.yml", "title: Records", "title: Case records"),
    (
        "event mention",
        "events.yml",
        "quote: the last inspection in 2015",
        "quote: the last inspection",
    ),
    ("template", "../templates/_aside.html", "Editors’ note", "Editors’ comment"),
    ("settings", "site.yml", "title: Example history", "title: An example history"),
    ("base path", "site.yml", "base_path: /", "base_path: /history/"),
]


@pytest.mark.parametrize("edits", [EDITS], ids=["each edit in turn"])
def test_memo_build_equals_a_fresh_build_after_each_edit(tmp_path: Path, edits):
    """After every edit in turn, the memoised build equals a fresh build in a new process."""
    root = tmp_path / "site"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "content", root / "content")
    shutil.copytree(THEME / "templates", root / "templates")
    project = Project(root / "content", root / "templates", THEME / "assets", tmp_path / "out")
    memo, shown = Memo(), []
    memo.show_first = shown.append  # as the preview's: an edited report's page comes first
    memo_build(project, memo)
    for i, (what, file, old, new) in enumerate(edits):
        edit(root / "content" / file, old, new)
        files = memo_build(project, memo)
        assert memo.rendered, what  # the edit changed something
        fresh = fresh_build_in_new_process(project, tmp_path / f"fresh-{i}")
        assert sorted(files) == sorted(fresh), what
        assert [n for n in files if files[n] != fresh[n]] == [], what
    assert shown  # some of the edits were to reports: their pages came first


def test_an_unchanged_report_keeps_its_very_passages_from_build_to_build(fixture_copy: Path):
    memo = Memo()
    cached_build(fixture_copy, memo)
    before = {rid: kept.passages for rid, kept in memo.model.reports.items()}
    edit(
        fixture_copy / "reports" / "2013-07-first.md",
        "3. The council should",
        "3. The council must",
    )
    files = cached_build(fixture_copy, memo)
    after = {rid: kept.passages for rid, kept in memo.model.reports.items()}
    assert sorted(before) == sorted(after)
    assert [rid for rid in after if after[rid] is not before[rid]] == ["2013-07-first"]
    assert files == fresh_build(fixture_copy)
    edit(fixture_copy / "themes.yml", "title: ", "title: The ")  # what passages read besides
    cached_build(fixture_copy, memo)
    assert all(memo.model.reports[rid].passages is not after[rid] for rid in after)


def test_a_save_to_a_reports_text_alone_does_not_read_its_front_matter_again(
    fixture_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    """Every paragraph of an imported draft is annotated: its front matter runs to thousands of
    lines, and reading it was a tenth of the preview's time when its editor changed a word."""
    import builder.parse.parse as parse_module

    report = fixture_copy / "reports" / "2022-01-visit.md"
    text = report.read_text().replace("---\n", f"---\n# {fixture_copy}\ndraft: true\n", 1)
    read = counting(monkeypatch, "read_yaml", parse_module)
    problems = []
    for n in range(3):
        diagnostics = Diagnostics()
        edited = text.replace("## Main findings", f"## Main findings ({n})")
        found = parse_module.parse_report(edited, "reports/2022-01-visit.md", diagnostics)
        assert found is not None and f"findings ({n})" in found.body
        problems.append([d.format() for d in diagnostics.items])
    assert len(read) == 1
    assert problems[0] == problems[2] and "a draft" in problems[0][0]  # replayed every time
    broken = text.replace("draft: true", "draft: [", 1)
    assert parse_module.parse_report(broken, "reports/2022-01-visit.md", Diagnostics()) is None
    assert len(read) == 2


def test_unchanged_passages_keep_their_lines_in_the_data_files(fixture_copy: Path):
    memo = Memo()
    cached_build(fixture_copy, memo)
    before = {k: v for k, v in memo.data_rows.items() if k}
    edit(
        fixture_copy / "reports" / "2022-01-visit.md",
        "frequency of supervision.\n",
        "frequency of supervision, they found.\n",
    )
    files = cached_build(fixture_copy, memo)
    kept = [k for k, v in memo.data_rows.items() if k and before.get(k) is v]
    made = [v[0].report for k, v in memo.data_rows.items() if k and before.get(k) is not v]
    assert kept and set(made) == {"2022-01-visit"}
    assert files == fresh_build(fixture_copy)
    assert memo_build(fixture_project(Path("/none"), fixture_copy), Memo(handed_on=False))


# The model: what an unchanged report keeps from the last build's model.

MODEL_EDITS = [
    ("report text", "reports/2013-07-first.md", "3. The council should", "3. The council must"),
    ("a status", "reports/2013-07-first.md", "status: positive\n", "status: raised\n"),
    ("a status back", "reports/2013-07-first.md", "status: raised\n", "status: positive\n"),
    (
        "a report's edition",
        "reports/2022-01-visit.md",
        "kind: focused-visit",
        "edition: summary\nkind: focused-visit",
    ),
    (
        "a note",
        "reports/2019-06-second.md",
        "is not in the collection",
        "is not in this collection",
    ),
    (
        "a refused link",
        "reports/2019-06-second.md",
        "is not in this collection.",
        "is not in this [collection](javascript:alert(1)).",
    ),
    (
        "an unknown theme",
        "reports/2019-06-second.md",
        "themes: [supervision]",
        "themes: [supervisio]",
    ),
    (
        "the theme again",
        "reports/2019-06-second.md",
        "themes: [supervisio]",
        "themes: [supervision]",
    ),
    (
        "a date, moving the report",
        "reports/2019-06-second.md",
        "published: 2019-07-26",
        "published: 2023-07-26",
    ),
    ("a recommendation", "recommendations.yml", "title: ", "title: The "),
]


def make_model(content: Path, parsed: dict, bodies: dict, kept: ModelMemo | None):
    diagnostics = Diagnostics()
    records = parse_content(
        read_sources(content, diagnostics), diagnostics, display_path(content), parsed
    )
    site = build_model(records, diagnostics, bodies, None, {}, kept)
    texts = {display_path(f): f.read_text() for f in sorted(content.rglob("*")) if f.is_file()}
    links_kept = kept.content_links if kept is not None else None
    check_content_links(records, site.rendered, texts, diagnostics, {}, links_kept)
    return site, diagnostics.sorted()


def test_a_model_made_from_the_last_ones_equals_one_made_afresh(fixture_copy: Path):
    parsed, bodies, kept = {}, {}, ModelMemo()
    make_model(fixture_copy, parsed, bodies, kept)
    names = [what for what, *_ in MODEL_EDITS]
    refused_from = names[names.index("a refused link") :]
    for what, file, old, new in MODEL_EDITS:
        edit(fixture_copy / file, old, new)
        site, problems = make_model(fixture_copy, parsed, bodies, kept)
        fresh, fresh_problems = make_model(fixture_copy, {}, {}, None)
        assert problems == fresh_problems, what
        refused = any("javascript:" in d.message for d in problems)
        assert refused == (what in refused_from), what  # the link stays: no edit takes it back
        for part in (
            "reports",
            "histories",
            "theme_reports",
            "links",
            "timeline",
            "event_mentions",
        ):
            assert getattr(site, part) == getattr(fresh, part), (what, part)


def test_an_unchanged_report_keeps_its_very_view_and_histories_are_patched(fixture_copy: Path):
    parsed, bodies, kept = {}, {}, ModelMemo()
    before, _ = make_model(fixture_copy, parsed, bodies, kept)
    edit(fixture_copy / "reports/2022-01-visit.md", "gaps in the frequency", "gaps in the rate")
    after, _ = make_model(fixture_copy, parsed, bodies, kept)
    same = [a.report.id for a, b in zip(after.reports, before.reports, strict=True) if a is b]
    assert same == ["2013-07-first", "2019-06-second"]
    # Its statuses are as they were: every standing is kept, and each history is patched.
    assert all(after.histories[r].standing is before.histories[r].standing for r in after.histories)
    supervision = after.histories["supervision"].entries
    assert supervision[:2] == before.histories["supervision"].entries[:2]
    assert "gaps in the rate" in supervision[2].evidence[0].quote
    edit(fixture_copy / "reports/2013-07-first.md", "status: positive\n", "status: raised\n")
    changed, _ = make_model(fixture_copy, parsed, bodies, kept)
    kept_standings = [
        r for r in changed.histories if changed.histories[r].standing is after.histories[r].standing
    ]
    assert "private-fostering" in kept_standings and "supervision" not in kept_standings


# ---- A site of several organisations ------------------------------------------------------------

NATIONAL = ROOT / "tests" / "fixtures" / "national" / "content"


@pytest.fixture
def national_copy(tmp_path: Path) -> Path:
    """A writable copy of the three-organisation fixture's content folder."""
    target = tmp_path / "content"
    shutil.copytree(NATIONAL, target)
    return target


def counting(monkeypatch: pytest.MonkeyPatch, name: str, *modules: object) -> list[Any]:
    """Replace `name` in each module with a wrapper that records its first argument per call."""
    calls: list[Any] = []
    for module in modules:
        made = getattr(module, name, None)
        if made is None:
            continue

        def wrapper(*args: Any, made: Any = made, **kwargs: Any) -> Any:
            calls.append(args[0])
            return made(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)
    return calls


def test_national_text_edit_rerenders_only_that_report(national_copy: Path):
    memo = Memo()
    cached_build(national_copy, memo)
    edit(
        national_copy / "reports" / "2019-03-beta.md",
        "| a service that does not |",
        "| a service that does not meet it |",
    )
    files = cached_build(national_copy, memo)
    assert memo.rendered == ["reports/2019-03-beta/index.html"]
    assert files == fresh_build(national_copy)


def test_national_edit_remakes_only_that_reports_entries_on_its_themes(
    national_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    """On a national site most paragraphs are on a theme: every theme's entries and every
    organisation's group on it were made again on each edit, a walk over every themed passage of
    the site. Only the edited report's share of each theme is made again."""
    memo = Memo()
    cached_build(national_copy, memo)
    made = counting(monkeypatch, "ThemeEntry", pages_module)
    cached_build(national_copy, memo)
    assert made == []
    edit(
        national_copy / "reports" / "2019-03-beta.md",
        "when all areas required improvement.",
        "when all areas were found to require improvement.",
    )
    files = cached_build(national_copy, memo)
    # Its passage on supervision is edited; its passage on private fostering is as it was.
    assert [header.id for header in made] == ["2019-03-beta"]
    assert files == fresh_build(national_copy)


def test_an_edit_makes_only_its_reports_timeline_entry_again(
    national_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    """The site's timeline and each organisation's show an entry for every report: each was
    made and compared again on every edit."""
    memo = Memo()
    cached_build(national_copy, memo)
    made = counting(monkeypatch, "TimelineEntry", pages_module)
    cached_build(national_copy, memo)
    assert made == []
    edit(
        national_copy / "reports" / "2019-03-beta.md",
        "{area: Leadership, grade: good}",
        "{area: Leadership, grade: inadequate}",
    )
    files = cached_build(national_copy, memo)
    assert made == ["2019-03-beta"]
    assert files == fresh_build(national_copy)


def test_national_edit_plans_only_its_organisations_pages_of_its_themes(
    national_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    """A theme has a page for each organisation with passages on it: thousands on a national
    site. An edit plans again only the edited report's organisation's pages of the themes its
    passages changed on; the rest are the last build's, taken up a theme at a time."""
    memo = Memo()
    cached_build(national_copy, memo)
    planned: list[str] = []
    make = pages_module._Planner.theme_organisation_page

    def watched(self, theme, o):  # type: ignore[no-untyped-def]
        planned.append(f"{theme.id} {o.id}")
        return make(self, theme, o)

    monkeypatch.setattr(pages_module._Planner, "theme_organisation_page", watched)
    cached_build(national_copy, memo)
    assert planned == []
    edit(
        national_copy / "reports" / "2019-03-beta.md",
        "when all areas required improvement.",
        "when all areas were found to require improvement.",
    )
    files = cached_build(national_copy, memo)
    assert planned == ["supervision beta"]
    assert files == fresh_build(national_copy)
    planned.clear()
    edit(national_copy / "recommendations.yml", "title: ", "title: The ")
    files = cached_build(national_copy, memo)
    assert "supervision beta" in planned and "supervision alpha" in planned
    assert files == fresh_build(national_copy)


def test_the_page_shown_first_is_not_digested_again_by_the_whole_build(
    national_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    """The preview renders the edited report's page first, digesting each of its new passages
    (a draft's are hundreds); the whole build then digested every one of them again. (The page's
    header and settings, made anew by each planning, are digested by each: two small records.)"""
    import builder.memo as memo_module

    def serialised(show_first: bool, content: Path) -> int:
        memo = Memo()
        if show_first:
            memo.preview.show_first = lambda pages: None
        cached_build(content, memo)
        edit(
            content / "reports" / "2019-03-beta.md",
            "when all areas required improvement.",
            "when all areas were found to require improvement.",
        )
        calls = counting(monkeypatch, "serialise", memo_module)
        cached_build(content, memo)
        monkeypatch.undo()
        return sum(1 for record in calls if type(record).__name__ == "Passage")

    other = national_copy.parent / "other"
    shutil.copytree(national_copy, other)
    assert serialised(True, national_copy) == serialised(False, other) > 0


def test_national_grade_edit_redraws_only_its_organisations_chart(
    national_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    memo = Memo()
    before = cached_build(national_copy, memo)
    drawn = counting(monkeypatch, "grade_chart", pages_module, organisations_module)
    cached_build(national_copy, memo)
    assert drawn == []  # nothing changed: every organisation's chart is kept
    edit(
        national_copy / "reports" / "2019-03-beta.md",
        "{area: Leadership, grade: good}",
        "{area: Leadership, grade: inadequate}",
    )
    files = cached_build(national_copy, memo)
    assert [[i.id for i in site.timeline] for site in drawn] == [
        ["2019-03-beta", "2022-03-joint-visit"]
    ]
    rendered = set(memo.rendered)
    assert {"reports/2019-03-beta/index.html", "organisations/beta/index.html"} <= rendered
    assert not rendered & {"organisations/alpha/index.html", "organisations/gamma/index.html"}
    assert changed(before, files) <= rendered
    assert files == fresh_build(national_copy)


def test_national_edit_remakes_only_that_reports_citations_and_feeds(
    national_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    memo = Memo()
    cached_build(national_copy, memo)
    cited = counting(monkeypatch, "report_cite_files", render_module)
    fed = counting(monkeypatch, "render_template", render_module)
    cached_build(national_copy, memo)
    assert cited == []
    assert fed == []  # no feed, sitemap or robots.txt made again
    edit(
        national_copy / "reports" / "2019-03-beta.md",
        "title: Inspection of children's services",
        "title: Inspection of Beta's children's services",
    )
    files = cached_build(national_copy, memo)
    assert [r.id for r in cited] == ["2019-03-beta"]
    assert "Beta's children" in files["reports/2019-03-beta/cite.bib"].decode()
    # The site's feed and beta's are made again; alpha's and gamma's are kept.
    feeds = [n for n, blob in files.items() if n.endswith(".xml") and b"Beta&#39;s" in blob]
    assert "feed.xml" in feeds and "organisations/beta/feed.xml" in feeds
    assert files == fresh_build(national_copy)


NATIONAL_EDITS = [
    (
        "report text",
        "reports/2019-03-beta.md",
        "when all areas required improvement.",
        "when all areas were found to require improvement.",
    ),
    (
        "grade",
        "reports/2019-03-beta.md",
        "{area: Leadership, grade: good}",
        "{area: Leadership, grade: inadequate}",
    ),
    ("report header", "reports/2019-06-second.md", "title: Inspection of", "title: A look at"),
    ("organisation", "organisations.yml", "short_name: Gamma", "short_name: Gamma CC"),
    ("base path", "site.yml", "base_path: /", "base_path: /national/"),
]


@pytest.mark.parametrize("edits", [NATIONAL_EDITS], ids=["each edit in turn"])
def test_national_memo_build_equals_a_fresh_build_after_each_edit(tmp_path: Path, edits):
    """On a site of several organisations too, the memoised build equals a fresh build in a new
    process after every edit in turn."""
    root = tmp_path / "site"
    shutil.copytree(NATIONAL, root / "content")
    project = Project(root / "content", THEME / "templates", THEME / "assets", tmp_path / "out")
    memo = Memo()
    memo_build(project, memo)
    for i, (what, file, old, new) in enumerate(edits):
        edit(root / "content" / file, old, new)
        files = memo_build(project, memo)
        fresh = fresh_build_in_new_process(project, tmp_path / f"fresh-{i}")
        assert sorted(files) == sorted(fresh), what
        assert [n for n in files if files[n] != fresh[n]] == [], what


def test_an_unchanged_file_is_not_read_again_and_keeps_its_very_text(
    fixture_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    import builder.load.load as load_module

    content = fixture_copy
    kept: dict[str, Any] = {}
    first = read_sources(content, Diagnostics(), kept)
    report = next(content.glob("reports/*.md"))
    name = f"{display_path(content)}/reports/{report.name}"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("Ofsted", "Ofsted, changed,", 1), encoding="utf-8")

    read: list[Path] = []
    reader = load_module._read_bytes

    def counting(path: Path, diagnostics: Diagnostics) -> bytes | None:
        read.append(path)
        return reader(path, diagnostics)

    monkeypatch.setattr(load_module, "_read_bytes", counting)
    second = read_sources(content, Diagnostics(), kept)
    assert read == [report]  # only the edited file
    assert second.files[name] != first.files[name] and "Ofsted, changed," in second.files[name]
    assert all(second.files[n] is first.files[n] for n in first.files if n != name)
    assert second.files == read_sources(content, Diagnostics()).files  # what a fresh read gives
    report.unlink()
    third = read_sources(content, Diagnostics(), kept)
    assert name not in third.files and name not in kept  # a deleted file is forgotten


def test_a_page_planned_from_the_very_same_view_is_not_encoded_again(
    fixture_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    """Keying every page by encoding its view was a third of a one-report edit's work at 500
    reports: a view equal to the last build's is that very object, and its key is known."""
    from builder.memo import SharedRecords

    memo = Memo()
    first = cached_build(fixture_copy, memo)
    encoded: list[str] = []
    serialise = SharedRecords.serialise

    def counting(self: SharedRecords, value: Any) -> Any:
        encoded.append(getattr(value, "output", ""))
        return serialise(self, value)

    monkeypatch.setattr(SharedRecords, "serialise", counting)
    edit(
        fixture_copy / "reports" / "2013-07-first.md",
        "3. The council should",
        "3. The council must",
    )
    files = cached_build(fixture_copy, memo)
    assert set(encoded) == {"reports/2013-07-first/index.html"}
    assert changed(first, files) == {"reports/2013-07-first/index.html"}
    assert files == fresh_build(fixture_copy)


def test_an_organisations_chart_is_drawn_again_when_an_event_is_said_to_be_graded(
    tmp_path: Path,
):
    """Each organisation's chart is kept while what it is drawn from stands: an event's
    'graded' breaks its lines, so it is part of what the chart is drawn from."""
    from conftest import NATIONAL

    content = tmp_path / "content"
    shutil.copytree(NATIONAL, content)
    with (content / "events.yml").open("a") as events:
        events.write(
            '- id: 2017-alpha\n  title: Inspection of services\n  date: "2017"\n'
            "  kind: inspection-report\n  framework: new\n  organisation: alpha\n"
        )
    memo = Memo()
    before = cached_build(content, memo)["organisations/alpha/index.html"].decode()
    assert before.count('<polyline class="series"') == 1  # 2015 to 2019, across 2017
    edit(
        content / "events.yml", "  organisation: alpha\n", "  organisation: alpha\n  graded: true\n"
    )
    after = cached_build(content, memo)
    assert after["organisations/alpha/index.html"].decode().count('<polyline class="series"') == 0
    assert after == fresh_build(content)
