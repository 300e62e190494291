"""A real Voilà server (the same code `aiskole demo` runs) and Debian's Chromium through Playwright."""

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

import pytest
from playwright.sync_api import expect

from aiskole.reports.pdf import CHROMIUM_ARGS  # one definition for the kit, its tests and benchmarks
from aiskole.settings import get_settings

# Widgets appear only after the kernel has run the notebook and the page has loaded its JavaScript: on a busy
# 2-core machine that can take well over Playwright's default 5 s.
expect.set_options(timeout=60_000)

#: The Chromium the kit prints PDFs with (``AISKOLE_CHROMIUM``, default Debian's).
CHROMIUM = get_settings().chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PHONE = {"width": 375, "height": 812}
#: Put these in every free-text field; :meth:`Watched.assert_no_xss` proves none of them ran.
XSS_PAYLOADS = (
    "<script>window.__xss = 1</script>",
    '<img src="x" onerror="window.__xss = 2">',
)
LAPTOP = {"width": 1280, "height": 800}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class VoilaServer:
    url: str
    database_url: str
    log: Path
    process: subprocess.Popen = field(repr=False)


def start_voila(
    tmp: Path, database_url: str, *, participants: int = 0, port: int | None = None, cell_timeout: int = 60
) -> VoilaServer:
    port = port or _free_port()
    log = tmp / f"voila-{port}.log"
    env = {**os.environ, "AISKOLE_DATA_DIR": str(tmp / "data"), "AISKOLE_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiskole.server",
            "--port",
            str(port),
            "--pool-size",
            "1",
            "--cull-idle-timeout",
            "120",
            "--participants",
            str(participants),
            "--cell-timeout",
            str(cell_timeout),
        ],
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
    """Wait for the server's "room is ready" signal (all join kernels preheated); returns the seconds waited."""
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


@pytest.fixture(scope="session")
def voila_sqlite(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("voila-sqlite")
    server = start_voila(tmp, f"sqlite:///{tmp / 'data' / 'aiskole.sqlite3'}")
    yield server
    stop_voila(server)


@pytest.fixture(scope="session")
def voila_postgres(tmp_path_factory, pg_server):
    tmp = tmp_path_factory.mktemp("voila-pg")
    server = start_voila(tmp, pg_server.create_database())
    yield server
    stop_voila(server)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-deps` (installs Debian's chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watched:
    """A page with every request, websocket and console error it produced."""

    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open_app(self, server: VoilaServer, notebook: str) -> float:
        """Open a Voilà app and wait for its first widget; returns seconds from URL to first widget."""
        from playwright.sync_api import expect

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


@pytest.fixture
def open_page(browser):
    contexts = []

    def _open(viewport: dict) -> Watched:
        phone = viewport["width"] < 600
        context = browser.new_context(
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
            locale="da-DK",
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        watched = Watched(page)
        page.on("request", lambda r: watched.requests.append(r.url))
        page.on("websocket", lambda ws: watched.requests.append(ws.url))
        page.on("console", lambda m: m.type == "error" and watched.console_errors.append(m.text))

        def on_dialog(dialog):
            watched.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return watched

    yield _open
    for context in contexts:
        context.close()


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
