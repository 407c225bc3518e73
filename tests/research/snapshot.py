"""The researcher tables as plain data, without surrogate ids, to compare two projections."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.research.models import Interview, IssueMention, Turn


def snapshot(session: Session) -> dict:
    session.flush()
    result = {}
    for iv in session.execute(sa.select(Interview).order_by(Interview.sender_id)).scalars():
        turns = list(
            session.execute(
                sa.select(Turn).where(Turn.interview_id == iv.id).order_by(Turn.position)
            ).scalars()
        )
        position = {t.id: t.position for t in turns}
        mentions = session.execute(
            sa.select(IssueMention).where(IssueMention.turn_id.in_(list(position))).order_by(IssueMention.id)
        ).scalars()
        result[iv.sender_id] = {
            "interview": {
                c: getattr(iv, c)
                for c in (
                    "pseudonym",
                    "channel",
                    "status",
                    "started_at",
                    "ended_at",
                    "guide_version",
                    "last_event_id",
                    "open_question",
                    "turn_count",
                )
            },
            "turns": [
                (
                    t.position,
                    t.speaker,
                    t.text,
                    t.timestamp,
                    t.question_id,
                    t.intent,
                    t.confidence,
                    t.entities,
                    t.event_id,
                )
                for t in turns
            ],
            "mentions": [
                (position[m.turn_id], m.quality_issue, m.words, position.get(m.followup_turn_id))
                for m in mentions
            ],
        }
    return result
