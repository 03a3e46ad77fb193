"""revocable access: users.session_version, api_tokens.expires_at and revoked_at;
practice_sessions.cohort_id (the cohort a session was practised in)

Revision ID: 0006_access
Revises: 0005_turn_lease
Create Date: 2026-11-30 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_access"
down_revision = "0005_turn_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cohort_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_practice_sessions_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_practice_sessions_cohort_id_cohorts"), "cohorts", ["cohort_id"], ["id"]
        )
    # what we know of earlier sessions: the cohort their trainee is in now
    op.execute(
        "UPDATE practice_sessions SET cohort_id = "
        "(SELECT trainees.cohort_id FROM trainees WHERE trainees.id = practice_sessions.trainee_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_practice_sessions_cohort_id_cohorts"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_practice_sessions_cohort_id"))
        batch_op.drop_column("cohort_id")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
