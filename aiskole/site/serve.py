"""A small static web server for a built site (tests, benchmarks, and trying the site out on one machine).

Browsers refuse to run the site from ``file://`` (module workers, WebAssembly), so it needs any static web server
that sends ``.wasm`` as ``application/wasm`` and ``.mjs`` as JavaScript; this one is Python's ``http.server``
with those types, on loopback only.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".whl": "application/octet-stream",
    ".zip": "application/zip",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a browser that stops a download (page closed, cache hit) is not an error worth a traceback
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class StaticServer:
    """A running server; :meth:`stop` ends it."""

    url: str
    httpd: http.server.ThreadingHTTPServer
    thread: threading.Thread

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def start(directory: Path, port: int = 0, host: str = "127.0.0.1") -> StaticServer:
    """Serve ``directory`` on ``host:port`` (0: a free port) in a background thread."""
    handler = functools.partial(_Handler, directory=str(directory))
    httpd = _Server((host, port), handler)
    thread = threading.Thread(target=httpd.serve_forever, name="aiskole-site-server", daemon=True)
    thread.start()
    return StaticServer(url=f"http://{host}:{httpd.server_address[1]}/", httpd=httpd, thread=thread)
