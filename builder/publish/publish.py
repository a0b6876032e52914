"""Publish the site: write it beside the old output, then exchange the two folders in one step.

The output folder belongs to the builder alone. It is replaced only when it is missing, empty, or
marked as an earlier output by the file `.inspection-history`, which the builder writes into every
output with the list of files it wrote; a folder holding anything else is left as it is. A plain
dotfile keeps the output a plain static folder that any host can serve.

The new site is written to `.NAME.new-XXXX` beside the output `NAME`, then swapped in with one
atomic `renameat2(RENAME_EXCHANGE)` on Linux, so a reader opening a page always finds a whole site,
old or new, even if the builder is killed at any instant. Where the system cannot exchange two
folders, the old output is moved to `.NAME.old-XXXX` and the new one moved in its place; a crash
between the two leaves the old site there, put back on the next run. Either way, folders of these
names that an interrupted build left behind are removed by the next build.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from builder.diagnostics import Diagnostics
from builder.load.load import Project, display_path
from builder.sitefiles import size_of

# Fixed timestamps and modes make the output folder reproducible byte for byte, metadata included,
# whatever the clock, the time zone or the umask.
_EPOCH = 315532800  # 1980-01-01, the earliest time zip and tar tools agree on
FILE_MODE = 0o644
FOLDER_MODE = 0o755

MARKER = ".inspection-history"
# Earlier outputs are recognised by this exact text: changing it makes them foreign folders.
_MARKER_HEAD = (
    "This folder is the output of the inspection-history site builder.\n"
    "Every build replaces it whole: keep nothing else here. The files it wrote:\n"
)
# What a desktop's file browser leaves in any folder it shows; losing these loses nothing.
_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_HINT_OWN_FOLDER = "(hint: give the site a folder of its own, such as --out _site)"


class PublishError(Exception):
    """Why the site was not published, as one line: the folder it is about, and the message."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def shown_path(path: Path) -> str:
    """A path as the user typed it, relative to the working folder where possible.

    Unlike `display_path` it does not follow links: `--out public` is shown as `public` even
    when it is a link to another folder.
    """
    if not path.is_absolute():
        return Path(os.path.normpath(path)).as_posix()
    try:
        return path.relative_to(os.getcwd()).as_posix()
    except ValueError:
        return path.as_posix()


def input_folders(project: Project) -> dict[str, Path]:
    """The folders a build reads, by the name messages give them."""
    return {"content": project.content, "templates": project.templates, "assets": project.assets}


def output_problem(out: Path, inputs: Mapping[str, Path], root: Path | None = None) -> str | None:
    """Why a build may not replace `out`, or None when it is missing, empty or an earlier output."""
    try:
        return _output_problem(out, inputs, root)
    except OSError as exc:  # a folder on the way that this user may not look into
        return f"cannot read the output folder: {exc.strerror or exc}"


def _output_problem(out: Path, inputs: Mapping[str, Path], root: Path | None) -> str | None:
    folder = out.resolve()
    if folder.exists() and not folder.is_dir():
        return "the output folder is a file, not a folder " + _HINT_OWN_FOLDER
    above = next(p for p in folder.parents if p.exists())
    if not above.is_dir():
        return f"the output folder cannot be made inside the file '{display_path(above)}' " + (
            _HINT_OWN_FOLDER
        )
    if root is not None and folder == root.resolve():
        return "the output folder cannot be the project folder " + _HINT_OWN_FOLDER
    for name, path in inputs.items():
        source = path.resolve()
        if folder == source:
            return f"the output folder cannot be the {name} folder " + _HINT_OWN_FOLDER
        if folder.is_relative_to(source):
            return (
                f"the output folder cannot be inside the {name} folder "
                f"'{display_path(path)}' " + _HINT_OWN_FOLDER
            )
        if source.is_relative_to(folder):
            return (
                f"the output folder cannot contain the {name} folder "
                f"'{display_path(path)}' " + _HINT_OWN_FOLDER
            )
    if not folder.is_dir():
        return None
    strangers = _not_written_by_the_builder(folder)
    if strangers is None:
        return (
            f"the output folder is not empty and was not written by this builder (it has no "
            f"{MARKER} file), so it is left as it is "
            "(hint: delete or empty it, or choose another folder with --out)"
        )
    if strangers:
        shown = ", ".join(strangers[:3]) + (
            f" and {len(strangers) - 3} more" if len(strangers) > 3 else ""
        )
        return (
            f"the output folder holds files this builder did not write ({shown}), so it is left "
            "as it is (hint: move them elsewhere, or choose another folder with --out)"
        )
    return None


