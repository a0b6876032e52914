"""Start a history (`init`) and a report (`new report`): files written for the editor to fill in.

Both only ever create files: `init` refuses a folder that holds anything, and `new report` never
replaces a report that exists.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from builder.load.yamlread import LineDict, YamlProblem, load_yaml
from builder.model.paragraphs import slugify

STARTER = Path(__file__).resolve().parent.parent / "starter"
_ID_PREFIX = re.compile(r"^\d{4}-\d{2}-")


class ScaffoldProblem(Exception):
    """A request that cannot be met without overwriting or guessing; the message says why."""


# Starter files kept without their leading dot, so that packaging and this repository's own CI
# take them for the files they are (a `.github/` here would be a workflow of this repository).
DOTTED = {"gitignore": ".gitignore", "github": ".github", "gitlab-ci.yml": ".gitlab-ci.yml"}
GITLAB = "gitlab-ci.yml"  # written only when asked for


def init_project(
    folder: Path, *, gitlab: bool = False, requirement: str | None = None
) -> list[Path]:
    """Write a new history that builds and publishes at once into an empty or new folder.

    Besides the content: a `.gitignore`, a README, the GitHub Pages workflow (and with `gitlab`
    the GitLab Pages file) and `requirements.txt`, which pins the builder that CI installs to
    `requirement` (see `tool_requirement`); None leaves it for the editor to fill in.
    Returns the files written.
    """
    if folder.exists() and not folder.is_dir():
        raise ScaffoldProblem(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise ScaffoldProblem(
            f"{folder} is not empty; choose a new folder (init never writes over existing files)"
        )
    files: dict[Path, bytes] = {}
    for source in sorted(STARTER.rglob("*")):
        relative = source.relative_to(STARTER)
        if not source.is_file() or "__pycache__" in relative.parts:
            continue
        if relative.parts[0] == GITLAB and not gitlab:
            continue
        named = Path(DOTTED.get(relative.parts[0], relative.parts[0]), *relative.parts[1:])
        files[named] = source.read_bytes()
    files[Path("requirements.txt")] = requirements_text(requirement).encode()
    written = []
    for name, data in sorted(files.items()):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as out:  # "x": never replace a file, even one made meanwhile
            out.write(data)
        written.append(target)
    return written


def requirements_text(requirement: str | None) -> str:
    """`requirements.txt` for a new history: the builder that CI installs, pinned."""
    head = (
        "# The builder this history is built with, pinned: the publishing workflow installs exactly\n"
        "# this. To move to another release, change the requirement (see the README).\n"
    )
    if requirement:
        return head + requirement + "\n"
    return head + (
        "# This copy of inspection-history was installed from a local file or folder, which CI\n"
        "# cannot reach: name a release's wheel or a git tag, such as\n"
        "#   inspection-history @ https://HOST/OWNER/inspection-history/releases/download/v1.0.0/inspection_history-1.0.0-py3-none-any.whl\n"
        "#   inspection-history @ git+https://HOST/OWNER/inspection-history@v1.0.0\n"
    )


def tool_requirement(
    direct_url: str | None, version: str, repository: str | None = None
) -> str | None:
    """The pip requirement that installs this very builder again, elsewhere; None if unknown.

    `direct_url` is the installed distribution's `direct_url.json` (PEP 610), which says where
    pip took it from: a git repository at a commit, or a wheel at an address, is pinned to that
    commit or that file's hash. A release installed from an index has none: then the project's
    `repository` at the release's tag `v<version>`. A local file, a folder or a version that is
    not a release gives None: no other machine can install it from that.
    """
    name = "inspection-history"
    try:
        record = json.loads(direct_url) if direct_url else None
    except ValueError:
        record = None
    if isinstance(record, dict) and isinstance(record.get("url"), str):
        url = record["url"]
        if urlsplit(url).scheme not in ("https", "http", "ssh"):
            return None  # file:// and the like: only this machine has it
        vcs = record.get("vcs_info")
        if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
            return f"{name} @ git+{url}@{vcs['commit_id']}"
        archive = record.get("archive_info")
        if isinstance(archive, dict):
            hashes = archive.get("hashes")
            if isinstance(hashes, dict) and isinstance(hashes.get("sha256"), str):
                return f"{name} @ {url}#sha256={hashes['sha256']}"
            return f"{name} @ {url}"
        return None
    if repository and re.fullmatch(r"\d+(\.\d+)*", version):
        return f"{name} @ git+{repository}@v{version}"
    return None


def installed_requirement() -> str | None:
    """`tool_requirement` for the builder running now, from its installed metadata."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution("inspection-history")
    except PackageNotFoundError:
        return None
    urls = dist.metadata.get_all("Project-URL") or []
    repository = next(
        (u.split(",", 1)[1].strip() for u in urls if u.lower().startswith("repository,")), None
    )
    return tool_requirement(dist.read_text("direct_url.json"), dist.version, repository)


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


def site_organisations(content: Path) -> list[str]:
    """The organisation ids `organisations.yml` declares, in order; empty without one."""
    try:
        data = load_yaml((content / "organisations.yml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlProblem):
        return []
    if not isinstance(data, list):
        return []
    return [str(o["id"]) for o in data if isinstance(o, dict) and isinstance(o.get("id"), str)]


def _organisation_line(content: Path, organisation: str) -> str:
    """The front matter's `organisation` line, on a site that declares several (else nothing)."""
    known = site_organisations(content)
    if organisation:
        return f"organisation: {organisation}\n"
    if len(known) < 2:
        return ""
    choices = ", ".join(known) if len(known) <= 8 else "an id from organisations.yml"
    return f"organisation: {known[0]}   # whom the report is about: one of {choices}\n"


def new_report(
    content: Path,
    date: datetime.date,
    wanted_id: str = "",
    title: str = "",
    kind: str = "",
    added: datetime.date | None = None,
    organisation: str = "",
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
        organisation=_organisation_line(content, organisation),
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
# then run `inspection-history check`. inspection-history's authoring guide explains every key.
# A draft checks but a strict build will not publish it: delete the next line once it is filled in.
draft: true
id: {id}   # must match the file name; begins with the year and month
title: {title}
kind: {kind}   # one of: {kinds}
{organisation}# framework: ilacs   # an id from frameworks.yml (needed for judgements)
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
