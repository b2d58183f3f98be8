"""booking_changes (issue 14): each booking made or cancelled, numbered per hall without gaps, so that a
server process's in-memory slot availability learns other processes' bookings incrementally.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "booking_changes",
        sa.Column("hall", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("slot_start", sa.Float(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("hall", "seq", name=op.f("pk_booking_changes")),
    )


def downgrade() -> None:
    op.drop_table("booking_changes")
