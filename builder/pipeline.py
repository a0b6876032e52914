"""The whole builder as one readable function: load, model, render, check, publish."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from .content import parse_content
from .diagnostics import Diagnostics
from .linkcheck import check_links
from .load import Project, display_path, read_assets, read_sources, read_templates
from .publish import write_site_atomically
from .render import PageCache, render_site
from .search import SearchUnavailable, records, search_files, start_search_files
from .site import Site, build_model
from .urls import Urls, is_placeholder, split_address


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
    search: tuple[object, dict[str, bytes]] | None = None  # the search records and their index
    # Set by the preview: a changed index is then made in the background and handed to this, while
    # the build goes on with the previous one, so a save shows at once. Builds that write never defer.
    search_later: Callable[[dict[str, bytes]], None] | None = None
    search_worker: ThreadPoolExecutor | None = None
    search_wanted: object = None


def build(
    project: Project,
    diagnostics: Diagnostics,
    *,
    strict: bool = False,
    write: bool = True,
    cache: Cache | None = None,
    base_url: str = "",
) -> dict[str, bytes] | None:
    """Build the site; write it only when there are no errors. Returns the files, or None.

    `base_url` is the full public address the site is built for; it replaces the `url` and
    `base_path` of the site's settings.
    """
    cache = cache or Cache()
    sources = read_sources(project.content, diagnostics)  # load
    templates = read_templates(project.templates, diagnostics)
    assets = read_assets(project.assets)
    content = parse_content(sources, diagnostics, display_path(project.content), cache.parsed)
    if diagnostics.has_errors():
        return None
    content = with_address(content, base_url, strict, diagnostics)
    if diagnostics.has_errors():
        return None
    site = build_model(content, diagnostics, cache.bodies)  # model
    if diagnostics.has_errors():
        return None
    cache.base_path = site.settings.base_path
    search = start_search_index(site, cache)  # Pagefind works in its own process meanwhile
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
    files.update(finish_search_index(search, site, cache, diagnostics))
    if diagnostics.has_errors() or (strict and diagnostics.warnings):
        return None
    if write:
        write_site_atomically(files, project.out)  # publish
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


@dataclass
class SearchJob:
    """The search index of one build: ready already, or being made while the pages render."""

    key: object
    ready: dict[str, bytes] | None = None
    future: Future[dict[str, bytes]] | None = None


def start_search_index(site: Site, cache: Cache) -> SearchJob:
    """Start making the search index; made again only when the records or the base path change."""
    urls = Urls(site.settings.base_path, site.settings.url)
    items = records(site, urls)
    key = (items, site.settings.base_path, site.settings.language)
    if cache.search is not None and cache.search[0] == key:
        return SearchJob(key, ready=cache.search[1])
    if cache.search_later is not None and cache.search is not None:
        cache.search_wanted = key
        cache.search_worker = cache.search_worker or ThreadPoolExecutor(1)
        cache.search_worker.submit(
            _search_in_background, items, site.settings.language, urls, key, cache
        )
        return SearchJob(key, ready=cache.search[1])
    return SearchJob(key, future=start_search_files(items, site.settings.language, urls))


def finish_search_index(
    job: SearchJob, site: Site, cache: Cache, diagnostics: Diagnostics
) -> dict[str, bytes]:
    """The search index files, once made; a diagnostic when Pagefind could not run."""
    if job.ready is not None or job.future is None:
        return job.ready or {}
    try:
        files = job.future.result()
    except SearchUnavailable as exc:
        diagnostics.error(site.settings.where.path, 0, f"search index not made: {exc}")
        return {}
    cache.search = (job.key, files)
    return files


def _search_in_background(items, language: str, urls: Urls, key: object, cache: Cache) -> None:
    if cache.search_wanted != key:
        return  # a later save has asked for a newer index already
    try:
        files = search_files(items, language, urls)
    except SearchUnavailable:
        return  # the next build in the foreground reports it
    if cache.search_wanted == key and cache.search_later is not None:
        cache.search = (key, files)
        cache.search_later(files)


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
    for section in ("timeline", "reports", "themes", "recommendations", "about", "data", "search"):
        sources[f"{section}/index.html"] = f"{templates}/{section}.html"
    return sources
