"""SQLAlchemy models of the researcher tables, with their own MetaData (not Rasa's).

Times are float seconds since the epoch (UTC), exactly as Rasa stores event timestamps: no
time-zone conversion, identical on SQLite and PostgreSQL, and a rebuild reproduces them
bit for bit. Every table uses `sqlite_autoincrement` so ids are never reused after a
deletion (a reused id could be mistaken for a deleted participant's row).
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base, relationship

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
Base = declarative_base(metadata=metadata)
AUTOINCREMENT = {"sqlite_autoincrement": True}

PARTICIPANT, BOT = "participant", "bot"


class Interview(Base):
    """One consented conversation (one Rasa sender id), and where its projection stands."""

    __tablename__ = "interviews"
    __table_args__ = AUTOINCREMENT

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, unique=True)  # links to events.sender_id
    pseudonym = Column(String(32), nullable=False, index=True)
    channel = Column(String(64))
    status = Column(String(32), nullable=False)
    started_at = Column(Float, nullable=False)
    ended_at = Column(Float)
    guide_version = Column(String(64), nullable=False)
    # fold state: the projection continues from here with only the new events
    last_event_id = Column(Integer, nullable=False)
    open_question = Column(String(255))
    turn_count = Column(Integer, nullable=False)
    # JSON {"issue": id, "mentions": [issue_mentions.id], "buttons": [[title, payload], ...]}
    fold_state = Column(Text)

    turns = relationship("Turn", order_by="Turn.position", viewonly=True)


class Turn(Base):
    """One message, by the participant or the bot, in conversation order."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("interview_id", "position"), AUTOINCREMENT)

    id = Column(Integer, primary_key=True)
    interview_id = Column(Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)  # 1..n; `order` is an SQL keyword
    speaker = Column(String(16), nullable=False)
    text = Column(Text, nullable=False)
    timestamp = Column(Float, nullable=False)
    question_id = Column(String(255), index=True)
    intent = Column(String(255))
    confidence = Column(Float)
    entities = Column(Text)  # JSON list of Rasa's entity dicts (participant turns)
    event_id = Column(Integer, nullable=False)  # events.id it came from

    interview = relationship("Interview")
    mentions = relationship(
        "IssueMention", foreign_keys="IssueMention.turn_id", order_by="IssueMention.id", viewonly=True
    )


class IssueMention(Base):
    """A quality issue recognised in a participant turn, and the turn answering its follow-up."""

    __tablename__ = "issue_mentions"
    __table_args__ = AUTOINCREMENT

    id = Column(Integer, primary_key=True)
    turn_id = Column(Integer, ForeignKey("turns.id", ondelete="CASCADE"), nullable=False, index=True)
    quality_issue = Column(String(255), nullable=False, index=True)  # catalog id
    words = Column(Text, nullable=False)  # the participant's words that matched
    followup_turn_id = Column(Integer, ForeignKey("turns.id", ondelete="SET NULL"))

    turn = relationship("Turn", foreign_keys=[turn_id])
    followup_turn = relationship("Turn", foreign_keys=[followup_turn_id])


class TrackerSnapshot(Base):
    """A compacted prefix of a conversation's events, kept by the tracker store."""

    __tablename__ = "tracker_snapshots"

    sender_id = Column(String(255), primary_key=True)
    upto_event_id = Column(Integer, nullable=False)
    events = Column(Text, nullable=False)  # JSON list of event dicts
    created_at = Column(Float)


RESEARCH_TABLES = ("interviews", "turns", "issue_mentions")
