"""Shared fixtures: an isolated data folder, stores on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.pg import PostgresServer

# Everything the test session starts (papermill and nbval kernels, Voilà servers) inherits this, so no
# test ever writes into the user's real data folder.
# The folder goes when the session ends: test databases are not left in /tmp.
if "AISKOLE_TEST_KEEP_DATA_DIR" not in os.environ:
    os.environ["AISKOLE_DATA_DIR"] = tempfile.mkdtemp(prefix="aiskole-test-data-")
    os.environ.pop("AISKOLE_DATABASE_URL", None)
    atexit.register(shutil.rmtree, os.environ["AISKOLE_DATA_DIR"], ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent


#: Fixtures that start or use the throwaway PostgreSQL server: a test that asks for one is marked ``postgres``.
POSTGRES_FIXTURES = {"pg_server", "pg_url", "voila_postgres"}
BROWSER_DIR = ROOT / "tests" / "browser"


def needs_postgres(item) -> bool:
    if POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "postgresql" in callspec.params.values()


def pytest_collection_modifyitems(config, items):
    """Mark every test by what it needs, so ``-m "not browser and not postgres"`` runs the fast suite on a
    laptop without Chromium or PostgreSQL; then run the browser tests last: the session's Playwright browser
    keeps an event loop running in the main thread, which would break the tests that run their own asyncio
    loop or their own Playwright."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
        if needs_postgres(item):
            item.add_marker(pytest.mark.postgres)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_report_header(config):
    return [f"aiskole data dir for this run: {os.environ.get('AISKOLE_DATA_DIR')}"]


def pytest_terminal_summary(terminalreporter):
    from aiskole.datasets import overdue_claims

    overdue = overdue_claims()
    if overdue:
        terminalreporter.write_sep("-", "claims past their review-by date", yellow=True)
        for claim in overdue:
            terminalreporter.write_line(
                f"ADVARSEL: {claim.id} skulle være gennemgået senest {claim.review_by}"
            )


@dataclass(frozen=True)
class FakeRow:
    """A stored submission row as the store returns it, without a database (for aggregation tests)."""

    id: int
    exercise: str
    answers: Any
    result: Any
    created_at: dt.datetime
    participant: str | None = None
    workshop_code: str | None = None


def rows_of(exercise: str, answers: list, results: list | None = None, *, participants=None) -> list[FakeRow]:
    """Fake rows of one exercise, one a second apart, from stored ``answers`` (and ``results``) dicts."""
    start = dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC)
    results = results or [{}] * len(answers)
    participants = participants or [None] * len(answers)
    return [
        FakeRow(i, exercise, a, r, start + dt.timedelta(seconds=i), p)
        for i, (a, r, p) in enumerate(zip(answers, results, participants, strict=True), start=1)
    ]


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite3'}"


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for the whole session (initdb in a temp folder, loopback only)."""
    server = PostgresServer.start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server, request) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    return pg_server.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request) -> str:
    """Runs a test against SQLite and against the real PostgreSQL server."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(sqlite_url):
    from aiskole.store import Store

    s = Store(sqlite_url)
    s.migrate()
    yield s
    s.dispose()
