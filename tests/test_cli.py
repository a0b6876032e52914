"""Command-line conventions: progress, --quiet and --verbose, colour, exit codes, a missing folder."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT

from builder import cli
from builder.console import NORMAL, QUIET, VERBOSE, Console

ESCAPE = "\x1b["


def run_in_pty(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run a command with its standard output and error on a terminal; its status and output."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        args,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal's other end closed: the process has ended
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(timeout=60), b"".join(chunks).decode()


# The builder with progress shown from the start rather than after a second, so that the
# fixture's quick build shows it.
AT_ONCE = """
import sys
import builder.console
builder.console.AFTER_S = 0
from builder.cli import main
sys.exit(main())
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE / "content", tmp_path / "content")
    return tmp_path


def test_a_build_on_a_terminal_shows_progress_in_colour(site: Path):
    status, output = run_in_pty([sys.executable, "-c", AT_ONCE, "build"], site)
    assert status == 0, output
    assert re.search(r"\rbuilding \[00:\d\d\]: stages done \d+, last: [a-z ]+", output), output
    assert re.search(r"\r +\r", output)  # the progress line is cleared at the end
    assert f"{ESCAPE}32m" in output and "files written to _site" in output  # green


def test_no_color_turns_colour_off_on_a_terminal(site: Path):
    status, output = run_in_pty(
        [sys.executable, "-c", AT_ONCE, "build"], site, env={"NO_COLOR": "1"}
    )
    assert status == 0, output
    assert "stages done" in output  # progress still shows
    assert ESCAPE not in output.replace(f"{ESCAPE}A", "")  # tqdm may move the cursor, no colour


def test_piped_output_has_plain_progress_lines_and_no_colour(site: Path):
    result = subprocess.run(
        [sys.executable, "-c", AT_ONCE, "build"],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"building: load done \(\d+\.\d s\)", lines[0]), lines
    assert re.fullmatch(r"\d+ files written to _site", lines[-1]), lines
    assert "\r" not in result.stderr and ESCAPE not in result.stderr


def test_quiet_prints_nothing_when_all_is_well_and_verbose_prints_each_stage(site: Path):
    quiet = cli_run(["build", "--quiet"], site)
    assert quiet.returncode == 0 and quiet.stderr == ""
    verbose = cli_run(["build", "--verbose", "--out", "again"], site)
    assert verbose.returncode == 0
    assert re.search(
        r"^building: load done in \d+\.\d\d s \(\d+\.\d s in all\)$", verbose.stderr, re.M
    )
    assert verbose.stderr.rstrip().endswith("files written to again")


def test_quiet_still_prints_every_problem(site: Path):
    report = site / "content" / "reports" / "2022-01-visit.md"
    report.write_text(report.read_text().replace("themes: [", "themes: [no-such-theme, ", 1))
    result = cli_run(["check", "-q"], site)
    assert result.returncode == 1
    assert "error: unknown theme 'no-such-theme'" in result.stderr
    assert result.stderr.splitlines()[-1] == "1 error"


def cli_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["serve", "build", "check"])
def test_a_folder_without_content_stops_at_once_with_one_line(command: str, tmp_path: Path):
    result = cli_run([command], tmp_path)  # serve would otherwise run until stopped
    assert result.returncode == 1
    assert result.stderr == (
        "error: nothing to build here: no content folder (content/ not found) (hint: run in a"
        " history's folder, name it with --root, or start one with `inspection-history init DIR`)\n"
    )
    (tmp_path / "content").mkdir()
    result = cli_run([command], tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: nothing to build here: the content folder content/ is empty"
    )
    assert result.stderr.count("\n") == 1


def test_version_names_the_product():
    result = cli_run(["--version"], ROOT)
    assert re.fullmatch(r"inspection-history \d+\.\d+\S*\n", result.stdout), result.stdout


def test_exit_codes_are_as_documented(monkeypatch: pytest.MonkeyPatch, site: Path):
    readme = (ROOT / "README.md").read_text()
    for code in ("0", "1", "2", "130"):
        assert f"\n  {code} " in cli.EXIT_CODES
        assert re.search(rf"^\| `{code}` \|", readme, re.M), f"README does not document {code}"
    assert cli_run(["check"], site).returncode == 0
    (site / "empty").mkdir()
    assert cli_run(["check"], site / "empty").returncode == 1
    assert cli_run(["build", "--no-such-option"], site).returncode == 2
    assert "exit status:" in cli_run(["--help"], ROOT).stdout

    def interrupted(args) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_check", interrupted)
    monkeypatch.chdir(site)
    assert cli.main(["check"]) == 130


@pytest.mark.parametrize(
    ("environ", "terminal", "colour"),
    [
        ({}, True, True),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # no-color.org: only a non-empty value turns it off
        ({"TERM": "dumb"}, True, False),
        ({}, False, False),
    ],
)
def test_colour_only_on_a_terminal_without_no_color(environ, terminal: bool, colour: bool):
    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return terminal

    console = Console.on(Stream(), NORMAL, environ)
    assert console.colour is colour
    console.problem("content/x.md:3: error: unknown theme 'a'")
    console.problem("content/x.md:4: warning: broken link")
    written = console.stream.getvalue()
    assert (f"{ESCAPE}31m" in written and f"{ESCAPE}33m" in written) is colour
    assert (ESCAPE in written) is colour


def test_levels_decide_what_is_said():
    for level, expected in (
        (QUIET, ["p"]),
        (NORMAL, ["p", "s", "ok"]),
        (VERBOSE, ["p", "s", "ok", "d"]),
    ):
        console = Console(io.StringIO(), level)
        console.problem("p")
        console.say("s")
        console.ok("ok")
        console.detail("d")
        assert console.stream.getvalue().split() == expected


def test_the_progress_line_counts_each_stage_once_and_its_clock_starts_with_the_work():
    master, slave = os.openpty()
    with os.fdopen(slave, "w", closefd=True) as stream:
        console = Console(stream, NORMAL, colour=False, terminal=True)
        with console.progress("building") as stages:
            stages.started -= 2  # the work began two seconds ago: the line shows at once
            for stage in ("load", "parse", "write cache", "write cache"):
                stages[stage] = 0.1
    chunks = []
    while True:  # a terminal hands over what was written in pieces: read until its end closed
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    shown = b"".join(chunks).decode()
    lines = [line for line in shown.split("\r") if line.strip()]
    assert lines[0] == "building [00:02]: stages done 1, last: load"
    assert lines[-1] == "building [00:02]: stages done 3, last: write cache"
    assert shown.endswith("\r")  # and cleared


def test_plain_progress_lines_go_to_a_file_or_pipe_and_never_to_a_stream_in_memory():
    reading, writing = os.pipe()
    with os.fdopen(writing, "w") as pipe:
        for stream in (pipe, io.StringIO()):
            console = Console.on(stream, NORMAL, {})
            with console.progress("building") as stages:
                stages.started -= 2
                stages["load"] = 0.1
        memory = stream.getvalue()
    assert re.fullmatch(r"building: load done \(\d+\.\d s\)\n", os.read(reading, 4096).decode())
    os.close(reading)
    assert memory == ""
