"""Start a history (`init`) and a report (`new report`): files written for the editor to fill in.

Both only ever create files: `init` refuses a folder that holds anything, and `new report` never
replaces a report that exists.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from builder.load.yamlread import LineDict, YamlProblem, load_yaml
from builder.model.paragraphs import slugify

STARTER = Path(__file__).resolve().parent / "starter"
_ID_PREFIX = re.compile(r"^\d{4}-\d{2}-")


class ScaffoldProblem(Exception):
    """A request that cannot be met without overwriting or guessing; the message says why."""


def init_project(folder: Path) -> list[Path]:
    """Write a new history that builds at once into an empty or new folder; return the files."""
    if folder.exists() and not folder.is_dir():
        raise ScaffoldProblem(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise ScaffoldProblem(
            f"{folder} is not empty; choose a new folder (init never writes over existing files)"
        )
    written = []
    for source in sorted(STARTER.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        target = folder / source.relative_to(STARTER)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as out:  # "x": never replace a file, even one made meanwhile
            out.write(source.read_bytes())
        written.append(target)
    return written


def report_id(reports: Path, date: datetime.date, wanted: str = "", title: str = "") -> str:
    """The id for a new report: the given one, or the month's prefix and a name, made unique."""
    if wanted:
        if not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", wanted):
            raise ScaffoldProblem(
                f"'{wanted}' is not a valid id: use lower-case letters, digits and hyphens"
            )
        chosen = wanted if _ID_PREFIX.match(wanted) else f"{date:%Y-%m}-{wanted}"
        if (reports / f"{chosen}.md").exists():
            raise ScaffoldProblem(
                f"{reports / (chosen + '.md')} already exists; choose another --id"
            )
        return chosen
    name = slugify(title, words=6) if title else "report"
    base = f"{date:%Y-%m}-{name or 'report'}"
    chosen, n = base, 2
    while (reports / f"{chosen}.md").exists():
        chosen, n = f"{base}-{n}", n + 1
    return chosen


def site_kinds(content: Path) -> list[str]:
    """The kind ids `site.yml` defines, in order; empty if it cannot be read."""
    try:
        data = load_yaml((content / "site.yml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlProblem):
        return []
    kinds = data.get("kinds") if isinstance(data, LineDict) else None
    return [str(k) for k in kinds] if isinstance(kinds, dict) else []


def new_report(
    content: Path,
    date: datetime.date,
    wanted_id: str = "",
    title: str = "",
    kind: str = "",
    added: datetime.date | None = None,
) -> Path:
    """Write `content/reports/<id>.md` with every required key to fill in; return its path.

    `added` (default: `date`) is the day the edition joins the collection: the feed shows the
    report as new from that day.
    """
    reports = content / "reports"
    if not content.is_dir():
        raise ScaffoldProblem(
            f"content folder {content} not found (hint: run from the project folder,"
            " or start one with `python -m builder init DIR`)"
        )
    chosen = report_id(reports, date, wanted_id, title)
    kinds = site_kinds(content)
    kind = kind or ("inspection-report" if "inspection-report" in kinds or not kinds else kinds[0])
    text = REPORT_TEMPLATE.format(
        id=chosen,
        title=_yaml_text(title or "Title of the document, as it is printed"),
        kind=kind,
        kinds=", ".join(kinds) if kinds else "see site.yml",
        date=date.isoformat(),
        added=(added or date).isoformat(),
    )
    reports.mkdir(parents=True, exist_ok=True)
    path = reports / f"{chosen}.md"
    with path.open("x", encoding="utf-8") as out:  # never replace a report
        out.write(text)
    return path


def _yaml_text(text: str) -> str:
    """A one-line YAML string, quoted so that any title reads back as written."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


REPORT_TEMPLATE = """\
---
# A new report: fill in each value, paste the document's text below the closing '---' line,
# then run `python -m builder check`. The authoring guide (docs/authoring.md) explains every key.
# A draft checks but a strict build will not publish it: delete the next line once it is filled in.
draft: true
id: {id}   # must match the file name; begins with the year and month
title: {title}
kind: {kind}   # one of: {kinds}
# framework: ilacs   # an id from frameworks.yml (needed for judgements)
# inspected: {{start: {date}, end: {date}}}   # when the inspection or visit took place
published: {date}   # the document's date
added: {added}   # the day this edition joined the collection: the feed shows it as new from then
authors:
  - {{name: "Name of the lead inspector or author", role: Lead inspector}}
publisher: Ofsted
source:
  title: {title}
  # url: https://...   # where the original can be found
licence:
  name: Open Government Licence v3.0   # the document's own reuse terms
  url: https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/
# summary: One or two sentences by the editors.
# judgements:
#   - {{area: Overall effectiveness, grade: good, headline: true}}
# recommendations:
#   - {{quote: exact words of the recommendation, tracks: a-tracked-recommendation}}
# annotations:
#   - {{paragraph: 1, themes: [a-theme]}}
---
"""
