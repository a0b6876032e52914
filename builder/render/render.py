"""Render planned pages through Jinja templates (pure: a page's view and the templates in, bytes out)."""

from __future__ import annotations

import hashlib
import re
import traceback
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2 import nodes
from markupsafe import Markup

from builder.diagnostics import Diagnostic, Diagnostics
from builder.incremental.pool import Workers
from builder.load.load import Templates, display_path
from builder.memo import Memo, SharedRecords, hash_of, key_of, key_of_each, load_shared
from builder.model.derive import STANDING_RULES, STANDINGS
from builder.model.site import Site
from builder.model.terms import term_pattern
from builder.model.text import render_note
from builder.model.views import Passage
from builder.parse.records import STATUS_LABELS, STATUSES, Report, Settings
from builder.render.cite import about, report_cite_files
from builder.render.data import data_files, data_names
from builder.render.feeds import organisation_feeds, structured_contexts, xml_environment
from builder.render.scan import scan, share_strings
from builder.sitefiles import Packed, SiteFiles
from builder.urls import Urls
from builder.views.kept import Kept
from builder.views.organisations import SECTION_ASSETS
from builder.views.pages import (
    AsideView,
    BodyPart,
    ChartView,
    HistorySummary,
    Page,
    ReportBody,
    ReportHeader,
    ReportPageView,
    plan_pages,
    plan_report_pages,
)

# Passages, report headers, recommendation summaries and settings: many pages show each, so a
# page's key and the chunk sent to a worker name each by its hash, serialised once. A report's
# body is named by its own key, so a page's key never hashes the body's bytes. A report page's
# header record and an organisation's chart are kept from build to build while what they are
# made from is unchanged (`Kept`): named by the digest known for them, they are not encoded again.
SHARED_RECORDS = (Passage, ReportHeader, HistorySummary, Settings, ReportBody, Report, ChartView)


class TemplateProblem(Exception):
    """A template failed; already reported to diagnostics."""


