"""interviews.followup_state → fold_state: it now also holds the last message's buttons.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interviews") as batch:  # batch: SQLite cannot alter in place
        batch.alter_column("followup_state", new_column_name="fold_state")


def downgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.alter_column("fold_state", new_column_name="followup_state")
