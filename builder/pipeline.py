"""The whole builder as one readable function: load, model, render, check, publish."""

from __future__ import annotations

from .content import parse_content
from .diagnostics import Diagnostics
from .linkcheck import check_links
from .load import Project, display_path, read_assets, read_sources, read_templates
from .memo import Memo
from .publish import write_site_atomically
from .render import render_site
from .site import build_model
from .text import check_content_links

Cache = Memo  # the name the preview and older callers know


def build(
    project: Project,
    diagnostics: Diagnostics,
    *,
    strict: bool = False,
    write: bool = True,
    cache: Memo | None = None,
) -> dict[str, bytes] | None:
    """Build the site; write it only when there are no errors. Returns the files, or None."""
    memo = cache if cache is not None else Memo()
    sources = read_sources(project.content, diagnostics)  # load
    templates = read_templates(project.templates, diagnostics)
    assets = read_assets(project.assets)
    content = parse_content(sources, diagnostics, display_path(project.content), memo.parsed)
    if diagnostics.has_errors():
        return None
    site = build_model(content, diagnostics, memo.bodies)  # model
    check_content_links(content, site.rendered, sources.files, diagnostics)
    if diagnostics.has_errors():
        return None
    memo.base_path = site.settings.base_path
    files, pages = render_site(site, templates, assets, diagnostics, memo)  # views and render
    if diagnostics.has_errors():
        return None  # a page is missing: checking links to it would only repeat the error
    texts = {**sources.files, **{f"{templates.folder}/{n}": t for n, t in templates.texts.items()}}
    sources_of = {page.output: page.source for page in pages}
    check_links(
        files,
        site.settings.base_path,
        sources_of,
        diagnostics,
        strict,
        memo.links,
        texts,
        site.links,
    )
    if diagnostics.has_errors() or (strict and diagnostics.warnings):
        return None
    if write:
        write_site_atomically(files, project.out)  # publish
    return files
