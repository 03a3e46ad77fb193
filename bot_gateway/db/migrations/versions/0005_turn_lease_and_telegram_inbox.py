"""client keys of replies, turn lease on practice sessions (one turn of a session at a time, across processes) and the
Telegram webhook inbox (an update is recorded before Telegram is answered)

Revision ID: 0005_turn_lease
Revises: 0004
Create Date: 2026-11-30 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_turn_lease"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practice_sessions") as batch:
        batch.add_column(sa.Column("turn_owner", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("turn_lease_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("turns") as batch:
        batch.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_turns_session_id_client_key"), ["session_id", "client_key"]
        )
    op.create_table(
        "telegram_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_telegram_updates")),
    )
    op.create_index(
        op.f("ix_telegram_updates_status"), "telegram_updates", ["status"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_telegram_updates_status"), table_name="telegram_updates")
    op.drop_table("telegram_updates")
    with op.batch_alter_table("turns") as batch:
        batch.drop_constraint(op.f("uq_turns_session_id_client_key"), type_="unique")
        batch.drop_column("client_key")
    with op.batch_alter_table("practice_sessions") as batch:
        batch.drop_column("turn_lease_until")
        batch.drop_column("turn_owner")
