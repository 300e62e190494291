"""The store: SQLite in WAL mode by default, any SQLAlchemy URL (PostgreSQL tested for real)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor

import pytest
import sqlalchemy as sa

from aiskole.settings import Settings
from aiskole.store import Store, StoreError, normalise_workshop_code, open_store


def test_default_store_is_sqlite_in_the_data_dir_in_wal_mode(tmp_path):
    """Does the default settings' store live in AISKOLE_DATA_DIR, and is the SQLite file in WAL mode?"""
    settings = Settings.from_env({"AISKOLE_DATA_DIR": str(tmp_path / "data")})
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'aiskole.sqlite3'}"
    store = open_store(settings)
    store.add_submission("dpia", {"1": True}, {"verdict": "grey"})
    db = tmp_path / "data" / "aiskole.sqlite3"
    assert db.exists()
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_open_store_migrates_a_new_database_and_skips_alembic_for_a_current_one(tmp_path):
    """A room's 40 kernels all open the store: only a database that needs it pays for importing alembic."""
    import subprocess
    import sys

    probe = (
        "import sys; from aiskole.store import open_store; s = open_store(); "
        "s.add_submission('dpia', {'1': True}, {'verdict': 'grey'}); print('alembic' in sys.modules)"
    )
    env = {**os.environ, "AISKOLE_DATA_DIR": str(tmp_path / "data")}
    env.pop("AISKOLE_DATABASE_URL", None)
    runs = [
        subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert [r.stdout.strip() for r in runs] == ["True", "False"]  # migrated once, then skipped
    store = Store(f"sqlite:///{tmp_path / 'data' / 'aiskole.sqlite3'}")
    assert store.schema_is_current()
    assert len(store.list_submissions(exercise="dpia")) == 2


def test_database_url_setting_wins(tmp_path):
    settings = Settings.from_env(
        {"AISKOLE_DATA_DIR": str(tmp_path), "AISKOLE_DATABASE_URL": "sqlite:///x.db"}
    )
    assert settings.database_url == "sqlite:///x.db"


def test_round_trip(any_url):
    """Is a submission stored with workshop code, exercise, answers, result and time, and no name?"""
    store = Store(any_url)
    store.migrate()
    before = dt.datetime.now(dt.UTC)
    sid = store.add_submission("dpia", {"1": True, "2": False}, {"verdict": "grey"}, workshop_code=" tek-24 ")
    got = store.get_submission(sid)
    assert got.id == sid
    assert got.workshop_code == "TEK-24"
    assert got.exercise == "dpia"
    assert got.answers == {"1": True, "2": False}
    assert got.result == {"verdict": "grey"}
    assert got.created_at.tzinfo is not None
    assert (
        before - dt.timedelta(seconds=5)
        <= got.created_at
        <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    )
    columns = {c["name"] for c in sa.inspect(store.engine).get_columns("submissions")}
    assert columns == {
        "id",
        "workshop_code",
        "exercise",
        "answers",
        "result",
        "created_at",
        "participant",
        "client_key",
        "superseded_at",
    }  # and no name
    assert store.get_submission(sid + 1000) is None
    assert [s.id for s in store.list_submissions(exercise="dpia", workshop_code="tek-24")] == [sid]
    store.dispose()


def test_migrations_are_idempotent_and_versioned(any_url):
    """Does a second migrate() change nothing, and does alembic record the head revision?"""
    store = Store(any_url)
    store.migrate()
    store.add_submission("dpia", {}, {})
    store.migrate()
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0004"
    assert len(store.list_submissions()) == 1
    store.dispose()


def _migrate_and_insert(url: str) -> int:
    store = Store(url)
    store.migrate()
    return store.add_submission("dpia", {"1": True}, {"verdict": "grey"})


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_many_processes_migrating_at_once(backend, request):
    """Can eight fresh processes (like preheated kernels) migrate and write the same new store at once?"""
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    with ProcessPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(_migrate_and_insert, [url] * 8))
    assert sorted(ids) == list(range(1, 9))
    store = Store(url)
    assert len(store.list_submissions()) == 8
    store.dispose()


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("ab", "du har skrevet 2 tegn"),
        ("x" * 17, "du har skrevet 17 tegn"),
        ("TEK 24", "« » er ikke tilladt"),
        ("<script>", "«<» er ikke tilladt"),
        ("æøå", "«Æ» er ikke tilladt"),
    ],
)
def test_bad_workshop_code(store, code, says):
    """The rule, and what is wrong with this code (so two wrong codes in a row get different messages)."""
    with pytest.raises(ValueError, match="Workshopkoden skal være 3-16 tegn") as caught:
        store.add_submission("dpia", {}, {}, workshop_code=code)
    assert says in str(caught.value)


def test_blank_workshop_code_means_none():
    assert normalise_workshop_code("  ") is None
    assert normalise_workshop_code(None) is None


def test_unknown_exercise(store):
    with pytest.raises(ValueError, match="Ukendt øvelse"):
        store.add_submission("tarot", {}, {})


