"""supervision warnings (电子监察) and 好差评 follow-ups (issue 9).

``warnings``: one row per raised warning, open while ``cleared_at`` is NULL; a partial unique index keeps
at most one open warning per (hall, kind, subject), so a warning fires once even with several server
processes. ``followups``: one per bad rating (unique ticket), with its working-day deadlines.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "warnings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hall", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=96), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("since", sa.Float(), nullable=False),
        sa.Column("raised_at", sa.Float(), nullable=False),
        sa.Column("escalated_at", sa.Float(), nullable=True),
        sa.Column("cleared_at", sa.Float(), nullable=True),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), server_default="{}", nullable=False),
        sa.Column("acknowledged_at", sa.Float(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=96), nullable=True),
        sa.Column("ack_note", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("level IN ('yellow', 'red')", name=op.f("ck_warnings_level")),
        sa.ForeignKeyConstraint(["hall"], ["halls.id"], name=op.f("fk_warnings_hall_halls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warnings")),
    )
    with op.batch_alter_table("warnings", schema=None) as batch_op:
        batch_op.create_index("ix_warnings_hall_raised_at", ["hall", "raised_at"], unique=False)
        batch_op.create_index(
            "uq_warnings_open", ["hall", "kind", "subject"], unique=True,
            sqlite_where=sa.text("cleared_at IS NULL"), postgresql_where=sa.text("cleared_at IS NULL"),
        )
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hall", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.String(length=96), nullable=False),
        sa.Column("number", sa.String(length=8), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("clerk", sa.String(length=64), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("rated_at", sa.Float(), nullable=False),
        sa.Column("opened_at", sa.Float(), nullable=False),
        sa.Column("contact_due", sa.Float(), nullable=False),
        sa.Column("close_due", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        sa.Column("assigned_at", sa.Float(), nullable=True),
        sa.Column("contacted_at", sa.Float(), nullable=True),
        sa.Column("contact_note", sa.Text(), server_default="", nullable=False),
        sa.Column("rectification", sa.Text(), server_default="", nullable=False),
        sa.Column("rectified_at", sa.Float(), nullable=True),
        sa.Column("closed_at", sa.Float(), nullable=True),
        sa.Column("reply", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("state IN ('open', 'contacted', 'closed')", name=op.f("ck_followups_state")),
        sa.ForeignKeyConstraint(["hall"], ["halls.id"], name=op.f("fk_followups_hall_halls")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_followups_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followups")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_followups_ticket_id")),
    )
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.create_index("ix_followups_hall_state", ["hall", "state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.drop_index("ix_followups_hall_state")
    op.drop_table("followups")
    with op.batch_alter_table("warnings", schema=None) as batch_op:
        batch_op.drop_index("uq_warnings_open", sqlite_where=sa.text("cleared_at IS NULL"),
                            postgresql_where=sa.text("cleared_at IS NULL"))
        batch_op.drop_index("ix_warnings_hall_raised_at")
    op.drop_table("warnings")
