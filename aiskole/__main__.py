"""``python -m aiskole``: the same as the ``aiskole`` command."""

import sys

from aiskole.cli import main

sys.exit(main())
