"""aiskole: a learning and evaluation kit for the AI champions of Danish municipalities.

The package is layered: pure domain modules (``dpia`` ...) with no widget imports, ``store`` for
persistence, ``widgets`` for thin ipywidgets views, ``reports`` for papermill, and ``cli`` on top.
"""

import logging

__version__ = "0.1.0"

# A library logs, the application decides where to: without this, Python's last-resort handler would print
# aiskole's warnings to a kernel's stderr, and a Voilà page would show them as output.
logging.getLogger(__name__).addHandler(logging.NullHandler())
