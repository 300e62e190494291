"""The harness the tests and the benchmarks share: a real Voilà server (the code ``aiskole demo`` runs) and
Debian's Chromium through Playwright, with every request a page makes recorded.

Not used by the kit itself; it needs the ``test`` extra (Playwright). Chromium is never downloaded: the
system's ``/usr/bin/chromium`` (``AISKOLE_CHROMIUM``) is driven through ``executable_path``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import expect

from aiskole.reports.pdf import CHROMIUM_ARGS
from aiskole.settings import get_settings

__all__ = [
    "ARTIFACTS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "LAPTOP",
    "PHONE",
    "TEST_KEY",
    "XSS_PAYLOADS",
    "VoilaServer",
    "Watched",
    "screenshot",
    "start_voila",
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
    wait_for_page(url, process, log, timeout=60)
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
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


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
