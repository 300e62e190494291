"""Fixtures for the browser tests: a real Voilà server and Debian's Chromium (the harness is aiskole.testing)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from aiskole.testing import (  # noqa: F401 - the browser tests import these from here
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    LAPTOP,
    PHONE,
    XSS_PAYLOADS,
    VoilaServer,
    Watched,
    screenshot,
    start_voila,
    stop_voila,
    wait_for_page,
    wait_until_ready,
)

# Widgets appear only after the kernel has run the notebook and the page has loaded its JavaScript: on a busy
# 2-core machine that can take well over Playwright's default 5 s.
expect.set_options(timeout=60_000)


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
        for page in context.pages:  # as a tab is closed: Voilà's page shuts its kernel down
            with contextlib.suppress(PlaywrightError):  # closed by the test already
                page.close(run_before_unload=True)
        context.close()
