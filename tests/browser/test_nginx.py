"""deploy/nginx/aiskole.conf, run for real in front of one server: TLS, redirect, gzip, websockets, the room's
live channel unbuffered, no access log. Two servers behind it: test_room_nginx.py."""

from __future__ import annotations

import gzip
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from aiskole.store import Store
from aiskole.testing import LAPTOP, start_nginx, start_voila, stop_nginx, stop_voila

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx-backend")
    server = start_voila(
        tmp, f"sqlite:///{tmp / 'data' / 'aiskole.sqlite3'}", env={"AISKOLE_BEHIND_PROXY": "1"}
    )
    yield server
    stop_voila(server)


@pytest.fixture(scope="module")
def nginx(tmp_path_factory, backend):
    proxy = start_nginx(tmp_path_factory.mktemp("nginx"), [backend.port])
    yield proxy
    stop_nginx(proxy)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_http_redirects_to_https(nginx):
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as info:
        opener.open(nginx.http + "deltag", timeout=10)
    assert info.value.code == 301
    assert info.value.headers["Location"].startswith("https://")


def test_tls_and_gzip(nginx):
    request = urllib.request.Request(nginx.https, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, context=nginx.ssl, timeout=30) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        page = gzip.decompress(response.read()).decode("utf-8")
    assert "aiskole – øvelser" in page
    app = (
        urllib.request.urlopen(nginx.https + "voila/render/mini-dpia.ipynb", context=nginx.ssl, timeout=60)
        .read()
        .decode("utf-8")
    )
    script = re.search(r'src="([^"]*/voila\.js)"', app).group(1)
    request = urllib.request.Request(
        urllib.parse.urljoin(nginx.https, script), headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request, context=nginx.ssl, timeout=30) as response:
        body = response.read()
        assert response.headers["Content-Encoding"] == "gzip"
        assert any("public" in v for v in response.headers.get_all("Cache-Control"))
    assert len(gzip.decompress(body)) > len(body) * 2
    assert not list(nginx.dir.glob("*access*"))  # nothing personal is logged


def test_the_live_channel_passes_each_event_at_once(nginx, backend):
    """Server-sent events through the proxy: the first event arrives while the connection stays open (a
    buffering proxy would hold it back until the buffer fills or the connection ends)."""
    store = Store(backend.database_url)
    try:
        workshop = store.create_workshop("Gennem nginx")
        store.set_workshop_state(workshop.code, {"active": "poll", "revealed": False, "approved_words": []})
    finally:
        store.dispose()
    host, port = urllib.parse.urlsplit(nginx.https).hostname, urllib.parse.urlsplit(nginx.https).port
    received = b""
    with (
        socket.create_connection((host, port), timeout=15) as raw,
        nginx.ssl.wrap_socket(raw, server_hostname=host) as tls,
    ):
        tls.sendall(
            f"GET /deltag/{workshop.code}/live HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Accept: text/event-stream\r\nAccept-Encoding: gzip\r\n\r\n".encode()
        )
        deadline = time.monotonic() + 15
        while b'"v":"1-poll-0"' not in received and time.monotonic() < deadline:
            chunk = tls.recv(65536)
            if not chunk:
                break
            received += chunk
    head = received.partition(b"\r\n\r\n")[0].lower()
    assert head.startswith(b"http/1.1 200")
    assert b"content-encoding: gzip" not in head  # events are not held back for compression
    assert b"event: state" in received and b'"v":"1-poll-0"' in received  # while the connection is open


def test_the_app_works_through_the_proxy(nginx, browser):
    """Do the widgets (websockets through nginx) work end to end: answer, send, see the confirmation?"""
    context = browser.new_context(viewport=LAPTOP, ignore_https_errors=True)
    page = context.new_page()
    page.goto(nginx.https + "voila/render/afstemning.ipynb", wait_until="commit")
    page.get_by_role("radio", name="4 – Ret tryg").check(timeout=60_000)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text(re.compile("Tak! Dit svar er sendt"))).to_be_visible(timeout=60_000)
    context.close()
