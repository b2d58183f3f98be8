"""ratings: a NULL score records 未评价 (the pad was offered and nobody pressed a key).

004 第三十三条: a rating is voluntary and never defaulted, so "not rated" must be storable as itself
(issue 9 reports 未评价率); the counter terminal posts it when the pad's time runs out.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ratings_score"), type_="check")
        batch_op.alter_column("score", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(op.f("ck_ratings_score"), "score IS NULL OR score BETWEEN 1 AND 5")


def downgrade() -> None:
    op.execute("DELETE FROM ratings WHERE score IS NULL")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ratings_score"), type_="check")
        batch_op.alter_column("score", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(op.f("ck_ratings_score"), "score BETWEEN 1 AND 5")
