"""The command line: `python -m builder build|check|serve|init|new`."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import TextIO

from builder.diagnostics import Diagnostics, shown_lines, summary
from builder.load.load import Project, display_path


def _project(args: argparse.Namespace) -> Project:
    root = Path(args.root)
    return Project(
        content=Path(args.content) if args.content else root / "content",
        templates=Path(args.templates) if args.templates else root / "templates",
        assets=Path(args.assets) if args.assets else root / "assets",
        out=Path(args.out) if getattr(args, "out", None) else root / "_site",
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("inspection-history")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown (not installed)"


def report(diagnostics: Diagnostics, written: bool, stream: TextIO | None = None) -> None:
    """Print every diagnostic, sorted, then the count line."""
    stream = stream or sys.stderr  # looked up now, so that a caller's redirection applies
    for line in shown_lines(diagnostics):
        print(line, file=stream)
    print(summary(diagnostics, written), file=stream)


def output_folder_problems(args: argparse.Namespace, project: Project) -> Diagnostics:
    """Whether a build may replace the output folder, checked before anything is built."""
    from builder.publish.publish import check_output_folder

    problems = Diagnostics()
    check_output_folder(project, problems, root=Path(args.root))
    return problems


def cmd_build(args: argparse.Namespace) -> int:
    from builder.pipeline import build

    project = _project(args)
    refused = output_folder_problems(args, project)
    diagnostics = Diagnostics()
    timings: dict[str, float] = {}
    # A refused folder is not written, but the build still runs: every problem in one run.
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
            print(f"{seconds:8.3f} s  {stage}", file=sys.stderr)
        print(f"{sum(timings.values()):8.3f} s  in all", file=sys.stderr)
    diagnostics.extend(refused)
    if files is None or refused.has_errors():
        report(diagnostics, written=False)
        return 1
    for line in shown_lines(diagnostics):
        print(line, file=sys.stderr)
    print(f"{len(files)} files written to {display_path(project.out)}", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from builder.pipeline import build

    project = _project(args)
    diagnostics = Diagnostics()
    files = build(project, diagnostics, strict=args.strict, write=False, base_url=args.base_url)
    diagnostics.extend(output_folder_problems(args, project))  # what `build` would refuse
    if diagnostics.has_errors():
        files = None
    for line in shown_lines(diagnostics):
        print(line, file=sys.stderr)
    if args.todo:
        print_todo(project, diagnostics)
    if files is None:
        print(
            summary(diagnostics, written=False).replace("; site not written", ""), file=sys.stderr
        )
        return 1
    print(
        f"content is valid: {len(files)} files would be written"
        + (f", {len(diagnostics.warnings)} warnings" if diagnostics.warnings else ""),
        file=sys.stderr,
    )
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from builder.scaffold import ScaffoldProblem, init_project

    folder = Path(args.dir)
    try:
        written = init_project(folder)
    except ScaffoldProblem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    shown = display_path(folder)
    print(f"{len(written)} files written to {shown}; next:", file=sys.stderr)
    print(f"  cd {shown} && python -m builder serve", file=sys.stderr)
    return 0


def cmd_new_report(args: argparse.Namespace) -> int:
    from builder.scaffold import ScaffoldProblem, new_report

    try:
        # Today's date is read here, at the edge, so the scaffold itself stays deterministic.
        date = datetime.date.fromisoformat(args.date) if args.date else datetime.date.today()
    except ValueError:
        print(
            f"error: --date must be a date such as 2024-03-15, not '{args.date}'", file=sys.stderr
        )
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
        )
    except ScaffoldProblem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    print(
        f"{display_path(path)} written: fill in its front matter and paste the text",
        file=sys.stderr,
    )
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
    from builder.publish.serve import serve

    project = _project(args)
    refused = output_folder_problems(args, project)
    if refused.has_errors():
        for item in refused.sorted():
            print(item.format(), file=sys.stderr)
        print(
            summary(refused, written=False).replace("site not written", "preview not started"),
            file=sys.stderr,
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
        prog="python -m builder",
        description="Build an annotated inspection history site from content/, templates/ and assets/.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

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
        description="Write a new history that builds at once: settings, the English children's"
        " services frameworks, example vocabularies and one example report.",
    )
    i.add_argument("dir", metavar="DIR", help="the folder to create (must be new or empty)")
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
        "--date",
        help="the document's date, YYYY-MM-DD: gives the id's year-month prefix (default: today)",
    )
    r.set_defaults(run=cmd_new_report)

    from builder import compare, importpdf

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
    try:
        status: int = args.run(args)
        return status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
