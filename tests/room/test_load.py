"""A town hall of phones: 400 join and answer at once through the participant endpoints, on SQLite and on
PostgreSQL. Everything is counted, nothing twice, and every phone is told its answer is saved.

Not a speed test (bench/ measures): the bounds below only stop a test that hangs.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa
from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from aiskole.store import Store, submissions
from aiskole.testing import start_voila, stop_voila

PHONES = 400
#: Of them, this many tap "Send svar" twice (the same form sent twice at once).
DOUBLE_TAPS = 100
#: Seconds the whole burst may take before the test gives up (a hang, not a measurement).
BOUND = 240


async def town_hall(base: str, code: str) -> list[dict]:
    client = AsyncHTTPClient(force_instance=True, max_clients=PHONES * 2)
    try:

        async def phone(n: int) -> dict:
            page = await client.fetch(f"{base}deltag/{code}", request_timeout=BOUND, raise_error=False)
            cookie = next(
                (
                    h.split(";", 1)[0]
                    for h in page.headers.get_list("Set-Cookie")
                    if h.startswith("aiskole_id=")
                ),
                "",
            )
            fields = {"svar": str(n % 5 + 1), "ord": f"ord{n}", "svar_id": str(uuid.uuid4())}
            post = HTTPRequest(
                f"{base}deltag/{code}/poll",
                method="POST",
                body=json.dumps(fields),
                headers={"Content-Type": "application/json", "Accept": "application/json", "Cookie": cookie},
                request_timeout=BOUND,
            )
            taps = 2 if n < DOUBLE_TAPS else 1
            answers = await asyncio.gather(*(client.fetch(post, raise_error=False) for _ in range(taps)))
            return {
                "n": n,
                "page": page.code,
                "browser": cookie.partition("=")[2],
                "answers": [(a.code, json.loads(a.body or b"{}")) for a in answers],
            }

        return await asyncio.wait_for(asyncio.gather(*(phone(n) for n in range(PHONES))), BOUND)
    finally:
        client.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_400_phones_answer_at_once_and_each_is_counted_once(tmp_path, request, backend):
    if backend == "sqlite":  # the room's shared server (a workshop of its own)
        server, own = request.getfixturevalue("participant_server"), False
    else:
        server, own = start_voila(tmp_path, request.getfixturevalue("pg_url")), True
    store = Store(server.database_url)
    try:
        workshop = store.create_workshop("Rådhusmødet")
        store.set_workshop_state(workshop.code, {"active": "poll", "revealed": False, "approved_words": []})
        started = time.perf_counter()
        phones = asyncio.run(town_hall(server.url, workshop.code))
        seconds = time.perf_counter() - started
        print(
            f"\n[{backend}] {PHONES} phones joined and answered in {seconds:.1f} s (informal, not asserted)"
        )
        assert process_alive(server)

        assert Counter(p["page"] for p in phones) == {200: PHONES}
        browsers = {p["browser"] for p in phones}
        assert len(browsers) == PHONES and "" not in browsers  # each phone its own anonymous id
        for p in phones:
            for status, body in p["answers"]:
                assert status == 200, (p["n"], status, body)
                assert body["ok"] and body["message"] == "Tak – dit svar er gemt."
                assert f"ord{p['n']}" in body["html"]  # the phone sees its own answer

        rows = store.list_submissions(workshop_code=workshop.code)
        assert len(rows) == PHONES  # a double tap is saved once
        assert len({r.participant for r in rows}) == PHONES
        c = submissions.c
        with store.engine.connect() as conn:
            counted = conn.execute(
                sa.select(sa.func.count()).where(c.workshop_code == workshop.code, c.superseded_at.is_(None))
            ).scalar_one()
        assert counted == PHONES
        by_browser = {r.participant: r for r in rows}
        for p in phones:
            row = by_browser[p["browser"]]
            assert row.answers["answer"] == p["n"] % 5 + 1 and row.answers["word"] == f"ord{p['n']}"
    finally:
        store.dispose()
        if own:
            stop_voila(server)


def process_alive(server) -> bool:
    return server.process.poll() is None
