"""The in-process cache: an edit re-renders what depends on it, and the output equals a fresh build."""

from __future__ import annotations

from pathlib import Path

from conftest import fixture_project

from builder.diagnostics import Diagnostics
from builder.pipeline import Cache, build


def cached_build(content: Path, cache: Cache) -> dict[str, bytes]:
    diagnostics = Diagnostics()
    files = build(
        fixture_project(Path("/nonexistent"), content), diagnostics, write=False, cache=cache
    )
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def fresh_build(content: Path) -> dict[str, bytes]:
    return cached_build(content, Cache())


def test_unchanged_rebuild_renders_nothing(fixture_copy: Path):
    cache = Cache()
    cached_build(fixture_copy, cache)
    assert len(cache.pages.rendered) > 10
    cached_build(fixture_copy, cache)
    assert cache.pages.rendered == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_text_edit_rerenders_only_that_report(fixture_copy: Path):
    cache = Cache()
    cached_build(fixture_copy, cache)
    edit(
        fixture_copy / "reports" / "2013-07-first.md",
        "3. The council should",
        "3. The council must",
    )
    files = cached_build(fixture_copy, cache)
    assert cache.pages.rendered == ["reports/2013-07-first/index.html"]
    assert files == fresh_build(fixture_copy)


def test_edit_to_an_annotated_passage_rerenders_its_theme_and_history(fixture_copy: Path):
    cache = Cache()
    cached_build(fixture_copy, cache)
    edit(
        fixture_copy / "reports" / "2022-01-visit.md",
        "frequency of supervision.\n",
        "frequency of supervision, they found.\n",
    )
    files = cached_build(fixture_copy, cache)
    assert sorted(cache.pages.rendered) == [
        "recommendations/supervision/index.html",  # its history quotes the passage
        "reports/2022-01-visit/index.html",
        "themes/supervision/index.html",  # so does its theme
    ]
    assert "they found" in files["themes/supervision/index.html"].decode()
    assert files == fresh_build(fixture_copy)


def test_status_edit_rerenders_every_page_that_shows_the_status(fixture_copy: Path):
    cache = Cache()
    cached_build(fixture_copy, cache)
    edit(fixture_copy / "reports" / "2022-01-visit.md", "status: raised-again", "status: progress")
    files = cached_build(fixture_copy, cache)
    assert sorted(cache.pages.rendered) == [
        "index.html",  # the open recommendations
        "recommendations/index.html",
        "recommendations/supervision/index.html",
        "reports/2013-07-first/index.html",  # their notes link to the visit's evidence
        "reports/2019-06-second/index.html",
        "reports/2022-01-visit/index.html",
        "themes/supervision/index.html",
    ]
    assert files == fresh_build(fixture_copy)


def test_header_edit_rerenders_every_page(fixture_copy: Path):
    cache = Cache()
    files = cached_build(fixture_copy, cache)
    edit(
        fixture_copy / "reports" / "2022-01-visit.md",
        "title: Focused visit",
        "title: Focused visit on supervision",
    )
    files = cached_build(fixture_copy, cache)
    assert len(cache.pages.rendered) == sum(1 for n in files if n.endswith(".html"))
    assert files == fresh_build(fixture_copy)


def test_template_edit_rerenders_every_page(fixture_copy: Path, tmp_path: Path):
    import shutil

    from conftest import THEME

    templates = tmp_path / "templates"
    shutil.copytree(THEME / "templates", templates)
    project = fixture_project(Path("/nonexistent"), fixture_copy)
    project = type(project)(project.content, templates, project.assets, project.out)
    cache = Cache()
    build(project, Diagnostics(), write=False, cache=cache)
    base = templates / "base.html"
    base.write_text(base.read_text().replace("Skip to content", "Skip to the content"))
    files = build(project, Diagnostics(), write=False, cache=cache)
    assert len(cache.pages.rendered) == sum(1 for n in files if n.endswith(".html"))
    assert all(b"Skip to the content" in blob for n, blob in files.items() if n.endswith(".html"))
