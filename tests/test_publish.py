"""Publishing: the output folder is the builder's alone, swapped in whole, and failures are one line."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT, THEME, fixture_project

from builder import cli
from builder.diagnostics import Diagnostics
from builder.pipeline import build
from builder.publish import publish
from builder.publish.publish import MARKER, PublishError, write_site_atomically

HINT = "(hint: give the site a folder of its own, such as --out _site)"


def snapshot(folder: Path) -> dict[str, bytes | str | None]:
    """Every file, folder and link under `folder`, to prove nothing was touched."""
    return {
        p.relative_to(folder).as_posix(): (
            os.readlink(p) if p.is_symlink() else None if p.is_dir() else p.read_bytes()
        )
        for p in sorted(folder.rglob("*"))
    }


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with its inputs, a git folder, a README, and a sibling project beside it."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE / "content", root / "content")
    shutil.copytree(THEME / "templates", root / "templates")
    shutil.copytree(THEME / "assets", root / "assets")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "README.md").write_text("# A project\n")
    (root / "public").symlink_to(root / "content")  # a link is judged by where it leads
    (tmp_path / "sibling").mkdir()
    (tmp_path / "sibling" / "notes.txt").write_text("not the builder's\n")
    return root


def run(command: str, *args: str) -> int:
    return cli.main([command, *args])


REFUSED = {
    ".": f".: error: the output folder cannot be the project folder {HINT}",
    "content": f"content: error: the output folder cannot be the content folder {HINT}",
    "templates": f"templates: error: the output folder cannot be the templates folder {HINT}",
    "assets": f"assets: error: the output folder cannot be the assets folder {HINT}",
    "content/reports": "content/reports: error: the output folder cannot be inside the content "
    f"folder 'content' {HINT}",
    "templates/site": "templates/site: error: the output folder cannot be inside the templates "
    f"folder 'templates' {HINT}",
    "..": f"..: error: the output folder cannot contain the content folder 'content' {HINT}",
    "../sibling": "../sibling: error: the output folder is not empty and was not written by this "
    f"builder (it has no {MARKER} file), so it is left as it is (hint: delete or empty it, or "
    "choose another folder with --out)",
    ".git": ".git: error: the output folder is not empty and was not written by this builder (it "
    f"has no {MARKER} file), so it is left as it is (hint: delete or empty it, or choose another "
    "folder with --out)",
    "README.md": f"README.md: error: the output folder is a file, not a folder {HINT}",
    "public": f"public: error: the output folder cannot be the content folder {HINT}",
}


@pytest.mark.parametrize("out", sorted(REFUSED))
def test_build_refuses_a_folder_that_is_not_its_own(
    out: str, project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    monkeypatch.chdir(project)
    before = snapshot(project.parent)
    assert run("build", "--out", out) == 1
    assert capsys.readouterr().err.splitlines() == [REFUSED[out], "1 error; site not written"]
    assert snapshot(project.parent) == before  # nothing deleted, nothing added


@pytest.mark.parametrize("out", sorted(REFUSED))
def test_check_says_the_same_and_writes_nothing(
    out: str, project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    monkeypatch.chdir(project)
    before = snapshot(project.parent)
    assert run("check", "--out", out) == 1
    assert capsys.readouterr().err.splitlines() == [REFUSED[out], "1 error"]
    assert snapshot(project.parent) == before


def test_the_project_folder_is_refused_when_the_content_lives_elsewhere(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(project / "content", elsewhere)
    monkeypatch.chdir(project)
    before = snapshot(tmp_path)
    assert run("build", "--content", str(elsewhere), "--out", ".") == 1
    assert capsys.readouterr().err.splitlines()[0] == REFUSED["."]
    assert snapshot(tmp_path) == before


def test_the_preview_refuses_the_same_folders(project: Path):
    before = snapshot(project)
    result = subprocess.run(
        [sys.executable, "-m", "builder", "serve", "--out", "content", "--port", "0"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [REFUSED["content"], "1 error; preview not started"]
    assert snapshot(project) == before


def test_a_content_error_and_a_refused_folder_are_reported_together(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    monkeypatch.chdir(project)
    themes = project / "content" / "themes.yml"
    themes.write_text(themes.read_text() + "\nnot: [closed\n")
    assert run("build", "--out", "content") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == REFUSED["content"]
    assert err[1].startswith("content/themes.yml:") and err[-1] == "2 errors; site not written"


def test_missing_empty_and_earlier_output_folders_are_replaced(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    monkeypatch.chdir(project)
    (project / "empty").mkdir()
    (project / "litter").mkdir()
    (project / "litter" / ".DS_Store").write_bytes(b"\0")  # a file browser's, not a site
    for out in ("new/site", "empty", "litter", "new/site"):
        assert run("build", "--out", out) == 0, capsys.readouterr().err
        files = tree(project / out)
        assert files[MARKER].decode().splitlines()[2:] == sorted(set(files) - {MARKER})
    written = len(set(files) - {MARKER})  # the marker is the publisher's, not the site's
    assert capsys.readouterr().err.splitlines()[-1] == f"{written} files written to new/site"


def test_a_file_added_to_the_output_is_never_deleted(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    monkeypatch.chdir(project)
    assert run("build") == 0
    (project / "_site" / "CNAME").write_text("history.example.org\n")
    (project / "_site" / "reports" / "notes").mkdir()
    (project / "_site" / "reports" / "notes" / "draft.md").write_text("mine\n")
    (project / "_site" / "reports" / "link").symlink_to(project / "content")
    before = snapshot(project / "_site")
    capsys.readouterr()
    assert run("build") == 1
    assert capsys.readouterr().err.splitlines() == [
        "_site: error: the output folder holds files this builder did not write (CNAME, "
        "reports/link, reports/notes/draft.md), so it is left as it is (hint: move them "
        "elsewhere, or choose another folder with --out)",
        "1 error; site not written",
    ]
    assert snapshot(project / "_site") == before


def test_the_library_refuses_too(tmp_path: Path, fixture_files: dict[str, bytes]):
    (tmp_path / "mine.txt").write_text("keep\n")
    with pytest.raises(PublishError, match="not written by this builder"):
        write_site_atomically(fixture_files, tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "keep\n"
    content = tmp_path / "c"
    shutil.copytree(FIXTURE / "content", content)
    diagnostics = Diagnostics()
    assert build(fixture_project(tmp_path, content), diagnostics) is None
    assert [d.message for d in diagnostics.errors] == [
        f"the output folder cannot contain the content folder '{content}' {HINT}"
    ]
    assert (tmp_path / "mine.txt").read_text() == "keep\n"


# Failures a CI machine can cause: one line, exit 1, the last good output untouched.


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def test_a_failure_at_any_page_write_leaves_the_old_site_whole(
    tmp_path: Path, fixture_files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
):
    out = tmp_path / "site"
    write_site_atomically(fixture_files, out)
    before = snapshot(out)
    newer = {name: data + b"\n" for name, data in fixture_files.items()}
    names = [MARKER, *sorted(newer)]
    real_write = publish._write_file
    for failing, name in enumerate(names):
        calls = 0

        def write(path: Path, data: bytes, failing: int = failing) -> None:
            nonlocal calls
            calls += 1
            if calls == failing + 1:
                raise OSError(errno.ENOSPC, "No space left on device")
            real_write(path, data)

        monkeypatch.setattr(publish, "_write_file", write)
        with pytest.raises(PublishError) as raised:
            write_site_atomically(newer, out)
        assert raised.value.message == (
            f"cannot write the site ({name}: No space left on device); the last good output is "
            "unchanged (hint: free some disk space)"
        )
        assert snapshot(out) == before, name
        assert leftovers(out) == []
    assert calls == len(names)


WRITE_FAILURES = {
    errno.ENOSPC: "No space left on device); the last good output is unchanged (hint: free some "
    "disk space)",
    errno.EROFS: "Read-only file system); the last good output is unchanged (hint: the file "
    "system is read-only; choose another folder with --out)",
    errno.EACCES: "Permission denied); the last good output is unchanged (hint: the builder needs "
    "permission to write the output folder and the folder it is in)",
}
# Where the failure strikes, and what the message names: a page, the folder the output is in
# (where the new site is staged), or the output itself (the swap).
FAILING_STEPS = {"page": "404.html", "staging": ".", "swap": "_site"}


@pytest.mark.parametrize("error", sorted(WRITE_FAILURES))
@pytest.mark.parametrize("step", sorted(FAILING_STEPS))
def test_cli_reports_a_write_failure_in_one_line(
    error: int,
    step: str,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
):
    monkeypatch.chdir(project)
    assert run("build") == 0
    before = snapshot(project / "_site")
    settings = project / "content" / "site.yml"
    settings.write_text(settings.read_text().replace("title:", "title: New", 1))
    real_write = publish._write_file

    def fail(*args, **kwargs):
        if step == "page" and Path(args[0]).name != "404.html":
            return real_write(*args, **kwargs)
        raise OSError(error, os.strerror(error))

    if step == "page":
        monkeypatch.setattr(publish, "_write_file", fail)
    elif step == "staging":
        monkeypatch.setattr(publish.tempfile, "mkdtemp", fail)
    else:
        monkeypatch.setattr(publish, "exchange_folders", fail)
    capsys.readouterr()
    assert run("build") == 1
    assert capsys.readouterr().err.splitlines() == [
        f"_site: error: cannot write the site ({FAILING_STEPS[step]}: {WRITE_FAILURES[error]}",
        "1 error; site not written",
    ]
    assert snapshot(project / "_site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("._site")) == []


def test_an_output_under_a_file_is_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    monkeypatch.chdir(project)
    assert run("build", "--out", "README.md/site") == 1
    assert capsys.readouterr().err.splitlines() == [
        "README.md/site: error: the output folder cannot be made inside the file 'README.md' "
        + HINT,
        "1 error; site not written",
    ]


@contextlib.contextmanager
def unwritable(folder: Path):
    """Make a folder truly unwritable for this process: a mode for a user, immutable for root."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "Permission denied"
        finally:
            folder.chmod(0o755)
        return
    if shutil.which("chattr") is None:
        pytest.skip("chattr is needed to make a folder unwritable for the superuser")
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("this file system does not let the superuser mark a folder immutable")
    try:
        yield "Operation not permitted"
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_an_unwritable_folder_around_the_output_is_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    monkeypatch.chdir(project)
    (project / "public").unlink()
    (project / "public").mkdir()
    assert run("build", "--out", "public/site") == 0
    before = snapshot(project / "public")
    capsys.readouterr()
    report = sorted((project / "content" / "reports").glob("*.md"))[0]
    report.write_text(report.read_text() + "\nA closing line, so the site must be written again.\n")
    with unwritable(project / "public") as reason:
        assert run("build", "--out", "public/site") == 1
    assert capsys.readouterr().err.splitlines() == [
        f"public/site: error: cannot write the site (public: {reason}); the last good output is "
        "unchanged (hint: the builder needs permission to write the output folder and the "
        "folder it is in)",
        "1 error; site not written",
    ]
    assert snapshot(project / "public") == before


