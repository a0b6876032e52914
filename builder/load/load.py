"""Read the project's files: the only stage that touches the disk for input."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from builder.diagnostics import Diagnostics


def _theme() -> Path:
    """The default look: the folder holding its `templates/` and `assets/`. An installed wheel
    carries them in the package (`builder/theme/`); in a checkout of the source they are the
    repository's own top-level `templates/` and `assets/`."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "theme"
    if (installed / "templates").is_dir():
        return installed
    return package.parent


# The default look, installed with the package: a project's own files override it one by one.
THEME = _theme()


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Sources:
    """The text of every content file, keyed by the path shown in diagnostics."""

    files: Mapping[str, str]
    folder: str = "content"  # the content folder's display path

    def get(self, name: str) -> tuple[str, str] | None:
        """The (display path, text) of a top-level content file such as `themes.yml`."""
        path = f"{self.folder}/{name}"
        return (path, self.files[path]) if path in self.files else None

    def reports(self) -> list[tuple[str, str]]:
        return sorted(
            (p, t)
            for p, t in self.files.items()
            if p.startswith(f"{self.folder}/reports/") and p.endswith(".md")
        )

    def parsed(self) -> Sources:
        """These sources once parsed, in a build that hands nothing on: the reports' texts are
        let go (on a national site, tens of megabytes held to the end of the build for the line
        of a problem that seldom comes) and read again from their files if one is asked for."""
        reports = {p for p, _ in self.reports()}
        return Sources(ReadAgain(self.files, reports), self.folder)


class ReadAgain(Mapping[str, str]):
    """Content files' texts, some of them read again from their files when asked for (by the
    path shown in diagnostics, which opens the file from the working folder)."""

    def __init__(self, files: Mapping[str, str], released: set[str]) -> None:
        self._order = tuple(files)
        self._known = frozenset(self._order)
        self._held = {p: t for p, t in files.items() if p not in released}

    def __getitem__(self, path: str) -> str:
        found = self._held.get(path)
        if found is not None:
            return found
        if path not in self._known:
            raise KeyError(path)
        try:  # text mode reads every kind of line break as "\n", as the first reading did
            return Path(path).read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            return ""

    @property
    def held(self) -> frozenset[str]:
        """The paths whose texts are held in memory, not read again."""
        return frozenset(self._held)

    def __contains__(self, path: object) -> bool:
        return path in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


MAX_FILE_BYTES = 1_000_000  # per content file; the largest bundled report is 64 KB
# All content files together: a national site of 500 real reports is about 30 MB, a synthetic
# site of 5,000 reports about 60 MB. Past this a build would run for minutes and hold gigabytes.
MAX_CONTENT_BYTES = 120_000_000


def display_path(path: Path) -> str:
    """A path as an editor would type it: relative to the working folder where possible."""
    try:
        # A link is shown as itself, never as where it leads.
        full = path.parent.resolve() / path.name if path.is_symlink() else path.resolve()
        return full.relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _walk(
    folder: Path, diagnostics: Diagnostics, suffixes: tuple[str, ...] | None, hidden: bool = False
) -> list[Path]:
    """Every regular file under folder with one of the suffixes, in order; symlinks are refused.

    A link may lead out of the project (to a secrets file, say), so it is reported and never
    followed or read, whatever it points to. Hidden files and folders (an editor's lock and swap
    files, a Mac's `._` copies) are skipped unless `hidden` is true.
    """
    return [path for path, _ in _scan(folder, diagnostics, suffixes, hidden)]


