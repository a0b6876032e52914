"""Read the project's files: the only stage that touches the disk for input."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostics

# The default look, installed with the package: a project's own files override it one by one.
THEME = Path(__file__).resolve().parent / "theme"


@dataclass(frozen=True)
class Project:
    """Where a site's content and its own templates and assets live, and where it is written.

    `templates` and `assets` are the project's override folders: a file there replaces the theme's
    file of the same name, and every other file comes from the theme (the package's default look).
    """

    content: Path
    templates: Path
    assets: Path
    out: Path
    theme: Path = THEME

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


def _files_under(folder: Path) -> dict[str, Path]:
    """Every file under a folder, keyed by its path inside it; nothing if the folder is absent."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def read_assets(assets: Path, theme: Path | None = THEME) -> dict[str, bytes]:
    """Every asset, keyed by its path: the theme's, with the project's own files in their place."""
    found = _files_under(theme / "assets") if theme else {}
    found.update(_files_under(assets))
    return {name: found[name].read_bytes() for name in sorted(found)}


@dataclass(frozen=True)
class Templates:
    """The text of every template, and the file each came from (for error messages).

    `folder` is the project's override folder as displayed; `paths` names the file each template
    was read from, the project's own or the theme's, so a message points at the file to open.
    """

    folder: str
    texts: dict[str, str]
    paths: dict[str, str] = field(default_factory=dict)

    def path(self, name: str) -> str:
        """The displayed path of the file a template comes from."""
        return self.paths.get(name) or f"{self.folder}/{name}"


def read_templates(folder: Path, diagnostics: Diagnostics, theme: Path | None = THEME) -> Templates:
    """Read every template: the theme's, with the project's own files in their place."""
    found = _files_under(theme / "templates") if theme else {}
    found.update(_files_under(folder))
    texts, paths = {}, {}
    for name, path in found.items():
        if path.suffix in (".html", ".xml", ".txt"):
            paths[name] = display_path(path)
            try:
                texts[name] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                diagnostics.error(paths[name], 0, f"cannot read template: {exc}")
    return Templates(display_path(folder), texts, paths)
