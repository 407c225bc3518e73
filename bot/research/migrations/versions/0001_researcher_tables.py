"""Researcher tables (interviews, turns, issue_mentions) and the tracker store's snapshots.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AUTOINCREMENT = {"sqlite_autoincrement": True}


def upgrade() -> None:
    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("pseudonym", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("ended_at", sa.Float(), nullable=True),
        sa.Column("guide_version", sa.String(64), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("open_question", sa.String(255), nullable=True),
        sa.Column("turn_count", sa.Integer(), nullable=False),
        sa.Column("followup_state", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_interviews"),
        sa.UniqueConstraint("sender_id", name="uq_interviews_sender_id"),
        **AUTOINCREMENT,
    )
    op.create_index("ix_interviews_pseudonym", "interviews", ["pseudonym"])
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=False),
        sa.Column("question_id", sa.String(255), nullable=True),
        sa.Column("intent", sa.String(255), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("entities", sa.Text(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interviews.id"], name="fk_turns_interview_id_interviews", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_turns"),
        sa.UniqueConstraint("interview_id", "position", name="uq_turns_interview_id"),
        **AUTOINCREMENT,
    )
    op.create_index("ix_turns_question_id", "turns", ["question_id"])
    op.create_table(
        "issue_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("quality_issue", sa.String(255), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("followup_turn_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["turn_id"], ["turns.id"], name="fk_issue_mentions_turn_id_turns", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["followup_turn_id"],
            ["turns.id"],
            name="fk_issue_mentions_followup_turn_id_turns",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_issue_mentions"),
        **AUTOINCREMENT,
    )
    op.create_index("ix_issue_mentions_turn_id", "issue_mentions", ["turn_id"])
    op.create_index("ix_issue_mentions_quality_issue", "issue_mentions", ["quality_issue"])
    op.create_table(
        "tracker_snapshots",
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("upto_event_id", sa.Integer(), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("sender_id", name="pk_tracker_snapshots"),
    )


def downgrade() -> None:
    op.drop_table("tracker_snapshots")
    op.drop_table("issue_mentions")
    op.drop_table("turns")
    op.drop_table("interviews")
