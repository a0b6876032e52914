"""Import a folder of real report PDFs and measure the drafts against hand-checked reference values.

Usage: python3 benchmarks/import.py [FOLDER] [--reference FILE] [--keep DIR] [--metadata FILE.csv]
       [--jobs N] [--per-file]

FOLDER (default ../shared/pdfs beside the repository) holds the PDFs and `reference.yml`, the
values read by hand from each document. The script starts a new history with `init`, runs
`python -m builder import FOLDER` into it (every core, as an editor would), runs `check` on the
result, and prints a table of the import's targets:

  - judgements: every graded judgement present with the right grade, and none invented;
  - inspection dates and lead inspector right;
  - every numbered paragraph found;
  - bulleted items that became Markdown list items;
  - the report's own recommendations: the right count;
  - words against an independent extraction (PDFium, page furniture left out), both ways;
  - footnotes: the notes at the foot of pages, each a Markdown footnote;
  - the kind: every report with graded judgements an inspection report (visits are never graded);
  - the organisation: named as the document prints it (without --metadata), and one id per
    authority (the part of each file's name after the date), whatever name its covers print;
  - drafts that pass `check` as they are;
  - seconds per report and for all of them (wall and CPU).

A benchmark, not a test: it prints figures and never fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml

from builder.editing.compare import edition_tokens, measure, pdf_tokens
from builder.parse.parse import split_front_matter

TARGETS = {
    "judgements": 0.98,
    "dates_lead": 0.98,
    "numbered": 0.95,
    "bullets": 0.95,
    "recommendations": 0.95,
    "words": 0.99,
}


def area_key(area: str) -> str:
    """What a judgement is about, in words that do not depend on how a framework prints it."""
    a = area.lower().replace("’", "'")
    rules = (
        ("safeguarding children board", "board"),
        ("lscb", "board"),
        ("overall", "overall"),
        ("children's services in", "overall"),
        ("help and protection", "help-and-protection"),
        ("in care and care leavers", "in-care-and-leavers"),
        ("care leavers", "care-leavers"),
        ("achieving permanence", "in-care"),
        ("in care", "in-care"),
        ("leaders", "leaders"),
        ("leadership", "leaders"),
        ("adoption", "adoption"),
        ("capacity", "capacity"),
        ("outcomes", "outcomes"),
        ("quality of provision", "provision"),
    )
    return next((key for word, key in rules if word in a), a)


def grade_key(grade: str) -> str:
    g = " ".join(str(grade).lower().replace("-", " ").split())
    g = g.replace("require improvement", "requires improvement").replace(" to be good", "")
    return g.replace(" ", "-")


def words_of(pdf: str, draft: str) -> tuple[float, float]:
    result = measure(pdf_tokens(Path(pdf), pdf), edition_tokens(draft, "draft"))
    return result.recall, result.precision


def measure_one(name: str, ref: dict, text: str, errors: list[str]) -> dict:
    parts = split_front_matter(text)
    front = yaml.safe_load(parts[0]) if parts else {}
    front = front or {}
    body = parts[1] if parts else ""
    row: dict = {"file": name, "errors": errors}
    # Judgements
    expected = {(area_key(j["area"]), grade_key(j["grade"])) for j in ref.get("judgements") or []}
    got = [
        (area_key(j.get("area", "")), grade_key(j.get("grade", "")))
        for j in front.get("judgements") or []
    ]
    row["judgements_expected"] = len(expected)
    row["judgements_right"] = len(expected & set(got))
    row["judgements_invented"] = len([g for g in got if g not in expected])
    row["judgements_wrong"] = sorted(set(got) ^ expected)
    # Dates and lead inspector
    inspected = front.get("inspected")
    if isinstance(inspected, dict):
        start, end = str(inspected.get("start")), str(inspected.get("end", inspected.get("start")))
    else:
        start = end = str(inspected)
    row["dates"] = start == str(ref.get("inspection_start")) and end == str(
        ref.get("inspection_end")
    )
    authors = front.get("authors") or []
    lead = authors[0].get("name", "") if authors and isinstance(authors[0], dict) else ""
    row["lead"] = " ".join(str(lead).split()) == " ".join(str(ref.get("lead_inspector")).split())
    row["lead_found"] = lead
    # Footnotes: each note at the foot of a page is a Markdown footnote of the draft
    row["footnotes"] = len(re.findall(r"(?m)^\[\^[^\]]+\]:", body))
    row["footnotes_expected"] = int(ref.get("footnote_count") or 0)
    # Kind: a report with graded judgements is an inspection (visits are never graded)
    kind = re.search(r"^kind: (\S+)", text, re.M)
    row["kind"] = kind.group(1) if kind else ""
    row["graded"] = bool(ref.get("judgements"))
    # Organisation: the id the draft names, and whether its mark quotes the name printed
    found = re.search(r"^organisation: (\S+)(?:  # confirm: (.*))?$", text, re.M)
    row["organisation"] = found.group(1) if found else ""
    printed = " ".join(str(ref.get("organisation", "")).lower().replace("’", "'").split())
    mark = " ".join((found.group(2) or "" if found else "").lower().replace("’", "'").split())
    row["organisation_printed"] = bool(printed) and (
        f"'{printed}'" in mark or f" {printed} local authority" in mark
    )
    # Numbered paragraphs
    highest = (ref.get("numbered_paragraphs") or {}).get("highest")
    numbers = {int(m) for m in re.findall(r"(?m)^(\d{1,3})\. ", body)}
    if highest:
        missing = sorted(set(range(1, highest + 1)) - numbers)
        row["numbered"] = not missing
        row["numbered_missing"] = missing[:8]
    else:
        row["numbered"] = True
        row["numbered_missing"] = []
    # Bullets
    bullets = (ref.get("bullets") or {}).get("count") or 0
    items = len(re.findall(r"(?m)^\s*[-*+] \S", body))
    row["bullets_expected"] = bullets
    row["bullets_found"] = items
    # Own recommendations
    count = (ref.get("improvement_items") or {}).get("count") or 0
    found = len(front.get("recommendations") or [])
    row["recommendations"] = count == found
    row["recommendations_found"] = f"{found}/{count}"
    return row


def run_import(
    folder: Path, project: Path, jobs: int, metadata: str | None
) -> tuple[float, float, str]:
    command = [sys.executable, "-m", "builder", "import", str(folder), "--root", str(project)]
    if jobs:
        command += ["--jobs", str(jobs)]
    if metadata:
        command += ["--metadata", metadata]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr


def check_errors(project: Path) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-m", "builder", "check", "--root", str(project)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    errors: dict[str, list[str]] = {}
    for line in done.stderr.splitlines():
        m = re.match(r"(.+?\.md):(\d+): error: (.*)", line)
        if m:
            errors.setdefault(Path(m.group(1)).name, []).append(f"{m.group(2)}: {m.group(3)}")
    return errors


def share(values: list[bool]) -> float:
    return sum(values) / len(values) if values else 1.0


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    # ../shared/pdfs beside the repository (or beside a folder above it, for a work tree).
    default = next(
        (p / "shared" / "pdfs" for p in ROOT.parents if (p / "shared" / "pdfs").is_dir()),
        ROOT.parent / "shared" / "pdfs",
    )
    ap.add_argument("folder", nargs="?", default=str(default))
    ap.add_argument("--reference", help="reference values (default: FOLDER/reference.yml)")
    ap.add_argument("--keep", help="write the history here instead of a temporary folder")
    ap.add_argument("--metadata", help="pass this --metadata file to import")
    ap.add_argument("--jobs", type=int, default=0, help="import's --jobs (default: every core)")
    ap.add_argument("--per-file", action="store_true", help="also print a line per report")
    args = ap.parse_args()
    if args.keep and Path(args.keep).exists() and any(Path(args.keep).iterdir()):
        ap.error(f"--keep {args.keep}: the folder is not empty; name a new one")
    folder = Path(args.folder).resolve()
    reference = yaml.safe_load(Path(args.reference or folder / "reference.yml").read_text())
    with tempfile.TemporaryDirectory() as temporary:
        project = Path(args.keep or Path(temporary) / "history").resolve()
        made = subprocess.run(
            [sys.executable, "-m", "builder", "init", str(project)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if made.returncode:
            print(made.stderr, end="", file=sys.stderr)
            return 1
        for example in (project / "content" / "reports").glob("*.md"):
            example.unlink()
        wall, cpu, log = run_import(folder, project, args.jobs, args.metadata)
        drafts: dict[str, tuple[str, str]] = {}  # pdf name -> (draft file, text)
        for path in sorted((project / "content" / "reports").glob("*.md")):
            text = path.read_text(encoding="utf-8")
            m = re.search(r"^# Draft imported from (\S+\.pdf) ", text, re.M)
            if m:
                drafts[m.group(1)] = (path.name, text)
        errors = check_errors(project)
        names = sorted(n for n in reference if (folder / n).exists())
        rows = []
        for name in names:
            if name not in drafts:
                rows.append({"file": name, "failed": True})
                continue
            file, text = drafts[name]
            rows.append(measure_one(name, reference[name], text, errors.get(file, [])))
        with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
            pairs = {
                n: pool.submit(words_of, str(folder / n), drafts[n][1])
                for n in names
                if n in drafts
            }
            for row in rows:
                if row["file"] in pairs:
                    row["recall"], row["precision"] = pairs[row["file"]].result()
    ok = [r for r in rows if not r.get("failed")]
    expected = sum(r["judgements_expected"] for r in ok)
    right = sum(r["judgements_right"] for r in ok)
    invented = sum(r["judgements_invented"] for r in ok)
    bullets = sum(r["bullets_expected"] for r in ok)
    as_items = sum(min(r["bullets_found"], r["bullets_expected"]) for r in ok)
    recalls = [r["recall"] for r in ok]
    precisions = [r["precision"] for r in ok]
    n = len(names)
    # The authority a PDF is about, by its file's name (date_authority.pdf): its drafts should
    # share one id, and no other authority's draft should have it.
    ids: dict[str, set[str]] = {}
    for r in ok:
        ids.setdefault(r["file"].split("_", 1)[-1].removesuffix(".pdf"), set()).add(
            r["organisation"]
        )
    owners = Counter(i for found in ids.values() for i in found)
    one_id = sum(
        len(found) == 1 and "" not in found and owners[min(found)] == 1 for found in ids.values()
    )
    graded = [r for r in ok if r["graded"]]
    figures = [
        ("reports imported", f"{len(ok)}/{n}", "all", len(ok) == n),
        (
            "judgements right (of those printed)",
            f"{right}/{expected} = {right / max(expected, 1):.3f}",
            ">= 0.98",
            right / max(expected, 1) >= 0.98,
        ),
        ("judgements invented", str(invented), "0", invented == 0),
        (
            "inspection dates right",
            f"{share([r['dates'] for r in ok]):.3f}",
            ">= 0.98",
            share([r["dates"] for r in ok]) >= 0.98,
        ),
        (
            "lead inspector right",
            f"{share([r['lead'] for r in ok]):.3f}",
            ">= 0.98",
            share([r["lead"] for r in ok]) >= 0.98,
        ),
        (
            "all numbered paragraphs found",
            f"{share([r['numbered'] for r in ok]):.3f}",
            ">= 0.95",
            share([r["numbered"] for r in ok]) >= 0.95,
        ),
        (
            "bulleted items as list items",
            f"{as_items}/{bullets} = {as_items / max(bullets, 1):.3f}",
            ">= 0.95",
            as_items / max(bullets, 1) >= 0.95,
        ),
        (
            "list items beyond the bullets",
            str(sum(max(0, r["bullets_found"] - r["bullets_expected"]) for r in ok)),
            "-",
            True,
        ),
        (
            "own recommendations: right count",
            f"{share([r['recommendations'] for r in ok]):.3f}",
            ">= 0.95",
            share([r["recommendations"] for r in ok]) >= 0.95,
        ),
        (
            "words recall (median / lowest)",
            f"{statistics.median(recalls):.4f} / {min(recalls):.4f}",
            ">= 0.99",
            statistics.median(recalls) >= 0.99,
        ),
        (
            "words precision (median / lowest)",
            f"{statistics.median(precisions):.4f} / {min(precisions):.4f}",
            ">= 0.99",
            statistics.median(precisions) >= 0.99,
        ),
        (
            "reports with every footnote",
            f"{sum(r['footnotes'] == r['footnotes_expected'] for r in ok)}/{n}",
            ">= 0.95",
            share([r["footnotes"] == r["footnotes_expected"] for r in ok]) >= 0.95,
        ),
        (
            "graded reports as inspections (kind)",
            f"{sum(r['kind'] == 'inspection-report' for r in graded)}/{len(graded)}",
            "all",
            all(r["kind"] == "inspection-report" for r in graded),
        ),
        (
            "organisation named as printed",
            f"{sum(r['organisation_printed'] for r in ok)}/{n}" if not args.metadata else "-",
            "all",
            args.metadata or sum(r["organisation_printed"] for r in ok) == n,
        ),
        (
            "authorities with one id of their own",
            f"{one_id}/{len(ids)}",
            "all",
            one_id == len(ids),
        ),
        (
            "drafts passing check",
            f"{sum(not r['errors'] for r in ok)}/{n}",
            "all",
            all(not r["errors"] for r in ok) and len(ok) == n,
        ),
        ("seconds per report (CPU)", f"{cpu / max(n, 1):.2f}", "-", True),
        (
            "seconds for all (wall / CPU)",
            f"{wall:.1f} / {cpu:.1f} on {os.cpu_count()} cores",
            "< 60 on 2 cores",
            wall < 60,
        ),
    ]
    width = max(len(f[0]) for f in figures)
    print(f"{'target':<{width}}  {'measured':<36}  {'goal':<16}  met")
    for label, value, goal, met in figures:
        print(f"{label:<{width}}  {value:<36}  {goal:<16}  {'yes' if met else 'NO'}")
    if args.per_file:
        print()
        for r in rows:
            if r.get("failed"):
                print(f"{r['file']}: not imported")
                continue
            notes = []
            if r["judgements_wrong"]:
                notes.append(f"judgements differ {r['judgements_wrong']}")
            if not r["dates"]:
                notes.append("dates")
            if not r["lead"]:
                notes.append(f"lead {r['lead_found']!r}")
            if not r["numbered"]:
                notes.append(f"numbers missing {r['numbered_missing']}")
            if r["bullets_found"] != r["bullets_expected"]:
                notes.append(f"list items {r['bullets_found']}/{r['bullets_expected']}")
            if not r["recommendations"]:
                notes.append(f"recommendations {r['recommendations_found']}")
            if r["recall"] < 0.99 or r["precision"] < 0.99:
                notes.append(f"words {r['recall']:.3f}/{r['precision']:.3f}")
            if r["footnotes"] != r["footnotes_expected"]:
                notes.append(f"footnotes {r['footnotes']}/{r['footnotes_expected']}")
            if r["graded"] and r["kind"] != "inspection-report":
                notes.append(f"kind {r['kind']!r}")
            if not r["organisation_printed"] and not args.metadata:
                notes.append(f"organisation {r['organisation']!r}")
            if r["errors"]:
                notes.append(f"check: {r['errors'][:2]}")
            print(f"{r['file']}: {'; '.join(notes) or 'ok'}")
    failures = [line for line in log.splitlines() if ": error: " in line]
    for line in failures:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