def test_an_output_folder_that_cannot_be_looked_into_is_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    monkeypatch.chdir(project)
    real_exists = Path.exists

    def exists(self: Path) -> bool:
        if self.name == "_site":  # as for a folder on the way that this user may not enter
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_exists(self)

    monkeypatch.setattr(Path, "exists", exists)
    assert run("build") == 1
    assert capsys.readouterr().err.splitlines() == [
        "_site: error: cannot read the output folder: Permission denied",
        "1 error; site not written",
    ]


# One atomic step: the old site or the new one, whole, whatever happens.


def test_without_an_exchange_the_fallback_still_replaces_and_restores(
    tmp_path: Path, fixture_files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
):
    out = tmp_path / "site"
    monkeypatch.setattr(publish, "_renameat2", None)
    write_site_atomically(fixture_files, out)
    newer = {name: data + b"\n" for name, data in fixture_files.items()}
    write_site_atomically(newer, out)
    assert tree(out) == {**newer, MARKER: tree(out)[MARKER]}
    before = snapshot(out)
    real_rename = os.rename

    def rename(src, dst):
        if Path(src).name.startswith(".site.new-"):
            raise OSError(errno.EIO, "Input/output error")
        return real_rename(src, dst)

    monkeypatch.setattr(publish.os, "rename", rename)
    with pytest.raises(PublishError):
        write_site_atomically(fixture_files, out)
    assert snapshot(out) == before and leftovers(out) == []