class _Bytecode(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates, keyed by the templates folder's full path as well as the name,
    so projects whose templates share a relative path never overwrite each other's entries."""

    def __init__(self, folder: str) -> None:
        super().__init__()
        self.folder = str(Path(folder).resolve())

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(name, f"{self.folder}|{filename}")


def make_environment(templates: Templates) -> jinja2.Environment:
    """A strict, autoescaping Jinja environment over the loaded templates."""

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        if name not in templates.texts:
            return None
        return templates.texts[name], templates.path(name), lambda: True

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        # Compiled templates are kept in the system's temporary folder, keyed by their source's hash,
        # so a fresh process skips Jinja's compiler for templates it has seen before.
        bytecode_cache=_Bytecode(templates.folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["templates_folder"] = templates.folder
    # Where each template was read from (the project's own file or the theme's), for messages.
    env.globals["template_paths"] = {name: templates.path(name) for name in templates.texts}
    env.tests["contains"] = lambda sequence, item: item in sequence
    return env


def set_globals(env: jinja2.Environment, urls: Urls) -> None:
    """Give the templates this build's pure helpers: they take ids and values, never the site."""

    def cite(passage: Passage) -> str:
        """`2013 ¶27`, or `2011` for an unnumbered passage."""
        return f"{passage.year} ¶{passage.number}" if passage.number else str(passage.year)

    env.globals.update(
        url_for=urls,
        statuses=STATUSES,
        status_labels=STATUS_LABELS,
        standing_labels=STANDINGS,
        standing_rules=STANDING_RULES,
        cite=cite,
    )
    # Notes link to the site's own pages from its root; the base path goes in front of them.
    env.filters["markdown"] = lambda text: Markup(render_note(text, urls.base_path))
    env.filters["breakable"] = breakable
    env.filters["from_term"] = from_term


# How far into a passage its excerpt reaches: passage_quote (templates/_macros.html) truncates there.
EXCERPT = 360


def from_term(text: str, terms: tuple[str, ...] = ()) -> str:
    """A passage to excerpt from its start, unless none of its theme's terms comes within the
    excerpt: then from the sentence holding the first that does, after '… ', so the words that put
    it on the theme are shown."""
    pattern = term_pattern(tuple(terms))
    found = pattern.search(text) if pattern and len(text) > EXCERPT else None
    if found is None or found.end() <= EXCERPT - 20:
        return text
    start = max(text.rfind(end, 0, found.start()) for end in (". ", "? ", "! ")) + 2
    if found.end() - start > EXCERPT - 20:  # a long sentence: from a few words before the term
        start = text.find(" ", found.start() - 80) + 1
    return "… " + text[start:] if start > 1 else text


def breakable(text: str) -> Markup:
    """A long name (a data key) that may break after its underscores and dots, never in a word."""
    return Markup(str(Markup.escape(text)).replace("_", "_<wbr>").replace(".", ".<wbr>"))


def render_template(
    env: jinja2.Environment, name: str, diagnostics: Diagnostics, **context: Any
) -> str:
    """Render one template; a template error becomes a `file:line` diagnostic, never a traceback."""
    # cast: Jinja types globals as object; this is the dict[str, str] set where env was made.
    paths = cast("dict[str, str]", env.globals["template_paths"])
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        path = exc.filename or paths.get(exc.name or name) or _fallback_path(env, name)
        diagnostics.error(path, exc.lineno, f"template syntax error: {exc.message}")
    except jinja2.TemplateNotFound as exc:
        path, line = _template_frame(exc, env, name)  # the template that asked for it
        diagnostics.error(path, line, f"template not found: {exc.name}")
    except RecursionError:
        # Almost always a template that includes (or extends) itself, directly or through
        # others: the deepest frame is wherever the stack ran out, so name the include instead.
        cycle = _template_cycle(env, name) or (
            *_template_frame(RecursionError(), env, name),
            "templates include one another without end",
        )
        diagnostics.error(cycle[0], cycle[1], f"template error: {cycle[2]}")
    except Exception as exc:  # noqa: BLE001 - any runtime failure in a template is the template's
        path, line = _template_frame(exc, env, name)
        message = (
            exc.message
            if isinstance(exc, jinja2.UndefinedError)
            else f"{type(exc).__name__}: {exc}"
        )
        diagnostics.error(path, line, f"template error: {message}")
    raise TemplateProblem(name)


def _fallback_path(env: jinja2.Environment, name: str) -> str:
    # cast: Jinja types globals as object; this is the str set where env was made.
    return display_path(Path(cast(str, env.globals["templates_folder"])) / name)


def _template_frame(exc: Exception, env: jinja2.Environment, name: str) -> tuple[str, int]:
    # Jinja names each compiled template's frames after the file its loader returned, so the
    # innermost frame with one of those names is the line in the override or theme file at fault.
    # cast: Jinja types globals as object; this is the dict[str, str] set where env was made.
    paths = cast("dict[str, str]", env.globals["template_paths"])
    known = set(paths.values())
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename in known:
            return frame.filename, frame.lineno or 0
    return paths.get(name) or _fallback_path(env, name), 0


def _template_cycle(env: jinja2.Environment, name: str) -> tuple[str, int, str] | None:
    """The include, extends or import that closes a cycle among templates reached from `name`:
    its file, its line and what it does; None when no template names itself this way."""
    paths = cast("dict[str, str]", env.globals["template_paths"])
    done: set[str] = set()

    def uses(template: str) -> list[tuple[str, int]]:
        try:
            source = env.loader.get_source(env, template)[0] if env.loader else ""
            tree = env.parse(source)
        except (jinja2.TemplateError, OSError):
            return []
        found = []
        for kind in (nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport):
            for node in tree.find_all(kind):
                named = cast("nodes.Expr", node.template)  # type: ignore[attr-defined]
                if isinstance(named, nodes.Const) and isinstance(named.value, str):
                    found.append((named.value, node.lineno))
        return found

    def walk(template: str, trail: list[str]) -> tuple[str, int, str] | None:
        done.add(template)
        for used, line in uses(template):
            if used == template:
                return paths.get(template, template), line, f"template '{used}' includes itself"
            if used in trail:
                through = " -> ".join([*trail[trail.index(used) :], template, used])
                where = paths.get(template, template)
                return where, line, f"template '{used}' includes itself through {through}"
            if used not in done and (cycle := walk(used, [*trail, template])):
                return cycle
        return None

    return walk(name, [])


def render_page(env: jinja2.Environment, page: Page, diagnostics: Diagnostics) -> bytes:
    """One page's HTML: a pure function of its view and the templates. A page given with the
    inputs its view is made from has its view made here (in a worker, for most pages)."""
    page = page.made()
    context = page.context()
    if isinstance(page.view, ReportPageView):
        context["body"] = _body(env, page.view, diagnostics)
    return render_template(env, page.template, diagnostics, **context).encode("utf-8")


# The most rows of the text a group of notes may run on beside: past its own block, the blocks
# that follow it up to the next block with notes.
SPAN = 6
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = {"br", "img", "hr", "wbr", "input", "col", "area", "source", "meta", "link"}


def _top_level_blocks(html: str) -> list[tuple[str, int]]:
    """The elements at the top level of a run of the body (its blocks in the grid): each one's tag
    and the length of its text."""
    depth, start, out = 0, 0, []
    tag_at = ""
    for m in _TAG.finditer(html):
        closing, tag, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            depth = max(0, depth - 1)
            if depth == 0 and tag_at:
                out.append((tag_at, len(_TAG.sub("", html[start : m.start()]).strip())))
                tag_at = ""
            continue
        if depth == 0:
            if tag in _VOID or selfclosing:
                out.append((tag, 0))
                continue
            start, tag_at = m.end(), tag
        if tag not in _VOID and not selfclosing:
            depth += 1
    return out


# Estimates of height at a wide screen (1280 CSS px), in CSS px, from the number of characters:
# enough to tell a group of notes that would outrun its text from one that would not.
TEXT_LINE, TEXT_CHARS = 27.2, 80  # the text column: line height, characters a line
NOTE_LINE, NOTE_CHARS = 20.4, 44  # the notes column


def _block_height(tag: str, chars: int) -> float:
    if tag in ("h2", "h3", "h4", "h5", "h6"):
        return 70.0
    if tag == "table":
        return 40 + -(-chars // 60) * 26
    return 16 + max(1, -(-chars // TEXT_CHARS)) * TEXT_LINE


def _note_lines(aside: AsideView) -> int:
    html = aside.passage.note_html or ""
    return -(-len(_TAG.sub("", html)) // NOTE_CHARS) if html else 0


def _aside_overhead(aside: AsideView) -> float:
    """The height of a note without its own words: frame, kind, tracked recommendation, themes."""
    p = aside.passage
    if p.kind == "mention" or (p.kind == "annotation" and not p.note_html and not p.tracks):
        return 34.0
    height = 34.0  # padding and margins
    if p.kind == "recommendation" or p.note_html:
        height += 17
    if p.tracks:
        words = len(aside.tracks_title) + (40 if aside.earlier or aside.later else 0) + 16
        height += -(-words // NOTE_CHARS) * NOTE_LINE
    if aside.themes:
        height += 28
    return height


def _overflows(part: BodyPart, room: float) -> bool:
    """Whether a group of notes would run on past the text beside it (estimated)."""
    height = 10 + sum(_aside_overhead(a) + _note_lines(a) * NOTE_LINE for a in part.asides)
    return height > room + 12


def _body(env: jinja2.Environment, view: ReportPageView, diagnostics: Diagnostics) -> Markup:
    """The report's text with each block's notes in their place, joined once (linear in asides).

    A group of notes beside its block (not in a list item or a cell) may run on beside the blocks
    that follow it without notes of their own: on a wide screen it spans their grid rows, so a
    group longer than its block leaves no gap in the text.
    """
    parts = view.body
    blocks = [_top_level_blocks(part.html) for part in parts]
    out = []
    for i, part in enumerate(parts):
        out.append(part.html)
        if not part.asides:
            continue
        span, folded = 1, False
        if not part.inline:
            beside = blocks[i][-1:]  # the block the notes are on, then those they may run on by
            for j in range(i + 1, len(parts)):
                if not parts[j].asides:
                    beside += blocks[j]
                    continue
                # The next block with notes ends the run. Notes inside a list item or a cell
                # leave their list or table open in this run (it is not counted): a list lends
                # its items both columns, so the notes before it stop short of it.
                beside += blocks[j] if parts[j].inline else blocks[j][:-1]
                break
            beside = beside[:SPAN]
            span = len(beside) or 1
            folded = _overflows(part, sum(_block_height(t, n) for t, n in beside))
        html = render_template(env, "_aside.html", diagnostics, part=part, span=span, folded=folded)
        out.append(html.strip())
    return Markup("".join(out))


def render_site(
    site: Site,
    templates: Templates,
    assets: dict[str, bytes],
    diagnostics: Diagnostics,
    memo: Memo | None = None,
    workers: Workers | None = None,
) -> tuple[SiteFiles, dict[str, str]]:
    """Every output file of the site, keyed by its path in the output folder (pages packed), and
    each page's source file (its report, or its template) for messages about it.

    A page found in the memo under the hash of its view and the templates is reused as it was;
    the others are rendered, over several processes when there are many.
    """
    memo = memo if memo is not None else Memo()
    workers = workers or Workers(1)
    memo.rendered, memo.first = memo.first, []  # those rendered first are rendered this build
    urls, env_key, env = _environment(site, templates, memo)
    # Every page is rendered (nothing kept from a last build): a group's pages go together. An
    # edit's few pages are spread over the workers, as they come.
    setup = (env_key, templates, urls.base_path, urls.absolute_base)
    renderer = _Renderer(env, setup, workers, memo.shared, grouped=not memo.pages)
    # Each page is sent to be rendered as soon as it is planned, and its view is let go once
    # sent: the workers render while the rest are planned, and the views never all exist at once.
    keys: dict[str, str] = {}  # each page's key, in the order the pages are written
    sources_of: dict[str, str] = {}
    views_kept = Kept(memo.kept_views if memo.handed_on else None, memo.handed_on)
    names = data_names(site.groups.several)
    # A page planned from the very view (or inputs) the last build's was has the same key: the
    # planner hands back the last build's view when this one equals it (`Kept.same`).
    last_keys = memo.page_keys if memo.handed_on else {}
    page_keys: dict[str, tuple[Any, tuple[str, ...], str]] = {}
    for page in plan_pages(site, urls, templates.path, names, views_kept):
        # The page's key: the hash of its view, or of the record its view is made from.
        made_from = page.view if page.view is not None else page.inputs
        where = (page.kind, page.id, page.template, page.source)
        last = last_keys.get(page.output)
        blob: bytes | None = None
        if last is not None and last[0] is made_from and last[1] == where:
            key = last[2]
        else:
            blob, named = renderer.shared.serialise(page)
            key = hash_of(blob)
        if memo.handed_on:
            page_keys[page.output] = (made_from, where, key)
        keys[page.output] = key
        sources_of[page.output] = page.source
        cached = memo.pages.get(page.output)
        if cached is None or cached[0] != key:
            # Sent as planned: a page given with its inputs (a report's) has its view made where
            # it is rendered, on the workers, from the very bytes that keyed it.
            if blob is None:
                blob, named = renderer.shared.serialise(page)
            renderer.add(page, blob, named)
    memo.page_keys = page_keys
    # Content records an edit left alone are the same objects as the last build's: each is keyed
    # once, not encoded again on every edit (a site's every organisation and recommendation).
    known = _KnownKeys(memo.data_keys if memo.handed_on else None)
    digest = renderer.shared.digest
    content = site.content
    data_key = key_of_each(  # the data files are made meanwhile
        [
            known.key(content.settings, key_of),
            [known.key(f, key_of) for f in content.frameworks],
            [known.key(t, key_of) for t in content.themes],
            [known.key(r, key_of) for r in content.recommendations],
            [known.key(e, key_of) for e in content.events],
            [known.key(o, key_of) for o in content.organisations],
        ],
        (
            (
                known.key(v.report, _header_key),
                # A report's passages an edit left alone are the very same tuple: keyed once.
                known.key(v.passages, lambda ps: hash_of(" ".join(map(digest, ps)).encode())),
                v.statuses,
                v.headline,
            )
            for v in site.reports
        ),
    )
    memo.data_keys = known.now if memo.handed_on else {}
    if memo.data is None or memo.data[0] != data_key:
        # Packed as each is made: JSON and CSV shrink even more than HTML.
        rows = memo.data_rows if memo.handed_on else None
        made_data = data_files(site, urls, rows)
        memo.data = (data_key, {name: Packed.of_text(text) for name, text in made_data})
    data = memo.data[1]
    made = renderer.finish(diagnostics, memo.links)
    memo.shared = renderer.shared.known  # this build's records only: memory stays flat
    memo.kept_views = views_kept if memo.handed_on else None
    files = SiteFiles()
    kept: dict[str, tuple[str, Packed]] = {}
    for output, key in keys.items():
        html = made.get(output)
        if html is None:
            cached = memo.pages.get(output)
            if cached is None or cached[0] != key:
                continue  # its template failed, and said so
            html = cached[1]
        else:
            memo.rendered.append(output)
        files[output] = html
        kept[output] = (key, html)
    memo.pages = kept  # pages no longer in the site are forgotten, so memory stays flat
    for name, packed in data.items():
        files[urls.output_file("data_file", name)] = packed
    for name, blob in assets.items():
        if name in SECTION_ASSETS and not site.groups.several:
            continue  # the organisations section's own script: a site of one has no use for it
        files[urls.output_file("asset", name)] = blob
    # A report's citation files are made again only when its record or the addresses changed.
    last_cites = memo.cites if memo.handed_on else {}
    cites: dict[int, tuple[Any, str, list[tuple[str, bytes]]]] = {}
    language = site.settings.language
    for view in site.reports:
        report = view.report
        found = last_cites.get(id(report))
        whom = about(site, report.id)
        if found is None or found[0] is not report or found[1] != env_key + language + whom:
            found = (
                report,
                env_key + language + whom,
                report_cite_files(report, urls, language, whom),
            )
        cites[id(report)] = found
        files.update(found[2])
    memo.cites = cites if memo.handed_on else {}
    xml = _XmlFiles(xml_environment(templates), env_key, diagnostics, memo)
    for name, context in structured_contexts(site, urls, sorted(files)).items():
        try:
            files[name] = xml.render(name, name, context)
        except TemplateProblem:
            pass
    # An organisation's feed is made from the site feed's template: if that failed, it has said so.
    made_feed = urls.output_file("feed") in files
    for name, context in organisation_feeds(site, urls) if made_feed else ():
        try:
            files[name] = xml.render(name, "feed.xml", context)
        except TemplateProblem:
            break  # said once, not once per organisation
    memo.xml_files = xml.now if memo.handed_on else {}
    return files, sources_of


class _XmlFiles:
    """The feeds, sitemap and robots.txt, each rendered again only when what its template is
    given changed since the last build in this process (on a site of 150 organisations, an
    edit changes one or two of 150 feeds). Their values are plain strings and records of them,
    whose `repr` shows every field."""

    def __init__(
        self, env: jinja2.Environment, env_key: str, diagnostics: Diagnostics, memo: Memo
    ) -> None:
        self.env, self.env_key, self.diagnostics = env, env_key, diagnostics
        self.last = memo.xml_files if memo.handed_on else {}
        self.now: dict[str, tuple[str, bytes]] = {}

    def render(self, output: str, template: str, context: dict[str, Any]) -> bytes:
        made_from = repr((self.env_key, template, sorted(context.items())))
        key = hashlib.blake2b(made_from.encode(), digest_size=20).hexdigest()
        found = self.last.get(output)
        if found is None or found[0] != key:
            text = render_template(self.env, template, self.diagnostics, **context)
            found = (key, text.encode("utf-8"))
        self.now[output] = found
        return found[1]


def _environment(
    site: Site, templates: Templates, memo: Memo
) -> tuple[Urls, str, jinja2.Environment]:
    """This build's URLs and the key of its templates, with the memo's Jinja environment for them."""
    urls = Urls(site.settings.base_path, site.settings.url)
    # Jinja keeps imported macro modules with the globals they were loaded with, so an environment
    # serves one set of templates and one base URL; a new one starts the page memo afresh.
    # The paths too: a message must name the file a template now comes from, own or theme's.
    env_key = key_of(
        templates.folder,
        sorted(templates.texts.items()),
        sorted(templates.paths.items()),
        urls.base_path,
        urls.absolute_base,
    )
    if memo.templates_key != env_key:
        memo.env, memo.templates_key, memo.pages = None, env_key, {}
    if memo.env is None:
        memo.env = make_environment(templates)
        set_globals(memo.env, urls)
    return urls, env_key, memo.env


def render_first(
    site: Site, templates: Templates, memo: Memo, report_ids: Collection[str]
) -> dict[str, bytes]:
    """The pages of these reports, rendered before the rest of the site: the preview shows the
    page an editor is writing while the others are made. Each goes into the memo under the key
    the whole build computes for it, so the build finds it there and never renders it twice. A
    page whose template fails is left out: the whole build reports it."""
    urls, _, env = _environment(site, templates, memo)
    shared = SharedRecords(SHARED_RECORDS, memo.shared)
    out: dict[str, bytes] = {}
    # The last build's views, where equal: their records' digests are known (`SharedRecords`).
    kept = Kept(memo.kept_views if memo.handed_on else None, next_build=False)
    for page in plan_report_pages(site, urls, templates.path, report_ids, kept):
        key = hash_of(shared.serialise(page)[0])
        cached = memo.pages.get(page.output)
        if cached is not None and cached[0] == key:
            continue  # unchanged: the browser already shows it
        try:
            html = render_page(env, page, Diagnostics())
        except TemplateProblem:
            continue
        memo.pages[page.output] = (key, Packed.of(html))
        memo.first.append(page.output)
        out[page.output] = html
    # The whole build digests these pages' records again: the ones digested here are known.
    memo.shared = {**memo.shared, **shared.known}
    return out


_CHUNK_PAGES = 8
_CHUNK_BYTES = 1 << 20
_IN_FLIGHT_BYTES = 8 << 20
_RECORD_BYTES = 512  # about what a shared record adds to a chunk, before it is serialised


class _Renderer:
    """Renders the pages not in the memo, in page order: here when they are few, else over the
    workers in chunks sent as they fill, so only a few chunks of encoded views exist at once."""

    def __init__(
        self,
        env: jinja2.Environment,
        setup: tuple[str, Templates, str, str],
        workers: Workers,
        last: dict[int, tuple[Any, str]] | None = None,
        grouped: bool = True,
    ) -> None:
        self.env, self.setup, self.workers = env, setup, workers
        self.shared = SharedRecords(SHARED_RECORDS, last)
        self.waiting: list[tuple[Page, bytes, set[str]]] = []
        self.waiting_bytes = 0
        self.waiting_named: set[str] = set()  # the shared records the waiting pages name
        self.waiting_group = ""  # the group of the waiting pages
        # The output files of each chunk sent, its future and the size of its encoded views.
        self.sent: list[tuple[list[str], Any, int]] = []
        self.done: list[tuple[str, Packed | None, list[Diagnostic], Any]] = []
        self.strings: dict[str, str] = {}  # one copy of each link the scans hold
        self.grouped = grouped  # a group's pages in one chunk (`Page.group`)

    def add(self, page: Page, blob: bytes, named: set[str]) -> None:
        """Render this page, whose view serialised to `blob`, naming the shared records `named`."""
        # Starting the pool costs about a second: it pays off for hundreds of pages, not dozens.
        # Once it runs (a build that parsed or rendered many reports), pages go to it from the
        # first chunk: held back until hundreds wait, their views and bytes would all be in memory.
        to_pool = self.sent or self.workers.started
        # A group's pages go in one chunk (each record it names is sent and read once), unless
        # it is large.
        group = page.group if self.grouped else ""
        if to_pool and self.waiting and self.waiting_group != group:
            self._flush()
        self.waiting_group = group
        self.waiting.append((page, blob, named))
        self.waiting_bytes += len(blob) + _RECORD_BYTES * len(named - self.waiting_named)
        self.waiting_named |= named
        if to_pool or self.workers.parallel(len(self.waiting) // 8):
            # A chunk is a few pages, or fewer when their views are large (a recommendation's
            # history at 1,000 reports is over a megabyte), so what waits stays small.
            few = len(self.waiting) >= _CHUNK_PAGES and not group
            if few or self.waiting_bytes >= _CHUNK_BYTES:
                self._flush()

    def _flush(self) -> None:
        self._send(self.waiting)
        self.waiting, self.waiting_bytes, self.waiting_named = [], 0, set()

    def _send(self, batch: list[tuple[Page, bytes, set[str]]]) -> None:
        # Bound what is in flight: enough chunks to keep every worker busy, and few megabytes.
        jobs = self.workers.jobs
        while len(self.sent) >= jobs * 3 or (
            len(self.sent) >= jobs and sum(size for *_, size in self.sent) >= _IN_FLIGHT_BYTES
        ):
            self._collect(self.sent.pop(0))
        records = self.shared.blobs(set().union(*(named for *_, named in batch)))
        blobs = [blob for _, blob, _ in batch]
        future = self.workers.submit(render_pages, [(*self.setup, blobs, records)])
        size = sum(map(len, blobs)) + sum(map(len, records.values()))
        self.sent.append(([page.output for page, *_ in batch], future, size))

    def _collect(self, item: tuple[list[str], Any, int]) -> None:
        outputs, future, _ = item
        for output, (html, items, scanned) in zip(outputs, future.result(), strict=True):
            if scanned is not None:
                scanned = share_strings(scanned, self.strings)
            self.done.append((output, html, items, scanned))

    def finish(
        self, diagnostics: Diagnostics, links: dict[str, tuple[Any, Any]]
    ) -> dict[str, Packed]:
        """Every rendered page's bytes, packed, by output file; template problems go to
        diagnostics, and the link scans the workers made go to `links` (the memo's), for the
        link check."""
        if self.sent and self.waiting:
            self._send(self.waiting)
            self.waiting = []
        for item in self.sent:
            self._collect(item)
        out: dict[str, Packed] = {}
        for output, html, items, scanned in self.done:
            diagnostics.items.extend(items)
            if html is not None:
                out[output] = html
                links[output] = (html, scanned)
        for page, *_ in self.waiting:  # too few for the workers
            try:
                out[page.output] = Packed.of(render_page(self.env, page, diagnostics))
            except TemplateProblem:
                continue
        return out


class _KnownKeys:
    """The keys of immutable records by their identity, carried from one build to the next: a
    record an edit left alone is the same object, and its key is not computed again. Each entry
    holds its record, so no other object can take its id while the entry lasts."""

    def __init__(self, last: dict[int, tuple[Any, str]] | None) -> None:
        self.last = last or {}
        self.now: dict[int, tuple[Any, str]] = {}

    def key(self, record: Any, key: Callable[[Any], str]) -> str:
        found = self.now.get(id(record)) or self.last.get(id(record))
        if found is None or found[0] is not record:
            found = (record, key(record))
        self.now[id(record)] = found
        return found[1]


def _header_key(report: Report) -> str:
    return key_of(_header_fields(report))


def _header_fields(report: Report) -> tuple[Any, ...]:
    """A report without its text and annotations: what the data files show of it."""
    return tuple(
        getattr(report, f)
        for f in report.__dataclass_fields__
        if f not in ("body", "annotations", "recommendations", "body_line", "where")
    )


_ENV: dict[str, Any] = {}  # a worker's Jinja environment, kept while its templates are the same


def render_pages(
    batch: list[tuple[str, Templates, str, str, list[bytes], dict[str, bytes]]],
) -> list[tuple[Packed | None, list[Diagnostic], Any]]:
    """Render chunks of encoded pages, as a task for the workers, each chunk with the shared
    records its pages name.

    Each page's result is (its bytes, packed, or None; its diagnostics; the ids and links the link
    check reads in it, scanned here while the page is at hand): the main process holds a whole
    site of them."""
    out: list[tuple[Packed | None, list[Diagnostic], Any]] = []
    for env_key, templates, base_path, absolute, blobs, records in batch:
        loaded: dict[str, Any] = {}  # the chunk's shared records, each loaded once
        if _ENV.get("key") != env_key:
            env = make_environment(templates)
            set_globals(env, Urls(base_path, absolute))
            _ENV.update(key=env_key, env=env)
        for blob in blobs:
            diagnostics = Diagnostics()
            try:
                html = render_page(_ENV["env"], load_shared(blob, records, loaded), diagnostics)
            except TemplateProblem:
                out.append((None, diagnostics.items, None))
                continue
            out.append((Packed.of(html), diagnostics.items, scan(html.decode("utf-8"))))
    return out
