"""The whole builder as one readable function: load, parse, model, views and render, check, publish."""

from __future__ import annotations

import dataclasses
import time
from functools import partial
from pathlib import Path

from builder import diskcache
from builder.diagnostics import Diagnostic, Diagnostics
from builder.load.load import Project, display_path, read_assets, read_sources, read_templates
from builder.memo import Memo
from builder.publish.publish import publish_site
from builder.sitefiles import SiteFiles
from builder.urls import is_placeholder, split_address
from builder.workers import (
    Workers,
    fewer_collections,
    parse_reports,
    render_bodies,
    render_notes,
)

Cache = Memo  # the name the preview and older callers know
FIRST_AT_MOST = 3  # more changed reports than this: an edit across the site, shown all at once


@fewer_collections()
def build(
    project: Project,
    diagnostics: Diagnostics,
    *,
    strict: bool = False,
    write: bool = True,
    cache: Memo | None = None,
    base_url: str = "",
    cache_root: Path | None = None,
    jobs: int | None = None,
    workers: Workers | None = None,
    timings: dict[str, float] | None = None,
) -> SiteFiles | None:
    """Build the site; write it only when there are no errors. Returns the files, or None.

    `base_url` is the full public address the site is built for; it replaces the `url` and
    `base_path` of the site's settings. `cache` carries work to the next build in this process;
    `cache_root` keeps it on disk under that project folder for the next process; `jobs`
    processes share the work (default: all cores). `timings` receives the seconds each stage took.
    """
    memo = cache if cache is not None else Memo(handed_on=False)
    pool = workers or Workers(jobs)
    lap = Laps(timings if timings is not None else {})
    try:
        sources = read_sources(project.content, diagnostics)  # load
        templates = read_templates(project.templates, diagnostics, project.theme)
        assets = read_assets(project.assets, project.theme, diagnostics)
        template_texts = {templates.path(n): t for n, t in templates.texts.items()}
        lap("load")
        saved = diskcache.cache_file(cache_root) if cache_root else None
        if (
            saved and cache_root
        ):  # the whole build is a pure function of its inputs: unchanged, reuse its output
            inputs = diskcache.inputs_key(
                sources.files,
                template_texts,
                assets,
                display_path(project.content),
                strict,
                base_url,
            )
            last = diskcache.load(diskcache.build_file(cache_root))
            if last and last.get("inputs") == inputs and not diagnostics.has_errors():
                kept = diskcache.resolve_pages(last.get("files"), cache_root)
                said = last.get("diagnostics")
                lap("read cache")
                if kept is not None and isinstance(said, list):
                    diagnostics.items.extend(d for d in said if isinstance(d, Diagnostic))
                    if write and not publish_site(kept, project, diagnostics):  # publish
                        return None
                    lap("publish")
                    return kept
            # The stages' records are read back only once their modules are loaded.
            import builder.check.linkcheck
            import builder.render.render  # noqa: F401 - loads every stage the memo's records are of

            if not memo.pages and (state := diskcache.load_memo(saved)):
                memo.restore(state, sources.files)
            lap("read cache")
        # The stages that make a site, loaded only now: an unchanged project never needs them.
        from builder.check.linkcheck import check_links
        from builder.model.rules import check_rules
        from builder.model.site import build_model, note_texts
        from builder.model.text import check_content_links
        from builder.parse.content import parse_content
        from builder.render.render import render_first, render_site
        from builder.render.search import finish_search_index, start_search_index

        _parse_reports(sources.reports(), memo, pool)  # parse
        content = parse_content(sources, diagnostics, display_path(project.content), memo.parsed)
        content = with_address(content, base_url, strict, diagnostics)
        lap("parse")
        # On to the model even after parse errors: reference and quote problems in the files that
        # did parse are independent of them, and an editor should see every problem in one run.
        _render_notes(note_texts(content), content.settings.base_path, memo, pool)
        # Which reports an editor changed: asked before the model replaces what it kept.
        changed = _changed_reports(content.reports, memo.model.reports)
        site = build_model(  # model
            content,
            diagnostics,
            memo.bodies,
            partial(pool.map, render_bodies),
            memo.notes,
            memo.model,
        )
        check_content_links(
            content, site.rendered, sources.files, diagnostics, memo.notes, memo.model.content_links
        )
        check_rules(site, diagnostics)  # the content rules site.yml turns on: warnings
        lap("model")
        if diagnostics.has_errors():
            return None
        if memo.show_first is not None and 0 < len(changed) <= FIRST_AT_MOST:
            # The page an editor is writing, before the rest of the site: the preview shows it.
            memo.show_first(render_first(site, templates, memo, changed))
            lap("render first")
        if saved and not memo.handed_on:
            # A process that builds once keeps what only the next build reads on disk, not in
            # memory: rendered bodies' blocks and anchors are the model's, and it is made.
            memo.bodies = diskcache.store_now(saved, "bodies", memo.bodies)
            memo.model = type(memo.model)()  # it names the bodies: for a next build here only
            site = dataclasses.replace(site, rendered={})
            lap("write cache")
        memo.base_path = site.settings.base_path
        search = start_search_index(site, memo)  # Pagefind works in its own process meanwhile
        lap("search records")
        files, sources_of = render_site(site, templates, assets, diagnostics, memo, pool)  # render
        lap("views and render")
        if diagnostics.has_errors():
            return None  # a page is missing: checking links to it would only repeat the error
        texts = {**sources.files, **template_texts}
        check_links(
            files,
            site.settings.base_path,
            sources_of,
            diagnostics,
            strict,
            memo.links,
            texts,
            site.links,
            memo.link_problems,
        )  # check
        lap("check links")
        files.update(finish_search_index(search, site, memo, diagnostics))
        lap("search index (after render)")
        if saved:
            diskcache.save_memo(saved, memo.save())
            lap("write cache")
        if diagnostics.has_errors() or (strict and diagnostics.warnings):
            return None
        if write and not publish_site(files, project, diagnostics):  # publish
            return None
        lap("publish")
        if saved and cache_root:
            pages = diskcache.page_refs(files, memo.pages)  # the memo's entry files hold them
            state = {"inputs": inputs, "files": pages, "diagnostics": diagnostics.items}
            diskcache.save(diskcache.build_file(cache_root), state)
            lap("write cache")
        return files
    finally:
        if workers is None:
            pool.close()


