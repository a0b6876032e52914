"""The command line: `inspection-history build|check|serve|init|new` (also `python -m builder`).

Exit status: 0 when the command did what it was asked; 1 when the content, the settings or the
folders stop it (every problem is printed first, one line each); 2 when the command line itself
is wrong (an unknown option, a bad value); 130 when interrupted with Ctrl-C.
"""

from __future__ import annotations

import argparse
import datetime
import shlex
import sys
from pathlib import Path
from typing import TextIO

from builder import DISTRIBUTION, version
from builder.console import NORMAL, QUIET, VERBOSE, Console
from builder.diagnostics import Diagnostics, shown_lines, summary
from builder.load.load import Project, display_path

EXIT_CODES = """\
exit status:
  0    done
  1    the content, the settings or a folder stopped the command (each problem is printed)
  2    the command line is wrong (an unknown option or a bad value)
  130  interrupted (Ctrl-C)
"""


def _project(args: argparse.Namespace) -> Project:
    root = Path(args.root)
    return Project(
        content=Path(args.content) if args.content else root / "content",
        templates=Path(args.templates) if args.templates else root / "templates",
        assets=Path(args.assets) if args.assets else root / "assets",
        out=Path(args.out) if getattr(args, "out", None) else root / "_site",
    )


def _console(args: argparse.Namespace) -> Console:
    """The console a command speaks through: --quiet and --verbose, standard error's colour."""
    console = getattr(args, "console", None)
    return console if isinstance(console, Console) else Console.on(sys.stderr)


def report(diagnostics: Diagnostics, written: bool, console: Console | None = None) -> None:
    """Print every diagnostic, sorted, then the count line."""
    console = console or Console.on(sys.stderr)  # looked up now: a caller's redirection applies
    for line in shown_lines(diagnostics):
        console.problem(line)
    console.problem(summary(diagnostics, written))


def missing_content(project: Project) -> str | None:
    """One line saying what is missing, when there is no content to build at all."""
    shown = display_path(project.content)
    hint = (
        "(hint: run in a history's folder, name it with --root, or start one with"
        " `inspection-history init DIR`)"
    )
    if not project.content.is_dir():
        return f"error: nothing to build here: no content folder ({shown}/ not found) {hint}"
    if not any(project.content.iterdir()):
        return f"error: nothing to build here: the content folder {shown}/ is empty {hint}"
    return None


def output_folder_problems(args: argparse.Namespace, project: Project) -> Diagnostics:
    """Whether a build may replace the output folder, checked before anything is built."""
    from builder.publish.publish import check_output_folder

    problems = Diagnostics()
    check_output_folder(project, problems, root=Path(args.root))
    return problems


