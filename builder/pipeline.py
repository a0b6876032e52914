"""The whole builder as one readable function: load, parse, model, views and render, check, publish."""

from __future__ import annotations

import dataclasses
import time
from collections import ChainMap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from builder import diskcache
from builder.diagnostics import Diagnostic, Diagnostics
from builder.incremental.pool import Workers, fewer_collections, give_back_freed, to_send
from builder.load.load import (
    Project,
    Sources,
    Templates,
    display_path,
    read_assets,
    read_sources,
    read_templates,
)
from builder.memo import Memo
from builder.publish.publish import publish_site
from builder.sitefiles import SiteFiles
from builder.urls import is_placeholder, split_address

if TYPE_CHECKING:
    from builder.model.anchoring import Target
    from builder.model.site import KeptReport, Site
    from builder.model.text import RenderedText
    from builder.parse.records import Content, Report
    from builder.render.search import SearchJob

PARSE_PIECE = 64 * 1024  # characters of content a parse task is worth: 64 of them start the pool
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
    run = Run(
        project,
        diagnostics,
        Options(strict, write, base_url),
        cache if cache is not None else Memo(handed_on=False),
        workers or Workers(jobs),
        Laps(timings if timings is not None else {}),
        cache_root,
    )
    try:
        inputs = load(run)
        kept = last_output(run, inputs)  # unchanged inputs: the last good build's output
        if kept is not None:
            return publish(run, kept)
        restore(run, inputs)
        content = parse(run, inputs)
        inputs = _let_texts_go(run, inputs)
        modelled = model(run, inputs, content)
        del content  # what the stages after read of it is the site's (see `_let_go`)
        if modelled is None:
            return None
        site, search = modelled
        rendered = render(run, inputs, site, search)
        files = check(run, inputs, site, rendered) if rendered is not None else None
        return keep(run, inputs, publish(run, files)) if files is not None else None
    finally:
        if workers is None:
            run.pool.close()


@dataclass(frozen=True, slots=True)
class Options:
    """What the command asked for: warnings as errors, writing the output, the public address."""

    strict: bool
    write: bool
    base_url: str


@dataclass(frozen=True, slots=True)
class Run:
    """One build: what it reads, how, and the tables its stages fill (`memo`)."""

    project: Project
    diagnostics: Diagnostics
    options: Options
    memo: Memo
    pool: Workers
    lap: Laps
    cache_root: Path | None

    @property
    def saved(self) -> Path | None:
        """The on-disk cache's file, when the build keeps one."""
        return diskcache.cache_file(self.cache_root) if self.cache_root else None


@dataclass(frozen=True, slots=True)
class Inputs:
    """Every file a build reads, and the content hash of all of them with the options (when the
    build keeps its output on disk)."""

    sources: Sources
    templates: Templates
    assets: dict[str, bytes]
    template_texts: dict[str, str]
    key: str


def load(run: Run) -> Inputs:
    """Read the content, the templates and the assets."""
    project, diagnostics, options = run.project, run.diagnostics, run.options
    sources = read_sources(
        project.content, diagnostics, run.memo.read if run.memo.handed_on else None
    )
    templates = read_templates(project.templates, diagnostics, project.theme)
    assets = read_assets(project.assets, project.theme, diagnostics)
    texts = {templates.path(n): t for n, t in templates.texts.items()}
    key = ""  # asked only of a build that keeps its output on disk
    if run.cache_root is not None:
        where = display_path(project.content)
        key = diskcache.inputs_key(
            sources.files, texts, assets, where, options.strict, options.base_url
        )
    run.lap("load")
    return Inputs(sources, templates, assets, texts, key)


def last_output(run: Run, inputs: Inputs) -> SiteFiles | None:
    """The whole build is a pure function of its inputs: when they are the last good build's,
    its output and its warnings, from the disk cache."""
    if run.cache_root is None or run.diagnostics.has_errors():
        return None
    path = diskcache.build_file(run.cache_root)
    last = diskcache.load(path) if diskcache.may_hold(path, inputs.key) else None
    kept = None
    if last and last.get("inputs") == inputs.key:
        kept = diskcache.resolve_pages(last.get("files"), run.cache_root)
        said = last.get("diagnostics")
        if kept is not None and isinstance(said, list):
            run.diagnostics.items.extend(d for d in said if isinstance(d, Diagnostic))
        else:
            kept = None
    run.lap("read cache")
    return kept


def restore(run: Run, inputs: Inputs) -> None:
    """Take up the disk cache's memo, for a process with none of its own."""
    if run.saved is None:
        return
    # The stages' records are read back only once their modules are loaded.
    import builder.check.linkcheck
    import builder.render.render  # noqa: F401 - loads every stage the memo's records are of

    if not run.memo.pages and (state := diskcache.load_memo(run.saved)):
        run.memo.restore(state, inputs.sources.files)
    run.lap("read cache: pages")