class Laps:
    """The seconds each stage of a build took, each measured from the end of the one before."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into
        self.last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.into[stage] = self.into.get(stage, 0.0) + now - self.last
        self.last = now


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


def _parse_reports(reports: list[tuple[str, str]], memo: Memo, pool: Workers) -> None:
    """Parse the report files the memo does not have, over the workers when there are many."""
    missing = [source for source in reports if source not in memo.parsed]
    if pool.parallel(len(missing) // 8):  # parsing a file is quick: the pool pays off for many
        memo.parsed.update(zip(missing, pool.map(parse_reports, missing), strict=True))


def _changed_reports(reports, last: dict) -> list[str]:
    """The reports whose records are not the very ones the last build in this process made its
    passages from: the ones an editor has just changed (none on a first build: every page is new)."""
    if not last:
        return []
    return [r.id for r in reports if (kept := last.get(r.id)) is None or kept.report is not r]


def _render_notes(texts: list[str], base_path: str, memo: Memo, pool: Workers) -> None:
    """Render the notes the memo does not have, over the workers when there are many; forget
    the notes no longer in the content, so memory stays flat."""
    wanted = {(base_path, text) for text in texts}
    memo.notes = {key: made for key, made in memo.notes.items() if key in wanted}
    missing = [key for key in wanted if key not in memo.notes]
    missing.sort()  # the order of work never depends on the hash seed
    if pool.parallel(len(missing) // 16):  # a note is small: starting the pool pays off for many
        memo.notes.update(zip(missing, pool.map(render_notes, missing), strict=True))