def _not_written_by_the_builder(folder: Path) -> list[str] | None:
    """What in `folder` an earlier build did not write; None if the folder is not an output at all."""
    staged = _leftover_pattern(folder)  # a build's staging folder, inside a mount point
    entries = [
        p for p in folder.iterdir() if p.name not in _LITTER and not staged.fullmatch(p.name)
    ]
    if not entries:
        return []
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        return None
    text = marker.read_text(encoding="utf-8", errors="replace")
    if not text.startswith(_MARKER_HEAD):
        return None
    written = set(text[len(_MARKER_HEAD) :].splitlines()) | {MARKER}
    strangers = []
    for top, folders, names in os.walk(folder):
        here = Path(top).relative_to(folder)
        for name in sorted(folders):
            if (Path(top) / name).is_symlink():  # os.walk lists links to folders among folders
                names.append(name)
        folders[:] = sorted(f for f in folders if not (Path(top) / f).is_symlink())
        if here == Path("."):
            folders[:] = [f for f in folders if not staged.fullmatch(f)]
        for name in sorted(names):
            relative = (here / name).as_posix()
            if relative not in written and name not in _LITTER and name != f"{MARKER}.part":
                strangers.append(relative)
    return sorted(strangers)


def check_output_folder(
    project: Project, diagnostics: Diagnostics, root: Path | None = None
) -> None:
    """Record an error if a build may not replace the project's output folder."""
    problem = output_problem(project.out, input_folders(project), root)
    if problem:
        diagnostics.error(shown_path(project.out), 0, problem)


def publish_site(
    files: Mapping[str, bytes], project: Project, diagnostics: Diagnostics, root: Path | None = None
) -> bool:
    """Write the site to the project's output folder; record why not and return False if it cannot."""
    try:
        write_site_atomically(files, project.out, input_folders(project), root)
    except PublishError as exc:
        diagnostics.error(exc.path, 0, exc.message)
        return False
    return True


def write_site_atomically(
    files: Mapping[str, bytes],
    out: Path,
    inputs: Mapping[str, Path] | None = None,
    root: Path | None = None,
) -> None:
    """Write every file to a new folder beside `out`, then swap it in with one atomic step.

    Raises PublishError, leaving the previous output exactly as it was, when the folder is not the
    builder's to replace or when anything fails before the swap.
    """
    shown = shown_path(out)
    problem = output_problem(out, inputs or {}, root)
    if problem:
        raise PublishError(shown, problem)
    out = out.resolve()
    # A mount point cannot be renamed or swapped (EBUSY): its contents are replaced instead,
    # staged inside it so that every rename stays on its file system.
    in_place = out.is_dir() and os.path.ismount(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
        if _holds_exactly(out, files):
            return  # the last build wrote these very bytes, and they are as it left them
        staging = Path(
            tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out if in_place else out.parent)
        )
    except OSError as exc:
        raise PublishError(shown, _cannot_write(exc, display_path(out.parent))) from None
    with _held(staging):
        try:
            _write_tree(staging, files, out if out.is_dir() else None)
            retired = _replace_contents(staging, out) if in_place else _swap(staging, out)
        except _PageError as exc:
            remove_folder(staging)
            raise PublishError(shown, _cannot_write(exc.error, exc.name)) from None
        except OSError as exc:
            remove_folder(staging)
            raise PublishError(shown, _cannot_write(exc, shown)) from None
        except BaseException:
            remove_folder(staging)
            raise
    if retired is not None:
        remove_folder(retired)


def _holds_exactly(out: Path, files: Mapping[str, bytes]) -> bool:
    """Whether `out` is already this site as a build writes it: its list of files, and each file
    with these bytes, its mode and its fixed time. Reading costs far less than writing it again."""
    try:
        if not out.is_dir() or (out / MARKER).read_bytes() != _marker(files):
            return False
        # Every file's kind, mode, time and size first (cheap), and only then the bytes: after an
        # edit a changed size usually says no before any file is read.
        for name in files:
            info = (out / name).lstat()
            if (
                not stat.S_ISREG(info.st_mode)
                or stat.S_IMODE(info.st_mode) != FILE_MODE
                or info.st_mtime != _EPOCH
                or info.st_size != size_of(files, name)
            ):
                return False
        if not all(holds(out / name, files[name]) for name in files):
            return False
    except OSError:
        return False
    return True


