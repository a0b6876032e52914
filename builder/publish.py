"""Write the site transactionally: build beside the old output, then swap it in."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Fixed timestamps make the output folder reproducible byte for byte, metadata included.
_EPOCH = 315532800  # 1980-01-01, the earliest time zip and tar tools agree on


def write_site_atomically(files: dict[str, bytes], out: Path) -> None:
    """Write every file to a new folder beside `out`, then replace `out` with it in one rename.

    If anything fails before the swap, the previous output is left exactly as it was.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for name in sorted(files):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[name])
            os.utime(target, (_EPOCH, _EPOCH))
        os.chmod(staging, 0o755)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(retired)
    os.replace(out, retired)  # two renames: the old site is never half-deleted
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(retired, out)
        raise
    shutil.rmtree(retired, ignore_errors=True)
