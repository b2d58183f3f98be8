"""security of the public edge and of staff accounts (issue 13).

``login_throttle``: failed PIN guesses per (staff number, client address) and per address, claimed
atomically before a PIN is checked; ``devices.token_expires_at``; ``phone_codes``: one-time codes that
prove a phone number; ``appointments.verified`` / ``phone_hash``: bookings whose phone was proved
(bookings made before this revision are not: they are changed at a counter).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    op.create_table(
        "phone_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("used", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=True),
        sa.Column("session_expires_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_codes")),
        sa.UniqueConstraint("session_hash", name=op.f("uq_phone_codes_session_hash")),
    )
    with op.batch_alter_table("phone_codes", schema=None) as batch_op:
        batch_op.create_index("ix_phone_codes_phone_hash_created_at", ["phone_hash", "created_at"])
        batch_op.create_index("ix_phone_codes_address_hash_created_at", ["address_hash", "created_at"])
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_expires_at", sa.Float(), nullable=True))
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verified", sa.Boolean(), server_default=sa.text("false"), nullable=False))
        batch_op.add_column(sa.Column("phone_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_column("phone_hash")
        batch_op.drop_column("verified")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("token_expires_at")
    op.drop_table("phone_codes")
    op.drop_table("login_throttle")
