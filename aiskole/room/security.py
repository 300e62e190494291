"""Who may do what in a room on an open Wi-Fi: the Host allowlist, the facilitator's role, code-guess limits.

Pure policy over plain values (host names, addresses, header mappings, cookie strings), so every rule is tested
without a server; :mod:`aiskole.room.guard` applies them to Tornado requests.

The roles (issue 12):

* **Facilitator** -- the presenter app, every app that shows more than a visitor's own answers, creating,
  revealing, moderating and closing. A request is the facilitator's when it carries the facilitator cookie (an
  HMAC of the facilitator key, set after the key was given once), or, unless switched off, when it comes from the
  server's own machine with no reverse proxy configured. Behind a proxy every request arrives from 127.0.0.1,
  so there only the key counts.
* **Participant** -- anyone else: one workshop by its code, only what the presenter revealed.
* **Display** -- whoever holds a workshop's secret display link: revealed results of an open workshop, read-only.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import socket
import time
import traceback
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from aiskole.settings import Settings

#: The cookie that makes a browser the facilitator's (HttpOnly, SameSite=Strict).
FACILITATOR_COOKIE = "aiskole_oplaeg"
#: A random, anonymous id per browser: ties a participant's answers together and owns the kernels it opened.
BROWSER_COOKIE = "aiskole_id"
#: Headers a reverse proxy adds; a request that carries one did not come straight from this machine.
FORWARDING_HEADERS = ("X-Forwarded-For", "X-Real-Ip", "Forwarded", "X-Forwarded-Host", "X-Forwarded-Proto")
_ID_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def new_key() -> str:
    """A new facilitator key (192 bits, URL-safe): printed once by ``aiskole demo``."""
    return secrets.token_urlsafe(24)


def new_browser_id() -> str:
    return str(secrets.token_hex(16))


def is_browser_id(value: object) -> bool:
    """Whether a cookie value can be a browser id (random; only its form is checked, nothing else trusts it)."""
    return isinstance(value, str) and 16 <= len(value) <= 36 and set(value) <= _ID_ALPHABET


def host_name(host_header: str | None) -> str:
    """The host part of a ``Host`` header, lower case, without port or IPv6 brackets."""
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@cache
def _machine_names() -> frozenset[str]:
    name = socket.gethostname().lower()
    return frozenset({name, f"{name}.local"}) if name else frozenset()


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """The host names the server answers to: localhost, the public URL's host, the configured extra names and the
    machine's own name. IP addresses are always allowed (phones join by the laptop's address); a name an attacker
    controls is not, which is what DNS rebinding needs."""
    names = {"localhost", *settings.allowed_hosts, *_machine_names()}
    public = urlsplit(settings.public_url).hostname
    if public:
        names.add(public.lower())
    return frozenset(names)


def host_is_allowed(host_header: str | None, allowed: frozenset[str]) -> bool:
    host = host_name(host_header)
    if not host:
        return False
    return is_ip_literal(host) or host in allowed or host.endswith(".localhost")


#: Percent-escapes of characters that change what a path means: ``.``, ``/``, ``\\``, NUL, ``%`` itself.
_MEANINGFUL_ESCAPE = re.compile(r"%(2e|2f|5c|00|25)", re.IGNORECASE)


def is_canonical_path(path: str | None) -> bool:
    """Whether a request's raw path is written the one way the server writes it: absolute, no empty, ``.`` or
    ``..`` segment, no backslash or control character, and no escaped dot, slash or backslash.

    ``/voila/render/deltag.ipynb/../praesentation.ipynb``, ``/voila/render/%2e%2e/x`` and
    ``//voila/static/x`` are not; every link the server makes is.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        return False
    if "\\" in path or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
        return False
    if _MEANINGFUL_ESCAPE.search(path):
        return False
    segments = path[1:].split("/")
    # an empty segment is allowed only as the last one (a trailing slash)
    return not any(seg in ("", ".", "..") for seg in segments[:-1]) and segments[-1] not in (".", "..")


def safe_redirect(target: str | None, default: str) -> str:
    """``target`` when it is a path on this server (``/...``), else ``default``: never another site, not even
    by ``//host``, ``/\\host`` or a scheme."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return default
    if not is_canonical_path(target.split("?", 1)[0]) or urlsplit(target).netloc:
        return default
    if any(ch.isspace() for ch in target):
        return default
    return target


def is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def client_address(remote_ip: str | None, headers: Mapping[str, str], settings: Settings) -> str:
    """The client's address for limits: behind the reverse proxy, the address it forwards (``X-Real-IP``);
    otherwise the connection's. Never logged."""
    if settings.behind_proxy:
        forwarded = (headers.get("X-Real-Ip") or "").strip()
        if forwarded:
            return forwarded
    return remote_ip or "?"


