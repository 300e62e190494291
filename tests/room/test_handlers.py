"""The room's handlers in this process, without Voilà: what a phone gets when the database is away, and the
headers every page carries."""

from __future__ import annotations

import asyncio
import threading

import pytest
import tornado.httpserver
import tornado.testing
import tornado.web

from aiskole import resources
from aiskole.room.context import RoomContext
from aiskole.room.handlers import not_found_handler, room_handlers
from aiskole.settings import Settings
from aiskole.store import Store
from aiskole.testing import Phone


def serve(room: RoomContext):
    """Run the room's handlers on a free loopback port in a thread; returns the base URL and a stop function."""
    sock, port = tornado.testing.bind_unused_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder = {}

    def run():
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([*room_handlers(room), not_found_handler(room)])
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets([sock])
        holder["server"] = server
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)

    def stop():
        loop.call_soon_threadsafe(holder["server"].stop)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    return f"http://127.0.0.1:{port}/", stop


def room_over(tmp_path, url: str, **settings) -> RoomContext:
    config = Settings(
        data_dir=tmp_path,
        database_url=url,
        datasets_dir=resources.datasets_dir(),
        trust_loopback=False,
        **settings,
    )
    return RoomContext(settings=config, store=Store(url), key="noegle")


@pytest.fixture
def away(tmp_path):
    """A room whose database cannot be reached (nothing listens on port 9)."""
    room = room_over(tmp_path, "postgresql+psycopg://aiskole@127.0.0.1:9/aiskole?connect_timeout=2")
    base, stop = serve(room)
    yield base
    stop()
    room.executor.shutdown(wait=False)


def test_when_the_database_is_away_a_phone_is_told_so_in_danish(away):
    phone = Phone(away)
    for path in ("deltag/ACDEFG", "deltag/ACDEFG?del=main", "deltag/ACDEFG/live"):
        status, headers, body = phone.request(path)
        assert status == 503, path
        assert headers.get("retry-after") == "5"
        assert "Databasen kan ikke nås lige nu" in body.decode()
    status, body = phone.answer("ACDEFG", "poll", {"svar": "3"})
    assert status == 503 and "Dine svar er ikke tabt" in body["message"]
    status, _, body = phone.request("deltag", data=b"kode=ACDEFG")
    assert status == 503
    assert phone.request("deltag/ACDEFG")[0] == 503  # not counted as guesses: the database, not the code


def test_every_room_page_carries_the_security_headers(tmp_path):
    room = room_over(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    room.store.migrate()
    base, stop = serve(room)
    try:
        for path in ("", "deltag", "oplaegsholder", "deltag/ACDEFG", "nowhere"):
            status, headers, body = Phone(base).request(path)
            policy = headers["content-security-policy"]
            assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
            assert "script-src 'sha256-" in policy and "unsafe-inline" not in policy.split("style-src")[0]
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"
            assert headers["referrer-policy"] == "same-origin"
            assert headers["cache-control"] == "no-store"
            assert "server" not in headers
            assert '<html lang="da">' in body.decode(), path
        assert Phone(base).request("nowhere")[0] == 404
        assert Phone(base).request("deltag", method="PUT", data=b"")[0] == 405
    finally:
        stop()
        room.store.dispose()
