"""Run the builder: `python -m builder build`."""

import sys

from .cli import main

sys.exit(main())