def test_leftovers_of_interrupted_builds_are_removed(
    tmp_path: Path, fixture_files: dict[str, bytes]
):
    out = tmp_path / "site"
    write_site_atomically(fixture_files, out)
    shutil.copytree(out, tmp_path / ".site.new-k1ll3d")  # killed while writing
    (tmp_path / ".site.new-k1ll3d" / "index.html").unlink()
    (tmp_path / ".site.old-a8c").mkdir()  # killed before anything was written
    (tmp_path / ".site.new-notours").mkdir()
    (tmp_path / ".site.new-notours" / "mine.txt").write_text("keep\n")
    (tmp_path / ".other.new-abc").mkdir()
    write_site_atomically(fixture_files, out)
    assert leftovers(out) == [".other.new-abc", ".site.new-notours"]


def test_a_leftover_removal_cut_short_keeps_the_marker_till_last(
    tmp_path: Path, fixture_files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
):
    out = tmp_path / "site"
    write_site_atomically(fixture_files, out)
    shutil.copytree(out, tmp_path / ".site.old-cut")
    real_rmtree = shutil.rmtree

    def killed_after_one(path, *args, **kwargs):
        real_rmtree(path, *args, **kwargs)
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(publish.shutil, "rmtree", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        publish.remove_folder(tmp_path / ".site.old-cut")
    monkeypatch.undo()
    assert (tmp_path / ".site.old-cut" / MARKER).is_file()
    write_site_atomically(fixture_files, out)
    assert leftovers(out) == []


def test_the_folder_of_a_build_still_running_is_not_removed(
    tmp_path: Path, fixture_files: dict[str, bytes]
):
    out = tmp_path / "site"
    write_site_atomically(fixture_files, out)
    running = tmp_path / ".site.new-running"
    running.mkdir()
    (running / MARKER).write_text("")
    with publish._held(running) as held:  # another build, writing there right now
        assert held
        write_site_atomically(fixture_files, out)
        assert leftovers(out) == [".site.new-running"]
    write_site_atomically(fixture_files, out)
    assert leftovers(out) == []


def test_an_output_left_retired_by_a_crash_is_put_back(
    tmp_path: Path, fixture_files: dict[str, bytes]
):
    out = tmp_path / "site"
    write_site_atomically(fixture_files, out)
    os.rename(out, tmp_path / ".site.old-x1")  # killed between the fallback's two renames
    publish.remove_leftovers(out)
    assert tree(out)["index.html"] == fixture_files["index.html"] and leftovers(out) == []


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from builder.publish import publish

    def announcing(name, function):
        def announced(*args, **kwargs):
            print(name, flush=True)  # the test kills the process as soon as it reads this
            return function(*args, **kwargs)
        return announced

    writes = 0
    real_write = publish._write_file

    def write(path, data):
        global writes
        writes += 1
        if writes % 20 == 0:
            print("write", flush=True)
        real_write(path, data)

    publish._write_file = write
    publish.exchange_folders = announcing("exchange", publish.exchange_folders)
    publish.os.rename = announcing("rename", publish.os.rename)
    publish.remove_folder = announcing("remove", publish.remove_folder)
    publish.shutil.rmtree = announcing("remove part", publish.shutil.rmtree)
    publish.remove_leftovers = announcing("tidy", publish.remove_leftovers)
    out = Path(sys.argv[1])
    sites = [
        {f"{d}/{n}.html": f"{g} {d} {n}\\n".encode() * 50 for d in range(10) for n in range(10)}
        for g in "AB"
    ]
    for number in range(10**6):
        publish.write_site_atomically(sites[number % 2], out)
    """
)


def whole_site(out: Path) -> str:
    """Which generation `out` holds, asserting that it is complete and not a mixture."""
    files = tree(out)
    files.pop(MARKER, None)
    assert len(files) == 100, sorted(files)[:5]
    generations = {data[:1] for data in files.values()}
    assert len(generations) == 1, generations
    return generations.pop().decode()


# Where to kill the writer: the n-th time it announces a step (the first publish makes the folder).
KILL_AT = [
    ("tidy", 2),
    ("write", 3),
    ("write", 9),
    ("exchange", 1),
    ("exchange", 2),
    ("remove", 1),
    ("remove part", 3),
    ("remove", 2),
    ("remove part", 20),
    ("tidy", 3),
    ("write", 14),
    ("exchange", 3),
    ("remove", 3),
    ("write", 20),
]


def test_a_build_killed_at_any_moment_leaves_a_whole_site(tmp_path: Path):
    out = tmp_path / "site"
    seen: set[str] = set()
    for step, count in KILL_AT:
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(out)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            text=True,
        )
        # The writer runs on while the line travels here, so the kill lands just after the step
        # begins: somewhere inside it or just beyond.
        announced = 0
        for line in writer.stdout:
            announced += line == f"{step}\n"
            if announced == count:
                break
        writer.kill()
        writer.wait(timeout=30)
        writer.stdout.close()
        assert announced == count
        seen.add(whole_site(out))
    assert seen == {"A", "B"}
    write_site_atomically({"index.html": b"C"}, out)
    assert leftovers(out) == []


READER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    out = Path(sys.argv[1])
    stop = Path(sys.argv[2])
    reads = misses = 0
    print("reading", flush=True)
    while not stop.exists():
        for name in ("0/0.html", "3/5.html", "7/7.html", "7/0.html"):
            reads += 1
            try:
                (out / name).read_bytes()
            except OSError:
                misses += 1
    print(reads, misses, flush=True)
    """
)


