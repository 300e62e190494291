"""aiskole: a learning and evaluation kit for the AI champions of Danish municipalities.

The package is layered: pure domain modules (``dpia`` ...) with no widget imports, ``store`` for
persistence, ``widgets`` for thin ipywidgets views, ``reports`` for papermill, and ``cli`` on top.
"""

__version__ = "0.1.0"
