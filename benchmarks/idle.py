"""How much CPU the preview uses while nobody saves: prints the share of one core.

Usage: python3 benchmarks/idle.py [--seconds 10] [--reports N] [--poll]

Starts `python -m builder serve` on the bundled site (or on N synthetic reports, from
benchmarks/scale.py's generator), waits for its ready line and for the search index it makes in
the background, then reads the process's user and system time from /proc/PID/stat (all its
threads) at the start and the end of the interval. `--poll` measures the fallback instead: the
watcher that looks at every file's time every 25 ms, as where the system gives no notifications.
This is a benchmark, not a test: it prints figures and never fails. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

# The preview with notifications refused, as on a system without them: it falls back to polling.
POLLING = """
import sys
import builder.publish.serve as serve

class Refused:
    def __init__(self, paths, wake):
        raise OSError(38, "refused by benchmarks/idle.py --poll")

serve.Notifications = Refused
from builder.cli import main
sys.exit(main())
"""


def cpu_seconds(pid: int) -> float:
    """User and system time of every thread of the process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def site(folder: Path, reports: int) -> Path:
    if reports:
        import scale

        scale.write_project(folder, reports)
    else:
        shutil.copytree(ROOT / "content", folder / "content")
    return folder


def measure(folder: Path, seconds: float, poll: bool) -> float:
    program = ["-c", POLLING] if poll else ["-m", "builder"]
    process = subprocess.Popen(
        [sys.executable, *program, "serve", "--port", "0"],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if re.search(r"\(Ctrl-C to stop\)$", line):
                break
        else:
            raise SystemExit("the preview did not start")
        time.sleep(3)  # the search index is made in the background after the first build
        before, started = cpu_seconds(process.pid), time.monotonic()
        time.sleep(seconds)
        used, elapsed = cpu_seconds(process.pid) - before, time.monotonic() - started
        return used / elapsed
    finally:
        process.terminate()
        process.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--seconds", type=float, default=10.0)
    options.add_argument(
        "--reports", type=int, default=0, help="synthetic reports (default: the bundled site)"
    )
    options.add_argument("--poll", action="store_true", help="measure the polling fallback")
    args = options.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        folder = site(Path(work), args.reports)
        share = measure(folder, args.seconds, args.poll)
    what = f"{args.reports} synthetic reports" if args.reports else "the bundled site"
    how = "polling every 25 ms" if args.poll else "file notifications"
    tick = 1 / os.sysconf("SC_CLK_TCK")  # /proc counts CPU time in clock ticks
    print(
        f"idle preview of {what}, {how}: {share * 100:.2f}% of a core over {args.seconds:.0f} s"
        f" (measured in {tick * 1000:.0f} ms ticks: {tick / args.seconds * 100:.2f}% resolution)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