def test_a_reader_during_repeated_builds_always_finds_a_whole_site(tmp_path: Path):
    out = tmp_path / "site"
    sites = [
        {f"{d}/{n}.html": f"{g} {d} {n}\n".encode() for d in range(8) for n in range(8)}
        for g in "AB"
    ]
    write_site_atomically(sites[1], out)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(out), str(stop)], stdout=subprocess.PIPE, text=True
    )
    assert reader.stdout.readline() == "reading\n"
    for number in range(40):
        write_site_atomically(sites[number % 2], out)
    stop.touch()
    reads, misses = map(int, reader.communicate(timeout=60)[0].split())
    assert reads > 0 and misses == 0, f"{misses} of {reads} reads found no site"


# Reproducible: the same tree, modes and times, whatever the process's surroundings.

BUILD_IN = textwrap.dedent(
    """
    import os, sys
    os.umask(int(sys.argv[1], 8))
    from builder.cli import main
    sys.exit(main(sys.argv[2:]))
    """
)


def metadata_tree(folder: Path) -> dict[str, tuple]:
    return {
        p.relative_to(folder).as_posix(): (
            oct(p.stat().st_mode),
            p.stat().st_mtime_ns,
            None if p.is_dir() else p.read_bytes(),
        )
        for p in sorted([folder, *folder.rglob("*")])
    }


