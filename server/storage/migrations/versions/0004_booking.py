"""booking (issue 8): check-in window close and no-show time on appointments; phone_requests (rate
limits of the public phone pages) and notices (到号提醒 sent, one per ticket).

003 §7: a booking neither kept nor cancelled is a no-show once its check-in window has closed
(``closes_at``); the periodic sweep writes ``state = 'no_show'`` and ``no_show_at``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closes_at", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("no_show_at", sa.Float(), nullable=True))
        batch_op.create_index(batch_op.f("ix_appointments_state_closes_at"), ["state", "closes_at"], unique=False)

    op.create_table(
        "phone_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hall", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("person_hash", sa.String(length=64), nullable=True),
        sa.Column("service", sa.String(length=32), nullable=True),
        sa.Column("ticket_id", sa.String(length=96), nullable=True),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_requests")),
    )
    with op.batch_alter_table("phone_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_requests_address_hash_at"), ["address_hash", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_phone_requests_person_hash_at"), ["person_hash", "at"], unique=False)

    op.create_table(
        "notices",
        sa.Column("ticket_id", sa.String(length=96), nullable=False),
        sa.Column("hall", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recipient_mask", sa.String(length=32), nullable=False),
        sa.Column("backend", sa.String(length=16), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_notices")),
    )


def downgrade() -> None:
    op.drop_table("notices")
    with op.batch_alter_table("phone_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_requests_person_hash_at"))
        batch_op.drop_index(batch_op.f("ix_phone_requests_address_hash_at"))
    op.drop_table("phone_requests")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointments_state_closes_at"))
        batch_op.drop_column("no_show_at")
        batch_op.drop_column("closes_at")
