"""Who is the facilitator: the server's own machine (unless switched off, or behind a reverse proxy) and whoever
gave the key."""

from __future__ import annotations

import pytest

from aiskole.testing import TEST_KEY, Phone, start_voila, stop_voila


@pytest.fixture(scope="module")
def laptop(tmp_path_factory):
    """``aiskole demo`` as shipped: the facilitator's own machine needs no key."""
    tmp = tmp_path_factory.mktemp("laptop")
    server = start_voila(tmp, f"sqlite:///{tmp / 'data' / 'aiskole.sqlite3'}", max_kernels=2)
    yield server
    stop_voila(server)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """Behind the nginx config: every request arrives from 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("proxied")
    server = start_voila(
        tmp, f"sqlite:///{tmp / 'data' / 'aiskole.sqlite3'}", env={"AISKOLE_BEHIND_PROXY": "1"}, max_kernels=2
    )
    yield server
    stop_voila(server)


def test_the_laptops_own_browser_is_the_facilitator(laptop):
    me = Phone(laptop.url)
    assert "praesentation.ipynb" in me.request("")[2].decode()
    assert "Du er logget ind som oplægsholder" in me.request("oplaegsholder")[2].decode()
    status, _, body = me.request("voila/render/praesentation.ipynb")
    assert status == 200


def test_a_request_that_a_proxy_forwarded_is_not_the_laptops(laptop):
    me = Phone(laptop.url)
    for header in ("X-Forwarded-For", "X-Real-IP", "Forwarded"):
        status, _, _ = me.request("voila/render/praesentation.ipynb", headers={header: "10.0.0.9"})
        assert status == 403, header


def test_behind_the_proxy_loopback_is_not_the_facilitator(proxied):
    nginx = Phone(proxied.url)  # what the server sees of every phone behind nginx
    assert nginx.request("voila/render/praesentation.ipynb", headers={"X-Real-IP": "10.0.0.9"})[0] == 403
    assert nginx.request("voila/render/praesentation.ipynb")[0] == 403
    assert "praesentation.ipynb" not in nginx.request("")[2].decode()
    status, headers, _ = nginx.request(
        f"oplaegsholder?noegle={TEST_KEY}", headers={"X-Real-IP": "10.0.0.9", "X-Forwarded-Proto": "https"}
    )
    assert status == 303
    cookie = next(h for h in nginx.set_cookie_headers if h.startswith("aiskole_oplaeg="))
    assert "Secure" in cookie  # the browser came over HTTPS
    assert "praesentation.ipynb" in nginx.request("")[2].decode()  # the key counts


def test_behind_the_proxy_limits_are_per_forwarded_address(proxied):
    nginx = Phone(proxied.url)
    for n in range(6):
        nginx.request("deltag", data=f"kode=ACDEF{'GHJKMN'[n]}".encode(), headers={"X-Real-IP": "10.0.0.66"})
    assert nginx.request("deltag", data=b"kode=ACDEFP", headers={"X-Real-IP": "10.0.0.66"})[0] == 429
    assert nginx.request("deltag", data=b"kode=ACDEFP", headers={"X-Real-IP": "10.0.0.67"})[0] == 404
