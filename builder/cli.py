"""The command line: `python -m builder build|check|serve`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .diagnostics import Diagnostics, summary
from .load import Project, display_path


def _project(args: argparse.Namespace) -> Project:
    root = Path(args.root)
    return Project(
        content=Path(args.content) if args.content else root / "content",
        templates=Path(args.templates) if args.templates else root / "templates",
        assets=Path(args.assets) if args.assets else root / "assets",
        out=Path(args.out) if getattr(args, "out", None) else root / "_site",
    )


def report(diagnostics: Diagnostics, written: bool, stream=sys.stderr) -> None:
    """Print every diagnostic, sorted, then the count line."""
    for item in diagnostics.sorted():
        print(item.format(), file=stream)
    print(summary(diagnostics, written), file=stream)


def cmd_build(args: argparse.Namespace) -> int:
    from .pipeline import build

    project = _project(args)
    diagnostics = Diagnostics()
    files = build(project, diagnostics, strict=args.strict, cache_root=Path(args.root))
    if files is None:
        report(diagnostics, written=False)
        return 1
    for item in diagnostics.sorted():
        print(item.format(), file=sys.stderr)
    print(f"{len(files)} files written to {display_path(project.out)}", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .pipeline import build

    diagnostics = Diagnostics()
    files = build(
        _project(args), diagnostics, strict=args.strict, write=False, cache_root=Path(args.root)
    )
    for item in diagnostics.sorted():
        print(item.format(), file=sys.stderr)
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


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(_project(args), host=args.host, port=args.port, open_browser=args.open)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m builder",
        description="Build an annotated inspection history site from content/, templates/ and assets/.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--root",
            default=".",
            help="project folder holding content/, templates/, assets/ (default: .)",
        )
        p.add_argument("--content", help="content folder (default: ROOT/content)")
        p.add_argument("--templates", help="templates folder (default: ROOT/templates)")
        p.add_argument("--assets", help="assets folder (default: ROOT/assets)")

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
    b.set_defaults(run=cmd_build)

    c = commands.add_parser(
        "check",
        help="validate content and templates without writing",
        description="Validate everything a build would; exit 1 on any error.",
    )
    common(c)
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.set_defaults(run=cmd_check)

    s = commands.add_parser(
        "serve",
        help="preview the site locally, rebuilding and reloading on every save",
        description="Build, serve on 127.0.0.1 and reload the browser on every save.",
    )
    common(s)
    s.add_argument("--out", help="output folder (default: ROOT/_site)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.add_argument("--open", action="store_true", help="open the site in a web browser")
    s.set_defaults(run=cmd_serve)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
