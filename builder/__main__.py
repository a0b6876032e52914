"""Run the builder: `python -m builder build`."""

import sys

from builder.cli import main

sys.exit(main())