def _scan(
    folder: Path, diagnostics: Diagnostics, suffixes: tuple[str, ...] | None, hidden: bool = False
) -> list[tuple[Path, os.stat_result]]:
    """`_walk`'s files, each with its own status (not its link's: links are refused), read from
    the folder listing where the system gives it there: one system call a file, not three."""
    found: list[tuple[Path, os.stat_result]] = []
    if folder.is_symlink():  # a walk would follow the folder itself, wherever it leads
        _refuse_link(folder, diagnostics)
        return found

    def visit(base: Path) -> None:
        try:
            with os.scandir(base) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            where = Path(error.filename) if error.filename else base
            diagnostics.error(display_path(where), 0, f"cannot read folder: {error.strerror}")
            return
        folders = []
        for entry in entries:
            name, path = entry.name, base / entry.name
            try:
                is_folder = entry.is_dir()  # as a walk sorts them: a link to a folder is one
            except OSError:
                is_folder = False
            if is_folder:
                if name.startswith(".") and not hidden:
                    continue
                if entry.is_symlink():
                    _refuse_link(path, diagnostics)
                else:
                    folders.append(path)
                continue
            if name.startswith(".#") or (name.startswith(".") and not hidden):
                continue  # an editor's lock file (Emacs makes them as links), or hidden: not read
            if entry.is_symlink():
                _refuse_link(path, diagnostics)
            elif suffixes is None or path.suffix in suffixes:
                try:
                    status = entry.stat(follow_symlinks=False)
                except OSError as exc:
                    diagnostics.error(display_path(path), 0, f"cannot read file: {exc.strerror}")
                    continue
                if stat.S_ISREG(status.st_mode):
                    found.append((path, status))
                else:  # a pipe or a device would block the build or never end
                    diagnostics.error(display_path(path), 0, "is not a regular file")
        for path in folders:
            visit(path)

    visit(folder)
    found.sort(key=lambda item: item[0])
    return found


def _refuse_link(path: Path, diagnostics: Diagnostics) -> None:
    diagnostics.error(
        display_path(path),
        0,
        "is a symbolic link, which the builder does not follow "
        "(hint: replace it with a copy of the file or folder)",
    )


