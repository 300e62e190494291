"""The store's rules for a room on an open Wi-Fi: private files, one counted answer per participant, codes that
must name an open workshop or pilot, pilots of their own, display links, and retention for every row.

Each of these was a finding against the room before (issue 12); each test fails on that code.
"""

from __future__ import annotations

import datetime as dt
import stat
import threading

import pytest
import sqlalchemy as sa

from aiskole.exercises.poll import PollSubmission
from aiskole.store import Store, submissions

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def _vote(value: int = 3, word: str | None = None) -> PollSubmission:
    return PollSubmission(answer=value, label="Neutral", word=word)


def test_sqlite_files_are_private_to_their_owner(tmp_path):
    folder = tmp_path / "data"
    store = Store(f"sqlite:///{folder / 'aiskole.sqlite3'}")
    store.migrate()
    store.add_submission("poll", {"value": 3}, {})
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    made = sorted(p.name for p in folder.iterdir())
    assert "aiskole.sqlite3" in made
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    store.dispose()


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir(mode=0o755)
    db = folder / "aiskole.sqlite3"
    db.touch(mode=0o644)
    db.chmod(0o644)
    Store(f"sqlite:///{db}").dispose()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_one_counted_answer_per_participant_and_exercise(any_url):
    store = Store(any_url)
    store.migrate()
    room = store.create_workshop("Frokostdemo")
    first = store.save(_vote(2), workshop_code=room.code, participant="p1")
    second = store.save(_vote(5), workshop_code=room.code, participant="p1")
    store.save(_vote(4), workshop_code=room.code, participant="p2")
    rows = {r.id: r for r in store.list_submissions(workshop_code=room.code)}
    assert len(rows) == 3  # the older answer is kept (the poll's before/after reads it) ...
    with store.engine.connect() as conn:
        counted = conn.execute(
            sa.select(submissions.c.id)
            .where(submissions.c.superseded_at.is_(None))
            .order_by(submissions.c.id)
        ).scalars()
        assert first not in list(counted)  # ... but no longer counts
    # the database itself refuses a second counted answer, whoever writes it
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
        conn.execute(
            submissions.insert().values(
                workshop_code=room.code,
                exercise="poll",
                answers={"value": 1},
                result={},
                created_at=NOW,
                participant="p1",
            )
        )
    assert second in rows
    store.dispose()


def test_the_same_participant_saving_from_many_threads_counts_once(any_url):
    store = Store(any_url)
    store.migrate()
    room = store.create_workshop("Frokostdemo")
    errors: list[Exception] = []

    def save(value: int) -> None:
        try:
            store.save(_vote(1 + value % 5), workshop_code=room.code, participant="same-phone")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with store.engine.connect() as conn:
        live = conn.execute(
            sa.select(sa.func.count()).where(
                submissions.c.workshop_code == room.code, submissions.c.superseded_at.is_(None)
            )
        ).scalar()
    assert live == 1
    assert len(store.list_submissions(workshop_code=room.code)) == 12
    store.dispose()


def test_a_code_on_a_save_must_name_an_open_workshop_or_pilot(store):
    with pytest.raises(ValueError, match="ingen workshop eller pilot med koden QQQQQQ"):
        store.save(_vote(), workshop_code="QQQQQQ")
    room = store.create_workshop("Frokostdemo")
    store.close_workshop(room.code)
    with pytest.raises(ValueError, match="er lukket"):
        store.save(_vote(), workshop_code=room.code)
    expired = store.create_workshop("Gammel", retention_days=1, now=NOW - dt.timedelta(days=3))
    with pytest.raises(ValueError, match="er lukket"):
        store.save(_vote(), workshop_code=expired.code)
    assert store.list_submissions() == []
    pilot = store.create_pilot("Byggesag", code="tek-24")
    assert pilot.code == "TEK-24" and pilot.is_pilot
    assert store.save(_vote(), workshop_code="tek-24") > 0
    with pytest.raises(ValueError, match="allerede i brug"):
        store.create_pilot("Igen", code="TEK-24")


