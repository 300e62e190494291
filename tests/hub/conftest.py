"""Fixtures for the tests of the kit on Jupyter servers: a real JupyterHub, and Chromium from tests/browser."""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser, open_page  # noqa: F401 - the same recorded Chromium pages
from tests.hub.hubserver import start_hub


@pytest.fixture(scope="module")
def hub(tmp_path_factory, pg_server):
    """JupyterHub with two-users-worth of settings from deploy/jupyterhub/values.yaml, on one shared PostgreSQL
    database (``hub.database_url``)."""
    database_url = pg_server.create_database()
    server = start_hub(tmp_path_factory.mktemp("hub"), database_url)
    server.database_url = database_url
    yield server
    server.stop()