def test_unreachable_store_gives_a_danish_error():
    """Does a database that cannot be reached raise StoreError with a Danish message, not a driver error?"""
    store = Store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreError, match="Databasen kan ikke nås"):
        store.migrate()
    with pytest.raises(StoreError, match="Dine svar er ikke tabt"):
        store.add_submission("dpia", {}, {})


def test_update_and_delete(any_url):
    """Can a submission be updated (e.g. consent given) and erased for good?"""
    store = Store(any_url)
    store.migrate()
    sid = store.add_submission("story", {"quote": "x"}, {"consent": False})
    assert store.update_submission(sid, result={"consent": True})
    assert store.get_submission(sid).result == {"consent": True}
    assert store.get_submission(sid).answers == {"quote": "x"}
    assert store.delete_submission(sid)
    assert store.get_submission(sid) is None
    assert not store.delete_submission(sid)
    assert not store.update_submission(sid, result={})
    store.dispose()


def test_client_key_makes_saving_idempotent(any_url):
    """Does a retried save with the same key return the first id instead of storing a duplicate?"""
    store = Store(any_url)
    store.migrate()
    first = store.add_submission("poll", {"value": 4}, {}, client_key="k-1", participant="p-1")
    again = store.add_submission("poll", {"value": 4}, {}, client_key="k-1", participant="p-1")
    assert first == again
    assert len(store.list_submissions()) == 1
    assert store.get_submission(first).participant == "p-1"
    store.dispose()


def test_workshops_create_state_close_export_delete_and_purge(any_url):
    from aiskole.store import BoundStore

    store = Store(any_url)
    store.migrate()
    now = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
    ws = store.create_workshop(
        "Frokostdemo, Teknik og Miljø", retention_days=30, now=now, department=" Teknik "
    )
    assert len(ws.code) == 6 and ws.is_open
    assert store.get_workshop(ws.code).department == "Teknik"
    assert ws.expires_at == now + dt.timedelta(days=30)
    assert store.set_workshop_state(ws.code, {"active": "poll", "revealed": False, "approved_words": []})
    assert store.get_workshop(ws.code).state["active"] == "poll"
    bound = BoundStore(store, workshop_code=ws.code, participant="tok")
    sid = bound.add_submission("poll", {"value": 3}, {})
    row = store.get_submission(sid)
    assert (row.workshop_code, row.participant) == (ws.code, "tok")
    other = store.create_workshop("Anden workshop", now=now)
    store.add_submission("poll", {"value": 5}, {}, workshop_code=other.code)
    assert store.close_workshop(ws.code, now=now)
    assert not store.get_workshop(ws.code).is_open
    assert store.purge_expired(now=now + dt.timedelta(days=31)) == [ws.code]
    assert store.get_workshop(ws.code) is None
    assert store.list_submissions(workshop_code=ws.code) == []
    assert len(store.list_submissions(workshop_code=other.code)) == 1  # the 90-day one is kept
    assert store.delete_workshop_data(other.code) == 1
    assert store.list_workshops() == []
    store.dispose()


def test_workshop_title_is_validated(store):
    with pytest.raises(ValueError, match="titel"):
        store.create_workshop("   ")


# --- narrow queries for reports ------------------------------------------------------------------------


def _insert_raw(store, **row):
    """A row written straight into the table (lets a test store JSON that add_submission would not)."""
    from aiskole.store import submissions

    values = {"workshop_code": None, "participant": None, "client_key": None, "result": {}, **row}
    values.setdefault("created_at", dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC))
    with store.engine.begin() as conn:
        return conn.execute(submissions.insert().values(**values)).inserted_primary_key[0]


def test_list_submission_values_reads_one_field(any_url):
    """One field of answers/result per row, its JSON type kept, in id order, only the asked exercise and
    workshops; a missing field, JSON null or a column that is not an object gives None."""
    store = Store(any_url)
    store.migrate()
    t0 = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
    add = store.add_submission
    a = add(
        "poll",
        {"answer": 3, "word": "nysgerrig"},
        {"label": "x"},
        workshop_code="HOLD-A",
        participant="p1",
        created_at=t0,
    )
    b = add("poll", {"answer": True}, {}, workshop_code="HOLD-B", participant="p2", created_at=t0)
    c = add("poll", {"answer": "4"}, {}, workshop_code="HOLD-A", created_at=t0 + dt.timedelta(minutes=1))
    d = add("poll", {"word": "x"}, {}, workshop_code="HOLD-A", participant="p1")
    e = add("poll", {"answer": None}, {}, workshop_code="HOLD-A", participant="p3")
    f = _insert_raw(store, exercise="poll", answers=[1, 2], workshop_code="HOLD-A")
    g = add("poll", {"answer": 5}, {}, workshop_code=None, participant="p4")
    q = add(
        "quiz",
        {"topic": "jura"},
        {"questions": {"jura-1": True, "jura-2": False}, "score": 1},
        workshop_code="HOLD-A",
        participant="p1",
    )
    add("dpia", {"answer": 1}, {}, workshop_code="HOLD-A", participant="p1")

    everything = store.list_submission_values("poll", "answers", "answer")
    assert [(v.id, v.value) for v in everything] == [
        (a, 3),
        (b, True),
        (c, "4"),
        (d, None),
        (e, None),
        (f, None),
        (g, 5),
    ]
    assert type(everything[0].value) is int and everything[1].value is True
    first = everything[0]
    assert (first.workshop_code, first.participant, first.created_at) == ("HOLD-A", "p1", t0)
    assert first.created_at.tzinfo is not None
    assert everything[2].participant is None

    in_a = store.list_submission_values("poll", "answers", "answer", workshop_codes=["HOLD-A"])
    assert [v.id for v in in_a] == [a, c, d, e, f]
    both = store.list_submission_values("poll", "answers", "answer", workshop_codes={"HOLD-B", "HOLD-A"})
    assert [v.id for v in both] == [a, b, c, d, e, f]
    assert store.list_submission_values("poll", "answers", "answer", workshop_codes=[]) == []
    [quiz_row] = store.list_submission_values("quiz", "result", "questions", workshop_codes=["HOLD-A"])
    assert (quiz_row.id, quiz_row.value) == (q, {"jura-1": True, "jura-2": False})
    with pytest.raises(ValueError, match="Ukendt kolonne"):
        store.list_submission_values("poll", "created_at", "answer")
    with pytest.raises(ValueError, match="Ukendt felt"):
        store.list_submission_values("poll", "answers", 'answer"')
    store.dispose()


