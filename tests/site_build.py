"""One static-site build per test process, shared by tests/test_site.py and tests/browser/test_site_app.py.

The build uses the normal download cache (~/.cache/aiskole/site), so only the first build on a machine downloads
Pyodide and the wheels; the site itself is built fresh into the session's temporary folder.
"""

from __future__ import annotations

import functools
from pathlib import Path

from aiskole.site.builder import BuildResult, build_site

#: The kit's server as the built test site links it (any address works: the tests only read the links).
SERVER_URL = "http://127.0.0.1:8866/"


@functools.cache
def built_site(base: Path) -> BuildResult:
    """Build into ``base / "static-site"`` once (``base``: the session's ``tmp_path_factory.getbasetemp()``)."""
    return build_site(base / "static-site", server_url=SERVER_URL)
