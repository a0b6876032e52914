"""Read the project's files: the only stage that touches the disk for input."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostics


@dataclass(frozen=True)
class Project:
    """Where a site's content, templates and assets live, and where it is written."""

    content: Path
    templates: Path
    assets: Path
    out: Path

    @classmethod
    def at(cls, root: Path, out: Path | None = None) -> Project:
        return cls(root / "content", root / "templates", root / "assets", out or root / "_site")


@dataclass(frozen=True)
class Sources:
    """The text of every content file, keyed by the path shown in diagnostics."""

    files: dict[str, str]

    def get(self, name: str) -> tuple[str, str] | None:
        """The (display path, text) of a top-level content file such as `themes.yml`."""
        for path, text in self.files.items():
            if path.endswith("/" + name) and "/reports/" not in path:
                return path, text
        return None

    def reports(self) -> list[tuple[str, str]]:
        return sorted(
            (p, t) for p, t in self.files.items() if "/reports/" in p and p.endswith(".md")
        )


def display_path(path: Path) -> str:
    """A path as an editor would type it: relative to the working folder where possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_sources(content: Path, diagnostics: Diagnostics) -> Sources:
    """Read every YAML and Markdown file under the content folder."""
    files: dict[str, str] = {}
    if not content.is_dir():
        diagnostics.error(
            display_path(content),
            0,
            "content folder not found (hint: run from the project folder, or pass --content DIR)",
        )
        return Sources(files)
    for path in sorted(content.rglob("*")):
        if path.suffix not in (".yml", ".yaml", ".md") or not path.is_file():
            continue
        name = display_path(path)
        try:
            files[name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            diagnostics.error(name, 0, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
        except OSError as exc:
            diagnostics.error(name, 0, f"cannot read file: {exc.strerror}")
    return Sources(files)


def read_assets(assets: Path) -> dict[str, bytes]:
    """Every file under the assets folder, keyed by its path inside it."""
    if not assets.is_dir():
        return {}
    return {
        p.relative_to(assets).as_posix(): p.read_bytes()
        for p in sorted(assets.rglob("*"))
        if p.is_file()
    }


@dataclass(frozen=True)
class Templates:
    """The text of every template, and the folder it came from (for error messages)."""

    folder: str
    texts: dict[str, str]


def read_templates(folder: Path, diagnostics: Diagnostics) -> Templates:
    """Read every template under the templates folder."""
    if not folder.is_dir():
        diagnostics.error(
            display_path(folder), 0, "templates folder not found (hint: pass --templates DIR)"
        )
        return Templates(display_path(folder), {})
    texts = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".xml", ".txt"):
            try:
                texts[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                diagnostics.error(display_path(path), 0, f"cannot read template: {exc}")
    return Templates(display_path(folder), texts)
