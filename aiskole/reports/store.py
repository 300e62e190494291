"""The store a report reads from, opened the way a report kernel needs it."""

from __future__ import annotations

import atexit
import dataclasses
import functools
import gc

from aiskole.errors import ReportError, StoreError
from aiskole.settings import get_settings
from aiskole.store import Store, open_store


@functools.cache
def exit_quickly() -> None:
    """Let this process end without the garbage collector's last passes over every object it holds.

    A report kernel lives for one report, and jupyter_client looks every 0.1 s whether it has ended. At
    exit, Python's collections over what SQLAlchemy and a report create took ~70 ms (~10 ms frozen), one
    0.1 s step more for every report. Nothing in the kit needs the collector at exit: stores commit each
    transaction and reports only read. Registered once per process, whatever the number of calls.
    """
    atexit.register(gc.freeze)  # atexit runs before the final collections


def report_store(database_url: str | None = None) -> Store:
    """The settings' store, or the one at ``database_url``; migrated only when it needs it, and with the
    retention period applied first, so a report never shows data that should already be erased.

    Every report template opens its store here, so this also lets the report's kernel end quickly.

    Raises
    ------
    ReportError
        The store cannot be reached or migrated (Danish message).
    """
    exit_quickly()
    settings = get_settings()
    if database_url:
        settings = dataclasses.replace(settings, database_url=database_url)
    try:
        store = open_store(settings)
        store.purge_expired(retention_days=settings.retention_days)
    except StoreError as exc:
        raise ReportError(str(exc)) from exc
    return store
