"""The room's policy in pure functions: Host allowlist, canonical paths, who is the facilitator, code guessing."""

from __future__ import annotations

import dataclasses

import pytest

from aiskole.room import security
from aiskole.settings import Settings

KEY = "noegle-til-test"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, database_url="sqlite://", datasets_dir=tmp_path)


@pytest.mark.parametrize(
    ("header", "host"),
    [
        ("127.0.0.1:8866", "127.0.0.1"),
        ("LOCALHOST:8866", "localhost"),
        ("[::1]:8866", "::1"),
        ("::1", "::1"),
        ("aiskole.example.dk.", "aiskole.example.dk"),
        ("", ""),
        (None, ""),
    ],
)
def test_host_name_is_the_host_without_port(header, host):
    assert security.host_name(header) == host


@pytest.mark.parametrize(
    "header",
    [
        "127.0.0.1:8866",
        "10.0.0.5:8866",
        "[::1]:8866",
        "localhost",
        "localhost:8866",
        "foo.localhost",
        "laptop",
    ],
)
def test_ip_addresses_localhost_and_configured_names_are_allowed(settings, header):
    allowed = security.allowed_hosts(dataclasses.replace(settings, allowed_hosts=("laptop",)))
    assert security.host_is_allowed(header, allowed)


@pytest.mark.parametrize(
    "header",
    ["evil.example", "evil.example:8866", "localhost.evil.example", "127.0.0.1.nip.io", "", None, "a:b:c"],
)
def test_a_name_an_attacker_controls_is_refused(settings, header):
    """Is a Host an attacker's DNS can point at 127.0.0.1 (DNS rebinding) refused?"""
    assert not security.host_is_allowed(header, security.allowed_hosts(settings))


