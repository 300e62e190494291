"""40 participants answer at the same moment: nothing lost, nothing duplicated, presenter totals match."""

from __future__ import annotations

import multiprocessing as mp
import uuid
from collections import Counter

import pytest

from aiskole.exercises.base import latest_per_participant
from aiskole.store import BoundStore, Store

PARTICIPANTS = 40
ANSWERS_EACH = 10


def _participant(url: str, code: str, index: int, barrier, results) -> None:
    """One participant's kernel: its own store connection, ten answers as fast as it can."""
    store = Store(url)
    bound = BoundStore(store, workshop_code=code, participant=f"deltager-{index}")
    barrier.wait(timeout=120)  # everybody presses "Send" at the same moment
    confirmed = []
    for n in range(ANSWERS_EACH):
        value = (index + n) % 5 + 1
        sid = bound.add_submission(
            "poll", {"value": value, "word": ""}, {"value": value}, client_key=str(uuid.uuid4())
        )
        confirmed.append((sid, value))
    results.put((index, confirmed))
    store.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_40_participants_10_answers_each_at_once(backend, request):
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    store = Store(url)
    store.migrate()
    workshop = store.create_workshop("Belastningstest")
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(PARTICIPANTS)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_participant, args=(url, workshop.code, i, barrier, results))
        for i in range(PARTICIPANTS)
    ]
    for w in workers:
        w.start()
    confirmed = dict(results.get(timeout=300) for _ in workers)
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0

    rows = store.list_submissions(exercise="poll", workshop_code=workshop.code)
    assert len(rows) == PARTICIPANTS * ANSWERS_EACH == 400
    ids = [sid for answers in confirmed.values() for sid, _ in answers]
    assert len(set(ids)) == 400 and {r.id for r in rows} == set(ids)  # all stored, none duplicated
    # what every participant was told was saved is exactly what is in the store
    by_id = {r.id: r for r in rows}
    for index, answers in confirmed.items():
        for sid, value in answers:
            assert by_id[sid].answers["value"] == value and by_id[sid].participant == f"deltager-{index}"
    # the presenter's totals (latest answer per participant) equal the store's, counted independently
    latest = latest_per_participant(rows)
    assert len(latest) == PARTICIPANTS
    expected = Counter(answers[-1][1] for answers in confirmed.values())
    assert Counter(r.answers["value"] for r in latest) == expected
    store.dispose()