def test_list_submission_values_with_many_workshops_keeps_id_order(store, monkeypatch):
    """Codes go to the database in chunks; rows still come back once each, in id order."""
    import aiskole.store as store_module

    monkeypatch.setattr(store_module, "_CODES_PER_QUERY", 2)
    codes = [f"HOLD-{i}" for i in range(5)]
    ids = [
        store.add_submission(
            "poll", {"answer": i % 5 + 1}, {}, workshop_code=codes[i % 5], participant=f"p{i}"
        )
        for i in range(12)
    ]
    rows = store.list_submission_values("poll", "answers", "answer", workshop_codes=codes)
    assert [r.id for r in rows] == ids
    assert [r.value for r in rows] == [i % 5 + 1 for i in range(12)]
    tokens = store.participants_by_workshop(codes)
    assert tokens == {codes[k]: {f"p{i}" for i in range(12) if i % 5 == k} for k in range(5)}


def test_participants_by_workshop(any_url):
    """Distinct tokens of any exercise per workshop; rows without a token and other workshops do not count."""
    store = Store(any_url)
    store.migrate()
    store.add_submission("poll", {"answer": 2}, {}, workshop_code="HOLD-A", participant="p1")
    store.add_submission("poll", {"answer": 4}, {}, workshop_code="HOLD-A", participant="p1")
    store.add_submission("dpia", {"1": True}, {}, workshop_code="HOLD-A", participant="p2")
    store.add_submission("story", {"quote": "x"}, {}, workshop_code="HOLD-A")  # stories have no token
    store.add_submission("story", {"quote": "y"}, {}, workshop_code="HOLD-B")
    store.add_submission("poll", {"answer": 1}, {}, workshop_code="HOLD-C", participant="p9")
    store.add_submission("poll", {"answer": 1}, {}, participant="p8")
    assert store.participants_by_workshop(["HOLD-A", "HOLD-B", "NONE-1"]) == {"HOLD-A": {"p1", "p2"}}
    assert store.participants_by_workshop([]) == {}
    store.dispose()


def test_list_workshops_in_a_period(any_url):
    """created_from is included, created_before is not; without bounds every workshop, newest first."""
    store = Store(any_url)
    store.migrate()
    t = dt.datetime(2026, 10, 1, 0, 0, tzinfo=dt.UTC)
    made = {
        k: store.create_workshop(f"Workshop {k}", now=t + dt.timedelta(minutes=k)).code
        for k in (-1, 0, 1, 60)
    }
    every = [w.code for w in store.list_workshops()]
    assert every == [made[60], made[1], made[0], made[-1]]
    inside = store.list_workshops(created_from=t, created_before=t + dt.timedelta(minutes=60))
    assert [w.code for w in inside] == [made[1], made[0]]
    # bounds in another time zone mean the same instants
    cet = dt.timezone(dt.timedelta(hours=2))
    assert [w.code for w in store.list_workshops(created_from=t.astimezone(cet))] == [
        made[60],
        made[1],
        made[0],
    ]
    assert [w.code for w in store.list_workshops(created_before=t)] == [made[-1]]
    store.dispose()


def test_schema_is_current_only_at_the_head_revision(any_url):
    """A new database is not current, a migrated one is, one at an older revision is not."""
    from alembic.script import ScriptDirectory

    from aiskole.store import MIGRATIONS_DIR, _migrations_head

    assert [_migrations_head()] == ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()
    store = Store(any_url)
    assert not store.schema_is_current()  # no alembic_version table yet
    store.migrate()
    assert store.schema_is_current()
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0002'"))
    assert not store.schema_is_current()
    store.dispose()


def test_schema_is_current_is_false_when_unreachable():
    store = Store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert not store.schema_is_current()
