"""The harness the tests and the benchmarks share: a real Voilà server (the code ``aiskole demo`` runs) and
Debian's Chromium through Playwright, with every request a page makes recorded.

Not used by the kit itself; it needs the ``test`` extra (Playwright). Chromium is never downloaded: the
system's ``/usr/bin/chromium`` (``AISKOLE_CHROMIUM``) is driven through ``executable_path``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from aiskole.reports.pdf import CHROMIUM_ARGS
from aiskole.settings import get_settings

__all__ = [
    "ARTIFACTS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "LAPTOP",
    "PHONE",
    "SHORT_XSS_PAYLOADS",
    "TEST_KEY",
    "XSS_PAYLOADS",
    "Nginx",
    "Phone",
    "VoilaServer",
    "Watched",
    "kill_voila",
    "screenshot",
    "start_nginx",
    "start_voila",
    "stop_nginx",
    "stop_voila",
    "wait_for_page",
    "wait_until_ready",
]

#: The Chromium the tests and benchmarks drive (the kit's PDF printer uses the same setting).
CHROMIUM = get_settings().chromium
#: Screenshots and other files for a human to look at.
ARTIFACTS = (
    Path(__file__).resolve().parents[1] / "artifacts"
    if (Path(__file__).resolve().parents[1] / "pyproject.toml").exists()
    else Path.cwd() / "artifacts"
)
PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 800}
#: Put these in every free-text field; :meth:`Watched.assert_no_xss` proves none of them ran.
XSS_PAYLOADS = (
    "<script>window.__xss = 1</script>",
    '<img src="x" onerror="window.__xss = 2">',
)
#: Payloads of one word and at most 30 characters, for fields that take no more (the poll's word): an element
#: with a handler, and a break out of an attribute value.
SHORT_XSS_PAYLOADS = (
    "<svg/onload=window.__xss=3>",
    '"><svg/onload=window.__xss=4>',
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: The facilitator key of the test servers (a real server makes a new one at every start).
TEST_KEY = "test-oplaegsholder-noegle"


@dataclass
class VoilaServer:
    url: str
    database_url: str
    log: Path
    process: subprocess.Popen = field(repr=False)
    key: str = TEST_KEY

    @property
    def port(self) -> int:
        return int(urlparse(self.url).port)

    def login_url(self) -> str:
        """Opening this makes the browser the facilitator's (the link ``aiskole demo`` prints)."""
        return f"{self.url}oplaegsholder?noegle={self.key}"

    def kernels(self) -> list[int]:
        """The process ids of the kernels this server runs now (its child processes, on Linux)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        found = []
        for pid in children.split():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"ipykernel" in cmdline:
                found.append(int(pid))
        return found


def start_voila(
    tmp: Path,
    database_url: str,
    *,
    port: int | None = None,
    cell_timeout: int = 60,
    max_kernels: int | None = None,
    env: dict[str, str] | None = None,
    cull_idle_timeout: int = 120,
    ip: str = "127.0.0.1",
    timeout: float = 90,
) -> VoilaServer:
    """Start ``python -m aiskole.server`` (what ``aiskole demo`` runs) and wait until it answers.

    ``env`` adds settings, e.g. ``{"AISKOLE_TRUST_LOOPBACK": "0"}`` to play a participant on another machine.
    """
    port = port or _free_port()
    log = tmp / f"voila-{port}.log"
    env = {
        **os.environ,
        "AISKOLE_DATA_DIR": str(tmp / "data"),
        "AISKOLE_DATABASE_URL": database_url,
        "AISKOLE_FACILITATOR_KEY": TEST_KEY,
        **(env or {}),
    }
    args = ["--port", str(port), "--ip", ip, "--cull-idle-timeout", str(cull_idle_timeout)]
    args += ["--cell-timeout", str(cell_timeout)]
    if max_kernels:
        args += ["--max-kernels", str(max_kernels)]
    process = subprocess.Popen(
        [sys.executable, "-m", "aiskole.server", *args],
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_page(url, process, log, timeout=timeout)
    except BaseException:
        _kill_group(process)
        raise
    return VoilaServer(url=url, database_url=database_url, log=log, process=process)


def wait_for_page(
    url: str, process: subprocess.Popen, log: Path, *, timeout: float, name: str = "Voilà"
) -> None:
    """Wait until ``url`` answers 200; raise with the end of ``log`` if ``process`` exits or time runs out."""
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            raise RuntimeError(f"{name} did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.25)


def wait_until_ready(server: VoilaServer, timeout: float = 120) -> float:
    """Wait for the server's "room is ready" signal (it listens); returns the seconds waited."""
    start = time.time()
    while "AISKOLE READY" not in server.log.read_text():
        if server.process.poll() is not None or time.time() - start > timeout:
            raise RuntimeError(f"the room never got ready:\n{server.log.read_text()}")
        time.sleep(0.25)
    return time.time() - start


