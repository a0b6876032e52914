"""Render the site model through Jinja templates into files (pure: model in, bytes out)."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .chart import grade_chart
from .data import data_files
from .dependencies import aside_inputs, page_inputs, shared_inputs
from .diagnostics import Diagnostics
from .feeds import atom_feed, robots_txt, sitemap
from .load import Templates, display_path
from .model import STATUS_LABELS, STATUSES
from .site import Site
from .text import render_note
from .urls import Urls
from .views import Passage


class TemplateProblem(Exception):
    """A template failed; already reported to diagnostics."""


def make_environment(templates: Templates) -> jinja2.Environment:
    """A strict, autoescaping Jinja environment over the loaded templates."""

    def load(name: str):
        if name not in templates.texts:
            return None
        return templates.texts[name], str(Path(templates.folder) / name), lambda: True

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        # Compiled templates are kept in the system's temporary folder, keyed by their source's hash,
        # so a fresh process skips Jinja's compiler for templates it has seen before.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["templates_folder"] = templates.folder
    env.filters["markdown"] = lambda text: Markup(_note(text))
    env.tests["contains"] = lambda sequence, item: item in sequence
    return env


def set_globals(env: jinja2.Environment, site: Site, urls: Urls) -> None:
    """Give the templates this build's site and helpers."""
    reports = {view.report.id: view for view in site.reports}

    def grade(framework_id: str, grade_id: str):
        framework = site.frameworks.get(framework_id)
        return framework.grade(grade_id) if framework else None

    def cite(passage: Passage) -> str:
        """`2013 ¶27`, or `2011` for an unnumbered passage."""
        year = reports[passage.report].report.date.year
        return f"{year} ¶{passage.number}" if passage.number else str(year)

    env.globals.update(
        url_for=urls,
        site=site,
        settings=site.settings,
        reports=reports,
        statuses=STATUSES,
        status_labels=STATUS_LABELS,
        grade=grade,
        cite=cite,
        kind_label=site.settings.kind_label,
    )
    env.filters["years"] = lambda passages: sorted(
        {reports[p.report].report.date.year for p in passages}
    )


@lru_cache(maxsize=4096)
def _note(text: str) -> str:
    return render_note(text)


def render_template(
    env: jinja2.Environment, name: str, diagnostics: Diagnostics, **context: Any
) -> str:
    """Render one template; a template error becomes a `file:line` diagnostic, never a traceback."""
    templates_dir = Path(str(env.globals["templates_folder"]))
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        path = display_path(templates_dir / (exc.name or name))
        diagnostics.error(path, exc.lineno, f"template syntax error: {exc.message}")
    except jinja2.TemplateNotFound as exc:
        path, line = _template_frame(exc, templates_dir, name)  # the template that asked for it
        diagnostics.error(path, line, f"template not found: {exc.name}")
    except Exception as exc:  # noqa: BLE001 - any runtime failure in a template is the template's
        path, line = _template_frame(exc, templates_dir, name)
        message = (
            exc.message
            if isinstance(exc, jinja2.UndefinedError)
            else f"{type(exc).__name__}: {exc}"
        )
        diagnostics.error(path, line, f"template error: {message}")
    raise TemplateProblem(name)


def _template_frame(exc: Exception, templates_dir: Path, name: str) -> tuple[str, int]:
    root = str(templates_dir.resolve())
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and str(Path(frame.filename).resolve()).startswith(root):
            return display_path(Path(frame.filename)), frame.lineno or 0
    return display_path(templates_dir / name), 0


@dataclass
class PageCache:
    """Rendered pages kept between builds in one process, each with the inputs it was made from.

    A page is rendered again only when something it reads has changed, so a one-report edit
    re-renders that report and the pages that draw on it, and reuses every other page as it was.
    """

    pages: dict[str, tuple[object, bytes]] = field(default_factory=dict)
    asides: dict[object, str] = field(default_factory=dict)
    data: tuple[object, dict[str, bytes]] | None = None
    env: jinja2.Environment | None = None
    env_key: object = None
    rendered: list[str] = field(default_factory=list)  # the pages the last build had to render


