"""The demo server's gzip: static files compressed once and kept, everything else compressed per response."""

from __future__ import annotations

import gzip
import os

import pytest
import tornado.web
from tornado.testing import AsyncHTTPTestCase

from aiskole.gzip_cache import CachedGZipContentEncoding


class Page(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write("<p>svar</p>" * 500)  # no Etag: compressed per response, never kept


class GzipCacheTest(AsyncHTTPTestCase):
    def get_app(self):
        import tempfile

        self.static = tempfile.mkdtemp()
        self.script = os.urandom(16).hex() * 20_000  # 640 kB of compressible text, several chunks
        with open(os.path.join(self.static, "app.js"), "w") as f:
            f.write(self.script)
        with open(os.path.join(self.static, "logo.png"), "wb") as f:
            f.write(os.urandom(4096))
        CachedGZipContentEncoding.cache.clear()
        return tornado.web.Application(
            [(r"/page", Page), (r"/static/(.*)", tornado.web.StaticFileHandler, {"path": self.static})],
            transforms=[CachedGZipContentEncoding],
        )

    def fetch_gzip(self, path: str, **kwargs):
        return self.fetch(path, headers={"Accept-Encoding": "gzip"}, decompress_response=False, **kwargs)

    def test_a_static_file_is_compressed_once_and_served_from_the_cache(self):
        first = self.fetch_gzip("/static/app.js")
        assert first.code == 200 and first.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(first.body).decode() == self.script
        assert len(first.body) < len(self.script) / 2
        assert list(CachedGZipContentEncoding.cache.values()) == [first.body]
        # Mark the kept copy: a second response that is served from the cache carries the mark.
        (key,) = CachedGZipContentEncoding.cache
        marked = gzip.compress(b"kept copy")
        CachedGZipContentEncoding.cache[key] = marked
        second = self.fetch_gzip("/static/app.js")
        assert second.body == marked
        assert int(second.headers["Content-Length"]) == len(marked)
        assert second.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in second.headers["Vary"]

    def test_a_changed_file_is_compressed_again(self):
        self.fetch_gzip("/static/app.js")
        with open(os.path.join(self.static, "app.js"), "w") as f:
            f.write("ny version " * 1000)
        again = self.fetch_gzip("/static/app.js")
        assert gzip.decompress(again.body).decode() == "ny version " * 1000
        assert len(CachedGZipContentEncoding.cache) == 2  # a new Etag, a new entry

    def test_clients_without_gzip_get_the_plain_file(self):
        self.fetch_gzip("/static/app.js")
        plain = self.fetch(
            "/static/app.js", headers={"Accept-Encoding": "identity"}, decompress_response=False
        )
        assert "Content-Encoding" not in plain.headers
        assert plain.body.decode() == self.script

    def test_pages_are_compressed_but_not_kept_and_images_not_compressed(self):
        page = self.fetch_gzip("/page")
        assert page.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(page.body).decode() == "<p>svar</p>" * 500
        image = self.fetch_gzip("/static/logo.png")
        assert "Content-Encoding" not in image.headers
        assert CachedGZipContentEncoding.cache == {}

    def test_byte_ranges_are_sent_uncompressed(self):
        self.fetch_gzip("/static/app.js")
        part = self.fetch(
            "/static/app.js",
            headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9999"},
            decompress_response=False,
        )
        assert part.code == 206
        assert "Content-Encoding" not in part.headers
        assert part.body.decode() == self.script[:10000]

    def test_head_requests_get_headers_only(self):
        self.fetch_gzip("/static/app.js")
        head = self.fetch_gzip("/static/app.js", method="HEAD")
        assert head.code == 200 and head.body == b""

    def test_conditional_requests_still_get_304(self):
        first = self.fetch_gzip("/static/app.js")
        not_modified = self.fetch(
            "/static/app.js",
            headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["Etag"]},
            decompress_response=False,
        )
        assert not_modified.code == 304 and not_modified.body == b""


@pytest.fixture(autouse=True)
def _empty_cache():
    yield
    CachedGZipContentEncoding.cache.clear()
