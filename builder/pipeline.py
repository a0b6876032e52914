"""The whole builder as one readable function: load, model, render, check, publish."""

from __future__ import annotations

import dataclasses

from .content import parse_content
from .diagnostics import Diagnostics
from .linkcheck import check_links
from .load import Project, display_path, read_assets, read_sources, read_templates
from .memo import Memo
from .publish import publish_site
from .render import render_site
from .rules import check_rules
from .search import finish_search_index, start_search_index
from .site import build_model
from .text import check_content_links
from .urls import is_placeholder, split_address

Cache = Memo  # the name the preview and older callers know


def build(
    project: Project,
    diagnostics: Diagnostics,
    *,
    strict: bool = False,
    write: bool = True,
    cache: Memo | None = None,
    base_url: str = "",
) -> dict[str, bytes] | None:
    """Build the site; write it only when there are no errors. Returns the files, or None.

    `base_url` is the full public address the site is built for; it replaces the `url` and
    `base_path` of the site's settings.
    """
    memo = cache if cache is not None else Memo()
    sources = read_sources(project.content, diagnostics)  # load
    templates = read_templates(project.templates, diagnostics, project.theme)
    assets = read_assets(project.assets, project.theme, diagnostics)
    content = parse_content(sources, diagnostics, display_path(project.content), memo.parsed)
    content = with_address(content, base_url, strict, diagnostics)
    # On to the model even after parse errors: reference and quote problems in the files that
    # did parse are independent of them, and an editor should see every problem in one run.
    site = build_model(content, diagnostics, memo.bodies)  # model
    check_content_links(content, site.rendered, sources.files, diagnostics)
    check_rules(site, diagnostics)  # the content rules site.yml turns on: warnings
    if diagnostics.has_errors():
        return None
    memo.base_path = site.settings.base_path
    search = start_search_index(site, memo)  # Pagefind works in its own process meanwhile
    files, pages = render_site(site, templates, assets, diagnostics, memo)  # views and render
    if diagnostics.has_errors():
        return None  # a page is missing: checking links to it would only repeat the error
    texts = {**sources.files, **{templates.path(n): t for n, t in templates.texts.items()}}
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
    files.update(finish_search_index(search, site, memo, diagnostics))
    if diagnostics.has_errors() or (strict and diagnostics.warnings):
        return None
    if write and not publish_site(files, project, diagnostics):  # publish
        return None
    return files


def with_address(content, base_url: str, strict: bool, diagnostics: Diagnostics):
    """The content with `--base-url` applied; under `strict`, an error for a missing or placeholder address."""
    settings = content.settings
    if base_url:
        try:
            origin, base_path = split_address(base_url)
        except ValueError as exc:
            diagnostics.error("--base-url", 0, str(exc))
            return content
        settings = dataclasses.replace(settings, url=origin + "/", base_path=base_path)
        content = dataclasses.replace(content, settings=settings)
    if strict and is_placeholder(settings.url):
        where = settings.where.of("url")
        state = f"is a placeholder ({settings.url.rstrip('/')})" if settings.url else "is not set"
        diagnostics.error(
            where.path,
            where.line,
            f"the site's address {state}: the feed, sitemap and data need its public address "
            "(hint: set 'url' in site.yml, or build with --base-url https://…/)",
        )
    return content
