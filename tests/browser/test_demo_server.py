"""The demo server as a phone sees it over HTTP: gzip for the page and its scripts, the same bytes each time."""

from __future__ import annotations

import gzip
import re
import time
import urllib.request


def _get(url: str, encoding: str = "gzip") -> tuple[dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request, timeout=60) as response:
        return dict(response.headers), response.read()


def test_pages_and_scripts_are_gzipped_and_scripts_are_compressed_once(voila_sqlite):
    headers, body = _get(voila_sqlite.url + "voila/render/afstemning.ipynb")
    assert headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(body).decode()
    script = re.search(r'<script src="(/voila/static/voila\.js[^"]*)"', html).group(1)
    url = voila_sqlite.url.rstrip("/") + script
    first_headers, first = _get(url)
    time.sleep(1.1)  # a gzip header holds its time in seconds: compressed again, the bytes would differ
    second_headers, second = _get(url)
    plain_headers, plain = _get(url, "identity")
    assert first_headers["Content-Encoding"] == second_headers["Content-Encoding"] == "gzip"
    assert first == second  # the kept copy, not a second compression
    assert first[4:8] != b"\x00\x00\x00\x00"  # (the time field is set, so the comparison above can fail)
    assert gzip.decompress(second) == plain
    assert "Content-Encoding" not in plain_headers
    assert len(first) < len(plain) / 2


def test_closing_an_apps_tab_shuts_its_kernel_down_at_once(voila_sqlite, open_page):
    """Voilà's page sends a beacon on ``beforeunload`` with the _xsrf cookie; the server must have set that
    cookie, or the beacon is refused (403) and the kernel holds a place under the cap until the cull."""
    watched = open_page({"width": 1280, "height": 800})
    page = watched.page
    page.goto(voila_sqlite.url + "voila/render/mini-dpia.ipynb")
    page.locator(".jupyter-widgets").first.wait_for()
    running = len(voila_sqlite.kernels())  # the kernels' processes, this page's among them
    page.close(run_before_unload=True)  # as a browser closes a tab
    deadline = time.monotonic() + 20
    while len(voila_sqlite.kernels()) >= running and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(voila_sqlite.kernels()) == running - 1
