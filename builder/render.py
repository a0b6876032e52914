"""Render the site model through Jinja templates into files (pure: model in, bytes out)."""

from __future__ import annotations

import traceback
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .chart import grade_chart
from .data import data_files
from .diagnostics import Diagnostics
from .feeds import atom_feed, robots_txt, sitemap
from .load import display_path
from .model import STATUS_LABELS, STATUSES
from .site import Passage, Site
from .text import render_note
from .urls import Urls


class TemplateProblem(Exception):
    """A template failed; already reported to diagnostics."""


def make_environment(templates: Path, site: Site, urls: Urls) -> jinja2.Environment:
    """A strict, autoescaping Jinja environment with the site's helpers."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
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
    env.filters["markdown"] = lambda text: Markup(_note(text))
    env.filters["years"] = lambda passages: sorted({reports[p.report].report.date.year for p in passages})
    env.tests["contains"] = lambda sequence, item: item in sequence
    return env


@lru_cache(maxsize=4096)
def _note(text: str) -> str:
    return render_note(text)


def render_template(env: jinja2.Environment, name: str, diagnostics: Diagnostics, **context: Any) -> str:
    """Render one template; a template error becomes a `file:line` diagnostic, never a traceback."""
    templates_dir = Path(env.loader.searchpath[0])  # type: ignore[union-attr]
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        path = display_path(templates_dir / (exc.name or name))
        diagnostics.error(path, exc.lineno, f"template syntax error: {exc.message}")
    except jinja2.TemplateNotFound as exc:
        diagnostics.error(display_path(templates_dir / name), 0, f"template not found: {exc.name}")
    except Exception as exc:  # noqa: BLE001 - any runtime failure in a template is the template's
        path, line = _template_frame(exc, templates_dir, name)
        message = exc.message if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
        diagnostics.error(path, line, f"template error: {message}")
    raise TemplateProblem(name)


def _template_frame(exc: Exception, templates_dir: Path, name: str) -> tuple[str, int]:
    root = str(templates_dir.resolve())
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and str(Path(frame.filename).resolve()).startswith(root):
            return display_path(Path(frame.filename)), frame.lineno or 0
    return display_path(templates_dir / name), 0


def render_site(site: Site, templates: Path, assets: dict[str, bytes], diagnostics: Diagnostics) -> dict[str, bytes]:
    """Every output file of the site, keyed by its path in the output folder."""
    urls = Urls(site.settings.base_path, site.settings.url)
    env = make_environment(templates, site, urls)
    files: dict[str, bytes] = {}

    def page(kind: str, id: str, template: str, **context: Any) -> None:
        try:
            html = render_template(env, template, diagnostics, page_kind=kind, page_id=id, **context)
        except TemplateProblem:
            return
        files[urls.output_file(kind, id)] = html.encode("utf-8")

    chart = grade_chart(site, urls)
    page("home", "", "home.html", chart=chart)
    page("timeline", "", "timeline.html", chart=chart)
    page("reports", "", "reports.html")
    for view in site.reports:
        try:
            body = _body_with_asides(env, view, diagnostics)
        except TemplateProblem:
            continue
        page("report", view.report.id, "report.html", view=view, body=body)
    page("themes", "", "themes.html")
    for theme in site.themes.values():
        page("theme", theme.id, "theme.html", theme=theme, passages=site.theme_passages(theme.id))
    page("recommendations", "", "recommendations.html")
    for history in site.histories.values():
        page("recommendation", history.recommendation.id, "recommendation.html", history=history)
    page("about", "", "about.html")
    data = data_files(site, urls)
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


def _body_with_asides(env: jinja2.Environment, view, diagnostics: Diagnostics) -> Markup:
    """Put each passage's note and tags beside it, where the anchoring left a placeholder."""
    html = view.body_html
    for passage in view.passages:
        aside = render_template(env, "_aside.html", diagnostics, passage=passage, view=view)
        html = html.replace(f"<!--aside:{passage.key}-->", aside.strip(), 1)
    return Markup(html)
