"""What each page is made from, so that a rebuild renders again only the pages whose inputs changed.

Inputs are built from the model's frozen records, so comparing two builds' inputs is exact: equal
inputs render equal pages. A page lists only what it shows. A theme page shows its passages, not
the whole text of every report they come from, so an edit elsewhere in a report leaves it alone.
"""

from __future__ import annotations

from .site import Site
from .views import History, Passage


def shared_inputs(site: Site, templates_key: object) -> tuple:
    """What every page may show: settings, vocabularies, report headers and the templates."""
    content = site.content
    headers = tuple(_header(v.report) for v in site.reports)
    return (
        content.settings,
        content.frameworks,
        content.themes,
        content.recommendations,
        content.events,
        headers,
        templates_key,
    )


def page_inputs(site: Site, shared: tuple) -> dict[str, object]:
    """For each page's output file, everything it is made from."""
    outlines = tuple(history_outline(h) for h in site.histories.values())
    mentions = tuple(
        (event, tuple(passages)) for event, passages in sorted(site.event_mentions.items())
    )
    theme_counts = tuple((t, tuple(p.report for p in site.theme_passages(t))) for t in site.themes)
    inputs: dict[str, object] = {
        "index.html": (shared, outlines),
        "timeline/index.html": (shared, mentions),
        "themes/index.html": (shared, theme_counts),
        "recommendations/index.html": (shared, outlines),
    }
    for name in (
        "reports/index.html",
        "about/index.html",
        "data/index.html",
        "404.html",
        "search/index.html",
    ):
        inputs[name] = shared
    for view in site.reports:
        neighbours = tuple(
            history_outline(site.histories[rec_id]) for rec_id in sorted(view.statuses)
        )
        inputs[f"reports/{view.report.id}/index.html"] = (
            shared,
            view.report,
            view.passages,
            view.unmentioned,
            neighbours,
            tuple(sorted(site.report(view.previous).statuses.items())) if view.previous else (),
        )
    for theme_id in site.themes:
        inputs[f"themes/{theme_id}/index.html"] = (shared, tuple(site.theme_passages(theme_id)))
    for rec_id, history in site.histories.items():
        inputs[f"recommendations/{rec_id}/index.html"] = (shared, history)
    return inputs


def aside_inputs(site: Site, passage: Passage, shared: tuple) -> tuple:
    """What the note beside one passage shows: the passage, and its neighbours in the history."""
    outline = history_outline(site.histories[passage.tracks]) if passage.tracks else ()
    return (shared, passage, outline)


def history_outline(history: History) -> tuple:
    """What links into a recommendation's history show: each report's status and cited paragraphs."""
    return (
        history.recommendation.id,
        tuple(
            (e.report, e.status, tuple((p.block_id, p.number) for p in e.own + e.evidence))
            for e in history.entries
        ),
    )


def _header(report) -> tuple:
    """What lists, strips and the timeline show of a report: everything but its text and annotations."""
    return (
        report.id,
        report.title,
        report.kind,
        report.framework,
        report.inspected,
        report.published,
        report.presented,
        report.authors,
        report.publisher,
        report.source,
        report.licence,
        report.summary,
        report.judgements,
    )
