"""Runs in the browser (Pyodide), before an exercise's own code, on every page of the static site.

Kept free of imports beyond the standard library: it is the first thing the exercise page executes.
"""

from __future__ import annotations

import importlib
import os
import sys

#: Pyodide's in-memory file system: the store lives as long as the browser tab.
DATA_DIR = "/tmp/aiskole"

#: Modules pyodide-kernel replaces with empty stubs (``pyodide_kernel.mocks``) that Pyodide has for real.
#: Saving an answer migrates the store, and ``alembic.util.messaging`` calls ``fcntl.ioctl(0,
#: termios.TIOCGWINSZ, ...)`` at import: on the stubs that is an AttributeError, which alembic does not catch
#: (it expects ImportError or OSError). ``filelock`` (the migration lock) needs ``fcntl.flock`` too.
STUBBED_MODULES = ("fcntl", "termios")


def _restore_stubbed_modules() -> None:
    for name in STUBBED_MODULES:
        module = sys.modules.get(name)
        # a stub is a bare types.ModuleType: no import machinery made it, so it has no __spec__
        if module is not None and getattr(module, "__spec__", None) is None:
            del sys.modules[name]
            try:
                importlib.import_module(name)
            except ImportError:  # no real module in this Pyodide: keep the stub, as before
                sys.modules[name] = module


def prepare() -> None:
    """Point the kit's store at the in-memory file system and undo the kernel's stubs of real modules."""
    os.environ.setdefault("AISKOLE_DATA_DIR", DATA_DIR)
    os.environ.pop("AISKOLE_DATABASE_URL", None)
    _restore_stubbed_modules()
