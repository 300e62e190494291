"""Gzip for the demo server, with the static scripts and styles compressed once and kept.

A phone opening a Voilà page loads 93 files, 4.9 MB uncompressed (1.3 MB gzipped). Tornado's own
``compress_response`` gzips every response anew: for a room of 40 phones that tripled the server's CPU in
``bench/room.py`` and made the room slower than not compressing at all. Files that carry an ``Etag`` (Tornado's
static file handlers set one from the file's content) are compressed once here and the bytes kept; pages and API
answers are still compressed per response and never kept.
"""

from __future__ import annotations

import threading

from tornado.web import GZipContentEncoding


class CachedGZipContentEncoding(GZipContentEncoding):
    """Tornado's gzip output transform with a bounded cache for static files."""

    #: (path, etag, last modified, length) -> gzipped body.
    cache: dict[tuple[str, ...], bytes] = {}
    #: Bytes kept at most (the kit's static files are ~1.3 MB gzipped).
    cache_limit = 64 * 2**20
    _lock = threading.Lock()

    def __init__(self, request) -> None:
        super().__init__(request)
        self._path = request.path
        self._key: tuple[str, ...] | None = None
        self._replaying = False
        self._parts: list[bytes] = []

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if status_code == 206 or "Content-Range" in headers:
            self._gzipping = False  # a byte range counts uncompressed bytes: send it as it is
        etag = headers.get("Etag")
        static = "Last-Modified" in headers  # set by static file handlers, not by pages
        if status_code == 200 and etag and static and self._gzipping and "Content-Encoding" not in headers:
            # Tornado caches a file's Etag for the server's life, so modification time and size are part of
            # the key too: a file changed while the server runs is compressed again, never served stale.
            self._key = (self._path, etag, headers["Last-Modified"], headers.get("Content-Length", ""))
            cached = self.cache.get(self._key)
            if cached is not None:
                headers["Vary"] = (
                    f"{headers['Vary']}, Accept-Encoding" if "Vary" in headers else "Accept-Encoding"
                )
                headers["Content-Encoding"] = "gzip"
                headers["Content-Length"] = str(len(cached))
                self._replaying = True  # the handler's own chunks are dropped below
                return status_code, headers, cached
        # A page or an answer is compressed for each response: level 4 takes half the time of Tornado's 6 for
        # 4 % more bytes (a participant's 27 KB page: 0.64 ms and 8.2 KB against 1.18 ms and 7.9 KB, measured).
        # A file compressed once and kept is worth level 6.
        self.GZIP_LEVEL = 6 if self._key is not None else 4
        # The parent decides whether to compress (type, size) and compresses the first chunk through
        # transform_chunk below, which collects it.
        result = super().transform_first_chunk(status_code, headers, chunk, finishing)
        if not self._gzipping:
            self._key = None
        return result

    def transform_chunk(self, chunk, finishing):
        if self._replaying:
            return b""
        chunk = super().transform_chunk(chunk, finishing)
        self._collect(chunk, finishing)
        return chunk

    def _collect(self, chunk: bytes, finishing: bool) -> None:
        if self._key is None:
            return
        self._parts.append(chunk)
        if finishing:
            body = b"".join(self._parts)
            self._parts = []
            with self._lock:
                if sum(map(len, self.cache.values())) + len(body) <= self.cache_limit:
                    self.cache[self._key] = body