def render_site(
    site: Site,
    templates: Templates,
    assets: dict[str, bytes],
    diagnostics: Diagnostics,
    cache: PageCache | None = None,
) -> dict[str, bytes]:
    """Every output file of the site, keyed by its path in the output folder."""
    cache = cache if cache is not None else PageCache()
    cache.rendered = []
    urls = Urls(site.settings.base_path, site.settings.url)
    env_key = (templates.folder, tuple(sorted(templates.texts.items())))
    if cache.env is None or cache.env_key != env_key:
        cache.env, cache.env_key, cache.pages, cache.asides = (
            make_environment(templates),
            env_key,
            {},
            {},
        )
    env = cache.env
    set_globals(env, site, urls)
    shared = shared_inputs(site, env_key)
    inputs = page_inputs(site, shared)
    files: dict[str, bytes] = {}

    def page(kind: str, id: str, template: str, render_context=dict, **context: Any) -> None:
        name = urls.output_file(kind, id)
        key = inputs.get(name)
        cached = cache.pages.get(name)
        if key is not None and cached is not None and cached[0] == key:
            files[name] = cached[1]
            return
        try:
            html = render_template(
                env,
                template,
                diagnostics,
                page_kind=kind,
                page_id=id,
                **context,
                **render_context(),
            )
        except TemplateProblem:
            return
        files[name] = html.encode("utf-8")
        cache.rendered.append(name)
        if key is not None:
            cache.pages[name] = (key, files[name])

    chart = grade_chart(site, urls)
    page("home", "", "home.html", chart=chart)
    page("timeline", "", "timeline.html", chart=chart)
    page("reports", "", "reports.html")
    for view in site.reports:
        page(
            "report",
            view.report.id,
            "report.html",
            view=view,
            render_context=lambda view=view: {
                "body": _body_with_asides(env, site, view, diagnostics, cache.asides, shared)
            },
        )
    page("themes", "", "themes.html")
    for theme in site.themes.values():
        page(
            "theme",
            theme.id,
            "theme.html",
            theme=theme,
            entries=site.theme_by_report(theme.id),
            related=[r for r in site.recommendations.values() if theme.id in r.themes],
        )
    page("recommendations", "", "recommendations.html")
    for history in site.histories.values():
        page("recommendation", history.recommendation.id, "recommendation.html", history=history)
    page("about", "", "about.html")
    page("search", "", "search.html")
    data_key = (shared, tuple(v.passages for v in site.reports), tuple(site.histories.values()))
    if cache.data is None or cache.data[0] != data_key:
        cache.data = (data_key, data_files(site, urls))
    data = cache.data[1]
    page("data", "", "data.html", data_names=sorted(data))
    page("not_found", "", "404.html")
    for name, blob in data.items():
        files[urls.output_file("data_file", name)] = blob
    for name, blob in assets.items():
        files[urls.output_file("asset", name)] = blob
    files[urls.output_file("feed")] = atom_feed(site, urls)
    files[urls.output_file("sitemap")] = sitemap(site, urls, sorted(files))
    files[urls.output_file("robots")] = robots_txt(urls)
    return files


def _body_with_asides(
    env: jinja2.Environment, site: Site, view, diagnostics: Diagnostics, cache: dict, shared: tuple
) -> Markup:
    """Put each passage's note and tags beside it, where the anchoring left a placeholder."""
    html = view.body_html
    used = {}
    for passage in view.passages:
        key = aside_inputs(site, passage, shared)
        aside = cache.get(key)
        if aside is None:
            aside = render_template(
                env, "_aside.html", diagnostics, passage=passage, view=view
            ).strip()
        used[key] = aside
        html = html.replace(f"<!--aside:{passage.key}-->", aside, 1)
    cache.update(used)
    return Markup(html)
