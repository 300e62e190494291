"""Anonymous exercise submissions.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("workshop_code", sa.String(16), nullable=True),
        sa.Column("exercise", sa.String(32), nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_submissions_workshop_code", "submissions", ["workshop_code"])
    op.create_index("ix_submissions_exercise", "submissions", ["exercise"])


def downgrade() -> None:
    op.drop_index("ix_submissions_exercise", table_name="submissions")
    op.drop_index("ix_submissions_workshop_code", table_name="submissions")
    op.drop_table("submissions")
