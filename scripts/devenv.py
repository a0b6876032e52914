"""Find or make the Python environment the project's commands run in.

Used by `scripts/preview.py` and `scripts/check.py`, so each README command works on a fresh
machine: inside an active virtual environment it installs there; otherwise it makes (once) and
reuses `.venv/`, which is also what Debian's and Ubuntu's own Python require, since they refuse
`pip install` outside a virtual environment. The project is installed again only when
pyproject.toml changes. Runs on the standard library alone.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(1)


def environment(extra: str = "") -> Path:
    """The Python to run the project with, with the project (and `extra`) installed in it."""
    # This file runs on whatever python3 the machine has, older than the project may need.
    if sys.version_info < (3, 11):  # noqa: UP036
        fail(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    if sys.prefix != sys.base_prefix:  # already in a virtual environment: use it
        python = Path(sys.executable)
        stamp = Path(sys.prefix) / f".inspection-history{extra and '-' + extra}"
    else:
        python = VENV / "bin" / "python"
        if not python.exists():
            print("making a virtual environment in .venv/", file=sys.stderr)
            try:
                # Isolated from the system's packages: everything the project runs with is what
                # pyproject.toml declares, installed here, so the check passes or fails alike on
                # a clean machine and on one with other packages installed.
                venv.EnvBuilder(with_pip=True).create(VENV)
            except (subprocess.CalledProcessError, OSError) as exc:
                shutil.rmtree(VENV, ignore_errors=True)  # half made: the next run starts afresh
                fail(
                    f"cannot make .venv/ ({exc}); on Debian or Ubuntu install venv support with "
                    "`sudo apt-get install python3-venv`, then run this again"
                )
        stamp = VENV / f".inspection-history{extra and '-' + extra}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        target = f".[{extra}]" if extra else "."
        print(f"installing {target} into {python.parent.parent}", file=sys.stderr)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--editable", target], cwd=ROOT
        )
        if done.returncode:
            fail("installing the project failed (see pip's message above)")
        stamp.write_text(wanted)
    return python


def run_in(python: Path, *args: str) -> None:
    """Replace this process with `python args...`, in the repository folder."""
    os.chdir(ROOT)
    os.execv(str(python), [str(python), *args])
