"""ID card at the kiosk (issue 18): card_daily (per-person daily limit, one row per ticket, unique per
person, service, day and place) and card_links (booking person hash ↔ card hash). Keyed hashes only: no
ID number, name or photo is ever stored.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "card_daily",
        sa.Column("hall", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("person_hash", sa.String(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.String(length=96), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("hall", "service", "day", "person_hash", "n", name=op.f("pk_card_daily")),
    )
    op.create_table(
        "card_links",
        sa.Column("card_hash", sa.String(length=64), nullable=False),
        sa.Column("person_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("card_hash", name=op.f("pk_card_links")),
        sa.UniqueConstraint("person_hash", name=op.f("uq_card_links_person_hash")),
    )


def downgrade() -> None:
    op.drop_table("card_links")
    op.drop_table("card_daily")
