"""Whole builds of the fixture site: golden output, reproducibility, atomic writes and the CLI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT, build_files, fixture_project

from builder.diagnostics import Diagnostics
from builder.load.load import display_path
from builder.pipeline import build
from builder.publish import publish

GOLDEN = ROOT / "tests" / "golden"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_fixture_build_matches_golden_output(tmp_path: Path):
    """Set UPDATE_GOLDEN=1 to accept a deliberate change; review the diff before committing."""
    out = tmp_path / "out"
    assert build(fixture_project(out), Diagnostics()) is not None
    # The search index is Pagefind's binary output, pinned by version: the reproducibility test and
    # tests/test_search.py cover it, the golden files cover what the builder writes itself.
    shutil.rmtree(out / "pagefind")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    actual, expected = tree(out), tree(GOLDEN)
    assert sorted(actual) == sorted(expected)
    for name in expected:
        assert actual[name] == expected[name], f"{name} differs from tests/golden/{name}"


def test_builds_are_reproducible_byte_for_byte(tmp_path: Path):
    first, second = tmp_path / "a", tmp_path / "b"
    build(fixture_project(first), Diagnostics())
    build(fixture_project(second), Diagnostics())
    assert tree(first) == tree(second)
    stamps = {p.stat().st_mtime for p in first.rglob("*") if p.is_file()}
    assert stamps == {publish._EPOCH}


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_every_command_has_help(command: str):
    result = cli(command, "--help")
    assert result.returncode == 0
    assert f"usage: python -m builder {command}" in result.stdout


def test_cli_build_writes_the_site(tmp_path: Path):
    result = cli(
        "build", "--content", str(FIXTURE / "content"), "--out", str(tmp_path / "site"), "--strict"
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "reports" / "2013-07-first" / "index.html").is_file()
    assert result.stderr.strip().endswith(f"files written to {tmp_path / 'site'}")


def test_cli_build_prints_the_time_of_each_stage_when_asked(tmp_path: Path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURE / "content", root / "content")
    stages = ["load", "parse", "model", "views and render", "check links", "publish"]

    def printed(result: subprocess.CompletedProcess) -> dict[str, float]:
        assert result.returncode == 0, result.stderr
        lines = [line.split(" s  ") for line in result.stderr.splitlines() if " s  " in line]
        return {stage: float(seconds) for seconds, stage in lines}

    first = printed(cli("build", "--root", str(root), "--timings"))
    assert [s for s in first if s in stages] == stages  # in the order they ran
    assert first["in all"] == pytest.approx(
        sum(v for k, v in first.items() if k != "in all"), abs=0.01
    )
    # Unchanged, the next build reads the last output from the cache and publishes it again.
    assert list(printed(cli("build", "--root", str(root), "--timings"))) == [
        "load",
        "read cache",
        "publish",
        "in all",
    ]
    assert "s  load" not in cli("build", "--root", str(root)).stderr  # only when asked
    # Each stage the progress names is a different one (the cache is written at three points).
    (root / "content" / "site.yml").write_text(
        (root / "content" / "site.yml").read_text() + "\n# changed\n"
    )
    shown = re.findall(
        r"^building: (.+) done ", cli("build", "--root", str(root), "-v").stderr, re.M
    )
    assert len(shown) == len(set(shown)) > 5, shown


def test_base_path_prefixes_every_internal_url(fixture_copy: Path, tmp_path: Path):
    settings = fixture_copy / "site.yml"
    settings.write_text(settings.read_text().replace("base_path: /", "base_path: /history/"))
    files = build(fixture_project(tmp_path / "out", fixture_copy), Diagnostics(), strict=True)
    assert files is not None
    page = files["reports/2013-07-first/index.html"].decode()
    assert 'href="/history/assets/site.css"' in page
    assert 'href="/history/reports/2019-06-second/"' in page
    assert 'href="/reports/' not in page


def test_site_links_in_notes_follow_the_base_path(fixture_copy: Path, tmp_path: Path):
    settings = fixture_copy / "site.yml"
    settings.write_text(settings.read_text().replace("base_path: /", "base_path: /history/"))
    report = fixture_copy / "reports" / "2022-01-visit.md"
    text = report.read_text()
    assert "    themes: [supervision]\n" in text
    report.write_text(
        text.replace(
            "    themes: [supervision]\n",
            "    themes: [supervision]\n    note: See [2019](/reports/2019-06-second/#p1).\n",
            1,
        )
    )
    diagnostics = Diagnostics()
    files = build(fixture_project(tmp_path / "out", fixture_copy), diagnostics, strict=True)
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    page = files["reports/2022-01-visit/index.html"].decode()
    assert '<a href="/history/reports/2019-06-second/#p1">2019</a>' in page


def test_an_unchanged_project_is_published_without_loading_the_stages(tmp_path: Path):
    """The second build finds every input unchanged: it never imports Markdown, YAML or Jinja."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE / "content", root / "content")
    assert cli("build", "--root", str(root)).returncode == 0
    script = (
        "import sys\n"
        "from builder.cli import main\n"
        f"code = main(['build', '--root', {str(root)!r}])\n"
        "print(code, sorted(m for m in ('markdown', 'yaml', 'jinja2') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert result.stdout.split("\n")[0] == "0 []", result.stdout + result.stderr


@pytest.mark.parametrize("strict", [False, True])
def test_a_link_that_climbs_out_of_the_base_path_is_said_so_strict_or_not(
    fixture_copy: Path, tmp_path: Path, strict: bool
):
    """`/history/../other/` leads a browser to `/other/`, outside the site: reported as that (a
    warning, or an error in a strict build), never as a missing page or not at all."""
    settings = fixture_copy / "site.yml"
    settings.write_text(settings.read_text().replace("base_path: /", "base_path: /history/"))
    report = fixture_copy / "reports" / "2022-01-visit.md"
    report.write_text(report.read_text() + "\nSee [the other site](/history/../other/).\n")
    diagnostics = Diagnostics()
    files = build(fixture_project(tmp_path / "out", fixture_copy), diagnostics, strict=strict)
    assert (files is None) is strict
    found = [(d.severity, d.message) for d in diagnostics.sorted()]
    assert found == [
        (
            "error" if strict else "warning",
            "broken link on /reports/2022-01-visit/index.html: /history/../other/ "
            "(outside the base path /history/)",
        )
    ]


def test_a_build_that_hands_nothing_on_lets_report_texts_go_once_parsed(
    fixture_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    """A one-off build held every report's text to its end, for the line of a problem that
    seldom comes: 81 MB of a national site's peak. It reads a report again when one does."""
    import builder.pipeline as pipeline
    from builder.load.load import ReadAgain

    report = fixture_copy / "reports" / "2022-01-visit.md"
    text = report.read_text()
    report.write_text(
        text.replace("## Main findings", "## Main findings\n\nSee [the start](/nowhere/).")
    )
    line = report.read_text().split("\n").index("See [the start](/nowhere/).") + 1
    seen = {}
    model = pipeline.model

    def watched(run, inputs, content):  # type: ignore[no-untyped-def]
        seen["files"] = inputs.sources.files
        return model(run, inputs, content)

    monkeypatch.setattr(pipeline, "model", watched)
    files, diagnostics = build_files(fixture_project(Path("/nonexistent"), fixture_copy))
    held = seen["files"]
    assert isinstance(held, ReadAgain)
    assert held.held and not [p for p in held.held if "/reports/" in p]
    assert held[f"{display_path(fixture_copy)}/reports/2022-01-visit.md"] == report.read_text()
    broken = [
        d for d in diagnostics.items if "broken link" in d.message and "/nowhere/" in d.message
    ]
    assert [(d.path, d.line) for d in broken] == [
        (f"{display_path(fixture_copy)}/reports/2022-01-visit.md", line)
    ]


def test_a_one_off_build_writes_each_report_to_the_cache_as_soon_as_the_workers_make_it(
    fixture_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The bodies' bytes for the disk cache, made by the workers, were held until the whole
    model was made: 40 MB of a national site's peak. The parsed reports were encoded on one core
    once the model was made: three seconds of its cold build. Both come from the workers
    encoded, and are written as they come."""
    import builder.pipeline as pipeline
    from builder import diskcache
    from builder.incremental.store import Rows
    from builder.workers import Workers

    seen = {}
    let_go = pipeline._let_go

    def watched(run, site):  # type: ignore[no-untyped-def]
        rows = Rows(diskcache._key(run.saved), diskcache._entries_file(run.saved))
        try:
            seen["written"] = {n for n in rows.names("b-")}
            seen["parsed"] = {n for n in rows.names("p-")}
        finally:
            rows.close()
        seen["bodies"] = {f"b-{v.body_key}" for v in site.reports}
        return let_go(run, site)

    where = display_path(fixture_copy)
    reports = {
        diskcache._entry(
            "parsed", (f"{where}/reports/{p.name}", diskcache.text_key(p.read_text())), None
        )[0]
        for p in (fixture_copy / "reports").glob("*.md")
    }
    # None is encoded after the model: an encoded report is a failure here.
    monkeypatch.setattr(diskcache, "_encode", _no_encoding(diskcache._encode))

    monkeypatch.setattr(pipeline, "_let_go", watched)
    project = fixture_project(Path("/nonexistent"), fixture_copy)
    workers = Workers(2, min_tasks=0)  # the bodies are rendered by the workers, as at scale
    try:
        built = build(project, Diagnostics(), write=False, cache_root=tmp_path, workers=workers)
    finally:
        workers.close()
    assert built is not None
    assert seen["bodies"] and seen["written"] == seen["bodies"]
    assert len(reports) == 3 and reports <= seen["parsed"]


def _no_encoding(encode):  # type: ignore[no-untyped-def]
    """`encode`, refusing a report: in the main process, only after the model is one encoded."""
    from builder.parse.records import Report

    def checked(value):  # type: ignore[no-untyped-def]
        assert not (isinstance(value, tuple) and isinstance(value[0], Report)), "encoded here"
        return encode(value)

    return checked


def test_a_one_off_build_renders_pages_without_the_reports_markdown_and_html(
    fixture_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A one-off build held every report's Markdown to its end, though no stage after the model
    reads it (80 MB of a national site's peak), and every body's HTML unpacked (70 MB) though
    only its page shows it. The parsed records go to the disk cache first, so the next build
    still finds them whole."""
    import gc

    import builder.pipeline as pipeline
    from builder.memo import Memo
    from builder.parse.records import Report

    seen = {}
    render = pipeline.render

    def watched(run, inputs, site, search):  # type: ignore[no-untyped-def]
        seen["site"] = site
        # Not held anywhere else either (the memo had the parsed records).
        seen["held"] = [o.id for o in gc.get_objects() if isinstance(o, Report) and o.body]
        return render(run, inputs, site, search)

    monkeypatch.setattr(pipeline, "render", watched)
    project = fixture_project(Path("/nonexistent"), fixture_copy)
    root = tmp_path / "root"
    one_off = build(project, Diagnostics(), write=False, cache_root=root, jobs=1)
    site = seen["site"]
    assert site.content.reports and {r.body for r in site.content.reports} == {""}
    assert [v.report for v in site.reports] == [r for r in site.content.reports]
    # Each body's HTML is held packed, for its page alone.
    assert {v.body_html for v in site.reports} == {""}
    assert all(v.body_packed is not None for v in site.reports)
    assert seen["held"] == []
    handed_on = build(project, Diagnostics(), write=False, cache=Memo(), jobs=1)
    assert one_off is not None and one_off == handed_on
    # The next process reads the parsed reports back, Markdown and all: not one body is made again.
    from builder import diskcache

    diskcache.build_file(root).unlink()  # so the build goes through the memo
    memo = Memo(handed_on=False)
    warm = build(project, Diagnostics(), write=False, cache_root=root, cache=memo, jobs=1)
    assert warm == one_off
    assert memo.rendered == []