def test_builds_in_different_surroundings_are_identical_with_modes_and_times(tmp_path: Path):
    outputs = []
    for number, (seed, zone, umask) in enumerate(
        [("1", "UTC", "022"), ("4242", "Pacific/Kiritimati", "077"), ("random", "EST5EDT", "002")]
    ):
        cwd = tmp_path / f"cwd{number}"
        cwd.mkdir()
        out = tmp_path / f"out{number}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed, "TZ": zone}
        result = subprocess.run(
            [sys.executable, "-c", BUILD_IN, umask, "build", "--root", str(ROOT)]
            + ["--content", str(FIXTURE / "content"), "--out", str(out)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(metadata_tree(out))
    assert outputs[0] == outputs[1] == outputs[2]
    modes = {mode for mode, _, data in outputs[0].values()}
    assert modes == {oct(0o100644), oct(0o40755)}
    assert {time for _, time, _ in outputs[0].values()} == {publish._EPOCH * 10**9}


def test_a_folder_already_holding_the_site_is_left_as_it_is(tmp_path: Path, fixture_files):
    out = tmp_path / "site"
    write_site_atomically(fixture_files, out)
    page = out / "reports" / "2013-07-first" / "index.html"
    before = (out.stat().st_ino, page.stat().st_ino)
    write_site_atomically(fixture_files, out)  # the same bytes: nothing to write
    assert (out.stat().st_ino, page.stat().st_ino) == before
    # Bytes changed by hand, with the size and the fixed time kept: the site is written again.
    data = page.read_bytes()
    page.write_bytes(data.replace(b"<main", b"<MAIN", 1))
    os.utime(page, (publish._EPOCH, publish._EPOCH))
    write_site_atomically(fixture_files, out)
    assert page.read_bytes() == data
    assert out.stat().st_ino != before[0]


def _site_with(files: dict[str, bytes], **changes: bytes | None) -> dict[str, bytes]:

    out = dict(files)
    for name, data in changes.items():
        if data is None:
            out.pop(name.replace("__", "/"), None)
        else:
            out[name.replace("__", "/")] = data
    return out


def test_an_unchanged_file_is_linked_from_the_last_output_not_written(
    tmp_path: Path, fixture_files
):
    out = tmp_path / "site"
    write_site_atomically(fixture_files, out)
    kept, edited, touched = (
        "reports/2013-07-first/index.html",
        "reports/2022-01-visit/index.html",
        "index.html",
    )
    before = {name: (out / name).stat().st_ino for name in (kept, edited, touched)}
    # A file changed by hand in the last output, its size and fixed time kept, is not taken up.
    data = (out / touched).read_bytes()
    (out / touched).write_bytes(data.replace(b"<main", b"<MAIN", 1))
    os.utime(out / touched, (publish._EPOCH, publish._EPOCH))
    newer = _site_with(fixture_files, **{edited.replace("/", "__"): b"<p>edited</p>"})
    write_site_atomically(newer, out)
    assert tree(out) == {**newer, MARKER: (out / MARKER).read_bytes()}
    assert (out / kept).stat().st_ino == before[kept]  # the very file: linked
    assert (out / kept).stat().st_nlink == 1  # the old output's name for it is gone
    assert (out / edited).stat().st_ino != before[edited]
    assert (out / touched).read_bytes() == data
    assert oct((out / kept).stat().st_mode) == oct(0o100644)


def _replaced_in_place_three_times(out: Path, fixture_files: dict[str, bytes]) -> None:
    """An empty folder, an earlier site and a site with a page gone, each replaced in place."""
    gone = "reports/2022-01-visit/index.html"
    sites = [
        fixture_files,
        _site_with(fixture_files, **{"extra__index.html": b"<p>new page</p>"}),
        {name: data for name, data in fixture_files.items() if name != gone},
    ]
    for files in sites:
        write_site_atomically(files, out)
        held = tree(out)
        assert held.pop(MARKER).decode().splitlines()[2:] == sorted(files)
        assert held == dict(files)  # nothing staged or retired is left inside
    assert not (out / "extra").exists()


def test_an_output_folder_that_cannot_be_swapped_is_replaced_in_place(
    tmp_path: Path, fixture_files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
):
    """A mount point (say, a volume a CI job or a container mounts at --out) cannot be renamed:
    each build replaced nothing and failed with EBUSY. Its contents are replaced instead."""
    out = tmp_path / "volume"
    out.mkdir()
    real = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda p: Path(p) == out or real(p))
    renamed = []

    def rename(a, b, *args, **kwargs):  # a mount point refuses to move, as the kernel does
        if Path(a) == out or Path(b) == out:
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(out))
        renamed.append(b)
        return real_rename(a, b, *args, **kwargs)

    real_rename = os.rename
    monkeypatch.setattr(os, "rename", rename)
    exchange = publish.exchange_folders

    def exchange_but_not_the_mount(a, b):
        if out in (Path(a), Path(b)):
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(out))
        return exchange(a, b)

    monkeypatch.setattr(publish, "exchange_folders", exchange_but_not_the_mount)
    _replaced_in_place_three_times(out, fixture_files)
    (out / "CNAME").write_text("mine\n")  # a stranger's file: the folder is left alone
    with pytest.raises(PublishError):
        write_site_atomically(fixture_files, out)
    assert (out / "CNAME").read_text() == "mine\n"


def test_a_real_mount_point_is_published_in_place(tmp_path: Path, fixture_files):
    out = tmp_path / "mounted"
    out.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(out)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        assert os.path.ismount(out)
        _replaced_in_place_three_times(out, fixture_files)
    finally:
        subprocess.run(["umount", str(out)], check=True)
