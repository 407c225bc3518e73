"""Forgetting a participant: every row of one sender, in every table that holds one.

Rasa's `events` is reached through a lightweight table clause, so this module (and the
CLI) work without importing Rasa.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.research.models import Interview, IssueMention, TrackerSnapshot, Turn

EVENTS = sa.table("events", sa.column("sender_id"))
SNAPSHOTS = TrackerSnapshot.__table__


def delete_research_rows(session: Session, sender_id: str | None = None) -> dict[str, int]:
    """Delete the researcher rows of one sender (None: of everyone). Does not commit."""
    interviews = sa.select(Interview.id)
    if sender_id is not None:
        interviews = interviews.where(Interview.sender_id == sender_id)
    turns = sa.select(Turn.id).where(Turn.interview_id.in_(interviews.scalar_subquery()))
    counts = {}
    for name, statement in (
        ("issue_mentions", sa.delete(IssueMention).where(IssueMention.turn_id.in_(turns.scalar_subquery()))),
        ("turns", sa.delete(Turn).where(Turn.interview_id.in_(interviews.scalar_subquery()))),
        ("interviews", sa.delete(Interview).where(Interview.id.in_(interviews.scalar_subquery()))),
    ):
        counts[name] = session.execute(statement.execution_options(synchronize_session=False)).rowcount
    return counts


def delete_participant(session: Session, sender_id: str) -> dict[str, int]:
    """Delete every row of `sender_id` from every table; returns rows deleted per table.

    Flushes and deletes, does not commit: the caller commits (or rolls back) it as one unit.
    """
    session.flush()
    counts = delete_research_rows(session, sender_id)
    inspector = sa.inspect(session.connection())
    for name, table in (("tracker_snapshots", SNAPSHOTS), ("events", EVENTS)):
        if inspector.has_table(name):
            statement = sa.delete(table).where(table.c.sender_id == sender_id)
            counts[name] = session.execute(statement).rowcount
        else:
            counts[name] = 0
    return counts
