"""Storage of exercise submissions through SQLAlchemy Core.

SQLite in WAL mode is the default (one file in the data folder); any SQLAlchemy URL, e.g. PostgreSQL,
is selected with ``AISKOLE_DATABASE_URL``. The schema is created and upgraded by the alembic migrations in
``aiskole/migrations``. Submissions are anonymous: workshop code, exercise, answers, result and time, plus a
random participant token (so a participant can change an answer) and an idempotency key (so a retried save is
never stored twice). Workshops have a retention period after which :meth:`Store.purge_expired` erases them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import secrets
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

import sqlalchemy as sa
from filelock import FileLock
from sqlalchemy.engine import Engine, make_url

from aiskole import workshop as ws
from aiskole.errors import StoreError
from aiskole.exercises import is_exercise
from aiskole.exercises.base import SubmissionModel
from aiskole.settings import Settings, get_settings
from aiskole.workshop import normalise_workshop_code

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

metadata = sa.MetaData()

#: The current schema. Alembic migrations create it; this table object is used for queries.
submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("workshop_code", sa.String(16), nullable=True, index=True),
    sa.Column("exercise", sa.String(32), nullable=False, index=True),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("result", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("participant", sa.String(36), nullable=True, index=True),
    sa.Column("client_key", sa.String(36), nullable=True, unique=True),
    #: Set when the same participant answered the same exercise again: the row is kept but no longer counts.
    sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
)

workshops = sa.Table(
    "workshops",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("title", sa.String(80), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("state", sa.JSON, nullable=False),
    sa.Column("department", sa.String(80), nullable=True),
    sa.Column("kind", sa.String(16), nullable=False, server_default="workshop"),
    sa.Column("display_token", sa.String(43), nullable=True, unique=True),
)
# The two reads every participant's page makes, built once: building a select anew costs ~1 ms a call
# (measured in-process), as much as running it on SQLite.
_WORKSHOP_BY_CODE = sa.select(workshops).where(workshops.c.code == sa.bindparam("code"))
_COUNTED_ANSWER = (
    sa.select(submissions)
    .where(
        submissions.c.workshop_code == sa.bindparam("code"),
        submissions.c.exercise == sa.bindparam("exercise"),
        submissions.c.participant == sa.bindparam("who"),
        submissions.c.superseded_at.is_(None),
    )
    .order_by(submissions.c.id.desc())
    .limit(1)
)

#: The kinds of code submissions can be saved under.
KINDS = ("workshop", "pilot")
#: Open workshops and pilots at most (a runaway script, or a forgotten loop, cannot fill the database).
MAX_OPEN = 200


@dataclass(frozen=True)
class Submission:
    """One stored, anonymous submission."""

    id: int
    workshop_code: str | None
    exercise: str
    answers: dict[str, Any]
    result: dict[str, Any]
    created_at: dt.datetime
    participant: str | None = None


class SubmissionValue(NamedTuple):
    """One field of a stored submission's answers or result, with what identifies and orders the row.

    Returned by :meth:`Store.list_submission_values`; has the ``id``, ``participant`` and ``created_at`` that
    :func:`aiskole.exercises.base.latest_per_participant` needs.
    """

    id: int
    workshop_code: str | None
    participant: str | None
    created_at: dt.datetime
    value: Any


@dataclass(frozen=True)
class Workshop:
    """A live workshop (a 6-character join code) or a pilot (a code that groups a pilot team's work): its title,
    retention, the presenter's state, and the secret of its read-only display link."""

    code: str
    title: str
    created_at: dt.datetime
    expires_at: dt.datetime
    closed_at: dt.datetime | None
    state: dict[str, Any]
    department: str | None = None
    kind: str = "workshop"
    display_token: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_pilot(self) -> bool:
        return self.kind == "pilot"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= _utc(now or dt.datetime.now(dt.UTC))


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (the presenter screen) and one writer work at once; the busy timeout makes
    # concurrent kernels wait for the write lock instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def private_sqlite_file(database: str) -> None:
    """Make the SQLite file private to its owner before SQLite opens it: the folder 0700, the file 0600.

    SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, so those are private too.
    """
    path = Path(database)
    created = not path.parent.exists()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if created or path.parent.stat().st_uid == os.getuid():
        path.parent.chmod(0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    path.chmod(0o600)


def create_engine_for(url: str) -> Engine:
    """Create an engine; for SQLite make the folder and file private and switch on WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_sqlite_file(parsed.database)
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class Store:
    """Read and write submissions.

    Parameters
    ----------
    url
        SQLAlchemy database URL.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine_for(url)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def migrate(self, revision: str = "head") -> None:
        """Create or upgrade the schema to the newest alembic revision (or to ``revision``: tests of a migration).

        Safe to call from many processes at once (40 preheated kernels do): a file lock (SQLite) or an
        advisory lock (PostgreSQL) lets one process migrate while the others wait.
        """
        # Imported here: an app kernel that finds the schema current never migrates, and alembic with its
        # scripts costs ~10 MiB and ~0.1 s per kernel (40 kernels in a room; see open_store).
        from alembic import command
        from alembic.config import Config

        def upgrade(connection) -> None:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)

        try:
            if self.backend == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
                lock = FileLock(str(self.engine.url.database) + ".migrate.lock", timeout=60, mode=0o600)
                with lock, self.engine.begin() as connection:
                    upgrade(connection)
            else:
                with self.engine.begin() as connection:
                    if self.backend == "postgresql":
                        connection.execute(sa.text("SELECT pg_advisory_xact_lock(424242)"))
                    upgrade(connection)
        except Exception as exc:  # noqa: BLE001 - any failure here means "cannot reach the store"
            raise StoreError(self._unreachable()) from exc

    def schema_is_current(self) -> bool:
        """Whether the database is at the newest migration: its ``alembic_version`` holds exactly the head
        revision of ``aiskole/migrations/versions``.

        A cheap check for a process that only reads (a report kernel): it imports neither alembic nor the
        migration scripts, which costs more than the report's queries. ``False`` when the table is missing,
        the database cannot be reached or the head cannot be told from the scripts; :meth:`migrate` then
        does the real work.
        """
        head = _migrations_head()
        if head is None:
            return False
        try:
            with self.engine.connect() as connection:
                versions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
                return list(versions) == [head]
        except sa.exc.SQLAlchemyError:
            return False

    def _unreachable(self) -> str:
        return (
            "Databasen kan ikke nås lige nu, så svarene er ikke gemt. Dine svar er ikke tabt – "
            "prøv igen om lidt, eller kontakt den, der har sat aiskole op."
        )

    def add_submission(
        self,
        exercise: str,
        answers: dict[str, Any],
        result: dict[str, Any],
        *,
        workshop_code: str | None = None,
        created_at: dt.datetime | None = None,
        participant: str | None = None,
        client_key: str | None = None,
    ) -> int:
        """Store an anonymous submission and return its id.

        ``participant`` is a random token per browser session (never a name): a participant's earlier answer to
        the same exercise under the same code stops counting (``superseded_at``) in the same transaction, and
        a unique index lets only one count. ``client_key`` makes the call idempotent: storing the same key again
        returns the first row's id instead of a duplicate.

        Raises
        ------
        ValueError
            Unknown exercise or badly formed workshop code (Danish message).
        StoreError
            The database could not be reached or written.
        """
        if not is_exercise(exercise):
            raise ValueError(f"Ukendt øvelse: {exercise!r}.")
        code = normalise_workshop_code(workshop_code)
        row = {
            "workshop_code": code,
            "exercise": exercise,
            "answers": answers,
            "result": result,
            "created_at": _utc(created_at or dt.datetime.now(dt.UTC)),
            "participant": participant,
            "client_key": client_key,
        }
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                with self.engine.begin() as connection:
                    if participant:
                        self._supersede(connection, row)
                    return int(connection.execute(submissions.insert().values(**row)).inserted_primary_key[0])
            except sa.exc.IntegrityError as exc:
                existing = self._id_for_key(client_key) if client_key else None
                if existing is not None:
                    return existing
                if participant and attempt < _WRITE_ATTEMPTS - 1:
                    continue  # the same participant saved at the same moment: supersede that one, then insert
                raise StoreError(self._unreachable()) from exc
            except sa.exc.OperationalError as exc:
                # SQLite's busy timeout already waited; a few more tries ride out a burst of 40 writers.
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise StoreError(self._unreachable()) from exc
                time.sleep(0.05 * 2**attempt)
            except sa.exc.SQLAlchemyError as exc:
                raise StoreError(self._unreachable()) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def save(
        self,
        model: SubmissionModel,
        *,
        workshop_code: str | None = None,
        participant: str | None = None,
        client_key: str | None = None,
        created_at: dt.datetime | None = None,
        check: bool = True,
    ) -> int:
        """Store an exercise's submission model (its answers and result) and return the row's id.

        A code must name an existing, open workshop or pilot (:meth:`check_code`); ``check=False`` skips that
        (demo data, imports). See :meth:`add_submission` for the other arguments and the errors.
        """
        if check:
            workshop_code = self.check_code(workshop_code)
        return self.add_submission(
            model.exercise,
            model.to_answers(),
            model.to_result(),
            workshop_code=workshop_code,
            participant=participant,
            client_key=client_key,
            created_at=created_at,
        )

    def save_many(
        self,
        rows: Iterable[tuple[SubmissionModel, dt.datetime, str | None]],
        *,
        workshop_code: str | None = None,
        batch: int = 1000,
    ) -> int:
        """Store many ``(model, created_at, participant)`` in one workshop, ``batch`` rows per transaction.

        For benchmarks and demo data: no idempotency keys, no check of the code. A participant's answers to the
        same exercise all stay, and only the latest counts (as with :meth:`add_submission`). Returns the number
        of rows stored.
        """
        code = normalise_workshop_code(workshop_code)
        values = []
        for model, created_at, participant in rows:
            if not is_exercise(model.exercise):
                raise ValueError(f"Ukendt øvelse: {model.exercise!r}.")
            values.append(
                {
                    "workshop_code": code,
                    "exercise": model.exercise,
                    "answers": model.to_answers(),
                    "result": model.to_result(),
                    "created_at": _utc(created_at),
                    "participant": participant,
                    "client_key": None,
                    "superseded_at": None,
                }
            )
        _mark_superseded_in(values)
        try:
            for offset in range(0, len(values), batch):
                chunk = values[offset : offset + batch]
                with self.engine.begin() as connection:
                    for row in {
                        (r["exercise"], r["participant"]): r for r in chunk if r["participant"]
                    }.values():
                        self._supersede(connection, row)  # answers stored before this call
                    connection.execute(submissions.insert(), chunk)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc
        return len(values)

    def replace(self, submission_id: int, model: SubmissionModel) -> bool:
        """Replace a stored submission with ``model`` (same exercise). Returns False when there is no such row."""
        return self.update_submission(submission_id, answers=model.to_answers(), result=model.to_result())

    @staticmethod
    def _supersede(connection, row: dict[str, Any]) -> None:
        c = submissions.c
        if connection.dialect.name == "postgresql":
            # One participant's saves of one exercise take turns until their transaction ends: under READ
            # COMMITTED two of them would each supersede the old row and then both insert, and one would lose
            # on the unique index (12 threads of one phone outran five retries).
            key = f"{row['workshop_code'] or ''}\x1f{row['exercise']}\x1f{row['participant']}"
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
            )
        code = (
            c.workshop_code.is_(None)
            if row["workshop_code"] is None
            else c.workshop_code == row["workshop_code"]
        )
        connection.execute(
            submissions.update()
            .where(
                code,
                c.exercise == row["exercise"],
                c.participant == row["participant"],
                c.superseded_at.is_(None),
            )
            .values(superseded_at=row["created_at"])
        )

    def check_code(self, code: str | None, *, now: dt.datetime | None = None) -> str | None:
        """The code a save may carry: ``None``, or one that names an existing, open workshop or pilot.

        Raises
        ------
        ValueError
            A badly formed code, one that names nothing, or a closed or expired workshop or pilot (Danish).
        """
        code = normalise_workshop_code(code)
        if code is None:
            return None
        found = self.get_workshop(code)
        if found is None:
            raise ValueError(
                f"Der findes ingen workshop eller pilot med koden {code}. Tjek koden, og prøv igen."
            )
        what = "Piloten" if found.is_pilot else "Workshoppen"
        if not found.is_open or found.is_expired(now):
            raise ValueError(f"{what} {code} er lukket, så der kan ikke gemmes flere svar i den.")
        return code

    def counted_answer(self, workshop_code: str, exercise: str, participant: str) -> Submission | None:
        """The participant's answer to the exercise in the workshop that counts (the latest), or ``None``."""
        row = self._first(_COUNTED_ANSWER, {"code": workshop_code, "exercise": exercise, "who": participant})
        return None if row is None else _to_submission(row)

    def answers_version(self, workshop_code: str, exercise: str) -> tuple[int, int]:
        """``(rows, highest id)`` of an exercise in a workshop: changes whenever an answer is stored or erased,
        so a live screen re-reads the rows only then."""
        c = submissions.c
        row = self._first(
            sa.select(sa.func.count().label("n"), sa.func.coalesce(sa.func.max(c.id), 0).label("top")).where(
                c.workshop_code == workshop_code, c.exercise == exercise
            )
        )
        return (int(row["n"]), int(row["top"])) if row else (0, 0)

    def _id_for_key(self, client_key: str) -> int | None:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(submissions.c.id).where(submissions.c.client_key == client_key)
            ).scalar()

    def get_submission(self, submission_id: int) -> Submission | None:
        """The submission with this id, or ``None``."""
        row = self._first(sa.select(submissions).where(submissions.c.id == submission_id))
        return None if row is None else _to_submission(row)

    def _first(self, query, parameters: dict | None = None):
        """The first row of ``query`` as a mapping, or ``None``; StoreError when the database is unreachable."""
        try:
            with self.engine.connect() as connection:
                return connection.execute(query, parameters).mappings().first()
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc

    def list_submissions(
        self, *, exercise: str | None = None, workshop_code: str | None = None, without_code: bool = False
    ) -> list[Submission]:
        """Submissions in id order, optionally for one exercise and/or workshop, or only those saved without
        a code (``without_code``: the standalone apps' own)."""
        query = sa.select(submissions).order_by(submissions.c.id)
        if exercise:
            query = query.where(submissions.c.exercise == exercise)
        if workshop_code:
            query = query.where(submissions.c.workshop_code == normalise_workshop_code(workshop_code))
        elif without_code:
            query = query.where(submissions.c.workshop_code.is_(None))
        try:
            with self.engine.connect() as connection:
                return [_to_submission(r) for r in connection.execute(query).mappings()]
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc

    def list_submission_values(
        self,
        exercise: str,
        column: Literal["answers", "result"],
        key: str,
        *,
        workshop_codes: Iterable[str] | None = None,
    ) -> list[SubmissionValue]:
        """The field ``key`` of the ``answers`` or ``result`` of every submission of ``exercise``, in id order,
        optionally only in the given workshops.

        The database extracts the field from the JSON, so only that field is decoded (a report over 10,000
        rows needs a few fields, not 20,000 whole JSON documents). ``value`` is ``None`` when the field is
        missing, is JSON ``null`` or the column is not a JSON object. An empty ``workshop_codes`` gives ``[]``.
        """
        if column not in ("answers", "result"):
            raise ValueError(f"Ukendt kolonne: {column!r}.")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            raise ValueError(f"Ukendt felt: {key!r}.")
        c = submissions.c
        query = (
            sa.select(c.id, c.workshop_code, c.participant, c.created_at, self._json_field(c[column], key))
            .where(c.exercise == exercise)
            .order_by(c.id)
        )
        codes = None if workshop_codes is None else sorted(set(workshop_codes))
        found = list(self._all_in(query, codes))
        if self.backend == "sqlite":  # JSON texts: one decode for all rows, not one json.loads per row
            values = json.loads("[" + ",".join(r[4] or "null" for r in found) + "]")
        else:
            values = [r[4] for r in found]
        rows = [
            SubmissionValue(sid, code, participant, _utc(created), value)
            for (sid, code, participant, created, _raw), value in zip(found, values, strict=True)
        ]
        if codes is not None and len(codes) > _CODES_PER_QUERY:
            rows.sort(key=lambda r: r.id)  # each chunk of codes comes back in id order on its own
        return rows

    def _json_field(self, column, key: str):
        """The value under ``key`` in a JSON ``column``, with its JSON type kept.

        PostgreSQL: decoded by the driver. SQLite: the value as JSON text (``null`` when missing).
        """
        if self.backend != "sqlite":
            return column[key]  # PostgreSQL: column -> 'key', decoded by the driver
        # SQLAlchemy's column[key] on SQLite is json_quote(json_extract(...)), and json_extract turns JSON
        # true/false into SQL 1/0, so a stored true would come back as 1. json_type tells them apart.
        path = f'$."{key}"'
        value = sa.case(
            {"true": "true", "false": "false"},
            value=sa.func.json_type(column, path),
            else_=sa.func.json_quote(sa.func.json_extract(column, path)),
        )
        return sa.type_coerce(value, sa.String)  # JSON text, decoded by the caller in one go

    def participants_by_workshop(self, workshop_codes: Iterable[str]) -> dict[str, set[str]]:
        """The distinct participant tokens in each of the given workshops, from any exercise.

        A workshop without any token (or without submissions) is not in the result.
        """
        c = submissions.c
        query = sa.select(c.workshop_code, c.participant).distinct().where(c.participant.is_not(None))
        found: dict[str, set[str]] = {}
        for code, participant in self._all_in(query, workshop_codes):
            found.setdefault(code, set()).add(participant)
        return found

    def _all_in(self, query, workshop_codes: Iterable[str] | None) -> Iterator[tuple]:
        """The rows of a submissions ``query``, optionally restricted to some workshop codes.

        Codes go into ``IN (...)`` in chunks, well below the number of bound values SQLite allows.
        """
        if workshop_codes is None:
            chunks = [None]
        else:
            codes = sorted(set(workshop_codes))
            chunks = [codes[i : i + _CODES_PER_QUERY] for i in range(0, len(codes), _CODES_PER_QUERY)]
        try:
            with self.engine.connect() as connection:
                for chunk in chunks:
                    q = query if chunk is None else query.where(submissions.c.workshop_code.in_(chunk))
                    yield from connection.execute(q).all()  # one fetchall, not a fetchone per row
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc

    def update_submission(
        self,
        submission_id: int,
        *,
        answers: dict[str, Any] | None = None,
        result: dict[str, Any] | None = None,
    ) -> bool:
        """Replace the answers and/or result of a submission. Returns False when there is no such row."""
        values: dict[str, Any] = {}
        if answers is not None:
            values["answers"] = answers
        if result is not None:
            values["result"] = result
        if not values:
            return self.get_submission(submission_id) is not None
        try:
            with self.engine.begin() as connection:
                done = connection.execute(
                    submissions.update().where(submissions.c.id == submission_id).values(**values)
                )
                return done.rowcount == 1
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc

    def delete_submission(self, submission_id: int) -> bool:
        """Erase a submission for good. Returns False when there was no such row."""
        try:
            with self.engine.begin() as connection:
                done = connection.execute(submissions.delete().where(submissions.c.id == submission_id))
                return done.rowcount == 1
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc

    # -- workshops -----------------------------------------------------------------------------------

    def create_workshop(
        self,
        title: str,
        *,
        retention_days: int = 90,
        now: dt.datetime | None = None,
        department: str | None = None,
        kind: str = "workshop",
        code: str | None = None,
    ) -> Workshop:
        """Create a workshop (or, with ``kind="pilot"``, a pilot) with a new, unused code.

        A pilot may be given its own ``code`` (3-16 letters, digits or dashes, e.g. ``TEK-24``); otherwise a code
        is drawn from the unambiguous alphabet of join codes.

        Raises
        ------
        ValueError
            Empty or too long title, a retention of less than a day, an unknown kind, a badly formed or taken
            code (Danish message).
        """
        if kind not in KINDS:
            raise ValueError(f"Ukendt slags kode: {kind!r}.")
        created = _utc(now or dt.datetime.now(dt.UTC))
        row = {
            "title": ws.validate_title(title),
            "created_at": created,
            "expires_at": ws.expires_at(created, retention_days),
            "closed_at": None,
            "state": ws.WorkshopState().to_dict(),
            "department": ws.validate_department(department),
            "kind": kind,
        }
        wanted = normalise_workshop_code(code) if code else None
        if self._open_count(created) >= MAX_OPEN:
            raise ValueError(
                f"Der er allerede {MAX_OPEN} åbne workshops og piloter. Luk dem, I er færdige med, og prøv igen."
            )
        for _ in range(1 if wanted else 20):
            attempt = wanted or ws.new_code()
            values = {**row, "code": attempt, "display_token": secrets.token_urlsafe(32)}
            try:
                with self.engine.begin() as connection:
                    connection.execute(workshops.insert().values(**values))
                return Workshop(**values)
            except sa.exc.IntegrityError:
                continue  # the code was taken: draw another
            except sa.exc.SQLAlchemyError as exc:
                raise StoreError(self._unreachable()) from exc
        if wanted:
            raise ValueError(f"Koden {wanted} er allerede i brug. Vælg en anden.")
        raise StoreError("Der kunne ikke laves en ny kode. Prøv igen.")

    def _open_count(self, now: dt.datetime) -> int:
        c = workshops.c
        row = self._first(
            sa.select(sa.func.count().label("n")).where(c.closed_at.is_(None), c.expires_at > now)
        )
        return int(row["n"]) if row else 0

    def create_pilot(
        self, title: str, *, retention_days: int = 90, code: str | None = None, **kw: Any
    ) -> Workshop:
        """Create a pilot: a code that groups a pilot team's canvas, heatmap, mini-DPIA and gain calculation."""
        return self.create_workshop(title, retention_days=retention_days, kind="pilot", code=code, **kw)

    def add_workshop(self, workshop: Workshop) -> None:
        """Store a fully specified workshop (demo data and imports; live workshops use :meth:`create_workshop`)."""
        row = {
            "code": workshop.code,
            "title": ws.validate_title(workshop.title),
            "created_at": _utc(workshop.created_at),
            "expires_at": _utc(workshop.expires_at),
            "closed_at": None if workshop.closed_at is None else _utc(workshop.closed_at),
            "state": dict(workshop.state),
            "department": ws.validate_department(workshop.department),
            "kind": workshop.kind,
            "display_token": workshop.display_token or secrets.token_urlsafe(32),
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(workshops.insert().values(**row))
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc

    def get_workshop(self, code: str) -> Workshop | None:
        """The workshop (or pilot) with this code, or ``None``."""
        row = self._first(_WORKSHOP_BY_CODE, {"code": code})
        return None if row is None else _to_workshop(row)

    def workshop_for_display(self, token: str) -> Workshop | None:
        """The workshop whose read-only display link carries ``token``, or ``None``."""
        if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token):
            return None
        row = self._first(sa.select(workshops).where(workshops.c.display_token == token))
        return None if row is None else _to_workshop(row)

    def list_workshops(
        self,
        *,
        created_from: dt.datetime | None = None,
        created_before: dt.datetime | None = None,
        kind: str | None = None,
    ) -> list[Workshop]:
        """All workshops and pilots, newest first; optionally only one ``kind``, and only those created at or
        after ``created_from`` and before ``created_before``."""
        query = sa.select(workshops).order_by(workshops.c.created_at.desc())
        if kind is not None:
            query = query.where(workshops.c.kind == kind)
        if created_from is not None:
            query = query.where(workshops.c.created_at >= _utc(created_from))
        if created_before is not None:
            query = query.where(workshops.c.created_at < _utc(created_before))
        try:
            with self.engine.connect() as connection:
                return [_to_workshop(r) for r in connection.execute(query).mappings()]
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc

    def set_workshop_state(self, code: str, state: dict[str, Any]) -> bool:
        """Replace the presenter's state (active exercise, reveal, moderation)."""
        return self._update_workshop(code, state=state)

    def close_workshop(self, code: str, *, now: dt.datetime | None = None) -> bool:
        """Close a workshop: its code no longer lets anyone in."""
        return self._update_workshop(code, closed_at=_utc(now or dt.datetime.now(dt.UTC)))

    def _update_workshop(self, code: str, **values: Any) -> bool:
        try:
            with self.engine.begin() as connection:
                done = connection.execute(workshops.update().where(workshops.c.code == code).values(**values))
                return done.rowcount == 1
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc

    def delete_workshop_data(self, code: str) -> int:
        """Erase a workshop and every submission made in it. Returns the number of submissions erased."""
        try:
            with self.engine.begin() as connection:
                gone = connection.execute(
                    submissions.delete().where(submissions.c.workshop_code == code)
                ).rowcount
                connection.execute(workshops.delete().where(workshops.c.code == code))
                return int(gone)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc

    def purge_expired(
        self, *, now: dt.datetime | None = None, retention_days: int | None = None
    ) -> list[str]:
        """Apply the retention period to every row, and return the codes of the workshops and pilots erased.

        A workshop or pilot past its ``expires_at`` goes with all its submissions. A submission without a code,
        or with a code that names no workshop or pilot, goes when it is older than ``retention_days`` (default:
        the settings' retention), counted from when it was saved.
        """
        moment = _utc(now or dt.datetime.now(dt.UTC))
        days = retention_days if retention_days is not None else get_settings().retention_days
        cutoff = moment - dt.timedelta(days=days)
        c = submissions.c
        try:
            with self.engine.begin() as connection:
                codes = list(
                    connection.execute(
                        sa.select(workshops.c.code).where(workshops.c.expires_at < moment)
                    ).scalars()
                )
                for chunk in (
                    codes[i : i + _CODES_PER_QUERY] for i in range(0, len(codes), _CODES_PER_QUERY)
                ):
                    connection.execute(submissions.delete().where(c.workshop_code.in_(chunk)))
                    connection.execute(workshops.delete().where(workshops.c.code.in_(chunk)))
                known = sa.select(workshops.c.code)
                connection.execute(
                    submissions.delete().where(
                        c.created_at < cutoff,
                        sa.or_(c.workshop_code.is_(None), c.workshop_code.not_in(known)),
                    )
                )
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc
        return codes

    def dispose(self) -> None:
        self.engine.dispose()


