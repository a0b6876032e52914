"""The whole builder as one readable function: load, model, render, check, publish."""

from __future__ import annotations

from dataclasses import dataclass, field

from .content import parse_content
from .diagnostics import Diagnostics
from .linkcheck import check_links
from .load import Project, display_path, read_assets, read_sources, read_templates
from .publish import write_site_atomically
from .render import PageCache, render_site
from .site import Site, build_model


@dataclass
class Cache:
    """What one build can hand the next in the same process: parsed files, rendered bodies and pages.

    Every entry is keyed by the exact inputs it was made from, so a cached build writes the same
    bytes as a fresh one.
    """

    parsed: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)
    pages: PageCache = field(default_factory=PageCache)
    links: dict = field(default_factory=dict)
    base_path: str = "/"  # the last good build's, for the preview server


def build(
    project: Project,
    diagnostics: Diagnostics,
    *,
    strict: bool = False,
    write: bool = True,
    cache: Cache | None = None,
) -> dict[str, bytes] | None:
    """Build the site; write it only when there are no errors. Returns the files, or None."""
    cache = cache or Cache()
    sources = read_sources(project.content, diagnostics)  # load
    templates = read_templates(project.templates, diagnostics)
    assets = read_assets(project.assets, diagnostics)
    content = parse_content(sources, diagnostics, display_path(project.content), cache.parsed)
    if diagnostics.has_errors():
        return None
    site = build_model(content, diagnostics, cache.bodies)  # model
    if diagnostics.has_errors():
        return None
    cache.base_path = site.settings.base_path
    files = render_site(site, templates, assets, diagnostics, cache.pages)  # render
    if diagnostics.has_errors():
        return None  # a page is missing: checking links to it would only repeat the error
    texts = {**sources.files, **{f"{templates.folder}/{n}": t for n, t in templates.texts.items()}}
    check_links(
        files,
        site.settings.base_path,
        page_sources(site, project),
        diagnostics,
        strict,
        cache.links,
        texts,
    )
    if diagnostics.has_errors() or (strict and diagnostics.warnings):
        return None
    if write:
        write_site_atomically(files, project.out)  # publish
    return files


def page_sources(site: Site, project: Project) -> dict[str, str]:
    """Which source file produced each page, so a broken link names a file an editor can open."""
    templates = display_path(project.templates)
    sources = {
        f"reports/{view.report.id}/index.html": view.report.where.path for view in site.reports
    }
    sources.update({f"themes/{t}/index.html": f"{templates}/theme.html" for t in site.themes})
    sources.update(
        {
            f"recommendations/{r}/index.html": f"{templates}/recommendation.html"
            for r in site.recommendations
        }
    )
    for page, template in (("index.html", "home"), ("404.html", "404")):
        sources[page] = f"{templates}/{template}.html"
    for section in ("timeline", "reports", "themes", "recommendations", "about", "data"):
        sources[f"{section}/index.html"] = f"{templates}/{section}.html"
    return sources
