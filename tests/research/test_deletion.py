"""Deleting a participant removes every row of theirs, in every table, and nothing else."""

from __future__ import annotations

import json

import sqlalchemy as sa

from bot.research.deletion import delete_participant
from bot.research.models import TrackerSnapshot
from bot.research.projection import rebuild
from tests.research.events import full_interview
from tests.research.snapshot import snapshot

SENDER_TABLES = {"interviews": "sender_id", "tracker_snapshots": "sender_id", "events": "sender_id"}


def rows_of(session, sender_id: str) -> dict[str, int]:
    counts = {
        t: session.execute(sa.text(f"select count(*) from {t} where {c} = :s"), {"s": sender_id}).scalar_one()
        for t, c in SENDER_TABLES.items()
    }
    counts["turns"] = session.execute(
        sa.text(
            "select count(*) from turns join interviews i on i.id = turns.interview_id where i.sender_id = :s"
        ),
        {"s": sender_id},
    ).scalar_one()
    counts["issue_mentions"] = session.execute(
        sa.text(
            "select count(*) from issue_mentions m join turns t on t.id = m.turn_id "
            "join interviews i on i.id = t.interview_id where i.sender_id = :s"
        ),
        {"s": sender_id},
    ).scalar_one()
    return counts


def test_delete_participant_everywhere_and_only_them(engine, session):
    alice = full_interview("alice")
    ben = full_interview("ben", alice.counter)
    alice.write(engine)
    ben.write(engine)
    rebuild(session)
    for sender in ("alice", "ben"):
        session.add(
            TrackerSnapshot(sender_id=sender, upto_event_id=10, events=json.dumps([]), created_at=1.0)
        )
    session.commit()
    ben_before = rows_of(session, "ben")
    ben_snapshot = snapshot(session)["ben"]

    counts = delete_participant(session, "alice")
    session.commit()

    assert counts == {"interviews": 1, "turns": 35, "issue_mentions": 5, "tracker_snapshots": 1, "events": 98}
    assert set(rows_of(session, "alice").values()) == {0}
    assert rows_of(session, "ben") == ben_before
    assert snapshot(session) == {"ben": ben_snapshot}
    assert rebuild(session).interviews == 1  # the log no longer holds alice


def test_delete_unknown_sender_deletes_nothing(engine, session):
    full_interview("alice").write(engine)
    rebuild(session)
    counts = delete_participant(session, "nobody")
    assert set(counts.values()) == {0}