def stop_voila(server: VoilaServer) -> None:
    """Stop the server (SIGTERM; SIGKILL to its whole process group, kernels too, if it does not stop)."""
    if server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        _kill_group(server.process)


def kill_voila(server: VoilaServer) -> None:
    """SIGKILL the server and every kernel it started (its process group): a laptop's server dying mid-room."""
    _kill_group(server.process)


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # the server runs in a session of its own (start_new_session)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)


def watched_page(
    browser, viewport: dict, contexts: list, *, script: bool = True, timeout: int = 60_000, **options
) -> Watched:
    """A new page in a context of its own, as a phone (below 600 px: touch, mobile, 2x) or a laptop, in
    Danish, recording every request, websocket, console error and dialog (dialogs are dismissed). The
    context is appended to ``contexts``: the caller closes them (:func:`close_pages`)."""
    phone = viewport["width"] < 600
    context = browser.new_context(
        viewport=viewport,
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
        locale="da-DK",
        java_script_enabled=script,
        **options,
    )
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(timeout)
    watched = Watched(page)
    page.on("request", lambda r: watched.requests.append(r.url))
    page.on("websocket", lambda ws: watched.requests.append(ws.url))
    page.on("console", lambda m: m.type == "error" and watched.console_errors.append(m.text))
    page.on("dialog", lambda d: (watched.dialogs.append(d.message), d.dismiss()))
    return watched


def close_pages(contexts: list) -> None:
    """Close every page as a browser closes a tab (a Voilà page then shuts its kernel down), then the
    contexts."""
    for context in contexts:
        for page in context.pages:
            # Only Voilà's pages: JupyterLab's beforeunload asks about unsaved work, a dialog nobody answers.
            with contextlib.suppress(PlaywrightError):  # closed by the test already
                page.close(run_before_unload="/voila/render/" in page.url)
        with contextlib.suppress(PlaywrightError):
            context.close()
    contexts.clear()


@dataclass
class Watched:
    """A page with every request, websocket and console error it produced."""

    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open_app(self, server: VoilaServer, notebook: str) -> float:
        """Open a Voilà app and wait for its first widget; returns seconds from URL to first widget."""
        start = time.perf_counter()
        self.page.goto(server.url + "voila/render/" + notebook, wait_until="commit")
        expect(self.page.locator(".aiskole").first).to_be_visible()
        return time.perf_counter() - start

    def assert_clean(self) -> None:
        """No request left 127.0.0.1, no widget failed to load, no traceback is shown."""
        assert self.external_requests() == []
        assert not [e for e in self.console_errors if "Failed to load model class" in e]
        assert "Traceback" not in self.page.content()

    def assert_no_xss(self) -> None:
        """None of :data:`XSS_PAYLOADS` executed (no marker, no dialog)."""
        assert self.page.evaluate("window.__xss === undefined"), "a payload executed"
        assert self.dialogs == []

    def external_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).hostname not in ("127.0.0.1", "localhost", None)
            and not u.startswith(("data:", "blob:", "about:"))
        ]