def parse(run: Run, inputs: Inputs) -> Content:
    """Content text to records: the reports the memo lacks over the workers, then the rest."""
    from builder.parse.content import parse_content
    from builder.parse.parse import parse_reports

    memo = run.memo
    missing = [source for source in inputs.sources.reports() if source not in memo.parsed]
    # Parsing a file is quick: the pool pays off for many files, or for a few large ones (an
    # imported draft's front matter runs to thousands of lines).
    if run.pool.parallel(
        max(len(missing) // 8, sum(len(text) for _, text in missing) // PARSE_PIECE)
    ):
        sent = [(path, to_send(text)) for path, text in missing]
        if run.saved is not None and not memo.handed_on:
            made = _stored(run.pool, run.saved, diskcache.parse_reports_stored, sent)
        else:
            made = run.pool.map(parse_reports, sent)
        memo.parsed.update(zip(missing, made, strict=True))
    where = display_path(run.project.content)
    content = parse_content(inputs.sources, run.diagnostics, where, memo.parsed)
    content = with_address(content, run.options.base_url, run.options.strict, run.diagnostics)
    run.lap("parse")
    return content


def _let_texts_go(run: Run, inputs: Inputs) -> Inputs:
    """A build that hands nothing on keeps no report's text once all are parsed: the stages after
    read one again only for the line of a problem (`Sources.parsed`)."""
    if run.memo.handed_on:
        return inputs
    run.memo.forget_texts()
    return dataclasses.replace(inputs, sources=inputs.sources.parsed())


def model(run: Run, inputs: Inputs, content: Content) -> tuple[Site, SearchJob] | None:
    """The site model, with content links and content rules checked, and its search index
    started (Pagefind works in its own processes meanwhile); None on errors.

    It is made even after parse errors: reference and quote problems in the files that did parse
    are independent of them, and an editor should see every problem in one run."""
    from builder.model.rules import check_rules
    from builder.model.site import build_model, note_texts
    from builder.model.text import check_content_links, render_bodies
    from builder.render.search import start_search_index

    memo, diagnostics, kept = run.memo, run.diagnostics, run.memo.model
    _render_notes(note_texts(content), content.settings.base_path, memo, run.pool)
    # Which reports an editor changed: asked before the model replaces what it kept.
    changed = _changed_reports(content.reports, kept.reports)
    if run.saved is not None and not memo.handed_on:  # the bodies go to disk early: see _let_go
        task = partial(_stored, run.pool, run.saved, diskcache.render_bodies_stored)
    else:
        task = partial(run.pool.map, render_bodies)

    def render(bodies: list[tuple[str, tuple[Target, ...]]]) -> list[RenderedText]:
        return task([(to_send(body), targets) for body, targets in bodies])

    site = build_model(content, diagnostics, memo.bodies, render, memo.notes, kept)
    sources = inputs.sources.files
    check_content_links(
        content, site.rendered, sources, diagnostics, memo.notes, kept.content_links
    )
    check_rules(site, diagnostics)  # the content rules site.yml turns on: warnings
    run.lap("model")
    if diagnostics.has_errors():
        return None
    if memo.preview.show_first is not None and 0 < len(changed) <= FIRST_AT_MOST:
        _show_first(run, inputs, site, changed)
    memo.base_path = site.settings.base_path
    search = start_search_index(site, memo)
    run.lap("search records")
    # Written while Pagefind starts on the core the writing leaves idle; no stage after holds
    # the model as it was.
    return _let_go(run, site), search


def _show_first(run: Run, inputs: Inputs, site: Site, changed: list[str]) -> None:
    """The page an editor is writing, before the rest of the site: the preview shows it."""
    from builder.render.render import render_first

    show = run.memo.preview.show_first
    assert show is not None
    show(render_first(site, inputs.templates, run.memo, changed))
    run.lap("render first")


def _let_go(run: Run, site: Site) -> Site:
    """A process that builds once keeps what only the next build reads on disk, not in memory:
    rendered bodies' blocks and anchors are the model's, and it is made."""
    memo = run.memo
    if run.saved is None or memo.handed_on:
        return site
    memo.bodies = diskcache.store_now(run.saved, "bodies", memo.bodies)  # written as made
    # The parsed reports, Markdown and all, go to disk now: the site keeps none of the Markdown.
    memo.parsed_keyed = diskcache.store_now(run.saved, "parsed", memo.parsed_keyed)
    memo.model = type(memo.model)()  # it names the bodies: for a next build here only
    site = site.without_texts()
    run.lap("write cache: report bodies")
    return site


@dataclass(frozen=True, slots=True)
class Rendered:
    """Every output file but the search index, each page's source file, and the index being made."""

    files: SiteFiles
    sources_of: dict[str, str]
    search: SearchJob


def render(run: Run, inputs: Inputs, site: Site, search: SearchJob) -> Rendered | None:
    """Every output file, the search index being made alongside; None when a page failed."""
    from builder.render.render import render_site

    memo, diagnostics = run.memo, run.diagnostics
    if not memo.handed_on:
        give_back_freed()  # what the model let go: the pages are rendered in less
    files, sources_of = render_site(
        site, inputs.templates, inputs.assets, diagnostics, memo, run.pool
    )
    run.lap("views and render")
    if diagnostics.has_errors():
        return None  # a page is missing: checking links to it would only repeat the error
    return Rendered(files, sources_of, search)


def check(run: Run, inputs: Inputs, site: Site, rendered: Rendered) -> SiteFiles | None:
    """Check every link, add the search index and keep the memo on disk: the files to publish,
    or None when there are errors (or, under `strict`, warnings)."""
    from builder.check.linkcheck import check_links
    from builder.render.search import finish_search_index

    memo, diagnostics, strict = run.memo, run.diagnostics, run.options.strict
    if not memo.handed_on:
        give_back_freed()  # the views and chunks rendering let go: the cache is written in less
    files = rendered.files
    # Read only for the line of a problem; ChainMap only reads the content files' mapping.
    texts = ChainMap(inputs.template_texts, cast("dict[str, str]", inputs.sources.files))
    links = (memo.links, texts, site.links, memo.link_problems)
    check_links(files, site.settings.base_path, rendered.sources_of, diagnostics, strict, *links)
    run.lap("check links")
    files.update(finish_search_index(rendered.search, site, memo, diagnostics))
    run.lap("search index: left after render")
    if run.saved is not None:
        diskcache.save_memo(run.saved, memo.save())
        run.lap("write cache: pages")
    return None if diagnostics.has_errors() or (strict and diagnostics.warnings) else files


def publish(run: Run, files: SiteFiles) -> SiteFiles | None:
    """Write the output folder atomically (unless the build only checks)."""
    if run.options.write and not publish_site(files, run.project, run.diagnostics):
        return None
    run.lap("publish")
    return files


def keep(run: Run, inputs: Inputs, files: SiteFiles | None) -> SiteFiles | None:
    """Keep the published output on disk, with the key of its inputs, for `last_output`."""
    if files is None or run.cache_root is None:
        return files
    search = run.memo.search[1] if run.memo.search is not None else None
    pages = diskcache.page_refs(files, run.memo.pages, search)  # the memo's entries hold them
    state = {"inputs": inputs.key, "files": pages, "diagnostics": run.diagnostics.items}
    diskcache.save(diskcache.build_file(run.cache_root), state)
    run.lap("write cache: output")
    return files


class Laps:
    """The seconds each stage of a build took, each measured from the end of the one before."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into
        self.last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.into[stage] = self.into.get(stage, 0.0) + now - self.last
        self.last = now


def with_address(
    content: Content, base_url: str, strict: bool, diagnostics: Diagnostics
) -> Content:
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


def _changed_reports(reports: Iterable[Report], last: dict[str, KeptReport]) -> list[str]:
    """The reports whose records are not the very ones the last build in this process made its
    passages from: the ones an editor has just changed (none on a first build: every page is new)."""
    if not last:
        return []
    return [r.id for r in reports if (kept := last.get(r.id)) is None or kept.report is not r]


def _stored(
    pool: Workers,
    path: Path,
    task: Callable[[list[Any]], list[tuple[Any, str, bytes]]],
    items: list[Any],
) -> list[Any]:
    """A stage's `task` over the workers, each result with the name and bytes the disk cache
    keeps it under (`diskcache.parse_reports_stored`, `render_bodies_stored`), written at once.
    Encoded here after the model, the parsed reports took three seconds of one core; held until
    then, the rendered bodies' bytes were a tenth of its peak."""
    results = pool.map(task, items)
    diskcache.store_entries(path, ((name, blob) for _, name, blob in results))
    return [made for made, _, _ in results]


def _render_notes(texts: list[str], base_path: str, memo: Memo, pool: Workers) -> None:
    """Render the notes the memo does not have, over the workers when there are many; forget
    the notes no longer in the content, so memory stays flat."""
    wanted = {(base_path, text) for text in texts}
    memo.notes = {key: made for key, made in memo.notes.items() if key in wanted}
    missing = [key for key in wanted if key not in memo.notes]
    missing.sort()  # the order of work never depends on the hash seed
    from builder.model.text import render_notes

    if pool.parallel(len(missing) // 16):  # a note is small: starting the pool pays off for many
        memo.notes.update(zip(missing, pool.map(render_notes, missing), strict=True))
