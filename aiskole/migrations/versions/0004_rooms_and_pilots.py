"""Pilots as a kind of their own, read-only display links, and one counted answer per participant.

* ``workshops.kind``: ``"workshop"`` (a live workshop, a 6-character join code) or ``"pilot"`` (a pilot team's
  code that groups its canvas, heatmap, mini-DPIA and gain calculation). Every code that submissions carry but
  no row names yet (e.g. the label ``PILOT-BS`` of older pilots) becomes a pilot, so export, delete, reports and
  retention work for it; it is kept as long as the retention period from its first submission.
* ``workshops.display_token``: the secret of a workshop's read-only display link (the info screen).
* ``submissions.superseded_at``: when a participant answers an exercise again, the older answer is kept (the
  poll's before/after needs it) but no longer counts; a partial unique index lets only one answer per
  participant, workshop and exercise count.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import datetime as dt
import os
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COUNTED = "uq_submissions_counted"


def _retention_days() -> int:
    try:
        return max(1, int(os.environ.get("AISKOLE_RETENTION_DAYS", "90")))
    except ValueError:
        return 90


def upgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="workshop"))
        batch.add_column(sa.Column("display_token", sa.String(43), nullable=True))
        batch.create_unique_constraint("uq_workshops_display_token", ["display_token"])
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))
    connection = op.get_bind()
    _give_display_tokens(connection)
    _mark_superseded(connection)
    _pilots_for_orphan_codes(connection)
    op.create_index(
        COUNTED,
        "submissions",
        ["workshop_code", "exercise", "participant"],
        unique=True,
        sqlite_where=sa.text("participant IS NOT NULL AND superseded_at IS NULL"),
        postgresql_where=sa.text("participant IS NOT NULL AND superseded_at IS NULL"),
    )


def _give_display_tokens(connection) -> None:
    workshops = sa.table("workshops", sa.column("code"), sa.column("display_token"))
    for (code,) in connection.execute(sa.select(workshops.c.code)).all():
        connection.execute(
            workshops.update().where(workshops.c.code == code).values(display_token=secrets.token_urlsafe(32))
        )


def _mark_superseded(connection) -> None:
    """Every answer but the latest of each participant, workshop and exercise no longer counts."""
    submissions = sa.table(
        "submissions",
        sa.column("id"),
        sa.column("workshop_code"),
        sa.column("exercise"),
        sa.column("participant"),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("superseded_at", sa.DateTime(timezone=True)),
    )
    rows = connection.execute(
        sa.select(
            submissions.c.id,
            submissions.c.workshop_code,
            submissions.c.exercise,
            submissions.c.participant,
            submissions.c.created_at,
        )
        .where(submissions.c.participant.is_not(None))
        .order_by(submissions.c.created_at, submissions.c.id)
    ).all()
    latest: dict[tuple, tuple] = {}
    older: list[tuple[int, object]] = []
    for sid, code, exercise, participant, created in rows:
        key = (code, exercise, participant)
        if key in latest:
            older.append((latest[key][0], created))
        latest[key] = (sid, created)
    for sid, replaced_at in older:
        connection.execute(
            submissions.update().where(submissions.c.id == sid).values(superseded_at=replaced_at)
        )


def _pilots_for_orphan_codes(connection) -> None:
    when = sa.DateTime(timezone=True)
    submissions = sa.table("submissions", sa.column("workshop_code"), sa.column("created_at", when))
    workshops = sa.table(
        "workshops",
        sa.column("code"),
        sa.column("title"),
        sa.column("created_at", when),
        sa.column("expires_at", when),
        sa.column("closed_at", when),
        sa.column("state", sa.JSON),
        sa.column("department"),
        sa.column("kind"),
        sa.column("display_token"),
    )
    known = {c for (c,) in connection.execute(sa.select(workshops.c.code)).all()}
    first_seen = connection.execute(
        sa.select(submissions.c.workshop_code, sa.func.min(submissions.c.created_at))
        .where(submissions.c.workshop_code.is_not(None))
        .group_by(submissions.c.workshop_code)
    ).all()
    for code, created in first_seen:
        if code in known:
            continue
        if isinstance(created, str):  # SQLite without type information in a raw select
            created = dt.datetime.fromisoformat(created)
        if created.tzinfo is None:
            created = created.replace(tzinfo=dt.UTC)
        connection.execute(
            workshops.insert().values(
                code=code,
                title=f"Pilot {code}"[:80],
                created_at=created,
                expires_at=created + dt.timedelta(days=_retention_days()),
                closed_at=None,
                state={},
                department=None,
                kind="pilot",
                display_token=secrets.token_urlsafe(32),
            )
        )


def downgrade() -> None:
    op.drop_index(COUNTED, table_name="submissions")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("superseded_at")
    with op.batch_alter_table("workshops") as batch:
        batch.drop_constraint("uq_workshops_display_token", type_="unique")
        batch.drop_column("display_token")
        batch.drop_column("kind")
