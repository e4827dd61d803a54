"""``python -m tunesmith``: the command line."""

import sys

from tunesmith.cli import main

sys.exit(main())