def remove_folder(folder: Path) -> None:
    """Delete a staging or retired folder, its marker last, ignoring errors.

    Killed halfway, it leaves a folder that still carries the marker, or an empty one: either is
    recognisably the builder's, and the next build finishes the job.
    """
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name == MARKER)
    except OSError:
        return
    for entry in entries:
        with suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    with suppress(OSError):
        folder.rmdir()


class _PageError(Exception):
    def __init__(self, name: str, error: OSError) -> None:
        super().__init__(name)
        self.name, self.error = name, error


def _cannot_write(exc: OSError, where: str) -> str:
    """The message for a write that failed: where, why, and what to do."""
    hint = {
        errno.ENOSPC: " (hint: free some disk space)",
        errno.EDQUOT: " (hint: free some disk space)",
        errno.EROFS: " (hint: the file system is read-only; choose another folder with --out)",
        errno.EACCES: " (hint: the builder needs permission to write the output folder and the folder it is in)",
        errno.EPERM: " (hint: the builder needs permission to write the output folder and the folder it is in)",
    }.get(exc.errno or 0, "")
    reason = exc.strerror or str(exc)
    return f"cannot write the site ({where}: {reason}); the last good output is unchanged{hint}"


def _write_tree(folder: Path, files: Mapping[str, bytes], last: Path | None = None) -> None:
    """Write the marker and every file, then fix every mode and time; nothing follows the umask.

    A file the last output (`last`) holds with these very bytes, as a build left it, is linked
    from there rather than written again: after a one-report edit most of the site is unchanged,
    and a link costs a quarter of a write. Only the new folder is ever written to."""
    folders = {folder}
    for name in [MARKER, *sorted(files)]:
        target = folder / name
        try:
            for parent in reversed(target.relative_to(folder).parents[:-1]):
                if folder / parent not in folders:
                    (folder / parent).mkdir(exist_ok=True)
                    folders.add(folder / parent)
            if name == MARKER:
                _write_file(target, _marker(files))
                continue
            # One file unpacked at a time: the site's bytes never all exist at once.
            data = files[name]
            if last is None or not _link_unchanged(last / name, target, data):
                _write_file(target, data)
        except OSError as exc:
            raise _PageError(name, exc) from None
    # Deepest first: setting a folder's time must come after everything inside it is written.
    for path in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        os.chmod(path, FOLDER_MODE)
        os.utime(path, (_EPOCH, _EPOCH))


def _link_unchanged(old: Path, target: Path, data: bytes) -> bool:
    """Link `old` at `target` if it is a file as a build writes it (regular, its mode and fixed
    time, no other name) holding exactly `data`; whether it did."""
    try:
        info = old.lstat()
        if (
            not stat.S_ISREG(info.st_mode)
            or stat.S_IMODE(info.st_mode) != FILE_MODE
            or info.st_mtime != _EPOCH
            or info.st_size != len(data)
            or info.st_nlink != 1
            or not holds(old, data)
        ):
            return False
        os.link(old, target)
    except OSError:  # gone, unreadable, or a file system without links: written instead
        return False
    return True


_READ_BYTES = 1 << 20


def holds(path: Path, data: bytes) -> bool:
    """Whether the file holds exactly `data`, read a piece at a time: a data file of a national
    site is tens of megabytes, and reading it whole beside its new bytes doubled the peak."""
    view = memoryview(data)
    with path.open("rb") as file:
        at = 0
        while piece := file.read(_READ_BYTES):
            if view[at : at + len(piece)] != piece:
                return False
            at += len(piece)
    return at == len(data)


