"""The package's default theme, and a project's own templates and assets overriding it file by file."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURE, THEME, build_files

from builder.load.load import Project, display_path


def project_with(tmp_path: Path) -> Project:
    """The fixture content with an empty override folder for templates and assets."""
    return Project(FIXTURE / "content", tmp_path / "templates", tmp_path / "assets", tmp_path / "o")


def test_a_project_without_templates_or_assets_gets_the_theme(tmp_path: Path):
    files, diagnostics = build_files(project_with(tmp_path))
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    assert files["assets/site.css"] == (THEME / "assets" / "site.css").read_bytes()


def test_own_files_override_the_theme_one_by_one(tmp_path: Path):
    project = project_with(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html").write_text("<p>Our own not-found page</p>\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "site.css").write_text("body { color: black; }\n")
    (tmp_path / "assets" / "logo.svg").write_text("<svg/>\n")
    files, diagnostics = build_files(project)
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    assert files["404.html"] == b"<p>Our own not-found page</p>\n"
    assert files["assets/site.css"] == b"body { color: black; }\n"
    assert files["assets/logo.svg"] == b"<svg/>\n"
    assert b'class="skip-link"' in files["about/index.html"]  # still the theme's base.html


def test_an_error_in_an_override_names_the_override(tmp_path: Path):
    project = project_with(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "about.html").write_text(
        '{% extends "base.html" %}\n{% block main %}{{ nope }}{% endblock %}\n'
    )
    files, diagnostics = build_files(project)
    assert files is None
    assert [d.format() for d in diagnostics.sorted()] == [
        f"{display_path(tmp_path / 'templates' / 'about.html')}:2: error: template error: 'nope' is undefined"
    ]


def test_an_error_in_the_theme_names_the_theme_file_and_line(tmp_path: Path):
    project = project_with(tmp_path)
    (tmp_path / "templates").mkdir()
    # An override of the macros that lacks one the theme's timeline imports and uses.
    (tmp_path / "templates" / "_macros.html").write_text(
        (THEME / "templates" / "_macros.html").read_text().replace("macro passage_link", "macro x")
    )
    files, diagnostics = build_files(project)
    assert files is None
    timeline = display_path(THEME / "templates" / "timeline.html")
    lines = (THEME / "templates" / "timeline.html").read_text().splitlines()
    used = next(i for i, line in enumerate(lines, 1) if "passage_link(" in line)
    # Every theme template that uses the macro says so at its own line; the timeline is one.
    assert (
        f"{timeline}:{used}: error: template error: the template '_macros.html' (imported on line 2"
        " in 'timeline.html') does not export the requested name 'passage_link'"
    ) in [d.format() for d in diagnostics.sorted()]


def test_a_named_override_folder_must_exist(tmp_path: Path, capsys):
    import pytest

    from builder.cli import main

    with pytest.raises(SystemExit) as exit:
        main(["check", "--root", str(tmp_path), "--templates", str(tmp_path / "nope")])
    assert exit.value.code == 2
    assert capsys.readouterr().err.endswith(
        f"error: --templates {tmp_path / 'nope'}: no such folder\n"
    )


def test_the_repository_s_own_templates_and_assets_are_the_theme_and_override_nothing(monkeypatch):
    """In a checkout, the top-level templates/ and assets/ are the default theme: the bundled
    site, whose project folder is the repository, reads them once, as the theme."""
    from conftest import ROOT

    from builder.diagnostics import Diagnostics
    from builder.load import load

    assert load.THEME == ROOT
    walked: list[Path] = []
    real = load._files_under
    monkeypatch.setattr(
        load, "_files_under", lambda folder, *a, **k: walked.append(folder) or real(folder, *a, **k)
    )
    project = Project.at(ROOT)
    templates = load.read_templates(project.templates, Diagnostics(), project.theme)
    assets = load.read_assets(project.assets, project.theme, Diagnostics())
    assert walked == [ROOT / "templates", ROOT / "assets"]
    assert set(templates.paths.values()) == {
        display_path(ROOT / "templates" / name) for name in templates.texts
    }
    assert assets["site.css"] == (ROOT / "assets" / "site.css").read_bytes()


def test_a_long_passage_is_excerpted_where_its_themes_words_are():
    """A whole paragraph on a theme, its excerpt cut at 360 characters: when the words that put
    it on the theme come later, the excerpt starts at their sentence."""
    from builder.render.render import EXCERPT, from_term

    opening = "Leaders know their services well. " * 12
    text = opening + "Private fostering arrangements are weak. Nothing else is said."
    assert len(opening) > EXCERPT
    assert from_term(text, ("private fostering",)) == (
        "… Private fostering arrangements are weak. Nothing else is said."
    )
    assert from_term(text, ("privately fostered", "Private  Fostering")).startswith("… Private")
    # Words within the excerpt, no terms, or none found: from the start.
    assert from_term(text, ("leaders",)) == text
    assert from_term(text, ()) == text
    assert from_term(text, ("kinship care",)) == text
    # A term late in a long sentence: a few words before it, not the whole sentence.
    long = "Leaders monitor " + "return home interviews, " * 20 + "and private fostering."
    shown = from_term(long, ("private fostering",))
    assert shown.startswith("… ") and shown.endswith("and private fostering.")
    assert len(shown) < 120
    assert from_term("Short. Private fostering.", ("private fostering",)) == (
        "Short. Private fostering."
    )