def _read_bytes(path: Path, diagnostics: Diagnostics) -> bytes | None:
    """A file's bytes, or None after reporting why it cannot be used."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        diagnostics.error(display_path(path), 0, f"cannot read file: {exc.strerror or exc}")
        return None
    if len(data) > MAX_FILE_BYTES:
        diagnostics.error(
            display_path(path),
            data.count(b"\n", 0, MAX_FILE_BYTES) + 1,
            f"file is larger than the limit of {MAX_FILE_BYTES:,} bytes "
            "(the limit is reached on this line)",
        )
        return None
    return data


def decode(data: bytes, name: str, diagnostics: Diagnostics) -> str | None:
    """UTF-8 text, with any byte-order mark dropped; or None after reporting what is wrong."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        diagnostics.error(name, 1, "the file is saved as UTF-16; save it as UTF-8")
        return None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        diagnostics.error(name, line, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
        return None


# A file's identity and state: the same file, unchanged since it was read, has the same.
Stamp = tuple[int, int, int, int, int]


def _stamp(status: os.stat_result) -> Stamp:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def read_sources(
    content: Path, diagnostics: Diagnostics, kept: dict[str, tuple[Stamp, str]] | None = None
) -> Sources:
    """Read every YAML and Markdown file under the content folder.

    `kept` holds each file's text as the last build in this process read it, with the file's
    stamp then: a file whose stamp is the same is not read again, and its text is the very same
    object, so what was made from it is found again by identity. It is updated to this reading.
    """
    files: dict[str, str] = {}
    folder = display_path(content)
    if not content.is_dir() and not content.is_symlink():
        diagnostics.error(
            folder,
            0,
            "content folder not found (hint: run from the project folder, or pass --content DIR)",
        )
        return Sources(files, folder)
    last = kept if kept is not None else {}
    now: dict[str, tuple[Stamp, str]] = {}
    total = 0
    for path, status in _scan(content, diagnostics, (".yml", ".yaml", ".md")):
        name = f"{folder}/{path.relative_to(content).as_posix()}"  # always under the folder's name
        stamp = _stamp(status)
        known = last.get(name)
        if known is not None and known[0] == stamp:
            total += status.st_size
            text: str | None = known[1]
        else:
            data = _read_bytes(path, diagnostics)
            total += len(data or b"")
            text = None
        if total > MAX_CONTENT_BYTES:
            diagnostics.error(
                name,
                0,
                f"the content folder holds more than the limit of {MAX_CONTENT_BYTES:,} bytes in "
                "all; this file passes it, and it and the files after it are not read",
            )
            break
        if text is None:
            text = decode(data, name, diagnostics) if data is not None else None
            if text is not None and len(data or b"") == status.st_size:
                now[name] = (stamp, text)  # not written to while it was read
        else:
            now[name] = (stamp, text)
        if text is not None:
            files[name] = text
            _lone_carriage_return(text, name, diagnostics)
    if kept is not None:
        kept.clear()
        kept.update(now)  # this build's files only: memory stays flat
    return Sources(files, folder)


def _lone_carriage_return(text: str, name: str, diagnostics: Diagnostics) -> None:
    """Say so when a file breaks lines with a carriage return alone (classic Mac OS): it is read
    as a line break, as most editors show it, but other tools see one long line."""
    at = text.find("\r")
    while at != -1 and text.startswith("\r\n", at):
        at = text.find("\r", at + 2)
    if at != -1:
        line = text.count("\n", 0, at) + text.count("\r", 0, at) - text.count("\r\n", 0, at) + 1
        diagnostics.warning(
            name,
            line,
            "this line ends with a carriage return alone, read as a line break "
            "(hint: save the file with LF or CRLF line endings)",
        )


def _files_under(
    folder: Path, diagnostics: Diagnostics, suffixes: tuple[str, ...] | None, hidden: bool = False
) -> dict[str, Path]:
    """Every regular file under a folder, keyed by its path inside it; nothing if it is absent."""
    if not folder.is_dir() and not folder.is_symlink():
        return {}
    return {
        p.relative_to(folder).as_posix(): p
        for p in _walk(folder, diagnostics, suffixes, hidden=hidden)
    }


def _is_theme(folder: Path, theme: Path | None, part: str) -> bool:
    """Whether a project's override folder is the theme's own (as the builder's repository, whose
    top-level `templates/` and `assets/` are the default theme, builds its bundled history): it
    then overrides nothing."""
    if theme is None:
        return False
    try:
        return folder.resolve() == (theme / part).resolve()
    except OSError:
        return False


def read_assets(
    assets: Path, theme: Path | None = THEME, diagnostics: Diagnostics | None = None
) -> dict[str, bytes]:
    """Every asset, keyed by its path: the theme's, with the project's own files in their place.

    Symbolic links are refused, never followed: nothing outside the project is published.
    """
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    found = _files_under(theme / "assets", diagnostics, None, hidden=True) if theme else {}
    if not _is_theme(assets, theme, "assets"):
        found.update(_files_under(assets, diagnostics, None, hidden=True))
    out = {}
    for name in sorted(found):
        try:
            out[name] = found[name].read_bytes()
        except OSError as exc:
            diagnostics.error(
                display_path(found[name]), 0, f"cannot read file: {exc.strerror or exc}"
            )
    return out


@dataclass(frozen=True, slots=True)
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
    suffixes = (".html", ".xml", ".txt")
    found = _files_under(theme / "templates", diagnostics, suffixes) if theme else {}
    if not _is_theme(folder, theme, "templates"):
        found.update(_files_under(folder, diagnostics, suffixes))
    texts, paths = {}, {}
    for name in sorted(found):
        paths[name] = display_path(found[name])
        data = _read_bytes(found[name], diagnostics)
        text = decode(data, paths[name], diagnostics) if data is not None else None
        if text is not None:
            texts[name] = text
    return Templates(display_path(folder), texts, paths)
