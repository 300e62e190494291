"""Storage of exercise submissions through SQLAlchemy Core.

SQLite in WAL mode is the default (one file in the data folder); any SQLAlchemy URL, e.g. PostgreSQL,
is selected with ``AISKOLE_DATABASE_URL``. The schema is created and upgraded by the alembic migrations in
``aiskole/migrations``. Submissions are anonymous: workshop code, exercise, answers, result and time.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from aiskole.settings import Settings, get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Workshop codes are short and typed on phones: letters, digits and dashes.
WORKSHOP_CODE = re.compile(r"^[A-Za-z0-9-]{3,16}$")
#: Exercise names a submission may carry (one per exercise module).
EXERCISES = ("dpia", "canvas", "heatmap", "prompt", "kpi", "quiz", "poll", "story")

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
)


class StoreError(RuntimeError):
    """The store could not be reached or written. The message is Danish and safe to show."""


@dataclass(frozen=True)
class Submission:
    """One stored, anonymous submission."""

    id: int
    workshop_code: str | None
    exercise: str
    answers: dict[str, Any]
    result: dict[str, Any]
    created_at: dt.datetime


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def normalise_workshop_code(code: str | None) -> str | None:
    """Strip and upper-case a workshop code; ``None`` or blank means no workshop.

    Raises
    ------
    ValueError
        With a Danish message when the code has the wrong form.
    """
    if code is None or not str(code).strip():
        return None
    code = str(code).strip().upper()
    if not WORKSHOP_CODE.match(code):
        raise ValueError("Workshopkoden skal være 3-16 tegn: bogstaver, tal eller bindestreg.")
    return code


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (the presenter screen) and one writer work at once; the busy timeout makes
    # concurrent kernels wait for the write lock instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine_for(url: str) -> Engine:
    """Create an engine; for SQLite make the folder and switch on WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
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

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest alembic revision.

        Safe to call from many processes at once (40 preheated kernels do): a file lock (SQLite) or an
        advisory lock (PostgreSQL) lets one process migrate while the others wait.
        """
        from alembic import command
        from alembic.config import Config

        def upgrade(connection) -> None:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")

        try:
            if self.backend == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
                from filelock import FileLock

                lock = FileLock(str(self.engine.url.database) + ".migrate.lock", timeout=60)
                with lock, self.engine.begin() as connection:
                    upgrade(connection)
            else:
                with self.engine.begin() as connection:
                    if self.backend == "postgresql":
                        connection.execute(sa.text("SELECT pg_advisory_xact_lock(424242)"))
                    upgrade(connection)
        except Exception as exc:  # noqa: BLE001 - any failure here means "cannot reach the store"
            raise StoreError(self._unreachable()) from exc

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
    ) -> int:
        """Store an anonymous submission and return its id.

        Raises
        ------
        ValueError
            Unknown exercise or badly formed workshop code (Danish message).
        StoreError
            The database could not be reached or written.
        """
        if exercise not in EXERCISES:
            raise ValueError(f"Ukendt øvelse: {exercise!r}.")
        code = normalise_workshop_code(workshop_code)
        row = {
            "workshop_code": code,
            "exercise": exercise,
            "answers": answers,
            "result": result,
            "created_at": _utc(created_at or dt.datetime.now(dt.UTC)),
        }
        try:
            with self.engine.begin() as connection:
                return int(connection.execute(submissions.insert().values(**row)).inserted_primary_key[0])
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc

    def get_submission(self, submission_id: int) -> Submission | None:
        """The submission with this id, or ``None``."""
        try:
            with self.engine.connect() as connection:
                row = (
                    connection.execute(sa.select(submissions).where(submissions.c.id == submission_id))
                    .mappings()
                    .first()
                )
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._unreachable()) from exc
        return None if row is None else _to_submission(row)

    def list_submissions(
        self, *, exercise: str | None = None, workshop_code: str | None = None
    ) -> list[Submission]:
        """Submissions in id order, optionally for one exercise and/or workshop."""
        query = sa.select(submissions).order_by(submissions.c.id)
        if exercise:
            query = query.where(submissions.c.exercise == exercise)
        if workshop_code:
            query = query.where(submissions.c.workshop_code == normalise_workshop_code(workshop_code))
        try:
            with self.engine.connect() as connection:
                return [_to_submission(r) for r in connection.execute(query).mappings()]
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

    def dispose(self) -> None:
        self.engine.dispose()


def _to_submission(row) -> Submission:
    return Submission(
        id=row["id"],
        workshop_code=row["workshop_code"],
        exercise=row["exercise"],
        answers=dict(row["answers"]),
        result=dict(row["result"]),
        created_at=_utc(row["created_at"]),
    )


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
            store.migrate()
            _stores[url] = store
        return store
