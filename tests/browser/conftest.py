"""Fixtures for the browser tests: a real Voilà server and Debian's Chromium (the harness is aiskole.testing)."""

from __future__ import annotations

from pathlib import Path

import pytest
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
    close_pages,
    screenshot,
    start_voila,
    stop_voila,
    wait_for_page,
    wait_until_ready,
    watched_page,
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
    contexts: list = []
    yield lambda viewport: watched_page(browser, viewport, contexts)
    close_pages(contexts)