def screenshot(page, name: str) -> Path:
    """Save the current screen, and the whole page as ``<name>-all.png``.

    Voilà scrolls an inner box, so Playwright's ``full_page`` sees only one screen: the whole page is taken by
    stretching the viewport to the content's height for a moment.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    viewport = page.viewport_size
    tall = page.evaluate(
        "Math.max(document.documentElement.scrollHeight,"
        " ...Array.from(document.querySelectorAll('.aiskole'), e => e.scrollHeight + 200))"
    )
    if viewport and tall > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": min(int(tall), 16000)})
        page.screenshot(path=str(ARTIFACTS / f"{name}-all.png"))
        page.set_viewport_size(viewport)
    return path


# -- a phone without a browser: the participant endpoints over plain HTTP ---------------------------------------


class Phone:
    """One participant's phone at the protocol level: its cookies and the room's endpoints, over plain HTTP.

    ``Phone(server.url).join(code)`` opens the participant page (the server gives the phone its anonymous id);
    ``answer(code, exercise, fields)`` sends an answer as the room's script does. ``source`` is the address the
    phone connects from (``127.0.0.2``, ... are other "machines" on Linux, each with its own limits). Paths are
    sent exactly as written (like ``curl --path-as-is``). For tests and benchmarks, to 127.0.0.1 only.
    """

    def __init__(
        self,
        base_url: str,
        *,
        source: str | None = None,
        timeout: float = 60,
        context: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlparse(base_url)
        self.scheme, self.host, self.port = parts.scheme, parts.hostname or "127.0.0.1", parts.port
        self.base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self.source = source
        self.timeout = timeout
        self.context = context
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    @property
    def browser_id(self) -> str | None:
        return self.cookies.get("aiskole_id")

    def connection(self) -> http.client.HTTPConnection:
        source = (self.source, 0) if self.source else None
        if self.scheme == "https":
            return http.client.HTTPSConnection(
                self.host, self.port, timeout=self.timeout, source_address=source, context=self.context
            )
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout, source_address=source)

    def request(
        self,
        path: str,
        *,
        method: str | None = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """``(status, headers, body)`` of one request; ``path`` is relative to the server's base (or absolute),
        sent as is. ``data`` is sent as a form unless ``headers`` say otherwise."""
        sent = dict(headers or {})
        if data is not None and "Content-Type" not in sent:
            sent["Content-Type"] = "application/x-www-form-urlencoded"  # as a form (and curl -d) sends it
        if self.cookies and "Cookie" not in sent:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        target = path if path.startswith("/") else self.base_path + path
        connection = self.connection()
        try:
            connection.request(
                method or ("POST" if data is not None else "GET"), target, body=data, headers=sent
            )
            response = connection.getresponse()
            body = response.read()
            for header in response.headers.get_all("Set-Cookie") or ():
                self.set_cookie_headers.append(header)
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0].strip().strip('"')
                if value and "max-age=0" not in header.lower():
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
            return response.status, {k.lower(): v for k, v in response.headers.items()}, body
        finally:
            connection.close()

    def join(self, code: str) -> tuple[int, str]:
        status, _, body = self.request(f"deltag/{code}")
        return status, body.decode("utf-8", "replace")

    def main_part(self, code: str) -> tuple[int, dict]:
        status, _, body = self.request(f"deltag/{code}?del=main", headers={"Accept": "application/json"})
        return status, json.loads(body or b"{}")

    def answer(self, code: str, exercise: str, fields: dict) -> tuple[int, dict]:
        data = json.dumps(fields).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        status, _, body = self.request(f"deltag/{code}/{exercise}", data=data, headers=headers)
        return status, json.loads(body or b"{}")

    def events(self, path: str, *, count: int, timeout: float = 10) -> list[tuple[str, dict]]:
        """The first ``count`` server-sent events of ``path`` (fewer if ``timeout`` seconds pass first)."""
        sent = {"Accept": "text/event-stream"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = self.connection()
        connection.timeout = timeout
        found: list[tuple[str, dict]] = []
        deadline = time.monotonic() + timeout
        try:
            connection.request("GET", path if path.startswith("/") else self.base_path + path, headers=sent)
            response = connection.getresponse()
            if response.status != 200:
                return found
            event = None
            while len(found) < count and time.monotonic() < deadline:
                line = response.fp.readline().decode("utf-8")
                if not line:
                    break
                if line.startswith("event: "):
                    event = line[7:].strip()
                elif line.startswith("data: ") and event:
                    found.append((event, json.loads(line[6:])))
                    event = None
        except (TimeoutError, OSError):
            pass
        finally:
            connection.close()
        return found


# -- nginx in front: deploy/nginx/aiskole.conf for real ----------------------------------------------------------

#: The nginx configuration the kit ships, and the backend addresses written in it.
NGINX_CONF = Path(__file__).resolve().parents[1] / "deploy" / "nginx" / "aiskole.conf"
NGINX_BACKENDS = ("127.0.0.1:8866", "127.0.0.1:8867")


@dataclass
class Nginx:
    https: str
    http: str
    ssl: ssl.SSLContext = field(repr=False)
    dir: Path
    process: subprocess.Popen = field(repr=False)


def nginx_site(backends: list[int], *, http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """``deploy/nginx/aiskole.conf`` with its ports and paths replaced (``backends``: one or two ports; with one,
    both upstream entries name it)."""
    site = NGINX_CONF.read_text(encoding="utf-8")
    ports = [*backends, backends[-1]][: len(NGINX_BACKENDS)]
    for written, port in zip(NGINX_BACKENDS, ports, strict=True):
        assert f"server {written}" in site, written
        site = site.replace(f"server {written}", f"server 127.0.0.1:{port}")
    for old, new in [
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("/etc/aiskole/tls/cert.pem", str(cert)),
        ("/etc/aiskole/tls/key.pem", str(key)),
    ]:
        assert old in site, old
        site = site.replace(old, new)
    return site


def start_nginx(tmp: Path, backends: list[int], *, nginx: str | None = None, timeout: float = 20) -> Nginx:
    """Run the shipped nginx configuration on free loopback ports in front of ``backends`` (a self-signed
    certificate; nothing is written outside ``tmp``)."""
    program = nginx or shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(program).exists():
        raise RuntimeError("nginx is missing: run `make test-deps`")
    tmp.mkdir(parents=True, exist_ok=True)
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    http_port, https_port = _free_port(), _free_port()
    site = nginx_site(backends, http_port=http_port, https_port=https_port, cert=cert, key=key)
    (tmp / "site.conf").write_text(site)
    for d in ("body", "proxy"):
        (tmp / d).mkdir(exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(
        f"{user}\ndaemon off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
        f"http {{\n client_body_temp_path {tmp}/body;\n proxy_temp_path {tmp}/proxy;\n"
        f" include {tmp}/site.conf;\n}}\n"
    )
    check = subprocess.run(
        [program, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], capture_output=True, text=True
    )
    if check.returncode != 0:
        raise RuntimeError(f"nginx refuses the configuration:\n{check.stderr}")
    process = subprocess.Popen(
        [program, "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"https://127.0.0.1:{https_port}/"
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    deadline = time.time() + timeout
    while True:
        try:
            urllib.request.urlopen(base, context=context, timeout=5).close()
            break
        except urllib.error.HTTPError:
            break  # nginx answers (the backend's status does not matter here)
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                raise RuntimeError(
                    f"nginx did not start:\n{(tmp / 'error.log').read_text()[-2000:]}"
                ) from None
            time.sleep(0.2)
    return Nginx(https=base, http=f"http://127.0.0.1:{http_port}/", ssl=context, dir=tmp, process=process)


def stop_nginx(server: Nginx) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
