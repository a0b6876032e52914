"""What each data file of the site holds and what each of its columns or keys means.

The data page shows it, `dictionary.csv` ships it beside the data, and the data files are made
to it (`builder/render/data.py`); a test checks it against the files themselves.
"""

from __future__ import annotations

# What each data file holds and what each of its columns or keys means, in the order the files
# are written; the data page shows it, and a test checks it against the files themselves.
_REPORT_KEYS = (
    ("id", "the report's id, as in its page address"),
    ("title", "its title as printed"),
    ("kind", "the kind of document: inspection-letter, inspection-report, focused-visit, …"),
    ("framework", "the id of the inspection framework it was made under (empty if none)"),
    ("inspected", "the inspection's dates, ISO 8601: a day, or start/end (empty if not inspected)"),
    ("inspected_basis", "how the inspection dates are known: stated, inferred or elsewhere"),
    (
        "inspected_precision",
        "how precisely the inspection's first day is known: day, month or year",
    ),
    (
        "published",
        "the date the document bears: a day, a month or only a year (for a draft whose document "
        "prints none, its inspection's last day stands in, and published_basis says inferred)",
    ),
    ("published_precision", "how precisely that date is known: day, month or year"),
    ("published_basis", "how the document's date is known: stated, inferred or elsewhere"),
    ("edition", "full (the document's own text) or summary (the editors' summary of it)"),
    (
        "draft",
        "whether it is an unconfirmed draft: imported from the document, its values and themes "
        "not yet checked by an editor: true or false",
    ),
    ("publisher", "who published it"),
    ("authors", "its authors, each with a name and a role"),
    ("source", "the title of the published source it is transcribed from"),
    ("licence", "the reuse terms of its text"),
    ("headline_grade", "the grade of its headline judgement (empty if it gives none)"),
    ("url", "the address of its page on this site"),
    ("statuses", "its status for each tracked recommendation it speaks of, by recommendation id"),
)
_JUDGEMENT_KEYS = (
    ("item", "the id of the report, or of an inspection a report mentions"),
    ("item_title", "its title"),
    ("in_collection", "whether that document is published on this site: true or false"),
    ("date", "the inspection's date, ISO 8601: a day, a month or only a year"),
    ("date_precision", "how precisely that date is known: day, month or year"),
    ("framework", "the id of the framework that graded it"),
    ("scope", "the id of what the judgement covers, in its framework (empty if not given)"),
    ("area", "the area judged, in the framework's words"),
    ("series", "the line of the grade chart the judgement belongs to"),
    ("grade", "the grade's id in its framework"),
    ("grade_label", "the grade as the framework words it"),
    ("ordinal", "its place on the shared scale: 4 best, 1 worst"),
    (
        "headline",
        "whether it is the document's headline judgement, the one its headline_grade gives (the "
        "one the document marks, else the one its framework marks): true or false",
    ),
    ("basis", "how the grade is known: stated in the document, inferred, or taken from elsewhere"),
    ("draft", "whether it is read from an unconfirmed draft, not yet checked by an editor"),
    ("note", "the editors' note on the judgement"),
)
_FRAMEWORK_KEYS = (
    ("id", "the framework's id, as in the framework column of the other files"),
    ("title", "its name"),
    ("years", "the years it was in use, in words"),
    ("description", "what it inspects and how it grades"),
    (
        "scopes",
        "what its judgements cover, each with an id (the scope column of judgements) and a title; "
        "grades of different scope are never joined or counted together",
    ),
    (
        "scale",
        "its grades, the best first, each with its id (the grade column), its words (grade_label) "
        "and its place on the shared scale (ordinal: 4 best, 1 worst)",
    ),
    (
        "areas",
        "the judgements it gives, as its reports print them, each with its scope, its series (the "
        "line of the grade chart it is drawn on) and whether it is the headline",
    ),
)
_THEME_KEYS = (
    ("id", "the theme's id, as in its page address"),
    ("title", "its name"),
    ("description", "what it covers (Markdown)"),
    ("url", "the address of its page"),
    ("passages", "how many annotated passages carry it"),
)
_RECOMMENDATION_KEYS = (
    ("id", "the tracked recommendation's id"),
    ("title", "its short name"),
    ("description", "what it is about (Markdown)"),
    ("themes", "the ids of its themes"),
    ("url", "the address of its history page"),
    ("latest_status", "the status the latest report that speaks of it gives it"),
    ("open", "whether it is still open: raised, or progress but not met, at its latest word"),
    ("standing", "its standing in words, from its history (empty when no report speaks of it)"),
    (
        "first_raised",
        "the id of the first report that raised it, or of the earlier inspection a report says "
        "raised it (as in the item column of judgements)",
    ),
    ("last_assessed", "the id of the latest report that speaks of it"),
    ("later_reports_silent", "how many later reports do not mention it"),
    ("recurring", "whether two or more reports raise it"),
    ("times_raised", "how many reports raise it"),
    (
        "statuses",
        "its status in each report, by report id: raised, raised-again, progress, met, positive, "
        "or a silence: not-mentioned, not-known (the report is an editors' summary) or "
        "not-covered (its inspection's remit does not cover the concern's scope)",
    ),
)
STATUS_ROW_KEYS = (
    ("recommendation", "the tracked recommendation's id"),
    ("title", "its short name"),
    ("open", "whether it is still open at its latest word: true or false"),
    (
        "first_raised",
        "the id of the first report that raised it, or of the earlier inspection a report says "
        "raised it (as in the item column of judgements)",
    ),
    ("first_raised_title", "that report's or inspection's title"),
    ("latest_status", "the status the latest report that speaks of it gives it"),
    ("report", "the report's id"),
    ("report_title", "the report's title"),
    ("status", "the report's status for it"),
    ("own_recommendations", "how many of the report's own recommendations it tracks"),
    ("evidence", "how many annotated passages of the report are evidence on it"),
)
_ANNOTATION_KEYS = (
    ("id", "the passage's id: its report's id, '#', and the annotation's key"),
    ("report", "the report's id"),
    ("report_title", "the report's title"),
    ("kind", "annotation (the editors') or recommendation (the report's own)"),
    ("paragraph", "the report's paragraph number (empty for an unnumbered passage)"),
    ("anchor", "the id of the paragraph or block on the report's page"),
    ("quote", "the exact words annotated (empty when the whole paragraph is meant)"),
    ("themes", "the ids of its themes, separated by spaces"),
    ("tracks", "the id of the tracked recommendation it is evidence on (empty if none)"),
    ("status", "what it says of that recommendation"),
    ("status_basis", "how the status is known: stated, inferred or elsewhere"),
    (
        "inspection",
        "for a passage that reports an earlier inspection's finding (a letter reporting what the "
        "last inspection found): that inspection's id, as in the item column of judgements; the "
        "status is then that inspection's, not this report's (empty otherwise)",
    ),
    ("timescale", "an own recommendation's timescale, as printed"),
    ("note", "the editors' note on it, as plain text (empty if none)"),
    (
        "draft",
        "whether its report is an unconfirmed draft: its themes are then the import's suggestions "
        "from the words of the passage, not yet an editor's reading",
    ),
    ("url", "the address of the passage on its report's page"),
)
_REPORT_CSV = tuple(
    k
    for k in _REPORT_KEYS
    if k[0]
    in (
        "id title kind framework inspected inspected_basis inspected_precision published "
        "published_precision published_basis edition draft publisher headline_grade url"
    ).split()
)
_ANNOTATION_CSV = _ANNOTATION_KEYS
DICTIONARY: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "reports.json": ("Every report, one object each.", _REPORT_KEYS),
    "reports.csv": (
        "The reports, one row each, without authors, source, licence and statuses.",
        _REPORT_CSV,
    ),
    "judgements.json": (
        "Every graded judgement, of the reports and of the inspections they mention.",
        _JUDGEMENT_KEYS,
    ),
    "judgements.csv": ("The judgements, one row each.", _JUDGEMENT_KEYS),
    "frameworks.json": (
        "Every inspection framework: what the ids of frameworks, scopes and grades in the other "
        "files mean, and where each grade stands on the shared scale.",
        _FRAMEWORK_KEYS,
    ),
    "themes.json": ("Every theme.", _THEME_KEYS),
    "recommendations.json": (
        "Every tracked recommendation, with its history.",
        _RECOMMENDATION_KEYS,
    ),
    "recommendations.csv": ("One row per tracked recommendation and report.", STATUS_ROW_KEYS),
    "annotations.json": (
        "Every anchored passage: the editors' annotations and the reports' own recommendations.",
        _ANNOTATION_KEYS,
    ),
    "annotations.csv": ("The passages, one row each.", _ANNOTATION_CSV),
    "annotations.jsonld": (
        "The passages as a W3C Web Annotation collection (JSON-LD).",
        (
            ("@context", "the Web Annotation model's JSON-LD context"),
            ("id", "the collection's address"),
            ("type", "AnnotationCollection"),
            ("label", "the site's title"),
            ("total", "how many annotations the collection holds"),
            ("first", "its one page (an AnnotationPage, embedded), holding every annotation"),
            ("first.items[].id", "the annotation's address"),
            (
                "first.items[].motivation",
                "assessing (an own recommendation), commenting (a note) or tagging (themes only)",
            ),
            (
                "first.items[].body",
                "the editors' note (a TextualBody, purpose commenting), its themes (purpose tagging) and its tracked recommendation (purpose classifying, the status as value)",
            ),
            (
                "first.items[].target",
                "its report's page, with a fragment selector for the block refined by a text-quote selector for the words",
            ),
        ),
    ),
    "dictionary.csv": (
        "This dictionary as a file: each data file's columns or keys and what they mean.",
        (
            ("file", "the data file's name"),
            ("key", "a column of the file, or a key of its records"),
            ("meaning", "what it holds"),
        ),
    ),
}