def test_display_links_are_secret_and_per_workshop(store):
    a = store.create_workshop("A")
    b = store.create_workshop("B")
    assert a.display_token and b.display_token and a.display_token != b.display_token
    assert len(a.display_token) >= 40
    assert store.workshop_for_display(a.display_token).code == a.code
    assert store.workshop_for_display(a.code) is None
    assert store.workshop_for_display("x' OR 1=1 --") is None


def test_retention_reaches_rows_without_a_workshop(any_url):
    store = Store(any_url)
    store.migrate()
    old = NOW - dt.timedelta(days=100)
    codeless_old = store.add_submission("poll", {"value": 3}, {}, created_at=old)
    orphan_old = store.add_submission("poll", {"value": 3}, {}, created_at=old, workshop_code="NOSUCH")
    codeless_new = store.add_submission("poll", {"value": 3}, {}, created_at=NOW)
    pilot = store.create_pilot("Pilot", now=old, retention_days=365)
    in_pilot = store.add_submission("dpia", {}, {}, created_at=old, workshop_code=pilot.code)
    store.purge_expired(now=NOW, retention_days=90)
    kept = {s.id for s in store.list_submissions()}
    assert codeless_old not in kept and orphan_old not in kept
    assert {codeless_new, in_pilot} <= kept
    store.dispose()


def test_migration_0004_makes_pilots_of_old_labels_and_counts_the_latest_answer(tmp_path, monkeypatch):
    monkeypatch.setenv("AISKOLE_RETENTION_DAYS", "30")
    store = Store(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    store.migrate("0003")
    rows = [
        ("PILOT-BS", "canvas", None, NOW - dt.timedelta(days=5)),
        ("PILOT-BS", "dpia", None, NOW - dt.timedelta(days=4)),
        ("K7FMQX", "poll", "p1", NOW - dt.timedelta(hours=2)),
        ("K7FMQX", "poll", "p1", NOW - dt.timedelta(hours=1)),
    ]
    with store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO workshops (code, title, created_at, expires_at, closed_at, state) "
                "VALUES ('K7FMQX', 'Demo', :c, :e, NULL, '{}')"
            ),
            {"c": NOW - dt.timedelta(days=1), "e": NOW + dt.timedelta(days=89)},
        )
        for code, exercise, participant, created in rows:
            conn.execute(
                sa.text(
                    "INSERT INTO submissions (workshop_code, exercise, answers, result, created_at, participant) "
                    "VALUES (:code, :exercise, '{}', '{}', :created, :participant)"
                ),
                {"code": code, "exercise": exercise, "created": created, "participant": participant},
            )
    store.migrate()
    pilot = store.get_workshop("PILOT-BS")
    assert pilot is not None and pilot.is_pilot and pilot.display_token
    assert pilot.created_at == NOW - dt.timedelta(days=5)
    assert pilot.expires_at == pilot.created_at + dt.timedelta(days=30)
    assert store.get_workshop("K7FMQX").kind == "workshop"
    with store.engine.connect() as conn:
        superseded = conn.execute(
            sa.select(submissions.c.created_at).where(submissions.c.superseded_at.is_not(None))
        ).scalars()
        assert [dt.datetime.fromisoformat(str(v)).replace(tzinfo=dt.UTC) for v in superseded] == [
            NOW - dt.timedelta(hours=2)
        ]
    store.dispose()


def test_open_workshops_are_bounded(store, monkeypatch):
    """Finding of issue 12: workshops could be created without limit (20 in 3 s)."""
    import aiskole.store

    monkeypatch.setattr(aiskole.store, "MAX_OPEN", 3)
    made = [store.create_workshop(f"W{i}") for i in range(3)]
    with pytest.raises(ValueError, match="allerede 3 åbne"):
        store.create_pilot("For mange")
    store.close_workshop(made[0].code)
    assert store.create_workshop("Nu er der plads").is_open