def is_https(request, settings: Settings) -> bool:
    """Whether the browser reached the server over HTTPS (behind the proxy: as the proxy says), so cookies
    are marked ``Secure``."""
    if settings.behind_proxy:
        return (request.headers.get("X-Forwarded-Proto") or "").strip().lower() == "https"
    return request.protocol == "https"


def log_handler_exception(logger, handler: str, typ, value, tb) -> None:
    """Log a request handler's error without anything personal.

    Tornado's own log line names the client's address and the whole URL (which holds a workshop code), and an
    exception's message may quote what a participant typed. Here: the handler, the exception's type and where
    it happened (file, line, function) only. Expected HTTP errors (4xx) are not logged at all.
    """
    status = getattr(value, "status_code", None)
    if isinstance(status, int):
        if status >= 500:
            logger.warning("%d in %s", status, handler)
        return
    # where it happened, without the source lines (a line may hold a literal) or any value
    frames = "".join(f"  {f.filename}:{f.lineno} in {f.name}\n" for f in traceback.extract_tb(tb))
    logger.error("uncaught %s in %s\n%s", getattr(typ, "__name__", "error"), handler, frames)


def cookie_for(key: str) -> str:
    """The facilitator cookie's value for ``key``: an HMAC, so the key itself never sits in a cookie."""
    return hmac.new(key.encode("utf-8"), b"aiskole-facilitator/1", hashlib.sha256).hexdigest()


def key_matches(given: str | None, key: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.strip().encode("utf-8"), key.encode("utf-8"))


def cookie_matches(given: str | None, key: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(
        given.encode("utf-8"), cookie_for(key).encode("utf-8")
    )


def is_facilitator(
    *, cookie: str | None, remote_ip: str | None, headers: Mapping[str, str], key: str, settings: Settings
) -> bool:
    """Whether a request is the facilitator's (see the module docstring)."""
    if cookie_matches(cookie, key):
        return True
    if not settings.trust_loopback or settings.behind_proxy:
        return False
    if any(h in headers for h in FORWARDING_HEADERS):
        return False
    return is_loopback(remote_ip)


def same_origin(headers: Mapping[str, str]) -> bool:
    """Whether a state-changing request comes from a page of this server (a guard against cross-site forms).

    Browsers send ``Sec-Fetch-Site`` on every request (older ones at least ``Origin`` on a cross-site POST); a
    client that sends neither is not a browser on someone else's page. ``Origin: null`` (a sandboxed frame, a
    ``data:`` page) is refused.
    """
    site = headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    if site == "same-origin":
        return True  # the browser says so (and a page cannot forge Sec- headers)
    origin = headers.get("Origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    return host_name(urlsplit(origin).netloc) == host_name(headers.get("Host")) and (
        urlsplit(origin).port or _default_port(urlsplit(origin).scheme)
    ) == (_port_of(headers.get("Host")) or _default_port(urlsplit(origin).scheme))


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _port_of(host_header: str | None) -> int | None:
    host = (host_header or "").strip()
    tail = host.rsplit("]", 1)[-1] if host.startswith("[") else host
    if tail.count(":") == 1:
        try:
            return int(tail.rsplit(":", 1)[1])
        except ValueError:
            return None
    return None


@dataclass
class GuessLimiter:
    """Slows down code guessing: after ``free`` failures within ``window`` seconds a client waits, twice as long
    after each further failure (capped at ``max_wait``). Success does not reset it (a guesser finds codes too).

    Per process and in memory: a limit, not data; bounded to ``max_clients`` addresses (oldest forgotten first).
    """

    free: int = 5
    window: float = 600.0
    max_wait: float = 300.0
    max_clients: int = 10_000
    clock: object = time.monotonic
    _failures: OrderedDict[str, list[float]] = field(default_factory=OrderedDict)

    def wait(self, client: str) -> float:
        """Seconds this client must wait before its next try (0: it may try now)."""
        now = self.clock()
        recent = [t for t in self._failures.get(client, ()) if now - t < self.window]
        if len(recent) < self.free:
            return 0.0
        delay = min(self.max_wait, 2.0 ** (len(recent) - self.free + 1))
        return max(0.0, recent[-1] + delay - now)

    def failed(self, client: str) -> None:
        now = self.clock()
        recent = [t for t in self._failures.pop(client, ()) if now - t < self.window]
        self._failures[client] = [*recent[-50:], now]
        while len(self._failures) > self.max_clients:
            self._failures.popitem(last=False)
