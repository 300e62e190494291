"""Live workshops, and anonymous participant tokens and idempotency keys on submissions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshops",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.JSON, nullable=False),
    )
    op.create_index("ix_workshops_expires_at", "workshops", ["expires_at"])
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("participant", sa.String(36), nullable=True))
        batch.add_column(sa.Column("client_key", sa.String(36), nullable=True))
        batch.create_index("ix_submissions_participant", ["participant"])
        batch.create_unique_constraint("uq_submissions_client_key", ["client_key"])


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_constraint("uq_submissions_client_key", type_="unique")
        batch.drop_index("ix_submissions_participant")
        batch.drop_column("client_key")
        batch.drop_column("participant")
    op.drop_index("ix_workshops_expires_at", table_name="workshops")
    op.drop_table("workshops")
