"""The in-process cache: an edit re-renders what depends on it, and the output equals a fresh build."""

from __future__ import annotations

from pathlib import Path

from builder.diagnostics import Diagnostics
from builder.pipeline import Cache, build
from conftest import fixture_project


def cached_build(content: Path, cache: Cache) -> dict[str, bytes]:
    diagnostics = Diagnostics()
    files = build(fixture_project(Path("/nonexistent"), content), diagnostics, write=False, cache=cache)
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


def test_one_report_edit_rerenders_that_report_and_what_depends_on_it(fixture_copy: Path):
    cache = Cache()
    cached_build(fixture_copy, cache)
    report = fixture_copy / "reports" / "2022-01-visit.md"
    report.write_text(report.read_text().replace("For a small number of staff", "For a few staff"))
    files = cached_build(fixture_copy, cache)
    assert sorted(cache.pages.rendered) == [
        "index.html",
        "recommendations/index.html",
        "recommendations/supervision/index.html",  # the visit's evidence is in its history
        "reports/2013-07-first/index.html",  # they link to the visit's evidence as "later"
        "reports/2019-06-second/index.html",
        "reports/2022-01-visit/index.html",
        "themes/index.html",
        "themes/supervision/index.html",
        "timeline/index.html",
    ]
    assert "For a few staff" in files["reports/2022-01-visit/index.html"].decode()
    assert files == fresh_build(fixture_copy)


def test_pages_that_show_only_report_headers_are_reused(fixture_copy: Path):
    cache = Cache()
    cached_build(fixture_copy, cache)
    report = fixture_copy / "reports" / "2013-07-first.md"
    report.write_text(report.read_text().replace("Some records are up to date.", "Some records are old."))
    files = cached_build(fixture_copy, cache)
    rendered = set(cache.pages.rendered)
    assert "reports/2013-07-first/index.html" in rendered
    assert "themes/private-fostering/index.html" in rendered
    assert "recommendations/records/index.html" in rendered
    for name in ("about/index.html", "reports/index.html", "data/index.html", "404.html"):
        assert name not in rendered
    assert files == fresh_build(fixture_copy)


def test_template_edit_rerenders_every_page(fixture_copy: Path, tmp_path: Path):
    import shutil

    from conftest import ROOT

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    project = fixture_project(Path("/nonexistent"), fixture_copy)
    project = type(project)(project.content, templates, project.assets, project.out)
    cache = Cache()
    build(project, Diagnostics(), write=False, cache=cache)
    base = templates / "base.html"
    base.write_text(base.read_text().replace("Skip to content", "Skip to the content"))
    files = build(project, Diagnostics(), write=False, cache=cache)
    assert len(cache.pages.rendered) == sum(1 for n in files if n.endswith(".html"))
    assert all(b"Skip to the content" in blob for n, blob in files.items() if n.endswith(".html"))