#: Writes are tried this many times when the database is busy (SQLite under a burst of writers).
_WRITE_ATTEMPTS = 5
#: Workshop codes per ``IN (...)`` query (SQLite before 3.32 allows 999 bound values).
_CODES_PER_QUERY = 500


_REVISION = re.compile(r"^revision(?:\s*:[^=\n]*)?\s*=\s*['\"]([^'\"]+)['\"]\s*$", re.M)
_DOWN_REVISION = re.compile(r"^down_revision(?:\s*:[^=\n]*)?\s*=\s*(.+?)\s*$", re.M)


def _mark_superseded_in(values: list[dict[str, Any]]) -> None:
    """Within rows about to be stored: every answer but each participant's latest per exercise stops counting."""
    latest: dict[tuple, dict[str, Any]] = {}
    for row in sorted(values, key=lambda r: r["created_at"]):
        if not row["participant"]:
            continue
        key = (row["workshop_code"], row["exercise"], row["participant"])
        if key in latest:
            latest[key]["superseded_at"] = row["created_at"]
        latest[key] = row


@functools.lru_cache(maxsize=1)
def _migrations_head() -> str | None:
    """The newest revision in ``migrations/versions``, read from the scripts' text (not imported).

    ``None`` when the scripts do not form one simple chain (a merge, a second head, a form not understood).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = script.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(text), _DOWN_REVISION.findall(text)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        parent = down[0]
        if parent != "None":
            quoted = re.fullmatch(r"['\"]([^'\"]+)['\"]", parent)
            if quoted is None:
                return None
            parents.add(quoted.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _to_submission(row) -> Submission:
    return Submission(
        id=row["id"],
        workshop_code=row["workshop_code"],
        exercise=row["exercise"],
        answers=dict(row["answers"]),
        result=dict(row["result"]),
        created_at=_utc(row["created_at"]),
        participant=row.get("participant"),
    )


def _to_workshop(row) -> Workshop:
    return Workshop(
        code=row["code"],
        title=row["title"],
        created_at=_utc(row["created_at"]),
        expires_at=_utc(row["expires_at"]),
        closed_at=None if row["closed_at"] is None else _utc(row["closed_at"]),
        state=dict(row["state"] or {}),
        department=row.get("department"),
        kind=row.get("kind") or "workshop",
        display_token=row.get("display_token"),
    )


class BoundStore:
    """A store that stamps every submission with a workshop code and a participant token.

    Participant views hand this to an exercise view as its store, so the exercise needs no workshop logic.
    """

    def __init__(self, store: Store, *, workshop_code: str | None, participant: str) -> None:
        self._store = store
        self.workshop_code = workshop_code
        self.participant = participant

    def add_submission(self, exercise: str, answers: dict, result: dict, **kwargs: Any) -> int:
        kwargs["workshop_code"] = self.workshop_code
        kwargs["participant"] = self.participant
        kwargs.setdefault("client_key", str(uuid.uuid4()))
        return self._store.add_submission(exercise, answers, result, **kwargs)

    def save(self, model: SubmissionModel, **kwargs: Any) -> int:
        return self.add_submission(model.exercise, model.to_answers(), model.to_result(), **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._store, name)


_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


def open_store(settings: Settings | None = None) -> Store:
    """The migrated store for the settings' database URL (one per URL and process).

    Raises
    ------
    StoreError
        The database could not be reached or migrated (Danish message).
    """
    url = (settings or get_settings()).database_url
    with _stores_lock:
        store = _stores.get(url)
        if store is None:
            store = Store(url)
            # Every app kernel opens the store; importing alembic to find nothing to do costs ~10 MiB and
            # ~0.1 s per kernel (40 in a room), so migrate only when the schema is not the newest.
            if not store.schema_is_current():
                store.migrate()
            _stores[url] = store
        return store
