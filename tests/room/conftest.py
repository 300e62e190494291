"""Fixtures for the room's tests over HTTP: a real server (``python -m aiskole.server``) played as participants
on other machines (``AISKOLE_TRUST_LOOPBACK=0``; phones connect from 127.0.0.x addresses of their own)."""

from __future__ import annotations

import itertools

import pytest

from aiskole.store import Store
from aiskole.testing import Phone, VoilaServer, start_voila, stop_voila

_addresses = itertools.count(10)


def new_address() -> str:
    """Another loopback address (127.0.1.x): another "machine", with limits of its own."""
    n = next(_addresses)
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


def phone(server: VoilaServer, **kwargs) -> Phone:
    """A participant's phone on a machine of its own."""
    return Phone(server.url, source=kwargs.pop("source", None) or new_address(), **kwargs)


def seed(server: VoilaServer, title: str = "Frokostdemo", *, active="poll", revealed=False, approved=()):
    """A workshop in the server's database with ``active`` in play."""
    store = Store(server.database_url)
    try:
        workshop = store.create_workshop(title)
        store.set_workshop_state(
            workshop.code, {"active": active, "revealed": revealed, "approved_words": list(approved)}
        )
        return store.get_workshop(workshop.code)
    finally:
        store.dispose()


@pytest.fixture(scope="session")
def participant_server(tmp_path_factory):
    """A server that takes every client, 127.0.0.1 included, for a participant on another machine (shared by
    the modules here: each test makes workshops of its own)."""
    tmp = tmp_path_factory.mktemp("room")
    server = start_voila(
        tmp,
        f"sqlite:///{tmp / 'data' / 'aiskole.sqlite3'}",
        env={"AISKOLE_TRUST_LOOPBACK": "0"},
        max_kernels=3,
    )
    yield server
    stop_voila(server)


@pytest.fixture
def store_of(request):
    """``store_of(server)``: a store on that server's database, closed after the test."""
    opened = []

    def _open(server: VoilaServer) -> Store:
        store = Store(server.database_url)
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.dispose()