def cmd_build(args: argparse.Namespace) -> int:
    console = _console(args)
    project = _project(args)
    missing = missing_content(project)
    if missing:
        console.problem(missing)
        return 1
    from builder.pipeline import build

    refused = output_folder_problems(args, project)
    diagnostics = Diagnostics()
    # A refused folder is not written, but the build still runs: every problem in one run.
    with console.progress("building") as timings:
        files = build(
            project,
            diagnostics,
            strict=args.strict,
            write=not refused.has_errors(),
            base_url=args.base_url,
            # The work is kept for the next build only where the build may write: `check` and a
            # refused folder leave the project as they found it.
            cache_root=None if refused.has_errors() else Path(args.root),
            timings=timings,
        )
    if args.timings:
        for stage, seconds in timings.items():
            print(f"{seconds:8.3f} s  {stage}", file=console.stream)
        print(f"{sum(timings.values()):8.3f} s  in all", file=console.stream)
    diagnostics.extend(refused)
    if files is None or refused.has_errors():
        report(diagnostics, written=False, console=console)
        return 1
    for line in shown_lines(diagnostics):
        console.problem(line)
    console.ok(f"{len(files)} files written to {display_path(project.out)}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    console = _console(args)
    project = _project(args)
    missing = missing_content(project)
    if missing:
        console.problem(missing)
        return 1
    from builder.pipeline import build

    diagnostics = Diagnostics()
    # Not as lines where the output is not a terminal: there the output is the list of problems.
    with console.progress("checking", lines=False) as timings:
        files = build(
            project,
            diagnostics,
            strict=args.strict,
            write=False,
            base_url=args.base_url,
            timings=timings,
        )
    diagnostics.extend(output_folder_problems(args, project))  # what `build` would refuse
    if diagnostics.has_errors():
        files = None
    for line in shown_lines(diagnostics):
        console.problem(line)
    if args.todo:
        print_todo(project, diagnostics)
    if files is None:
        console.problem(summary(diagnostics, written=False).replace("; site not written", ""))
        return 1
    console.ok(
        f"content is valid: {len(files)} files would be written"
        + (
            f", {len(diagnostics.warnings)} warning{'s' if len(diagnostics.warnings) != 1 else ''}"
            if diagnostics.warnings
            else ""
        )
    )
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from builder.editing.scaffold import ScaffoldProblem, init_project, installed_requirement

    console = _console(args)
    folder = Path(args.dir)
    requirement = installed_requirement()
    try:
        written = init_project(folder, gitlab=args.gitlab, requirement=requirement)
    except ScaffoldProblem as problem:
        console.problem(f"error: {problem}")
        return 1
    except OSError as exc:
        console.problem(f"error: cannot write {exc.filename}: {exc.strerror}")
        return 1
    shown = display_path(folder)
    if requirement is None:
        console.problem(
            f"{shown}/requirements.txt: warning: this inspection-history was installed from a"
            " local file or folder, which CI cannot install from: name a release or a git tag"
            " there before publishing (it says how)"
        )
    console.ok(f"{len(written)} files written to {shown}; next:")
    console.say(f"  cd {shown} && git init")
    if requirement is None:
        # requirements.txt names no builder yet: preview with this one, which wrote it.
        console.say(f"  {shlex.quote(sys.executable)} -m builder serve")
    else:
        console.say(
            "  python3 -m venv .venv && .venv/bin/python -m pip install -r requirements.txt"
        )
        console.say("  .venv/bin/inspection-history serve")
    return 0


def cmd_new_report(args: argparse.Namespace) -> int:
    from builder.editing.scaffold import ScaffoldProblem, new_report

    console = _console(args)
    try:
        # Today's date is read here, at the edge, so the scaffold itself stays deterministic.
        date = datetime.date.fromisoformat(args.date) if args.date else datetime.date.today()
    except ValueError:
        console.problem(f"error: --date must be a date such as 2024-03-15, not '{args.date}'")
        return 2
    content = Path(args.content) if args.content else Path(args.root) / "content"
    try:
        # The edition joins the collection today, whatever the document's own date.
        path = new_report(
            content,
            date,
            args.id or "",
            args.title or "",
            args.kind or "",
            added=datetime.date.today(),
            organisation=args.organisation or "",
        )
    except ScaffoldProblem as problem:
        console.problem(f"error: {problem}")
        return 1
    except OSError as exc:
        console.problem(f"error: cannot write {exc.filename}: {exc.strerror}")
        return 1
    console.ok(f"{display_path(path)} written: fill in its front matter and paste the text")
    return 0


def print_todo(project: Project, checked: Diagnostics, stream: TextIO = sys.stdout) -> None:
    """Print what is left to do, from the content as it stands (the files that parsed)."""
    from builder.check.todo import format_todo, todo_items
    from builder.load.load import read_sources
    from builder.model.site import build_model
    from builder.parse.content import parse_content

    quiet = Diagnostics()  # the check has printed every problem already
    sources = read_sources(project.content, quiet)
    site = build_model(parse_content(sources, quiet, display_path(project.content)), quiet)
    for line in format_todo(todo_items(site, checked, sources.files)):
        print(line, file=stream)


def cmd_serve(args: argparse.Namespace) -> int:
    console = _console(args)
    project = _project(args)
    missing = missing_content(project)
    if missing:
        console.problem(missing)
        return 1
    from builder.publish.serve import serve

    refused = output_folder_problems(args, project)
    if refused.has_errors():
        for item in refused.sorted():
            console.problem(item.format())
        console.problem(
            summary(refused, written=False).replace("site not written", "preview not started")
        )
        return 1
    return serve(
        project,
        host=args.host,
        port=args.port,
        open_browser=args.open,
        base_url=args.base_url,
    )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        # Usage lines name the command as it was typed: the console script or `python -m builder`.
        prog=DISTRIBUTION if Path(sys.argv[0]).name == DISTRIBUTION else "python -m builder",
        description="Build an annotated inspection history site from content/, templates/ and assets/.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"{DISTRIBUTION} {version()}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def talk(p: argparse.ArgumentParser) -> None:
        """--quiet and --verbose, for the commands that print as they work."""
        level = p.add_mutually_exclusive_group()
        level.add_argument(
            "-q",
            "--quiet",
            action="store_const",
            dest="level",
            const=QUIET,
            help="print only problems: no progress, no summary of what was done",
        )
        level.add_argument(
            "-v",
            "--verbose",
            action="store_const",
            dest="level",
            const=VERBOSE,
            help="also print each stage of the work as it ends, with its seconds",
        )

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--root",
            default=".",
            help="project folder holding content/ and any templates/, assets/ (default: .)",
        )
        p.add_argument("--content", help="content folder (default: ROOT/content)")
        p.add_argument(
            "--templates",
            help="the project's templates, each replacing the default theme's file of that name"
            " (default: ROOT/templates)",
        )
        p.add_argument(
            "--assets",
            help="the project's assets, each replacing the default theme's file of that name"
            " (default: ROOT/assets)",
        )
        p.add_argument(
            "--base-url",
            default="",
            metavar="URL",
            help="the full public address to build for, such as https://someone.github.io/history/"
            " (sets the origin and the sub-path; overrides url and base_path in site.yml)",
        )

    b = commands.add_parser(
        "build",
        help="build the site into the output folder, atomically",
        description="Build the site. Nothing is written unless the whole build succeeds.",
    )
    common(b)
    talk(b)
    b.add_argument("--out", help="output folder (default: ROOT/_site)")
    b.add_argument(
        "--strict", action="store_true", help="treat warnings (such as broken links) as errors"
    )
    b.add_argument(
        "--timings",
        action="store_true",
        help="print the seconds each stage of the build took (load, parse, model, render, …)",
    )
    b.set_defaults(run=cmd_build)

    c = commands.add_parser(
        "check",
        help="validate content and templates without writing",
        description="Validate everything a build would; exit 1 on any error.",
    )
    common(c)
    talk(c)
    c.add_argument("--out", help="output folder a build would replace (default: ROOT/_site)")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.add_argument(
        "--todo",
        action="store_true",
        help="also list what is left to do: passages without a theme, vocabulary never used,"
        " events that now have a report, notes linking to anchors that are gone",
    )
    c.set_defaults(run=cmd_check)

    s = commands.add_parser(
        "serve",
        help="preview the site locally, rebuilding and reloading on every save",
        description="Build, serve on 127.0.0.1 and reload the browser on every save.",
    )
    common(s)
    s.add_argument(
        "--out", help="output folder, checked as build would (default: ROOT/_site); not written"
    )
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.add_argument("--open", action="store_true", help="open the site in a web browser")
    s.set_defaults(run=cmd_serve)

    i = commands.add_parser(
        "init",
        help="start a new history in a new folder",
        description="Write a new history that builds and publishes at once: settings, the English"
        " children's services frameworks, example vocabularies, one example report, a README,"
        " a .gitignore, requirements.txt pinning this builder, and the GitHub Pages workflow.",
    )
    i.add_argument("dir", metavar="DIR", help="the folder to create (must be new or empty)")
    i.add_argument(
        "--gitlab",
        action="store_true",
        help="also write .gitlab-ci.yml, which publishes the site with GitLab Pages",
    )
    talk(i)
    i.set_defaults(run=cmd_init)

    n = commands.add_parser(
        "new",
        help="add a new file to the content: `new report`",
        description="Write a new content file with every required key, never overwriting one.",
    )
    things = n.add_subparsers(dest="thing", required=True, metavar="THING")
    r = things.add_parser(
        "report",
        help="write content/reports/<id>.md with every required key",
        description="Write a report file with every required key and the next free id.",
    )
    r.add_argument("--root", default=".", help="project folder (default: .)")
    r.add_argument("--content", help="content folder (default: ROOT/content)")
    r.add_argument("--id", help="the report's id, or its name after the year-month prefix")
    r.add_argument("--title", help="the document's title (also names the id)")
    r.add_argument("--kind", help="one of the kinds in site.yml (default: inspection-report)")
    r.add_argument(
        "--organisation",
        help="whom the report is about: an id from organisations.yml (a site of several)",
    )
    r.add_argument(
        "--date",
        help="the document's date, YYYY-MM-DD: gives the id's year-month prefix (default: today)",
    )
    talk(r)
    r.set_defaults(run=cmd_new_report)

    from builder.editing import compare, importpdf

    compare.register(commands)
    importpdf.register(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    top = parser()
    args = top.parse_args(argv)
    for option in ("templates", "assets"):
        # Without the option a project may have no folder of its own; named, it must exist.
        folder = getattr(args, option, None)
        if folder and not Path(folder).is_dir():
            top.error(f"--{option} {folder}: no such folder")
    level = getattr(args, "level", None)
    args.console = Console.on(sys.stderr, NORMAL if level is None else level)
    try:
        status: int = args.run(args)
        return status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