def test_the_public_url_host_is_allowed(settings):
    allowed = security.allowed_hosts(dataclasses.replace(settings, public_url="https://AiSkole.Kommune.dk/"))
    assert security.host_is_allowed("aiskole.kommune.dk", allowed)
    assert not security.host_is_allowed("kommune.dk", allowed)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/deltag",
        "/deltag/",
        "/deltag/K7FMQX",
        "/voila/render/mini-dpia.ipynb",
        "/voila/render/lektioner/01-prompt/01-prompt.ipynb",
        "/voila/static/voila.js",
        "/voila/render/lektioner/%C3%A6bler.ipynb",
    ],
)
def test_paths_the_server_writes_are_canonical(path):
    assert security.is_canonical_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "/voila/render/deltag.ipynb/../praesentation.ipynb",
        "/voila/render/./praesentation.ipynb",
        "/voila/render//praesentation.ipynb",
        "//voila/static/voila.js",
        "/voila/render/%2e%2e/praesentation.ipynb",
        "/voila/render/%2E%2E/praesentation.ipynb",
        "/voila/render/x%2fpraesentation.ipynb",
        "/voila/render/x%5cpraesentation.ipynb",
        "/voila/render/x%252e%252e/y",
        "/voila/render/x%00",
        "/voila/render\\praesentation.ipynb",
        "/voila/render/..",
        "/voila/render/.",
        "voila/render/x",
        "",
        None,
        "/deltag/\x07",
    ],
)
def test_other_spellings_of_a_path_are_not(path):
    assert not security.is_canonical_path(path)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/voila/render/praesentation.ipynb", "/voila/render/praesentation.ipynb"),
        ("/deltag?kode=X", "/deltag?kode=X"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/%2e%2e/x", "/"),
        ("/ x", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_the_login_only_redirects_to_pages_of_this_server(target, expected):
    assert security.safe_redirect(target, "/") == expected


def test_loopback_addresses():
    assert security.is_loopback("127.0.0.1")
    assert security.is_loopback("127.8.9.1")
    assert security.is_loopback("::1")
    assert not security.is_loopback("10.0.0.5")
    assert not security.is_loopback("")
    assert not security.is_loopback(None)
    assert not security.is_loopback("localhost")


def test_the_facilitator_by_cookie_from_anywhere(settings):
    cookie = security.cookie_for(KEY)
    assert KEY not in cookie  # the key itself never sits in a cookie
    assert security.is_facilitator(
        cookie=cookie, remote_ip="10.0.0.5", headers={}, key=KEY, settings=settings
    )
    assert not security.is_facilitator(
        cookie=security.cookie_for("another key"),
        remote_ip="10.0.0.5",
        headers={},
        key=KEY,
        settings=settings,
    )
    assert not security.is_facilitator(
        cookie=None, remote_ip="10.0.0.5", headers={}, key=KEY, settings=settings
    )


def test_loopback_is_the_facilitator_only_without_a_proxy_and_with_trust(settings):
    def facilitator(s, headers=None):
        return security.is_facilitator(
            cookie=None, remote_ip="127.0.0.1", headers=headers or {}, key=KEY, settings=s
        )

    assert facilitator(settings)
    assert not facilitator(dataclasses.replace(settings, trust_loopback=False))
    # behind the proxy every request arrives from 127.0.0.1: only the key counts
    assert not facilitator(dataclasses.replace(settings, behind_proxy=True))
    # a proxy that is not configured still gives itself away by its headers
    for header in security.FORWARDING_HEADERS:
        assert not facilitator(settings, {header: "10.0.0.5"})


def test_the_key_is_compared_whole():
    assert security.key_matches(KEY, KEY)
    assert security.key_matches(f"  {KEY}\n", KEY)  # pasted with blanks
    assert not security.key_matches(KEY[:-1], KEY)
    assert not security.key_matches("", KEY)
    assert not security.key_matches(None, KEY)
    assert len(security.new_key()) >= 32 and security.new_key() != security.new_key()


def test_the_client_address_behind_the_proxy_is_the_forwarded_one(settings):
    headers = {"X-Real-Ip": "10.0.0.7"}
    assert security.client_address("127.0.0.1", headers, settings) == "127.0.0.1"  # not trusted without proxy
    behind = dataclasses.replace(settings, behind_proxy=True)
    assert security.client_address("127.0.0.1", headers, behind) == "10.0.0.7"
    assert security.client_address("127.0.0.1", {}, behind) == "127.0.0.1"


@pytest.mark.parametrize(
    ("headers", "same"),
    [
        ({}, True),  # not a browser on someone else's page
        ({"Host": "10.0.0.5:8866", "Origin": "http://10.0.0.5:8866", "Sec-Fetch-Site": "same-origin"}, True),
        ({"Host": "aiskole.dk", "Origin": "https://aiskole.dk"}, True),
        ({"Host": "aiskole.dk:443", "Origin": "https://aiskole.dk"}, True),
        ({"Host": "10.0.0.5:8866", "Origin": "http://evil.example"}, False),
        ({"Host": "10.0.0.5:8866", "Origin": "http://10.0.0.5:9999"}, False),
        ({"Host": "10.0.0.5:8866", "Origin": "null"}, False),
        ({"Host": "10.0.0.5:8866", "Sec-Fetch-Site": "cross-site"}, False),
        ({"Host": "10.0.0.5:8866", "Sec-Fetch-Site": "same-site"}, False),
        ({"Host": "10.0.0.5:8866", "Sec-Fetch-Site": "none"}, True),
        # a form of the server's own page, posted by a browser that sends no referrer
        ({"Host": "10.0.0.5:8866", "Origin": "null", "Sec-Fetch-Site": "same-origin"}, True),
        ({"Host": "10.0.0.5:8866", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, False),
    ],
)
def test_state_changes_must_come_from_a_page_of_this_server(headers, same):
    assert security.same_origin(headers) is same


def test_browser_ids_are_random_and_checked_for_form():
    a, b = security.new_browser_id(), security.new_browser_id()
    assert a != b and security.is_browser_id(a)
    assert not security.is_browser_id("x")
    assert not security.is_browser_id("<script>alert(1)</script>xxxxxxx")
    assert not security.is_browser_id(None)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_code_guessing_is_slowed_down_after_a_few_failures():
    clock = Clock()
    limiter = security.GuessLimiter(free=5, window=600, max_wait=300, clock=clock)
    for _ in range(5):
        assert limiter.wait("10.0.0.5") == 0
        limiter.failed("10.0.0.5")
    first = limiter.wait("10.0.0.5")
    assert first > 0
    assert limiter.wait("10.0.0.6") == 0  # another phone is not slowed down
    limiter.failed("10.0.0.5")
    assert limiter.wait("10.0.0.5") > first  # twice as long after each further failure
    for _ in range(40):
        limiter.failed("10.0.0.5")
    assert limiter.wait("10.0.0.5") <= 300  # capped
    clock.now += 601
    assert limiter.wait("10.0.0.5") == 0  # the failures are forgotten after the window


def test_the_limiter_forgets_the_oldest_clients_first():
    clock = Clock()
    limiter = security.GuessLimiter(free=1, max_clients=3, clock=clock)
    for n in range(5):
        limiter.failed(f"10.0.0.{n}")
        limiter.failed(f"10.0.0.{n}")
    assert len(limiter._failures) == 3
    assert limiter.wait("10.0.0.0") == 0
    assert limiter.wait("10.0.0.4") > 0


def test_handler_errors_are_logged_without_the_request(caplog):
    """Does an error's log line leave out the client's address, the URL and the exception's message?"""
    import logging

    logger = logging.getLogger("aiskole.test.room")
    try:
        raise ValueError("Ordet «hemmelig» er for langt fra 10.0.0.5 /deltag/K7FMQX")
    except ValueError as exc:
        with caplog.at_level(logging.DEBUG, logger="aiskole.test.room"):
            security.log_handler_exception(logger, "AnswerHandler", type(exc), exc, exc.__traceback__)
    text = caplog.text
    assert "ValueError" in text and "AnswerHandler" in text
    for secret in ("hemmelig", "10.0.0.5", "K7FMQX"):
        assert secret not in text

    class Http(Exception):
        status_code = 404

    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="aiskole.test.room"):
        security.log_handler_exception(logger, "X", Http, Http(), None)
    assert caplog.text == ""