def _write_file(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    os.chmod(path, FILE_MODE)
    os.utime(path, (_EPOCH, _EPOCH))


def _marker(files: Mapping[str, bytes]) -> bytes:
    return (_MARKER_HEAD + "".join(f"{name}\n" for name in sorted(files))).encode("utf-8")


def _swap(staging: Path, out: Path) -> Path | None:
    """Put the staged site at `out`; return where the old output went, for removal."""
    if not out.exists():
        os.rename(staging, out)
        return None
    if exchange_folders(staging, out):
        return staging  # the old site now lies where the new one was written
    # Two renames where the system cannot exchange: a crash between them leaves the old site at
    # the retired name, and the next build puts it back before doing anything else.
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(retired)
    os.rename(out, retired)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(retired, out)
        raise
    return retired


def _replace_contents(staging: Path, out: Path) -> Path:
    """Put the site staged inside `out` in place of its contents, entry by entry, for a folder
    that cannot itself be swapped (a mount point); return the staging folder, for removal.

    Each top-level file or folder is swapped in one atomic step, so a reader finds each part of
    the site whole, old or new. The marker first lists the old site's files and the new one's, so
    a build killed midway leaves a folder the next build knows as its own.
    """
    old = _listed(out)
    new = _listed(staging)
    _write_marker(out, sorted(old | new))
    tops = sorted({name.split("/", 1)[0] for name in new} - {MARKER})
    for name in tops:
        staged, target = staging / name, out / name
        if target.is_dir() and not target.is_symlink() and staged.is_dir():
            if not exchange_folders(staged, target):
                os.rename(target, staging / f"{name}.old")
                os.rename(staged, target)
        else:
            if target.is_dir() and not target.is_symlink():
                os.rename(target, staging / f"{name}.old")
            os.replace(staged, target)  # a file over a file: one step
    for name in sorted({n.split("/", 1)[0] for n in old} - set(tops) - {MARKER}):
        gone = out / name
        if gone.is_dir() and not gone.is_symlink():
            shutil.rmtree(gone, ignore_errors=True)
        else:
            with suppress(OSError):
                gone.unlink()
    os.replace(staging / MARKER, out / MARKER)  # last: now it lists exactly the new site
    return staging


def _listed(folder: Path) -> set[str]:
    """The files an output folder's marker lists (none for a folder with no marker)."""
    try:
        text = (folder / MARKER).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return set(text[len(_MARKER_HEAD) :].splitlines()) if text.startswith(_MARKER_HEAD) else set()


def _write_marker(folder: Path, names: list[str]) -> None:
    """Replace a folder's marker in one step."""
    part = folder / f"{MARKER}.part"
    _write_file(part, (_MARKER_HEAD + "".join(f"{n}\n" for n in names)).encode("utf-8"))
    os.replace(part, folder / MARKER)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _load_renameat2() -> Any:
    import ctypes  # here, not at the top: loading it costs a tenth of a second of every command

    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library older than glibc 2.28
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


_UNLOADED = object()
_renameat2: Any = _UNLOADED  # loaded at the first exchange


def exchange_folders(a: Path, b: Path) -> bool:
    """Swap two folders' names in one atomic step; False where the system or file system cannot."""
    global _renameat2
    if _renameat2 is _UNLOADED:
        _renameat2 = _load_renameat2()
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(b))


def _leftover_pattern(out: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(out.name)}\.(new|old)-[A-Za-z0-9_]+")


def remove_leftovers(out: Path) -> None:
    """Remove the staging and retired folders of interrupted builds; put back a retired output."""
    pattern = _leftover_pattern(out)
    # Beside the output, or inside it where it is a mount point and is written in place.
    places = [out.parent, out] if out.is_dir() and os.path.ismount(out) else [out.parent]
    leftovers = sorted(
        p
        for place in places
        for p in place.iterdir()
        if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink()
    )
    for path in leftovers:
        if not (path / MARKER).is_file() and any(path.iterdir()):
            continue  # not made by this builder after all: never delete what it did not write
        with _held(path, wait=False) as free:
            if not free:
                continue  # a build running right now is writing it
            if path.name.startswith(f".{out.name}.old-") and not out.exists():
                os.rename(path, out)  # killed between two renames: the old site goes back
            else:
                remove_folder(path)


try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: concurrent builds there are not guarded
    fcntl = None  # type: ignore[assignment]


@contextmanager
def _held(folder: Path, wait: bool = True) -> Iterator[bool]:
    """Lock a folder for one build; yields False if another build holds it (when not waiting).

    A lock on the folder itself needs no lock file, and the system releases it when a killed build
    dies, so a folder that is locked belongs to a build still running.
    """
    if fcntl is None:
        yield True
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        with suppress(OSError):
            os.close(fd)
