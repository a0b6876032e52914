"""Build the bundled site and preview it at http://127.0.0.1:8000/, setting up what it needs first.

Usage: `python3 scripts/preview.py [serve options, such as --port 8001 or --open]`.
"""

from __future__ import annotations

import sys

from devenv import environment, run_in

if __name__ == "__main__":
    run_in(environment(), "-m", "builder", "serve", *sys.argv[1:])