# ---- Sites of several organisations -----------------------------------------------------------
# Their data files say whose each record is: the same three columns in every file, after the
# column named here. A joint inspection's report (and its judgements and passages) has several
# organisations: each column then holds one value per organisation, joined by ';', in the order
# the report names them, so a file keeps one row per report, judgement or passage.

JOINED = ";"
_WHOSE_REPORT = (
    (
        "organisation",
        "the id of the organisation it is about; for a joint inspection, each one's id, "
        "joined by ';'",
    ),
    ("organisation_name", "that organisation's name (for a joint inspection, each, joined by ';')"),
    ("region", "its region (for a joint inspection, each organisation's, joined by ';')"),
)
_WHOSE_RECOMMENDATION = (
    ("organisation", "the id of the organisation it was made to"),
    ("organisation_name", "that organisation's name"),
    ("region", "that organisation's region (empty if not given)"),
)
_WHOSE = {
    "reports.json": ("title", _WHOSE_REPORT),
    "reports.csv": ("title", _WHOSE_REPORT),
    "judgements.json": ("item_title", _WHOSE_REPORT),
    "judgements.csv": ("item_title", _WHOSE_REPORT),
    "recommendations.json": ("title", _WHOSE_RECOMMENDATION),
    "recommendations.csv": ("title", _WHOSE_RECOMMENDATION),
    "annotations.json": ("report_title", _WHOSE_REPORT),
    "annotations.csv": ("report_title", _WHOSE_REPORT),
}
_ORGANISATION_KEYS = (
    ("id", "the organisation's id, as in its page address"),
    ("name", "its name"),
    ("short_name", "its short name, where space is tight (empty if not given)"),
    ("kind", "its kind: local-authority, trust, partnership, …"),
    ("region", "its region (empty if not given)"),
    ("codes", "the codes others know it by, as scheme=value, joined by ';' (e.g. la_code=801)"),
    ("reports", "how many reports on this site are about it"),
    ("latest_report", "the id of its latest report (empty if none)"),
    (
        "last_inspected",
        "the date of its latest report: the inspection's start, else the document's (empty if "
        "none)",
    ),
    (
        "latest_graded_report",
        "the id of its latest report that gives judgements, as the organisations list shows it "
        "(empty if none)",
    ),
    ("latest_headline_area", "that report's headline judgement (empty if it gives none)"),
    (
        "latest_headline_grade",
        "its latest headline grade, in its framework's words (empty if none): the organisations "
        "list's",
    ),
    ("latest_headline_ordinal", "that grade's point on the shared scale, 4 the best"),
    ("tracked_recommendations", "how many tracked recommendations are its"),
    ("open_recommendations", "how many of them are still open"),
    ("url", "the address of its page on this site"),
    ("feed", "the address of its Atom feed: its reports, newest first"),
)
ORGANISATION_FILES = {
    "organisations.json": ("Every organisation, one object each.", _ORGANISATION_KEYS),
    "organisations.csv": ("The organisations, one row each.", _ORGANISATION_KEYS),
}


def _with_whose(name: str, keys: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    if name not in _WHOSE:
        return keys
    after, whose = _WHOSE[name]
    at = [k for k, _ in keys].index(after) + 1
    return (*keys[:at], *whose, *keys[at:])


def dictionary(several: bool) -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    """What each data file of a site holds: DICTIONARY, or on a site of several organisations,
    each file with its organisation columns, and the organisations' own files first."""
    if not several:
        return DICTIONARY
    files = {name: (about, _with_whose(name, keys)) for name, (about, keys) in DICTIONARY.items()}
    return {**ORGANISATION_FILES, **files}
